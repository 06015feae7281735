"""What a change of the venue's outcomes would do to decisions already taken
(registered with paperdesk.venues.impact by DecisionsConfig.ready)."""

from __future__ import annotations

from paperdesk.venueconfig import VenueSpec
from paperdesk.venues.impact import REFUSE, Effect, papers, plural
from paperdesk.venues.models import Venue

from .models import Decision


def outcome_effects(venue: Venue, old: VenueSpec, new: VenueSpec) -> list[Effect]:
    kept = {o.slug for o in new.outcomes}
    effects = []
    for outcome in old.outcomes:
        if outcome.slug in kept:
            continue
        numbers = list(Decision.objects.filter(submission__venue=venue, outcome=outcome.slug)
                       .order_by("submission__number").values_list("submission__number", flat=True))
        if numbers:
            effects.append(Effect(REFUSE, f"Outcome “{outcome.name}” ({outcome.slug}) is the decision on {plural(len(numbers), 'paper')} "
                                          f"({papers(numbers)}), so it cannot be removed. Keep it (you may rename it)."))
    return effects
