"""Reverting reviews: one review (or the meta-review) to one of its versions, every review of a
paper, or every review of a venue, to its state at a moment (after its 2025 leak ICLR put
every review back to its pre-discussion state).

A revert is planned first (`plan_*`: what would change, how many reviews, which reviewers
are told), shown to the chair for confirmation, then carried out by `carry_out`, which
re-plans inside one transaction and refuses if the plan changed since the chair read it
(someone saved a review meanwhile). Each reverted review gets a new version (reason
"revert", pointing at the version restored), so a revert is itself undone the same way.
One audit entry per revert; the reviewers (and meta-review writers) are told by e-mail
after the commit, without the name of the chair.

A review that did not exist yet at the moment, or has no version at or before it, is left as
it is: the plan counts those. A chair's conflicted papers are left out of venue-wide
reverts, and out of every count shown to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import OuterRef, Subquery

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require
from paperdesk.venues.models import Venue

from . import history
from .models import MetaReview, Review, ReviewVersion

Reason = ReviewVersion.Reason


@dataclass
class Step:
    """One object to put back: a review or a meta-review, and the version whose content it gets."""

    review: Review | None
    meta: MetaReview | None
    target: ReviewVersion
    changes: list = field(default_factory=list)  # what the revert changes (one review's plan only)

    @property
    def submission_id(self) -> int:
        return self.target.submission_id


@dataclass
class Plan:
    venue: Venue
    scope: str  # version | paper | venue
    moment: dt.datetime | None
    submission: Submission | None
    steps: list[Step] = field(default_factory=list)
    unchanged: int = 0  # already say what they said then
    started_after: int = 0  # no version at or before the moment: left as they are
    conflicted_papers: int = 0  # the chair's own conflicts, left out
    released: int = 0  # steps on papers whose decision the authors have read

    @property
    def reviews(self) -> int:
        return sum(1 for s in self.steps if s.review is not None)

    @property
    def meta_reviews(self) -> int:
        return sum(1 for s in self.steps if s.meta is not None)

    @property
    def count(self) -> int:
        return len(self.steps)

    @property
    def papers(self) -> int:
        return len({s.submission_id for s in self.steps})

    @property
    def back_to_draft(self) -> int:
        """Submitted reviews that were drafts then: the other reviewers and authors stop seeing them."""
        return sum(1 for s in self.steps if s.review is not None and s.review.state == Review.State.SUBMITTED
                   and s.target.snapshot.get("state") != Review.State.SUBMITTED)

    @property
    def people(self) -> int:
        ids = {s.review.assignment.user_id for s in self.steps if s.review is not None}
        ids |= {s.meta.author_id for s in self.steps if s.meta is not None}
        return len(ids)


def _differs(current: dict, snapshot: dict) -> bool:
    return current != snapshot


def _latest_at(moment: dt.datetime, owner: str):
    return Subquery(ReviewVersion.objects.filter(**{owner: OuterRef("pk")}, at__lte=moment).order_by("-at", "-id").values("pk")[:1])


def _released_ids(submission_ids) -> set[int]:
    # through the relation decisions declares, so reviews imports nothing above it
    return set(Submission.objects.filter(pk__in=submission_ids, decision__released_at__isnull=False).values_list("pk", flat=True))


def plan_moment(viewer, venue: Venue, moment: dt.datetime, submission: Submission | None = None) -> Plan:
    """Every review and meta-review of the paper (or of the venue) as it was at `moment`."""
    if submission is not None:
        require(policy.can_revert_reviews(viewer, submission), 404)
    else:
        require(policy.can_revert_venue_reviews(viewer, venue), 404)
    if moment > clock.now():
        raise ServiceError("Choose a moment in the past: a revert puts reviews back to what they said then.", 400, "at")
    plan = Plan(venue=venue, scope="paper" if submission is not None else "venue", moment=moment, submission=submission)
    reviews = Review.objects.filter(assignment__submission__venue=venue).select_related("assignment__user", "assignment__submission")
    metas = MetaReview.objects.filter(submission__venue=venue).select_related("submission")
    if submission is not None:
        reviews, metas = reviews.filter(assignment__submission=submission), metas.filter(submission=submission)
    else:
        conflicted = policy.conflicted_submission_ids(viewer, venue)
        plan.conflicted_papers = len(conflicted)
        reviews = reviews.exclude(assignment__submission_id__in=conflicted)
        metas = metas.exclude(submission_id__in=conflicted)
    reviews = list(reviews.annotate(target_id=_latest_at(moment, "review")).order_by("assignment__submission__number", "assignment__alias_number"))
    metas = list(metas.annotate(target_id=_latest_at(moment, "meta_review")).order_by("submission__number"))
    targets = ReviewVersion.objects.in_bulk([o.target_id for o in reviews + metas if o.target_id])
    for obj in reviews + metas:
        target = targets.get(obj.target_id)
        if target is None:
            plan.started_after += 1
            continue
        is_review = isinstance(obj, Review)
        current = history.review_snapshot(obj) if is_review else history.meta_snapshot(obj)
        if not _differs(current, target.snapshot):
            plan.unchanged += 1
            continue
        plan.steps.append(Step(obj if is_review else None, None if is_review else obj, target))
    released = _released_ids({s.submission_id for s in plan.steps})
    plan.released = sum(1 for s in plan.steps if s.submission_id in released)
    return plan


def plan_version(viewer, submission: Submission, object_id: str, number: int) -> Plan:
    """One review (by its public id) or the meta-review ("meta-review") back to version `number`."""
    require(policy.can_revert_reviews(viewer, submission), 404)
    versions = ReviewVersion.objects.filter(submission=submission, number=number)
    if object_id == "meta-review":
        target = versions.filter(meta_review__isnull=False).select_related("meta_review").first()
        obj = target.meta_review if target else None
    else:
        target = versions.filter(review__public_id=object_id).select_related("review__assignment__user").first()
        obj = target.review if target else None
    if target is None:
        raise ServiceError("There is no such version of a review of this paper.", 404)
    plan = Plan(venue=submission.venue, scope="version", moment=None, submission=submission)
    is_review = isinstance(obj, Review)
    current = history.review_snapshot(obj) if is_review else history.meta_snapshot(obj)
    if not _differs(current, target.snapshot):
        plan.unchanged = 1
    else:
        fields = history.review_fields(submission.venue) if is_review else history.meta_fields(submission.venue)
        plan.steps.append(Step(obj if is_review else None, None if is_review else obj, target,
                               history.changes_between(fields, current, target.snapshot)))
    plan.released = len(_released_ids([submission.pk])) if plan.steps else 0
    return plan


def _restore_review(review: Review, snapshot: dict) -> None:
    review.answers = dict(snapshot.get("answers") or {})
    review.overall = snapshot.get("overall")
    review.confidence = snapshot.get("confidence")
    review.comments_to_chairs = snapshot.get("comments_to_chairs") or ""
    review.state = snapshot.get("state") or Review.State.DRAFT
    review.submitted_at = history.parse_when(snapshot.get("submitted_at"))
    review.late = bool(snapshot.get("late"))


def _restore_meta(meta: MetaReview, snapshot: dict) -> None:
    from paperdesk.accounts.models import User

    meta.recommendation = snapshot.get("recommendation") or ""
    meta.text = snapshot.get("text") or ""
    meta.submitted = bool(snapshot.get("submitted"))
    meta.submitted_at = history.parse_when(snapshot.get("submitted_at"))
    author_id = snapshot.get("author_id")
    if author_id and User.objects.filter(pk=author_id).exists():
        meta.author_id = author_id


def carry_out(plan: Plan, *, actor, expected: int, replan, now=None) -> Plan:
    """Carry out a revert the chair confirmed. `replan()` plans again inside the transaction
    (rows locked); if the number of objects to revert differs from `expected`, the number
    the chair was shown, nothing is changed (409): the chair reads the new plan first."""
    now = now or clock.now()
    with transaction.atomic():
        if plan.scope == "venue":
            Venue.objects.select_for_update().filter(pk=plan.venue.pk).first()
        elif plan.submission is not None:
            Submission.objects.select_for_update().filter(pk=plan.submission.pk).first()
        plan = replan()
        if plan.count != expected:
            raise ServiceError(
                f"The reviews changed since you looked: this revert now affects {plan.count} "
                f"review{'s' if plan.count != 1 else ''} instead of {expected}. Check the new count and confirm again.", 409, "expected")
        if not plan.steps:
            raise ServiceError("Nothing to revert: every review already says what it said then.", 400)
        notices: list[tuple[int, int]] = []  # (version id, submission id)
        for step in plan.steps:
            if step.review is not None:
                review = Review.objects.select_for_update().select_related("assignment").get(pk=step.review.pk)
                _restore_review(review, step.target.snapshot)
                review.save()
                version = history.record_review_version(review, actor=actor, reason=Reason.REVERT, now=now, restored=step.target)
            else:
                meta = MetaReview.objects.select_for_update().get(pk=step.meta.pk)
                _restore_meta(meta, step.target.snapshot)
                meta.save()
                version = history.record_meta_version(meta, actor=actor, reason=Reason.REVERT, now=now, restored=step.target)
            notices.append((version.pk, step.submission_id))
        subject = plan.submission if plan.submission is not None else plan.venue
        record(f"reviews.revert_{plan.scope}", subject, actor=actor, venue=plan.venue,
               moment=plan.moment.isoformat() if plan.moment else None,
               reviews=plan.reviews, meta_reviews=plan.meta_reviews, papers=plan.papers,
               versions=[version_id for version_id, _ in notices],
               restored=[{"object": s.review.public_id if s.review else f"meta-review:{s.meta.submission_id}", "version": s.target.number} for s in plan.steps])
        from .notifications import send_revert_notifications

        version_ids = [version_id for version_id, _ in notices]
        transaction.on_commit(lambda: send_revert_notifications.enqueue(version_ids))
    return plan


def revert_version(*, submission: Submission, actor, object_id: str, number: int, expected: int = 1, now=None) -> Plan:
    plan = plan_version(actor, submission, object_id, number)
    return carry_out(plan, actor=actor, expected=expected, now=now, replan=lambda: plan_version(actor, submission, object_id, number))


def revert_to_moment(*, venue: Venue, actor, moment: dt.datetime, expected: int, submission: Submission | None = None, now=None) -> Plan:
    plan = plan_moment(actor, venue, moment, submission)
    return carry_out(plan, actor=actor, expected=expected, now=now, replan=lambda: plan_moment(actor, venue, moment, submission))
