"""Token and session authentication of the API."""

from __future__ import annotations

import datetime as dt

from api_helpers import bearer, submission_payload
from django.utils import timezone

from paperdesk.api.models import ApiToken


def test_api_without_credentials_is_401_with_a_hint(client, venue):
    response = client.get("/api/me")
    assert response.status_code == 401
    assert response.json()["detail"].startswith("Authentication required: send 'Authorization: Bearer <token>'")
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert client.post("/api/venues/mechinterp-2025/submissions", submission_payload(), content_type="application/json").status_code == 401
    assert client.get("/api/submissions").status_code == 401


def test_api_unknown_token_is_401(client, author):
    response = client.get("/api/me", headers=bearer("pd_" + "x" * 43))
    assert response.status_code == 401
    assert response.json() == {"detail": "This API token is not valid or has been revoked.", "field": None}


def test_api_token_of_another_kind_is_401(client, author):
    response = client.get("/api/me", headers=bearer("ghp_notours"))
    assert response.status_code == 401
    assert "start with 'pd_'" in response.json()["detail"]
    assert client.get("/api/me", headers={"Authorization": "Basic YTpi"}).status_code == 401


def test_api_revoked_token_is_401(client, author, token_for):
    token = token_for(author)
    assert client.get("/api/me", headers=bearer(token)).status_code == 200
    ApiToken.objects.filter(user=author).update(revoked_at=timezone.now())
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"] == "This API token is not valid or has been revoked."


def test_api_token_of_deactivated_account_is_401(client, author, token_for):
    token = token_for(author)
    author.is_active = False
    author.save(update_fields=["is_active"])
    assert client.get("/api/me", headers=bearer(token)).status_code == 401


def test_api_me_with_token_names_account_and_roles(client, chair, token_for):
    token = token_for(chair, "laptop")
    response = client.get("/api/me", headers=bearer(token))
    assert response.status_code == 200
    assert response.json() == {
        "email": "chair@mechinterpworkshop.com",
        "name": "Pat Chair",
        "moderation_status": "active",
        "approved": True,
        "roles": [{"venue": "mechinterp-2025", "role": "chair"}],
        "auth": "token",
        "token": {"name": "laptop", "prefix": token[:10]},
    }


def test_api_token_use_is_recorded_at_most_once_a_minute(client, author, token_for):
    token = token_for(author)
    client.get("/api/me", headers=bearer(token))
    first = ApiToken.objects.get(user=author).last_used_at
    assert first is not None
    client.get("/api/me", headers=bearer(token))
    assert ApiToken.objects.get(user=author).last_used_at == first
    earlier = timezone.now() - dt.timedelta(minutes=2)
    ApiToken.objects.filter(user=author).update(last_used_at=earlier)
    client.get("/api/me", headers=bearer(token))
    assert ApiToken.objects.get(user=author).last_used_at > earlier


def test_api_session_works_for_reads(client, author):
    client.force_login(author)
    response = client.get("/api/me")
    assert response.status_code == 200
    assert response.json()["auth"] == "session"
    assert response.json()["token"] is None


def test_api_session_writes_need_csrf_token(venue, author):
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(author)
    url = "/api/venues/mechinterp-2025/submissions"
    refused = browser.post(url, submission_payload(), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["detail"].startswith("CSRF check failed")
    browser.get("/api/tokens/")  # any page that renders a form sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    created = browser.post(url, submission_payload(), content_type="application/json", headers={"X-CSRFToken": csrf})
    assert created.status_code == 201, created.content


def test_api_bearer_token_writes_need_no_csrf_token(venue, author, token_for):
    from django.test import Client

    script = Client(enforce_csrf_checks=True)
    response = script.post("/api/venues/mechinterp-2025/submissions", submission_payload(), content_type="application/json", headers=bearer(token_for(author)))
    assert response.status_code == 201
