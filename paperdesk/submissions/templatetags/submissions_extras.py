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
