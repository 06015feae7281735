"""Writes to venues: loading a venue definition (create or update, never destructive) and
granting roles in it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import ProtectedError

from paperdesk import clock
from paperdesk.audit.services import record
from paperdesk.venueconfig import VenueSpec, spec_to_dict, venue_tzinfo

from .models import ContributionType, SettingsVersion, TopicArea, Track, Venue, VenueRole


def aware(spec: VenueSpec, key: str) -> dt.datetime:
    return spec.dates[key].replace(tzinfo=venue_tzinfo(spec.timezone))


class VenueUpdateRefused(ValueError):
    pass


@transaction.atomic
def venue_load(spec: VenueSpec, *, actor=None, source_path: str = "") -> tuple[Venue, bool]:
    """Create or update the venue `spec.slug`. Tracks, topics and contribution types are
    upserted by slug; one still used by a submission cannot disappear from the file. A
    change is kept as a new settings version."""
    venue, created, _ = _store(spec, actor=actor, source_path=source_path, via=SettingsVersion.Via.FILE)
    return venue, created


def _store(spec: VenueSpec, *, actor, source_path: str, via: str, section: str = "", confirmed: list[str] | None = None
           ) -> tuple[Venue, bool, SettingsVersion | None]:
    """Write `spec` to the venue, keep the version when something changed, audit it."""
    before = Venue.objects.filter(slug=spec.slug).values_list("pk", "config").first()
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
    version = None
    changes: list[str] = []
    if created or before is None:
        version = _keep_version(venue, venue.config, via=via, actor=actor, section=section, changes=[], confirmed=confirmed)
    else:
        changes = config_changes(_as_stored(before[1]), _as_stored(venue.config))
        if changes:
            if not venue.settings_versions.exists():  # a venue loaded before versions were kept
                _keep_version(venue, before[1], via=SettingsVersion.Via.BASELINE, actor=None, section="", changes=[], confirmed=None)
            version = _keep_version(venue, venue.config, via=via, actor=actor, section=section, changes=changes, confirmed=confirmed)
    data: dict = {"source": source_path, "via": via, "version": version.number if version else None, "changes": changes}
    if section:
        data["section"] = section
    if confirmed:
        data["confirmed"] = confirmed
    record("venue.create" if created else "venue.update", venue, actor=actor, venue=venue, **data)
    return venue, created, version


def _keep_version(venue: Venue, config: dict, *, via: str, actor, section: str, changes: list[str], confirmed: list[str] | None) -> SettingsVersion:
    last = venue.settings_versions.order_by("-number").values_list("number", flat=True).first() or 0
    return SettingsVersion.objects.create(
        venue=venue, number=last + 1, config=_as_stored(config), via=via, section=section, changes=changes,
        confirmed=list(confirmed or []), actor=actor if getattr(actor, "is_authenticated", False) else None, created_at=clock.now(),
    )


def _in_use(obj) -> bool:
    """Whether submissions refer to `obj` in a way deleting it would silently lose."""
    if isinstance(obj, TopicArea):
        # Secondary topics are a many-to-many: deleting would drop the link without error.
        return obj.secondary_submissions.exists()
    return False


def _sync(venue: Venue, model, rows: list[dict]) -> None:
    wanted = {row["slug"] for row in rows}
    stale = model.objects.filter(venue=venue).exclude(slug__in=wanted)
    label = model._meta.verbose_name
    for obj in stale:
        refused = _in_use(obj)
        if not refused:
            try:
                obj.delete()
            except ProtectedError:  # submissions still point at it
                refused = True
        if refused:
            raise VenueUpdateRefused(
                f"{label} '{obj.slug}' is used by submissions and cannot be removed from the venue file; "
                f"keep it in the file (you may rename it). Nothing was changed."
            )
    for position, row in enumerate(rows):
        model.objects.update_or_create(venue=venue, slug=row["slug"], defaults={**row, "position": position})


@dataclass
class LoadOutcome:
    venue: Venue
    created: bool
    changes: list[str] = field(default_factory=list)
    submissions: int = 0


def venue_load_reported(spec: VenueSpec, *, actor=None, source_path: str = "") -> LoadOutcome:
    """`venue_load`, telling what changed compared with the venue as it was stored."""
    before = Venue.objects.filter(slug=spec.slug).values_list("config", flat=True).first()
    venue, created = venue_load(spec, actor=actor, source_path=source_path)
    changes = [] if created else config_changes(_as_stored(before or {}), _as_stored(venue.config))
    return LoadOutcome(venue, created, changes, venue.submissions.count())


def _as_stored(config: dict) -> dict:
    """The configuration as the JSON column holds it (tuples become lists)."""
    return json.loads(json.dumps(config))


_COLLECTIONS = {"tracks": "tracks", "topics": "topics", "contribution_types": "contribution types", "outcomes": "outcomes"}


def config_changes(old: dict, new: dict) -> list[str]:
    """Human-readable differences between two stored venue configurations."""
    changes: list[str] = []
    for key, value in new.items():
        if key == "source" or old.get(key) == value:
            continue
        if key == "dates":
            for date_key, when in value.items():
                previous = (old.get("dates") or {}).get(date_key)
                if previous != when:
                    changes.append(f"dates.{date_key}: {_short(previous)} -> {_short(when)}")
        elif key in _COLLECTIONS:
            before = {item["slug"]: item for item in old.get(key) or []}
            after = {item["slug"]: item for item in value}
            parts = []
            if added := [s for s in after if s not in before]:
                parts.append("added " + ", ".join(added))
            if removed := [s for s in before if s not in after]:
                parts.append("removed " + ", ".join(removed))
            if changed := [_item_change(s, before[s], after[s]) for s in after if s in before and before[s] != after[s]]:
                parts.append("changed " + ", ".join(changed))
            if not parts and list(before) != list(after):
                parts.append("reordered")
            changes.append(f"{_COLLECTIONS[key]}: " + "; ".join(parts))
        elif isinstance(value, dict):
            inner = sorted(k for k in set(value) | set(old.get(key) or {}) if (old.get(key) or {}).get(k) != value.get(k))
            changes.append(f"{key}: " + ", ".join(inner))
        else:
            changes.append(f"{key} changed")
    return changes


def _item_change(slug: str, old: dict, new: dict) -> str:
    fields = []
    for name, value in new.items():
        if old.get(name) == value:
            continue
        if isinstance(value, (int, float, bool)) and not isinstance(old.get(name), (str, list, dict)):
            fields.append(f"{name} {old.get(name)} -> {value}")
        else:
            fields.append(name)
    return f"{slug} ({', '.join(fields)})"


def _short(iso: str | None) -> str:
    return iso.replace("T", " ")[:16] if iso else "(none)"


def grant_role(venue: Venue, user, role: str, *, actor=None) -> VenueRole:
    return role_grant(venue, user, role, actor=actor)[0]


@transaction.atomic
def role_grant(venue: Venue, user, role: str, *, actor=None) -> tuple[VenueRole, bool]:
    """Give `user` `role` in `venue`; returns the role and whether it is new."""
    if role not in VenueRole.Role.values:
        raise ValueError(f"unknown role '{role}' (known: {', '.join(VenueRole.Role.values)})")
    row, created = VenueRole.objects.get_or_create(venue=venue, user=user, role=role)
    if created:
        record("role.grant", venue, actor=actor, venue=venue, user=user.email, role=role)
    return row, created
