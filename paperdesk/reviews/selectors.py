"""Reads of the reviews app, built for one viewer: what is absent here cannot leak.

Reviewers appear under their per-paper alias to everyone but the unconflicted chairs; the
checker's report reaches reviewers without anything that names the authors; answers the
form keeps from authors, and comments to the chairs, are left out of the objects built for
those who may not read them.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from paperdesk import clock, policy
from paperdesk.committee.models import Assignment
from paperdesk.submissions.models import CheckRun, Submission, Upload
from paperdesk.venues.markup import markdown_to_html
from paperdesk.venues.models import Venue, VenueRole

from .models import DiscussionPost, MetaReview, Review
from .version_notices import in_force_since

# --- reviews as one viewer sees them ----------------------------------------------------


@dataclass
class Answer:
    key: str
    label: str
    value: str  # the text, or the chosen option's name
    is_text: bool


@dataclass
class ReviewCard:
    public_id: str
    label: str  # "Reviewer 2", or "Reviewer 2 (Name)" for the chairs
    alias_number: int
    state: str
    late: bool
    submitted_at: object
    overall: int | None
    overall_label: str
    confidence: int | None
    confidence_label: str
    answers: list[Answer]
    comments_to_chairs: str | None  # None: not for this viewer
    is_mine: bool = False


def review_card(viewer, review: Review, venue: Venue, *, for_author: bool = False) -> ReviewCard:
    assignment = review.assignment
    submission = assignment.submission
    spec = venue.spec.review_form
    hidden_ok = not for_author and policy.can_view_hidden_from_authors(viewer, submission)
    answers = []
    for question in spec.questions:
        if not question.authors_see and not hidden_ok and review.assignment.user_id != getattr(viewer, "pk", None):
            continue
        raw = (review.answers or {}).get(question.key) or ""
        if question.kind == "choice":
            raw = next((o.name for o in question.options if o.slug == raw), raw)
        answers.append(Answer(question.key, question.label, raw, question.kind == "text"))
    mine = getattr(viewer, "pk", None) == assignment.user_id
    comments = review.comments_to_chairs if (mine or (not for_author and policy.can_view_chair_only_answers(viewer, submission))) else None
    return ReviewCard(
        public_id=review.public_id,
        label="Your review" if mine else (assignment.alias if for_author else policy.reviewer_label(viewer, assignment)),
        alias_number=assignment.alias_number,
        state=review.state,
        late=review.late,
        submitted_at=review.submitted_at,
        overall=review.overall,
        overall_label=spec.overall.label_of(review.overall),
        confidence=review.confidence,
        confidence_label=spec.confidence.label_of(review.confidence),
        answers=answers,
        comments_to_chairs=comments,
        is_mine=mine,
    )


def visible_reviews(viewer, submission: Submission, *, for_author: bool = False) -> list[ReviewCard]:
    """The submitted reviews of a paper this viewer may read (not their own draft): each
    passes `policy.can_view_review`, the one rule for a review."""
    viewer = policy.as_viewer(viewer)
    if not policy.can_view_reviews(viewer, submission):
        return []
    live = policy.without_conflicts(Assignment.objects.filter(submission=submission, published=True))
    reviews = (
        Review.objects.filter(assignment__in=live, state=Review.State.SUBMITTED)
        .select_related("assignment__user")
        .order_by("assignment__alias_number")
    )
    cards = []
    for review in reviews:
        review.assignment.submission = submission  # one object: its decision is read once
        review.assignment._voided = False  # `live` left out the assignments a conflict voids
        if policy.can_view_review(viewer, review):
            cards.append(review_card(viewer, review, submission.venue, for_author=for_author))
    return cards


# --- the checker's report, without identities ---------------------------------------------


@dataclass
class ReviewerCheck:
    state: str  # none | pending | failed | done
    main_content_end: int | None = None
    page_limit: int | None = None
    total_pages: int | None = None
    references_start: int | None = None
    appendix_start: int | None = None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (severity, sentence)
    limitations_section: bool | None = None


def _identities(submission: Submission):
    """A test for any author name, e-mail or affiliation a sentence might carry."""
    words = set()
    for author in submission.authorships.select_related("user"):
        words |= {author.name, author.email, author.affiliation}
        if author.user_id:
            words |= {author.user.full_name, author.user.email, author.user.github, author.user.huggingface}
            words |= set(author.user.other_names or [])
    words = sorted((w for w in words if w and len(w) >= 3), key=len, reverse=True)
    if not words:
        return lambda text: False
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)
    return lambda text: bool(pattern.search(text or ""))


def reviewer_check(viewer, submission: Submission) -> ReviewerCheck:
    """The latest paper PDF's check as reviewers see it: pages, page limit, signals and the
    format notes. Nothing about anonymity: not what leaked, not how many leaks, not even
    that the checker looked (a reviewer told "1 leak flagged" knows the paper has one). A
    note that names an author is left out rather than redacted, for the same reason."""
    if not policy.can_view_format_check(viewer, submission):
        return ReviewerCheck(state="none")
    upload = submission.paper_in_force()  # never a newer upload still checked, or refused
    if upload is None:
        return ReviewerCheck(state="none")
    run = CheckRun.objects.filter(upload=upload).first()
    if run is None or run.state in (CheckRun.State.QUEUED, CheckRun.State.RUNNING):
        return ReviewerCheck(state="pending")
    if run.state != CheckRun.State.DONE:
        return ReviewerCheck(state="failed")
    report = run.check_report
    names_someone = _identities(submission)
    pages = report.pages
    view = ReviewerCheck(
        state="done",
        main_content_end=pages.main_content_end,
        page_limit=pages.limit,
        total_pages=pages.total,
        references_start=pages.references_start,
        appendix_start=pages.appendix_start,
        limitations_section=report.signals.limitations_section,
    )
    for finding in report.findings:
        code, message = finding.code, finding.message
        if code.startswith("leak") or "anonym" in code or "identit" in code or names_someone(message):
            continue  # the sentence is about, or names, what leaked
        severity = finding.severity if finding.severity in ("error", "warning", "info") else "info"
        view.notes.append((str(severity), message))
    return view


# --- discussion -------------------------------------------------------------------------------


def _people_labels(viewer, submission: Submission) -> dict[int, str]:
    """user id -> how this viewer sees that person in the paper's discussion."""
    labels: dict[int, str] = {}
    show_names = policy.can_view_reviewer_identities(viewer, submission)
    for user_id, name in VenueRole.objects.filter(venue=submission.venue, role=VenueRole.Role.CHAIR).values_list("user_id", "user__full_name"):
        labels[user_id] = f"Program chair ({name})" if show_names else "Program chair"
    assignments = Assignment.objects.filter(submission=submission, published=True).select_related("user").order_by("kind", "alias_number")
    for assignment in assignments:
        labels[assignment.user_id] = f"{assignment.alias} ({assignment.user.display_name})" if show_names else assignment.alias
    return labels


@dataclass
class PostView:
    public_id: str
    label: str
    html: str
    created_at: object
    is_mine: bool


def discussion_for(viewer, submission: Submission) -> list[PostView]:
    if not policy.can_view_discussion(viewer, submission):
        return []
    labels = _people_labels(viewer, submission)
    posts = DiscussionPost.objects.filter(submission=submission).order_by("created_at", "id")
    return [
        PostView(p.public_id, "You" if p.author_id == viewer.pk else labels.get(p.author_id, "A program chair"),
                 markdown_to_html(p.body), p.created_at, p.author_id == viewer.pk)
        for p in posts
    ]


def poster_label_for(recipient, post: DiscussionPost) -> str:
    return _people_labels(recipient, post.submission).get(post.author_id, "A program chair")


# --- the review page of one paper -----------------------------------------------------------


@dataclass
class MetaReviewView:
    recommendation: str
    recommendation_name: str
    text: str
    submitted: bool
    author_label: str


def meta_review_for(viewer, submission: Submission, *, for_author: bool = False) -> MetaReviewView | None:
    meta = MetaReview.objects.filter(submission=submission).first()
    if not policy.can_view_meta_review(viewer, submission, meta):
        return None
    outcome = policy.outcome_of(submission.venue, meta.recommendation)
    author = "Area chair"
    if not for_author and policy.can_view_reviewer_identities(viewer, submission):
        author = f"Meta-review by {meta.author.display_name}"
    return MetaReviewView(meta.recommendation, outcome.name if outcome else meta.recommendation, meta.text, meta.submitted, author)


@dataclass
class ReviewPage:
    submission: Submission
    venue: Venue
    secondary_topics: list
    guidance: str
    intro_html: str
    check: ReviewerCheck
    has_pdf: bool
    deadline: object
    deadline_passed: bool
    assignment: Assignment | None
    my_review: Review | None
    my_card: ReviewCard | None
    can_write: policy.Decision
    reviews: list[ReviewCard]
    reviews_hidden_reason: str
    meta_review: MetaReviewView | None
    can_write_meta: policy.Decision
    discussion: list[PostView]
    can_view_discussion: bool
    can_post: policy.Decision
    is_chair: bool
    is_area_chair: bool
    status: list[tuple[str, str]]  # chairs and area chair: (alias, state) of every reviewer
    chase: list[ChaseRow] = field(default_factory=list)  # chairs and area chair: each reviewer's deadline
    can_chase: bool = False
    own_deadline: str = ""  # the reviewer's own deadline (extended, or an emergency reviewer's), as people read it
    can_give_back: bool = False
    # The reviewer's own: when the version in force became so, if that is after their last
    # save of their review (or their assignment, before any review): they may have read the old PDF.
    new_version_since: dt.datetime | None = None


@dataclass
class ChaseRow:
    assignment_id: int
    label: str
    state: str
    deadline_text: str
    own_deadline: bool
    emergency: bool
    owing: bool


def review_page(viewer, submission: Submission, now=None) -> ReviewPage:
    now = now or clock.now()
    venue = submission.venue
    assignment = policy.published_assignment(viewer, submission) if policy.is_assigned_reviewer(viewer, submission) else None
    my_review = Review.objects.filter(assignment=assignment).first() if assignment else None
    can_read = policy.can_view_reviews(viewer, submission)
    reviews = [card for card in visible_reviews(viewer, submission) if not card.is_mine]
    hidden = ""
    if assignment and not can_read:
        hidden = "The other reviews appear here once you have submitted yours."
    is_chair = policy.is_unconflicted_chair(viewer, submission)
    is_ac = policy.is_area_chair_of(viewer, submission)
    status = []
    chase = []
    if is_chair or is_ac:
        rows = policy.without_conflicts(Assignment.objects.filter(submission=submission, kind=Assignment.Kind.REVIEWER, published=True)).select_related("user", "review").order_by("alias_number")
        for row in rows:
            review = getattr(row, "review", None)
            state = "not started" if review is None else ("submitted" + (" (late)" if review.late else "") if review.state == Review.State.SUBMITTED else "draft")
            status.append((policy.reviewer_label(viewer, row), state))
            row.submission = submission
            chase.append(ChaseRow(row.pk, policy.reviewer_label(viewer, row), state, venue.moment_text(policy.review_deadline_of(row)),
                                  row.deadline is not None, row.emergency, review is None or review.state != Review.State.SUBMITTED))
    if assignment is not None:
        assignment.submission = submission
    deadline = policy.review_deadline_of(assignment) if assignment is not None else venue.review_deadline
    return ReviewPage(
        submission=submission,
        venue=venue,
        secondary_topics=list(submission.secondary_topics.all()),
        guidance=submission.track.review_guidance,
        intro_html=markdown_to_html(venue.spec.review_form.intro),
        check=reviewer_check(viewer, submission),
        has_pdf=submission.uploads.filter(kind=Upload.Kind.PAPER).exists(),
        deadline=deadline,
        deadline_passed=now > deadline,
        assignment=assignment,
        my_review=my_review,
        my_card=review_card(viewer, my_review, venue) if my_review is not None else None,
        can_write=policy.can_write_review(viewer, submission, now) if assignment else policy.Decision(False, ""),
        reviews=reviews,
        reviews_hidden_reason=hidden,
        meta_review=meta_review_for(viewer, submission),
        can_write_meta=policy.can_write_meta_review(viewer, submission),
        discussion=discussion_for(viewer, submission),
        can_view_discussion=policy.can_view_discussion(viewer, submission),
        can_post=policy.can_post_discussion(viewer, submission),
        is_chair=is_chair,
        is_area_chair=is_ac,
        status=status,
        chase=chase,
        can_chase=bool(policy.can_chase_reviews(viewer, submission)) and not reviews_are_closed(submission),
        own_deadline=venue.moment_text(assignment.deadline) if assignment is not None and assignment.deadline is not None else "",
        can_give_back=assignment is not None and bool(policy.can_give_back_paper(viewer, submission)),
        new_version_since=_new_version_since(submission, assignment, my_review),
    )


def _new_version_since(submission: Submission, assignment: Assignment | None, review: Review | None) -> dt.datetime | None:
    """When the PDF in force became so, if that is newer than what this reviewer last did on
    the paper (saved their review, else was assigned); None otherwise."""
    if assignment is None:
        return None
    since = in_force_since(submission)
    baseline = review.updated_at if review is not None else assignment.created_at
    return since if since is not None and since > baseline else None


def reviews_are_closed(submission: Submission) -> bool:
    return submission.status != Submission.Status.SUBMITTED or policy.reviews_released(submission)


# --- dashboards --------------------------------------------------------------------------


@dataclass
class AssignmentRow:
    assignment: Assignment
    submission: Submission
    review: Review | None

    @property
    def own_deadline(self) -> str:
        """This reviewer's own deadline for the paper (extended, or an emergency reviewer's) as
        people read it (AoE), or "" when the venue's applies."""
        if self.assignment.deadline is None:
            return ""
        return self.submission.venue.moment_text(self.assignment.deadline)

    @property
    def state(self) -> str:
        if self.review is None:
            return "not started"
        if self.review.state == Review.State.SUBMITTED:
            return "submitted late" if self.review.late else "submitted"
        return "draft"


@dataclass
class VenueReviews:
    venue: Venue
    rows: list[AssignmentRow]
    deadline_passed: bool

    @property
    def done(self) -> int:
        return sum(1 for r in self.rows if r.review is not None and r.review.state == Review.State.SUBMITTED)


def reviewer_dashboard(viewer, now=None, venue: Venue | None = None) -> list[VenueReviews]:
    """The reviewer's papers per venue (only `venue`'s when given), with their review state."""
    now = now or clock.now()
    assignments = (
        policy.my_assignments(viewer, venue)
        .select_related("submission__venue", "submission__track", "submission__primary_topic")
        .prefetch_related("submission__secondary_topics")
        .order_by("submission__venue_id", "submission__number")
    )
    reviews = {r.assignment_id: r for r in Review.objects.filter(assignment__in=[a.pk for a in assignments])}
    by_venue: dict[int, VenueReviews] = {}
    for a in assignments:
        venue = a.submission.venue
        group = by_venue.setdefault(venue.pk, VenueReviews(venue, [], policy.review_deadline_passed(venue, now)))
        group.rows.append(AssignmentRow(a, a.submission, reviews.get(a.pk)))
    return list(by_venue.values())


@dataclass
class AreaChairRow:
    submission: Submission
    alias: str
    reviewers: int
    submitted: int
    late: int
    scores: list[int]
    meta_state: str  # none | draft | submitted
    recommendation: str


def area_chair_batch(viewer, venue: Venue) -> list[AreaChairRow]:
    """The area chair's papers with review progress (a bounded number of queries)."""
    mine = list(policy.my_assignments(viewer, venue, kind=Assignment.Kind.AREA_CHAIR).select_related("submission").order_by("submission__number"))
    ids = [a.submission_id for a in mine]
    reviewer_rows = policy.without_conflicts(Assignment.objects.filter(submission_id__in=ids, kind=Assignment.Kind.REVIEWER, published=True)).select_related("review")
    metas = {m.submission_id: m for m in MetaReview.objects.filter(submission_id__in=ids)}
    progress: dict[int, list] = {i: [] for i in ids}
    for row in reviewer_rows:
        progress[row.submission_id].append(getattr(row, "review", None))
    result = []
    for a in mine:
        reviews = progress[a.submission_id]
        done = [r for r in reviews if r is not None and r.state == Review.State.SUBMITTED]
        meta = metas.get(a.submission_id)
        outcome = policy.outcome_of(venue, meta.recommendation) if meta else None
        result.append(AreaChairRow(
            submission=a.submission, alias=a.alias, reviewers=len(reviews), submitted=len(done),
            late=sum(1 for r in done if r.late), scores=sorted(r.overall for r in done if r.overall is not None),
            meta_state="none" if meta is None else ("submitted" if meta.submitted else "draft"),
            recommendation=outcome.name if outcome else "",
        ))
    return result
