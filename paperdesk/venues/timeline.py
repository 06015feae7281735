"""A venue's dates as people read them: in the venue's time zone, labelled, with the
offset spelled out ("AoE (UTC−12)"), and which of them are still ahead."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from paperdesk.venueconfig import AOE, venue_tzinfo

from .models import Venue

MINUS = "\u2212"  # a real minus sign: "UTC−12", not a hyphen

# Deadlines for authors, who make up most calendar subscribers: a reminder the day before.
REMINDER_KEYS = frozenset({"submission_deadline", "camera_ready_deadline"})


def offset_label(offset: dt.timedelta | None) -> str:
    minutes = int((offset or dt.timedelta()).total_seconds() // 60)
    hours, rest = divmod(abs(minutes), 60)
    sign = "+" if minutes >= 0 else MINUS
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(timezone_name: str, moment: dt.datetime) -> str:
    """How the venue's zone is written next to a time: "AoE (UTC−12)", "Europe/Paris (UTC+2)"."""
    tz = venue_tzinfo(timezone_name)
    offset = offset_label(moment.astimezone(tz).utcoffset())
    if tz is AOE:
        return f"AoE ({offset})"
    if timezone_name.upper() == "UTC":
        return "UTC"
    return f"{timezone_name} ({offset})"


def utc_iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class DateRow:
    key: str
    label: str
    moment: dt.datetime  # aware
    venue_time: str  # "Fri 22 Aug 2025, 23:59"
    zone: str  # "AoE (UTC−12)"
    utc_time: str  # "Sat 23 Aug 2025, 11:59 UTC"
    is_future: bool

    @property
    def iso(self) -> str:
        return utc_iso(self.moment)

    @property
    def wants_reminder(self) -> bool:
        return self.key in REMINDER_KEYS


def timeline(venue: Venue, now: dt.datetime) -> list[DateRow]:
    tz = venue.tzinfo
    rows = []
    for key, label, moment in venue.dates():
        local = moment.astimezone(tz)
        rows.append(DateRow(
            key=key,
            label=label,
            moment=moment,
            venue_time=f"{local:%a %d %b %Y, %H:%M}",
            zone=zone_label(venue.timezone, moment),
            utc_time=f"{moment.astimezone(dt.UTC):%a %d %b %Y, %H:%M} UTC",
            is_future=moment > now,
        ))
    return rows


def next_date(rows: list[DateRow]) -> DateRow | None:
    return next((row for row in rows if row.is_future), None)


@dataclass(frozen=True)
class Window:
    """Whether new submissions are accepted now, and the sentence that says so."""

    state: str  # "open" | "not_yet" | "closed"
    message: str

    @property
    def is_open(self) -> bool:
        return self.state == "open"


def submission_window(venue: Venue, now: dt.datetime) -> Window:
    rows = {row.key: row for row in timeline(venue, now)}
    opens, closes = rows["submission_open"], rows["submission_deadline"]
    if opens.is_future:
        return Window("not_yet", f"Submissions open on {opens.venue_time} {opens.zone}.")
    if closes.is_future:
        return Window("open", f"Submissions are open until {closes.venue_time} {closes.zone}.")
    return Window("closed", f"Submissions closed on {closes.venue_time} {closes.zone}.")
