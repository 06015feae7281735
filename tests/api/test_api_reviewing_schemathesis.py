"""Property tests for the reviewing API, as in test_api_schemathesis.py: every reviewing
operation, called with generated valid and invalid input by the person it is for (the
reviewer for reviews and bids, the author for results, the chair for decisions and the
discussion, the area chair for the meta-review), never answers with a server error.

The world is the reviews tests' (a submitted paper with reviewers, an area chair, a chair,
another paper); generated ids, question keys and outcomes (recommendations too) are often swapped for real ones so
that the services behind the 404s and 400s are reached too.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from api_helpers import bearer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from test_api_schemathesis import wsgi_keeps_test_connection  # noqa: F401 - fixture

from tests.reviews.fixtures import at, rworld  # noqa: F401 - fixtures

MAX_EXAMPLES = 10  # per operation and mode: the reviewing world makes each call slower than a submission's

# operation -> who calls it
REVIEWING_OPERATIONS = {
    "GET /api/venues/{slug}/review-form": "reviewer",
    "GET /api/venues/{slug}/assignments": "reviewer",
    "GET /api/papers/{public_id}/review": "reviewer",
    "PUT /api/papers/{public_id}/review": "reviewer",
    "POST /api/papers/{public_id}/review/submit": "reviewer",
    "GET /api/papers/{public_id}/reviews": "reviewer",
    "GET /api/papers/{public_id}/discussion": "chair",  # the reviewer's thread opens after their review
    "POST /api/papers/{public_id}/discussion": "chair",
    "GET /api/papers/{public_id}/meta-review": "area_chair",
    "PUT /api/papers/{public_id}/meta-review": "area_chair",
    "POST /api/papers/{public_id}/meta-review/submit": "area_chair",
    "GET /api/papers/{public_id}/review-history": "chair",
    "GET /api/venues/{slug}/bidding": "reviewer",
    "GET /api/venues/{slug}/bids": "reviewer",
    "PUT /api/venues/{slug}/bids/{public_id}": "reviewer",
    "DELETE /api/venues/{slug}/bids/{public_id}": "reviewer",
    "GET /api/submissions/{public_id}/results": "author",
    "GET /api/venues/{slug}/decisions": "chair",
    "POST /api/venues/{slug}/decisions": "chair",
    # Chasing reviews (issue 11).
    "GET /api/venues/{slug}/late-reviews": "chair",
    "POST /api/venues/{slug}/late-reviews/remind": "chair",
    "POST /api/papers/{public_id}/review-deadline": "area_chair",
    "POST /api/papers/{public_id}/give-back": "reviewer2",
    "POST /api/venues/{slug}/papers/{public_id}/emergency-reviewer": "chair",
    "GET /api/venues/{slug}/papers/{public_id}/emergency-invitations": "chair",
    "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations": "chair",
    "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations/{invitation_id}/withdraw": "chair",
    # Review ratings and decisions from the area chairs' recommendations (issue 11).
    "PUT /api/papers/{public_id}/reviews/{review_id}/rating": "area_chair",
    "GET /api/papers/{public_id}/review-ratings": "chair",
    "GET /api/me/review-ratings": "reviewer",
    "GET /api/venues/{slug}/decisions/from-recommendations": "chair",
    "POST /api/venues/{slug}/decisions/from-recommendations": "chair",
    # Review-integrity hints (issue 11).
    "GET /api/papers/{public_id}/integrity-hints": "area_chair",
}


@pytest.fixture
def submitted_review(rworld):
    """The first reviewer's review, submitted through the page (before the WSGI handler keeps
    the test's connection: the test client puts back the signal that closes it)."""
    from django.urls import reverse

    from paperdesk.reviews.models import Review
    from tests.reviews.review_world import review_post_data

    saved = rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]),
                                           review_post_data(rworld.venue, action="submit"))
    assert saved.status_code == 302, saved.content.decode()[:500]
    return Review.objects.get(assignment=rworld.assignments["reviewer"])


@pytest.fixture
def reviewing_schema(rworld, submitted_review, wsgi_keeps_test_connection, token_for):
    from paperdesk.committee.models import EmergencyInvitation
    from paperdesk.wsgi import application

    review = submitted_review  # for the ratings to be about
    # A pending emergency invitation to withdraw (open until after the chasing calls' clock).
    invitation = EmergencyInvitation.objects.create(
        venue=rworld.venue, submission=rworld.paper, email="pending@elsewhere-lab.org", name="Pending Person", token="0" * 64,
        deadline=rworld.venue.review_deadline + dt.timedelta(days=5), invited_by=rworld.people["chair"],
        invited_at=rworld.venue.review_deadline)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    people = {role: bearer(token_for(rworld.people[role], "schemathesis")) for role in set(REVIEWING_OPERATIONS.values())}
    real = {
        "public_id": [rworld.paper.public_id, rworld.other_paper.public_id],
        "review_id": [review.public_id],
        # New review deadlines (chasing), some days after the venue's (see AFTER_THE_DEADLINE).
        "deadline": [f"{(rworld.venue.review_deadline + dt.timedelta(days=days)).astimezone(rworld.venue.tzinfo):%Y-%m-%d}" + time
                     for days, time in ((4, ""), (6, " 12:00"), (9, ""))],
        "slug": [rworld.venue.slug],
        "invitation_id": [invitation.public_id],
        "question": [q.key for q in rworld.venue.spec.review_form.questions],
        "outcome": [o.slug for o in rworld.venue.spec.outcomes] + [""],
    }
    return schema, people, real


def _realistic(strategy, real):
    """Keep the generated case, or (three draws in four) swap in real ids, question keys
    and outcomes."""

    def swap(drawn):
        case, pick = drawn
        if not pick:
            return case
        for name in ("public_id", "review_id", "slug", "invitation_id"):
            if case.path_parameters and name in case.path_parameters:
                values = real[name]
                case.path_parameters[name] = values[(pick - 1) % len(values)]
        body = case.body
        if isinstance(body, dict):
            if isinstance(body.get("answers"), dict):
                keys = real["question"]
                body["answers"] = {keys[i % len(keys)]: value for i, value in enumerate(body["answers"].values())}
            if isinstance(body.get("papers"), list):
                body["papers"] = real["public_id"][: max(1, len(body["papers"]))]
            if isinstance(body.get("outcome"), str):
                body["outcome"] = real["outcome"][pick % len(real["outcome"])]
            if isinstance(body.get("recommendation"), str):
                body["recommendation"] = real["outcome"][pick % len(real["outcome"])]
            # Chasing: a well-formed click key, a scope, a paper, a deadline, a reviewer, a reason.
            if isinstance(body.get("key"), str):
                body["key"] = f"schemathesis-{pick}"
            if isinstance(body.get("scope"), str):
                body["scope"] = ("late", "all")[pick % 2]
            if isinstance(body.get("paper"), str):
                body["paper"] = ["", *real["public_id"]][pick % 3]
            if isinstance(body.get("deadline"), str):
                body["deadline"] = real["deadline"][pick % 3]
            if isinstance(body.get("reviewer"), str):
                body["reviewer"] = "uma@rev.edu"
            # An emergency invitation: someone outside the pool, by name.
            if isinstance(body.get("email"), str):
                body["email"] = f"outsider{pick}@elsewhere-lab.org"
            if isinstance(body.get("name"), str):
                body["name"] = "Olga Outsider"
            if isinstance(body.get("kind"), str):
                body["kind"] = ("decline", "conflict")[pick % 2]
            if isinstance(body.get("reason"), str):
                body["reason"] = "Too close to my own work to judge it fairly."
            if isinstance(body.get("alias"), int):
                body["alias"] = 1 + pick % 2
            if isinstance(body.get("score"), int):
                body["score"] = 1 + pick % 3
        return case

    return st.tuples(strategy, st.integers(0, 3)).map(swap)


# A generated review is almost never complete, so submitting it is refused (400); the
# submit path is covered by test_api_reviewing.py. A meta-review is submitted with a real
# recommendation and a text on the area chair's own paper, rarely all three at once
# (test_api_discussion.py covers it).
RARELY_COMPLETE = {"POST /api/papers/{public_id}/review/submit", "POST /api/papers/{public_id}/meta-review/submit"}
# Chasing reviews is called a day after the venue's review deadline, when reviews are late.
AFTER_THE_DEADLINE = {"GET /api/venues/{slug}/late-reviews", "POST /api/venues/{slug}/late-reviews/remind",
                      "POST /api/papers/{public_id}/review-deadline", "POST /api/venues/{slug}/papers/{public_id}/emergency-reviewer",
                      "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations",
                      "POST /api/venues/{slug}/papers/{public_id}/emergency-invitations/{invitation_id}/withdraw"}
CASES = [
    pytest.param(label, mode, id=f"{mode.value}-{label}")
    for label in REVIEWING_OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_reviewing_operation_never_answers_with_a_server_error(reviewing_schema, rworld, at, label, mode):
    schema, people, real = reviewing_schema
    if label in AFTER_THE_DEADLINE:
        at(rworld.venue.review_deadline + dt.timedelta(days=1))
    headers = people[REVIEWING_OPERATIONS[label]]
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the OpenAPI description"
    statuses: dict[int, int] = {}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    @given(case=_realistic(operation.as_strategy(generation_mode=mode), real))
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    try:
        run()
    except Unsatisfiable:
        # In negative mode an operation whose every parameter accepts any value has no
        # invalid input to draw: one plain call then.
        assert mode is GenerationMode.NEGATIVE
        operation.Case(path_parameters={k: real[k][0] for k in operation.path_parameters} if operation.path_parameters else None) \
            .call_and_validate(headers=headers, checks=[not_a_server_error])
        return
    calls = sum(statuses.values())
    print(f"\n{label} [{mode.value}]: {calls} calls, statuses {dict(sorted(statuses.items()))}")
    assert calls >= 1
    assert all(status < 500 for status in statuses)
    if mode is GenerationMode.POSITIVE and label not in RARELY_COMPLETE:
        assert any(status < 300 for status in statuses), f"{label}: no valid call got through: {statuses}"
