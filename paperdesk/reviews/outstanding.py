"""Which reviews are still to submit: the one definition the scheduled reminders
(`reminders`), the chairs' "remind late reviewers" (`chasing`) and the chairs' dashboard
(`decisions.dashboard`) share."""

from __future__ import annotations

from django.db.models import QuerySet

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.submissions.models import Submission
from paperdesk.venues.models import Venue

from .models import Review


def outstanding(venue: Venue) -> QuerySet[Assignment]:
    """Published reviewer assignments whose review is still to submit: the paper is live
    (not withdrawn or desk-rejected), its decision is not released, the reviewer's account
    is active and no conflict voids the assignment. The scheduled reminders, the chairs'
    "remind late reviewers" and the dashboard's "reviewers with reviews still to submit" all
    read this one queryset."""
    rows = (
        Assignment.objects.filter(submission__venue=venue, kind=Assignment.Kind.REVIEWER, published=True, user__is_active=True)
        .exclude(submission__status__in=(Submission.Status.WITHDRAWN, Submission.Status.DESK_REJECTED))
        .exclude(submission__decision__released_at__isnull=False)
        .exclude(review__state=Review.State.SUBMITTED)
    )
    return policy.without_conflicts(rows)
