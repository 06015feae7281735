"""Delivering held e-mail: the daily digest (every message a person chose to get in a
digest, gathered into one e-mail) and co-author notices that waited a few minutes for
later changes (paperdesk.mail.COALESCE_WINDOW). A background job runs the digest once a
day at DIGEST_HOUR_UTC (scheduled like the review reminders: `paperdesk send-digests
--schedule-only` at start, then each run schedules the next) and delivers coalesced
notices when they are due.

Never twice: a held message is claimed (its state changed from "held" in one statement)
before it is sent; a digest's row is committed ("sending", its parts marked "digested")
before the mail server is called."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.db import transaction

from paperdesk import clock
from paperdesk.jobs import task
from paperdesk.mail import HELD_LISTENERS, send_row
from paperdesk.mail.models import DigestSchedule, OutboundEmail

log = logging.getLogger(__name__)

DIGEST_HOUR_UTC = 7


def deliver_due(now: dt.datetime | None = None) -> int:
    """Send every coalesced notice whose window has passed."""
    now = now or clock.now()
    sent = 0
    for row in OutboundEmail.objects.filter(state=OutboundEmail.State.HELD, due_at__lte=now).order_by("id"):
        if not OutboundEmail.objects.filter(pk=row.pk, state=OutboundEmail.State.HELD).update(state=OutboundEmail.State.SENDING, created_at=now):
            continue  # another run claimed it
        row.refresh_from_db()
        try:
            sent += send_row(row)
        except Exception:
            log.exception("held e-mail %s failed", row.pk)
    return sent


def send_digests(now: dt.datetime | None = None) -> int:
    """One e-mail per person with every message held for their digest; returns how many."""
    from django.template.loader import render_to_string

    now = now or clock.now()
    held = OutboundEmail.objects.filter(state=OutboundEmail.State.HELD, due_at__isnull=True).order_by("id")
    by_person: dict[str, list[int]] = defaultdict(list)
    for pk, address in held.values_list("pk", "recipients"):
        by_person[address].append(pk)
    sent = 0
    for address, ids in sorted(by_person.items()):
        with transaction.atomic():
            parts = list(OutboundEmail.objects.select_for_update().filter(pk__in=ids, state=OutboundEmail.State.HELD).order_by("id"))
            if not parts:
                continue
            venues = {p.venue_id for p in parts}
            text = render_to_string("email/daily_digest.txt", {"parts": parts, "count": len(parts), "day": now}).lstrip()
            subject, _, body = text.partition("\n")
            digest = OutboundEmail.objects.create(
                venue_id=venues.pop() if len(venues) == 1 else None, user_id=parts[0].user_id, recipients=address,
                template="daily_digest", event="digest", subject=subject.strip()[:300], body=body.lstrip("\n"),
                state=OutboundEmail.State.SENDING, created_at=now, job="daily digest")
            OutboundEmail.objects.filter(pk__in=[p.pk for p in parts]).update(state=OutboundEmail.State.DIGESTED, digest=digest, sent_at=now)
        try:
            sent += send_row(digest)
        except Exception:
            log.exception("digest to %s failed", address)
    return sent


def next_digest_moment(now: dt.datetime) -> dt.datetime:
    moment = now.astimezone(dt.UTC).replace(hour=DIGEST_HOUR_UTC, minute=0, second=0, microsecond=0)
    return moment if moment > now else moment + dt.timedelta(days=1)


def _backend():
    try:  # pragma: no cover - depends on the Django version, as in paperdesk.jobs
        from django.tasks import default_task_backend  # type: ignore[import-not-found]
    except ImportError:
        from django_tasks import default_task_backend
    return default_task_backend


def schedule_next_digest(now: dt.datetime | None = None) -> dt.datetime | None:
    """Enqueue the digest job for the next digest moment, once (None: the task backend
    cannot defer jobs; run `paperdesk send-digests` from cron once a day instead)."""
    moment = next_digest_moment(now or clock.now())
    if not _backend().supports_defer:
        return None
    with transaction.atomic():
        schedule = DigestSchedule.objects.select_for_update().order_by("pk").first() or DigestSchedule.objects.create()
        if schedule.next_at == moment and schedule.task_id:
            return moment
        result = daily_digest_job.using(run_after=moment).enqueue()
        schedule.next_at, schedule.task_id = moment, str(result.id)
        schedule.save()
    return moment


def schedule_delivery(due: dt.datetime) -> None:
    """A coalesced notice was held until `due`: run the delivery job then."""
    if _backend().supports_defer:
        deliver_held_job.using(run_after=due).enqueue()


HELD_LISTENERS.append(schedule_delivery)


@task()
def deliver_held_job() -> int:
    return deliver_due()


@task()
def daily_digest_job() -> int:
    sent = send_digests() + deliver_due()
    DigestSchedule.objects.update(last_run_at=clock.now(), task_id="")
    schedule_next_digest()
    return sent
