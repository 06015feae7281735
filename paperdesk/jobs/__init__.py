"""Background jobs: Django's tasks framework (`django.tasks` on Django >= 6, the
`django_tasks` backport before), stored in the database by django-tasks-db.

django-tasks-db has no lease, heartbeat or retry: a worker killed with SIGKILL leaves its
job "running" for ever. This app adds them (see `paperdesk.jobs.leases`): every job a
worker claims gets a lease held by the worker's heartbeat; a job whose worker stopped
beating is taken over by another worker (a bounded number of attempts), then failed with a
message for the author or chair, who can retry it from the jobs page.

Each task module says, with `register`, what its jobs mean to people: which venue they
belong to, a label, and what to do to its own rows when a job is taken over, given up or
retried. This layer sits below every app and imports none: the apps' hooks reach it
through `register` (a catalog added with `add_loader` registers them all before the first
lookup: the jobs page's, `paperdesk.ops.jobs_catalog`), and rows an app must sweep when a
worker died through `add_sweep`. Importing this package must stay cheap: it imports no
model."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

try:  # pragma: no cover - depends on the Django version
    from django.tasks import task  # type: ignore[import-not-found]
except ImportError:
    from django_tasks import task

__all__ = ["CHECKS_QUEUE", "JobHooks", "add_loader", "add_sweep", "hooks_for", "register", "sweeps", "task"]

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
_LOADERS: list[Callable[[], Any]] = []  # not yet run
_SWEEPS: list[Callable[[set[str], Any], int]] = []


def register(job, **hooks) -> None:
    """Declare the hooks of a `@task()` function (call it right after the definition)."""
    _HOOKS[job.module_path] = JobHooks(**hooks)


def add_loader(load: Callable[[], Any]) -> None:
    """A function that registers many tasks' hooks (an app's `ready()` adds it); run once,
    before the next lookup."""
    _LOADERS.append(load)


def add_sweep(sweep: Callable[[set[str], Any], int]) -> None:
    """An app's sweep of its own rows left by dead workers, run by the lease sweep
    (`leases.take_over_dead`) with the live holders' ids and the time; returns how many
    rows it set right."""
    if sweep not in _SWEEPS:
        _SWEEPS.append(sweep)


def sweeps() -> list[Callable[[set[str], Any], int]]:
    return list(_SWEEPS)


def hooks_for(task_path: str) -> JobHooks:
    """The hooks of a task by its dotted path (the loaders, or importing its module,
    register them)."""
    while _LOADERS:
        _LOADERS.pop(0)()
    if task_path not in _HOOKS:
        from django.utils.module_loading import import_string

        try:
            import_string(task_path)
        except ImportError:
            pass
    return _HOOKS.get(task_path, JobHooks())
