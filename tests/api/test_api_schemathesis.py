"""Property tests from the OpenAPI description: every operation, called as a signed-in
author (the chairs' list: as the chair) with generated valid and invalid input, never
answers with a server error.

The schema is loaded from the WSGI application inside the test's database transaction,
which is seeded with a venue, the author's draft (with a checked PDF) and another author's
submission; generated path parameters are often swapped for those real ids so that the
handlers behind the 404 are exercised too.

(schemathesis' own pytest integration, `from_fixture(...).parametrize()`, does not run
under pytest 9.2: it writes `Node._nodeid`, which pytest no longer has. So each operation
is a plain parametrized test driving `APIOperation.as_strategy()` with Hypothesis.)
"""

from __future__ import annotations

import pytest
import schemathesis
from api_helpers import ATTESTED, bearer, finish_check
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

MAX_EXAMPLES = 25  # per operation and per mode (valid and invalid input)
OPERATIONS = [
    "GET /api/venues",
    "GET /api/venues/{slug}",
    "GET /api/me",
    "GET /api/submissions",
    "POST /api/venues/{slug}/submissions",
    "GET /api/venues/{slug}/submissions",
    "GET /api/submissions/{public_id}",
    "PATCH /api/submissions/{public_id}",
    "GET /api/submissions/{public_id}/versions",
    "POST /api/submissions/{public_id}/versions",
    "POST /api/submissions/{public_id}/submit",
    "POST /api/submissions/{public_id}/withdraw",
    "POST /api/submissions/{public_id}/restore",
    # Camera-ready: the seeded papers are not accepted, so past input validation these are
    # 404s here; tests/api/test_api_camera_ready.py covers them on an accepted paper.
    "GET /api/submissions/{public_id}/camera-ready",
    "POST /api/submissions/{public_id}/camera-ready/versions",
    "PUT /api/submissions/{public_id}/camera-ready/details",
    "PUT /api/submissions/{public_id}/camera-ready/hosting",
    # E-mail preferences.
    "GET /api/me/email-preferences",
    "PUT /api/me/email-preferences",
    # The author response: this venue has no response phase, so past input validation these
    # are 404s here; tests/reviews/test_author_response.py covers them on a venue with one.
    "GET /api/submissions/{public_id}/response",
    "PUT /api/submissions/{public_id}/response",
    "GET /api/papers/{public_id}/author-response",
    # Archival matches, as the chair: the seeded papers have none, so a dismissal is a 404
    # past input validation; tests/submissions/test_archival_status.py covers real ones.
    "GET /api/submissions/{public_id}/archival-matches",
    "POST /api/submissions/{public_id}/archival-matches/{match_id}/dismiss",
    # The chairs' outbox, as the chair: the seeded venue's messages (a resend of a made-up
    # id is a 404 past input validation); tests/mail/test_outbox_api.py covers real ones.
    "GET /api/venues/{slug}/outbox",
    "GET /api/venues/{slug}/outbox/{email_id}",
    "POST /api/venues/{slug}/outbox/{email_id}/resend",
    # Publishing the program, as the chair: the seeded venue has no accepted paper (counts of
    # zero); tests/api/test_api_program.py covers a venue with accepted papers.
    "GET /api/venues/{slug}/program/publication",
    "POST /api/venues/{slug}/program/publication",
    "DELETE /api/venues/{slug}/program/publication",
]
# Called as the chair; everything else as the author.
AS_THE_CHAIR = {"GET /api/venues/{slug}/submissions", "GET /api/submissions/{public_id}/archival-matches",
                "POST /api/submissions/{public_id}/archival-matches/{match_id}/dismiss", "GET /api/venues/{slug}/outbox",
                "GET /api/venues/{slug}/outbox/{email_id}", "POST /api/venues/{slug}/outbox/{email_id}/resend",
                "GET /api/venues/{slug}/program/publication", "POST /api/venues/{slug}/program/publication",
                "DELETE /api/venues/{slug}/program/publication"}


@pytest.fixture
def wsgi_keeps_test_connection():
    """A real WSGI handler closes "old" connections after each request; inside a test's
    transaction that would drop the test's data, so keep the connection (as Django's test
    client does)."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def api_schema(db, wsgi_keeps_test_connection, venue, author, other_author, chair, draft, pdf_bytes, token_for):
    import io

    from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create, upload_add
    from paperdesk.wsgi import application

    upload = upload_add(submission=draft, actor=author, stream=io.BytesIO(pdf_bytes), original_name="paper.pdf")
    finish_check(upload.public_id)
    theirs = submission_create(
        venue=venue,
        actor=other_author,
        data=SubmissionInput(
            title="Someone else's paper",
            abstract="Not yours to see.",
            track="short",
            primary_topic="circuits",
            contribution_type="empirical",
            authors=[AuthorInput("grace@navy.mil.edu", "Grace Hopper")],
            attestations=dict(ATTESTED),
        ),
    )
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    real_ids = {"public_id": [draft.public_id, theirs.public_id], "slug": [venue.slug]}
    people = {"author": bearer(token_for(author, "schemathesis")), "chair": bearer(token_for(chair, "schemathesis"))}
    return schema, people, real_ids


# Values the venue knows, swapped into generated bodies so that valid requests get past
# "unknown track" and "you must be an author" into the services and the database.
REAL_BODY = {"track": "short", "primary_topic": "circuits", "contribution_type": "empirical"}


def _realistic(strategy, real_ids):
    """Keep the generated case, or (three draws in four) swap in real ids and slugs."""

    def swap(drawn):
        case, pick = drawn
        if not pick:
            return case
        for name, values in real_ids.items():
            if case.path_parameters and name in case.path_parameters:
                case.path_parameters[name] = values[(pick - 1) % len(values)]
        if isinstance(case.body, dict):
            case.body.update({k: v for k, v in REAL_BODY.items() if k in case.body})
            if isinstance(case.body.get("secondary_topics"), list):
                case.body["secondary_topics"] = ["model-biology"][: len(case.body["secondary_topics"])]
            authors = case.body.get("authors")
            for position, author in enumerate(authors if isinstance(authors, list) else []):
                if isinstance(author, dict):
                    author["email"] = "ada@uni.edu" if position == 0 else f"coauthor{position}@uni.edu"
        return case

    return st.tuples(strategy, st.integers(0, 3)).map(swap)


# Operations whose every parameter accepts any value have no invalid input to generate.
NOTHING_INVALID = {"GET /api/venues", "GET /api/venues/{slug}"}
CASES = [
    pytest.param(label, mode, id=f"{mode.value}-{label}")
    for label in OPERATIONS
    for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    if not (mode is GenerationMode.NEGATIVE and label in NOTHING_INVALID)
]


@pytest.mark.parametrize(("label", "mode"), CASES)
def test_api_operation_never_answers_with_a_server_error(api_schema, label, mode):
    schema, people, real_ids = api_schema
    # The chairs' operations are exercised as the chair (as an author they are 404s throughout).
    headers = people["chair" if label in AS_THE_CHAIR else "author"]
    operation = schema.find_operation_by_label(label)
    assert operation is not None, f"{label} is not in the OpenAPI description"
    statuses: dict[int, int] = {}

    @settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True, database=None)
    @given(case=_realistic(operation.as_strategy(generation_mode=mode), real_ids))
    def run(case):
        response = case.call_and_validate(headers=headers, checks=[not_a_server_error])
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1

    try:
        run()
    except Unsatisfiable:
        # Hypothesis finds no input to draw: an operation without parameters (one possible
        # request), or, in negative mode, one where every value of every parameter is valid.
        assert not operation.path_parameters and not operation.query and not operation.body
        operation.Case().call_and_validate(headers=headers, checks=[not_a_server_error])
        return
    calls = sum(statuses.values())
    print(f"\n{label} [{mode.value}]: {calls} calls, statuses {dict(sorted(statuses.items()))}")
    assert calls >= 1
    assert all(status < 500 for status in statuses)


def test_api_schemathesis_list_matches_the_description(api_schema):
    from test_api_reviewing_schemathesis import REVIEWING_OPERATIONS  # exercised there, in a reviewing world

    schema = api_schema[0]
    labels = {result.ok().label for result in schema.get_all_operations()}
    assert labels == set(OPERATIONS) | set(REVIEWING_OPERATIONS)
