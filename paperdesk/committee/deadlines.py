"""Review deadlines chairs type: a date (the end of that day) or a date and time, read in
the venue's time zone (AoE by default). Used for extensions and emergency reviewers."""

from __future__ import annotations

import datetime as dt

from paperdesk.venues.models import Venue

FORMATS = ("%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def parse(venue: Venue, text: str) -> dt.datetime | None:
    """The moment `text` names in the venue's time zone, or None when it is not one."""
    text = (text or "").strip()
    for fmt in FORMATS:
        try:
            naive = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if fmt == "%Y-%m-%d":
            naive = naive.replace(hour=23, minute=59)
        return naive.replace(tzinfo=venue.tzinfo)
    return None


def how_to_write(venue: Venue) -> str:
    return f"Give the deadline as a date (YYYY-MM-DD) or a date and time (YYYY-MM-DD HH:MM), in {venue.timezone}."
