"""Chairs' screening of submissions after the checker: desk rejection (with the reason
sent to the authors), reinstatement, and messages to the authors of chosen papers."""

from __future__ import annotations

from django.db import transaction

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.mail import send_templated

from .models import Submission
from .services import ServiceError, require

MAX_MESSAGE = 10_000


@transaction.atomic
def submission_desk_reject(*, submission: Submission, actor, reason: str) -> Submission:
    submission = Submission.objects.select_for_update().select_related("venue").get(pk=submission.pk)
    require(policy.can_desk_reject(actor, submission))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Give the reason the authors will read.", 400, "reason")
    if len(reason) > 5000:
        raise ServiceError("The reason is longer than 5000 characters.", 400, "reason")
    if submission.status != Submission.Status.SUBMITTED:
        raise ServiceError(f"Only submitted papers can be desk-rejected; this one is {submission.get_status_display().lower()}.", 409)
    submission.status = Submission.Status.DESK_REJECTED
    submission.desk_reject_reason = reason
    submission.save(update_fields=["status", "desk_reject_reason", "updated_at"])
    record("submission.desk_reject", submission, actor=actor, venue=submission.venue, reason=reason)
    transaction.on_commit(lambda: send_author_message_job.enqueue(submission.pk, "desk_rejected", "", ""))
    return submission


@transaction.atomic
def submission_reinstate(*, submission: Submission, actor) -> Submission:
    submission = Submission.objects.select_for_update().select_related("venue").get(pk=submission.pk)
    require(policy.can_desk_reject(actor, submission))
    if submission.status != Submission.Status.DESK_REJECTED:
        raise ServiceError("This submission is not desk-rejected.", 409)
    submission.status = Submission.Status.SUBMITTED
    submission.desk_reject_reason = ""
    submission.save(update_fields=["status", "desk_reject_reason", "updated_at"])
    record("submission.reinstate", submission, actor=actor, venue=submission.venue)
    return submission


def authors_contact(*, submissions: list[Submission], actor, subject: str, body: str) -> int:
    """Queue one e-mail per submission to its authors; returns how many were queued."""
    subject = (subject or "").strip()
    body = (body or "").strip()
    if not subject or not body:
        raise ServiceError("Write a subject and a message.", 400, "body")
    if len(subject) > 200 or len(body) > MAX_MESSAGE:
        raise ServiceError(f"Keep the subject under 200 and the message under {MAX_MESSAGE} characters.", 400, "body")
    if not submissions:
        raise ServiceError("Choose at least one submission.", 400, "submissions")
    for submission in submissions:
        require(policy.can_contact_authors(actor, submission))
    with transaction.atomic():
        for submission in submissions:
            record("submission.contact_authors", submission, actor=actor, venue=submission.venue, subject=subject, at=clock.now().isoformat())
            transaction.on_commit(lambda pk=submission.pk: send_author_message_job.enqueue(pk, "chair_message", subject, body))
    return len(submissions)


@task()
def send_author_message_job(submission_id: int, kind: str, subject: str, body: str) -> int:
    submission = Submission.objects.select_related("venue").get(pk=submission_id)
    authors = list(submission.authorships.all())
    # The recipients are the paper's own authors: they may read everything in it.
    return send_templated(
        f"submission_{kind}",
        {"submission": submission, "venue": submission.venue, "subject": subject, "body": body, "authors": authors},
        to=[a.email for a in authors if a.declined_at is None],  # not who said they are no author
        reply_to=submission.venue.contact_email,
    )
