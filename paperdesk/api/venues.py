"""Venue facts: public, as on the call-for-papers pages."""

from __future__ import annotations

from ninja import Router

from paperdesk.venues.lookup import Need, get_venue_for
from paperdesk.venues.models import Venue

from .schemas import ErrorOut, VenueDetailOut, VenueOut, venue_detail_view, venue_view

router = Router(tags=["venues"])

@router.get("", response=list[VenueOut], auth=None, summary="List venues")
def list_venues(request):
    return [venue_view(v) for v in Venue.objects.all()]


@router.get("/{slug}", response={200: VenueDetailOut, 404: ErrorOut}, auth=None, summary="Venue facts, dates and rules")
def get_venue(request, slug: str):
    return venue_detail_view(get_venue_for(None, slug, Need.SEE))
