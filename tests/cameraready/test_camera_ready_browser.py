"""Camera-ready in a real browser (Chromium through Playwright): the author confirms the
published metadata from the checklist, the chair follows the status page from the chairs'
menu and reminds the missing authors, and the public page shows the published title."""

from __future__ import annotations

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.cameraready.camera_ready_world import author_ids, crworld  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user=None):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield _page_as
    for context in contexts:
        context.close()


def test_author_confirms_metadata_and_chair_reminds_the_missing(crworld, page_as):
    john, jose = author_ids(crworld)
    page = page_as(crworld.people["john"])
    page.goto(f"/submissions/{crworld.paper.public_id}/decision/")
    expect(page.locator(".check-item.todo")).to_have_count(3)
    form = page.locator(".metadata-form")
    form.locator("input[name=title]").fill("Sparse Circuits, as Published")
    form.locator(f"input[name=author-{jose}-name]").fill("José A. Núñez")
    form.locator(f"input[name=author-{jose}-position]").fill("1")
    form.locator(f"input[name=author-{john}-position]").fill("2")
    form.locator("button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Saved and confirmed")
    expect(page.locator(".check-item.done[data-item=metadata]")).to_be_visible()
    assert not page.errors, page.errors

    chair = page_as(crworld.people["chair"])
    chair.goto(f"/v/{crworld.venue.slug}/chair/decisions/")
    chair.locator(".chair-nav a", has_text="Camera-ready").click()
    expect(chair.locator("h1")).to_have_text("Camera-ready versions")
    expect(chair.locator(".counts")).to_contain_text("Missing: 2")
    expect(chair.locator(".camera-ready-status")).to_contain_text("Sparse Circuits, as Published")
    chair.locator(".reminder-box button").click()
    expect(chair.locator(".messages")).to_contain_text("Reminding the authors of 2 papers")
    expect(chair.locator(".reminder-box")).to_contain_text("Reminded today")
    assert sorted(m.to[0] for m in mail.outbox) == ["grace@navy.mil.edu", "john.smith@carrowmore.ie", "jose.nunez@glenvale.edu"]
    assert not chair.errors, chair.errors

    # Releasing published nothing: the public page waits for the chairs to publish the program.
    public = page_as()
    public.goto(f"/v/{crworld.venue.slug}/accepted/")
    expect(public.locator("#program-not-published")).to_contain_text("not published yet")
    expect(public.locator(".paper-entry")).to_have_count(0)
    chair.locator(".chair-nav a", has_text="Program").click()
    expect(chair.locator("#program-state h2")).to_have_text("Not published")
    expect(chair.locator("#program-unconfirmed")).to_contain_text(f"#{crworld.missing.number}")
    chair.once("dialog", lambda dialog: dialog.accept())  # asks once before publishing
    chair.locator("button[value=publish]").click()
    expect(chair.locator("#program-state h2")).to_have_text("Published")
    assert not chair.errors, chair.errors

    public.goto(f"/v/{crworld.venue.slug}/accepted/")
    entry = public.locator(f"#paper-{crworld.paper.public_id}")
    expect(entry.locator("h2")).to_have_text("Sparse Circuits, as Published")
    expect(entry.locator(".authors")).to_contain_text("José A. Núñez (Glenvale Institute for Vision), John Smith")
    expect(public.locator(".paper-entry")).to_have_count(1)  # Grace confirmed nothing: left out
    expect(public.locator("body")).not_to_contain_text("Grace Hopper")
