"""A co-author who has no account follows the invitation link, signs up, confirms the e-mail
address and lands on the submission (after saying they are an author), never on an error
page; one whose account waits for approval sees the submission read-only with the reason,
and is never given a form that would drop what they type."""

from __future__ import annotations

import re

import pytest

from paperdesk.submissions.models import Authorship
from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery"


def _submission(venue, author, coauthor_email):
    from django.db import transaction

    data = SubmissionInput(
        title="Circuits in the Analytical Engine", abstract="We find circuits.", track="short", primary_topic="circuits",
        contribution_type="empirical", authors=[AuthorInput("ada@uni.edu", "Ada Lovelace"), AuthorInput(coauthor_email, "Alan Turing")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    with transaction.atomic():
        return submission_create(venue=venue, actor=author, data=data)


def _link(email: str, pattern: str) -> str:
    from django.core import mail

    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(pattern, message.body).group(0)


def _sign_up_from_invitation(page, base, email):
    page.goto(_link(email, r"https?://\S+/claim/\S+").replace("http://testserver", base))
    # Not signed in: the sign-in page, which offers to create an account.
    page.click("a:has-text('Create an account')")
    page.fill("#id_full_name", "Alan Turing")
    page.fill("#id_email", email)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    page.click("button:has-text('Create account')")
    page.wait_for_url(f"{base}/accounts/confirm-email/")
    page.goto(_link(email, r"https?://\S+/accounts/confirm-email/\S+").replace("http://testserver", base))
    page.click("button:has-text('Confirm')")


def test_browser_coauthor_signs_up_from_the_invitation_and_lands_on_the_submission(live_server, new_page, venue, author, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url
    base = live_server.url
    submission = _submission(venue, author, "turing@cs.manchester.ac.uk")
    page = new_page()
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    _sign_up_from_invitation(page, base, "turing@cs.manchester.ac.uk")

    # Back on the invitation, signed in: never the 404 "not valid" page.
    expect(page.locator("h1")).to_have_text("Are you an author of this paper?")
    assert not [s for s in statuses if s[0] == 404], statuses
    page.click("button:has-text('Confirm: I am an author')")
    page.wait_for_url(f"{base}/submissions/{submission.public_id}/")
    expect(page.locator(".messages")).to_contain_text("You are now an author")
    expect(page.locator("h1")).to_contain_text("Circuits in the Analytical Engine")
    assert Authorship.objects.get(email="turing@cs.manchester.ac.uk").user is not None
    assert not [s for s in statuses if s[0] >= 400], statuses


def test_browser_coauthor_waiting_for_approval_gets_a_read_only_submission(live_server, new_page, venue, author, settings):
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url
    base = live_server.url
    submission = _submission(venue, author, "alan.turing@gmail.com")  # not institutional: waits
    page = new_page()
    statuses = []
    page.on("response", lambda response: statuses.append((response.status, response.url)))
    _sign_up_from_invitation(page, base, "alan.turing@gmail.com")

    expect(page.locator("h1")).to_have_text("Are you an author of this paper?")
    page.click("button:has-text('Confirm: I am an author')")
    page.wait_for_url(f"{base}/submissions/{submission.public_id}/")
    expect(page.locator("h1")).to_contain_text("Circuits in the Analytical Engine")
    # Read-only, with the reason; no edit form, no upload form that would be refused on save.
    expect(page.locator(".readonly-reason")).to_contain_text("waiting for approval")
    expect(page.locator("a:has-text('Edit details and authors')")).to_have_count(0)
    expect(page.locator("#upload-pdf")).to_have_count(0)
    # Opening the edit page directly says why, without a form to fill in.
    page.goto(f"{base}/submissions/{submission.public_id}/edit/")
    expect(page.locator("main")).to_contain_text("waiting for approval")
    expect(page.locator("form#submission-form, #id_title")).to_have_count(0)
    assert not [s for s in statuses if s[0] == 404], statuses


def test_browser_coauthor_who_confirms_twice_lands_on_the_submission(live_server, new_page, venue, author, settings):
    """A double click on Confirm (or the invitation link opened again afterwards, in the
    same browser) ends on the submission, not on "this invitation is not valid any more"
    under the message that it worked."""
    from playwright.sync_api import expect

    settings.SITE_URL = live_server.url
    base = live_server.url
    submission = _submission(venue, author, "turing@cs.manchester.ac.uk")
    page = new_page()
    _sign_up_from_invitation(page, base, "turing@cs.manchester.ac.uk")
    expect(page.locator("h1")).to_have_text("Are you an author of this paper?")
    claim_url = page.url
    page.dblclick("button:has-text('Confirm: I am an author')")
    # The second click aborts the first click's navigation (net::ERR_ABORTED), which
    # wait_for_url reports as an error: wait for where the page ends up instead.
    expect(page).to_have_url(f"{base}/submissions/{submission.public_id}/")
    expect(page.locator("h1")).to_contain_text("Circuits in the Analytical Engine")
    # The link from the e-mail, opened again: the submission, not a 404.
    response = page.goto(claim_url)
    assert response.status == 200
    assert page.url == f"{base}/submissions/{submission.public_id}/"
    expect(page.locator("h1")).to_contain_text("Circuits in the Analytical Engine")
