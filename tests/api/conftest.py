"""API fixtures: tokens for the people of the shared conftest, and a draft submission."""

from __future__ import annotations

import pytest
from api_helpers import ATTESTED, bearer


@pytest.fixture
def token_for(db):
    from paperdesk.api.models import ApiToken

    def issue(user, name: str = "test script") -> str:
        return ApiToken.issue(user, name)[1]

    return issue


@pytest.fixture
def author_headers(author, token_for):
    return bearer(token_for(author))


@pytest.fixture
def other_headers(other_author, token_for):
    return bearer(token_for(other_author))


@pytest.fixture
def chair_headers(chair, token_for):
    return bearer(token_for(chair))


@pytest.fixture
def draft(venue, author):
    """A draft by `author` created through the service, as the pages would."""
    from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create

    data = SubmissionInput(
        title="Attribution graphs under distribution shift",
        abstract="We test whether attribution graphs stay faithful off-distribution.",
        track="long",
        primary_topic="unsupervised-discovery",
        contribution_type="negative-result",
        authors=[AuthorInput("ada@uni.edu", "Ada Lovelace", "Analytical Engine Lab")],
        attestations=dict(ATTESTED),
    )
    return submission_create(venue=venue, actor=author, data=data)
