"""A submitted paper replaced by a PDF that fails the check (over length, encrypted, scanned)
keeps its last compliant version as the submitted one: the failing upload is stored as a
refused version with its report, the authors read why (page and e-mail), and reviewers,
assignment and exports keep the compliant version. The check runs in a background job: the
submitted version moves to a new upload only once its check has passed."""

from __future__ import annotations

import csv
import io
from email import message_from_bytes
from email import policy as email_policy

import pytest
from submission_helpers import pdf, report

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions import checking, services
from paperdesk.submissions.models import CheckRun, Submission, Upload

OVER_LIMIT = {"verdict": "over_limit", "main_content_end": 7, "limit": 4}
ENCRYPTED = {"status": "unreadable", "error": {"code": "encrypted", "message": "The PDF is encrypted: it cannot be read without a password."}}


def _upload(submission, actor, content: bytes, capture, name: str = "paper.pdf") -> Upload:
    with capture(execute=True):
        return services.upload_add(submission=submission, actor=actor, stream=io.BytesIO(content), original_name=name)


def _mails(smtp_inbox) -> list:
    return [message_from_bytes(e.content, policy=email_policy.default) for e in smtp_inbox.envelopes]


def _held_checks(monkeypatch):
    """Checks are queued but no worker runs them until the test says so (perform_check)."""
    monkeypatch.setattr(checking, "schedule_check", lambda upload: CheckRun.objects.create(upload=upload))


def test_a_refused_replacement_keeps_the_compliant_version_submitted(
        venue, author, chair, make_submission, checker, smtp_inbox, django_capture_on_commit_callbacks, login):
    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    first = submission.uploads.get(version=1)
    smtp_inbox.envelopes.clear()

    checker.report = report(pages=OVER_LIMIT)
    refused = _upload(submission, author, pdf(pages=7, text="too long"), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.submitted_paper == first
    assert submission.paper_in_force() == first
    assert ("upload.refuse", 2) in [(e.action, e.data.get("version")) for e in AuditEntry.objects.filter(object_id=submission.public_id)]

    [message] = _mails(smtp_inbox)
    assert "ada@uni.edu" in message["To"]
    assert "version 2" in message["Subject"].lower() and "refused" in message["Subject"].lower()
    body = " ".join(message.get_content().split())
    assert "The main content ends on page 7, over the limit of 4 pages." in body
    assert "Version 1 stays the submitted version" in body

    # Chairs' export and the reviewers' PDF keep version 1.
    chair_client = login(chair)
    rows = list(csv.DictReader(io.StringIO(b"".join(chair_client.get(f"/v/{venue.slug}/chair/submissions.csv").streaming_content).decode())))
    assert rows[0]["pdf sha256"] == first.sha256
    assert rows[0]["pdf version"] == "1"
    assert rows[0]["newer pdf"] == "v2 refused"
    table = chair_client.get(f"/v/{venue.slug}/chair/submissions/").content.decode()
    assert "v2 refused" in table
    response = chair_client.get(f"/reviews/paper/{submission.public_id}/paper.pdf")
    assert response.status_code == 200
    from paperdesk.reviews.models import AnonymizedPdf

    assert AnonymizedPdf.objects.get().upload == first
    assert CheckRun.objects.get(upload=refused).blocking

    # An encrypted one is refused the same way; then a compliant one becomes the submitted version.
    smtp_inbox.envelopes.clear()
    checker.report = report(**ENCRYPTED)
    _upload(submission, author, pdf(text="encrypted"), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.paper_in_force() == first
    assert "password" in _mails(smtp_inbox)[0].get_content()

    smtp_inbox.envelopes.clear()
    checker.report = report()
    fixed = _upload(submission, author, pdf(text="fixed"), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.paper_in_force() == fixed
    [message] = _mails(smtp_inbox)
    assert "version 4" in " ".join(message.get_content().split()).lower()
    assert "now the submitted version" in " ".join(message.get_content().split())


def test_the_submitted_version_moves_only_once_the_check_has_passed(
        venue, author, chair, make_submission, checker, monkeypatch, django_capture_on_commit_callbacks, login):
    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    first = submission.uploads.get(version=1)
    _held_checks(monkeypatch)
    second = _upload(submission, author, pdf(text="second"), django_capture_on_commit_callbacks)
    third = _upload(submission, author, pdf(text="third"), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.paper_in_force() == first  # still checking: version 1 stays

    client = login(author)
    page = client.get(f"/submissions/{submission.public_id}/").content.decode()
    assert "Checking version 3" in page

    # The third finishes first and passes; the second, finishing later, never moves it back.
    checker.report = report()
    checking.perform_check(third.check_run.pk)
    submission.refresh_from_db()
    assert submission.paper_in_force() == third
    checking.perform_check(second.check_run.pk)
    submission.refresh_from_db()
    assert submission.paper_in_force() == third


def test_a_failed_check_does_not_move_the_submitted_version(venue, author, make_submission, checker, monkeypatch, django_capture_on_commit_callbacks):
    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    first = submission.uploads.get(version=1)
    _held_checks(monkeypatch)
    second = _upload(submission, author, pdf(text="second"), django_capture_on_commit_callbacks)
    checking.give_up_check(second.check_run.pk, message="The worker stopped.")
    submission.refresh_from_db()
    assert submission.paper_in_force() == first
    # A chair runs the check again; it passes: now it is the submitted version.
    checking.retry_check(second.check_run.pk)
    checking.perform_check(second.check_run.pk)
    submission.refresh_from_db()
    assert submission.paper_in_force() == second


def test_the_versions_table_keeps_every_verdict_and_the_refusal_belongs_to_its_version(
        venue, author, make_submission, checker, django_capture_on_commit_callbacks, login):
    from submission_helpers import page_text

    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    checker.report = report(pages=OVER_LIMIT)
    _upload(submission, author, pdf(pages=7, text="too long"), django_capture_on_commit_callbacks)
    client = login(author)
    text = page_text(client.get(f"/submissions/{submission.public_id}/"))
    assert "Version 2 was refused" in text
    assert "Version 1 stays the submitted version" in text
    assert "Submitted" in text
    # The versions table: one verdict per version, each with its report.
    import re

    rows = re.findall(r'<tr class="version-row[^"]*" data-version="(\d+)">(.*?)</tr>', client.get(f"/submissions/{submission.public_id}/").content.decode(), re.S)
    verdicts = {number: re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip() for number, html in rows}
    assert "refused" in verdicts["2"] and "report" in verdicts["2"]
    assert "compliant" in verdicts["1"] and "submitted" in verdicts["1"]
    mine = page_text(client.get("/submissions/"))
    assert "version 2: refused" in mine  # "My submissions" says the new version did not replace the paper
    first_report = client.get(f"/submissions/{submission.public_id}/check/?version=1")
    assert first_report.status_code == 200
    assert "refused" not in page_text(first_report).lower()
    second_report = page_text(client.get(f"/submissions/{submission.public_id}/check/?version=2"))
    assert "Version 2 was refused" in second_report
    assert "page 7" in second_report


def test_a_refused_file_is_reported_by_the_upload_form_not_above_the_previous_report(venue, author, make_submission, login):
    from submission_helpers import page_text, upload_file

    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    client = login(author)
    response = client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(b"<!doctype html><html></html>", "x.pdf")},
                           headers={"HX-Request": "true"})
    text = page_text(response)
    refusal = text.index("This file is not a PDF")
    assert refusal > text.index('id="check-report"'), "the refusal is shown above version 1's report, as if it were about it"


@pytest.mark.parametrize("blocking", [True, False])
def test_api_replacement_reports_the_verdict_and_keeps_the_submitted_version(
        client, venue, author, make_submission, checker, django_capture_on_commit_callbacks, blocking):
    from paperdesk.api.models import ApiToken

    headers = {"Authorization": f"Bearer {ApiToken.issue(author, 'script')[1]}"}
    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    checker.report = report(pages=OVER_LIMIT) if blocking else report()
    from django.core.files.uploadedfile import SimpleUploadedFile

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/api/submissions/{submission.public_id}/versions",
                               {"file": SimpleUploadedFile("new.pdf", pdf(text="new"), content_type="application/pdf")}, headers=headers)
    assert response.status_code == 201, response.content
    assert response.json()["version"] == 2
    body = client.get(f"/api/submissions/{submission.public_id}", headers=headers).json()
    assert body["status"] == "submitted"
    assert body["paper"]["version"] == (1 if blocking else 2)
    versions = {v["version"]: v for v in client.get(f"/api/submissions/{submission.public_id}/versions", headers=headers).json()}
    assert versions[2]["verdict"] == ("refused" if blocking else "compliant")
    assert versions[1]["verdict"] == "compliant"
    assert versions[2]["current"] is (not blocking)
    assert versions[1]["current"] is blocking


@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user):
        client = Client()
        client.force_login(user)
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield _page_as
    for context in contexts:
        context.close()


@pytest.mark.browser
def test_browser_replacing_a_submitted_paper_with_a_scanned_pdf(venue, author, make_submission, checker, monkeypatch, page_as):
    """The author uploads a scanned PDF over a submitted paper: while the job checks it the
    page polls and version 1 stays submitted; the refusal then appears with version 2's
    report, the versions table keeps both verdicts, and the status never changes."""
    from playwright.sync_api import expect

    submission = make_submission(venue, author, pdf=pdf(text="first"), submit=True)
    _held_checks(monkeypatch)
    page = page_as(author)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/submissions/{submission.public_id}/")
    page.set_input_files("#upload-pdf", files=[{"name": "scan.pdf", "mimeType": "application/pdf", "buffer": pdf(text="scanned")}])
    page.click("text=Upload PDF")
    expect(page.locator("#check-report")).to_contain_text("Checking version 2")
    expect(page.locator("#check-report")).to_contain_text("Version 1 stays the submitted version until this one passes")
    expect(page.locator("tr.version-row[data-version='2']")).to_contain_text("checking")

    checker.report = report(status="unreadable", error={"code": "scanned", "message": "The PDF has no text layer (a scan): the checker cannot read it."})
    checking.perform_check(Upload.objects.get(submission=submission, version=2).check_run.pk)

    expect(page.locator("#check-report")).to_contain_text("Version 2 was refused", timeout=10_000)
    expect(page.locator("#check-report")).to_contain_text("no text layer")
    expect(page.locator("tr.version-row[data-version='2']")).to_contain_text("refused")
    expect(page.locator("tr.version-row[data-version='1']")).to_contain_text("submitted")
    expect(page.locator("tr.version-row[data-version='1']")).to_contain_text("compliant")
    expect(page.locator("h1 .badge")).to_have_text("Submitted")
    page.locator("tr.version-row[data-version='1'] a:has-text('report')").click()
    expect(page.locator("#check-report")).to_contain_text("Version 1")
    expect(page.locator("#check-report")).not_to_contain_text("refused")
    assert errors == []


def test_a_paper_submitted_without_the_version_recorded_keeps_its_newest_compliant_pdf(
        venue, author, make_submission, checker, django_capture_on_commit_callbacks):
    """A paper marked submitted by hand (an import, an old row): the newest PDF before the
    refused one is the one in force, and the refusal names it."""
    submission = make_submission(venue, author, pdf=pdf(text="first"))
    Submission.objects.filter(pk=submission.pk).update(status=Submission.Status.SUBMITTED, submitted_at=submission.created_at)
    submission.refresh_from_db()
    first = submission.uploads.get(version=1)
    checker.report = report(pages=OVER_LIMIT)
    _upload(submission, author, pdf(pages=7, text="too long"), django_capture_on_commit_callbacks)
    submission.refresh_from_db()
    assert submission.paper_in_force() == first
