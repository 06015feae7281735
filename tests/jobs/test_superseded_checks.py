"""A deadline hour: authors upload version after version faster than one small machine
checks them. A version replaced before the checker reached it is not checked (its run ends
"superseded"); the newest is, and the page says which was which."""

from __future__ import annotations

import io

import pytest

from paperdesk.submissions import services
from paperdesk.submissions.models import CheckRun
from paperdesk.submissions.selectors import version_verdict
from tests.conftest import make_pdf_bytes
from tests.jobs.jobs_helpers import check_job, db_backend, draft, run_queued_jobs


@pytest.fixture
def queue(settings):
    db_backend(settings)


def test_versions_replaced_before_their_check_are_skipped_and_the_newest_is_checked(venue, author, queue):
    submission, first = draft(venue, author)
    uploads = [first] + [services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes(2, text=f"v{n}")),
                                             original_name=f"v{n}.pdf") for n in (2, 3)]
    for upload in uploads:
        check_job(upload)
    run_queued_jobs()
    states = [CheckRun.objects.get(upload=u).state for u in uploads]
    assert states == [CheckRun.State.SUPERSEDED, CheckRun.State.SUPERSEDED, CheckRun.State.DONE]
    oldest, newest = (type(first).objects.select_related("check_run").get(pk=u.pk) for u in (uploads[0], uploads[2]))
    assert version_verdict(oldest, submission) == "superseded"
    assert version_verdict(newest, submission) == "compliant"


def test_a_check_already_done_stays_done_when_a_newer_version_arrives(venue, author, queue):
    submission, first = draft(venue, author)
    check_job(first)
    run_queued_jobs()
    second = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes(2, text="v2")), original_name="v2.pdf")
    check_job(second)
    run_queued_jobs()
    assert CheckRun.objects.get(upload=first).state == CheckRun.State.DONE
    assert CheckRun.objects.get(upload=second).state == CheckRun.State.DONE


def test_the_authors_page_says_a_skipped_version_was_not_checked(client, venue, author, queue):
    submission, first = draft(venue, author)
    second = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes(2, text="v2")), original_name="v2.pdf")
    check_job(first)
    check_job(second)
    run_queued_jobs()
    client.force_login(author)
    page = client.get(f"/submissions/{submission.public_id}/").content.decode()
    assert "not checked (a newer version came first)" in page
