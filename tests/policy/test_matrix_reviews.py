"""The access-policy matrix for reviewing and decisions: every role, in each phase (while
reviewing; after the decisions are released), against every object (review text, score,
comments to the chairs, reviewer identity, alias, discussion post, meta-review, area chair
identity, decision, author identity) through every channel it could leak by: HTML pages,
the API, CSV/JSON exports, e-mails (mail.outbox) and file downloads.

Each object carries a canary (a unique string). For each role we gather everything that
role receives, and a canary must be present exactly when the policy says the role may see
the object: absent is a leak test, present proves the feature works.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperdesk.api.models import ApiToken
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
    "reviewer_identity": {"reviewing": {"chair", "reviewer"}, "released": {"chair", "reviewer"}},
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


def prepare(world, phase: str, capture) -> None:
    """Reviews, a meta-review, a discussion post, reminders, decisions, and (in the released
    phase) the release: every e-mail this sends lands in mail.outbox."""
    venue, paper = world.venue, world.paper
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
                       {"subject": decision_services.DEFAULT_SUBJECT, "body": decision_services.DEFAULT_BODY, "action": "release"})


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
        "accepted_page": reverse("decisions:accepted", args=[venue.slug]),
        "program_json": reverse("decisions:program_json", args=[venue.slug]),
        "reviewer_dashboard_or_login": reverse("reviews:dashboard"),
        "api_detail": f"/api/submissions/{paper.public_id}",
    }


def body_of(response) -> str:
    raw = b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content
    return raw.decode("utf-8", "replace")


def gather(world, role: str) -> tuple[dict[str, int], str]:
    """Every channel's status for this role, and everything the role received as one text."""
    client = Client()
    headers = {}
    if role != "anonymous":
        user = world.people[role]
        client.force_login(user)
        headers = {"HTTP_AUTHORIZATION": f"Bearer {ApiToken.issue(user, 'matrix')[1]}"}
    statuses, corpus = {}, []
    for channel, url in urls(world).items():
        response = client.get(url, follow=True, **(headers if channel.startswith("api") else {}))
        statuses[channel] = response.status_code
        corpus.append(body_of(response))
    if role != "anonymous":
        address = world.people[role].email
        for message in mail.outbox:
            if address in message.to:
                corpus.append(message.subject + "\n" + message.body)
    return statuses, "\n".join(corpus)


@pytest.mark.parametrize("phase", PHASES)
@pytest.mark.parametrize("role", ROLES)
def test_review_matrix(rworld, role, phase, django_capture_on_commit_callbacks):  # noqa: F811
    mail.outbox.clear()
    prepare(rworld, phase, django_capture_on_commit_callbacks)
    statuses, corpus = gather(rworld, role)
    for channel, allowed in ACCESS.items():
        expected = 200 if role in allowed else 404
        assert statuses[channel] == expected, (role, phase, channel, statuses[channel])
    for name, canary in CANARIES.items():
        should = role in EXPECTED[name][phase]
        assert (canary in corpus) == should, f"{role} in phase {phase}: {name} {'missing' if should else 'LEAKED'}"


@pytest.mark.parametrize("role", ["unassigned_reviewer", "conflicted_reviewer", "other_author", "author", "anonymous"])
def test_forbidden_review_pages_look_exactly_like_missing_ones(rworld, role):  # noqa: F811
    from tests.policy.test_matrix import without_csrf

    client = rworld.client(role)
    for name in ("paper", "pdf", "discussion"):
        forbidden = client.get(reverse(f"reviews:{name}", args=[rworld.paper.public_id]))
        missing = client.get(reverse(f"reviews:{name}", args=["nosuchpaper"]))
        assert forbidden.status_code == missing.status_code == 404
        assert without_csrf(forbidden.content) == without_csrf(missing.content)


def test_reviewer_pdf_download_carries_no_author_in_any_metadata(rworld):  # noqa: F811
    response = rworld.client("reviewer").get(reverse("reviews:pdf", args=[rworld.paper.public_id]))
    data = b"".join(response.streaming_content)
    for needle in (b"Zebulon", b"Canarywhistle", b"Ada Lovelace", b"Lovelace"):
        assert needle not in data
    original = Upload.objects.get(submission=rworld.paper, kind=Upload.Kind.PAPER)
    from django.core.files.storage import default_storage

    with default_storage.open(original.blob, "rb") as handle:
        assert b"Canarywhistle" in handle.read()  # the canary really was in the file


def test_submission_detail_page_hides_authors_from_reviewers(rworld):  # noqa: F811
    client = rworld.client("reviewer")
    response = client.get(reverse("submissions:detail", args=[rworld.paper.public_id]))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:paper", args=[rworld.paper.public_id])
    html = client.get(response["Location"]).content.decode()
    assert CANARY_AUTHOR not in html


def test_policy_functions_agree_with_the_matrix(rworld):  # noqa: F811
    from paperdesk import policy

    paper, people = rworld.paper, rworld.people
    roles = {r: people[r] for r in ROLES if r != "anonymous"}
    assert {r for r, u in roles.items() if policy.can_open_review_page(u, paper)} == ACCESS["review_page"]
    assert {r for r, u in roles.items() if policy.can_view_discussion(u, paper)} == {"chair", "area_chair"}  # reviewers: after their review
    assert {r for r, u in roles.items() if policy.can_view_reviewer_identities(u, paper)} == {"chair"}
    assert {r for r, u in roles.items() if policy.can_write_review(u, paper)} == {"reviewer"}
    assert {r for r, u in roles.items() if policy.can_write_meta_review(u, paper)} == {"chair", "area_chair"}
    assert {r for r, u in roles.items() if policy.can_decide(u, paper)} == {"chair"}
    assert not policy.can_view_reviews(None, paper) and not policy.can_view_discussion(None, paper)
