"""The Paperdesk REST API: one NinjaAPI, routers per domain, errors in one shape.

Errors are `{"detail": "...", "field": ...}` with the status the service or policy chose;
request validation is ninja's 422. A missing object and a forbidden one give the same 404.
OpenAPI: /api/openapi.json; interactive docs: /api/docs.
"""

from __future__ import annotations

import logging
import math

from django.core.exceptions import (
    BadRequest,
    RequestDataTooBig,
    SuspiciousOperation,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled

from paperdesk.committee.services import ReviewingError
from paperdesk.submissions.services import ServiceError

from . import (
    author_response,
    bids,
    camera_ready,
    chasing,
    decisions,
    discussion,
    integrity,
    me,
    program,
    ratings,
    review_history,
    reviews,
    submissions,
    venues,
)
from .auth import REQUIRED
from .throttling import AUTH_FAILURES, THROTTLES

logger = logging.getLogger("paperdesk.api")

DESCRIPTION = """\
Venue facts, your own submissions, reviewing and decisions: the same services and access
policy as the web pages.

- **Authors**: create, change, upload, submit and withdraw submissions; once the chairs
  release the decisions, read the decision, the reviews and the meta-review
  (`/submissions/{id}/results`; reviewers appear as "Reviewer 1", "Reviewer 2", ...); for
  an accepted paper, the camera-ready checklist, PDF versions, published details and
  hosting (`/submissions/{id}/camera-ready`).
- **Reviewers**: your papers per venue (`/venues/{slug}/assignments`), the review form
  (`/venues/{slug}/review-form`), your review (`/papers/{id}/review`: GET, PUT a draft,
  POST `.../submit`), the other reviews once the venue lets you (`/papers/{id}/reviews`),
  the paper's discussion once you may read the other reviews (`/papers/{id}/discussion`:
  GET, POST a post), and bidding (`/venues/{slug}/bidding`, `/venues/{slug}/bids`).
  Authors are never shown.
- **Area chairs**: the reviews and discussion of your papers, and their meta-reviews
  (`/papers/{id}/meta-review`: GET, PUT a draft, POST `.../submit`).
- **Chairs**: the submission list, the reviews of a paper with who wrote them, the decision
  table with score statistics and setting decisions (`/venues/{slug}/decisions`), every
  version of a paper's reviews (`/papers/{id}/review-history`), the venue's e-mail outbox
  (`/venues/{slug}/outbox`) and publishing the program (`/venues/{slug}/program/publication`:
  GET, POST, DELETE). Papers you have a conflict with show nothing of their reviewing.

Authenticate with a personal token from [/api/tokens/](/api/tokens/):
`Authorization: Bearer pd_...`. In the browser, your signed-in session works too (writes
then need the CSRF token). Errors are `{"detail": "...", "field": "..."}`; a submission,
paper or review you may not see is a 404, exactly like one that does not exist.
"""

api = NinjaAPI(
    title="Paperdesk API",
    version="1",
    description=DESCRIPTION,
    auth=REQUIRED,
    urls_namespace="paperdesk-api",
    openapi_url="/openapi.json",
    docs_url="/docs",
    throttle=THROTTLES,  # per account and per client IP: settings.PAPERDESK_API_RATES
)
api.add_router("/venues", venues.router)
api.add_router("/me", me.router)
api.add_router("", submissions.router)
api.add_router("", reviews.router)
api.add_router("", discussion.router)
api.add_router("", review_history.router)
api.add_router("", bids.router)
api.add_router("", decisions.router)
api.add_router("", camera_ready.router)
api.add_router("", program.router)
api.add_router("", chasing.router)
api.add_router("", ratings.router)
api.add_router("", author_response.router)
api.add_router("", integrity.router)


def _error(request, status: int, detail: str, field: str | None = None):
    return api.create_response(request, {"detail": detail, "field": field}, status=status)


@api.exception_handler(ServiceError)
def service_error(request, exc: ServiceError):
    return _error(request, exc.status, exc.message, exc.field)


@api.exception_handler(ReviewingError)
def reviewing_error(request, exc: ReviewingError):
    return _error(request, exc.status, exc.message, exc.field)


@api.exception_handler(Http404)
def not_found(request, exc: Http404):
    return _error(request, 404, "Not found.")


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc: AuthenticationError):
    """401, counted per client IP; past the limit of failed sign-ins, 429 (audited)."""
    wait = AUTH_FAILURES.blocked(request)
    if wait is not None:
        return throttled(request, Throttled(wait=math.ceil(wait)))
    AUTH_FAILURES.failed(request)
    detail = getattr(request, "_api_auth_problem", None) or (
        "Authentication required: send 'Authorization: Bearer <token>' (create a token at /api/tokens/)."
    )
    response = _error(request, 401, detail)
    response["WWW-Authenticate"] = 'Bearer realm="paperdesk"'
    return response


_THROTTLE_WHAT = {"account": "from your account", "ip": "from your address", "lookups": "for objects that do not exist",
                  "auth_failures": "with a missing or invalid API token from your address"}


@api.exception_handler(Throttled)
def throttled(request, exc: Throttled):
    """429 with a message a script's author can act on (ninja adds Retry-After); the first
    refusal of a client in a window is audited."""
    from paperdesk.security import audit_once, client_ip, parse_rate

    scope, rate, ident = getattr(request, "_paperdesk_throttled", ("", "", ""))
    wait = max(1, math.ceil(exc.wait)) if exc.wait is not None else None
    limit = parse_rate(rate)
    detail = f"Too many requests {_THROTTLE_WHAT.get(scope, '')}".rstrip() + (
        f" (at most {limit[0]} in {limit[1]} seconds)" if limit and scope != "lookups" else "") + (
        f"; retry in {wait} seconds." if wait else "; retry later.")
    user = getattr(request, "auth", None)
    audit_once(f"api-throttled:{scope}:{ident}", limit[1] if limit else 60, "security.api_throttled", user or request,
               actor=user, scope=scope, rate=rate, ip=client_ip(request), path=request.path[:200])
    response = _error(request, 429, detail)
    if wait:
        response["Retry-After"] = str(wait)
    return response


@api.exception_handler(HttpError)
def http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(RequestDataTooBig)
def too_big(request, exc: RequestDataTooBig):
    return _error(request, 413, "The request body is too large.")


def _unreadable(request, exc: Exception):
    logger.info("unreadable API request body: %s", exc)
    return _error(request, 400, f"The request body could not be read: {exc}")


for _exc in (MultiPartParserError, TooManyFieldsSent, TooManyFilesSent, BadRequest):
    api.add_exception_handler(_exc, _unreadable)


@api.exception_handler(SuspiciousOperation)
def suspicious(request, exc: SuspiciousOperation):
    return _error(request, 400, "The request was refused as malformed.")
