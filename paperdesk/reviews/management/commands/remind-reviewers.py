"""`paperdesk remind-reviewers`: e-mail reviewers whose reviews are missing, if a reminder
is due, and schedule the next run on the background worker. Safe to run as often as you
like (from cron, say every hour): no reminder is ever sent twice."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from paperdesk import clock
from paperdesk.reviews import reminders
from paperdesk.venues.models import Venue


class Command(BaseCommand):
    help = "Send the review reminders that are due now and schedule the next ones."

    def add_arguments(self, parser):
        parser.add_argument("--venue", help="only this venue (its slug); default: every venue")
        parser.add_argument("--schedule-only", action="store_true", help="only schedule the next run on the worker, send nothing now")

    def handle(self, *args, venue=None, schedule_only=False, **options):
        venues = Venue.objects.all()
        if venue:
            venues = venues.filter(slug=venue)
            if not venues.exists():
                raise CommandError(f"No venue '{venue}'. `paperdesk venue load FILE` loads one.")
        now = clock.now()
        for item in venues:
            sent = 0 if schedule_only else reminders.send_review_reminders(item, now)
            due = reminders.current_reminder(item, now)
            next_at = reminders.schedule_next(item, now)
            parts = [f"{item.slug}: {sent} reminder(s) sent" + (f" ({due})" if due and not schedule_only else "")]
            if next_at:
                parts.append(f"next run {item.local(next_at):%Y-%m-%d %H:%M} {item.timezone}")
            else:
                next_moment = reminders.next_moment(item, now)
                parts.append("no reminder left to schedule" if next_moment is None else "next reminders: run this command again (the task backend cannot defer jobs)")
            self.stdout.write("; ".join(parts))
