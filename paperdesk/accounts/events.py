"""Events the accounts app announces to the apps above it, which connect receivers in their
AppConfig.ready: accounts never imports them (see the layer contract in pyproject.toml)."""

from __future__ import annotations

from django.dispatch import Signal

# A person proved they own an e-mail address (sent inside `services.email_confirmed`'s
# transaction, with `user=` and `email=`). A receiver answers with how many co-authorship
# invitations wait under that address (submissions does); the answers are added up.
email_address_confirmed = Signal()


def pending_invitations_on_confirm(*, user, email: str) -> int:
    """Announce the confirmation; the receivers' count of invitations waiting for it."""
    answers = email_address_confirmed.send(sender=type(user), user=user, email=email)
    return sum(answer for _, answer in answers if isinstance(answer, int) and not isinstance(answer, bool))
