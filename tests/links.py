"""The links invitations carry: their tokens are never stored (only their SHA-256, see
paperdesk/tokens.py), so a test reads a link where the invitee does, in the e-mail sent to
them (the latest one: a reminder's link replaces the earlier one)."""

from __future__ import annotations

import re

from django.core import mail

INVITATION = re.compile(r"(/reviewing/invitations/[A-Za-z0-9_-]+/)")
CLAIM = re.compile(r"/claim/([A-Za-z0-9_-]+)/")


def _latest(pattern: re.Pattern, address: str, messages=None) -> re.Match:
    for message in reversed(list(mail.outbox if messages is None else messages)):
        if address.lower() in (a.lower() for a in message.to):
            found = pattern.search(message.body)
            if found:
                return found
    raise AssertionError(f"no e-mail to {address} carries a link like {pattern.pattern}")


def invitation_path(address: str, messages=None) -> str:
    """The reviewer-invitation link (path) last e-mailed to `address`."""
    return _latest(INVITATION, address, messages).group(1)


def invitation_token(address: str, messages=None) -> str:
    return invitation_path(address, messages).rstrip("/").rsplit("/", 1)[1]


def claim_token(address: str, messages=None) -> str:
    """The token of the co-author invitation link last e-mailed to `address`."""
    return _latest(CLAIM, address, messages).group(1)
