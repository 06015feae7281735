"""Writes of the decisions app: deciding, releasing the decisions (the notices go out from a
background job that can be resumed after a crash without sending anything twice), and the
camera-ready version. Each write is one transaction with an audit entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.urls import reverse

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.services import ServiceError
from paperdesk.submissions.storage import store_blob
from paperdesk.submissions.uploads import UploadRejected, max_upload_bytes, validate_pdf
from paperdesk.venues.models import Venue

from .models import Decision, NoticeSent, Release

__all__ = ["ServiceError", "camera_ready_upload", "decisions_set", "hosting_set", "release_resume", "release_start"]


def _require(decision: policy.Decision, status: int = 403) -> None:
    if not decision:
        raise ServiceError(decision.reason, status)


def _when(venue: Venue, moment) -> str:
    local = venue.local(moment)
    return f"{local:%B} {local.day}, {local:%Y} at {local:%H:%M} ({venue.timezone})"


# --- deciding ---------------------------------------------------------------------------


@dataclass
class BulkResult:
    changed: list[int]  # submission numbers
    refused: list[str]  # one sentence each


def decisions_set(*, venue: Venue, submissions: list[Submission], outcome: str, actor) -> BulkResult:
    """Set (or, with outcome "", clear) the decision of each paper the actor may decide."""
    if outcome and policy.outcome_of(venue, outcome) is None:
        raise ServiceError(f"Unknown outcome '{outcome}'. This venue's outcomes: {', '.join(o.name for o in venue.spec.outcomes)}.", 400)
    if not policy.is_chair(actor, venue):
        raise ServiceError("Only the program chairs decide.", 403)
    if not submissions:
        raise ServiceError("Select at least one paper.", 400)
    result = BulkResult([], [])
    with transaction.atomic():
        for submission in submissions:
            if submission.venue_id != venue.pk:
                continue
            allowed = policy.can_decide(actor, submission)
            if not allowed:
                result.refused.append(allowed.reason)
                continue
            if submission.status != Submission.Status.SUBMITTED:
                result.refused.append(f"Paper #{submission.number} is {submission.get_status_display().lower()}, not submitted; it gets no decision.")
                continue
            if outcome:
                Decision.objects.update_or_create(submission=submission, defaults={"outcome": outcome, "decided_by": actor})
            else:
                Decision.objects.filter(submission=submission, released_at__isnull=True).delete()
            record("decision.set", submission, actor=actor, venue=venue, outcome=outcome or None)
            result.changed.append(submission.number)
    return result


# --- releasing --------------------------------------------------------------------------

DEFAULT_SUBJECT = "[{{ venue_short_name }}] Decision on your submission “{{ title }}”: {{ outcome }}"
DEFAULT_BODY = """Dear {{ author_name }},

the program committee of {{ venue_name }} has decided on your submission “{{ title }}”:

    {{ outcome }}

{{ next_steps }}

The reviews and the meta-review are on your paper's page (reviewers appear there as "Reviewer 1", "Reviewer 2", ...):
{{ results_url }}

Thank you for submitting. Questions: {{ contact_email }}

The program chairs of {{ venue_short_name }}
"""
PLACEHOLDERS = {
    "author_name": "the author's name",
    "title": "the paper's title",
    "outcome": "the decision, e.g. Accept (poster)",
    "venue_name": "the venue's name",
    "venue_short_name": "the venue's short name",
    "results_url": "the link to the decision, reviews and camera-ready upload",
    "camera_ready_deadline": "the camera-ready deadline",
    "contact_email": "the chairs' contact address",
    "next_steps": "what to do next (camera-ready for accepted papers, a word of thanks otherwise)",
}
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_SUBJECT = 300
MAX_BODY = 20000


def template_problems(subject: str, body: str) -> list[str]:
    problems = []
    if not subject.strip():
        problems.append("The subject is empty.")
    if len(subject) > MAX_SUBJECT:
        problems.append(f"The subject is longer than {MAX_SUBJECT} characters.")
    if "\n" in subject.strip() or "\r" in subject.strip():
        problems.append("The subject must be one line.")
    if not body.strip():
        problems.append("The message is empty.")
    if len(body) > MAX_BODY:
        problems.append(f"The message is longer than {MAX_BODY:,} characters.")
    unknown = sorted({m.group(1) for m in PLACEHOLDER_RE.finditer(subject + body)} - set(PLACEHOLDERS))
    if unknown:
        problems.append(f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {', '.join('{{ ' + u + ' }}' for u in unknown)}. Known: {', '.join(sorted(PLACEHOLDERS))}.")
    return problems


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {{ name }} placeholders with plain text (no template language: a chair's
    template can reach nothing but these values)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def notice_values(decision: Decision, author_name: str, site_url: str) -> dict[str, str]:
    submission = decision.submission
    venue = submission.venue
    outcome = policy.outcome_of(venue, decision.outcome)
    accepted = bool(outcome and outcome.accepted)
    if accepted:
        next_steps = (
            f"Congratulations! Please upload the camera-ready version by {_when(venue, venue.camera_ready_deadline)} "
            f"on the page below: it may use one more page than the submission, and there you choose whether the PDF "
            f"is hosted on the public accepted-papers page."
            + ("" if venue.archival else f" {venue.short_name} is non-archival.")
        )
    else:
        next_steps = "We hope the reviews help you develop the work further."
    return {
        "author_name": author_name,
        "title": submission.title,
        "outcome": outcome.name if outcome else decision.outcome,
        "venue_name": venue.name,
        "venue_short_name": venue.short_name,
        "results_url": site_url.rstrip("/") + reverse("decisions:author", args=[submission.public_id]),
        "camera_ready_deadline": _when(venue, venue.camera_ready_deadline),
        "contact_email": venue.contact_email,
        "next_steps": next_steps,
    }


def release_blockers(venue: Venue) -> list[Submission]:
    """Submitted papers without a decision: the release waits for them."""
    return list(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED, decision__isnull=True).order_by("number"))


def decisions_to_release(venue: Venue):
    return (
        Decision.objects.filter(submission__venue=venue)
        .exclude(submission__status=Submission.Status.WITHDRAWN)
        .select_related("submission__venue")
        .order_by("submission__number")
    )


def release_start(*, venue: Venue, actor, subject: str, body: str, now=None) -> Release:
    now = now or clock.now()
    _require(policy.can_release_decisions(actor, venue))
    problems = template_problems(subject, body)
    if problems:
        raise ServiceError(" ".join(problems), 400, "template")
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).first()  # one release at a time
        existing = Release.objects.filter(venue=venue).first()
        if existing is not None:
            raise ServiceError(
                f"The decisions were already released on {_when(venue, existing.started_at)} "
                f"({existing.sent} of {existing.total} notices sent). A release happens once; "
                "if it stopped before the end, resume it from its progress page.", 409, "release")
        blockers = release_blockers(venue)
        if blockers:
            numbers = ", ".join(f"#{s.number}" for s in blockers[:20]) + (" …" if len(blockers) > 20 else "")
            raise ServiceError(f"{len(blockers)} submitted paper{'s have' if len(blockers) != 1 else ' has'} no decision yet ({numbers}). Decide every paper before releasing.", 400, "release")
        decisions = list(decisions_to_release(venue))
        if not decisions:
            raise ServiceError("There are no decisions to release.", 400, "release")
        total = sum(s.authorships.count() for s in (d.submission for d in decisions))
        release = Release.objects.create(venue=venue, subject_template=subject.strip(), body_template=body, total=total, started_by=actor)
        Decision.objects.filter(pk__in=[d.pk for d in decisions]).update(released_at=now)
        record("decisions.release", release, actor=actor, venue=venue, decisions=len(decisions), notices=total)
        transaction.on_commit(lambda: send_release_notices.enqueue(release.pk))
    return release


def release_resume(*, venue: Venue, actor, resend_unconfirmed: bool = False) -> Release:
    """Start the sending job again after it stopped. Notices confirmed as sent are never
    sent again; those that failed are retried; those whose sending was cut off by a crash
    (maybe delivered, maybe not) are resent only when the chair asks for it."""
    _require(policy.can_release_decisions(actor, venue))
    release = Release.objects.filter(venue=venue).first()
    if release is None:
        raise ServiceError("The decisions have not been released yet.", 409)
    if release.state == Release.State.DONE and not resend_unconfirmed:
        raise ServiceError(f"The release is complete: all {release.total} notices were sent. A release happens once.", 409)
    with transaction.atomic():
        NoticeSent.objects.filter(release=release, state=NoticeSent.State.FAILED).delete()
        if resend_unconfirmed:
            NoticeSent.objects.filter(release=release, state=NoticeSent.State.SENDING).delete()
        Release.objects.filter(pk=release.pk).update(state=Release.State.RUNNING, error="")
        record("decisions.release_resume", release, actor=actor, venue=venue, resend_unconfirmed=resend_unconfirmed)
        transaction.on_commit(lambda: send_release_notices.enqueue(release.pk))
    release.refresh_from_db()
    return release


def _notice_rows(release: Release):
    for decision in decisions_to_release(release.venue).filter(released_at__isnull=False):
        for author in decision.submission.authorships.order_by("position"):
            yield decision, author


def _refresh_counts(release: Release) -> None:
    sent = NoticeSent.objects.filter(release=release, state=NoticeSent.State.SENT).count()
    Release.objects.filter(pk=release.pk).update(sent=sent)


@task()
def send_release_notices(release_id: int) -> str:
    """Send every notice of the release that was not sent yet, one author at a time. Each
    notice is claimed (a committed NoticeSent row) before its message goes out."""
    from django.conf import settings

    from paperdesk.mail import send_templated

    release = Release.objects.select_related("venue").filter(pk=release_id).first()
    if release is None:
        return "gone"
    Release.objects.filter(pk=release.pk).update(runs=F("runs") + 1, state=Release.State.RUNNING)
    done = set(NoticeSent.objects.filter(release=release).values_list("submission_id", "email"))
    for decision, author in _notice_rows(release):
        key = (decision.submission_id, author.email)
        if key in done:
            continue
        try:
            with transaction.atomic():
                notice = NoticeSent.objects.create(release=release, submission_id=decision.submission_id, email=author.email)
        except IntegrityError:
            continue  # another run claimed it
        values = notice_values(decision, author.name, settings.SITE_URL)
        try:
            send_templated("decision_notice", {
                "subject": " ".join(fill(release.subject_template, values).split()),
                "body": fill(release.body_template, values),
            }, [author.email], reply_to=release.venue.contact_email)
        except Exception as error:  # noqa: BLE001 - recorded; the chairs resume the release
            NoticeSent.objects.filter(pk=notice.pk).update(state=NoticeSent.State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
            continue
        NoticeSent.objects.filter(pk=notice.pk).update(state=NoticeSent.State.SENT, delivered_at=clock.now())
        _refresh_counts(release)
    _refresh_counts(release)
    unfinished = NoticeSent.objects.filter(release=release).exclude(state=NoticeSent.State.SENT).count()
    release.refresh_from_db()
    if unfinished or release.sent < release.total:
        Release.objects.filter(pk=release.pk).update(
            state=Release.State.FAILED, finished_at=clock.now(),
            error=f"{unfinished} notice(s) could not be confirmed as sent; see the list below.")
        return "incomplete"
    Release.objects.filter(pk=release.pk).update(state=Release.State.DONE, finished_at=clock.now(), error="")
    return "done"


# --- camera-ready -----------------------------------------------------------------------


def camera_ready_upload(*, submission: Submission, actor, stream: IO[bytes], original_name: str, host_pdf: bool, now=None) -> Upload:
    """A new camera-ready version (every version is kept), checked in camera-ready mode."""
    now = now or clock.now()
    venue = submission.venue
    _require(policy.can_upload_camera_ready(actor, submission, now))
    try:
        validate_pdf(stream, max_upload_bytes(venue.spec.submission, Upload.Kind.CAMERA_READY))
    except UploadRejected as rejected:
        raise ServiceError(rejected.message, 413 if rejected.code == "too_large" else 400, "pdf") from None
    blob = store_blob(stream)  # durable before any row points at it
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        _require(policy.can_upload_camera_ready(actor, locked, now))
        version = (locked.uploads.filter(kind=Upload.Kind.CAMERA_READY).aggregate(v=Max("version"))["v"] or 0) + 1
        upload = Upload.objects.create(
            submission=locked, kind=Upload.Kind.CAMERA_READY, version=version, sha256=blob.sha256, size=blob.size,
            blob=blob.name, original_name=(original_name or "camera-ready.pdf")[-255:], uploaded_by=actor,
        )
        Decision.objects.filter(submission=locked).update(host_pdf=bool(host_pdf))
        record("camera_ready.upload", locked, actor=actor, venue=venue, version=version, sha256=blob.sha256, host_pdf=bool(host_pdf))
        from paperdesk.submissions.checking import schedule_check

        schedule_check(upload)
    return upload


def hosting_set(*, submission: Submission, actor, host_pdf: bool) -> Decision:
    if not policy.is_author(actor, submission):
        raise ServiceError("Only the authors choose whether their PDF is hosted.", 403)
    decision = Decision.objects.filter(submission=submission, released_at__isnull=False).first()
    if decision is None or not policy.is_accepted(decision):
        raise ServiceError("Only accepted papers appear on the public page.", 400)
    with transaction.atomic():
        decision.host_pdf = bool(host_pdf)
        decision.save(update_fields=["host_pdf"])
        record("camera_ready.hosting", submission, actor=actor, venue=submission.venue, host_pdf=bool(host_pdf))
    return decision
