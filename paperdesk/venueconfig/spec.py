"""The venue as its TOML file describes it: plain, immutable data (no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

DATE_KEYS = (
    "submission_open",
    "submission_deadline",
    "review_deadline",
    "notification",
    "camera_ready_deadline",
)


@dataclass(frozen=True)
class Track:
    slug: str
    name: str
    max_pages: int
    camera_ready_extra_pages: int = 1
    description: str = ""
    review_guidance: str = ""

    def page_limit(self, mode: str = "submission") -> int:
        return self.max_pages + (self.camera_ready_extra_pages if mode == "camera-ready" else 0)


@dataclass(frozen=True)
class Template:
    name: str = ""
    url: str = ""
    paper_size: str = "letter"
    text_width_in: float = 5.5
    text_height_in: float = 9.0
    left_margin_in: float = 1.5
    top_margin_in: float = 1.0
    body_font_pt: float = 10.0
    min_font_pt: float = 9.5
    columns: int = 1
    checklist: str = "optional"


@dataclass(frozen=True)
class Topic:
    slug: str
    name: str
    subtopics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Choice:
    slug: str
    name: str


@dataclass(frozen=True)
class Outcome:
    slug: str
    name: str
    accepted: bool


@dataclass(frozen=True)
class Attestation:
    key: str
    text: str
    required: bool = True


@dataclass(frozen=True)
class SubmissionRules:
    anonymity: str = "double-blind"
    max_pdf_mb: int = 50
    supplementary: bool = True
    max_supplementary_mb: int = 100
    in_person_question: bool = True
    code_links: bool = True
    blocking_findings: tuple[str, ...] = ("unreadable", "over_limit")
    attestations: tuple[Attestation, ...] = ()
    under_review_enabled: bool = True
    under_review_label: str = "Currently under review at"


@dataclass(frozen=True)
class ReviewingRules:
    reviewers_per_paper: int = 3
    max_load: int = 5
    min_load: int = 0
    bidding: bool = True
    reviews_visible_after_own: bool = True
    volunteer_form: bool = True
    ask_first_authors_to_volunteer: bool = True
    conflict_years: int = 3


@dataclass(frozen=True)
class AccountRules:
    approval: str = "institutional"
    expected_wait_days: int = 14
    institutional_suffixes: tuple[str, ...] = (".edu", ".ac.uk")
    institutional_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class VenueSpec:
    slug: str
    name: str
    short_name: str
    contact_email: str
    website: str
    timezone: str
    archival: bool
    description: str
    dates: dict[str, dt.datetime]  # naive wall-clock times in `timezone`
    submission: SubmissionRules
    template: Template
    tracks: tuple[Track, ...]
    contribution_types: tuple[Choice, ...]
    topics: tuple[Topic, ...]
    reviewing: ReviewingRules
    outcomes: tuple[Outcome, ...]
    accounts: AccountRules
    rehearsal: bool = False
    source: str = field(default="", compare=False)

    def track(self, slug: str) -> Track:
        for track in self.tracks:
            if track.slug == slug:
                return track
        raise KeyError(slug)
