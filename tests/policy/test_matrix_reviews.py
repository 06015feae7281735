"""The access-policy matrix for reviewing and decisions: every role, in each phase (while
reviewing; after the decisions are released), against every object (review text, score,
comments to the chairs, reviewer identity, alias, discussion post, meta-review, area chair
identity, decision, author identity) through every channel it could leak by: HTML pages,
the API (its reviewing endpoints too, also checked alone), CSV/JSON exports, e-mails
(mail.outbox) and file downloads.

Each object carries a canary (a unique string). For each role we gather everything that
role receives, and a canary must be present exactly when the policy says the role may see
the object: absent is a leak test, present proves the feature works.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperdesk.api.models import ApiToken
from paperdesk.committee import services as reviewing_services
from paperdesk.decisions import services as decision_services
from paperdesk.reviews import reminders
from paperdesk.submissions.models import Upload
from tests.reviews.fixtures import rworld  # noqa: F401 - the world fixture
from tests.reviews.review_world import (
    CANARY_AC,
    CANARY_AUTHOR,
    CANARY_AUTHOR_EMAIL,
    CANARY_REVIEWER,
    CHAIRS_ONLY_TEXT,
    META_TEXT,
    POST_TEXT,
    REVIEW_TEXT,
    review_post_data,
)

ROLES = ["chair", "area_chair", "reviewer", "unassigned_reviewer", "conflicted_reviewer", "author", "other_author", "anonymous"]
PHASES = ["reviewing", "released"]

SECOND_REVIEW_SCORE = '<span class="score">1: Strong reject</span>'  # the other reviewer's score, as a review card shows it
SECOND_ALIAS_CARD = 'class="review-label">Reviewer 2'  # the alias heading the other review (chairs: with the name)
DECISION = 'outcome-reject">Reject<'  # the decision on the canary paper, as chairs and authors see it

# object -> phase -> roles that see it. Roles see their own name in the page header:
# the reviewer's identity is theirs to see, the area chair's theirs.
EXPECTED = {
    "review_text": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "score": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "alias": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "comments_to_chairs": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer"}},
    # the paper's area chair too, as the venue allows by default (reviewing.area_chairs_see_reviewer_names)
    "reviewer_identity": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer"}},
    "discussion_post": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer"}},
    "meta_review": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "area_chair_identity": {"reviewing": {"chair", "area_chair"}, "released": {"chair", "area_chair"}},
    "decision": {"reviewing": {"chair"}, "released": {"chair", "author"}},
    "author_identity": {"reviewing": {"chair", "author"}, "released": {"chair", "author"}},
    "author_email": {"reviewing": {"chair", "author"}, "released": {"chair", "author"}},
}
CANARIES = {
    "review_text": REVIEW_TEXT,
    "score": SECOND_REVIEW_SCORE,
    "alias": SECOND_ALIAS_CARD,
    "comments_to_chairs": CHAIRS_ONLY_TEXT,
    "reviewer_identity": CANARY_REVIEWER,
    "discussion_post": POST_TEXT,
    "meta_review": META_TEXT,
    "area_chair_identity": CANARY_AC,
    "decision": DECISION,
    "author_identity": CANARY_AUTHOR,
    "author_email": CANARY_AUTHOR_EMAIL,
}

# channel -> roles answered with 200; everyone else must get the same 404 as a missing object.
ACCESS = {
    "review_page": {"chair", "area_chair", "reviewer"},
    "reviewer_pdf": {"chair", "area_chair", "reviewer"},
    "discussion": {"chair", "area_chair", "reviewer"},
    "original_pdf": {"chair", "author"},
    "author_results": {"author"},
    "decision_table": {"chair"},
    "release_page": {"chair"},
    "dashboard": {"chair"},
    "export_json": {"chair"},
    "export_csv": {"chair"},
    "export_reviews_csv": {"chair"},
    "area_chair_batch": {"area_chair"},
}
PUBLIC = ["accepted_page", "program_json", "reviewer_dashboard_or_login", "api_detail"]

# The reviewing API (token auth): channel -> {status: roles}; every other signed-in role gets
# the same 404 as a missing object, anonymous callers a 401.
API_ACCESS = {
    "api_review_form": {200: set(ROLES) - {"anonymous"}},
    "api_assignments": {200: set(ROLES) - {"anonymous"}},
    "api_my_review": {200: {"reviewer"}},
    "api_reviews": {200: {"chair", "area_chair", "reviewer"}},
    "api_discussion": {200: {"chair", "area_chair", "reviewer"}},
    "api_meta_review": {200: {"chair", "area_chair"}},
    "api_results": {200: {"author"}},
    "api_decisions": {200: {"chair"}},
    # Bidding says why it is closed to someone outside the pool (the venue is public; no paper is named).
    "api_bidding": {200: {"reviewer", "unassigned_reviewer", "conflicted_reviewer"}, 403: {"chair", "area_chair", "author", "other_author"}},
    "api_bids": {200: {"reviewer", "unassigned_reviewer", "conflicted_reviewer"}, 403: {"chair", "area_chair", "author", "other_author"}},
}

# What reaches each role through the API alone (JSON as the API writes it). Reviewers and
# area chairs are never named there (not even to themselves: that is /api/me); the decision
# reaches the authors only after release.
API_EXPECTED = {
    "review_text": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "score": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "alias": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    "comments_to_chairs": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer"}},
    "other_comments_to_chairs": {"reviewing": {"chair", "area_chair"}, "released": {"chair", "area_chair"}},
    "reviewer_identity": {"reviewing": {"chair", "area_chair"}, "released": {"chair", "area_chair"}},
    "discussion_post": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer"}},
    "meta_review": {"reviewing": {"chair", "area_chair", "reviewer"}, "released": {"chair", "area_chair", "reviewer", "author"}},
    # the area chair reads their own name beside their alias, as the reviewers' names
    "area_chair_identity": {"reviewing": {"chair", "area_chair"}, "released": {"chair", "area_chair"}},
    "decision": {"reviewing": {"chair"}, "released": {"chair", "author"}},
    "author_identity": {"reviewing": {"chair", "author"}, "released": {"chair", "author"}},
    "author_email": {"reviewing": {"chair", "author"}, "released": {"chair", "author"}},
}
API_CANARIES = {
    **CANARIES,
    "score": '"overall_label": "Strong reject"',  # the second review's score
    "alias": '"alias": "Reviewer 2"',
    "other_comments_to_chairs": "r2 note",  # the second reviewer's comments to the chairs
    "decision": '"decision": {"outcome": "reject"',  # the decision cell (chairs) and the released decision (authors)
}


def prepare(world, phase: str, capture) -> None:
    """Reviews, a meta-review, a discussion post, reminders, decisions, and (in the released
    phase) the release: every e-mail this sends lands in mail.outbox."""
    venue, paper = world.venue, world.paper
    # The conflicted reviewer's conflict as they would declare it, so that recomputing
    # conflicts (the bidding list does) keeps it.
    reviewing_services.reviewer_declare(venue=venue, actor=world.people["conflicted_reviewer"],
                                        data=reviewing_services.DeclarationInput(note="Same lab"), submission=paper)
    with capture(execute=True):
        world.client("reviewer").post(reverse("reviews:save", args=[paper.public_id]),
                                      review_post_data(venue, overall=5, action="submit"))
        world.client("reviewer2").post(reverse("reviews:save", args=[paper.public_id]),
                                       review_post_data(venue, overall=1, text="Second opinion", comments="r2 note", action="submit"))
        world.client("area_chair").post(reverse("reviews:meta_review", args=[paper.public_id]),
                                        {"recommendation": "reject", "text": META_TEXT, "action": "submit"})
        world.client("reviewer").post(reverse("reviews:discussion", args=[paper.public_id]), {"body": POST_TEXT})
    reminders.send_review_reminders(venue, venue.review_deadline - dt.timedelta(hours=12))
    chair = world.client("chair")
    chair.post(reverse("decisions:bulk_set", args=[venue.slug]), {"paper": [paper.public_id], "outcome": "reject"})
    chair.post(reverse("decisions:bulk_set", args=[venue.slug]), {"paper": [world.other_paper.public_id], "outcome": "accept-poster"})
    if phase == "released":
        with capture(execute=True):
            chair.post(reverse("decisions:release", args=[venue.slug]),
                       {"subject": decision_services.DEFAULT_SUBJECT, "body": decision_services.DEFAULT_BODY, "action": "release", "confirmed": "yes"})


def urls(world) -> dict[str, str]:
    paper, venue = world.paper, world.venue
    original = Upload.objects.get(submission=paper, kind=Upload.Kind.PAPER)
    return {
        "review_page": reverse("reviews:paper", args=[paper.public_id]),
        "reviewer_pdf": reverse("reviews:pdf", args=[paper.public_id]),
        "discussion": reverse("reviews:discussion", args=[paper.public_id]),
        "original_pdf": reverse("submissions:download", args=[original.public_id]),
        "author_results": reverse("decisions:author", args=[paper.public_id]),
        "decision_table": reverse("decisions:table", args=[venue.slug]),
        "release_page": reverse("decisions:release", args=[venue.slug]),
        "dashboard": reverse("decisions:dashboard", args=[venue.slug]),
        "export_json": reverse("decisions:export_json", args=[venue.slug]),
        "export_csv": reverse("decisions:export_csv", args=[venue.slug]),
        "export_reviews_csv": reverse("decisions:export_reviews_csv", args=[venue.slug]),
        "area_chair_batch": reverse("reviews:area_chair", args=[venue.slug]),
        "accepted_page": reverse("cameraready:accepted", args=[venue.slug]),
        "program_json": reverse("cameraready:program_json", args=[venue.slug]),
        "reviewer_dashboard_or_login": reverse("reviews:dashboard"),
        "api_detail": f"/api/submissions/{paper.public_id}",
        "api_review_form": f"/api/venues/{venue.slug}/review-form",
        "api_assignments": f"/api/venues/{venue.slug}/assignments",
        "api_my_review": f"/api/papers/{paper.public_id}/review",
        "api_reviews": f"/api/papers/{paper.public_id}/reviews",
        "api_discussion": f"/api/papers/{paper.public_id}/discussion",
        "api_meta_review": f"/api/papers/{paper.public_id}/meta-review",
        "api_results": f"/api/submissions/{paper.public_id}/results",
        "api_decisions": f"/api/venues/{venue.slug}/decisions",
        "api_bidding": f"/api/venues/{venue.slug}/bidding",
        "api_bids": f"/api/venues/{venue.slug}/bids",
    }


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return raw.decode("utf-8", "replace")


def gather(world, role: str) -> tuple[dict[str, int], str, str]:
    """Every channel's status for this role, everything the role received as one text, and
    what the API's channels alone gave it."""
    client = Client()
    headers = {}
    if role != "anonymous":
        user = world.people[role]
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'matrix')[1]}"}
    statuses, corpus, api_corpus = {}, [], []
    for channel, url in urls(world).items():
        response = client.get(url, follow=True, **(headers if channel.startswith("api") else {}))
        statuses[channel] = response.status_code
        corpus.append(body_of(response))
        if channel.startswith("api"):
            api_corpus.append(corpus[-1])
    if role != "anonymous":
        address = world.people[role].email
        for message in mail.outbox:
            if address in message.to:
                corpus.append(message.subject + "\n" + message.body)
    return statuses, "\n".join(corpus), "\n".join(api_corpus)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_review_matrix(rworld, role, phase, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    prepare(rworld, phase, django_capture_on_commit_callbacks)
    statuses, corpus, api_corpus = gather(rworld, role)
    for channel, allowed in ACCESS.items():
        expected = 200 if role in allowed else 404
        assert statuses[channel] == expected, (role, phase, channel, statuses[channel])
    for channel, by_status in API_ACCESS.items():
        assert statuses[channel] == api_status(by_status, role), (role, phase, channel, statuses[channel])
    for name, canary in CANARIES.items():
        should = role in EXPECTED[name][phase]
        assert (canary in corpus) == should, f"{role} in phase {phase}: {name} {'missing' if should else 'LEAKED'}"
    # The same objects through the API alone: present exactly where the policy lets the role
    # see them over the API.
    for name, canary in API_CANARIES.items():
        should = role in API_EXPECTED[name][phase]
        assert (canary in api_corpus) == should, f"{role} in phase {phase} (API): {name} {'missing' if should else 'LEAKED'}"


def api_status(by_status: dict[int, set], role: str) -> int:
    if role == "anonymous":
        return 401
    return next((status for status, roles in by_status.items() if role in roles), 404)


def test_a_conflicted_chair_gets_nothing_of_the_papers_reviewing_through_the_api(rworld, make_user, django_capture_on_commit_callbacks):
    from paperdesk.committee.models import Conflict
    from paperdesk.venues.models import VenueRole

    prepare(rworld, "reviewing", django_capture_on_commit_callbacks)
    cora = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=rworld.venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=cora, source=Conflict.Source.INSTITUTION, reason="Same lab")
    rworld.people["conflicted_chair"] = cora
    statuses, _, corpus = gather(rworld, "conflicted_chair")
    assert statuses["api_reviews"] == statuses["api_results"] == statuses["api_my_review"] == 404
    assert statuses["api_discussion"] == statuses["api_meta_review"] == 404
    assert statuses["api_decisions"] == 200 and '"conflict": true' in corpus
    for name in ("review_text", "score", "alias", "comments_to_chairs", "other_comments_to_chairs", "reviewer_identity",
                 "discussion_post", "meta_review", "area_chair_identity", "decision"):
        assert API_CANARIES[name] not in corpus, f"conflicted chair (API): {name} LEAKED"


@pytest.mark.parametrize("role", ROLES)
def test_reviewing_writes_through_the_api_follow_the_policy(rworld, role):
    """Writing a review, deciding and bidding: allowed to the roles the pages allow; a
    refusal is the 404 of a missing object (401 without a token) and changes nothing."""
    from paperdesk.committee.models import Bid
    from paperdesk.decisions.models import Decision
    from paperdesk.reviews.models import Review

    client, headers = Client(), {}
    if role != "anonymous":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(rworld.people[role], 'matrix')[1]}"}
    paper, venue = rworld.paper, rworld.venue

    def send(method, url, body):
        return getattr(client, method)(url, data=json.dumps(body), content_type="application/json", **headers).status_code

    writes = {
        "review": (send("put", f"/api/papers/{paper.public_id}/review", {"answers": {"summary": REVIEW_TEXT}}), {"reviewer"},
                   Review.objects.filter(assignment__submission=paper).exists()),
        "decision": (send("post", f"/api/venues/{venue.slug}/decisions", {"papers": [paper.public_id], "outcome": "reject"}), {"chair"},
                     Decision.objects.filter(submission=paper).exists()),
        "bid": (send("put", f"/api/venues/{venue.slug}/bids/{paper.public_id}", {"value": "eager"}), {"reviewer", "unassigned_reviewer"},
                Bid.objects.filter(submission=paper).exists()),
    }
    for name, (status, allowed, written) in writes.items():
        expected = 200 if role in allowed else (401 if role == "anonymous" else 404)
        assert status == expected, (role, name, status)
        assert written == (role in allowed), (role, name, "written" if written else "not written")


@pytest.mark.parametrize("role", ROLES)
def test_discussion_and_meta_review_writes_through_the_api_follow_the_policy(rworld, role, django_capture_on_commit_callbacks):
    """A discussion post (once the reviewer has reviewed) and a meta-review: allowed to the
    roles the page allows; a refusal is the 404 of a missing object (401 without a token)
    and writes nothing; a post's e-mails reach the others who may read the thread."""
    from paperdesk.reviews.models import DiscussionPost, MetaReview

    rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]),
                                   review_post_data(rworld.venue, overall=5, action="submit"))
    client, headers = Client(), {}
    if role != "anonymous":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(rworld.people[role], 'matrix')[1]}"}
    paper = rworld.paper
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        posted = client.post(f"/api/papers/{paper.public_id}/discussion", data=json.dumps({"body": POST_TEXT}),
                             content_type="application/json", **headers).status_code
    meta = client.put(f"/api/papers/{paper.public_id}/meta-review", data=json.dumps({"recommendation": "reject", "text": META_TEXT}),
                      content_type="application/json", **headers).status_code
    refused = 401 if role == "anonymous" else 404
    may_post, may_meta = role in ACCESS["discussion"], role in {"chair", "area_chair"}
    assert posted == (201 if may_post else refused), (role, posted)
    assert meta == (200 if may_meta else refused), (role, meta)
    assert DiscussionPost.objects.filter(submission=paper).exists() == may_post
    assert MetaReview.objects.filter(submission=paper).exists() == may_meta
    told = {r for r in ROLES if r != "anonymous" and any(rworld.people[r].email in m.to for m in mail.outbox)}
    assert told == (ACCESS["discussion"] - {role} if may_post else set()), (role, told)


@pytest.mark.parametrize("role", ["unassigned_reviewer", "conflicted_reviewer", "other_author", "author", "anonymous"])
def test_forbidden_review_pages_look_exactly_like_missing_ones(rworld, role):
    from tests.policy.test_matrix import without_csrf

    client = rworld.client(role)
    for name in ("paper", "pdf", "discussion"):
        forbidden = client.get(reverse(f"reviews:{name}", args=[rworld.paper.public_id]))
        missing = client.get(reverse(f"reviews:{name}", args=["nosuchpaper"]))
        assert forbidden.status_code == missing.status_code == 404
        assert without_csrf(forbidden.content) == without_csrf(missing.content)


def test_reviewer_pdf_download_carries_no_author_in_any_metadata(rworld):
    response = rworld.client("reviewer").get(reverse("reviews:pdf", args=[rworld.paper.public_id]))
    data = b"".join(response.streaming_content)
    for needle in (b"Zebulon", b"Canarywhistle", b"Ada Lovelace", b"Lovelace"):
        assert needle not in data
    original = Upload.objects.get(submission=rworld.paper, kind=Upload.Kind.PAPER)
    from django.core.files.storage import default_storage

    with default_storage.open(original.blob, "rb") as handle:
        assert b"Canarywhistle" in handle.read()  # the canary really was in the file


def test_submission_detail_page_hides_authors_from_reviewers(rworld):
    client = rworld.client("reviewer")
    response = client.get(reverse("submissions:detail", args=[rworld.paper.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:paper", args=[rworld.paper.public_id])
    html = client.get(response["Location"]).content.decode()
    assert CANARY_AUTHOR not in html


def test_policy_functions_agree_with_the_matrix(rworld):
    from paperdesk import policy

    paper, people = rworld.paper, rworld.people
    roles = {r: people[r] for r in ROLES if r != "anonymous"}
    assert {r for r, u in roles.items() if policy.can_open_review_page(u, paper)} == ACCESS["review_page"]
    assert {r for r, u in roles.items() if policy.can_view_discussion(u, paper)} == {"chair", "area_chair"}  # reviewers: after their review
    assert {r for r, u in roles.items() if policy.can_view_reviewer_identities(u, paper)} == {"chair", "area_chair"}
    assert {r for r, u in roles.items() if policy.can_write_review(u, paper)} == {"reviewer"}
    assert {r for r, u in roles.items() if policy.can_write_meta_review(u, paper)} == {"chair", "area_chair"}
    assert {r for r, u in roles.items() if policy.can_decide(u, paper)} == {"chair"}
    assert not policy.can_view_reviews(None, paper) and not policy.can_view_discussion(None, paper)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_camera_ready_api_answers_only_the_authors_of_an_accepted_released_paper(rworld, role, phase, django_capture_on_commit_callbacks):
    """The other paper is accepted, the canary paper rejected: a camera-ready exists only for
    the first, once released, and only its authors reach it; to everyone else it is missing."""
    prepare(rworld, phase, django_capture_on_commit_callbacks)
    client = Client()
    headers = {}
    if role != "anonymous":
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(rworld.people[role], 'matrix')[1]}"}
    missing = client.get("/api/submissions/nosuchpaper/camera-ready", **headers)
    for paper, owner in ((rworld.other_paper, "other_author"), (rworld.paper, None)):
        response = client.get(f"/api/submissions/{paper.public_id}/camera-ready", **headers)
        if role == "anonymous":
            assert response.status_code == 401
        elif role == owner and phase == "released":
            assert response.status_code == 200 and response.json()["published"]["title"] == paper.title
        else:
            assert (response.status_code, response.content) == (missing.status_code, missing.content) == (404, missing.content), (role, phase)
        assert CANARY_AUTHOR not in body_of(response) and CANARY_REVIEWER not in body_of(response)
