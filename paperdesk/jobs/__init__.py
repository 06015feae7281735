"""Background jobs: Django's tasks framework (`django.tasks` on Django >= 6, the
`django_tasks` backport before), stored in the database by django-tasks-db.

django-tasks-db has no lease, heartbeat or retry: a worker killed with SIGKILL leaves its
job "running" for ever. This app adds them (see `paperdesk.jobs.leases`): every job a
worker claims gets a lease held by the worker's heartbeat; a job whose worker stopped
beating is taken over by another worker (a bounded number of attempts), then failed with a
message for the author or chair, who can retry it from the jobs page.

Each task module says, with `register`, what its jobs mean to people: which venue they
belong to, a label, and what to do to its own rows when a job is taken over, given up or
retried. Importing this package must stay cheap: it imports no model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

try:  # pragma: no cover - depends on the Django version
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:
    from django_tasks import task

__all__ = ["CHECKS_QUEUE", "JobHooks", "hooks_for", "register", "task"]

# The PDF checks' own queue (settings.TASKS lists it): `paperdesk serve` gives it a worker of
# its own at a lower CPU priority; a worker started with `--queue-name '*'` takes both.
CHECKS_QUEUE = "checks"


@dataclass(frozen=True)
class JobHooks:
    """What the lease layer needs to know of one task. Each callable takes the job's
    positional arguments (ids) as the task does; `give_up` also gets the message."""

    venue: Callable[..., int | None] | None = None  # the venue id the job belongs to
    label: Callable[..., str] | None = None  # a few words for the jobs page
    takeover: Callable[..., Any] | None = None  # its worker died: make its rows claimable again
    give_up: Callable[..., Any] | None = None  # attempts exhausted or cancelled: say so on its rows
    retry: Callable[..., Any] | None = None  # a person asked to run it again


_HOOKS: dict[str, JobHooks] = {}
_LOADED = False


def register(job, **hooks) -> None:
    """Declare the hooks of a `@task()` function (call it right after the definition)."""
    _HOOKS[job.module_path] = JobHooks(**hooks)


def hooks_for(task_path: str) -> JobHooks:
    """The hooks of a task by its dotted path (importing its module registers them)."""
    global _LOADED
    if not _LOADED:
        _LOADED = True
        from . import catalog

        catalog.load()
    if task_path not in _HOOKS:
        from django.utils.module_loading import import_string

        try:
            import_string(task_path)
        except ImportError:
            pass
    return _HOOKS.get(task_path, JobHooks())
