"""The chairs' decisions over the API: the decision table (score statistics per paper,
papers the chair is conflicted with shown without anything of their reviewing) and
setting decisions in bulk, through `decisions.selectors` and `decisions.services.decisions_set`
as on the decision table page. Anyone but a chair gets the page's 404."""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from paperdesk.decisions import recommendations, selectors, services
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, get_venue_for

from .reviewing_schemas import BulkDecisionOut, DecisionParams, DecisionsIn, DecisionTableOut, PublicId
from .reviewing_views import decision_row_view
from .schemas import ErrorOut, InputSchema

router = Router(tags=["decisions"])


@router.get(
    "/venues/{slug}/decisions",
    response={200: DecisionTableOut, 404: ErrorOut},
    exclude_unset=True,
    summary="The decision table (chairs)",
    description="Every submitted paper with its review statistics, meta-review recommendation and decision, filtered and sorted as on the decision table.",
)
def decision_table(request, slug: str, params: Query[DecisionParams]):
    user = request.auth
    venue = get_venue_for(user, slug, Need.CHAIR)
    filters = selectors.TableFilters(
        track=params.track or "", decision=params.decision or "", recommendation=params.recommendation or "",
        agreement=params.agreement or "", q=params.q or "", sort=params.sort.lstrip("-"), descending=params.sort.startswith("-"),
    )
    # Filtered, sorted and sliced by the database, as the paginated page is: one page of a
    # large venue costs a few queries.
    ordered = selectors.table_queryset(user, venue, filters).values_list("pk", flat=True)
    rows = selectors.rows_for(user, venue, list(ordered[params.offset : params.offset + params.limit]))
    return {
        "count": ordered.count(),
        "limit": params.limit,
        "offset": params.offset,
        "counts": [{"outcome": slug, "name": name, "count": n} for slug, name, n in selectors.outcome_totals(user, venue)],
        "items": [decision_row_view(r) for r in rows],
    }


@router.post(
    "/venues/{slug}/decisions",
    response={200: BulkDecisionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Set decisions (chairs)",
    description="Sets one outcome (or with `\"\"`, clears the decision) on each paper you may decide; the others are listed in `refused` with the reason.",
)
def set_decisions(request, slug: str, payload: DecisionsIn):
    user = request.auth
    venue = get_venue_for(user, slug, Need.CHAIR)
    wanted = list(dict.fromkeys(payload.papers))
    submissions = list(Submission.objects.filter(venue=venue, public_id__in=wanted).select_related("venue"))
    found = {s.public_id for s in submissions}
    unknown = [public_id for public_id in wanted if public_id not in found]
    if not submissions:
        raise ServiceError(f"No paper of {venue.short_name} has {'this id' if len(unknown) == 1 else 'these ids'}.", 400, "papers")
    result = services.decisions_set(venue=venue, submissions=submissions, outcome=payload.outcome, actor=user)
    refused = result.refused + [f"No paper of {venue.short_name} has the id '{public_id}'." for public_id in unknown]
    return {"changed": result.changed, "refused": refused}


# --- decisions from the area chairs' recommendations (issue 11 item 4) ---------------------


class PlanRowOut(Schema):
    number: int
    public_id: str
    title: str
    outcome: str = Field(description="The outcome the area chair recommends")
    current: str = Field(description="The decision it replaces (empty: none)")


class LeftOutOut(Schema):
    number: int
    public_id: str
    reason: str


class RecommendationPlanOut(Schema):
    papers: list[PlanRowOut]
    left_out: list[LeftOutOut] = Field(description="Papers without a submitted recommendation, already released, or that you are conflicted with")


class FromRecommendationsIn(InputSchema):
    papers: Annotated[list[PublicId], Field(min_length=1, max_length=5000)] = Field(
        description="Public ids from the preview's `papers` whose decision to set to the recommendation.")


@router.get(
    "/venues/{slug}/decisions/from-recommendations",
    response={200: RecommendationPlanOut, 404: ErrorOut},
    summary="Preview: decisions from the area chairs' recommendations (chairs)",
    description="Each paper with a submitted meta-review and the outcome it recommends; the papers left out, with why.",
)
def recommendation_preview(request, slug: str):
    venue = get_venue_for(request.auth, slug, Need.CHAIR)
    plan = recommendations.recommendation_plan(venue, request.auth)
    return {"papers": [{"number": r.number, "public_id": r.public_id, "title": r.title, "outcome": r.outcome, "current": r.current} for r in plan.papers],
            "left_out": [{"number": r.number, "public_id": r.public_id, "reason": r.reason} for r in plan.left_out]}


@router.post(
    "/venues/{slug}/decisions/from-recommendations",
    response={200: BulkDecisionOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Set decisions to the area chairs' recommendations (chairs)",
    description="Sets each listed paper's decision to its area chair's recommendation; papers left out of the preview are refused with the reason.",
)
def set_from_recommendations(request, slug: str, payload: FromRecommendationsIn):
    venue = get_venue_for(request.auth, slug, Need.CHAIR)
    result = recommendations.apply_recommendations(venue=venue, actor=request.auth, confirmed=dict.fromkeys(payload.papers))
    return {"changed": result.changed, "refused": result.refused}
