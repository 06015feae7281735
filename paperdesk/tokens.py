"""Capability tokens sent by e-mail (reviewer invitations, co-author invitations): 256 bits
from `secrets`, never stored. The database keeps their SHA-256 (hex) only and finds a row by
hashing what a link presents, so a copy of the database opens no invitation. A token is
minted when its e-mail is written (the job that sends it) and exists in that e-mail alone."""

from __future__ import annotations

import hashlib
import secrets

MAX_PRESENTED = 100  # longer than any token we mint: not looked up at all


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mint() -> tuple[str, str]:
    """(token for the e-mail, its digest for the database)."""
    token = secrets.token_urlsafe(32)
    return token, digest(token)


def lookup(token: str | None) -> str | None:
    """The digest to look a presented token up by; None for nothing or a malformed value
    (which then matches no row, as an unknown token does)."""
    if not token or len(token) > MAX_PRESENTED:
        return None
    return digest(token)
