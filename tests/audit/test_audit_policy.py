"""The audit log's access rule (policy.audit_entries_for): chairs of the venue read its
entries and the venue-less security entries; a chair conflicted with a paper (declared
conflict, or author of it) reads only the entries its authors know of; no one else reads
any; superusers read every entry on the operators' log."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk import policy
from tests.audit import audit_world
from tests.audit.audit_world import AUTHOR_KNOWN_ACTIONS, HIDDEN_ACTIONS

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(venue, author, make_user):
    return audit_world.build(venue, author, make_user)


def test_an_unconflicted_chair_reads_every_entry_of_the_venue_and_the_security_entries(world):
    seen = audit_world.actions(policy.audit_entries_for(world.people["chair"], world.venue))
    assert set(HIDDEN_ACTIONS) | set(AUTHOR_KNOWN_ACTIONS) | {"venue.update", "security.lookup_burst"} <= seen
    assert "pool.invite" not in seen  # another venue's


@pytest.mark.parametrize("role", ["conflicted_chair", "chair_author"])
def test_a_conflicted_chair_reads_only_what_the_papers_authors_know(world, role):
    entries = list(policy.audit_entries_for(world.people[role], world.venue))
    seen = audit_world.actions(entries)
    assert seen.isdisjoint(HIDDEN_ACTIONS), seen
    assert set(AUTHOR_KNOWN_ACTIONS) <= seen
    assert {"venue.update", "security.lookup_burst"} <= seen
    assert not any("SECRET" in str(e.data) for e in entries)


@pytest.mark.parametrize("role", ["author", "user", "other_chair"])
def test_people_who_are_not_chairs_of_the_venue_read_nothing(world, role):
    assert not policy.audit_entries_for(world.people[role], world.venue).exists()
    assert not policy.can_view_audit_log(world.people[role], world.venue)
    assert not policy.audit_entries_for(world.people[role], None).exists()


def test_superusers_read_every_entry_on_the_operators_log(world):
    seen = audit_world.actions(policy.audit_entries_for(world.people["superuser"], None))
    assert {"pool.invite", "security.lookup_burst", "decision.set"} <= seen
    assert not policy.audit_entries_for(world.people["chair"], None).exists()


@pytest.mark.parametrize("role,venue_page,ops_page", [
    ("anonymous", 404, 404), ("user", 404, 404), ("author", 404, 404), ("other_chair", 404, 404),
    ("chair", 200, 404), ("conflicted_chair", 200, 404), ("superuser", 200, 200),
])
def test_the_pages_and_downloads_answer_only_those_who_may_read(world, role, venue_page, ops_page):
    client = Client()
    if role != "anonymous":
        client.force_login(world.people[role])
    slug = world.venue.slug
    assert client.get(reverse("audit:venue", args=[slug])).status_code == venue_page
    assert client.get(reverse("audit:venue_csv", args=[slug])).status_code == venue_page
    assert client.get(reverse("audit:all")).status_code == ops_page
    assert client.get(reverse("audit:all_csv")).status_code == ops_page
    assert client.get(reverse("audit:venue", args=["no-such-venue"])).status_code == 404


@pytest.mark.parametrize("role", ["conflicted_chair", "chair_author"])
def test_a_conflicted_chairs_page_and_csv_hold_no_hidden_fact(world, role):
    client = Client()
    client.force_login(world.people[role])
    page = client.get(reverse("audit:venue", args=[world.venue.slug])).content.decode()
    download = b"".join(client.get(reverse("audit:venue_csv", args=[world.venue.slug])).streaming_content).decode()
    for body in (page, download):
        assert "SECRET" not in body
        assert "submission.create" in body and "security.lookup_burst" in body
    # Even asked for by the paper's number, the hidden entries stay hidden.
    filtered = client.get(reverse("audit:venue", args=[world.venue.slug]), {"object": f"#{world.paper.number}"}).content.decode()
    assert "SECRET" not in filtered and "upload.add" in filtered


def test_an_email_about_a_paper_is_recorded_under_it_and_hidden_from_its_conflicted_chair(world):
    from paperdesk.audit.models import AuditEntry
    from paperdesk.mail import send_templated

    sent = send_templated("author_declined", {"submission": world.paper, "venue": world.venue, "url": "/x"}, to=["coauthor@uni.edu"])
    assert sent == 1
    entry = AuditEntry.objects.filter(action="email.sent").latest("id")
    assert entry.submission_id == world.paper.pk and entry.venue == world.venue
    assert entry.data["to"] == ["coauthor@uni.edu"] and entry.data["template"] == "author_declined" and entry.data["subject"]
    assert policy.audit_entries_for(world.people["chair"], world.venue).filter(pk=entry.pk).exists()
    assert not policy.audit_entries_for(world.people["conflicted_chair"], world.venue).filter(pk=entry.pk).exists()


def test_a_venue_wide_list_of_papers_leaves_out_the_conflicted_ones(world):
    """A release's held-back papers: a paper's being held back tells its state before release."""
    number = world.paper.number
    for role, expected in [("chair", [number, 9999]), ("conflicted_chair", [9999]), ("chair_author", [9999])]:
        client = Client()
        client.force_login(world.people[role])
        page = client.get(reverse("audit:venue", args=[world.venue.slug]), {"action": "decisions.release"})
        rows = page.context["log"].rows
        assert [dict(r.details)["held_back"] for r in rows] == [json.dumps(expected)], role
        download = b"".join(client.get(reverse("audit:venue_csv", args=[world.venue.slug]), {"action": "decisions.release"}).streaming_content).decode()
        assert f'""held_back"": {expected}' in download, (role, download)


def test_a_reviewers_conflict_with_a_paper_is_recorded_under_it_and_hidden_from_its_conflicted_chair(world, make_user):
    """A reviewer who declares a conflict with the paper (while bidding) tells a chair
    conflicted with it who does not review it: the entry is the paper's, like the others."""
    from paperdesk.committee import services as reviewing
    from paperdesk.committee.models import PoolMember

    reviewer = make_user("declaring-reviewer@example.org", "Declaring Reviewer")
    PoolMember.objects.create(venue=world.venue, user=reviewer, role=PoolMember.Role.REVIEWER, state=PoolMember.State.ACCEPTED)
    reviewing.reviewer_declare(venue=world.venue, actor=reviewer, data=reviewing.DeclarationInput(note="my student"),
                               submission=world.paper)
    declared = lambda role: [e for e in policy.audit_entries_for(world.people[role], world.venue)  # noqa: E731
                             if e.action == "conflict.reviewer_declare"]
    assert declared("chair") and declared("chair")[0].submission_id == world.paper.pk
    assert not declared("conflicted_chair") and not declared("chair_author")
