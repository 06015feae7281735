"""Loading a venue definition into the database (create or update, never destructive)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from paperdesk.audit.services import record
from paperdesk.venueconfig import VenueSpec, spec_to_dict, venue_tzinfo

from .models import ContributionType, TopicArea, Track, Venue, VenueRole


def aware(spec: VenueSpec, key: str) -> dt.datetime:
    return spec.dates[key].replace(tzinfo=venue_tzinfo(spec.timezone))


class VenueUpdateRefused(ValueError):
    pass


@transaction.atomic
def venue_load(spec: VenueSpec, *, actor=None, source_path: str = "") -> tuple[Venue, bool]:
    """Create or update the venue `spec.slug`. Tracks, topics and contribution types are
    upserted by slug; one still used by a submission cannot disappear from the file."""
    fields = {
        "name": spec.name,
        "short_name": spec.short_name,
        "contact_email": spec.contact_email,
        "website": spec.website,
        "timezone": spec.timezone,
        "archival": spec.archival,
        "description": spec.description,
        "is_rehearsal": spec.rehearsal,
        "config": spec_to_dict(spec),
        "source_path": source_path,
        **{key: aware(spec, key) for key in spec.dates},
    }
    venue, created = Venue.objects.update_or_create(slug=spec.slug, defaults=fields)
    _sync(venue, Track, [
        {"slug": t.slug, "name": t.name, "max_pages": t.max_pages, "camera_ready_extra_pages": t.camera_ready_extra_pages,
         "description": t.description, "review_guidance": t.review_guidance}
        for t in spec.tracks
    ])
    _sync(venue, TopicArea, [{"slug": t.slug, "name": t.name, "subtopics": list(t.subtopics)} for t in spec.topics])
    _sync(venue, ContributionType, [{"slug": c.slug, "name": c.name} for c in spec.contribution_types])
    record("venue.create" if created else "venue.update", venue, actor=actor, venue=venue, source=source_path)
    return venue, created


def _sync(venue: Venue, model, rows: list[dict]) -> None:
    wanted = {row["slug"] for row in rows}
    stale = model.objects.filter(venue=venue).exclude(slug__in=wanted)
    for obj in stale:
        try:
            obj.delete()
        except Exception as error:  # ProtectedError: submissions still point at it
            raise VenueUpdateRefused(
                f"{model._meta.verbose_name} '{obj.slug}' is used by submissions and cannot be removed from the venue file"
            ) from error
    for position, row in enumerate(rows):
        model.objects.update_or_create(venue=venue, slug=row["slug"], defaults={**row, "position": position})


def grant_role(venue: Venue, user, role: str, *, actor=None) -> VenueRole:
    row, created = VenueRole.objects.get_or_create(venue=venue, user=user, role=role)
    if created:
        record("role.grant", venue, actor=actor, venue=venue, user=user.email, role=role)
    return row
