"""The chairs' submission list: filters, search, pagination, and who may use it."""

from __future__ import annotations

import pytest
from api_helpers import ATTESTED

from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import AuthorInput, SubmissionInput, submission_create

URL = "/api/venues/mechinterp-2025/submissions"


@pytest.fixture
def papers(venue, author, other_author):
    def make(actor, email, name, title, track, topic, secondary=()):
        data = SubmissionInput(
            title=title,
            abstract=f"About {title.lower()}.",
            track=track,
            primary_topic=topic,
            contribution_type="empirical",
            authors=[AuthorInput(email, name, "Somewhere")],
            secondary_topics=list(secondary),
            attestations=dict(ATTESTED),
        )
        return submission_create(venue=venue, actor=actor, data=data)

    made = [
        make(author, "ada@uni.edu", "Ada Lovelace", "Circuits in toy models", "short", "circuits"),
        make(author, "ada@uni.edu", "Ada Lovelace", "Probing beliefs", "long", "model-biology", ["circuits"]),
        make(other_author, "grace@navy.mil.edu", "Grace Hopper", "Compiling attribution graphs", "long", "automating"),
    ]
    Submission.objects.filter(pk=made[1].pk).update(status=Submission.Status.WITHDRAWN)
    return made


def _titles(response):
    assert response.status_code == 200, response.content
    return [item["title"] for item in response.json()["items"]]


def test_api_chair_lists_every_submission_with_numbers_and_authors(client, papers, chair_headers):
    response = client.get(URL, headers=chair_headers)
    body = response.json()
    assert body["count"] == 3
    assert [(i["number"], i["title"]) for i in body["items"]] == [
        (1, "Circuits in toy models"),
        (2, "Probing beliefs"),
        (3, "Compiling attribution graphs"),
    ]
    assert body["items"][2]["authors"][0]["name"] == "Grace Hopper"


def test_api_chair_list_filters(client, papers, chair_headers):
    assert _titles(client.get(URL, {"track": "long"}, headers=chair_headers)) == ["Probing beliefs", "Compiling attribution graphs"]
    assert _titles(client.get(URL, {"topic": "circuits"}, headers=chair_headers)) == ["Circuits in toy models", "Probing beliefs"]
    assert _titles(client.get(URL, {"status": "withdrawn"}, headers=chair_headers)) == ["Probing beliefs"]
    assert _titles(client.get(URL, {"q": "attribution"}, headers=chair_headers)) == ["Compiling attribution graphs"]
    assert _titles(client.get(URL, {"q": "hopper"}, headers=chair_headers)) == ["Compiling attribution graphs"]
    assert _titles(client.get(URL, {"q": "#2"}, headers=chair_headers)) == ["Probing beliefs"]
    assert _titles(client.get(URL, {"track": "no-such-track"}, headers=chair_headers)) == []


def test_api_chair_list_paginates(client, papers, chair_headers):
    body = client.get(URL, {"limit": 2, "offset": 2}, headers=chair_headers).json()
    assert (body["count"], body["limit"], body["offset"]) == (3, 2, 2)
    assert [i["title"] for i in body["items"]] == ["Compiling attribution graphs"]
    assert client.get(URL, {"limit": 0}, headers=chair_headers).status_code == 422
    assert client.get(URL, {"limit": 1000}, headers=chair_headers).status_code == 422
    assert client.get(URL, {"offset": 10**30}, headers=chair_headers).status_code == 422
    assert client.get(URL, {"status": "accepted"}, headers=chair_headers).status_code == 422


def test_api_chair_list_is_a_404_for_authors_like_a_missing_venue(client, papers, author_headers):
    refused = client.get(URL, headers=author_headers)
    missing = client.get("/api/venues/elsewhere/submissions", headers=author_headers)
    assert refused.status_code == missing.status_code == 404
    assert refused.content == missing.content == b'{"detail": "Not found.", "field": null}'


def test_api_chair_list_needs_credentials_and_a_real_venue(client, papers, chair_headers):
    assert client.get(URL).status_code == 401
    assert client.get("/api/venues/elsewhere/submissions", headers=chair_headers).status_code == 404


def _queries(client, headers) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, headers=headers).status_code == 200
    return len(captured.captured_queries)


def test_api_chair_list_query_count_does_not_grow_with_rows(client, papers, chair_headers, venue, author):
    few = _queries(client, chair_headers)
    for i in range(3):
        submission_create(
            venue=venue,
            actor=author,
            data=SubmissionInput(
                title=f"More {i}", abstract="More.", track="short", primary_topic="circuits", contribution_type="empirical",
                authors=[AuthorInput("ada@uni.edu", "Ada Lovelace")], attestations=dict(ATTESTED),
            ),
        )
    assert _queries(client, chair_headers) <= few  # the first call also stamps the token's last use
