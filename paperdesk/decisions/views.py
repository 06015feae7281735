"""Decision pages: the chairs' decision table, release (preview, progress, resume),
dashboard and exports; the authors' page of decision and reviews (with the sections apps
above add to it: see author_page.py). Camera-ready, the program and the public accepted
papers are in paperdesk.cameraready. Thin: parse, call one service or selector, render."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from paperdesk import policy
from paperdesk.csvexport import csv_response
from paperdesk.submissions.models import Submission
from paperdesk.submissions.services import ServiceError
from paperdesk.venues.lookup import Need, venue_for_request

from . import author_page, exports, recommendations, selectors, services
from . import dashboard as dashboard_data
from .models import NoticeSent, Release

# --- the decision table ----------------------------------------------------------------------


def _table(request, venue, *, error: str = "", status: int = 200):
    filters = selectors.TableFilters.from_query(request.GET)
    page, rows = selectors.table_page(request.user, venue, filters, request.GET.get("page"))
    columns = [("number", "#"), ("title", "Title"), ("track", "Track"), ("reviews", "Reviews"), ("mean", "Mean"),
               ("spread", "Min–max"), ("confidence", "Conf."), ("recommendation", "Meta-review"), ("decision", "Decision")]
    return render(request, "decisions/table.html", {
        "venue": venue,
        "rows": rows,
        "page": page,
        "filters": filters,
        "counts": selectors.outcome_totals(request.user, venue),
        "outcomes": venue.spec.outcomes,
        "tracks": list(venue.tracks.all()),
        "columns": [(key, label, filters.as_query(sort=key if (filters.sort != key or filters.descending) else f"-{key}")) for key, label in columns],
        "error": error,
        "release": Release.objects.filter(venue=venue).order_by("-wave").first(),
    }, status=status)


@require_safe
def table(request, venue_slug):
    return _table(request, venue_for_request(request, venue_slug, Need.CHAIR))


@require_POST
def bulk_set(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    ids = request.POST.getlist("paper")
    submissions = list(Submission.objects.filter(venue=venue, public_id__in=ids).select_related("venue"))
    try:
        result = services.decisions_set(venue=venue, submissions=submissions, outcome=request.POST.get("outcome", ""), actor=request.user)
    except ServiceError as error:
        return _table(request, venue, error=error.message, status=error.status)
    if result.changed:
        outcome = policy.outcome_of(venue, request.POST.get("outcome", ""))
        messages.success(request, f"{outcome.name if outcome else 'No decision'} for paper{'s' if len(result.changed) > 1 else ''} {', '.join(f'#{n}' for n in result.changed)}.")
    for reason in result.refused:
        messages.warning(request, reason)
    back = request.POST.get("back", "")
    target = reverse("decisions:table", args=[venue.slug])
    return redirect(target + (f"?{back}" if back and not any(c in back for c in "\r\n") else ""))


# --- release --------------------------------------------------------------------------------


def _posted_templates(post, venue) -> services.NoticeTemplates:
    """The notice per outcome kind from the form; the venue file's texts fill what is left
    out. A request with a single `subject` and `body` (a script, say) uses them for every outcome."""
    if "subject" in post or "body" in post:
        return services.NoticeTemplates.same_for_every_outcome(post.get("subject", ""), post.get("body", ""))
    defaults = services.NoticeTemplates.venue_defaults(venue)
    return services.NoticeTemplates(
        accept_subject=post.get("accept_subject", defaults.accept_subject), accept_body=post.get("accept_body", defaults.accept_body),
        reject_subject=post.get("reject_subject", defaults.reject_subject), reject_body=post.get("reject_body", defaults.reject_body),
    )


def _preview_context(viewer, venue, templates: services.NoticeTemplates) -> dict:
    """One sample notice per outcome among the decisions the next wave of this chair would
    release (never one of a paper they are conflicted with: not counted, not previewed)."""
    confirmed = Q(submission__authorships__user__isnull=False)  # notices go to confirmed authors only
    decisions = list(services.decisions_to_release(venue, viewer).annotate(author_count=Count("submission__authorships", filter=confirmed)))
    samples = []
    seen = set()
    for decision in decisions:
        if decision.outcome in seen:
            continue
        seen.add(decision.outcome)
        author = decision.submission.authorships.filter(user__isnull=False).order_by("position").first()
        values = services.notice_values(decision, author.name if author else "", settings.SITE_URL)
        subject, body = templates.for_outcome(policy.is_accepted(decision))
        samples.append({"outcome": values["outcome"], "to": author.email if author else "",
                        "subject": " ".join(services.fill(subject, values).split()), "body": services.fill(body, values)})
    return {
        "templates": templates,
        "samples": samples,
        "blockers": services.release_blockers(venue, viewer),
        "conflict_note": services.conflict_note(viewer, venue),
        "decision_count": len(decisions),
        "notice_count": sum(d.author_count for d in decisions),
        "placeholders": services.PLACEHOLDERS,
        "problems": templates.problems(),
    }


def _waves(venue) -> list[Release]:
    return list(Release.objects.filter(venue=venue).select_related("started_by").order_by("wave"))


def _progress_context(viewer, release: Release | None) -> dict:
    """The progress of one wave: counts, and the notices that failed or were cut off (but
    none of a paper the viewer is conflicted with)."""
    if release is None:
        return {"release": None}
    notices = NoticeSent.objects.filter(release=release).exclude(submission_id__in=policy.hidden_from_aggregates(viewer, release.venue))
    stalled = services.release_stalled(release)
    return {
        "release": release,
        "percent": int(100 * release.sent / release.total) if release.total else 100,
        "unconfirmed": list(notices.filter(state=NoticeSent.State.SENDING).select_related("submission").order_by("submission__number")),
        "failed": list(notices.filter(state=NoticeSent.State.FAILED).select_related("submission").order_by("submission__number")),
        "running": release.state == Release.State.RUNNING and not stalled,
        "stalled": stalled,
    }


@require_http_methods(["GET", "POST"])
def release(request, venue_slug):
    """The past waves, the progress of the latest, and the form for the next wave."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    viewer = policy.viewer_for(request)
    templates = _posted_templates(request.POST, venue) if request.method == "POST" else services.NoticeTemplates.venue_defaults(venue)
    hold_back = request.POST.get("hold_back_undecided") == "yes"
    error, status, plan = "", 200, None
    if request.method == "POST" and request.POST.get("action") == "release":
        # Irreversible: the first click shows what would be released (and any paper with too
        # few reviews or no meta-review); only the confirmation releases.
        try:
            if request.POST.get("confirmed") != "yes":
                plan = services.release_plan(venue=venue, actor=request.user, templates=templates, hold_back_undecided=hold_back)
            else:
                started = services.release_start(venue=venue, actor=request.user, templates=templates, hold_back_undecided=hold_back)
                messages.success(request, f"Wave {started.wave} released: its authors can read their decisions and reviews now; the notices are being sent.")
                return redirect(reverse("decisions:release_progress", args=[venue.slug]) + f"?wave={started.wave}")
        except ServiceError as refused:
            error, status = refused.message, refused.status
    waves = _waves(venue)
    return render(request, "decisions/release.html", {
        "venue": venue, "error": error, "waves": waves, "hold_back": hold_back, "plan": plan,
        **_progress_context(viewer, waves[-1] if waves else None),
        **_preview_context(viewer, venue, templates),
    }, status=status)


def _wave_of(request, venue) -> Release | None:
    """The wave named by ?wave= (a missing or malformed number is a 404), else the latest."""
    waves = Release.objects.filter(venue=venue).select_related("started_by")
    number = request.GET.get("wave", "")
    if not number:
        return waves.order_by("-wave").first()
    if not number.isdigit() or len(number) > 6:
        raise Http404("No such wave")
    found = waves.filter(wave=int(number)).first()
    if found is None:
        raise Http404("No such wave")
    return found


@require_safe
def release_progress(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    context = {"venue": venue, **_progress_context(policy.viewer_for(request), _wave_of(request, venue))}
    if context["release"] is None:
        return redirect("decisions:release", venue.slug)
    template = "decisions/_release_progress.html" if request.headers.get("HX-Request") == "true" else "decisions/release_progress.html"
    return render(request, template, context)


@require_POST
def release_resume(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    wave = request.POST.get("wave", "")
    if wave and (not wave.isdigit() or len(wave) > 6):
        raise Http404("No such wave")
    try:
        resumed = services.release_resume(venue=venue, actor=request.user, wave=int(wave) if wave else None,
                                          resend_unconfirmed=request.POST.get("resend_unconfirmed") == "yes")
    except ServiceError as error:
        shown = Release.objects.filter(venue=venue, **({"wave": int(wave)} if wave else {})).order_by("-wave").first()
        if shown is None and wave:
            raise Http404("No such wave") from None
        if shown is None:  # nothing released yet: the release page says what can be done
            messages.error(request, error.message)
            return redirect("decisions:release", venue.slug)
        return render(request, "decisions/release_progress.html", {"venue": venue, "error": error.message, **_progress_context(policy.viewer_for(request), shown)}, status=error.status)
    messages.success(request, f"Sending of wave {resumed.wave} resumed. Notices already sent are not sent again.")
    return redirect(reverse("decisions:release_progress", args=[venue.slug]) + f"?wave={resumed.wave}")


# --- dashboard and exports ----------------------------------------------------------------------


@require_safe
def dashboard(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    return render(request, "decisions/dashboard.html", {"venue": venue, "d": dashboard_data.build(policy.viewer_for(request), venue)})


def _private(response):
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def export_json(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    response = StreamingHttpResponse(exports.export_json_chunks(request.user, venue), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{venue.slug}-all.json"'
    return _private(response)


def _csv(name: str, header: list[str], rows) -> StreamingHttpResponse:
    return csv_response(name, header, rows)


@require_safe
def export_csv(request, venue_slug):
    """One row per paper: metadata, authors, review statistics, meta-review, decision."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    papers = exports.export_papers(request.user, venue)
    header = ["number", "id", "title", "status", "track", "primary topic", "authors", "author e-mails", "conflict", "reviews submitted",
              "reviews assigned", "scores", "mean", "min", "max", "confidence", "meta-review recommendation", "decision", "released", "hosted pdf", "checker"]

    def rows():
        for p in papers:
            reviews = p.get("reviews") or []
            scores = [r["overall"] for r in reviews if r["state"] == "submitted" and r["overall"] is not None]
            confidences = [r["confidence"] for r in reviews if r["state"] == "submitted" and r["confidence"] is not None]
            decision = p.get("decision") or {}
            meta = p.get("meta_review") or {}
            yield [p["number"], p["id"], p["title"], p["status"], p["track"], p["primary_topic"],
                   "; ".join(a["name"] for a in p["authors"]), "; ".join(a["email"] for a in p["authors"]), "yes" if p.get("conflict") else "",
                   len(scores), len(reviews), " ".join(map(str, scores)),
                   f"{sum(scores) / len(scores):.2f}" if scores else "", min(scores) if scores else "", max(scores) if scores else "",
                   f"{sum(confidences) / len(confidences):.1f}" if confidences else "", meta.get("recommendation", ""),
                   decision.get("outcome", ""), decision.get("released_at") or "", "yes" if decision.get("host_pdf") else "",
                   ", ".join((p.get("check") or {}).get("flags") or [])]

    return _csv(f"{venue.slug}-papers.csv", header, rows())


@require_safe
def export_reviews_csv(request, venue_slug):
    """One row per review, with the reviewer's identity and every answer."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    papers = exports.export_papers(request.user, venue)
    questions = [q.key for q in venue.spec.review_form.questions]
    header = ["paper number", "paper id", "title", "alias", "reviewer", "reviewer e-mail", "state", "late", "submitted_at", "overall", "confidence", *questions, "comments to chairs"]

    def rows():
        for p in papers:
            for r in p.get("reviews") or []:
                yield [p["number"], p["id"], p["title"], r["alias"], r["reviewer"], r["reviewer_email"], r["state"], "yes" if r["late"] else "",
                       r["submitted_at"] or "", r["overall"], r["confidence"], *[r["answers"].get(q, "") for q in questions], r["comments_to_chairs"]]

    return _csv(f"{venue.slug}-reviews.csv", header, rows())


# --- authors ------------------------------------------------------------------------------------


def own_submission(request, public_id) -> Submission:
    """The submission of this public id, if the viewer may read its authors' page (else 404)."""
    submission = policy.get_submission_for(request.user, public_id)
    if not policy.can_view_author_results(request.user, submission):
        raise Http404("No such submission")
    request.venue = submission.venue
    return submission


def render_author_page(request, submission, *, error: str = "", status: int = 200, **overrides):
    """The authors' page of decision and reviews, with the sections the apps above add (the
    camera-ready section of an accepted paper); `overrides` reach those sections (a bound
    form with its errors, say)."""
    results = selectors.author_results(request.user, submission)
    return render(request, "decisions/author.html", {
        "submission": submission, "venue": submission.venue, "r": results, "error": error,
        "sections": author_page.sections(request, submission, results, overrides),
    }, status=status)


@require_safe
def author(request, public_id):
    return render_author_page(request, own_submission(request, public_id))


# --- decisions from the area chairs' recommendations ---------------------------------------


@require_http_methods(["GET", "POST"])
def from_recommendations(request, venue_slug):
    """One confirmation page listing each paper and the outcome its area chair recommends
    (and the papers left out, named with the reason); the POST sets the confirmed ones."""
    venue = venue_for_request(request, venue_slug, Need.CHAIR)
    plan = recommendations.recommendation_plan(venue, request.user)
    error, status = "", 200
    if request.method == "POST":
        confirmed = {}
        for value in request.POST.getlist("paper"):
            public_id, _, outcome = value.partition(":")
            confirmed[public_id] = outcome
        if request.POST.get("confirm") != "1" or not confirmed:
            error, status = "Nothing was changed: confirm the list of papers below.", 400
        else:
            try:
                result = recommendations.apply_recommendations(venue=venue, actor=request.user, confirmed=confirmed)
            except ServiceError as exc:
                error, status = exc.message, exc.status
            else:
                if result.changed:
                    messages.success(request, f"Decisions set to the area chairs' recommendations for paper{'s' if len(result.changed) > 1 else ''} "
                                              f"{', '.join(f'#{n}' for n in result.changed)}.")
                for reason in result.refused:
                    messages.warning(request, reason)
                return redirect(reverse("decisions:table", args=[venue.slug]))
    return render(request, "decisions/from_recommendations.html", {"venue": venue, "plan": plan, "error": error}, status=status)
