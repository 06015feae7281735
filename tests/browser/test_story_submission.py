"""The foundation's story in a real browser: a newcomer signs up, confirms the e-mail from
the outbox, submits a long paper with a real PDF, edits it and sees the version history;
a chair in a second browser session finds it in the submissions table; once the deadline
has passed (the clock moved) the author can no longer edit."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pytest
from django.core import mail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FIXTURES = Path(__file__).resolve().parents[1] / "checks" / "fixtures"
PAPER = FIXTURES / "refs_midpage.pdf"
SECOND = FIXTURES / "refs_fresh_page.pdf"


def sign_in(page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.click("button[type=submit]")


def test_story_newcomer_submits_edits_chair_sees_deadline_closes(live_server, new_page, venue, chair, monkeypatch):
    from playwright.sync_api import expect

    base = live_server.url
    author = new_page()
    errors: list[str] = []
    author.on("pageerror", lambda error: errors.append(str(error)))

    # Sign up with an institutional address and confirm it from the e-mail.
    author.goto(f"{base}/accounts/signup/")
    author.fill("#id_full_name", "Noor Newcomer")
    author.fill("#id_email", "noor@cs.ox.ac.uk")
    author.fill("#id_password1", "a long and private passphrase")
    author.fill("#id_password2", "a long and private passphrase")
    author.click("button[type=submit]")
    [message] = [m for m in mail.outbox if "noor@cs.ox.ac.uk" in m.to]
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", message.body).group(0)
    author.goto(base + link[link.index("/accounts/"):])
    author.click("button[type=submit]")
    expect(author.locator("header")).to_contain_text("Noor Newcomer")

    # Submit a long paper with a real PDF.
    author.goto(f"{base}/v/{venue.slug}/submit/")
    author.fill("#id_title", "Induction heads in a two-layer model")
    author.fill("#id_abstract", "We locate and ablate induction heads.")
    author.check("input[name=track][value=long]")
    author.select_option("#id_contribution_type", "empirical")
    author.select_option("#id_primary_topic", "circuits")
    author.check("#id_attest_not-accepted-archival")
    author.check("#id_attest_anonymized")
    author.set_input_files("#id_pdf", str(PAPER))
    author.click("button[name=action][value=submit]")
    expect(author.locator("main")).to_contain_text("Submitted")
    expect(author.locator("main h1")).to_contain_text("Induction heads in a two-layer model")
    detail_url = author.url
    expect(author.locator("#check-report")).to_contain_text("main content ends on page 4 (limit 9)", timeout=20_000)

    # Edit the title and upload a second version; the history keeps both.
    author.click("text=Edit details and authors")
    author.fill("#id_title", "Induction heads in two-layer attention-only models")
    author.click("button[name=action][value=save]")
    expect(author.locator("main h1")).to_contain_text("Induction heads in two-layer attention-only models")
    author.goto(detail_url)
    author.set_input_files("#upload-pdf", str(SECOND))
    author.click("text=Upload PDF")
    versions = author.locator("table.versions").first.locator("tbody tr")
    expect(versions).to_have_count(2)
    expect(versions.first).to_contain_text(hashlib.sha256(SECOND.read_bytes()).hexdigest()[:16])
    expect(versions.last).to_contain_text(hashlib.sha256(PAPER.read_bytes()).hexdigest()[:16])
    assert any("received a new PDF version" in m.subject for m in mail.outbox)

    # A chair, in another browser session, sees it in the table.
    chair_page = new_page()
    sign_in(chair_page, base, chair.email, "correct horse battery")
    chair_page.goto(f"{base}/v/{venue.slug}/chair/submissions/")
    expect(chair_page.locator("table.data")).to_contain_text("Induction heads in two-layer attention-only models")
    expect(chair_page.locator("table.data")).to_contain_text("Noor Newcomer")

    # After the deadline the server refuses edits, in the venue's time zone.
    after = venue.submission_deadline + dt.timedelta(minutes=1)
    monkeypatch.setattr("paperdesk.clock.now", lambda: after)
    author.goto(detail_url)
    expect(author.locator("main")).to_contain_text("The submission deadline passed")
    expect(author.locator("text=Edit details and authors")).to_have_count(0)
    response = author.goto(detail_url.rstrip("/") + "/edit/")
    assert response.status == 403
    expect(author.locator("main")).to_contain_text("The submission deadline passed")
    assert errors == []
