"""Background jobs of the reviewing app: each takes ids, re-fetches, and calls a service or
sends mail computed with the recipient's rights (reviewers get titles, never authors).

Reminders are claimed in ReminderLog before they are sent, so a job that runs twice (a
retry, two workers, a chair clicking twice) never sends the same reminder twice."""

from __future__ import annotations

import datetime as dt
import logging
from collections import defaultdict

from django.urls import reverse

from paperdesk import clock, tokens
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.venues import moments
from paperdesk.venues.models import Venue

from .invitations import INVITATION_DAYS
from .models import Assignment, PoolMember
from .reminders import FIRST_AUTHOR_KEY, claim_reminder

log = logging.getLogger(__name__)


def _when(venue: Venue, moment) -> str:
    """Anywhere on Earth plus UTC, as every e-mail prints a venue moment."""
    return moments.text(moment)


def _greeting_name(member: PoolMember) -> str:
    """Whom the invitation greets: the name the chairs gave, else the name of the account
    the address belongs to (an invited existing account), else nobody in particular."""
    if member.name:
        return member.name
    if member.user is not None and member.user.full_name:
        return str(member.user.full_name)
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    account = get_user_model().objects.filter(email__iexact=member.email).first()
    if account is None:
        address = EmailAddress.objects.filter(email__iexact=member.email, verified=True).select_related("user").first()
        account = address.user if address else None
    return account.full_name if account is not None and account.full_name else ""


def _invitation_mail(member: PoolMember, message: str = "", reminder: bool = False) -> int:
    """The invitation (or its reminder) with a link minted now: its token is in this e-mail
    only (the outbox keeps the message without it), the database keeps its SHA-256
    (paperdesk.tokens). A reminder's link replaces the earlier one, which stops working; a
    takeover of the same job mints the same link, so a message it already sent keeps working."""
    token, hashed = tokens.mint("reviewer-invitation", member.pk)
    PoolMember.objects.filter(pk=member.pk).update(invite_token=hashed)
    venue = member.venue
    rules = venue.spec.reviewing
    sent = clock.now()  # a reminder renews the link's lifetime (reminded_at is set to about now)
    expires = min(venue.review_deadline, sent + dt.timedelta(days=INVITATION_DAYS))
    return send_templated(
        "reviewing_invitation",
        {
            "venue": venue, "member": member, "role": member.get_role_display(), "message": message, "reminder": reminder,
            "greeting": _greeting_name(member), "area_chair": member.role == PoolMember.Role.AREA_CHAIR,
            "max_load": rules.max_load, "k": rules.reviewers_per_paper, "review_deadline": _when(venue, venue.review_deadline),
            "url": reverse("committee:invitation", args=[token]), "expires": _when(venue, expires),
        },
        to=[member.email],
        reply_to=venue.contact_email,
        withhold=(token,),
    )


@task()
def send_invitations_job(member_ids: list[int], message: str = "") -> int:
    sent = 0
    for member in PoolMember.objects.filter(pk__in=member_ids, state=PoolMember.State.INVITED).select_related("venue"):
        sent += _invitation_mail(member, message)
    return sent


@task()
def send_invitation_reminders_job(venue_id: int) -> int:
    venue = Venue.objects.get(pk=venue_id)
    sent = 0
    for member in PoolMember.objects.filter(venue=venue, state=PoolMember.State.INVITED, reminded_at__isnull=True).select_related("venue"):
        claim = claim_reminder(venue, member.email, f"invitation:{member.public_id}")
        if claim is None:
            continue
        try:
            sent += _invitation_mail(member, reminder=True)
        except Exception:
            claim.delete()  # not sent: may be tried again
            raise
        PoolMember.objects.filter(pk=member.pk).update(reminded_at=clock.now())
    return sent


@task()
def send_pool_decision_job(member_id: int) -> int:
    member = PoolMember.objects.select_related("venue", "user").filter(pk=member_id).first()
    if member is None or member.state not in (PoolMember.State.ACCEPTED, PoolMember.State.NOT_SELECTED):
        return 0
    venue = member.venue
    return send_templated(
        "reviewing_pool_decision",
        {
            "venue": venue, "member": member, "accepted": member.state == PoolMember.State.ACCEPTED,
            "bidding": venue.spec.reviewing.bidding,
            "profile_url": reverse("committee:profile", args=[venue.slug]),
            "bidding_url": reverse("committee:bidding", args=[venue.slug]),
        },
        to=[member.user.email if member.user_id else member.email],
        reply_to=venue.contact_email,
    )


@task()
def send_first_author_reminders_job(venue_id: int) -> int:
    from . import selectors

    venue = Venue.objects.get(pk=venue_id)
    sent = 0
    for person in selectors.first_authors_to_remind(venue):
        claim = claim_reminder(venue, person.email, FIRST_AUTHOR_KEY)
        if claim is None:
            continue
        try:
            sent += send_templated(
                "reviewing_first_author_reminder",
                {"venue": venue, "name": person.name, "titles": person.titles, "url": reverse("committee:volunteer", args=[venue.slug])},
                to=[person.email],
                reply_to=venue.contact_email,
            )
        except Exception:
            claim.delete()
            raise
    return sent


@task()
def refresh_conflicts_job(venue_id: int, user_ids: list[int], submission_ids: list[int]) -> int:
    from .conflicts import compute_conflicts

    venue = Venue.objects.filter(pk=venue_id).first()
    if venue is None:
        return 0
    total = 0
    if user_ids:
        total += compute_conflicts(venue, users=user_ids).total
    if submission_ids:
        total += compute_conflicts(venue, submissions=submission_ids).total
    return total


@task()
def compute_conflicts_job(venue_id: int, actor_id: int | None = None) -> dict:
    from paperdesk.accounts.models import User
    from paperdesk.audit.services import record

    from .conflicts import compute_conflicts

    venue = Venue.objects.get(pk=venue_id)
    stats = compute_conflicts(venue)
    actor = User.objects.filter(pk=actor_id).first() if actor_id else None
    record("conflicts.compute", venue, actor=actor, venue=venue, **stats.as_dict())
    return stats.as_dict()


@task()
def send_assignment_emails_job(venue_id: int, assignment_ids: list[int]) -> int:
    """Each reviewer hears of their newly published papers: titles and aliases only."""
    venue = Venue.objects.get(pk=venue_id)
    per_reviewer = defaultdict(list)
    for a in Assignment.objects.filter(pk__in=assignment_ids, published=True).select_related("submission", "user").order_by("submission__number"):
        per_reviewer[a.user].append({"title": a.submission.title, "alias": a.alias, "emergency": a.emergency,
                                     "deadline": _when(venue, a.deadline) if a.deadline else "",
                                     "path": reverse("reviews:paper", args=[a.submission.public_id])})
    sent = 0
    for reviewer, papers in per_reviewer.items():
        sent += send_templated(
            "reviewing_assignments",
            {"venue": venue, "reviewer": reviewer, "papers": papers, "review_deadline": _when(venue, venue.review_deadline),
             "emergency": any(p["emergency"] for p in papers), "own_deadlines": any(p["deadline"] for p in papers),
             "url": reverse("reviews:dashboard")},
            to=[reviewer.email],
            reply_to=venue.contact_email,
        )
    return sent


@task()
def send_removal_notice_job(venue_id: int, user_id: int, submission_id: int, alias: str) -> int:
    """A reviewer removed from a published paper hears it (the title only; nothing about
    who replaces them). Claimed first: a retried job sends it once."""
    from django.contrib.auth import get_user_model

    from paperdesk.submissions.models import Submission

    venue = Venue.objects.filter(pk=venue_id).first()
    user = get_user_model().objects.filter(pk=user_id).first()
    submission = Submission.objects.filter(pk=submission_id).first()
    if venue is None or user is None or submission is None:
        return 0
    if Assignment.objects.filter(submission=submission, user=user, kind=Assignment.Kind.REVIEWER, published=True).exists():
        return 0  # assigned again since: nothing to tell
    claim = claim_reminder(venue, user.email, f"removed:{submission.public_id}:{alias}:{clock.now():%Y%m%d%H%M}")
    if claim is None:
        return 0
    try:
        return send_templated("reviewing_removed", {
            "venue": venue, "reviewer": user, "title": submission.title, "alias": alias, "url": reverse("reviews:dashboard"),
        }, to=[user.email], reply_to=venue.contact_email)
    except Exception:
        claim.delete()
        raise



@task()
def send_emergency_invitation_job(invitation_id: int) -> int:
    """The one e-mail of an emergency invitation: the paper's title as reviewers see it
    (never its authors), the short deadline and a personal link minted here. As with
    `_invitation_mail`, the token lives in the e-mail alone (the outbox keeps the message
    without it) and a takeover of this job writes the same link again."""
    from .models import EmergencyInvitation

    offer = EmergencyInvitation.objects.select_related("venue", "submission").filter(
        pk=invitation_id, state=EmergencyInvitation.State.PENDING).first()
    if offer is None:
        return 0
    token, hashed = tokens.mint("emergency-invitation", offer.pk)
    EmergencyInvitation.objects.filter(pk=offer.pk).update(token=hashed)
    venue = offer.venue
    return send_templated(
        "reviewing_emergency_invitation",
        {"venue": venue, "greeting": offer.name, "title": offer.submission.title, "deadline": _when(venue, offer.deadline),
         "review_deadline": _when(venue, venue.review_deadline), "email": offer.email,
         "url": reverse("committee:emergency_invitation", args=[token])},
        to=[offer.email], reply_to=venue.contact_email, paper=offer.submission, withhold=(token,),
    )


@task()
def send_emergency_answer_job(invitation_id: int) -> int:
    """The inviting chair hears the answer to an emergency invitation (accepted: who, under
    which alias; declined: the paper still needs someone)."""
    from .models import EmergencyInvitation

    offer = EmergencyInvitation.objects.select_related("venue", "submission", "invited_by", "user").filter(pk=invitation_id).first()
    if offer is None or offer.invited_by is None or offer.state == EmergencyInvitation.State.PENDING:
        return 0
    venue = offer.venue
    accepted = offer.state == EmergencyInvitation.State.ACCEPTED
    pair = Assignment.objects.filter(submission=offer.submission, user=offer.user, kind=Assignment.Kind.REVIEWER).first() if accepted else None
    return send_templated(
        "reviewing_emergency_answer",
        {"venue": venue, "chair": offer.invited_by, "offer": offer, "accepted": accepted, "submission": offer.submission,
         "alias": pair.alias if pair else "", "deadline": _when(venue, offer.deadline),
         "url": reverse("committee:pair_alternates", args=[venue.slug, offer.submission.public_id])},
        to=[offer.invited_by.email], reply_to=venue.contact_email, paper=offer.submission,
    )


@task()
def send_emergency_withdrawn_job(invitation_id: int) -> int:
    """The invitee of a withdrawn emergency invitation hears that nothing is expected of them
    (essential mail: it cancels a request). The paper's title only, as in the invitation."""
    from .models import EmergencyInvitation

    offer = EmergencyInvitation.objects.select_related("venue", "submission").filter(
        pk=invitation_id, state=EmergencyInvitation.State.WITHDRAWN).first()
    if offer is None:
        return 0
    from paperdesk.mail.models import OutboundEmail

    # Withdrawn before its invitation went out: the invitee never heard of it, so hears nothing.
    invited = OutboundEmail.objects.filter(template="reviewing_emergency_invitation", recipients=offer.email,
                                           submission_id=offer.submission_id, created_at__gte=offer.invited_at,
                                           state__in=(OutboundEmail.State.SENT, OutboundEmail.State.SENDING))
    if not invited.exists():
        return 0
    venue = offer.venue
    return send_templated(
        "reviewing_emergency_withdrawn",
        {"venue": venue, "greeting": offer.name, "title": offer.submission.title},
        to=[offer.email], reply_to=venue.contact_email, paper=offer.submission,
    )
