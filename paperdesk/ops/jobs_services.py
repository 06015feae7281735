"""Retry and cancel a background job (the jobs page and the API): one transaction each,
audited; the job's own rows are reset by its task's hooks (paperdesk.ops.jobs_catalog)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from paperdesk import policy
from paperdesk.audit.services import record
from paperdesk.jobs import hooks_for
from paperdesk.jobs.models import JobLease
from paperdesk.submissions.services import ServiceError, require


def _args(db_task) -> list:
    return list((db_task.args_kwargs or {}).get("args") or [])


def _locked(task_id: str):
    from django_tasks_db.models import DBTaskResult

    lease = JobLease.objects.select_for_update().filter(pk=task_id).first()
    db_task = DBTaskResult.objects.select_for_update().filter(pk=task_id).first() if lease else None
    if lease is None or db_task is None:
        raise ServiceError("No such job.", 404)
    return lease, db_task


def job_retry(*, task_id: str, actor) -> JobLease:
    """Run a failed or cancelled job again, from its attempts' start. What it finished
    before is not done again (sent e-mails are recorded; a check is claimed once)."""
    from django_tasks_db.compat import TaskResultStatus

    with transaction.atomic():
        lease, db_task = _locked(task_id)
        require(policy.can_manage_job(actor, lease))
        if db_task.status != TaskResultStatus.FAILED:
            raise ServiceError("Only a failed or cancelled job can be retried; this one is still queued or running.", 409)
        hooks = hooks_for(db_task.task_path)
        if hooks.retry:
            hooks.retry(*_args(db_task))
        db_task.status, db_task.finished_at, db_task.exception_class_path, db_task.traceback = TaskResultStatus.READY, None, "", ""
        db_task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        who = getattr(actor, "display_name", "") or actor.email
        JobLease.objects.filter(pk=lease.pk).update(state=JobLease.State.RETRYING, attempts=0, owner="", message=f"Retried by {who}.")
        record("job.retry", lease, actor=actor, venue=lease.venue, task=db_task.task_path, label=lease.label)
    lease.refresh_from_db()
    return lease


def job_cancel(*, task_id: str, actor) -> JobLease:
    """Stop a job waiting to be retried; its rows say it was cancelled. A job running on a
    live worker cannot be stopped half-way: it is refused with the reason."""
    from django_tasks_db.compat import TaskResultStatus

    with transaction.atomic():
        lease, db_task = _locked(task_id)
        require(policy.can_manage_job(actor, lease))
        if db_task.status == TaskResultStatus.RUNNING:
            raise ServiceError("This job is running on a live worker and cannot be stopped half-way. If its worker dies, "
                           "it waits here to be retried and can be cancelled then.", 409)
        if db_task.status != TaskResultStatus.READY:
            raise ServiceError("This job has already ended.", 409)
        who = getattr(actor, "display_name", "") or actor.email
        message = f"Cancelled by {who}."
        db_task.status, db_task.finished_at = TaskResultStatus.FAILED, timezone.now()
        db_task.exception_class_path, db_task.traceback = "paperdesk.jobs.Cancelled", message
        db_task.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        hooks = hooks_for(db_task.task_path)
        if hooks.give_up:
            hooks.give_up(*_args(db_task), message=message)
        JobLease.objects.filter(pk=lease.pk).update(state=JobLease.State.CANCELLED, message=message)
        record("job.cancel", lease, actor=actor, venue=lease.venue, task=db_task.task_path, label=lease.label)
    lease.refresh_from_db()
    return lease
