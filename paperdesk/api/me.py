"""Who am I: the account behind the token or session, and its roles per venue."""

from __future__ import annotations

from ninja import Body, Router, Schema

from paperdesk.accounts import email_preferences
from paperdesk.mail import ESSENTIAL_HELP, EVENTS
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.models import VenueRole

from .schemas import ErrorOut, MeOut

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


class EmailPreferenceOut(Schema):
    event: str
    label: str
    description: str
    mode: str


class EmailPreferencesOut(Schema):
    essential: str
    modes: list[str]
    preferences: list[EmailPreferenceOut]


def _preferences(user) -> dict:
    current = email_preferences.preferences_of(user)
    return {"essential": ESSENTIAL_HELP, "modes": email_preferences.MODES,
            "preferences": [{"event": e, "label": label, "description": text, "mode": current[e]} for e, (label, text) in EVENTS.items()]}


@router.get("/email-preferences", response=EmailPreferencesOut, summary="Your e-mail preferences per kind of e-mail")
def get_email_preferences(request):
    return _preferences(request.auth)


@router.put("/email-preferences", response={200: EmailPreferencesOut, 400: ErrorOut},
            summary="Set your e-mail preferences",
            description="A JSON object {event: mode}, mode one of immediate, digest, off; events not named keep their mode. "
                        "Essential e-mail (assignments, decisions, invitations, account and security mail) is always sent immediately.")
def put_email_preferences(request, payload: dict[str, str] = Body(...)):
    try:
        email_preferences.set_preferences(user=request.auth, actor=request.auth, choices=payload)
    except email_preferences.PreferenceError as error:
        raise ServiceError(str(error), 400) from None
    return _preferences(request.auth)
