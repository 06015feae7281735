"""API throttling with django-ninja's throttles: per account (a token's or the session's)
and per client IP, rates from settings.PAPERDESK_API_RATES (environment, see settings.py).

A throttled call answers 429 `{"detail": ..., "field": null}` with Retry-After (ninja sets
the header from `wait()`); the first refusal of each client in a window is audited
(`security.api_throttled`). Ninja's throttles keep their state on the (shared) instance; these keep
it per thread, and read their rate on every call so settings overrides take effect. The
client IP is REMOTE_ADDR (rewritten behind a trusted proxy by paperdesk.ops.proxy), never
a forwarding header the client could write itself.
"""

from __future__ import annotations

import math
import threading
import time

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import Throttled
from ninja.throttling import SimpleRateThrottle

from paperdesk.security import client_ip, parse_rate

_state = threading.local()


class _SettingsRateThrottle(SimpleRateThrottle):
    scope = ""

    def __init__(self):  # the rate is read per request (see allow_request)
        self.rate, self.num_requests, self.duration = None, None, None

    def ident(self, request: HttpRequest) -> str | None:
        raise NotImplementedError

    def get_cache_key(self, request: HttpRequest) -> str | None:
        ident = self.ident(request)
        return None if ident is None else f"api-throttle:{self.scope}:{ident}"

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "PAPERDESK_API_RATES", {}).get(self.scope)
        if not rate:
            return True
        num_requests, duration = self.parse_rate(rate)
        key = self.get_cache_key(request)
        if key is None:
            return True
        now = self.timer()
        history = [t for t in self.cache.get(key, []) if t > now - duration]
        if len(history) >= num_requests:
            _state.wait = duration - (now - history[-1])
            request._paperdesk_throttled = (self.scope, rate, self.ident(request))
            return False
        history.insert(0, now)
        self.cache.set(key, history, duration)
        return True

    def wait(self) -> float | None:
        return getattr(_state, "wait", None)


class AccountThrottle(_SettingsRateThrottle):
    """Per account: every token of one person and their browser session share it. An
    account that paperdesk.security.LookupBurstMiddleware blocked for a burst of 404s is
    refused here too (the middleware knows a token's account only after the view)."""

    scope = "account"

    def ident(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        return f"user:{user.pk}" if getattr(user, "pk", None) is not None else None

    def allow_request(self, request: HttpRequest) -> bool:
        user = getattr(request, "auth", None)
        if getattr(user, "pk", None) is not None:
            blocked_until = self.cache.get(f"lookup-block:user:{user.pk}")
            now = self.timer()
            if blocked_until and blocked_until > now:
                _state.wait = blocked_until - now
                request._paperdesk_throttled = ("lookups", getattr(settings, "PAPERDESK_LOOKUP_BURST", ""), self.ident(request))
                return False
        return super().allow_request(request)


class ClientIpThrottle(_SettingsRateThrottle):
    """Per client IP, whoever is signed in."""

    scope = "ip"

    def ident(self, request: HttpRequest) -> str | None:
        return f"ip:{client_ip(request)}"


class AuthFailureThrottle(_SettingsRateThrottle):
    """Failed API sign-ins (a bad, revoked or missing token: the 401s) per client IP. Ninja
    throttles only after authentication succeeded, so these are counted by the API's 401
    handler (`failed`) and checked before any token is looked up (`refuse_if_blocked`): past
    the limit, every token from the address is refused, a right guess included."""

    scope = "auth_failures"

    def ident(self, request: HttpRequest) -> str | None:
        return f"ip:{client_ip(request)}"

    def _window(self, request: HttpRequest) -> tuple[str, list[float], int, int] | None:
        limit = parse_rate(getattr(settings, "PAPERDESK_API_RATES", {}).get(self.scope))
        if limit is None:
            return None
        key = f"api-throttle:{self.scope}:{self.ident(request)}"
        now = _now()
        return key, [t for t in self.cache.get(key, []) if t > now - limit[1]], limit[0], limit[1]

    def blocked(self, request: HttpRequest) -> float | None:
        """Seconds to wait when the address is over the limit (and marks the request for the
        429 handler's audit), else None."""
        window = self._window(request)
        if window is None:
            return None
        _key, history, num_requests, duration = window
        if len(history) < num_requests:
            return None
        setattr(request, "_paperdesk_throttled", (self.scope, settings.PAPERDESK_API_RATES[self.scope], self.ident(request)))  # noqa: B010
        return max(1.0, duration - (_now() - history[num_requests - 1]))  # when the N-th newest failure leaves the window

    def failed(self, request: HttpRequest) -> None:
        window = self._window(request)
        if window is not None:
            key, history, _num, duration = window
            self.cache.set(key, [_now(), *history], duration)

    def refuse_if_blocked(self, request: HttpRequest) -> None:
        wait = self.blocked(request)
        if wait is not None:
            raise Throttled(wait=math.ceil(wait))


def _now() -> float:
    """The clock of the failed sign-ins' window (tests move it)."""
    return time.time()


THROTTLES = [AccountThrottle(), ClientIpThrottle()]
AUTH_FAILURES = AuthFailureThrottle()
