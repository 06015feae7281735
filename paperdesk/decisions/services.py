"""Writes of the decisions app: deciding, releasing the decisions (the notices go out from a
background job that can be resumed after a crash without sending anything twice). The
camera-ready version is in paperdesk.cameraready. Each write is one transaction with an audit entry."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Q
from django.urls import reverse

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require
from paperdesk.venueconfig.notifications import DEFAULT_BODY, DEFAULT_SUBJECT, PLACEHOLDERS, fill, template_problems  # noqa: F401 - read by the release page and tests
from paperdesk.venues.models import Venue

from .models import Decision, NoticeSent, Release

RELEASE_STALLED_AFTER = dt.timedelta(minutes=5)  # a sending job sends a notice every few seconds

__all__ = ["ServiceError", "decisions_set", "release_resume", "release_start"]


# --- deciding ---------------------------------------------------------------------------


@dataclass
class BulkResult:
    changed: list[int]  # submission numbers
    refused: list[str]  # one sentence each


def decisions_set(*, venue: Venue, submissions: list[Submission], outcome: str, actor) -> BulkResult:
    """Set (or, with outcome "", clear) the decision of each paper the actor may decide."""
    if outcome and policy.outcome_of(venue, outcome) is None:
        raise ServiceError(f"Unknown outcome '{outcome}'. This venue's outcomes: {', '.join(o.name for o in venue.spec.outcomes)}.", 400)
    if not policy.is_chair(actor, venue):
        raise ServiceError("Only the program chairs decide.", 403)
    if not submissions:
        raise ServiceError("Select at least one paper.", 400)
    result = BulkResult([], [])
    with transaction.atomic():
        for submission in submissions:
            if submission.venue_id != venue.pk:
                continue
            allowed = policy.can_decide(actor, submission)
            if not allowed:
                result.refused.append(allowed.reason)
                continue
            if submission.status != Submission.Status.SUBMITTED:
                result.refused.append(f"Paper #{submission.number} is {submission.get_status_display().lower()}, not submitted; it gets no decision.")
                continue
            if outcome:
                Decision.objects.update_or_create(submission=submission, defaults={"outcome": outcome, "decided_by": actor})
            else:
                Decision.objects.filter(submission=submission, released_at__isnull=True).delete()
            record("decision.set", submission, actor=actor, venue=venue, outcome=outcome or None)
            result.changed.append(submission.number)
    return result


# --- releasing --------------------------------------------------------------------------
# Decisions go out in waves. The first release tells the authors of every decided paper;
# a decision set later (a late paper, a paper held back) goes out in a further wave that
# notifies only the authors not told yet. A released decision is final: policy.can_decide
# refuses to change or clear it, so no author is ever told one thing and shown another.
# A chair's wave never contains a paper they are conflicted with (policy.can_release_decision):
# a chair who is also an author neither sees their paper's decision in the preview or the
# counts, nor releases it; another chair releases it, in a wave of their own. This is how
# venues run it (the conflicted chair hands the paper to a co-chair), and a wave that
# skipped the paper silently would be the same as one that revealed it by its count.


@dataclass(frozen=True)
class NoticeTemplates:
    """The decision e-mail of one wave, per outcome kind (placeholders not yet filled)."""

    accept_subject: str
    accept_body: str
    reject_subject: str
    reject_body: str

    @classmethod
    def same_for_every_outcome(cls, subject: str, body: str) -> NoticeTemplates:
        return cls(subject, body, subject, body)

    @classmethod
    def venue_defaults(cls, venue: Venue) -> NoticeTemplates:
        """What the venue file's `[notifications.decision_email]` tables say."""
        emails = venue.spec.notifications
        return cls(emails.accept_email.subject, emails.accept_email.body, emails.reject_email.subject, emails.reject_email.body)

    def for_outcome(self, accepted: bool) -> tuple[str, str]:
        return (self.accept_subject, self.accept_body) if accepted else (self.reject_subject, self.reject_body)

    def problems(self) -> list[str]:
        if (self.accept_subject, self.accept_body) == (self.reject_subject, self.reject_body):
            return template_problems(self.accept_subject, self.accept_body)
        return ([f"Notice to accepted papers: {p}" for p in template_problems(self.accept_subject, self.accept_body)]
                + [f"Notice to the other papers: {p}" for p in template_problems(self.reject_subject, self.reject_body)])


def notice_values(decision: Decision, author_name: str, site_url: str) -> dict[str, str]:
    submission = decision.submission
    venue = submission.venue
    outcome = policy.outcome_of(venue, decision.outcome)
    accepted = bool(outcome and outcome.accepted)
    if accepted:
        next_steps = (
            f"Congratulations! Please upload the camera-ready version by {venue.moment_text(venue.camera_ready_deadline)} "
            f"on the page below: it may use one more page than the submission, and there you choose whether the PDF "
            f"is hosted on the public accepted-papers page."
            + ("" if venue.archival else f" {venue.short_name} is non-archival.")
        )
    else:
        next_steps = "We hope the reviews help you develop the work further."
    return {
        "author_name": author_name,
        "title": submission.title,
        "outcome": outcome.name if outcome else decision.outcome,
        "venue_name": venue.name,
        "venue_short_name": venue.short_name,
        "results_url": site_url.rstrip("/") + reverse("decisions:author", args=[submission.public_id]),
        "camera_ready_deadline": venue.moment_text(venue.camera_ready_deadline),
        "contact_email": venue.contact_email,
        "next_steps": next_steps,
    }


def release_blockers(venue: Venue, viewer=None) -> list[Submission]:
    """Submitted papers without a decision: a wave waits for them unless the chair holds them
    back. For a `viewer`, none they are conflicted with (their wave never holds those)."""
    papers = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED, decision__isnull=True)
    if viewer is not None:
        papers = papers.exclude(pk__in=policy.hidden_from_aggregates(viewer, venue))
    return list(papers.order_by("number"))


def decisions_to_release(venue: Venue, viewer=None):
    """The decisions the next wave releases: set, not released yet, paper not withdrawn;
    for a `viewer` (the releasing chair) only those they may release: never a paper they
    are conflicted with."""
    decisions = (
        Decision.objects.filter(submission__venue=venue, released_at__isnull=True)
        .exclude(submission__status=Submission.Status.WITHDRAWN)
        .select_related("submission__venue")
        .order_by("submission__number")
    )
    if viewer is not None:
        decisions = decisions.exclude(submission_id__in=policy.hidden_from_aggregates(viewer, venue))
    return decisions


def conflict_note(viewer, venue: Venue) -> str:
    """What the release page says to a chair with conflicts in the venue (whatever the
    state of those papers, so that the sentence itself reveals nothing)."""
    return policy.RELEASE_CONFLICT_NOTE if policy.hidden_from_aggregates(viewer, venue) else ""


def _nothing_new(venue: Venue, waves: list[Release], note: str = "") -> ServiceError:
    first, last = waves[0], waves[-1]
    sent, total = sum(w.sent for w in waves), sum(w.total for w in waves)
    later = f", most recently in wave {last.wave} on {venue.moment_text(last.started_at)}" if len(waves) > 1 else ""
    return ServiceError(
        f"The decisions were already released on {venue.moment_text(first.started_at)}{later} ({sent} of {total} notices sent). "
        "Nothing new to release: every decision has been released. A decision set later (a late paper, say) "
        "can be released in a further wave." + (f" {note}" if note else ""), 409, "release")


@dataclass
class WavePaper:
    """One paper of the wave a chair is about to release, as the confirmation names it."""

    number: int
    title: str
    outcome: str
    reviews: int  # submitted reviews
    reviews_needed: int
    meta_review: bool  # a submitted meta-review

    @property
    def few_reviews(self) -> bool:
        return self.reviews < self.reviews_needed


@dataclass
class WavePlan:
    """What releasing now would do: the papers, the e-mails, the papers held back, and the
    papers released with fewer reviews than the venue asks or without a meta-review."""

    wave: int
    papers: list[WavePaper]
    notices: int
    held_back: list[int]

    @property
    def few_reviews(self) -> list[WavePaper]:
        return [p for p in self.papers if p.few_reviews]

    @property
    def no_meta_review(self) -> list[WavePaper]:
        return [p for p in self.papers if not p.meta_review]


def _wave_decisions(venue: Venue, viewer, hold_back_undecided: bool, waves: list[Release], note: str) -> tuple[list[Decision], list[Submission]]:
    """The decisions the actor's next wave releases and the papers it holds back; refuses
    (ServiceError) a wave with nothing in it or with undecided papers not held back."""
    decisions = [d for d in decisions_to_release(venue, viewer) if policy.can_release_decision(viewer, d.submission)]
    if not decisions:
        if waves:
            raise _nothing_new(venue, waves, note)
        raise ServiceError("There are no decisions to release." + (f" {note}" if note else ""), 400, "release")
    blockers = release_blockers(venue, viewer)
    if blockers and not hold_back_undecided:
        numbers = ", ".join(f"#{s.number}" for s in blockers[:20]) + (" …" if len(blockers) > 20 else "")
        raise ServiceError(
            f"{len(blockers)} submitted paper{'s have' if len(blockers) != 1 else ' has'} no decision yet ({numbers}). "
            "Decide every paper before releasing, or hold the undecided ones back for a later wave.", 400, "release")
    return decisions, blockers


def release_plan(*, venue: Venue, actor, templates: NoticeTemplates, hold_back_undecided: bool = False) -> WavePlan:
    """What `release_start` would release, for the chair to confirm once: refused with the
    same ServiceError as the release itself would be; else the papers of the wave with
    their review counts and meta-reviews (a wave never holds a paper the chair is
    conflicted with, so nothing here is hidden from them)."""
    from paperdesk.committee.models import Assignment
    from paperdesk.reviews.models import MetaReview, Review

    require(policy.can_release_decisions(actor, venue))
    viewer = policy.as_viewer(actor)
    problems = templates.problems()
    if problems:
        raise ServiceError(" ".join(problems), 400, "template")
    waves = list(Release.objects.filter(venue=venue).order_by("wave"))
    sending = next((w for w in waves if w.state == Release.State.RUNNING), None)
    if sending is not None:
        raise ServiceError(
            f"Wave {sending.wave} is still sending ({sending.sent} of {sending.total} notices sent). Wait until it "
            "is done (if it stopped, resume it on the release page) before releasing more.", 409, "release")
    decisions, blockers = _wave_decisions(venue, viewer, hold_back_undecided, waves, conflict_note(viewer, venue))
    ids = [d.submission_id for d in decisions]
    reviews = dict(
        Review.objects.filter(assignment__submission_id__in=ids, assignment__kind=Assignment.Kind.REVIEWER, assignment__published=True,
                              state=Review.State.SUBMITTED)
        .values("assignment__submission_id").annotate(n=Count("pk")).values_list("assignment__submission_id", "n")
    )
    metas = set(MetaReview.objects.filter(submission_id__in=ids, submitted=True).values_list("submission_id", flat=True))
    tracks = dict(Submission.objects.filter(pk__in=ids).values_list("pk", "track__slug"))
    notices = Submission.objects.filter(pk__in=ids).aggregate(n=Count("authorships", filter=Q(authorships__user__isnull=False)))["n"] or 0
    papers = []
    for decision in decisions:
        outcome = policy.outcome_of(venue, decision.outcome)
        papers.append(WavePaper(
            number=decision.submission.number, title=decision.submission.title, outcome=outcome.name if outcome else decision.outcome,
            reviews=reviews.get(decision.submission_id, 0), reviews_needed=venue.spec.reviewers_for_track(tracks.get(decision.submission_id, "")),
            meta_review=decision.submission_id in metas,
        ))
    return WavePlan(wave=(waves[-1].wave + 1) if waves else 1, papers=papers, notices=notices, held_back=[s.number for s in blockers])


def release_start(*, venue: Venue, actor, subject: str = "", body: str = "", templates: NoticeTemplates | None = None,
                  hold_back_undecided: bool = False, now=None) -> Release:
    """Release the decisions not released yet as the venue's next wave, and send their
    notices from a background job. `templates` gives the notice per outcome kind; without
    it, `subject` and `body` serve every outcome. Papers without a decision block the wave
    unless `hold_back_undecided`: then they wait for a later wave. The wave holds only the
    decisions the actor may release (`policy.can_release_decision`): never one of a paper
    they are conflicted with, which another chair releases."""
    now = now or clock.now()
    require(policy.can_release_decisions(actor, venue))
    viewer = policy.as_viewer(actor)
    note = conflict_note(viewer, venue)
    templates = templates or NoticeTemplates.same_for_every_outcome(subject, body)
    problems = templates.problems()
    if problems:
        raise ServiceError(" ".join(problems), 400, "template")
    with transaction.atomic():
        Venue.objects.select_for_update().filter(pk=venue.pk).first()  # one wave at a time
        waves = list(Release.objects.filter(venue=venue).order_by("wave"))
        sending = next((w for w in waves if w.state == Release.State.RUNNING), None)
        if sending is not None:
            raise ServiceError(
                f"Wave {sending.wave} is still sending ({sending.sent} of {sending.total} notices sent). Wait until it "
                "is done (if it stopped, resume it on the release page) before releasing more.", 409, "release")
        decisions, blockers = _wave_decisions(venue, viewer, hold_back_undecided, waves, note)
        # Notices go to the confirmed authors: an invited co-author is not (yet) an author.
        total = sum(d.submission.authorships.filter(user__isnull=False).count() for d in decisions)
        release = Release.objects.create(
            venue=venue, wave=(waves[-1].wave + 1) if waves else 1, started_by=actor, decision_count=len(decisions), total=total,
            accept_subject=templates.accept_subject.strip(), accept_body=templates.accept_body,
            reject_subject=templates.reject_subject.strip(), reject_body=templates.reject_body,
        )
        Decision.objects.filter(pk__in=[d.pk for d in decisions], released_at__isnull=True).update(released_at=now, release=release)
        record("decisions.release", release, actor=actor, venue=venue, wave=release.wave, decisions=len(decisions), notices=total,
               held_back=[s.number for s in blockers])
        transaction.on_commit(lambda: send_release_notices.enqueue(release.pk))
    return release


def release_resume(*, venue: Venue, actor, resend_unconfirmed: bool = False, wave: int | None = None) -> Release:
    """Start the sending job of a wave (the latest unless `wave` says) again after it
    stopped. Notices confirmed as sent are never sent again; those that failed are retried;
    those whose sending was cut off by a crash (maybe delivered, maybe not) are resent only
    when the chair asks for it."""
    require(policy.can_release_decisions(actor, venue))
    waves = Release.objects.filter(venue=venue).order_by("-wave")
    release = (waves.filter(wave=wave) if wave else waves).first()
    if release is None:
        raise ServiceError("The decisions have not been released yet." if wave is None else f"There is no wave {wave}.", 409 if wave is None else 404)
    # As starting a wave: never one that holds a paper the actor is conflicted with.
    require(policy.can_resume_release(actor, venue, set(Decision.objects.filter(release=release).values_list("submission_id", flat=True))))
    if release.state == Release.State.DONE and not resend_unconfirmed:
        raise ServiceError(f"The release is complete: all {release.total} notices of wave {release.wave} were sent. Nothing is sent twice.", 409)
    with transaction.atomic():
        NoticeSent.objects.filter(release=release, state=NoticeSent.State.FAILED).delete()
        if resend_unconfirmed:
            NoticeSent.objects.filter(release=release, state=NoticeSent.State.SENDING).delete()
        Release.objects.filter(pk=release.pk).update(state=Release.State.RUNNING, error="")
        record("decisions.release_resume", release, actor=actor, venue=venue, wave=release.wave, resend_unconfirmed=resend_unconfirmed)
        transaction.on_commit(lambda: send_release_notices.enqueue(release.pk))
    release.refresh_from_db()
    return release


def release_stalled(release: Release, now=None) -> bool:
    """A wave still marked as sending that has not claimed or delivered a notice for a while:
    its job stopped (a worker restart, a crash) and the chair should resume it."""
    if release.state != Release.State.RUNNING:
        return False
    notices = NoticeSent.objects.filter(release=release).aggregate(claimed=Max("sent_at"), delivered=Max("delivered_at"))
    last = max(moment for moment in (release.started_at, notices["claimed"], notices["delivered"]) if moment)
    return (now or clock.now()) - last > RELEASE_STALLED_AFTER


def _notice_rows(release: Release):
    """(decision, author) for every notice of this wave, and of no other."""
    decisions = (
        Decision.objects.filter(release=release).exclude(submission__status=Submission.Status.WITHDRAWN)
        .select_related("submission__venue").order_by("submission__number")
    )
    for decision in decisions:
        for author in decision.submission.authorships.filter(user__isnull=False).order_by("position"):
            yield decision, author


def _refresh_counts(release: Release) -> None:
    sent = NoticeSent.objects.filter(release=release, state=NoticeSent.State.SENT).count()
    Release.objects.filter(pk=release.pk).update(sent=sent)


@task()
def send_release_notices(release_id: int) -> str:
    """Send every notice of the wave that was not sent yet, one author at a time. Each
    notice is claimed (a committed NoticeSent row) before its message goes out."""
    from django.conf import settings

    from paperdesk.mail import send_templated

    release = Release.objects.select_related("venue").filter(pk=release_id).first()
    if release is None:
        return "gone"
    Release.objects.filter(pk=release.pk).update(runs=F("runs") + 1, state=Release.State.RUNNING)
    done = set(NoticeSent.objects.filter(release=release).values_list("submission_id", "email"))
    for decision, author in _notice_rows(release):
        key = (decision.submission_id, author.email)
        if key in done:
            continue
        try:
            with transaction.atomic():
                notice = NoticeSent.objects.create(release=release, submission_id=decision.submission_id, email=author.email)
        except IntegrityError:
            continue  # another run claimed it
        values = notice_values(decision, author.name, settings.SITE_URL)
        subject, body = release.template_for(policy.is_accepted(decision))
        try:
            send_templated("decision_notice", {
                "subject": " ".join(fill(subject, values).split()),
                "body": fill(body, values),
            }, [author.email], reply_to=release.venue.contact_email, venue=release.venue, paper=decision.submission_id)
        except Exception as error:
            NoticeSent.objects.filter(pk=notice.pk).update(state=NoticeSent.State.FAILED, error=f"{type(error).__name__}: {error}"[:500])
            continue
        NoticeSent.objects.filter(pk=notice.pk).update(state=NoticeSent.State.SENT, delivered_at=clock.now())
        _refresh_counts(release)
    _refresh_counts(release)
    unfinished = NoticeSent.objects.filter(release=release).exclude(state=NoticeSent.State.SENT).count()
    release.refresh_from_db()
    if unfinished or release.sent < release.total:
        Release.objects.filter(pk=release.pk).update(
            state=Release.State.FAILED, finished_at=clock.now(),
            error=f"{unfinished} notice(s) could not be confirmed as sent; see the list below.")
        return "incomplete"
    Release.objects.filter(pk=release.pk).update(state=Release.State.DONE, finished_at=clock.now(), error="")
    return "done"

