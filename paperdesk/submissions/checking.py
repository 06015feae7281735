"""The web side of the compliance checker: every uploaded PDF is checked in a background
job, in a child process with CPU-time and memory limits, against the authors' identities."""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction

from paperdesk import clock
from paperdesk.audit.services import record
from paperdesk.checks import report as checker_report
from paperdesk.checks.report import CheckReport
from paperdesk.jobs import CHECKS_QUEUE, task

from . import notifications, signals
from .identities import identities_digest, identities_for
from .models import CheckRun, Submission, Upload


def schedule_check(upload: Upload) -> CheckRun:
    mode = "camera-ready" if upload.kind == Upload.Kind.CAMERA_READY else "submission"
    if upload.kind == Upload.Kind.SUPPLEMENTARY:
        mode = "supplementary"  # the archive, read in the checker's child (_check_archive)
    run = CheckRun.objects.create(upload=upload, mode=mode)
    transaction.on_commit(lambda: run_check.enqueue(run.pk))
    return run


@contextlib.contextmanager
def local_copy(blob_name: str):
    """A filesystem path for a stored blob (downloaded to a temp file for remote storage)."""
    try:
        yield default_storage.path(blob_name)
        return
    except NotImplementedError:
        pass
    fd, path = tempfile.mkstemp(suffix=".pdf")
    try:
        with os.fdopen(fd, "wb") as out, default_storage.open(blob_name, "rb") as src:
            shutil.copyfileobj(src, out)
        yield path
    finally:
        os.unlink(path)


def checked_identities(run: CheckRun) -> list:
    """The identities the check of this run looks for: the authors' (for a camera-ready, with
    the names they confirmed for publication). Read once per run: perform_check digests them
    before the check, and the check itself uses the same list."""
    cached = run.__dict__.get("_checked_identities")
    if cached is not None:
        return cached
    identities = _identities_of(run)
    run.__dict__["_checked_identities"] = identities
    return identities


def _identities_of(run: CheckRun) -> list:
    submission = run.upload.submission
    if run.mode == "camera-ready":
        from .signals import published_authors

        return identities_for(submission, published_authors(submission))
    return identities_for(submission)


def check_upload(run: CheckRun) -> dict:
    from paperdesk.checks import rules_for
    from paperdesk.checks.sandbox import check_in_child

    upload = run.upload
    submission = upload.submission
    identities = checked_identities(run)
    if upload.kind == Upload.Kind.SUPPLEMENTARY:  # an archive: read in the same kind of child
        return _check_archive(upload, submission, identities)
    rules = rules_for(submission.venue.spec, submission.track.slug, run.mode)
    with local_copy(upload.blob) as path:
        return check_in_child(
            path,
            rules,
            identities,
            cpu_seconds=settings.CHECK_CPU_SECONDS,
            memory_mb=settings.CHECK_MEMORY_MB,
            references=True,  # the integrity hints resolve them against imported listings
        )


def _check_archive(upload: Upload, submission: Submission, identities: list) -> dict:
    """A supplementary archive, checked in the checker's child process (nothing of it is
    parsed here); the scan's deadline ends before the child's CPU limit, so a slow archive
    gets a verdict rather than a killed child."""
    from paperdesk.checks import rules_for
    from paperdesk.checks.archive import ArchiveLimits
    from paperdesk.checks.sandbox import check_in_child

    from .uploads import max_upload_bytes

    rules = rules_for(submission.venue.spec, submission.track.slug, "submission")
    limits = ArchiveLimits(max_bytes=max_upload_bytes(submission.venue.spec.submission, Upload.Kind.SUPPLEMENTARY),
                           timeout=max(5.0, settings.CHECK_CPU_SECONDS * 0.8))
    with local_copy(upload.blob) as path:
        return check_in_child(None, rules, identities, cpu_seconds=settings.CHECK_CPU_SECONDS,
                              memory_mb=settings.CHECK_MEMORY_MB, supplementary=path, archive_limits=limits.to_dict())


@task(queue_name=CHECKS_QUEUE)
def run_check(check_run_id: int) -> str:
    from paperdesk.jobs import leases

    return perform_check(check_run_id, holder=leases.current_worker()) or "already claimed"


def _claim_key(check_run_id: int) -> str:
    return f"check:{check_run_id}"


def _claim(check_run_id: int, holder: str) -> CheckRun | None:
    """Claim a queued run, or a running one whose holder died (its lease expired). A run
    started too many times is failed instead, with a message for the author and chairs."""
    from paperdesk.jobs import leases

    with transaction.atomic():
        run = CheckRun.objects.select_for_update().filter(pk=check_run_id).first()
        if run is None or run.state not in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
            return None
        took = leases.claim(_claim_key(run.pk), holder, running=run.state == CheckRun.State.RUNNING, started_at=run.started_at)
        if took is None:
            return None
        if took.attempts > leases.max_attempts():
            give_up_check(run.pk, message=leases.lost_message(took.attempts - 1))
            return None
        if _superseded(run):
            CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.SUPERSEDED, finished_at=clock.now())
            leases.release_claim(_claim_key(run.pk))
            return None
        CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.RUNNING, started_at=clock.now())
    return CheckRun.objects.select_related("upload__submission__venue", "upload__submission__track").get(pk=check_run_id)


def _superseded(run: CheckRun) -> bool:
    """A newer version of the same file (paper, camera-ready, ...) was uploaded: checking
    this one would only delay the check of what the authors will submit."""
    upload = Upload.objects.filter(pk=run.upload_id).values("submission_id", "kind", "version").first()
    if upload is None:
        return False
    return Upload.objects.filter(submission_id=upload["submission_id"], kind=upload["kind"], version__gt=upload["version"]).exists()


def perform_check(check_run_id: int, holder: str | None = None) -> str | None:
    """Claim a check (queued, or abandoned by a dead holder) and run it; None when someone
    else holds it. `holder`: the worker's lease holder (default: this process)."""
    from paperdesk.jobs import leases

    run = _claim(check_run_id, holder or leases.process_holder())
    if run is None:
        return None
    # What the check looks for, read before it starts: a change after this moment makes the
    # verdict out of date, and the run is queued again when it ends (_identities_changed_meanwhile).
    run.identities_digest = identities_digest(checked_identities(run))
    try:
        report = check_upload(run)
    except Exception as error:  # the job must always end in a state the author can see
        CheckRun.objects.filter(pk=run.pk).update(
            state=CheckRun.State.FAILED,
            finished_at=clock.now(),
            report={"status": "unreadable", "error": {"code": "internal", "message": f"The checker failed: {error.__class__.__name__}"}, "findings": []},
        )
        raise
    report.pop("file", None)  # the blob's server path means nothing to anyone else
    run.report = report
    # An archive's findings are the authors' and chairs' to read; they never stop a submission.
    run.blocking = run.upload.kind != Upload.Kind.SUPPLEMENTARY and checker_report.blocks_submission(
        run.check_report, run.upload.submission.venue.spec.submission)
    run.state = CheckRun.State.DONE
    run.finished_at = clock.now()
    summary = report_summary(run.check_report)
    for name, value in summary.items():
        setattr(run, name, value)
    with transaction.atomic():  # the verdict and what it means for a submitted paper, together
        run.save(update_fields=["report", "blocking", "state", "finished_at", "identities_digest", *summary])
        if run.upload.kind == Upload.Kind.PAPER:
            paper_check_finished(upload_id=run.upload_id)
        if run.recheck_reason and run.leak_count > (run.leaks_before or 0) and run.upload.submission.status in LIVE:
            # checked again because the identities changed, and it finds more: the authors are told
            transaction.on_commit(lambda: notifications.send_new_leaks(run.pk))
    leases.release_claim(_claim_key(run.pk))
    if _identities_changed_meanwhile(run):
        with transaction.atomic():
            queue_again(run, REASON_IDENTITIES)
    return run.check_report.status or ""


# --- checking again when the identities change (see rechecks) ----------------------------------

RECHECK_MODES = ("submission", "supplementary")  # a camera-ready check expects the names
REASON_IDENTITIES = "identities"
LIVE = (Submission.Status.DRAFT, Submission.Status.SUBMITTED)


def _identities_changed_meanwhile(run: CheckRun) -> bool:
    """The authors' identities changed while this run was checking (the change's own recheck
    skipped it, as it was not finished): its verdict is already out of date."""
    if run.mode not in RECHECK_MODES or not run.identities_digest:
        return False
    submission = Submission.objects.get(pk=run.upload.submission_id)
    return submission.status in LIVE and identities_digest(identities_for(submission)) != run.identities_digest


def queue_again(run: CheckRun, reason: str) -> bool:
    """A finished check back to the queue (call inside a transaction), its verdict cleared:
    the page says "checking" until the new one. False when it was not finished."""
    from paperdesk.jobs import leases

    changed = CheckRun.objects.filter(pk=run.pk, state=CheckRun.State.DONE).update(
        state=CheckRun.State.QUEUED, report=None, verdict="", leak_count=0, format_count=0, finding_codes="",
        started_at=None, finished_at=None, recheck_reason=reason, leaks_before=run.leak_count)
    if changed:
        leases.release_claim(_claim_key(run.pk))
        pk = run.pk
        transaction.on_commit(lambda: run_check.enqueue(pk))
    return bool(changed)


# --- what a finished check means for a submitted paper ------------------------------------------


@transaction.atomic
def paper_check_finished(*, upload_id: int) -> str:
    """The check of a paper PDF is done (called by the job that ran it). A submitted paper's
    new version becomes the submitted one only if the check passed; one the check refuses
    (over length, unreadable: encrypted, scanned, ...) is kept as a refused version, the
    last compliant version stays submitted, and the authors are told why. Returns what
    happened: "adopted", "refused", "stale" (an older version than the one in force) or ""
    (a draft, or nothing to do). Safe to call again: a second call finds it done."""
    upload = Upload.objects.select_related("check_run").filter(pk=upload_id, kind=Upload.Kind.PAPER).first()
    if upload is None:
        return ""
    submission = Submission.objects.select_for_update().get(pk=upload.submission_id)
    if submission.submitted_at is None or submission.status == Submission.Status.DRAFT:
        return ""  # a draft: the newest version is what a later submit checks
    run = upload.check_run
    if run.state != run.State.DONE:
        return ""
    in_force = submission.submitted_paper
    if in_force is None:  # submitted without the field set (made by hand): the newest before this one was in force
        in_force = submission.uploads.filter(kind=Upload.Kind.PAPER, version__lt=upload.version).order_by("-version").first()
        if in_force is not None:
            submission.submitted_paper = in_force
            submission.save(update_fields=["submitted_paper", "updated_at"])
    if in_force is not None and (in_force.pk == upload.pk or in_force.version > upload.version):
        return "stale" if in_force.pk != upload.pk else ""
    reasons = checker_report.blocking_reasons(run.check_report, submission.venue.spec.submission)
    if reasons:
        if not _recorded(submission, upload, "upload.refuse"):
            record("upload.refuse", submission, actor=None, venue=submission.venue, kind=upload.kind, version=upload.version,
                   in_force=in_force.version if in_force else None, reasons=reasons)
            transaction.on_commit(lambda: notifications.send_version_verdict(submission.pk, upload.pk, "refused", reasons))
        return "refused"
    submission.submitted_paper = upload
    submission.save(update_fields=["submitted_paper", "updated_at"])
    record("upload.adopt", submission, actor=None, venue=submission.venue, kind=upload.kind, version=upload.version,
           previous=in_force.version if in_force else None, sha256=upload.sha256)
    transaction.on_commit(lambda: notifications.send_version_verdict(submission.pk, upload.pk, "adopted", []))
    signals.paper_version_adopted.send(sender=Submission, submission=submission, upload=upload)
    return "adopted"


def _recorded(submission: Submission, upload: Upload, action: str) -> bool:
    """Whether the audit log already holds `action` for this upload (a job run again)."""
    from paperdesk.audit.models import AuditEntry

    return AuditEntry.objects.filter(object_type="submission", object_id=submission.public_id, action=action,
                                     data__version=upload.version, data__kind=upload.kind).exists()


# --- what the lease layer does with checks (see paperdesk.jobs) ------------------------------


def give_up_check(check_run_id: int, message: str = "") -> None:
    """Attempts exhausted: the run fails with a report that says why; the author may submit
    (a checker fault never stops an author) and a chair may run it again."""
    CheckRun.objects.filter(pk=check_run_id, state__in=(CheckRun.State.QUEUED, CheckRun.State.RUNNING)).update(
        state=CheckRun.State.FAILED, finished_at=clock.now(), verdict="unreadable",
        report={"status": "unreadable", "findings": [], "error": {
            "code": "worker_lost", "message": f"The check of this PDF could not be completed. {message} You can still "
            "submit; the chairs see this and can run the check again."}},
    )


def takeover_check(check_run_id: int) -> None:
    """Its worker died: the run may be claimed again (its claim keeps the attempts)."""
    CheckRun.objects.filter(pk=check_run_id, state=CheckRun.State.RUNNING).update(state=CheckRun.State.QUEUED)


def retry_check(check_run_id: int) -> None:
    """A chair runs a failed check again, from the start."""
    from paperdesk.jobs import leases

    CheckRun.objects.filter(pk=check_run_id).exclude(state=CheckRun.State.DONE).update(
        state=CheckRun.State.QUEUED, finished_at=None, report=None, verdict="")
    leases.release_claim(_claim_key(check_run_id))


def sweep_checks(live: set[str], now) -> int:
    """Runs left "running" by a dead holder that no queued job will pick up (the author's
    submit was checking it in a web process that died; or a worker from before leases):
    queue them again. Returns how many."""
    import datetime as dt

    from paperdesk.jobs.models import Claim

    stale = now - dt.timedelta(seconds=settings.CHECK_CPU_SECONDS * 2 + 5 + settings.JOB_LEASE_SECONDS)
    running = list(CheckRun.objects.filter(state=CheckRun.State.RUNNING).values_list("pk", "started_at")[:200])
    owners = dict(Claim.objects.filter(key__in=[_claim_key(pk) for pk, _ in running]).values_list("key", "owner"))
    candidates = [(pk, owners.get(_claim_key(pk)), started_at) for pk, started_at in running]
    requeued = 0
    for pk, holder, started_at in candidates:
        dead = holder not in live if holder else (started_at is None or started_at < stale)
        if not dead:
            continue
        if CheckRun.objects.filter(pk=pk, state=CheckRun.State.RUNNING).update(state=CheckRun.State.QUEUED):
            requeued += 1
            run_check.enqueue(pk)
    return requeued


def report_summary(report: CheckReport) -> dict:
    """The columns chairs filter on: verdict, counts and the finding codes."""
    codes = report.finding_codes
    return {
        "verdict": "unreadable" if report.unreadable else (report.pages.verdict or ""),
        "leak_count": len(report.leaks),
        "format_count": len(report.violations),
        "finding_codes": (" " + " ".join(codes) + " ")[:1000] if codes else "",
    }


def blocking_reason(upload: Upload) -> str:
    run = CheckRun.objects.filter(upload=upload).first()
    # A check still queued or running is never run here: the caller holds the submission's
    # transaction (on SQLite the only write lock), and a check may take a minute. The worker
    # runs it (a dead worker's run is taken over by the lease sweep); the page polls.
    if run is None or run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
        return "The PDF is still being checked; please submit again in a few seconds."
    if run.state == CheckRun.State.FAILED:
        return ""  # a checker fault must not stop an author; chairs see the failure
    reasons = checker_report.blocking_reasons(run.check_report, upload.submission.venue.spec.submission)
    if reasons:
        return "The PDF cannot be submitted yet: " + " ".join(reasons)
    return ""
