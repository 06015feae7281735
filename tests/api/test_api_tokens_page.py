"""The token page: create (shown once), list, revoke."""

from __future__ import annotations

import re

from api_helpers import bearer

from paperdesk.api.models import ApiToken, hash_token


def test_api_tokens_page_needs_sign_in(client, db):
    response = client.get("/api/tokens/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_api_tokens_page_creates_a_token_shown_once(client, author):
    client.force_login(author)
    response = client.post("/api/tokens/", {"name": "upload script"})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"].split(", ")
    token = re.search(r'value="(pd_[A-Za-z0-9_-]+)"', response.content.decode()).group(1)
    row = ApiToken.objects.get(user=author)
    assert row.name == "upload script"
    assert row.token_hash == hash_token(token)
    assert token not in client.get("/api/tokens/").content.decode()
    assert row.prefix in client.get("/api/tokens/").content.decode()
    assert client.get("/api/me", headers=bearer(token)).json()["email"] == "ada@uni.edu"


def test_api_tokens_page_refuses_a_nameless_token(client, author):
    client.force_login(author)
    response = client.post("/api/tokens/", {"name": "   "})
    assert response.status_code == 400
    assert "Give the token a name" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_api_tokens_page_revokes_own_token_only(client, author, other_author, token_for):
    token = token_for(author)
    theirs = ApiToken.objects.get(user=author)
    client.force_login(other_author)
    assert client.post(f"/api/tokens/{theirs.pk}/revoke/").status_code == 404
    client.force_login(author)
    response = client.post(f"/api/tokens/{theirs.pk}/revoke/", follow=True)
    assert response.status_code == 200
    assert "is revoked" in response.content.decode()
    assert client.get("/api/me", headers=bearer(token)).status_code == 401
    assert client.get(f"/api/tokens/{theirs.pk}/revoke/").status_code == 405


def test_api_tokens_page_cleans_the_name_and_refuses_odd_ids(client, author):
    client.force_login(author)
    assert client.post("/api/tokens/", {"name": "ci\x00 runner\n"}).status_code == 200
    assert ApiToken.objects.get(user=author).name == "ci runner"
    assert client.post(f"/api/tokens/{10**30}/revoke/").status_code == 404
    assert client.get("/api/tokens").status_code == 301
