"""Looking papers up in their venue's archival listings (see `archival.py`): the index on
disk of one listing, one paper looked up in one listing (`rematch`, which the venue-wide
`archival.match_venue` runs for every paper), and one paper looked up in every listing of
its venue by a job after the commit that submitted it, restored it or changed its title
or authors (`match_paper_after_commit`), so that papers arriving after an import are
matched too without a chair matching again.

Apart from `archival.py` because the submissions services call it, and `archival.py`
imports the services: the app's modules import each other without a cycle."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction

from paperdesk import clock
from paperdesk.audit.services import record
from paperdesk.jobs import register, task
from paperdesk.publications import archive_index as ai
from paperdesk.venues.models import Venue

from .models import ArchivalListing, ArchivalMatch, Submission

MATCHED_STATUSES = [Submission.Status.SUBMITTED, Submission.Status.DESK_REJECTED, Submission.Status.DRAFT]


def archival_root() -> Path:
    return Path(getattr(settings, "PAPERDESK_ARCHIVAL_DIR", settings.VAR_DIR / "archival"))


def _index_of(listing: ArchivalListing) -> ai.ArchiveIndex | None:
    try:
        return ai.ArchiveIndex.open(archival_root() / listing.directory)
    except ai.IndexError_:
        return None


def _author_names(submission: Submission) -> list[str]:
    return [a.name for a in submission.authorships.all() if a.declined_at is None]


def rematch(paper: Submission, listing: ArchivalListing, index: ai.ArchiveIndex, now) -> tuple[list[str], int]:
    """Look one paper up in one listing: drop its undismissed matches that no longer hold
    (a retitled paper), rescore the ones that still do (changed authors), add the new ones.
    A dismissed match is left as it is, with who dismissed it, and its record is never
    raised again. Returns the titles added and how many rows were dropped."""
    found = index.lookup(paper.title, _author_names(paper))
    titles = {m.record.title[:500] for m in found}
    dropped, _ = ArchivalMatch.objects.filter(submission=paper, listing=listing, dismissed_at__isnull=True).exclude(title__in=titles).delete()
    existing = {row.title: row for row in ArchivalMatch.objects.filter(submission=paper, listing=listing)}
    added: list[str] = []
    seen: set[str] = set()  # best first: a listing's duplicate record is not a second match
    for match in found:
        title = match.record.title[:500]
        if title in seen:
            continue
        seen.add(title)
        if (row := existing.get(title)) is not None:
            scores = {"score": match.score, "title_score": match.title_score, "author_overlap": match.author_overlap}
            if row.dismissed_at is None and any(getattr(row, name) != value for name, value in scores.items()):
                ArchivalMatch.objects.filter(pk=row.pk).update(**scores)
            continue
        try:
            # A savepoint: the venue-wide match running at the same time may add this row first.
            with transaction.atomic():
                ArchivalMatch.objects.create(
                    submission=paper, listing=listing, title=title, authors=list(match.record.authors), venue_name=match.record.venue,
                    year=match.record.year if match.record.year and 0 < match.record.year < 32768 else None,
                    score=match.score, title_score=match.title_score, author_overlap=match.author_overlap, found_at=now)
        except IntegrityError:
            continue
        added.append(title)
    return added, dropped


def indexes_of(venue: Venue, listings: list[ArchivalListing] | None = None) -> list[tuple[ArchivalListing, ai.ArchiveIndex]]:
    listings = listings if listings is not None else list(ArchivalListing.objects.filter(venue=venue).order_by("pk"))
    return [(listing, index) for listing in listings if (index := _index_of(listing)) is not None]


def match_paper(submission_id: int) -> bool:
    """Look one paper up in its venue's listings (as `match_venue` does for every paper):
    run by a job after a paper is submitted or restored, or its title or authors change
    while it is submitted. The paper is read now, so a job that runs late uses the latest
    title. Audited when its matches change. Returns whether it has an undismissed match."""
    with transaction.atomic():
        # Locked: two jobs of one paper (two quick edits) add its matches one after the other.
        paper = Submission.objects.select_for_update().select_related("venue").filter(pk=submission_id, status__in=MATCHED_STATUSES).first()
        if paper is None:
            return False  # withdrawn (or gone) since: it is looked up again when restored
        indexes = indexes_of(paper.venue)
        now = clock.now()
        for listing, index in indexes:
            added, dropped = rematch(paper, listing, index, now)
            if added or dropped:
                record("archival.match_paper", paper, venue=paper.venue, listing=listing.pk, added=added, dropped=dropped)
        return ArchivalMatch.objects.filter(submission=paper, dismissed_at__isnull=True).exists()


@task()
def match_paper_job(submission_id: int) -> bool:
    return match_paper(submission_id)


def _job_venue(submission_id: int) -> int | None:
    return Submission.objects.filter(pk=submission_id).values_list("venue_id", flat=True).first()


def _job_label(submission_id: int) -> str:
    number = Submission.objects.filter(pk=submission_id).values_list("number", flat=True).first()
    return f"Archival look-up of paper #{number}" if number is not None else f"Archival look-up of paper {submission_id} (deleted)"


register(match_paper_job, venue=_job_venue, label=_job_label)


def match_paper_after_commit(submission: Submission) -> None:
    """Called by the submissions services inside their transaction: once it commits, a job
    looks the paper up (the submit never waits on the indexes on disk). Whether the venue
    has a listing is asked after the commit: a listing imported meanwhile is matched
    against this paper by its own import, which reads the papers after the listing
    commits."""
    submission_id, venue_id = submission.pk, submission.venue_id

    def enqueue() -> None:
        if ArchivalListing.objects.filter(venue_id=venue_id).exists():
            match_paper_job.enqueue(submission_id)

    transaction.on_commit(enqueue)
