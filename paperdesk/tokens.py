"""Capability tokens sent by e-mail (reviewer invitations, co-author invitations): 256 bits,
never stored. The database keeps their SHA-256 (hex) only and finds a row by hashing what a
link presents, so a copy of the database opens no invitation; the outbox keeps the e-mail
with the link withheld (`paperdesk.mail`, `withhold=`). A token is minted when its e-mail is
written (the job that sends it) and exists in that e-mail alone.

Inside a background job the token for a row is derived from the job's id and the server's
secret key rather than drawn at random: when another worker takes the job over after a
crash, it writes the same link again, so an e-mail the first run already sent (which the
outbox then does not send twice) keeps working. Outside a job, and in every other job (a
reminder, a resend), the link is a new one."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

MAX_PRESENTED = 100  # longer than any token we mint: not looked up at all


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def mint(purpose: str = "", row: int | None = None) -> tuple[str, str]:
    """(token for the e-mail, its digest for the database). `purpose` and `row` name the
    link (e.g. "author-invitation", the Authorship's id): inside a job, the same job, purpose
    and row give the same token."""
    from paperdesk.requestcontext import job_id

    job = job_id.get()
    if purpose and row is not None and job:
        from django.conf import settings

        mac = hmac.new(settings.SECRET_KEY.encode("utf-8"), f"{purpose}\x00{job}\x00{row}".encode(), hashlib.sha256).digest()
        token = base64.urlsafe_b64encode(mac).rstrip(b"=").decode("ascii")
    else:
        token = secrets.token_urlsafe(32)
    return token, digest(token)


def lookup(token: str | None) -> str | None:
    """The digest to look a presented token up by; None for nothing or a malformed value
    (which then matches no row, as an unknown token does)."""
    if not token or len(token) > MAX_PRESENTED:
        return None
    return digest(token)
