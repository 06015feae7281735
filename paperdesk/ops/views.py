"""Probes for load balancers and orchestrators, and Prometheus' scrape.

- /healthz: the process answers (no database touched): JSON, always 200.
- /readyz: the database answers, storage takes a write and gives it back, a worker beat
  recently, and how deep and old the job queue is: JSON, 503 when not ready.
- /metrics: Prometheus text; answered only to loopback clients or to a bearer token
  (PAPERDESK_METRICS_TOKEN).
"""

from __future__ import annotations

import hmac
import ipaddress
import time
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from . import heartbeat, metrics


def _timed(check):
    started = time.perf_counter()
    try:
        result = check()
    except Exception as error:  # a probe reports failures, it does not raise them
        result = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    result["ms"] = round((time.perf_counter() - started) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"ok": True, "vendor": connection.vendor}


def check_storage() -> dict:
    name = f"health/readyz-{uuid.uuid4().hex}"
    payload = uuid.uuid4().bytes
    stored = default_storage.save(name, ContentFile(payload))
    try:
        with default_storage.open(stored, "rb") as handle:
            ok = handle.read() == payload
    finally:
        default_storage.delete(stored)
    return {"ok": ok} if ok else {"ok": False, "error": "read back different bytes"}


def uses_worker() -> bool:
    return str(settings.TASKS["default"]["BACKEND"]).startswith("django_tasks_db.")


def check_worker() -> dict:
    if not uses_worker():
        return {"ok": True, "mode": "inline"}
    age = heartbeat.newest_age_seconds()
    stale = float(getattr(settings, "PAPERDESK_WORKER_STALE_SECONDS", 60))
    if age is None:
        return {"ok": False, "error": "no worker has ever started", "heartbeat_age_s": None}
    result: dict[str, object] = {"ok": age <= stale, "heartbeat_age_s": round(age, 1)}
    if not result["ok"]:
        result["error"] = f"no worker heartbeat for {age:.0f} s"
    return result


def check_queue() -> dict:
    if not uses_worker():
        return {"ok": True, "mode": "inline", "ready": 0}
    from django.db.models import Min
    from django_tasks_db.models import DBTaskResult

    from paperdesk.clock import now

    ready = DBTaskResult.objects.ready()
    oldest = ready.aggregate(first=Min("enqueued_at"))["first"]
    return {
        "ok": True,  # a deep queue is a figure to watch, not a reason to take the web out
        "ready": ready.count(),
        "running": DBTaskResult.objects.running().count(),
        "oldest_ready_age_s": round((now() - oldest).total_seconds(), 1) if oldest else None,
    }


@never_cache
@require_safe
def healthz(request):
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request):
    checks = {"database": _timed(check_database)}
    if checks["database"]["ok"]:
        checks["storage"] = _timed(check_storage)
        checks["worker"] = _timed(check_worker)
        checks["queue"] = _timed(check_queue)
    ready = all(c["ok"] for c in checks.values())
    return JsonResponse({"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503)


def may_scrape(request) -> bool:
    token = getattr(settings, "PAPERDESK_METRICS_TOKEN", "")
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    try:
        # The client's address (after ClientAddressMiddleware): a request forwarded by a
        # proxy for an outside client is not a loopback request.
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
@require_safe
def metrics_view(request):
    if not may_scrape(request):
        response = HttpResponse("Metrics are answered to loopback clients or with the bearer token in PAPERDESK_METRICS_TOKEN.\n",
                                status=403, content_type="text/plain")
        response["WWW-Authenticate"] = 'Bearer realm="metrics"'
        return response
    body, content_type = metrics.render()
    return HttpResponse(body, content_type=content_type)


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for where a page names no icon (a PDF, the API's
    JSON): a permanent redirect to the static icon the pages name."""
    from django.shortcuts import redirect
    from django.templatetags.static import static

    return redirect(static("paperdesk/favicon.ico"), permanent=True)
