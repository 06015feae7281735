"""What the reviewing API reads and writes: assignments, reviews, bids, decisions.

Inputs are bounded as in `schemas` (a 422 before any service is reached); what each
question, score or outcome must be is the services' rule, with the pages' messages.
Outputs are filled per viewer by `reviewing_views`; a field documented as "present only
for ..." is absent from the JSON for everyone else.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field, StrictInt, StringConstraints

from paperdesk.ids import ALPHABET

from .schemas import InputSchema, MomentOut, PageParams, SearchText, Slug, text

# --- input --------------------------------------------------------------------------------

# Long enough for any question a venue configures; each question's own limit (and the
# message a person reads) is the service's rule.
AnswerText = text(100_000)
AnswerKey = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,39}$")]  # as the venue file's question keys
PublicId = Annotated[str, StringConstraints(pattern=f"^[{ALPHABET}]{{1,16}}$")]
ReviewStateName = Literal["not_started", "draft", "submitted", "late"]
BidValue = Literal["eager", "willing", "in_a_pinch", "not_willing"]
BidShown = Literal["unbid", "eager", "willing", "in_a_pinch", "not_willing"]


class ReviewIn(InputSchema):
    """Only the fields sent change; within `answers`, only the questions sent. An empty
    string clears an answer, null clears a score."""

    answers: Annotated[dict[AnswerKey, AnswerText], Field(max_length=200)] = Field(
        None, description="Question key → answer: free text, or the option's slug for a choice question (GET /api/venues/{slug}/review-form).",
    )
    overall: StrictInt | None = Field(None, description="A value of the form's overall scale.")
    confidence: StrictInt | None = Field(None, description="A value of the form's confidence scale.")
    comments_to_chairs: text(20_000) = Field(None, description="Never shown to the authors or the other reviewers.")


class BidIn(InputSchema):
    value: BidValue


class BiddingParams(Schema):
    q: SearchText | None = Field(None, description="Words in the title or abstract.")
    topic: Slug | None = None
    shown: BidShown | None = Field(None, description="Only papers without a bid, or with this bid.")
    page: int = Field(1, ge=1, le=100_000)


class DecisionParams(PageParams):
    track: Slug | None = None
    decision: Slug | None = Field(None, description="An outcome slug, or `none` for papers without a decision.")
    recommendation: Slug | None = Field(None, description="The meta-review's recommended outcome.")
    agreement: Literal["agree", "mixed", "split"] | None = None
    q: SearchText | None = Field(None, description="Words in the title, or a paper number.")
    sort: Literal[
        "number", "title", "track", "mean", "spread", "confidence", "reviews", "recommendation", "decision",
        "-number", "-title", "-track", "-mean", "-spread", "-confidence", "-reviews", "-recommendation", "-decision",
    ] = Field("mean", description="A column; a leading '-' reverses it.")


class DecisionsIn(InputSchema):
    papers: Annotated[list[PublicId], Field(min_length=1, max_length=1000)] = Field(description="Public ids of the venue's papers.")
    outcome: Annotated[str, StringConstraints(pattern=r"^(|[a-z0-9][a-z0-9-]{0,63})$")] = Field(
        description="An outcome slug of the venue (GET /api/venues/{slug}); an empty string clears the decision.",
    )


# --- output -------------------------------------------------------------------------------


class LevelOut(Schema):
    value: int
    label: str


class ScaleOut(Schema):
    label: str
    help: str
    levels: list[LevelOut]


class OptionOut(Schema):
    slug: str
    name: str


class QuestionOut(Schema):
    key: str
    label: str
    help: str
    kind: Literal["text", "choice"]
    required: bool
    max_chars: int
    authors_see: bool
    options: list[OptionOut]


class ReviewFormOut(Schema):
    intro: str = Field(description="Markdown")
    questions: list[QuestionOut]
    overall: ScaleOut
    confidence: ScaleOut
    comments_to_chairs: str = Field(description="The label of the comments to the chairs.")


class PermissionOut(Schema):
    allowed: bool
    reason: str


class AssignmentOut(Schema):
    public_id: str
    alias: str = Field(description="How you appear to the others on this paper, e.g. 'Reviewer 2'.")
    number: int
    title: str
    abstract: str
    track: str
    topics: list[str] = Field(description="The primary topic first.")
    review_state: ReviewStateName = Field(description="`late`: submitted after the review deadline.")


class AssignmentListOut(Schema):
    venue: str
    review_deadline: MomentOut
    deadline_passed: bool
    submitted: int
    items: list[AssignmentOut]


class MyReviewOut(Schema):
    paper: str
    alias: str
    state: Literal["not_started", "draft", "submitted"]
    late: bool
    submitted_at: dt.datetime | None
    updated_at: dt.datetime | None
    answers: dict[str, str] = Field(description="Question key → answer (a choice question: the option's slug).")
    overall: int | None
    confidence: int | None
    comments_to_chairs: str
    review_deadline: MomentOut
    deadline_passed: bool
    can_write: PermissionOut = Field(description="Whether you may save or submit now, with the reason when not.")


class AnswerOut(Schema):
    key: str
    label: str
    answer: str = Field(description="The text, or the chosen option's name.")


class ReviewerOut(Schema):
    name: str
    email: str


class ReviewOut(Schema):
    public_id: str
    alias: str
    label: str = Field(description="As the review page shows it: the alias, with the name for the chairs.")
    reviewer: ReviewerOut = Field(None, description="Present only for the program chairs without a conflict.")
    state: str
    late: bool
    submitted_at: dt.datetime | None
    overall: int | None
    overall_label: str
    confidence: int | None
    confidence_label: str
    answers: list[AnswerOut]
    comments_to_chairs: str = Field(None, description="Present only for the chairs and the paper's area chair.")


class MetaReviewOut(Schema):
    recommendation: str
    recommendation_name: str
    text: str
    submitted: bool
    label: str = Field(description="'Area chair', or who wrote it for the program chairs.")


class PaperReviewsOut(Schema):
    paper: str
    title: str
    reviews: list[ReviewOut] = Field(description="The submitted reviews you may read, other than your own.")
    hidden_reason: str = Field(description="Why the other reviews are not shown yet; empty when they are.")
    meta_review: MetaReviewOut | None


class AuthorReviewOut(Schema):
    """A review as the authors read it: alias only, answers meant for authors only."""

    alias: str
    overall: int | None
    overall_label: str
    confidence: int | None
    confidence_label: str
    answers: list[AnswerOut]


class AuthorMetaReviewOut(Schema):
    recommendation: str
    recommendation_name: str
    text: str


class AuthorDecisionOut(Schema):
    outcome: str
    outcome_name: str
    accepted: bool
    released_at: dt.datetime


class ResultsOut(Schema):
    paper: str
    title: str
    released: bool
    message: str = Field(description="What the authors are told; before release, that the decision is not out yet.")
    decision: AuthorDecisionOut = Field(None, description="Present once the decision is released.")
    reviews: list[AuthorReviewOut]
    meta_review: AuthorMetaReviewOut | None


class BidPaperOut(Schema):
    public_id: str
    title: str
    abstract: str
    track: str
    topics: list[str]
    affinity: float = Field(description="How well the paper matches your expertise, 0 to 1.")
    bid: BidValue | Literal[""] = Field(description="Your bid; empty when none.")


class BiddingOut(Schema):
    count: int
    page: int
    pages: int
    counts: dict[str, int] = Field(description="Your bids by value, and `unbid`.")
    items: list[BidPaperOut]


class BidOut(Schema):
    paper: str
    title: str
    value: BidValue


class DecisionCellOut(Schema):
    outcome: str
    released: bool


class DecisionRowOut(Schema):
    public_id: str
    number: int
    title: str
    track: str
    conflict: bool = Field(description="You have a conflict with this paper: nothing of its reviewing is shown, another chair decides it.")
    assigned: int = Field(None)
    reviews: int = Field(None, description="Submitted reviews.")
    scores: list[int] = Field(None)
    mean: float | None = Field(None)
    low: int | None = Field(None)
    high: int | None = Field(None)
    spread: int | None = Field(None)
    confidence: float | None = Field(None)
    agreement: str = Field(None, description="agree | mixed | split, by the spread of the scores; empty below two reviews.")
    recommendation: str = Field(None, description="The meta-review's recommended outcome.")
    decision: DecisionCellOut | None = Field(None)
    check: list[str] = Field(None, description="The checker's flags on the latest PDF.")


class OutcomeCountOut(Schema):
    outcome: str
    name: str
    count: int


class DecisionTableOut(Schema):
    count: int
    limit: int
    offset: int
    counts: list[OutcomeCountOut] = Field(description="Papers per decision (papers you are conflicted with left out).")
    items: list[DecisionRowOut]


class BulkDecisionOut(Schema):
    changed: list[int] = Field(description="Numbers of the papers whose decision was set.")
    refused: list[str] = Field(description="One sentence per paper that was not changed, saying why.")


# --- discussion and meta-reviews ------------------------------------------------------------

# Room above the services' limits, so that an oversized post or meta-review reaches the
# service and gets the page's message (and status), not a bare 422.
PostText = text(100_000)
MetaReviewText = text(100_000)
OutcomeSlug = Annotated[str, StringConstraints(pattern=r"^(|[a-z0-9][a-z0-9-]{0,63})$")]


class DiscussionPostIn(InputSchema):
    body: PostText = Field(description="Markdown (no raw HTML: it is removed when shown). At most `max_chars` characters.")


class MetaReviewIn(InputSchema):
    """Only the fields sent change; a first save needs a recommendation."""

    recommendation: OutcomeSlug = Field(None, description="An outcome slug of the venue (`outcomes` of GET .../meta-review).")
    text: MetaReviewText = Field(None, description="The meta-review the authors read after the release, without reviewer identities.")


class PostOut(Schema):
    public_id: str
    label: str = Field(description="'You', 'Reviewer 2', 'Area chair 1', 'Program chair'; with the name only for the program chairs.")
    html: str = Field(description="The post's Markdown rendered and sanitised (no scripts, event handlers or images).")
    markdown: str = Field(description="The post as written: raw text, to be escaped before it is put in a page.")
    created_at: dt.datetime
    mine: bool


class DiscussionOut(Schema):
    paper: str
    title: str
    open: bool = Field(description="Whether you may read the discussion now (a reviewer: once they may read the other reviews).")
    hidden_reason: str = Field(description="Why the discussion is not shown yet; empty when it is.")
    can_post: PermissionOut
    max_chars: int
    posts: list[PostOut] = Field(description="Oldest first.")


class MetaReviewFormOut(Schema):
    paper: str
    title: str
    state: Literal["none", "draft", "submitted"]
    recommendation: str
    recommendation_name: str
    text: str
    label: str = Field(description="'Area chair', or who wrote it for the program chairs; empty before a first save.")
    outcomes: list[OptionOut] = Field(description="The recommendations to choose from: the venue's outcomes.")
    max_chars: int
    can_write: PermissionOut = Field(description="Whether you may save or submit now, with the reason when not.")
