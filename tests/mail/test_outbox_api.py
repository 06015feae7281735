"""The chairs' outbox over the REST API: search, read and resend the venue's e-mails as the
page does; a chair conflicted with a paper reads nothing about it (its messages answer the
same 404 as missing ones), and nobody else reads the outbox at all."""

from __future__ import annotations

import pytest
from django.test import Client

from paperdesk.api.models import ApiToken
from paperdesk.audit.models import AuditEntry
from paperdesk.mail import send_templated
from paperdesk.mail.models import OutboundEmail
from tests.audit import audit_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(venue, author, make_user):
    return audit_world.build(venue, author, make_user)


def api(person) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {ApiToken.issue(person, 'outbox test')[1]}")


def emails(world, smtp_inbox):
    about = send_templated("review_given_back", {"venue": world.venue, "submission": world.paper, "reviewer": "SECRET Reviewer",
                                                 "what": "declined", "row": {"alias_number": 1}}, ["coauthor@uni.edu"])
    send_templated("account_approved", {"user": world.people["author"], "venue": world.venue}, ["ada@uni.edu"])
    assert about and len(smtp_inbox.envelopes) == 2
    return OutboundEmail.objects.get(template="review_given_back"), OutboundEmail.objects.get(template="account_approved")


def test_a_chair_searches_reads_and_resends_the_venues_emails(smtp_inbox, world):
    paper_mail, approval = emails(world, smtp_inbox)
    chair = api(world.people["chair"])
    listed = chair.get(f"/api/venues/{world.venue.slug}/outbox").json()
    assert listed["total"] == 2 and [m["id"] for m in listed["messages"]] == [approval.pk, paper_mail.pk]
    assert chair.get(f"/api/venues/{world.venue.slug}/outbox", {"recipient": "ada@"}).json()["total"] == 1
    bad = chair.get(f"/api/venues/{world.venue.slug}/outbox", {"since": "yesterday"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.json()["detail"]
    one = chair.get(f"/api/venues/{world.venue.slug}/outbox/{paper_mail.pk}").json()
    assert one["to"] == ["coauthor@uni.edu"] and one["body"]

    OutboundEmail.objects.filter(pk=approval.pk).update(state="failed", error="SMTPRecipientsRefused")
    again = chair.post(f"/api/venues/{world.venue.slug}/outbox/{approval.pk}/resend")
    assert again.status_code == 200 and again.json()["state"] == "sent" and again.json()["resend_of"] == approval.pk
    assert len(smtp_inbox.envelopes) == 3 and OutboundEmail.objects.get(pk=approval.pk).state == "failed"  # the original is kept
    assert AuditEntry.objects.filter(action="email.resend", actor=world.people["chair"]).count() == 1


@pytest.mark.parametrize("role", ["conflicted_chair", "chair_author"])
def test_a_conflicted_chair_reads_nothing_about_the_paper(smtp_inbox, world, role):
    paper_mail, approval = emails(world, smtp_inbox)
    client = api(world.people[role])
    listed = client.get(f"/api/venues/{world.venue.slug}/outbox").json()
    assert [m["id"] for m in listed["messages"]] == [approval.pk]
    assert "SECRET" not in str(listed)
    assert client.get(f"/api/venues/{world.venue.slug}/outbox/{paper_mail.pk}").status_code == 404
    assert client.post(f"/api/venues/{world.venue.slug}/outbox/{paper_mail.pk}/resend").status_code == 404
    assert client.get(f"/api/venues/{world.venue.slug}/outbox/999999").status_code == 404  # the same answer as a missing one
    assert len(smtp_inbox.envelopes) == 2


@pytest.mark.parametrize("role", ["author", "user", "other_chair"])
def test_nobody_else_reads_the_outbox(smtp_inbox, world, role):
    paper_mail, _ = emails(world, smtp_inbox)
    client = api(world.people[role])
    assert client.get(f"/api/venues/{world.venue.slug}/outbox").status_code == 404
    assert client.post(f"/api/venues/{world.venue.slug}/outbox/{paper_mail.pk}/resend").status_code == 404
