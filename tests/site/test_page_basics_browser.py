"""What every page gives a browser and a keyboard (issue 10): a favicon (no 404 on every
page), "Skip to content" as the first focusable element, and after a failed save a summary
of the errors that is announced and focused, with links to the fields."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user=None):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(15_000)
        if user is not None:
            client = Client()
            client.force_login(user)
            context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                                  "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield _page_as
    for context in contexts:
        context.close()


def test_every_page_has_a_favicon_served_by_the_site(venue, page_as):
    page = page_as()
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    for path in ("/", f"/v/{venue.slug}/", "/accounts/login/"):
        page.goto(path)
        icons = page.locator("head link[rel=icon]")
        assert icons.count() >= 1, f"{path} names no icon"
        for i in range(icons.count()):
            href = icons.nth(i).get_attribute("href")
            response = page.request.get(href)
            assert response.status == 200 and response.headers["content-type"].startswith("image/"), (href, response.status)
    assert not missing, f"404s while loading pages: {missing}"


def test_skip_to_content_is_the_first_stop_of_the_keyboard(venue, author, page_as):
    for who, path in ((None, "/"), (None, f"/v/{venue.slug}/"), (author, "/submissions/"), (author, f"/v/{venue.slug}/submit/")):
        page = page_as(who)
        page.goto(path)
        page.keyboard.press("Tab")
        focused = page.evaluate("() => [document.activeElement.textContent.trim(), document.activeElement.getAttribute('href')]")
        assert focused == ["Skip to content", "#content"], (path, focused)
        expect(page.locator("a.skip-link")).to_be_visible()  # shown while focused
        page.keyboard.press("Enter")
        assert page.evaluate("() => document.activeElement.id") == "content", path
        assert page.evaluate("() => document.activeElement.tagName") == "MAIN"


def test_a_failed_save_moves_focus_to_a_summary_of_the_errors(venue, author, page_as):
    page = page_as(author)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/v/{venue.slug}/submit/")
    page.fill("#id_abstract", "An abstract without a title.")
    page.evaluate("() => { document.getElementById('submission-form').noValidate = true; }")  # the server's checks, not the browser's
    page.locator("form button[type=submit], form input[type=submit]").filter(has_text="Save").first.click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    assert summary.get_attribute("role") == "alert"
    assert page.evaluate("() => document.activeElement.classList.contains('error-summary')"), "the summary is not focused"
    links = summary.locator("a")
    assert links.count() >= 1
    title_link = summary.locator("a[href='#id_title']")
    expect(title_link).to_have_count(1)
    assert "Title" in title_link.inner_text()
    title_link.click()
    assert page.evaluate("() => document.activeElement.id") == "id_title"
    assert page.locator("#id_abstract").input_value() == "An abstract without a title."  # what was typed is kept
    assert not errors, errors
