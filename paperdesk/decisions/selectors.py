"""Reads of the decisions app, each built for its viewer: the authors' page of decision and
reviews, and the public program. The chairs' decision table is in table.py and their
exports in exports.py (papers the chair is conflicted with appear as their authors see
them); both stay importable from here.

Lists take a fixed number of queries whatever the number of papers."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, CharField, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Lower

from paperdesk import clock, policy
from paperdesk.reviews.selectors import MetaReviewView, ReviewCard, meta_review_for, visible_reviews
from paperdesk.submissions.models import Authorship, Submission, Upload
from paperdesk.venues.models import Venue

from .camera_ready_selectors import Published, published_for
from .models import Decision

# The decision table lives in table.py; its names stay importable from here.
from .table import (  # noqa: F401
    PAGE_SIZE,
    SORT_KEYS,
    CheckSummary,
    TableFilters,
    TableRow,
    _has_decision,
    decision_rows,
    latest_runs,
    outcome_counts,
    outcome_totals,
    rows_for,
    summarize_report,
    table,
    table_page,
    table_queryset,
)

# --- the authors' page ---------------------------------------------------------------------


@dataclass
class AuthorResults:
    submission: Submission
    released: bool
    outcome_name: str = ""
    accepted: bool = False
    reviews: list[ReviewCard] = field(default_factory=list)
    meta_review: MetaReviewView | None = None
    decision: Decision | None = None
    camera_ready: list[Upload] = field(default_factory=list)
    camera_ready_check: CheckSummary | None = None
    can_upload: policy.Decision = policy.ALLOW


def author_results(viewer, submission: Submission, now=None) -> AuthorResults:
    """What an author sees: nothing of the reviewing before release; then the decision, the
    reviews under aliases (answers meant for authors only) and the submitted meta-review."""
    now = now or clock.now()
    decision = Decision.objects.filter(submission=submission).first()
    released = bool(decision and decision.released_at) and policy.can_view_decision(viewer, submission)
    result = AuthorResults(submission=submission, released=released)
    if not released:
        return result
    outcome = policy.outcome_of(submission.venue, decision.outcome)
    result.decision = decision
    result.outcome_name = outcome.name if outcome else decision.outcome
    result.accepted = bool(outcome and outcome.accepted) and submission.status != Submission.Status.WITHDRAWN
    result.reviews = visible_reviews(viewer, submission, for_author=True)
    result.meta_review = meta_review_for(viewer, submission, for_author=True)
    if result.accepted:
        result.camera_ready = list(submission.uploads.filter(kind=Upload.Kind.CAMERA_READY).select_related("check_run").order_by("-version"))
        if result.camera_ready:
            result.camera_ready_check = summarize_report(getattr(result.camera_ready[0], "check_run", None))
    result.can_upload = policy.can_upload_camera_ready(viewer, submission, now)
    return result


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
                "pdf": base + reverse("decisions:public_pdf", args=[venue.slug, e.submission.public_id]) if e.pdf else None,
                "to_be_confirmed": e.to_be_confirmed,
            }
            for e in program(venue)
        ],
    }
