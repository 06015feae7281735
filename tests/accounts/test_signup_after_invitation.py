"""An invitation link proves one address: the one it was sent to. A person who opens it and
then creates an account with that address needs no confirmation e-mail; one who creates it
with another address (their own, or a colleague's the invitation was forwarded to) gets an
account with the address they typed, confirmed as usual, and never the invited one."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from paperdesk.accounts.models import User
from paperdesk.committee.invitations import Invitee

pytestmark = pytest.mark.django_db
PASSWORD = "a sound passphrase 42"


@pytest.fixture
def link(venue, chair, django_capture_on_commit_callbacks):
    from paperdesk.committee import services

    with django_capture_on_commit_callbacks(execute=True):
        services.invite(venue=venue, actor=chair, invitees=[Invitee(1, "Neo Invited", "neo@uni.edu", "reviewer")])
    return re.search(r"(/reviewing/invitations/[A-Za-z0-9_-]+/)", mail.outbox[-1].body).group(1)


def sign_up(client: Client, email: str):
    return client.post("/accounts/signup/", {"full_name": "Someone", "email": email, "password1": PASSWORD, "password2": PASSWORD})


def test_signing_up_with_the_invited_address_needs_no_confirmation(link, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get(link).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(client, "Neo@uni.edu").status_code == 302
    user = User.objects.get(email__iexact="neo@uni.edu")
    assert [(a.email, a.verified, a.primary) for a in EmailAddress.objects.filter(user=user)] == [("neo@uni.edu", True, True)]
    assert not [m for m in mail.outbox if "confirm" in m.subject.lower()]


def test_signing_up_with_another_address_keeps_the_typed_address_and_confirms_it(link, django_capture_on_commit_callbacks):
    client = Client()
    assert client.get(link).status_code == 200
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(client, "trinity@lab.org").status_code == 302
    user = User.objects.get(email="trinity@lab.org")
    assert [(a.email, a.verified, a.primary) for a in EmailAddress.objects.filter(user=user)] == [("trinity@lab.org", False, True)]
    assert not User.objects.filter(email__iexact="neo@uni.edu").exists()
    assert not EmailAddress.objects.filter(email__iexact="neo@uni.edu").exists()
    assert [m.to for m in mail.outbox] == [["trinity@lab.org"]]  # the confirmation, to the typed address
