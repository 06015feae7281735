from __future__ import annotations

from django.conf import settings

from .lookup import find_venue
from .models import Venue


def default_venue() -> Venue | None:
    return Venue.objects.filter(slug=settings.DEFAULT_VENUE).first() or Venue.objects.filter(is_rehearsal=False).first()


def venue_context(request) -> dict:
    """The venue a page is about (from the URL) or the default one, for the layout."""
    venue = getattr(request, "venue", None)
    if venue is None:
        match = getattr(request, "resolver_match", None)
        slug = match.kwargs.get("venue_slug") if match else None
        venue = find_venue(slug)
    if venue is None:
        venue = default_venue()
    return {"current_venue": venue}


def navigation_context(request) -> dict:
    from paperdesk import policy

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    chaired = list(policy.chair_venues(user))
    return {
        "user_chair_venues": chaired,
        "user_can_moderate": policy.can_moderate_accounts(user, chaired),
        "user_has_assignments": policy.my_assignments(user, kind=None).exists(),  # reviewers and area chairs
    }
