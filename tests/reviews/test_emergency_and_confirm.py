"""Replacing a reviewer (issue 11, item 2) and the confirmations before irreversible steps
(issue 10, item 7): publishing asks once, naming the papers and who is e-mailed; removing a
published reviewer asks once, naming them and the paper, then tells them by e-mail; an
emergency reviewer is published at once with a shorter deadline and an "emergency" mark."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

from django.urls import reverse

from paperdesk.committee.models import Assignment, PoolMember
from tests.reviews.review_world import CANARY_AUTHOR


def _mails(inbox):
    out = []
    for envelope in inbox.envelopes:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        out.append((envelope.rcpt_tos, str(message["Subject"]), message.get_content()))
    return out


def test_publish_asks_once_naming_papers_and_reviewers(rworld, make_user):
    venue = rworld.venue
    extra = make_user("nina@rev.edu", "Nina New")
    PoolMember.objects.create(venue=venue, user=extra, email=extra.email, state=PoolMember.State.ACCEPTED)
    Assignment.objects.create(submission=rworld.other_paper, user=extra, kind="reviewer", alias_number=7, published=False)
    chair = rworld.client("chair")
    url = reverse("committee:publish", args=[venue.slug])
    first = chair.post(url)
    html = first.content.decode()
    assert first.status_code == 200 and 'id="confirm-publish"' in html
    assert "#2 Another paper: 1 new reviewer" in html and "1</strong> reviewer gets an e-mail" in html
    assert not Assignment.objects.get(user=extra).published  # nothing happened yet
    done = chair.post(url, {"confirm": "yes"}, follow=True)
    assert "Published 1 assignment" in done.content.decode()
    assert Assignment.objects.get(user=extra).published


def test_removing_a_published_reviewer_asks_once_then_tells_them(rworld, smtp_inbox, django_capture_on_commit_callbacks):
    venue = rworld.venue
    pair = rworld.assignments["reviewer2"]
    chair = rworld.client("chair")
    url = reverse("committee:pair_remove", args=[venue.slug, pair.pk])
    ask = chair.post(url)
    html = ask.content.decode()
    assert ask.status_code == 200 and 'id="confirm-remove"' in html
    assert "Rita Second" in html and "#1 The canary paper" in html and "e-mailed" in html
    assert Assignment.objects.filter(pk=pair.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(url, {"confirm": "yes"})
    assert not Assignment.objects.filter(pk=pair.pk).exists()
    mails = _mails(smtp_inbox)
    assert [m[0] for m in mails] == [[rworld.people["reviewer2"].email]]
    assert "You no longer review “The canary paper”" in mails[0][1]
    assert CANARY_AUTHOR not in mails[0][2]


def test_emergency_reviewer_gets_the_shorter_deadline_and_the_mark(rworld, smtp_inbox, at, django_capture_on_commit_callbacks):
    venue = rworld.venue
    now = at(venue.review_deadline - dt.timedelta(days=2))
    chair = rworld.client("chair")
    with django_capture_on_commit_callbacks(execute=True):
        chair.post(reverse("committee:pair_remove", args=[venue.slug, rworld.assignments["reviewer2"].pk]), {"confirm": "yes"})
    page = chair.get(reverse("committee:pair_alternates", args=[venue.slug, rworld.paper.public_id])).content.decode()
    assert "Emergency reviewer" in page and "Uma Unassigned" in page
    due = venue.local(now + dt.timedelta(days=1)).date()
    with django_capture_on_commit_callbacks(execute=True):
        done = chair.post(reverse("committee:pair_emergency", args=[venue.slug, rworld.paper.public_id]),
                          {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": due.isoformat()}, follow=True)
    assert "emergency reviewer of #1" in done.content.decode()
    row = Assignment.objects.get(submission=rworld.paper, user=rworld.people["unassigned_reviewer"])
    assert row.published and row.emergency and venue.local(row.deadline).date() == due and row.alias_number == 4
    mails = _mails(smtp_inbox)
    to_uma = [m for m in mails if m[0] == [rworld.people["unassigned_reviewer"].email]]
    assert len(to_uma) == 1 and to_uma[0][1].startswith(f"[{venue.short_name}] Emergency review")
    assert venue.moment_text(row.deadline) in to_uma[0][2]
    dash = rworld.client("unassigned_reviewer").get(reverse("reviews:dashboard")).content.decode()
    assert "emergency" in dash and venue.moment_text(row.deadline) in dash
    paper = rworld.client("unassigned_reviewer").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert 'id="own-deadline"' in paper and "emergency reviewer" in paper


def test_emergency_refusals(rworld, at, make_user):
    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(days=2))
    url = reverse("committee:pair_emergency", args=[venue.slug, rworld.paper.public_id])
    chair = rworld.client("chair")
    too_soon = chair.post(url, {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": "2000-01-01"})
    assert too_soon.status_code == 400
    conflicted = chair.post(url, {"reviewer": rworld.people["conflicted_reviewer"].email, "deadline": "2099-01-01"})
    assert conflicted.status_code == 409
    bad = chair.post(url, {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": "next week"})
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    for role in ("reviewer", "area_chair", "author"):
        assert rworld.client(role).post(url, {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": "2099-01-01"}).status_code == 404
    # a chair conflicted with the paper neither assigns an emergency reviewer nor removes one
    from django.test import Client

    from paperdesk.committee.models import Conflict
    from paperdesk.venues.models import VenueRole

    other = make_user("cc@chairs.org", "Conflicted Chair")
    VenueRole.objects.create(venue=venue, user=other, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=other, source=Conflict.Source.INSTITUTION, reason="same lab")
    client = Client()
    client.force_login(other)
    assert client.post(url, {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": "2099-01-01"}).status_code == 404
    pair = rworld.assignments["reviewer"]
    assert client.post(reverse("committee:pair_remove", args=[venue.slug, pair.pk])).status_code == 404
    assert client.post(reverse("committee:pair_remove", args=[venue.slug, pair.pk]), {"confirm": "yes"}).status_code == 404
    assert Assignment.objects.filter(pk=pair.pk).exists()
    assert not Assignment.objects.filter(emergency=True).exists()


def test_api_emergency_reviewer(rworld, at, django_capture_on_commit_callbacks):
    from django.test import Client

    from paperdesk.api.models import ApiToken

    def api(user):
        return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 't')[1]}"})

    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(days=2))
    url = f"/api/venues/{venue.slug}/papers/{rworld.paper.public_id}/emergency-reviewer"
    due = venue.local(venue.review_deadline + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    body = {"reviewer": rworld.people["unassigned_reviewer"].email, "deadline": due}
    assert api(rworld.people["area_chair"]).post(url, body, content_type="application/json").status_code == 404
    assert api(rworld.people["chair"]).post(url, {**body, "deadline": "soon"}, content_type="application/json").status_code == 400
    with django_capture_on_commit_callbacks(execute=True):
        ok = api(rworld.people["chair"]).post(url, body, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["emergency"] is True and ok.json()["alias"] == "Reviewer 4"
    again = api(rworld.people["chair"]).post(url, body, content_type="application/json")
    assert again.status_code == 409

