"""Reads for the public venue pages: everything here is public information about a venue
(its call for papers and dates), so no viewer is needed; nothing about submissions or
people is read."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from paperdesk.venueconfig import Template, VenueSpec

from .markup import markdown_to_html
from .models import ContributionType, TopicArea, Track, Venue
from .timeline import DateRow, Window, next_date, submission_window, timeline


def optional_url(name: str, **kwargs) -> str | None:
    """The URL of a page another part of Paperdesk may or may not provide yet."""
    try:
        return reverse(name, kwargs=kwargs)
    except NoReverseMatch:
        return None


# --- the start page ---------------------------------------------------------------------

@dataclass(frozen=True)
class VenueSummary:
    venue: Venue
    is_default: bool
    next: DateRow | None
    window: Window


def home_venues(now: dt.datetime) -> list[VenueSummary]:
    """Every venue: the default one first, each rehearsal copy right after its venue."""
    default = settings.DEFAULT_VENUE

    def order(venue: Venue):
        base = venue.slug.removesuffix("-rehearsal") if venue.is_rehearsal else venue.slug
        return (base != default, base, venue.is_rehearsal)

    venues = sorted(Venue.objects.all(), key=order)
    return [
        VenueSummary(v, v.slug == default, next_date(timeline(v, now)), submission_window(v, now))
        for v in venues
    ]


# --- the call for papers ----------------------------------------------------------------

ANONYMITY = {
    "double-blind": (
        "Double-blind review",
        "Reviewers do not learn who the authors are, and authors do not learn who reviewed "
        "their paper. Remove every identifying detail from the PDF and from code and data "
        "links: names, e-mails, affiliations, GitHub and HuggingFace usernames, identifying "
        "acknowledgements and self-citations in the first person. Paperdesk scans every "
        "upload for these and shows what it finds at once. Anonymous links (for example "
        "anonymous.4open.science, or an anonymous HuggingFace account) are fine.",
    ),
    "single-blind": (
        "Single-blind review",
        "Reviewers see the authors' names; authors do not learn who reviewed their paper.",
    ),
    "open": ("Open review", "Reviewers and authors see each other's names."),
}

PAPER_SIZES = {"letter": "US Letter (8.5 × 11 in)", "a4": "A4 (210 × 297 mm)"}
CHECKLISTS = {
    "optional": "Not needed (you may include one; it is never required)",
    "required": "Required",
    "none": "Not needed",
}


def _number(value: float) -> str:
    return f"{value:g}"


def template_requirements(template: Template) -> list[tuple[str, str]]:
    return [
        ("Paper size", PAPER_SIZES.get(template.paper_size, template.paper_size)),
        ("Text block", f"{_number(template.text_width_in)} × {_number(template.text_height_in)} in "
                       f"(left margin {_number(template.left_margin_in)} in, top margin {_number(template.top_margin_in)} in)"),
        ("Font", f"{_number(template.body_font_pt)} pt body text; nothing smaller than {_number(template.min_font_pt)} pt"),
        ("Columns", "Single column" if template.columns == 1 else f"{template.columns} columns"),
        ("Checklist", CHECKLISTS.get(template.checklist, template.checklist)),
    ]


def account_note(spec: VenueSpec) -> str:
    rules = spec.accounts
    contact = spec.contact_email
    wait = f"up to {rules.expected_wait_days} days" if rules.expected_wait_days else "a while"
    if rules.approval == "all":
        return "Every new account can submit as soon as its e-mail address is confirmed."
    if rules.approval == "moderate-all":
        return (f"Every new account is approved by the program chairs, which can take {wait}; "
                f"write to {contact} if this prevents you from submitting.")
    examples = ", ".join(rules.institutional_suffixes[:3]) or "your institution's domain"
    return (f"Accounts with an institutional e-mail address (such as {examples}) can submit as soon as the "
            f"address is confirmed. Non-institutional e-mails wait {wait} for approval by the program chairs; "
            f"write to {contact} if this prevents you from submitting.")


@dataclass(frozen=True)
class CfpPage:
    venue: Venue
    spec: VenueSpec
    description_html: str
    tracks: list[Track]
    topics: list[TopicArea]
    contribution_types: list[ContributionType]
    template: list[tuple[str, str]]
    anonymity: tuple[str, str]
    account_note: str
    deadline: DateRow
    dates: list[DateRow]
    window: Window
    submit_url: str
    volunteer_url: str | None

    @property
    def template_name(self) -> str:
        return self.spec.template.name

    @property
    def template_url(self) -> str:
        return self.spec.template.url


def cfp_page(venue: Venue, now: dt.datetime) -> CfpPage:
    spec = venue.spec
    rows = timeline(venue, now)
    return CfpPage(
        venue=venue,
        spec=spec,
        description_html=markdown_to_html(venue.description),
        tracks=list(venue.tracks.all()),
        topics=list(venue.topics.all()),
        contribution_types=list(venue.contribution_types.all()),
        template=template_requirements(spec.template),
        anonymity=ANONYMITY.get(spec.submission.anonymity, (spec.submission.anonymity, "")),
        account_note=account_note(spec),
        deadline=next(row for row in rows if row.key == "submission_deadline"),
        dates=rows,
        window=submission_window(venue, now),
        submit_url=reverse("submissions:create", kwargs={"venue_slug": venue.slug}),
        volunteer_url=optional_url("committee:volunteer", venue_slug=venue.slug),
    )
