"""`paperdesk send-digests`: send the daily digest of held e-mail now (and the co-author
notices whose short wait is over), and schedule the next digest on the background worker.
`--schedule-only` (run at start, as `make setup` does) only schedules it."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from paperdesk import clock
from paperdesk.accounts import digest


class Command(BaseCommand):
    help = "Send the daily e-mail digests now and schedule the next run."

    def add_arguments(self, parser):
        parser.add_argument("--schedule-only", action="store_true", help="only schedule the next digest on the worker, send nothing now")

    def handle(self, *args, schedule_only=False, **options):
        now = clock.now()
        sent = 0 if schedule_only else digest.send_digests(now) + digest.deliver_due(now)
        next_at = digest.schedule_next_digest(now)
        when = f"next digest {next_at:%Y-%m-%d %H:%M} UTC" if next_at else "run this command once a day (the task backend cannot defer jobs)"
        self.stdout.write(f"{sent} e-mail(s) sent; {when}")
