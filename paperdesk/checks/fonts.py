"""Which typeface family a PDF font name belongs to ("ABCDEF+NimbusRomNo9L-Regu" is Times).

The families are the ones a venue file may require of the body text
(`venueconfig.spec.FONT_FAMILIES`). A name that says nothing (Type 3 fonts, "F37") belongs
to no family: the checker then does not judge the typeface.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

FAMILY_NAMES = {
    "times": "Times",
    "helvetica": "Helvetica",
    "computer-modern": "Computer Modern",
    "palatino": "Palatino",
    "charter": "Charter",
    "courier": "Courier",
}
# Names of each family's fonts as PDFs carry them (lower case, spaces and underscores out):
# the Adobe original, its URW clone (TeX's \usepackage{times}), TeX Gyre, metric clones.
_PATTERNS = {
    "times": r"times|nimbusrom|nimbusroman|termes|^ptm|stixtwo|^stix|tinos|liberationserif|freeserif|newtx|^ntx|^txr|^utm",
    "helvetica": r"helvetica|arial|nimbussan|heros|^phv|liberationsans|arimo|freesans|^uhv",
    "computer-modern": r"^cm(r|bx|ti|sl|ss|tt|csc|mi|sy|ex|u)\d|^cmu|lmroman|latinmodern|^lm(r|bx|ti|ss|tt)|^sf(rm|bx|ti|sl)|^ec(rm|bx|ti)",
    "palatino": r"palatino|palladio|pagella|^ppl|bookantiqua|asana",
    "charter": r"charter|^bch",
    "courier": r"courier|nimbusmon|cursor|^pcr|liberationmono",
}
_COMPILED = {family: re.compile(pattern) for family, pattern in _PATTERNS.items()}
_SUBSET_RE = re.compile(r"^[A-Z]{6}\+")


def base_name(name: str) -> str:
    """The font's name without a subset prefix ("ABCDEF+")."""
    return _SUBSET_RE.sub("", (name or "").strip())


def family_of(name: str) -> str | None:
    key = re.sub(r"[\s_]+", "", base_name(name)).lower()
    if len(re.sub(r"[^a-z]", "", key)) < 3:
        return None
    for family, pattern in _COMPILED.items():
        if pattern.search(key):
            return family
    return None


def describe(families: Iterable[str]) -> str:
    names = [f"{FAMILY_NAMES.get(f, f)}-like" for f in families]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
