"""The age of the newest worker heartbeat, for /readyz.

The heartbeats are written by the job workers' lease holders (`paperdesk.jobs`: a `Holder`
of kind "worker" beats every few seconds while it lives)."""

from __future__ import annotations

from django.apps import apps

from paperdesk.clock import now


def newest_age_seconds() -> float | None:
    """Seconds since a worker last beat; None when none ever did (or heartbeats are not kept)."""
    if not apps.is_installed("paperdesk.jobs"):
        return None
    try:
        holder = apps.get_model("jobs", "Holder")
    except LookupError:
        return None
    newest = holder.objects.filter(kind="worker").order_by("-seen_at").values_list("seen_at", flat=True).first()
    return None if newest is None else max(0.0, (now() - newest).total_seconds())
