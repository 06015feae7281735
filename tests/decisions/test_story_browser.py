"""The second half of the lifecycle in a real browser (Chromium through Playwright), with
e-mail going to a real SMTP server (aiosmtpd) on a free local port: two reviewers review,
one discusses, the area chair meta-reviews, the chair decides and releases, the author
reads the reviews and uploads a camera-ready, and the paper appears on the public page."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import shutil
import socket
import tempfile
import time

import pytest

from tests.conftest import make_pdf_bytes
from tests.reviews.review_world import (
    CANARY_AUTHOR,
    CANARY_REVIEWER,
    META_TEXT,
    POST_TEXT,
    REVIEW_TEXT,
    assign,
    make_paper,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = os.environ.get("PAPERDESK_SCREENSHOTS")


def shot(page, name: str) -> None:
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


class Inbox:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self):
        self.messages: list = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]

    def wait_for(self, address: str, count: int = 1, timeout: float = 10) -> list:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            found = self.to(address)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no mail to {address} within {timeout} s; got {[r for r, _ in self.messages]}")


@pytest.fixture
def smtp(settings):
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()


@pytest.fixture
def files(settings):
    directory = tempfile.mkdtemp(prefix="paperdesk-story-")
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "paperdesk.submissions.storage.DurableFileSystemStorage", "OPTIONS": {"location": directory}}}
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def page_as(chromium, live_server, settings):
    """A page signed in as `user` (the shared session-wide Chromium of tests/conftest.py)."""
    from django.test import Client

    contexts = []

    def _page_as(user=None):
        context = chromium.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 1000})
        context.set_default_timeout(15_000)
        # When the last input, change and htmx answer happened, for settle() below.
        context.add_init_script(
            "window.__pd = {input: 0, change: 0, answer: 0};"
            "document.addEventListener('input', () => { window.__pd.input = performance.now(); }, true);"
            "document.addEventListener('change', () => { window.__pd.change = performance.now(); }, true);"
            "document.addEventListener('htmx:afterRequest', () => { window.__pd.answer = performance.now(); });"
        )
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


def fill_review(page, venue, overall: int, text: str) -> None:
    for question in venue.spec.review_form.questions:
        if question.kind == "choice":
            page.check(f"input[name=q_{question.key}][value={question.options[0].slug}]")
        else:
            page.fill(f"#id_q_{question.key}", f"{question.label}: {text}")
    page.check(f"input[name=overall][value='{overall}']")
    page.check("input[name=confidence][value='4']")
    settle(page)


def settle(page) -> None:
    """Let the review form's autosave finish before the next click. The live server's
    threads share the test's in-memory SQLite connection, so an autosave still in flight
    when the review is submitted can fail either request (a limit of the test harness;
    real servers give each thread its own connection)."""
    # The form autosaves on "input delay:1000ms, change": a change is saved at once (and, in
    # htmx, cancels a pending delayed input); an input with no change after it is saved 1 s
    # later. Wait for the answer to the last save due, with nothing else in flight.
    page.wait_for_function(
        "() => { const t = window.__pd;"
        " const due = t.input > t.change ? t.input + 1000 : t.change;"
        " return t.answer > due && !document.querySelector('.htmx-request'); }"
    )


def test_the_whole_story_in_a_browser(venue, make_user, page_as, smtp, files, monkeypatch):
    from playwright.sync_api import expect

    from paperdesk import clock
    from paperdesk.committee.models import PoolMember
    from paperdesk.decisions.models import Decision, Release
    from paperdesk.reviews.models import Review
    from paperdesk.submissions import checking
    from paperdesk.submissions.models import CheckRun
    from paperdesk.venues.models import VenueRole
    from tests.reviews.fixtures import FakeChecker
    from tests.reviews.pdf_factory import pdf_with_metadata

    checker = FakeChecker()
    monkeypatch.setattr(checking, "check_upload", checker)
    chair = make_user("pat@chairs.org", "Pat Chair")
    VenueRole.objects.create(venue=venue, user=chair, role=VenueRole.Role.CHAIR)
    ac = make_user("octavia@ac.edu", "Octavia Metaplume")
    first = make_user("quillon.reviewbird@review-aviary.edu", CANARY_REVIEWER)
    second = make_user("rita@rev.edu", "Rita Second")
    author = make_user("ada@uni.edu", "Ada Lovelace")
    paper = make_paper(venue, author, "Sparse circuits in toy models", coauthors=[(CANARY_AUTHOR, "zebulon@canary.edu", "Canary Institute")],
                       pdf=pdf_with_metadata(CANARY_AUTHOR))
    assign(paper, first, 1)
    assign(paper, second, 2)
    PoolMember.objects.create(venue=venue, user=ac, email=ac.email, name=ac.full_name, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED)
    # The reviewing period: after the submission deadline, before the review deadline.
    monkeypatch.setattr(clock, "now", lambda: venue.submission_deadline + dt.timedelta(days=2))

    # 0. The chair gives the area chair the paper: propose the batches, publish them.
    page = page_as(chair)
    page.goto(f"/v/{venue.slug}/reviewing/area-chairs/")
    page.click("#propose-batches")
    expect(page.locator(".messages")).to_contain_text("Proposed 1 paper for 1 area chair")
    expect(page.locator(".ac-batch", has_text="Octavia Metaplume")).to_contain_text("Sparse circuits in toy models")
    shot(page, "story-0-area-chairs")
    page.click("#publish-batches")
    page.click("#confirm-publish-batches")  # asked once, naming the paper and the area chair
    expect(page.locator(".messages")).to_contain_text("Published 1 paper to the area chairs")
    assert not page.errors, page.errors
    batch_mail = smtp.wait_for(ac.email)[0]
    assert "Sparse circuits in toy models" in batch_mail.get_content() and CANARY_AUTHOR not in batch_mail.get_content()

    # 1. The first reviewer: dashboard, PDF without metadata, draft autosave, submit.
    page = page_as(first)
    page.goto("/reviews/")
    expect(page.locator("text=Reviewer 1").first).to_be_visible()
    page.click("text=Sparse circuits in toy models")
    expect(page.locator("h1")).to_contain_text("Reviewer 1")
    assert CANARY_AUTHOR not in page.content()
    pdf = page.request.get(page.locator("a:has-text('Open the PDF')").get_attribute("href"))
    assert pdf.ok and pdf.body().startswith(b"%PDF-") and b"Canarywhistle" not in pdf.body()
    page.fill("#id_q_summary", "A first thought")
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved", timeout=10_000)
    assert Review.objects.get(assignment__user=first).answers["summary"] == "A first thought"
    fill_review(page, venue, 5, REVIEW_TEXT)
    shot(page, "story-1-review-form")
    page.click("button:has-text('Submit review')")
    expect(page.locator(".messages")).to_contain_text("Your review is submitted")
    assert not page.errors, page.errors

    # 2. The second reviewer reviews, then reads the first review and discusses.
    page = page_as(second)
    page.goto(f"/reviews/paper/{paper.public_id}/")
    expect(page.locator(".other-reviews")).to_contain_text("appear here once you have submitted yours")
    fill_review(page, venue, 3, "Solid but narrow.")
    page.click("button:has-text('Submit review')")
    expect(page.locator(".other-reviews")).to_contain_text(REVIEW_TEXT)
    expect(page.locator(".other-reviews")).to_contain_text("Reviewer 1")
    assert CANARY_REVIEWER not in page.locator(".other-reviews").inner_text()
    page.evaluate("document.getElementById('id_post_body').removeAttribute('maxlength')")
    page.fill("#id_post_body", "x" * 10_001)
    page.click(".discussion-form button")
    expect(page.locator("#discussion .error-box")).to_contain_text("a post may have at most 10,000")
    page.fill("#id_post_body", f"**{POST_TEXT}** <script>window.pwned=1</script>")
    page.click(".discussion-form button")
    expect(page.locator("#discussion .post")).to_contain_text(POST_TEXT)
    assert page.evaluate("window.pwned") is None
    expect(page.locator("#discussion strong").first).to_have_text("You")
    assert not page.errors, page.errors
    notice = smtp.wait_for(first.email)[0]
    assert "Reviewer 2 wrote" in notice.get_content() and POST_TEXT in notice.get_content() and "Rita" not in notice.get_content()
    to_chair = smtp.wait_for(chair.email)[0]
    assert "Reviewer 2 (Rita Second) wrote" in to_chair.get_content()

    # 3. The area chair: batch progress, meta-review.
    page = page_as(ac)
    page.goto(f"/v/{venue.slug}/area-chair/")
    expect(page.locator(".ac-table")).to_contain_text("2 / 2")
    page.click("text=Sparse circuits in toy models")
    page.check("input[name=recommendation][value=accept-poster]")
    page.fill("#id_text", META_TEXT)
    page.click("button:has-text('Submit meta-review')")
    expect(page.locator(".messages")).to_contain_text("Meta-review submitted")

    # 4. The chair decides in the table and releases after the preview.
    page = page_as(chair)
    page.goto(f"/v/{venue.slug}/chair/decisions/")
    row = page.locator("tr", has_text="Sparse circuits in toy models")
    expect(row).to_contain_text("4.0")
    expect(row).to_contain_text("Accept (poster)")
    row.locator("input[name=paper]").check()
    page.select_option("#bulk-outcome", "accept-poster")
    page.click(".bulk-bar button")
    expect(page.locator(".messages")).to_contain_text("Accept (poster) for paper #")
    page.goto(f"/v/{venue.slug}/chair/dashboard/")
    expect(page.locator("svg.chart")).to_have_count(6)
    shot(page, "story-4-dashboard")
    page.goto(f"/v/{venue.slug}/chair/release/")
    expect(page.locator(".email-preview")).to_contain_text("Dear Ada Lovelace")
    shot(page, "story-4-release-preview")
    page.click("button[value=release]")
    expect(page.locator("#release-confirm")).to_contain_text("cannot be undone")
    page.click("#release-confirm button[value=release]")
    expect(page.locator("#release-progress")).to_contain_text("2 of 2 notices sent", timeout=15_000)
    assert Release.objects.get().state == "done"
    assert Decision.objects.get(submission=paper).released_at is not None
    decision_mail = smtp.wait_for(author.email)[-1]
    assert "Accept (poster)" in decision_mail["Subject"]
    assert f"/submissions/{paper.public_id}/decision/" in decision_mail.get_content()
    assert CANARY_REVIEWER not in decision_mail.get_content()
    smtp.wait_for("zebulon@canary.edu")

    # 5. The author reads the decision and reviews, uploads the camera-ready, hosts the PDF.
    page = page_as(author)
    page.goto(f"/submissions/{paper.public_id}/decision/")
    expect(page.locator(".decision-card")).to_contain_text("Accept (poster)")
    expect(page.locator("body")).to_contain_text(REVIEW_TEXT)
    expect(page.locator("body")).to_contain_text(META_TEXT)
    assert CANARY_REVIEWER not in page.content() and "Rita Second" not in page.content()
    final = os.path.join(files, "final.pdf")
    with open(final, "wb") as out:
        out.write(make_pdf_bytes(3, f"Sparse circuits, by Ada Lovelace and {CANARY_AUTHOR}"))
    page.set_input_files("#id_cr_pdf", final)
    page.check(".camera-ready-form input[name=host_pdf]")
    page.click(".camera-ready-form button")
    expect(page.locator(".messages")).to_contain_text("Camera-ready version uploaded")
    expect(page.locator(".camera-ready table")).to_contain_text("v1")
    shot(page, "story-5-author")
    assert CheckRun.objects.get(upload__kind="camera_ready").mode == "camera-ready"

    # The authors confirm their details as published; a chair publishes the program.
    page.locator(".metadata-form button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("Saved and confirmed")
    from paperdesk.cameraready import program

    program.program_publish(venue=venue, actor=chair)

    # 6. The public page lists it, with authors and the hosted PDF, marked non-archival.
    page = page_as()
    page.goto(f"/v/{venue.slug}/accepted/")
    entry = page.locator(".paper-entry", has_text="Sparse circuits in toy models")
    expect(entry).to_contain_text(CANARY_AUTHOR)
    expect(entry).to_contain_text("Accept (poster)")
    expect(page.locator(".lead")).to_contain_text("non-archival")
    response = page.request.get(entry.locator("a:has-text('PDF')").get_attribute("href"))
    assert response.ok and response.body().startswith(b"%PDF-")
    shot(page, "story-6-accepted")
    assert not page.errors, page.errors
