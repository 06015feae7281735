"""Who am I: the account behind the token or session, and its roles per venue."""

from __future__ import annotations

from ninja import Router

from paperdesk.venues.models import VenueRole

from .schemas import MeOut

router = Router(tags=["me"])


@router.get("", response=MeOut, summary="The calling account and its roles")
def me(request):
    user = request.auth
    token = getattr(request, "api_token", None)
    roles = VenueRole.objects.filter(user=user).select_related("venue").order_by("venue__slug", "role")
    return {
        "email": user.email,
        "name": user.display_name,
        "moderation_status": user.moderation_status,
        "approved": user.is_approved,
        "roles": [{"venue": r.venue.slug, "role": r.role} for r in roles],
        "auth": "token" if token is not None else "session",
        "token": {"name": token.name, "prefix": token.prefix} if token is not None else None,
    }
