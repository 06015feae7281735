"""The venue settings editor in Chromium (issue 10, item 2): a chair changes a page limit,
sees the loader's message on the field with what they typed kept (and focus on the error
summary), confirms a change that hides review answers, reads the history's difference and
downloads the venue file, which loads to the venue's settings. No CSP violation on the
way, and the pages fit a 390 px phone."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline"));
});
"""


def _sign_in(page, base, user):
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", user.email)
    page.fill("#id_password", "correct horse battery")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def _save(page, label: str):
    with page.expect_response(lambda r: r.request.method == "POST") as answer:
        page.click(f"button:has-text('{label}')")
    page.wait_for_load_state("load")
    return answer.value.status


def test_a_chair_edits_the_settings_in_the_browser(live_server, new_page, venue, chair, author, make_user):
    from playwright.sync_api import expect
    from settings_helpers import make_paper, make_review

    from paperdesk.venueconfig import parse_venue
    from paperdesk.venues.models import Venue

    paper = make_paper(venue, author)
    make_review(paper, make_user("r1@uni.edu", "R One"), answers={"baselines": "Strong baselines."}, overall=4)
    base = live_server.url
    page = new_page()
    page.add_init_script(WATCH)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    _sign_in(page, base, chair)

    page.goto(f"{base}/v/{venue.slug}/chair/dashboard/")
    page.click("nav.chair-nav a:has-text('Settings')")
    expect(page.locator("h1")).to_have_text(f"Settings of {venue.short_name}")
    page.click("a:has-text('Tracks and page limits')")

    # Bad input: the loader's message on the field, what was typed kept, focus on the summary.
    page.fill("#f-tracks-1-max_pages", "0")
    page.fill("#f-tracks-1-name", "Very long paper")
    assert _save(page, "Save tracks") == 400
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("Nothing was saved")
    expect(summary).to_contain_text("(tracks[1].max_pages): must be at least 1, got 0")
    expect(summary).to_be_focused()
    expect(page.locator("#f-tracks-1-max_pages")).to_have_value("0")
    expect(page.locator("#f-tracks-1-max_pages")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#f-tracks-1-max_pages-errors")).to_have_text("must be at least 1, got 0")
    expect(page.locator("#f-tracks-1-name")).to_have_value("Very long paper")
    # The summary's link leads to the field.
    summary.locator("a").first.click()
    expect(page.locator("#f-tracks-1-max_pages")).to_be_focused()

    page.fill("#f-tracks-1-max_pages", "8")
    assert _save(page, "Save tracks") == 302  # then the page again, with the message
    expect(page.locator(".messages")).to_contain_text("Saved: version 2. tracks: changed long (name, max_pages 9 -> 8)")
    expect(page.locator("#f-tracks-1-max_pages")).to_have_value("8")

    # Removing an answered question asks once, naming the reviews; ticking the box saves.
    page.click("nav.settings-tabs a:has-text('Review form')")
    fieldset = page.locator("fieldset.settings-row", has=page.locator("input[value='baselines']"))
    fieldset.get_by_label("Remove this question").check()
    assert _save(page, "Save review form") == 409
    expect(page.locator("#error-summary")).to_contain_text("is answered in 1 review")
    expect(page.locator("fieldset.settings-row", has=page.locator("input[value='baselines']")).get_by_label("Remove this question")).to_be_checked()
    page.locator("input[name='confirm']").check()
    assert _save(page, "Save review form") == 302
    expect(page.locator(".messages")).to_contain_text("Saved: version 3")
    expect(page.locator("input[value='baselines']")).to_have_count(0)

    # Dates out of order: the loader's message naming the date.
    page.click("nav.settings-tabs a:has-text('Dates')")
    page.fill("#f-dates-review_deadline", "2020-01-01T12:00")
    assert _save(page, "Save dates") == 400
    expect(page.locator("#f-dates-review_deadline-errors")).to_contain_text("is before submission_deadline")

    # The history: who changed what, and the difference in the venue file.
    page.click("nav.chair-nav a:has-text('History')")
    expect(page.locator("#version-2")).to_contain_text("Pat Chair")
    page.locator("#version-2 a:has-text('Difference')").click()
    expect(page.locator("pre.diff .diff-del", has_text="max_pages = 9")).to_have_count(1)
    expect(page.locator("pre.diff .diff-add", has_text="max_pages = 8")).to_have_count(1)

    # The venue file loads to the venue's settings.
    page.goto(f"{base}/v/{venue.slug}/chair/settings/")
    with page.expect_download() as download:
        page.click("a:has-text('Download the venue file')")
    with open(download.value.path(), encoding="utf-8") as handle:
        text = handle.read()
    assert parse_venue(text) == Venue.objects.get(pk=venue.pk).spec

    # Uploading a venue file: a broken one is refused with its lines, a good one is a version.
    page.click("a:has-text('Upload a venue file')")
    page.set_input_files("#id_file", files=[{"name": "venue.toml", "mimeType": "application/toml",
                                             "buffer": text.replace("max_pages = 4", "max_pages = 0").encode()}])
    assert _save(page, "Check and save") == 400
    line = next(i for i, row in enumerate(text.splitlines(), start=1) if row == "max_pages = 4")
    expect(page.locator("#error-summary")).to_contain_text(f"line {line}: tracks[0].max_pages: must be at least 1, got 0")
    page.set_input_files("#id_file", files=[{"name": "venue.toml", "mimeType": "application/toml",
                                             "buffer": text.replace('name = "Short paper"', 'name = "Short research paper"').encode()}])
    assert _save(page, "Check and save") == 302
    expect(page.locator(".messages")).to_contain_text("Saved venue.toml as version 4. tracks: changed short (name)")
    assert Venue.objects.get(pk=venue.pk).spec.track("short").name == "Short research paper"

    # A phone: every settings page fits 390 px (wide content scrolls in its own box).
    page.set_viewport_size({"width": 390, "height": 800})
    for path in ("", "tracks/", "review-form/", "emails/", "history/", "history/?version=2", "upload/"):
        page.goto(f"{base}/v/{venue.slug}/chair/settings/{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)

    assert page.evaluate("window.__violations") == [] and errors == []
