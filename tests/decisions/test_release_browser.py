"""The release page in Chromium: the past waves, a second wave for a late paper with the
notice per outcome kind, its progress."""

from __future__ import annotations

import os

import pytest

from tests.decisions.test_story_browser import page_as  # noqa: F401 - the signed-in page fixture
from tests.reviews.review_world import make_paper


@pytest.mark.django_db(transaction=True)
def test_a_second_wave_from_the_release_page(rworld, page_as):
    from django.core import mail
    from django.urls import reverse
    from playwright.sync_api import expect

    from paperdesk.decisions.models import Release

    chair = rworld.client("chair")
    table = reverse("decisions:bulk_set", args=[rworld.venue.slug])
    chair.post(table, {"paper": [rworld.paper.public_id, rworld.other_paper.public_id], "outcome": "reject"})
    chair.post(reverse("decisions:release", args=[rworld.venue.slug]), {"action": "release", "confirmed": "yes"})  # wave 1, the venue's texts
    late = make_paper(rworld.venue, rworld.people["other_author"], "A late paper", coauthors=[("Lou Late", "lou@late.edu", "Late U")])
    chair.post(table, {"paper": [late.public_id], "outcome": "accept-poster"})
    mail.outbox.clear()

    page = page_as(rworld.people["chair"])
    page.goto(f"/v/{rworld.venue.slug}/chair/release/")
    expect(page.locator("#wave-1")).to_contain_text("3 of 3")
    expect(page.locator("#release-progress")).to_contain_text("Done")
    page.fill("#id_accept_subject", "Good news about {{ title }}")
    page.click("button[value=preview]")
    expect(page.locator(".email-preview")).to_contain_text("Good news about A late paper")
    expect(page.locator(".email-preview")).to_contain_text("Dear Grace Hopper")
    if os.environ.get("PAPERDESK_SCREENSHOTS"):
        page.screenshot(path=os.path.join(os.environ["PAPERDESK_SCREENSHOTS"], "release-waves.png"), full_page=True)
    page.click("button[value=release]")
    expect(page.locator("#release-confirm")).to_contain_text("A late paper")  # asks once, naming the papers
    page.click("#release-confirm button[value=release]")
    expect(page.locator("h1")).to_contain_text("wave 2")
    expect(page.locator("#release-progress")).to_contain_text("2 of 2 notices sent", timeout=15_000)
    assert sorted(m.to[0] for m in mail.outbox) == ["grace@uni.edu", "lou@late.edu"]
    assert all(m.subject == "Good news about A late paper" for m in mail.outbox)
    page.click("text=All waves, and the next one")
    expect(page.locator("#wave-2")).to_contain_text("2 of 2")
    expect(page.locator(".nothing-new")).to_contain_text("Nothing new to release")
    assert not page.errors, page.errors
    assert list(Release.objects.values_list("wave", "state")) == [(1, "done"), (2, "done")]
