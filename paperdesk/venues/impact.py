"""What a change of a venue's settings would do to the data already there.

Before a chair's edit (in the browser or an uploaded venue file) is saved, `assess` lists
its effects on existing submissions, reviews and decisions. An effect is either refused
(the change would break data: a track that still has submissions cannot go) or needs the
chair's explicit confirmation (answers to a removed question are no longer shown). Each
message names what is affected.

Venues sit below the apps that hold that data, so those apps register their own checks
(`register`, from their AppConfig.ready); the checks on tracks, topics and contribution
types read the venue's own relations.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
from collections.abc import Callable

from paperdesk import clock
from paperdesk.venueconfig import VenueSpec, venue_tzinfo

from .models import Venue

REFUSE = "refuse"
CONFIRM = "confirm"


@dataclasses.dataclass(frozen=True)
class Effect:
    kind: str  # REFUSE | CONFIRM
    message: str


Check = Callable[[Venue, VenueSpec, VenueSpec], list[Effect]]
_CHECKS: list[Check] = []


def register(check: Check) -> Check:
    """Add an app's check; registering the same function twice keeps one."""
    if check not in _CHECKS:
        _CHECKS.append(check)
    return check


def assess(venue: Venue, old: VenueSpec, new: VenueSpec) -> list[Effect]:
    effects = _catalogue_effects(venue, old, new) + _deadline_effects(venue, old, new)
    for check in _CHECKS:
        effects.extend(check(venue, old, new))
    return effects


def digest(effects: list[Effect]) -> str:
    """A fingerprint of the effects a chair is asked to confirm: a confirmation counts only
    for exactly the effects it was given for."""
    text = "\n".join(sorted(e.message for e in effects if e.kind == CONFIRM))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def papers(numbers: list[int], limit: int = 10) -> str:
    shown = ", ".join(f"#{n}" for n in numbers[:limit])
    return shown + (f" and {len(numbers) - limit} more" if len(numbers) > limit else "")


def plural(count: int, noun: str, nouns: str | None = None) -> str:
    return f"{count} {noun if count == 1 else (nouns or noun + 's')}"


def _removed(old_items, new_items) -> list:
    kept = {item.slug for item in new_items}
    return [item for item in old_items if item.slug not in kept]


def _catalogue_effects(venue: Venue, old: VenueSpec, new: VenueSpec) -> list[Effect]:
    effects: list[Effect] = []
    for track in _removed(old.tracks, new.tracks):
        row = venue.tracks.filter(slug=track.slug).first()
        numbers = list(row.submissions.order_by("number").values_list("number", flat=True)) if row else []
        if numbers:
            effects.append(Effect(REFUSE, f"Track “{track.name}” ({track.slug}) has {plural(len(numbers), 'submission')} "
                                          f"({papers(numbers)}), so it cannot be removed. Keep it (you may rename it)."))
    for topic in _removed(old.topics, new.topics):
        area = venue.topics.filter(slug=topic.slug).first()
        if area is None:
            continue
        numbers = sorted(set(area.primary_submissions.values_list("number", flat=True)) | set(area.secondary_submissions.values_list("number", flat=True)))
        if numbers:
            effects.append(Effect(REFUSE, f"Topic “{topic.name}” ({topic.slug}) is chosen by {plural(len(numbers), 'submission')} "
                                          f"({papers(numbers)}), so it cannot be removed. Keep it (you may rename it)."))
    for kind in _removed(old.contribution_types, new.contribution_types):
        chosen = venue.contribution_types.filter(slug=kind.slug).first()
        numbers = list(chosen.submissions.order_by("number").values_list("number", flat=True)) if chosen else []
        if numbers:
            effects.append(Effect(REFUSE, f"Contribution type “{kind.name}” ({kind.slug}) is chosen by {plural(len(numbers), 'submission')} "
                                          f"({papers(numbers)}), so it cannot be removed. Keep it (you may rename it)."))
    old_tracks = {t.slug: t for t in old.tracks}
    for track in new.tracks:
        before = old_tracks.get(track.slug)
        if before is None or track.max_pages >= before.max_pages:
            continue
        row = venue.tracks.filter(slug=track.slug).first()
        numbers = list(row.submissions.filter(status="submitted").order_by("number").values_list("number", flat=True)) if row else []
        if numbers:
            effects.append(Effect(CONFIRM, f"Track “{track.name}”: the page limit goes down from {before.max_pages} to {track.max_pages}. "
                                           f"Its {plural(len(numbers), 'submitted paper')} ({papers(numbers)}) were checked against "
                                           f"{before.max_pages} pages and are not checked again."))
    return effects


def _deadline_effects(venue: Venue, old: VenueSpec, new: VenueSpec) -> list[Effect]:
    """Closing the submission window now leaves drafts behind."""
    now = clock.now()
    before = old.dates["submission_deadline"].replace(tzinfo=venue_tzinfo(old.timezone))
    after = new.dates["submission_deadline"].replace(tzinfo=venue_tzinfo(new.timezone))
    if not (after < now <= before):
        return []
    drafts = list(venue.submissions.filter(status="draft", deadline_extension__isnull=True).order_by("number").values_list("number", flat=True))
    local = after.astimezone(dt.timezone(dt.timedelta(hours=-12)))  # in the past: never at the calendar's edge
    message = f"The submission deadline moves into the past ({local:%Y-%m-%d %H:%M} AoE): submissions close now"
    if drafts:
        message += f"; {plural(len(drafts), 'draft')} ({papers(drafts)}) can then no longer be submitted"
    return [Effect(CONFIRM, message + ".")]
