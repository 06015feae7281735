"""Public identities people give on their profile, normalised: GitHub and HuggingFace
usernames (a pasted profile URL is reduced to the username) and ORCID iDs (checksum
verified). Pure functions; each raises `InvalidIdentifier` with the message a person sees.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit


class InvalidIdentifier(ValueError):
    pass


GITHUB_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}$")
HUGGINGFACE_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,95}$")
ORCID_SHAPE = re.compile(r"^\d{15}[\dX]$")

_GITHUB_HOSTS = {"github.com", "www.github.com"}
_HUGGINGFACE_HOSTS = {"huggingface.co", "www.huggingface.co", "hf.co"}
# huggingface.co/<kind>/<owner>/<name> names the owner in the second segment.
_HUGGINGFACE_KINDS = {"spaces", "datasets", "models"}


def _path_segments(value: str, hosts: set[str]) -> list[str] | None:
    """The path segments if `value` is a URL (with or without scheme) on one of `hosts`."""
    candidate = value if "://" in value else "https://" + value
    parts = urlsplit(candidate)
    if (parts.hostname or "").lower() not in hosts:
        return None
    return [segment for segment in parts.path.split("/") if segment]


def github_username(value: str) -> str:
    """"octocat", "@octocat" or "https://github.com/octocat/repo" → "octocat"; "" stays ""."""
    raw = (value or "").strip()
    if not raw:
        return ""
    name = raw
    segments = _path_segments(raw, _GITHUB_HOSTS)
    if segments is not None:
        if not segments:
            raise InvalidIdentifier("This GitHub address has no username in it; enter your username, e.g. octocat.")
        name = segments[0]
    name = name.lstrip("@")
    if not GITHUB_USERNAME.match(name):
        raise InvalidIdentifier(
            f"“{raw}” is not a GitHub username: use 1 to 39 letters, digits or hyphens, not starting with a hyphen."
        )
    return name


def huggingface_username(value: str) -> str:
    """"julien-c", "@julien-c", "https://huggingface.co/julien-c" or
    "https://huggingface.co/spaces/julien-c/demo" → "julien-c"; "" stays ""."""
    raw = (value or "").strip()
    if not raw:
        return ""
    name = raw
    segments = _path_segments(raw, _HUGGINGFACE_HOSTS)
    if segments is not None:
        if segments and segments[0] in _HUGGINGFACE_KINDS:
            segments = segments[1:]
        if not segments:
            raise InvalidIdentifier("This HuggingFace address has no username in it; enter your username.")
        name = segments[0]
    name = name.lstrip("@")
    if not HUGGINGFACE_USERNAME.match(name):
        raise InvalidIdentifier(
            f"“{raw}” is not a HuggingFace username: use letters, digits, hyphens, dots or underscores (at most 96), starting with a letter or digit."
        )
    return name


def orcid_check_digit(base_digits: str) -> str:
    """ISO 7064 MOD 11-2 check character for the first 15 digits of an ORCID iD."""
    total = 0
    for digit in base_digits:
        total = (total + int(digit)) * 2
    result = (12 - total % 11) % 11
    return "X" if result == 10 else str(result)


def orcid(value: str) -> str:
    """"https://orcid.org/0000-0002-1825-0097", "0000000218250097" → "0000-0002-1825-0097"."""
    raw = (value or "").strip()
    if not raw:
        return ""
    candidate = raw
    segments = _path_segments(raw, {"orcid.org", "www.orcid.org", "sandbox.orcid.org"})
    if segments is not None:
        candidate = segments[-1] if segments else ""
    compact = re.sub(r"[\s-]", "", candidate).upper()
    if not ORCID_SHAPE.match(compact):
        raise InvalidIdentifier(f"“{raw}” is not an ORCID iD: it has the form 0000-0002-1825-0097 (16 digits, the last may be X).")
    if orcid_check_digit(compact[:15]) != compact[15]:
        raise InvalidIdentifier(f"“{raw}” is not a valid ORCID iD: its check digit does not match. Please copy it again from orcid.org.")
    return "-".join(compact[i : i + 4] for i in range(0, 16, 4))
