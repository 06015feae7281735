"""A job worker killed with SIGKILL in the middle of a job: another worker takes the job
over once the dead one's lease expires, and nothing already done is done again.

Real `paperdesk db_worker` processes on the test database (SQLite file or PostgreSQL);
the moment of the kill is made deterministic by gates (a FIFO the checker child or the
e-mail backend blocks on), and the test waits for database rows, never for time."""

from __future__ import annotations

import collections
import io

import pytest
from django.utils import timezone

from paperdesk.decisions.models import Decision, NoticeSent, Release
from paperdesk.submissions import services
from paperdesk.submissions.models import CheckRun, Submission
from tests.conftest import make_pdf_bytes
from tests.jobs import workers
from tests.jobs.gated_mail import recipients
from tests.reviews.review_world import make_paper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def db_tasks(settings):
    """Jobs go to the database queue (as in production), not inline."""
    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.JOB_LEASE_SECONDS = workers.LEASE_SECONDS


@pytest.fixture
def spawned():
    processes = []
    yield processes
    for process in processes:
        workers.stop(process)


def draft_with_pdf(venue, author):
    data = services.SubmissionInput(
        title="Killed in the middle", abstract="A.", track="short", primary_topic="circuits", contribution_type="empirical",
        authors=[services.AuthorInput(author.email, author.full_name, "Uni")],
        attestations={"not-accepted-archival": True, "anonymized": True},
    )
    submission = services.submission_create(venue=venue, actor=author, data=data)
    upload = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(make_pdf_bytes(2)), original_name="paper.pdf")
    return submission, upload


def test_a_check_whose_worker_is_killed_is_finished_by_another_worker_and_submit_works(
        venue, author, db_tasks, spawned, tmp_path):
    submission, upload = draft_with_pdf(venue, author)
    run = CheckRun.objects.get(upload=upload)
    assert run.state == CheckRun.State.QUEUED

    gate = workers.make_fifo(tmp_path / "check-gate")
    log = tmp_path / "workers.log"
    first = workers.start_worker(workers.worker_env(PAPERDESK_CHECK_TEST_GATE=str(gate)), log)
    spawned.append(first)
    workers.wait_for(lambda: CheckRun.objects.filter(pk=run.pk, state=CheckRun.State.RUNNING).exists(), 60, "the check to start", log)
    workers.kill(first)  # its checker child is blocked on the gate: the check is half-way

    assert CheckRun.objects.get(pk=run.pk).state == CheckRun.State.RUNNING
    second = workers.start_worker(workers.worker_env(), log)
    spawned.append(second)
    workers.wait_for(lambda: CheckRun.objects.filter(pk=run.pk, state=CheckRun.State.DONE).exists(), 90,
                     "the second worker to finish the check", log)

    run.refresh_from_db()
    assert run.report and run.report["status"] == "ok" and run.report["pages"]["total"] == 2
    assert run.verdict != "unreadable"
    services.submission_submit(submission=submission, actor=author)
    assert Submission.objects.get(pk=submission.pk).status == Submission.Status.SUBMITTED


def released_wave(venue, chair, author, papers: int):
    outcome = venue.spec.outcomes[0].slug
    made = [make_paper(venue, author, f"Paper {n}", coauthors=[(f"Co {n}", f"co{n}@example.org", "Lab")]) for n in range(papers)]
    release = Release.objects.create(
        venue=venue, wave=1, started_by=chair, decision_count=papers, total=2 * papers,
        accept_subject="Decision on {{ title }}", accept_body="Dear {{ author_name }}: {{ outcome }}.",
        reject_subject="Decision on {{ title }}", reject_body="Dear {{ author_name }}: {{ outcome }}.",
    )
    for paper in made:
        Decision.objects.create(submission=paper, outcome=outcome, decided_by=chair, release=release, released_at=timezone.now())
    return release


def test_a_release_whose_worker_is_killed_goes_on_without_a_chair_and_sends_no_notice_twice(
        venue, chair, author, db_tasks, spawned, tmp_path):
    from django_tasks_db.models import DBTaskResult

    from paperdesk.decisions.services import release_resume, send_release_notices

    release = released_wave(venue, chair, author, papers=5)
    DBTaskResult.objects.all().delete()  # the papers' own jobs (receipts, invitations) are not this test's
    send_release_notices.enqueue(release.pk)
    mail_dir, gate, log = tmp_path / "mail", workers.make_fifo(tmp_path / "mail-gate"), tmp_path / "workers.log"
    mail_env = {"PAPERDESK_EMAIL_BACKEND": "tests.jobs.gated_mail.EmailBackend", "JOBS_TEST_MAIL_DIR": str(mail_dir)}

    first = workers.start_worker(workers.worker_env(**mail_env, JOBS_TEST_MAIL_GATE=str(gate), JOBS_TEST_MAIL_GATE_AFTER="4"), log)
    spawned.append(first)
    workers.wait_for(lambda: NoticeSent.objects.filter(release=release).count() == 5, 60, "the fifth notice to be on its way", log)
    workers.kill(first)  # four notices sent, the fifth cut off while sending
    assert Release.objects.get(pk=release.pk).state == Release.State.RUNNING

    second = workers.start_worker(workers.worker_env(**mail_env), log)
    spawned.append(second)
    workers.wait_for(lambda: Release.objects.filter(pk=release.pk).exclude(state=Release.State.RUNNING).exists(), 90,
                     "the second worker to finish the wave", log)

    release.refresh_from_db()
    sent = recipients(mail_dir)
    assert len(sent) == 9 and len(set(sent)) == 9  # every notice but the one cut off; none twice
    assert release.sent == 9 and release.runs == 2
    [unconfirmed] = NoticeSent.objects.filter(release=release, state=NoticeSent.State.SENDING)
    assert not any(line.startswith(f"{unconfirmed.email}: ") and unconfirmed.submission.title in line for line in sent)
    assert "could not be confirmed" in release.error

    # The one notice whose sending was cut off is the chair's call (it may have gone out).
    release_resume(venue=venue, actor=chair, resend_unconfirmed=True)
    workers.wait_for(lambda: Release.objects.filter(pk=release.pk, state=Release.State.DONE).exists(), 60, "the resend", log)
    sent = recipients(mail_dir)
    assert len(sent) == 10 and collections.Counter(sent).most_common(1)[0][1] == 1
