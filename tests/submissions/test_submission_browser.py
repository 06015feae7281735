"""The submission flows in a real browser (Chromium through Playwright): the author rows
script, the one-page form, htmx uploads with errors shown in place, and check polling."""

from __future__ import annotations

import re

import pytest
from submission_helpers import pdf, report

from paperdesk.submissions.models import CheckRun, Submission, Upload

pytestmark = pytest.mark.browser

@pytest.fixture
def page_as(chromium, live_server, settings):
    from django.test import Client

    contexts = []

    def _page_as(user):
        client = Client()
        client.force_login(user)
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": client.cookies[settings.SESSION_COOKIE_NAME].value, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield _page_as
    for context in contexts:
        context.close()


def test_author_fills_the_form_with_ordered_authors_and_submits(venue, author, page_as):
    from playwright.sync_api import expect

    page = page_as(author)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"/v/{venue.slug}/submit/")

    page.fill("#id_title", "Browser-made paper")
    page.fill("#id_abstract", "Written by a robot in Chromium.")
    page.check("input[name=track][value=short]")
    page.select_option("#id_contribution_type", "empirical")
    page.select_option("#id_primary_topic", "circuits")
    rows = page.locator("[data-author-row]:visible")
    expect(rows).to_have_count(1)
    for name, email in [("Grace Hopper", "grace@navy.mil.edu"), ("Temp Person", "temp@example.org"), ("Linus Newcomer", "linus@example.org")]:
        page.click("[data-author-add]")
        row = rows.last
        row.locator("input[name$='-name']").fill(name)
        row.locator("input[name$='-email']").fill(email)
    expect(rows).to_have_count(4)
    rows.nth(2).locator("[data-author-remove]").click()  # Temp Person
    rows.nth(2).locator("[data-author-up]").click()  # Linus moves above Grace
    rows.nth(1).locator("input[name$='-is_co_first']").check()
    expect(page.locator("#id_authors-TOTAL_FORMS")).to_have_value("3")
    assert page.locator("#id_authors-1-email").input_value() == "linus@example.org"
    page.check("#id_attest_not-accepted-archival")
    page.check("#id_attest_anonymized")
    page.set_input_files("#id_pdf", files=[{"name": "robot.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    page.click("button[name=action][value=submit]")

    expect(page.locator(".messages")).to_contain_text("Your paper is submitted.")
    expect(page.locator("h1 .badge")).to_have_text("Submitted")
    expect(page.locator("table.authors tbody tr td:nth-child(2)")).to_have_text(["Ada Lovelace", "Linus Newcomer", "Grace Hopper"])
    expect(page.locator("#check-report")).to_contain_text("Checked")
    submission = Submission.objects.get()
    assert list(submission.authorships.values_list("email", "is_co_first")) == [
        ("ada@uni.edu", False), ("linus@example.org", True), ("grace@navy.mil.edu", False),
    ]
    assert errors == []


def test_htmx_upload_adds_a_version_and_shows_refusals_in_place(venue, author, page_as, make_submission):
    from playwright.sync_api import expect

    submission = make_submission(venue, author, pdf=pdf())
    page = page_as(author)
    page.goto(f"/submissions/{submission.public_id}/")

    page.set_input_files("#upload-pdf", files=[{"name": "second.pdf", "mimeType": "application/pdf", "buffer": pdf(text="second")}])
    page.click("text=Upload PDF")
    expect(page.locator("#files .notice")).to_have_text("Uploaded and stored. The checker is reading the PDF now.")
    expect(page.locator("table.versions").first.locator("tbody tr")).to_have_count(2)

    page.set_input_files("#upload-pdf", files=[{"name": "fake.pdf", "mimeType": "application/pdf", "buffer": b"<!doctype html><html></html>"}])
    page.click("text=Upload PDF")
    expect(page.locator("#files .error")).to_have_text(
        "This file is not a PDF (its content does not start with %PDF-). It looks like an HTML page."
    )
    assert Upload.objects.filter(submission=submission).count() == 2


def test_the_report_appears_when_a_running_check_finishes(venue, author, page_as, make_submission):
    from playwright.sync_api import expect

    submission = make_submission(venue, author, pdf=pdf())
    CheckRun.objects.filter(upload__submission=submission).update(state=CheckRun.State.RUNNING, report=None)
    page = page_as(author)
    page.goto(f"/submissions/{submission.public_id}/")
    expect(page.locator("#check-report")).to_contain_text("Checking version 1")

    CheckRun.objects.filter(upload__submission=submission).update(
        state=CheckRun.State.DONE,
        report=report(anonymity={"leaks": [{"kind": "email", "value": "ada@uni.edu", "page": 1, "context": "contact ada@uni.edu"}]}),
    )

    expect(page.locator("#check-report")).to_contain_text("Anonymity: E-mail address “ada@uni.edu”", timeout=5_000)
    expect(page.locator("#check-report .offending")).to_have_text(re.compile("contact ada@uni.edu"))
