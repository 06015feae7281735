"""Chasing reviews in a real browser (Chromium through Playwright): a reviewer declines a
paper from its page; the chair sees the open slot, assigns an emergency reviewer from the
alternates, previews and sends the "remind late reviewers" e-mails (a second submit of the
same form sends nothing), and removes a published reviewer after the confirmation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        client = Client()
        client.force_login(user)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                              "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield _page_as
    for context in contexts:
        context.close()


def test_decline_emergency_reminders_and_removal_in_the_browser(rworld, page_as, at):
    from paperdesk.committee.models import Assignment, ReviewerDecline

    venue, paper = rworld.venue, rworld.paper
    at(venue.review_deadline + dt.timedelta(hours=2))

    # Rita declines the paper from its page, with a reason.
    rita = page_as(rworld.people["reviewer2"])
    rita.goto(f"/reviews/paper/{paper.public_id}/")
    rita.click("#decline-link")
    rita.fill("#give-back-reason", "I am travelling and cannot review in time.")
    rita.click("#give-back")
    expect(rita.locator(".messages")).to_contain_text("The chairs are told")
    assert ReviewerDecline.objects.filter(user=rworld.people["reviewer2"]).exists()

    # The chair sees the open slot and assigns Uma as emergency reviewer from the alternates.
    chair = page_as(rworld.people["chair"])
    chair.goto(f"/v/{venue.slug}/reviewing/assignment/")
    expect(chair.locator("#open-slots")).to_contain_text("I am travelling and cannot review in time.")
    chair.locator("#open-slots a:has-text('Find a replacement')").click()
    row = chair.locator('#alternates tr[data-reviewer="uma@rev.edu"]')
    due = venue.local(venue.review_deadline + dt.timedelta(days=3)).date().isoformat()
    row.locator("input[name=deadline]").fill(due)
    row.locator("button:has-text('Emergency reviewer')").click()
    expect(chair.locator(".messages")).to_contain_text("is the emergency reviewer of #1")
    uma = Assignment.objects.get(submission=paper, user=rworld.people["unassigned_reviewer"])
    assert uma.emergency and uma.published

    # Remind late reviewers: the preview names who gets what; sending twice sends once.
    mail.outbox.clear()
    chair.goto(f"/v/{venue.slug}/late-reviews/")
    preview = chair.locator("#chase-preview")
    expect(preview).to_contain_text("Quillon Reviewbird")
    expect(preview.locator('tr[data-email="uma@rev.edu"]')).to_contain_text("Another paper")  # late there, not on her emergency paper
    expect(preview.locator('tr[data-email="uma@rev.edu"]')).not_to_contain_text("canary")
    chair.dblclick("#send-reminders")  # an impatient double click: the same form posted twice
    expect(chair.locator(".messages")).to_contain_text("Reminder")
    expect(chair.locator("#chase-summary")).to_be_visible()
    assert sorted(m.to[0] for m in mail.outbox) == ["quillon.reviewbird@review-aviary.edu", "uma@rev.edu"]

    # Removing a published reviewer asks once, naming them and the paper; then they are told.
    chair.goto(f"/v/{venue.slug}/reviewing/assignment/")
    pair = rworld.assignments["reviewer"]
    chair.locator(f"#pair-{pair.pk} .remove-form button").click()
    expect(chair.locator("#remove-consequences")).to_contain_text("Quillon Reviewbird")
    expect(chair.locator("#remove-consequences")).to_contain_text("The canary paper")
    assert Assignment.objects.filter(pk=pair.pk).exists()
    chair.click("#confirm-remove")
    expect(chair.locator("#alternates")).to_be_visible()
    assert not Assignment.objects.filter(pk=pair.pk).exists()
    assert any(m.to == ["quillon.reviewbird@review-aviary.edu"] and "You no longer review" in m.subject for m in mail.outbox)
    assert rita.errors == [] and chair.errors == []
