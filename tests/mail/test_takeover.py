"""A plain e-mail job (no claims of its own: the assignment notices) whose worker is killed
with SIGKILL after the mail server accepted some messages and in the middle of the next:
another worker takes the job over and sends every other message once; the one caught
while sending is not sent again on its own, it waits in the outbox for a chair to resend.

Real `paperdesk db_worker` processes (tests/jobs/workers.py); the kill point is a FIFO the
e-mail backend blocks on (tests/jobs/gated_mail.py)."""

from __future__ import annotations

import collections

import pytest

from paperdesk.mail.models import OutboundEmail
from tests.jobs import workers
from tests.jobs.gated_mail import recipients
from tests.reviews.review_world import assign, make_paper

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def spawned():
    processes = []
    yield processes
    for process in processes:
        workers.stop(process)


def test_a_plain_email_job_taken_over_after_a_kill_sends_no_message_twice(venue, chair, author, make_user, settings, spawned, tmp_path, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from paperdesk.committee.tasks import send_assignment_emails_job
    from paperdesk.ops import outbox

    settings.TASKS = {"default": {**settings.TASKS["default"], "BACKEND": "django_tasks_db.DatabaseBackend"}}
    paper = make_paper(venue, author, "Killed while mailing")
    reviewers = [make_user(f"rev{n}@uni.edu", f"Reviewer {n}") for n in range(5)]
    assignments = [assign(paper, user, n + 1) for n, user in enumerate(reviewers)]
    DBTaskResult.objects.all().delete()  # the paper's own jobs are not this test's
    OutboundEmail.objects.all().delete()
    send_assignment_emails_job.enqueue(venue.pk, [a.pk for a in assignments])
    mail_dir, gate, log = tmp_path / "mail", workers.make_fifo(tmp_path / "mail-gate"), tmp_path / "workers.log"
    mail_env = {"PAPERDESK_EMAIL_BACKEND": "tests.jobs.gated_mail.EmailBackend", "JOBS_TEST_MAIL_DIR": str(mail_dir)}

    first = workers.start_worker(workers.worker_env(**mail_env, JOBS_TEST_MAIL_GATE=str(gate), JOBS_TEST_MAIL_GATE_AFTER="2"), log)
    spawned.append(first)
    # One query, so both counts come from the same moment (two queries could see the second
    # notice still "sending" and then already "sent", before the third existed).
    workers.wait_for(lambda: collections.Counter(OutboundEmail.objects.values_list("state", flat=True)) == {"sent": 2, "sending": 1},
                     60, "two notices sent and the third on its way", log)
    workers.kill(first)  # the mail server took two; the third is cut off while sending
    assert len(recipients(mail_dir)) == 2

    second = workers.start_worker(workers.worker_env(**mail_env), log)
    spawned.append(second)
    workers.wait_for(lambda: DBTaskResult.objects.filter(status="SUCCESSFUL").exists(), 90, "the second worker to finish the job", log)

    sent = recipients(mail_dir)
    assert len(sent) == 4 and collections.Counter(sent).most_common(1)[0][1] == 1  # none twice
    [caught] = OutboundEmail.objects.filter(state="sending")
    assert not any(line.startswith(f"{caught.recipients}: ") for line in sent)
    assert OutboundEmail.objects.count() == 5 and OutboundEmail.objects.exclude(job="").count() == 5

    # The unconfirmed one is a person's call: the chair resends it from the outbox.
    workers.stop(second)
    settings.EMAIL_BACKEND = "tests.jobs.gated_mail.EmailBackend"
    monkeypatch.setenv("JOBS_TEST_MAIL_DIR", str(mail_dir))
    outbox.resend(venue=venue, actor=chair, email_id=caught.pk)
    sent = recipients(mail_dir)
    assert len(sent) == 5 and collections.Counter(sent).most_common(1)[0][1] == 1
    assert OutboundEmail.objects.get(resend_of=caught).state == "sent"
