"""Sign-up, e-mail confirmation, and the institutional-domain moderation policy as a new
person meets it."""

from __future__ import annotations

import datetime as dt

from accounts_helpers import PASSWORD, confirm_from_outbox, sign_up
from allauth.account.models import EmailAddress
from django.core import mail

from paperdesk.accounts.models import User
from paperdesk.audit.models import AuditEntry


def test_signup_page_asks_for_full_name_and_explains_approval(client, venue):
    page = client.get("/accounts/signup/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<title>Create an account · Paperdesk</title>" in html
    assert '<label for="id_full_name">Full name</label>' in html
    assert '<label for="id_email">E-mail address</label>' in html
    assert "Accounts with an institutional e-mail address are active at once; others wait for a program chair's approval (up to 14 days)." in html


def test_signup_without_full_name_is_refused_with_a_message(client, venue):
    response = client.post("/accounts/signup/", {"full_name": "  ", "email": "x@mit.edu", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["This field is required."]
    assert not User.objects.filter(email="x@mit.edu").exists()


def test_signup_institutional_email_is_active_after_confirming(client, venue):
    response = sign_up(client, "Noether@Math.Ox.ac.uk", name="  Emmy   Noether ")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    user = User.objects.get(email="noether@math.ox.ac.uk")
    assert user.full_name == "Emmy Noether"
    assert user.moderation_status == "active"
    assert [m.subject for m in mail.outbox] == ["[Paperdesk] Please Confirm Your Email Address"]
    body = mail.outbox[0].body
    assert body.startswith(f"Hello from Paperdesk, the submission site of {venue.name}!\n\n")
    assert f"This address was given for the Paperdesk account of Emmy Noether ({venue.short_name}).\n\nTo confirm that it is yours, open this link:\nhttp://testserver/accounts/confirm-email/" in body
    assert body.endswith("Questions or problems? Write to neurips2025@mechinterpworkshop.com.")

    page = confirm_from_outbox(client, "noether@math.ox.ac.uk")
    assert page.redirect_chain[-1][0] == "/me/status/"
    assert '<span class="badge ok" id="account-status">Active</span>' in page.content.decode()
    assert EmailAddress.objects.get(email="noether@math.ox.ac.uk").verified is True
    assert page.context["user"] == user
    entry = AuditEntry.objects.filter(action="account.signup").get()
    assert entry.data == {"domain": "math.ox.ac.uk", "status": "active"}
    assert entry.object_id == str(user.pk)


def test_signup_unconfirmed_cannot_sign_in(client, venue):
    sign_up(client, "sam@mit.edu")
    client.logout()
    response = client.post("/accounts/login/", {"login": "sam@mit.edu", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert "_auth_user_id" not in client.session


def test_signup_non_institutional_email_waits_and_sees_status(client, venue):
    sign_up(client, "sam@gmail.com", name="Sam Hobbyist")
    user = User.objects.get(email="sam@gmail.com")
    assert user.moderation_status == "pending"

    page = confirm_from_outbox(client, "sam@gmail.com")
    assert page.redirect_chain[-1][0] == "/me/status/"
    text = page.content.decode()
    assert '<span class="badge pending" id="account-status">Waiting for approval</span>' in text
    assert "<strong>gmail.com</strong> is not on this venue's list of institutional domains" in text
    assert "This takes <strong>up to 14 days</strong>." in text
    expected_by = (user.date_joined + dt.timedelta(days=14)).date()
    assert f"expect a decision by <strong>{expected_by:%B} {expected_by.day}, {expected_by.year}</strong>" in text
    assert '<a href="mailto:neurips2025@mechinterpworkshop.com" id="contact-email">neurips2025@mechinterpworkshop.com</a>' in text


def test_signup_pending_cannot_open_the_submit_page(client, venue):
    sign_up(client, "sam@gmail.com")
    confirm_from_outbox(client, "sam@gmail.com")

    response = client.get("/v/mechinterp-2025/submit/")
    assert response.status_code == 302
    assert response["Location"] == "/me/status/"
    page = client.get("/me/status/")
    assert [str(m) for m in page.context["messages"]] == [
        "Your account is waiting for approval by the program chairs. Submitting and changing papers needs an approved account."
    ]
    post = client.post("/submissions/ABCDEF/", {"title": "x"})
    assert post.status_code == 302
    assert post["Location"] == "/me/status/"
    htmx = client.post("/submissions/ABCDEF/", {"title": "x"}, headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == "/me/status/"


def test_signup_pending_can_browse_public_pages_and_profile(client, venue):
    sign_up(client, "sam@gmail.com")
    confirm_from_outbox(client, "sam@gmail.com")
    assert client.get("/v/mechinterp-2025/").status_code == 200
    assert client.get("/me/profile/").status_code == 200
    assert client.get("/me/status/").status_code == 200
    assert client.get("/accounts/email/").status_code == 200


def test_signup_pending_sign_in_lands_on_status_page(client, venue, make_user):
    make_user("wait@gmail.com", "Wai Ting")
    User.objects.filter(email="wait@gmail.com").update(moderation_status="pending")
    response = client.post("/accounts/login/", {"login": "wait@gmail.com", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/me/status/"


def test_signup_confirming_an_institutional_address_approves_a_waiting_account(client, venue):
    sign_up(client, "sam@gmail.com")
    confirm_from_outbox(client, "sam@gmail.com")
    client.post("/accounts/email/", {"action_add": "", "email": "sam@cs.toronto.edu"})
    assert User.objects.get(email="sam@gmail.com").moderation_status == "pending"

    page = confirm_from_outbox(client, "sam@cs.toronto.edu")
    assert page.redirect_chain[-1][0] == "/accounts/email/"
    assert User.objects.get(email="sam@gmail.com").moderation_status == "active"
    assert "Your account is now active: sam@cs.toronto.edu is an institutional address." in [str(m) for m in page.context["messages"]]
    entry = AuditEntry.objects.filter(action="account.email_confirmed").first()
    assert entry.data == {"domain": "cs.toronto.edu", "pending_invitations": 0, "auto_approved": True}


def test_signup_rejected_account_stays_rejected_after_confirming_an_institutional_address(client, venue):
    sign_up(client, "sam@gmail.com")
    confirm_from_outbox(client, "sam@gmail.com")
    User.objects.filter(email="sam@gmail.com").update(moderation_status="rejected", moderation_reason="Spam")
    client.post("/accounts/email/", {"action_add": "", "email": "sam@cs.toronto.edu"})
    confirm_from_outbox(client, "sam@cs.toronto.edu")
    assert User.objects.get(email="sam@gmail.com").moderation_status == "rejected"


def test_signup_moderate_all_venue_makes_institutional_accounts_wait(client, venue):
    config = venue.config
    config["accounts"]["approval"] = "moderate-all"
    type(venue).objects.filter(pk=venue.pk).update(config=config)
    sign_up(client, "prof@mit.edu")
    assert User.objects.get(email="prof@mit.edu").moderation_status == "pending"
