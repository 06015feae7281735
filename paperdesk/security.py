"""Security middleware for every response: pages for signed-in people are never cached,
and a client that looks up many objects that do not exist is slowed down and reported.

- `NoStoreForSignedInMiddleware`: `Cache-Control: private, no-store` on every response to a
  signed-in person (pages, fragments, API answers, downloads), so that neither a shared
  proxy nor the browser's back button keeps what only they may see.
- `LookupBurstMiddleware`: counts the 404s each client (the account when signed in, and
  the client IP) gets within a window from its first one (settings.PAPERDESK_LOOKUP_BURST,
  e.g. "60/10m"). The scraping pattern (many object ids tried quickly, most of them
  missing) crosses it: one audit entry `security.lookup_burst` is written for the chairs,
  and the client gets 429 with Retry-After for one window.

The Content-Security-Policy header is django-csp's (settings.CONTENT_SECURITY_POLICY).
The client IP is REMOTE_ADDR, which `paperdesk.ops.proxy` rewrites behind a trusted proxy.
"""

from __future__ import annotations

import logging
import math
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.cache import patch_cache_control

log = logging.getLogger("paperdesk.security")

_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_rate(rate: str | None) -> tuple[int, int] | None:
    """'60/10m' -> (60, 600); None or '' -> None (no limit)."""
    if not rate:
        return None
    count, _, period = rate.strip().partition("/")
    unit = period[-1:] if period[-1:] in _PERIODS else "s"
    number = period[:-1] if period[-1:] in _PERIODS else period
    return int(count), (int(number) if number else 1) * _PERIODS[unit]


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def signed_in_user(request: HttpRequest):
    user = getattr(request, "user", None)
    return user if getattr(user, "is_authenticated", False) else None


def too_many(request: HttpRequest, detail: str, retry_after: float | None) -> HttpResponse:
    """A 429 in the shape of the path: the API's JSON error or a short page."""
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse({"detail": detail, "field": None}, status=429)
    else:
        response = HttpResponse(render_to_string("429.html", {"detail": detail}, request=request), status=429)
    if retry_after is not None:
        response["Retry-After"] = str(max(1, math.ceil(retry_after)))
    return response


def audit_once(key: str, window: int, action: str, obj, *, actor=None, **data) -> bool:
    """One audit entry per key and window, however many requests cross the limit."""
    from paperdesk.audit.services import record

    if not cache.add(f"audit-once:{key}", 1, window):
        return False
    record(action, obj, actor=actor, **data)
    log.warning("%s %s", action, data)
    return True


class NoStoreForSignedInMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # request.user is the account of an API token too (paperdesk.api.auth sets it).
        if signed_in_user(request) is not None:
            if "Cache-Control" in response:
                del response["Cache-Control"]
            patch_cache_control(response, private=True, no_store=True)
            response.headers.pop("Expires", None)
            response.headers.pop("Last-Modified", None)
        return response


class LookupClient:
    """What a lookup burst is counted against: the client IP, and the account if any."""

    def __init__(self, kind: str, ident: str, actor=None):
        self.kind, self.ident, self.actor = kind, ident, actor
        self.pk = self.public_id = f"{kind}:{ident}"[:64]


class SignIn:
    """What a `security.login_lockout` entry is about: sign-ins with one address."""

    def __init__(self, email: str):
        self.pk = self.public_id = email[:64]


def _clients(request: HttpRequest) -> list[LookupClient]:
    clients = [LookupClient("ip", client_ip(request))]
    user = signed_in_user(request)
    if user is not None:
        clients.append(LookupClient("user", str(user.pk), user))
    return clients


class LookupBurstMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        limit = parse_rate(getattr(settings, "PAPERDESK_LOOKUP_BURST", None))
        if limit is None:
            return self.get_response(request)
        count, window = limit
        now = time.time()
        for client in _clients(request):
            blocked_until = cache.get(f"lookup-block:{client.kind}:{client.ident}")
            if blocked_until and blocked_until > now:
                return too_many(request, "Too many requests for pages or objects that do not exist; wait and try again.", blocked_until - now)
        response = self.get_response(request)
        if response.status_code == 404:
            self._count(request, count, window, now)
        return response

    def _count(self, request: HttpRequest, count: int, window: int, now: float) -> None:
        for client in _clients(request):  # after the view: an API token's account is known now
            key = f"lookup-404:{client.kind}:{client.ident}"
            first, seen = cache.get(key) or (now, 0)
            if first + window <= now:
                first, seen = now, 0
            seen += 1
            if seen < count:
                cache.set(key, (first, seen), max(1, math.ceil(first + window - now)))
                continue
            cache.delete(key)
            cache.set(f"lookup-block:{client.kind}:{client.ident}", now + window, window)
            audit_once(
                f"lookup-burst:{client.kind}:{client.ident}", window, "security.lookup_burst", client, actor=client.actor,
                client=client.kind, ip=client_ip(request), not_found=seen, window_seconds=window, last_path=request.path[:200],
            )
