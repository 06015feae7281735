"""The access-policy matrix: every role against every object through every channel
(HTML page, API, CSV export, file download). Later issues extend ROLES, OBJECTS and
EXPECTED; a cell that is not allowed must answer exactly like a missing object.

A canary (a unique author name and e-mail) is planted in the paper; wherever the policy
says "no", the canary must not appear in the response."""

from __future__ import annotations

import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk import policy
from paperdesk.api.models import ApiToken
from paperdesk.submissions import services
from paperdesk.submissions.models import Upload
from tests.conftest import make_pdf_bytes

CANARY_NAME = "Zebulon Canarywhistle"
CANARY_EMAIL = "zebulon.canarywhistle@canary-institute.edu"

ROLES = ["anonymous", "outsider", "author", "other_author", "chair", "chair_author"]

# channel -> object -> roles that may see it
EXPECTED = {
    "html_detail": {"author", "chair", "chair_author"},
    "download": {"author", "chair", "chair_author"},
    "api_detail": {"author", "chair", "chair_author"},
    "api_versions": {"author", "chair", "chair_author"},
    "chair_table": {"chair", "chair_author"},
    "chair_csv": {"chair", "chair_author"},
    "api_chair_list": {"chair", "chair_author"},
}


@pytest.fixture
def world(db, venue, make_user):
    people = {
        "outsider": make_user("olive@outside.edu", "Olive Outsider"),
        "author": make_user("ada@uni.edu", "Ada Lovelace"),
        "other_author": make_user("grace@uni.edu", "Grace Hopper"),
        "chair": make_user("pat@chairs.org", "Pat Chair"),
        "chair_author": make_user("sam@chairs.org", "Sam Chair-Author"),
    }
    from paperdesk.venues.models import VenueRole

    for key in ("chair", "chair_author"):
        VenueRole.objects.create(venue=venue, user=people[key], role=VenueRole.Role.CHAIR)

    def make_submission(actor, coauthors, title):
        data = services.SubmissionInput(
            title=title,
            abstract="An abstract about circuits.",
            track="short",
            primary_topic="circuits",
            contribution_type="empirical",
            authors=[services.AuthorInput(actor.email, actor.full_name)] + coauthors,
            attestations={"not-accepted-archival": True, "anonymized": True},
        )
        sub = services.submission_create(venue=venue, actor=actor, data=data)
        services.upload_add(submission=sub, actor=actor, stream=io.BytesIO(make_pdf_bytes(2)), original_name="paper.pdf")
        return sub

    paper = make_submission(
        people["author"],
        [services.AuthorInput(CANARY_EMAIL, CANARY_NAME), services.AuthorInput("sam@chairs.org", "Sam Chair-Author")],
        "The canary paper",
    )
    make_submission(people["other_author"], [], "Another paper")
    return {"venue": venue, "people": people, "paper": paper}


def client_for(world, role: str) -> tuple[Client, dict]:
    client = Client()
    headers: dict = {}
    if role != "anonymous":
        user = world["people"][role]
        client.force_login(user)
        _, token = ApiToken.issue(user, "matrix")
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    return client, headers


def fetch(world, channel: str, client: Client, headers: dict):
    paper, venue = world["paper"], world["venue"]
    upload = paper.uploads.get(kind=Upload.Kind.PAPER, version=1)
    urls = {
        "html_detail": reverse("submissions:detail", args=[paper.public_id]),
        "download": reverse("submissions:download", args=[upload.public_id]),
        "api_detail": f"/api/submissions/{paper.public_id}",
        "api_versions": f"/api/submissions/{paper.public_id}/versions",
        "chair_table": reverse("submissions:chair_table", args=[venue.slug]),
        "chair_csv": reverse("submissions:chair_csv", args=[venue.slug]),
        "api_chair_list": f"/api/venues/{venue.slug}/submissions",
    }
    return client.get(urls[channel], **headers)


def without_csrf(body: bytes) -> bytes:
    return re.sub(rb'("X-CSRFToken": "|name="csrfmiddlewaretoken" value=")[^"]+', rb"\1", body)


def body_of(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("channel", sorted(EXPECTED))
def test_policy_matrix_cell(world, role, channel):
    client, headers = client_for(world, role)
    response = fetch(world, channel, client, headers)
    body = body_of(response)
    if role in EXPECTED[channel]:
        assert response.status_code == 200, (role, channel, response.status_code)
        if channel in ("html_detail", "api_detail", "chair_csv"):
            assert CANARY_NAME.encode() in body
    else:
        assert response.status_code in (401, 404), (role, channel, response.status_code)
        if role == "anonymous" and channel.startswith("html"):
            pass  # a login redirect is never sent for objects: same 404 as missing
        assert CANARY_NAME.encode() not in body
        assert CANARY_EMAIL.encode() not in body
        assert b"The canary paper" not in body


@pytest.mark.parametrize("role", ["outsider", "other_author"])
def test_forbidden_submission_looks_exactly_like_a_missing_one(world, role):
    client, headers = client_for(world, role)
    forbidden = client.get(reverse("submissions:detail", args=[world["paper"].public_id]))
    missing = client.get(reverse("submissions:detail", args=["nosuchpaper"]))
    assert forbidden.status_code == missing.status_code == 404
    assert without_csrf(forbidden.content) == without_csrf(missing.content)
    api_forbidden = client.get(f"/api/submissions/{world['paper'].public_id}", **headers)
    api_missing = client.get("/api/submissions/nosuchpaper", **headers)
    assert api_forbidden.status_code == api_missing.status_code == 404
    assert api_forbidden.content == api_missing.content


def test_policy_functions_agree_with_the_matrix(world):
    paper = world["paper"]
    people = world["people"]
    seen = {role for role in people if policy.can_view_submission(people[role], paper)}
    assert seen == EXPECTED["html_detail"]
    assert {role for role in people if policy.is_chair(people[role], world["venue"])} == EXPECTED["chair_table"]
    assert policy.submissions_visible_to(people["other_author"], world["venue"]).count() == 1
    assert policy.submissions_visible_to(people["chair"], world["venue"]).count() == 2
    assert not policy.can_view_submission(None, paper)
