"""Send a signed-in person whose account is not approved (waiting or rejected) to the
status page when they open a page that needs an approved account, instead of an error
further down. Public pages, the profile and the status page stay open to them.

The access policy (`policy.can_create_submission`, ...) still refuses such people on its
own; this middleware only makes the refusal friendly. The API is left to the policy: an
API client wants a JSON error, not a redirect to an HTML page."""

from __future__ import annotations

import re

from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from paperdesk import policy

# Paths that need an approved account for every method, and for writes only.
APPROVED_ONLY = (re.compile(r"^/v/[^/]+/submit/"),)
APPROVED_ONLY_WRITES = (re.compile(r"^/submissions/"),)
# Answering an invitation to co-author changes no paper: a person waiting for approval
# confirms or declines there as through the invitation link (/claim/<token>/), and then
# reads the submission (policy: read-only until approved).
OPEN_WRITES = (re.compile(r"^/submissions/invitations/"),)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS", "TRACE"}


def password_change_may_wait(path: str) -> bool:
    """What a person who must change a one-time password may still open: the change page,
    signing out and static files. (An API client with a token has no session: not concerned.)"""
    return path.startswith((reverse("account_change_password"), reverse("account_logout"), "/static/"))


def needs_approved_account(method: str, path: str) -> bool:
    if any(rule.match(path) for rule in APPROVED_ONLY):
        return True
    if any(rule.match(path) for rule in OPEN_WRITES):
        return False
    return method not in SAFE_METHODS and any(rule.match(path) for rule in APPROVED_ONLY_WRITES)


class ModerationMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "must_change_password", False) and not password_change_may_wait(request.path_info):
            return self._to_password_change(request)
        if user is not None and user.is_authenticated and needs_approved_account(request.method, request.path_info):
            standing = policy.account_standing(user)
            if not standing:
                return self._to_status_page(request, standing.reason)
        return self.get_response(request)

    @staticmethod
    def _to_password_change(request) -> HttpResponse:
        url = reverse("account_change_password")
        if request.path_info.startswith("/api/") and not request.path_info.startswith("/api/tokens"):
            return JsonResponse({"detail": f"Change the one-time password first: {url}"}, status=403)
        messages.warning(request, "You signed in with a one-time password: choose a password of your own before you go on.")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)

    @staticmethod
    def _to_status_page(request, reason: str) -> HttpResponse:
        url = reverse("accounts:status")
        messages.warning(request, f"{reason} Submitting and changing papers needs an approved account.")
        if request.headers.get("HX-Request"):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)
