"""The chairs' archival listings page (import, match again) and dismissing a paper's
archival match. 404 to anyone but the venue's chairs (and, for a paper, to a chair with a
conflict with it: the same answer as for a missing paper)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from paperdesk import policy
from paperdesk.venues.lookup import Need, venue_for_request

from . import archival
from .models import ArchivalMatch, Submission
from .services import ServiceError

MAX_WEB_UPLOAD = 50 * 1024 * 1024  # read in the request; larger slices: `paperdesk archival import FILE --venue SLUG`


def chair_archival(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    error, status = "", 200
    if request.method == "POST":
        if request.POST.get("action") == "match":
            flagged = archival.match_venue(venue, actor=request.user)
            messages.success(request, f"Every paper was looked up again: {flagged} with an archival match.")
            return redirect("submissions:chair_archival", venue.slug)
        upload = request.FILES.get("file")
        if upload is None:
            error, status = "Choose the listing's file (DBLP XML slice, BibTeX or CSV).", 400
        elif upload.size > MAX_WEB_UPLOAD:
            error, status = f"The file is larger than {MAX_WEB_UPLOAD // (1024 * 1024)} MB; import it with `paperdesk archival import FILE --venue {venue.slug}`.", 400
        else:
            try:
                listing = archival.import_listing(venue=venue, actor=request.user, stream=upload.file, filename=upload.name,
                                                  kind=request.POST.get("kind") or None)
            except ServiceError as failure:
                error, status = failure.message, failure.status
            else:
                messages.success(request, f"Imported {listing.records:,} records from {listing.name}; every paper was looked up.")
                return redirect("submissions:chair_archival", venue.slug)
    papers = policy.submissions_visible_to(request.user, venue).exclude(pk__in=policy.hidden_from_aggregates(request.user, venue))
    return render(request, "submissions/chair_archival.html", {
        "venue": venue,
        "listings": archival.listing_rows(venue),
        "flagged": papers.filter(archival.has_open_match()).count(),
        "error": error,
    }, status=status)


@require_POST
def dismiss(request, public_id, match_id):
    submission = Submission.objects.select_related("venue").filter(public_id=public_id).first()
    if submission is None or not policy.can_view_archival_matches(request.user, submission):
        raise Http404("No such submission")
    match = ArchivalMatch.objects.filter(pk=match_id, submission=submission).first() if str(match_id).isdigit() else None
    if match is None:
        raise Http404("No such match")
    try:
        archival.dismiss_match(match=match, actor=request.user, note=request.POST.get("note", ""))
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Dismissed; the match stays in the paper's record with your note.")
    return redirect("submissions:detail", submission.public_id)
