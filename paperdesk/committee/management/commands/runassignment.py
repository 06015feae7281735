"""`paperdesk runassignment VENUE [--objective total|fair|randomized] [--probability-limit Q] [--seed S] [--by EMAIL]`: run the automatic
assignment in this process (the same phases as the background job: conflicts, affinity,
solving, saving the unpublished proposal) and print how long each phase took. For large
venues and for measurements; the chairs' page shows the result like any other run."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

PHASES = ("conflicts", "affinity", "solve", "save")


class Command(BaseCommand):
    help = "Run the automatic reviewer assignment of a venue now and print the phase times."

    def add_arguments(self, parser):
        parser.add_argument("venue", help="the venue's slug")
        parser.add_argument("--objective", choices=["total", "fair", "randomized"], default="total")
        parser.add_argument("--probability-limit", type=float, default=None, help="randomized: no pair above this probability (default 0.5)")
        parser.add_argument("--seed", type=int, default=None, help="randomized: the seed (default: drawn at random, recorded)")
        parser.add_argument("--by", help="e-mail of the chair the run is recorded for (default: the first chair)")

    def handle(self, *args, **options):
        from django.db import transaction

        from paperdesk.accounts.models import User
        from paperdesk.committee import assignment
        from paperdesk.committee.models import AssignmentRun
        from paperdesk.committee.services import ReviewingError
        from paperdesk.venues.models import Venue, VenueRole

        venue = Venue.objects.filter(slug=options["venue"]).first()
        if venue is None:
            raise CommandError(f"No venue '{options['venue']}'.")
        if options["by"]:
            actor = User.objects.filter(email__iexact=options["by"]).first()
        else:
            role = VenueRole.objects.filter(venue=venue, role=VenueRole.Role.CHAIR).select_related("user").order_by("pk").first()
            actor = role.user if role else User.objects.filter(is_superuser=True).order_by("pk").first()
        if actor is None:
            raise CommandError("No chair to record the run for: pass --by EMAIL.")
        started = time.perf_counter()
        try:
            with transaction.atomic():
                # Created already claimed by this process (running, no job enqueued): the web
                # process's worker never sees a queued run to take, so the two cannot race.
                run = assignment.run_start(venue=venue, actor=actor, objective=options["objective"],
                                           probability_limit=options["probability_limit"], seed=options["seed"], here=True)
            run = assignment.run_execute(run.pk, claimed=True) or AssignmentRun.objects.get(pk=run.pk)
        except ReviewingError as error:
            raise CommandError(error.message) from None
        run.refresh_from_db()
        self.stdout.write(f"{run.get_state_display()}: {run.message}")
        result = run.result or {}
        for problem in result.get("problems", [])[1:]:
            self.stdout.write(f"  - {problem}")
        timings = result.get("timings") or {}
        if timings:
            # Stored as JSON, whose key order PostgreSQL does not keep: print in run order.
            order = {name: i for i, name in enumerate(PHASES)}
            ordered = sorted(timings.items(), key=lambda item: order.get(item[0], len(order)))
            self.stdout.write("Phases: " + ", ".join(f"{name} {seconds:.2f} s" for name, seconds in ordered))
        summary = result.get("summary") or {}
        if summary:
            self.stdout.write(
                f"Total affinity {summary.get('total_affinity'):.2f}; per paper min {summary.get('paper_score_min'):.3f}, "
                f"mean {summary.get('paper_score_mean'):.3f}; {summary.get('papers_with_weak_reviewer')} paper(s) with a weak reviewer."
            )
        self.stdout.write(f"Wall time {time.perf_counter() - started:.2f} s.")
        if run.state != AssignmentRun.State.DONE:
            raise CommandError(f"The run ended {run.state}.")
