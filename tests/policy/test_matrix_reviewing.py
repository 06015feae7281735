"""The access-policy matrix for reviewing: the bidding page and a bid on one paper, the
chairs' pool, co-first-author, conflict, assignment and area-chair pages, a run's status,
the reviewer's list of papers and the authors' declared conflicts, for every role.

Canaries: an author (name, e-mail) who must never reach a reviewer, an assigned
reviewer's name that must never reach the authors, and an area chair's name that only
the chairs see (on the pool and area-chair pages). Wherever the policy says "no", the
response is the same as for a missing object (404), a sign-in redirect for anonymous
people on personal pages, or a refusal page that names no paper."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk import policy

AUTHOR_CANARY = "Zebulon Canarywhistle"
AUTHOR_CANARY_EMAIL = "zebulon.canarywhistle@canary-institute.edu"
REVIEWER_CANARY = "Quentin Reviewercanary"
AC_CANARY = "Octavia Metaplume"
AC_CANARY_EMAIL = "octavia@areachairs.org"
TITLE = "The canary paper"

ROLES = ["anonymous", "author", "chair", "assigned_reviewer", "unassigned_reviewer", "conflicted_reviewer", "area_chair"]
REVIEWERS = {"assigned_reviewer", "unassigned_reviewer", "conflicted_reviewer"}

# channel -> roles allowed
EXPECTED = {
    "bidding_page": REVIEWERS | {"area_chair"},
    "bid_on_paper": {"assigned_reviewer", "unassigned_reviewer", "area_chair"},
    "pool_page": {"chair"},
    "invite_page": {"chair"},
    "first_authors_page": {"chair"},
    "conflicts_page": {"chair"},
    "proposal_page": {"chair"},
    "run_status": {"chair"},
    "area_chairs_page": {"chair"},
    "my_assignments": {"assigned_reviewer", "unassigned_reviewer", "conflicted_reviewer", "area_chair", "author", "chair"},
    "author_conflicts": {"author", "chair"},
}
# channel -> roles that see the paper's title there
SEES_TITLE = {
    "bidding_page": {"assigned_reviewer", "unassigned_reviewer", "area_chair"},
    "bid_on_paper": {"assigned_reviewer", "unassigned_reviewer", "area_chair"},
    "first_authors_page": {"chair"},
    "conflicts_page": {"chair"},
    "proposal_page": {"chair"},
    "area_chairs_page": {"chair"},
    "my_assignments": {"assigned_reviewer"},
    "author_conflicts": {"author", "chair"},
}
# channel -> roles that see the author canary (authors' identities)
SEES_AUTHORS = {"first_authors_page": {"chair"}}
# channel -> roles that see the assigned reviewer's identity
SEES_REVIEWER = {"pool_page": {"chair"}, "proposal_page": {"chair"}}
# channel -> roles that see the area chair's identity
SEES_AREA_CHAIR = {"pool_page": {"chair"}, "area_chairs_page": {"chair"}}


@pytest.fixture
def world(db, venue, make_user):
    from paperdesk.committee.models import Assignment, AssignmentRun, Conflict, PoolMember
    from paperdesk.submissions.models import Authorship, Submission
    from paperdesk.venues.models import ContributionType, TopicArea, Track, VenueRole

    people = {
        "author": make_user("ada@uni.edu", "Ada Lovelace"),
        "chair": make_user("pat@chairs.org", "Pat Chair"),
        "assigned_reviewer": make_user("quentin@reviewers.org", REVIEWER_CANARY),
        "unassigned_reviewer": make_user("una@reviewers.org", "Una Unassigned"),
        "conflicted_reviewer": make_user("con@reviewers.org", "Connie Conflicted"),
        "area_chair": make_user(AC_CANARY_EMAIL, AC_CANARY),
    }
    VenueRole.objects.create(venue=venue, user=people["chair"], role="chair")
    for key in REVIEWERS:
        PoolMember.objects.create(venue=venue, user=people[key], email=people[key].email, state="accepted")
        VenueRole.objects.create(venue=venue, user=people[key], role="reviewer")
    PoolMember.objects.create(venue=venue, user=people["area_chair"], email=AC_CANARY_EMAIL, role="area_chair", state="accepted")
    VenueRole.objects.create(venue=venue, user=people["area_chair"], role="area_chair")

    def paper(number, title, authors):
        s = Submission.objects.create(
            venue=venue, number=number, title=title, abstract="An abstract about circuits.", status="submitted",
            track=Track.objects.get(venue=venue, slug="short"), primary_topic=TopicArea.objects.get(venue=venue, slug="circuits"),
            contribution_type=ContributionType.objects.filter(venue=venue).first(), created_by=people["author"],
        )
        for position, (name, email, user) in enumerate(authors, start=1):
            Authorship.objects.create(submission=s, position=position, name=name, email=email, user=user, is_co_first=True)
        return s

    canary = paper(1, TITLE, [("Ada Lovelace", "ada@uni.edu", people["author"]), (AUTHOR_CANARY, AUTHOR_CANARY_EMAIL, None)])
    paper(2, "Another paper", [("Grace Hopper", "grace@uni.edu", None)])
    Assignment.objects.create(submission=canary, user=people["assigned_reviewer"], alias_number=1, published=True, score=0.7,
                              explanation={"text": 0.5, "topic": 1.0, "bid": None})
    Assignment.objects.create(submission=canary, user=people["area_chair"], kind="area_chair", alias_number=1, published=True, score=0.4,
                              explanation={"text": 0.2, "topic": 1.0, "bid": None})
    Conflict.objects.create(submission=canary, user=people["conflicted_reviewer"], source="reviewer_declared", reason="declared by the reviewer")
    run = AssignmentRun.objects.create(venue=venue, created_by=people["chair"], state="done", message="Proposal ready")
    for key in REVIEWERS | {"area_chair"}:  # conflicts are up to date: bidding does not recompute them
        PoolMember.objects.filter(user=people[key]).update(conflicts_checked_at=canary.updated_at.replace(year=canary.updated_at.year + 1))
    return {"venue": venue, "people": people, "paper": canary, "run": run}


def client_for(world, role: str) -> Client:
    client = Client()
    if role != "anonymous":
        client.force_login(world["people"][role])
    return client


def fetch(world, channel: str, client: Client):
    venue, paper = world["venue"], world["paper"]
    slug = venue.slug
    if channel == "bid_on_paper":
        return client.post(reverse("committee:bid", args=[slug, paper.public_id]), {"value": "willing"}, HTTP_HX_REQUEST="true")
    urls = {
        "bidding_page": reverse("committee:bidding", args=[slug]),
        "pool_page": reverse("committee:pool", args=[slug]),
        "invite_page": reverse("committee:pool_invite", args=[slug]),
        "first_authors_page": reverse("committee:first_authors", args=[slug]) + "?show=all",
        "conflicts_page": reverse("committee:conflicts", args=[slug]),
        "proposal_page": reverse("committee:assignment", args=[slug]),
        "run_status": reverse("committee:run_status", args=[slug, world["run"].public_id]),
        "area_chairs_page": reverse("committee:area_chairs", args=[slug]),
        "my_assignments": reverse("reviews:dashboard"),
        "author_conflicts": reverse("committee:author_conflicts", args=[paper.public_id]),
    }
    return client.get(urls[channel])


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("channel", sorted(EXPECTED))
def test_reviewing_matrix_cell(world, role, channel):
    response = fetch(world, channel, client_for(world, role))
    body = response.content.decode()
    if role in EXPECTED[channel]:
        assert response.status_code == 200, (role, channel, response.status_code)
    elif role == "anonymous" and channel in ("bidding_page", "bid_on_paper", "my_assignments"):
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif channel == "bidding_page":
        assert response.status_code == 403  # a page about a role, not an object: the reason is shown
    else:
        assert response.status_code == 404, (role, channel, response.status_code)
    assert (TITLE in body) == (role in SEES_TITLE.get(channel, set()) and role in EXPECTED[channel]), (role, channel)
    sees_authors = role in SEES_AUTHORS.get(channel, set())
    assert (AUTHOR_CANARY in body) == sees_authors, (role, channel)
    assert (AUTHOR_CANARY_EMAIL in body) == sees_authors, (role, channel)
    if role not in SEES_REVIEWER.get(channel, set()) and role != "assigned_reviewer":  # who sees their own name
        assert REVIEWER_CANARY not in body and "quentin@reviewers.org" not in body, (role, channel)
    if role != "area_chair":  # who sees their own name
        sees_ac = role in SEES_AREA_CHAIR.get(channel, set())
        assert (AC_CANARY in body) == sees_ac and (AC_CANARY_EMAIL in body) == sees_ac, (role, channel)


@pytest.mark.parametrize("role", ["author", "chair", "conflicted_reviewer"])
def test_reviewing_forbidden_bid_looks_like_a_missing_paper(world, role):
    from tests.policy.test_matrix import without_csrf

    client = client_for(world, role)
    slug = world["venue"].slug
    forbidden = client.post(reverse("committee:bid", args=[slug, world["paper"].public_id]), {"value": "eager"})
    missing = client.post(reverse("committee:bid", args=[slug, "nosuchpaper"]), {"value": "eager"})
    assert forbidden.status_code == missing.status_code == 404
    assert without_csrf(forbidden.content) == without_csrf(missing.content)


def test_reviewing_policy_functions_agree_with_the_matrix(world):
    venue, paper, people = world["venue"], world["paper"], world["people"]
    assert {r for r in people if policy.can_bid(people[r], paper)} == EXPECTED["bid_on_paper"]
    assert {r for r in people if policy.can_view_bidding(people[r], venue)} == EXPECTED["bidding_page"]
    assert {r for r in people if policy.can_manage_pool(people[r], venue)} == EXPECTED["pool_page"]
    assert {r for r in people if policy.can_assign_paper(people[r], paper)} == {"chair"}
    assert {r for r in people if policy.can_manage_area_chairs(people[r], venue)} == EXPECTED["area_chairs_page"]
    assert {r for r in people if policy.reviewer_assignments(people[r]).filter(submission=paper).exists()} == {"assigned_reviewer", "area_chair"}
    assert {r for r in people if policy.is_area_chair_of(people[r], paper)} == {"area_chair"}
    assert {r for r in people if policy.biddable_submissions(people[r], venue).filter(pk=paper.pk).exists()} == EXPECTED["bid_on_paper"]
    assert policy.conflicted_submission_ids(people["conflicted_reviewer"], venue) == {paper.pk}
    assert policy.conflicted_submission_ids(people["author"], venue) == {paper.pk}
    assert not policy.can_bid(None, paper) and policy.pool_membership(None, venue) is None


@pytest.mark.parametrize("role", ["anonymous", "author", "assigned_reviewer", "area_chair"])
def test_reviewing_area_chair_actions_look_like_missing_pages(world, role):
    """Every write on the chairs' area-chair page answers a non-chair exactly as a missing
    object does, and changes nothing."""
    from paperdesk.committee.models import Assignment, PoolMember
    from tests.policy.test_matrix import without_csrf

    client = client_for(world, role)
    slug, paper = world["venue"].slug, world["paper"]
    row = Assignment.objects.get(kind="area_chair")
    member = PoolMember.objects.get(role="area_chair").public_id
    pairs = [
        (reverse("committee:area_chair_move", args=[slug, row.pk]), reverse("committee:area_chair_move", args=[slug, 999999])),
        (reverse("committee:area_chair_remove", args=[slug, row.pk]), reverse("committee:area_chair_remove", args=[slug, 999999])),
        (reverse("committee:area_chair_add", args=[slug, paper.public_id]), reverse("committee:area_chair_add", args=[slug, "nosuchpaper"])),
        (reverse("committee:area_chairs_propose", args=[slug]), reverse("committee:area_chairs_propose", args=["nosuchvenue"])),
        (reverse("committee:area_chairs_publish", args=[slug]), reverse("committee:area_chairs_publish", args=["nosuchvenue"])),
    ]
    for forbidden_url, missing_url in pairs:
        forbidden = client.post(forbidden_url, {"area_chair": member})
        missing = client.post(missing_url, {"area_chair": member})
        assert forbidden.status_code == missing.status_code == 404, forbidden_url
        assert without_csrf(forbidden.content) == without_csrf(missing.content), forbidden_url
    assert list(Assignment.objects.filter(kind="area_chair").values_list("pk", "user_id", "published")) == [(row.pk, row.user_id, True)]
