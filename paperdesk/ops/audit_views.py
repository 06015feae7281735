"""The audit log's pages (paperdesk.audit keeps the entries and writes them; the pages read
every app, so they sit here, at the top): a venue's for its chairs (/v/<venue>/chair/audit/), every entry for
superusers (/ops/audit/), each with a streamed CSV of the filtered set. Thin: policy,
selector, render."""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_safe

from paperdesk import clock, policy
from paperdesk.csvexport import csv_response
from paperdesk.venues.lookup import Need, venue_for_request
from paperdesk.venues.models import Venue

from . import audit_log as selectors


def _venue(request, venue_slug: str | None) -> Venue | None:
    """The venue's log (its chairs), or with no venue the operators' log (superusers)."""
    if venue_slug is not None:
        return venue_for_request(request, venue_slug, Need.VIEW_AUDIT_LOG)
    if not policy.can_view_audit_log(policy.viewer_for(request), None):
        raise Http404("No such page")
    return None


def _log(request, venue_slug: str | None = None):
    venue = _venue(request, venue_slug)
    here = reverse("audit:venue", args=[venue.slug]) if venue else reverse("audit:all")
    csv_url = reverse("audit:venue_csv", args=[venue.slug]) if venue else reverse("audit:all_csv")
    context: dict[str, object] = {"venue": venue, "here": here, "csv_url": csv_url, "groups": selectors.ACTION_GROUPS}
    try:
        filters = selectors.parse_filters(request.GET)
    except selectors.FilterError as error:
        context.update(error=error, values={k: request.GET.get(k, "")[:200] for k in ("actor", "object", "action", "since", "until")})
        return render(request, "audit/log.html", context, status=400)
    log_page = selectors.page(policy.viewer_for(request), venue, filters, request.GET.get("before"), request.GET.get("after"))
    context.update(filters=filters, values=filters.raw, query=filters.query(), log=log_page)
    return render(request, "audit/log.html", context)


def _csv(request, venue_slug: str | None = None):
    venue = _venue(request, venue_slug)
    try:
        filters = selectors.parse_filters(request.GET)
    except selectors.FilterError as error:
        from django.http import HttpResponse

        return HttpResponse(error.message, status=400, content_type="text/plain; charset=utf-8")
    name = f"{venue.slug if venue else 'paperdesk'}-audit-{clock.now():%Y%m%d-%H%M}.csv"
    return csv_response(name, selectors.CSV_HEADER, selectors.csv_rows(policy.viewer_for(request), venue, filters))


@require_safe
def venue_log(request, venue_slug):
    return _log(request, venue_slug)


@require_safe
def venue_csv(request, venue_slug):
    return _csv(request, venue_slug)


@require_safe
def all_log(request):
    return _log(request)


@require_safe
def all_csv(request):
    return _csv(request)
