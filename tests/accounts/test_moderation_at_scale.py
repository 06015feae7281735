"""Moderation at scale: bulk approve / reject after one confirmation (each decision audited,
one e-mail each, through a real SMTP server), what the venue already knows of each waiting
person, the queue's orders, the institutional flag, and auto-approval of European
universities and research labs at e-mail confirmation."""

from __future__ import annotations

import datetime as dt
import email

import pytest
from django.test import Client
from django.utils import timezone

from paperdesk.accounts.models import User
from paperdesk.audit.models import AuditEntry

pytestmark = pytest.mark.django_db(transaction=True)


def waiting_person(make_user, address: str, name: str, days: int) -> User:
    user = make_user(address, name)
    User.objects.filter(pk=user.pk).update(moderation_status="pending", date_joined=timezone.now() - dt.timedelta(days=days))
    user.refresh_from_db()
    return user


@pytest.fixture
def queue(venue, make_user):
    return [waiting_person(make_user, f"p{i}@gmail.com", f"Person {i}", days) for i, days in enumerate([3, 10, 1])]


@pytest.fixture
def chair_client(chair):
    client = Client()
    client.force_login(chair)
    return client


def received(inbox) -> list[tuple[list[str], str, str]]:
    out = []
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.content)
        out.append((list(envelope.rcpt_tos), message["Subject"], message.get_payload(decode=True).decode()))
    return out


def test_bulk_approve_asks_once_then_decides_each_with_its_audit_and_one_email(chair_client, chair, queue, smtp_inbox):
    ids = [str(p.pk) for p in queue]
    confirm = chair_client.post("/me/moderation/bulk/", {"action": "approve", "accounts": ids})
    assert confirm.status_code == 200
    page = confirm.content.decode()
    assert "Approve 3 accounts?" in page and "send 3 e-mails" in page
    assert all(p.email in page for p in queue)
    assert User.objects.filter(moderation_status="pending").count() == 3  # nothing yet
    assert smtp_inbox.envelopes == []

    done = chair_client.post("/me/moderation/bulk/", {"action": "approve", "accounts": ids, "confirm": "yes"}, follow=True)
    assert "Approved 3 accounts; each person has been told by e-mail." in done.content.decode()
    assert set(User.objects.filter(pk__in=ids).values_list("moderation_status", flat=True)) == {"active"}
    entries = AuditEntry.objects.filter(action="account.approve")
    assert sorted(e.data["email"] for e in entries) == sorted(p.email for p in queue)
    assert {e.actor_id for e in entries} == {chair.pk}
    mails = received(smtp_inbox)
    assert sorted(to[0] for to, _, _ in mails) == sorted(p.email for p in queue)  # one each
    assert all("approved" in subject for _, subject, _ in mails)


def test_bulk_reject_needs_one_reason_sent_to_each(chair_client, queue, smtp_inbox):
    ids = [str(p.pk) for p in queue[:2]]
    refused = chair_client.post("/me/moderation/bulk/", {"action": "reject", "accounts": ids, "reason": "  "})
    assert refused.status_code == 400 and "Give a reason" in refused.content.decode()
    confirm = chair_client.post("/me/moderation/bulk/", {"action": "reject", "accounts": ids, "reason": "Please use your university address."})
    assert "Reject 2 accounts?" in confirm.content.decode() and "Please use your university address." in confirm.content.decode()
    chair_client.post("/me/moderation/bulk/", {"action": "reject", "accounts": ids, "reason": "Please use your university address.", "confirm": "yes"})
    assert set(User.objects.filter(pk__in=ids).values_list("moderation_status", flat=True)) == {"rejected"}
    assert AuditEntry.objects.filter(action="account.reject").count() == 2
    mails = received(smtp_inbox)
    assert len(mails) == 2 and all("Please use your university address." in body for _, _, body in mails)
    assert User.objects.get(pk=queue[2].pk).moderation_status == "pending"


def test_bulk_skips_what_cannot_take_the_decision_and_says_why(chair_client, chair, queue, author, smtp_inbox):
    ids = [str(queue[0].pk), str(author.pk), str(chair.pk), "999999", "junk"]
    done = chair_client.post("/me/moderation/bulk/", {"action": "approve", "accounts": ids, "confirm": "yes"}, follow=True)
    body = done.content.decode()
    assert "Approved 1 account;" in body
    assert f"{author.email}: not changed. {author.email} is already active." in body
    assert "You cannot decide on your own account." in body and "account 999999: not changed." in body
    assert len(received(smtp_inbox)) == 1


def test_bulk_is_refused_to_non_chairs_and_without_a_selection(queue, author, chair_client):
    outsider = Client()
    outsider.force_login(author)
    assert outsider.post("/me/moderation/bulk/", {"action": "approve", "accounts": [queue[0].pk], "confirm": "yes"}).status_code == 404
    assert User.objects.get(pk=queue[0].pk).moderation_status == "pending"
    empty = chair_client.post("/me/moderation/bulk/", {"action": "approve"})
    assert empty.status_code == 400 and "Select at least one account" in empty.content.decode()
    assert chair_client.get("/me/moderation/bulk/").status_code == 405


def test_the_queue_says_who_the_venue_already_knows(chair_client, venue, queue, author, make_user):
    from paperdesk.committee.models import PoolMember
    from paperdesk.venues.models import VenueRole
    from tests.jobs.jobs_helpers import draft

    paper, _ = draft(venue, author)
    from paperdesk.submissions.models import Authorship

    Authorship.objects.create(submission=paper, position=2, email=queue[0].email, name="Person 0")  # listed, not yet linked
    PoolMember.objects.create(venue=venue, email=queue[1].email, name="Person 1", role="reviewer", state="invited")
    html = chair_client.get("/me/moderation/").content.decode()
    row = lambda p: html.split(f'<tr id="account-{p.pk}">')[1].split("</tr>")[0]  # noqa: E731
    assert '<span class="badge">co-author of a submission</span>' in row(queue[0])
    assert '<span class="badge">invited reviewer</span>' in row(queue[1])
    assert '<td class="small known"><span class="muted">—</span></td>' in row(queue[2])
    # A chair of another venue moderates accounts without learning who submitted here.
    import dataclasses

    from paperdesk.venues.services import venue_load

    other, _ = venue_load(dataclasses.replace(venue.spec, slug="other-venue", rehearsal=False))
    stranger = make_user("stranger@example.org", "Other Chair")
    VenueRole.objects.create(venue=other, user=stranger, role="chair")
    elsewhere = Client()
    elsewhere.force_login(stranger)
    page = elsewhere.get("/me/moderation/").content.decode()
    assert queue[0].email in page and '<span class="badge">co-author' not in page and '<span class="badge">invited' not in page


def test_the_queue_orders_by_waiting_time_oldest_first_by_default(chair_client, venue, queue):
    from paperdesk.committee.models import PoolMember

    order = lambda html: [p.email for p in sorted(queue, key=lambda p: html.index(f'<tr id="account-{p.pk}">'))]  # noqa: E731
    oldest = chair_client.get("/me/moderation/").content.decode()
    assert order(oldest) == ["p1@gmail.com", "p0@gmail.com", "p2@gmail.com"]  # 10, 3, 1 days
    assert order(chair_client.get("/me/moderation/?sort=newest").content.decode()) == ["p2@gmail.com", "p0@gmail.com", "p1@gmail.com"]
    PoolMember.objects.create(venue=venue, email="p2@gmail.com", name="Person 2", role="area_chair", state="invited")
    known = chair_client.get("/me/moderation/?sort=known").content.decode()
    assert order(known) == ["p2@gmail.com", "p1@gmail.com", "p0@gmail.com"]
    assert '<span class="badge">invited area chair</span>' in known
    assert order(chair_client.get("/me/moderation/?sort=bogus").content.decode()) == order(oldest)


def test_a_waiting_institutional_person_is_flagged(chair_client, make_user):
    # e.g. signed up under "moderate-all", or before the data set knew the domain
    waiting_person(make_user, "jan@kuleuven.be", "Jan Peeters", 5)
    waiting_person(make_user, "lena@tuebingen.mpg.de", "Lena Koch", 4)
    html = chair_client.get("/me/moderation/").content.decode()
    assert "Institutional: KU Leuven" in html and "Institutional: Max Planck Society" in html


@pytest.mark.parametrize("address", ["ana@uni-heidelberg.de", "marie@ens.psl.eu", "tom@deepmind.com", "zoe@cnrs.fr"])
def test_european_universities_and_labs_are_active_once_confirmed(venue, address, mailoutbox):
    from tests.accounts.accounts_helpers import confirm_from_outbox, sign_up

    client = Client()
    sign_up(client, address)
    confirm_from_outbox(client, address)
    assert User.objects.get(email=address).moderation_status == "active"
