"""What each background job means to people, for the lease layer and the jobs page: its
venue (whose chairs see it), a label, and what taking it over, giving it up or retrying it
does to its own rows. Jobs not listed here are shown to superusers only, with their
function's name, and are retried as they are.

Taking over never repeats finished work: a check run is claimed again (its report is
written once); a release wave resumes after the notices it recorded as sent; an
assignment run starts again from its inputs; reminders are claimed one by one before they
are sent (`claim_reminder`, `CameraReadyReminder`)."""

from __future__ import annotations

import importlib

from django.db import transaction

from paperdesk import clock
from paperdesk.jobs import register


def _venue_arg(venue_id, *args, **kwargs):
    return venue_id


def _check_venue(check_run_id):
    from paperdesk.submissions.models import CheckRun

    return CheckRun.objects.filter(pk=check_run_id).values_list("upload__submission__venue_id", flat=True).first()


def _check_label(check_run_id):
    from paperdesk.submissions.models import CheckRun

    run = CheckRun.objects.filter(pk=check_run_id).select_related("upload__submission").first()
    if run is None:
        return f"PDF check {check_run_id} (deleted)"
    what = "Supplementary archive check" if run.upload.kind == "supplementary" else "PDF check"
    return f"{what} of paper #{run.upload.submission.number}, version {run.upload.version}"


def _release_venue(release_id):
    from paperdesk.decisions.models import Release

    return Release.objects.filter(pk=release_id).values_list("venue_id", flat=True).first()


def _release_label(release_id):
    from paperdesk.decisions.models import Release

    release = Release.objects.filter(pk=release_id).first()
    return f"Decision notices, wave {release.wave} ({release.total} e-mails)" if release else f"Decision notices {release_id}"


def _release_give_up(release_id, message=""):
    from paperdesk.decisions.models import Release

    Release.objects.filter(pk=release_id, state=Release.State.RUNNING).update(
        state=Release.State.FAILED, finished_at=clock.now(), error=f"The sending job stopped. {message}"[:2000])


def _release_retry(release_id):
    """As the release page's Resume: notices recorded as sent are never sent again; those
    that failed are tried again; unconfirmed ones stay for the chair to decide."""
    from paperdesk.decisions.models import NoticeSent, Release

    with transaction.atomic():
        NoticeSent.objects.filter(release_id=release_id, state=NoticeSent.State.FAILED).delete()
        Release.objects.filter(pk=release_id).update(state=Release.State.RUNNING, error="")


def _run_venue(run_id):
    from paperdesk.committee.models import AssignmentRun

    return AssignmentRun.objects.filter(pk=run_id).values_list("venue_id", flat=True).first()


def _run_takeover(run_id):
    from paperdesk.committee.models import AssignmentRun

    AssignmentRun.objects.filter(pk=run_id, state=AssignmentRun.State.RUNNING).update(
        state=AssignmentRun.State.QUEUED, progress=0, message="Its worker stopped; another worker starts it again")


def _run_give_up(run_id, message=""):
    from paperdesk.committee.models import AssignmentRun

    AssignmentRun.objects.filter(pk=run_id, state__in=(AssignmentRun.State.QUEUED, AssignmentRun.State.RUNNING)).update(
        state=AssignmentRun.State.FAILED, finished_at=clock.now(), message=message[:300])


def _run_retry(run_id):
    from paperdesk.committee.models import AssignmentRun

    AssignmentRun.objects.filter(pk=run_id, state=AssignmentRun.State.FAILED).update(
        state=AssignmentRun.State.QUEUED, progress=0, finished_at=None, cancel_requested=False, message="Waiting for a worker")


def _camera_ready_venue(run_id):
    from paperdesk.cameraready.models import CameraReadyReminderRun

    return CameraReadyReminderRun.objects.filter(pk=run_id).values_list("venue_id", flat=True).first()


def _label(text):
    return lambda *args, **kwargs: text


def _find(*paths):
    """The first of these dotted paths that names a task (tasks move between modules)."""
    for path in paths:
        module, _, name = path.rpartition(".")
        try:
            job = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if job is not None and hasattr(job, "module_path"):
            return job
    return None


def load() -> None:
    from paperdesk.submissions import checking

    register(checking.run_check, venue=_check_venue, label=_check_label, takeover=checking.takeover_check,
             give_up=checking.give_up_check, retry=checking.retry_check)
    table = [
        (("paperdesk.decisions.services.send_release_notices",),
         dict(venue=_release_venue, label=_release_label, give_up=_release_give_up, retry=_release_retry)),
        (("paperdesk.committee.assignment.run_assignment_job", "paperdesk.committee.tasks.run_assignment_job"),
         dict(venue=_run_venue, label=lambda run_id: f"Assignment run {run_id}", takeover=_run_takeover,
              give_up=_run_give_up, retry=_run_retry)),
        (("paperdesk.committee.tasks.compute_conflicts_job",), dict(venue=_venue_arg, label=_label("Conflicts of interest"))),
        (("paperdesk.committee.tasks.refresh_conflicts_job",), dict(venue=_venue_arg, label=_label("Conflicts of new papers or reviewers"))),
        (("paperdesk.committee.tasks.send_invitation_reminders_job",), dict(venue=_venue_arg, label=_label("Reviewer invitation reminders"))),
        (("paperdesk.committee.tasks.send_first_author_reminders_job",), dict(venue=_venue_arg, label=_label("First-author volunteer reminders"))),
        (("paperdesk.committee.tasks.send_assignment_emails_job",), dict(venue=_venue_arg, label=_label("Assignment e-mails to reviewers"))),
        (("paperdesk.reviews.reminders.review_reminders_job",), dict(venue=_venue_arg, label=_label("Review reminders"))),
        (("paperdesk.reviews.version_notices.send_new_version_notices_job",),
         dict(venue=_venue_arg, label=_label("New PDF version: notices to reviewers and area chair"))),
        (("paperdesk.cameraready.services.send_camera_ready_reminders",),
         dict(venue=_camera_ready_venue, label=_label("Camera-ready reminders"))),
    ]
    for paths, hooks in table:
        job = _find(*paths)
        if job is not None:
            register(job, **hooks)
