"""The chairs' invitation list: pasted e-mail addresses, or CSV rows ``name,email,role``.

`parse_invitation_list` accepts, one person per line:

    jane@uni.edu
    Jane Doe <jane@uni.edu>
    Jane Doe,jane@uni.edu
    Jane Doe,jane@uni.edu,area_chair
    "Doe, Jane",jane@uni.edu,reviewer

A header line (``name,email,role``), blank lines and lines starting with ``#`` are
skipped. Every problem names its line; nothing is invited while any line is wrong.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

# An invitation link is a capability that works once and not forever: it opens the answer
# form while the invitation waits for an answer, for INVITATION_DAYS after the last e-mail
# that carried it (the invitation or its reminder), and never after the venue's review
# deadline. Answered (accepted or declined), expired and unknown links all get the same
# neutral page, which names neither the invitee, the role nor the venue.
INVITATION_DAYS = 30

MAX_LINES = 2000
ROLES = {
    "reviewer": "reviewer", "reviewers": "reviewer", "r": "reviewer", "pc": "reviewer", "pc member": "reviewer",
    "area_chair": "area_chair", "area chair": "area_chair", "area-chair": "area_chair", "ac": "area_chair", "areachair": "area_chair",
}
_ANGLE = re.compile(r"^(?P<name>[^<>]*)<(?P<email>[^<>]+)>$")


@dataclass(frozen=True)
class Invitee:
    line: int
    name: str
    email: str
    role: str


def _role(value: str, default: str, line: int, errors: list[str]) -> str:
    value = " ".join(value.strip().lower().split())
    if not value:
        return default
    role = ROLES.get(value)
    if role is None:
        errors.append(f"Line {line}: unknown role '{value[:40]}' (use reviewer or area_chair).")
        return default
    return role


def _email(value: str, line: int, errors: list[str]) -> str | None:
    value = value.strip().strip("<>").strip()
    if not value:
        errors.append(f"Line {line}: the e-mail address is missing.")
        return None
    try:
        validate_email(value)
    except ValidationError:
        errors.append(f"Line {line}: '{value[:80]}' is not an e-mail address.")
        return None
    return value.lower()


def parse_invitation_list(text: str, default_role: str = "reviewer") -> tuple[list[Invitee], list[str]]:
    """(invitees, errors); when errors is not empty, invite nobody."""
    invitees: list[Invitee] = []
    errors: list[str] = []
    seen: dict[tuple[str, str], int] = {}
    lines = (text or "").splitlines()
    if len(lines) > MAX_LINES:
        return [], [f"The list has {len(lines)} lines; invite at most {MAX_LINES} people at once."]
    first = True
    for number, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if first:
            first = False
            if "@" not in line and "email" in line.lower().replace("-", ""):
                continue  # a header row
        if any(sep in line for sep in ",;\t"):
            delimiter = "\t" if "\t" in line else ("," if "," in line else ";")
            try:
                cells = next(csv.reader([line], delimiter=delimiter, strict=True))
            except csv.Error as error:
                errors.append(f"Line {number}: {error} (quote names that contain '{delimiter}').")
                continue
            cells = [c.strip() for c in cells]
            while cells and not cells[-1]:
                cells.pop()
            if len(cells) == 1:
                name, email_text, role_text = "", cells[0], ""
            elif len(cells) == 2:
                name, email_text, role_text = cells[0], cells[1], ""
            elif len(cells) == 3:
                name, email_text, role_text = cells
            else:
                errors.append(f"Line {number}: expected name,email,role (3 columns), found {len(cells)}; quote names that contain commas.")
                continue
            if "@" in name and "@" not in email_text:
                errors.append(f"Line {number}: the columns are name,email,role; the e-mail address is in the first column.")
                continue
        else:
            match = _ANGLE.match(line)
            name, email_text, role_text = (match.group("name").strip().strip('"'), match.group("email"), "") if match else ("", line, "")
        email = _email(email_text, number, errors)
        role = _role(role_text, default_role, number, errors)
        if email is None:
            continue
        if (email, role) in seen:
            errors.append(f"Line {number}: {email} is already listed on line {seen[(email, role)]}.")
            continue
        seen[(email, role)] = number
        invitees.append(Invitee(number, " ".join(name.split())[:200], email, role))
    if not invitees and not errors:
        errors.append("The list is empty: paste one e-mail address, or one name,email,role row, per line.")
    return invitees, errors
