"""Publishing the program: a chair step of its own, separate from releasing the decisions.
The public accepted-papers page and the program JSON show nothing of the accepted papers
until a chair publishes the program (now, or from a moment they schedule); a chair may
unpublish it again. Papers whose authors have not confirmed their camera-ready details are
left out by default (nothing is published that the authors did not confirm); the chairs
may list them as "to be confirmed" instead, with their submitted title only. Writes are
one transaction with an audit entry; reads (the chairs' panel) are below them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require
from paperdesk.venueconfig import AOE
from paperdesk.venues.models import Venue

from .program_models import ProgramPublication

__all__ = ["ProgramState", "ServiceError", "parse_aoe", "program_publish", "program_state", "program_unpublish"]

UNCONFIRMED_CHOICES = [value for value, _ in ProgramPublication.Unconfirmed.choices]


def parse_aoe(text: str) -> dt.datetime:
    """'2025-09-20T12:00' (a datetime-local field) read Anywhere on Earth."""
    try:
        moment = dt.datetime.strptime((text or "").strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ServiceError("Enter the date and time the program goes public, as YYYY-MM-DD HH:MM Anywhere on Earth (UTC−12).", 400, "at") from None
    return moment.replace(tzinfo=AOE)


def _save(venue: Venue, actor, published_at: dt.datetime | None, unconfirmed: str | None, now: dt.datetime) -> ProgramPublication:
    row = ProgramPublication.objects.select_for_update().filter(venue=venue).first()
    if row is None:
        row = ProgramPublication(venue=venue, unconfirmed=ProgramPublication.Unconfirmed.OMIT)
    row.published_at = published_at
    if unconfirmed is not None:
        row.unconfirmed = unconfirmed
    row.updated_by, row.updated_at = actor, now
    row.save()
    return row


def program_publish(*, venue: Venue, actor, at: dt.datetime | None = None, unconfirmed: str | None = None, now=None) -> ProgramPublication:
    """Publish the program now (`at` None) or from the moment `at` (in the future). An
    `unconfirmed` of "omit" or "tbc" says what the page does with papers whose authors did
    not confirm their details; None keeps the previous choice (at first "omit")."""
    now = now or clock.now()
    require(policy.can_publish_program(actor, venue))
    if unconfirmed is not None and unconfirmed not in UNCONFIRMED_CHOICES:
        raise ServiceError(f"Choose what the page shows of papers not confirmed yet: {' or '.join(UNCONFIRMED_CHOICES)}.", 400, "unconfirmed")
    if at is not None and at <= now:
        raise ServiceError("A scheduled publication must be in the future; to publish the program now, use “Publish now”.", 400, "at")
    with transaction.atomic():
        already = ProgramPublication.objects.select_for_update().filter(venue=venue).values_list("published_at", flat=True).first()
        # Publishing a program that is already public keeps the moment it went public
        # (the chair only changes what it shows of unconfirmed papers).
        when = at or (already if already is not None and already <= now else now)
        row = _save(venue, actor, when, unconfirmed, now)
        record("program.schedule" if at else "program.publish", venue, actor=actor, venue=venue,
               at=row.published_at.isoformat() if row.published_at else None, unconfirmed=row.unconfirmed)
    return row


def program_unpublish(*, venue: Venue, actor, now=None) -> ProgramPublication:
    """Take the program off the public page (or cancel a scheduled publication)."""
    now = now or clock.now()
    require(policy.can_publish_program(actor, venue))
    with transaction.atomic():
        before = ProgramPublication.objects.filter(venue=venue).values_list("published_at", flat=True).first()
        if before is None:
            raise ServiceError("The program is not published (nor scheduled): nothing to unpublish.", 409, "unpublish")
        row = _save(venue, actor, None, None, now)
        record("program.unpublish", venue, actor=actor, venue=venue, was=before.isoformat())
    return row


# --- the chairs' panel ---------------------------------------------------------------------------


@dataclass
class ProgramState:
    state: str  # "unpublished" | "scheduled" | "published"
    published_at: dt.datetime | None
    unconfirmed_choice: str
    accepted: int  # accepted papers whose decision is released
    confirmed: int
    unconfirmed: list[Submission] = field(default_factory=list)  # accepted, details not confirmed

    @property
    def label(self) -> str:
        return {"unpublished": "Not published", "scheduled": "Scheduled", "published": "Published"}[self.state]


def program_state(viewer, venue: Venue, now=None) -> ProgramState | None:
    """For the chairs: whether the program is public, and which accepted papers it lists."""
    if not policy.can_publish_program(viewer, venue):
        return None
    now = now or clock.now()
    row = ProgramPublication.objects.filter(venue=venue).first()
    published_at = row.published_at if row else None
    state = "unpublished" if published_at is None else ("published" if published_at <= now else "scheduled")
    accepted = policy.accepted_papers(venue)
    unconfirmed = list(accepted.filter(camera_ready__confirmed_at__isnull=True).order_by("number").only("pk", "number", "title")[:500])
    total = accepted.count()
    return ProgramState(state=state, published_at=published_at, unconfirmed_choice=row.unconfirmed if row else ProgramPublication.Unconfirmed.OMIT,
                        accepted=total, confirmed=accepted.filter(camera_ready__confirmed_at__isnull=False).count(), unconfirmed=unconfirmed)
