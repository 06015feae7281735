"""`paperdesk conflicts VENUE`: recompute a venue's conflicts of interest and say how many
were found, of which kind, and how long it took."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Recompute the conflicts of interest of a venue (authors vs reviewers, chairs and area chairs)."

    def add_arguments(self, parser):
        parser.add_argument("venue", help="the venue's slug")

    def handle(self, *args, **options):
        from paperdesk.audit.services import record
        from paperdesk.committee.conflicts import compute_conflicts
        from paperdesk.committee.models import Conflict
        from paperdesk.venues.models import Venue

        venue = Venue.objects.filter(slug=options["venue"]).first()
        if venue is None:
            raise CommandError(f"No venue '{options['venue']}'. Known: {', '.join(Venue.objects.values_list('slug', flat=True)) or 'none'}.")
        started = time.perf_counter()
        stats = compute_conflicts(venue)
        record("conflicts.compute", venue, venue=venue, via="command", **stats.as_dict())
        labels = dict(Conflict.Source.choices)
        kinds = ", ".join(f"{n} {labels.get(k, k).lower()}" for k, n in sorted(stats.by_source.items(), key=lambda kv: -kv[1])) or "none"
        def n(count, one, many):
            return f"{count} {one if count == 1 else many}"

        self.stdout.write(
            f"{n(stats.total, 'conflict', 'conflicts')} ({kinds}) for {n(stats.papers, 'paper', 'papers')} × "
            f"{n(stats.reviewers, 'person', 'people')} in {time.perf_counter() - started:.2f} s (computation {stats.seconds:.2f} s)."
        )
