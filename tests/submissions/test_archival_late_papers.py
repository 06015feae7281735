"""Archival status for the papers that arrive after the listing: a paper submitted (or
restored) after the chairs imported a listing, or whose title or author list changes while
it is submitted, is looked up in the venue's listings by a job run after the commit, so the
chairs' hint covers the late papers without anyone matching again. Re-matching replaces the
paper's undismissed matches and never raises a dismissed one again."""

from __future__ import annotations

import dataclasses
import io

import pytest
from submission_helpers import pdf, submission_input

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions import archival, services
from paperdesk.submissions.models import ArchivalMatch
from paperdesk.submissions.services import AuthorInput

LISTING = b"""title,authors,venue,year
Sparse Features in Toy Models,Ada Lovelace; Charles Babbage,ACL,2024
Something else entirely about birds,Bo Chen,TMLR,2023
"""
MATCHING = "Sparse features in toy models"
UNRELATED = "A fresh look at induction heads"


@pytest.fixture
def archival_dir(settings, tmp_path):
    settings.PAPERDESK_ARCHIVAL_DIR = tmp_path / "archival"
    return settings.PAPERDESK_ARCHIVAL_DIR


@pytest.fixture
def listing(archival_dir, venue, chair):
    """The venue's CSV listing, imported before any paper below exists."""
    return archival.import_listing(venue=venue, actor=chair, stream=io.BytesIO(LISTING), filename="published.csv")


@pytest.fixture
def edit(django_capture_on_commit_callbacks):
    """Save a submission's form as its author does, running the on-commit jobs."""

    def _edit(submission, actor, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            services.submission_update(submission=submission, actor=actor, data=submission_input(**fields))
        submission.refresh_from_db()
        return submission

    return _edit


def open_titles(submission) -> list[str]:
    return list(ArchivalMatch.objects.filter(submission=submission, dismissed_at__isnull=True).values_list("title", flat=True))


def test_a_paper_submitted_after_the_import_is_matched_by_a_job_after_the_commit(listing, venue, author, make_submission, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), title=MATCHING)  # a draft so far
    assert open_titles(paper) == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.submission_submit(submission=paper, actor=author)
    assert open_titles(paper) == []  # the submit itself never reads the index
    for callback in callbacks:
        callback()
    assert open_titles(paper) == ["Sparse Features in Toy Models"]
    match = ArchivalMatch.objects.get(submission=paper)
    assert (match.listing, match.venue_name, match.year) == (listing, "ACL", 2024)
    assert AuditEntry.objects.filter(action="archival.match_paper", submission_id=paper.pk).exists()


def test_a_submitted_paper_retitled_to_match_is_matched_and_retitled_away_loses_the_match(listing, venue, author, make_submission, edit):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=UNRELATED)
    assert open_titles(paper) == []
    edit(paper, author, title=MATCHING)
    assert open_titles(paper) == ["Sparse Features in Toy Models"]
    edit(paper, author, title=UNRELATED)
    assert open_titles(paper) == []
    assert not ArchivalMatch.objects.filter(submission=paper).exists()


def test_a_change_of_authors_looks_the_paper_up_again(listing, venue, author, make_submission, edit):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=MATCHING, authors=[AuthorInput("ada@uni.edu", "A. Nonymous", "Uni", True)])
    match = ArchivalMatch.objects.get(submission=paper)
    assert match.author_overlap == 0 and match.score < 0.8  # the same title by other people
    edit(paper, author, title=MATCHING, authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True)])
    match.refresh_from_db()
    assert match.author_overlap == 1 and match.score == 1  # the same row, rescored
    ArchivalMatch.objects.filter(submission=paper).delete()  # as if the paper had been missed
    edit(paper, author, title=MATCHING, authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True),
                                                 AuthorInput("charles@uni.edu", "Charles Babbage", "Uni")])
    assert open_titles(paper) == ["Sparse Features in Toy Models"]


def test_an_edit_that_changes_neither_title_nor_authors_looks_nothing_up(listing, venue, author, make_submission, edit):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=MATCHING)
    ArchivalMatch.objects.filter(submission=paper).delete()
    edit(paper, author, title=MATCHING, abstract="A new abstract.")
    assert open_titles(paper) == []


def test_a_dismissed_match_stays_dismissed_when_the_paper_is_matched_again(listing, venue, author, chair, make_submission, edit):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=MATCHING)
    match = ArchivalMatch.objects.get(submission=paper)
    archival.dismiss_match(match=match, actor=chair, note="Non-archival workshop version")
    edit(paper, author, title=MATCHING + ".", authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True),
                                                       AuthorInput("charles@uni.edu", "Charles Babbage", "Uni")])
    edit(paper, author, title=UNRELATED)
    edit(paper, author, title=MATCHING)
    rows = list(ArchivalMatch.objects.filter(submission=paper))
    assert [(m.pk, m.dismissed_by, m.dismiss_note) for m in rows] == [(match.pk, chair, "Non-archival workshop version")]
    assert open_titles(paper) == []


def test_a_paper_restored_after_the_import_is_matched(archival_dir, venue, author, chair, make_submission, django_capture_on_commit_callbacks):
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=MATCHING)
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_withdraw(submission=paper, actor=author)
    archival.import_listing(venue=venue, actor=chair, stream=io.BytesIO(LISTING), filename="published.csv")
    assert open_titles(paper) == []  # a withdrawn paper is not looked up
    with django_capture_on_commit_callbacks(execute=True):
        services.submission_unwithdraw(submission=paper, actor=author)
    assert open_titles(paper) == ["Sparse Features in Toy Models"]


def test_a_paper_of_another_venue_is_not_matched_against_this_venues_listing(listing, venue, venue_spec, author, make_submission):
    from paperdesk.venues.services import venue_load

    other, _ = venue_load(dataclasses.replace(venue_spec, slug="other-2025", rehearsal=False))
    paper = make_submission(other, author, pdf=pdf(), submit=True, title=MATCHING)
    assert paper.status == "submitted"
    assert not ArchivalMatch.objects.filter(submission=paper).exists()


def test_chairs_see_the_late_match_and_a_conflicted_chair_sees_nothing(listing, venue, author, chair, make_submission, login):
    from paperdesk.committee.models import Conflict

    paper = make_submission(venue, author, pdf=pdf(), submit=True, title=MATCHING)
    as_chair = login(chair)
    assert "Archival match" in as_chair.get(f"/submissions/{paper.public_id}/").content.decode()
    page = as_chair.get(f"/v/{venue.slug}/chair/archival/").content.decode()
    assert "Last matched" in page and "matched as they are submitted" in page
    assert f"{listing.imported_at:%Y-%m-%d}" in page and "not yet" not in page  # the import matched every paper
    Conflict.objects.create(submission=paper, user=chair, source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    assert "Archival match" not in as_chair.get(f"/submissions/{paper.public_id}/").content.decode()
    counts = {c[0]: c[2] for c in as_chair.get(f"/v/{venue.slug}/chair/findings/").context["categories"]}
    assert counts["archival"] == 0
