"""The lease layer in one process: a job whose worker is dead is taken over by the sweep,
given up with a message after its attempts, retried from the jobs page; the author's
submit never runs a check itself: it says "still being checked" until a worker has."""

from __future__ import annotations

import pytest
from django.urls import reverse

from paperdesk.jobs import leases
from paperdesk.jobs.models import JobLease
from paperdesk.submissions import services
from paperdesk.submissions.models import CheckRun, Submission
from tests.jobs.jobs_helpers import check_job, db_backend, draft, left_by_dead_worker, run_queued_jobs


@pytest.fixture
def queue(settings):
    db_backend(settings)
    settings.JOB_MAX_ATTEMPTS = 3


def test_the_sweep_hands_a_dead_workers_check_to_another_worker(venue, author, queue):
    from django_tasks_db.compat import TaskResultStatus

    submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)

    assert leases.sweep()["retried"] == 1
    db_task.refresh_from_db()
    assert db_task.status == TaskResultStatus.READY
    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.QUEUED
    assert JobLease.objects.get(pk=str(db_task.id)).state == JobLease.State.RETRYING
    assert leases.sweep()["retried"] == 0  # taken over once

    run_queued_jobs()
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE and run.report["status"] == "ok"
    assert not JobLease.objects.filter(pk=str(db_task.id)).exists()  # a finished job keeps no lease
    services.submission_submit(submission=submission, actor=author)


def test_a_live_workers_job_is_left_alone(venue, author, queue):
    _submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    leases.beat("dead-worker")  # it beats again: alive
    assert leases.sweep() == {"retried": 0, "failed": 0, "rows": 0}
    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.RUNNING


def test_attempts_exhausted_fail_the_check_with_a_message_and_a_chair_retries_it(venue, author, chair, queue, client):
    from django_tasks_db.compat import TaskResultStatus

    submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=3)

    assert leases.sweep()["failed"] == 1
    db_task.refresh_from_db()
    run.refresh_from_db()
    assert db_task.status == TaskResultStatus.FAILED
    assert run.state == CheckRun.State.FAILED
    message = run.report["error"]["message"]
    assert "could not be completed" in message and "stopped 3 times" in message and "You can still submit" in message
    lease = JobLease.objects.get(pk=str(db_task.id))
    assert lease.state == JobLease.State.FAILED and "stopped 3 times" in lease.message

    # the author is not stopped by a checker fault
    services.submission_submit(submission=submission, actor=author)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED

    # the chair sees it on the jobs page and retries it
    client.force_login(chair)
    page = client.get(reverse("jobs:venue", args=[venue.slug])).content.decode()
    assert "PDF check" in page and "stopped 3 times" in page and 'value="retry"' in page
    response = client.post(reverse("jobs:venue", args=[venue.slug]), {"action": "retry", "job": str(db_task.id)})
    assert response.status_code == 302
    db_task.refresh_from_db()
    assert db_task.status == TaskResultStatus.READY
    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.QUEUED
    run_queued_jobs()
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE and run.report["status"] == "ok"


def test_a_retrying_job_can_be_cancelled_and_a_running_one_cannot(venue, author, chair, queue, client):
    from django_tasks_db.compat import TaskResultStatus

    _submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    client.force_login(chair)
    url = reverse("jobs:venue", args=[venue.slug])
    leases.beat("dead-worker")
    refused = client.post(url, {"action": "cancel", "job": str(db_task.id)})
    assert refused.status_code == 409 and "cannot be stopped half-way" in refused.content.decode()

    from paperdesk.jobs.models import Holder

    Holder.objects.filter(pk="dead-worker").delete()
    leases.sweep()
    assert client.post(url, {"action": "cancel", "job": str(db_task.id)}).status_code == 302
    db_task.refresh_from_db()
    run.refresh_from_db()
    assert db_task.status == TaskResultStatus.FAILED
    assert run.state == CheckRun.State.FAILED and "Cancelled by" in run.report["error"]["message"]
    assert JobLease.objects.get(pk=str(db_task.id)).state == JobLease.State.CANCELLED
    assert run_queued_jobs() == 0


def test_submit_never_checks_a_check_whose_holder_died_the_sweep_hands_it_on(venue, author, queue):
    """Submit never runs a check inside its transaction (it may take a minute, holding the
    write lock): it answers "still being checked"; the sweep hands the dead holder's check
    to a worker, and the next submit goes through."""
    submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    with pytest.raises(services.ServiceError, match="still being checked"):
        services.submission_submit(submission=submission, actor=author)
    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.RUNNING  # untouched by submit

    assert leases.sweep()["retried"] == 1
    run_queued_jobs()
    services.submission_submit(submission=submission, actor=author)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE


def test_the_sweep_queues_again_a_check_left_running_with_no_job(venue, author, queue):
    """A check left "running" by a holder that died after its job ended (or by a worker from
    before leases): no job would ever finish it; the sweep queues it again."""
    from django_tasks_db.compat import TaskResultStatus

    submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    db_task.status = TaskResultStatus.SUCCESSFUL  # its job ended
    db_task.save(update_fields=["status"])

    assert leases.sweep() == {"retried": 0, "failed": 0, "rows": 1}
    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.QUEUED
    assert run_queued_jobs() == 1
    run.refresh_from_db()
    assert run.state == CheckRun.State.DONE
    services.submission_submit(submission=submission, actor=author)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED


def test_submit_waits_for_a_check_a_live_worker_holds(venue, author, queue):
    submission, upload = draft(venue, author)
    run, db_task = check_job(upload)
    left_by_dead_worker(run, db_task, attempts=1)
    leases.beat("dead-worker")
    with pytest.raises(services.ServiceError, match="still being checked"):
        services.submission_submit(submission=submission, actor=author)
