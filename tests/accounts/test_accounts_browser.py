"""The accounts flows in a real browser (Chromium through Playwright): sign up, confirm,
wait, get approved by a chair through the htmx queue, fill in the profile."""

from __future__ import annotations

import os
import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PAPERDESK_SCREENSHOTS")  # a directory to keep screenshots in, for a look


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


def confirm_link(email: str) -> str:
    from django.core import mail

    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(r"https?://\S+/accounts/confirm-email/\S+", message.body).group(0)


def test_browser_signup_wait_approval_and_profile(live_server, new_page, venue, chair):
    from django.core import mail

    from paperdesk.accounts.models import Affiliation, User

    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/signup/")
    shot(page, "signup")
    page.fill("#id_full_name", "Sam Hobbyist")
    page.fill("#id_email", "sam@gmail.com")
    page.fill("#id_password1", "correct horse battery")
    page.fill("#id_password2", "correct horse battery")
    page.click("button:has-text('Create account')")
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    assert page.locator("h1").inner_text() == "Confirm your e-mail address"
    shot(page, "verification-sent")

    page.goto(confirm_link("sam@gmail.com"))
    shot(page, "confirm")
    page.click("button:has-text('Confirm')")
    page.wait_for_url(f"{base}/me/status/")
    assert page.locator("#account-status").inner_text() == "Waiting for approval"
    assert "up to 14 days" in page.locator("main").inner_text()
    assert page.locator("#contact-email").inner_text() == "neurips2025@mechinterpworkshop.com"
    shot(page, "status-pending")

    page.goto(f"{base}/v/mechinterp-2025/submit/")
    page.wait_for_url(f"{base}/me/status/")
    assert "Submitting and changing papers needs an approved account." in page.locator(".messages").inner_text()

    # A chair approves the account from the queue; htmx swaps the row in place.
    chair_page = new_page()
    chair_page.goto(f"{base}/accounts/login/")
    shot(chair_page, "login")
    chair_page.fill("#id_login", chair.email)
    chair_page.fill("#id_password", "correct horse battery")
    chair_page.click("button:has-text('Sign in')")
    chair_page.wait_for_url(f"{base}/")
    chair_page.click("a:has-text('Accounts')")
    chair_page.wait_for_url(f"{base}/me/moderation/")
    sam = User.objects.get(email="sam@gmail.com")
    row = chair_page.locator(f"#account-{sam.pk}")
    assert "sam@gmail.com" in row.inner_text()
    shot(chair_page, "moderation")
    row.locator("button:has-text('Approve')").click()
    chair_page.locator(f"#account-{sam.pk}.decided").wait_for()
    assert "Approved sam@gmail.com" in chair_page.locator(f"#account-{sam.pk}").inner_text()
    assert chair_page.url == f"{base}/me/moderation/"
    sam.refresh_from_db()
    assert sam.moderation_status == "active"
    assert any("Your Paperdesk account is approved" in m.subject for m in mail.outbox)

    page.goto(f"{base}/me/status/")
    assert page.locator("#account-status").inner_text() == "Active"

    # The profile: a pasted GitHub URL, a bad ORCID first, then two affiliations.
    page.goto(f"{base}/me/profile/")
    page.fill("#id_other_names", "S. Hobbyist\nSamuel Hobbyist")
    page.fill("#id_github", "https://github.com/samhob")
    page.fill("#id_orcid", "0000-0002-1825-0098")
    page.fill("#id_aff-0-institution", "Independent Lab")
    page.fill("#id_aff-0-email_domain", "indielab.org")
    page.fill("#id_aff-0-start_year", "2021")
    page.click("#add-affiliation")
    page.fill("#id_aff-1-institution", "Old University")
    page.fill("#id_aff-1-start_year", "2015")
    page.fill("#id_aff-1-end_year", "2020")
    page.click("button:has-text('Save profile')")
    assert "check digit does not match" in page.locator("main").inner_text()
    shot(page, "profile-error")
    page.fill("#id_orcid", "0000-0002-1825-0097")
    page.click("button:has-text('Save profile')")
    page.wait_for_url(f"{base}/me/profile/")
    assert "Your profile is saved." in page.locator(".messages").inner_text()
    shot(page, "profile")
    sam.refresh_from_db()
    assert (sam.github, sam.orcid, sam.other_names) == ("samhob", "0000-0002-1825-0097", ["S. Hobbyist", "Samuel Hobbyist"])
    assert sorted(Affiliation.objects.filter(user=sam).values_list("institution", flat=True)) == ["Independent Lab", "Old University"]

    page.click("a:has-text('Manage e-mail addresses')")
    page.wait_for_url(f"{base}/accounts/email/")
    shot(page, "emails")
    assert "sam@gmail.com" in page.locator("#email-list").inner_text()


def test_browser_chair_rejects_with_a_reason(live_server, new_page, venue, chair, make_user):
    from django.core import mail

    from paperdesk.accounts.models import User

    waiting = make_user("spam@gmail.com", "Spam Bot")
    User.objects.filter(pk=waiting.pk).update(moderation_status="pending")
    base = live_server.url
    page = new_page()
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", chair.email)
    page.fill("#id_password", "correct horse battery")
    page.click("button:has-text('Sign in')")
    page.goto(f"{base}/me/moderation/")
    row = page.locator(f"#account-{waiting.pk}")
    row.locator("summary:has-text('Reject')").click()
    row.locator("textarea[name=reason]").fill("Automated sign-up.")
    shot(page, "moderation-reject")
    row.locator("button:has-text('Reject')").click()
    page.locator(f"#account-{waiting.pk}.decided").wait_for()
    assert "Rejected spam@gmail.com" in page.locator(f"#account-{waiting.pk}").inner_text()
    assert "Automated sign-up." in mail.outbox[-1].body
