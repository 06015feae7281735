"""The jobs page: a venue's for its chairs (/v/<venue>/chair/jobs/), every venue's for
superusers (/ops/jobs/). Thin: policy, selector, service."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from paperdesk import policy
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, venue_for_request

from . import jobs_selectors as selectors
from . import jobs_services as services


def _page(request, venue):
    if not request.user.is_authenticated or not policy.can_view_jobs(request.user, venue):
        raise Http404("No such page")
    here = reverse("jobs:venue", args=[venue.slug]) if venue else reverse("jobs:all")
    status = 200
    if request.method == "POST":
        action, task_id = request.POST.get("action"), request.POST.get("job", "")[:64]
        try:
            if action == "retry":
                lease = services.job_retry(task_id=task_id, actor=request.user)
                messages.success(request, f"“{lease.label}” is queued again.")
            elif action == "cancel":
                lease = services.job_cancel(task_id=task_id, actor=request.user)
                messages.success(request, f"“{lease.label}” is cancelled.")
            else:
                raise ServiceError("Choose retry or cancel.", 400)
            return redirect(here)
        except ServiceError as error:
            if error.status == 403:  # another venue's job: the same answer as a missing one
                error = ServiceError("No such job.", 404)
            messages.error(request, error.message)
            status = error.status
    state = request.GET.get("state", "")
    return render(request, "jobs/jobs.html", {
        "venue": venue, "rows": selectors.job_rows(request.user, venue, state), "state": state,
        "workers": selectors.workers_alive(), "here": here,
    }, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def venue_jobs(request, venue_slug):
    return _page(request, venue_for_request(request, venue_slug, Need.VIEW_JOBS))


@require_http_methods(["GET", "HEAD", "POST"])
def all_jobs(request):
    return _page(request, None)
