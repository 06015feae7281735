"""The chairs' venue settings editor (/v/<venue>/chair/settings/): an overview, one form per
section, the change history with each version's difference, export to a venue file and
upload of one. Thin: policy, forms (settings_forms), the loader's validation, the service
(editing.settings_save), selectors."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from paperdesk.venueconfig import VenueConfigError, parse_document, parse_venue, venue_tzinfo

from . import settings_forms as forms
from . import settings_selectors as selectors
from .editing import NeedsConfirmation, SettingsRefused, StaleSettings, current_version, settings_save
from .lookup import Need, venue_for_request
from .models import SettingsVersion, Venue

MAX_VENUE_FILE = 1024 * 1024


def url_name(section: forms.Section) -> str:
    return "venues:settings_" + section.slug.replace("-", "_")


def _version_number(venue: Venue) -> int:
    latest = current_version(venue)
    return latest.number if latest else 0


@require_safe
def settings_index(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.EDIT_SETTINGS)
    summaries = selectors.summaries(venue.spec)
    sections = [(s, reverse(url_name(s), args=[venue.slug]), summaries.get(s.slug, "")) for s in forms.SECTIONS]
    recent = selectors.versions(venue, limit=5)
    return render(request, "venues/settings/index.html", {"venue": venue, "sections": sections, "recent": recent,
                                                         "current": recent[0] if recent else None})


@require_http_methods(["GET", "HEAD", "POST"])
def settings_section(request, venue_slug, section):
    venue = venue_for_request(request, venue_slug, Need.EDIT_SETTINGS)
    section = forms.BY_SLUG[section]
    tz = venue_tzinfo(venue.spec.timezone)
    here = reverse(url_name(section), args=[venue.slug])
    if request.method != "POST":
        values = forms.initial_values(section, venue.spec, tz)
        return _section_page(request, venue, section, values, base_version=_version_number(venue))
    values = request.POST
    try:
        base_version = int(values.get("base_version", ""))
    except ValueError:
        base_version = None
    applied = forms.apply(section, venue.spec, values, tz)
    try:
        spec = parse_document(applied.document, source=section.title)
    except VenueConfigError as error:
        return _section_page(request, venue, section, values, base_version=base_version, problems=error.problems, applied=applied,
                             status=400, error="Nothing was saved: correct what is marked below.")
    try:
        saved = settings_save(venue, spec, actor=request.user, via=SettingsVersion.Via.BROWSER, section=section.slug,
                              confirm=values.get("confirm", ""), base_version=base_version)
    except StaleSettings as stale:
        latest = stale.latest
        who = latest.actor.display_name if latest and latest.actor else "the command line"
        return _section_page(request, venue, section, values, base_version=latest.number if latest else 0, status=409,
                             error=f"Nothing was saved: the settings changed since you opened this page (version "
                                   f"{latest.number if latest else 0}, by {who}). Your input is kept below; check it against the "
                                   f"current settings and save again.")
    except SettingsRefused as refused:
        why = ("Nothing was saved: this change would break data the venue already holds." if refused.conflict
               else "Nothing was saved: correct what is listed below.")
        return _section_page(request, venue, section, values, base_version=base_version, status=409 if refused.conflict else 400,
                             error=why, refusals=refused.messages)
    except NeedsConfirmation as needed:
        return _section_page(request, venue, section, values, base_version=base_version, status=409,
                             error="Nothing was saved yet: this change affects data the venue already holds. Read what it does, "
                                   "tick the box to confirm and save again.", confirm=needed)
    if saved.version is None:
        messages.info(request, "Nothing changed.")
    else:
        messages.success(request, f"Saved: version {saved.version.number}. " + "; ".join(saved.version.changes))
    return redirect(here)


def _section_page(request, venue, section, values, *, base_version, problems=(), applied=None, status=200, error="",
                  refusals=(), confirm: NeedsConfirmation | None = None):
    parts, summary = forms.build(section, values, problems=list(problems), applied=applied)
    context = {
        "venue": venue, "section": section, "parts": parts, "summary": summary, "error": error, "refusals": refusals,
        "confirm": confirm, "base_version": base_version if base_version is not None else "",
        "sections": [(s, reverse(url_name(s), args=[venue.slug])) for s in forms.SECTIONS],
        "timezone": venue.spec.timezone,
    }
    return render(request, "venues/settings/section.html", context, status=status)


@require_safe
def settings_history(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.EDIT_SETTINGS)
    shown = request.GET.get("version")
    if shown is not None:
        found = selectors.version(venue, shown)
        previous, lines = selectors.diff(venue, found)
        return render(request, "venues/settings/diff.html", {"venue": venue, "version": found, "previous": previous, "lines": lines})
    return render(request, "venues/settings/history.html", {"venue": venue, "versions": selectors.versions(venue)})


@require_safe
def settings_export(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.EDIT_SETTINGS)
    wanted = request.GET.get("version")
    found = selectors.version(venue, wanted) if wanted is not None else None
    text = selectors.version_toml(venue, found)
    response = HttpResponse(text, content_type="application/toml; charset=utf-8")
    suffix = f"-v{found.number}" if found else ""
    response["Content-Disposition"] = f'attachment; filename="{venue.slug}{suffix}.toml"'
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["GET", "HEAD", "POST"])
def settings_upload(request, venue_slug):
    venue = venue_for_request(request, venue_slug, Need.EDIT_SETTINGS)
    if request.method != "POST":
        return _upload_page(request, venue)
    upload = request.FILES.get("file")
    text = request.POST.get("text", "")
    name = "the uploaded file"
    if upload is not None:
        name = upload.name or name
        if upload.size > MAX_VENUE_FILE:
            return _upload_page(request, venue, status=400, error=f"{name} is larger than {MAX_VENUE_FILE // 1024} KB; a venue file is a few dozen KB.")
        try:
            text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            return _upload_page(request, venue, status=400, error=f"{name} is not UTF-8 text; save the venue file as UTF-8 and upload it again.")
    if not text.strip():
        return _upload_page(request, venue, status=400, error="Choose a venue file (.toml) to upload.")
    if len(text) > MAX_VENUE_FILE:
        return _upload_page(request, venue, status=400, error=f"The venue file is larger than {MAX_VENUE_FILE // 1024} KB.")
    try:
        spec = parse_venue(text, source=name)
    except VenueConfigError as error:
        return _upload_page(request, venue, status=400, error=f"Nothing was changed: {name} has {len(error.problems)} problem"
                            f"{'s' if len(error.problems) != 1 else ''}.", problems=[str(p) for p in error.problems])
    try:
        saved = settings_save(venue, spec, actor=request.user, via=SettingsVersion.Via.UPLOAD, section="file",
                              confirm=request.POST.get("confirm", ""))
    except SettingsRefused as refused:
        return _upload_page(request, venue, status=409 if refused.conflict else 400,
                            error="Nothing was changed.", problems=refused.messages)
    except NeedsConfirmation as needed:
        return _upload_page(request, venue, status=409, error="Nothing was changed yet: this file affects data the venue already "
                            "holds. Read what it does, tick the box to confirm and upload it again.", confirm=needed, text=text)
    if saved.version is None:
        messages.info(request, f"Nothing changed: {name} holds the settings as they are.")
    else:
        messages.success(request, f"Saved {name} as version {saved.version.number}. " + "; ".join(saved.version.changes))
    return redirect(reverse("venues:settings", args=[venue.slug]))


def _upload_page(request, venue, *, status=200, error="", problems=(), confirm=None, text=""):
    return render(request, "venues/settings/upload.html", {"venue": venue, "error": error, "problems": problems, "confirm": confirm,
                                                          "text": text, "max_kb": MAX_VENUE_FILE // 1024}, status=status)
