"""Each person's e-mail preferences per kind of non-essential message (immediately, in a
daily digest, off). Essential mail ignores them (paperdesk.mail.ESSENTIAL_HELP)."""

from __future__ import annotations

from django.db import transaction

from paperdesk.audit.services import record
from paperdesk.mail import EVENTS
from paperdesk.mail.models import EmailPreference

MODES = EmailPreference.Mode.values


class PreferenceError(ValueError):
    pass


def preferences_of(user) -> dict[str, str]:
    """{event: mode} for every event (immediate unless chosen otherwise)."""
    chosen = dict(EmailPreference.objects.filter(user=user).values_list("event", "mode"))
    return {event: chosen.get(event, EmailPreference.Mode.IMMEDIATE) for event in EVENTS}


def set_preferences(*, user, actor, choices: dict[str, str]) -> dict[str, str]:
    """Save the modes given (only the events named); refuse an unknown event or mode."""
    for event, mode in choices.items():
        if event not in EVENTS:
            raise PreferenceError(f"Unknown kind of e-mail '{event}': one of {', '.join(EVENTS)}. Essential e-mail cannot be turned off.")
        if mode not in MODES:
            raise PreferenceError(f"Unknown choice '{mode}' for {EVENTS[event][0]}: one of {', '.join(MODES)}.")
    with transaction.atomic():
        before = preferences_of(user)
        for event, mode in choices.items():
            EmailPreference.objects.update_or_create(user=user, event=event, defaults={"mode": mode})
        after = preferences_of(user)
        changed = {event: after[event] for event in after if after[event] != before[event]}
        if changed:
            record("account.email_preferences", user, actor=actor, changed=changed)
    return after
