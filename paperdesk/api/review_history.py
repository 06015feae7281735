"""The review history of a paper over the API, for the program chairs without a conflict:
every version of each review and of the meta-review (who, when, why, what it said, what
changed), as `reviews.history.paper_history` builds it for the page. Everyone else gets the
404 of a missing paper. Reverting is done on the history page, after its confirmation."""

from __future__ import annotations

from typing import Any, Literal

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from paperdesk import policy
from paperdesk.reviews import history

from .reviews import review_paper_or_404
from .schemas import ErrorOut, MomentOut

router = Router(tags=["reviews"])


class ChangeOut(Schema):
    field: str = Field(description="`answers.<question key>`, `overall`, `confidence`, `comments_to_chairs`, `state`; for a meta-review `recommendation`, `text`, `submitted`")
    label: str
    before: str
    after: str


class VersionOut(Schema):
    number: int
    at: MomentOut
    actor: str = Field(description="Who saved it: 'Reviewer 2 (name)', 'Program chair (name)', 'Area chair (name)'")
    reason: Literal["baseline", "draft", "submit", "edit", "score", "revert"]
    restored_number: int | None = Field(None, description="For a revert: the version whose content was restored")
    changes: list[ChangeOut] = Field(description="Against the version before (all fields for the first)")
    snapshot: dict[str, Any] = Field(description="Everything the review (or meta-review) said in this version")


class HistoryObjectOut(Schema):
    kind: Literal["review", "meta_review"]
    id: str = Field(description="The review's id, or 'meta-review'")
    label: str
    state: str
    versions: list[VersionOut]


class ReviewHistoryOut(Schema):
    paper: str
    number: int
    objects: list[HistoryObjectOut]


def _moment(venue, moment) -> dict:
    return {"utc": moment.isoformat(), "local": venue.local(moment).isoformat()}


@router.get(
    "/papers/{public_id}/review-history",
    response={200: ReviewHistoryOut, 404: ErrorOut},
    summary="Every version of a paper's reviews and meta-review (chairs)",
    description=(
        "For the program chairs without a conflict with the paper: each review (by alias, with its writer's name) and the "
        "meta-review, with every saved version: who saved it, when, why (draft, submit, edit, score, revert), what it said "
        "and what changed against the version before. Successive draft saves by one person are one version. Everyone "
        "else gets the 404 of a missing paper."
    ),
)
def get_review_history(request, public_id: str):
    user = request.auth
    submission = review_paper_or_404(user, public_id)
    if not policy.can_view_review_history(user, submission):
        raise Http404("No such paper")
    venue = submission.venue
    objects = []
    for obj in history.paper_history(user, submission):
        objects.append({
            "kind": obj.kind, "id": obj.public_id, "label": obj.label, "state": obj.state,
            "versions": [{
                "number": v.number, "at": _moment(venue, v.at), "actor": v.actor, "reason": v.reason,
                "restored_number": v.restored_number, "snapshot": v.snapshot,
                "changes": [{"field": c.key, "label": c.label, "before": c.before, "after": c.after} for c in v.changes],
            } for v in obj.versions],
        })
    return {"paper": submission.public_id, "number": submission.number, "objects": objects}
