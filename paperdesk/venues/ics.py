"""A venue's dates as an iCalendar file people can import or subscribe to."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from icalendar import Alarm, Calendar, Event

from .models import Venue
from .timeline import timeline


def event_uid(venue: Venue, key: str, site_url: str) -> str:
    """Stable per venue and date, so a re-import updates the event instead of adding one."""
    host = urlsplit(site_url).hostname or "paperdesk.localhost"
    return f"{key.replace('_', '-')}.{venue.slug}@{host}"


def venue_calendar(venue: Venue, *, now: dt.datetime, site_url: str, page_url: str) -> bytes:
    utc = dt.UTC
    calendar = Calendar()
    calendar.add("prodid", "-//Paperdesk//Venue dates//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", f"{venue.short_name}: dates")
    for row in timeline(venue, now):
        event = Event()
        event.add("uid", event_uid(venue, row.key, site_url))
        event.add("dtstamp", now.astimezone(utc))
        event.add("last-modified", venue.loaded_at.astimezone(utc))
        event.add("dtstart", row.moment.astimezone(utc))
        event.add("summary", f"{venue.short_name}: {row.label}")
        event.add("description", f"{row.label} of {venue.name}: {row.venue_time} {row.zone}.\n{page_url}")
        event.add("url", page_url)
        event.add("transp", "TRANSPARENT")
        if row.wants_reminder:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", dt.timedelta(days=-1))
            alarm.add("description", f"Tomorrow: {venue.short_name}: {row.label}")
            event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
