"""Leases on background jobs, held by heartbeats.

- Every process that runs jobs is a `Holder`; its heartbeat thread writes `seen_at` every
  `JOB_LEASE_SECONDS / 6`. A holder not seen for `JOB_LEASE_SECONDS` is dead.
- A worker that claims a job (a row of django-tasks-db's queue) records a `JobLease` with
  itself as owner; the lease lasts as long as the owner beats.
- Every worker's heartbeat thread also sweeps: a job marked running whose owner is dead is
  taken over — its task's `takeover` hook makes its rows claimable again and the job goes
  back to the queue — until it has been tried `JOB_MAX_ATTEMPTS` times; then it is failed
  with a message and its `give_up` hook tells the author or chair on its rows.
- Domain rows that two processes may start (a check run: the worker, or the author's submit
  while waiting) are claimed through `claim` with a `Claim` row of the same kind.

Leases use the wall clock (`timezone.now()`), not `paperdesk.clock`: a test that moves the
venue's time must not make live workers look dead."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from paperdesk import plurals

from . import hooks_for, sweeps

log = logging.getLogger("paperdesk.jobs")


class WorkerLost(Exception):
    """The job's worker stopped (killed, out of memory, machine restarted) too many times."""


def lease_seconds() -> float:
    return float(getattr(settings, "JOB_LEASE_SECONDS", 30))


def max_attempts() -> int:
    return max(1, int(getattr(settings, "JOB_MAX_ATTEMPTS", 3)))


def wall_now():
    return timezone.now()


# --- holders and heartbeats --------------------------------------------------------------


def beat(holder_id: str, kind: str = "worker") -> None:
    from .models import Holder

    now = wall_now()
    if not Holder.objects.filter(pk=holder_id).update(seen_at=now):
        try:
            with transaction.atomic():
                Holder.objects.create(id=holder_id, kind=kind, host=socket.gethostname()[:255], pid=os.getpid(),
                                      started_at=now, seen_at=now)
        except IntegrityError:
            Holder.objects.filter(pk=holder_id).update(seen_at=now)


def live_holder_ids(now=None) -> set[str]:
    from .models import Holder

    cutoff = (now or wall_now()) - timedelta(seconds=lease_seconds())
    return set(Holder.objects.filter(seen_at__gte=cutoff).values_list("id", flat=True))


_process_holder: tuple[int, str] | None = None
_worker_holder: str | None = None


def current_worker() -> str | None:
    """The holder id of the worker running in this process, if one is."""
    return _worker_holder


def process_holder(kind: str = "web") -> str:
    """This process's holder id for claims made outside a worker (beats once, now)."""
    global _process_holder
    if _process_holder is None or _process_holder[0] != os.getpid():
        _process_holder = (os.getpid(), f"{kind}-{socket.gethostname()[:20]}-{os.getpid()}-{uuid.uuid4().hex[:8]}")
    beat(_process_holder[1], kind)
    return _process_holder[1]


class Heartbeat(threading.Thread):
    """A worker's heartbeat: beats every lease/6 seconds and, with `sweep`, takes over the
    jobs of dead workers every lease/3 seconds. Its own database connection."""

    def __init__(self, holder_id: str, *, kind: str = "worker", sweep: bool = True):
        super().__init__(name=f"heartbeat-{holder_id[:8]}", daemon=True)
        self.holder_id, self.kind, self.sweeping = holder_id, kind, sweep
        self.stopping = threading.Event()

    def run(self) -> None:
        interval = max(0.05, lease_seconds() / 6)
        next_sweep = 0.0
        try:
            while not self.stopping.is_set():
                try:
                    beat(self.holder_id, self.kind)
                    if self.sweeping and time.monotonic() >= next_sweep:
                        next_sweep = time.monotonic() + lease_seconds() / 3
                        sweep()
                except Exception:
                    log.exception("heartbeat of %s failed; trying again", self.holder_id)
                self.stopping.wait(interval)
        finally:
            connection.close()

    def stop(self, forget: bool = True) -> None:
        self.stopping.set()
        self.join(timeout=lease_seconds())
        if forget:
            from .models import Holder

            try:
                Holder.objects.filter(pk=self.holder_id).delete()
            finally:
                connection.close()


# --- jobs ---------------------------------------------------------------------------------


def _args(db_task) -> list:
    return list((db_task.args_kwargs or {}).get("args") or [])


def job_started(db_task, owner: str) -> None:
    """A worker starts a job it claimed: record (or take over) the lease, count the attempt."""
    from .models import JobLease

    hooks = hooks_for(db_task.task_path)
    task_id = str(db_task.id)
    now = wall_now()
    lease = JobLease.objects.filter(pk=task_id).first()
    if lease is None:
        venue_id, label = None, ""
        try:
            venue_id = hooks.venue(*_args(db_task)) if hooks.venue else None
            label = hooks.label(*_args(db_task))[:200] if hooks.label else ""
        except Exception:
            log.exception("no venue or label for job %s", task_id)
        try:
            with transaction.atomic():
                JobLease.objects.create(task_id=task_id, task_path=db_task.task_path[:200], owner=owner, attempts=1,
                                        venue_id=venue_id, label=label or db_task.task_path.rsplit(".", 1)[-1], claimed_at=now)
            return
        except IntegrityError:
            pass
    from django.db.models import F

    JobLease.objects.filter(pk=task_id).update(owner=owner, attempts=F("attempts") + 1, state=JobLease.State.RUNNING, claimed_at=now)


def job_finished(db_task) -> None:
    """The job returned or raised: a finished job needs no lease; a failed one keeps it,
    with the error, for the jobs page."""
    from django_tasks_db.compat import TaskResultStatus

    from .models import JobLease

    task_id = str(db_task.id)
    if db_task.status == TaskResultStatus.SUCCESSFUL:
        JobLease.objects.filter(pk=task_id).delete()
    elif db_task.status == TaskResultStatus.FAILED:
        last = (db_task.traceback or "").strip().splitlines()[-1:] or [db_task.exception_class_path]
        JobLease.objects.filter(pk=task_id).update(state=JobLease.State.FAILED, message=f"It stopped with an error: {last[0]}"[:500])


def lost_message(attempts: int) -> str:
    return (f"Its worker stopped {plurals.count(attempts, 'time')} while running it (killed, out of "
            "memory, or the machine restarted), so it was given up. Nothing it finished is done again if you retry it.")


def sweep(now=None) -> dict:
    """Take over the jobs (and claimed rows) of dead holders. Safe to run in every worker
    at once: each change is a conditional update that only one of them wins."""
    from django_tasks_db.compat import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from .models import JobLease

    now = now or wall_now()
    live = live_holder_ids(now)
    cutoff = now - timedelta(seconds=lease_seconds())
    counts = {"retried": 0, "failed": 0, "rows": 0}
    running = list(DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING)
                   .only("id", "task_path", "started_at", "worker_ids", "args_kwargs")[:500])
    leases = {lease.task_id: lease for lease in JobLease.objects.filter(task_id__in=[str(t.id) for t in running])}
    for db_task in running:
        lease = leases.get(str(db_task.id))
        owner = lease.owner if lease else (db_task.worker_ids[-1] if db_task.worker_ids else "")
        if owner in live or (db_task.started_at and db_task.started_at > cutoff):
            continue
        attempts = lease.attempts if lease else len(db_task.worker_ids or [])
        hooks = hooks_for(db_task.task_path)
        args = _args(db_task)
        try:
            with transaction.atomic():
                if attempts >= max_attempts():
                    message = lost_message(attempts)
                    if not DBTaskResult.objects.filter(pk=db_task.pk, status=TaskResultStatus.RUNNING).update(
                        status=TaskResultStatus.FAILED, finished_at=now, return_value=None,
                        exception_class_path=f"{WorkerLost.__module__}.{WorkerLost.__qualname__}", traceback=message,
                    ):
                        continue
                    _upsert_lease(db_task, lease, state=JobLease.State.FAILED, message=message, attempts=attempts)
                    if hooks.give_up:
                        hooks.give_up(*args, message=message)
                    counts["failed"] += 1
                    log.warning("job %s (%s) given up after %d attempts", db_task.pk, db_task.task_path, attempts)
                else:
                    if hooks.takeover:
                        hooks.takeover(*args)
                    if not DBTaskResult.objects.filter(pk=db_task.pk, status=TaskResultStatus.RUNNING).update(
                        status=TaskResultStatus.READY
                    ):
                        transaction.set_rollback(True)
                        continue
                    _upsert_lease(db_task, lease, state=JobLease.State.RETRYING, attempts=attempts,
                                  message=f"Its worker stopped during attempt {attempts} of {max_attempts()}; another worker takes it over.")
                    counts["retried"] += 1
                    log.warning("job %s (%s) taken over from dead worker %s", db_task.pk, db_task.task_path, owner)
        except Exception:
            log.exception("could not take over job %s", db_task.pk)
    for sweep_rows in sweeps():  # the apps' own rows (a check left "running": submissions' sweep_checks)
        counts["rows"] += sweep_rows(live, now)
    return counts


def _upsert_lease(db_task, lease, *, state: str, message: str, attempts: int) -> None:
    from .models import JobLease

    if lease is None:
        hooks = hooks_for(db_task.task_path)
        venue_id = label = None
        try:
            venue_id = hooks.venue(*_args(db_task)) if hooks.venue else None
            label = hooks.label(*_args(db_task))[:200] if hooks.label else None
        except Exception:  # a hook that cannot describe its job leaves the row unlabelled
            log.debug("job %s: no venue or label", db_task.id, exc_info=True)
        JobLease.objects.update_or_create(task_id=str(db_task.id), defaults={
            "task_path": db_task.task_path[:200], "state": state, "message": message[:500], "attempts": attempts,
            "owner": (db_task.worker_ids or [""])[-1][:64], "venue_id": venue_id,
            "label": label or db_task.task_path.rsplit(".", 1)[-1],
        })
    else:
        JobLease.objects.filter(pk=lease.pk).update(state=state, message=message[:500])


# --- claims on domain rows ---------------------------------------------------------------


def claim(key: str, owner: str, *, running: bool, started_at=None, now=None):
    """Claim the row named `key` for `owner`, inside the caller's transaction (which holds
    the row locked). `running` says the row is marked as being worked on: then it may be
    taken only when its claim's owner is dead (or, for a row claimed before leases existed,
    when it started more than a lease ago). Returns the Claim (its `attempts` counts this
    one) or None."""
    from django.db.models import F

    from .models import Claim

    now = now or wall_now()
    current = Claim.objects.filter(pk=key).first()
    if running:
        if current is None:
            if started_at is not None and started_at > now - timedelta(seconds=lease_seconds()):
                return None
        elif current.owner in live_holder_ids(now):
            return None
    if current is None:
        return Claim.objects.create(key=key, owner=owner, attempts=1, claimed_at=now)
    Claim.objects.filter(pk=key).update(owner=owner, attempts=F("attempts") + 1, claimed_at=now)
    current.refresh_from_db()
    return current


def release_claim(key: str) -> None:
    from .models import Claim

    Claim.objects.filter(pk=key).delete()
