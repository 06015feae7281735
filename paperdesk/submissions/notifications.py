"""E-mails about submissions, sent by background jobs after the change is committed."""

from __future__ import annotations

from django.urls import reverse

from paperdesk import plurals, tokens
from paperdesk.jobs import task
from paperdesk.mail import send_templated

from .models import Authorship, CheckRun, Submission, Upload

EVENTS = {
    "submitted": "submitted",
    "new_version": "received a new PDF version",
    "new_supplementary": "received a new supplementary archive",
    "withdrawn": "withdrawn",
}


def send_receipt(submission_id: int, event: str, upload_id: int | None) -> None:
    send_receipt_job.enqueue(submission_id, event, upload_id)


def send_version_verdict(submission_id: int, upload_id: int, verdict: str, reasons: list[str]) -> None:
    send_version_verdict_job.enqueue(submission_id, upload_id, verdict, reasons)


def send_new_leaks(check_run_id: int) -> None:
    send_new_leaks_job.enqueue(check_run_id)


def send_decline_notice(authorship_id: int) -> None:
    send_decline_notice_job.enqueue(authorship_id)


def send_author_invitations(submission_id: int, authorship_ids: list[int]) -> None:
    send_invitations_job.enqueue(submission_id, authorship_ids)


@task()
def send_receipt_job(submission_id: int, event: str, upload_id: int | None) -> int:
    from .volunteering import volunteer_ask

    submission = Submission.objects.select_related("venue", "track").get(pk=submission_id)
    upload = Upload.objects.filter(pk=upload_id).first() if upload_id else None
    authors = list(submission.authorships.all())
    # Recipients are the authors, who may see everything in this message (an invited
    # co-author already received the title; one who declined gets nothing more).
    return send_templated(
        "submission_receipt",
        {
            "submission": submission,
            "venue": submission.venue,
            "event": EVENTS.get(event, event),
            "upload": upload,
            "authors": authors,
            "url": reverse("submissions:detail", args=[submission.public_id]),
            # The call for papers asks the (co-)first authors to volunteer as reviewers.
            "volunteer_names": volunteer_ask(submission, authors) if event == "submitted" else "",
            "volunteer_url": reverse("committee:volunteer", args=[submission.venue.slug]),
        },
        to=[a.email for a in authors if a.declined_at is None],
        reply_to=submission.venue.contact_email,
    )


@task()
def send_invitations_job(submission_id: int, authorship_ids: list[int]) -> int:
    submission = Submission.objects.select_related("venue").get(pk=submission_id)
    sent = 0
    for author in Authorship.objects.filter(pk__in=authorship_ids, submission=submission).exclude(claim_token=""):
        # The link's token is minted now and is in this e-mail only (the outbox keeps the
        # message without it); the row keeps its SHA-256. A takeover of this job mints the same.
        token, hashed = tokens.mint("author-invitation", author.pk)
        Authorship.objects.filter(pk=author.pk).update(claim_token=hashed)
        sent += send_templated(
            "author_invitation",
            {
                "submission": submission,
                "venue": submission.venue,
                "author": author,
                "url": reverse("submissions:claim", args=[token]),
            },
            to=[author.email],
            reply_to=submission.venue.contact_email,
            withhold=(token,),
        )
    return sent


@task()
def send_decline_notice_job(authorship_id: int) -> int:
    """Tell the confirmed authors that an invited co-author declined (the row stays, marked)."""
    row = Authorship.objects.select_related("submission__venue").filter(pk=authorship_id, declined_at__isnull=False).first()
    if row is None:
        return 0
    submission = row.submission
    recipients = list(submission.authorships.filter(user__isnull=False).values_list("email", flat=True))
    if not recipients:
        return 0
    return send_templated(
        "author_declined",
        {"submission": submission, "venue": submission.venue, "author": row,
         "url": reverse("submissions:edit", args=[submission.public_id])},
        to=recipients,
        reply_to=submission.venue.contact_email,
    )


@task()
def send_version_verdict_job(submission_id: int, upload_id: int, verdict: str, reasons: list[str]) -> int:
    """Tell the authors what the check of a submitted paper's new PDF decided: it is now the
    submitted version ("adopted"), or it was refused (`reasons`) and the previous version stays."""
    submission = Submission.objects.select_related("venue", "track", "submitted_paper").get(pk=submission_id)
    upload = Upload.objects.select_related("check_run").filter(pk=upload_id).first()
    if upload is None:
        return 0
    authors = list(submission.authorships.all())
    return send_templated(
        "submission_version_verdict",
        {
            "submission": submission,
            "venue": submission.venue,
            "upload": upload,
            "refused": verdict == "refused",
            "reasons": reasons if verdict == "refused" else [],
            "in_force": submission.submitted_paper,
            "url": reverse("submissions:detail", args=[submission.public_id]),
        },
        to=[a.email for a in authors if a.declined_at is None],
        reply_to=submission.venue.contact_email,
        # A new version adopted tells every co-author once per change, and several changes
        # within a few minutes become one notice (a refusal goes out at once).
        coalesce=None if verdict == "refused" else f"paper-change:{submission.pk}",
    )


@task()
def send_new_leaks_job(check_run_id: int) -> int:
    """The check ran again because the authors' identities changed, and finds more possible
    leaks than before. The notice gives the counts and the link to the report; the findings
    stay on the page, for the authors who confirmed (an address still only invited learns no
    co-author's username from it)."""
    run = CheckRun.objects.select_related("upload__submission__venue").filter(pk=check_run_id).first()
    if run is None or run.state != CheckRun.State.DONE:
        return 0
    submission = run.upload.submission
    return send_templated(
        "submission_recheck_leaks",
        {
            "submission": submission,
            "venue": submission.venue,
            "upload": run.upload,
            "supplementary": run.upload.kind == Upload.Kind.SUPPLEMENTARY,
            "found": plurals.count(run.leak_count, "possible identity leak"),
            "before": run.leaks_before or 0,
            "url": reverse("submissions:detail", args=[submission.public_id]),
        },
        to=[a.email for a in submission.authorships.all() if a.declined_at is None],
        reply_to=submission.venue.contact_email,
    )
