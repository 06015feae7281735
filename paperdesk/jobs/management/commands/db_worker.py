"""`paperdesk db_worker`: django-tasks-db's worker, holding a lease on every job it runs.

Same options as django-tasks-db's command. In addition the worker beats (a `Holder` row
written every JOB_LEASE_SECONDS/6 by a thread) and sweeps: jobs whose worker stopped
beating are taken over (see `paperdesk.jobs.leases`)."""

from __future__ import annotations

from django_tasks_db.management.commands import db_worker as base

from paperdesk import requestcontext
from paperdesk.jobs import leases


class LeasedWorker(base.Worker):
    def run(self) -> None:
        leases.beat(self.worker_id)  # alive before the first claim
        leases._worker_holder = self.worker_id
        heartbeat = leases.Heartbeat(self.worker_id)
        heartbeat.start()
        try:
            super().run()
        finally:
            heartbeat.stop()

    def run_task(self, db_task_result) -> None:
        leases.job_started(db_task_result, self.worker_id)
        token = requestcontext.job_id.set(str(db_task_result.id))
        counts = requestcontext.job_mail_counts.set({})
        try:
            super().run_task(db_task_result)
        finally:
            requestcontext.job_mail_counts.reset(counts)
            requestcontext.job_id.reset(token)
            leases.job_finished(db_task_result)


class Command(base.Command):
    help = "Run a database background worker that holds a lease on each job (taken over if the worker dies)."

    def handle(self, *args, **options):
        original = base.Worker
        base.Worker = LeasedWorker  # the base command builds `Worker`; ours is the leased one
        try:
            return super().handle(*args, **options)
        finally:
            base.Worker = original
