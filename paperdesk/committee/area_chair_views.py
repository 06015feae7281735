"""The chairs' area-chair page: accepted area chairs with their batches, propose, move,
add, remove, publish. Chairs only (everyone else gets the 404 of a missing page); views
parse the request, call one service or the page read of `area_chairs`, and render or
redirect with a message."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from paperdesk import plurals
from paperdesk.submissions.models import Submission
from paperdesk.venues.lookup import Need, venue_for_request
from paperdesk.venues.models import Venue

from . import area_chairs
from .models import Assignment, PoolMember
from .services import ReviewingError


def _page_url(venue: Venue, anchor: str = "") -> str:
    return reverse("committee:area_chairs", args=[venue.slug]) + (f"#{anchor}" if anchor else "")


def _refused(request, venue: Venue, error: ReviewingError):
    if error.status == 404:
        raise Http404(error.message)
    return render(request, "committee/refused.html", {"reason": error.message, "venue": venue, "back": _page_url(venue)}, status=error.status)


def _chosen(request, venue: Venue):
    """The area chair picked in a move/add form (a pool member's public id)."""
    member = PoolMember.objects.select_related("user").filter(
        venue=venue, public_id=request.POST.get("area_chair", "")[:16], role=PoolMember.Role.AREA_CHAIR).first()
    if member is None or member.user is None:
        raise ReviewingError("Choose one of the venue's accepted area chairs.", 400, "area_chair")
    return member.user


def _row(venue: Venue, pair_id) -> Assignment:
    return get_object_or_404(Assignment.objects.select_related("submission__venue", "user"), pk=pair_id, submission__venue=venue, kind=Assignment.Kind.AREA_CHAIR)


def _edited(request, venue: Venue, result, anchor: str = "batches"):
    for warning in result.warnings:
        messages.warning(request, warning)
    messages.success(request, result.message)
    return redirect(_page_url(venue, anchor))


@require_safe
def page(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    return render(request, "committee/area_chairs.html", {"venue": venue, "page": area_chairs.batch_page(request.user, venue)})


@require_POST
def propose(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    try:
        result = area_chairs.batches_propose(venue=venue, actor=request.user)
    except ReviewingError as error:
        return _refused(request, venue, error)
    messages.success(request, result.message)
    return redirect(_page_url(venue, "batches"))


@require_POST
def publish(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    if request.POST.get("confirm") != "yes":  # ask once, naming the papers and the area chairs
        try:
            papers, people, rows = area_chairs.batches_preview(venue=venue, actor=request.user)
        except ReviewingError as error:
            return _refused(request, venue, error)
        return render(request, "committee/confirm_publish_batches.html", {"venue": venue, "papers": papers, "people": people, "rows": rows})
    try:
        count = area_chairs.batches_publish(venue=venue, actor=request.user)
    except ReviewingError as error:
        return _refused(request, venue, error)
    messages.success(request, f"Published {plurals.count(count, 'paper')} to the area chairs; each is e-mailed the titles of their papers.")
    return redirect(_page_url(venue))


@require_POST
def add(request, venue_slug, public_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    submission = Submission.objects.filter(venue=venue, public_id=public_id).first()
    if submission is None:
        raise Http404("No such paper")
    try:
        result = area_chairs.batch_add(venue=venue, submission=submission, user=_chosen(request, venue), actor=request.user)
    except ReviewingError as error:
        return _refused(request, venue, error)
    return _edited(request, venue, result)


@require_POST
def move(request, venue_slug, pair_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    row = _row(venue, pair_id)
    try:
        result = area_chairs.batch_move(assignment=row, to_user=_chosen(request, venue), actor=request.user)
    except ReviewingError as error:
        return _refused(request, venue, error)
    return _edited(request, venue, result)


@require_POST
def remove(request, venue_slug, pair_id):
    venue = venue_for_request(request, venue_slug, Need.MANAGE_AREA_CHAIRS)
    try:
        result = area_chairs.batch_remove(assignment=_row(venue, pair_id), actor=request.user)
    except ReviewingError as error:
        return _refused(request, venue, error)
    return _edited(request, venue, result, "unassigned")
