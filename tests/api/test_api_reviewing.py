"""The reviewing API: a reviewer's assignments and review (draft, submit, edit until the
deadline, late), the other reviews, bidding, the authors' results after release, and the
chairs' decision table and bulk decisions. Every call goes through the real API with a
token; the world is the reviews tests' (a paper with a canary author, reviewers assigned,
unassigned and conflicted, an area chair, a chair)."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from api_helpers import bearer
from django.urls import reverse

from paperdesk.committee.models import Bid, Conflict
from paperdesk.decisions import services as decision_services
from paperdesk.decisions.models import Decision
from paperdesk.reviews.models import Review
from paperdesk.venues.models import VenueRole
from tests.reviews.fixtures import at, rworld  # noqa: F401 - fixtures
from tests.reviews.review_world import (
    CANARY_AC,
    CANARY_AFFILIATION,
    CANARY_AUTHOR,
    CANARY_AUTHOR_EMAIL,
    CANARY_REVIEWER,
    CANARY_REVIEWER_EMAIL,
    CHAIRS_ONLY_TEXT,
    META_TEXT,
    REVIEW_TEXT,
    full_answers,
    review_post_data,
)

AUTHOR_CANARIES = (CANARY_AUTHOR, CANARY_AUTHOR_EMAIL, CANARY_AFFILIATION, "Ada Lovelace", "ada@uni.edu")


@pytest.fixture
def api(rworld, token_for):
    """`api(role)` -> a function calling the API as that person: `call(method, path, body=None)`."""
    from django.test import Client

    def as_role(role: str):
        client = Client()
        headers = {} if role == "anonymous" else bearer(token_for(rworld.people[role]))
        headers = {f"HTTP_{k.upper()}": v for k, v in headers.items()}

        def call(method: str, path: str, body=None):
            kwargs = {"content_type": "application/json", "data": json.dumps(body) if body is not None else ""}
            return getattr(client, method.lower())(f"/api{path}", **kwargs, **headers)

        return call

    return as_role


def submit_page_review(world, role: str, **data) -> None:
    response = world.client(role).post(reverse("reviews:save", args=[world.paper.public_id]), review_post_data(world.venue, action="submit", **data))
    assert response.status_code == 302, response.content[:500]


def complete_review(venue, text: str = REVIEW_TEXT, **extra) -> dict:
    return {"answers": full_answers(venue, text), "overall": 4, "confidence": 3, "comments_to_chairs": CHAIRS_ONLY_TEXT, **extra}


def assert_no_author(text: str) -> None:
    for canary in AUTHOR_CANARIES:
        assert canary not in text, canary


# --- assignments and the review form -----------------------------------------------------------


def test_reviewer_lists_assignments_with_alias_and_state_never_authors(rworld, api):
    call = api("reviewer")
    response = call("GET", f"/venues/{rworld.venue.slug}/assignments")
    assert response.status_code == 200
    data = response.json()
    assert_no_author(response.content.decode())
    assert data["venue"] == rworld.venue.slug and data["deadline_passed"] is False and data["submitted"] == 0
    assert data["review_deadline"]["utc"].endswith("Z")
    [item] = data["items"]
    assert item == {
        "public_id": rworld.paper.public_id, "alias": "Reviewer 1", "number": rworld.paper.number, "title": "The canary paper",
        "abstract": "The abstract of The canary paper.", "track": rworld.paper.track.name, "topics": [rworld.paper.primary_topic.name],
        "review_state": "not_started",
    }
    assert "authors" not in item
    call("PUT", f"/papers/{rworld.paper.public_id}/review", {"answers": {"summary": "Half a thought"}})
    assert call("GET", f"/venues/{rworld.venue.slug}/assignments").json()["items"][0]["review_state"] == "draft"
    call("POST", f"/papers/{rworld.paper.public_id}/review/submit", complete_review(rworld.venue))
    listed = call("GET", f"/venues/{rworld.venue.slug}/assignments").json()
    assert listed["items"][0]["review_state"] == "submitted" and listed["submitted"] == 1


def test_other_reviewers_list_only_their_unconflicted_papers(rworld, api):
    venue = rworld.venue.slug
    assert [i["title"] for i in api("unassigned_reviewer")("GET", f"/venues/{venue}/assignments").json()["items"]] == ["Another paper"]
    assert api("conflicted_reviewer")("GET", f"/venues/{venue}/assignments").json()["items"] == []
    assert api("author")("GET", f"/venues/{venue}/assignments").json()["items"] == []
    assert api("anonymous")("GET", f"/venues/{venue}/assignments").status_code == 401
    assert api("reviewer")("GET", "/venues/no-such-venue/assignments").status_code == 404


def test_review_form_comes_from_the_venue_config(rworld, api):
    form = api("reviewer")("GET", f"/venues/{rworld.venue.slug}/review-form").json()
    spec = rworld.venue.spec.review_form
    assert [q["key"] for q in form["questions"]] == [q.key for q in spec.questions]
    choice = next(q for q in form["questions"] if q["kind"] == "choice")
    assert choice["options"][0] == {"slug": spec.question(choice["key"]).options[0].slug, "name": spec.question(choice["key"]).options[0].name}
    assert [level["value"] for level in form["overall"]["levels"]] == list(spec.overall.values)
    assert form["overall"]["label"] == "Overall score"


# --- my review --------------------------------------------------------------------------------


def test_draft_is_saved_partially_and_kept_field_by_field(rworld, api):
    call = api("reviewer")
    url = f"/papers/{rworld.paper.public_id}/review"
    empty = call("GET", url).json()
    assert empty["state"] == "not_started" and empty["answers"] == {} and empty["overall"] is None
    assert empty["alias"] == "Reviewer 1" and empty["can_write"] == {"allowed": True, "reason": ""}
    first = call("PUT", url, {"answers": {"summary": "A first thought"}, "overall": 3})
    assert first.status_code == 200, first.content
    assert first.json()["state"] == "draft" and first.json()["overall"] == 3
    second = call("PUT", url, {"answers": {"strengths": "Careful probes"}, "comments_to_chairs": "note"}).json()
    assert second["answers"]["summary"] == "A first thought" and second["answers"]["strengths"] == "Careful probes"
    assert second["overall"] == 3 and second["comments_to_chairs"] == "note"
    cleared = call("PUT", url, {"overall": None, "answers": {"summary": ""}}).json()
    assert cleared["overall"] is None and cleared["answers"]["summary"] == ""
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert review.state == "draft" and review.answers["strengths"] == "Careful probes"
    assert_no_author(json.dumps(second))


def test_submit_validates_against_the_form_with_the_pages_messages(rworld, api):
    call = api("reviewer")
    url = f"/papers/{rworld.paper.public_id}/review"
    assert call("PUT", url, {"answers": {"summary": "Only this"}}).status_code == 200
    incomplete = call("POST", f"{url}/submit", {"overall": 4})
    assert incomplete.status_code == 400
    message = incomplete.json()["detail"]
    assert message.startswith("To submit, answer: ") and "Hypotheses and evidence" in message and "Confidence" in message
    page = rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]),
                                          {"q_summary": "Only this", "overall": "4", "action": "submit"})
    assert page.status_code == 400 and message in page.content.decode()  # the same sentence on the page

    off_scale = call("PUT", url, {"overall": 9})
    assert off_scale.status_code == 400 and off_scale.json() == {"detail": "Overall score must be one of 1, 2, 3, 4, 5.", "field": "overall"}
    bad_choice = call("PUT", url, {"answers": {"hypotheses_supported": "maybe"}})
    assert bad_choice.status_code == 400 and bad_choice.json()["field"] == "hypotheses_supported"
    assert "is not one of the answers to" in bad_choice.json()["detail"]
    unknown = call("PUT", url, {"answers": {"novelty": "high"}})
    assert unknown.status_code == 400 and unknown.json()["field"] == "novelty" and "not a question of this review form" in unknown.json()["detail"]
    too_long = call("PUT", url, {"answers": {"summary": "x" * 5001}})
    assert too_long.status_code == 400 and "the limit is 5,000" in too_long.json()["detail"]
    assert call("PUT", url, {"overall": "4"}).status_code == 422  # a number, not a string
    assert call("PUT", url, {"surprise": 1}).status_code == 422
    kept = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert kept.answers.get("summary") == "Only this" and kept.overall is None and kept.state == "draft"  # refusals change nothing

    done = call("POST", f"{url}/submit", complete_review(rworld.venue))
    assert done.status_code == 200, done.content
    assert done.json()["state"] == "submitted" and done.json()["late"] is False and done.json()["submitted_at"]
    emptied = call("PUT", url, {"answers": {"summary": ""}})
    assert emptied.status_code == 400 and emptied.json()["detail"].startswith("To keep it submitted, answer: Summary")


def test_submitted_review_is_editable_until_the_deadline_then_final(rworld, api, at):
    venue = rworld.venue
    call = api("reviewer")
    url = f"/papers/{rworld.paper.public_id}/review"
    at(venue.review_deadline - dt.timedelta(days=1))
    assert call("POST", f"{url}/submit", complete_review(venue)).status_code == 200
    edited = call("PUT", url, {"overall": 5})
    assert edited.status_code == 200 and edited.json()["overall"] == 5 and edited.json()["state"] == "submitted"
    at(venue.review_deadline + dt.timedelta(minutes=1))
    refused = call("PUT", url, {"overall": 2})
    assert refused.status_code == 403 and refused.json()["detail"].startswith("The review deadline passed on")
    now = call("GET", url).json()
    assert now["overall"] == 5 and now["deadline_passed"] is True
    assert now["can_write"]["allowed"] is False and now["can_write"]["reason"] == refused.json()["detail"]


def test_a_review_submitted_after_the_deadline_is_marked_late(rworld, api, at):
    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(days=1))
    call = api("reviewer")
    done = call("POST", f"/papers/{rworld.paper.public_id}/review/submit", complete_review(venue))
    assert done.status_code == 200 and done.json()["late"] is True
    listed = call("GET", f"/venues/{venue.slug}/assignments").json()
    assert listed["deadline_passed"] is True and listed["items"][0]["review_state"] == "late"


def test_submit_without_a_body_submits_the_saved_draft(rworld, api):
    call = api("reviewer")
    url = f"/papers/{rworld.paper.public_id}/review"
    assert call("PUT", url, complete_review(rworld.venue)).json()["state"] == "draft"
    response = call("POST", f"{url}/submit")
    assert response.status_code == 200 and response.json()["state"] == "submitted"


@pytest.mark.parametrize("role", ["unassigned_reviewer", "conflicted_reviewer", "author", "other_author", "chair", "area_chair"])
def test_only_the_assigned_reviewer_has_a_review_to_read_or_write(rworld, api, role):
    call = api(role)
    url = f"/papers/{rworld.paper.public_id}/review"
    missing = call("GET", "/papers/nosuchpaper/review")
    assert missing.status_code == 404
    assert call("GET", url).status_code == 404 and call("GET", url).json() == missing.json()
    written = call("PUT", url, {"overall": 4})
    assert written.status_code == 404 and written.json() == call("PUT", "/papers/nosuchpaper/review", {"overall": 4}).json()
    assert call("POST", f"{url}/submit", complete_review(rworld.venue)).status_code == 404
    assert not Review.objects.filter(assignment__submission=rworld.paper).exists()


# --- the other reviews ----------------------------------------------------------------------------


def test_reviewer_reads_the_other_reviews_only_after_submitting_and_under_aliases(rworld, api):
    submit_page_review(rworld, "reviewer2", overall=1, text="Second opinion", comments="r2 note")
    call = api("reviewer")
    url = f"/papers/{rworld.paper.public_id}/reviews"
    before = call("GET", url).json()
    assert before["reviews"] == [] and before["hidden_reason"] == "The other reviews appear here once you have submitted yours."
    call("POST", f"/papers/{rworld.paper.public_id}/review/submit", complete_review(rworld.venue))
    response = call("GET", url)
    after = response.json()
    assert after["hidden_reason"] == ""
    [other] = after["reviews"]
    assert other["alias"] == "Reviewer 2" and other["label"] == "Reviewer 2" and other["overall"] == 1
    assert other["overall_label"] == "Strong reject" and "Second opinion" in json.dumps(other["answers"])
    assert "reviewer" not in other and "comments_to_chairs" not in other
    body = response.content.decode()
    assert "Rita Second" not in body and "rita@rev.edu" not in body and "r2 note" not in body
    assert_no_author(body)


def test_chairs_see_who_wrote_each_review_and_the_comments_to_them(rworld, api):
    submit_page_review(rworld, "reviewer", overall=5)
    rworld.client("area_chair").post(reverse("reviews:meta_review", args=[rworld.paper.public_id]),
                                     {"recommendation": "reject", "text": META_TEXT, "action": "submit"})
    data = api("chair")("GET", f"/papers/{rworld.paper.public_id}/reviews").json()
    [review] = data["reviews"]
    assert review["reviewer"] == {"name": CANARY_REVIEWER, "email": CANARY_REVIEWER_EMAIL}
    assert review["label"] == f"Reviewer 1 ({CANARY_REVIEWER})" and review["comments_to_chairs"] == CHAIRS_ONLY_TEXT
    assert data["meta_review"]["text"] == META_TEXT and data["meta_review"]["label"] == f"Meta-review by {CANARY_AC}"
    ac = api("area_chair")("GET", f"/papers/{rworld.paper.public_id}/reviews").json()
    # the area chair sees who wrote it too, as the venue allows by default (reviewing.area_chairs_see_reviewer_names)
    assert ac["reviews"][0]["label"] == f"Reviewer 1 ({CANARY_REVIEWER})"
    assert ac["reviews"][0]["comments_to_chairs"] == CHAIRS_ONLY_TEXT


@pytest.mark.parametrize("role", ["conflicted_chair", "conflicted_reviewer", "unassigned_reviewer", "author", "other_author"])
def test_the_reviews_of_a_paper_are_a_404_for_those_who_may_not_read_them(rworld, api, make_user, role):
    if role == "conflicted_chair":
        rworld.people[role] = make_user("cora@chairs.org", "Cora Conflicted-Chair")
        VenueRole.objects.create(venue=rworld.venue, user=rworld.people[role], role=VenueRole.Role.CHAIR)
        Conflict.objects.create(submission=rworld.paper, user=rworld.people[role], source=Conflict.Source.INSTITUTION, reason="Same lab")
    submit_page_review(rworld, "reviewer")
    call = api(role)
    forbidden = call("GET", f"/papers/{rworld.paper.public_id}/reviews")
    missing = call("GET", "/papers/nosuchpaper/reviews")
    assert forbidden.status_code == missing.status_code == 404 and forbidden.json() == missing.json()


# --- bidding ------------------------------------------------------------------------------------


def test_bidding_lists_papers_without_authors_and_sets_and_clears_bids(rworld, api):
    call = api("unassigned_reviewer")
    venue = rworld.venue.slug
    response = call("GET", f"/venues/{venue}/bidding")
    assert response.status_code == 200
    data = response.json()
    assert sorted(p["title"] for p in data["items"]) == ["Another paper", "The canary paper"]
    assert data["count"] == 2 and data["counts"]["unbid"] == 2 and data["pages"] == 1
    assert_no_author(response.content.decode())
    paper = rworld.paper.public_id
    set_bid = call("PUT", f"/venues/{venue}/bids/{paper}", {"value": "eager"})
    assert set_bid.status_code == 200 and set_bid.json() == {"paper": paper, "title": "The canary paper", "value": "eager"}
    assert call("GET", f"/venues/{venue}/bids").json() == [{"paper": paper, "title": "The canary paper", "value": "eager"}]
    eager = call("GET", f"/venues/{venue}/bidding?shown=eager").json()
    assert [p["bid"] for p in eager["items"]] == ["eager"] and eager["counts"]["eager"] == 1
    assert call("PUT", f"/venues/{venue}/bids/{paper}", {"value": "maybe"}).status_code == 422
    assert call("DELETE", f"/venues/{venue}/bids/{paper}").status_code == 204
    assert call("GET", f"/venues/{venue}/bids").json() == []
    assert not Bid.objects.filter(user=rworld.people["unassigned_reviewer"]).exists()


def declare_conflict(world) -> None:
    """The conflicted reviewer's conflict as a declaration, so that the bidding page's
    recomputation of conflicts keeps it."""
    from paperdesk.committee import services

    services.reviewer_declare(venue=world.venue, actor=world.people["conflicted_reviewer"],
                              data=services.DeclarationInput(note="Same lab"), submission=world.paper)


def test_a_conflicted_paper_is_never_biddable_and_looks_missing(rworld, api):
    declare_conflict(rworld)
    call = api("conflicted_reviewer")
    venue = rworld.venue.slug
    titles = [p["title"] for p in call("GET", f"/venues/{venue}/bidding").json()["items"]]
    assert titles == ["Another paper"]
    forbidden = call("PUT", f"/venues/{venue}/bids/{rworld.paper.public_id}", {"value": "eager"})
    missing = call("PUT", f"/venues/{venue}/bids/zzzzzzzz", {"value": "eager"})
    assert forbidden.status_code == missing.status_code == 404 and forbidden.json() == missing.json()
    assert call("DELETE", f"/venues/{venue}/bids/{rworld.paper.public_id}").status_code == 404
    own = api("author")("PUT", f"/venues/{venue}/bids/{rworld.paper.public_id}", {"value": "eager"})
    assert own.status_code == 404
    assert not Bid.objects.exists()


def test_bidding_is_refused_with_a_reason_outside_the_pool(rworld, api):
    response = api("author")("GET", f"/venues/{rworld.venue.slug}/bidding")
    assert response.status_code == 403
    assert response.json()["detail"] == "Bidding is open to the venue's reviewers once they have accepted."
    assert api("author")("GET", f"/venues/{rworld.venue.slug}/bids").status_code == 403


# --- the authors' results -------------------------------------------------------------------------


def _decide_and_release(world, django_capture_on_commit_callbacks, *, release: bool):
    submit_page_review(world, "reviewer", overall=5)
    submit_page_review(world, "reviewer2", overall=2, text="Second opinion", comments="r2 note")
    world.client("area_chair").post(reverse("reviews:meta_review", args=[world.paper.public_id]),
                                    {"recommendation": "reject", "text": META_TEXT, "action": "submit"})
    chair = world.client("chair")
    chair.post(reverse("decisions:bulk_set", args=[world.venue.slug]), {"paper": [world.paper.public_id], "outcome": "reject"})
    chair.post(reverse("decisions:bulk_set", args=[world.venue.slug]), {"paper": [world.other_paper.public_id], "outcome": "accept-poster"})
    if release:
        with django_capture_on_commit_callbacks(execute=True):
            chair.post(reverse("decisions:release", args=[world.venue.slug]),
                       {"subject": decision_services.DEFAULT_SUBJECT, "body": decision_services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})


def test_authors_read_nothing_of_the_reviewing_before_release(rworld, api, django_capture_on_commit_callbacks):
    _decide_and_release(rworld, django_capture_on_commit_callbacks, release=False)
    response = api("author")("GET", f"/submissions/{rworld.paper.public_id}/results")
    assert response.status_code == 200
    data = response.json()
    assert data["released"] is False and data["reviews"] == [] and data["meta_review"] is None and "decision" not in data
    assert "not been released" in data["message"]
    body = response.content.decode()
    assert REVIEW_TEXT not in body and META_TEXT not in body and "reject" not in body


def test_authors_read_the_released_decision_and_reviews_under_aliases(rworld, api, django_capture_on_commit_callbacks):
    _decide_and_release(rworld, django_capture_on_commit_callbacks, release=True)
    response = api("author")("GET", f"/submissions/{rworld.paper.public_id}/results")
    data = response.json()
    assert data["released"] is True
    assert data["decision"]["outcome"] == "reject" and data["decision"]["outcome_name"] == "Reject" and data["decision"]["accepted"] is False
    assert [r["alias"] for r in data["reviews"]] == ["Reviewer 1", "Reviewer 2"]
    assert [r["overall"] for r in data["reviews"]] == [5, 2]
    assert REVIEW_TEXT in json.dumps(data["reviews"][0]["answers"])
    assert data["meta_review"] == {"recommendation": "reject", "recommendation_name": "Reject", "text": META_TEXT}
    body = response.content.decode()
    assert "comments_to_chairs" not in body and CHAIRS_ONLY_TEXT not in body and "r2 note" not in body
    for identity in (CANARY_REVIEWER, CANARY_REVIEWER_EMAIL, "Rita Second", CANARY_AC):
        assert identity not in body


@pytest.mark.parametrize("role", ["other_author", "reviewer", "chair", "area_chair"])
def test_results_are_the_authors_alone(rworld, api, role, django_capture_on_commit_callbacks):
    _decide_and_release(rworld, django_capture_on_commit_callbacks, release=True)
    call = api(role)
    forbidden = call("GET", f"/submissions/{rworld.paper.public_id}/results")
    missing = call("GET", "/submissions/nosuchpaper/results")
    assert forbidden.status_code == missing.status_code == 404 and forbidden.json() == missing.json()


# --- the chairs' decisions --------------------------------------------------------------------------


def test_chair_lists_decisions_with_score_statistics(rworld, api, django_capture_on_commit_callbacks):
    _decide_and_release(rworld, django_capture_on_commit_callbacks, release=False)
    response = api("chair")("GET", f"/venues/{rworld.venue.slug}/decisions?sort=number")
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    row = next(r for r in data["items"] if r["public_id"] == rworld.paper.public_id)
    assert row["scores"] == [5, 2] or row["scores"] == [2, 5]
    assert row["mean"] == 3.5 and row["low"] == 2 and row["high"] == 5 and row["spread"] == 3 and row["agreement"] == "split"
    assert row["assigned"] == 2 and row["reviews"] == 2 and row["confidence"] == 3.0
    assert row["recommendation"] == "reject" and row["decision"] == {"outcome": "reject", "released": False}
    assert {c["outcome"]: c["count"] for c in data["counts"]} == {"accept-oral": 0, "accept-poster": 1, "reject": 1, "none": 0}
    assert_no_author(response.content.decode())
    only_reject = api("chair")("GET", f"/venues/{rworld.venue.slug}/decisions?decision=reject").json()
    assert [r["public_id"] for r in only_reject["items"]] == [rworld.paper.public_id]
    paged = api("chair")("GET", f"/venues/{rworld.venue.slug}/decisions?sort=-number&limit=1&offset=1").json()
    assert paged["count"] == 2 and [r["number"] for r in paged["items"]] == [min(rworld.paper.number, rworld.other_paper.number)]


def test_chair_sets_decisions_in_bulk_through_the_service(rworld, api):
    call = api("chair")
    url = f"/venues/{rworld.venue.slug}/decisions"
    papers = [rworld.paper.public_id, rworld.other_paper.public_id]
    done = call("POST", url, {"papers": papers + ["zzzzzzzz"], "outcome": "accept-poster"})
    assert done.status_code == 200, done.content
    assert sorted(done.json()["changed"]) == sorted([rworld.paper.number, rworld.other_paper.number])
    assert done.json()["refused"] == [f"No paper of {rworld.venue.short_name} has the id 'zzzzzzzz'."]
    rworld.paper.refresh_from_db()
    assert rworld.paper.decision.outcome == "accept-poster"
    cleared = call("POST", url, {"papers": [rworld.paper.public_id], "outcome": ""})
    assert cleared.json()["changed"] == [rworld.paper.number]
    unknown = call("POST", url, {"papers": papers, "outcome": "maybe"})
    assert unknown.status_code == 400 and unknown.json()["detail"].startswith("Unknown outcome 'maybe'.")
    assert call("POST", url, {"papers": ["zzzzzzzz"], "outcome": "reject"}).status_code == 400
    assert call("POST", url, {"papers": [], "outcome": "reject"}).status_code == 422
    assert call("POST", url, {"papers": ["not an id"], "outcome": "reject"}).status_code == 422


def test_a_conflicted_chair_sees_the_paper_but_nothing_of_its_reviewing(rworld, api, make_user, django_capture_on_commit_callbacks):
    _decide_and_release(rworld, django_capture_on_commit_callbacks, release=False)
    cora = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=rworld.venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=cora, source=Conflict.Source.INSTITUTION, reason="Same lab")
    rworld.people["conflicted_chair"] = cora
    call = api("conflicted_chair")
    response = call("GET", f"/venues/{rworld.venue.slug}/decisions")
    row = next(r for r in response.json()["items"] if r["public_id"] == rworld.paper.public_id)
    assert row == {"public_id": rworld.paper.public_id, "number": rworld.paper.number, "title": "The canary paper",
                   "track": rworld.paper.track.slug, "conflict": True}
    refused = call("POST", f"/venues/{rworld.venue.slug}/decisions", {"papers": [rworld.paper.public_id], "outcome": "accept-oral"}).json()
    assert refused["changed"] == [] and "conflict" in refused["refused"][0]
    rworld.paper.refresh_from_db()
    assert rworld.paper.decision.outcome == "reject"


@pytest.mark.parametrize("role", ["reviewer", "area_chair", "author", "unassigned_reviewer"])
def test_the_decision_table_is_a_404_for_everyone_but_the_chairs(rworld, api, role):
    call = api(role)
    listed = call("GET", f"/venues/{rworld.venue.slug}/decisions")
    missing = call("GET", "/venues/no-such-venue/decisions")
    assert listed.status_code == missing.status_code == 404 and listed.json() == missing.json()
    written = call("POST", f"/venues/{rworld.venue.slug}/decisions", {"papers": [rworld.paper.public_id], "outcome": "accept-oral"})
    assert written.status_code == 404
    assert not Decision.objects.exists()
