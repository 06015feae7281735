"""In Chromium: a person sets their e-mail preferences from their profile; a chair opens the
outbox from the chair desk, searches it, opens a failed message and resends it (the new
message arrives at a real SMTP server, the failed one is kept)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from paperdesk import clock
from paperdesk.mail.models import EmailPreference, OutboundEmail
from tests.audit import audit_world
from tests.audit.test_audit_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_sets_preferences_and_a_chair_resends_a_failed_email(live_server, new_page, venue, author, make_user, smtp_inbox):
    world = audit_world.build(venue, author, make_user)
    base = live_server.url
    page = new_page()
    sign_in(page, base, author.email)
    page.goto(f"{base}/me/profile/")
    page.click("#email-preferences-link")
    expect(page.locator("#essential-mail")).to_contain_text("Always sent immediately")
    page.check("#pref-reminders input[value='digest']")
    page.check("#pref-discussion input[value='off']")
    page.click("#email-preferences button[type=submit]")
    expect(page.locator("body")).to_contain_text("Your e-mail preferences are saved.")
    assert dict(EmailPreference.objects.filter(user=author).values_list("event", "mode")) == {
        "reminders": "digest", "discussion": "off", "paper_updates": "immediate", "review_updates": "immediate"}

    failed = OutboundEmail.objects.create(venue=venue, recipients="lost@uni.edu", template="account_approved", event="essential",
                                          subject="[Paperdesk] Your account is approved", body="Welcome.", state="failed",
                                          error="SMTPServerDisconnected", created_at=clock.now())
    OutboundEmail.objects.create(venue=venue, recipients="other@uni.edu", template="account_approved", event="essential",
                                 subject="Another", body="b", state="sent", created_at=clock.now())
    chair = new_page()
    sign_in(chair, base, world.people["chair"].email)
    chair.goto(f"{base}/v/{venue.slug}/chair/dashboard/")
    chair.click("nav.chair-nav a:has-text('Outbox')")
    chair.wait_for_url(f"{base}/v/{venue.slug}/chair/outbox/")
    chair.select_option("#outbox-filters select[name=state]", "failed")
    chair.click("#outbox-filters button[type=submit]")
    chair.wait_for_url("**state=failed*")
    expect(chair.locator("#outbox tbody tr")).to_have_count(1)
    chair.click(f"#email-{failed.pk} a")
    expect(chair.locator("#email-state")).to_contain_text("SMTPServerDisconnected")
    chair.click("#resend-form button")
    expect(chair.locator("body")).to_contain_text("Sent again to lost@uni.edu")
    assert [e.rcpt_tos for e in smtp_inbox.envelopes] == [["lost@uni.edu"]]
    assert OutboundEmail.objects.get(pk=failed.pk).state == "failed"
    assert OutboundEmail.objects.get(resend_of=failed).state == "sent"
