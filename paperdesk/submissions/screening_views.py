"""The chairs' screening pages: the findings overview, desk rejection and messages to
authors. Every page answers 404 to anyone but the venue's chairs."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Subquery
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from paperdesk import plurals, policy
from paperdesk.venues.lookup import Need, venue_for_request

from . import archival, findings, screening, selectors, supplementary
from .models import Submission
from .services import ServiceError
from .views import _detail

PAGE_SIZE = 50


def chair_findings(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    status = request.GET.get("status", "submitted")
    status = status if status in findings.SCREENED_STATUSES else "submitted"
    category = request.GET.get("finding", "")
    category = category if category in findings.BY_SLUG else ""
    papers = findings.papers_with(request.user, venue, status, category).annotate(
        latest_paper_id=Subquery(selectors._latest_paper().values("pk")[:1])
    )
    page = Paginator(papers, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = findings.category_counts(request.user, venue, status)
    rows = selectors.chair_rows(page.object_list, venue, policy.viewer_for(request))
    supplementary.attach_archive_checks(rows, policy.viewer_for(request), venue)  # the archive's findings, the form's links
    archival.attach_matches(rows, policy.viewer_for(request), venue)  # matches in the imported archival listings
    return render(request, "submissions/chair_findings.html", {
        "venue": venue,
        "status": status,
        "category": category,
        "categories": [(c.slug, c.label, counts[c.slug]) for c in findings.CATEGORIES],
        "category_label": findings.BY_SLUG[category].label if category else "All papers",
        "page": page,
        "pager_query": urlencode({"status": status, "finding": category}),
        "rows": rows,
    })


def _chosen(request, venue) -> list[Submission]:
    ids = request.POST.getlist("ids") or request.GET.getlist("ids")
    chosen = policy.submissions_visible_to(request.user, venue).filter(public_id__in=ids[:500])
    return list(chosen.select_related("venue").order_by("number"))


def chair_contact(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    chosen = _chosen(request, venue)
    context = {"venue": venue, "chosen": chosen, "subject": "", "body": "", "error": ""}
    if request.method == "POST" and request.POST.get("action") == "send":
        context.update(subject=request.POST.get("subject", ""), body=request.POST.get("body", ""))
        try:
            sent = screening.authors_contact(submissions=chosen, actor=request.user, subject=context["subject"], body=context["body"])
        except ServiceError as error:
            context["error"] = error.message
            return render(request, "submissions/chair_contact.html", context, status=error.status)
        messages.success(request, f"Your message is on its way to the authors of {plurals.count(sent, 'submission')}.")
        return redirect("submissions:chair_findings", venue.slug)
    return render(request, "submissions/chair_contact.html", context)


@require_POST
def desk_reject(request, public_id):
    submission = policy.get_submission_for(request.user, public_id)
    try:
        screening.submission_desk_reject(submission=submission, actor=request.user, reason=request.POST.get("reason", ""))
    except ServiceError as error:
        return _detail(request, submission, error=error.message, status=error.status)
    messages.success(request, "Desk-rejected; the authors are told why.")
    return redirect("submissions:detail", submission.public_id)


@require_POST
def reinstate(request, public_id):
    submission = policy.get_submission_for(request.user, public_id)
    try:
        screening.submission_reinstate(submission=submission, actor=request.user)
    except ServiceError as error:
        return _detail(request, submission, error=error.message, status=error.status)
    messages.success(request, "Reinstated: the submission is under consideration again.")
    return redirect("submissions:detail", submission.public_id)
