"""The audit log in Chromium: a chair opens it from the chair desk, filters it, pages
through it and downloads the filtered set as CSV; a chair conflicted with a paper never
sees its reviewers, scores, decision or e-mails there."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from paperdesk.audit.models import AuditEntry
from tests.audit import audit_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def sign_in(page, base: str, address: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", address)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Sign in')")
    page.wait_for_url(f"{base}/")


def test_chair_filters_pages_and_downloads_the_log(live_server, new_page, venue, author, make_user):
    world = audit_world.build(venue, author, make_user)
    AuditEntry.objects.bulk_create(
        AuditEntry(venue=venue, actor=world.people["chair"], action="pool.remind", object_type="venue", object_id=str(venue.pk), data={"n": i})
        for i in range(70)
    )
    base = live_server.url
    page = new_page()
    sign_in(page, base, world.people["chair"].email)
    page.goto(f"{base}/v/{venue.slug}/chair/dashboard/")
    page.click("nav.chair-nav a:has-text('Audit log')")
    page.wait_for_url(f"{base}/v/{venue.slug}/chair/audit/")
    assert page.locator("#audit-log tbody tr").count() == 50
    page.click("#audit-older")
    page.wait_for_url("**before=*")
    assert page.locator("#audit-log tbody tr").count() > 0
    assert "security.lookup_burst" in page.locator("#audit-log").inner_text()  # the oldest, on the last page

    for width in (390, 1280):  # the page fits; the table scrolls inside its own box
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{base}/v/{venue.slug}/chair/audit/")
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.fill("input[name=action]", "decision")
    page.fill("input[name=object]", f"#{world.paper.number}")
    page.click("#audit-filters button[type=submit]")
    page.wait_for_url("**action=decision*")
    rows = page.locator("#audit-log tbody tr")
    assert rows.count() == 1
    assert "decision.set" in rows.first.inner_text() and "SECRET-OUTCOME" in rows.first.inner_text()
    with page.expect_download() as info:
        page.click("#audit-csv")
    content = Path(info.value.path()).read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(content)))
    assert table[0][0] == "id" and [r[5] for r in table[1:]] == ["decision.set"]

    page.fill("input[name=since]", "2020-01-01")
    page.fill("input[name=until]", "2019-01-01")
    page.click("#audit-filters button[type=submit]")
    assert "before its start" in page.locator("#filter-error").inner_text()


def test_a_conflicted_chair_never_sees_the_papers_hidden_entries(live_server, new_page, venue, author, make_user):
    world = audit_world.build(venue, author, make_user)
    base = live_server.url
    page = new_page()
    sign_in(page, base, world.people["conflicted_chair"].email)
    page.goto(f"{base}/v/{venue.slug}/chair/audit/")
    text = page.locator("main").inner_text()
    assert "submission.create" in text and "security.lookup_burst" in text
    assert "SECRET" not in page.content()
    with page.expect_download() as info:
        page.click("#audit-csv")
    assert "SECRET" not in Path(info.value.path()).read_text(encoding="utf-8")
    page.goto(f"{base}/ops/audit/")
    assert "Audit log" not in page.locator("h1").inner_text()  # the operators' log is for superusers
