"""E-mails about accounts, sent by background jobs after the change is committed."""

from __future__ import annotations

from django.urls import reverse

from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.venues.context import default_venue

from .models import User


def send_moderation_decision(user_id: int) -> None:
    send_moderation_decision_job.enqueue(user_id)


def venue_for(user: User):
    """The venue an e-mail about this account names: the one the person signed up for, else
    the default venue while its submissions are open, else the open venue whose submission
    deadline comes first (never a closed one when an open one exists), else the default."""
    from paperdesk import clock
    from paperdesk.venues.models import Venue

    if user.signup_venue_id is not None and user.signup_venue is not None:
        return user.signup_venue
    fallback = default_venue()
    now = clock.now()
    if fallback is not None and fallback.submission_deadline > now:
        return fallback
    return Venue.objects.filter(is_rehearsal=False, submission_deadline__gt=now).order_by("submission_deadline").first() or fallback


@task()
def send_moderation_decision_job(user_id: int) -> int:
    """Tell a person the chairs' decision on their account (approved, or rejected with the
    reason). The decision is re-read, so a decision reversed meanwhile sends the current one."""
    user = User.objects.get(pk=user_id)
    if user.moderation_status == User.Moderation.PENDING:
        return 0
    venue = venue_for(user)
    template = "account_approved" if user.moderation_status == User.Moderation.ACTIVE else "account_rejected"
    return send_templated(
        template,
        {
            "user": user,
            "venue": venue,
            "reason": user.moderation_reason,
            "status_url": reverse("accounts:status"),
            "submit_url": reverse("submissions:create", args=[venue.slug]) if venue is not None else "",
        },
        to=[user.email],
        reply_to=venue.contact_email if venue is not None else None,
    )
