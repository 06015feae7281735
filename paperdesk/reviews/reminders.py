"""Reminders to reviewers with missing reviews, at the days before and after the review
deadline that the venue file's `[notifications]` table sets (by default a week, two days
and one day before, and once twelve hours after). Never twice: each (venue, reviewer,
reminder) is a `ReminderSent` row written before the e-mail goes out; the unique key
refuses a second.

`paperdesk remind-reviewers` sends what is due now and schedules the next run as a
background job (the worker runs it at that moment); cron may run the command too: running
it again, or from two machines at once, sends nothing twice.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse

from paperdesk import clock, plurals, policy
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.venues.models import Venue

from . import author_response
from .models import ReminderSchedule, ReminderSent
from .outstanding import outstanding

log = logging.getLogger(__name__)

# The overdue reminder of the default schedule (twelve hours after the deadline) keeps the
# key it had before the schedule was configurable, so a venue upgraded mid-review does not
# send it a second time.
LEGACY_OVERDUE_DAYS = 0.5


def _days_text(days: float) -> str:
    return f"{days:g}d"


def reminder_moments(venue: Venue, deadline: dt.datetime | None = None) -> list[tuple[str, dt.datetime]]:
    """(key, moment) for every reminder of a review deadline (the venue's, or a reviewer's
    extended or emergency one), in time order. The key names the deadline and the offset,
    so a moved deadline starts a fresh series and a reminder is never sent twice."""
    deadline = deadline or venue.review_deadline
    stamp = deadline.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")
    schedule = venue.spec.notifications
    moments = [(f"review-{stamp}-{_days_text(days)}", deadline - dt.timedelta(days=days))
               for days in sorted(set(schedule.review_reminder_days), reverse=True)]
    for days in sorted(set(schedule.overdue_reminder_days)):
        suffix = "overdue" if days == LEGACY_OVERDUE_DAYS else f"overdue-{_days_text(days)}"
        moments.append((f"review-{stamp}-{suffix}", deadline + dt.timedelta(days=days)))
    return moments


def current_reminder(venue: Venue, now: dt.datetime, deadline: dt.datetime | None = None) -> str | None:
    """The key of the reminder due at `now` (the latest whose moment has come), if any."""
    deadline = deadline or venue.review_deadline
    due = [key for key, moment in reminder_moments(venue, deadline) if moment <= now]
    if due and now >= deadline and "-overdue" not in due[-1]:
        return None  # past the deadline "due within a day" would be wrong; only overdue reminders go out
    return due[-1] if due else None


def _deadlines(venue: Venue) -> set[dt.datetime]:
    """The venue's review deadline and every reviewer's own one still owed a review."""
    own = {d for d in outstanding(venue).filter(deadline__isnull=False).values_list("deadline", flat=True) if d is not None}
    return {venue.review_deadline} | own


def next_moment(venue: Venue, now: dt.datetime) -> dt.datetime | None:
    moments = [moment for deadline in _deadlines(venue) for _, moment in reminder_moments(venue, deadline) if moment > now]
    moments += [moment for _, moment in author_response.notice_moments(venue) if moment > now]  # the authors' response notices
    return min(moments, default=None)


@dataclass
class Missing:
    alias: str
    title: str
    state: str
    path: str
    deadline: dt.datetime = field(default_factory=lambda: dt.datetime.min.replace(tzinfo=dt.UTC))


def missing_reviews(venue: Venue) -> dict[int, list[Missing]]:
    """reviewer user id -> their reviews still to submit (`chasing.outstanding`, the one
    definition the dashboard shares), each with that reviewer's deadline for it."""
    rows = outstanding(venue).select_related("submission__venue", "user", "review").order_by("user_id", "submission__number")
    result: dict[int, list[Missing]] = defaultdict(list)
    for row in rows:
        review = getattr(row, "review", None)
        result[row.user_id].append(Missing(
            alias=row.alias,
            title=row.submission.title,
            state="draft saved" if review is not None else "not started",
            path=reverse("reviews:paper", args=[row.submission.public_id]),
            deadline=policy.review_deadline_of(row),
        ))
    return result


def send_review_reminders(venue: Venue, now: dt.datetime | None = None) -> int:
    """Send the reminder due now to every reviewer who still owes a review, per deadline
    (a reviewer with an extension follows their own); returns how many were sent. A
    reminder whose moment has passed is not sent late once a later one is due."""
    now = now or clock.now()
    sent = 0
    missing_by_user = missing_reviews(venue)
    users = {u.pk: u for u in get_user_model().objects.filter(pk__in=list(missing_by_user))}
    for user_id, missing in missing_by_user.items():
        by_deadline: dict[dt.datetime, list[Missing]] = defaultdict(list)
        for row in missing:
            by_deadline[row.deadline].append(row)
        for deadline, rows in sorted(by_deadline.items()):
            key = current_reminder(venue, now, deadline)
            if key is None:
                continue
            try:
                with transaction.atomic():
                    claim = ReminderSent.objects.create(venue=venue, user_id=user_id, key=key)
            except IntegrityError:
                continue  # this reminder already went to this reviewer
            overdue = "-overdue" in key
            days_left = (deadline - now).days
            try:
                send_templated("review_reminder", {
                    "venue": venue,
                    "missing": rows,
                    "overdue": overdue,
                    "deadline_text": venue.moment_text(deadline),
                    "due_text": "within a day" if days_left < 1 else f"in {plurals.count(days_left, 'day')}",
                    "dashboard_path": reverse("reviews:dashboard"),
                }, [users[user_id].email])
            except Exception:
                claim.delete()  # not sent: the next run tries again
                log.exception("review reminder to user %s failed", user_id)
                continue
            sent += 1
    return sent


def schedule_next(venue: Venue, now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the reminder job for the venue's next reminder moment, once."""
    try:  # pragma: no cover - depends on the Django version, as in paperdesk.jobs
        from django.tasks import default_task_backend  # type: ignore[import-not-found]
    except ImportError:
        from django_tasks import default_task_backend

    now = now or clock.now()
    moment = next_moment(venue, now)
    if moment is None or not default_task_backend.supports_defer:
        return moment if moment and default_task_backend.supports_defer else None
    with transaction.atomic():
        schedule, _ = ReminderSchedule.objects.select_for_update().get_or_create(venue=venue)
        if schedule.next_at == moment and schedule.task_id:
            return moment
        result = review_reminders_job.using(run_after=moment).enqueue(venue.pk)
        schedule.next_at, schedule.task_id = moment, str(result.id)
        schedule.save()
    return moment


@task()
def review_reminders_job(venue_id: int) -> int:
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return 0
    sent = send_review_reminders(venue)
    sent += author_response.send_response_notices(venue)
    ReminderSchedule.objects.update_or_create(venue=venue, defaults={"last_run_at": clock.now(), "task_id": ""})
    schedule_next(venue)
    return sent
