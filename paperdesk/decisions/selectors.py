"""Reads of the decisions app, each built for its viewer: the chairs' decision table and
exports (papers the chair is conflicted with appear as their authors see them), the
authors' page of decision and reviews, and the public program.

Lists take a fixed number of queries whatever the number of papers."""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import OuterRef, Prefetch, Subquery

from paperdesk import clock, policy
from paperdesk.reviewing.models import Assignment
from paperdesk.reviews.models import MetaReview, Review
from paperdesk.reviews.selectors import MetaReviewView, ReviewCard, meta_review_for, visible_reviews
from paperdesk.submissions.models import Authorship, CheckRun, Submission, Upload
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
    report = run.report or {}
    return CheckSummary(
        state="done",
        unreadable=report.get("status") == "unreadable",
        over_limit=(report.get("pages") or {}).get("verdict") == "over_limit",
        format_issues=len((report.get("format") or {}).get("violations") or []),
        leaks=len((report.get("anonymity") or {}).get("leaks") or []),
        no_limitations=(report.get("signals") or {}).get("limitations_section") is False,
    )


def latest_runs(submission_ids, kind: str = Upload.Kind.PAPER) -> dict[int, CheckRun]:
    """submission id -> the check run of its latest upload of `kind` (two queries)."""
    latest = Upload.objects.filter(submission=OuterRef("submission_id"), kind=kind).order_by("-version").values("pk")[:1]
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


SORT_KEYS = {
    "number": lambda r: r.submission.number,
    "title": lambda r: r.submission.title.lower(),
    "track": lambda r: r.submission.track.position,
    "mean": lambda r: (r.mean is None, -(r.mean or 0)),
    "spread": lambda r: (r.spread is None, -(r.spread or 0)),
    "confidence": lambda r: (r.confidence is None, -(r.confidence or 0)),
    "reviews": lambda r: (len(r.scores), r.assigned),
    "recommendation": lambda r: r.recommendation,
    "decision": lambda r: r.outcome,
}


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
    def from_query(cls, params) -> "TableFilters":
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

    def keep(self, row: TableRow) -> bool:
        s = row.submission
        if self.track and s.track.slug != self.track:
            return False
        if self.decision == "none" and row.decision is not None:
            return False
        if self.decision and self.decision != "none" and row.outcome != self.decision:
            return False
        if self.recommendation and row.recommendation != self.recommendation:
            return False
        if self.agreement and row.agreement != self.agreement:
            return False
        if self.q:
            q = self.q.lower().lstrip("#")
            if not (q in s.title.lower() or q == str(s.number)):
                return False
        return True


def decision_rows(viewer, venue: Venue) -> list[TableRow]:
    """Every submitted paper of the venue with its review statistics. Conflicted papers are
    listed without anything an author would not see (before release: nothing)."""
    if not policy.is_chair(viewer, venue):
        return []
    conflicted = policy.conflicted_ids(viewer, venue)
    submissions = list(
        Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED)
        .select_related("track", "primary_topic", "decision")
        .order_by("number")
    )
    ids = [s.pk for s in submissions if s.pk not in conflicted]
    assigned: dict[int, int] = defaultdict(int)
    live = policy.without_conflicts(Assignment.objects.filter(submission_id__in=ids, kind=Assignment.Kind.REVIEWER, published=True))
    for submission_id in live.values_list("submission_id", flat=True):
        assigned[submission_id] += 1
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
            submission=s, conflict=False, assigned=assigned[s.pk],
            scores=[r["overall"] for r in reviews[s.pk] if r["overall"] is not None],
            confidences=[r["confidence"] for r in reviews[s.pk] if r["confidence"] is not None],
            recommendation=meta.recommendation if meta else "", recommendation_name=outcome.name if outcome else "",
            decision=decision, check=summarize_report(runs.get(s.pk)),
        ))
    return rows


def _has_decision(submission: Submission) -> bool:
    try:
        submission.decision
    except Decision.DoesNotExist:
        return False
    return True


def table(viewer, venue: Venue, filters: TableFilters) -> list[TableRow]:
    rows = [r for r in decision_rows(viewer, venue) if r.conflict or filters.keep(r)]
    rows.sort(key=SORT_KEYS[filters.sort], reverse=filters.descending)
    return rows


def outcome_counts(rows: list[TableRow], venue: Venue) -> list[tuple[str, str, int]]:
    counts = defaultdict(int)
    for row in rows:
        counts[row.outcome or "none"] += 1
    return [(o.slug, o.name, counts[o.slug]) for o in venue.spec.outcomes] + [("none", "No decision yet", counts["none"])]


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
    pdf: Upload | None  # only where the authors agreed to hosting


def program(venue: Venue) -> list[ProgramEntry]:
    papers = list(
        policy.accepted_papers(venue)
        .select_related("track", "primary_topic", "decision", "contribution_type")
        .prefetch_related(Prefetch("authorships", queryset=Authorship.objects.order_by("position")), "secondary_topics")
        .order_by("track__position", "title")
    )
    latest = Upload.objects.filter(submission=OuterRef("submission_id"), kind=Upload.Kind.CAMERA_READY).order_by("-version").values("pk")[:1]
    hosted_ids = [p.pk for p in papers if p.decision.host_pdf]
    pdfs = {u.submission_id: u for u in Upload.objects.filter(submission_id__in=hosted_ids, kind=Upload.Kind.CAMERA_READY, pk=Subquery(latest))}
    entries = []
    for paper in papers:
        outcome = policy.outcome_of(venue, paper.decision.outcome)
        entries.append(ProgramEntry(
            submission=paper,
            authors=list(paper.authorships.all()),
            topics=[paper.primary_topic, *paper.secondary_topics.all()],
            presentation=outcome.name if outcome else paper.decision.outcome,
            outcome=paper.decision.outcome,
            pdf=pdfs.get(paper.pk),
        ))
    return entries


def program_json(venue: Venue, site_url: str) -> dict:
    from django.urls import reverse

    base = site_url.rstrip("/")
    return {
        "venue": {"slug": venue.slug, "name": venue.name, "archival": venue.archival,
                  "note": "Non-archival: these papers are not proceedings." if not venue.archival else ""},
        "papers": [
            {
                "id": e.submission.public_id,
                "title": e.submission.title,
                "authors": [{"name": a.name, "affiliation": a.affiliation} for a in e.authors],
                "abstract": e.submission.abstract,
                "track": e.submission.track.name,
                "topics": [t.name for t in e.topics],
                "presentation": e.presentation,
                "outcome": e.outcome,
                "pdf": base + reverse("decisions:public_pdf", args=[venue.slug, e.submission.public_id]) if e.pdf else None,
            }
            for e in program(venue)
        ],
    }


# --- the chairs' export ------------------------------------------------------------------------


def export_data(viewer, venue: Venue) -> dict:
    """Everything about every submission, for the chairs. Papers the viewer is conflicted
    with carry only what their authors may see of them."""
    if not policy.is_chair(viewer, venue):
        return {}
    conflicted = policy.conflicted_ids(viewer, venue)
    submissions = list(
        Submission.objects.filter(venue=venue).select_related("track", "primary_topic", "contribution_type", "decision")
        .prefetch_related(Prefetch("authorships", queryset=Authorship.objects.order_by("position")), "secondary_topics")
        .order_by("number")
    )
    ids = [s.pk for s in submissions if s.pk not in conflicted]
    assignments = defaultdict(list)
    for a in Assignment.objects.filter(submission_id__in=ids, published=True).select_related("user", "review").order_by("kind", "alias_number"):
        assignments[a.submission_id].append(a)
    metas = {m.submission_id: m for m in MetaReview.objects.filter(submission_id__in=ids).select_related("author")}
    runs = latest_runs(ids)
    spec = venue.spec.review_form
    papers = []
    for s in submissions:
        entry = {
            "number": s.number, "id": s.public_id, "title": s.title, "abstract": s.abstract, "status": s.status,
            "track": s.track.slug, "primary_topic": s.primary_topic.slug, "secondary_topics": [t.slug for t in s.secondary_topics.all()],
            "contribution_type": s.contribution_type.slug,
            "submitted_at": s.submitted_at.isoformat() if s.submitted_at else None,
            "authors": [{"name": a.name, "email": a.email, "affiliation": a.affiliation, "corresponding": a.is_corresponding} for a in s.authorships.all()],
        }
        if s.pk in conflicted:
            entry["conflict"] = True
            papers.append(entry)
            continue
        decision = s.decision if _has_decision(s) else None
        meta = metas.get(s.pk)
        check = summarize_report(runs.get(s.pk))
        entry.update({
            "conflict": False,
            "check": {"state": check.state, "flags": check.flags},
            "decision": {"outcome": decision.outcome, "released_at": decision.released_at.isoformat() if decision.released_at else None,
                         "host_pdf": decision.host_pdf} if decision else None,
            "meta_review": {"area_chair": meta.author.display_name, "area_chair_email": meta.author.email, "recommendation": meta.recommendation,
                            "text": meta.text, "submitted": meta.submitted} if meta else None,
            "area_chairs": [{"name": a.user.display_name, "email": a.user.email, "alias": a.alias} for a in assignments[s.pk] if a.kind == Assignment.Kind.AREA_CHAIR],
            "reviews": [],
        })
        for a in assignments[s.pk]:
            if a.kind != Assignment.Kind.REVIEWER:
                continue
            review = getattr(a, "review", None)
            entry["reviews"].append({
                "alias": a.alias, "reviewer": a.user.display_name, "reviewer_email": a.user.email,
                "state": review.state if review else "not started",
                "late": review.late if review else False,
                "submitted_at": review.submitted_at.isoformat() if review and review.submitted_at else None,
                "overall": review.overall if review else None,
                "confidence": review.confidence if review else None,
                "answers": {q.key: (review.answers or {}).get(q.key, "") for q in spec.questions} if review else {},
                "comments_to_chairs": review.comments_to_chairs if review else "",
            })
        papers.append(entry)
    return {"venue": {"slug": venue.slug, "name": venue.name}, "exported_at": clock.now().isoformat(), "papers": papers}
