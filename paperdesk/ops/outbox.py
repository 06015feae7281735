"""The chairs' outbox (/v/<venue>/chair/outbox/): every queued, held, sent and failed e-mail
of the venue with search and database pagination (a selector), and resending a message (a
service: a new message, the original kept, audited). What a chair may read comes from
`policy.outbox_for` (nothing about a paper they are conflicted with)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.db import transaction

from paperdesk import policy
from paperdesk.audit.services import record
from paperdesk.mail import ESSENTIAL, EVENTS, deliver_new
from paperdesk.mail.models import OutboundEmail
from paperdesk.venues.models import Venue

PAGE_SIZE = 50
log = logging.getLogger(__name__)
FIELDS = ("recipient", "subject", "state", "event", "since", "until")


class FilterError(ValueError):
    pass


class ServiceError(Exception):
    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.message, self.status = message, status


@dataclass
class Filters:
    recipient: str = ""
    subject: str = ""
    state: str = ""
    event: str = ""
    since: dt.date | None = None
    until: dt.date | None = None
    raw: dict = field(default_factory=dict)

    def query(self) -> str:
        from urllib.parse import urlencode

        return urlencode({k: v for k, v in self.raw.items() if v})


def event_choices() -> list[tuple[str, str]]:
    return [(ESSENTIAL, "Essential")] + [(key, label) for key, (label, _) in EVENTS.items()] + [("digest", "Daily digest")]


def parse_filters(params) -> Filters:
    raw = {k: (params.get(k) or "").strip()[:200] for k in FIELDS}
    filters = Filters(recipient=raw["recipient"], subject=raw["subject"], raw=raw)
    if raw["state"]:
        if raw["state"] not in OutboundEmail.State.values:
            raise FilterError(f"Unknown state '{raw['state']}': one of {', '.join(OutboundEmail.State.values)}.")
        filters.state = raw["state"]
    if raw["event"]:
        if raw["event"] not in dict(event_choices()):
            raise FilterError(f"Unknown kind of e-mail '{raw['event']}'.")
        filters.event = raw["event"]
    for name in ("since", "until"):
        if raw[name]:
            try:
                setattr(filters, name, dt.date.fromisoformat(raw[name]))
            except ValueError:
                raise FilterError(f"'{raw[name]}' is not a date: write it as YYYY-MM-DD.") from None
    if filters.since and filters.until and filters.since > filters.until:
        raise FilterError("The time range ends before it starts.")
    return filters


def search(viewer, venue: Venue, filters: Filters):
    rows = policy.outbox_for(viewer, venue)
    if filters.recipient:
        rows = rows.filter(recipients__icontains=filters.recipient)
    if filters.subject:
        rows = rows.filter(subject__icontains=filters.subject)
    if filters.state:
        rows = rows.filter(state=filters.state)
    if filters.event:
        rows = rows.filter(event=filters.event)
    if filters.since:
        rows = rows.filter(created_at__gte=dt.datetime.combine(filters.since, dt.time.min, tzinfo=dt.UTC))
    if filters.until:
        rows = rows.filter(created_at__lt=dt.datetime.combine(filters.until + dt.timedelta(days=1), dt.time.min, tzinfo=dt.UTC))
    return rows.order_by("-id")


@dataclass
class Page:
    rows: list
    number: int
    total: int
    pages: int


def page(viewer, venue: Venue, filters: Filters, number: str | None) -> Page:
    rows = search(viewer, venue, filters)
    total = rows.count()
    pages = max(1, -(-total // PAGE_SIZE))
    try:
        current = min(max(1, int(number or 1)), pages)
    except ValueError:
        current = 1
    start = (current - 1) * PAGE_SIZE
    items = list(rows.defer("body").select_related("resend_of")[start:start + PAGE_SIZE])
    return Page(rows=items, number=current, total=total, pages=pages)


def message_for(viewer, venue: Venue, email_id: int) -> OutboundEmail | None:
    return policy.outbox_for(viewer, venue).filter(pk=email_id).first()


def resend(*, venue: Venue, actor, email_id: int) -> OutboundEmail:
    """Send the message again as a new outbox row (the original stays as it was), now."""
    email = OutboundEmail.objects.filter(pk=email_id, venue=venue).first()
    if email is None:
        raise ServiceError("No such message.", 404)
    decision = policy.can_resend_email(actor, email)
    if not decision.allowed:
        raise ServiceError(decision.reason, 404 if decision.reason == "No such message." else 409)
    with transaction.atomic():
        record("email.resend", email, actor=actor, venue=venue, paper=email.submission_id, template=email.template,
               to=email.to[:50], original_state=email.state)
    try:
        deliver_new(template=email.template, event=email.event, subject=email.subject, body=email.body, to=email.to,
                    reply_to=email.reply_to or None, venue=venue, paper=email.submission_id, resend_of=email)
    except Exception:  # the new row says it failed; the chair sees it in the outbox
        log.warning("resending e-mail %s failed", email.pk, exc_info=True)
    return OutboundEmail.objects.filter(resend_of=email).order_by("-id").first() or email

