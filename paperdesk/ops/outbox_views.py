"""The chairs' outbox pages: thin (policy, selector or service, render)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from paperdesk import policy
from paperdesk.venues.lookup import Need, venue_for_request

from . import outbox


@require_safe
def outbox_page(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.VIEW_OUTBOX)
    context: dict[str, object] = {"venue": venue, "states": outbox.OutboundEmail.State.choices, "events": outbox.event_choices()}
    try:
        filters = outbox.parse_filters(request.GET)
    except outbox.FilterError as error:
        context.update(error=str(error), values={k: request.GET.get(k, "")[:200] for k in outbox.FIELDS})
        return render(request, "ops/outbox.html", context, status=400)
    context.update(values=filters.raw, query=filters.query(),
                   page=outbox.page(policy.viewer_for(request), venue, filters, request.GET.get("page")))
    return render(request, "ops/outbox.html", context)


@require_safe
def outbox_message(request, venue_slug, email_id):
    venue = venue_for_request(request, venue_slug, Need.VIEW_OUTBOX)
    email = outbox.message_for(policy.viewer_for(request), venue, email_id)
    if email is None:
        raise Http404("No such message")
    return render(request, "ops/outbox_message.html", {"venue": venue, "email": email,
                                                       "can_resend": policy.can_resend_email(policy.viewer_for(request), email)})


@require_POST
def outbox_resend(request, venue_slug, email_id):
    venue = venue_for_request(request, venue_slug, Need.VIEW_OUTBOX)
    try:
        new = outbox.resend(venue=venue, actor=request.user, email_id=email_id)
    except outbox.ServiceError as error:
        if error.status == 404:
            raise Http404("No such message") from None
        messages.error(request, error.message)
        return redirect("ops:outbox_message", venue.slug, email_id)
    if new.state == "sent":
        messages.success(request, f"Sent again to {', '.join(new.to)} (a new message; the original is kept).")
    else:
        messages.error(request, f"The new message could not be sent: {new.error or new.get_state_display()}")
    return redirect("ops:outbox_message", venue.slug, new.pk)
