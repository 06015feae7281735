"""Issue 8, item 1: the checker's report quotes what leaked (author names from the PDF's
metadata among it). It answers the paper's authors and the chairs without a conflict; for
everyone else the polled fragment is the 404 of a missing paper, and reviewers' pages and
API answers say nothing about anonymity findings, not even how many there are."""

from __future__ import annotations

import json

import pytest
from django.urls import reverse

from paperdesk import policy
from paperdesk.committee.models import Conflict
from paperdesk.venues.models import VenueRole
from tests.policy.normalise import normalise
from tests.reviews.fixtures import rworld  # noqa: F401
from tests.reviews.review_world import CANARY_AUTHOR

pytestmark = pytest.mark.django_db


def check_url(paper) -> str:
    return reverse("submissions:check_status", args=[paper.public_id])


@pytest.fixture
def conflicted_chair(rworld, make_user):
    """A second chair with a declared (not authored) conflict on the canary paper."""
    person = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=rworld.venue, user=person, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=person, source=Conflict.Source.REVIEWER_DECLARED, reason="Same lab")
    rworld.people["conflicted_chair"] = person
    return person


@pytest.mark.parametrize("role", ["reviewer", "reviewer2", "area_chair", "conflicted_chair", "conflicted_reviewer", "unassigned_reviewer", "other_author", "anonymous"])
def test_check_fragment_is_the_404_of_a_missing_paper_for_all_but_authors_and_unconflicted_chairs(rworld, conflicted_chair, role):
    client = rworld.client(role)
    missing = client.get(reverse("submissions:check_status", args=["zzzzzzzzzz"]))
    response = client.get(check_url(rworld.paper))
    assert response.status_code == 404
    assert normalise(response.content) == normalise(missing.content)  # the same answer: the id tells nothing
    assert CANARY_AUTHOR.encode() not in response.content


@pytest.mark.parametrize("role", ["author", "chair"])
def test_check_fragment_answers_the_authors_and_the_unconflicted_chairs_with_the_findings(rworld, role):
    response = rworld.client(role).get(check_url(rworld.paper))
    assert response.status_code == 200
    body = response.content.decode()
    assert "1 possible identity leak" in body and CANARY_AUTHOR in body


def test_reviewers_page_says_nothing_about_leaks_but_keeps_pages_and_format(rworld):
    body = rworld.client("reviewer").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert "Compliance check" in body and "Main content ends on page" in body and "Left margin is 1.2 in" in body
    assert "leak" not in body.lower() and "Anonymity" not in body and "[redacted]" not in body


def test_a_format_note_that_names_an_author_is_left_out_not_redacted(rworld):
    from paperdesk.reviews.selectors import reviewer_check
    from paperdesk.submissions.models import CheckRun

    run = CheckRun.objects.get(upload__submission=rworld.paper)
    run.report["findings"].append({"severity": "warning", "code": "margins", "message": f"Header reads “{CANARY_AUTHOR}”.", "page": 1})
    run.save(update_fields=["report"])
    check = reviewer_check(rworld.people["reviewer"], rworld.paper)
    assert [text for _, text in check.notes] == ["Left margin is 1.2 in; the template has 1.5 in."]
    assert not hasattr(check, "leak_count")


@pytest.mark.parametrize("role", ["reviewer", "area_chair"])
def test_api_gives_reviewers_no_leak_count_blocking_or_status(rworld, role):
    response = rworld.client(role).get(f"/api/submissions/{rworld.paper.public_id}")
    assert response.status_code == 200
    check = response.json()["paper"]["check"]
    assert check["pages"]["main_content_end"] == 4  # the useful, non-identifying part stays
    for field in ("anonymity_leaks", "blocking_reasons", "blocking", "status"):
        assert check.get(field) is None, field
    assert CANARY_AUTHOR not in json.dumps(response.json())


def test_api_gives_the_authors_the_leak_count(rworld):
    check = rworld.client("author").get(f"/api/submissions/{rworld.paper.public_id}").json()["paper"]["check"]
    assert check["anonymity_leaks"] == 1 and check["blocking"] is not None


def test_policy_answers_check_findings_per_role(rworld, conflicted_chair):
    people, paper = rworld.people, rworld.paper
    allowed = {role for role in people if policy.can_view_check_findings(people[role], paper)}
    assert allowed == {"author", "chair"}
    viewer = policy.as_viewer(people["reviewer"])
    assert policy.can_view_format_check(viewer, paper) and not policy.can_view_check_findings(viewer, paper)
