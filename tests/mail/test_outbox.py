"""The chairs' outbox: every e-mail of the venue with its state, searched and paginated by
the database, resent as a new message (audited, the original kept); a chair conflicted
with a paper reads none of its e-mails. /metrics counts e-mails from the outbox table, so
every process reports the same figures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from paperdesk import clock, policy
from paperdesk.mail import send_templated
from paperdesk.mail.models import OutboundEmail
from tests.audit import audit_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(venue, author, make_user):
    return audit_world.build(venue, author, make_user)


def about_paper(world, to="coauthor@uni.edu"):
    """An e-mail about the paper (a review given back, naming the reviewer)."""
    return send_templated("review_given_back", {"venue": world.venue, "submission": world.paper, "reviewer": "SECRET Reviewer",
                                                "what": "declined", "row": {"alias_number": 1}}, [to])


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_every_email_has_a_row_with_its_state_and_the_page_lists_them(smtp_inbox, world):
    about_paper(world)
    send_templated("account_approved", {"user": world.people["author"], "venue": world.venue}, ["ada@uni.edu"])
    rows = OutboundEmail.objects.order_by("id")
    assert [(r.template, r.state, r.recipients) for r in rows] == [
        ("review_given_back", "sent", "coauthor@uni.edu"), ("account_approved", "sent", "ada@uni.edu")]
    assert rows[0].submission_id == world.paper.pk and rows[0].venue_id == world.venue.pk and rows[0].sent_at
    assert len(smtp_inbox.envelopes) == 2
    page = signed_in(world.people["chair"]).get(reverse("ops:outbox", args=[world.venue.slug]))
    text = page.content.decode()
    assert page.status_code == 200 and "coauthor@uni.edu" in text and "review_given_back" in text and "2 messages" in text


def test_search_and_pagination_happen_in_the_database(smtp_inbox, world, django_assert_max_num_queries, monkeypatch):
    from paperdesk.ops import outbox

    start = dt.datetime(2026, 4, 1, 12, tzinfo=dt.UTC)
    for day in range(3):
        monkeypatch.setattr(clock, "now", lambda day=day: start + dt.timedelta(days=day))
        send_templated("account_approved", {"user": world.people["author"], "venue": world.venue}, [f"person{day}@uni.edu"])
    OutboundEmail.objects.filter(recipients="person1@uni.edu").update(state="failed", error="SMTPRecipientsRefused")
    client = signed_in(world.people["chair"])
    url = reverse("ops:outbox", args=[world.venue.slug])

    def listed(**query):
        text = client.get(url, query).content.decode()
        return sorted(f"person{d}@uni.edu" for d in range(3) if f"person{d}@uni.edu" in text)

    assert listed(recipient="PERSON2") == ["person2@uni.edu"]
    assert listed(state="failed") == ["person1@uni.edu"]
    assert listed(since="2026-04-02", until="2026-04-02") == ["person1@uni.edu"]
    assert listed(event="essential", subject="approved") == ["person0@uni.edu", "person1@uni.edu", "person2@uni.edu"]
    assert listed(event="discussion") == []
    bad = client.get(url, {"since": "yesterday"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    assert client.get(url, {"state": "lost"}).status_code == 400
    monkeypatch.setattr(outbox, "PAGE_SIZE", 2)
    first, second = client.get(url).content.decode(), client.get(url, {"page": "2"}).content.decode()
    assert "person2@uni.edu" in first and "person1@uni.edu" in first and "person0@uni.edu" not in first
    assert "person0@uni.edu" in second and "person2@uni.edu" not in second
    with django_assert_max_num_queries(12):
        client.get(url, {"page": "2", "recipient": "person"})


def test_resend_sends_a_new_message_keeps_the_original_and_is_audited(smtp_inbox, world):
    from paperdesk.audit.models import AuditEntry

    send_templated("account_approved", {"user": world.people["author"], "venue": world.venue}, ["ada@uni.edu"])
    original = OutboundEmail.objects.get()
    OutboundEmail.objects.filter(pk=original.pk).update(state="sending")  # its worker died mid-send
    client = signed_in(world.people["chair"])
    message_url = reverse("ops:outbox_message", args=[world.venue.slug, original.pk])
    assert "Resend" in client.get(message_url).content.decode()
    answer = client.post(reverse("ops:outbox_resend", args=[world.venue.slug, original.pk]))
    assert answer.status_code == 302
    new = OutboundEmail.objects.exclude(pk=original.pk).get()
    assert new.resend_of_id == original.pk and new.state == "sent" and new.body == original.body
    original.refresh_from_db()
    assert original.state == "sending"  # kept as it was
    assert len(smtp_inbox.envelopes) == 2 and smtp_inbox.envelopes[1].rcpt_tos == ["ada@uni.edu"]
    entry = AuditEntry.objects.get(action="email.resend")
    assert entry.actor == world.people["chair"] and entry.venue == world.venue
    # A message still held for a digest is not resent (it has not gone out).
    held = OutboundEmail.objects.create(venue=world.venue, recipients="x@uni.edu", template="review_reverted", event="review_updates",
                                        subject="s", body="b", state="held", created_at=clock.now())
    refused = client.post(reverse("ops:outbox_resend", args=[world.venue.slug, held.pk]))
    assert refused.status_code == 302 and OutboundEmail.objects.filter(resend_of=held).count() == 0


@pytest.mark.parametrize("role", ["conflicted_chair", "chair_author"])
def test_a_conflicted_chair_reads_and_resends_nothing_about_the_paper(smtp_inbox, world, role):
    about_paper(world)
    send_templated("account_approved", {"user": world.people["author"], "venue": world.venue}, ["ada@uni.edu"])
    secret = OutboundEmail.objects.get(template="review_given_back")
    # In a digest too: the digest holding a message about the paper is hidden as well.
    digest = OutboundEmail.objects.create(venue=world.venue, recipients="rev@uni.edu", template="daily_digest", event="digest",
                                          subject="digest", body="SECRET Reviewer", state="sent", created_at=clock.now())
    OutboundEmail.objects.create(venue=world.venue, submission=world.paper, recipients="rev@uni.edu", template="discussion_post",
                                 event="discussion", subject="d", body="SECRET", state="digested", digest=digest, created_at=clock.now())
    assert not policy.outbox_for(world.people[role], world.venue).filter(pk__in=[secret.pk, digest.pk]).exists()
    assert policy.outbox_for(world.people["chair"], world.venue).filter(pk__in=[secret.pk, digest.pk]).count() == 2
    client = signed_in(world.people[role])
    page = client.get(reverse("ops:outbox", args=[world.venue.slug]), {"recipient": "uni.edu"}).content.decode()
    assert "SECRET" not in page and "review_given_back" not in page and "ada@uni.edu" in page
    for pk in (secret.pk, digest.pk):
        assert client.get(reverse("ops:outbox_message", args=[world.venue.slug, pk])).status_code == 404
        assert client.post(reverse("ops:outbox_resend", args=[world.venue.slug, pk])).status_code == 404
    assert OutboundEmail.objects.filter(resend_of__isnull=False).count() == 0


@pytest.mark.parametrize("role", ["author", "user", "other_chair"])
def test_people_who_are_not_chairs_of_the_venue_get_404(smtp_inbox, world, role):
    about_paper(world)
    email = OutboundEmail.objects.get()
    client = signed_in(world.people[role])
    assert client.get(reverse("ops:outbox", args=[world.venue.slug])).status_code == 404
    assert client.get(reverse("ops:outbox_message", args=[world.venue.slug, email.pk])).status_code == 404
    assert client.post(reverse("ops:outbox_resend", args=[world.venue.slug, email.pk])).status_code == 404
    assert Client().get(reverse("ops:outbox", args=[world.venue.slug])).status_code == 404


def test_metrics_count_emails_from_the_outbox_whatever_process_sent_them(smtp_inbox, world):
    """A worker on another host writes its rows to the same table: /metrics on a web
    process reports them (the counters were per process before)."""
    from prometheus_client.parser import text_string_to_metric_families

    def figures():
        text = Client(REMOTE_ADDR="127.0.0.1").get("/metrics").content.decode()
        found = {}
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return found

    about_paper(world)  # sent by this process
    for state in ("sent", "sent", "failed", "sending", "held"):  # written by "another host's worker"
        OutboundEmail.objects.create(venue=world.venue, recipients="w@uni.edu", template="review_reminder", event="reminders",
                                     subject="s", body="b", state=state, created_at=clock.now(), job="job 42")
    after = figures()
    assert after[("paperdesk_emails_sent_total", ())] == 3
    assert after[("paperdesk_emails_failed_total", ())] == 1
    assert after[("paperdesk_emails_outbox", (("state", "sending"),))] == 1
    assert after[("paperdesk_emails_outbox", (("state", "held"),))] == 1
