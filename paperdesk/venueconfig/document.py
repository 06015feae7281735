"""A VenueSpec back as the document a venue file holds: the TOML-shaped dict the loader
reads (`spec_to_document`, validated again by `loader.parse_document`) and its TOML text
(`spec_to_toml`), so a venue edited in the browser can be exported and kept in version
control. `parse_venue(spec_to_toml(spec)) == spec` for every spec the loader produces.

Pure Python (no Django); the writer covers exactly what a venue file uses: strings,
booleans, numbers, local date-times, arrays, inline tables, tables and arrays of tables.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from typing import Any

from .spec import ReviewQuestion, Scale, Track, VenueSpec

# --- spec -> document ------------------------------------------------------------------------


def _fields(obj: Any, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """Every field of a flat rules dataclass under its own name (the file's key), so a
    field added to the spec and the loader later is exported without a change here."""
    return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj) if f.name not in skip}


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def spec_to_document(spec: VenueSpec) -> dict[str, Any]:
    """The venue file's content as the loader reads it (what `tomllib.loads` returns)."""
    sub = spec.submission
    form = spec.review_form
    notes = spec.notifications

    def scale(s: Scale) -> dict[str, Any]:
        return {"label": s.label, "help": s.help, "levels": [{"value": level.value, "label": level.label} for level in s.levels]}

    def question(q: ReviewQuestion) -> dict[str, Any]:
        out: dict[str, Any] = {"key": q.key, "label": q.label, "help": q.help, "kind": q.kind, "required": q.required}
        if q.kind == "choice":
            out["options"] = [{"slug": o.slug, "name": o.name} for o in q.options]
        out["max_chars"] = q.max_chars
        out["authors_see"] = q.authors_see
        return out

    def track(t: Track) -> dict[str, Any]:
        out = {"slug": t.slug, "name": t.name, "max_pages": t.max_pages, "camera_ready_extra_pages": t.camera_ready_extra_pages,
               "description": t.description, "review_guidance": t.review_guidance}
        if t.reviewers_per_paper is not None:
            out["reviewers_per_paper"] = t.reviewers_per_paper
        return out

    return {
        "venue": {
            "slug": spec.slug, "name": spec.name, "short_name": spec.short_name, "contact_email": spec.contact_email,
            "website": spec.website, "timezone": spec.timezone, "archival": spec.archival, "description": spec.description,
        },
        "dates": dict(spec.dates),
        "submission": {
            **_fields(sub, skip=("attestations", "under_review_enabled", "under_review_label")),
            "under_review": {"enabled": sub.under_review_enabled, "label": sub.under_review_label},
            "attestations": [{"key": a.key, "text": a.text, "required": a.required} for a in sub.attestations],
        },
        "template": _fields(spec.template),
        "tracks": [track(t) for t in spec.tracks],
        "contribution_types": [{"slug": c.slug, "name": c.name} for c in spec.contribution_types],
        "topics": [{"slug": t.slug, "name": t.name, "subtopics": list(t.subtopics)} for t in spec.topics],
        "reviewing": _fields(spec.reviewing),
        "review_form": {
            "intro": form.intro,
            "comments_to_chairs": form.comments_to_chairs,
            "overall": scale(form.overall),
            "confidence": scale(form.confidence),
            "questions": [question(q) for q in form.questions],
        },
        "decisions": {"outcomes": [{"slug": o.slug, "name": o.name, "accepted": o.accepted} for o in spec.outcomes]},
        "notifications": {
            "review_reminder_days": list(notes.review_reminder_days),
            "overdue_reminder_days": list(notes.overdue_reminder_days),
            "decision_email": {
                "accept": {"subject": notes.accept_email.subject, "body": notes.accept_email.body},
                "reject": {"subject": notes.reject_email.subject, "body": notes.reject_email.body},
            },
        },
        "accounts": _fields(spec.accounts),
        **({"author_response": {k: v for k, v in _fields(spec.author_response).items() if v is not None}}
           if spec.author_response.enabled else {}),
    }


# --- document -> TOML text ---------------------------------------------------------------------

_ESCAPES = {"\\": "\\\\", '"': '\\"', "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f]')


def _escape(match: re.Match[str], multiline: bool) -> str:
    char = match.group(0)
    if multiline and char == "\n":
        return "\n"
    return _ESCAPES.get(char) or f"\\u{ord(char):04X}"


def toml_string(value: str) -> str:
    """A TOML basic string; one with line breaks is written multi-line (as people write
    descriptions and e-mail bodies), everything TOML forbids is escaped."""
    if "\n" in value:
        return '"""\n' + _NEEDS_ESCAPE.sub(lambda m: _escape(m, True), value) + '"""'
    return '"' + _NEEDS_ESCAPE.sub(lambda m: _escape(m, False), value) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"a venue file holds no {value}")
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            raise ValueError("venue dates are local times without an offset")
        return value.isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{key} = {toml_value(item)}" for key, item in value.items()) + " }" if value else "{}"
    if isinstance(value, (list, tuple)):
        if not value:
            return "[]"
        items = [toml_value(item) for item in value]
        if len(items) > 2 or any("\n" in item for item in items) or sum(len(i) for i in items) > 80:
            return "[\n" + "".join(f"  {item},\n" for item in items) + "]"
        return "[" + ", ".join(items) + "]"
    raise TypeError(f"cannot write {type(value).__name__} to TOML")


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and not isinstance(value, _Inline) and bool(value) and all(isinstance(item, dict) for item in value)


def _table(lines: list[str], path: str, table: dict[str, Any], *, header: str | None) -> None:
    """One table: its plain keys under `header`, then its sub-tables, then its arrays of
    tables. An array of tables that is empty is written as `key = []`."""
    plain = {k: v for k, v in table.items() if not isinstance(v, dict) and not _is_table_array(v)}
    subtables = {k: v for k, v in table.items() if isinstance(v, dict)}
    arrays = {k: v for k, v in table.items() if _is_table_array(v)}
    if header is not None and (plain or not (subtables or arrays)):
        lines.extend(["", header])
    for key, value in plain.items():
        lines.append(f"{key} = {toml_value(value)}")
    for key, value in subtables.items():
        _table(lines, f"{path}.{key}" if path else key, value, header=f"[{path + '.' if path else ''}{key}]")
    for key, items in arrays.items():
        name = f"{path}.{key}" if path else key
        for item in items:
            _table(lines, name, item, header=f"[[{name}]]")


def _inline_arrays(document: dict[str, Any]) -> dict[str, Any]:
    """Arrays of tables the venue file writes inline (a scale's levels, a question's
    options, the outcomes) become plain values, so `_table` keeps them as `key = [...]`."""
    out: dict[str, Any] = {}
    for key, value in document.items():
        if key in ("levels", "options", "outcomes") and isinstance(value, list):
            out[key] = _Inline(value)
        elif isinstance(value, dict):
            out[key] = _inline_arrays(value)
        elif _is_table_array(value):
            out[key] = [_inline_arrays(item) for item in value]
        else:
            out[key] = value
    return out


class _Inline(list[Any]):
    """A list written as an inline array even when it holds tables."""


def document_to_toml(document: dict[str, Any], *, header: str = "") -> str:
    lines: list[str] = [f"# {line}".rstrip() for line in header.splitlines()]
    prepared = _inline_arrays(document)
    for key, value in prepared.items():
        if isinstance(value, dict):
            _table(lines, key, value, header=f"[{key}]")
        elif _is_table_array(value):
            for item in value:
                _table(lines, key, item, header=f"[[{key}]]")
        else:  # a top-level plain key must come before any table
            lines.insert(len(header.splitlines()), f"{key} = {toml_value(value)}")
    text = "\n".join(lines).lstrip("\n")
    return text + "\n"


def spec_to_toml(spec: VenueSpec, *, header: str = "") -> str:
    """The venue file for `spec`: `parse_venue(spec_to_toml(spec)) == spec`."""
    return document_to_toml(spec_to_document(spec), header=header)
