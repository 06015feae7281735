"""Writes to API tokens: issue (the secret is returned once) and revoke, each audited."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from paperdesk.audit.services import record
from paperdesk.submissions.services import ServiceError

from .models import ApiToken

MAX_ACTIVE_TOKENS = 20
_CONTROL = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")


@transaction.atomic
def token_issue(*, actor, name: str) -> tuple[ApiToken, str]:
    name = " ".join(_CONTROL.sub(" ", name or "").split())[:100]
    if not name:
        raise ServiceError("Give the token a name, e.g. the script or machine that will use it.", 400, "name")
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= MAX_ACTIVE_TOKENS:
        raise ServiceError(f"You already have {MAX_ACTIVE_TOKENS} active tokens; revoke one you no longer use first.", 400, "name")
    row, token = ApiToken.issue(actor, name)
    record("api_token.issue", row, actor=actor, name=row.name, prefix=row.prefix)
    return row, token


@transaction.atomic
def token_revoke(*, actor, token_id: int) -> ApiToken:
    row = ApiToken.objects.select_for_update().filter(pk=token_id, user=actor).first()
    if row is None:
        raise ServiceError("No such token.", 404)
    if row.revoked_at is None:
        row.revoked_at = timezone.now()
        row.save(update_fields=["revoked_at"])
        record("api_token.revoke", row, actor=actor, name=row.name, prefix=row.prefix)
    return row
