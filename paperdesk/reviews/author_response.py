"""The authors' response (rebuttal) to a paper's reviews (issue 11 item 1): writes (one
transaction, an audit entry, the reviewers' e-mail after the commit) and the reads of the
response page. Who may do what is the policy's (`can_write_author_response`,
`can_view_author_response`, and `can_view_reviews`, which lets the authors read the reviews
from the phase's opening)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from paperdesk import clock, policy
from paperdesk.audit.services import record
from paperdesk.jobs import task
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError, require
from paperdesk.venueconfig.spec import AuthorResponseRules

from .models import AuthorResponse, Review


def length_of(text: str, unit: str) -> int:
    return len(text.split()) if unit == "words" else len(text)


def save_response(*, submission: Submission, actor, text: str, now=None) -> AuthorResponse:
    now = now or clock.now()
    require(policy.can_write_author_response(actor, submission, now))
    rules = submission.venue.spec.author_response
    text = (text or "").strip()
    if not text:
        raise ServiceError("Write the response before saving it.", 400, "text")
    length = length_of(text, rules.unit)
    if length > rules.max_length:
        raise ServiceError(f"The response is {length:,} {rules.unit} long; the limit is {rules.max_length:,} {rules.unit}.", 400, "text")
    with transaction.atomic():
        response, created = AuthorResponse.objects.select_for_update().get_or_create(
            submission=submission, defaults={"text": text, "last_editor": actor, "created_at": now, "updated_at": now})
        if not created:
            response.text, response.last_editor, response.updated_at = text, actor, now
            response.save(update_fields=["text", "last_editor", "updated_at"])
        record("author_response.save", submission, actor=actor, venue=submission.venue, length=length, unit=rules.unit, first=created)
        if created:
            transaction.on_commit(lambda: send_response_arrived.enqueue(submission.pk))
    return response


@dataclass(frozen=True)
class ResponseView:
    text: str
    updated_at: object
    heading: str = "Authors"  # never names: double-blind holds for reviewers


def response_for(viewer, submission: Submission) -> ResponseView | None:
    if not policy.can_view_author_response(viewer, submission):
        return None
    response = AuthorResponse.objects.filter(submission=submission).first()
    return ResponseView(response.text, response.updated_at) if response else None


@dataclass(frozen=True)
class ResponsePage:
    window: tuple[dt.datetime, dt.datetime] | None
    can_write: policy.Decision
    response: ResponseView | None
    reviews: list  # review cards as the authors see them, once the phase has opened
    rules: AuthorResponseRules


def response_page(viewer, submission: Submission, now=None) -> ResponsePage:
    from .selectors import review_card

    reviews = []
    if policy.can_view_reviews(viewer, submission):
        rows = (Review.objects.filter(assignment__submission=submission, assignment__kind="reviewer", state=Review.State.SUBMITTED)
                .select_related("assignment__submission__venue", "assignment__user").order_by("assignment__alias_number"))
        reviews = [review_card(viewer, r, submission.venue, for_author=True) for r in rows if policy.can_view_review(viewer, r)]
    return ResponsePage(policy.author_response_window(submission.venue), policy.can_write_author_response(viewer, submission, now),
                        response_for(viewer, submission), reviews, submission.venue.spec.author_response)


@task()
def send_response_arrived(submission_id: int) -> int:
    """Tell the paper's reviewers (and area chair) who may read the response that it
    arrived: once, at the first save. The e-mail names no author."""
    from django.urls import reverse

    from paperdesk.committee.models import Assignment
    from paperdesk.mail import send_templated

    submission = Submission.objects.select_related("venue").filter(pk=submission_id).first()
    if submission is None:
        return 0
    path = reverse("reviews:paper", args=[submission.public_id]) + "#author-response"
    sent = 0
    for assignment in Assignment.objects.filter(submission=submission, published=True).select_related("user").order_by("kind", "alias_number"):
        user = assignment.user
        if not user.is_active or not policy.can_view_author_response(user, submission):
            continue
        send_templated("author_response_arrived", {"venue": submission.venue, "number": submission.number, "title": submission.title,
                                                   "path": path}, [user.email], paper=submission)
        sent += 1
    return sent


# --- the authors' notices: the response opens, and a reminder a day before it closes ------------

CLOSING_REMINDER = dt.timedelta(days=1)


def notice_moments(venue) -> list[tuple[str, dt.datetime]]:
    """(key, aware moment) of the venue's response notices; none when it has no response."""
    window = policy.author_response_window(venue)
    if window is None:
        return []
    opens, closes = window
    return [("response-open", opens), ("response-closing", max(opens, closes - CLOSING_REMINDER))]


def send_response_notices(venue, now=None) -> int:
    """Tell the confirmed authors of each submitted paper, once each: that the response is
    open (when it opens), and, a day before it closes, that it closes soon (only the authors
    of papers without a response yet). A notice claimed in `ReminderSent` is never sent twice;
    one whose moment has passed together with the close is not sent late."""
    from django.db import IntegrityError
    from django.urls import reverse

    from paperdesk.mail import send_templated
    from paperdesk.submissions.models import Authorship

    from .models import ReminderSent

    now = now or clock.now()
    window = policy.author_response_window(venue)
    if window is None or now > window[1]:
        return 0
    due = [key for key, moment in notice_moments(venue) if moment <= now]
    if not due:
        return 0
    papers = Submission.objects.filter(venue=venue, status=Submission.Status.SUBMITTED).exclude(decision__released_at__isnull=False)
    sent = 0
    for key in due:
        rows = papers.exclude(author_response__isnull=False) if key == "response-closing" else papers
        for paper in rows.order_by("number"):
            for authorship in Authorship.objects.filter(submission=paper, user__isnull=False).select_related("user"):
                user = authorship.user
                if user is None or not policy.can_write_author_response(user, paper, now):
                    continue
                try:
                    with transaction.atomic():
                        claim = ReminderSent.objects.create(venue=venue, user=user, key=f"{key}-{paper.pk}")
                except IntegrityError:
                    continue
                try:
                    send_templated("author_response_" + key.split("-")[1], {
                        "venue": venue, "number": paper.number, "title": paper.title,
                        "opens_text": venue.moment_text(window[0]), "closes_text": venue.moment_text(window[1]),
                        "rules": venue.spec.author_response, "path": reverse("reviews:author_response", args=[paper.public_id]),
                    }, [user.email], paper=paper)
                except Exception:
                    claim.delete()
                    raise
                sent += 1
    return sent


def updated_after_response(submission: Submission) -> frozenset[str]:
    """Public ids of the paper's reviews changed (edited, or their scores) after the authors'
    response arrived: the review page marks them "updated after the response"."""
    from .models import ReviewVersion

    response = AuthorResponse.objects.filter(submission=submission).only("created_at").first()
    if response is None:
        return frozenset()
    return frozenset(ReviewVersion.objects.filter(
        submission=submission, review__isnull=False, at__gt=response.created_at,
        reason__in=[ReviewVersion.Reason.EDIT, ReviewVersion.Reason.SCORE, ReviewVersion.Reason.SUBMIT],
    ).values_list("review__public_id", flat=True))
