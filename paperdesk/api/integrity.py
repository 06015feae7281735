"""Archival matches and review-integrity hints over the API (issue 12 item 4, issue 11
item 6): the same selectors and services as the pages. A paper the caller may not judge
(a conflicted chair's, anyone else's) answers with the same 404 as a missing one."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Router, Schema

from paperdesk import policy
from paperdesk.reviews import integrity
from paperdesk.submissions import archival
from paperdesk.submissions.models import ArchivalMatch, Submission

from .reviews import _PUBLIC_ID
from .schemas import ErrorOut

router = Router(tags=["screening"])


class ArchivalMatchOut(Schema):
    id: int
    title: str
    authors: list[str]
    venue: str = Field(description="Where it was published (booktitle or journal)")
    year: int | None
    score: float = Field(description="Title similarity, weighed down when the authors differ (0..1)")
    title_score: float
    author_overlap: float | None = Field(description="Shared authors over the shorter list; null when one side names nobody")
    dismissed: bool
    dismiss_note: str


class DismissIn(Schema):
    note: str = Field("", max_length=1000)


class HintOut(Schema):
    kind: str = Field(description="near_duplicate_review | review_matches_abstract | short_review | unresolved_reference")
    title: str
    detail: str
    explanation: str
    score: float | None


def _paper(user, public_id: str, may) -> Submission:
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first() if _PUBLIC_ID.fullmatch(public_id or "") else None
    if submission is None or not may(user, submission):
        raise Http404("No such paper")
    return submission


def _match_out(m: ArchivalMatch) -> dict:
    return {"id": m.pk, "title": m.title, "authors": m.authors, "venue": m.venue_name, "year": m.year, "score": m.score,
            "title_score": m.title_score, "author_overlap": m.author_overlap, "dismissed": m.dismissed_at is not None,
            "dismiss_note": m.dismiss_note}


@router.get("/submissions/{public_id}/archival-matches", response={200: list[ArchivalMatchOut], 404: ErrorOut},
            summary="Published work matching the paper (chairs without a conflict)")
def archival_matches(request, public_id: str):
    submission = _paper(request.auth, public_id, policy.can_view_archival_matches)
    return [_match_out(row.match) for row in archival.matches_for(request.auth, submission)]


@router.post("/submissions/{public_id}/archival-matches/{match_id}/dismiss",
             response={200: ArchivalMatchOut, 400: ErrorOut, 404: ErrorOut, 409: ErrorOut},
             summary="Dismiss an archival match, with a note (audited)")
def dismiss_archival_match(request, public_id: str, match_id: int, payload: DismissIn):
    submission = _paper(request.auth, public_id, policy.can_view_archival_matches)
    match = ArchivalMatch.objects.filter(pk=match_id, submission=submission).first()
    if match is None:
        raise Http404("No such match")
    return _match_out(archival.dismiss_match(match=match, actor=request.auth, note=payload.note))


@router.get("/papers/{public_id}/integrity-hints", response={200: list[HintOut], 404: ErrorOut},
            summary="Review-integrity hints for the paper (its area chair, chairs without a conflict)")
def integrity_hints(request, public_id: str):
    submission = _paper(request.auth, public_id, policy.can_view_integrity_hints)
    return [{"kind": h.kind, "title": h.title, "detail": h.detail, "explanation": h.explanation, "score": h.score}
            for h in integrity.hints_for(request.auth, submission)]
