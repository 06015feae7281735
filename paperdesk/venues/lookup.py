"""The one venue lookup of pages and the API: the slug checked, the venue read, and the
right the caller needs asked of the access policy, each in one place.

A view or API operation that takes a venue's slug calls `venue_for_request(request, slug,
need)` (a page: it also sets `request.venue` for the layout) or `get_venue_for(viewer,
slug, need)`. Every `Need` is one predicate of `paperdesk.policy`. An unknown venue, a
malformed slug and a person without the need get the same 404, so a chairs' page tells no
one who may not open it whether the venue exists.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

from django.http import Http404, HttpRequest

from paperdesk import policy

from .models import Venue

# What a venue slug may be (the model's SlugField, at most 64 characters): anything else is
# answered without a query.
SLUG = re.compile(r"[A-Za-z0-9_-]{1,64}")


class Need(enum.Enum):
    """What the caller needs of the venue, each answered by one policy predicate."""

    SEE = "see"  # the public pages: call for papers, dates, reviewing hub, API venue facts
    CHAIR = "chair"  # the chairs' pages: submissions table, decisions
    MANAGE_VENUE = "manage_venue"  # the chairs' list of the venue's submissions (API)
    EDIT_SETTINGS = "edit_settings"  # the settings editor
    MANAGE_POOL = "manage_pool"  # the pool, conflicts, assignment pages
    MANAGE_AREA_CHAIRS = "manage_area_chairs"  # the area chairs' batches
    AREA_CHAIR = "area_chair"  # an area chair's own page of their papers
    CHASE_REVIEWS = "chase_reviews"  # remind late reviewers (chairs and area chairs)
    REVERT_REVIEWS = "revert_reviews"  # every review of the venue back to a moment
    VIEW_AUDIT_LOG = "view_audit_log"  # the venue's audit log
    VIEW_JOBS = "view_jobs"  # the venue's background jobs
    VIEW_OUTBOX = "view_outbox"  # the venue's e-mails


Predicate = Callable[[policy.ViewerLike, Venue], bool | policy.Decision]

PREDICATES: dict[Need, Predicate] = {
    Need.SEE: policy.can_view_venue,
    Need.CHAIR: policy.is_chair,
    Need.MANAGE_VENUE: policy.can_manage_venue,
    Need.EDIT_SETTINGS: policy.can_edit_venue_settings,
    Need.MANAGE_POOL: policy.can_manage_pool,
    Need.MANAGE_AREA_CHAIRS: policy.can_manage_area_chairs,
    Need.AREA_CHAIR: policy.is_area_chair_in,
    Need.CHASE_REVIEWS: policy.can_chase_venue_reviews,
    Need.REVERT_REVIEWS: policy.can_revert_venue_reviews,
    Need.VIEW_AUDIT_LOG: policy.can_view_audit_log,
    Need.VIEW_JOBS: policy.can_view_jobs,
    Need.VIEW_OUTBOX: policy.can_view_outbox,
}

# The 404's message (pages render 404.html and the API answers "Not found.", so it reaches
# only logs and the debug page): the public pages' venue is missing; for every other need
# there is "no such page", whether the venue is missing or the person may not open it.
MISSING_VENUE = "No such venue"
MISSING_PAGE = "No such page"


def find_venue(slug: object) -> Venue | None:
    """The venue of a well-formed slug, or None: no right is asked. For what shows a venue
    whatever the page (the layout's venue) and must not answer 404 itself."""
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        return None
    return Venue.objects.filter(slug=slug).first()


def allows(viewer: policy.ViewerLike, venue: Venue, need: Need) -> bool:
    """Whether this person has `need` on `venue` (the policy's answer)."""
    return bool(PREDICATES[need](viewer, venue))


def get_venue_for(viewer: policy.ViewerLike, slug: str, need: Need = Need.SEE) -> Venue:
    """The venue of `slug` if this person has `need` on it; one 404 otherwise (malformed
    slug, unknown venue or no right alike)."""
    venue = find_venue(slug)
    if venue is None or not allows(viewer, venue, need):
        raise Http404(MISSING_VENUE if need is Need.SEE else MISSING_PAGE)
    return venue


def venue_for_request(request: HttpRequest, slug: str, need: Need = Need.SEE) -> Venue:
    """`get_venue_for` with the request's viewer, keeping the venue on the request (the
    layout's context processor shows it without reading it again)."""
    venue = get_venue_for(policy.viewer_for(request), slug, need)
    request.venue = venue  # type: ignore[attr-defined]
    return venue
