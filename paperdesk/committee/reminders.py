"""Reminders are claimed before they are sent: a ReminderLog row per (venue, address, key),
so a job that runs twice (a retry, two workers, a chair clicking twice) never sends the
same reminder twice. Read by the jobs that send and by the selectors that show who was
reminded."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from paperdesk.venues.models import Venue

from .models import ReminderLog

# The key of the one request to co-first authors to volunteer as reviewers.
FIRST_AUTHOR_KEY = "first-author-volunteer"


def claim_reminder(venue: Venue, email: str, key: str) -> ReminderLog | None:
    """Record a reminder before sending it; None if it was already sent."""
    try:
        with transaction.atomic():
            return ReminderLog.objects.create(venue=venue, email=email.lower(), key=key)
    except IntegrityError:
        return None
