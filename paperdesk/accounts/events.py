"""Events the accounts app announces to the apps above it, which connect receivers in their
AppConfig.ready: accounts never imports them (see the layer contract in pyproject.toml)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.dispatch import Signal

# A person proved they own an e-mail address (sent inside `services.email_confirmed`'s
# transaction, with `user=` and `email=`). A receiver answers with how many co-authorship
# invitations wait under that address (submissions does); the answers are added up.
email_address_confirmed = Signal()

# What identifies a person changed: their names, GitHub or HuggingFace username, website,
# affiliations or e-mail addresses (sent inside the changing transaction, with `user=` and
# `fields=`, the names of what changed). The submissions app checks the anonymity of the
# person's papers again after the commit.
identities_changed = Signal()

# The profile fields the anonymity check and the conflicts read (ORCID is in neither).
IDENTITY_FIELDS = frozenset({"full_name", "other_names", "github", "huggingface", "website", "affiliations", "emails"})


def announce_identities_changed(*, user, fields) -> int:
    """Announce a change of `fields` of `user` (nothing when none of them identifies anyone);
    the receivers answer how many papers they check again, added up."""
    relevant = sorted(IDENTITY_FIELDS.intersection(fields))
    if not relevant:
        return 0
    return _added_up(identities_changed.send(sender=type(user), user=user, fields=relevant))


def pending_invitations_on_confirm(*, user, email: str) -> int:
    """Announce the confirmation; the receivers' count of invitations waiting for it."""
    return _added_up(email_address_confirmed.send(sender=type(user), user=user, email=email))


def _added_up(answers: Sequence[tuple[Any, Any]]) -> int:
    """The receivers' whole-number answers, added up (anything else a receiver returns is not counted)."""
    total = 0
    for _, answer in answers:
        if isinstance(answer, int) and not isinstance(answer, bool):
            total += answer
    return total
