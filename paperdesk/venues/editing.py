"""Writes of the venue settings editor: a chair's edit (one section in the browser, or an
uploaded venue file) becomes the venue's new settings in one transaction, after the loader
validated it (the caller's `parse_document`/`parse_venue`) and `impact.assess` found
nothing refused and everything else confirmed; kept as a settings version and audited
(`services._store`)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from django.db import transaction

from paperdesk.venueconfig import VenueSpec

from . import impact
from .models import SettingsVersion, Venue
from .services import VenueUpdateRefused, _store, aware


class SettingsRefused(Exception):
    """The change is not taken: `conflict` when it would break data the venue holds (409),
    else the input itself is wrong (400)."""

    def __init__(self, messages: list[str], *, conflict: bool = True):
        self.messages = messages
        self.conflict = conflict
        super().__init__("; ".join(messages))


class NeedsConfirmation(Exception):
    def __init__(self, effects: list[impact.Effect]):
        self.messages = [e.message for e in effects]
        self.digest = impact.digest(effects)
        super().__init__("; ".join(self.messages))


class StaleSettings(Exception):
    def __init__(self, latest: SettingsVersion | None):
        self.latest = latest
        super().__init__("the settings changed meanwhile")


@dataclasses.dataclass(frozen=True)
class Saved:
    version: SettingsVersion | None  # None: nothing changed
    venue: Venue


MIN_YEAR, MAX_YEAR = 1900, 2999


def _storable(spec: VenueSpec, key: str) -> bool:
    try:
        moment = aware(spec, key).astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return False
    return MIN_YEAR <= moment.year <= MAX_YEAR


def current_version(venue: Venue) -> SettingsVersion | None:
    return venue.settings_versions.order_by("-number").select_related("actor").first()


@transaction.atomic
def settings_save(venue: Venue, spec: VenueSpec, *, actor, via: str, section: str = "", confirm: str = "",
                  base_version: int | None = None) -> Saved:
    """Make `spec` (validated by the loader) the settings of `venue`.

    Raises StaleSettings when the settings changed since the chair's form was made from
    version `base_version`, SettingsRefused when the change would break existing data,
    NeedsConfirmation when it has consequences the chair has not confirmed (`confirm`
    must be the digest of exactly those)."""
    locked = Venue.objects.select_for_update().get(pk=venue.pk)
    latest = current_version(locked)
    if base_version is not None and base_version != (latest.number if latest else 0):
        raise StaleSettings(latest)
    if spec.slug != locked.slug:
        raise SettingsRefused([f"The venue file is for the venue '{spec.slug}', but this is '{locked.slug}'. "
                               f"Set slug = \"{locked.slug}\" in [venue] (a venue's slug cannot change)."], conflict=False)
    out_of_range = [key for key in spec.dates if not _storable(spec, key)]
    if out_of_range:
        raise SettingsRefused([f"dates.{key}: {spec.dates[key]:%Y-%m-%d %H:%M} is out of range; use a year from {MIN_YEAR} to {MAX_YEAR}."
                               for key in out_of_range], conflict=False)
    spec = dataclasses.replace(spec, rehearsal=locked.is_rehearsal)
    old = locked.spec
    if spec == old:
        return Saved(None, locked)
    effects = impact.assess(locked, old, spec)
    refused = [e.message for e in effects if e.kind == impact.REFUSE]
    if refused:
        raise SettingsRefused(refused)
    to_confirm = [e for e in effects if e.kind == impact.CONFIRM]
    if to_confirm and confirm != impact.digest(to_confirm):
        raise NeedsConfirmation(to_confirm)
    try:
        stored, _, version = _store(spec, actor=actor, source_path=locked.source_path, via=via, section=section,
                                    confirmed=[e.message for e in to_confirm])
    except VenueUpdateRefused as refusal:  # a row the checks above did not foresee
        raise SettingsRefused([str(refusal)]) from None
    return Saved(version, stored)
