"""The chairs' moderation queue: who sees it, what it lists, approve and reject."""

from __future__ import annotations

import datetime as dt

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from paperdesk.accounts.models import Affiliation, User
from paperdesk.audit.models import AuditEntry


@pytest.fixture
def decide(client, django_capture_on_commit_callbacks):
    """POST a decision and run what the service scheduled after commit (the e-mail job)."""

    def post(path, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(path, data or {}, **kwargs)

    return post


@pytest.fixture
def waiting(db, make_user):
    """A confirmed account with a non-institutional address, waiting for 3 days."""
    user = make_user("sam@gmail.com", "Sam Hobbyist", other_names=["S. Hobbyist"])
    User.objects.filter(pk=user.pk).update(moderation_status="pending", date_joined=timezone.now() - dt.timedelta(days=3, hours=1))
    Affiliation.objects.create(user=user, institution="Independent Lab", email_domain="indielab.org", start_year=2021)
    user.refresh_from_db()
    return user


def test_moderation_page_is_404_for_non_chairs(client, venue, author, waiting):
    client.force_login(author)
    assert client.get("/me/moderation/").status_code == 404
    assert client.post(f"/me/moderation/{waiting.pk}/approve/").status_code == 404
    assert client.post(f"/me/moderation/{waiting.pk}/reject/", {"reason": "no"}).status_code == 404
    waiting.refresh_from_db()
    assert waiting.moderation_status == "pending"


def test_moderation_page_sends_anonymous_visitors_to_sign_in(client, venue):
    response = client.get("/me/moderation/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/me/moderation/"


def test_moderation_queue_lists_waiting_accounts_for_chairs(client, venue, chair, waiting, make_user):
    unconfirmed = User.objects.create_user("ghost@gmail.com", "x" * 12, full_name="Ghost", moderation_status="pending")
    EmailAddress.objects.create(user=unconfirmed, email="ghost@gmail.com", verified=False, primary=True)
    client.force_login(chair)
    page = client.get("/me/moderation/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<strong id="pending-count">1 account</strong> waiting, longest first.' in html
    assert f'<tr id="account-{waiting.pk}">' in html
    assert '<td><strong>sam@gmail.com</strong><br><span class="muted small">gmail.com</span></td>' in html
    assert 'Sam Hobbyist<br><span class="muted small">also S. Hobbyist</span>' in html
    assert 'Independent Lab <span class="muted small">(indielab.org)</span>' in html
    assert f"<td>{waiting.date_joined:%Y-%m-%d}</td>" in html
    assert "<td>3 days</td>" in html
    assert "ghost@gmail.com" not in html
    assert "1 more sign-up has not confirmed its e-mail address yet and is not listed." in html
    assert '<a href="/me/moderation/">Accounts</a>' in html


def test_moderation_queue_query_count_does_not_grow_with_rows(client, venue, chair, make_user, django_assert_max_num_queries):
    for i in range(30):
        user = make_user(f"person{i}@gmail.com", f"Person {i}")
        Affiliation.objects.create(user=user, institution=f"Lab {i}")
    User.objects.filter(email__startswith="person").update(moderation_status="pending")
    client.force_login(chair)
    with django_assert_max_num_queries(17):  # + the venue and the chair's roles in it (who is known to the venue)
        page = client.get("/me/moderation/")
    assert page.content.decode().count('<tr id="account-') == 30


def test_moderation_approve_activates_and_emails_the_person(client, decide, venue, chair, waiting):
    client.force_login(chair)
    response = decide(f"/me/moderation/{waiting.pk}/approve/", follow=True)
    assert response.redirect_chain == [("/me/moderation/", 302)]
    assert "Approved sam@gmail.com; they have been told by e-mail." in [str(m) for m in response.context["messages"]]
    assert "No account is waiting for approval." in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.moderation_status == "active"
    assert waiting.moderated_by == chair
    assert waiting.moderated_at is not None
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["sam@gmail.com"]
    assert message.reply_to == ["neurips2025@mechinterpworkshop.com"]
    assert message.subject == f"[{venue.short_name}] Your Paperdesk account is approved"
    assert "the program chairs approved your account (sam@gmail.com)" in message.body
    assert "You can now submit papers:\nhttp://127.0.0.1:8000/v/mechinterp-2025/submit/" in message.body
    entry = AuditEntry.objects.get(action="account.approve")
    assert entry.actor == chair
    assert entry.data == {"email": "sam@gmail.com", "previous": "pending"}
    assert entry.venue == venue


def test_moderation_approve_lets_the_person_open_the_submit_page(client, venue, chair, waiting):
    client.force_login(waiting)
    assert client.get("/v/mechinterp-2025/submit/")["Location"] == "/me/status/"
    client.force_login(chair)
    client.post(f"/me/moderation/{waiting.pk}/approve/")
    client.force_login(waiting)
    page = client.get("/me/status/")
    assert '<span class="badge ok" id="account-status">Active</span>' in page.content.decode()


def test_moderation_approve_with_htmx_returns_the_decided_row(client, venue, chair, waiting):
    client.force_login(chair)
    response = client.post(f"/me/moderation/{waiting.pk}/approve/", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.startswith(f'<tr class="decided" id="account-{waiting.pk}">')
    assert '<span class="badge ok">Active</span> Approved sam@gmail.com; they have been told by e-mail.' in html


def test_moderation_reject_requires_a_reason(client, decide, venue, chair, waiting):
    client.force_login(chair)
    response = decide(f"/me/moderation/{waiting.pk}/reject/", {"reason": "   "})
    assert response.status_code == 400
    html = response.content.decode()
    assert '<p class="error" role="alert">Give a reason for the rejection; it is sent to the person.</p>' in html
    waiting.refresh_from_db()
    assert waiting.moderation_status == "pending"
    assert mail.outbox == []

    htmx = client.post(f"/me/moderation/{waiting.pk}/reject/", {"reason": ""}, headers={"HX-Request": "true"})
    assert htmx.status_code == 200
    assert '<p class="error" role="alert">Give a reason for the rejection; it is sent to the person.</p>' in htmx.content.decode()
    assert '<details class="reject" open>' in htmx.content.decode()


def test_moderation_reject_emails_the_reason_and_shows_it_on_the_status_page(client, decide, venue, chair, waiting):
    client.force_login(chair)
    reason = "We could not find any research activity under this name; please sign up with your institutional address."
    response = decide(f"/me/moderation/{waiting.pk}/reject/", {"reason": reason}, follow=True)
    assert "Rejected sam@gmail.com; they have been told the reason by e-mail." in [str(m) for m in response.context["messages"]]
    waiting.refresh_from_db()
    assert waiting.moderation_status == "rejected"
    assert waiting.moderation_reason == reason
    message = mail.outbox[-1]
    assert message.subject == f"[{venue.short_name}] Your Paperdesk account was not approved"
    assert f"Their reason:\n\n{reason}\n" in message.body
    assert "write to neurips2025@mechinterpworkshop.com" in message.body
    assert AuditEntry.objects.get(action="account.reject").data == {"email": "sam@gmail.com", "reason": reason}

    client.force_login(waiting)
    page = client.get("/me/status/").content.decode()
    assert '<span class="badge rejected" id="account-status">Rejected</span>' in page
    assert f'<blockquote class="finding error" id="rejection-reason">{reason}</blockquote>' in page
    assert client.get("/v/mechinterp-2025/submit/")["Location"] == "/me/status/"


def test_moderation_rejected_account_can_be_approved_after_all(client, decide, venue, chair, waiting):
    client.force_login(chair)
    decide(f"/me/moderation/{waiting.pk}/reject/", {"reason": "Looks like spam"})
    page = client.get("/me/moderation/").content.decode()
    assert "Recently rejected" in page
    assert "<td>Looks like spam</td>" in page
    decide(f"/me/moderation/{waiting.pk}/approve/")
    waiting.refresh_from_db()
    assert waiting.moderation_status == "active"
    assert waiting.moderation_reason == ""
    assert [m.subject.split("] ")[1] for m in mail.outbox] == ["Your Paperdesk account was not approved", "Your Paperdesk account is approved"]


def test_moderation_approving_an_active_account_is_409(client, decide, venue, chair, author):
    client.force_login(chair)
    response = decide(f"/me/moderation/{author.pk}/approve/")
    assert response.status_code == 409
    assert "ada@uni.edu is already active." in [str(m) for m in response.context["messages"]]
    assert mail.outbox == []


def test_moderation_unknown_account_is_404(client, venue, chair):
    client.force_login(chair)
    assert client.post("/me/moderation/999999/approve/").status_code == 404
