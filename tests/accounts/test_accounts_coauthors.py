"""Invited co-authors get their authorships when they confirm the address they were listed under."""

from __future__ import annotations

from accounts_helpers import confirm_from_outbox, sign_up
from django.core import mail

from paperdesk.accounts.models import User
from paperdesk.submissions.models import Authorship
from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create


def submission_with_coauthor(venue, author, django_capture_on_commit_callbacks, coauthor_email="Turing@CS.Manchester.ac.uk"):
    data = SubmissionInput(
        title="Circuits in the Analytical Engine",
        abstract="We find circuits.",
        track="short",
        primary_topic="circuits",
        contribution_type="empirical",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace"), AuthorInput(coauthor_email, "Alan Turing")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        return submission_create(venue=venue, actor=author, data=data)


def test_coauthors_invited_author_gets_the_authorship_on_confirming(client, venue, author, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    assert row.user is None and row.claim_token
    assert [m.to for m in mail.outbox] == [["turing@cs.manchester.ac.uk"]]

    sign_up(client, "turing@cs.manchester.ac.uk", name="Alan Turing")
    row.refresh_from_db()
    assert row.user is None  # not before the address is confirmed

    page = confirm_from_outbox(client, "turing@cs.manchester.ac.uk")
    row.refresh_from_db()
    turing = User.objects.get(email="turing@cs.manchester.ac.uk")
    assert (row.user, row.claim_token) == (turing, "")
    assert "1 submission listing turing@cs.manchester.ac.uk as an author is now linked to your account." in [str(m) for m in page.context["messages"]]


def test_coauthors_second_address_links_authorships_listed_under_it(client, venue, author, make_user, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks, coauthor_email="alan@gmail.com")
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    client.force_login(turing)
    client.post("/accounts/email/", {"action_add": "", "email": "alan@gmail.com"})
    assert Authorship.objects.get(submission=submission, email="alan@gmail.com").user is None
    confirm_from_outbox(client, "alan@gmail.com")
    assert Authorship.objects.get(submission=submission, email="alan@gmail.com").user == turing


def test_coauthors_unconfirmed_address_claims_nothing(client, venue, author, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    sign_up(client, "turing@cs.manchester.ac.uk", name="Alan Turing")
    client.logout()
    assert Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk").user is None
