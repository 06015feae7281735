"""Failed API sign-ins (issue 8): a bad, revoked or missing token answers 401, and those
401s count per client IP; past the limit (PAPERDESK_API_RATES["auth_failures"]) the address
gets 429 with Retry-After for every token it presents, a valid one included (guessing
tokens from one address stops there), and the refusal is audited once per window. Another
address is not affected. The suite runs with the limit off (paperdesk/test_settings.py);
these tests set one."""

from __future__ import annotations

import time

import pytest
from api_helpers import bearer
from django.test import Client

from paperdesk.api import throttling
from paperdesk.audit.models import AuditEntry

A, B = "203.0.113.44", "198.51.100.45"
RATES = {"account": "1000/m", "ip": "1000/m", "auth_failures": "5/m"}


def _get(token: str | None, ip: str, path: str = "/api/me"):
    headers = {"HTTP_AUTHORIZATION": bearer(token)["Authorization"]} if token is not None else {}
    return Client().get(path, REMOTE_ADDR=ip, **headers)


@pytest.fixture
def good(author, token_for):
    return token_for(author)


def test_failed_sign_ins_are_counted_per_address_then_refused_with_429(settings, venue, good):
    settings.PAPERDESK_API_RATES = RATES
    bad = ["pd_" + "x" * 40, "pd_wrong", "not-a-token", "pd_" + "y" * 43, "pd_zzz"]
    assert [_get(token, A).status_code for token in bad] == [401] * 5
    refused = _get("pd_another_guess", A)
    assert refused.status_code == 429, refused.content
    body = refused.json()
    assert "Too many requests" in body["detail"] and "token" in body["detail"] and body["field"] is None
    assert int(refused["Retry-After"]) >= 1
    # Once refused, the address is refused for a valid token too: a right guess gains nothing.
    assert _get(good, A).status_code == 429
    # Another address is not affected, whether its token is good or bad.
    assert _get(good, B).status_code == 200
    assert _get("pd_wrong", B).status_code == 401


def test_requests_without_credentials_count_too(settings, venue):
    settings.PAPERDESK_API_RATES = RATES
    for _ in range(5):
        assert _get(None, A).status_code == 401
    assert _get(None, A).status_code == 429
    assert _get(None, A, "/api/venues").status_code == 200  # a public operation needs no sign-in


def test_the_refusal_is_audited_once_per_window(settings, venue):
    settings.PAPERDESK_API_RATES = RATES
    for _ in range(9):
        _get("pd_bad", A)
    entries = AuditEntry.objects.filter(action__in=("api.throttled", "security.api_throttled"))
    assert entries.count() == 1
    entry = entries.get()
    assert entry.data["scope"] == "auth_failures" and entry.data["ip"] == A and entry.actor is None


def test_successful_sign_ins_do_not_count_and_the_window_ends(settings, venue, good, monkeypatch):
    settings.PAPERDESK_API_RATES = RATES
    for _ in range(20):
        assert _get(good, A).status_code == 200
    for _ in range(5):
        assert _get("pd_bad", A).status_code == 401
    assert _get("pd_bad", A).status_code == 429
    later = time.time() + 61
    monkeypatch.setattr(throttling, "_now", lambda: later)
    assert _get(good, A).status_code == 200
    assert _get("pd_bad", A).status_code == 401


def test_without_a_limit_failures_are_only_401s(settings, venue):
    settings.PAPERDESK_API_RATES = {"account": "1000/m", "ip": "1000/m", "auth_failures": ""}
    assert {_get("pd_bad", A).status_code for _ in range(30)} == {401}
