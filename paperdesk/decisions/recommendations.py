"""Chairs set decisions to the area chairs' recommendations in bulk (issue 11 item 4).

`recommendation_plan` is what the one confirmation lists: each paper whose area chair (or a
chair) submitted a meta-review, with the recommended outcome and the decision it replaces;
papers left out are named with the reason: no submitted recommendation, a decision already
released, or a conflict of the chair (then only its number, never its title nor anything of
its reviewing). `apply_recommendations` sets the confirmed papers' decisions in one
transaction through `services.decisions_set` (one audit entry per paper, as on the decision
table) plus one entry for the bulk action; a paper whose recommendation changed since the
confirmation is refused, never set to something the chair did not see."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from paperdesk import policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.models import Venue

from .services import BulkResult, decisions_set


@dataclass(frozen=True)
class PlanRow:
    number: int
    public_id: str
    title: str
    outcome: str
    outcome_name: str
    current: str  # the decision it replaces (outcome name), "" for none


@dataclass(frozen=True)
class LeftOut:
    number: int
    public_id: str
    reason: str


@dataclass(frozen=True)
class RecommendationPlan:
    papers: list[PlanRow]
    left_out: list[LeftOut]


def recommendation_plan(venue: Venue, actor) -> RecommendationPlan:
    if not policy.is_chair(actor, venue):
        raise ServiceError("Only the program chairs decide.", 403)
    conflicted = policy.conflicted_ids(actor, venue)
    papers = (Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED)
              .select_related("venue", "meta_review", "decision").order_by("number"))
    rows, left_out = [], []
    for paper in papers:
        if paper.pk in conflicted:
            left_out.append(LeftOut(paper.number, paper.public_id, f"Paper #{paper.number}: you have a conflict with it; another chair decides it."))
            continue
        meta = getattr(paper, "meta_review", None)
        decision = getattr(paper, "decision", None)
        if decision is not None and decision.released_at:
            left_out.append(LeftOut(paper.number, paper.public_id, f"Paper #{paper.number}: its decision has been released."))
            continue
        outcome = policy.outcome_of(venue, meta.recommendation) if meta is not None and meta.submitted else None
        if outcome is None:
            left_out.append(LeftOut(paper.number, paper.public_id, f"Paper #{paper.number}: no submitted recommendation yet."))
            continue
        current = policy.outcome_of(venue, decision.outcome) if decision is not None else None
        rows.append(PlanRow(paper.number, paper.public_id, paper.title, outcome.slug, outcome.name,
                            current.name if current else (decision.outcome if decision else "")))
    return RecommendationPlan(rows, left_out)


def apply_recommendations(*, venue: Venue, actor, confirmed: dict[str, str | None]) -> BulkResult:
    """Set each confirmed paper's decision to its recommendation. `confirmed` maps public
    ids to the outcome the chair confirmed (None: whatever the recommendation is now, for
    the API, whose caller read the preview it sends back)."""
    if not confirmed:
        raise ServiceError("Confirm at least one paper.", 400, "papers")
    result = BulkResult([], [])
    with transaction.atomic():
        plan = recommendation_plan(venue, actor)
        by_id = {row.public_id: row for row in plan.papers}
        left = {row.public_id: row.reason for row in plan.left_out}
        groups: dict[str, list[str]] = {}
        for public_id, outcome in confirmed.items():
            row = by_id.get(public_id)
            if row is None:
                result.refused.append(left.get(public_id, f"No paper of {venue.short_name} has the id '{public_id}'."))
            elif outcome is not None and outcome != row.outcome:
                result.refused.append(f"Paper #{row.number}: its recommendation changed to {row.outcome_name} since you confirmed; look again.")
            else:
                groups.setdefault(row.outcome, []).append(public_id)
        for outcome, ids in groups.items():
            submissions = list(Submission.objects.filter(venue=venue, public_id__in=ids).select_related("venue").order_by("number"))
            done = decisions_set(venue=venue, submissions=submissions, outcome=outcome, actor=actor)
            result.changed.extend(done.changed)
            result.refused.extend(done.refused)
        if result.changed:
            record("decision.from_recommendations", venue, actor=actor, venue=venue, papers=sorted(result.changed),
                   refused=len(result.refused))
    result.changed.sort()
    return result
