"""The PDF checks have their own queue, so a worker at a lower CPU priority takes them and
e-mails or releases never wait behind a deadline hour's checks (`paperdesk serve`)."""

from __future__ import annotations

import pytest

from paperdesk.jobs import CHECKS_QUEUE
from tests.jobs.jobs_helpers import check_job, db_backend, draft


@pytest.fixture
def queue(settings):
    db_backend(settings)


def test_checks_go_to_their_own_queue_and_mail_to_the_default_one(venue, author, queue):
    from django_tasks_db.models import DBTaskResult

    from paperdesk.submissions.notifications import send_receipt_job

    submission, upload = draft(venue, author)
    _, job = check_job(upload)
    assert job.queue_name == CHECKS_QUEUE
    receipt = send_receipt_job.enqueue(submission.pk, "submitted", upload.pk)
    assert DBTaskResult.objects.get(pk=receipt.id).queue_name == "default"
