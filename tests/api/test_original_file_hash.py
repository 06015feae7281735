"""The SHA-256 of an uploaded file is the fingerprint of the original, metadata-bearing PDF:
whoever holds it can confirm a guess of the paper's origin, and so its authors. Only the
authors and the chairs get it (those who may download the original anyway: a chair with a
declared conflict gets the hash exactly when `policy.can_download` lets them have the file),
in the API and on the pages; reviewers and area chairs never do, on any path."""

from __future__ import annotations

import json

import pytest
from api_helpers import bearer
from django.test import Client

from paperdesk.committee.models import Conflict
from paperdesk.venues.models import VenueRole
from tests.reviews.fixtures import rworld  # noqa: F401 - fixtures


@pytest.fixture
def conflicted_chair(rworld, make_user):
    chair = make_user("cora@chairs.org", "Cora Conflicted")
    VenueRole.objects.create(venue=rworld.venue, user=chair, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=chair, source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    return chair


def _api_bodies(user, token_for, paper) -> list[str]:
    client = Client()
    headers = {f"HTTP_{k.upper()}": v for k, v in bearer(token_for(user)).items()}
    bodies = []
    for path in (f"/api/submissions/{paper.public_id}", f"/api/submissions/{paper.public_id}/versions"):
        response = client.get(path, **headers)
        bodies.append(f"{response.status_code} {response.content.decode()}")
    return bodies


def _digests(paper) -> list[str]:
    return [u.sha256 for u in paper.uploads.all()]


@pytest.mark.parametrize("role", ["reviewer", "reviewer2", "area_chair", "conflicted_reviewer", "unassigned_reviewer"])
def test_reviewers_never_get_the_original_files_hash_from_the_api(rworld, token_for, role):
    digests = _digests(rworld.paper)
    for body in _api_bodies(rworld.people[role], token_for, rworld.paper):
        for digest in digests:
            assert digest not in body, (role, body[:300])


def test_the_hash_goes_to_the_authors_and_chairs_and_never_beyond_the_file(rworld, token_for, conflicted_chair):
    from paperdesk import policy

    [digest] = _digests(rworld.paper)
    may_have_the_file = policy.can_download(conflicted_chair, rworld.paper.uploads.get())
    for body in _api_bodies(conflicted_chair, token_for, rworld.paper):
        assert (digest in body) == may_have_the_file
    for role in ("author", "chair"):
        detail, versions = _api_bodies(rworld.people[role], token_for, rworld.paper)
        assert detail.startswith("200 ") and json.loads(detail[4:])["paper"]["sha256"] == digest
        assert versions.startswith("200 ") and [v["sha256"] for v in json.loads(versions[4:])] == [digest]


def test_the_detail_page_shows_the_hash_to_authors_and_chairs_only(rworld, conflicted_chair):
    from paperdesk import policy

    [digest] = _digests(rworld.paper)
    url = f"/submissions/{rworld.paper.public_id}/"
    for role in ("author", "chair"):
        assert digest in rworld.client(role).get(url).content.decode(), role
    for role in ("reviewer", "area_chair"):
        response = rworld.client(role).get(url, follow=True)
        assert digest not in response.content.decode(), role
    client = Client()
    client.force_login(conflicted_chair)
    may_have_the_file = policy.can_download(conflicted_chair, rworld.paper.uploads.get())
    assert (digest in client.get(url, follow=True).content.decode()) == may_have_the_file
