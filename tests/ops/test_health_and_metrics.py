"""/healthz, /readyz and /metrics: what a load balancer and Prometheus read."""

from __future__ import annotations

import datetime as dt
import io
import os

import pytest
from django.test import Client, override_settings
from prometheus_client.parser import text_string_to_metric_families

from paperdesk.clock import now


def scrape(client: Client, **headers) -> dict:
    response = client.get("/metrics", **headers)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/plain; version=")
    return {family.name: family for family in text_string_to_metric_families(response.content.decode())}


def value(families: dict, name: str, sample: str | None = None, **labels) -> float:
    """The sum of the matching samples (0 when the metric has none yet)."""
    family = families.get(name)
    samples = family.samples if family else []
    return sum(s.value for s in samples if (sample is None or s.name == sample) and all(s.labels.get(k) == v for k, v in labels.items()))


def test_healthz_answers_json(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_readyz_reports_database_storage_worker_and_queue(db, client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "ready"
    assert set(body["checks"]) == {"database", "storage", "worker", "queue"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_is_503_when_storage_fails(db, client, tmp_path):
    blocked = tmp_path / "not-a-directory"
    blocked.write_text("a file where the storage expects a folder")
    with override_settings(STORAGES={"default": {"BACKEND": "paperdesk.submissions.storage.DurableFileSystemStorage",
                                                 "OPTIONS": {"location": str(blocked)}},
                                     "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}):
        response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "not ready"
    assert body["checks"]["storage"]["ok"] is False
    assert body["checks"]["database"]["ok"] is True


@override_settings(TASKS={"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "checks"]}})
def test_readyz_with_a_job_queue_reports_its_depth_and_a_missing_worker(db, client):
    from paperdesk.submissions.checking import run_check

    run_check.enqueue(0)
    response = client.get("/readyz")
    body = response.json()
    assert body["checks"]["queue"]["ready"] == 1
    assert body["checks"]["queue"]["oldest_ready_age_s"] is not None
    assert body["checks"]["worker"]["ok"] is False  # no worker has beaten
    assert response.status_code == 503


def test_metrics_only_for_loopback_or_the_bearer_token(db):
    outside = Client(REMOTE_ADDR="192.0.2.10")
    assert outside.get("/metrics").status_code == 403
    with override_settings(PAPERDESK_METRICS_TOKEN="s3cret-token"):
        assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403
        assert outside.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token").status_code == 200
    assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics").status_code == 200
    # A proxy on loopback forwarding an outside client does not make it a loopback client.
    with override_settings(PAPERDESK_TRUSTED_PROXIES="127.0.0.1"):
        assert Client(REMOTE_ADDR="127.0.0.1").get("/metrics", HTTP_X_FORWARDED_FOR="192.0.2.10").status_code == 403


def finished_check(venue, author, pdf_bytes, *, seconds: float):
    """A paper uploaded `seconds` ago whose check has just finished."""
    from paperdesk.submissions import services
    from paperdesk.submissions.models import CheckRun
    from tests.submissions.submission_helpers import submission_input

    submission = services.submission_create(venue=venue, actor=author, data=submission_input())
    upload = services.upload_add(submission=submission, actor=author, stream=io.BytesIO(pdf_bytes), original_name="paper.pdf")
    moment = now()
    CheckRun.objects.update_or_create(upload=upload, defaults={"state": "done", "created_at": moment - dt.timedelta(seconds=seconds),
                                                               "started_at": moment - dt.timedelta(seconds=1), "finished_at": moment})
    return CheckRun.objects.get(upload=upload)


def test_metrics_count_requests_jobs_checks_and_emails(db, venue, author, pdf_bytes):
    client = Client(REMOTE_ADDR="127.0.0.1")
    before = scrape(client)
    requests_before = value(before, "paperdesk_http_request_duration_seconds", "paperdesk_http_request_duration_seconds_count", route="/healthz")
    client.get("/healthz")
    client.get("/healthz")

    # A check that took 90 s from upload to report, finished just now.
    check = finished_check(venue, author, pdf_bytes, seconds=90)
    # E-mails are counted from the outbox (whichever process sent them): two sent, one failed.
    from paperdesk.mail import send_templated

    account = {"user": author}
    with override_settings(EMAIL_BACKEND="paperdesk.ops.mail.MeteredEmailBackend",
                           EMAIL_DELIVERY_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        send_templated("account_approved", account, ["to@example.org"])
        send_templated("account_approved", account, ["to2@example.org"])
    with override_settings(EMAIL_BACKEND="paperdesk.ops.mail.MeteredEmailBackend",
                           EMAIL_DELIVERY_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                           EMAIL_HOST="127.0.0.1", EMAIL_PORT=9, EMAIL_TIMEOUT=2), \
            pytest.raises(OSError):  # nothing listens on port 9: the mail server is unreachable
        send_templated("account_approved", account, ["to3@example.org"])
    after = scrape(client)
    assert value(after, "paperdesk_http_request_duration_seconds", "paperdesk_http_request_duration_seconds_count", route="/healthz") == requests_before + 2
    assert value(after, "paperdesk_emails_sent", "paperdesk_emails_sent_total") - value(before, "paperdesk_emails_sent", "paperdesk_emails_sent_total") == 2
    assert value(after, "paperdesk_emails_failed", "paperdesk_emails_failed_total") - value(before, "paperdesk_emails_failed", "paperdesk_emails_failed_total") == 1
    assert value(after, "paperdesk_metrics_database_up") == 1
    latency = "paperdesk_check_latency_seconds"
    assert value(after, latency, f"{latency}_count") - value(before, latency, f"{latency}_count") == 1
    assert value(after, latency, f"{latency}_bucket", le="120.0") - value(before, latency, f"{latency}_bucket", le="120.0") == 1
    assert value(after, latency, f"{latency}_bucket", le="60.0") == value(before, latency, f"{latency}_bucket", le="60.0")
    assert value(after, "paperdesk_checks_finished_last_minute") >= 1
    assert value(after, "paperdesk_checks_finished", "paperdesk_checks_finished_total", state=check.state) >= 1
    assert "paperdesk_jobs" in after and "paperdesk_job_oldest_ready_age_seconds" in after


def test_production_mail_is_counted_then_delivered_by_the_configured_backend():
    import paperdesk.settings as production

    assert production.EMAIL_BACKEND == "paperdesk.ops.mail.MeteredEmailBackend"
    assert production.EMAIL_DELIVERY_BACKEND in ("django.core.mail.backends.filebased.EmailBackend",
                                                 "django.core.mail.backends.smtp.EmailBackend",
                                                 os.environ.get("PAPERDESK_EMAIL_BACKEND"))


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
@pytest.mark.parametrize("host", ["10.0.3.17:8000", "paperdesk-web-1", "[fd00::5]:8000"])
def test_probes_answer_a_host_the_site_does_not_serve(db, client, path, host):
    """Load balancers and orchestrators probe a web process by its own address (a pod's IP, a
    container's name), which is not in PAPERDESK_ALLOWED_HOSTS; the probe still gets its answer
    (a 400 would take every healthy process out of rotation)."""
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, response.content
    assert response.json()["status"] in {"ok", "ready"}


def test_other_pages_still_refuse_an_unknown_host(db, client):
    assert client.get("/", HTTP_HOST="10.0.3.17:8000").status_code == 400
    assert client.get("/metrics", HTTP_HOST="10.0.3.17:8000").status_code == 400
