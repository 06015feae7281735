"""The venue settings editor's forms: one section per subject (dates, tracks, ...), each a
set of parts of the venue document (a table, or a list of rows such as the tracks).

A form field is named by its place in the venue file (`tracks[1].max_pages`), so the
loader's problems (`parse_document`) land on the field they name, with the loader's own
message. What the chair typed goes into the document as typed when it is not a number or
a date, so the loader says what is wrong with it ("must be int or float, got str 'ten'").
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import math
import re
from typing import Any

from django.utils.html import format_html, format_html_join

from paperdesk.venueconfig import AOE, DATE_KEYS, Problem, VenueSpec, spec_to_document
from paperdesk.venueconfig.notifications import PLACEHOLDERS

MISSING = object()


@dataclasses.dataclass(frozen=True)
class F:
    key: str
    label: str
    kind: str = "text"  # text | textarea | int | bool | select | datetime | lines | domains | days | options | levels
    help: str = ""
    choices: tuple[tuple[str, str], ...] = ()
    fixed_once_saved: bool = False  # a row's slug or key: what submissions and reviews refer to
    rows: int = 3  # a textarea's height


@dataclasses.dataclass(frozen=True)
class Part:
    path: tuple[str, ...]
    fields: tuple[F, ...]
    legend: str = ""
    many: bool = False  # a list of rows (an array of tables in the file)
    noun: str = ""  # a row: "track"
    help: str = ""

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclasses.dataclass(frozen=True)
class Section:
    slug: str
    title: str
    intro: str
    parts: tuple[Part, ...]


SLUG_HELP = "Lowercase letters, digits and hyphens; it cannot change once saved."
# Shown as code: they are the venue's own template syntax, written as the chairs type them.
PLACEHOLDER_HELP = format_html("Placeholders: {}.", format_html_join(", ", "<code>{{{{ {} }}}}</code>", ((name,) for name in PLACEHOLDERS)))
DATE_LABELS = {
    "submission_open": "Submissions open",
    "submission_deadline": "Submission deadline",
    "review_deadline": "Reviews due",
    "notification": "Notification of acceptance",
    "camera_ready_deadline": "Camera-ready deadline",
}


def _scale_part(name: str, legend: str) -> Part:
    return Part(("review_form", name), (
        F("label", "Label"),
        F("help", "Help for reviewers"),
        F("levels", "Levels", "levels", "One per line, lowest first, as value: label (e.g. 1: Strong reject).", rows=6),
    ), legend=legend)


def _email_part(kind: str, legend: str) -> Part:
    return Part(("notifications", "decision_email", kind), (
        F("subject", "Subject"),
        F("body", "Message", "textarea", PLACEHOLDER_HELP, rows=14),
    ), legend=legend, help="The release page starts from this text; the chairs can still edit it before each release.")


SECTIONS: tuple[Section, ...] = (
    Section("dates", "Dates", "Every date is entered and shown in Anywhere on Earth (AoE, UTC−12): a deadline of 23:59 AoE "
            "has passed everywhere on Earth once it has passed in AoE.", (
                Part(("dates",), tuple(F(key, DATE_LABELS[key], "datetime") for key in DATE_KEYS), legend="Dates (AoE)",
                     help="Each date must not be earlier than the one above it."),
            )),
    Section("tracks", "Tracks and page limits", "What authors submit to. A track that has submissions cannot be removed.", (
        Part(("tracks",), (
            F("slug", "Slug", help=SLUG_HELP, fixed_once_saved=True),
            F("name", "Name"),
            F("max_pages", "Page limit (main content)", "int"),
            F("camera_ready_extra_pages", "Extra pages in the camera-ready", "int"),
            F("reviewers_per_paper", "Reviewers per paper", "int", "Empty: the venue's number of reviewers per paper."),
            F("description", "Description (shown in the call for papers)", "textarea"),
            F("review_guidance", "Guidance for reviewers", "textarea"),
        ), many=True, noun="track"),
    )),
    Section("topics", "Topics", "Authors choose a primary topic and any secondary ones; reviewers state their expertise in "
            "them. A topic that submissions chose cannot be removed.", (
                Part(("topics",), (
                    F("slug", "Slug", help=SLUG_HELP, fixed_once_saved=True),
                    F("name", "Name"),
                    F("subtopics", "Subtopics", "lines", "One per line.", rows=4),
                ), many=True, noun="topic"),
            )),
    Section("contribution-types", "Contribution types", "The kinds of work the venue invites. A type that submissions chose "
            "cannot be removed.", (
                Part(("contribution_types",), (
                    F("slug", "Slug", help=SLUG_HELP, fixed_once_saved=True),
                    F("name", "Name"),
                ), many=True, noun="contribution type"),
            )),
    Section("accounts", "Accounts and institutional domains", "Who can submit as soon as their e-mail address is confirmed, "
            "and who waits for a chair's approval.", (
                Part(("accounts",), (
                    F("approval", "New accounts", "select", choices=(
                        ("institutional", "Institutional addresses at once; the others wait for a chair"),
                        ("all", "Everyone at once"),
                        ("moderate-all", "Everyone waits for a chair"))),
                    F("expected_wait_days", "Expected wait for approval (days)", "int"),
                    F("institutional_suffixes", "Institutional suffixes", "domains", "One per line, starting with a dot (e.g. .ac.uk).", rows=5),
                    F("institutional_domains", "Institutional domains", "domains", "One per line (e.g. ethz.ch); its subdomains count too.", rows=10),
                ), legend="Account approval"),
            )),
    Section("reviewing", "Reviewing", "How papers are reviewed and who sees whom.", (
        Part(("reviewing",), (
            F("reviewers_per_paper", "Reviewers per paper", "int"),
            F("max_load", "Most papers per reviewer", "int"),
            F("bidding", "Reviewers bid on papers", "bool"),
            F("reviews_visible_after_own", "A reviewer reads the other reviews only after submitting their own", "bool"),
            F("area_chairs_see_reviewer_names", "Area chairs see the names of their papers' reviewers", "bool",
              "The chairs always do; reviewers and authors never do."),
        ), legend="Reviewing"),
    )),
    Section("author-response", "Author response", "An optional phase after the reviews: the authors read their paper's "
            "reviews and write one response; reviewers may then update their reviews until the release.", (
        Part(("author_response",), (
            F("enabled", "The venue has an author response", "bool"),
            F("opens", "The response opens (AoE)", "datetime", "The authors read the reviews from then on."),
            F("closes", "The response closes (AoE)", "datetime"),
            F("max_length", "Longest response", "int"),
            F("unit", "Counted in", "select", choices=(("characters", "Characters"), ("words", "Words"))),
            F("reviewers_read", "The reviewers read the response (under \"Authors\", never names)", "bool"),
            F("area_chairs_read", "The area chair reads the response", "bool"),
        ), legend="Author response", help="The chairs always read the response."),
    )),
    Section("review-form", "Review form", "What every reviewer answers. Removing a question that reviews answered, or "
            "adding a required one after reviews were submitted, asks for a confirmation; a scale level or an option "
            "that reviews chose cannot be removed.", (
                Part(("review_form",), (
                    F("intro", "Introduction shown above the form", "textarea", rows=5),
                    F("comments_to_chairs", "Label of the comments to the chairs"),
                ), legend="The form"),
                _scale_part("overall", "Overall score"),
                _scale_part("confidence", "Confidence"),
                Part(("review_form", "questions"), (
                    F("key", "Key", help="Lowercase letters, digits and underscores; it cannot change once saved.", fixed_once_saved=True),
                    F("label", "Question"),
                    F("help", "Help for reviewers", "textarea", rows=2),
                    F("kind", "Answer", "select", choices=(("text", "Free text"), ("choice", "One choice among options"))),
                    F("options", "Options (choice questions)", "options", "One per line as slug: Name (e.g. yes: Yes, convincingly).", rows=4),
                    F("required", "Required", "bool"),
                    F("authors_see", "The authors see the answer", "bool"),
                    F("max_chars", "Longest answer (characters)", "int"),
                ), many=True, noun="question", legend="Questions"),
            )),
    Section("emails", "E-mails and reminders", "Review reminders and the decision e-mails.", (
        Part(("notifications",), (
            F("review_reminder_days", "Reminders before the review deadline (days)", "days",
              "Whole days, e.g. 7, 2, 1; empty for none."),
            F("overdue_reminder_days", "Reminders after the review deadline (days)", "days",
              "Days after the deadline, e.g. 0.5, 3 (0.5 = twelve hours); empty for none."),
        ), legend="Review reminders"),
        _email_part("accept", "Decision e-mail: accepted papers"),
        _email_part("reject", "Decision e-mail: rejected papers"),
    )),
)
BY_SLUG = {section.slug: section for section in SECTIONS}


# --- values: the form's text <-> the document's values ---------------------------------------


def _number(raw: str):
    text = raw.strip()
    if re.fullmatch(r"[+-]?\d+", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text  # the loader names what is wrong with it
    return value if math.isfinite(value) else text


def _aoe_text(moment: dt.datetime, tz: dt.tzinfo) -> str:
    try:
        local = moment.replace(tzinfo=tz).astimezone(AOE)
    except (OverflowError, ValueError):  # at the edge of the calendar: shown as stored
        local = moment
    return f"{local:%Y-%m-%dT%H:%M:%S}" if local.second else f"{local:%Y-%m-%dT%H:%M}"


def to_text(f: F, value, tz: dt.tzinfo) -> str:
    if value is None:
        return ""
    if f.kind == "bool":
        return "on" if value else ""
    if f.kind == "datetime" and isinstance(value, dt.datetime):
        return _aoe_text(value, tz)
    if f.kind in ("lines", "domains"):
        return "\n".join(str(v) for v in value)
    if f.kind == "days":
        return ", ".join(str(v) for v in value)
    if f.kind == "options":
        return "\n".join(f"{o.get('slug', '')}: {o.get('name', '')}" for o in value)
    if f.kind == "levels":
        return "\n".join(f"{level.get('value', '')}: {level.get('label', '')}" for level in value)
    return str(value)


def from_text(f: F, raw: str | None, tz: dt.tzinfo):
    """The document's value for what the chair typed; MISSING leaves the key out."""
    raw = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    if f.kind == "textarea":
        return raw
    if f.kind in ("text", "select"):
        return raw.strip()
    if f.kind == "int":
        return _number(raw) if raw.strip() else MISSING
    if f.kind == "datetime":
        if not raw.strip():
            return MISSING
        try:
            moment = dt.datetime.fromisoformat(raw.strip())
        except ValueError:
            return raw.strip()
        if moment.tzinfo is not None:
            return raw.strip()
        try:
            return moment.replace(tzinfo=AOE).astimezone(tz).replace(tzinfo=None)
        except (OverflowError, ValueError):  # the loader says what is wrong with the text
            return raw.strip()
    if f.kind == "lines":
        return [line.strip() for line in raw.split("\n") if line.strip()]
    if f.kind == "domains":
        return [item for item in re.split(r"[\s,;]+", raw) if item]
    if f.kind == "days":
        return [_number(item) for item in re.split(r"[\s,;]+", raw) if item]
    if f.kind in ("options", "levels"):
        items: list[dict[str, Any]] = []
        for line in raw.split("\n"):
            if not line.strip():
                continue
            head, colon, tail = line.partition(":")
            if f.kind == "options":
                items.append({"slug": head.strip(), "name": tail.strip()} if colon else {"slug": head.strip()})
            else:
                value = _number(head)
                items.append({"value": value, "label": tail.strip()} if colon else {"value": value})
        return items if items or f.kind == "levels" else MISSING
    raise ValueError(f"unknown field kind {f.kind}")


def _node(document: dict, path: tuple[str, ...]):
    node: Any = document
    for key in path:
        node = node.setdefault(key, {}) if isinstance(node, dict) else {}
    return node


def row_name(part: Part, index: int) -> str:
    return f"{part.name}[{index}]"


def field_name(part: Part, f: F, index: int | None = None) -> str:
    return f"{row_name(part, index) if index is not None else part.name}.{f.key}"


def initial_values(section: Section, spec: VenueSpec, tz: dt.tzinfo) -> dict[str, str]:
    """The form's text for the venue as it is (each list with one blank row to add one)."""
    document = spec_to_document(spec)
    values: dict[str, str] = {}
    for part in section.parts:
        node = _node(document, part.path)
        if part.many:
            rows = node if isinstance(node, list) else []
            values[f"{part.name}.existing"] = str(len(rows))
            for index, row in enumerate(rows):
                for f in part.fields:
                    values[field_name(part, f, index)] = to_text(f, row.get(f.key), tz)
            for f in part.fields:  # the blank row: a new question is required and shown to the authors
                values[field_name(part, f, len(rows))] = "on" if f.kind == "bool" else ("text" if f.key == "kind" else "")
        else:
            for f in part.fields:
                values[field_name(part, f)] = to_text(f, node.get(f.key), tz)
    return values


def row_count(part: Part, values) -> tuple[int, int]:
    """(existing rows, rows in the form) of a list part, from the form's values."""
    try:
        existing = max(0, int(values.get(f"{part.name}.existing", "0")))
    except ValueError:
        existing = 0
    pattern = re.compile(re.escape(part.name) + r"\[(\d+)\]\.")
    indexes = [int(m.group(1)) for key in values if (m := pattern.match(key))]
    return existing, min(max(indexes, default=existing - 1) + 1, existing + 50)


def _is_blank(part: Part, values, index: int) -> bool:
    return all(not (values.get(field_name(part, f, index)) or "").strip()
               for f in part.fields if f.key in ("slug", "key", "name", "label"))


@dataclasses.dataclass
class Applied:
    document: dict
    # per list part: the document's row index -> the form's row index
    rows: dict[str, dict[int, int]]


def apply(section: Section, spec: VenueSpec, values, tz: dt.tzinfo) -> Applied:
    """The venue document with this section's part replaced by what the form holds."""
    document = spec_to_document(spec)
    rows_map: dict[str, dict[int, int]] = {}
    for part in section.parts:
        parent = _node(document, part.path[:-1])
        if part.many:
            original = parent.get(part.path[-1]) or []
            existing, total = row_count(part, values)
            rows: list[dict] = []
            mapping: dict[int, int] = {}
            for index in range(total):
                if values.get(f"{row_name(part, index)}.remove"):
                    continue
                if index >= existing and _is_blank(part, values, index):
                    continue
                row = copy.deepcopy(original[index]) if index < existing and index < len(original) else {}
                _fill(part, row, values, tz, index)
                mapping[len(rows)] = index
                rows.append(row)
            parent[part.path[-1]] = rows
            rows_map[part.name] = mapping
        else:
            table = parent.setdefault(part.path[-1], {})
            _fill(part, table, values, tz, None)
    return Applied(document, rows_map)


def _fill(part: Part, table: dict, values, tz: dt.tzinfo, index: int | None) -> None:
    for f in part.fields:
        name = field_name(part, f, index)
        if f.kind == "bool":
            table[f.key] = bool(values.get(name))
            continue
        value = from_text(f, values.get(name), tz)
        if value is MISSING:
            table.pop(f.key, None)
        else:
            table[f.key] = value


# --- the form as the template shows it ---------------------------------------------------------


@dataclasses.dataclass
class FieldView:
    name: str
    id: str
    label: str
    kind: str
    value: str
    help: str = ""
    choices: tuple = ()
    errors: list[str] = dataclasses.field(default_factory=list)
    readonly: bool = False
    rows: int = 3
    utc: str = ""  # a date: the moment in UTC, which the page also shows in the reader's own time


@dataclasses.dataclass
class RowView:
    legend: str
    fields: list[FieldView]
    remove_name: str = ""
    removed: bool = False
    is_new: bool = False


@dataclasses.dataclass
class PartView:
    legend: str
    help: str
    many: bool
    rows: list[RowView]
    existing_name: str = ""
    existing: int = 0
    noun: str = ""
    errors: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class ProblemView:
    text: str
    anchor: str


def field_id(name: str) -> str:
    return "f-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")


def _translate(path: str, applied: Applied | None) -> str:
    """A problem's path in the document -> the same place in the form (rows removed or
    left blank shift the document's row numbers)."""
    if applied is None:
        return path
    for list_name, mapping in applied.rows.items():
        prefix = list_name + "["
        if path.startswith(prefix):
            match = re.match(re.escape(list_name) + r"\[(\d+)\]", path)
            if match and int(match.group(1)) in mapping:
                return f"{list_name}[{mapping[int(match.group(1))]}]" + path[match.end():]
    return path


def build(section: Section, values, *, problems: list[Problem] | tuple[()] = (), applied: Applied | None = None
          ) -> tuple[list[PartView], list[ProblemView]]:
    """The section's parts with each field's value and problems, and the error summary."""
    parts: list[PartView] = []
    fields_by_name: dict[str, FieldView] = {}
    part_by_name: dict[str, PartView] = {}
    labels: dict[str, str] = {}

    def make_field(part: Part, f: F, index: int | None, existing: int) -> FieldView:
        name = field_name(part, f, index)
        view = FieldView(name, field_id(name), f.label, f.kind, values.get(name) or "", f.help, f.choices,
                         readonly=f.fixed_once_saved and index is not None and index < existing, rows=f.rows)
        if f.kind == "datetime":
            try:
                moment = dt.datetime.fromisoformat(view.value)
                if moment.tzinfo is None:
                    view.utc = moment.replace(tzinfo=AOE).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            except (OverflowError, ValueError):
                pass
        fields_by_name[name] = view
        return view

    for part in section.parts:
        if part.many:
            existing, total = row_count(part, values)
            view = PartView(part.legend, part.help, True, [], f"{part.name}.existing", existing, part.noun)
            for index in range(total):
                fields = [make_field(part, f, index, existing) for f in part.fields]
                title = (values.get(field_name(part, part.fields[1], index)) or "").strip()
                legend = f"New {part.noun}" if index >= existing else (title or f"{part.noun.capitalize()} {index + 1}")
                labels[row_name(part, index)] = legend
                view.rows.append(RowView(legend, fields, f"{row_name(part, index)}.remove",
                                         bool(values.get(f"{row_name(part, index)}.remove")), index >= existing))
        else:
            view = PartView(part.legend, part.help, False, [RowView("", [make_field(part, f, None, 0) for f in part.fields])])
        parts.append(view)
        part_by_name[part.name] = view

    summary: list[ProblemView] = []
    for problem in problems:
        path = _translate(problem.path, applied)
        target = max((n for n in fields_by_name if path == n or path.startswith(n + ".") or path.startswith(n + "[")),
                     key=len, default=None)
        where = path
        if target is not None:
            field = fields_by_name[target]
            field.errors.append(problem.message)
            row = re.match(r"(.*\[\d+\])\.", target)
            where = " › ".join(x for x in (labels.get(row.group(1)) if row else "", field.label) if x) + f" ({path})"
            summary.append(ProblemView(f"{where}: {problem.message}", field.id))
            continue
        owner = max((n for n in part_by_name if path == n or path.startswith(n + "[") or path.startswith(n + ".")), key=len, default=None)
        if owner is not None:
            part_by_name[owner].errors.append(problem.message)
        summary.append(ProblemView(f"{where}: {problem.message}" if where else problem.message, ""))
    return parts, summary
