"""Co-authorship needs the listed person's consent: every co-author is invited (whether or not
their address has an account) and becomes an author only by confirming; confirming an
e-mail address never links an authorship by itself."""

from __future__ import annotations

import re

from accounts_helpers import confirm_from_outbox, link_in, sign_up
from django.core import mail

from paperdesk import policy
from paperdesk.accounts.models import User
from paperdesk.audit.models import AuditEntry
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


def actions(submission) -> list[tuple[str, str | None]]:
    return [(e.action, e.data.get("email")) for e in AuditEntry.objects.filter(object_id=submission.public_id).order_by("id")]


def invitation_path(email: str) -> str:
    message = [m for m in mail.outbox if email in m.to][-1]
    return link_in(message, r"https?://\S+/claim/\S+")


def test_coauthors_an_existing_account_is_invited_not_linked(client, venue, author, make_user, django_capture_on_commit_callbacks):
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)

    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    assert (row.user, row.state) == (None, "invited")
    assert not policy.is_author(turing, submission)
    assert submission not in policy.my_submissions(turing)
    # The same invitation as for an address without an account.
    assert [m.to for m in mail.outbox] == [["turing@cs.manchester.ac.uk"]]
    assert "only when you confirm" in mail.outbox[0].body
    client.force_login(turing)
    assert client.get(f"/submissions/{submission.public_id}/").status_code == 404
    assert ("authorship.invite", "turing@cs.manchester.ac.uk") in actions(submission)


def test_coauthors_confirming_through_the_link_makes_an_author(client, venue, author, make_user, django_capture_on_commit_callbacks):
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    path = invitation_path("turing@cs.manchester.ac.uk")
    client.force_login(turing)

    page = client.get(path)
    assert page.status_code == 200
    assert "Circuits in the Analytical Engine" in page.content.decode()
    response = client.post(path, {"action": "confirm"})

    assert response.status_code == 302 and response["Location"] == f"/submissions/{submission.public_id}/"
    assert policy.is_author(turing, submission)
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    assert (row.user, row.claim_token, row.state) == (turing, "", "confirmed")
    assert client.get(f"/submissions/{submission.public_id}/").status_code == 200
    assert ("authorship.confirm", "turing@cs.manchester.ac.uk") in actions(submission)
    # Single use: sent again from the same browser (a double click, the e-mail's link opened
    # again) it leads to the submission; for anyone else it opens nothing.
    again = client.post(path, {"action": "confirm"})
    assert again.status_code == 302 and again["Location"] == f"/submissions/{submission.public_id}/"
    assert client.get(path)["Location"] == f"/submissions/{submission.public_id}/"
    from django.test import Client

    other = Client()
    other.force_login(make_user("someone@else.edu", "Someone Else"))
    assert other.post(path, {"action": "confirm"}).status_code == 404
    assert other.get(path).status_code == 404


def test_coauthors_a_second_confirm_racing_the_first_lands_on_the_submission(client, venue, author, make_user, django_capture_on_commit_callbacks):
    """A double click sends Confirm twice; the browser shows the second answer. That request
    read its session before the first one's response saved anything to it, so what tells it
    the link was used by this very person must be in the database, not in the session."""
    from django.test import Client

    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    path = invitation_path("turing@cs.manchester.ac.uk")
    first, second = Client(), Client()
    first.force_login(turing)
    second.force_login(turing)  # a session of its own: nothing the first request saves reaches it

    assert first.post(path, {"action": "confirm"})["Location"] == f"/submissions/{submission.public_id}/"
    again = second.post(path, {"action": "confirm"}, follow=True)
    assert again.redirect_chain == [(f"/submissions/{submission.public_id}/", 302)]
    assert "You already confirmed: you are an author of" in again.content.decode()
    assert second.get(path)["Location"] == f"/submissions/{submission.public_id}/"
    # The used link still opens nothing for anyone else, and the stored value is a digest.
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    token = path.rstrip("/").rsplit("/", 1)[1]
    assert row.confirmed_token and token not in row.confirmed_token
    other = Client()
    other.force_login(make_user("someone@else.edu", "Someone Else"))
    assert other.post(path, {"action": "confirm"}).status_code == 404
    # An author who is taken off the list again is no author: the link leads nowhere for them.
    row.delete()
    assert second.post(path, {"action": "confirm"}).status_code == 404


def test_coauthors_confirm_on_the_invitations_page(client, venue, author, make_user, django_capture_on_commit_callbacks):
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    client.force_login(turing)

    mine = client.get("/submissions/").content.decode()
    assert "1 invitation to co-author" in mine
    listing = client.get("/submissions/invitations/").content.decode()
    assert "Circuits in the Analytical Engine" in listing
    assert f"/submissions/invitations/{row.pk}/confirm/" in listing

    response = client.post(f"/submissions/invitations/{row.pk}/confirm/")
    assert response.status_code == 302
    assert policy.is_author(turing, submission)
    assert "No invitation is waiting" in client.get("/submissions/invitations/").content.decode()


def test_coauthors_nobody_else_answers_an_invitation(client, venue, author, make_user, django_capture_on_commit_callbacks):
    make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    intruder = make_user("mallory@example.org", "Mallory")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    client.force_login(intruder)
    for action in ("confirm", "decline"):
        assert client.post(f"/submissions/invitations/{row.pk}/{action}/").status_code == 404
    assert client.post(f"/submissions/invitations/{row.pk}/adopt/").status_code == 400
    row.refresh_from_db()
    assert (row.user, row.declined_at, row.state) == (None, None, "invited")


def test_coauthors_declining_keeps_the_row_unlinked_and_tells_the_authors(client, venue, author, make_user, django_capture_on_commit_callbacks):
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    path = invitation_path("turing@cs.manchester.ac.uk")
    client.force_login(turing)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(path, {"action": "decline"})

    assert response.status_code == 302
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    assert (row.user, row.claim_token, row.state) == (None, "", "declined")
    assert not policy.is_author(turing, submission)
    assert ("authorship.decline", "turing@cs.manchester.ac.uk") in actions(submission)
    assert [m.to for m in mail.outbox] == [["ada@uni.edu"]]
    assert "declined" in mail.outbox[0].subject
    assert client.post(path, {"action": "confirm"}).status_code == 404  # the link is spent

    client.force_login(author)
    detail = client.get(f"/submissions/{submission.public_id}/").content.decode()
    assert re.search(r"<td>Alan Turing</td><td>turing@cs.manchester.ac.uk</td>.*?badge warn[^>]*>declined<", detail, re.S)
    # Saving the list again does not invite the person a second time.
    mail.outbox.clear()
    from paperdesk.submissions.services import submission_update

    data = SubmissionInput(title="Circuits in the Analytical Engine", abstract="We find circuits.", track="short", primary_topic="circuits",
                           contribution_type="empirical", authors=[AuthorInput("ada@uni.edu", "Ada Lovelace"), AuthorInput("turing@cs.manchester.ac.uk", "Alan Turing")])
    with django_capture_on_commit_callbacks(execute=True):
        submission_update(submission=submission, actor=author, data=data)
    assert mail.outbox == []
    assert Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk").state == "declined"
    # Who declined gets no more of the authors' mail (receipts, chairs' messages).
    from paperdesk.submissions import notifications, screening

    notifications.send_receipt(submission.pk, "withdrawn", None)
    screening.send_author_message_job.enqueue(submission.pk, "chair_message", "A question", "Dear authors")
    assert [m.to for m in mail.outbox] == [["ada@uni.edu"], ["ada@uni.edu"]]


def test_coauthors_confirming_the_address_at_sign_up_links_nothing(client, venue, author, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    row = Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk")
    assert row.user is None and row.claim_token
    assert [m.to for m in mail.outbox] == [["turing@cs.manchester.ac.uk"]]

    sign_up(client, "turing@cs.manchester.ac.uk", name="Alan Turing")
    page = confirm_from_outbox(client, "turing@cs.manchester.ac.uk")

    row.refresh_from_db()
    turing = User.objects.get(email="turing@cs.manchester.ac.uk")
    assert row.user is None and not policy.is_author(turing, submission)
    assert "1 submission lists turing@cs.manchester.ac.uk as an author: confirm or decline on “Invitations to co-author” (My submissions)." in [
        str(m) for m in page.context["messages"]
    ]
    assert client.post(f"/submissions/invitations/{row.pk}/confirm/").status_code == 302
    assert policy.is_author(turing, submission)


def test_coauthors_second_address_needs_confirming_too(client, venue, author, make_user, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks, coauthor_email="alan@gmail.com")
    turing = make_user("turing@cs.manchester.ac.uk", "Alan Turing")
    client.force_login(turing)
    row = Authorship.objects.get(submission=submission, email="alan@gmail.com")
    # Not yet confirmed as Turing's address: the invitation is not his to answer by id.
    assert client.post(f"/submissions/invitations/{row.pk}/confirm/").status_code == 404
    client.post("/accounts/email/", {"action_add": "", "email": "alan@gmail.com"})
    confirm_from_outbox(client, "alan@gmail.com")
    assert Authorship.objects.get(pk=row.pk).user is None
    assert client.post(f"/submissions/invitations/{row.pk}/confirm/").status_code == 302
    assert Authorship.objects.get(pk=row.pk).user == turing


def test_coauthors_unconfirmed_address_claims_nothing(client, venue, author, django_capture_on_commit_callbacks):
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks)
    sign_up(client, "turing@cs.manchester.ac.uk", name="Alan Turing")
    client.logout()
    assert Authorship.objects.get(submission=submission, email="turing@cs.manchester.ac.uk").user is None


def test_coauthors_known_and_unknown_addresses_get_the_same_invitation_over_smtp(venue, author, make_user, smtp_inbox, django_capture_on_commit_callbacks):
    """What reaches the two mailboxes is the same message (but for name, address and link):
    the submitter's action tells nobody whether an address has an account."""
    from email import message_from_bytes
    from email import policy as email_policy

    make_user("known@uni.edu", "Known Person")
    data = SubmissionInput(
        title="Circuits in the Analytical Engine", abstract="We find circuits.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace"), AuthorInput("known@uni.edu", "Pat Person"), AuthorInput("unknown@uni.edu", "Pat Person")],
    )
    with django_capture_on_commit_callbacks(execute=True):
        submission_create(venue=venue, actor=author, data=data)

    bodies = {}
    for envelope in smtp_inbox.envelopes:
        message = message_from_bytes(envelope.content, policy=email_policy.default)
        bodies[tuple(envelope.rcpt_tos)] = (message["Subject"], re.sub(r"/claim/\S+", "/claim/TOKEN/", message.get_content()).replace("unknown@", "known@"))
    assert set(bodies) == {("known@uni.edu",), ("unknown@uni.edu",)}
    assert bodies[("known@uni.edu",)] == bodies[("unknown@uni.edu",)]


def test_coauthors_a_waiting_account_confirms_on_the_invitations_page_and_lands_on_the_submission(client, venue, author, django_capture_on_commit_callbacks):
    """The e-mail confirmation sends a co-author whose account waits for approval to the
    invitations page: confirming there must work (as through the link) and lead to the
    submission, read-only with the reason, never to the status page with the answer lost."""
    submission = submission_with_coauthor(venue, author, django_capture_on_commit_callbacks, coauthor_email="alan.turing@gmail.com")
    sign_up(client, "alan.turing@gmail.com", name="Alan Turing")
    confirm_from_outbox(client, "alan.turing@gmail.com")
    turing = User.objects.get(email="alan.turing@gmail.com")
    assert turing.moderation_status == User.Moderation.PENDING
    row = Authorship.objects.get(submission=submission, email="alan.turing@gmail.com")

    response = client.post(f"/submissions/invitations/{row.pk}/confirm/")
    assert response.status_code == 302
    assert response["Location"] == f"/submissions/{submission.public_id}/"
    assert policy.is_author(turing, submission)
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = " ".join(page.content.decode().split())
    assert "waiting for approval" in text and "you can read this submission but not change it" in text
    assert f"/submissions/{submission.public_id}/edit/" not in text
