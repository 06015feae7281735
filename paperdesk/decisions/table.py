"""The chairs' decision table: every submitted paper with its review statistics, the
meta-review's recommendation, the decision and the checker's findings. Filtered, sorted and
paginated by the database, so a page costs the same few queries at 25,000 papers as at 20.
Papers the chair is conflicted with appear as their authors see them (before release:
nothing), and keep no statistics that their place in a sorted list could reveal."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.paginator import Page, Paginator
from django.db.models import Avg, Case, Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce, Lower

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.reviews.models import MetaReview, Review
from paperdesk.submissions.models import CheckRun, Submission, Upload, paper_in_force_candidates
from paperdesk.venues.models import Venue

from .models import Decision

# --- checker findings, summarised for the chairs ------------------------------------------


@dataclass
class CheckSummary:
    state: str = "none"  # none | pending | failed | done
    over_limit: bool = False
    format_issues: int = 0
    leaks: int = 0
    no_limitations: bool = False
    unreadable: bool = False

    @property
    def flags(self) -> list[str]:
        if self.state != "done":
            return [] if self.state == "none" else [self.state]
        out = []
        if self.unreadable:
            out.append("unreadable")
        if self.over_limit:
            out.append("over limit")
        if self.format_issues:
            out.append(f"{self.format_issues} format")
        if self.leaks:
            out.append(f"{self.leaks} leak{'s' if self.leaks != 1 else ''}")
        if self.no_limitations:
            out.append("no limitations")
        return out


def summarize_report(run: CheckRun | None) -> CheckSummary:
    if run is None:
        return CheckSummary("none")
    if run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
        return CheckSummary("pending")
    if run.state != CheckRun.State.DONE:
        return CheckSummary("failed")
    report = run.check_report
    return CheckSummary(
        state="done",
        unreadable=report.unreadable,
        over_limit=report.pages.over_limit,
        format_issues=len(report.violations),
        leaks=len(report.leaks),
        no_limitations=report.signals.limitations_section is False,
    )


def latest_runs(submission_ids, kind: str = Upload.Kind.PAPER) -> dict[int, CheckRun]:
    """submission id -> the check run of its latest upload of `kind` (two queries); for the
    paper, the version in force (a newer upload being checked, or refused, is not it)."""
    latest = Upload.objects.filter(submission=OuterRef("submission_id"), kind=kind)
    if kind == Upload.Kind.PAPER:
        latest = latest.filter(paper_in_force_candidates())
    latest = latest.order_by("-version").values("pk")[:1]
    uploads = Upload.objects.filter(submission_id__in=list(submission_ids), kind=kind, pk=Subquery(latest))
    runs = CheckRun.objects.filter(upload__in=uploads).select_related("upload")
    return {run.upload.submission_id: run for run in runs}


# --- the decision table -------------------------------------------------------------------


@dataclass
class TableRow:
    submission: Submission
    conflict: bool
    assigned: int = 0
    scores: list[int] = field(default_factory=list)
    confidences: list[int] = field(default_factory=list)
    recommendation: str = ""
    recommendation_name: str = ""
    decision: Decision | None = None
    check: CheckSummary = field(default_factory=CheckSummary)

    @property
    def mean(self) -> float | None:
        return round(statistics.fmean(self.scores), 2) if self.scores else None

    @property
    def low(self) -> int | None:
        return min(self.scores) if self.scores else None

    @property
    def high(self) -> int | None:
        return max(self.scores) if self.scores else None

    @property
    def spread(self) -> int | None:
        return (self.high - self.low) if self.scores else None

    @property
    def confidence(self) -> float | None:
        return round(statistics.fmean(self.confidences), 1) if self.confidences else None

    @property
    def agreement(self) -> str:
        """How far the reviewers agree: by the spread of their scores."""
        if len(self.scores) < 2:
            return ""
        return "agree" if self.spread <= 1 else ("mixed" if self.spread == 2 else "split")

    @property
    def outcome(self) -> str:
        return self.decision.outcome if self.decision else ""


# The columns the table sorts by (see ORDERING and table_queryset).
SORT_KEYS = ("number", "title", "track", "mean", "spread", "confidence", "reviews", "recommendation", "decision")


@dataclass
class TableFilters:
    track: str = ""
    decision: str = ""  # "", "none", or an outcome slug
    recommendation: str = ""
    agreement: str = ""
    q: str = ""
    sort: str = "mean"
    descending: bool = False

    @classmethod
    def from_query(cls, params) -> TableFilters:
        sort = params.get("sort", "mean")
        descending = sort.startswith("-")
        sort = sort.lstrip("-")
        return cls(
            track=params.get("track", "").strip(), decision=params.get("decision", "").strip(),
            recommendation=params.get("recommendation", "").strip(), agreement=params.get("agreement", "").strip(),
            q=params.get("q", "").strip()[:200], sort=sort if sort in SORT_KEYS else "mean", descending=descending,
        )

    def as_query(self, **changes) -> str:
        from urllib.parse import urlencode

        values = {"track": self.track, "decision": self.decision, "recommendation": self.recommendation, "agreement": self.agreement,
                  "q": self.q, "sort": ("-" if self.descending else "") + self.sort}
        values.update(changes)
        return urlencode({k: v for k, v in values.items() if v})


def decision_rows(viewer, venue: Venue) -> list[TableRow]:
    """Every submitted paper of the venue with its review statistics. Conflicted papers are
    listed without anything an author would not see (before release: nothing)."""
    if not policy.is_chair(viewer, venue):
        return []
    submissions = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).order_by("number")
    return rows_for(viewer, venue, submissions)


def rows_for(viewer, venue: Venue, submissions) -> list[TableRow]:
    """Table rows for the given submissions of `venue`, in their order: five queries
    whatever their number (the chairs' table passes one page of them)."""
    if not policy.is_chair(viewer, venue):
        return []
    conflicted = policy.conflicted_ids(viewer, venue)
    if isinstance(submissions, QuerySet):
        submissions = list(submissions.select_related("track", "primary_topic", "decision"))
    else:
        order = {pk: index for index, pk in enumerate(s if isinstance(s, int) else s.pk for s in submissions)}
        fetched = Submission.objects.filter(venue=venue, pk__in=list(order)).select_related("track", "primary_topic", "decision")
        submissions = sorted(fetched, key=lambda s: order[s.pk])
    ids = [s.pk for s in submissions if s.pk not in conflicted]
    live = policy.without_conflicts(Assignment.objects.filter(submission_id__in=ids, kind=Assignment.Kind.REVIEWER, published=True))
    assigned = dict(live.order_by().values("submission_id").annotate(n=Count("pk")).values_list("submission_id", "n"))
    reviews = defaultdict(list)
    for row in Review.objects.filter(assignment__in=live, state=Review.State.SUBMITTED).values("assignment__submission_id", "overall", "confidence"):
        reviews[row["assignment__submission_id"]].append(row)
    metas = {m.submission_id: m for m in MetaReview.objects.filter(submission_id__in=ids)}
    runs = latest_runs(ids)
    rows = []
    for s in submissions:
        if s.pk in conflicted:
            rows.append(TableRow(submission=s, conflict=True))
            continue
        decision = getattr(s, "decision", None) if _has_decision(s) else None
        meta = metas.get(s.pk)
        outcome = policy.outcome_of(venue, meta.recommendation) if meta else None
        rows.append(TableRow(
            submission=s, conflict=False, assigned=assigned.get(s.pk, 0),
            scores=[r["overall"] for r in reviews[s.pk] if r["overall"] is not None],
            confidences=[r["confidence"] for r in reviews[s.pk] if r["confidence"] is not None],
            recommendation=meta.recommendation if meta else "", recommendation_name=outcome.name if outcome else "",
            decision=decision, check=summarize_report(runs.get(s.pk)),
        ))
    return rows


def _has_decision(submission: Submission) -> bool:
    try:
        _ = submission.decision  # the reverse one-to-one raises when there is none
    except Decision.DoesNotExist:
        return False
    return True


def table(viewer, venue: Venue, filters: TableFilters) -> list[TableRow]:
    """Every row of the table, filtered and sorted (for the API; pages use table_page)."""
    return rows_for(viewer, venue, list(table_queryset(viewer, venue, filters).values_list("pk", flat=True)))


# The table is filtered, sorted and paginated by the database: the review statistics are
# aggregates over each paper's live reviewer assignments, so one page of 25,000 papers
# costs a few queries and renders 100 rows. Conflicted papers stay in every result (as
# before) with empty statistics, so their place in a sorted list reveals nothing.

PAGE_SIZE = 100
AGREEMENT = {"agree": Q(spread__lte=1), "mixed": Q(spread=2), "split": Q(spread__gte=3)}
# (expression, highest first by default) per sort key; ties go by number.
ORDERING = {
    "number": (F("number"), False),
    "title": (Lower("title"), False),
    "track": (F("track__position"), False),
    "mean": (F("mean_score"), True),
    "spread": (F("spread"), True),
    "confidence": (F("mean_confidence"), True),
    "recommendation": (F("recommendation_slug"), False),
    "decision": (F("outcome_slug"), False),
}


def void_assignments(venue: Venue) -> list[int]:
    """Published reviewer assignments of the venue that a conflict voids (usually none or a
    few): one query, so that aggregates over thousands of papers compare ids instead of
    checking every assignment for conflicts again."""
    published = Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True)
    return list(published.exclude(pk__in=policy.without_conflicts(published).values("pk")).values_list("pk", flat=True))


def _filters(viewer, venue: Venue, filters: TableFilters) -> tuple[list[int], Q, Q]:
    """The viewer's conflicted papers, the filters on columns, the filter on statistics."""
    conflicted = sorted(policy.conflicted_ids(viewer, venue))
    keep = Q()
    if filters.track:
        keep &= Q(track__slug=filters.track)
    if filters.decision == "none":
        keep &= Q(decision__isnull=True)
    elif filters.decision:
        keep &= Q(decision__outcome=filters.decision)
    if filters.recommendation:
        keep &= Q(meta_review__recommendation=filters.recommendation)
    if filters.q:
        q = filters.q.lower().lstrip("#")
        keep &= Q(title__icontains=q) | Q(number=int(q)) if q.isdigit() else Q(title__icontains=q)
    statistics_filter = Q()
    if filters.agreement:
        statistics_filter = Q(score_count__gte=2) & AGREEMENT[filters.agreement] if filters.agreement in AGREEMENT else Q(pk__in=[])
    return conflicted, keep, statistics_filter


def _matching(queryset: QuerySet, conflicted: list[int], condition: Q) -> QuerySet:
    """Papers meeting `condition`; the conflicted ones always (as their authors see them)."""
    if not condition:
        return queryset
    return queryset.filter(Q(pk__in=conflicted) | condition) if conflicted else queryset.filter(condition)


def table_queryset(viewer, venue: Venue, filters: TableFilters) -> QuerySet[Submission]:
    """The venue's submitted papers that match `filters`, in the table's order, annotated
    with their review statistics (assigned_count, score_count, mean_score, low_score,
    high_score, spread, mean_confidence, recommendation_slug, outcome_slug)."""
    if not policy.is_chair(viewer, venue):
        return Submission.objects.none()
    conflicted, keep, statistics_filter = _filters(viewer, venue, filters)
    hidden = Q(pk__in=conflicted)
    counted = Q(assignments__kind=Assignment.Kind.REVIEWER, assignments__published=True) & ~Q(assignments__pk__in=void_assignments(venue)) & ~hidden
    scored = counted & Q(assignments__review__state=Review.State.SUBMITTED)
    qs = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).annotate(
        assigned_count=Count("assignments", filter=counted),
        score_count=Count("assignments__review__overall", filter=scored),
        mean_score=Avg("assignments__review__overall", filter=scored),
        low_score=Min("assignments__review__overall", filter=scored),
        high_score=Max("assignments__review__overall", filter=scored),
        mean_confidence=Avg("assignments__review__confidence", filter=scored),
        recommendation_slug=Case(When(hidden, then=Value("")), default=Coalesce(F("meta_review__recommendation"), Value(""))),
        outcome_slug=Case(When(hidden, then=Value("")), default=Coalesce(F("decision__outcome"), Value(""))),
    ).annotate(spread=F("high_score") - F("low_score"))
    qs = _matching(qs, conflicted, keep & statistics_filter)
    if filters.sort == "reviews":
        keys = [F("score_count"), F("assigned_count")]
        keys = [k.desc() if filters.descending else k.asc() for k in keys]
    else:
        expression, highest_first = ORDERING[filters.sort]
        if highest_first:  # statistics: highest first, papers without any last; "-" flips both
            keys = [expression.asc(nulls_first=True) if filters.descending else expression.desc(nulls_last=True)]
        else:
            keys = [expression.desc() if filters.descending else expression.asc()]
    return qs.order_by(*keys, "number")


class _PageSource:
    """What the Paginator reads: ids sliced from the sorted query, and a count that skips
    the statistics unless a filter needs them."""

    ordered = True  # read by the Paginator's check

    def __init__(self, sorted_ids: QuerySet, counted: QuerySet):
        self.sorted_ids, self.counted = sorted_ids, counted

    def count(self) -> int:
        return self.counted.count()

    def __getitem__(self, key):
        return list(self.sorted_ids[key])


def table_page(viewer, venue: Venue, filters: TableFilters, page_number=None, per_page: int = PAGE_SIZE) -> tuple[Page, list[TableRow]]:
    """One page of the table and its rows: a count, the page's ids, then the rows."""
    ordered = table_queryset(viewer, venue, filters).values_list("pk", flat=True)
    conflicted, keep, statistics_filter = _filters(viewer, venue, filters)
    if statistics_filter or not policy.is_chair(viewer, venue):
        counted = ordered
    else:
        counted = _matching(Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED), conflicted, keep)
    page = Paginator(_PageSource(ordered, counted), per_page).get_page(page_number)
    return page, rows_for(viewer, venue, list(page.object_list))


def outcome_counts(rows: list[TableRow], venue: Venue) -> list[tuple[str, str, int]]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.outcome or "none"] += 1
    return [(o.slug, o.name, counts[o.slug]) for o in venue.spec.outcomes] + [("none", "No decision yet", counts["none"])]


def outcome_totals(viewer, venue: Venue) -> list[tuple[str, str, int]]:
    """outcome_counts of every paper the viewer may decide, counted by the database."""
    if not policy.is_chair(viewer, venue):
        return []
    counts = dict(
        Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).exclude(pk__in=policy.conflicted_ids(viewer, venue))
        .order_by().values("decision__outcome").annotate(n=Count("pk")).values_list("decision__outcome", "n")
    )
    return [(o.slug, o.name, counts.get(o.slug, 0)) for o in venue.spec.outcomes] + [("none", "No decision yet", counts.get(None, 0))]
