"""What the reviewing app does when a lower app announces an event (connected in
CommitteeConfig.ready)."""

from __future__ import annotations

from django.db import transaction
from django.dispatch import receiver

from paperdesk.submissions.signals import authors_changed


@receiver(authors_changed, dispatch_uid="paperdesk.committee.authors_changed")
def refresh_conflicts_after_authors_change(sender, submission, **kwargs) -> None:
    """Authors changed: the chairs' conflict list follows once the change is committed
    (bidding and assignment runs recompute on their own as well)."""
    from .tasks import refresh_conflicts_job

    venue_id, submission_id = submission.venue_id, submission.pk
    transaction.on_commit(lambda: refresh_conflicts_job.enqueue(venue_id, [], [submission_id]))
