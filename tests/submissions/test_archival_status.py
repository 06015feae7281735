"""Archival status (issue 12 item 4): chairs import an archival listing (DBLP XML slice,
BibTeX, CSV); a submitted paper whose title and authors match a publication is flagged on
the findings page (filter "archival") and on the paper's chair view; chairs dismiss a match
(audited); authors, reviewers and conflicted chairs see nothing of it."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from submission_helpers import pdf

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions import archival
from paperdesk.submissions.models import ArchivalListing, ArchivalMatch

DBLP = b"""<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE dblp SYSTEM "dblp.dtd">
<dblp>
<inproceedings key="conf/acl/L24"><author>Ada Lovelace</author><author>Charles Babbage</author>
<title>Sparse Features in Toy Models.</title><booktitle>ACL</booktitle><year>2024</year></inproceedings>
<article key="journals/x/Y"><author>Bo Chen</author><title>Something else entirely about birds</title><journal>TMLR</journal><year>2023</year></article>
</dblp>
"""


@pytest.fixture
def archival_dir(settings, tmp_path):
    settings.PAPERDESK_ARCHIVAL_DIR = tmp_path / "archival"
    return settings.PAPERDESK_ARCHIVAL_DIR


@pytest.fixture
def papers(venue, author, make_submission):
    return {
        "dup": make_submission(venue, author, pdf=pdf(), submit=True, title="Sparse features in toy models"),
        "new": make_submission(venue, author, pdf=pdf(), submit=True, title="A fresh look at induction heads"),
    }


def test_cli_import_and_match_flag_the_published_paper(archival_dir, tmp_path, venue, papers, chair):
    listing_file = tmp_path / "slice.xml"
    listing_file.write_bytes(DBLP)
    out = io.StringIO()
    call_command("archival", "import", str(listing_file), "--venue", venue.slug, stdout=out)
    assert "2 records" in out.getvalue()
    listing = ArchivalListing.objects.get(venue=venue)
    assert listing.records == 2 and listing.kind == "dblp"
    match = ArchivalMatch.objects.get(submission=papers["dup"])
    assert (match.venue_name, match.year, match.title) == ("ACL", 2024, "Sparse Features in Toy Models")
    assert match.authors == ["Ada Lovelace", "Charles Babbage"] and match.score > 0.9
    assert not ArchivalMatch.objects.filter(submission=papers["new"]).exists()
    out = io.StringIO()
    call_command("archival", "match", "--venue", venue.slug, stdout=out)
    assert "1 paper" in out.getvalue()
    assert ArchivalMatch.objects.filter(submission=papers["dup"]).count() == 1  # matching again adds no duplicate
    assert AuditEntry.objects.filter(action="archival.import").exists()


def test_web_upload_filter_paper_view_and_dismiss(archival_dir, venue, papers, chair, login):
    client = login(chair)
    page = client.get(f"/v/{venue.slug}/chair/archival/")
    assert page.status_code == 200
    bad = client.post(f"/v/{venue.slug}/chair/archival/", {"file": SimpleUploadedFile("x.xml", b'<?xml version="1.0"?><!DOCTYPE dblp [<!ENTITY a "aa">]><dblp/>')})
    assert bad.status_code == 400 and "declares its own document type" in bad.content.decode()
    assert not ArchivalListing.objects.exists()
    done = client.post(f"/v/{venue.slug}/chair/archival/", {"file": SimpleUploadedFile("slice.xml", DBLP)})
    assert done.status_code == 302
    findings = client.get(f"/v/{venue.slug}/chair/findings/")
    counts = {c[0]: c[2] for c in findings.context["categories"]}
    assert counts["archival"] == 1
    flagged = client.get(f"/v/{venue.slug}/chair/findings/?finding=archival")
    assert [r.submission.title for r in flagged.context["rows"]] == ["Sparse features in toy models"]
    text = flagged.content.decode()
    assert "ACL" in text and "2024" in text and "Sparse Features in Toy Models" in text
    detail = client.get(f"/submissions/{papers['dup'].public_id}/").content.decode()
    assert "Archival match" in detail and "Charles Babbage" in detail
    match = ArchivalMatch.objects.get(submission=papers["dup"])
    dismissed = client.post(f"/submissions/{papers['dup'].public_id}/archival/{match.pk}/dismiss/", {"note": "Non-archival workshop version"})
    assert dismissed.status_code == 302
    match.refresh_from_db()
    assert match.dismissed_at is not None and match.dismissed_by == chair
    assert AuditEntry.objects.filter(action="archival.dismiss", data__note="Non-archival workshop version").exists()
    counts = {c[0]: c[2] for c in client.get(f"/v/{venue.slug}/chair/findings/").context["categories"]}
    assert counts["archival"] == 0
    archival.match_venue(venue, actor=chair)  # a dismissed match is not raised again
    assert ArchivalMatch.objects.filter(submission=papers["dup"], dismissed_at__isnull=True).count() == 0


def test_authors_reviewers_and_conflicted_chairs_see_nothing(archival_dir, venue, papers, chair, author, login, tmp_path, make_user):
    from paperdesk.committee.models import Conflict

    archival.import_listing(venue=venue, actor=chair, stream=io.BytesIO(DBLP), filename="slice.xml")
    match = ArchivalMatch.objects.get(submission=papers["dup"])
    as_author = login(author)
    assert "Archival match" not in as_author.get(f"/submissions/{papers['dup'].public_id}/").content.decode()
    assert as_author.get(f"/v/{venue.slug}/chair/archival/").status_code == 404
    assert as_author.post(f"/submissions/{papers['dup'].public_id}/archival/{match.pk}/dismiss/").status_code == 404
    stranger = login(make_user("someone@example.org", "Some One"))
    assert stranger.post(f"/submissions/{papers['dup'].public_id}/archival/{match.pk}/dismiss/").status_code == 404
    Conflict.objects.create(submission=papers["dup"], user=chair, source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    conflicted = login(chair)
    counts = {c[0]: c[2] for c in conflicted.get(f"/v/{venue.slug}/chair/findings/").context["categories"]}
    assert counts["archival"] == 0
    assert conflicted.post(f"/submissions/{papers['dup'].public_id}/archival/{match.pk}/dismiss/").status_code == 404
    match.refresh_from_db()
    assert match.dismissed_at is None


def test_api_lists_and_dismisses_matches_for_unconflicted_chairs_only(archival_dir, venue, papers, chair, author):
    from django.test import Client

    from paperdesk.api.models import ApiToken

    archival.import_listing(venue=venue, actor=chair, stream=io.BytesIO(DBLP), filename="slice.xml")
    match = ArchivalMatch.objects.get(submission=papers["dup"])

    def client(user):
        _token, raw = ApiToken.issue(user, "test")
        return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")

    as_chair = client(chair)
    listed = as_chair.get(f"/api/submissions/{papers['dup'].public_id}/archival-matches")
    assert listed.status_code == 200
    assert [(m["venue"], m["year"], m["dismissed"]) for m in listed.json()] == [("ACL", 2024, False)]
    assert client(author).get(f"/api/submissions/{papers['dup'].public_id}/archival-matches").status_code == 404
    assert client(author).post(f"/api/submissions/{papers['dup'].public_id}/archival-matches/{match.pk}/dismiss",
                               {"note": "x"}, content_type="application/json").status_code == 404
    done = as_chair.post(f"/api/submissions/{papers['dup'].public_id}/archival-matches/{match.pk}/dismiss",
                         {"note": "Workshop version"}, content_type="application/json")
    assert done.status_code == 200 and done.json()["dismissed"] is True
    again = as_chair.post(f"/api/submissions/{papers['dup'].public_id}/archival-matches/{match.pk}/dismiss",
                          {"note": "twice"}, content_type="application/json")
    assert again.status_code == 409
