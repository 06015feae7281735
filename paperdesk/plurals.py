"""One way to print a count with its noun: `count(1, "page")` -> "1 page", `count(2, "page")`
-> "2 pages", `count(2, "person")` -> "2 people"; `plural("paper", 2)` -> "papers"; and the
possessive of a counted noun: `possessive("paper", 2)` -> "papers'", `possessive("paper", 1)`
-> "paper's". Templates use `{{ n|count:"page" }}` (paperdesk/venues/templatetags/counts.py,
a built-in filter). No Django import: e-mails, services and commands use it too."""

from __future__ import annotations

from collections.abc import Sized

IRREGULAR = {
    "person": "people",
    "child": "children",
    "analysis": "analyses",
    "appendix": "appendices",
    "criterion": "criteria",
    "datum": "data",
    "index": "indices",
    "matrix": "matrices",
    "thesis": "theses",
    "is": "are",
    "was": "were",
    "has": "have",
    "does": "do",
    "this": "these",
    "that": "those",
}
UNCHANGED = {"series", "feedback", "information", "software", "metadata"}


def plural(noun: str, n: int = 2) -> str:
    """`noun` for a count of `n` (1 and -1 take the singular)."""
    if abs(number(n)) == 1:
        return noun
    head, _, last = noun.rpartition(" ")
    prefix = f"{head} " if head else ""
    return prefix + _plural_word(last)


def _plural_word(word: str) -> str:
    lower = word.lower()
    if lower in UNCHANGED:
        return word
    if lower in IRREGULAR:
        form = IRREGULAR[lower]
        return form.capitalize() if word[:1].isupper() else form
    if "/" in word:  # "plural/singular" given by the caller: "leaf/leaves"
        return word.split("/", 1)[1]
    if lower.endswith(("s", "x", "z", "ch", "sh")):
        return word + "es"
    if lower.endswith("y") and lower[-2:-1] not in ("a", "e", "i", "o", "u"):
        return word[:-1] + "ies"
    return word + "s"


def count(n: object, noun: str, plural_form: str | None = None) -> str:
    """"1 page", "2 pages", "0 pages"; `plural_form` when the noun is irregular and not known."""
    value = number(n)
    word = noun if abs(value) == 1 else (plural_form or plural(noun, value))
    return f"{value} {word}"


def possessive(noun: str, n: int = 1) -> str:
    """"paper's" (one), "papers'" (more), "people's" (a plural not ending in s)."""
    word = plural(noun, n)
    return word + ("'" if word.endswith("s") else "'s")


def number(n: object) -> int:
    """A count from a number, a numeric string or a collection (its length); 0 otherwise."""
    if isinstance(n, bool):
        return int(n)
    if isinstance(n, int):
        return n
    if isinstance(n, float):
        return int(n)
    if isinstance(n, Sized) and not isinstance(n, str):
        return len(n)
    try:
        return int(str(n))
    except (TypeError, ValueError):
        return 0
