"""Chasing reviews: which reviews are still to submit (the one definition the reminders,
the chairs' dashboard and the "remind late reviewers" action share), the chairs' and area
chairs' reminder with its preview, and review-deadline extensions.

A reminder click carries a key (made when the preview is shown, or given by an API client):
each reviewer's e-mail is claimed as a `ReminderSent` row under that key before it is sent,
so a double submit, a retried job or two workers send it once. A deadline extension sets
the assignment's own deadline (`Assignment.deadline`); the reviewer reads it in the venue's
time zone (AoE), the scheduled reminders and the "late" mark follow it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import reverse

from paperdesk import clock, plurals, policy
from paperdesk.audit.services import record
from paperdesk.committee.models import Assignment
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.models import Venue

from .models import ReminderSent, Review
from .outstanding import outstanding
from .reminders import schedule_next

__all__ = ["extend_deadline", "give_back", "outstanding", "remind_late_reviewers", "remind_preview"]

log = logging.getLogger(__name__)

MAX_EXTENSION_DAYS = 60


# --- the reminder chairs and area chairs send --------------------------------------------------


@dataclass
class OwedReview:
    assignment_id: int
    number: int
    title: str
    alias: str
    state: str  # "not started" | "draft saved"
    deadline: dt.datetime
    late: bool
    emergency: bool
    path: str
    deadline_text: str = ""


@dataclass
class ReviewerToRemind:
    user_id: int
    name: str
    email: str
    reviews: list[OwedReview] = field(default_factory=list)

    @property
    def late_count(self) -> int:
        return sum(1 for r in self.reviews if r.late)


def _chaseable(viewer, venue: Venue, submission: Submission | None) -> QuerySet[Assignment]:
    rows = outstanding(venue)
    if submission is not None:
        if submission.venue_id != venue.pk or not policy.can_chase_reviews(viewer, submission):
            raise ServiceError("No such paper.", 404)
        return rows.filter(submission=submission)
    if policy.is_chair(viewer, venue):
        return rows.exclude(submission_id__in=policy.conflicted_submission_ids(viewer, venue))
    papers = policy.my_assignments(viewer, venue, kind="area_chair").values("submission_id")
    return rows.filter(submission_id__in=papers)


def remind_preview(viewer, venue: Venue, submission: Submission | None = None, *, late_only: bool = True,
                   now: dt.datetime | None = None) -> list[ReviewerToRemind]:
    """Who would get a reminder and for which papers: the reviews still to submit on the
    papers this viewer may chase (all of them, or one paper), only those past their
    reviewer's deadline when `late_only`. Conflicted papers of the viewer are never in it."""
    now = now or clock.now()
    rows = (_chaseable(viewer, venue, submission).select_related("submission__venue", "user", "review")
            .order_by("user__full_name", "user__email", "submission__number"))
    people: dict[object, ReviewerToRemind] = {}
    names = {}  # per paper: may this viewer see who reviews it? (area chairs see aliases only)
    for a in rows:
        deadline = policy.review_deadline_of(a)
        late = now > deadline
        if late_only and not late:
            continue
        if a.submission_id not in names:
            names[a.submission_id] = policy.can_view_reviewer_identities(viewer, a.submission)
        if names[a.submission_id]:
            person = people.setdefault(a.user_id, ReviewerToRemind(a.user_id, a.user.display_name, a.user.email))
        else:  # one line per paper, so that the grouping does not tell who reviews what
            person = people.setdefault(f"a{a.pk}", ReviewerToRemind(a.user_id, f"{a.alias} of #{a.submission.number}", ""))
        person.reviews.append(OwedReview(
            assignment_id=a.pk, number=a.submission.number, title=a.submission.title, alias=a.alias,
            state="draft saved" if getattr(a, "review", None) is not None else "not started",
            deadline=deadline, late=late, emergency=a.emergency, path=reverse("reviews:paper", args=[a.submission.public_id]),
            deadline_text=venue.moment_text(deadline),
        ))
    return list(people.values())


_KEY = re.compile(r"^[A-Za-z0-9_-]{8,64}$")


def new_click_key() -> str:
    return secrets.token_urlsafe(12)


@dataclass
class RemindResult:
    key: str
    reviewers: int
    reviews: int
    already: bool  # this key was used before: nothing new is sent


def _already_sent(venue: Venue, key: str) -> RemindResult:
    """What the first sending of this click did: the second submit of the form (a double click:
    the browser shows only the second answer) reports it rather than just "nothing more"."""
    from paperdesk.audit.models import AuditEntry

    first = AuditEntry.objects.filter(venue=venue, action="reviews.remind_late", data__key=key).order_by("pk").first()
    data = first.data if first is not None else {}
    return RemindResult(key, int(data.get("reviewers", 0)), int(data.get("reviews", 0)), True)


@transaction.atomic
def remind_late_reviewers(*, actor, venue: Venue, key: str, submission: Submission | None = None, late_only: bool = True,
                          note: str = "", now: dt.datetime | None = None) -> RemindResult:
    """Send the previewed reminder, once per `key` (one click): the e-mails go out after the
    commit from a job that claims each (reviewer, key) before sending. Audited."""
    now = now or clock.now()
    if not _KEY.match(key or ""):
        raise ServiceError("This reminder form is out of date; open the preview again.", 400, "key")
    if submission is None and not policy.can_chase_venue_reviews(actor, venue):
        raise ServiceError("Only the chairs and area chairs chase reviews.", 404)
    note = (note or "").strip()
    if len(note) > 2000:
        raise ServiceError("The note is longer than 2000 characters.", 400, "note")
    people = remind_preview(actor, venue, submission, late_only=late_only, now=now)
    claim_key = f"chase-{key}"
    if ReminderSent.objects.filter(venue=venue, key=claim_key).exists():
        return _already_sent(venue, key)
    if not people:
        raise ServiceError("No reviewer is late on these papers: there is nobody to remind.", 409)
    try:  # the click's own row: a second submit of the same form (or a race with it) finds it
        with transaction.atomic():
            ReminderSent.objects.create(venue=venue, user=actor, key=claim_key)
    except IntegrityError:
        return _already_sent(venue, key)
    record("reviews.remind_late", submission or venue, actor=actor, venue=venue, key=key, late_only=late_only,
           submission=submission.public_id if submission else "", reviewers=len({p.user_id for p in people}),
           reviews=sum(len(p.reviews) for p in people), assignments=[r.assignment_id for p in people for r in p.reviews][:500])
    plan: dict[str, list[int]] = {}
    for p in people:
        plan.setdefault(str(p.user_id), []).extend(r.assignment_id for r in p.reviews)
    recipients = len(plan)
    actor_name = actor.display_name
    transaction.on_commit(lambda: send_chase_reminders_job.enqueue(venue.pk, claim_key, plan, note, actor_name))
    return RemindResult(key, recipients, sum(len(p.reviews) for p in people), False)


def _deadline_text(venue: Venue, moment: dt.datetime) -> str:
    return venue.moment_text(moment)


@task()
def send_chase_reminders_job(venue_id: int, key: str, plan: dict, note: str = "", sender: str = "") -> int:
    """The e-mails of one reminder click: each reviewer once (claimed under the key), with
    the papers still owed at sending time (a review submitted meanwhile is left out)."""
    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return 0
    now = clock.now()
    live = set(outstanding(venue).values_list("pk", flat=True))
    sent = 0
    for assignment_ids in plan.values():
        rows = [a for a in Assignment.objects.filter(pk__in=assignment_ids).select_related("submission__venue", "user", "review")
                .order_by("submission__number") if a.pk in live]
        if not rows:
            continue
        user = rows[0].user
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(venue=venue, user=user, key=f"{key}-u")
        except IntegrityError:
            continue  # this click's reminder already went to this reviewer
        missing = [{
            "alias": a.alias, "title": a.submission.title, "path": reverse("reviews:paper", args=[a.submission.public_id]),
            "state": "draft saved" if getattr(a, "review", None) is not None else "not started",
            "deadline": _deadline_text(venue, policy.review_deadline_of(a)), "late": now > policy.review_deadline_of(a),
        } for a in rows]
        try:
            send_templated("review_chase", {"venue": venue, "user": user, "missing": missing, "note": note, "sender": sender,
                                            "dashboard_path": reverse("reviews:dashboard")}, [user.email], reply_to=venue.contact_email)
        except Exception:
            claim.delete()  # not sent: a retry of the job sends it
            raise
        sent += 1
    return sent


# --- deadline extensions -------------------------------------------------------------------------


def parse_deadline(venue: Venue, text: str) -> dt.datetime:
    """A date (end of that day) or date and time, read in the venue's time zone (AoE)."""
    from paperdesk.committee import deadlines

    moment = deadlines.parse(venue, text)
    if moment is None:
        raise ServiceError(deadlines.how_to_write(venue), 400, "deadline")
    return moment


@dataclass
class ExtendResult:
    changed: list[Assignment]
    deadline: dt.datetime
    message: str


@transaction.atomic
def extend_deadline(*, actor, submission: Submission, deadline: dt.datetime, user_id: int | None = None,
                    now: dt.datetime | None = None) -> ExtendResult:
    """Give one reviewer of a paper (user_id) or all its reviewers with a review still to
    submit a new review deadline. A deadline in the past, or more than MAX_EXTENSION_DAYS
    after the venue's, is refused. Audited; each reviewer is told by e-mail."""
    now = now or clock.now()
    venue = submission.venue
    if not policy.can_chase_reviews(actor, submission):
        raise ServiceError("No such paper.", 404)
    if deadline <= now:
        raise ServiceError(f"The new deadline ({venue.moment_text(deadline)}) is already past.", 400, "deadline")
    if deadline > venue.review_deadline + dt.timedelta(days=MAX_EXTENSION_DAYS):
        raise ServiceError(f"A review deadline can be moved at most {MAX_EXTENSION_DAYS} days past the venue's.", 400, "deadline")
    rows = outstanding(venue).filter(submission=submission).select_related("user", "submission__venue").select_for_update(of=("self",))
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    changed = list(rows)
    if not changed:
        raise ServiceError("No review of this paper is still to submit" + (" by this reviewer." if user_id else "."), 409)
    for a in changed:
        previous = policy.review_deadline_of(a)
        a.deadline = deadline
        a.save(update_fields=["deadline"])
        record("reviews.deadline_extend", submission, actor=actor, venue=venue, reviewer=a.user.email, alias=a.alias,
               deadline=deadline.isoformat(), previous=previous.isoformat())
    ids = [a.pk for a in changed]
    transaction.on_commit(lambda: send_deadline_notices_job.enqueue(ids))
    transaction.on_commit(lambda: _reschedule(venue))
    who = changed[0].alias if user_id else f"{plurals.count(len(changed), 'reviewer')}"
    return ExtendResult(changed, deadline, f"{who} of #{submission.number}: review due {venue.moment_text(deadline)}.")


def _reschedule(venue: Venue) -> None:
    try:
        schedule_next(venue)
    except Exception:  # the next run of the reminder job, or cron, schedules it
        log.exception("could not schedule the review reminders of %s", venue.slug)


@task()
def send_deadline_notices_job(assignment_ids: list[int]) -> int:
    sent = 0
    by_user = defaultdict(list)
    for a in Assignment.objects.filter(pk__in=assignment_ids, published=True).select_related("submission__venue", "user"):
        by_user[a.user].append(a)
    for user, rows in by_user.items():
        venue = rows[0].submission.venue
        claim_key = "deadline-" + "-".join(f"{a.pk}:{a.deadline:%Y%m%dT%H%M}" for a in rows)[:90]
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(venue=venue, user=user, key=claim_key)
        except IntegrityError:
            continue
        try:
            send_templated("review_deadline_changed", {
                "venue": venue, "user": user, "papers": [{"alias": a.alias, "title": a.submission.title,
                                                          "deadline": venue.moment_text(policy.review_deadline_of(a)),
                                                          "path": reverse("reviews:paper", args=[a.submission.public_id])} for a in rows],
            }, [user.email], reply_to=venue.contact_email)
        except Exception:
            claim.delete()
            raise
        sent += 1
    return sent


# --- a reviewer gives a paper back ---------------------------------------------------------------

GIVE_BACK = {"decline": "decline this paper", "conflict": "flag a conflict of interest with this paper"}
REASON_MAX = 1000


@transaction.atomic
def give_back(*, actor, submission: Submission, kind: str, reason: str, now: dt.datetime | None = None):
    """A reviewer declines a paper, or flags a conflict with it (which becomes a recorded
    conflict: the paper is never assigned to them again, and they no longer see it). Their
    assignment (and a draft review) is removed, so the slot is open for a chair to fill
    (the assignment page lists it with its alternates); the chairs are told by e-mail."""
    from paperdesk.committee.models import Conflict, DeclaredConflict, ReviewerDecline

    now = now or clock.now()
    if kind not in GIVE_BACK:
        raise ServiceError("Choose to decline the paper or to flag a conflict.", 400, "kind")
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ServiceError("Say in a few words why, for the chairs.", 400, "reason")
    if len(reason) > REASON_MAX:
        raise ServiceError(f"The reason is {len(reason):,} characters long; the limit is {REASON_MAX:,}.", 400, "reason")
    decision = policy.can_give_back_paper(actor, submission)
    if not decision:
        raise ServiceError(decision.reason, 403)
    assignment = (Assignment.objects.select_for_update().filter(submission=submission, user=actor, kind=Assignment.Kind.REVIEWER, published=True)
                  .first())
    if assignment is None:
        raise ServiceError("You are not a reviewer of this paper.", 403)
    venue = submission.venue
    row = ReviewerDecline.objects.create(venue=venue, submission=submission, user=actor, kind=kind, reason=reason,
                                         alias_number=assignment.alias_number, created_at=now)
    if kind == "conflict":
        DeclaredConflict.objects.create(venue=venue, side=DeclaredConflict.Side.REVIEWER, declared_by=actor, submission=submission,
                                        note=reason[:200])
        Conflict.objects.get_or_create(submission=submission, user=actor, source=Conflict.Source.REVIEWER_DECLARED,
                                       defaults={"reason": f"declared by the reviewer: {reason}"[:300]})
    had_draft = Review.objects.filter(assignment=assignment).exists()
    record("review.give_back", submission, actor=actor, venue=venue, kind=kind, reason=reason, alias=assignment.alias,
           draft_removed=had_draft, emergency=assignment.emergency)
    assignment.delete()
    transaction.on_commit(lambda: send_give_back_notice_job.enqueue(row.pk))
    return row


@task()
def send_give_back_notice_job(decline_id: int) -> int:
    """The venue's chairs without a conflict with the paper hear who gave it back and why."""
    from paperdesk.committee.models import ReviewerDecline
    from paperdesk.venues.models import VenueRole

    row = ReviewerDecline.objects.select_related("venue", "submission", "user").filter(pk=decline_id).first()
    if row is None:
        return 0
    venue, submission = row.venue, row.submission
    sent = 0
    for role in VenueRole.objects.filter(venue=venue, role=VenueRole.Role.CHAIR).select_related("user"):
        chair = role.user
        if not chair.is_active or policy.is_conflicted(chair, submission):
            continue
        try:
            with transaction.atomic():
                claim = ReminderSent.objects.create(venue=venue, user=chair, key=f"give-back-{row.pk}")
        except IntegrityError:
            continue
        try:
            send_templated("review_given_back", {
                "venue": venue, "row": row, "submission": submission, "reviewer": row.user.display_name,
                "what": "declined" if row.kind == "decline" else "flagged a conflict of interest with",
                "assignment_path": reverse("committee:assignment", args=[venue.slug]) + f"#paper-{submission.public_id}",
                "alternates_path": reverse("committee:pair_alternates", args=[venue.slug, submission.public_id]),
            }, [chair.email], reply_to=row.user.email)
        except Exception:
            claim.delete()
            raise
        sent += 1
    return sent
