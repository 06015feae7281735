"""An emergency reviewer from outside the pool: a chair names someone by name and address on
the emergency-reviewer form; they get one e-mail (the paper's title as reviewers see it,
the short deadline, a personal link the outbox does not keep). Accepting (signed in with
any account) makes them an accepted reviewer and the paper's emergency reviewer in one
audited step, through the conflict rules of every emergency assignment; declining tells
the chair and assigns nothing. The offer expires at the emergency deadline."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.committee.models import Assignment, Conflict, EmergencyInvitation, PoolMember
from paperdesk.mail.models import OutboundEmail
from paperdesk.venues import moments
from paperdesk.venues.models import VenueRole
from tests.accounts.accounts_helpers import confirm_from_outbox, sign_up
from tests.reviews.fixtures import at, rworld  # noqa: F401
from tests.reviews.review_world import CANARY_AUTHOR, CANARY_AUTHOR_EMAIL

pytestmark = pytest.mark.django_db

LINK = re.compile(r"(/reviewing/emergency/([A-Za-z0-9_-]+)/)")
OUTSIDER = "olga@elsewhere-lab.org"


@pytest.fixture
def soon(rworld, at):
    """Two days before the review deadline; the emergency review is due in one."""
    venue = rworld.venue
    now = at(venue.review_deadline - dt.timedelta(days=2))
    return venue.local(now + dt.timedelta(days=1)).date()


def invite(rworld, django_capture_on_commit_callbacks, due, *, email=OUTSIDER, name="Olga Outsider", client=None, **extra):
    client = client or rworld.client("chair")
    url = reverse("committee:emergency_invite", args=[rworld.venue.slug, rworld.paper.public_id])
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(url, {"name": name, "email": email, "deadline": due.isoformat(), **extra}, follow=True)


def link_for(address: str) -> tuple[str, str]:
    message = [m for m in mail.outbox if address in m.to][-1]
    found = LINK.search(message.body)
    assert found, message.body
    return found.group(1), found.group(2)


def test_the_form_offers_an_outsider_and_one_mail_goes_with_a_link_the_outbox_does_not_keep(rworld, soon, django_capture_on_commit_callbacks):
    venue = rworld.venue
    page = rworld.client("chair").get(reverse("committee:pair_alternates", args=[venue.slug, rworld.paper.public_id])).content.decode()
    assert 'id="emergency-invite"' in page
    mail.outbox.clear()
    done = invite(rworld, django_capture_on_commit_callbacks, soon)
    assert done.status_code == 200 and OUTSIDER in done.content.decode()
    assert [m.to for m in mail.outbox] == [[OUTSIDER]]
    message = mail.outbox[0]
    assert "The canary paper" in message.body and "Olga Outsider" in message.body
    assert CANARY_AUTHOR not in message.body + message.subject and "Ada Lovelace" not in message.body
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    assert offer.state == "pending" and venue.local(offer.deadline).date() == soon
    assert venue.moment_text(offer.deadline) in message.body
    _path, token = link_for(OUTSIDER)
    assert token not in offer.token  # only its digest is stored
    row = OutboundEmail.objects.get(recipients=OUTSIDER)
    assert row.withheld_links and token not in row.body and "/reviewing/emergency/" not in row.body
    assert AuditEntry.objects.filter(action="assignment.emergency_invite", submission=rworld.paper).exists()
    assert not Assignment.objects.filter(submission=rworld.paper, user__email=OUTSIDER).exists()


def test_the_outsider_signs_up_with_another_address_accepts_and_reviews(rworld, soon, django_capture_on_commit_callbacks):
    venue = rworld.venue
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    browser = Client()
    first = browser.get(path)
    assert first.status_code == 200
    html = first.content.decode()
    assert "The canary paper" in html and CANARY_AUTHOR not in html and "account_signup" not in html
    private = "olga.private@mailbox-home.net"
    browser = Client()  # she signs up on her own, then opens the link again
    with django_capture_on_commit_callbacks(execute=True):
        signed = sign_up(browser, private, "Olga Outsider")
    if signed["Location"] == "/accounts/confirm-email/":  # when the venue's rules ask to confirm the address first
        confirm_from_outbox(browser, private)
    olga = PoolMember.objects.model._meta.get_field("user").related_model.objects.get(email=private)
    with django_capture_on_commit_callbacks(execute=True):
        answer = browser.post(path, {"answer": "accept"})
    assert answer.status_code == 302 and answer["Location"] == reverse("reviews:paper", args=[rworld.paper.public_id])
    member = PoolMember.objects.get(venue=venue, user=olga, role="reviewer")
    assert member.state == PoolMember.State.ACCEPTED
    assert VenueRole.objects.filter(venue=venue, user=olga, role="reviewer").exists()
    pair = Assignment.objects.get(submission=rworld.paper, user=olga, kind="reviewer")
    assert pair.published and pair.emergency and venue.local(pair.deadline).date() == soon and pair.source == "emergency"
    entry = AuditEntry.objects.get(action="assignment.emergency", submission=rworld.paper)
    assert entry.actor == olga and entry.data.get("invitation")
    assert EmergencyInvitation.objects.get(email=OUTSIDER).state == "accepted"
    paper = browser.get(reverse("reviews:paper", args=[rworld.paper.public_id]))
    assert paper.status_code == 200
    assert "The canary paper" in paper.content.decode() and CANARY_AUTHOR not in paper.content.decode()
    assert "Ada Lovelace" not in paper.content.decode()
    assert browser.get(path).status_code == 404  # used once


def test_declining_tells_the_chair_and_assigns_nobody(rworld, soon, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = Client().post(path, {"answer": "decline"})
    assert answer.status_code == 200
    assert [m.to for m in mail.outbox] == [[rworld.people["chair"].email]]
    assert "declined" in mail.outbox[0].subject.lower() and "The canary paper" in mail.outbox[0].body
    assert EmergencyInvitation.objects.get(email=OUTSIDER).state == "declined"
    assert not PoolMember.objects.filter(email=OUTSIDER).exists()
    assert Assignment.objects.filter(submission=rworld.paper, kind="reviewer").count() == 3
    assert Client().get(path).status_code == 404


def test_an_author_of_the_paper_using_the_link_is_refused(rworld, soon, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    author = rworld.client("author")  # Ada, an author of the canary paper, got the forwarded link
    answer = author.post(path, {"answer": "accept"})
    assert answer.status_code == 409 and "conflict" in answer.content.decode()
    assert not Assignment.objects.filter(submission=rworld.paper, user=rworld.people["author"]).exists()
    assert not PoolMember.objects.filter(user=rworld.people["author"]).exists()
    assert EmergencyInvitation.objects.get(email=OUTSIDER).state == "pending"


def test_the_chair_is_warned_when_the_address_is_an_author(rworld, soon, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    done = invite(rworld, django_capture_on_commit_callbacks, soon, email=CANARY_AUTHOR_EMAIL, name="Zeb")
    assert done.status_code == 409 and "author of the submission" in done.content.decode()
    assert mail.outbox == [] and not EmergencyInvitation.objects.exists()


def test_an_accepted_pool_member_is_picked_not_invited(rworld, soon, django_capture_on_commit_callbacks):
    done = invite(rworld, django_capture_on_commit_callbacks, soon, email=rworld.people["unassigned_reviewer"].email)
    assert done.status_code == 409 and "accepted reviewer" in done.content.decode()


def test_a_conflicted_chair_gets_404(rworld, soon, make_user, django_capture_on_commit_callbacks):
    venue = rworld.venue
    other = make_user("cora@chairs.org", "Cora Conflicted")
    VenueRole.objects.create(venue=venue, user=other, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=other, source=Conflict.Source.INSTITUTION, reason="Same lab")
    client = Client()
    client.force_login(other)
    assert client.get(reverse("committee:pair_alternates", args=[venue.slug, rworld.paper.public_id])).status_code == 404
    mail.outbox.clear()
    done = invite(rworld, django_capture_on_commit_callbacks, soon, client=client)
    assert done.status_code == 404 and mail.outbox == [] and not EmergencyInvitation.objects.exists()


def test_an_expired_link_gets_the_neutral_page(rworld, soon, at, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    at(offer.deadline + dt.timedelta(minutes=1))
    closed = Client().get(path)
    assert closed.status_code == 404 and "The canary paper" not in closed.content.decode()
    assert rworld.client("unassigned_reviewer").post(path, {"answer": "accept"}).status_code == 404
    assert Client().get(reverse("committee:emergency_invitation", args=["made-up"])).status_code == 404


# --- the chair's list of the paper's offers, and withdrawing one -----------------------------


def alternates_page(rworld, client=None) -> str:
    client = client or rworld.client("chair")
    page = client.get(reverse("committee:pair_alternates", args=[rworld.venue.slug, rworld.paper.public_id]))
    assert page.status_code == 200
    return page.content.decode()


def withdraw_url(rworld, offer) -> str:
    return reverse("committee:emergency_withdraw", args=[rworld.venue.slug, rworld.paper.public_id, offer.public_id])


def offer_row(page: str, offer) -> str:
    found = re.search(rf'<tr data-invitation="{offer.public_id}"[^>]*>.*?</tr>', page, re.S)
    assert found, page
    return found.group(0)


def test_the_alternates_page_lists_a_pending_offer_and_then_its_answer(rworld, soon, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    row = offer_row(alternates_page(rworld), offer)
    assert "Olga Outsider" in row and OUTSIDER in row and 'data-state="pending"' in row
    assert moments.html(offer.deadline) in row and rworld.people["chair"].display_name in row
    assert moments.html(offer.invited_at) in row
    assert withdraw_url(rworld, offer) in row and "data-confirm" in row
    path, _ = link_for(OUTSIDER)
    with django_capture_on_commit_callbacks(execute=True):
        Client().post(path, {"answer": "decline"})
    row = offer_row(alternates_page(rworld), offer)
    assert 'data-state="declined"' in row and withdraw_url(rworld, offer) not in row


def outsider_client(make_user) -> Client:
    client = Client()
    client.force_login(make_user(OUTSIDER, "Olga Outsider"))
    return client


def test_an_accepted_offer_is_listed_as_accepted_and_cannot_be_withdrawn(rworld, soon, make_user, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    with django_capture_on_commit_callbacks(execute=True):
        assert outsider_client(make_user).post(path, {"answer": "accept"}).status_code == 302
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    row = offer_row(alternates_page(rworld), offer)
    assert 'data-state="accepted"' in row and withdraw_url(rworld, offer) not in row
    mail.outbox.clear()
    refused = rworld.client("chair").post(withdraw_url(rworld, offer))
    assert refused.status_code == 409 and "already accepted" in refused.content.decode()
    offer.refresh_from_db()
    assert offer.state == "accepted" and mail.outbox == []
    assert not AuditEntry.objects.filter(action="assignment.emergency_withdraw").exists()


def test_an_expired_offer_is_listed_as_expired(rworld, soon, at, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    at(offer.deadline + dt.timedelta(minutes=1))
    row = offer_row(alternates_page(rworld), offer)
    assert 'data-state="expired"' in row and withdraw_url(rworld, offer) not in row
    assert rworld.client("chair").post(withdraw_url(rworld, offer)).status_code == 409


def test_withdrawing_a_pending_offer_closes_the_link_and_tells_the_invitee(rworld, soon, make_user, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    path, _ = link_for(OUTSIDER)
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        done = rworld.client("chair").post(withdraw_url(rworld, offer), follow=True)
    assert done.status_code == 200 and "withdrawn" in done.content.decode()
    offer.refresh_from_db()
    assert offer.state == "withdrawn"
    entry = AuditEntry.objects.get(action="assignment.emergency_withdraw", submission=rworld.paper)
    assert entry.actor == rworld.people["chair"] and entry.data.get("invitation") == offer.public_id
    assert [m.to for m in mail.outbox] == [[OUTSIDER]]
    message = mail.outbox[0]
    assert "withdrawn" in message.subject.lower() + message.body.lower() and "The canary paper" in message.body
    assert CANARY_AUTHOR not in message.body + message.subject and "/reviewing/emergency/" not in message.body
    assert 'data-state="withdrawn"' in offer_row(alternates_page(rworld), offer)
    closed = Client().get(path)
    assert closed.status_code == 404 and "The canary paper" not in closed.content.decode()
    assert outsider_client(make_user).post(path, {"answer": "accept"}).status_code == 404
    assert not Assignment.objects.filter(submission=rworld.paper, user__email=OUTSIDER).exists()
    again = rworld.client("chair").post(withdraw_url(rworld, offer))
    assert again.status_code == 409


def test_a_conflicted_chair_and_a_reviewer_cannot_see_or_withdraw_an_offer(rworld, soon, make_user, django_capture_on_commit_callbacks):
    invite(rworld, django_capture_on_commit_callbacks, soon)
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    other = make_user("cora@chairs.org", "Cora Conflicted")
    VenueRole.objects.create(venue=rworld.venue, user=other, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=other, source=Conflict.Source.INSTITUTION, reason="Same lab")
    conflicted = Client()
    conflicted.force_login(other)
    mail.outbox.clear()
    for client in (conflicted, rworld.client("reviewer")):
        assert client.get(reverse("committee:pair_alternates", args=[rworld.venue.slug, rworld.paper.public_id])).status_code == 404
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(withdraw_url(rworld, offer)).status_code == 404
    offer.refresh_from_db()
    assert offer.state == "pending" and mail.outbox == []
    assert not AuditEntry.objects.filter(action="assignment.emergency_withdraw").exists()


def test_an_offer_withdrawn_before_its_invitation_went_out_sends_nothing(rworld, soon):
    """The chair withdraws before the invitation job ran: the invitee hears of nothing."""
    from paperdesk.committee.tasks import send_emergency_invitation_job, send_emergency_withdrawn_job

    invite(rworld, _NotRun(), soon)  # the on-commit jobs are not run: the invitation has not gone out
    offer = EmergencyInvitation.objects.get(email=OUTSIDER)
    assert not [m for m in mail.outbox if OUTSIDER in m.to]
    assert rworld.client("chair").post(withdraw_url(rworld, offer)).status_code == 302
    assert send_emergency_invitation_job.func(offer.pk) == 0  # the queued invitation finds it withdrawn
    assert send_emergency_withdrawn_job.func(offer.pk) == 0
    assert not [m for m in mail.outbox if OUTSIDER in m.to]


class _NotRun:
    """Stands in for django_capture_on_commit_callbacks: captures nothing, runs nothing."""

    def __call__(self, execute=False):
        import contextlib

        return contextlib.nullcontext()
