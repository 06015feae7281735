"""Prometheus metrics, through prometheus_client.

Two kinds:
- counted in the process that does the work (request latency in the web processes). Under `paperdesk serve` (or any
  deployment that sets PROMETHEUS_MULTIPROC_DIR) every process writes them to that
  directory and /metrics adds them up (prometheus_client's multiprocess mode);
- read from the database at scrape time, so they are right whichever process did the work:
  job queue depth and age, checks finished and their latency (upload to report), e-mails
  sent and failed and the outbox by state (every message is a row of the outbox, whichever
  process or host sent it).
"""

from __future__ import annotations

import datetime as dt
import logging
import os

# prometheus_client's multiprocess mode writes its files there from the first metric on: a
# directory named but not made yet (a fresh host, a tmpfs) must not crash the import.
if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger("paperdesk.metrics")

# Metrics of this process; in multiprocess mode their values live in mmap'ed files.
PROCESS_REGISTRY = CollectorRegistry(auto_describe=True)

REQUEST_LATENCY = Histogram(
    "paperdesk_http_request_duration_seconds",
    "Time from the request reaching Django to its response, by route pattern.",
    ["method", "route", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 30.0),
    registry=PROCESS_REGISTRY,
)

CHECK_LATENCY_BUCKETS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    REQUEST_LATENCY.labels(method=method, route=route, status=str(status)).observe(seconds)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class DatabaseCollector(Collector):
    """Job queue, checker and e-mail figures, read from the database when Prometheus scrapes."""

    def collect(self):
        from paperdesk.clock import now

        up = GaugeMetricFamily("paperdesk_metrics_database_up", "1 when the figures below could be read from the database.")
        try:
            families = list(self.queue_families(now())) + list(self.check_families(now())) + list(self.email_families())
        except Exception:  # a scrape must answer even with the database down
            log.exception("metrics: cannot read the database")
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        yield up
        yield from families

    def queue_families(self, moment: dt.datetime):
        from django.db.models import Count, Min
        from django_tasks_db.models import DBTaskResult

        depth = GaugeMetricFamily("paperdesk_jobs", "Background jobs by queue and state (READY = waiting, RUNNING = being worked on).", labels=["queue", "state"])
        age = GaugeMetricFamily("paperdesk_job_oldest_ready_age_seconds", "How long the oldest job that is due has been waiting, by queue.", labels=["queue"])
        rows = DBTaskResult.objects.filter(status__in=["READY", "RUNNING"]).values("queue_name", "status").annotate(n=Count("id"))
        for row in rows:
            depth.add_metric([row["queue_name"], row["status"]], row["n"])
        oldest = DBTaskResult.objects.ready().values("queue_name").annotate(first=Min("enqueued_at"))
        for first in oldest:
            age.add_metric([first["queue_name"]], max(0.0, (moment - first["first"]).total_seconds()))
        yield depth
        yield age

    def check_families(self, moment: dt.datetime):
        from django.apps import apps
        from django.db.models import Count, DurationField, ExpressionWrapper, F, Q, Sum

        # By name: ops sits below the apps (the audit log imports its request context).
        check_runs = apps.get_model("submissions", "CheckRun").objects

        waiting = GaugeMetricFamily("paperdesk_checks_waiting", "Uploaded PDFs whose check has not finished, by state.", labels=["state"])
        for row in check_runs.filter(state__in=["queued", "running"]).values("state").annotate(n=Count("id")):
            waiting.add_metric([row["state"]], row["n"])
        yield waiting

        finished = check_runs.filter(state__in=["done", "failed"], finished_at__isnull=False)
        last_minute = GaugeMetricFamily("paperdesk_checks_finished_last_minute", "Checks finished in the last 60 seconds.")
        last_minute.add_metric([], finished.filter(finished_at__gt=moment - dt.timedelta(minutes=1)).count())
        yield last_minute

        latency = ExpressionWrapper(F("finished_at") - F("created_at"), output_field=DurationField())
        buckets = {f"le_{i}": Count("id", filter=Q(latency__lte=dt.timedelta(seconds=b))) for i, b in enumerate(CHECK_LATENCY_BUCKETS)}
        total = CounterMetricFamily("paperdesk_checks_finished", "Checks finished since the database was created, by outcome.", labels=["state"])
        for row in finished.values("state").annotate(n=Count("id")):
            total.add_metric([row["state"]], row["n"])
        yield total
        agg = finished.annotate(latency=latency).aggregate(count=Count("id"), total=Sum("latency"), **buckets)
        seconds_sum = agg["total"].total_seconds() if agg["total"] is not None else 0.0
        histogram = HistogramMetricFamily("paperdesk_check_latency_seconds", "From upload to the checker's report.")
        histogram.add_metric(
            [],
            [(str(b), agg[f"le_{i}"]) for i, b in enumerate(CHECK_LATENCY_BUCKETS)] + [("+Inf", agg["count"])],
            sum_value=seconds_sum,
        )
        yield histogram


    def email_families(self):
        from django.apps import apps
        from django.db.models import Count

        outbox = apps.get_model("mail", "OutboundEmail").objects
        by_state = dict(outbox.values_list("state").annotate(n=Count("id")).values_list("state", "n"))
        sent = CounterMetricFamily("paperdesk_emails_sent", "E-mails handed to the mail server (from the outbox, whichever process sent them).")
        sent.add_metric([], by_state.get("sent", 0))
        yield sent
        failed = CounterMetricFamily("paperdesk_emails_failed", "E-mails the mail server refused or could not be reached for (from the outbox).")
        failed.add_metric([], by_state.get("failed", 0))
        yield failed
        waiting = GaugeMetricFamily("paperdesk_emails_outbox", "Outbox messages not sent (yet), by state: queued, held (digest or coalescing window), sending (unconfirmed).", labels=["state"])
        for state in ("queued", "held", "sending"):
            waiting.add_metric([state], by_state.get(state, 0))
        yield waiting


def render() -> tuple[bytes, str]:
    """The exposition text of every metric, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, multiprocess

    registry = CollectorRegistry(auto_describe=False)
    if multiprocess_dir():
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_ProcessCollector())
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


class _ProcessCollector(Collector):
    def collect(self):
        yield from PROCESS_REGISTRY.collect()
