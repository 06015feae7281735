"""How many reviewers each paper needs: its track's `reviewers_per_paper` in the venue file,
else the venue's `reviewing.reviewers_per_paper` (e.g. long papers 3, short papers 2)."""

from __future__ import annotations

from paperdesk import plurals
from paperdesk.venues.models import Track, Venue


def by_track(venue: Venue) -> dict[int, int]:
    """Track id -> reviewers its papers need (one query)."""
    spec = venue.spec
    return {pk: spec.reviewers_for_track(slug) for pk, slug in Track.objects.filter(venue=venue).values_list("pk", "slug")}


def by_slug(venue: Venue) -> dict[str, int]:
    """Track slug -> reviewers (what a run records in its parameters)."""
    spec = venue.spec
    return {t.slug: spec.reviewers_for_track(t.slug) for t in spec.tracks}


def of(venue: Venue, submission) -> int:
    """Reviewers one paper needs."""
    return by_track(venue).get(submission.track_id, venue.spec.reviewing.reviewers_per_paper)


def needs(count: int, k: int, number: int) -> str:
    """The warning a chair reads when a paper's reviewer count differs from its demand."""
    return f"#{number} now has {plurals.count(count, 'reviewer')}; the venue asks for {k}."


def named(venue: Venue) -> list[tuple[str, int]]:
    """(track name, reviewers) in the venue file's order, for the chairs' page."""
    spec = venue.spec
    return [(t.name, spec.reviewers_for_track(t.slug)) for t in spec.tracks]
