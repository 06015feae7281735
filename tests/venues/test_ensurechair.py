"""`paperdesk ensurechair`: the first program chair, created once."""

from __future__ import annotations

import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError
from venue_helpers import VENUE_FILE, run

from paperdesk.venues.models import Venue, VenueRole


@pytest.fixture
def with_rehearsal(venue):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")
    return Venue.objects.get(slug="mechinterp-2025-rehearsal")


def chairs_of(slug: str) -> list[str]:
    return sorted(VenueRole.objects.filter(venue__slug=slug, role="chair").values_list("user__email", flat=True))


def test_ensurechair_creates_chair_once(client, venue, with_rehearsal, monkeypatch):
    monkeypatch.delenv("PAPERDESK_CHAIR_EMAIL", raising=False)

    first = run("ensurechair")
    second = run("ensurechair")

    password = re.search(r"^  password: (\S+)$", first, re.M).group(1)
    assert len(password) >= 16
    assert "  e-mail:   chair@paperdesk.localhost" in first
    assert "/accounts/password/change/" in first
    assert "granted program chair: chair@paperdesk.localhost on mechinterp-2025-rehearsal" in first
    assert second == "mechinterp-2025 already has program chair: chair@paperdesk.localhost (Program Chair). Nothing to create.\n"
    assert password not in second and "password" not in second
    assert chairs_of("mechinterp-2025") == chairs_of("mechinterp-2025-rehearsal") == ["chair@paperdesk.localhost"]
    user = get_user_model().objects.get(email="chair@paperdesk.localhost")
    assert user.moderation_status == "active"
    assert EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists()
    assert client.login(email="chair@paperdesk.localhost", password=password)


def test_ensurechair_email_from_option_and_environment(venue, monkeypatch):
    monkeypatch.setenv("PAPERDESK_CHAIR_EMAIL", "pc@uni.edu")
    assert "  e-mail:   pc@uni.edu" in run("ensurechair")

    Venue.objects.filter(pk=venue.pk).update(slug="other")
    run("venue", "load", str(VENUE_FILE))
    assert "  e-mail:   boss@uni.edu" in run("ensurechair", "--email", "Boss@uni.edu")


def test_ensurechair_existing_chair_prints_no_secret(venue, chair):
    out = run("ensurechair")

    assert out == "mechinterp-2025 already has program chair: chair@mechinterpworkshop.com (Pat Chair). Nothing to create.\n"
    assert get_user_model().objects.count() == 1


def test_ensurechair_later_rehearsal_gets_existing_chairs(venue, chair):
    run("venue", "load", str(VENUE_FILE), "--rehearsal")

    out = run("ensurechair")

    assert "  granted program chair: chair@mechinterpworkshop.com on mechinterp-2025-rehearsal" in out
    assert chairs_of("mechinterp-2025-rehearsal") == ["chair@mechinterpworkshop.com"]


def test_ensurechair_existing_account_keeps_password(venue, author):
    out = run("ensurechair", "--email", "ada@uni.edu")

    assert out.startswith("The existing account ada@uni.edu is now program chair of mechinterp-2025; its password is unchanged.")
    assert "password:" not in out
    author.refresh_from_db()
    assert author.check_password("correct horse battery")
    assert chairs_of("mechinterp-2025") == ["ada@uni.edu"]


def test_ensurechair_needs_the_venue(db):
    with pytest.raises(CommandError, match="The venue 'mechinterp-2025' is not loaded; load it first"):
        run("ensurechair")
