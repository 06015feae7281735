"""API throttling per account and per client IP (429 with a JSON message and Retry-After,
audited once per window), and lookup bursts: a client that gets many 404s quickly (the
scraping pattern: random object ids) is made to wait and reported to the chairs with one
`security.lookup_burst` audit entry. The suite runs with generous rates
(paperdesk/test_settings.py); these tests set real ones."""

from __future__ import annotations

import pytest
from api_helpers import bearer
from django.test import Client

from paperdesk.audit.models import AuditEntry

A, B = "203.0.113.10", "198.51.100.20"


def _get(client: Client, path: str, token: str, ip: str):
    return client.get(path, HTTP_AUTHORIZATION=bearer(token)["Authorization"], REMOTE_ADDR=ip)


@pytest.fixture
def tokens(author, other_author, token_for):
    return {"author": token_for(author), "other": token_for(other_author)}


def _assert_429(response, words: str):
    assert response.status_code == 429, response.content
    body = response.json()
    assert words in body["detail"] and body["field"] is None
    assert int(response["Retry-After"]) >= 1


def test_an_account_is_throttled_across_addresses_and_the_refusal_is_audited(settings, venue, tokens):
    settings.PAPERDESK_API_RATES = {"account": "5/m", "ip": "1000/m"}
    client = Client()
    answers = [_get(client, "/api/me", tokens["author"], ip) for ip in (A, B, A, B, A)]
    assert [r.status_code for r in answers] == [200] * 5
    _assert_429(_get(client, "/api/me", tokens["author"], "192.0.2.99"), "Too many requests from your account (at most 5 in 60 seconds)")
    _assert_429(_get(client, "/api/me", tokens["author"], A), "retry in")
    assert _get(client, "/api/me", tokens["other"], A).status_code == 200  # another account is not affected
    entries = AuditEntry.objects.filter(action="security.api_throttled")
    assert entries.count() == 1  # once per window, however many refusals
    assert entries.get().data["scope"] == "account" and entries.get().actor.email == "ada@uni.edu"


def test_a_client_ip_is_throttled_whoever_signs_in(settings, venue, tokens):
    settings.PAPERDESK_API_RATES = {"account": "1000/m", "ip": "4/m"}
    client = Client()
    for who in ("author", "other", "author", "other"):
        assert _get(client, "/api/me", tokens[who], A).status_code == 200
    _assert_429(_get(client, "/api/me", tokens["other"], A), "Too many requests from your address")
    assert _get(client, "/api/me", tokens["author"], B).status_code == 200  # another address is not


def test_a_burst_of_lookups_for_missing_objects_is_refused_and_reported(settings, venue, tokens):
    settings.PAPERDESK_LOOKUP_BURST = "10/10m"
    client = Client()
    for n in range(10):
        assert _get(client, f"/api/submissions/zz{n:08d}", tokens["author"], A).status_code == 404
    # from now on the account is refused, from any address, until the window ends
    _assert_429(_get(client, "/api/submissions/zz99999999", tokens["author"], B), "Too many requests for objects that do not exist")
    _assert_429(_get(client, "/api/me", tokens["author"], B), "Too many requests")
    # and so is the address, whoever calls from it
    _assert_429(_get(client, "/api/me", tokens["other"], A), "Too many requests")
    bursts = AuditEntry.objects.filter(action="security.lookup_burst")
    assert sorted(e.data["client"] for e in bursts) == ["ip", "user"]
    assert {e.data["not_found"] for e in bursts} == {10}
    user_entry = bursts.get(data__client="user")
    assert user_entry.actor.email == "ada@uni.edu" and user_entry.data["ip"] == A


def test_a_burst_of_missing_pages_is_refused_for_anonymous_clients_too(settings, venue, client):
    settings.PAPERDESK_LOOKUP_BURST = "5/10m"
    for n in range(5):
        assert client.get(f"/submissions/zz{n:08d}/", REMOTE_ADDR=A).status_code == 404
    refused = client.get("/", REMOTE_ADDR=A)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert "Too many requests" in refused.content.decode()
    assert client.get("/", REMOTE_ADDR=B).status_code == 200
    assert AuditEntry.objects.filter(action="security.lookup_burst", data__client="ip", data__ip=A).count() == 1


def test_a_few_missing_objects_are_only_404s(settings, venue, tokens):
    settings.PAPERDESK_LOOKUP_BURST = "10/10m"
    client = Client()
    for n in range(9):
        assert _get(client, f"/api/submissions/zz{n:08d}", tokens["author"], A).status_code == 404
    assert _get(client, "/api/me", tokens["author"], A).status_code == 200
    assert not AuditEntry.objects.filter(action="security.lookup_burst").exists()
