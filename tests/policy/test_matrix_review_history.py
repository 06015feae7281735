"""The access matrix of review history: who reads a paper's versions of its reviews, who
reverts them, over the pages and the API. Only the program chairs without a conflict with the
paper; everyone else (anonymous, a plain user, its author, its reviewer, a reviewer of
another paper, its area chair, a chair who is one of its authors) gets the same 404 as a
missing paper, and a refused revert changes nothing. The venue-wide revert is the chairs';
a chair who authored a paper reverts the others, never that one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk.api.models import ApiToken
from paperdesk.reviews import services
from paperdesk.reviews.models import Review, ReviewVersion
from tests.policy.test_matrix import without_csrf
from tests.reviews.fixtures import at, rworld  # noqa: F401 - fixtures
from tests.reviews.review_world import CANARY_REVIEWER, full_answers

ROLES = ["anonymous", "outsider", "author", "reviewer", "unassigned_reviewer", "area_chair", "chair", "chair_author"]
BEFORE = "Historycanary-before: the probing setup is sound."
AFTER = "Historycanary-after: the probing setup is flawed."


@pytest.fixture
def hworld(rworld, at, make_user):
    """The review world with a plain signed-in user, a chair who is an author of the canary
    paper, and one review written, then changed a day later (two versions)."""
    from paperdesk.submissions.models import Authorship
    from paperdesk.venues.models import VenueRole

    rworld.people["outsider"] = make_user("olga@nowhere.org", "Olga Outsider")
    carl = make_user("carl@chairs.org", "Carl Chair-Author")
    VenueRole.objects.create(venue=rworld.venue, user=carl, role=VenueRole.Role.CHAIR)
    Authorship.objects.create(submission=rworld.paper, position=9, email=carl.email, name=carl.full_name, user=carl)
    rworld.people["chair_author"] = carl
    deadline = rworld.venue.review_deadline.replace(second=0, microsecond=0)
    at(deadline - dt.timedelta(days=5))
    services.review_save(submission=rworld.paper, actor=rworld.people["reviewer"], answers=full_answers(rworld.venue, BEFORE),
                         overall=4, confidence=3, submit=True)
    rworld.moment = at(deadline - dt.timedelta(days=4))
    at(deadline - dt.timedelta(days=3))
    services.review_save(submission=rworld.paper, actor=rworld.people["reviewer"], answers=full_answers(rworld.venue, AFTER),
                         overall=1, confidence=3, submit=True)
    at(deadline - dt.timedelta(days=2))
    rworld.review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    return rworld


def _moment(world) -> str:
    return world.venue.local(world.moment).strftime("%Y-%m-%dT%H:%M")


def _reads(world, public_id: str) -> dict[str, tuple[str, dict]]:
    """The read channels of one paper (GET): name -> (path, query)."""
    return {
        "history": (reverse("reviews:history", args=[public_id]), {}),
        "revert_one_confirm": (reverse("reviews:history_revert", args=[public_id]), {"review": world.review.public_id, "version": 1}),
        "revert_paper_confirm": (reverse("reviews:history_revert", args=[public_id]), {"at": _moment(world)}),
    }


def _client(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    return client


def _unchanged(world) -> bool:
    world.review.refresh_from_db()
    return AFTER in world.review.answers["summary"] and not ReviewVersion.objects.filter(reason="revert").exists()


@pytest.mark.parametrize("role", ROLES)
def test_only_unconflicted_chairs_read_a_papers_review_history(hworld, role):
    client = _client(hworld, role)
    may = role == "chair"
    for channel, (path, query) in _reads(hworld, hworld.paper.public_id).items():
        response = client.get(path, query)
        body = response.content.decode()
        if may:
            assert response.status_code == 200, (role, channel)
            assert ("Historycanary-before" if channel != "revert_paper_confirm" else "will be reverted") in body, (role, channel)
        else:
            missing = client.get(_reads(hworld, "nosuchpaper")[channel][0], query)
            assert response.status_code == missing.status_code == 404, (role, channel, response.status_code)
            assert without_csrf(response.content) == without_csrf(missing.content), (role, channel)
            assert "Historycanary" not in body
            assert CANARY_REVIEWER not in body or role == "reviewer"  # the reviewer's own name is in the page header
    # The chair's review page links to the history; no one else's page does.
    page = client.get(reverse("reviews:paper", args=[hworld.paper.public_id])).content.decode()
    assert (reverse("reviews:history", args=[hworld.paper.public_id]) in page) == may, role


@pytest.mark.parametrize("role", ROLES)
def test_only_unconflicted_chairs_revert_a_paper(hworld, role):
    client = _client(hworld, role)
    path = reverse("reviews:history_revert", args=[hworld.paper.public_id])
    one = client.post(path, {"review": hworld.review.public_id, "version": 1, "expected": 1})
    if role == "chair":
        assert one.status_code == 302
        hworld.review.refresh_from_db()
        assert BEFORE in hworld.review.answers["summary"]
        return
    paper = client.post(path, {"at": _moment(hworld), "expected": 1})
    assert one.status_code == paper.status_code == 404, (role, one.status_code, paper.status_code)
    missing = client.post(reverse("reviews:history_revert", args=["nosuchpaper"]), {"review": hworld.review.public_id, "version": 1, "expected": 1})
    assert without_csrf(one.content) == without_csrf(missing.content)
    assert _unchanged(hworld), role


@pytest.mark.parametrize("role", ROLES)
def test_venue_wide_revert_is_the_chairs_and_leaves_a_chairs_own_paper_alone(hworld, role):
    client = _client(hworld, role)
    path = reverse("reviews:venue_revert", args=[hworld.venue.slug])
    page = client.get(path)
    plan = client.get(path, {"at": _moment(hworld)})
    done = client.post(path, {"at": _moment(hworld), "expected": 1})
    if role in ("chair", "chair_author"):
        assert page.status_code == plan.status_code == 200, role
    if role == "chair":
        assert "<strong>1</strong> review on 1 paper will be reverted" in plan.content.decode()
        assert done.status_code == 302
        hworld.review.refresh_from_db()
        assert BEFORE in hworld.review.answers["summary"]
        return
    if role == "chair_author":
        # His paper is left out: nothing to revert for him, and nothing of it counted.
        assert "Nothing to revert" in plan.content.decode() and "1 paper you have a conflict with is left out" in plan.content.decode()
        assert done.status_code == 409  # his count is 0, not the 1 posted: refused, nothing changed
    else:
        missing = client.get(reverse("reviews:venue_revert", args=["no-such-venue"]))
        assert page.status_code == plan.status_code == done.status_code == missing.status_code == 404, role
        assert without_csrf(page.content) == without_csrf(missing.content)
    assert _unchanged(hworld), role


@pytest.mark.parametrize("role", ROLES)
def test_review_history_api_answers_only_unconflicted_chairs(hworld, role):
    client, headers = Client(), {}
    if role != "anonymous":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(hworld.people[role], 'matrix')[1]}"}
    response = client.get(f"/api/papers/{hworld.paper.public_id}/review-history", **headers)
    missing = client.get("/api/papers/nosuchpaper/review-history", **headers)
    if role == "chair":
        assert response.status_code == 200
        data = response.json()
        (review,) = [o for o in data["objects"] if o["kind"] == "review"]
        assert [v["reason"] for v in review["versions"]] == ["submit", "score"]
        assert review["label"] == f"Reviewer 1 ({CANARY_REVIEWER})"
        assert BEFORE in review["versions"][0]["snapshot"]["answers"]["summary"]
        changed = {c["field"] for c in review["versions"][1]["changes"]}
        assert "overall" in changed and "answers.summary" in changed
        return
    expected = 401 if role == "anonymous" else 404
    assert response.status_code == missing.status_code == expected, (role, response.status_code)
    assert response.content == missing.content
