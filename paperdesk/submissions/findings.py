"""The chairs' overview of checker findings across a venue: counts per kind of finding and
the papers that have it, filtered in the database through the check's summary columns."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery

from paperdesk import policy
from paperdesk.venues.models import Venue

from .models import ArchivalMatch, CheckRun, Submission, Upload, paper_in_force_candidates

DONE = CheckRun.State.DONE


@dataclass(frozen=True)
class Category:
    slug: str
    label: str
    condition: Q  # on CheckRun
    runs: str = "paper"  # whose check: the paper PDF in force, or the latest "supplementary" archive


CATEGORIES = [
    Category("blocking", "Blocks submission", Q(state=DONE, blocking=True)),
    Category("unreadable", "Unreadable PDF", Q(state=DONE, verdict="unreadable")),
    Category("over_limit", "Over the page limit", Q(state=DONE, verdict="over_limit")),
    Category("leaks", "Possible identity leaks", Q(state=DONE, leak_count__gt=0)),
    Category("format", "Format violations", Q(state=DONE, format_count__gt=0)),
    Category("no_limitations", "No limitations section", Q(state=DONE, finding_codes__contains=" no_limitations_section ")),
    Category("pending", "Check pending", Q(state__in=[CheckRun.State.QUEUED, CheckRun.State.RUNNING])),
    Category("failed", "Checker failed", Q(state=CheckRun.State.FAILED)),
    Category("links", "Non-anonymous links", Q(state=DONE) & (Q(finding_codes__contains=" leak_non_anonymous_link ") | Q(upload__submission__links_flagged=True))),
    Category("git_metadata", "Git metadata in the supplementary", Q(state=DONE, finding_codes__contains=" leak_git_metadata "), runs="supplementary"),
    Category("notebook_metadata", "Notebook metadata in the supplementary", Q(state=DONE, finding_codes__contains=" leak_notebook_metadata "), runs="supplementary"),
    Category("supplementary_leaks", "Identity leaks in the supplementary", Q(state=DONE, leak_count__gt=0), runs="supplementary"),
    Category("supplementary_unreadable", "Unsafe or unreadable supplementary", Q(state=DONE, verdict="unreadable"), runs="supplementary"),
    # Not the checker's: an undismissed match in an imported archival listing (`archival`).
    Category("archival", "Archival match", Q(), runs="archival"),
    Category("clean", "No leaks or violations", Q(state=DONE, blocking=False, leak_count=0, format_count=0) & ~Q(verdict__in=["unreadable", "over_limit"])),
]
BY_SLUG = {c.slug: c for c in CATEGORIES}
SCREENED_STATUSES = {
    "submitted": [Submission.Status.SUBMITTED],
    "desk_rejected": [Submission.Status.DESK_REJECTED],
    "all": [Submission.Status.SUBMITTED, Submission.Status.DRAFT, Submission.Status.DESK_REJECTED],
}


def _runs_of_latest_pdfs() -> QuerySet[CheckRun]:
    # The PDF in force: a newer upload still being checked, or refused, does not count.
    latest_upload = Upload.objects.filter(paper_in_force_candidates(), submission=OuterRef("upload__submission")).order_by("-version")
    return CheckRun.objects.filter(upload__kind=Upload.Kind.PAPER, upload_id=Subquery(latest_upload.values("pk")[:1]))


def _runs_of_latest_archives() -> QuerySet[CheckRun]:
    latest_upload = Upload.objects.filter(submission=OuterRef("upload__submission"), kind=Upload.Kind.SUPPLEMENTARY).order_by("-version")
    return CheckRun.objects.filter(upload__kind=Upload.Kind.SUPPLEMENTARY, upload_id=Subquery(latest_upload.values("pk")[:1]))


def _runs_for(category: Category) -> QuerySet[CheckRun]:
    return _runs_of_latest_archives() if category.runs == "supplementary" else _runs_of_latest_pdfs()


def _latest_runs(submissions: QuerySet[Submission], runs: str = "paper") -> QuerySet[CheckRun]:
    latest = _runs_of_latest_archives() if runs == "supplementary" else _runs_of_latest_pdfs()
    return latest.filter(upload__submission__in=submissions.values("pk"))


def screened(viewer, venue: Venue, status: str) -> QuerySet[Submission]:
    """The papers this chair screens: never one they are conflicted with (its findings are
    not for them, `policy.can_view_check_findings`, and every action on it is refused)."""
    return (policy.submissions_visible_to(viewer, venue).filter(status__in=SCREENED_STATUSES.get(status, SCREENED_STATUSES["submitted"]))
            .exclude(pk__in=policy.hidden_from_aggregates(viewer, venue)))


def category_counts(viewer, venue: Venue, status: str) -> dict[str, int]:
    """How many papers fall under each category: one query for the PDFs' checks, one for the
    supplementary archives', one for the archival matches."""
    papers = screened(viewer, venue, status)
    totals = {}
    for runs in ("paper", "supplementary"):
        chosen = [c for c in CATEGORIES if c.runs == runs]
        totals.update(_latest_runs(papers, runs).aggregate(**{f"n_{c.slug}": Count("pk", filter=c.condition) for c in chosen}))
    totals["n_archival"] = papers.filter(Exists(ArchivalMatch.objects.filter(submission=OuterRef("pk"), dismissed_at__isnull=True))).count()
    return {c.slug: totals[f"n_{c.slug}"] for c in CATEGORIES}


def papers_with(viewer, venue: Venue, status: str, category: str) -> QuerySet[Submission]:
    """The screened papers whose latest PDF's check falls under `category` (all if empty)."""
    papers = screened(viewer, venue, status)
    chosen = BY_SLUG.get(category)
    if chosen is None:
        return papers.order_by("number")
    if chosen.runs == "archival":
        return papers.filter(Exists(ArchivalMatch.objects.filter(submission=OuterRef("pk"), dismissed_at__isnull=True))).order_by("number")
    # Correlated on the paper alone: repeating the list of papers inside the EXISTS made
    # PostgreSQL scan it again for every paper (minutes at 25,000 papers).
    runs = _runs_for(chosen).filter(chosen.condition)
    return papers.filter(Exists(runs.filter(upload__submission=OuterRef("pk")))).order_by("number")
