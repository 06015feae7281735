"""Helpers for the accounts tests: sign up, and follow links from e-mails."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def link_in(message, pattern: str = r"https?://\S+") -> str:
    """The first link in an e-mail's body, as a path the test client can open."""
    match = re.search(pattern, message.body)
    assert match, message.body
    return re.sub(r"^https?://[^/]+", "", match.group(0))


def sign_up(client, email: str, name: str = "Sam Researcher", password: str = PASSWORD):
    return client.post(
        "/accounts/signup/",
        {"full_name": name, "email": email, "password1": password, "password2": password},
    )


def confirm_from_outbox(client, email: str):
    """Open the confirmation link of the last e-mail sent to `email` and confirm (POST)."""
    from django.core import mail

    message = [m for m in mail.outbox if email in m.to][-1]
    path = link_in(message, r"https?://\S+/accounts/confirm-email/\S+")
    page = client.get(path)
    assert page.status_code == 200
    return client.post(path, follow=True)
