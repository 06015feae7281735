"""The first program chair of a fresh installation."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import transaction

from paperdesk.audit.services import record

from .models import Venue, VenueRole
from .services import role_grant

DEFAULT_CHAIR_EMAIL = "chair@paperdesk.localhost"


@dataclass
class ChairSetup:
    chairs: list  # the program chairs of the venue, after the call
    created: object | None = None  # the account made by this call
    password: str | None = None  # its one-time password, only when `created`
    existing_account: object | None = None  # an account that existed and was made chair
    granted: list[str] = field(default_factory=list)  # "<email> on <slug>" for each new role


def rehearsal_of(venue: Venue) -> Venue | None:
    return Venue.objects.filter(slug=f"{venue.slug}-rehearsal", is_rehearsal=True).first()


def _chairs(venue: Venue) -> list:
    User = get_user_model()
    return list(User.objects.filter(venue_roles__venue=venue, venue_roles__role=VenueRole.Role.CHAIR).order_by("email").distinct())


@transaction.atomic
def ensure_program_chair(venue: Venue, *, email: str) -> ChairSetup:
    """Make sure `venue` (and its rehearsal copy) has a program chair.

    When it has none, the account `email` becomes one: created with a random one-time
    password if it does not exist (active, e-mail verified), else left as it is apart
    from the role. Chairs of the venue also chair its rehearsal copy. Idempotent."""
    from allauth.account.models import EmailAddress

    User = get_user_model()
    venues = [v for v in (venue, rehearsal_of(venue)) if v is not None]
    setup = ChairSetup(chairs=_chairs(venue))
    if not setup.chairs:
        email = email.strip().lower()
        user = User.objects.filter(email__iexact=email).first()
        if user is None:
            setup.password = secrets.token_urlsafe(12)
            user = User.objects.create_user(
                email=email,
                password=setup.password,
                full_name="Program Chair",
                moderation_status=User.Moderation.ACTIVE,
                must_change_password=True,  # a one-time password: changed at the first sign-in
            )
            setup.created = user
            record("account.create", user, venue=venue, email=email, reason="ensurechair")
        else:
            setup.existing_account = user
            if user.moderation_status != User.Moderation.ACTIVE:
                user.moderation_status = User.Moderation.ACTIVE
                user.save(update_fields=["moderation_status"])
        address = EmailAddress.objects.filter(user=user, email__iexact=email).first()
        if address is None:
            has_primary = EmailAddress.objects.filter(user=user, primary=True).exists()
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=not has_primary)
        elif not address.verified:
            address.verified = True
            address.save(update_fields=["verified"])
        setup.chairs = [user]
    for target in venues:
        for chair in setup.chairs:
            _, created = role_grant(target, chair, VenueRole.Role.CHAIR)
            if created:
                setup.granted.append(f"{chair.email} on {target.slug}")
    return setup
