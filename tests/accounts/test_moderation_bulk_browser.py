"""Bulk moderation in Chromium: the chair orders the queue, ticks several people, confirms
once, and each person gets exactly one e-mail (a real SMTP server); then rejects the rest
with one reason."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.utils import timezone

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page, base: str, address: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", address)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/")


def wait_for_mail(inbox, count: int, seconds: float = 15) -> list:
    deadline = time.monotonic() + seconds
    while len(inbox.envelopes) < count and time.monotonic() < deadline:
        time.sleep(0.05)
    return inbox.envelopes


def test_chair_approves_several_at_once_after_one_confirmation(live_server, new_page, venue, chair, make_user, smtp_inbox):
    from paperdesk.accounts.models import User
    from paperdesk.audit.models import AuditEntry

    people = {}
    for address, days in [("old@gmail.com", 12), ("mid@gmail.com", 6), ("new@gmail.com", 1), ("jan@kuleuven.be", 3)]:
        person = make_user(address, address.split("@")[0].title())
        User.objects.filter(pk=person.pk).update(moderation_status="pending", date_joined=timezone.now() - dt.timedelta(days=days))
        people[address] = person
    base = live_server.url
    page = new_page()
    sign_in(page, base, chair.email)
    page.click("a:has-text('Accounts')")
    page.wait_for_url(f"{base}/me/moderation/")

    emails = page.locator("#moderation-queue tbody tr td:nth-child(2) strong").all_inner_texts()
    assert emails == ["old@gmail.com", "mid@gmail.com", "jan@kuleuven.be", "new@gmail.com"]  # waiting longest first
    assert "Institutional: KU Leuven" in page.locator(f"#account-{people['jan@kuleuven.be'].pk}").inner_text()
    page.click("#sort-newest")
    page.wait_for_url("**/me/moderation/?sort=newest")
    assert page.locator("#moderation-queue tbody tr td:nth-child(2) strong").first.inner_text() == "new@gmail.com"
    for width in (390, 1280):  # the queue fits; its table scrolls inside its own box
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/me/moderation/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    page.check(f"#select-{people['old@gmail.com'].pk}")
    page.check(f"#select-{people['jan@kuleuven.be'].pk}")
    page.click("#bulk-approve")
    page.locator("#confirm-title").wait_for()
    assert page.locator("#confirm-title").inner_text() == "Approve 2 accounts?"
    listed = page.locator("#confirm-accounts").inner_text()
    assert "old@gmail.com" in listed and "jan@kuleuven.be" in listed and "mid@gmail.com" not in listed
    assert smtp_inbox.envelopes == [] and User.objects.filter(moderation_status="active", email__in=["old@gmail.com", "jan@kuleuven.be"]).count() == 0
    page.click("#confirm-bulk")
    page.wait_for_url(f"{base}/me/moderation/")
    assert "Approved 2 accounts; each person has been told by e-mail." in page.locator(".messages").inner_text()
    assert page.locator(f"#account-{people['old@gmail.com'].pk}").count() == 0
    envelopes = wait_for_mail(smtp_inbox, 2)
    assert sorted(e.rcpt_tos[0] for e in envelopes) == ["jan@kuleuven.be", "old@gmail.com"]
    assert AuditEntry.objects.filter(action="account.approve").count() == 2

    # The rest: rejected with one reason, confirmed once.
    page.check(f"#select-{people['mid@gmail.com'].pk}")
    page.check(f"#select-{people['new@gmail.com'].pk}")
    page.click("#bulk-form summary")
    page.fill("#bulk-reason", "Please sign up with your institutional address.")
    page.click("#bulk-reject")
    page.locator("#confirm-title").wait_for()
    assert page.locator("#confirm-title").inner_text() == "Reject 2 accounts?"
    assert "Please sign up with your institutional address." in page.locator("#confirm-reason").inner_text()
    page.click("#confirm-bulk")
    page.wait_for_url(f"{base}/me/moderation/")
    assert "Rejected 2 accounts" in page.locator(".messages").inner_text()
    assert page.locator("#queue-empty").is_visible()
    envelopes = wait_for_mail(smtp_inbox, 4)
    assert len(envelopes) == 4
    rejected = [e for e in envelopes if e.rcpt_tos[0] in ("mid@gmail.com", "new@gmail.com")]
    assert len(rejected) == 2 and all(b"Please sign up with your institutional address." in e.content for e in rejected)
