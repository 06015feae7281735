"""Refuse a request whose declared body is larger than anything the site accepts, before
a byte of it is read.

The submission pages install `upload_handlers.UploadLimitHandler` with the venue's exact
limits; the API, the camera-ready page and the publication import parse their bodies
through Django before they know the venue. Without this a 300 MB "paper" sent there was
read to a temporary file in full and only then refused. The bound is the largest upload
any loaded venue accepts plus room for the form fields, so no legitimate upload is ever
refused here; the venue's own limit still applies afterwards.
"""

from __future__ import annotations

import json

from django.core.cache import cache
from django.http import HttpResponse

from paperdesk.venues.models import Venue

from .upload_handlers import FORM_MARGIN

CACHE_KEY = "paperdesk:largest-upload-bytes"
FALLBACK_MB = 100  # before any venue is loaded


def largest_upload_bytes() -> int:
    """The largest PDF or supplementary archive any venue accepts, in bytes (cached a minute)."""
    cached = cache.get(CACHE_KEY)
    if cached is not None:
        return int(cached)
    largest_mb = 0.0
    for config in Venue.objects.values_list("config", flat=True):
        rules = (config or {}).get("submission") or {}
        largest_mb = max(largest_mb, float(rules.get("max_pdf_mb") or 0), float(rules.get("max_supplementary_mb") or 0))
    limit = int((largest_mb or FALLBACK_MB) * 1_000_000)
    cache.set(CACHE_KEY, limit, 60)
    return limit


def checks_upload_limits(view):
    """Mark a view that installs `upload_handlers.UploadLimitHandler` itself."""
    view.checks_upload_limits = True
    return view


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        """Before the view (and before CSRF reads the form): the view is known, the body unread."""
        if getattr(view_func, "checks_upload_limits", False):
            return None  # it refuses per field with the venue's limits and keeps the form
        declared = request.META.get("CONTENT_LENGTH") or "0"
        try:
            size = int(declared)
        except ValueError:
            return self._refuse(request, 400, "The request's Content-Length header is not a number.")
        # Most requests carry no body or a small form: no lookup for them.
        if size > FORM_MARGIN and size > largest_upload_bytes() + FORM_MARGIN:
            limit = largest_upload_bytes()
            message = (f"The upload is {size / 1e6:.0f} MB; no file on this site may be larger than "
                       f"{limit / 1e6:.0f} MB. Please upload a smaller file.")
            return self._refuse(request, 413, message)
        return None

    @staticmethod
    def _refuse(request, status: int, message: str) -> HttpResponse:
        # The body stays unread (nothing is spooled to disk); the server discards it.
        if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
            response = HttpResponse(json.dumps({"detail": message}), status=status, content_type="application/json")
        else:
            response = HttpResponse(
                f'<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Upload too large</title></head>'
                f"<body><main><h1>Upload too large</h1><p>{message}</p><p>Go back to the form to choose another file.</p></main></body></html>",
                status=status, content_type="text/html; charset=utf-8")
        return response
