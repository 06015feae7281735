"""The public accepted-papers page of a large venue: a hundred papers a page in program
order (track, then title), searchable by title and author, filtered by track, in the same
number of queries whatever the size of the program."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paperdesk import clock
from paperdesk.cameraready.models import CameraReady, CameraReadyAuthor, ProgramPublication
from paperdesk.decisions.models import Decision
from paperdesk.submissions.models import Authorship
from tests.decisions.test_table_scale import add_papers


def accept_and_release(venue, chair, papers, outcome="accept-poster"):
    """Accepted, released, the authors' details confirmed as submitted, the program published."""
    Decision.objects.bulk_create([Decision(submission=p, outcome=outcome, decided_by=chair, released_at=venue.submission_deadline) for p in papers])
    CameraReady.objects.bulk_create([CameraReady(submission=p, title=p.title, abstract=p.abstract, confirmed_at=venue.submission_deadline) for p in papers])
    rows = {r.submission_id: r for r in CameraReady.objects.filter(submission__in=papers)}
    CameraReadyAuthor.objects.bulk_create([CameraReadyAuthor(camera_ready=rows[a.submission_id], authorship=a, position=a.position, name=a.name,
                                                             affiliation=a.affiliation) for a in Authorship.objects.filter(submission__in=papers)])
    ProgramPublication.objects.update_or_create(venue=venue, defaults={"published_at": clock.now(), "updated_by": chair, "updated_at": clock.now()})


@pytest.fixture
def program(venue, chair):
    papers = add_papers(venue, chair, [], 230)
    accept_and_release(venue, chair, papers[:-10])  # the last ten are not accepted: never listed
    return papers


def titles_on(html: str) -> list[str]:
    return re.findall(r"<h2>(Scaled paper \d+)</h2>", html)


def get(venue, **params):
    return Client().get(reverse("cameraready:accepted", args=[venue.slug]), params)


def test_accepted_page_lists_a_hundred_papers_a_page_in_program_order(venue, program):
    accepted = sorted(p.title for p in program[:-10])
    pages = [titles_on(get(venue, page=n).content.decode()) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [100, 100, 20]
    assert pages[0] + pages[1] + pages[2] == accepted
    first = get(venue).content.decode()
    assert "220 accepted papers" in first and "page 1 of 3" in first
    assert get(venue, page="999").status_code == 200 and titles_on(get(venue, page="999").content.decode()) == pages[2]
    assert titles_on(get(venue, page="nonsense").content.decode()) == pages[0]


def test_accepted_page_search_and_track_filter(venue, program):
    found = get(venue, q="paper 0042").content.decode()
    assert titles_on(found) == ["Scaled paper 0042"] and "1 of 220 accepted papers" in found
    by_author = get(venue, q="Author 42").content.decode()  # every word matches a title or an author
    assert titles_on(by_author) == ["Scaled paper 0042", "Scaled paper 0142"]
    assert titles_on(get(venue, q="paper 0225").content.decode()) == []  # not accepted
    assert "No accepted paper matches." in get(venue, q="no such words").content.decode()
    other = venue.tracks.exclude(pk=program[0].track_id).first()
    assert titles_on(get(venue, track=other.slug).content.decode()) == []
    assert len(titles_on(get(venue, track=program[0].track.slug, page=2).content.decode())) == 100
    assert get(venue, q="<script>alert(1)</script>").content.decode().count("<script>alert(1)") == 0


def test_accepted_page_queries_do_not_grow_with_the_program(venue, chair):
    small = add_papers(venue, chair, [], 120)  # more than a page: the search form shows in both
    accept_and_release(venue, chair, small)
    with CaptureQueriesContext(connection) as few:
        assert get(venue).status_code == 200
    accept_and_release(venue, chair, add_papers(venue, chair, [], 300, start=121))
    with CaptureQueriesContext(connection) as many:
        assert get(venue).status_code == 200
    assert len(many) == len(few), "\n".join(q["sql"][:150] for q in many.captured_queries)
