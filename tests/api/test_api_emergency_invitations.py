"""Emergency invitations over the API, as on the alternates page: an unconflicted chair
invites someone outside the pool to review one paper (one e-mail with a personal link), lists
the paper's invitations and withdraws a pending one. Everyone else, a conflicted chair
included, gets the 404 of a missing paper; bad input gets a 400 that says what to fix."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.test import Client

from paperdesk.api.models import ApiToken
from paperdesk.audit.models import AuditEntry
from paperdesk.committee.models import Conflict, EmergencyInvitation
from paperdesk.venues.models import VenueRole
from tests.reviews.fixtures import at, rworld  # noqa: F401
from tests.reviews.review_world import CANARY_AUTHOR

pytestmark = pytest.mark.django_db

OUTSIDER = "olga@elsewhere-lab.org"


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 'test')[1]}"})


@pytest.fixture
def soon(rworld, at):
    """Two days before the review deadline; the emergency review is due in one."""
    now = at(rworld.venue.review_deadline - dt.timedelta(days=2))
    return rworld.venue.local(now + dt.timedelta(days=1)).date().isoformat()


def url(rworld, tail: str = "") -> str:
    return f"/api/venues/{rworld.venue.slug}/papers/{rworld.paper.public_id}/emergency-invitations{tail}"


def test_a_chair_invites_lists_and_withdraws_over_the_api(rworld, soon, django_capture_on_commit_callbacks):
    chair = api(rworld.people["chair"])
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        made = chair.post(url(rworld), {"email": "Olga@Elsewhere-Lab.org", "name": "Olga  Outsider", "deadline": soon},
                          content_type="application/json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["email"], body["name"], body["state"], body["paper"]) == (OUTSIDER, "Olga Outsider", "pending", rworld.paper.public_id)
    assert body["deadline"]["local"].startswith(soon) and body["invited_by"] == "Pat Chair" and body["responded_at"] is None
    assert [m.to for m in mail.outbox] == [[OUTSIDER]]
    assert "The canary paper" in mail.outbox[0].body and CANARY_AUTHOR not in mail.outbox[0].body
    assert AuditEntry.objects.filter(action="assignment.emergency_invite", data__invitation=body["id"]).exists()

    listed = chair.get(url(rworld))
    assert listed.status_code == 200 and [(i["id"], i["state"]) for i in listed.json()] == [(body["id"], "pending")]
    again = chair.post(url(rworld), {"email": OUTSIDER, "name": "Olga", "deadline": soon}, content_type="application/json")
    assert again.status_code == 409 and "already has an open invitation" in again.json()["detail"]

    with django_capture_on_commit_callbacks(execute=True):
        withdrawn = chair.post(url(rworld, f"/{body['id']}/withdraw"))
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    assert EmergencyInvitation.objects.get(public_id=body["id"]).state == "withdrawn"
    assert [m.to for m in mail.outbox] == [[OUTSIDER], [OUTSIDER]]  # told that the invitation is withdrawn
    assert [i["state"] for i in chair.get(url(rworld)).json()] == ["withdrawn"]
    twice = chair.post(url(rworld, f"/{body['id']}/withdraw"))
    assert twice.status_code == 409 and "nothing to withdraw" in twice.json()["detail"]
    assert chair.post(url(rworld, "/nope/withdraw")).status_code == 404


@pytest.mark.parametrize("payload,status,words", [
    ({"email": "not an address", "name": "Olga", "deadline": "soon"}, 400, "email"),
    ({"email": OUTSIDER, "name": "", "deadline": "SOON"}, 400, "name"),
    ({"email": OUTSIDER, "name": "Olga", "deadline": "next week"}, 400, "YYYY-MM-DD"),
    ({"email": OUTSIDER, "name": "Olga", "deadline": "2020-01-01"}, 400, None),
    ({"email": "quillon@rev.edu", "name": "Quillon", "deadline": "SOON"}, 409, "pick them as the emergency reviewer instead"),
    ({"email": OUTSIDER, "deadline": "SOON"}, 422, None),
])
def test_bad_invitations_are_refused_with_a_message_and_nothing_sent(rworld, soon, payload, status, words, django_capture_on_commit_callbacks):
    payload = {k: (soon if v == "SOON" else v) for k, v in payload.items()}
    if payload.get("email") == "quillon@rev.edu":
        payload["email"] = rworld.people["reviewer"].email  # an accepted reviewer: picked, not invited
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        answer = api(rworld.people["chair"]).post(url(rworld), payload, content_type="application/json")
    assert answer.status_code == status, answer.content
    if words:
        assert words in answer.json()["detail"]
    assert not EmergencyInvitation.objects.exists() and not mail.outbox


def test_nobody_but_an_unconflicted_chair_reaches_them(rworld, soon, make_user, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        made = api(rworld.people["chair"]).post(url(rworld), {"email": OUTSIDER, "name": "Olga", "deadline": soon},
                                                content_type="application/json")
    offer = made.json()["id"]
    conflicted = make_user("cc@chairs.org", "Conflicted Chair")
    VenueRole.objects.create(venue=rworld.venue, user=conflicted, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=conflicted, source=Conflict.Source.INSTITUTION, reason="same lab")
    people = [rworld.people[k] for k in ("reviewer", "area_chair", "author")] + [conflicted]
    for person in people:
        client = api(person)
        assert client.get(url(rworld)).status_code == 404, person
        assert client.post(url(rworld), {"email": "x@y.org", "name": "X", "deadline": soon}, content_type="application/json").status_code == 404
        assert client.post(url(rworld, f"/{offer}/withdraw")).status_code == 404
    assert Client().get(url(rworld)).status_code == 401
    assert EmergencyInvitation.objects.get(public_id=offer).state == "pending" and EmergencyInvitation.objects.count() == 1
