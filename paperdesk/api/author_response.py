"""The author response (rebuttal) over the API (issue 11 item 1), as on the pages: the
paper's authors read the phase, the reviews they respond to and their response, and save it
(`reviews.author_response.save_response`: window, length limit, audit, e-mail); the chairs,
the area chair and the reviewers read it under "Authors" when the venue lets them. Everyone
else gets the 404 of a missing paper."""

from __future__ import annotations

import datetime as dt

from django.http import Http404
from ninja import Router, Schema
from pydantic import Field

from paperdesk import policy
from paperdesk.reviews import author_response

from .reviews import review_paper_or_404
from .schemas import ErrorOut, InputSchema

router = Router(tags=["reviews"])


class ResponseIn(InputSchema):
    text: str = Field(max_length=100000, description="The response; the venue's limit is in characters or words")


class ResponseReviewOut(Schema):
    label: str
    overall: int | None
    answers: dict[str, str]


class AuthorResponseOut(Schema):
    opens: dt.datetime
    closes: dt.datetime
    max_length: int
    unit: str
    can_write: bool
    reason: str = Field("", description="Why you cannot write it now, if you cannot")
    text: str | None
    updated_at: dt.datetime | None
    reviews: list[ResponseReviewOut] = Field(description="The reviews you respond to (authors, once the response opens)")


class ResponseReadOut(Schema):
    author: str = Field("Authors", description="Always 'Authors': never names")
    text: str | None
    updated_at: dt.datetime | None


def _own_paper(user, public_id: str):
    submission = policy.get_submission_for(user, public_id)
    if not (policy.is_author(user, submission) and policy.author_response_window(submission.venue)):
        raise Http404("No such paper")
    return submission


def _page_out(user, submission) -> dict:
    page = author_response.response_page(user, submission)
    if page.window is None:
        raise Http404("No such paper")
    opens, closes = page.window
    return {
        "opens": opens, "closes": closes, "max_length": page.rules.max_length, "unit": page.rules.unit,
        "can_write": bool(page.can_write), "reason": "" if page.can_write else page.can_write.reason,
        "text": page.response.text if page.response else None, "updated_at": page.response.updated_at if page.response else None,
        "reviews": [{"label": c.label, "overall": c.overall, "answers": {a.label: a.value for a in c.answers if a.value}} for c in page.reviews],
    }


@router.get("/submissions/{public_id}/response", response={200: AuthorResponseOut, 404: ErrorOut},
            summary="Your paper's author response phase, reviews and response (authors)")
def my_response(request, public_id: str):
    submission = _own_paper(request.auth, public_id)
    return _page_out(request.auth, submission)


@router.put("/submissions/{public_id}/response", response={200: AuthorResponseOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
            summary="Write or edit your paper's author response (authors, while it is open)")
def save_response(request, public_id: str, payload: ResponseIn):
    submission = _own_paper(request.auth, public_id)
    author_response.save_response(submission=submission, actor=request.auth, text=payload.text)
    return _page_out(request.auth, submission)


@router.get("/papers/{public_id}/author-response", response={200: ResponseReadOut, 404: ErrorOut},
            summary="The authors' response to a paper's reviews (chairs; area chair and reviewers when the venue lets them)")
def read_response(request, public_id: str):
    submission = review_paper_or_404(request.auth, public_id)
    if not policy.can_view_author_response(request.auth, submission):
        raise Http404("No such paper")
    view = author_response.response_for(request.auth, submission)
    return {"author": "Authors", "text": view.text if view else None, "updated_at": view.updated_at if view else None}
