"""The `[notifications]` table of a venue file: when reviewers are reminded, and the default
decision e-mail per outcome kind; plus the placeholder language of those e-mails.

Pure Python (no Django) so that the loader can reject an unknown placeholder with its line
and the release page can validate what a chair types with the very same rules.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

DEFAULT_SUBJECT = "[{{ venue_short_name }}] Decision on your submission “{{ title }}”: {{ outcome }}"
DEFAULT_BODY = """Dear {{ author_name }},

the program committee of {{ venue_name }} has decided on your submission “{{ title }}”:

    {{ outcome }}

{{ next_steps }}

The reviews and the meta-review are on your paper's page (reviewers appear there as "Reviewer 1", "Reviewer 2", ...):
{{ results_url }}

Thank you for submitting. Questions: {{ contact_email }}

The program chairs of {{ venue_short_name }}
"""
PLACEHOLDERS = {
    "author_name": "the author's name",
    "title": "the paper's title",
    "outcome": "the decision, e.g. Accept (poster)",
    "venue_name": "the venue's name",
    "venue_short_name": "the venue's short name",
    "results_url": "the link to the decision, reviews and camera-ready upload",
    "camera_ready_deadline": "the camera-ready deadline",
    "contact_email": "the chairs' contact address",
    "next_steps": "what to do next (camera-ready for accepted papers, a word of thanks otherwise)",
}
PLACEHOLDER_RE = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
MAX_SUBJECT = 300
MAX_BODY = 20000

# Today's reminder schedule: a week, two days and one day before the review deadline, and
# one overdue reminder twelve hours after it.
DEFAULT_REVIEW_REMINDER_DAYS = (7, 2, 1)
DEFAULT_OVERDUE_REMINDER_DAYS = (0.5,)
MAX_REMINDER_DAYS = 90
OUTCOME_KINDS = ("accept", "reject")  # an outcome with accepted = true is of kind "accept"


def template_problems(subject: str, body: str) -> list[str]:
    """What is wrong with a decision e-mail's subject and body, one sentence each."""
    problems = []
    if not subject.strip():
        problems.append("The subject is empty.")
    if len(subject) > MAX_SUBJECT:
        problems.append(f"The subject is longer than {MAX_SUBJECT} characters.")
    if "\n" in subject.strip() or "\r" in subject.strip():
        problems.append("The subject must be one line.")
    if not body.strip():
        problems.append("The message is empty.")
    if len(body) > MAX_BODY:
        problems.append(f"The message is longer than {MAX_BODY:,} characters.")
    unknown = sorted({m.group(1) for m in PLACEHOLDER_RE.finditer(subject + body)} - set(PLACEHOLDERS))
    if unknown:
        problems.append(f"Unknown placeholder{'s' if len(unknown) > 1 else ''}: {', '.join('{{ ' + u + ' }}' for u in unknown)}. Known: {', '.join(sorted(PLACEHOLDERS))}.")
    return problems


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {{ name }} placeholders with plain text (no template language: a chair's
    template can reach nothing but these values)."""
    return PLACEHOLDER_RE.sub(lambda m: values.get(m.group(1), m.group(0)), template)


@dataclass(frozen=True)
class DecisionEmail:
    subject: str = DEFAULT_SUBJECT
    body: str = DEFAULT_BODY


@dataclass(frozen=True)
class Notifications:
    review_reminder_days: tuple[int, ...] = DEFAULT_REVIEW_REMINDER_DAYS
    overdue_reminder_days: tuple[float, ...] = DEFAULT_OVERDUE_REMINDER_DAYS
    accept_email: DecisionEmail = field(default_factory=DecisionEmail)
    reject_email: DecisionEmail = field(default_factory=DecisionEmail)

    def decision_email(self, accepted: bool) -> DecisionEmail:
        return self.accept_email if accepted else self.reject_email


def notifications_from_dict(data: Mapping[str, Any] | None) -> Notifications:
    """A stored `[notifications]` table; venues stored before it existed get the defaults."""
    if not data:
        return Notifications()
    return Notifications(
        review_reminder_days=tuple(data.get("review_reminder_days", DEFAULT_REVIEW_REMINDER_DAYS)),
        overdue_reminder_days=tuple(data.get("overdue_reminder_days", DEFAULT_OVERDUE_REMINDER_DAYS)),
        accept_email=DecisionEmail(**data.get("accept_email", {})),
        reject_email=DecisionEmail(**data.get("reject_email", {})),
    )


_T = TypeVar("_T")
_D = TypeVar("_D")


class Reader(Protocol):
    """What this module needs of the loader's reader (`loader._Reader`), which records each
    problem with its line instead of raising."""

    @property
    def data(self) -> Mapping[str, Any]: ...

    def table(self, path: tuple[str, ...]) -> dict[str, Any]: ...

    def fail(self, path: tuple[str, ...], message: str) -> None: ...

    # The value as `kind`, else `default` (its problem recorded); this module always gives one.
    def get(self, table: dict[str, Any], path: tuple[str, ...], key: str, kind: type[_T], default: _D) -> _T | _D: ...


def read_notifications(r: Reader) -> Notifications:
    """The `[notifications]` table, read through the loader's reader `r` (which records each
    problem with its line); every key left out keeps today's behaviour."""
    base = ("notifications",)
    if "notifications" not in r.data:
        return Notifications()
    table = r.table(base)
    _only_known(r, base, table, {"review_reminder_days", "overdue_reminder_days", "decision_email"})
    # whole=True lets only whole numbers through
    before = tuple(int(day) for day in _days(r, table, base, "review_reminder_days", DEFAULT_REVIEW_REMINDER_DAYS, whole=True))
    after = _days(r, table, base, "overdue_reminder_days", DEFAULT_OVERDUE_REMINDER_DAYS, whole=False)
    emails_path: tuple[str, ...] = (*base, "decision_email")
    emails = r.table(emails_path)
    _only_known(r, emails_path, emails, set(OUTCOME_KINDS))
    by_kind = {kind: _decision_email(r, emails_path + (kind,)) for kind in OUTCOME_KINDS}
    return Notifications(before, after, by_kind["accept"], by_kind["reject"])


def _only_known(r: Reader, path: tuple[str, ...], table: dict[str, Any], known: set[str]) -> None:
    for key in table:
        if key not in known:
            r.fail(path + (key,), f"unknown key '{key}' (known: {', '.join(sorted(known))})")


def _days(r: Reader, table: dict[str, Any], path: tuple[str, ...], key: str, default: tuple[float, ...], *,
          whole: bool) -> tuple[float, ...]:
    raw = r.get(table, path, key, list, list(default))
    if raw is None:
        return default
    days: list[float] = []
    for value in raw:
        number_ok = isinstance(value, int) or (not whole and isinstance(value, float))
        if isinstance(value, bool) or not number_ok or not 0 < value <= MAX_REMINDER_DAYS:  # also refuses nan
            if whole:
                message = f"must list whole numbers of days from 1 to {MAX_REMINDER_DAYS}, got {value!r}"
            else:
                message = f"must list numbers of days after the deadline, more than 0 and at most {MAX_REMINDER_DAYS} (0.5 = twelve hours), got {value!r}"
            r.fail(path + (key,), message)
            return default
        days.append(value)
    if len(set(days)) != len(days):
        r.fail(path + (key,), "lists a day twice; each reminder is sent once")
        return default
    # Before the deadline the farthest comes first (7, 2, 1); after it, the nearest (1, 3).
    return tuple(sorted(days, reverse=whole))


def _decision_email(r: Reader, path: tuple[str, ...]) -> DecisionEmail:
    table = r.table(path)
    _only_known(r, path, table, {"subject", "body"})
    subject = r.get(table, path, "subject", str, DEFAULT_SUBJECT)
    body = r.get(table, path, "body", str, DEFAULT_BODY)
    if subject is None or body is None:
        return DecisionEmail()
    subject_problems = template_problems(subject, DEFAULT_BODY)
    body_problems = template_problems(DEFAULT_SUBJECT, body)
    for problem in subject_problems:
        r.fail(path + ("subject",), problem)
    for problem in body_problems:
        r.fail(path + ("body",), problem)
    return DecisionEmail(subject.strip(), body)
