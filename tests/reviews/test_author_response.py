"""Issue 11 item 1, the author response (rebuttal): optional per venue (the default workshop
has none); `[author_response]` in the venue file (dates AoE, a length limit in characters or
words, who reads it), validated with line numbers and round-tripped; one response per paper,
written by its authors while the phase is open, audited, editable until it closes; during the
phase the authors read the reviews; reviewers read it under "Authors", never names."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from django.urls import reverse

from paperdesk import venueconfig
from paperdesk.audit.models import AuditEntry
from paperdesk.venues.models import Venue
from tests.reviews.review_world import CANARY_AUTHOR, CANARY_REVIEWER, CHAIRS_ONLY_TEXT, REVIEW_TEXT, review_post_data

RESPONSE_TEXT = "Responsetext-canary: we ran the ablation the reviewers asked for."
SECTION = """
[author_response]
opens = 2025-09-15T00:00:00
closes = 2025-09-17T23:59:00
max_length = 12
unit = "words"
reviewers_read = true
area_chairs_read = true
"""


def venue_text() -> str:
    return Path("venues/mechinterp-2025.toml").read_text()


def test_default_workshop_has_no_author_response_and_the_section_round_trips():
    text = venue_text()
    assert venueconfig.parse_venue(text).author_response.enabled is False
    spec = venueconfig.parse_venue(text + SECTION)
    rules = spec.author_response
    assert rules.enabled and rules.opens == dt.datetime(2025, 9, 15) and rules.unit == "words" and rules.max_length == 12
    assert venueconfig.parse_venue(venueconfig.spec_to_toml(spec)) == spec
    assert venueconfig.spec_from_dict(venueconfig.spec_to_dict(spec)) == spec


def test_a_turned_off_response_keeps_its_other_settings_without_complaint():
    """The settings form sends every field of a turned-off section: the loader accepts them
    (known keys) and ignores them (hypothesis found the form's unchanged save refused)."""
    text = venue_text() + SECTION.replace("[author_response]", "[author_response]\nenabled = false")
    assert venueconfig.parse_venue(text).author_response.enabled is False


def test_bad_author_response_settings_name_their_lines():
    text = venue_text() + SECTION.replace('unit = "words"', 'unit = "pages"').replace("closes = 2025-09-17T23:59:00", "closes = 2025-09-14T23:59:00")
    with pytest.raises(venueconfig.VenueConfigError) as info:
        venueconfig.parse_venue(text)
    message = str(info.value)
    lines = text.splitlines()
    unit_line = lines.index('unit = "pages"') + 1
    assert f":{unit_line}:" in message and "characters" in message
    assert f":{lines.index('closes = 2025-09-14T23:59:00') + 1}:" in message and "must be after opens" in message


def enable_response(world, *, opens, closes, max_length=12, unit="words", reviewers_read=True):
    venue = Venue.objects.get(pk=world.venue.pk)
    venue.config["author_response"] = {"enabled": True, "opens": opens.isoformat(), "closes": closes.isoformat(),
                                       "max_length": max_length, "unit": unit, "reviewers_read": reviewers_read, "area_chairs_read": True}
    venue.save()
    world.venue = venue
    world.paper.refresh_from_db()
    return venue


def response_url(world):
    return reverse("reviews:author_response", args=[world.paper.public_id])


def test_authors_respond_while_open_and_reviewers_read_it_under_authors(rworld, at):
    rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]), review_post_data(rworld.venue, action="submit"))
    venue = enable_response(rworld, opens=dt.datetime(2025, 9, 15), closes=dt.datetime(2025, 9, 17, 23, 59))
    tz = venue.tzinfo
    author = rworld.client("author")
    at(dt.datetime(2025, 9, 14, 12, tzinfo=tz))
    page = author.get(response_url(rworld))
    assert page.status_code == 200 and "opens" in page.content.decode() and REVIEW_TEXT not in page.content.decode()
    assert author.post(response_url(rworld), {"text": RESPONSE_TEXT}).status_code == 403
    at(dt.datetime(2025, 9, 16, 12, tzinfo=tz))
    page = author.get(response_url(rworld)).content.decode()
    assert REVIEW_TEXT in page  # the reviews they respond to
    assert CHAIRS_ONLY_TEXT not in page and CANARY_REVIEWER not in page and "Rita Second" not in page  # double-blind holds
    api_reviews = rworld.client("author").get(f"/api/papers/{rworld.paper.public_id}/reviews")
    assert CANARY_REVIEWER not in api_reviews.content.decode() and CHAIRS_ONLY_TEXT not in api_reviews.content.decode()
    too_long = " ".join(["word"] * 13)
    response = author.post(response_url(rworld), {"text": too_long})
    assert response.status_code == 400 and "12 words" in response.content.decode() and too_long in response.content.decode()
    assert author.post(response_url(rworld), {"text": RESPONSE_TEXT}).status_code == 302
    assert author.post(response_url(rworld), {"text": RESPONSE_TEXT + " Edited."}).status_code == 302
    assert AuditEntry.objects.filter(action="author_response.save").count() == 2
    reviewer_page = rworld.client("reviewer").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert RESPONSE_TEXT + " Edited." in reviewer_page and "Authors" in reviewer_page
    assert CANARY_AUTHOR not in reviewer_page and "Ada Lovelace" not in reviewer_page
    assert RESPONSE_TEXT in rworld.client("chair").get(reverse("reviews:paper", args=[rworld.paper.public_id])).content.decode()
    assert rworld.client("reviewer2").post(response_url(rworld), {"text": "x"}).status_code == 404
    at(dt.datetime(2025, 9, 18, 12, tzinfo=tz))
    closed = author.post(response_url(rworld), {"text": "Too late."})
    assert closed.status_code == 403 and "closed" in closed.content.decode()


def test_no_response_phase_on_the_default_workshop(rworld):
    assert rworld.client("author").get(response_url(rworld)).status_code == 404
    detail = reverse("submissions:detail", args=[rworld.paper.public_id])
    assert "Author response" not in rworld.client("author").get(detail).content.decode()
    enable_response(rworld, opens=dt.datetime(2025, 9, 15), closes=dt.datetime(2025, 9, 17, 23, 59))
    assert response_url(rworld) in rworld.client("author").get(detail).content.decode()


def _mails(smtp_inbox) -> list:
    from email import message_from_bytes
    from email import policy as email_policy

    return [message_from_bytes(e.content, policy=email_policy.default) for e in smtp_inbox.envelopes]


def test_authors_are_told_when_it_opens_and_reminded_before_it_closes_reviewers_when_it_arrives(
        rworld, at, smtp_inbox, django_capture_on_commit_callbacks):
    from paperdesk.reviews import author_response, reminders

    venue = enable_response(rworld, opens=dt.datetime(2025, 9, 15), closes=dt.datetime(2025, 9, 17, 23, 59))
    tz = venue.tzinfo
    authors = {rworld.people["author"].email, "zebulon.canarywhistle@canary-institute.edu"}
    at(dt.datetime(2025, 9, 14, 12, tzinfo=tz))
    assert author_response.send_response_notices(venue) == 0
    assert reminders.next_moment(venue, dt.datetime(2025, 9, 14, 12, tzinfo=tz)) <= dt.datetime(2025, 9, 15, tzinfo=tz)
    at(dt.datetime(2025, 9, 15, 0, 5, tzinfo=tz))
    assert reminders.review_reminders_job.call(venue.pk) >= 2
    opened = [m for m in _mails(smtp_inbox) if "is open" in m["Subject"]]
    assert {m["To"] for m in opened} >= authors and f"#{rworld.paper.number}" in opened[0]["Subject"]
    assert author_response.send_response_notices(venue) == 0  # once
    # the other paper's author responds; then the reminder goes only to the canary paper's authors
    with django_capture_on_commit_callbacks(execute=True):
        author_response.save_response(submission=rworld.paper, actor=rworld.people["author"], text="We thank the reviewers.")
    arrived = [m for m in _mails(smtp_inbox) if "responded" in m["Subject"]]
    to = {m["To"] for m in arrived}
    assert rworld.people["reviewer"].email in to and rworld.people["area_chair"].email in to
    assert rworld.people["conflicted_reviewer"].email not in to
    assert all("Ada Lovelace" not in m.get_content() and "Canarywhistle" not in m.get_content() for m in arrived)
    at(dt.datetime(2025, 9, 17, 1, tzinfo=tz))
    before = len(smtp_inbox.envelopes)
    author_response.send_response_notices(venue)
    closing = [m for m in _mails(smtp_inbox)[before:] if "closes soon" in m["Subject"]]
    assert closing and all(f"#{rworld.paper.number}" not in m["Subject"] for m in closing)
    assert {m["To"] for m in closing} == {rworld.people["other_author"].email}


def test_reviewers_update_their_scores_after_the_response_and_the_page_says_so(rworld, at):
    from paperdesk.reviews import author_response
    from paperdesk.reviews.models import Review, ReviewVersion

    tz = rworld.venue.tzinfo
    deadline = rworld.venue.review_deadline.astimezone(tz).replace(tzinfo=None)
    venue = enable_response(rworld, opens=deadline + dt.timedelta(days=2), closes=deadline + dt.timedelta(days=5))
    save = reverse("reviews:save", args=[rworld.paper.public_id])
    at((deadline - dt.timedelta(days=1)).replace(tzinfo=tz))
    assert rworld.client("reviewer").post(save, review_post_data(venue, overall=2, action="submit")).status_code == 302
    at((deadline + dt.timedelta(days=3)).replace(tzinfo=tz))  # after the review deadline, in the response phase
    author_response.save_response(submission=rworld.paper, actor=rworld.people["author"], text=RESPONSE_TEXT)
    page = reverse("reviews:paper", args=[rworld.paper.public_id])
    assert "updated after the response" not in rworld.client("chair").get(page).content.decode()
    at((deadline + dt.timedelta(days=3, hours=1)).replace(tzinfo=tz))
    response = rworld.client("reviewer").post(save, review_post_data(venue, overall=4, action="submit"))
    assert response.status_code == 302, response.content.decode()[:400]
    review = Review.objects.get(assignment=rworld.assignments["reviewer"])
    assert review.overall == 4
    assert ReviewVersion.objects.filter(review=review).count() >= 2  # the history keeps the score before
    assert "updated after the response" in rworld.client("chair").get(page).content.decode()
    assert "updated after the response" in rworld.client("area_chair").get(page).content.decode()


def test_the_response_through_the_api(rworld, at, make_user):
    from django.test import Client

    from paperdesk.api.models import ApiToken
    from paperdesk.committee.models import Conflict
    from paperdesk.venues.models import VenueRole

    def call(role, method, path, body=None):
        user = rworld.people[role]
        token = ApiToken.issue(user, "test")[1]
        return getattr(Client(), method.lower())(f"/api{path}", data=json.dumps(body) if body is not None else "",
                                                 content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}")

    rworld.client("reviewer").post(reverse("reviews:save", args=[rworld.paper.public_id]), review_post_data(rworld.venue, action="submit"))
    mine = f"/submissions/{rworld.paper.public_id}/response"
    read = f"/papers/{rworld.paper.public_id}/author-response"
    assert call("author", "GET", mine).status_code == 404  # the default workshop has none
    venue = enable_response(rworld, opens=dt.datetime(2025, 9, 15), closes=dt.datetime(2025, 9, 17, 23, 59))
    at(dt.datetime(2025, 9, 16, 12, tzinfo=venue.tzinfo))
    body = call("author", "GET", mine).json()
    assert body["can_write"] and body["unit"] == "words" and any(REVIEW_TEXT in v for r in body["reviews"] for v in r["answers"].values())
    too_long = call("author", "PUT", mine, {"text": " ".join(["w"] * 13)})
    assert too_long.status_code == 400 and "12 words" in too_long.json()["detail"]
    assert call("author", "PUT", mine, {"text": RESPONSE_TEXT}).json()["text"] == RESPONSE_TEXT
    assert call("reviewer2", "PUT", mine, {"text": "x"}).status_code == 404
    got = call("reviewer", "GET", read).json()
    assert got == {"author": "Authors", "text": RESPONSE_TEXT, "updated_at": got["updated_at"]}
    cora = make_user("cora@chairs.org", "Cora Conflicted-Chair")
    VenueRole.objects.create(venue=venue, user=cora, role=VenueRole.Role.CHAIR)
    Conflict.objects.create(submission=rworld.paper, user=cora, source=Conflict.Source.INSTITUTION, reason="Same lab")
    rworld.people["conflicted_chair"] = cora
    assert call("conflicted_chair", "GET", read).status_code == 404
    assert call("conflicted_chair", "PUT", mine, {"text": "x"}).status_code == 404
    assert RESPONSE_TEXT not in Client().get("/").content.decode()


def test_chairs_turn_the_response_on_in_the_settings_pages(rworld):
    from tests.venues.settings_helpers import form_fields

    url = reverse("venues:settings_author_response", args=[rworld.venue.slug])
    chair = rworld.client("chair")
    fields = form_fields(chair.get(url).content.decode())
    assert not fields.get("author_response.enabled")
    deadline = rworld.venue.review_deadline.astimezone(rworld.venue.tzinfo)
    fields.update({"author_response.enabled": "on", "author_response.opens": "2025-01-01T00:00",
                   "author_response.closes": "2024-12-31T00:00", "author_response.max_length": "500",
                   "author_response.unit": "words"})
    bad = chair.post(url, fields)
    assert bad.status_code == 400 and "must be after opens" in bad.content.decode()
    opens = (deadline + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    closes = (deadline + dt.timedelta(days=5)).strftime("%Y-%m-%dT%H:%M")
    fields.update({"author_response.opens": opens, "author_response.closes": closes})
    assert chair.post(url, fields).status_code == 302
    rules = Venue.objects.get(pk=rworld.venue.pk).spec.author_response
    assert rules.enabled and rules.max_length == 500 and rules.unit == "words"
    assert rworld.client("area_chair").get(url).status_code == 404
