"""Reads for the accounts pages: the venue's account rules, a person's standing, and the
moderation queue (through the access policy)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Exists, ExpressionWrapper, F, OuterRef, Prefetch, Q, Value

from paperdesk import clock, policy
from paperdesk.venueconfig.spec import AccountRules
from paperdesk.venues.context import default_venue
from paperdesk.venues.models import Venue

from .models import Affiliation, User
from .moderation import email_domain, institution_of

QUEUE_PAGE_SIZE = 50
# The queue's orders: the longest waiting first (the default), the newest first, or the
# people the venue already knows (authors on a submission, invited reviewers and area
# chairs) first, each group longest waiting first.
QUEUE_SORTS = {
    "oldest": ("Waiting longest first", ("date_joined", "pk")),
    "newest": ("Newest sign-ups first", ("-date_joined", "-pk")),
    "known": ("Authors and invited reviewers first", ("-known", "date_joined", "pk")),
}


def account_rules(venue: Venue | None = None) -> AccountRules:
    """The `[accounts]` rules of the default venue (built-in defaults if none is loaded)."""
    venue = venue if venue is not None else default_venue()
    return venue.spec.accounts if venue is not None else AccountRules()


@dataclass(frozen=True)
class Standing:
    """What the status page shows a person about their own account."""

    status: str
    status_label: str
    email: str
    domain: str
    signed_up: dt.datetime
    expected_wait_days: int
    expected_by: dt.date | None
    waited_days: int
    reason: str
    contact_email: str
    venue: Venue | None

    @property
    def is_active(self) -> bool:
        return self.status == User.Moderation.ACTIVE

    @property
    def is_pending(self) -> bool:
        return self.status == User.Moderation.PENDING

    @property
    def is_rejected(self) -> bool:
        return self.status == User.Moderation.REJECTED

    @property
    def overdue(self) -> bool:
        return self.is_pending and self.waited_days > self.expected_wait_days


def standing_of(user: User, now: dt.datetime | None = None) -> Standing:
    venue = default_venue()
    rules = account_rules(venue)
    now = now or clock.now()
    waited = max(0, (now - user.date_joined).days)
    expected_by = (user.date_joined + dt.timedelta(days=rules.expected_wait_days)).date() if user.moderation_status == User.Moderation.PENDING else None
    return Standing(
        status=user.moderation_status,
        status_label=user.get_moderation_status_display(),
        email=user.email,
        domain=email_domain(user.email),
        signed_up=user.date_joined,
        expected_wait_days=rules.expected_wait_days,
        expected_by=expected_by,
        waited_days=waited,
        reason=user.moderation_reason if user.moderation_status == User.Moderation.REJECTED else "",
        contact_email=venue.contact_email if venue is not None else "",
        venue=venue,
    )


def affiliations_ordered(qs=None):
    """Current affiliations (no end year) first, then the most recent."""
    qs = qs if qs is not None else Affiliation.objects.all()
    return qs.order_by(F("end_year").desc(nulls_first=True), F("start_year").desc(nulls_last=True), "institution", "pk")


def _with_queue_details(qs):
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return qs.annotate(email_verified=Exists(verified)).prefetch_related(
        Prefetch("affiliations", queryset=affiliations_ordered())
    )


def _with_venue_roles(qs, viewer, venue: Venue | None):
    """Whether each person is already known to the venue (policy.venue_knowledge_of_accounts:
    for its chairs only), and `known` to sort by."""
    annotations = policy.venue_knowledge_of_accounts(viewer, venue) if venue is not None else None
    if annotations is None:
        return qs.annotate(known=Value(False, output_field=BooleanField()))
    return qs.annotate(**annotations).annotate(
        known=ExpressionWrapper(Q(is_venue_author=True) | Q(pool_role__isnull=False), output_field=BooleanField()))


def moderation_queue(viewer: User, page: int | str | None = 1, sort: str | None = None) -> Page:
    """Pending accounts whose e-mail address is confirmed, longest waiting first (or as
    `sort` says: QUEUE_SORTS), with what the default venue knows of each person."""
    venue = default_venue()
    order = QUEUE_SORTS.get(sort or "", QUEUE_SORTS["oldest"])[1]
    qs = _with_queue_details(policy.accounts_awaiting_moderation(viewer)).filter(email_verified=True)
    qs = _with_venue_roles(qs, viewer, venue).order_by(*order)
    result = Paginator(qs, QUEUE_PAGE_SIZE).get_page(page)
    now = clock.now()
    rules = account_rules(venue)
    result.object_list = [for_queue(account, now, rules) for account in result.object_list]
    return result


POOL_LABELS = {
    ("reviewer", "invited"): "invited reviewer", ("reviewer", "accepted"): "reviewer", ("reviewer", "volunteered"): "volunteered to review",
    ("area_chair", "invited"): "invited area chair", ("area_chair", "accepted"): "area chair", ("area_chair", "volunteered"): "volunteered as area chair",
}


def for_queue(account: Any, now: dt.datetime | None = None, rules: AccountRules | None = None) -> User:
    """Add what a queue row shows beside the account's fields: its domain, its wait, the
    institution its address belongs to (the venue's lists, the research labs', the
    universities' data set) and its roles in the venue."""
    account.domain = email_domain(account.email)
    account.waiting_days = waiting_days(account, now)
    account.institution = institution_of(account.email, rules if rules is not None else account_rules())
    role = (getattr(account, "pool_role", None), getattr(account, "pool_state", None))
    account.known_as = [label for label in (
        "co-author of a submission" if getattr(account, "is_venue_author", False) else "",
        POOL_LABELS.get((str(role[0]), str(role[1])), "") if role[0] else "",
    ) if label]
    return account


def accounts_for_decision(viewer: User, account_ids: list[int]) -> list[User]:
    """The accounts a moderator selected for one bulk decision, oldest sign-up first."""
    rows = policy.accounts_for_moderation(viewer).filter(pk__in=account_ids).order_by("date_joined", "pk")
    now = clock.now()
    rules = account_rules()
    return [for_queue(account, now, rules) for account in rows]


def unconfirmed_pending_count(viewer: User) -> int:
    """Pending sign-ups that never confirmed their address (not shown in the queue)."""
    from allauth.account.models import EmailAddress

    verified = EmailAddress.objects.filter(user=OuterRef("pk"), verified=True)
    return policy.accounts_awaiting_moderation(viewer).filter(~Exists(verified)).count()


def recently_rejected(viewer: User, limit: int = 20) -> list[User]:
    return list(_with_queue_details(policy.accounts_recently_rejected(viewer)).select_related("moderated_by").order_by("-moderated_at", "-pk")[:limit])


def waiting_days(user: User, now: dt.datetime | None = None) -> int:
    return max(0, ((now or clock.now()) - user.date_joined).days)
