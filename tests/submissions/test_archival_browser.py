"""Archival status in a real browser: the chair uploads a DBLP slice, filters the findings
page by "Archival match", opens the paper and dismisses the match with a note."""

from __future__ import annotations

import pytest
from submission_helpers import pdf
from test_archival_status import DBLP
from test_submission_browser import page_as  # noqa: F401 (the fixture)

from paperdesk.submissions.models import ArchivalMatch

pytestmark = pytest.mark.browser


def test_chair_imports_filters_and_dismisses(venue, author, chair, page_as, make_submission, settings, tmp_path):
    from playwright.sync_api import expect

    settings.PAPERDESK_ARCHIVAL_DIR = tmp_path / "archival"
    paper = make_submission(venue, author, pdf=pdf(), submit=True, title="Sparse features in toy models")
    page = page_as(chair)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/v/{venue.slug}/chair/archival/")
    page.set_input_files("#id_file", files=[{"name": "slice.xml", "mimeType": "application/xml", "buffer": DBLP}])
    page.click("text=Import and match")
    expect(page.locator("table.data")).to_contain_text("slice.xml")
    page.goto(f"/v/{venue.slug}/chair/findings/")
    page.click("[data-finding=archival]")
    expect(page.locator("table.findings-table")).to_contain_text("Archival match")
    expect(page.locator("table.findings-table")).to_contain_text("Sparse Features in Toy Models")
    page.goto(f"/submissions/{paper.public_id}/")
    panel = page.locator(".archival-matches")
    expect(panel).to_contain_text("ACL 2024")
    panel.locator("input[name=note]").fill("Non-archival workshop version")
    panel.locator("text=Dismiss").click()
    expect(page.locator(".archival-matches")).to_contain_text("Dismissed")
    assert ArchivalMatch.objects.get(submission=paper).dismiss_note == "Non-archival workshop version"
    assert errors == []
