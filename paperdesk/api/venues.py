"""Venue facts: public, as on the call-for-papers pages."""

from __future__ import annotations

import re

from django.http import Http404
from ninja import Router

from paperdesk.venues.lookup import Need, get_venue_for
from paperdesk.venues.models import Venue

from .schemas import ErrorOut, VenueDetailOut, VenueOut, venue_detail_view, venue_view

router = Router(tags=["venues"])

_SLUG = re.compile(r"[A-Za-z0-9_-]{1,64}")


def venue_or_404(slug: str) -> Venue:
    """Venues are public; an unknown or malformed slug is a 404."""
    venue = Venue.objects.filter(slug=slug).first() if _SLUG.fullmatch(slug or "") else None
    if venue is None:
        raise Http404("No such venue")
    return venue


@router.get("", response=list[VenueOut], auth=None, summary="List venues")
def list_venues(request):
    return [venue_view(v) for v in Venue.objects.all()]


@router.get("/{slug}", response={200: VenueDetailOut, 404: ErrorOut}, auth=None, summary="Venue facts, dates and rules")
def get_venue(request, slug: str):
    return venue_detail_view(get_venue_for(None, slug, Need.SEE))
