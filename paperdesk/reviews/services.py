"""Writes of the reviews app: reviews, discussion posts, meta-reviews. Each is one
transaction with an audit entry; e-mails go out after the commit, from a background job."""

from __future__ import annotations

from django.db import transaction

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require

from . import history
from .forms import COMMENTS_MAX_CHARS, DISCUSSION_MAX_CHARS, META_REVIEW_MAX_CHARS
from .models import DiscussionPost, MetaReview, Review

__all__ = ["ServiceError", "discussion_post_create", "meta_review_save", "review_save"]


def _clean_review(spec, answers: dict, overall, confidence, comments: str) -> tuple[dict, int | None, int | None, str]:
    cleaned: dict[str, str] = {}
    for question in spec.questions:
        value = str(answers.get(question.key) or "").strip()
        if question.kind == "choice":
            if value and value not in {o.slug for o in question.options}:
                raise ServiceError(f"“{value}” is not one of the answers to “{question.label}”.", 400, question.key)
        elif len(value) > question.max_chars:
            raise ServiceError(f"“{question.label}” is {len(value):,} characters long; the limit is {question.max_chars:,}.", 400, question.key)
        cleaned[question.key] = value
    for name, scale, value in (("overall", spec.overall, overall), ("confidence", spec.confidence, confidence)):
        if value is not None and value not in scale.values:
            raise ServiceError(f"{scale.label} must be one of {', '.join(map(str, scale.values))}.", 400, name)
    comments = (comments or "").strip()
    if len(comments) > COMMENTS_MAX_CHARS:
        raise ServiceError(f"The comments to the chairs are {len(comments):,} characters long; the limit is {COMMENTS_MAX_CHARS:,}.", 400, "comments_to_chairs")
    return cleaned, overall, confidence, comments


def missing_answers(spec, answers: dict, overall, confidence) -> list[str]:
    missing = [q.label for q in spec.questions if q.required and not answers.get(q.key)]
    if overall is None:
        missing.append(spec.overall.label)
    if confidence is None:
        missing.append(spec.confidence.label)
    return missing


def review_save(*, submission: Submission, actor, answers: dict, overall=None, confidence=None, comments_to_chairs: str = "",
                submit: bool = False, now=None) -> Review:
    """Save a draft, submit it, or change a submitted review (which stays submitted and
    complete). Allowed until the review deadline; after it, a review not yet submitted may
    still be submitted and is marked late, while a submitted one is final."""
    now = now or clock.now()
    venue = submission.venue
    require(policy.can_write_review(actor, submission, now))
    spec = venue.spec.review_form
    cleaned, overall, confidence, comments = _clean_review(spec, answers, overall, confidence, comments_to_chairs)
    with transaction.atomic():
        assignment = policy.published_assignment(actor, submission)
        if assignment is None:  # removed (or given back) since the check above
            raise ServiceError("You are not a reviewer of this paper.", 403)
        review, _ = Review.objects.select_for_update().get_or_create(assignment=assignment)
        was_submitted = review.state == Review.State.SUBMITTED
        before = history.review_snapshot(review)
        if submit or was_submitted:
            missing = missing_answers(spec, cleaned, overall, confidence)
            if missing:
                verb = "submit" if not was_submitted else "keep it submitted"
                raise ServiceError(f"To {verb}, answer: {'; '.join(missing)}.", 400, "missing")
        review.answers, review.overall, review.confidence, review.comments_to_chairs = cleaned, overall, confidence, comments
        if submit and not was_submitted:
            review.state = Review.State.SUBMITTED
            review.submitted_at = now
            review.late = policy.assignment_deadline_passed(assignment, now)
        review.save()
        reason = history.review_save_reason(submitted_now=submit and not was_submitted, was_submitted=was_submitted,
                                            before=before, after=history.review_snapshot(review))
        version = history.record_review_version(review, actor=actor, reason=reason, now=now)
        action = "review.submit" if submit and not was_submitted else ("review.update" if was_submitted else "review.draft")
        record(action, review, actor=actor, venue=venue, submission=submission.public_id, alias=assignment.alias, late=review.late,
               version=version.number if version else None)
    return review


def discussion_post_create(*, submission: Submission, actor, body: str, now=None) -> DiscussionPost:
    require(policy.can_post_discussion(actor, submission))
    body = (body or "").strip()
    if not body:
        raise ServiceError("Write something before posting.", 400, "body")
    if len(body) > DISCUSSION_MAX_CHARS:
        raise ServiceError(
            f"Your post is {len(body):,} characters long; a post may have at most {DISCUSSION_MAX_CHARS:,}. "
            "Shorten it or split it into several posts.", 413, "body")
    with transaction.atomic():
        post = DiscussionPost.objects.create(submission=submission, author=actor, body=body)
        record("discussion.post", post, actor=actor, venue=submission.venue, submission=submission.public_id, chars=len(body))
        from .notifications import send_discussion_notifications

        transaction.on_commit(lambda: send_discussion_notifications.enqueue(post.pk))
    return post


def meta_review_save(*, submission: Submission, actor, recommendation: str, text: str, submit: bool = False, now=None) -> MetaReview:
    now = now or clock.now()
    require(policy.can_write_meta_review(actor, submission))
    if policy.outcome_of(submission.venue, recommendation) is None:
        raise ServiceError("Choose a recommendation.", 400, "recommendation")
    text = (text or "").strip()
    if len(text) > META_REVIEW_MAX_CHARS:
        raise ServiceError(f"The meta-review is {len(text):,} characters long; the limit is {META_REVIEW_MAX_CHARS:,}.", 400, "text")
    with transaction.atomic():
        meta, _ = MetaReview.objects.select_for_update().get_or_create(
            submission=submission, defaults={"author": actor, "recommendation": recommendation, "text": text})
        if (submit or meta.submitted) and not text:
            raise ServiceError("Write the meta-review before submitting it: the authors will read it.", 400, "text")
        was_submitted = meta.submitted
        meta.author, meta.recommendation, meta.text = actor, recommendation, text
        if submit and not meta.submitted:
            meta.submitted, meta.submitted_at = True, now
        meta.save()
        reason = history.meta_save_reason(submitted_now=submit and not was_submitted, was_submitted=was_submitted)
        version = history.record_meta_version(meta, actor=actor, reason=reason, now=now)
        record("meta_review.submit" if submit else "meta_review.save", submission, actor=actor, venue=submission.venue, recommendation=recommendation,
               version=version.number if version else None)
    return meta
