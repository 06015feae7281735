"""The discussion and the meta-review over the API: the thread as the page's selector builds
it for each viewer (aliases, names for the chairs alone, sanitised HTML beside the Markdown),
posts with the page's limits and e-mails, and the area chair's meta-review (draft, submit,
recommendation from the venue's outcomes). Every call goes through the real API with a token,
in the reviews tests' world."""

from __future__ import annotations

import json

import pytest
from api_helpers import bearer
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperdesk.committee.models import Conflict
from paperdesk.decisions import services as decision_services
from paperdesk.reviews.forms import DISCUSSION_MAX_CHARS, META_REVIEW_MAX_CHARS
from paperdesk.reviews.models import DiscussionPost, MetaReview
from paperdesk.reviews.selectors import discussion_for
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import VenueRole
from tests.reviews.fixtures import rworld  # noqa: F401 - fixture
from tests.reviews.review_world import (
    CANARY_AC,
    CANARY_AUTHOR,
    CANARY_AUTHOR_EMAIL,
    CANARY_REVIEWER,
    META_TEXT,
    POST_TEXT,
    hide_reviewer_names_from_area_chairs,
    review_post_data,
)

EVIL = f"**{POST_TEXT}** <script>alert('x')</script> [link](javascript:alert(1)) <img src=x onerror=alert(1)>"


@pytest.fixture
def api(rworld, token_for):
    """`api(role)(method, path, body=None)`: the API called with that person's token."""

    def as_role(role: str):
        client = Client()
        headers = {} if role == "anonymous" else {f"HTTP_{k.upper()}": v for k, v in bearer(token_for(rworld.people[role])).items()}

        def call(method: str, path: str, body=None):
            data = body if isinstance(body, str) else (json.dumps(body) if body is not None else "")
            return getattr(client, method.lower())(f"/api{path}", data=data, content_type="application/json", **headers)

        return call

    return as_role


def submit_page_review(world, role: str) -> None:
    response = world.client(role).post(reverse("reviews:save", args=[world.paper.public_id]), review_post_data(world.venue, action="submit"))
    assert response.status_code == 302


def thread(world) -> str:
    return f"/papers/{world.paper.public_id}/discussion"


def meta(world) -> str:
    return f"/papers/{world.paper.public_id}/meta-review"


def conflicted_chair(world, make_user):
    cora = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=world.venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=world.paper, user=cora, source=Conflict.Source.INSTITUTION, reason="Same lab")
    world.people["conflicted_chair"] = cora


# --- the thread -------------------------------------------------------------------------------


def test_the_discussion_opens_for_a_reviewer_after_their_review(rworld, api):
    call = api("reviewer")
    before = call("GET", thread(rworld))
    assert before.status_code == 200
    data = before.json()
    assert data["open"] is False and data["posts"] == [] and "once you have submitted your review" in data["hidden_reason"]
    assert data["can_post"]["allowed"] is False
    refused = call("POST", thread(rworld), {"body": "hello"})
    assert refused.status_code == 403 and "once you have submitted your review" in refused.json()["detail"]
    assert not DiscussionPost.objects.exists()
    submit_page_review(rworld, "reviewer")
    after = call("GET", thread(rworld)).json()
    assert after["open"] is True and after["hidden_reason"] == "" and after["can_post"] == {"allowed": True, "reason": ""}
    assert after["max_chars"] == DISCUSSION_MAX_CHARS
    assert call("POST", thread(rworld), {"body": "hello"}).status_code == 201


def test_a_post_comes_back_rendered_inert_with_its_markdown_and_mails_as_the_page(rworld, api, django_capture_on_commit_callbacks):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    submit_page_review(rworld, "reviewer")
    submit_page_review(rworld, "reviewer2")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = api("reviewer")("POST", thread(rworld), {"body": f"  {EVIL}\n"})
    assert response.status_code == 201 and response["Content-Type"] == "application/json; charset=utf-8"
    assert response["X-Content-Type-Options"] == "nosniff"
    post = response.json()
    assert post["label"] == "You" and post["mine"] is True and post["markdown"] == EVIL
    assert f"<strong>{POST_TEXT}</strong>" in post["html"]
    for bad in ("<script", "onerror", "javascript:", "<img"):
        assert bad not in post["html"], bad
    stored = DiscussionPost.objects.get()
    assert stored.public_id == post["public_id"] and stored.body == EVIL and stored.author == rworld.people["reviewer"]
    # E-mails: to everyone else taking part, each told what they may know of the writer.
    people = rworld.people
    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert set(by_recipient) == {people["chair"].email, people["area_chair"].email, people["reviewer2"].email}
    assert "Reviewer 1 wrote" in by_recipient[people["reviewer2"].email] and CANARY_REVIEWER not in by_recipient[people["reviewer2"].email]
    assert CANARY_REVIEWER not in by_recipient[people["area_chair"].email]
    assert f"Reviewer 1 ({CANARY_REVIEWER}) wrote" in by_recipient[people["chair"].email]


def test_each_viewer_reads_the_thread_as_the_page_shows_it(rworld, api):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    submit_page_review(rworld, "reviewer")
    submit_page_review(rworld, "reviewer2")
    for role, text in (("reviewer", POST_TEXT), ("area_chair", "The AC *asks*."), ("chair", "Chairs here.")):
        assert api(role)("POST", thread(rworld), {"body": text}).status_code == 201
    labels = {
        "reviewer2": ["Reviewer 1", "Area chair 1", "Program chair"],
        "reviewer": ["You", "Area chair 1", "Program chair"],
        "area_chair": ["Reviewer 1", "You", "Program chair"],
        "chair": [f"Reviewer 1 ({CANARY_REVIEWER})", f"Area chair 1 ({CANARY_AC})", "You"],
    }
    for role, expected in labels.items():
        response = api(role)("GET", thread(rworld))
        posts = response.json()["posts"]
        assert [p["label"] for p in posts] == expected, role
        assert [p["markdown"] for p in posts] == [POST_TEXT, "The AC *asks*.", "Chairs here."]
        assert posts[1]["html"] == "<p>The AC <em>asks</em>.</p>"
        page = discussion_for(rworld.people[role], rworld.paper)
        assert [(p["public_id"], p["label"], p["html"], p["mine"]) for p in posts] == [(p.public_id, p.label, p.html, p.is_mine) for p in page]
        body = response.content.decode()
        assert CANARY_AUTHOR not in body and CANARY_AUTHOR_EMAIL not in body
        if role != "chair":
            assert CANARY_REVIEWER not in body and CANARY_AC not in body and "Pat Chair" not in body, role


def test_posts_have_the_pages_limits_and_messages(rworld, api):
    submit_page_review(rworld, "reviewer")
    call = api("reviewer")
    oversized = call("POST", thread(rworld), {"body": "x" * (DISCUSSION_MAX_CHARS + 1)})
    assert oversized.status_code == 413
    assert oversized.json() == {"detail": f"Your post is {DISCUSSION_MAX_CHARS + 1:,} characters long; a post may have at most "
                                          f"{DISCUSSION_MAX_CHARS:,}. Shorten it or split it into several posts.", "field": "body"}
    empty = call("POST", thread(rworld), {"body": "  \n "})
    assert empty.status_code == 400 and empty.json() == {"detail": "Write something before posting.", "field": "body"}
    for bad in ({}, {"body": None}, {"body": 3}, {"body": "hi", "extra": 1}, {"body": "nul\x00byte"}, {"body": "x" * 100_001}):
        assert call("POST", thread(rworld), bad).status_code == 422, bad
    assert call("POST", thread(rworld), "{not json").status_code in (400, 422)
    assert not DiscussionPost.objects.exists()
    Submission.objects.filter(pk=rworld.paper.pk).update(status=Submission.Status.WITHDRAWN)
    closed = call("POST", thread(rworld), {"body": "still there?"})
    assert closed.status_code == 403 and closed.json()["detail"] == "This paper was withdrawn; its discussion is closed."
    assert call("GET", thread(rworld)).json()["can_post"] == {"allowed": False, "reason": "This paper was withdrawn; its discussion is closed."}
    assert not DiscussionPost.objects.exists()


@pytest.mark.parametrize("role", ["author", "other_author", "conflicted_reviewer", "unassigned_reviewer", "conflicted_chair"])
def test_the_discussion_of_a_paper_looks_missing_to_those_outside_it(rworld, api, make_user, role):
    conflicted_chair(rworld, make_user)
    submit_page_review(rworld, "reviewer")
    api("reviewer")("POST", thread(rworld), {"body": POST_TEXT})
    call = api(role)
    missing = call("GET", "/papers/nosuchpaper/discussion")
    for method, body in (("GET", None), ("POST", {"body": "let me in"})):
        forbidden = call(method, thread(rworld), body)
        assert forbidden.status_code == 404 and forbidden.json() == missing.json() == {"detail": "Not found.", "field": None}
        assert POST_TEXT not in forbidden.content.decode()
    assert DiscussionPost.objects.count() == 1
    assert api("anonymous")("GET", thread(rworld)).status_code == 401
    assert api("anonymous")("POST", thread(rworld), {"body": "x"}).status_code == 401


# --- the meta-review --------------------------------------------------------------------------


def test_area_chair_drafts_and_submits_the_meta_review(rworld, api):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    submit_page_review(rworld, "reviewer")
    call = api("area_chair")
    empty = call("GET", meta(rworld)).json()
    assert empty["state"] == "none" and empty["recommendation"] == "" and empty["text"] == "" and empty["max_chars"] == META_REVIEW_MAX_CHARS
    assert [o["slug"] for o in empty["outcomes"]] == [o.slug for o in rworld.venue.spec.outcomes]
    assert empty["can_write"] == {"allowed": True, "reason": ""}
    first = call("PUT", meta(rworld), {"text": "No recommendation yet"})
    assert first.status_code == 400 and first.json() == {"detail": "Choose a recommendation.", "field": "recommendation"}
    unknown = call("PUT", meta(rworld), {"recommendation": "maybe", "text": "x"})
    assert unknown.status_code == 400 and unknown.json()["field"] == "recommendation"
    assert unknown.json()["detail"].startswith("“maybe” is not an outcome of this venue; choose one of: ")
    assert not MetaReview.objects.exists()
    draft = call("PUT", meta(rworld), {"recommendation": "accept-poster"})
    assert draft.status_code == 200
    assert draft.json() | {"outcomes": []} == {
        "paper": rworld.paper.public_id, "title": "The canary paper", "state": "draft", "recommendation": "accept-poster",
        "recommendation_name": "Accept (poster)", "text": "", "label": "Area chair", "outcomes": [], "max_chars": META_REVIEW_MAX_CHARS,
        "can_write": {"allowed": True, "reason": ""}}
    # Reviewers do not read a draft.
    assert api("reviewer")("GET", f"/papers/{rworld.paper.public_id}/reviews").json()["meta_review"] is None
    no_text = call("POST", f"{meta(rworld)}/submit")
    assert no_text.status_code == 400 and no_text.json()["detail"] == "Write the meta-review before submitting it: the authors will read it."
    kept = call("PUT", meta(rworld), {"text": f"  {META_TEXT}  "}).json()
    assert kept["recommendation"] == "accept-poster" and kept["text"] == META_TEXT and kept["state"] == "draft"
    submitted = call("POST", f"{meta(rworld)}/submit", {"recommendation": "reject"})
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted" and submitted.json()["recommendation"] == "reject"
    stored = MetaReview.objects.get(submission=rworld.paper)
    assert stored.submitted and stored.recommendation == "reject" and stored.text == META_TEXT and stored.author == rworld.people["area_chair"]
    seen = api("reviewer")("GET", f"/papers/{rworld.paper.public_id}/reviews").json()["meta_review"]
    assert seen["text"] == META_TEXT and seen["label"] == "Area chair"
    cleared = call("PUT", meta(rworld), {"text": ""})
    assert cleared.status_code == 400 and MetaReview.objects.get().text == META_TEXT  # a submitted one keeps its text
    assert CANARY_AC not in call("GET", meta(rworld)).content.decode()


def test_meta_review_limits_and_bad_input(rworld, api):
    hide_reviewer_names_from_area_chairs(rworld.venue)  # area chairs read aliases only
    call = api("chair")
    long = call("PUT", meta(rworld), {"recommendation": "reject", "text": "y" * (META_REVIEW_MAX_CHARS + 1)})
    assert long.status_code == 400 and long.json()["field"] == "text" and f"the limit is {META_REVIEW_MAX_CHARS:,}" in long.json()["detail"]
    for bad in ({"recommendation": "Not A Slug"}, {"recommendation": None}, {"text": 5}, {"other": "x"}, {"text": "bell\x07"}):
        assert call("PUT", meta(rworld), bad).status_code == 422, bad
    assert not MetaReview.objects.exists()
    done = call("POST", f"{meta(rworld)}/submit", {"recommendation": "accept-oral", "text": "Chair writes it."})
    assert done.status_code == 200 and done.json()["label"] == "Meta-review by Pat Chair"
    assert api("area_chair")("GET", meta(rworld)).json()["label"] == "Area chair"


def test_the_meta_review_is_final_once_the_decision_is_released(rworld, api, django_capture_on_commit_callbacks):
    api("area_chair")("POST", f"{meta(rworld)}/submit", {"recommendation": "reject", "text": META_TEXT})
    chair = rworld.client("chair")
    chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [rworld.paper.public_id], "outcome": "reject"})
    chair.post(reverse("decisions:bulk_set", args=[rworld.venue.slug]), {"paper": [rworld.other_paper.public_id], "outcome": "accept-poster"})
    with django_capture_on_commit_callbacks(execute=True):
        released = chair.post(reverse("decisions:release", args=[rworld.venue.slug]),
                              {"subject": decision_services.DEFAULT_SUBJECT, "body": decision_services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})
    assert released.status_code == 302
    call = api("area_chair")
    data = call("GET", meta(rworld)).json()
    assert data["state"] == "submitted" and data["can_write"]["allowed"] is False and "final" in data["can_write"]["reason"]
    refused = call("PUT", meta(rworld), {"text": "changed my mind"})
    assert refused.status_code == 403 and refused.json()["detail"] == "The decision on this paper has been released; the meta-review is final."
    assert MetaReview.objects.get().text == META_TEXT


@pytest.mark.parametrize("role", ["reviewer", "author", "other_author", "conflicted_reviewer", "unassigned_reviewer", "conflicted_chair"])
def test_the_meta_review_form_looks_missing_to_everyone_but_its_writers(rworld, api, make_user, role):
    conflicted_chair(rworld, make_user)
    submit_page_review(rworld, "reviewer")
    api("area_chair")("PUT", meta(rworld), {"recommendation": "reject", "text": META_TEXT})
    call = api(role)
    missing = call("GET", "/papers/nosuchpaper/meta-review")
    assert missing.status_code == 404
    for method, path, body in (("GET", meta(rworld), None), ("PUT", meta(rworld), {"recommendation": "accept-oral"}),
                               ("POST", f"{meta(rworld)}/submit", {"recommendation": "accept-oral", "text": "mine"})):
        forbidden = call(method, path, body)
        assert forbidden.status_code == 404 and forbidden.json() == missing.json(), (method, path)
        assert META_TEXT not in forbidden.content.decode()
    stored = MetaReview.objects.get()
    assert stored.recommendation == "reject" and not stored.submitted and stored.author == rworld.people["area_chair"]
