"""The reviewing API's answers, built for one viewer.

They reshape the reviews, reviewing and decisions selectors' view objects, which already
hold only what the viewer may see (aliases instead of reviewers, no authors for
reviewers, no comments to the chairs for authors). A key a viewer may not see is left out
(the routes render with `exclude_unset=True`), so it is absent from the JSON, not null.
"""

from __future__ import annotations

from paperdesk import clock, policy
from paperdesk.committee.models import Assignment, Bid
from paperdesk.committee.selectors import BiddingPage, BidPaper
from paperdesk.decisions.selectors import AuthorResults, TableRow
from paperdesk.reviews.forms import DISCUSSION_MAX_CHARS, META_REVIEW_MAX_CHARS
from paperdesk.reviews.models import Review
from paperdesk.reviews.selectors import AssignmentRow, MetaReviewView, PostView, ReviewCard
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue

from .schemas import moment


def review_form_view(venue: Venue) -> dict:
    spec = venue.spec.review_form

    def scale(s):
        return {"label": s.label, "help": s.help, "levels": [{"value": level.value, "label": level.label} for level in s.levels]}

    return {
        "intro": spec.intro,
        "questions": [
            {"key": q.key, "label": q.label, "help": q.help, "kind": q.kind, "required": q.required, "max_chars": q.max_chars,
             "authors_see": q.authors_see, "options": [{"slug": o.slug, "name": o.name} for o in q.options]}
            for q in spec.questions
        ],
        "overall": scale(spec.overall),
        "confidence": scale(spec.confidence),
        "comments_to_chairs": spec.comments_to_chairs,
    }


_STATES = {"not started": "not_started", "draft": "draft", "submitted": "submitted", "submitted late": "late"}


def assignment_view(row: AssignmentRow) -> dict:
    s = row.submission
    return {
        "public_id": s.public_id,
        "alias": row.assignment.alias,
        "number": s.number,
        "title": s.title,
        "abstract": s.abstract,
        "track": s.track.name,
        "topics": [s.primary_topic.name, *(t.name for t in s.secondary_topics.all())],
        "review_state": _STATES[row.state],
    }


def my_review_view(viewer, submission: Submission, assignment: Assignment, review: Review | None) -> dict:
    venue = submission.venue
    decision = policy.can_write_review(viewer, submission)
    return {
        "paper": submission.public_id,
        "alias": assignment.alias,
        "state": review.state if review is not None else "not_started",
        "late": bool(review and review.late),
        "submitted_at": review.submitted_at if review else None,
        "updated_at": review.updated_at if review else None,
        "answers": {str(k): str(v) for k, v in ((review.answers if review else None) or {}).items()},
        "overall": review.overall if review else None,
        "confidence": review.confidence if review else None,
        "comments_to_chairs": review.comments_to_chairs if review else "",
        "review_deadline": moment(venue, venue.review_deadline),
        "deadline_passed": policy.review_deadline_passed(venue, clock.now()),
        "can_write": {"allowed": decision.allowed, "reason": decision.reason},
    }


def _answers(card: ReviewCard) -> list[dict]:
    return [{"key": a.key, "label": a.label, "answer": a.value} for a in card.answers]


def review_view(card: ReviewCard, identities: dict[int, object]) -> dict:
    """One review card for a reviewer, an area chair or a chair. `identities` maps alias
    numbers to reviewers, filled only for those who may see reviewer identities."""
    view = {
        "public_id": card.public_id,
        "alias": f"Reviewer {card.alias_number}",
        "label": card.label,
        "state": card.state,
        "late": card.late,
        "submitted_at": card.submitted_at,
        "overall": card.overall,
        "overall_label": card.overall_label,
        "confidence": card.confidence,
        "confidence_label": card.confidence_label,
        "answers": _answers(card),
    }
    person = identities.get(card.alias_number)
    if person is not None:
        view["reviewer"] = {"name": person.display_name, "email": person.email}
    if card.comments_to_chairs is not None:
        view["comments_to_chairs"] = card.comments_to_chairs
    return view


def meta_review_view(meta: MetaReviewView | None) -> dict | None:
    if meta is None:
        return None
    return {"recommendation": meta.recommendation, "recommendation_name": meta.recommendation_name, "text": meta.text,
            "submitted": meta.submitted, "label": meta.author_label}


def post_view(post: PostView, markdown: str) -> dict:
    """A discussion post as the selector built it for the viewer (label, sanitised HTML),
    with the Markdown its author wrote."""
    return {"public_id": post.public_id, "label": post.label, "html": post.html, "markdown": markdown,
            "created_at": post.created_at, "mine": post.is_mine}


DISCUSSION_HIDDEN = "The discussion among the reviewers opens for you once you have submitted your review."


def discussion_view(viewer, submission: Submission, posts: list[PostView], bodies: dict[str, str]) -> dict:
    """`posts` from `reviews.selectors.discussion_for` (empty for someone who may not read
    the thread), `bodies` the raw Markdown by post id."""
    shown = policy.can_view_discussion(viewer, submission)
    may_post = policy.can_post_discussion(viewer, submission)
    return {
        "paper": submission.public_id,
        "title": submission.title,
        "open": shown,
        "hidden_reason": "" if shown else DISCUSSION_HIDDEN,
        "can_post": {"allowed": may_post.allowed, "reason": may_post.reason if shown else DISCUSSION_HIDDEN},
        "max_chars": DISCUSSION_MAX_CHARS,
        "posts": [post_view(p, bodies.get(p.public_id, "")) for p in posts],
    }


def meta_review_form_view(viewer, submission: Submission, meta: MetaReviewView | None) -> dict:
    """The meta-review as its writers (area chair, chairs) see it on the page's form."""
    venue = submission.venue
    decision = policy.can_write_meta_review(viewer, submission)
    view = {
        "paper": submission.public_id,
        "title": submission.title,
        "state": "none",
        "recommendation": "",
        "recommendation_name": "",
        "text": "",
        "label": "",
        "outcomes": [{"slug": o.slug, "name": o.name} for o in venue.spec.outcomes],
        "max_chars": META_REVIEW_MAX_CHARS,
        "can_write": {"allowed": decision.allowed, "reason": decision.reason},
    }
    if meta is not None:
        view.update(state="submitted" if meta.submitted else "draft", recommendation=meta.recommendation,
                    recommendation_name=meta.recommendation_name, text=meta.text, label=meta.author_label)
    return view


NOT_RELEASED = "The decision on this paper has not been released yet. You will get an e-mail when it is."


def results_view(results: AuthorResults) -> dict:
    s = results.submission
    view = {"paper": s.public_id, "title": s.title, "released": results.released, "reviews": [], "meta_review": None}
    if not results.released:
        return {**view, "message": NOT_RELEASED}
    decision = results.decision
    view["message"] = f"Decision: {results.outcome_name}."
    view["decision"] = {"outcome": decision.outcome, "outcome_name": results.outcome_name, "accepted": results.accepted,
                        "released_at": decision.released_at}
    view["reviews"] = [
        {"alias": f"Reviewer {c.alias_number}", "overall": c.overall, "overall_label": c.overall_label, "confidence": c.confidence,
         "confidence_label": c.confidence_label, "answers": _answers(c)}
        for c in results.reviews
    ]
    meta = results.meta_review
    if meta is not None:
        view["meta_review"] = {"recommendation": meta.recommendation, "recommendation_name": meta.recommendation_name, "text": meta.text}
    return view


def bid_paper_view(paper: BidPaper) -> dict:
    return {"public_id": paper.public_id, "title": paper.title, "abstract": paper.abstract, "track": paper.track,
            "topics": list(paper.topics), "affinity": round(float(paper.score), 4), "bid": paper.bid}


def bidding_view(data: BiddingPage) -> dict:
    counts = {value: data.counts.get(value, 0) for value in Bid.Value.values}
    counts["unbid"] = data.counts.get("unbid", 0)
    return {"count": data.total, "page": data.page.number, "pages": data.page.paginator.num_pages, "counts": counts,
            "items": [bid_paper_view(p) for p in data.papers]}


def decision_row_view(row: TableRow) -> dict:
    s = row.submission
    view = {"public_id": s.public_id, "number": s.number, "title": s.title, "track": s.track.slug, "conflict": row.conflict}
    if row.conflict:  # as on the decision table: the paper, nothing of its reviewing
        return view
    view.update({
        "assigned": row.assigned, "reviews": len(row.scores), "scores": list(row.scores), "mean": row.mean, "low": row.low,
        "high": row.high, "spread": row.spread, "confidence": row.confidence, "agreement": row.agreement,
        "recommendation": row.recommendation, "check": list(row.check.flags),
        "decision": {"outcome": row.decision.outcome, "released": bool(row.decision.released_at)} if row.decision else None,
    })
    return view
