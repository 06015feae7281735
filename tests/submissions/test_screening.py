"""The chairs' screening after the checker: the findings overview, desk rejection with a
reason sent to the authors, reinstatement, and messages to the authors of chosen papers."""

from __future__ import annotations

import pytest
from django.core import mail
from submission_helpers import pdf, report

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions.models import CheckRun, Submission

LEAK = {"kind": "email", "value": "ada@uni.edu", "page": 1, "context": "contact ada@uni.edu"}


@pytest.fixture
def screened_venue(venue, author, chair, make_submission, checker):
    """Four submitted papers: clean, over the limit (a draft: it cannot be submitted),
    leaking an e-mail, without a limitations section."""
    papers = {}
    checker.report = report()
    papers["clean"] = make_submission(venue, author, pdf=pdf(), submit=True, title="Clean paper")
    checker.report = report(anonymity={"leaks": [LEAK]}, findings=[{"severity": "error", "code": "leak_email", "message": "An author's e-mail address is printed.", "page": 1}])
    papers["leaky"] = make_submission(venue, author, pdf=pdf(), submit=True, title="Leaky paper")
    checker.report = report(findings=[{"severity": "warning", "code": "no_limitations_section", "message": "No limitations section.", "page": None}])
    papers["nolimits"] = make_submission(venue, author, pdf=pdf(), submit=True, title="Paper without limitations")
    checker.report = report(pages={"verdict": "over_limit", "main_content_end": 6, "limit": 4, "total": 8})
    papers["long"] = make_submission(venue, author, pdf=pdf(), title="Too long paper")
    return papers


def test_check_summary_columns_follow_the_report(screened_venue):
    leaky = CheckRun.objects.get(upload__submission=screened_venue["leaky"])
    assert (leaky.verdict, leaky.leak_count, leaky.format_count) == ("ok", 1, 0)
    assert " leak_email " in leaky.finding_codes
    long = CheckRun.objects.get(upload__submission=screened_venue["long"])
    assert long.verdict == "over_limit" and long.blocking


def test_findings_overview_counts_and_filters(screened_venue, venue, login, chair):
    client = login(chair)
    page = client.get(f"/v/{venue.slug}/chair/findings/")
    assert page.status_code == 200
    counts = {c[0]: c[2] for c in page.context["categories"]}
    assert counts == {"blocking": 0, "unreadable": 0, "over_limit": 0, "leaks": 1, "format": 0,
                      "no_limitations": 1, "pending": 0, "failed": 0, "links": 0, "git_metadata": 0, "notebook_metadata": 0,
                      "supplementary_leaks": 0, "supplementary_unreadable": 0, "archival": 0, "clean": 2}
    leaks = client.get(f"/v/{venue.slug}/chair/findings/?finding=leaks")
    titles = [row.submission.title for row in leaks.context["rows"]]
    assert titles == ["Leaky paper"]
    assert "contact ada@uni.edu" in leaks.content.decode()
    drafts_too = client.get(f"/v/{venue.slug}/chair/findings/?status=all&finding=over_limit")
    assert [row.submission.title for row in drafts_too.context["rows"]] == ["Too long paper"]


def test_findings_overview_is_hidden_from_non_chairs(screened_venue, venue, login, author):
    assert login(author).get(f"/v/{venue.slug}/chair/findings/").status_code == 404
    assert login(author).get(f"/v/{venue.slug}/chair/contact/").status_code == 404


def test_findings_overview_queries_do_not_grow_with_papers(screened_venue, venue, login, chair, author, make_submission, django_assert_max_num_queries, checker):
    client = login(chair)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(f"/v/{venue.slug}/chair/findings/")
    checker.report = report()
    for i in range(6):
        make_submission(venue, author, pdf=pdf(), submit=True, title=f"More {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/v/{venue.slug}/chair/findings/")


def test_desk_reject_needs_a_reason_then_tells_the_authors(screened_venue, login, chair, author, django_capture_on_commit_callbacks):
    paper = screened_venue["leaky"]
    client = login(chair)
    refused = client.post(f"/submissions/{paper.public_id}/desk-reject/", {"reason": "  "})
    assert refused.status_code == 400
    assert "Give the reason the authors will read." in refused.content.decode()
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"/submissions/{paper.public_id}/desk-reject/", {"reason": "The PDF prints an author's e-mail address."})
    assert done.status_code == 302
    paper.refresh_from_db()
    assert paper.status == Submission.Status.DESK_REJECTED
    [message] = mail.outbox
    assert message.to == [author.email]
    assert "desk-rejected" in message.subject
    assert "The PDF prints an author's e-mail address." in message.body
    assert AuditEntry.objects.filter(action="submission.desk_reject", object_id=paper.public_id).exists()

    seen = login(author).get(f"/submissions/{paper.public_id}/").content.decode()
    assert "Desk-rejected." in seen and "prints an author" in seen
    edit = login(author).get(f"/submissions/{paper.public_id}/edit/")
    assert edit.status_code == 403

    again = client.post(f"/submissions/{paper.public_id}/desk-reject/", {"reason": "twice"})
    assert again.status_code == 409
    back = client.post(f"/submissions/{paper.public_id}/reinstate/")
    assert back.status_code == 302
    paper.refresh_from_db()
    assert paper.status == Submission.Status.SUBMITTED and paper.desk_reject_reason == ""


def test_desk_reject_is_refused_to_authors_and_to_a_chair_who_is_an_author(screened_venue, login, author, chair, venue):
    from paperdesk.venues.models import VenueRole

    paper = screened_venue["clean"]
    assert login(author).post(f"/submissions/{paper.public_id}/desk-reject/", {"reason": "x"}).status_code == 403
    VenueRole.objects.create(venue=venue, user=author, role=VenueRole.Role.CHAIR)
    refused = login(author).post(f"/submissions/{paper.public_id}/desk-reject/", {"reason": "x"})
    assert refused.status_code == 403
    assert "conflict" in refused.content.decode()
    paper.refresh_from_db()
    assert paper.status == Submission.Status.SUBMITTED


def test_contact_authors_sends_one_message_per_paper(screened_venue, venue, login, chair, author, django_capture_on_commit_callbacks):
    client = login(chair)
    ids = [screened_venue["leaky"].public_id, screened_venue["nolimits"].public_id]
    compose = client.get(f"/v/{venue.slug}/chair/contact/", {"ids": ids})
    assert compose.status_code == 200 and "Leaky paper" in compose.content.decode()
    empty = client.post(f"/v/{venue.slug}/chair/contact/", {"ids": ids, "action": "send", "subject": "Hi", "body": ""})
    assert empty.status_code == 400
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/v/{venue.slug}/chair/contact/", {"ids": ids, "action": "send", "subject": "Please fix your PDF", "body": "Remove the <b>e-mail</b> address."})
    assert sent.status_code == 302
    assert sorted(m.subject for m in mail.outbox) == [
        f"[{venue.short_name}] Please fix your PDF (submission #{screened_venue['leaky'].number})",
        f"[{venue.short_name}] Please fix your PDF (submission #{screened_venue['nolimits'].number})",
    ]
    assert all(m.to == [author.email] and "Remove the <b>e-mail</b> address." in m.body for m in mail.outbox)
