"""Passwords and sign-in: argon2 hashing, rate limiting of failed sign-ins, password reset."""

from __future__ import annotations

from accounts_helpers import PASSWORD, link_in
from django.core import mail

import paperdesk.settings as production_settings


def test_password_hashing_argon2_is_the_first_hasher_in_production_settings():
    assert production_settings.PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"


def test_password_hashing_argon2_hashes_with_the_production_hashers(settings, make_user):
    settings.PASSWORD_HASHERS = production_settings.PASSWORD_HASHERS
    user = make_user("argon@mit.edu", "Argon User")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_login_page_is_styled_and_links_reset_and_signup(client, venue):
    html = client.get("/accounts/login/").content.decode()
    assert "<title>Sign in · Paperdesk</title>" in html
    assert '<main id="content" tabindex="-1" class="container auth-entrance">' in html
    assert '<a href="/accounts/password/reset/">Forgot your password?</a>' in html
    assert 'New here? <a href="/accounts/signup/">Create an account</a>.' in html


def test_login_wrong_password_says_so(client, venue, author):
    response = client.post("/accounts/login/", {"login": "ada@uni.edu", "password": "wrong password"})
    assert response.status_code == 200
    assert "The e-mail address or the password is not correct." in response.content.decode()


def test_login_rate_limit_blocks_after_repeated_failures(client, venue, author):
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "ada@uni.edu", "password": "wrong password"})
        assert "The e-mail address or the password is not correct." in response.content.decode()
    blocked = client.post("/accounts/login/", {"login": "ada@uni.edu", "password": PASSWORD})
    assert blocked.status_code == 200
    assert "Too many failed sign-in attempts. Wait a few minutes and try again, or reset your password." in blocked.content.decode()
    assert "_auth_user_id" not in client.session


def test_login_rate_limit_is_per_address(client, venue, author, other_author):
    for _ in range(5):
        client.post("/accounts/login/", {"login": "ada@uni.edu", "password": "wrong password"})
    response = client.post("/accounts/login/", {"login": "grace@navy.mil.edu", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(other_author.pk)


def test_password_reset_email_is_sent_and_the_link_sets_a_new_password(client, venue, author):
    page = client.get("/accounts/password/reset/")
    assert page.status_code == 200
    assert '<main id="content" tabindex="-1" class="container auth-entrance">' in page.content.decode()
    response = client.post("/accounts/password/reset/", {"email": "ada@uni.edu"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["ada@uni.edu"]
    assert message.subject == "[Paperdesk] Password Reset Email"

    key_page = client.get(link_in(message, r"https?://\S+/accounts/password/reset/key/\S+"), follow=True)
    assert key_page.status_code == 200
    form_path = key_page.redirect_chain[-1][0]
    new_password = "a much newer passphrase"
    done = client.post(form_path, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    client.logout()
    assert client.post("/accounts/login/", {"login": "ada@uni.edu", "password": new_password}).status_code == 302
    assert client.session["_auth_user_id"] == str(author.pk)


def test_password_reset_for_an_unknown_address_reveals_nothing(client, venue):
    response = client.post("/accounts/password/reset/", {"email": "nobody@mit.edu"})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"


def test_logout_page_uses_the_site_layout(client, venue, author):
    client.force_login(author)
    html = client.get("/accounts/logout/").content.decode()
    assert '<main id="content" tabindex="-1" class="container auth-manage">' in html
    assert "<h1>Sign out</h1>" in html
    assert '<div class="form-actions"><button type="submit">Sign out</button>' in html
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_allauth_pages_render_inside_the_site_layout(client, venue, author):
    anonymous_pages = {
        "/accounts/login/": "<h1>Sign in</h1>",
        "/accounts/signup/": "<h1>Create an account</h1>",
        "/accounts/password/reset/": "<h1>Reset your password</h1>",
        "/accounts/password/reset/done/": "<h1>Check your e-mail</h1>",
        "/accounts/password/reset/key/1-bad-key/": "<h1>Link not valid</h1>",
        "/accounts/confirm-email/": "<h1>Confirm your e-mail address</h1>",
        "/accounts/confirm-email/not-a-key/": "This confirmation link has expired or is not valid.",
    }
    for path, marker in anonymous_pages.items():
        response = client.get(path, follow=True)
        html = response.content.decode()
        assert response.status_code in (200, 404), path
        assert '<a class="brand" href="/">Paperdesk</a>' in html, path
        assert marker in html, path
        assert 'href="/static/accounts/accounts.css"' in html, path

    client.force_login(author)
    signed_in_pages = {
        "/accounts/email/": "<h1>E-mail addresses</h1>",
        "/accounts/password/change/": "<h1>Change your password</h1>",
        "/accounts/logout/": "<h1>Sign out</h1>",
        "/accounts/reauthenticate/": "Confirm Access",
    }
    for path, marker in signed_in_pages.items():
        response = client.get(path)
        html = response.content.decode()
        assert response.status_code == 200, path
        assert '<main id="content" tabindex="-1" class="container auth-' in html, path
        assert marker in html, path


def test_password_change_works_for_a_signed_in_person(client, venue, author):
    client.force_login(author)
    new_password = "another good passphrase"
    response = client.post("/accounts/password/change/", {"oldpassword": PASSWORD, "password1": new_password, "password2": new_password})
    assert response.status_code == 302
    author.refresh_from_db()
    assert author.check_password(new_password)
