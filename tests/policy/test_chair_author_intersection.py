"""Issue 8, item 2: a chair who is also an author (the classic hole) sees their own paper as
its authors do. What they see of the venue is the intersection of their roles' rights:
their paper is left out of the release page and its preview, of the dashboard, of the
reviewers' loads (assignment and area-chair pages) and of the API's decision table; they
cannot release, decide, assign, desk-reject or contact on it.

Differential tests flip one hidden fact about their paper (a score, a decision, which
reviewer or area chair is assigned) and require the chair-author's pages and API answers
to be byte-identical after normalising CSRF tokens and nonces."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from django.urls import reverse
from django.utils import timezone

from paperdesk import policy
from paperdesk.committee.models import Assignment, PoolMember
from paperdesk.decisions.models import Decision
from paperdesk.reviews.models import Review
from paperdesk.venues.models import VenueRole
from tests.policy.normalise import normalise
from tests.reviews.fixtures import rworld  # noqa: F401
from tests.reviews.review_world import assign, full_answers, make_paper

pytestmark = pytest.mark.django_db


@dataclass
class ChairAuthor:
    world: object
    person: object
    own: object  # the chair-author's own paper

    def client(self):
        from django.test import Client

        client = Client()
        client.force_login(self.person)
        return client

    def get(self, url: str) -> str:
        response = self.client().get(url)
        assert response.status_code == 200, (url, response.status_code)
        return normalise(response.content)


def submitted_review(assignment, overall: int):
    return Review.objects.create(assignment=assignment, answers=full_answers(assignment.submission.venue), overall=overall, confidence=3,
                                 state=Review.State.SUBMITTED, submitted_at=timezone.now())


@pytest.fixture
def ca(rworld, make_user):
    """Chen is a program chair and the author of "Chen's own paper", reviewed by reviewer
    and reviewer2 (one submitted review each), with the area chair; the other papers are
    decided by the unconflicted chair."""
    world = rworld
    person = make_user("chen@chairs.org", "Chen Chair-Author")
    VenueRole.objects.create(venue=world.venue, user=person, role=VenueRole.Role.CHAIR)
    own = make_paper(world.venue, person, "Chen's own paper")
    world.assignments["own_r1"] = assign(own, world.people["reviewer"], 1)
    world.assignments["own_r2"] = assign(own, world.people["reviewer2"], 2)
    world.assignments["own_ac"] = assign(own, world.people["area_chair"], 1, "area_chair")
    world.assignments["own_review"] = submitted_review(world.assignments["own_r1"], 4)
    submitted_review(world.assignments["reviewer"], 3)
    for user in (world.people["area_chair"], make_user("aldo@ac.edu", "Aldo Second-AC")):
        PoolMember.objects.create(venue=world.venue, user=user, email=user.email, role=PoolMember.Role.AREA_CHAIR, state=PoolMember.State.ACCEPTED)
    world.people["second_ac"] = user
    for paper, outcome in ((world.paper, "accept-poster"), (world.other_paper, "reject")):
        Decision.objects.create(submission=paper, outcome=outcome, decided_by=world.people["chair"])
    return ChairAuthor(world, person, own)


def url(name: str, ca: ChairAuthor) -> str:
    return reverse(name, args=[ca.world.venue.slug])


def set_own_decision(ca: ChairAuthor, outcome: str | None) -> None:
    Decision.objects.filter(submission=ca.own).delete()
    if outcome:
        Decision.objects.create(submission=ca.own, outcome=outcome, decided_by=ca.world.people["chair"])


# --- release page and preview ---------------------------------------------------------------


def test_release_page_and_preview_do_not_depend_on_the_own_papers_decision(ca):
    pages = []
    for outcome in (None, "accept-oral", "reject"):
        set_own_decision(ca, outcome)
        page = ca.get(url("decisions:release", ca))
        preview = ca.client().post(url("decisions:release", ca), {"action": "preview"})
        assert preview.status_code == 200
        pages.append((page, normalise(preview.content)))
    assert pages[0] == pages[1] == pages[2]
    page = pages[0][0]
    assert "Chen" not in page.replace("Chen Chair-Author", "")  # no notice to their paper previewed
    assert "another program chair releases their decisions" in page  # the design, explained
    assert "2 decisions to release" in page.replace("<strong>", "").replace("</strong>", "")


def test_the_chair_author_cannot_release_their_own_papers_decision(ca, django_capture_on_commit_callbacks):
    set_own_decision(ca, "accept-oral")
    with django_capture_on_commit_callbacks(execute=True):
        response = ca.client().post(url("decisions:release", ca), {"action": "release", "confirmed": "yes"})
    assert response.status_code == 302
    released = set(Decision.objects.filter(released_at__isnull=False).values_list("submission_id", flat=True))
    assert released == {ca.world.paper.pk, ca.world.other_paper.pk}  # not their own paper
    assert Decision.objects.get(submission=ca.own).released_at is None
    # ...which another chair releases in a wave of their own.
    with django_capture_on_commit_callbacks(execute=True):
        again = ca.world.client("chair").post(url("decisions:release", ca), {"action": "release", "confirmed": "yes"})
    assert again.status_code == 302
    assert Decision.objects.get(submission=ca.own).released_at is not None


def test_a_chair_author_alone_with_their_decision_has_nothing_to_release(ca):
    Decision.objects.exclude(submission=ca.own).delete()
    set_own_decision(ca, "reject")
    response = ca.client().post(url("decisions:release", ca), {"action": "release", "confirmed": "yes", "hold_back_undecided": "yes"})
    assert response.status_code == 400
    assert Decision.objects.get(submission=ca.own).released_at is None


# --- dashboard ------------------------------------------------------------------------------------


def test_dashboard_does_not_move_when_a_score_on_the_own_paper_changes(ca):
    review = ca.world.assignments["own_review"]
    pages = []
    for overall in (1, 4, 5):
        Review.objects.filter(pk=review.pk).update(overall=overall)
        pages.append(ca.get(url("decisions:dashboard", ca)))
    assert pages[0] == pages[1] == pages[2]
    assert "left out of every number" in pages[0]


def test_dashboard_does_not_name_who_owes_a_review_of_the_own_paper(ca):
    pages = []
    for reviewer in ("reviewer2", "unassigned_reviewer"):
        Assignment.objects.filter(pk=ca.world.assignments["own_r2"].pk).update(user=ca.world.people[reviewer])
        pages.append(ca.get(url("decisions:dashboard", ca)))
    assert pages[0] == pages[1]
    assert not re.search(rf"#{ca.own.number}(</td>|, )", pages[0])  # not in the table of reviewers with paper numbers


def test_dashboard_counts_for_an_unconflicted_chair_still_include_the_paper(ca):
    page = ca.world.client("chair").get(url("decisions:dashboard", ca)).content.decode()
    assert "left out of every number" not in page
    assert re.search(rf"#{ca.own.number}(</td>|, )", page)  # reviewer2 owes a review of it


# --- loads: assignment and area chairs ---------------------------------------------------------


def test_assignment_page_loads_do_not_reveal_who_reviews_the_own_paper(ca):
    pages = []
    for reviewer in ("reviewer2", "unassigned_reviewer"):
        Assignment.objects.filter(pk=ca.world.assignments["own_r2"].pk).update(user=ca.world.people[reviewer])
        pages.append(ca.get(reverse("committee:assignment", args=[ca.world.venue.slug])))
    assert pages[0] == pages[1]
    assert "left out of the loads" in pages[0]


def test_area_chairs_page_does_not_reveal_the_own_papers_area_chair(ca):
    pages = []
    for person in ("area_chair", "second_ac"):
        Assignment.objects.filter(pk=ca.world.assignments["own_ac"].pk).update(user=ca.world.people[person])
        pages.append(ca.get(reverse("committee:area_chairs", args=[ca.world.venue.slug])))
    assert pages[0] == pages[1]


# --- the API ------------------------------------------------------------------------------------


def test_api_decision_table_does_not_depend_on_the_own_papers_decision_or_scores(ca):
    answers = []
    for outcome, overall in ((None, 1), ("accept-oral", 5), ("reject", 3)):
        set_own_decision(ca, outcome)
        Review.objects.filter(pk=ca.world.assignments["own_review"].pk).update(overall=overall)
        response = ca.client().get(f"/api/venues/{ca.world.venue.slug}/decisions")
        assert response.status_code == 200
        answers.append(normalise(response.content))
    assert answers[0] == answers[1] == answers[2]


# --- actions ------------------------------------------------------------------------------------


def test_every_action_on_the_own_paper_is_refused_by_the_policy(ca):
    viewer = policy.as_viewer(ca.person)
    own = ca.own
    assert not policy.can_release_decision(viewer, own)
    assert not policy.can_decide(viewer, own)
    assert not policy.can_assign_paper(viewer, own)
    assert not policy.can_desk_reject(viewer, own)
    assert not policy.can_contact_authors(viewer, own)
    assert not policy.can_grant_extension(viewer, own)
    assert not policy.can_view_reviews(viewer, own) and not policy.can_view_scores(viewer, own)
    assert own.pk in policy.hidden_from_aggregates(viewer, ca.world.venue)
    # ...and allowed on a paper they have no conflict with.
    assert policy.can_release_decision(viewer, ca.world.paper) and policy.can_decide(viewer, ca.world.paper)


def test_a_declared_conflict_counts_as_authorship_for_a_chair(ca):
    from paperdesk.committee.models import Conflict

    viewer_before = policy.as_viewer(ca.world.people["chair"])
    assert policy.can_release_decision(viewer_before, ca.world.paper)
    Conflict.objects.create(submission=ca.world.paper, user=ca.world.people["chair"], source=Conflict.Source.REVIEWER_DECLARED, reason="Advisor")
    viewer = policy.as_viewer(ca.world.people["chair"])  # a fresh viewer sees the new conflict
    assert not policy.can_release_decision(viewer, ca.world.paper)
    assert ca.world.paper.pk in policy.hidden_from_aggregates(viewer, ca.world.venue)


def test_viewer_is_built_once_per_request_and_loads_conflicts_once_per_venue(ca, django_assert_num_queries):
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = ca.person
    viewer = policy.viewer_for(request)
    assert policy.viewer_for(request) is viewer
    viewer.roles_in(ca.world.venue)  # roles: one query, kept
    papers = (ca.own, ca.world.paper, ca.world.other_paper)
    for paper in papers:
        paper.venue = ca.world.venue
    with django_assert_num_queries(1):
        for paper in papers:
            policy.is_conflicted(viewer, paper)
            policy.is_author(viewer, paper)
            policy.is_unconflicted_chair(viewer, paper)
    assert policy.conflicted_submission_ids(viewer, ca.world.venue) == {ca.own.pk}
