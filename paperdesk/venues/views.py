"""Public venue pages (start page, call for papers, dates, .ics) and the error pages."""

from __future__ import annotations

import logging

from django.conf import settings
from django.http import HttpResponse, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.views.decorators.http import require_safe

from paperdesk import clock
from paperdesk.venueconfig import AOE

from . import selectors
from .ics import venue_calendar
from .lookup import Need, venue_for_request
from .timeline import timeline

logger = logging.getLogger(__name__)


@require_safe
def home(request):
    return render(request, "venues/home.html", {"summaries": selectors.home_venues(clock.now())})


@require_safe
def cfp(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    return render(request, "venues/cfp.html", {"venue": venue, "cfp": selectors.cfp_page(venue, clock.now())})


@require_safe
def dates(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    context = {"venue": venue, "dates": timeline(venue, clock.now()), "is_aoe": venue.tzinfo is AOE}
    return render(request, "venues/dates.html", context)


@require_safe
def dates_ics(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.SEE)
    site = settings.SITE_URL.rstrip("/")
    body = venue_calendar(
        venue,
        now=clock.now(),
        site_url=site,
        page_url=site + reverse("venues:dates", kwargs={"venue_slug": venue.slug}),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{venue.slug}-dates.ics"'
    response["Cache-Control"] = "public, max-age=300"
    return response


# --- error pages (handler404 is wired in paperdesk.urls; see 400/403/500 below) ----------

def not_found(request, exception=None):
    return render(request, "404.html", status=404)


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def bad_request(request, exception=None):
    return render(request, "400.html", status=400)


def server_error(request):
    """Rendered without the request's context processors: whatever broke the page (the
    database, a template) must not break the error page too."""
    contact = ""
    try:
        from .context import default_venue

        venue = default_venue()
        contact = venue.contact_email if venue else ""
    except Exception:
        logger.warning("500 page: default venue unavailable", exc_info=True)
    return HttpResponseServerError(loader.get_template("500.html").render({"contact_email": contact}))
