"""A new PDF version in force on a paper under review (an upload whose check passed, e.g.
after a chair granted the authors an extension): the paper's reviewers and area chair may be
reading the old one. Each of them with a published assignment and no conflict gets one
e-mail, written as reviewers see the paper (number, title, their alias: never the authors);
several changes within a few minutes become one notice per person (`coalesce`). The
reviewer's page says it too (`selectors.review_page`, `new_version_since`).

The submissions app announces the change (`submissions.signals.paper_version_adopted`) and
never imports this app: the receiver is connected in ReviewsConfig.ready."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.dispatch import receiver
from django.urls import reverse

from paperdesk import policy
from paperdesk.committee.models import Assignment
from paperdesk.jobs import task
from paperdesk.mail import send_templated
from paperdesk.submissions.models import Submission, Upload
from paperdesk.submissions.signals import paper_version_adopted

TEMPLATE = "review_paper_new_version"


def in_force_since(submission: Submission) -> dt.datetime | None:
    """When the paper's version in force replaced an earlier one: the moment its adoption was
    recorded (`upload.adopt`, written by `checking.paper_check_finished` when its check
    passed). None for the version the paper was submitted with: nothing changed since. Not
    the check's end: a chair may run the check of the version in force again, which changes
    nothing a reviewer reads."""
    from paperdesk.audit.models import AuditEntry

    if submission.submitted_paper_id is None:
        return None
    version = Upload.objects.filter(pk=submission.submitted_paper_id).values_list("version", flat=True).first()
    if version is None:
        return None
    return (AuditEntry.objects.filter(object_type="submission", object_id=submission.public_id, action="upload.adopt",
                                      data__kind=Upload.Kind.PAPER, data__version=version)
            .order_by("-at").values_list("at", flat=True).first())


@receiver(paper_version_adopted, dispatch_uid="paperdesk.reviews.paper_version_adopted")
def tell_readers_after_adoption(sender, submission, upload, **kwargs) -> None:
    """Sent inside the adoption's transaction: the notices go once it is committed."""
    venue_id, submission_id, upload_id = submission.venue_id, submission.pk, upload.pk
    transaction.on_commit(lambda: send_new_version_notices_job.enqueue(venue_id, submission_id, upload_id))


def readers_of(submission: Submission) -> list[Assignment]:
    """The paper's published, unconflicted reviewer and area-chair assignments of active
    people: those who read the paper as reviewers do (`policy.can_review_paper`)."""
    rows = (policy.without_conflicts(Assignment.objects.filter(submission=submission, published=True, user__is_active=True))
            .select_related("user").order_by("kind", "alias_number", "pk"))
    readers: dict[int, Assignment] = {}  # one notice per person, whatever their roles on the paper
    for row in rows:
        if row.user_id not in readers and policy.can_review_paper(row.user, submission):
            readers[row.user_id] = row
    return list(readers.values())


@task()
def send_new_version_notices_job(venue_id: int, submission_id: int, upload_id: int) -> int:
    """One notice per reader of the paper (`venue_id`: for the jobs page). A version already
    replaced by a newer one says nothing: the newer one's job tells."""
    submission = Submission.objects.select_related("venue").filter(pk=submission_id).first()
    if submission is None or submission.submitted_paper_id != upload_id or submission.status != Submission.Status.SUBMITTED:
        return 0
    venue = submission.venue
    since = in_force_since(submission)
    path = reverse("reviews:paper", args=[submission.public_id])
    sent = 0
    for row in readers_of(submission):
        sent += send_templated(TEMPLATE, {
            "venue": venue,
            "number": submission.number,
            "title": submission.title,
            "alias": row.alias,
            "area_chair": row.kind == Assignment.Kind.AREA_CHAIR,
            "person": row.user,
            "since": venue.moment_text(since) if since else "now",
            "path": path,
        }, [row.user.email], reply_to=venue.contact_email, paper=submission, coalesce=f"paper-version:{submission.pk}")
    return sent
