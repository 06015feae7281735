"""Camera-ready metadata: the authors of an accepted, released paper confirm the title,
abstract, authors (names, affiliations, order) and links that the public page and program
JSON publish; the submission that was reviewed stays as it was; every change is audited;
only the authors, only until the paper's camera-ready deadline (extensions honoured)."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.cameraready.models import CameraReady
from paperdesk.submissions.models import Submission
from tests.cameraready.camera_ready_world import author_ids, crworld, metadata_post  # noqa: F401

NEW_TITLE = "Sparse Circuits in Toy Models, Revisited"
NEW_ABSTRACT = "The published abstract, rewritten after the reviews."


def confirm(world, role="john", **changes):
    return world.client(role).post(reverse("cameraready:camera_ready_metadata", args=[world.paper.public_id]), metadata_post(world, **changes))


def test_authors_confirm_metadata_that_the_public_page_and_program_show(crworld):
    john, jose = author_ids(crworld)
    response = confirm(crworld, title=NEW_TITLE, abstract=NEW_ABSTRACT, code_url="https://github.com/jsmith/sparse-circuits",
                       data_url="https://huggingface.co/datasets/jsmith/circuits",
                       **{f"author-{john}-position": "2", f"author-{jose}-position": "1",
                          f"author-{jose}-name": "José A. Núñez", f"author-{john}-affiliation": "University of Carrowmore"})
    assert response.status_code == 302, response.content.decode()[:500]
    # the chairs publish the program, listing unconfirmed papers as "to be confirmed"
    assert crworld.client("chair").post(reverse("cameraready:program_publish", args=[crworld.venue.slug]),
                                        {"action": "publish", "unconfirmed": "tbc"}).status_code == 302

    html = crworld.client("anonymous").get(reverse("cameraready:accepted", args=[crworld.venue.slug])).content.decode()
    assert NEW_TITLE in html and NEW_ABSTRACT in html and "Sparse circuits in toy models" not in html
    assert html.index("José A. Núñez") < html.index("John Smith")
    assert "University of Carrowmore" in html and "https://github.com/jsmith/sparse-circuits" in html

    data = crworld.client("anonymous").get(reverse("cameraready:program_json", args=[crworld.venue.slug])).json()
    entry = next(p for p in data["papers"] if p["id"] == crworld.paper.public_id)
    assert entry["title"] == NEW_TITLE and entry["abstract"] == NEW_ABSTRACT
    assert entry["authors"] == [{"name": "José A. Núñez", "affiliation": "Glenvale Institute for Vision"},
                                {"name": "John Smith", "affiliation": "University of Carrowmore"}]
    assert entry["code_url"] == "https://github.com/jsmith/sparse-circuits"
    assert entry["data_url"] == "https://huggingface.co/datasets/jsmith/circuits"
    other = next(p for p in data["papers"] if p["id"] == crworld.missing.public_id)
    assert other["title"] == crworld.missing.title and other["code_url"] is None  # nothing confirmed: the submitted title
    assert other["to_be_confirmed"] is True and other["authors"] == [] and other["pdf"] is None


def test_the_reviewed_submission_keeps_its_metadata(crworld):
    _john, jose = author_ids(crworld)
    confirm(crworld, title=NEW_TITLE, **{f"author-{jose}-name": "José A. Núñez"})
    paper = Submission.objects.get(pk=crworld.paper.pk)
    assert paper.title == "Sparse circuits in toy models"
    assert [a.name for a in paper.authorships.order_by("position")] == ["John Smith", "José Núñez"]
    reviewer_page = crworld.client("reviewer").get(reverse("reviews:paper", args=[paper.public_id])).content.decode()
    assert "Sparse circuits in toy models" in reviewer_page and NEW_TITLE not in reviewer_page
    table = crworld.client("chair").get(reverse("decisions:table", args=[crworld.venue.slug])).content.decode()
    assert "Sparse circuits in toy models" in table and NEW_TITLE not in table


def test_every_change_is_audited_and_the_checklist_marks_it_confirmed(crworld):
    john, _ = author_ids(crworld)
    page = crworld.client("john").get(reverse("decisions:author", args=[crworld.paper.public_id])).content.decode()
    assert 'data-item="metadata"' in page and "Confirm the title, abstract, author names" in page
    assert confirm(crworld).status_code == 302  # confirming as submitted
    assert confirm(crworld, "jose", title=NEW_TITLE, **{f"author-{john}-name": "John Q. Smith"}).status_code == 302
    entries = list(AuditEntry.objects.filter(action="camera_ready.metadata").order_by("pk"))
    assert len(entries) == 2
    assert entries[0].data["first_confirmation"] is True and entries[0].data["changes"] == {}
    changes = entries[1].data["changes"]
    assert entries[1].actor == crworld.people["jose"]
    assert changes["title"] == {"from": "Sparse circuits in toy models", "to": NEW_TITLE}
    assert changes["authors"]["from"][0][1] == "John Smith" and changes["authors"]["to"][0][1] == "John Q. Smith"
    assert "abstract" not in changes
    page = crworld.client("john").get(reverse("decisions:author", args=[crworld.paper.public_id])).content.decode()
    assert "Confirmed by José Núñez" in page and f'value="{NEW_TITLE}"' in page and 'value="John Q. Smith"' in page


def test_bad_input_gets_a_clear_400_and_keeps_what_was_typed(crworld):
    john, jose = author_ids(crworld)
    response = confirm(crworld, title="", code_url="ftp://example.org/code", **{f"author-{jose}-name": "Typed Name Kept"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Enter the title as it should be published." in html and "Enter a valid URL." in html
    assert 'value="Typed Name Kept"' in html and 'value="ftp://example.org/code"' in html
    response = confirm(crworld, **{f"author-{john}-position": "1", f"author-{jose}-position": "1"})
    assert response.status_code == 400 and "Two authors have the same place" in response.content.decode()
    response = confirm(crworld, **{f"author-{jose}-position": "7"})
    assert response.status_code == 400 and "Places run from 1 to 2." in response.content.decode()
    response = confirm(crworld, **{f"author-{john}-name": "   "})
    assert response.status_code == 400 and "Every author needs a name." in response.content.decode()
    assert not CameraReady.objects.filter(confirmed_at__isnull=False).exists()
    assert not AuditEntry.objects.filter(action="camera_ready.metadata").exists()


def test_only_the_authors_of_an_accepted_released_paper_edit(crworld):
    for role in ("chair", "reviewer", "grace", "anonymous"):
        response = confirm(crworld, role, title="Hijacked")
        assert response.status_code in (302, 404), role
        if response.status_code == 302:  # the anonymous visitor is sent to sign in
            assert "login" in response["Location"], role
    rejected = crworld.client("ada").post(reverse("cameraready:camera_ready_metadata", args=[crworld.rejected.public_id]), {"title": "x"})
    assert rejected.status_code == 403 and "Only accepted papers have a camera-ready version" in rejected.content.decode()
    assert not CameraReady.objects.filter(confirmed_at__isnull=False).exists()


def test_the_deadline_closes_editing_and_a_chairs_extension_reopens_it(crworld, at):
    venue = crworld.venue
    at(venue.camera_ready_deadline + dt.timedelta(hours=1))
    response = confirm(crworld, title=NEW_TITLE)
    assert response.status_code == 403 and "The camera-ready deadline passed on" in response.content.decode()
    page = crworld.client("john").get(reverse("decisions:author", args=[crworld.paper.public_id])).content.decode()
    assert "The camera-ready deadline passed on" in page and 'name="title"' not in page  # read-only after the deadline

    # The chair grants two more days, typed in the venue's time zone.
    until_local = venue.local(venue.camera_ready_deadline + dt.timedelta(days=2))
    response = crworld.client("chair").post(reverse("cameraready:camera_ready_extension", args=[venue.slug, crworld.paper.public_id]),
                                            {"until": until_local.strftime("%Y-%m-%dT%H:%M")})
    assert response.status_code == 302
    assert CameraReady.objects.get(submission=crworld.paper).deadline_extension == until_local.astimezone(dt.UTC)
    assert AuditEntry.objects.filter(action="camera_ready.extension", object_id=crworld.paper.public_id).exists()
    assert confirm(crworld, title=NEW_TITLE).status_code == 302
    page = crworld.client("john").get(reverse("decisions:author", args=[crworld.paper.public_id])).content.decode()
    assert "an extension for this paper" in page
    # The other accepted paper got no extension: still closed.
    response = crworld.client("grace").post(reverse("cameraready:camera_ready_metadata", args=[crworld.missing.public_id]), {"title": "x"})
    assert response.status_code == 403
    at(until_local + dt.timedelta(minutes=1))
    assert confirm(crworld, title="Too late").status_code == 403


def test_extensions_only_by_chairs_who_are_not_authors(crworld):
    from paperdesk.venues.models import VenueRole

    url = reverse("cameraready:camera_ready_extension", args=[crworld.venue.slug, crworld.paper.public_id])
    for role in ("john", "reviewer"):
        assert crworld.client(role).post(url, {"until": "2030-01-01T12:00"}).status_code == 404, role
    VenueRole.objects.create(venue=crworld.venue, user=crworld.people["john"], role=VenueRole.Role.CHAIR)
    response = crworld.client("john").post(url, {"until": "2030-01-01T12:00"})
    assert response.status_code == 403 and "another chair must grant" in response.content.decode()
    rejected = reverse("cameraready:camera_ready_extension", args=[crworld.venue.slug, crworld.rejected.public_id])
    assert crworld.client("chair").post(rejected, {"until": "2030-01-01T12:00"}).status_code == 404
    response = crworld.client("chair").post(url, {"until": "not a date"})
    assert response.status_code == 400 and "Enter the new camera-ready deadline" in response.content.decode()
    assert 'value="not a date"' in response.content.decode()
    assert not CameraReady.objects.filter(deadline_extension__isnull=False).exists()


def test_the_camera_ready_check_expects_the_confirmed_names(crworld):
    """A renamed author is looked for under the published name; the submitted one still counts."""
    from paperdesk.cameraready.selectors import confirmed_author_names
    from paperdesk.submissions.checking import identities_for

    john, jose = author_ids(crworld)
    assert confirmed_author_names(crworld.paper) == {}
    assert confirm(crworld, **{f"author-{jose}-name": "José A. Núñez", f"author-{jose}-affiliation": "Glenvale Institute"}).status_code == 302
    published = confirmed_author_names(crworld.paper)
    assert published[jose] == ("José A. Núñez", "Glenvale Institute") and published[john][0] == "John Smith"
    identities = {i.name: i for i in identities_for(crworld.paper, published)}
    assert set(identities) == {"John Smith", "José A. Núñez"}
    assert "José Núñez" in identities["José A. Núñez"].other_names
    assert "Glenvale Institute" in identities["José A. Núñez"].affiliations
