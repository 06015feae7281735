"""E-mails about accounts, sent by background jobs after the change is committed."""

from __future__ import annotations

from django.urls import reverse

from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.venues.context import default_venue

from .models import User


def send_moderation_decision(user_id: int) -> None:
    send_moderation_decision_job.enqueue(user_id)


@task()
def send_moderation_decision_job(user_id: int) -> int:
    """Tell a person the chairs' decision on their account (approved, or rejected with the
    reason). The decision is re-read, so a decision reversed meanwhile sends the current one."""
    user = User.objects.get(pk=user_id)
    if user.moderation_status == User.Moderation.PENDING:
        return 0
    venue = default_venue()
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
