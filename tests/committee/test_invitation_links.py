"""Invitation links are single-use capabilities that expire: once answered (accepted or
declined), after INVITATION_DAYS since the last e-mail, or after the review deadline, the
link shows one neutral page that names neither the invitee, the role nor the venue, with
the same status as a link that never existed. The account that answered still sees its
answer when signed in."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from paperdesk.committee.invitations import Invitee
from paperdesk.committee.models import PoolMember
from tests.links import invitation_path

UNKNOWN = reverse("committee:invitation", args=["x" * 43])


def invite_url(member: PoolMember) -> str:
    """The link as the invitee has it: in the e-mail (the database keeps only its hash)."""
    return invitation_path(member.email)


@pytest.fixture
def invited(venue, chair, run_jobs):
    from paperdesk.committee import services

    def _invite(name="Iris Invitee", email="iris@uni.edu", role="area_chair") -> PoolMember:
        run_jobs(services.invite, venue=venue, actor=chair, invitees=[Invitee(1, name, email, role)])
        return PoolMember.objects.get(email=email)

    return _invite


def _normalised(body: str) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"|nonce="[^"]+"', "", body)


def _assert_neutral(response, *secrets):
    body = response.content.decode()
    assert response.status_code == 404
    assert "no longer open" in body
    for secret in secrets:
        assert secret not in body, secret
    return _normalised(body)


def test_an_accepted_link_is_closed_and_shows_nothing_without_sign_in(venue, invited, make_user, client, login, run_jobs):
    member = invited()
    assert "Iris Invitee" in client.get(invite_url(member)).content.decode()  # open: the link is the capability
    run_jobs(login(make_user("iris@uni.edu", "Iris Invitee")).post, invite_url(member), {"answer": "accept"})
    member.refresh_from_db()
    assert member.state == "accepted"

    anonymous = client.get(invite_url(member))
    neutral = _assert_neutral(anonymous, "Iris", "iris@uni.edu", "rea chair", "Area chair", venue.name)
    # the same page and status as an unknown link
    assert _normalised(client.get(UNKNOWN).content.decode()) == neutral and client.get(UNKNOWN).status_code == 404
    # a second answer through the same link changes nothing
    other = login(make_user("mallory@evil.org", "Mallory Evil"))
    _assert_neutral(other.post(invite_url(member), {"answer": "decline"}), "Iris", "rea chair")
    _assert_neutral(other.get(invite_url(member)), "Iris", "rea chair")
    member.refresh_from_db()
    assert member.state == "accepted"


def test_the_account_that_answered_still_sees_its_answer(venue, invited, make_user, login, run_jobs):
    member = invited(role="reviewer")
    iris = login(make_user("iris@uni.edu", "Iris Invitee"))
    run_jobs(iris.post, invite_url(member), {"answer": "accept"})
    page = iris.get(invite_url(member))
    assert page.status_code == 200 and "Accepted" in page.content.decode()
    assert 'id="invitation-form"' not in page.content.decode()


def test_a_declined_link_cannot_be_used_again(venue, invited, client):
    member = invited()
    response = client.post(invite_url(member), {"answer": "decline"})
    assert response.status_code == 200 and "You declined the invitation" in response.content.decode()
    assert "Iris" not in response.content.decode()
    _assert_neutral(client.get(invite_url(member)), "Iris", "rea chair")
    _assert_neutral(client.post(invite_url(member), {"answer": "decline"}), "Iris")
    member.refresh_from_db()
    assert member.state == "declined"


def test_a_link_expires_after_its_lifetime_and_a_reminder_renews_it(venue, invited, make_user, login, client, monkeypatch):
    from paperdesk import clock
    from paperdesk.committee import services

    member = invited()
    sent = member.invited_at
    venue.review_deadline = sent + dt.timedelta(days=365)
    venue.save(update_fields=["review_deadline"])
    monkeypatch.setattr(clock, "now", lambda: sent + dt.timedelta(days=services.INVITATION_DAYS, seconds=1))
    _assert_neutral(client.get(invite_url(member)), "Iris", "rea chair")
    iris = login(make_user("iris@uni.edu", "Iris Invitee"))
    _assert_neutral(iris.post(invite_url(member), {"answer": "accept"}), "rea chair")
    member.refresh_from_db()
    assert member.state == "invited"
    # a reminder sent on day 29 keeps the link open for another lifetime
    PoolMember.objects.filter(pk=member.pk).update(reminded_at=sent + dt.timedelta(days=29))
    assert client.get(invite_url(member)).status_code == 200


def test_a_link_expires_at_the_review_deadline(venue, invited, client, monkeypatch):
    from paperdesk import clock

    member = invited()
    venue.review_deadline = member.invited_at + dt.timedelta(days=3)
    venue.save(update_fields=["review_deadline"])
    monkeypatch.setattr(clock, "now", lambda: venue.review_deadline + dt.timedelta(minutes=1))
    _assert_neutral(client.get(invite_url(member)), "Iris", "rea chair")


def test_the_invitation_mail_says_the_link_works_once_and_until_when(venue, invited):
    from django.core import mail

    invited()
    message = next(m for m in mail.outbox if m.to == ["iris@uni.edu"])
    assert "The link works once, until" in message.body
