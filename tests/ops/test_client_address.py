"""Behind a reverse proxy the client's address is the one in X-Forwarded-For, when (and
only when) the peer is a trusted proxy: allauth's per-IP limits count clients, not the
proxy; a client that is not a proxy cannot pick its own address or claim HTTPS."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client, RequestFactory, override_settings

from paperdesk.ops.proxy import ClientAddressMiddleware, client_address, parse_trusted_proxies

PASSWORD = "correct horse battery"
PROXY = "10.0.0.5"


def signup(client: Client, n: int, **extra):
    return client.post(
        "/accounts/signup/",
        {"full_name": f"Person {n}", "email": f"person{n}@example.org", "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )


@pytest.mark.parametrize("trusted", ["10.0.0.0/24", "1"])
def test_24_signups_from_24_clients_behind_a_trusted_proxy_are_not_rate_limited(db, venue, trusted):
    with override_settings(PAPERDESK_TRUSTED_PROXIES=trusted):
        client = Client(REMOTE_ADDR=PROXY)
        statuses = [signup(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}").status_code for n in range(24)]
    assert 429 not in statuses, statuses
    assert set(statuses) == {302}


def test_failed_logins_from_11_clients_do_not_lock_out_the_owner(db, venue, chair):
    with override_settings(PAPERDESK_TRUSTED_PROXIES=PROXY):
        client = Client(REMOTE_ADDR=PROXY)
        for n in range(11):
            wrong = client.post("/accounts/login/", {"login": f"guess{n}@example.org", "password": "not the password"},
                                HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
            assert wrong.status_code == 200  # the form again, with its message; not 429
        right = client.post("/accounts/login/", {"login": chair.email, "password": PASSWORD}, HTTP_X_FORWARDED_FOR="192.0.2.77")
    assert right.status_code == 302, right.status_code
    assert client.get("/me/").status_code != 302  # signed in


def test_a_spoofed_forwarded_for_from_an_untrusted_peer_is_ignored(db, venue):
    """A client talking to the app directly cannot dodge the per-IP limit by inventing
    X-Forwarded-For addresses: 20 sign-ups a minute from its own address, then 429."""
    with override_settings(PAPERDESK_TRUSTED_PROXIES="10.0.0.0/24"):
        client = Client(REMOTE_ADDR="203.0.113.200")
        statuses = [signup(client, n, HTTP_X_FORWARDED_FOR=f"198.51.100.{n + 1}").status_code for n in range(22)]
    assert statuses[:20] == [302] * 20
    assert statuses[20:] == [429, 429]


@override_settings(PAPERDESK_TRUSTED_PROXIES="10.0.0.0/24", SECURE_PROXY_SSL_HEADER=("HTTP_X_FORWARDED_PROTO", "https"))
def test_only_a_trusted_proxy_may_say_the_request_came_over_https():
    seen = {}

    def view(request):
        seen["secure"], seen["addr"] = request.is_secure(), request.META["REMOTE_ADDR"]
        return None

    middleware = ClientAddressMiddleware(view)
    factory = RequestFactory()
    middleware(factory.get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen == {"secure": False, "addr": "203.0.113.9"}
    middleware(factory.get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_PROTO="https", HTTP_X_FORWARDED_FOR="1.2.3.4"))
    assert seen == {"secure": True, "addr": "1.2.3.4"}


@pytest.mark.parametrize(
    ("trusted", "peer", "xff", "client"),
    [
        ("", "10.0.0.5", "1.2.3.4", None),  # no proxy configured: the peer is the client
        ("10.0.0.0/8", "10.0.0.5", "1.2.3.4", "1.2.3.4"),
        ("10.0.0.0/8", "10.0.0.5", "6.6.6.6, 1.2.3.4, 10.0.0.9", "1.2.3.4"),  # right-most untrusted; 6.6.6.6 was made up by the client
        ("10.0.0.0/8", "10.0.0.5", "10.0.0.8, 10.0.0.9", "10.0.0.8"),  # all trusted: the left-most
        ("10.0.0.0/8", "10.0.0.5", "not-an-ip, 1.2.3.4", "1.2.3.4"),
        ("10.0.0.0/8", "10.0.0.5", "1.2.3.4, garbage", None),  # the proxy's own hop is garbage: keep the peer
        ("10.0.0.0/8", "192.0.2.1", "1.2.3.4", None),  # untrusted peer
        ("1", "172.16.0.2", "6.6.6.6, 1.2.3.4", "1.2.3.4"),
        ("2", "172.16.0.2", "6.6.6.6, 1.2.3.4, 172.16.0.3", "1.2.3.4"),
        ("2", "172.16.0.2", "1.2.3.4", None),  # fewer hops than proxies: keep the peer
        ("::1,127.0.0.1", "::1", "2001:db8::7", "2001:db8::7"),
        ("127.0.0.1", "127.0.0.1", "[2001:db8::7]:5555", "2001:db8::7"),
        ("127.0.0.1", "127.0.0.1", "192.0.2.3:5555", "192.0.2.3"),
    ],
)
def test_client_address_rules(trusted, peer, xff, client):
    assert client_address(peer, xff, parse_trusted_proxies(trusted)) == client


def test_a_bad_trusted_proxies_value_is_refused_with_its_name():
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match=re.escape("PAPERDESK_TRUSTED_PROXIES: 'proxy.local'")):
        parse_trusted_proxies("10.0.0.1,proxy.local")


def test_gunicorn_is_told_which_peers_may_set_forwarding_headers():
    from paperdesk.ops.management.commands.serve import Command

    command = Command()
    with override_settings(PAPERDESK_TRUSTED_PROXIES="10.0.0.0/8, 127.0.0.1"):
        argv = command.gunicorn_argv("127.0.0.1", 8000, 1, 1, 30)
    assert argv[argv.index("--forwarded-allow-ips") + 1] == "10.0.0.0/8,127.0.0.1/32"
    with override_settings(PAPERDESK_TRUSTED_PROXIES="1"):
        argv = command.gunicorn_argv("127.0.0.1", 8000, 1, 1, 30)
    assert argv[argv.index("--forwarded-allow-ips") + 1] == "*"
    with override_settings(PAPERDESK_TRUSTED_PROXIES=""):
        argv = command.gunicorn_argv("127.0.0.1", 8000, 1, 1, 30)
    # Nobody trusted: not even loopback (gunicorn's default) may claim HTTPS.
    assert argv[argv.index("--forwarded-allow-ips") + 1] == ""


def test_access_log_and_response_carry_the_client_address_and_a_request_id(db, venue, caplog):
    with override_settings(PAPERDESK_TRUSTED_PROXIES=PROXY), caplog.at_level(logging.INFO, logger="paperdesk.access"):
        response = Client(REMOTE_ADDR=PROXY).get("/healthz", HTTP_X_FORWARDED_FOR="198.51.100.23")
    request_id = response["X-Request-ID"]
    assert len(request_id) >= 16
    [record] = [r for r in caplog.records if r.name == "paperdesk.access"]
    assert record.client_ip == "198.51.100.23"
    assert record.request_id == request_id
    assert record.status == 200


def test_a_request_id_is_taken_from_a_trusted_proxy_only(db):
    with override_settings(PAPERDESK_TRUSTED_PROXIES=PROXY):
        from_proxy = Client(REMOTE_ADDR=PROXY).get("/healthz", HTTP_X_REQUEST_ID="edge-1234")
        from_client = Client(REMOTE_ADDR="192.0.2.1").get("/healthz", HTTP_X_REQUEST_ID="edge-1234")
    assert from_proxy["X-Request-ID"] == "edge-1234"
    assert from_client["X-Request-ID"] != "edge-1234"


def test_the_audit_log_records_the_forwarded_client_address(db, venue):
    from paperdesk.audit.models import AuditEntry

    with override_settings(PAPERDESK_TRUSTED_PROXIES=PROXY):
        assert signup(Client(REMOTE_ADDR=PROXY), 1, HTTP_X_FORWARDED_FOR="198.51.100.44").status_code == 302
    entry = AuditEntry.objects.filter(action__startswith="account.").latest("id")
    assert entry.ip == "198.51.100.44"


def test_an_audit_entry_outside_a_request_has_no_address(db, venue):
    from paperdesk.audit.services import record

    assert record("test.event", venue).ip is None
