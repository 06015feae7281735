"""The chairs' outbox over the REST API (issue 11 item 5), as the outbox page does it:
search the venue's e-mails (recipient, subject, state, kind, date range; 50 a page, newest
first) and resend one (a new message; the original is kept; audited). Everything goes
through `paperdesk.ops.outbox` and the policy's `outbox_for`: a chair conflicted with a
paper reads nothing about it, and a message they may not read answers the same 404 as a
missing one. Registered on the API by OpsConfig.ready (the outbox lives above the API)."""

from __future__ import annotations

from django.http import Http404
from ninja import Field, Router, Schema
from ninja.errors import HttpError

from paperdesk.api.schemas import ErrorOut
from paperdesk.venues.lookup import Need, get_venue_for

from . import outbox

router = Router(tags=["e-mail"])


class OutboxMessageOut(Schema):
    id: int
    to: list[str]
    subject: str
    event: str = Field(description="The kind of e-mail (essential, a preference's event, digest)")
    state: str = Field(description="queued | held | sending | sent | failed | digested")
    created_at: str
    sent_at: str | None
    error: str
    resend_of: int | None = Field(description="The message this one sends again")


class OutboxPageOut(Schema):
    page: int
    pages: int
    total: int
    messages: list[OutboxMessageOut]


class OutboxBodyOut(OutboxMessageOut):
    body: str


def _out(email, *, body: bool = False) -> dict:
    out = {"id": email.pk, "to": email.to, "subject": email.subject, "event": email.event, "state": email.state,
           "created_at": email.created_at.isoformat(), "sent_at": email.sent_at.isoformat() if email.sent_at else None,
           "error": email.error, "resend_of": email.resend_of_id}
    if body:
        out["body"] = email.body
    return out


@router.get("/venues/{slug}/outbox", response={200: OutboxPageOut, 400: ErrorOut, 404: ErrorOut},
            summary="The venue's e-mails: search and page (chairs)")
def list_outbox(request, slug: str, recipient: str = "", subject: str = "", state: str = "", event: str = "",
                since: str = "", until: str = "", page: int = 1):
    venue = get_venue_for(request.auth, slug, Need.VIEW_OUTBOX)
    try:
        filters = outbox.parse_filters({"recipient": recipient, "subject": subject, "state": state, "event": event,
                                        "since": since, "until": until})
    except outbox.FilterError as error:
        raise HttpError(400, str(error)) from None
    found = outbox.page(request.auth, venue, filters, str(page))
    return {"page": found.number, "pages": found.pages, "total": found.total, "messages": [_out(e) for e in found.rows]}


@router.get("/venues/{slug}/outbox/{email_id}", response={200: OutboxBodyOut, 404: ErrorOut},
            summary="One e-mail of the venue, with its text (chairs)")
def get_message(request, slug: str, email_id: int):
    venue = get_venue_for(request.auth, slug, Need.VIEW_OUTBOX)
    email = outbox.message_for(request.auth, venue, email_id)
    if email is None:
        raise Http404("No such message")
    return _out(email, body=True)


@router.post("/venues/{slug}/outbox/{email_id}/resend", response={200: OutboxMessageOut, 404: ErrorOut, 409: ErrorOut},
             summary="Send an e-mail again, as a new message (chairs)")
def resend(request, slug: str, email_id: int):
    venue = get_venue_for(request.auth, slug, Need.VIEW_OUTBOX)
    try:
        new = outbox.resend(venue=venue, actor=request.auth, email_id=email_id)
    except outbox.ServiceError as error:
        if error.status == 404:
            raise Http404("No such message") from None
        raise HttpError(409, error.message) from None
    return _out(new)
