"""Publishing the program over the API: the chairs' twin of the page /v/<venue>/chair/program/.

Reads go through `cameraready.program.program_state` and writes through its
`program_publish` / `program_unpublish` services (audited, one transaction), as on the page;
the service's refusals come back with their status and message. Anyone but a chair of the
venue gets the same 404 as for a venue that does not exist.

What a chair reads is what the page shows every chair of the venue (a chair conflicted
with one of the papers too, as there): the state, the moment, the choice for papers whose
authors have not confirmed their details, the counts and those papers' numbers. No title,
author or other detail of a paper.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from django.http import Http404
from ninja import Router, Schema
from pydantic import AfterValidator, AwareDatetime, Field

from paperdesk.cameraready import program
from paperdesk.cameraready.models import ProgramPublication
from paperdesk.venues.lookup import Need, get_venue_for
from paperdesk.venues.models import Venue

from .schemas import ErrorOut, InputSchema, MomentOut, moment

router = Router(tags=["program"])

PATH = "/venues/{slug}/program/publication"
UnconfirmedChoice = Literal["omit", "tbc"]
ERRORS = {400: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _within_the_calendar(value: dt.datetime) -> dt.datetime:
    # A moment at the calendar's edge (9999-12-31 at UTC-12) cannot be stored or shown in
    # UTC or the venue's zone: refused as input, not a server error.
    try:
        in_utc = value.astimezone(dt.UTC)
    except OverflowError:
        raise ValueError("must be a moment between the years 2000 and 9000") from None
    if not 2000 <= in_utc.year <= 9000:
        raise ValueError("must be a moment between the years 2000 and 9000")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_within_the_calendar)]


class UnconfirmedOptionOut(Schema):
    """One choice of what the public program does with papers whose authors have not
    confirmed their camera-ready details (the page's radio buttons)."""

    value: UnconfirmedChoice
    label: str
    default: bool = Field(description="The choice before a chair makes one")


class ProgramPapersOut(Schema):
    """The accepted papers the program would list, counted as on the chairs' page."""

    accepted: int = Field(description="Accepted papers whose decision is released (withdrawn ones left out)")
    confirmed: int = Field(description="Of them, those whose authors confirmed their camera-ready details")
    unconfirmed: int = Field(description="Of them, those whose authors have not confirmed their details yet")
    unconfirmed_numbers: list[int] = Field(description="The numbers of the unconfirmed papers, in order (at most 500), as the page names them")


class LastChangeOut(Schema):
    by: str = Field(description="The chair who last published, scheduled or unpublished the program")
    at: MomentOut


class ProgramPublicationOut(Schema):
    """Whether the venue's public program (the accepted-papers page and the program JSON)
    lists the accepted papers, as the chairs' page /v/<venue>/chair/program/ shows it."""

    state: Literal["unpublished", "scheduled", "published"] = Field(
        description="unpublished: the public page lists no paper; scheduled: it will from `published_at` on; published: it does")
    label: str = Field(description="The state as the page heads it: Not published | Scheduled | Published")
    published: bool = Field(description="True when the public program lists the papers now")
    published_at: MomentOut | None = Field(description="Public since (published) or from (scheduled) this moment; null when unpublished")
    unconfirmed_choice: UnconfirmedChoice = Field(
        description="What the public program does with unconfirmed papers: omit (left out) or tbc (listed as to be confirmed, title only)")
    unconfirmed_options: list[UnconfirmedOptionOut] = Field(description="The choices POST takes as `unconfirmed`")
    papers: ProgramPapersOut
    last_changed: LastChangeOut | None = Field(description="Who changed the publication last and when; null before the first publication")


class ProgramPublishIn(InputSchema):
    """Publish the program now (no `at`) or schedule it (`at` in the future), as the page's
    "Publish now" and "Schedule" buttons do. Publishing a program that is already public
    keeps the moment it went public and only changes `unconfirmed`."""

    unconfirmed: UnconfirmedChoice | None = Field(
        None, description="omit or tbc (see `unconfirmed_options`); left out: the previous choice (at first omit)")
    at: Moment | None = Field(
        None, description="Schedule the publication at this moment (ISO 8601 with its UTC offset, e.g. 2030-01-01T12:00:00-12:00 "
                          "for noon Anywhere on Earth); must be in the future. Left out: publish now.")


def _state_view(venue: Venue, state: program.ProgramState) -> dict:
    return {
        "state": state.state,
        "label": state.label,
        "published": state.state == "published",
        "published_at": moment(venue, state.published_at) if state.published_at else None,
        "unconfirmed_choice": state.unconfirmed_choice,
        "unconfirmed_options": [{"value": value, "label": str(label), "default": value == ProgramPublication.Unconfirmed.OMIT}
                                for value, label in ProgramPublication.Unconfirmed.choices],
        "papers": {"accepted": state.accepted, "confirmed": state.confirmed, "unconfirmed": state.accepted - state.confirmed,
                   "unconfirmed_numbers": [s.number for s in state.unconfirmed]},
        "last_changed": {"by": state.updated_by, "at": moment(venue, state.updated_at)} if state.updated_by and state.updated_at else None,
    }


def _current(request, venue: Venue) -> dict:
    state = program.program_state(request.auth, venue)
    if state is None:  # not after Need.CHAIR; were the two ever to disagree, the page's 404
        raise Http404
    return _state_view(venue, state)


@router.get(PATH, response={200: ProgramPublicationOut, 404: ErrorOut},
            summary="Whether the program is published (chairs)",
            description="The public program's state, the choice for unconfirmed papers and the counts, as on the chairs' program page.")
def publication(request, slug: str):
    venue = get_venue_for(request.auth, slug, Need.CHAIR)
    return _current(request, venue)


@router.post(PATH, response={200: ProgramPublicationOut, **ERRORS},
             summary="Publish or schedule the program (chairs)",
             description="Publishes the program now, or from `at`; audited as on the page. Answers the new state.")
def publish(request, slug: str, payload: ProgramPublishIn):
    venue = get_venue_for(request.auth, slug, Need.CHAIR)
    program.program_publish(venue=venue, actor=request.auth, at=payload.at, unconfirmed=payload.unconfirmed)
    return _current(request, venue)


@router.delete(PATH, response={200: ProgramPublicationOut, **ERRORS},
               summary="Unpublish the program or cancel its schedule (chairs)",
               description="The public page and the program JSON list no paper until it is published again; 409 when it is neither "
                           "published nor scheduled. Audited as on the page. Answers the new state.")
def unpublish(request, slug: str):
    venue = get_venue_for(request.auth, slug, Need.CHAIR)
    program.program_unpublish(venue=venue, actor=request.auth)
    return _current(request, venue)
