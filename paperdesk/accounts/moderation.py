"""Which new accounts are active at once and which wait for a chair: pure rules, no Django.

`rules` is the venue's `[accounts]` table (`venueconfig.spec.AccountRules`): `approval` is
"institutional" (institutional addresses are active at once, others wait), "all" (every
account is active) or "moderate-all" (every account waits); `institutional_domains` are
exact domains that also cover their subdomains (cs.ox.ac.uk is under ox.ac.uk);
`institutional_suffixes` are endings such as ".edu" or ".ac.uk".
"""

from __future__ import annotations

from typing import Protocol

ACTIVE = "active"
PENDING = "pending"


class Rules(Protocol):
    approval: str
    institutional_suffixes: tuple[str, ...]
    institutional_domains: tuple[str, ...]


def email_domain(email: str) -> str:
    """The domain of an address, lower-cased and without a trailing dot ("" if none)."""
    _, at, domain = (email or "").strip().rpartition("@")
    if not at:
        return ""
    return domain.strip().rstrip(".").lower()


def _normalise_domain(value: str) -> str:
    return value.strip().lstrip("@").strip(".").lower()


def is_institutional(email: str, rules: Rules) -> bool:
    domain = email_domain(email)
    if not domain or "." not in domain:
        return False
    for exact in rules.institutional_domains:
        exact = _normalise_domain(exact)
        if exact and (domain == exact or domain.endswith("." + exact)):
            return True
    for suffix in rules.institutional_suffixes:
        suffix = _normalise_domain(suffix)
        # ".ac.uk" covers ox.ac.uk and cs.ox.ac.uk, but never the bare "ac.uk" itself.
        if suffix and domain.endswith("." + suffix):
            return True
    return False


def initial_status(email: str, rules: Rules) -> str:
    """The moderation status a new account with this address starts in."""
    if rules.approval == "all":
        return ACTIVE
    if rules.approval == "moderate-all":
        return PENDING
    return ACTIVE if is_institutional(email, rules) else PENDING
