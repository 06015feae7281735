"""One middleware per request: a request id (X-Request-ID, taken from a trusted proxy or
made here), the client's address in the log context, an access-log line and the latency
histogram. It runs right after ClientAddressMiddleware, so the address is the client's."""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings

from paperdesk import requestcontext as context

from . import metrics
from .proxy import parse_trusted_proxies

access_log = logging.getLogger("paperdesk.access")
VALID_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
# URL parameters that are capabilities (an invitation's token, the key of an e-mail
# confirmation or of a password reset, its account part): the log writes [redacted].
SECRET_PARAMETER = re.compile(r"(^|_)(token|key|uidb36)$")


def loggable(path: str, request) -> str:
    """`path` with the values of the matched route's secret parameters redacted."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        return path
    for name, value in match.kwargs.items():
        if SECRET_PARAMETER.search(name) and isinstance(value, str) and value:
            path = path.replace(value, "[redacted]")
    return path


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.trusted = parse_trusted_proxies(getattr(settings, "PAPERDESK_TRUSTED_PROXIES", ""))

    def request_id_for(self, request) -> str:
        incoming = request.META.get("HTTP_X_REQUEST_ID", "")
        peer = request.META.get("paperdesk.peer_addr", request.META.get("REMOTE_ADDR"))
        if incoming and VALID_ID.match(incoming) and self.trusted.enabled and self.trusted.trusts(peer):
            return incoming
        return uuid.uuid4().hex

    def __call__(self, request):
        rid = self.request_id_for(request)
        request.request_id = rid
        ip = request.META.get("REMOTE_ADDR") or "-"
        tokens = (context.request_id.set(rid), context.client_ip.set(ip))
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response["X-Request-ID"] = rid
            match = getattr(request, "resolver_match", None)
            route = "<unmatched>" if match is None else "/" + match.route.lstrip("^")
            metrics.observe_request(request.method, route, response.status_code, seconds)
            access_log.info(
                "%s %s %s %.1fms", request.method, loggable(request.get_full_path(), request)[:500], response.status_code, seconds * 1000,
                extra={"request_id": rid, "client_ip": ip, "method": request.method, "path": loggable(request.path, request)[:500],
                       "status": response.status_code,
                       "duration_ms": round(seconds * 1000, 1), "route": route},
            )
            return response
        finally:
            context.request_id.reset(tokens[0])
            context.client_ip.reset(tokens[1])
