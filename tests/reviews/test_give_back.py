"""A reviewer declines a paper or flags a conflict in the app (issue 11, item 3): the chairs
are told (e-mail, and the assignment page), the slot reopens for a replacement from the
alternates, a flagged conflict becomes a recorded conflict."""

from __future__ import annotations

import email
import email.policy

from django.urls import reverse

from paperdesk.committee.models import Assignment, Conflict, ReviewerDecline
from tests.reviews.review_world import CANARY_AUTHOR, review_post_data


def _bodies(inbox) -> list[tuple[list[str], str, str]]:
    out = []
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        out.append((envelope.rcpt_tos, str(message["Subject"]), message.get_content()))
    return out


def test_reviewer_declines_chairs_told_and_slot_reopens(rworld, smtp_inbox, django_capture_on_commit_callbacks):
    reviewer = rworld.client("reviewer")
    url = reverse("reviews:give_back", args=[rworld.paper.public_id])
    paper_page = reviewer.get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert url in paper_page  # offered on the paper's page
    form = reviewer.get(url + "?kind=decline")
    assert form.status_code == 200
    refused = reviewer.post(url, {"kind": "decline", "reason": ""})
    assert refused.status_code == 400 and "why" in refused.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        done = reviewer.post(url, {"kind": "decline", "reason": "I am travelling for three weeks."})
    assert done.status_code == 302
    assert not Assignment.objects.filter(pk=rworld.assignments["reviewer"].pk).exists()
    slot = ReviewerDecline.objects.get()
    assert slot.kind == "decline" and slot.alias_number == 1 and slot.resolved_at is None
    mails = _bodies(smtp_inbox)
    assert [m[0] for m in mails] == [[rworld.people["chair"].email]]
    subject, body = mails[0][1], mails[0][2]
    assert "#1" in subject and "declined" in subject
    assert "I am travelling for three weeks." in body
    assert reverse("committee:pair_alternates", args=[rworld.venue.slug, rworld.paper.public_id]) in body
    # the paper is gone from the reviewer's list; the chairs see the open slot with its alternates
    assert rworld.client("reviewer").get(reverse("reviews:paper", args=[rworld.paper.public_id])).status_code == 404
    page = rworld.client("chair").get(reverse("committee:assignment", args=[rworld.venue.slug])).content.decode()
    assert 'id="open-slots"' in page and "I am travelling for three weeks." in page
    alternates = rworld.client("chair").get(reverse("committee:pair_alternates", args=[rworld.venue.slug, rworld.paper.public_id]))
    assert "Uma Unassigned" in alternates.content.decode()
    # a chair fills the slot from the alternates: it leaves the list
    rworld.client("chair").post(reverse("committee:pair_add", args=[rworld.venue.slug, rworld.paper.public_id]),
                                {"reviewer": rworld.people["unassigned_reviewer"].email})
    assert ReviewerDecline.objects.get().resolved_at is not None
    page = rworld.client("chair").get(reverse("committee:assignment", args=[rworld.venue.slug])).content.decode()
    assert 'id="open-slots"' not in page


def test_flagged_conflict_is_recorded_and_author_never_named(rworld, smtp_inbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rworld.client("reviewer2").post(reverse("reviews:give_back", args=[rworld.paper.public_id]),
                                        {"kind": "conflict", "reason": "The first author was my student."})
    conflict = Conflict.objects.get(submission=rworld.paper, user=rworld.people["reviewer2"])
    assert conflict.source == Conflict.Source.REVIEWER_DECLARED
    # never assigned again: the chairs' manual add refuses it
    response = rworld.client("chair").post(reverse("committee:pair_add", args=[rworld.venue.slug, rworld.paper.public_id]),
                                           {"reviewer": rworld.people["reviewer2"].email}, follow=True)
    assert "conflict" in response.content.decode()
    assert not Assignment.objects.filter(submission=rworld.paper, user=rworld.people["reviewer2"]).exists()
    body = _bodies(smtp_inbox)[0][2]
    assert "conflict is recorded" in body and CANARY_AUTHOR not in body


def test_submitted_review_cannot_be_given_back_and_others_cannot_give_back(rworld):
    venue = rworld.venue
    reviewer = rworld.client("reviewer")
    reviewer.post(reverse("reviews:save", args=[rworld.paper.public_id]), review_post_data(venue, action="submit"))
    response = reviewer.post(reverse("reviews:give_back", args=[rworld.paper.public_id]), {"kind": "decline", "reason": "changed my mind"})
    assert response.status_code == 403
    assert Assignment.objects.filter(pk=rworld.assignments["reviewer"].pk).exists()
    for role in ("unassigned_reviewer", "author", "conflicted_reviewer", "anonymous"):
        assert rworld.client(role).post(reverse("reviews:give_back", args=[rworld.paper.public_id]),
                                        {"kind": "decline", "reason": "not mine at all"}).status_code == 404
    assert not ReviewerDecline.objects.exists()


def test_api_give_back(rworld, django_capture_on_commit_callbacks):
    from django.test import Client

    from paperdesk.api.models import ApiToken

    def api(user):
        return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 't')[1]}"})

    url = f"/api/papers/{rworld.paper.public_id}/give-back"
    bad = api(rworld.people["reviewer"]).post(url, {"kind": "maybe", "reason": "too busy this month"}, content_type="application/json")
    assert bad.status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        ok = api(rworld.people["reviewer"]).post(url, {"kind": "conflict", "reason": "I know the authors well."}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["recorded_conflict"] is True
    assert api(rworld.people["unassigned_reviewer"]).post(url, {"kind": "decline", "reason": "too busy"},
                                                          content_type="application/json").status_code == 404


def test_conflicted_chair_does_not_see_the_open_slot_of_their_paper(rworld, make_user, django_capture_on_commit_callbacks):
    from django.test import Client

    from paperdesk.venues.models import VenueRole

    other = make_user("cc@chairs.org", "Conflicted Chair")
    VenueRole.objects.create(venue=rworld.venue, user=other, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=other, source=Conflict.Source.INSTITUTION, reason="same lab")
    with django_capture_on_commit_callbacks(execute=True):
        rworld.client("reviewer").post(reverse("reviews:give_back", args=[rworld.paper.public_id]),
                                       {"kind": "decline", "reason": "Too far from my expertise."})
    client = Client()
    client.force_login(other)
    page = client.get(reverse("committee:assignment", args=[rworld.venue.slug])).content.decode()
    assert "Too far from my expertise." not in page and 'id="open-slots"' not in page
    assert client.get(reverse("committee:pair_alternates", args=[rworld.venue.slug, rworld.paper.public_id])).status_code == 404
    # and the conflicted chair is not e-mailed about it
    from django.core import mail

    assert other.email not in [m.to[0] for m in mail.outbox]
