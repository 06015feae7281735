"""One way to print a venue moment: Anywhere on Earth (UTC−12) plus the viewer's own local
time (rendered in the browser from the ISO timestamp of a <time> element), and in e-mails
AoE plus UTC. The review deadline used to be printed a day late (its UTC date) on the
reviewing hub and the invitation page."""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils.html import strip_tags

from paperdesk import clock, tokens
from paperdesk.committee.models import PoolMember

DEADLINE = dt.datetime(2025, 8, 23, 11, 59, tzinfo=dt.UTC)  # August 22, 23:59 AoE


def test_moment_text_is_aoe_plus_utc():
    from paperdesk.venues import moments

    assert moments.aoe_text(DEADLINE) == "August 22, 2025, 23:59 AoE"
    assert moments.text(DEADLINE) == "August 22, 2025, 23:59 AoE (August 23, 2025, 11:59 UTC)"
    assert moments.iso(DEADLINE) == "2025-08-23T11:59:00Z"


def test_moment_html_carries_the_iso_timestamp_for_the_local_time():
    from paperdesk.venues import moments

    html = str(moments.html(DEADLINE))
    assert "August 22, 2025, 23:59" in html and "AoE" in html
    assert re.search(r'<time[^>]+datetime="2025-08-23T11:59:00Z"[^>]*data-localtime', html)
    assert "11:59 UTC" in html  # what a browser without scripts shows


def test_template_filter(venue):
    from django.template import Context, Template

    rendered = Template("{% load moments %}{{ when|moment }}|{{ when|moment_text }}").render(Context({"when": DEADLINE}))
    shown, text = rendered.split("|")
    assert 'datetime="2025-08-23T11:59:00Z"' in shown
    assert text == "August 22, 2025, 23:59 AoE (August 23, 2025, 11:59 UTC)"


def _aoe_day(venue) -> str:
    local = venue.review_deadline.astimezone(dt.timezone(dt.timedelta(hours=-12)))
    return f"{local:%B} {local.day}, {local:%Y}, 23:59 AoE"


def test_hub_prints_the_review_deadline_in_aoe_not_a_day_late(venue):
    page = Client().get(reverse("committee:hub", args=[venue.slug])).content.decode()
    assert _aoe_day(venue) in strip_tags(page)
    utc_day = venue.review_deadline.astimezone(dt.UTC)
    assert f"Reviews are due {utc_day:%B} {utc_day.day}, {utc_day:%Y}." not in page
    assert f'datetime="{venue.review_deadline.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}"' in page


INVITE_TOKEN = "tok-" + "x" * 30  # the link's token; the row keeps its SHA-256 (paperdesk.tokens)


@pytest.fixture
def invited(venue, chair):
    return PoolMember.objects.create(venue=venue, email="rita@uni.edu", name="Rita Reviewer", role=PoolMember.Role.REVIEWER,
                                     state=PoolMember.State.INVITED, invite_token=tokens.digest(INVITE_TOKEN), invited_at=clock.now())


def test_invitation_page_prints_the_review_deadline_in_aoe(venue, invited):
    page = Client().get(reverse("committee:invitation", args=[INVITE_TOKEN])).content.decode()
    assert _aoe_day(venue) in strip_tags(page)
    assert "data-localtime" in page


def test_invitation_email_prints_aoe_and_utc(venue, invited):
    from paperdesk.committee.tasks import _invitation_mail
    from paperdesk.venues import moments

    mail.outbox.clear()
    _invitation_mail(invited)
    body = mail.outbox[-1].body
    assert moments.text(venue.review_deadline) in body, body


def test_decision_notice_prints_aoe_and_utc(venue):
    from paperdesk.venues import moments

    assert venue.moment_text(venue.camera_ready_deadline) == moments.text(venue.camera_ready_deadline)


@pytest.mark.django_db(transaction=True)
def test_hub_shows_the_deadline_in_the_viewers_own_time_zone(chromium, live_server, venue):
    from playwright.sync_api import expect

    context = chromium.new_context(base_url=live_server.url, timezone_id="Asia/Tokyo", locale="en-US")
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(reverse("committee:hub", args=[venue.slug]))
        tokyo = venue.review_deadline.astimezone(ZoneInfo("Asia/Tokyo"))
        local = page.locator("time[data-localtime]").first
        expect(local).to_contain_text(f"{tokyo:%b} {tokyo.day}, {tokyo:%Y}")
        expect(local).to_contain_text(f"{tokyo:%H:%M}")
        expect(local).to_contain_text("GMT+9")
        expect(page.locator(".moment").first).to_contain_text(_aoe_day(venue))
        assert not errors, errors
    finally:
        context.close()
