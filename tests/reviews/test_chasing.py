"""Chasing reviews (issue 11, item 2): one definition of "a review still to submit" for the
dashboard and the reminders; chairs' and area chairs' "remind late reviewers" with its
preview, sent once per click and audited; review-deadline extensions shown in AoE and
followed by the scheduled reminders and the "late" mark."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse

from paperdesk.audit.models import AuditEntry
from paperdesk.committee.models import Assignment
from paperdesk.reviews import chasing, reminders
from tests.reviews.review_world import CANARY_AUTHOR, review_post_data


def _release(world, paper):
    from paperdesk.decisions.models import Decision

    Decision.objects.create(submission=paper, outcome="reject", decided_by=world.people["chair"], released_at=world.venue.review_deadline)


def test_dashboard_and_reminders_share_one_definition(rworld, at):
    from paperdesk.decisions import dashboard

    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(days=1))
    _release(rworld, rworld.other_paper)  # its reviewer (unassigned_reviewer) owes nothing any more
    d = dashboard.build(rworld.people["chair"], venue)
    listed = {o.email for o in d.overdue}
    reminded = {a.user.email for a in chasing.outstanding(venue)}
    assert listed == reminded == {rworld.people["reviewer"].email, rworld.people["reviewer2"].email}
    assert d.overdue_people == 2
    assert set(reminders.missing_reviews(venue)) == {rworld.people["reviewer"].pk, rworld.people["reviewer2"].pk}
    # the dashboard's table leads to the reminder, as does the area chair's batch
    chase = reverse("reviews:chase", args=[venue.slug])
    assert chase in rworld.client("chair").get(reverse("decisions:dashboard", args=[venue.slug])).content.decode()
    assert chase in rworld.client("area_chair").get(reverse("reviews:area_chair", args=[venue.slug])).content.decode()


def _preview_key(html: str) -> str:
    return re.search(r'name="key" value="([^"]+)"', html).group(1)


def test_chair_previews_then_reminds_late_reviewers_once_per_click(rworld, at, django_capture_on_commit_callbacks):
    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(hours=2))
    chair = rworld.client("chair")
    url = reverse("reviews:chase", args=[venue.slug])
    page = chair.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    # the preview names who gets what; the conflicted reviewer owes nothing
    assert "Quillon Reviewbird" in html and "Rita Second" in html and "Uma Unassigned" in html
    assert "Conrad Conflicted" not in html
    assert CANARY_AUTHOR not in html
    key = _preview_key(html)
    with django_capture_on_commit_callbacks(execute=True):
        first = chair.post(url, {"key": key, "scope": "late"})
    assert first.status_code == 302
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [rworld.people[k].email for k in ("reviewer", "reviewer2", "unassigned_reviewer")])
    message = next(m for m in mail.outbox if m.to[0] == rworld.people["reviewer"].email)
    assert "Reviewer 1 of “The canary paper”" in message.body and "past the deadline" in message.body
    assert CANARY_AUTHOR not in message.body
    # the same form submitted again (double click, back button): nothing more
    with django_capture_on_commit_callbacks(execute=True):
        again = chair.post(url, {"key": key, "scope": "late"}, follow=True)
    assert len(mail.outbox) == 3
    # the second answer is the one a double click shows: it says what the first one sent
    assert "Reminder sent to 3 reviewers for 3 reviews (the form was submitted twice: it went out once" in again.content.decode()
    entries = AuditEntry.objects.filter(action="reviews.remind_late")
    assert entries.count() == 1 and entries.get().data["reviewers"] == 3


def test_remind_one_paper_only_and_area_chair_sees_only_their_papers(rworld, at, django_capture_on_commit_callbacks):
    from paperdesk.venues.models import Venue

    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(hours=2))
    ac = rworld.client("area_chair")
    url = reverse("reviews:chase", args=[venue.slug])
    # By default area chairs see their papers' reviewers' names (reviewing.area_chairs_see_reviewer_names)
    html = ac.get(url).content.decode()
    assert "Quillon Reviewbird" in html and "rita@rev.edu" in html and "Uma Unassigned" not in html
    # On a venue that hides them, aliases only, as on the paper's page
    stored = Venue.objects.get(pk=venue.pk)
    stored.config.setdefault("reviewing", {})["area_chairs_see_reviewer_names"] = False
    stored.save()
    html = ac.get(url).content.decode()
    assert "Uma Unassigned" not in html  # the other paper is not the area chair's
    assert "Reviewer 1 of #1" in html and "Reviewer 2 of #1" in html
    assert "Quillon Reviewbird" not in html and "rita@rev.edu" not in html
    paper_url = url + f"?paper={rworld.paper.public_id}"
    key = _preview_key(ac.get(paper_url).content.decode())
    with django_capture_on_commit_callbacks(execute=True):
        ac.post(paper_url, {"key": key, "scope": "late"})
    assert sorted(m.to[0] for m in mail.outbox) == sorted([rworld.people["reviewer"].email, rworld.people["reviewer2"].email])
    # a reviewer cannot chase; an area chair cannot chase a paper that is not theirs
    assert rworld.client("reviewer").get(url).status_code == 404
    assert ac.get(url + f"?paper={rworld.other_paper.public_id}").status_code == 404


def test_conflicted_chair_cannot_chase_the_paper(rworld, at, make_user):
    from paperdesk.committee.models import Conflict
    from paperdesk.venues.models import VenueRole

    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(hours=2))
    other_chair = make_user("cc@chairs.org", "Conflicted Chair")
    VenueRole.objects.create(venue=venue, user=other_chair, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=other_chair, source=Conflict.Source.INSTITUTION, reason="same lab")
    from django.test import Client

    client = Client()
    client.force_login(other_chair)
    url = reverse("reviews:chase", args=[venue.slug])
    html = client.get(url).content.decode()
    assert "Uma Unassigned" in html and "Quillon Reviewbird" not in html
    assert client.get(url + f"?paper={rworld.paper.public_id}").status_code == 404
    page = client.post(reverse("reviews:extend", args=[rworld.paper.public_id]), {"deadline": "2099-01-01"})
    assert page.status_code == 404


def test_extension_shown_in_aoe_followed_by_late_mark_and_reminders(rworld, at, django_capture_on_commit_callbacks):
    venue = rworld.venue
    reviewer = rworld.people["reviewer"]
    at(venue.review_deadline - dt.timedelta(days=1))
    new = venue.local(venue.review_deadline + dt.timedelta(days=5)).date()
    with django_capture_on_commit_callbacks(execute=True):
        response = rworld.client("chair").post(reverse("reviews:extend", args=[rworld.paper.public_id]),
                                               {"deadline": new.isoformat(), "reviewer": rworld.assignments["reviewer"].pk})
    assert response.status_code == 302
    assignment = Assignment.objects.get(pk=rworld.assignments["reviewer"].pk)
    assert venue.local(assignment.deadline).date() == new
    assert Assignment.objects.get(pk=rworld.assignments["reviewer2"].pk).deadline is None
    notice = [m for m in mail.outbox if m.to == [reviewer.email]]
    assert notice and venue.moment_text(assignment.deadline) in notice[0].body
    assert AuditEntry.objects.filter(action="reviews.deadline_extend").count() == 1
    # the reviewer reads it on their dashboard, in the venue's time zone (AoE)
    dash = rworld.client("reviewer").get(reverse("reviews:dashboard")).content.decode()
    assert "Your deadline: " + venue.moment_text(assignment.deadline) in dash
    mail.outbox.clear()
    # twelve hours after the venue's deadline: the overdue reminder goes to reviewer2, not to the extended reviewer
    at(venue.review_deadline + dt.timedelta(hours=13))
    reminders.send_review_reminders(venue)
    assert rworld.people["reviewer2"].email in [m.to[0] for m in mail.outbox]
    to_reviewer = [m for m in mail.outbox if m.to[0] == reviewer.email]
    assert all(not m.subject.startswith(f"[{venue.short_name}] Overdue") for m in to_reviewer)
    assert all(venue.moment_text(assignment.deadline) in m.body for m in to_reviewer)
    # submitted after the venue's deadline but before their own: not late
    rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]), review_post_data(venue, action="submit"))
    assert Assignment.objects.get(pk=assignment.pk).review.late is False


def test_extended_reviewer_gets_their_own_reminder_series(rworld, at):
    venue = rworld.venue
    own = venue.review_deadline + dt.timedelta(days=10)
    Assignment.objects.filter(pk=rworld.assignments["reviewer"].pk).update(deadline=own)
    at(own - dt.timedelta(hours=20))
    reminders.send_review_reminders(venue)
    to_reviewer = [m for m in mail.outbox if m.to[0] == rworld.people["reviewer"].email]
    assert len(to_reviewer) == 1 and "due within a day" in to_reviewer[0].subject
    assert reminders.next_moment(venue, own - dt.timedelta(hours=20)) == own + dt.timedelta(hours=12)
    mail.outbox.clear()
    reminders.send_review_reminders(venue)
    assert [m for m in mail.outbox if m.to[0] == rworld.people["reviewer"].email] == []


@pytest.mark.parametrize("value,message", [("2020-01-01", "already past"), ("soon", "YYYY-MM-DD"), ("2999-01-01", "at most")])
def test_bad_extension_is_refused_with_a_message(rworld, at, value, message):
    at(rworld.venue.review_deadline - dt.timedelta(days=1))
    page = rworld.client("chair").post(reverse("reviews:extend", args=[rworld.paper.public_id]), {"deadline": value}, follow=True)
    assert message in page.content.decode()
    assert not Assignment.objects.filter(deadline__isnull=False).exists()


def test_api_remind_and_extend(rworld, at, django_capture_on_commit_callbacks):
    venue = rworld.venue
    at(venue.review_deadline + dt.timedelta(hours=2))
    client = _api(rworld.people["chair"])
    preview = client.get(f"/api/venues/{venue.slug}/late-reviews")
    assert preview.status_code == 200
    assert {r["email"] for r in preview.json()["reviewers"]} == {rworld.people[k].email for k in ("reviewer", "reviewer2", "unassigned_reviewer")}
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(f"/api/venues/{venue.slug}/late-reviews/remind", {"key": "click-0001", "paper": rworld.paper.public_id},
                           content_type="application/json")
    assert sent.status_code == 200 and sent.json()["reviewers"] == 2 and sent.json()["already_sent"] is False
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(f"/api/venues/{venue.slug}/late-reviews/remind", {"key": "click-0001", "paper": rworld.paper.public_id},
                            content_type="application/json")
    assert again.json()["already_sent"] is True and len(mail.outbox) == 2
    assert again.json()["reviewers"] == 2  # what the first call sent, reported again
    new = (venue.review_deadline + dt.timedelta(days=3)).astimezone(venue.tzinfo).strftime("%Y-%m-%d")
    ext = client.post(f"/api/papers/{rworld.paper.public_id}/review-deadline", {"deadline": new}, content_type="application/json")
    assert ext.status_code == 200 and len(ext.json()["reviewers"]) == 2
    assert _api(rworld.people["reviewer"]).post(f"/api/papers/{rworld.paper.public_id}/review-deadline", {"deadline": new},
                                                content_type="application/json").status_code == 404


def _api(user):
    """A client that calls the API with a personal token, as a script does."""
    from django.test import Client

    from paperdesk.api.models import ApiToken

    return Client(headers={"Authorization": f"Bearer {ApiToken.issue(user, 'test')[1]}"})
