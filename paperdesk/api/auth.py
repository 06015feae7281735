"""Who is calling the API: a personal bearer token, or the browser's session.

A token is looked up by its SHA-256 hash (the only thing stored); revoked tokens and
inactive accounts are refused. `last_used_at` is written at most once a minute so that a
busy script does not turn every read into a write.

The session is accepted so that /api/docs and scripts in the page work for a signed-in
person; unsafe methods then need Django's CSRF token, as every form does.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from .models import ApiToken, hash_token
from .throttling import AUTH_FAILURES

TOKEN_PREFIX = "pd_"
MAX_TOKEN_LENGTH = 200
TOUCH_INTERVAL = dt.timedelta(minutes=1)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pd_...`"""

    def authenticate(self, request: HttpRequest, token: str):
        AUTH_FAILURES.refuse_if_blocked(request)  # too many failed sign-ins from this address: 429
        token = (token or "").strip()
        if not token.startswith(TOKEN_PREFIX) or len(token) > MAX_TOKEN_LENGTH:
            request._api_auth_problem = "This is not a Paperdesk API token (they start with 'pd_')."
            return None
        row = ApiToken.objects.select_related("user").filter(token_hash=hash_token(token)).first()
        if row is None or row.revoked_at is not None or not row.user.is_active:
            request._api_auth_problem = "This API token is not valid or has been revoked."
            return None
        now = timezone.now()
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_INTERVAL:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
        request.user = row.user
        request.api_token = row
        return row.user


class SessionAuth(APIKeyCookie):
    """The signed-in browser; unsafe methods must carry the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def __call__(self, request: HttpRequest):
        if "Authorization" in request.headers:
            return None  # a presented credential is judged on its own, never topped up by a cookie
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if (request.method not in SAFE_METHODS and not getattr(request, "_ninja_csrf_exempt", False)
                and check_csrf(request) is not None):
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header, or use an API token.")
        return user

    def authenticate(self, request: HttpRequest, key):  # pragma: no cover - __call__ decides
        return None


token_auth = TokenAuth()
session_auth = SessionAuth()
REQUIRED = [token_auth, session_auth]
