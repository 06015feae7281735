"""Dates as a venue states them: in its own time zone, and as ISO for countdowns."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def venue_time(moment: dt.datetime | None, venue) -> str:
    """'August 22, 2025, 23:59 AoE': the wall-clock time in the venue's time zone."""
    if not moment:
        return ""
    local = venue.local(moment)
    return f"{local:%B} {local.day}, {local:%Y}, {local:%H:%M} {venue.timezone}"


@register.filter
def iso_utc(moment: dt.datetime | None) -> str:
    if not moment:
        return ""
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


@register.filter
def utc_time(moment: dt.datetime | None) -> str:
    if not moment:
        return ""
    return f"{moment.astimezone(dt.UTC):%Y-%m-%d %H:%M} UTC"


@register.inclusion_tag("submissions/_archival.html", takes_context=True)
def archival_panel(context, submission):
    """The paper's archival matches for the chairs without a conflict (nothing for anyone
    else, not even the heading): `submissions.archival.matches_for`."""
    from paperdesk.submissions.archival import matches_for

    request = context.get("request")
    viewer = getattr(request, "user", None)
    return {"archival_matches": matches_for(viewer, submission) if viewer is not None else [], "submission": submission,
            "csrf_token": context.get("csrf_token")}
