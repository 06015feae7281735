"""The venue as its TOML file describes it: plain, immutable data (no Django)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from .notifications import Notifications

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
    # reviewers each paper of this track needs; None: the venue's reviewing.reviewers_per_paper
    reviewers_per_paper: int | None = None

    def page_limit(self, mode: str = "submission") -> int:
        return self.max_pages + (self.camera_ready_extra_pages if mode == "camera-ready" else 0)


# Typeface families a template may require of the body text (the checker knows the font
# names of each: Times, Nimbus Roman, TeX Gyre Termes, ... for "times").
FONT_FAMILIES = ("times", "helvetica", "computer-modern", "palatino", "charter", "courier")


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
    # the body text's typeface, one of FONT_FAMILIES (empty: any), and its leading
    # (baseline to baseline; 0: not checked); a body set tighter than min_leading_pt is
    # squeezed (\baselinestretch)
    body_font_families: tuple[str, ...] = ("times",)
    body_leading_pt: float = 11.0
    min_leading_pt: float = 10.7


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
    # sizes in MB: whole numbers in the usual file, but the loader accepts a fraction (2.5)
    max_pdf_mb: float = 50
    supplementary: bool = True
    max_supplementary_mb: float = 100
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
    # area chairs see who wrote each review of their papers (as in OpenReview); chairs always do
    area_chairs_see_reviewer_names: bool = True


@dataclass(frozen=True)
class AuthorResponseRules:
    """The author response (rebuttal) phase, off unless the venue file turns it on: one
    response per paper, written by its authors between `opens` and `closes` (naive wall-clock
    times in the venue time zone), at most `max_length` characters or words; the chairs always
    read it, the reviewers and the area chair when the venue says so. During the phase the
    authors read the reviews they respond to (what the form lets authors see)."""

    enabled: bool = False
    opens: dt.datetime | None = None
    closes: dt.datetime | None = None
    max_length: int = 5000
    unit: str = "characters"  # characters | words
    reviewers_read: bool = True
    area_chairs_read: bool = True


@dataclass(frozen=True)
class AccountRules:
    approval: str = "institutional"
    expected_wait_days: int = 14
    institutional_suffixes: tuple[str, ...] = (".edu", ".ac.uk")
    institutional_domains: tuple[str, ...] = ()


@dataclass(frozen=True)
class ScaleLevel:
    value: int
    label: str


@dataclass(frozen=True)
class Scale:
    """A labelled numeric scale (overall score, confidence); higher is better / surer."""

    label: str
    levels: tuple[ScaleLevel, ...]
    help: str = ""

    def label_of(self, value: int | None) -> str:
        for level in self.levels:
            if level.value == value:
                return level.label
        return ""

    @property
    def values(self) -> tuple[int, ...]:
        return tuple(level.value for level in self.levels)


@dataclass(frozen=True)
class ReviewQuestion:
    """One question of the review form: free text, or one choice among options."""

    key: str
    label: str
    help: str = ""
    kind: str = "text"  # text | choice
    required: bool = True
    options: tuple[Choice, ...] = ()
    max_chars: int = 5000
    authors_see: bool = True  # False: chairs (and the area chair) only


@dataclass(frozen=True)
class ReviewForm:
    questions: tuple[ReviewQuestion, ...]
    overall: Scale
    confidence: Scale
    intro: str = ""
    comments_to_chairs: str = "Comments to the chairs (never shown to the authors or the other reviewers)"

    def question(self, key: str) -> ReviewQuestion:
        for question in self.questions:
            if question.key == key:
                return question
        raise KeyError(key)


def _choices(*pairs: tuple[str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(slug, name) for slug, name in pairs)


# This CFP's review form: what the call for papers asks of a paper, question by question.
DEFAULT_REVIEW_FORM = ReviewForm(
    intro=(
        "Strong empirical works state specific falsifiable hypotheses and show how the evidence does and does not "
        "support them, or show clear practical benefits over well-implemented baselines. Works that downplay or omit "
        "significant limitations will not be accepted. Reviewers are not expected to read references or appendices."
    ),
    questions=(
        ReviewQuestion("summary", "Summary", "What does the paper claim, and what does it do to support it? Be specific and fair."),
        ReviewQuestion("hypotheses", "Hypotheses and evidence", "Which specific, falsifiable hypotheses does the paper state? Does the evidence support them, and where does it not?"),
        ReviewQuestion("hypotheses_supported", "Does the evidence support the hypotheses?", kind="choice", options=_choices(
            ("yes", "Yes, convincingly"), ("partly", "Partly"), ("no", "No"), ("not-applicable", "Not applicable (the paper argues practical benefit or is not empirical)"))),
        ReviewQuestion("baselines", "Baselines and practical benefit", "If the paper claims a practical benefit: is it clear, and measured against well-implemented baselines?", required=False),
        ReviewQuestion("limitations", "Limitations", "Are the limitations documented honestly, or downplayed or omitted?"),
        ReviewQuestion("limitations_rating", "How are the limitations treated?", kind="choice", options=_choices(
            ("documented", "Clearly documented"), ("partly", "Partly documented"), ("downplayed", "Downplayed or omitted"))),
        ReviewQuestion("strengths", "Strengths"),
        ReviewQuestion("weaknesses", "Weaknesses"),
    ),
    overall=Scale("Overall score", (
        ScaleLevel(1, "Strong reject"), ScaleLevel(2, "Reject"), ScaleLevel(3, "Borderline"),
        ScaleLevel(4, "Accept"), ScaleLevel(5, "Strong accept"),
    ), "Long papers are held to a higher standard of rigour and depth than short papers."),
    confidence=Scale("Confidence", (
        ScaleLevel(1, "Educated guess"), ScaleLevel(2, "Somewhat confident"), ScaleLevel(3, "Fairly confident"),
        ScaleLevel(4, "Confident"), ScaleLevel(5, "Certain: I know this area very well"),
    )),
)


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
    review_form: ReviewForm = DEFAULT_REVIEW_FORM
    notifications: Notifications = field(default_factory=Notifications)
    author_response: AuthorResponseRules = AuthorResponseRules()
    rehearsal: bool = False
    source: str = field(default="", compare=False)

    def track(self, slug: str) -> Track:
        for track in self.tracks:
            if track.slug == slug:
                return track
        raise KeyError(slug)

    def reviewers_for_track(self, slug: str) -> int:
        """Reviewers a paper of this track needs: the track's own number, else the venue's."""
        for track in self.tracks:
            if track.slug == slug and track.reviewers_per_paper is not None:
                return track.reviewers_per_paper
        return self.reviewing.reviewers_per_paper
