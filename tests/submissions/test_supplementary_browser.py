"""Supplementary material in a real browser: the author uploads an archive on the paper's
page, reads the archive's findings there; the chair filters the screening page by them."""

from __future__ import annotations

import pytest
from submission_helpers import pdf
from test_submission_browser import page_as  # noqa: F401 (the fixture)
from test_supplementary_check import leaky_archive, real_archive_check  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def test_author_uploads_an_archive_and_reads_its_findings_then_the_chair_filters(venue, author, chair, page_as, make_submission,
                                                                                  real_archive_check):
    from playwright.sync_api import expect

    paper = make_submission(venue, author, pdf=pdf(), submit=True, code_url="https://github.com/ada-lab/sae")
    page = page_as(author)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/submissions/{paper.public_id}/")
    expect(page.locator("#supplementary-check .link-verdicts")).to_contain_text("Not shown to reviewers")
    page.set_input_files("#upload-zip", files=[{"name": "code.zip", "mimeType": "application/zip", "buffer": leaky_archive()}])
    page.click("text=Upload .zip")
    expect(page.locator("#files .notice")).to_contain_text("Uploaded and stored")
    page.reload()
    panel = page.locator("#supplementary-check")
    expect(panel).to_contain_text("5 files scanned")
    expect(panel).to_contain_text("code/.git/config, line 2")
    expect(panel).to_contain_text("Notebook metadata")
    assert errors == []

    chair_page = page_as(chair)
    chair_page.goto(f"/v/{venue.slug}/chair/findings/")
    chair_page.click("[data-finding=git_metadata]")
    expect(chair_page.locator("table.findings-table")).to_contain_text("https://github.com/ada-lab/secret.git")
    chair_page.click("[data-finding=links]")
    expect(chair_page.locator("table.findings-table")).to_contain_text("https://github.com/ada-lab/sae")
