"""Bidding over the API: the papers a pool member may bid on (never ones they author or
have a conflict with, never their authors), their bids, and setting or clearing a bid.
Through `policy.biddable_submissions`, the reviewing selectors and `reviewing.services.bid_set`,
as on the bidding page."""

from __future__ import annotations

import re

from django.http import Http404
from ninja import Query, Router, Status

from paperdesk import policy
from paperdesk.committee import selectors, services
from paperdesk.committee.conflicts import refresh_for_reviewer, reviewer_is_stale
from paperdesk.committee.models import Bid
from paperdesk.ids import ALPHABET
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, get_venue_for
from paperdesk.venues.models import Venue

from .reviewing_schemas import BiddingOut, BiddingParams, BidIn, BidOut
from .reviewing_views import bidding_view
from .schemas import ErrorOut

router = Router(tags=["bids"])

_PUBLIC_ID = re.compile(f"[{ALPHABET}]{{1,16}}")


def _member(user, venue: Venue):
    """The caller's accepted pool membership, or a 403 saying why bidding is closed to them
    (the venue is public; the refusal names no paper)."""
    decision = policy.can_view_bidding(user, venue)
    if not decision:
        raise ServiceError(decision.reason, 403)
    member = policy.pool_membership(user, venue) or policy.pool_membership(user, venue, "area_chair")
    if reviewer_is_stale(venue, member):
        refresh_for_reviewer(venue, user)  # never show a paper whose conflict is not computed yet
    return member


def _biddable(user, venue: Venue, public_id: str):
    if not _PUBLIC_ID.fullmatch(public_id or "") or not policy.can_view_bidding(user, venue):
        raise Http404("No such paper")
    return policy.get_biddable_submission_for(user, venue, public_id)


@router.get(
    "/venues/{slug}/bidding",
    response={200: BiddingOut, 403: ErrorOut, 404: ErrorOut},
    summary="Papers I may bid on",
    description="By affinity to your expertise, best first, 50 a page; titles, abstracts and topics only.",
)
def bidding(request, slug: str, params: Query[BiddingParams]):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    member = _member(request.auth, venue)
    data = selectors.bidding_page(request.auth, venue, member, q=params.q or "", topic=params.topic or "", shown=params.shown or "", page=params.page)
    return bidding_view(data)


@router.get("/venues/{slug}/bids", response={200: list[BidOut], 403: ErrorOut, 404: ErrorOut}, summary="My bids")
def my_bids(request, slug: str):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    _member(request.auth, venue)
    rows = (
        Bid.objects.filter(user=request.auth, submission__in=policy.biddable_submissions(request.auth, venue))
        .select_related("submission").order_by("submission__title", "submission__public_id")
    )
    return [{"paper": b.submission.public_id, "title": b.submission.title, "value": b.value} for b in rows]


@router.put("/venues/{slug}/bids/{public_id}", response={200: BidOut, 400: ErrorOut, 404: ErrorOut}, summary="Set my bid on a paper")
def set_bid(request, slug: str, public_id: str, payload: BidIn):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    submission = _biddable(request.auth, venue, public_id)
    bid = services.bid_set(submission=submission, actor=request.auth, value=payload.value)
    return {"paper": submission.public_id, "title": submission.title, "value": bid.value}


@router.delete("/venues/{slug}/bids/{public_id}", response={204: None, 404: ErrorOut}, summary="Clear my bid on a paper")
def clear_bid(request, slug: str, public_id: str):
    venue = get_venue_for(request.auth, slug, Need.SEE)
    submission = _biddable(request.auth, venue, public_id)
    services.bid_set(submission=submission, actor=request.auth, value="")
    return Status(204, None)
