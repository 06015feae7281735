"""The jobs page: running, retrying and failed jobs the viewer may see (bounded)."""

from __future__ import annotations

from dataclasses import dataclass

from paperdesk import policy
from paperdesk.jobs.leases import live_holder_ids
from paperdesk.jobs.models import Holder, JobLease

LIMIT = 200


@dataclass
class JobRow:
    task_id: str
    label: str
    state: str
    state_text: str
    attempts: int
    message: str
    updated_at: object
    venue_slug: str
    alive: bool  # running on a worker that still beats
    can_retry: bool
    can_cancel: bool


def job_rows(viewer, venue, state: str = "") -> list[JobRow]:
    leases = policy.jobs_for(viewer, venue).select_related("venue").order_by("-updated_at")
    if state in JobLease.State.values:
        leases = leases.filter(state=state)
    live = live_holder_ids()
    rows = []
    for lease in leases[:LIMIT]:
        alive = lease.state == JobLease.State.RUNNING and lease.owner in live
        rows.append(JobRow(
            task_id=lease.task_id, label=lease.label, state=lease.state,
            state_text=lease.get_state_display() if alive or lease.state != JobLease.State.RUNNING else "Worker stopped; about to be taken over",
            attempts=lease.attempts, message=lease.message, updated_at=lease.updated_at,
            venue_slug=lease.venue.slug if lease.venue is not None else "", alive=alive,
            can_retry=lease.state in (JobLease.State.FAILED, JobLease.State.CANCELLED),
            can_cancel=lease.state == JobLease.State.RETRYING,
        ))
    return rows


def workers_alive() -> list[Holder]:
    return list(Holder.objects.filter(pk__in=live_holder_ids(), kind="worker").order_by("started_at"))
