"""The chairs' submissions table and its CSV export."""

from __future__ import annotations

import csv
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from submission_helpers import page_text, pdf, report

from paperdesk.submissions.models import Submission


def table_url(venue, query: str = "") -> str:
    return f"/v/{venue.slug}/chair/submissions/" + (f"?{query}" if query else "")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_the_table_is_for_chairs_only(venue, author, login, client):
    assert login(author).get(table_url(venue)).status_code == 404
    assert login(author).get(f"/v/{venue.slug}/chair/submissions.csv").status_code == 404
    assert login(author).get("/v/no-such-venue/chair/submissions/").status_code == 404
    assert client.get(table_url(venue)).status_code == 404  # not signed in: the same 404


def make_three(venue, author, make_submission, checker):
    from paperdesk.submissions.services import AuthorInput

    checker.report = report(
        pages={"verdict": "over_limit", "main_content_end": 11, "limit": 9},
        anonymity={"leaks": [{"kind": "email", "value": "ada@uni.edu", "page": 1, "context": "ada@uni.edu"},
                             {"kind": "name", "value": "Ada Lovelace", "page": 1, "context": "Ada Lovelace"}]},
    )
    long_one = make_submission(venue, author, pdf=pdf(), title="Attribution graphs at scale", track="long", primary_topic="circuits")
    checker.report = report()
    short_one = make_submission(venue, author, pdf=pdf(), submit=True, title="Probing beliefs", primary_topic="model-biology",
                                secondary_topics=["monitoring"],
                                authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), AuthorInput("zed@example.org", "Zed Zeta")])
    draft = make_submission(venue, author, title="Sparse dictionary tricks", primary_topic="unsupervised-discovery", abstract="We revisit monosemanticity.")
    return long_one, short_one, draft


def test_filters_search_sorting_and_counts(venue, author, chair, login, make_submission, checker):
    _long_one, _short_one, _draft = make_three(venue, author, make_submission, checker)
    client = login(chair)

    def titles(query=""):
        response = client.get(table_url(venue, query))
        assert response.status_code == 200
        return [r.submission.title for r in response.context["rows"]]

    assert titles() == ["Attribution graphs at scale", "Probing beliefs", "Sparse dictionary tricks"]
    assert titles("track=long") == ["Attribution graphs at scale"]
    assert titles("topic=monitoring") == ["Probing beliefs"]  # a secondary topic counts
    assert titles("status=submitted") == ["Probing beliefs"]
    assert titles("q=monosemanticity") == ["Sparse dictionary tricks"]  # abstract
    assert titles("q=zed@example") == ["Probing beliefs"]  # an author's e-mail
    assert titles("q=%232") == ["Probing beliefs"]  # "#2"
    assert titles("sort=-title") == ["Sparse dictionary tricks", "Probing beliefs", "Attribution graphs at scale"]
    assert titles("sort=-pages") == ["Attribution graphs at scale", "Probing beliefs", "Sparse dictionary tricks"]

    text = page_text(client.get(table_url(venue, "track=short")))
    assert "<strong>2</strong> matching:" in text
    assert 'data-status="draft">1 draft</a>' in text
    assert 'data-status="submitted">1 submitted</a>' in text
    overview = page_text(client.get(table_url(venue)))
    assert '<span class="badge bad">over limit</span> 11/9 pp <span class="badge warn">2 leaks</span>' in overview
    assert "Zed Zeta <span class=\"muted\">(invited)</span>" in overview


def test_csv_export_has_the_columns_the_filters_and_no_formulas(venue, author, chair, login, make_submission, checker):
    from paperdesk.submissions.services import AuthorInput

    long_one, short_one, _draft = make_three(venue, author, make_submission, checker)
    make_submission(venue, author, title="=HYPERLINK(\"http://evil\",\"x\")",
                    authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), AuthorInput("evil@example.org", "@SUM(1+1)")])
    client = login(chair)

    response = client.get(f"/v/{venue.slug}/chair/submissions.csv")
    rows = csv_rows(response)

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="{venue.slug}-submissions.csv"'
    assert rows[0][:15] == ["number", "public_id", "title", "track", "primary topic", "secondary topics", "contribution type", "status",
                       "authors", "author e-mails", "submitted_at", "pdf sha256", "pages", "verdict", "leak count"]
    first = dict(zip(rows[0][:15], rows[1]))  # the first columns; every other field follows
    paper = long_one.uploads.get()
    assert first == {
        "number": "1", "public_id": long_one.public_id, "title": "Attribution graphs at scale", "track": "Long paper",
        "primary topic": "Circuits and Causal Analysis", "secondary topics": "", "contribution type": "Empirical research",
        "status": "draft", "authors": "Ada Lovelace", "author e-mails": "ada@uni.edu", "submitted_at": "",
        "pdf sha256": paper.sha256, "pages": "11", "verdict": "over_limit", "leak count": "2",
    }
    second = dict(zip(rows[0], rows[2]))
    assert second["secondary topics"] == "Monitoring & Inference-Time Interventions"
    assert second["authors"] == "Ada Lovelace; Zed Zeta"
    assert second["submitted_at"] == Submission.objects.get(pk=short_one.pk).submitted_at.isoformat()
    third = dict(zip(rows[0], rows[3]))
    assert (third["pdf sha256"], third["pages"], third["verdict"], third["leak count"]) == ("", "", "none", "")
    evil = dict(zip(rows[0], rows[4]))
    assert evil["title"] == "'=HYPERLINK(\"http://evil\",\"x\")"
    assert evil["authors"] == "Ada Lovelace; @SUM(1+1)"  # a cell that does not start with @ is left alone

    filtered = csv_rows(client.get(f"/v/{venue.slug}/chair/submissions.csv?status=submitted"))
    assert [row[2] for row in filtered[1:]] == ["Probing beliefs"]


def test_csv_cells_starting_with_formula_characters_are_quoted():
    from paperdesk.csvexport import csv_cell

    assert [csv_cell(v) for v in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", 7, None]] == [
        "'=1+1", "'+1", "'-1", "'@SUM(A1)", "'\tx", "plain", "7", "",
    ]


def populate(venue, author, count: int):
    """`count` submissions, each with two authors, a secondary topic and a checked PDF."""
    from paperdesk.submissions.models import Authorship, CheckRun, Upload
    from paperdesk.venues.models import ContributionType, TopicArea, Track

    track = Track.objects.get(venue=venue, slug="long")
    topics = list(TopicArea.objects.filter(venue=venue))
    kind = ContributionType.objects.get(venue=venue, slug="empirical")
    start = Submission.objects.filter(venue=venue).count()
    for i in range(start + 1, start + count + 1):
        s = Submission.objects.create(venue=venue, number=i, track=track, title=f"Paper {i}", abstract="a", primary_topic=topics[0],
                                      contribution_type=kind, created_by=author, status="submitted")
        s.secondary_topics.set(topics[1:3])
        Authorship.objects.create(submission=s, position=1, email="ada@uni.edu", name="Ada Lovelace", user=author)
        Authorship.objects.create(submission=s, position=2, email=f"co{i}@example.org", name=f"Co Author {i}")
        for version in (1, 2):
            u = Upload.objects.create(submission=s, version=version, sha256=f"{i:04d}{version}".ljust(64, "0"), size=10,
                                      blob="blobs/x", original_name="p.pdf", uploaded_by=author)
            CheckRun.objects.create(upload=u, state="done", report=report())


def test_table_and_csv_queries_do_not_grow_with_the_number_of_submissions(venue, author, chair, login, django_assert_max_num_queries):
    client = login(chair)
    populate(venue, author, 5)
    with CaptureQueriesContext(connection) as few:
        assert client.get(table_url(venue)).status_code == 200
    populate(venue, author, 25)

    with django_assert_max_num_queries(len(few)):
        response = client.get(table_url(venue))
    assert len(response.context["rows"]) == 30
    with django_assert_max_num_queries(20):
        response = client.get(table_url(venue, "sort=-pages&topic=circuits"))
    assert len(response.context["rows"]) == 30
    with django_assert_max_num_queries(15):
        rows = csv_rows(client.get(f"/v/{venue.slug}/chair/submissions.csv"))
    assert len(rows) == 31
