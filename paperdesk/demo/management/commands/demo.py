"""`paperdesk demo`: synthetic accounts and submissions in the default venue and its
rehearsal copy. Does nothing when demo accounts exist already."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand

from paperdesk.demo.populate import DEMO_DOMAIN, populate_demo
from paperdesk.venues.bootstrap import rehearsal_of
from paperdesk.venues.management.errors import CleanFailures, CommandFailed
from paperdesk.venues.models import Venue


class Command(CleanFailures, BaseCommand):
    help = f"Fill the default venue and its rehearsal copy with synthetic accounts (*.{DEMO_DOMAIN}), submissions and, in the rehearsal, a reviewer pool."
    requires_system_checks: list[str] = []

    def handle(self, *args, **options):
        venue = Venue.objects.filter(slug=settings.DEFAULT_VENUE).first()
        if venue is None:
            raise CommandFailed(f"The default venue '{settings.DEFAULT_VENUE}' is not loaded; run `paperdesk venue load venues/{settings.DEFAULT_VENUE}.toml` first.")
        rehearsal = rehearsal_of(venue)
        if rehearsal is None:
            self.stdout.write(f"No rehearsal copy of {venue.slug} is loaded (`paperdesk venue load FILE --rehearsal`); filling {venue.slug} only.")
        report = populate_demo(venue=venue, rehearsal=rehearsal, log=self.stdout.write)
        if report.skipped:
            for note in report.notes:
                self.stdout.write(note)
            return
        for slug, counts in report.venues.items():
            summary = ", ".join(f"{n} {state}" for state, n in counts.items() if n)
            self.stdout.write(self.style.SUCCESS(f"{slug}: {summary}"))
        for slug, pool in report.pools.items():
            self.stdout.write(self.style.SUCCESS(
                f"{slug}: reviewer pool of {pool['accepted'] + pool['volunteered']} ({pool['accepted']} accepted, "
                f"{pool['volunteered']} waiting for a chair), {pool['bids']} bids: try Reviewing → Assignment."))
        self.stdout.write(f"{len(report.users)} demo accounts can sign in, e.g. {report.users[0]}; "
                          f"{len(report.pending)} wait for approval: {', '.join(report.pending)}.")
        self.stdout.write(f"Every demo account has the password: {report.password}  (shown once)")
        self.stdout.write(f"Sign in at {settings.SITE_URL.rstrip('/')}/accounts/login/")
