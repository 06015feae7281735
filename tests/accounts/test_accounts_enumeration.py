"""Sign-up and password reset give the same answer, and do the same expensive work, for an
address that has an account and one that has not (issue 8: the sign-up took ~130 ms for a
known address and ~990 ms for a new one, because only a new account hashed the password).

Wall time is measured by bench/enumeration.py, never asserted here: the tests pin the
cause instead, counting the password hasher's calls on both paths."""

from __future__ import annotations

import re

import pytest
from accounts_helpers import PASSWORD
from django.contrib.auth.hashers import get_hasher
from django.core import mail
from django.test import Client

from paperdesk.accounts.models import User

KNOWN, UNKNOWN = "known@uni.edu", "unknown@uni.edu"


def normalised(response, email: str) -> tuple:
    """Status, redirect target and body, with the CSRF token and the typed address blanked."""
    body = response.content.decode()
    body = re.sub(r'(csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"', r'\1"CSRF"', body)
    return response.status_code, response.get("Location"), body.replace(email, "ADDRESS"), sorted(response.cookies)


@pytest.fixture
def hasher_calls(monkeypatch):
    """Count calls of the default password hasher's `encode` (the costly step of hashing)."""
    hasher_class = type(get_hasher())
    calls = []
    original = hasher_class.encode

    def counting(self, password, salt, *args, **kwargs):
        calls.append(password)
        return original(self, password, salt, *args, **kwargs)

    monkeypatch.setattr(hasher_class, "encode", counting)
    return calls


def sign_up_as(email: str, hasher_calls: list) -> dict:
    client = Client()
    hasher_calls.clear()
    mail.outbox.clear()
    answer = client.post("/accounts/signup/", {"full_name": "Pat Person", "email": email, "password1": PASSWORD, "password2": PASSWORD})
    followed = client.get(answer["Location"]) if answer.status_code == 302 else answer
    return {
        "answer": normalised(answer, email),
        "page": normalised(followed, email),
        "hashes": list(hasher_calls),
        "mail": [(m.to, bool(m.subject)) for m in mail.outbox],
    }


def test_signup_known_and_unknown_addresses_get_the_same_answer_after_the_same_work(venue, make_user, hasher_calls):
    make_user(KNOWN, "Known Person")

    known = sign_up_as(KNOWN, hasher_calls)
    unknown = sign_up_as(UNKNOWN, hasher_calls)

    assert known["answer"][:2] == (302, "/accounts/confirm-email/")
    assert known["answer"] == unknown["answer"]
    assert known["page"] == unknown["page"]
    # The same costly step on both paths: one hash of the typed password.
    assert known["hashes"] == unknown["hashes"] == [PASSWORD]
    # Each address gets one message: the owner of the known one learns someone tried.
    assert known["mail"] == [([KNOWN], True)] and unknown["mail"] == [([UNKNOWN], True)]
    assert User.objects.filter(email=KNOWN).count() == 1


def test_signup_a_known_address_mails_its_owner_instead_of_saying_so(venue, make_user, hasher_calls):
    make_user(KNOWN, "Known Person")
    client = Client()
    client.post("/accounts/signup/", {"full_name": "Mallory", "email": KNOWN, "password1": PASSWORD, "password2": PASSWORD})
    [message] = mail.outbox
    assert message.to == [KNOWN]
    assert "already" in (message.subject + message.body).lower()
    assert not client.session.get("_auth_user_id")


def reset_as(email: str, hasher_calls: list) -> dict:
    client = Client()
    hasher_calls.clear()
    mail.outbox.clear()
    answer = client.post("/accounts/password/reset/", {"email": email})
    followed = client.get(answer["Location"]) if answer.status_code == 302 else answer
    return {"answer": normalised(answer, email), "page": normalised(followed, email), "hashes": len(hasher_calls),
            "mail": [m.to for m in mail.outbox]}


def test_password_reset_known_and_unknown_addresses_get_the_same_answer(venue, make_user, hasher_calls):
    make_user(KNOWN, "Known Person")

    known = reset_as(KNOWN, hasher_calls)
    unknown = reset_as(UNKNOWN, hasher_calls)

    assert known["answer"][:2] == (302, "/accounts/password/reset/done/")
    assert known["answer"] == unknown["answer"]
    assert known["page"] == unknown["page"]
    assert known["hashes"] == unknown["hashes"]
    # Both addresses get one message (the reset link, or "no account with this address").
    assert known["mail"] == [[KNOWN]] and unknown["mail"] == [[UNKNOWN]]
