"""Publishing the program: a chair step of its own, separate from releasing the decisions.
The public accepted-papers page and the program JSON show nothing of the accepted papers
until a chair publishes the program (now, or from a moment they schedule); a chair may
unpublish it again. Papers whose authors have not confirmed their camera-ready details are
left out by default (nothing is published that the authors did not confirm); the chairs
may list them as "to be confirmed" instead, with their submitted title only. Writes are
one transaction with an audit entry; reads (the chairs' panel, then the public program as
its pages and JSON show it) are below them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db import transaction
from django.db.models import Case, CharField, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Lower

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Authorship, Submission, Upload
from paperdesk.submissions.services import ServiceError, require
from paperdesk.venueconfig import AOE
from paperdesk.venues.models import Venue

from .models import ProgramPublication
from .selectors import Published, published_for

__all__ = ["ProgramEntry", "ProgramPage", "ProgramState", "ServiceError", "parse_aoe", "program", "program_json", "program_page",
           "program_publish", "program_state", "program_unpublish"]

UNCONFIRMED_CHOICES = [value for value, _ in ProgramPublication.Unconfirmed.choices]


def parse_aoe(text: str) -> dt.datetime:
    """'2025-09-20T12:00' (a datetime-local field) read Anywhere on Earth."""
    try:
        moment = dt.datetime.strptime((text or "").strip()[:16], "%Y-%m-%dT%H:%M")
    except ValueError:
        raise ServiceError("Enter the date and time the program goes public, as YYYY-MM-DD HH:MM Anywhere on Earth (UTC−12).", 400, "at") from None
    return moment.replace(tzinfo=AOE)


def _save(venue: Venue, actor, published_at: dt.datetime | None, unconfirmed: str | None, now: dt.datetime) -> ProgramPublication:
    row = ProgramPublication.objects.select_for_update().filter(venue=venue).first()
    if row is None:
        row = ProgramPublication(venue=venue, unconfirmed=ProgramPublication.Unconfirmed.OMIT)
    row.published_at = published_at
    if unconfirmed is not None:
        row.unconfirmed = unconfirmed
    row.updated_by, row.updated_at = actor, now
    row.save()
    return row


def program_publish(*, venue: Venue, actor, at: dt.datetime | None = None, unconfirmed: str | None = None, now=None) -> ProgramPublication:
    """Publish the program now (`at` None) or from the moment `at` (in the future). An
    `unconfirmed` of "omit" or "tbc" says what the page does with papers whose authors did
    not confirm their details; None keeps the previous choice (at first "omit")."""
    now = now or clock.now()
    require(policy.can_publish_program(actor, venue))
    if unconfirmed is not None and unconfirmed not in UNCONFIRMED_CHOICES:
        raise ServiceError(f"Choose what the page shows of papers not confirmed yet: {' or '.join(UNCONFIRMED_CHOICES)}.", 400, "unconfirmed")
    if at is not None and not 2000 <= at.year <= 9000:
        # Also keeps the moment's UTC time inside the calendar Python can store (year 9999).
        raise ServiceError("Choose a moment between the years 2000 and 9000.", 400, "at")
    if at is not None and at <= now:
        raise ServiceError("A scheduled publication must be in the future; to publish the program now, use “Publish now”.", 400, "at")
    with transaction.atomic():
        already = ProgramPublication.objects.select_for_update().filter(venue=venue).values_list("published_at", flat=True).first()
        # Publishing a program that is already public keeps the moment it went public
        # (the chair only changes what it shows of unconfirmed papers).
        when = at or (already if already is not None and already <= now else now)
        row = _save(venue, actor, when, unconfirmed, now)
        record("program.schedule" if at else "program.publish", venue, actor=actor, venue=venue,
               at=row.published_at.isoformat() if row.published_at else None, unconfirmed=row.unconfirmed)
    return row


def program_unpublish(*, venue: Venue, actor, now=None) -> ProgramPublication:
    """Take the program off the public page (or cancel a scheduled publication)."""
    now = now or clock.now()
    require(policy.can_publish_program(actor, venue))
    with transaction.atomic():
        before = ProgramPublication.objects.filter(venue=venue).values_list("published_at", flat=True).first()
        if before is None:
            raise ServiceError("The program is not published (nor scheduled): nothing to unpublish.", 409, "unpublish")
        row = _save(venue, actor, None, None, now)
        record("program.unpublish", venue, actor=actor, venue=venue, was=before.isoformat())
    return row


# --- the chairs' panel ---------------------------------------------------------------------------


@dataclass
class ProgramState:
    state: str  # "unpublished" | "scheduled" | "published"
    published_at: dt.datetime | None
    unconfirmed_choice: str
    accepted: int  # accepted papers whose decision is released
    confirmed: int
    unconfirmed: list[Submission] = field(default_factory=list)  # accepted, details not confirmed
    # Who last published, scheduled or unpublished it, and when (a chair: the venue's audit
    # log names them to the chairs too); None before the first publication.
    updated_by: str | None = None
    updated_at: dt.datetime | None = None

    @property
    def label(self) -> str:
        return {"unpublished": "Not published", "scheduled": "Scheduled", "published": "Published"}[self.state]


def program_state(viewer, venue: Venue, now=None) -> ProgramState | None:
    """For the chairs: whether the program is public, and which accepted papers it lists."""
    if not policy.can_publish_program(viewer, venue):
        return None
    now = now or clock.now()
    row = ProgramPublication.objects.filter(venue=venue).select_related("updated_by").first()
    published_at = row.published_at if row else None
    state = "unpublished" if published_at is None else ("published" if published_at <= now else "scheduled")
    # A chair conflicted with a paper counts and lists only the others (as on the dashboard):
    # whether its authors confirmed is not theirs to follow until the program is public.
    accepted = policy.accepted_papers(venue).exclude(pk__in=policy.conflicted_submission_ids(viewer, venue))
    unconfirmed = list(accepted.filter(camera_ready__confirmed_at__isnull=True).order_by("number").only("pk", "number", "title")[:500])
    total = accepted.count()
    return ProgramState(state=state, published_at=published_at, unconfirmed_choice=row.unconfirmed if row else ProgramPublication.Unconfirmed.OMIT,
                        accepted=total, confirmed=accepted.filter(camera_ready__confirmed_at__isnull=False).count(), unconfirmed=unconfirmed,
                        updated_by=(row.updated_by.full_name or row.updated_by.email) if row else None, updated_at=row.updated_at if row else None)


# --- the public program --------------------------------------------------------------------


@dataclass
class ProgramEntry:
    submission: Submission
    authors: list[Authorship]
    topics: list
    presentation: str
    outcome: str
    pdf: Upload | None  # only where the authors agreed to hosting and confirmed their details
    published: Published  # title, abstract, authors and links as the authors confirmed them

    @property
    def to_be_confirmed(self) -> bool:
        """Listed before its authors confirmed their camera-ready details (the chairs chose
        so): the submitted title only, without authors, abstract, links or PDF."""
        return not self.published.confirmed


def _program_queryset(venue: Venue, now=None):
    """The papers of the published program (none before the chairs publish it) in program
    order (track, then the published title, which is the confirmed camera-ready title when
    there is one), ordered by the database."""
    published_title = Case(
        When(camera_ready__confirmed_at__isnull=False, then="camera_ready__title"),
        default="title", output_field=CharField(),
    )
    return (policy.public_program_papers(venue, now).annotate(published_title=Lower(published_title))
            .order_by("track__position", "published_title", "pk"))


def _unconfirmed(paper: Submission) -> Published:
    """What the program shows of a paper whose authors have not confirmed their details."""
    return Published(title=paper.title, abstract="", authors=[])


def _entries(venue: Venue, papers: list[Submission]) -> list[ProgramEntry]:
    latest = Upload.objects.filter(submission=OuterRef("submission_id"), kind=Upload.Kind.CAMERA_READY).order_by("-version").values("pk")[:1]
    hosted_ids = [p.pk for p in papers if p.decision.host_pdf]
    pdfs = {u.submission_id: u for u in Upload.objects.filter(submission_id__in=hosted_ids, kind=Upload.Kind.CAMERA_READY, pk=Subquery(latest))}
    published = published_for(papers)
    entries = []
    for paper in papers:
        outcome = policy.outcome_of(venue, paper.decision.outcome)
        shown = published[paper.pk]
        entries.append(ProgramEntry(
            submission=paper,
            authors=list(paper.authorships.all()) if shown.confirmed else [],
            topics=[paper.primary_topic, *paper.secondary_topics.all()],
            presentation=outcome.name if outcome else paper.decision.outcome,
            outcome=paper.decision.outcome,
            pdf=pdfs.get(paper.pk) if shown.confirmed else None,
            published=shown if shown.confirmed else _unconfirmed(paper),
        ))
    return entries


def _with_entry_rows(queryset):
    return (queryset.select_related("track", "primary_topic", "decision", "contribution_type")
            .prefetch_related(Prefetch("authorships", queryset=Authorship.objects.order_by("position")), "secondary_topics"))


def program(venue: Venue) -> list[ProgramEntry]:
    """The whole program (the JSON export); the page shows it a page at a time."""
    return _entries(venue, list(_with_entry_rows(_program_queryset(venue))))


PROGRAM_PAGE_SIZE = 100


@dataclass
class ProgramPage:
    entries: list[ProgramEntry]
    page: object  # django Page: number, has_next, ...
    total: int  # accepted papers in the whole program
    matching: int  # of them, those the search and track filter keep
    query: str
    track: str

    @property
    def as_query(self) -> str:
        """The search and track filter as query parameters, for the pager's links."""
        return urlencode({key: value for key, value in (("q", self.query), ("track", self.track)) if value})


def program_page(venue: Venue, *, page: str | int = 1, query: str = "", track: str = "", now=None) -> ProgramPage:
    """One page of the public program, searched by title or author name and filtered by
    track, paginated by the database (a conference lists thousands of papers)."""
    from django.core.paginator import Paginator

    everything = _program_queryset(venue, now)
    chosen = everything
    query = " ".join(query.split())[:200]
    if track:
        chosen = chosen.filter(track__slug=track)
    confirmed = Q(camera_ready__confirmed_at__isnull=False)
    for word in query.split():
        # Only what the page shows is searched: the confirmed title and authors, and the
        # submitted title of a paper listed "to be confirmed" (never its authors' names).
        chosen = chosen.filter(
            (~confirmed & Q(title__icontains=word))
            | (confirmed & (Q(camera_ready__title__icontains=word) | Q(camera_ready__authors__name__icontains=word)))
        )
    if query:
        chosen = chosen.distinct()
    paginator = Paginator(chosen.values_list("pk", flat=True), PROGRAM_PAGE_SIZE)
    current = paginator.get_page(page)
    ids = list(current.object_list)
    by_id = {p.pk: p for p in _with_entry_rows(Submission.objects.filter(pk__in=ids))}
    total = everything.count() if (query or track) else paginator.count
    return ProgramPage(_entries(venue, [by_id[i] for i in ids]), current, total, paginator.count, query, track)


def program_json(venue: Venue, site_url: str) -> dict:
    from django.urls import reverse

    base = site_url.rstrip("/")
    published = policy.program_is_public(venue)
    return {
        "venue": {"slug": venue.slug, "name": venue.name, "archival": venue.archival,
                  "note": "Non-archival: these papers are not proceedings." if not venue.archival else ""},
        "published": published,
        "papers": [] if not published else [
            {
                "id": e.submission.public_id,
                "title": e.published.title,
                "authors": [{"name": a.name, "affiliation": a.affiliation} for a in e.published.authors],
                "abstract": e.published.abstract,
                "code_url": e.published.code_url or None,
                "data_url": e.published.data_url or None,
                "track": e.submission.track.name,
                "topics": [t.name for t in e.topics],
                "presentation": e.presentation,
                "outcome": e.outcome,
                "pdf": base + reverse("cameraready:public_pdf", args=[venue.slug, e.submission.public_id]) if e.pdf else None,
                "to_be_confirmed": e.to_be_confirmed,
            }
            for e in program(venue)
        ],
    }
