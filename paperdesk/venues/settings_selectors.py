"""Reads of the venue settings editor: the overview of each section, the change history
and the difference a version made, and a version as a venue file. Only for the venue's
chairs (the views ask `policy.can_edit_venue_settings` first)."""

from __future__ import annotations

import dataclasses
import difflib

from django.http import Http404

from paperdesk import plurals
from paperdesk.venueconfig import VenueSpec, spec_from_dict, spec_to_toml

from .models import SettingsVersion, Venue


def summaries(spec: VenueSpec) -> dict[str, str]:
    """One line per section of the overview."""
    form = spec.review_form
    accounts = spec.accounts
    return {
        "dates": f"Submission deadline {spec.dates['submission_deadline']:%Y-%m-%d %H:%M} ({spec.timezone})",
        "tracks": "; ".join(f"{t.name}: {plurals.count(t.max_pages, 'page')}" for t in spec.tracks),
        "topics": f"{plurals.count(len(spec.topics), 'topic')}",
        "contribution-types": f"{plurals.count(len(spec.contribution_types), 'contribution type')}",
        "accounts": f"{accounts.approval}; {len(accounts.institutional_suffixes)} suffixes, {len(accounts.institutional_domains)} domains",
        "review-form": f"{plurals.count(len(form.questions), 'question')}, "
                       f"overall score {min(form.overall.values)}–{max(form.overall.values)}",
        "emails": f"{len(spec.notifications.review_reminder_days) + len(spec.notifications.overdue_reminder_days)} review reminders; "
                  f"decision e-mails for accepted and rejected papers",
    }


def versions(venue: Venue, limit: int = 200) -> list[SettingsVersion]:
    return list(venue.settings_versions.select_related("actor").order_by("-number")[:limit])


def version(venue: Venue, number: str | int | None) -> SettingsVersion:
    try:
        wanted = int(number)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise Http404("No such version") from None
    found = venue.settings_versions.select_related("actor").filter(number=wanted).first()
    if found is None:
        raise Http404("No such version")
    return found


def version_spec(found: SettingsVersion) -> VenueSpec:
    return dataclasses.replace(spec_from_dict(found.config), rehearsal=False)


def version_toml(venue: Venue, found: SettingsVersion | None) -> str:
    """The venue file for a version (None: the settings as they are now)."""
    if found is None:
        spec = dataclasses.replace(venue.spec, rehearsal=False)
        header = f"{venue.name}: settings exported from Paperdesk"
    else:
        spec = version_spec(found)
        who = found.actor.display_name if found.actor else "the command line"
        header = f"{venue.name}: settings version {found.number} ({found.created_at:%Y-%m-%d %H:%M} UTC, {who}), exported from Paperdesk"
    header += "\nLoad with `paperdesk venue load <this file>`; every date is a wall-clock time in the venue's time zone."
    return spec_to_toml(spec, header=header)


@dataclasses.dataclass(frozen=True)
class DiffLine:
    kind: str  # add | del | ctx | hunk
    text: str


def diff(venue: Venue, found: SettingsVersion) -> tuple[SettingsVersion | None, list[DiffLine]]:
    """The change `found` made to the version before it, as a unified diff of the venue
    file (the first version: against nothing)."""
    previous = venue.settings_versions.filter(number__lt=found.number).order_by("-number").first()
    before = spec_to_toml(version_spec(previous)).splitlines() if previous else []
    after = spec_to_toml(version_spec(found)).splitlines()
    lines = []
    for line in difflib.unified_diff(before, after, lineterm="", n=2):
        if line.startswith(("---", "+++")):
            continue
        kind = "hunk" if line.startswith("@@") else "add" if line.startswith("+") else "del" if line.startswith("-") else "ctx"
        lines.append(DiffLine(kind, line))
    return previous, lines
