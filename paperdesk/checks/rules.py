"""What a PDF is checked against: the venue's page limit, template geometry and anonymity."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # for the annotation only: the checking child never needs to load venueconfig
    from paperdesk.venueconfig import VenueSpec

MODES = ("submission", "camera-ready")

LETTER = (612.0, 792.0)
A4 = (595.28, 841.89)
PAPER_SIZES = {"letter": LETTER, "a4": A4}


def normalize_mode(mode: str) -> str:
    """Accept `camera_ready` and `camera-ready` (and any case); raise ValueError otherwise."""
    value = (mode or "").strip().lower().replace("_", "-")
    if value not in MODES:
        raise ValueError(f"unknown mode '{mode}' (use submission or camera-ready)")
    return value


@dataclass(frozen=True)
class CheckRules:
    """Everything the checker needs to know about the venue, the track and the mode."""

    page_limit: int = 9
    mode: str = "submission"
    paper_size: str = "letter"
    text_width_in: float = 5.5
    text_height_in: float = 9.0
    left_margin_in: float = 1.5
    top_margin_in: float = 1.0
    body_font_pt: float = 10.0
    min_font_pt: float = 9.5
    columns: int = 1
    body_font_families: tuple[str, ...] = ("times",)  # the body's typeface (empty: any)
    body_leading_pt: float = 11.0  # baseline to baseline of the body text (0: not checked)
    min_leading_pt: float = 10.7  # tighter than this is a squeezed body (\baselinestretch)
    anonymity: bool = True  # double-blind: look for identity leaks in submission mode
    max_bytes: int = 50 * 1024 * 1024
    max_pages: int = 200
    timeout: float = 60.0  # seconds of parsing before the file counts as `timeout`

    def __post_init__(self) -> None:
        object.__setattr__(self, "mode", normalize_mode(self.mode))
        object.__setattr__(self, "body_font_families", tuple(self.body_font_families))

    @property
    def check_anonymity(self) -> bool:
        return self.anonymity and self.mode == "submission"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CheckRules:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def rules_for(spec: VenueSpec, track_slug: str, mode: str = "submission", **overrides: Any) -> CheckRules:
    """Build the rules for one track of a `paperdesk.venueconfig.VenueSpec` in one mode.

    Raises KeyError for an unknown track and ValueError for an unknown mode.
    """
    mode = normalize_mode(mode)
    track = spec.track(track_slug)
    template = spec.template
    values: dict[str, Any] = dict(
        page_limit=track.page_limit(mode),
        mode=mode,
        paper_size=template.paper_size,
        text_width_in=template.text_width_in,
        text_height_in=template.text_height_in,
        left_margin_in=template.left_margin_in,
        top_margin_in=template.top_margin_in,
        body_font_pt=template.body_font_pt,
        min_font_pt=template.min_font_pt,
        columns=template.columns,
        body_font_families=tuple(getattr(template, "body_font_families", ())),
        body_leading_pt=getattr(template, "body_leading_pt", 0.0),
        min_leading_pt=getattr(template, "min_leading_pt", 0.0),
        anonymity=spec.submission.anonymity == "double-blind",
        max_bytes=int(spec.submission.max_pdf_mb * 1024 * 1024),
    )
    values.update(overrides)
    return CheckRules(**values)
