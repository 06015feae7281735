"""Review reminders at the days the venue file's `[notifications]` table sets, before and
after the review deadline; each reminder goes to each late reviewer once."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.core import mail

from paperdesk.reviews import reminders
from paperdesk.reviews.models import ReminderSent
from paperdesk.venueconfig import Notifications
from paperdesk.venues.models import Venue
from paperdesk.venues.services import venue_load

DAY = dt.timedelta(days=1)


def configure(world, **schedule) -> Venue:
    """Load the venue again with another `[notifications]` table, as `paperdesk venue load` does."""
    venue, _ = venue_load(dataclasses.replace(world.venue.spec, notifications=Notifications(**schedule)))
    return Venue.objects.get(pk=venue.pk)


def run_at(venue, at, offsets) -> list[int]:
    sent = []
    for offset in offsets:
        at(venue.review_deadline + offset)
        sent.append(reminders.send_review_reminders(venue))
    return sent


def test_configured_days_before_and_after_the_deadline_each_remind_once(rworld, at):
    venue = configure(rworld, review_reminder_days=(3,), overdue_reminder_days=(1, 3))
    offsets = (-7 * DAY, -3 * DAY, -2 * DAY, dt.timedelta(hours=-1), dt.timedelta(hours=13), DAY, 2 * DAY, 3 * DAY, 10 * DAY)
    # three reviewers owe a review: before, one day after and three days after the deadline
    assert run_at(venue, at, offsets) == [0, 3, 0, 0, 0, 3, 0, 3, 0]
    overdue = [m for m in mail.outbox if m.subject.startswith(f"[{venue.short_name}] Overdue")]
    assert len(overdue) == 6 and len(mail.outbox) == 9
    assert "due in 3 days" in mail.outbox[0].subject
    stamp = venue.review_deadline.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
    assert set(ReminderSent.objects.values_list("key", flat=True)) == {f"review-{stamp}-3d", f"review-{stamp}-overdue-1d", f"review-{stamp}-overdue-3d"}


def test_no_overdue_reminder_when_the_list_is_empty(rworld, at):
    venue = configure(rworld, review_reminder_days=(1,), overdue_reminder_days=())
    assert run_at(venue, at, (dt.timedelta(hours=-20), dt.timedelta(hours=1), 5 * DAY)) == [3, 0, 0]
    assert not any("Overdue" in m.subject for m in mail.outbox)
    assert reminders.next_moment(venue, venue.review_deadline + dt.timedelta(hours=1)) is None


def test_after_the_deadline_only_overdue_reminders_go_out(rworld, at, make_user):
    from tests.reviews.review_world import assign

    venue = configure(rworld, review_reminder_days=(1,), overdue_reminder_days=(2,))
    at(venue.review_deadline - dt.timedelta(hours=2))
    assert reminders.send_review_reminders(venue) == 3
    latecomer = make_user("lena@rev.edu", "Lena Latecomer")
    at(venue.review_deadline + dt.timedelta(hours=3))
    assign(rworld.other_paper, latecomer, 2)
    mail.outbox.clear()
    # the one-day reminder never reached the latecomer, but "due within a day" would be wrong now
    assert reminders.send_review_reminders(venue) == 0
    at(venue.review_deadline + 2 * DAY)
    assert reminders.send_review_reminders(venue) == 4
    to_latecomer = next(m for m in mail.outbox if m.to[0] == latecomer.email)
    assert to_latecomer.subject.startswith(f"[{venue.short_name}] Overdue: 1 review past the deadline")


def test_the_schedule_follows_the_configured_days(rworld, at):
    venue = configure(rworld, review_reminder_days=(10, 4), overdue_reminder_days=(1.5,))
    moments = [moment - venue.review_deadline for _, moment in reminders.reminder_moments(venue)]
    assert moments == [-10 * DAY, -4 * DAY, dt.timedelta(hours=36)]
    assert reminders.next_moment(venue, venue.review_deadline - 5 * DAY) == venue.review_deadline - 4 * DAY


def test_the_default_schedule_keeps_its_reminder_keys(rworld):
    """Rows written before the schedule was configurable keep refusing a second e-mail."""
    stamp = rworld.venue.review_deadline.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
    keys = [key for key, _ in reminders.reminder_moments(rworld.venue)]
    assert keys == [f"review-{stamp}-7d", f"review-{stamp}-2d", f"review-{stamp}-1d", f"review-{stamp}-overdue"]
