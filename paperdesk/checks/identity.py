"""The authors whose identities a double-blind submission must not reveal (AUTHORS.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

FIELDS = ("name", "other_names", "emails", "affiliations", "github", "huggingface", "websites")


@dataclass(frozen=True)
class Identity:
    name: str
    other_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    affiliations: tuple[str, ...] = ()
    github: tuple[str, ...] = ()
    huggingface: tuple[str, ...] = ()
    websites: tuple[str, ...] = ()  # homepages from the profile: links to them identify the author

    def to_dict(self) -> dict[str, str | list[str]]:
        return {
            "name": self.name,
            "other_names": list(self.other_names),
            "emails": list(self.emails),
            "affiliations": list(self.affiliations),
            "github": list(self.github),
            "huggingface": list(self.huggingface),
            "websites": list(self.websites),
        }


def _strings(value: object, where: str) -> tuple[str, ...]:
    """A field that may be absent, null, one string or a list of strings."""
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"{where} must be a string or a list of strings")
    return tuple(v.strip() for v in value if v and v.strip())


def identity_from_dict(item: object, where: str = "author") -> Identity:
    if not isinstance(item, dict):
        raise ValueError(f"{where} must be an object with at least a 'name'")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ValueError(f"{where}: 'name' is required and must be a non-empty string")
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise ValueError(f"{where}: unknown key(s) {', '.join(unknown)} (known: {', '.join(FIELDS)})")
    return Identity(
        name=" ".join(name.split()),
        other_names=_strings(item.get("other_names"), f"{where}.other_names"),
        emails=_strings(item.get("emails"), f"{where}.emails"),
        affiliations=_strings(item.get("affiliations"), f"{where}.affiliations"),
        github=tuple(u.lstrip("@") for u in _strings(item.get("github"), f"{where}.github")),
        huggingface=tuple(u.lstrip("@") for u in _strings(item.get("huggingface"), f"{where}.huggingface")),
        websites=_strings(item.get("websites"), f"{where}.websites"),
    )


def identities_from_json(data: object) -> list[Identity]:
    """Parse the AUTHORS.json shape: a list of objects (raises ValueError with a clear message)."""
    if not isinstance(data, list):
        raise ValueError("AUTHORS.json must hold a list of author objects")
    return [identity_from_dict(item, f"author #{i + 1}") for i, item in enumerate(data)]


def load_identities(path: str | Path) -> list[Identity]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ValueError(f"{path}: file not found") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path}: not valid JSON ({error})") from None
    return identities_from_json(data)
