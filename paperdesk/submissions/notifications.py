"""E-mails about submissions, sent by background jobs after the change is committed."""

from __future__ import annotations

from django.urls import reverse

from paperdesk.jobs import task
from paperdesk.mail import send_templated

from .models import Authorship, Submission, Upload

EVENTS = {
    "submitted": "submitted",
    "new_version": "received a new PDF version",
    "new_supplementary": "received a new supplementary archive",
    "withdrawn": "withdrawn",
}


def send_receipt(submission_id: int, event: str, upload_id: int | None) -> None:
    send_receipt_job.enqueue(submission_id, event, upload_id)


def send_author_invitations(submission_id: int, authorship_ids: list[int]) -> None:
    send_invitations_job.enqueue(submission_id, authorship_ids)


@task()
def send_receipt_job(submission_id: int, event: str, upload_id: int | None) -> int:
    submission = Submission.objects.select_related("venue", "track").get(pk=submission_id)
    upload = Upload.objects.filter(pk=upload_id).first() if upload_id else None
    authors = list(submission.authorships.all())
    # Recipients are the authors, who may see everything in this message.
    return send_templated(
        "submission_receipt",
        {
            "submission": submission,
            "venue": submission.venue,
            "event": EVENTS.get(event, event),
            "upload": upload,
            "authors": authors,
            "url": reverse("submissions:detail", args=[submission.public_id]),
        },
        to=[a.email for a in authors],
        reply_to=submission.venue.contact_email,
    )


@task()
def send_invitations_job(submission_id: int, authorship_ids: list[int]) -> int:
    submission = Submission.objects.select_related("venue").get(pk=submission_id)
    sent = 0
    for author in Authorship.objects.filter(pk__in=authorship_ids, submission=submission).exclude(claim_token=""):
        sent += send_templated(
            "author_invitation",
            {
                "submission": submission,
                "venue": submission.venue,
                "author": author,
                "url": reverse("submissions:claim", args=[author.claim_token]),
            },
            to=[author.email],
            reply_to=submission.venue.contact_email,
        )
    return sent
