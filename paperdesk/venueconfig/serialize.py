"""VenueSpec <-> JSON-compatible dict, so a loaded venue can be stored in the database.

The dict is the JSON a database column holds, read back as it comes (`Any` values): the
spec's own types are restored here, field by field.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import Any

from .notifications import notifications_from_dict
from .spec import (
    DEFAULT_REVIEW_FORM,
    AccountRules,
    Attestation,
    AuthorResponseRules,
    Choice,
    Outcome,
    ReviewForm,
    ReviewingRules,
    ReviewQuestion,
    Scale,
    ScaleLevel,
    SubmissionRules,
    Template,
    Topic,
    Track,
    VenueSpec,
)


def spec_to_dict(spec: VenueSpec) -> dict[str, Any]:
    data = dataclasses.asdict(spec)
    data["dates"] = {key: value.isoformat() for key, value in spec.dates.items()}
    data["author_response"] = {key: value.isoformat() if isinstance(value, dt.datetime) else value
                               for key, value in data["author_response"].items()}
    return data


def spec_from_dict(data: Mapping[str, Any]) -> VenueSpec:
    sub = dict(data["submission"])
    sub["attestations"] = tuple(Attestation(**a) for a in sub.get("attestations", ()))
    sub["blocking_findings"] = tuple(sub.get("blocking_findings", ()))
    acc = dict(data["accounts"])
    acc["institutional_suffixes"] = tuple(acc.get("institutional_suffixes", ()))
    acc["institutional_domains"] = tuple(acc.get("institutional_domains", ()))
    fields = {f.name for f in dataclasses.fields(VenueSpec)}
    return VenueSpec(**{
        **{k: v for k, v in data.items() if k in fields},
        "dates": {key: dt.datetime.fromisoformat(value) for key, value in data["dates"].items()},
        "submission": SubmissionRules(**sub),
        "template": Template(**{
            **data["template"],
            **({"body_font_families": tuple(data["template"]["body_font_families"])} if "body_font_families" in data["template"] else {}),
        }),
        "tracks": tuple(Track(**t) for t in data["tracks"]),
        "contribution_types": tuple(Choice(**c) for c in data["contribution_types"]),
        "topics": tuple(Topic(slug=t["slug"], name=t["name"], subtopics=tuple(t.get("subtopics", ()))) for t in data["topics"]),
        "reviewing": ReviewingRules(**data["reviewing"]),
        "outcomes": tuple(Outcome(**o) for o in data["outcomes"]),
        "accounts": AccountRules(**acc),
        "review_form": review_form_from_dict(data.get("review_form")),
        "notifications": notifications_from_dict(data.get("notifications")),
        "author_response": _author_response_from_dict(data.get("author_response")),
    })


def _author_response_from_dict(data: Mapping[str, Any] | None) -> AuthorResponseRules:
    if not data:
        return AuthorResponseRules()
    moments = {key: dt.datetime.fromisoformat(data[key]) if data.get(key) else None for key in ("opens", "closes")}
    return AuthorResponseRules(**{**data, **moments})


def _scale_from_dict(data: Mapping[str, Any]) -> Scale:
    return Scale(label=data["label"], levels=tuple(ScaleLevel(**level) for level in data["levels"]), help=data.get("help", ""))


def review_form_from_dict(data: Mapping[str, Any] | None) -> ReviewForm:
    """A stored review form; venues stored before forms were configurable get the default."""
    if not data:
        return DEFAULT_REVIEW_FORM
    return ReviewForm(
        questions=tuple(
            ReviewQuestion(**{**q, "options": tuple(Choice(**o) for o in q.get("options", ()))}) for q in data["questions"]
        ),
        overall=_scale_from_dict(data["overall"]),
        confidence=_scale_from_dict(data["confidence"]),
        intro=data.get("intro", ""),
        comments_to_chairs=data.get("comments_to_chairs", DEFAULT_REVIEW_FORM.comments_to_chairs),
    )
