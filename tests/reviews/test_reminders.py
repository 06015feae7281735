"""Reminders before the review deadline: due ones only, to reviewers with missing
reviews, never twice, from the command and from the scheduled job."""

from __future__ import annotations

import datetime as dt
import io

from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from paperdesk.reviews import reminders
from paperdesk.reviews.models import ReminderSchedule, ReminderSent
from tests.reviews.review_world import CANARY_AUTHOR, review_post_data


def run_command(*args) -> str:
    out = io.StringIO()
    call_command("remind-reviewers", *args, stdout=out)
    return out.getvalue()


def test_no_reminder_long_before_the_deadline(rworld, at):
    at(rworld.venue.review_deadline - dt.timedelta(days=10))
    assert reminders.send_review_reminders(rworld.venue) == 0
    assert mail.outbox == []


def test_week_before_reminds_each_reviewer_with_missing_reviews_once(rworld, at):
    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(days=6))
    rworld.client("reviewer2").post(reverse("reviews:save", args=[rworld.paper.public_id]), review_post_data(venue, action="submit"))
    assert "2 reminder(s) sent" in run_command("--venue", venue.slug)
    recipients = sorted(m.to[0] for m in mail.outbox)
    # reviewer (missing), unassigned_reviewer (missing on the other paper); not reviewer2 (done),
    # not the conflicted reviewer (no review is due from them)
    assert recipients == sorted([rworld.people["reviewer"].email, rworld.people["unassigned_reviewer"].email])
    message = next(m for m in mail.outbox if m.to[0] == rworld.people["reviewer"].email)
    assert "Reviewer 1 of “The canary paper” (not started)" in message.body
    assert "due in 6 days" in message.subject
    assert CANARY_AUTHOR not in message.body
    mail.outbox.clear()
    assert "0 reminder(s) sent" in run_command("--venue", venue.slug)
    assert reminders.send_review_reminders(venue) == 0
    assert mail.outbox == []
    assert ReminderSent.objects.count() == 2


def test_later_stages_and_overdue_each_send_once(rworld, at):
    venue = rworld.venue
    sent = []
    for moment in (dt.timedelta(days=-7), dt.timedelta(days=-3), dt.timedelta(days=-2), dt.timedelta(hours=-20), dt.timedelta(hours=-1), dt.timedelta(hours=13), dt.timedelta(days=3)):
        at(venue.review_deadline + moment)
        sent.append(reminders.send_review_reminders(venue))
    assert sent == [3, 0, 3, 3, 0, 3, 0]  # reviewer, reviewer2, and the reviewer of the other paper
    overdue = [m for m in mail.outbox if m.subject.startswith(f"[{venue.short_name}] Overdue")]
    assert len(overdue) == 3
    assert "a late review is still welcome" in overdue[0].body


def test_a_failed_send_is_retried_next_time(rworld, at, monkeypatch):
    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(days=1, hours=2))
    from paperdesk.reviews import reminders as module

    calls = {"n": 0}
    real = module.send_templated

    def flaky(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise ConnectionError("SMTP down")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, "send_templated", flaky)
    assert reminders.send_review_reminders(venue) == 2  # of three; the first failed
    assert reminders.send_review_reminders(venue) == 1  # the failed one, retried
    assert reminders.send_review_reminders(venue) == 0
    assert len(mail.outbox) == 3


def test_schedule_enqueues_the_next_run_once(rworld, at, settings):
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks.backends.dummy.DummyBackend"}}  # a backend that defers
    from django_tasks import task_backends

    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(days=10))
    first = reminders.schedule_next(venue)
    assert first == venue.review_deadline - dt.timedelta(days=7)
    again = reminders.schedule_next(venue)
    assert again == first
    backend = task_backends["default"]
    assert len(backend.results) == 1
    assert backend.results[0].task.run_after == first
    assert ReminderSchedule.objects.get(venue=venue).next_at == first
    output = run_command("--venue", venue.slug, "--schedule-only")
    assert "next run" in output
    assert len(backend.results) == 1




def test_command_refuses_an_unknown_venue(db):
    import pytest
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No venue 'nope'"):
        run_command("--venue", "nope")


def test_the_scheduled_job_sends_what_is_due(rworld, at):
    venue = rworld.venue
    at(venue.review_deadline - dt.timedelta(hours=20))
    assert reminders.review_reminders_job.call(venue.pk) == 3
    assert reminders.review_reminders_job.call(venue.pk) == 0
    assert ReminderSchedule.objects.get(venue=venue).last_run_at is not None
