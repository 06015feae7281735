"""The page where a person manages their API tokens (/api/tokens/)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from paperdesk.submissions.services import ServiceError

from . import services
from .models import ApiToken


def _page(request, *, new_token: str = "", error: str = "", name: str = "", status: int = 200):
    context = {
        "tokens": ApiToken.objects.filter(user=request.user).order_by(F("revoked_at").asc(nulls_first=True), "-created_at"),
        "new_token": new_token,
        "error": error,
        "name": name,
        "api_base": settings.SITE_URL.rstrip("/") + "/api",
    }
    response = render(request, "api/tokens.html", context, status=status)
    if new_token:
        response["Cache-Control"] = "no-store"  # the secret must not linger in a cache
    return response


@login_required
def tokens(request):
    if request.method == "POST":
        name = request.POST.get("name", "")
        try:
            _, token = services.token_issue(actor=request.user, name=name)
        except ServiceError as error:
            return _page(request, error=error.message, name=name[:100], status=400)
        # Rendered, not redirected: the token is shown this once and stored nowhere.
        return _page(request, new_token=token)
    return _page(request)


@login_required
@require_POST
def revoke(request, token_id: int):
    try:
        row = services.token_revoke(actor=request.user, token_id=token_id)
    except ServiceError:
        raise Http404("No such token") from None
    messages.success(request, f"The token “{row.name}” is revoked; programs using it can no longer sign in.")
    return redirect("api_tokens")


def not_found(request, rest: str = ""):
    """Unknown addresses under /api/ answer in the API's error shape, not with an HTML page."""
    return JsonResponse({"detail": "Not found.", "field": None}, status=404)
