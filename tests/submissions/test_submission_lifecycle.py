"""Draft → submitted → withdrawn → restored, receipts, and the deadline in the venue's zone."""

from __future__ import annotations

import datetime as dt

from django.core import mail
from submission_helpers import page_text, pdf, report, upload_file

from paperdesk.audit.models import AuditEntry
from paperdesk.submissions.models import CheckRun, Submission, Upload
from paperdesk.venues import moments


def test_submit_sends_a_receipt_to_every_author_with_the_sha256(venue, author, login, make_submission, django_capture_on_commit_callbacks):
    from paperdesk.submissions.services import AuthorInput

    submission = make_submission(venue, author, pdf=pdf(), authors=[
        AuthorInput("ada@uni.edu", "Ada Lovelace", "Uni", True), AuthorInput("erin@example.org", "Erin Invited"),
    ])
    mail.outbox.clear()
    client = login(author)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/submissions/{submission.public_id}/submit/")

    paper = Upload.objects.get()
    assert response.status_code == 302
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    assert len(mail.outbox) == 1
    receipt = mail.outbox[0]
    assert receipt.subject == f"[{venue.short_name}] Submission #1 submitted: Sparse features in toy models"
    assert receipt.to == ["ada@uni.edu", "erin@example.org"]
    assert receipt.reply_to == ["neurips2025@mechinterpworkshop.com"]
    assert f"SHA-256: {paper.sha256}" in receipt.body
    assert f"File:    paper.pdf (version 1, {paper.size} bytes)" in receipt.body
    assert AuditEntry.objects.filter(action="submission.submit", data__sha256=paper.sha256).count() == 1


def test_every_new_version_of_a_submitted_paper_sends_a_receipt(venue, author, login, make_submission, django_capture_on_commit_callbacks):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    mail.outbox.clear()
    second = pdf(text="Revised version")

    with django_capture_on_commit_callbacks(execute=True):
        response = login(author).post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(second, "revised.pdf")})

    new = Upload.objects.get(version=2)
    assert response.status_code == 302
    assert [m.subject for m in mail.outbox] == [f"[{venue.short_name}] Submission #1 received a new PDF version: Sparse features in toy models"]
    assert f"SHA-256: {new.sha256}" in mail.outbox[0].body
    assert mail.outbox[0].to == ["ada@uni.edu"]
    assert Upload.objects.filter(kind="paper").count() == 2  # the first version is kept


def test_submit_is_refused_with_the_services_reasons(venue, author, login, make_submission, checker):
    client = login(author)
    no_pdf = make_submission(venue, author, title="No PDF")
    unconfirmed = make_submission(venue, author, pdf=pdf(), title="Unconfirmed", attestations={"not-accepted-archival": True})
    pending = make_submission(venue, author, pdf=pdf(), title="Pending")
    CheckRun.objects.filter(upload__submission=pending).update(state=CheckRun.State.RUNNING, report=None)
    checker.report = report(pages={"verdict": "over_limit", "main_content_end": 6, "limit": 4})
    over = make_submission(venue, author, pdf=pdf(), title="Too long")

    cases = [
        (no_pdf, "Upload the paper PDF before submitting."),
        (unconfirmed, "Please confirm: The PDF, code and data links contain no names, e-mails, affiliations, GitHub or HuggingFace usernames of the authors."),
        (pending, "The PDF is still being checked; please submit again in a few seconds."),
        (over, "The PDF cannot be submitted yet: The main content ends on page 6, over the limit of 4 pages."),
    ]
    for submission, message in cases:
        response = client.post(f"/submissions/{submission.public_id}/submit/")
        assert response.status_code == 400
        assert f'<p class="msg-error error-box" role="alert">{message}</p>' in page_text(response)
        submission.refresh_from_db()
        assert submission.status == Submission.Status.DRAFT


def test_submit_right_after_upload_answers_still_checking_and_never_checks_in_its_transaction(venue, author, login, make_submission, checker):
    """The check may take a minute and submit holds the submission's transaction (SQLite's
    only write lock): submit answers "still checking"; the worker's check then lets it through."""
    from paperdesk.submissions.checking import perform_check

    client = login(author)
    submission = make_submission(venue, author, pdf=pdf(), title="Fresh upload")
    run = CheckRun.objects.get(upload__submission=submission)
    CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.QUEUED, report=None)
    checked_before = len(checker.checked)

    response = client.post(f"/submissions/{submission.public_id}/submit/")

    assert response.status_code == 400
    assert "The PDF is still being checked; please submit again in a few seconds." in page_text(response)
    assert len(checker.checked) == checked_before  # nothing was checked inside the submit
    submission.refresh_from_db()
    run.refresh_from_db()
    assert submission.status == Submission.Status.DRAFT and run.state == CheckRun.State.QUEUED

    perform_check(run.pk)  # the worker's turn
    assert client.post(f"/submissions/{submission.public_id}/submit/").status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.SUBMITTED


def test_withdraw_asks_for_confirmation_then_restore_returns_the_previous_state(venue, author, login, make_submission, django_capture_on_commit_callbacks):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    client = login(author)

    confirm = page_text(client.get(f"/submissions/{submission.public_id}/withdraw/"))
    assert "Withdraw “Sparse features in toy models”?" in confirm
    assert "You can restore it until the deadline." in confirm
    assert Submission.objects.get().status == Submission.Status.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/submissions/{submission.public_id}/withdraw/")
    withdrawn = page_text(client.get(f"/submissions/{submission.public_id}/"))
    assert Submission.objects.get().status == Submission.Status.WITHDRAWN
    assert '<span class="badge withdrawn">Withdrawn</span>' in withdrawn
    assert "This submission is withdrawn. Restore it first to change it." in withdrawn
    assert mail.outbox[-1].subject == f"[{venue.short_name}] Submission #1 withdrawn: Sparse features in toy models"

    client.post(f"/submissions/{submission.public_id}/restore/")
    assert Submission.objects.get().status == Submission.Status.SUBMITTED
    assert list(AuditEntry.objects.filter(object_id=submission.public_id).values_list("action", flat=True).order_by("id"))[-2:] == [
        "submission.withdraw", "submission.unwithdraw",
    ]


def deadline_reason(venue, deadline=None) -> str:
    return (f"The submission deadline passed on {moments.text(deadline or venue.submission_deadline)}; submissions are read-only. "
            "Contact neurips2025@mechinterpworkshop.com if this is a problem.")


def test_after_the_deadline_everything_is_read_only_with_the_reason(venue, author, login, make_submission, at):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    withdrawn = make_submission(venue, author, title="Withdrawn one")
    from paperdesk.submissions.services import submission_withdraw

    submission_withdraw(submission=withdrawn, actor=author)
    at(venue.submission_deadline + dt.timedelta(minutes=1))
    client = login(author)
    reason = deadline_reason(venue)

    detail = page_text(client.get(f"/submissions/{submission.public_id}/"))
    assert f"<strong>Read-only.</strong> {reason}" in detail
    assert "Edit details and authors" not in detail
    assert 'name="pdf"' not in detail

    for response in [
        client.get(f"/submissions/{submission.public_id}/edit/"),
        client.post(f"/submissions/{submission.public_id}/edit/", {"title": "Late change"}),
        client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="late"))}),
        client.post(f"/submissions/{withdrawn.public_id}/restore/"),
        client.get(f"/v/{venue.slug}/submit/"),
    ]:
        assert response.status_code == 403
        assert reason in page_text(response)
    assert Upload.objects.count() == 1
    assert Submission.objects.get(pk=submission.pk).title == "Sparse features in toy models"
    assert Submission.objects.get(pk=withdrawn.pk).status == Submission.Status.WITHDRAWN


def test_the_deadline_is_the_venues_wall_clock_time_in_its_zone(venue, author, login, make_submission, at):
    submission = make_submission(venue, author, pdf=pdf())
    local_deadline = venue.local(venue.submission_deadline)
    assert (local_deadline.hour, local_deadline.minute) == (23, 59)
    assert local_deadline.utcoffset() == dt.timedelta(hours=-12)  # Anywhere on Earth
    client = login(author)

    at(venue.submission_deadline - dt.timedelta(seconds=30))
    assert client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="v2"))}).status_code == 302
    at(venue.submission_deadline + dt.timedelta(seconds=30))
    assert client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="v3"))}).status_code == 403
    assert Upload.objects.count() == 2


def test_withdrawing_stays_possible_after_the_deadline_but_restoring_does_not(venue, author, login, make_submission, at):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    at(venue.submission_deadline + dt.timedelta(hours=1))
    client = login(author)

    confirm = page_text(client.get(f"/submissions/{submission.public_id}/withdraw/"))
    assert "The deadline has passed: once withdrawn, it cannot be restored." in confirm
    assert client.post(f"/submissions/{submission.public_id}/withdraw/").status_code == 302
    assert client.post(f"/submissions/{submission.public_id}/restore/").status_code == 403
    assert Submission.objects.get().status == Submission.Status.WITHDRAWN


def test_a_chairs_extension_in_venue_time_reopens_one_submission(venue, author, chair, login, make_submission, at):
    submission = make_submission(venue, author, pdf=pdf(), submit=True)
    other = make_submission(venue, author, pdf=pdf(), title="Not extended")
    local = venue.local(venue.submission_deadline) + dt.timedelta(days=2)

    response = login(chair).post(f"/submissions/{submission.public_id}/extension/", {"until": local.strftime("%Y-%m-%dT%H:%M")})

    submission.refresh_from_db()
    assert response.status_code == 302
    assert submission.deadline_extension == venue.submission_deadline + dt.timedelta(days=2)
    assert AuditEntry.objects.get(action="submission.extension").data["until"] == submission.deadline_extension.isoformat()
    at(venue.submission_deadline + dt.timedelta(days=1))
    client = login(author)
    assert client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="v2"))}).status_code == 302
    assert client.post(f"/submissions/{other.public_id}/upload/", {"pdf": upload_file(pdf(text="v2"))}).status_code == 403
    detail = page_text(client.get(f"/submissions/{submission.public_id}/"))
    assert f"<strong>{moments.html(submission.deadline_extension)}</strong> <span class=\"badge pending\">extended</span>" in detail
    assert f"{local:%B} {local.day}, {local:%Y}, 23:59 <abbr" in detail  # Anywhere on Earth
    at(venue.submission_deadline + dt.timedelta(days=2, minutes=1))
    assert client.post(f"/submissions/{submission.public_id}/upload/", {"pdf": upload_file(pdf(text="v3"))}).status_code == 403


def test_extensions_are_for_chairs_who_are_not_authors(venue, author, chair, login, make_submission):
    from paperdesk.submissions.services import AuthorInput

    submission = make_submission(venue, author)
    own = make_submission(venue, chair, authors=[AuthorInput("chair@mechinterpworkshop.com", "Pat Chair")])
    until = {"until": "2099-01-01T12:00"}

    by_author = login(author).post(f"/submissions/{submission.public_id}/extension/", until)
    by_conflicted_chair = login(chair).post(f"/submissions/{own.public_id}/extension/", until)

    assert by_author.status_code == 403
    assert "Only chairs grant extensions." in page_text(by_author)
    assert by_conflicted_chair.status_code == 403
    assert "You are an author of this submission; another chair must grant its extension." in page_text(by_conflicted_chair)
    assert not Submission.objects.filter(deadline_extension__isnull=False).exists()
