"""Archival status (issue 12 item 4): the chairs import an archival listing (a DBLP XML
slice, ACL Anthology BibTeX, a CSV of title, authors, venue, year); every submitted paper
is looked up in it; a match (title similarity, authors' overlap) is a hint to the chairs,
who dismiss the ones that do not matter (audited). The parsing and the index are the pure
library `paperdesk.publications.archive_index` (streamed; a million records index in
seconds, a lookup in milliseconds: bench/archival.py); the index lives on disk under
``PAPERDESK_VAR/archival/<venue>/<listing>/`` and the rows here name it.

Services (writes) and selectors (reads) of this one subject; the look-up itself, and
the job that looks up each paper submitted or changed after an import, in
`archival_lookup.py`; the views in `archival_views.py`, the CLI in
`management/commands/archival.py`."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from dataclasses import dataclass
from typing import IO

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from paperdesk import clock, policy
from paperdesk.audit.models import AuditEntry
from paperdesk.audit.services import record
from paperdesk.publications import archive_index as ai
from paperdesk.publications.parsers import ParseError
from paperdesk.venues.models import Venue

from .archival_lookup import MATCHED_STATUSES, archival_root, indexes_of, rematch
from .models import ArchivalListing, ArchivalMatch, Submission
from .services import ServiceError, require

# --- services ----------------------------------------------------------------------------------

def import_listing(*, venue: Venue, actor, stream: IO[bytes], filename: str, kind: str | None = None) -> ArchivalListing:
    """Read the listing as a stream into a new index on disk, record it, then look every
    paper of the venue up in it. A file that cannot be read leaves nothing behind."""
    if actor is not None and not policy.is_chair(actor, venue):
        raise ServiceError("Only the venue's chairs import archival listings.", 404)
    head = stream.read(512)
    kind = kind or ai.guess_format(filename, head)
    if kind not in ai.READERS:
        raise ServiceError("Name the listing's format: a DBLP XML slice (.xml), BibTeX (.bib) or a CSV of title, authors, venue, year (.csv).", 400, "file")
    stream.seek(0)  # an uploaded file or one on disk
    relative = f"{venue.slug}/{uuid.uuid4().hex}"
    directory = archival_root() / relative
    try:
        stats = ai.build_index(ai.read_listing(stream, kind), directory)
    except ParseError as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise ServiceError(f"The listing could not be read: {error}", 400, "file") from None
    if stats.records == 0:
        shutil.rmtree(directory, ignore_errors=True)
        raise ServiceError("The listing holds no publication with a title.", 400, "file")
    with transaction.atomic():
        listing = ArchivalListing.objects.create(venue=venue, name=filename[:200], kind=kind, records=stats.records, directory=relative,
                                                 imported_by=actor, imported_at=clock.now())
        record("archival.import", listing, actor=actor, venue=venue, name=listing.name, kind=kind, records=stats.records)
    match_venue(venue, actor=actor, listings=[listing])
    return listing


def match_venue(venue: Venue, *, actor=None, listings: list[ArchivalListing] | None = None) -> int:
    """Look every paper of the venue up in its listings; record new matches, drop the
    undismissed ones that no longer hold (a retitled paper), keep dismissed ones (with who
    dismissed them) and never raise those again. Returns how many papers have a match."""
    indexes = indexes_of(venue, listings)
    papers = Submission.objects.filter(venue=venue, status__in=MATCHED_STATUSES).prefetch_related("authorships")
    now = clock.now()
    flagged = set()
    with transaction.atomic():
        for paper in papers.iterator(chunk_size=500):
            for listing, index in indexes:
                rematch(paper, listing, index, now)
            if ArchivalMatch.objects.filter(submission=paper, dismissed_at__isnull=True).exists():
                flagged.add(paper.pk)
        record("archival.match", venue, actor=actor, venue=venue, listings=[listing.pk for listing, _ in indexes], flagged=len(flagged))
    return len(flagged)


@transaction.atomic
def dismiss_match(*, match: ArchivalMatch, actor, note: str) -> ArchivalMatch:
    match = ArchivalMatch.objects.select_for_update().select_related("submission__venue").get(pk=match.pk)
    require(policy.can_dismiss_archival_match(actor, match.submission))
    note = (note or "").strip()
    if len(note) > 1000:
        raise ServiceError("Keep the note under 1000 characters.", 400, "note")
    if match.dismissed_at is not None:
        raise ServiceError("This match is already dismissed.", 409)
    match.dismissed_at, match.dismissed_by, match.dismiss_note = clock.now(), actor, note
    match.save(update_fields=["dismissed_at", "dismissed_by", "dismiss_note"])
    record("archival.dismiss", match.submission, actor=actor, venue=match.submission.venue, match=match.pk,
           title=match.title, year=match.year, venue_name=match.venue_name, note=note)
    return match


@transaction.atomic
def delete_listing(*, listing: ArchivalListing, actor) -> None:
    if not policy.is_chair(actor, listing.venue):
        raise ServiceError("No such listing.", 404)
    directory = archival_root() / listing.directory
    record("archival.delete", listing, actor=actor, venue=listing.venue, name=listing.name, records=listing.records)
    listing.delete()
    transaction.on_commit(lambda: shutil.rmtree(directory, ignore_errors=True))


# --- selectors -----------------------------------------------------------------------------------

def open_matches() -> QuerySet[ArchivalMatch]:
    return ArchivalMatch.objects.filter(dismissed_at__isnull=True)


def has_open_match() -> Exists:
    """For a queryset of submissions: has an undismissed archival match."""
    return Exists(open_matches().filter(submission=OuterRef("pk")))


@dataclass(frozen=True)
class MatchView:
    match: ArchivalMatch
    can_dismiss: bool


def matches_for(viewer, submission: Submission) -> list[MatchView]:
    """The paper's archival matches, best first, for the chairs without a conflict; nothing
    for anyone else (not even whether there are any)."""
    if not policy.can_view_archival_matches(viewer, submission):
        return []
    can_dismiss = bool(policy.can_dismiss_archival_match(viewer, submission))
    rows = submission.archival_matches.select_related("dismissed_by").order_by("dismissed_at", "-score")
    return [MatchView(m, can_dismiss and m.dismissed_at is None) for m in rows]


def attach_matches(rows, viewer, venue: Venue) -> None:
    """Set `row.archival` (open matches) on the findings page's rows: one query."""
    visible = [row for row in rows if policy.can_view_archival_matches(viewer, row.submission)]
    by_paper: dict[int, list[ArchivalMatch]] = {}
    for match in open_matches().filter(submission__in=[row.submission.pk for row in visible]).order_by("-score"):
        by_paper.setdefault(match.submission_id, []).append(match)
    for row in rows:
        row.archival = by_paper.get(row.submission.pk, []) if row in visible else []


def listings_of(venue: Venue) -> QuerySet[ArchivalListing]:
    return ArchivalListing.objects.filter(venue=venue).select_related("imported_by").order_by("-imported_at")


@dataclass(frozen=True)
class ListingRow:
    listing: ArchivalListing
    matched_at: dt.datetime | None  # when every paper was last looked up in it


def listing_rows(venue: Venue) -> list[ListingRow]:
    """The venue's listings, newest first, each with when every paper was last looked up in
    it (its import, or "look every paper up again": the audit entries of `match_venue`,
    a handful per venue). Papers submitted since are looked up one by one (`match_paper`)."""
    last: dict[int, dt.datetime] = {}
    for at, data in AuditEntry.objects.filter(venue=venue, action="archival.match", object_type="venue").values_list("at", "data"):
        for pk in (data or {}).get("listings", []):
            if pk not in last or at > last[pk]:
                last[pk] = at
    return [ListingRow(listing, last.get(listing.pk)) for listing in listings_of(venue)]
