"""Sections that apps above decisions add to the authors' decision page (the camera-ready
section of an accepted paper, from paperdesk.cameraready). They register in their
AppConfig.ready; decisions never imports them (see the layer contract in pyproject.toml).

A section is a function `section(request, submission, results, overrides) -> Section | None`:
`results` is what decisions.selectors.author_results gives the page, `overrides` what the
view that renders the page passes on (a bound form with its errors, say). It returns a
Section (the template to include, its context and stylesheets), or None when it has
nothing to show."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Section:
    template: str  # included in the page's content, with `section` set to this
    context: dict[str, Any] = field(default_factory=dict)
    stylesheets: list[str] = field(default_factory=list)  # static paths, linked in the page's head


SectionFunction = Callable[..., "Section | None"]
_SECTIONS: list[SectionFunction] = []


def register_section(section: SectionFunction) -> SectionFunction:
    """Add a section to the page; registering the same function twice keeps one."""
    if section not in _SECTIONS:
        _SECTIONS.append(section)
    return section


def sections(request, submission, results, overrides: dict[str, Any] | None = None) -> list[Section]:
    found = (section(request, submission, results, overrides or {}) for section in _SECTIONS)
    return [s for s in found if s is not None]
