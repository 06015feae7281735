"""Issue 8, co-authorship without consent, through the API: PATCHing an existing account's
address into the author list makes nobody an author, never says whether the address has an
account, and the pending co-author already counts as a conflict: a reviewer listed that way
loses the paper as a reviewer and is never assigned to it."""

from __future__ import annotations

import json

import pytest
from api_helpers import bearer

from paperdesk import policy
from paperdesk.committee.assignment import pair_add
from paperdesk.committee.models import Assignment, Conflict, PoolMember
from paperdesk.committee.services import ReviewingError
from paperdesk.submissions.models import Authorship, Submission
from paperdesk.venues.models import VenueRole

JSON = "application/json"


def reviewer(venue, make_user, email: str, name: str):
    user = make_user(email, name)
    PoolMember.objects.create(venue=venue, user=user, email=email, name=name, role="reviewer", state=PoolMember.State.ACCEPTED)
    VenueRole.objects.get_or_create(venue=venue, user=user, role="reviewer")
    return user


def patch_authors(client, draft, headers, authors, capture):
    with capture(execute=True):  # the conflict refresh runs after the commit
        return client.patch(f"/api/submissions/{draft.public_id}", {"authors": authors}, content_type=JSON, headers=headers)


@pytest.fixture
def assigned_reviewer(venue, make_user, draft):
    """Rex reviews the paper (submitted, assignment published) before the authors list him."""
    rex = reviewer(venue, make_user, "rex@reviewers.org", "Rex Reviewer")
    Submission.objects.filter(pk=draft.pk).update(status=Submission.Status.SUBMITTED)
    Assignment.objects.create(submission=draft, user=rex, kind="reviewer", alias_number=1, published=True)
    return rex


def test_api_listing_a_reviewer_does_not_make_him_an_author_and_takes_the_paper_from_him(
    client, venue, draft, author_headers, assigned_reviewer, token_for, django_capture_on_commit_callbacks
):
    rex = assigned_reviewer
    rex_headers = bearer(token_for(rex))
    url = f"/api/submissions/{draft.public_id}"
    before = client.get(url, headers=rex_headers)
    assert before.status_code == 200 and "authors" not in before.json()  # a reviewer, blind to the authors
    client.force_login(rex)
    assert client.get(f"/reviews/paper/{draft.public_id}/").status_code == 200
    client.logout()

    response = patch_authors(client, draft, author_headers, [
        {"email": "ada@uni.edu", "name": "Ada Lovelace"},
        {"email": "rex@reviewers.org", "name": "Rex Reviewer"},
    ], django_capture_on_commit_callbacks)

    assert response.status_code == 200, response.content
    assert [(a["email"], a["status"]) for a in response.json()["authors"]] == [("ada@uni.edu", "confirmed"), ("rex@reviewers.org", "invited")]
    assert Authorship.objects.get(submission=draft, email="rex@reviewers.org").user is None
    assert not policy.is_author(rex, draft)
    # The pending co-author is a conflict: no author rights, and no reviewer rights either.
    assert Conflict.objects.filter(submission=draft, user=rex).exists()
    assert policy.is_conflicted(rex, draft)
    assert not policy.is_assigned_reviewer(rex, draft)
    assert client.get(url, headers=rex_headers).status_code == 404
    client.force_login(rex)
    assert client.get(f"/reviews/paper/{draft.public_id}/").status_code == 404
    assert client.get(f"/submissions/{draft.public_id}/").status_code == 404


def test_api_a_pending_coauthor_is_never_assigned(client, venue, draft, chair, author_headers, make_user, django_capture_on_commit_callbacks):
    remy = reviewer(venue, make_user, "remy@reviewers.org", "Remy Reviewer")
    Submission.objects.filter(pk=draft.pk).update(status=Submission.Status.SUBMITTED)
    patch_authors(client, draft, author_headers, [
        {"email": "ada@uni.edu", "name": "Ada Lovelace"},
        {"email": "remy@reviewers.org", "name": "Remy Reviewer"},
    ], django_capture_on_commit_callbacks)
    draft.refresh_from_db()

    assert not policy.is_author(remy, draft)
    with pytest.raises(ReviewingError) as refused:
        pair_add(venue=venue, submission=draft, user=remy, actor=chair)
    assert refused.value.status == 409
    assert "a conflicted reviewer is never assigned" in refused.value.message


def test_api_never_says_whether_an_address_has_an_account(client, venue, draft, author_headers, make_user, django_capture_on_commit_callbacks):
    make_user("known@uni.edu", "Pat Known")
    response = patch_authors(client, draft, author_headers, [
        {"email": "ada@uni.edu", "name": "Ada Lovelace"},
        {"email": "known@uni.edu", "name": "Pat Person"},
        {"email": "unknown@uni.edu", "name": "Pat Person"},
    ], django_capture_on_commit_callbacks)

    authors = response.json()["authors"]
    known, unknown = authors[1], authors[2]
    assert {k: v for k, v in known.items() if k not in ("email", "position")} == {k: v for k, v in unknown.items() if k not in ("email", "position")}
    assert known["status"] == unknown["status"] == "invited"
    for body in (response.content, client.get(f"/api/submissions/{draft.public_id}", headers=author_headers).content,
                 client.get("/api/submissions", headers=author_headers).content, client.get("/api/openapi.json").content):
        assert b"has_account" not in body
    spec = json.loads(client.get("/api/openapi.json").content)
    assert set(spec["components"]["schemas"]["AuthorOut"]["properties"]["status"]["enum"]) == {"invited", "confirmed", "declined"}
