"""A job left "running" by a dead worker, made in-process (no subprocess): the queue row,
its lease and the check's claim as the killed worker left them."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

from paperdesk.submissions import services
from tests.conftest import make_pdf_bytes

DEAD = "dead-worker"


def db_backend(settings):
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}}


def draft(venue, author, title="Sparse features"):
    data = services.SubmissionInput(
        title=title, abstract="A.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    submission = services.submission_create(venue=venue, actor=author, data=data)
    upload = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes(2)), original_name="paper.pdf")
    return submission, upload


def check_job(upload):
    from django_tasks_db.models import DBTaskResult

    from paperdesk.submissions.checking import run_check

    run = upload.check_run  # in a test's transaction the upload's on-commit enqueue does not run: enqueue here
    return run, DBTaskResult.objects.get(pk=run_check.enqueue(run.pk).id)


def left_by_dead_worker(run, db_task, attempts: int, seconds_ago: int = 120):
    """The state a worker killed during attempt `attempts` leaves behind."""
    from django_tasks_db.compat import TaskResultStatus

    from paperdesk.jobs.models import Claim, Holder, JobLease
    from paperdesk.submissions.models import CheckRun

    then = timezone.now() - dt.timedelta(seconds=seconds_ago)
    Holder.objects.update_or_create(id=DEAD, defaults={"started_at": then, "seen_at": then, "pid": 1})
    db_task.status, db_task.started_at, db_task.worker_ids = TaskResultStatus.RUNNING, then, [DEAD] * attempts
    db_task.save(update_fields=["status", "started_at", "worker_ids"])
    from paperdesk.jobs import leases

    leases.job_started(db_task, DEAD)  # as the worker did when it claimed the job
    JobLease.objects.filter(pk=str(db_task.id)).update(attempts=attempts, claimed_at=then)
    CheckRun.objects.filter(pk=run.pk).update(state=CheckRun.State.RUNNING, started_at=then)
    Claim.objects.update_or_create(key=f"check:{run.pk}", defaults={"owner": DEAD, "attempts": attempts, "claimed_at": then})


def run_queued_jobs(worker_id="test-worker") -> int:
    """Run every ready job here, as `paperdesk db_worker` does (lease included)."""
    from django_tasks_db.models import DBTaskResult

    from paperdesk.jobs import leases
    from paperdesk.jobs.management.commands.db_worker import LeasedWorker

    worker = LeasedWorker(queue_names=["*"], interval=0, batch=True, backend_name="default", startup_delay=False,
                          max_tasks=None, worker_id=worker_id, excluded_queue_names=[])
    leases.beat(worker_id)
    done = 0
    while (db_task := DBTaskResult.objects.ready().first()) is not None:
        db_task.claim(worker_id)
        worker.run_task(db_task)
        done += 1
    return done
