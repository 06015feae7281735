"""The chairs' decision table, dashboard and exports with many papers: the table is
paginated by the database (100 rows a page, filters and sort kept in the links, bulk
decisions on the selected rows), every page takes the same number of queries at 40 papers
as at 260, and the exports stream."""

from __future__ import annotations

import csv
import io
import json
import statistics

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from paperdesk.committee.models import Assignment, Conflict
from paperdesk.decisions.models import Decision
from paperdesk.reviews.models import MetaReview, Review
from paperdesk.submissions.models import Authorship, CheckRun, Submission, Upload

PAGE = 100


def add_papers(venue, owner, reviewers, count: int, start: int = 1) -> list[Submission]:
    """`count` submitted papers, three published reviewers each with submitted reviews
    whose scores vary from paper to paper, a meta-review every other paper and a check of
    every PDF: written with bulk_create, as a venue of thousands would be."""
    track = venue.tracks.order_by("position").first()
    topic = venue.topics.order_by("position").first()
    kind = venue.contribution_types.first()
    numbers = range(start, start + count)
    Submission.objects.bulk_create([
        Submission(venue=venue, number=n, track=track, primary_topic=topic, contribution_type=kind, title=f"Scaled paper {n:04d}",
                   abstract="An abstract.", status=Submission.Status.SUBMITTED, created_by=owner, submitted_at=venue.submission_open)
        for n in numbers
    ])
    papers = list(Submission.objects.filter(venue=venue, number__in=numbers).order_by("number"))
    Authorship.objects.bulk_create([Authorship(submission=p, position=1, email=f"a{p.number}@uni.edu", name=f"Author {p.number}") for p in papers])
    Upload.objects.bulk_create([Upload(submission=p, kind=Upload.Kind.PAPER, version=1, sha256="0" * 64, size=1, blob="x", original_name="p.pdf",
                                       uploaded_by=owner) for p in papers])
    CheckRun.objects.bulk_create([CheckRun(upload=u, state=CheckRun.State.DONE, report={"pages": {"verdict": "ok"}, "anonymity": {"leaks": []}})
                                  for u in Upload.objects.filter(submission__in=papers)])
    Assignment.objects.bulk_create([Assignment(submission=p, user=r, alias_number=i + 1, published=True)
                                    for p in papers for i, r in enumerate(reviewers)])
    Review.objects.bulk_create([
        Review(assignment=a, overall=1 + (a.submission.number * (a.alias_number + 1)) % 5, confidence=1 + a.alias_number, state=Review.State.SUBMITTED,
               submitted_at=venue.submission_deadline)
        for a in Assignment.objects.filter(submission__in=papers).select_related("submission")
    ])
    MetaReview.objects.bulk_create([MetaReview(submission=p, author=owner, recommendation="reject", text="t", submitted=True) for p in papers[::2]])
    return papers


@pytest.fixture
def reviewers(venue, make_user):
    return [make_user(f"r{i}@rev.edu", f"Reviewer {i}") for i in range(3)]


@pytest.fixture
def big(venue, chair, reviewers):
    add_papers(venue, chair, reviewers, 230)
    client = Client()
    client.force_login(chair)
    return client


def means() -> dict[int, float]:
    """Each paper's mean overall score, computed here from the rows."""
    scores = {}
    for number, overall in Review.objects.values_list("assignment__submission__number", "overall"):
        scores.setdefault(number, []).append(overall)
    return {number: statistics.fmean(values) for number, values in scores.items()}


def numbers_on(response) -> list[int]:
    return [row.submission.number for row in response.context["rows"]]


def table_url(venue, query: str = "") -> str:
    return reverse("decisions:table", args=[venue.slug]) + (f"?{query}" if query else "")


def test_the_table_shows_100_rows_a_page_in_the_order_of_the_whole_table(venue, big):
    first = big.get(table_url(venue))
    assert first.status_code == 200
    html = first.content.decode()
    assert len(numbers_on(first)) == PAGE and html.count('name="paper"') == PAGE
    assert "230 papers match; showing 1–100." in html and "page 1 of 3" in html
    assert "?sort=mean&amp;page=2" in html  # the next page keeps the sort
    pages = [numbers_on(big.get(table_url(venue, f"page={n}"))) for n in (1, 2, 3)]
    assert [len(p) for p in pages] == [100, 100, 30]
    mean = means()
    expected = sorted(mean, key=lambda number: (-mean[number], number))
    assert pages[0] + pages[1] + pages[2] == expected
    assert numbers_on(big.get(table_url(venue, "page=99"))) == pages[2]  # past the end: the last page
    assert numbers_on(big.get(table_url(venue, "page=x"))) == pages[0]


def test_filters_and_sort_are_kept_across_pages(venue, big):
    mean = means()
    ascending = sorted(mean, key=lambda number: (mean[number], number))
    second = big.get(table_url(venue, "sort=-mean&q=scaled&page=2"))
    assert numbers_on(second) == ascending[100:200]
    html = second.content.decode()
    assert "q=scaled&amp;sort=-mean&amp;page=1" in html and "q=scaled&amp;sort=-mean&amp;page=3" in html
    by_title = big.get(table_url(venue, "sort=-title&page=3"))
    assert numbers_on(by_title) == list(range(30, 0, -1))
    spread = {}
    for number, overall in Review.objects.values_list("assignment__submission__number", "overall"):
        spread.setdefault(number, []).append(overall)
    split = sorted(n for n, values in spread.items() if max(values) - min(values) >= 3)
    response = big.get(table_url(venue, "agreement=split&sort=number"))
    assert numbers_on(response) == split[:100]
    assert f"{len(split)} papers match" in response.content.decode()
    assert numbers_on(big.get(table_url(venue, "recommendation=reject&sort=number&page=2"))) == list(range(201, 231, 2))
    assert numbers_on(big.get(table_url(venue, "q=%23117"))) == [117]


def test_bulk_decisions_apply_to_the_selected_rows_and_return_to_their_page(venue, big):
    page = big.get(table_url(venue, "sort=number&page=2"))
    chosen = [row.submission for row in page.context["rows"][:3]]
    assert 'name="back" value="sort=number&amp;page=2"' in page.content.decode()
    response = big.post(reverse("decisions:bulk_set", args=[venue.slug]),
                        {"paper": [s.public_id for s in chosen], "outcome": "accept-poster", "back": "sort=number&page=2"})
    assert response.status_code == 302 and response["Location"].endswith("?sort=number&page=2")
    assert sorted(Decision.objects.values_list("submission__number", flat=True)) == [101, 102, 103]
    html = big.get(table_url(venue)).content.decode()
    assert "Accept (poster): 3" in html and "No decision yet: 227" in html
    decided = big.get(table_url(venue, "decision=accept-poster"))
    assert numbers_on(decided) == [101, 102, 103] or sorted(numbers_on(decided)) == [101, 102, 103]


def test_a_conflicted_paper_is_in_every_page_set_and_its_place_reveals_nothing(venue, big, chair):
    paper = Submission.objects.get(venue=venue, number=7)
    Conflict.objects.create(submission=paper, user=chair, source=Conflict.Source.COAUTHOR, reason="Co-author")
    last = big.get(table_url(venue, "page=3"))
    row = last.context["rows"][-1]  # no statistics: after every scored paper
    assert row.conflict and row.submission.number == 7 and not row.scores
    assert "You have a conflict with this paper" in last.content.decode()
    filtered = big.get(table_url(venue, "agreement=agree&decision=accept-oral"))
    assert [r.submission.number for r in filtered.context["rows"] if r.conflict] == [7]
    html = big.get(table_url(venue)).content.decode()
    assert "No decision yet: 229" in html  # the conflicted paper is not counted for this chair


def count_queries(client, url: str, consume: bool = False) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
        assert response.status_code == 200
        if consume:
            b"".join(response.streaming_content)
    return len(queries)


def test_pages_take_the_same_queries_for_40_and_260_papers(venue, chair, reviewers, django_assert_max_num_queries):
    client = Client()
    client.force_login(chair)
    urls = {
        "table": table_url(venue),
        "table split by spread": table_url(venue, "agreement=split&sort=-spread&q=paper"),
        "table page 2 by confidence": table_url(venue, "sort=confidence&page=2"),
        "dashboard": reverse("decisions:dashboard", args=[venue.slug]),
        "findings": reverse("submissions:chair_findings", args=[venue.slug]),
        "submissions": reverse("submissions:chair_table", args=[venue.slug]),
    }
    add_papers(venue, chair, reviewers, 40)
    few = {name: count_queries(client, url) for name, url in urls.items()}
    export = count_queries(client, reverse("decisions:export_json", args=[venue.slug]), consume=True)
    add_papers(venue, chair, reviewers, 220, start=41)
    for name, url in urls.items():
        with django_assert_max_num_queries(few[name]):
            assert client.get(url).status_code == 200, name
    with django_assert_max_num_queries(export):  # one batch of papers either way
        response = client.get(reverse("decisions:export_json", args=[venue.slug]))
        assert len(json.loads(b"".join(response.streaming_content))["papers"]) == 260


def test_exports_stream_every_paper_in_batches(venue, chair, reviewers, monkeypatch):
    from paperdesk.decisions import exports

    add_papers(venue, chair, reviewers, 25)
    monkeypatch.setattr(exports, "BATCH", 10)
    client = Client()
    client.force_login(chair)
    response = client.get(reverse("decisions:export_json", args=[venue.slug]))
    assert response.streaming and response["Content-Type"].startswith("application/json")
    assert response["Cache-Control"] == "private, no-store"
    data = json.loads(b"".join(response.streaming_content))
    assert [p["number"] for p in data["papers"]] == list(range(1, 26))
    assert all(len(p["reviews"]) == 3 for p in data["papers"]) and data["venue"]["slug"] == venue.slug
    response = client.get(reverse("decisions:export_reviews_csv", args=[venue.slug]))
    assert response.streaming
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 75 and {r["reviewer"] for r in rows} == {"Reviewer 0", "Reviewer 1", "Reviewer 2"}
    response = client.get(reverse("decisions:export_csv", args=[venue.slug]))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [int(r["number"]) for r in rows] == list(range(1, 26))
    mean = means()
    assert all(r["mean"] == f"{mean[int(r['number'])]:.2f}" for r in rows)


def test_dashboard_counts_come_from_the_database(venue, chair, reviewers, monkeypatch):
    from paperdesk.decisions import dashboard

    papers = add_papers(venue, chair, reviewers, 12)
    Review.objects.filter(assignment__submission=papers[0]).delete()
    CheckRun.objects.filter(upload__submission=papers[1]).update(report={"pages": {"verdict": "over_limit"}, "anonymity": {"leaks": [{"kind": "email"}]},
                                                                         "signals": {"limitations_section": False}})
    CheckRun.objects.filter(upload__submission=papers[2]).update(state=CheckRun.State.FAILED)
    findings = dashboard.findings_counts(venue)
    assert findings["No findings"] == 10 and findings["Over the page limit"] == 1 and findings["Possible identity leaks"] == 1
    assert findings["No limitations section"] == 1 and findings["checker failed"] == 1 and findings["Format issues"] == 0
    monkeypatch.setattr(dashboard, "OVERDUE_SHOWN", 2)
    d = dashboard.build(chair, venue)
    assert (d.reviews_done, d.reviews_due, d.counts["submitted"]) == (33, 36, 12)
    assert [o.missing for o in d.overdue] == [1, 1] and d.overdue_people == 3 and d.overdue[0].papers == [papers[0].number]
    client = Client()
    client.force_login(chair)
    html = client.get(reverse("decisions:dashboard", args=[venue.slug])).content.decode()
    assert "33/36" in html
