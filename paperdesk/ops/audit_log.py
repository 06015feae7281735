"""Reads for the audit log: the entries a viewer may read (policy.audit_entries_for),
filtered by actor, object, action and time, paged newest first by id (keyset: each page is
one bounded query, however many entries the venue has), and the same set as CSV rows."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet

from paperdesk import policy
from paperdesk.audit.models import AuditEntry
from paperdesk.venues.models import Venue

PAGE_SIZE = 50
EXPORT_CHUNK = 2000

# What the action filter offers (an action starts with one of these); any other prefix
# typed in the URL works too.
ACTION_GROUPS = (
    ("account.", "Accounts (sign-ups, approvals, rejections)"),
    ("venue.", "Venue settings"),
    ("settings.", "Settings edited in the browser"),
    ("role.", "Roles"),
    ("submission.", "Submissions"),
    ("authorship.", "Co-authors"),
    ("upload.", "Uploads"),
    ("pool.", "Reviewer pool"),
    ("conflict", "Conflicts"),
    ("assignment.", "Reviewer assignment"),
    ("area_chairs.", "Area chairs"),
    ("review", "Reviews"),
    ("meta_review.", "Meta-reviews"),
    ("discussion.", "Discussion"),
    ("decision", "Decisions and releases"),
    ("camera_ready.", "Camera-ready"),
    ("email.", "E-mails sent"),
    ("job.", "Background jobs"),
    ("api_token.", "API tokens"),
    ("security.", "Security (throttling, 404 bursts, sign-in lockouts)"),
)


class FilterError(ValueError):
    """A filter value the log cannot use, with the message a person reads."""

    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field = field
        self.message = message


@dataclass(frozen=True)
class Filters:
    actor: str = ""
    object: str = ""
    action: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    raw: dict = field(default_factory=dict)

    @property
    def active(self) -> bool:
        return bool(self.actor or self.object or self.action or self.since or self.until)

    def query(self) -> str:
        """The filters as URL parameters, for the pager and the CSV link."""
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.raw.items() if v})


def _date(value: str, field_name: str, label: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise FilterError(field_name, f"{label}: give a date as YYYY-MM-DD (got “{value[:40]}”).") from None


def parse_filters(params) -> Filters:
    raw = {name: (params.get(name) or "").strip()[:200] for name in ("actor", "object", "action", "since", "until")}
    since = _date(raw["since"], "since", "From")
    until = _date(raw["until"], "until", "Until")
    if since and until and until < since:
        raise FilterError("until", "Until: the end of the time range is before its start.")
    return Filters(actor=raw["actor"], object=raw["object"], action=raw["action"], since=since, until=until, raw=raw)


def _object_q(venue: Venue | None, text: str) -> Q:
    """'#12' or '12': paper number 12 of the venue; 'type:id' (as the log prints an
    object); otherwise an object id, a paper's public id or an object type."""
    number = text.lstrip("#")
    if venue is not None and number.isdigit():
        return Q(submission__venue=venue, submission__number=int(number))
    kind, colon, ident = text.partition(":")
    if colon and kind and ident:
        return Q(object_type=kind.strip().lower(), object_id=ident.strip())
    return Q(object_id=text) | Q(submission__public_id=text) | Q(object_type=text.lower())


def filtered(viewer, venue: Venue | None, filters: Filters) -> QuerySet[AuditEntry]:
    entries = policy.audit_entries_for(viewer, venue)
    if filters.actor:
        if filters.actor.lower() in ("system", "—", "-"):
            entries = entries.filter(actor__isnull=True)
        else:
            entries = entries.filter(Q(actor__email__icontains=filters.actor) | Q(actor__full_name__icontains=filters.actor))
    if filters.object:
        entries = entries.filter(_object_q(venue, filters.object))
    if filters.action:
        entries = entries.filter(action__startswith=filters.action.lower())
    if filters.since:
        entries = entries.filter(at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=dt.UTC))
    if filters.until:
        entries = entries.filter(at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC))
    return entries


@dataclass
class Row:
    id: int
    at: dt.datetime
    actor: str
    actor_name: str
    action: str
    object: str
    paper: str
    venue: str
    details: list[tuple[str, str]]
    ip: str


def _value(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, default=str)


def _row(entry: AuditEntry, venues: dict[int, str], hidden: frozenset[int] = frozenset()) -> Row:
    actor = entry.actor
    paper = entry.submission
    return Row(
        id=entry.pk, at=entry.at,
        actor=actor.email if actor is not None else "",
        actor_name=actor.full_name if actor is not None else "",
        action=entry.action, object=f"{entry.object_type}:{entry.object_id}",
        paper=f"#{paper.number}" if paper is not None and paper.number else "",
        venue=venues.get(entry.venue_id or 0, ""),
        details=[(str(k), _value(v)) for k, v in sorted(policy.audit_redacted(entry.data or {}, hidden).items())],
        ip=entry.ip or "",
    )


COLUMNS = ("id", "venue_id", "actor_id", "action", "object_type", "object_id", "submission_id", "data", "ip", "at",
           "actor__email", "actor__full_name", "submission__number")


def _parts(viewer, venue: Venue | None, filters: Filters) -> list[QuerySet[AuditEntry]]:
    """The filtered entries as querysets each read newest first along one index: a venue's
    log is its own entries and the venue-less ones (security), read apart and merged (one
    query with the OR would sort every matching entry before returning a page)."""
    entries = filtered(viewer, venue, filters).select_related("actor", "submission").only(*COLUMNS)
    if venue is None:
        return [entries]
    return [entries.filter(venue=venue), entries.filter(venue__isnull=True)]


def _newest(parts: list[QuerySet[AuditEntry]], limit: int, before: int | None = None) -> list[AuditEntry]:
    """The `limit` newest entries (older than `before`) of the parts: one bounded query each."""
    rows: list[AuditEntry] = []
    for part in parts:
        rows += list((part.filter(id__lt=before) if before is not None else part).order_by("-id")[:limit])
    return sorted(rows, key=lambda e: e.pk, reverse=True)[:limit]


def _oldest_after(parts: list[QuerySet[AuditEntry]], limit: int, after: int) -> list[AuditEntry]:
    rows: list[AuditEntry] = []
    for part in parts:
        rows += list(part.filter(id__gt=after).order_by("id")[:limit])
    return sorted(rows, key=lambda e: e.pk)[:limit]


def _venue_slugs(venue: Venue | None) -> dict[int, str]:
    if venue is not None:
        return {venue.pk: venue.slug}
    return dict(Venue.objects.values_list("id", "slug"))


@dataclass
class LogPage:
    rows: list[Row]
    newer: int | None  # the `after` cursor of the page before (newer entries), if any
    older: int | None  # the `before` cursor of the next page (older entries), if any
    at_start: bool


def _cursor(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number > 0 else None


def page(viewer, venue: Venue | None, filters: Filters, before=None, after=None, size: int = PAGE_SIZE) -> LogPage:
    """One page of the log, newest first: the entries older than `before`, or newer than
    `after` (the "newer" link); one query of at most size + 1 rows."""
    parts = _parts(viewer, venue, filters)
    venues = _venue_slugs(venue)
    hidden = policy.audit_hidden_numbers(viewer, venue)
    before, after = _cursor(before), _cursor(after)
    if after is not None:
        chunk = _oldest_after(parts, size + 1, after)
        more_newer = len(chunk) > size
        chunk = list(reversed(chunk[:size]))
        rows = [_row(e, venues, hidden) for e in chunk]
        return LogPage(rows, newer=rows[0].id if more_newer and rows else None, older=rows[-1].id if rows else None, at_start=not more_newer)
    chunk = _newest(parts, size + 1, before)
    rows = [_row(e, venues, hidden) for e in chunk[:size]]
    return LogPage(rows, newer=rows[0].id if before is not None and rows else None,
                   older=rows[-1].id if len(chunk) > size else None, at_start=before is None)


CSV_HEADER = ["id", "at (UTC)", "venue", "actor e-mail", "actor name", "action", "object", "paper", "details (JSON)", "client IP"]


CSV_FIELDS = ("id", "at", "venue_id", "actor__email", "actor__full_name", "action", "object_type", "object_id",
              "submission__number", "data", "ip")


def csv_rows(viewer, venue: Venue | None, filters: Filters) -> Iterator[list]:
    """Every entry of the filtered set, newest first, read in keyset chunks of plain values
    (a bounded query per part and chunk, so a long download holds no cursor and no
    transaction open, and builds no model objects)."""
    parts = [part.values_list(*CSV_FIELDS) for part in _parts(viewer, venue, filters)]
    venues = _venue_slugs(venue)
    hidden = policy.audit_hidden_numbers(viewer, venue)
    before = None
    while True:
        rows: list[tuple] = []
        for part in parts:
            rows += list((part.filter(id__lt=before) if before is not None else part).order_by("-id")[:EXPORT_CHUNK])
        rows = sorted(rows, key=lambda r: r[0], reverse=True)[:EXPORT_CHUNK]
        for pk, at, venue_id, email, name, action, object_type, object_id, number, data, ip in rows:
            yield [pk, at.astimezone(dt.UTC).isoformat(timespec="seconds"), venues.get(venue_id or 0, ""), email or "", name or "",
                   action, f"{object_type}:{object_id}", f"#{number}" if number else "",
                   json.dumps(policy.audit_redacted(data or {}, hidden), ensure_ascii=False, sort_keys=True, default=str), ip or ""]
        if len(rows) < EXPORT_CHUNK:
            return
        before = rows[-1][0]
