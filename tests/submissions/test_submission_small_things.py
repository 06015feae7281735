"""Small things an author or a chair notices on the submission side (issue 10): the
desk-reject reason said once, the receipt's request that (co-)first authors volunteer as
reviewers (as the call for papers asks), and a chairs' CSV with every submission field."""

from __future__ import annotations

import csv
import io
from email import message_from_bytes
from email import policy as email_policy

from submission_helpers import page_text, pdf, report

from paperdesk.submissions import screening
from paperdesk.submissions.services import AuthorInput

CFP_ASK = "We request, but do not require, that (co-)first authors of submitted papers volunteer as reviewers."


def test_the_desk_reject_reason_is_shown_once(venue, author, chair, make_submission, login, django_capture_on_commit_callbacks):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    reason = "The main content ends on page 6; the limit for short papers is 4."
    with django_capture_on_commit_callbacks(execute=True):
        screening.submission_desk_reject(submission=submission, actor=chair, reason=reason)
    text = page_text(login(author).get(f"/submissions/{submission.public_id}/"))
    assert text.count(reason) == 1
    assert "Desk-rejected." in text
    assert venue.contact_email in text  # whom to write to, if a mistake


def test_the_receipt_asks_the_co_first_authors_to_volunteer_as_reviewers(
        venue, author, make_submission, smtp_inbox, login):
    submission = make_submission(
        venue, author, pdf=pdf(), submit=True,
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True, True), AuthorInput("grace@uni.edu", "Grace Hopper", "Navy", False, True),
                 AuthorInput("alan@uni.edu", "Alan Turing", "Manchester")],
    )
    receipts = [message_from_bytes(e.content, policy=email_policy.default) for e in smtp_inbox.envelopes]
    receipt = next(m for m in receipts if "submitted" in m["Subject"])
    body = " ".join(receipt.get_content().split())
    assert CFP_ASK in body
    assert "Ada Lovelace and Grace Hopper" in body
    assert "Alan Turing" not in body.split(CFP_ASK)[1].split("http")[0]
    assert f"/v/{venue.slug}/reviewing/volunteer/" in body or "/volunteer/" in body

    text = page_text(login(author).get(f"/submissions/{submission.public_id}/"))
    assert CFP_ASK in text
    assert "Ada Lovelace and Grace Hopper" in text


def test_a_draft_page_does_not_ask_for_reviewers(venue, author, make_submission, login):
    submission = make_submission(venue, author, pdf=pdf())
    assert CFP_ASK not in page_text(login(author).get(f"/submissions/{submission.public_id}/"))


def test_the_chairs_csv_has_every_submission_field(venue, author, chair, make_submission, checker, login):
    checker.report = report(
        format={"violations": [{"code": "margins", "detail": "left margin 1.2 in", "page": 2}]},
        anonymity={"leaks": [{"kind": "email", "value": "ada@uni.edu", "page": 1}]},
        findings=[
            {"severity": "warning", "code": "margins", "message": "Left margin is 1.2 in; the template has 1.5 in.", "page": 2},
            {"severity": "warning", "code": "leak_email", "message": "E-mail address “ada@uni.edu” found on page 1", "page": 1},
        ],
    )
    make_submission(
        venue, author, pdf=pdf(), submit=True, under_review_at="NeurIPS 2025 main conference", attendance="yes",
        code_url="https://anonymous.4open.science/r/x", secondary_topics=["basic-science"],
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Analytical Engine Lab", True, True),
                 AuthorInput("grace@uni.edu", "Grace Hopper", "Navy", False, True)],
    )
    response = login(chair).get(f"/v/{venue.slug}/chair/submissions.csv")
    [row] = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert row["under review at"] == "NeurIPS 2025 main conference"
    assert row["attendance"] == "yes"
    assert row["co-first authors"] == "Ada Lovelace; Grace Hopper"
    assert row["affiliations"] == "Analytical Engine Lab; Navy"
    assert row["corresponding authors"] == "Ada Lovelace"
    assert row["code url"] == "https://anonymous.4open.science/r/x"
    assert row["abstract"] == "We find sparse features."
    assert "anonymized" in row["attestations"]
    assert row["format issues"] == "1"
    assert row["findings"] == "Left margin is 1.2 in; the template has 1.5 in. (page 2) | E-mail address “ada@uni.edu” found on page 1 (page 1)"
    assert row["pdf version"] == "1"
