"""Failed sign-ins are counted per (account, client IP): five wrong passwords from one
address lock that address out of the account, never the owner signing in from elsewhere."""

from __future__ import annotations

from accounts_helpers import PASSWORD
from django.test import Client
from django.urls import reverse

TOO_MANY = "Too many failed sign-in attempts."
ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


def _sign_in(client: Client, ip: str, password: str):
    return client.post("/accounts/login/", {"login": "ada@uni.edu", "password": password}, REMOTE_ADDR=ip)


def test_five_failures_from_one_ip_do_not_lock_the_owner_out_from_another(venue, author):
    attacker = Client()
    for _ in range(5):
        assert TOO_MANY not in _sign_in(attacker, ATTACKER, "wrong password").content.decode()
    assert TOO_MANY in _sign_in(attacker, ATTACKER, PASSWORD).content.decode()  # the guesser is stopped

    owner = Client()
    response = _sign_in(owner, OWNER, PASSWORD)
    assert response.status_code == 302, response.content.decode()[:500]
    assert owner.get(reverse("accounts:profile")).status_code == 200


def test_the_per_ip_rate_still_bounds_one_client_across_addresses(venue, make_user):
    """One client guessing many accounts is stopped by the '/ip' rate (10 a minute)."""
    client = Client()
    answers = [client.post("/accounts/login/", {"login": f"user{i}@uni.edu", "password": "wrong password"}, REMOTE_ADDR=ATTACKER)
               for i in range(11)]
    assert TOO_MANY not in answers[9].content.decode()
    assert TOO_MANY in answers[10].content.decode()
