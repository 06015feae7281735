"""Health probes answered before the Host header is validated.

Load balancers and orchestrators probe each web process at its own address (a pod's IP, a
container's name), which is rarely one of PAPERDESK_ALLOWED_HOSTS; Django's host check would
answer them 400 and take every healthy process out of rotation. The probes reveal nothing of a
venue, so they are answered here, before CommonMiddleware and CSRF read the Host header. Every
other path (the metrics scrape included) keeps the host check.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import resolve

from . import views

PROBES: dict[str, Callable[[HttpRequest], HttpResponse]] = {"/healthz": views.healthz, "/readyz": views.readyz}


class HealthProbeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        probe = PROBES.get(request.path_info)
        if probe is not None:
            # The route label of the request metrics and the access log, as if resolved.
            request.resolver_match = resolve(request.path_info)
            return probe(request)
        return self.get_response(request)
