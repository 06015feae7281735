"""Writes of the camera-ready side of an accepted paper: the PDF (every version kept,
checked in camera-ready mode), the hosting choice, the published metadata (the submission's
own title, abstract and authors stay what was reviewed), per-paper deadline extensions and
the chairs' reminders. Each write is one transaction with an audit entry; mail goes out from
a background job after the commit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.decisions.models import Decision
from paperdesk.jobs import task
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.services import ServiceError, require
from paperdesk.submissions.storage import store_blob
from paperdesk.submissions.uploads import UploadRejected, max_upload_bytes, validate_pdf
from paperdesk.venues.models import Venue

from .models import CameraReady, CameraReadyAuthor, CameraReadyReminder, CameraReadyReminderRun
from .selectors import (
    camera_ready_rows,
    deadline_of,
    papers_to_remind,
    published_for,
    published_of,
    reminder_today,
)

__all__ = ["MetadataInput", "ServiceError", "camera_ready_upload", "extension_grant", "hosting_set", "metadata_confirm", "reminders_start"]


def _row_for_update(submission: Submission) -> CameraReady:
    """The paper's CameraReady row, locked; call with the submission row locked, so two
    requests never both create it."""
    row, _ = CameraReady.objects.select_for_update().get_or_create(submission=submission)
    return row


# --- the PDF and its hosting ------------------------------------------------------------------


def camera_ready_upload(*, submission: Submission, actor, stream: IO[bytes], original_name: str, host_pdf: bool, now=None) -> Upload:
    """A new camera-ready version (every version is kept), checked in camera-ready mode.
    The upload form carries the hosting choice, so uploading also makes that choice."""
    now = now or clock.now()
    venue = submission.venue
    require(policy.can_upload_camera_ready(actor, submission, now))
    try:
        validate_pdf(stream, max_upload_bytes(venue.spec.submission, Upload.Kind.CAMERA_READY))
    except UploadRejected as rejected:
        raise ServiceError(rejected.message, 413 if rejected.code == "too_large" else 400, "pdf") from None
    blob = store_blob(stream)  # durable before any row points at it
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        require(policy.can_upload_camera_ready(actor, locked, now))
        version = (locked.uploads.filter(kind=Upload.Kind.CAMERA_READY).aggregate(v=Max("version"))["v"] or 0) + 1
        upload = Upload.objects.create(
            submission=locked, kind=Upload.Kind.CAMERA_READY, version=version, sha256=blob.sha256, size=blob.size,
            blob=blob.name, original_name=(original_name or "camera-ready.pdf")[-255:], uploaded_by=actor,
        )
        Decision.objects.filter(submission=locked).update(host_pdf=bool(host_pdf))
        row = _row_for_update(locked)
        row.hosting_chosen_at = now
        row.save(update_fields=["hosting_chosen_at"])
        record("camera_ready.upload", locked, actor=actor, venue=venue, version=version, sha256=blob.sha256, host_pdf=bool(host_pdf))
        from paperdesk.submissions.checking import schedule_check

        schedule_check(upload)
    return upload


def hosting_set(*, submission: Submission, actor, host_pdf: bool, now=None) -> Decision:
    if not policy.is_author(actor, submission):
        raise ServiceError("Only the authors choose whether their PDF is hosted.", 403)
    with transaction.atomic():
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        decision = Decision.objects.filter(submission=locked, released_at__isnull=False).select_related("submission__venue").first()
        if decision is None or not policy.is_accepted(decision):
            raise ServiceError("Only accepted papers appear on the public page.", 400)
        decision.host_pdf = bool(host_pdf)
        decision.save(update_fields=["host_pdf"])
        row = _row_for_update(locked)
        row.hosting_chosen_at = now or clock.now()
        row.save(update_fields=["hosting_chosen_at"])
        record("camera_ready.hosting", locked, actor=actor, venue=submission.venue, host_pdf=bool(host_pdf))
    return decision


# --- the published metadata -------------------------------------------------------------------


@dataclass
class MetadataInput:
    title: str
    abstract: str
    code_url: str
    data_url: str
    authors: list[tuple[int, str, str]]  # (authorship id, published name, affiliation), in published order


def _problems(data: MetadataInput) -> list[str]:
    problems = []
    if not data.title.strip():
        problems.append("Enter the title as it should be published.")
    if len(data.title) > 300:
        problems.append("The title is longer than 300 characters.")
    if not data.abstract.strip():
        problems.append("Enter the abstract as it should be published.")
    if len(data.abstract) > 5000:
        problems.append("The abstract is longer than 5,000 characters.")
    if any(not name.strip() for _, name, _ in data.authors):
        problems.append("Every author needs a name.")
    if any(len(name) > 200 or len(affiliation) > 200 for _, name, affiliation in data.authors):
        problems.append("Names and affiliations have at most 200 characters.")
    for label, url in (("code", data.code_url), ("data", data.data_url)):
        if url and (len(url) > 500 or not url.lower().startswith(("https://", "http://"))):
            problems.append(f"The {label} link must be a web address starting with https:// (at most 500 characters).")
    return problems


def _changes(before, data: MetadataInput) -> dict:
    """What the confirmation changes in the published metadata, for the audit trail."""
    changes = {}
    for name in ("title", "abstract", "code_url", "data_url"):
        old, new = getattr(before, name), getattr(data, name)
        if old != new:
            changes[name] = {"from": old, "to": new}
    old_authors = [[a.authorship_id, a.name, a.affiliation] for a in before.authors]
    new_authors = [[i, name, affiliation] for i, name, affiliation in data.authors]
    if old_authors != new_authors:
        changes["authors"] = {"from": old_authors, "to": new_authors}
    return changes


def metadata_confirm(*, submission: Submission, actor, data: MetadataInput, now=None) -> CameraReady:
    """Save and confirm what the public page shows of the paper. The submission itself is
    not touched: reviewers and the decision table keep what was reviewed."""
    now = now or clock.now()
    require(policy.can_edit_camera_ready_metadata(actor, submission, now))
    data = MetadataInput(data.title.strip(), data.abstract.strip(), data.code_url.strip(), data.data_url.strip(),
                         [(i, name.strip(), affiliation.strip()) for i, name, affiliation in data.authors])
    problems = _problems(data)
    if problems:
        raise ServiceError(" ".join(problems), 400, "metadata")
    with transaction.atomic():
        locked = Submission.objects.select_for_update().select_related("venue").get(pk=submission.pk)
        require(policy.can_edit_camera_ready_metadata(actor, locked, now))
        authorship_ids = set(locked.authorships.values_list("pk", flat=True))
        given = [i for i, _, _ in data.authors]
        if len(given) != len(set(given)) or set(given) != authorship_ids:
            raise ServiceError("The list of authors changed while you were editing it; reload the page and confirm again.", 409, "authors")
        row = _row_for_update(locked)
        before = published_of(locked, row)
        first = row.confirmed_at is None
        row.title, row.abstract, row.code_url, row.data_url = data.title, data.abstract, data.code_url, data.data_url
        row.confirmed_at, row.confirmed_by = now, actor
        row.save()
        row.authors.all().delete()
        CameraReadyAuthor.objects.bulk_create([
            CameraReadyAuthor(camera_ready=row, authorship_id=i, position=n, name=name, affiliation=affiliation)
            for n, (i, name, affiliation) in enumerate(data.authors, start=1)
        ])
        record("camera_ready.metadata", locked, actor=actor, venue=locked.venue, first_confirmation=first, changes=_changes(before, data))
    return row


# --- chairs: extensions and reminders ---------------------------------------------------------


def extension_grant(*, submission: Submission, actor, until) -> CameraReady:
    """A later camera-ready deadline for one accepted paper (None removes it)."""
    require(policy.can_grant_extension(actor, submission))
    with transaction.atomic():
        locked = Submission.objects.select_for_update().select_related("venue").get(pk=submission.pk)
        if not policy.accepted_papers(locked.venue).filter(pk=locked.pk).exists():
            raise ServiceError("Only accepted papers whose decision is released have a camera-ready deadline.", 400)
        row = _row_for_update(locked)
        row.deadline_extension = until
        row.save(update_fields=["deadline_extension"])
        record("camera_ready.extension", locked, actor=actor, venue=locked.venue, until=until.isoformat() if until else None)
    return row


def reminders_start(*, venue: Venue, actor, now=None) -> CameraReadyReminderRun:
    """Remind the authors of every accepted paper without a camera-ready PDF (deadline not
    passed), from a background job; at most once a day (in the venue's time zone)."""
    now = now or clock.now()
    require(policy.can_follow_camera_ready(actor, venue))
    day = venue.local(now).date()
    refused = ServiceError(f"The authors were already reminded today ({day:%B} {day.day} in {venue.timezone}); "
                           "reminders go out at most once a day.", 409, "remind")
    if reminder_today(venue, now) is not None:
        raise refused
    papers = papers_to_remind(venue, now)
    if not papers:
        raise ServiceError("Nobody to remind: every accepted paper has a camera-ready PDF, or its deadline has passed.", 400, "remind")
    try:
        with transaction.atomic():
            run = CameraReadyReminderRun.objects.create(venue=venue, day=day, requested_by=actor, requested_at=now, papers=len(papers))
            record("camera_ready.remind", venue, actor=actor, venue=venue, day=day.isoformat(), papers=[p.number for p in papers])
            transaction.on_commit(lambda: send_camera_ready_reminders.enqueue(run.pk))
    except IntegrityError:  # another chair's click the same moment
        raise refused from None
    return run


@task()
def send_camera_ready_reminders(run_id: int) -> str:
    """Send the run's reminders, one author at a time, each claimed (a committed row)
    before it goes out. Papers that got their PDF since the chair asked are skipped."""
    from django.conf import settings

    from paperdesk.mail import send_templated

    run = CameraReadyReminderRun.objects.select_related("venue").filter(pk=run_id).first()
    if run is None:
        return "gone"
    venue = run.venue
    papers = papers_to_remind(venue)
    rows = camera_ready_rows(p.pk for p in papers)
    published = published_for(papers, rows)
    for paper in papers:
        deadline, _ = deadline_of(venue, rows.get(paper.pk))
        for author in sorted((a for a in paper.authorships.all() if a.user_id is not None), key=lambda a: a.position):
            try:
                with transaction.atomic():
                    claim = CameraReadyReminder.objects.create(run=run, submission=paper, email=author.email)
            except IntegrityError:
                continue  # claimed by another run of this job
            try:
                send_templated("camera_ready_reminder", {
                    "venue": venue, "name": author.name, "title": published[paper.pk].title, "deadline": venue.moment_text(deadline),
                    "url": settings.SITE_URL.rstrip("/") + reverse("decisions:author", args=[paper.public_id]),
                    "page_limit": paper.track.page_limit("camera-ready"),
                }, [author.email], reply_to=venue.contact_email, paper=paper)
            except Exception as error:
                CameraReadyReminder.objects.filter(pk=claim.pk).update(state=CameraReadyReminder.State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
                continue
            CameraReadyReminder.objects.filter(pk=claim.pk).update(state=CameraReadyReminder.State.SENT)
    reminders = CameraReadyReminder.objects.filter(run=run)
    CameraReadyReminderRun.objects.filter(pk=run.pk).update(
        sent=reminders.filter(state=CameraReadyReminder.State.SENT).count(),
        failed=reminders.filter(state=CameraReadyReminder.State.FAILED).count(), finished_at=clock.now())
    return "done"
