"""The one-time password `paperdesk ensurechair` prints must be changed at the first
sign-in: before anything else the chair is on the password-change page, every other page
(the chair desk, the API tokens page, the home page) leads back there, and once changed the
account works as usual and the old password no longer signs in."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from venue_helpers import run

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "a much longer chair secret 2025"


def test_the_one_time_password_is_changed_before_anything_else(venue, live_server, new_page, monkeypatch):
    monkeypatch.delenv("PAPERDESK_CHAIR_EMAIL", raising=False)
    out = run("ensurechair")
    password = re.search(r"^  password: (\S+)$", out, re.M).group(1)
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", "chair@paperdesk.localhost")
    page.fill("#id_password", password)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/accounts/password/change/**")
    assert "choose a password of your own" in page.locator("main").inner_text().lower()
    for path in (f"/v/{venue.slug}/chair/dashboard/", "/api/tokens/", "/", f"/v/{venue.slug}/"):
        page.goto(base + path)
        assert page.url.startswith(f"{base}/accounts/password/change/"), (path, page.url)
    page.fill("#id_oldpassword", password)
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    response = page.goto(f"{base}/v/{venue.slug}/chair/dashboard/")
    assert response.status == 200 and page.url == f"{base}/v/{venue.slug}/chair/dashboard/"
    assert "stands" in page.locator("h1").inner_text()
    user = get_user_model().objects.get(email="chair@paperdesk.localhost")
    assert not user.must_change_password and user.check_password(NEW_PASSWORD) and not user.check_password(password)


def test_an_account_that_chose_its_password_is_not_asked(client, venue, chair):
    client.force_login(chair)
    assert client.get(f"/v/{venue.slug}/chair/dashboard/").status_code == 200
