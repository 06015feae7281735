"""Read and validate a venue TOML file, reporting every problem with its line number."""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import enum
import itertools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, TypedDict, TypeVar, overload
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .notifications import read_notifications
from .spec import (
    DATE_KEYS,
    DEFAULT_REVIEW_FORM,
    FONT_FAMILIES,
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

AOE = dt.timezone(dt.timedelta(hours=-12), "AoE")
MAX_PAGES = 1000  # a page limit (and the camera-ready's extra pages) is stored in a database column
MAX_LEVEL = 1000  # a scale's values are stored as small integers with each review
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")

# Where a value sits in the document: table keys, and an index for each array item.
KeyPath = tuple[str | int, ...]
# A table of the parsed document. Its values are whatever the file (tomllib) or the browser's
# JSON holds, so they are Any here; the reader checks each one's type where it reads it.
Table = dict[str, Any]

_T = TypeVar("_T")
_U = TypeVar("_U")
_D = TypeVar("_D")


class _Required(enum.Enum):
    """The default of a key the document must hold: the reader reports it missing."""

    KEY = enum.auto()


REQUIRED: Final = _Required.KEY


class _TemplateType(TypedDict):
    """The `Template` fields `_template_type` reads (the body text's typeface and leading)."""

    body_font_families: tuple[str, ...]
    body_leading_pt: float
    min_leading_pt: float


@dataclass(frozen=True)
class Problem:
    line: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = f"line {self.line}" if self.line else "file"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class VenueConfigError(ValueError):
    def __init__(self, source: str, problems: list[Problem]):
        self.source = source
        self.problems = problems
        super().__init__(self.render())

    def render(self) -> str:
        lines = [f"{self.source}: {len(self.problems)} problem(s)"]
        for p in self.problems:
            where = f"{self.source}:{p.line}" if p.line else self.source
            lines.append(f"  {where}: {p.path + ': ' if p.path else ''}{p.message}")
        return "\n".join(lines)


def venue_tzinfo(name: str) -> dt.tzinfo:
    if name.upper() in ("AOE", "ANYWHERE ON EARTH"):
        return AOE
    return ZoneInfo(name)


def locate_keys(text: str) -> dict[KeyPath, int]:
    """Map each dotted key path (array items by index) to the line that defines it."""
    positions: dict[KeyPath, int] = {}
    array_counts: dict[KeyPath, int] = {}
    current: KeyPath = ()
    header = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\-\" ]+?)\s*\]\]?\s*(#.*)?$")
    key_line = re.compile(r"^\s*([A-Za-z0-9_\-]+)\s*=")
    in_multiline = False
    for number, line in enumerate(text.splitlines(), start=1):
        if in_multiline:
            if line.count('"""') % 2 == 1 or line.count("'''") % 2 == 1:
                in_multiline = False
            continue
        match = header.match(line)
        if match:
            parts = tuple(p.strip().strip('"') for p in match.group(2).split("."))
            if match.group(1) == "[[":
                parent = _resolve(parts[:-1], array_counts)
                base = parent + (parts[-1],)
                index = array_counts.get(base, -1) + 1
                array_counts[base] = index
                current = base + (index,)
            else:
                current = _resolve(parts, array_counts)
            positions.setdefault(current, number)
            continue
        match = key_line.match(line)
        if match:
            positions[current + (match.group(1),)] = number
            if line.count('"""') == 1 or line.count("'''") == 1:
                in_multiline = True
    return positions


def _resolve(parts: tuple[str, ...], array_counts: dict[KeyPath, int]) -> KeyPath:
    resolved: KeyPath = ()
    for part in parts:
        resolved = resolved + (part,)
        if resolved in array_counts:
            resolved = resolved + (array_counts[resolved],)
    return resolved


class _Reader:
    """Typed access to the parsed document that records problems instead of raising."""

    def __init__(self, data: Table, positions: dict[KeyPath, int]) -> None:
        self.data = data
        self.positions = positions
        self.problems: list[Problem] = []
        # (id of a table, key) for every key the builder looked at; what is left in the
        # document afterwards is unknown (a typo such as `max_page` must not pass as "ok").
        self._read: set[tuple[int, str]] = set()
        self._asked: dict[int, set[str]] = {}

    def mark(self, table: Table, *keys: str) -> None:
        """Record keys the builder reads directly (without `get`)."""
        for key in keys:
            self._note(table, key)

    def _note(self, table: Table, key: str) -> None:
        self._read.add((id(table), key))
        self._asked.setdefault(id(table), set()).add(key)

    def unknown_keys(self) -> None:
        """Report every key of the document that no part of the builder read (once: a part
        that checks its own keys has already named them)."""
        reported = {problem.path for problem in self.problems}

        def walk(node: Table, path: KeyPath) -> None:
            for key, value in node.items():
                if (id(node), key) not in self._read:
                    if self._shown(path + (key,)) in reported:
                        continue
                    known = sorted(self._asked.get(id(node), ()))
                    close = difflib.get_close_matches(key, known, n=1)
                    hint = f"; did you mean '{close[0]}'?" if close else ""
                    self.fail(path + (key,), f"unknown key '{key}'{hint}")
                    continue
                if isinstance(value, dict):
                    walk(value, path + (key,))
                elif isinstance(value, list):
                    for index, item in enumerate(value):
                        if isinstance(item, dict):
                            walk(item, path + (key, index))

        walk(self.data, ())

    def line_of(self, path: KeyPath) -> int | None:
        while path:
            if path in self.positions:
                return self.positions[path]
            path = path[:-1]
        return None

    @staticmethod
    def _shown(path: KeyPath) -> str:
        return ".".join(f"[{p}]" if isinstance(p, int) else p for p in path).replace(".[", "[")

    def fail(self, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.line_of(path), self._shown(path), message))

    def table(self, path: tuple[str, ...], required: bool = False) -> Table:
        node: Any = self.data
        for part in path:
            if isinstance(node, dict):
                self._note(node, part)
            node = node.get(part) if isinstance(node, dict) else None
            if node is None:
                if required:
                    self.fail(path, "missing table")
                return {}
        if not isinstance(node, dict):
            self.fail(path, "must be a table")
            return {}
        return node

    # `get` gives the value as `kind` (one type or two), or None when it is missing or of
    # another type (the problem recorded); with a default, the default instead.
    @overload
    def get(self, table: Table, path: KeyPath, key: str, kind: type[_T], default: _Required = REQUIRED) -> _T | None: ...

    @overload
    def get(self, table: Table, path: KeyPath, key: str, kind: type[_T], default: _D) -> _T | _D: ...

    @overload
    def get(self, table: Table, path: KeyPath, key: str, kind: tuple[type[_T], type[_U]],
            default: _Required = REQUIRED) -> _T | _U | None: ...

    @overload
    def get(self, table: Table, path: KeyPath, key: str, kind: tuple[type[_T], type[_U]], default: _D) -> _T | _U | _D: ...

    def get(self, table: Table, path: KeyPath, key: str, kind: type[object] | tuple[type[object], ...],
            default: object = REQUIRED) -> object:
        self._note(table, key)
        if key not in table:
            if default is REQUIRED:
                self.fail(path + (key,), f"required key '{key}' is missing")
                return None
            return default
        value = table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        ok = False if isinstance(value, bool) and bool not in kinds else isinstance(value, kinds)
        if not ok:
            names = " or ".join(k.__name__ for k in kinds)
            self.fail(path + (key,), f"must be {names}, got {type(value).__name__} {value!r}")
            return None if default is REQUIRED else default
        return value

    @overload
    def positive(self, table: Table, path: KeyPath, key: str, default: _Required = REQUIRED, minimum: float = 1) -> float | None: ...

    @overload
    def positive(self, table: Table, path: KeyPath, key: str, default: float, minimum: float = 1) -> float: ...

    def positive(self, table: Table, path: KeyPath, key: str, default: float | _Required = REQUIRED, minimum: float = 1) -> float | None:
        value = self.get(table, path, key, (int, float), default)
        if value is not None and value < minimum:
            self.fail(path + (key,), f"must be at least {minimum}, got {value}")
        return value

    def items(self, path: tuple[str, ...], required: bool = True) -> list[tuple[KeyPath, Table]]:
        node: Any = self.data
        for part in path:
            if isinstance(node, dict):
                self._note(node, part)
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            if required:
                self.fail(path, "at least one entry is required")
            return []
        if not isinstance(node, list) or not all(isinstance(i, dict) for i in node):
            self.fail(path, "must be an array of tables")
            return []
        return [(path + (i,), item) for i, item in enumerate(node)]

    def slug(self, table: Table, path: KeyPath, key: str = "slug") -> str:
        value = self.get(table, path, key, str) or ""
        if value and not SLUG_RE.match(value):
            self.fail(path + (key,), f"'{value}' must be lowercase letters, digits and hyphens")
        return value


def parse_venue(text: str, source: str = "<venue>") -> VenueSpec:
    text = text.removeprefix("\ufeff")  # editors on Windows save UTF-8 with a byte-order mark
    try:
        data = tomllib.loads(text)
    except RecursionError:
        raise VenueConfigError(source, [Problem(None, "", "arrays or inline tables are nested too deeply to be a venue file")]) from None
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"line (\d+)", str(error))
        line = int(match.group(1)) if match else None
        raise VenueConfigError(source, [Problem(line, "", f"TOML syntax error: {error}")]) from None
    return _validated(_Reader(data, locate_keys(text)), source)


def parse_document(data: dict[str, Any], source: str = "<venue>") -> VenueSpec:
    """A venue from an already-parsed document (what `tomllib.loads` returns, e.g. a venue
    edited in the browser), validated by the very same rules and messages as a file; the
    problems name the field (`tracks[1].max_pages`) but have no line."""
    return _validated(_Reader(data, {}), source)


def _validated(reader: _Reader, source: str) -> VenueSpec:
    _refuse_nul(reader, reader.data, ())
    spec = _build(reader, source)
    reader.unknown_keys()
    if reader.problems:
        raise VenueConfigError(source, reader.problems)
    if spec is None:  # _build returns None only with problems, raised above
        raise RuntimeError(f"{source}: the venue file could not be read")
    return spec


def _refuse_nul(reader: _Reader, node: object, path: KeyPath) -> None:
    """A NUL character (TOML's \u0000) cannot be stored by PostgreSQL, in text or JSON."""
    if isinstance(node, str):
        if "\x00" in node:
            reader.fail(path, "must not contain the character U+0000 (NUL)")
    elif isinstance(node, dict):
        for key, value in node.items():
            _refuse_nul(reader, value, path + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            _refuse_nul(reader, value, path + (index,))


def load_venue_file(path: str | Path) -> VenueSpec:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise VenueConfigError(str(path), [Problem(None, "", "file not found")]) from None
    except UnicodeDecodeError:
        raise VenueConfigError(str(path), [Problem(None, "", "file is not UTF-8 text")]) from None
    return parse_venue(text, str(path))


def _build(r: _Reader, source: str) -> VenueSpec | None:
    venue = r.table(("venue",), required=True)
    p = ("venue",)
    slug = r.slug(venue, p)
    name = r.get(venue, p, "name", str)
    contact = r.get(venue, p, "contact_email", str)
    if contact and not EMAIL_RE.match(contact):
        r.fail(p + ("contact_email",), f"'{contact}' is not an e-mail address")
    timezone = r.get(venue, p, "timezone", str, "AoE")
    try:
        venue_tzinfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        r.fail(p + ("timezone",), f"unknown time zone '{timezone}' (use AoE or an IANA name such as Europe/Paris)")

    dates_table = r.table(("dates",), required=True)
    dates: dict[str, dt.datetime] = {}
    for key in DATE_KEYS:
        value = r.get(dates_table, ("dates",), key, (dt.datetime, dt.date))
        if value is None:
            continue
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                r.fail(("dates", key), "write a local time without offset; the venue timezone applies")
            dates[key] = value.replace(tzinfo=None)
        else:
            dates[key] = dt.datetime.combine(value, dt.time(23, 59))
    order = [k for k in DATE_KEYS if k in dates]
    for earlier, later in itertools.pairwise(order):
        if dates[later] < dates[earlier]:
            r.fail(("dates", later), f"{later} ({dates[later]:%Y-%m-%d %H:%M}) is before {earlier} ({dates[earlier]:%Y-%m-%d %H:%M})")

    sub = r.table(("submission",))
    sp = ("submission",)
    anonymity = r.get(sub, sp, "anonymity", str, "double-blind")
    if anonymity not in ("double-blind", "single-blind", "open"):
        r.fail(sp + ("anonymity",), f"must be double-blind, single-blind or open, got '{anonymity}'")
    blocking = r.get(sub, sp, "blocking_findings", list, ["unreadable", "over_limit"])
    known_blocking = {"unreadable", "over_limit", "format", "anonymity"}
    for item in blocking or []:
        if item not in known_blocking:
            r.fail(sp + ("blocking_findings",), f"unknown finding class '{item}' (known: {', '.join(sorted(known_blocking))})")
    attestations: list[Attestation] = []
    for path, item in r.items(sp + ("attestations",), required=False):
        attestations.append(Attestation(r.slug(item, path, "key"), r.get(item, path, "text", str) or "", bool(r.get(item, path, "required", bool, True))))
    under_review = r.table(sp + ("under_review",))
    submission = SubmissionRules(
        anonymity=anonymity,
        max_pdf_mb=r.positive(sub, sp, "max_pdf_mb", 50),
        supplementary=r.get(sub, sp, "supplementary", bool, True),
        max_supplementary_mb=r.positive(sub, sp, "max_supplementary_mb", 100),
        in_person_question=r.get(sub, sp, "in_person_question", bool, True),
        code_links=r.get(sub, sp, "code_links", bool, True),
        blocking_findings=tuple(blocking or ()),
        attestations=tuple(attestations),
        under_review_enabled=r.get(under_review, sp + ("under_review",), "enabled", bool, True),
        under_review_label=r.get(under_review, sp + ("under_review",), "label", str, "Currently under review at"),
    )

    tpl = r.table(("template",))
    tp = ("template",)
    paper_size = r.get(tpl, tp, "paper_size", str, "letter")
    if paper_size not in ("letter", "a4"):
        r.fail(tp + ("paper_size",), f"must be letter or a4, got '{paper_size}'")
    template = Template(
        name=r.get(tpl, tp, "name", str, ""),
        url=r.get(tpl, tp, "url", str, ""),
        paper_size=paper_size,
        text_width_in=float(r.positive(tpl, tp, "text_width_in", 5.5) or 5.5),
        text_height_in=float(r.positive(tpl, tp, "text_height_in", 9.0) or 9.0),
        left_margin_in=float(r.positive(tpl, tp, "left_margin_in", 1.5, minimum=0) or 0),
        top_margin_in=float(r.positive(tpl, tp, "top_margin_in", 1.0, minimum=0) or 0),
        body_font_pt=float(r.positive(tpl, tp, "body_font_pt", 10) or 10),
        min_font_pt=float(r.positive(tpl, tp, "min_font_pt", 9.5) or 9.5),
        columns=int(r.positive(tpl, tp, "columns", 1) or 1),
        checklist=r.get(tpl, tp, "checklist", str, "optional"),
        **_template_type(r, tpl, tp),
    )

    tracks: list[Track] = []
    for path, item in r.items(("tracks",)):
        max_pages = r.positive(item, path, "max_pages")
        extra_pages = r.positive(item, path, "camera_ready_extra_pages", 1, minimum=0)
        for key, pages in (("max_pages", max_pages), ("camera_ready_extra_pages", extra_pages)):
            if pages is not None and pages > MAX_PAGES:
                r.fail(path + (key,), f"must be at most {MAX_PAGES}, got {pages}")
        track_k = r.get(item, path, "reviewers_per_paper", int, None)
        if track_k is not None and track_k < 0:
            r.fail(path + ("reviewers_per_paper",), f"must be at least 0, got {track_k}")
            track_k = None
        tracks.append(Track(
            slug=r.slug(item, path),
            name=r.get(item, path, "name", str) or "",
            max_pages=int(max_pages or 1),
            camera_ready_extra_pages=int(extra_pages or 0),
            description=r.get(item, path, "description", str, ""),
            review_guidance=r.get(item, path, "review_guidance", str, ""),
            reviewers_per_paper=track_k,
        ))
    _unique(r, ("tracks",), [t.slug for t in tracks])

    kinds = [Choice(r.slug(item, path), r.get(item, path, "name", str) or "") for path, item in r.items(("contribution_types",))]
    _unique(r, ("contribution_types",), [k.slug for k in kinds])
    topics: list[Topic] = []
    for path, item in r.items(("topics",)):
        subtopics = r.get(item, path, "subtopics", list, [])
        topics.append(Topic(r.slug(item, path), r.get(item, path, "name", str) or "", tuple(str(s) for s in subtopics or ())))
    _unique(r, ("topics",), [t.slug for t in topics])

    rev = r.table(("reviewing",))
    rp = ("reviewing",)
    reviewing = ReviewingRules(
        reviewers_per_paper=int(r.positive(rev, rp, "reviewers_per_paper", 3) or 3),
        max_load=int(r.positive(rev, rp, "max_load", 5) or 5),
        min_load=int(r.positive(rev, rp, "min_load", 0, minimum=0) or 0),
        bidding=r.get(rev, rp, "bidding", bool, True),
        reviews_visible_after_own=r.get(rev, rp, "reviews_visible_after_own", bool, True),
        volunteer_form=r.get(rev, rp, "volunteer_form", bool, True),
        ask_first_authors_to_volunteer=r.get(rev, rp, "ask_first_authors_to_volunteer", bool, True),
        conflict_years=int(r.positive(rev, rp, "conflict_years", 3, minimum=0) or 0),
        area_chairs_see_reviewer_names=r.get(rev, rp, "area_chairs_see_reviewer_names", bool, True),
    )
    if reviewing.min_load > reviewing.max_load:
        r.fail(rp + ("min_load",), f"min_load {reviewing.min_load} exceeds max_load {reviewing.max_load}")

    dec = r.table(("decisions",))
    outcomes: list[Outcome] = []
    raw_outcomes = r.get(dec, ("decisions",), "outcomes", list, [
        {"slug": "accept", "name": "Accept", "accepted": True},
        {"slug": "reject", "name": "Reject", "accepted": False},
    ])
    for index, item in enumerate(raw_outcomes or []):
        path = ("decisions", "outcomes")
        if not isinstance(item, dict):
            r.fail(path, f"outcome {index + 1} must be an inline table {{slug, name, accepted}}")
            continue
        outcomes.append(Outcome(r.slug(item, path), r.get(item, path, "name", str) or "", bool(r.get(item, path, "accepted", bool))))

    acc = r.table(("accounts",))
    ap = ("accounts",)
    approval = r.get(acc, ap, "approval", str, "institutional")
    if approval not in ("institutional", "all", "moderate-all"):
        r.fail(ap + ("approval",), f"must be institutional, all or moderate-all, got '{approval}'")
    accounts = AccountRules(
        approval=approval,
        expected_wait_days=int(r.positive(acc, ap, "expected_wait_days", 14, minimum=0) or 0),
        institutional_suffixes=_domains(r, acc, ap, "institutional_suffixes", [".edu", ".ac.uk"], suffix=True),
        institutional_domains=_domains(r, acc, ap, "institutional_domains", [], suffix=False),
    )
    review_form = _review_form(r)
    notifications = read_notifications(r)
    author_response = _author_response(r, dates)
    short_name = r.get(venue, p, "short_name", str, name)
    website = r.get(venue, p, "website", str, "")
    archival = r.get(venue, p, "archival", bool, False)
    description = r.get(venue, p, "description", str, "")
    # A required value is None only when its problem is recorded: the checks after `or` add
    # no case, they tell the type checker what the first one already ensures.
    if r.problems or name is None or short_name is None or contact is None:
        return None
    return VenueSpec(
        slug=slug,
        name=name,
        short_name=short_name,
        contact_email=contact,
        website=website,
        timezone=timezone,
        archival=archival,
        description=description,
        dates=dates,
        submission=submission,
        template=template,
        tracks=tuple(tracks),
        contribution_types=tuple(kinds),
        topics=tuple(topics),
        reviewing=reviewing,
        outcomes=tuple(outcomes),
        accounts=accounts,
        review_form=review_form,
        notifications=notifications,
        author_response=author_response,
        source=source,
    )


def _author_response(r: _Reader, dates: dict[str, dt.datetime]) -> AuthorResponseRules:
    """`[author_response]`: off when absent. When enabled, `opens` and `closes` are required
    local times (opens before closes, and not before the submission deadline)."""
    table = r.table(("author_response",))
    p = ("author_response",)
    if not table:
        return AuthorResponseRules()
    enabled = r.get(table, p, "enabled", bool, True)
    if not enabled:
        # Off: nothing else in the section matters (the settings form sends every field of
        # a turned-off section; they are known keys, kept but not read).
        for key in ("opens", "closes", "max_length", "unit", "reviewers_read", "area_chairs_read"):
            r._note(table, key)
        return AuthorResponseRules()
    moments: dict[str, dt.datetime | None] = {}
    for key in ("opens", "closes"):
        value = r.get(table, p, key, (dt.datetime, dt.date), None)
        if isinstance(value, dt.datetime):
            if value.tzinfo is not None:
                r.fail(p + (key,), "write a local time without offset; the venue timezone applies")
            moments[key] = value.replace(tzinfo=None)
        elif isinstance(value, dt.date):
            moments[key] = dt.datetime.combine(value, dt.time(23, 59))
        else:
            moments[key] = None
            if enabled:
                r.fail(p + (key,), f"the author response needs its '{key}' date (a local time such as 2025-09-15T00:00:00)")
    opens, closes = moments["opens"], moments["closes"]
    if opens and closes and closes <= opens:
        r.fail(p + ("closes",), f"closes ({closes:%Y-%m-%d %H:%M}) must be after opens ({opens:%Y-%m-%d %H:%M})")
    deadline = dates.get("submission_deadline")
    if opens and deadline and opens < deadline:
        r.fail(p + ("opens",), f"opens ({opens:%Y-%m-%d %H:%M}) is before the submission deadline ({deadline:%Y-%m-%d %H:%M})")
    unit = r.get(table, p, "unit", str, "characters")
    if unit not in ("characters", "words"):
        r.fail(p + ("unit",), f"unit must be \"characters\" or \"words\", not '{unit}'")
    return AuthorResponseRules(
        enabled=enabled, opens=opens, closes=closes,
        max_length=int(r.positive(table, p, "max_length", 5000) or 5000), unit=unit,
        reviewers_read=r.get(table, p, "reviewers_read", bool, True),
        area_chairs_read=r.get(table, p, "area_chairs_read", bool, True),
    )


def _template_type(r: _Reader, tpl: Table, tp: KeyPath) -> _TemplateType:
    """The body font family and leading of `[template]`: a family from FONT_FAMILIES (an
    empty list accepts any), a leading of 0 turns the line-spacing check off; the minimum
    leading defaults to 97% of the template's."""
    families = r.get(tpl, tp, "body_font_families", list, list(Template.body_font_families))
    if families is None:
        families = list(Template.body_font_families)
    for index, family in enumerate(families):
        if family not in FONT_FAMILIES:
            r.fail(tp + ("body_font_families", index), f"unknown font family {family!r} (known: {', '.join(FONT_FAMILIES)})")
    leading = float(r.positive(tpl, tp, "body_leading_pt", Template.body_leading_pt, minimum=0) or 0)
    if leading and not 1 <= leading <= 100:
        r.fail(tp + ("body_leading_pt",), f"must be between 1 and 100 pt (0: not checked), got {leading:g}")
    default_min = round(0.97 * leading, 2) if "body_leading_pt" in tpl else Template.min_leading_pt
    minimum = float(r.positive(tpl, tp, "min_leading_pt", default_min, minimum=0) or 0)
    if leading and minimum > leading:
        r.fail(tp + ("min_leading_pt",), f"must not exceed body_leading_pt ({leading:g}), got {minimum:g}")
    return {
        "body_font_families": tuple(dict.fromkeys(str(f) for f in families if f in FONT_FAMILIES)),
        "body_leading_pt": leading,
        "min_leading_pt": minimum if leading else 0.0,
    }


QUESTION_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
RESERVED_QUESTION_KEYS = {"overall", "confidence", "comments_to_chairs"}
MAX_ANSWER_CHARS = 20000


def _review_form(r: _Reader) -> ReviewForm:
    """The `[review_form]` table; each part left out keeps this CFP's default."""
    base = ("review_form",)
    if "review_form" not in r.data:
        return DEFAULT_REVIEW_FORM
    table = r.table(base)
    known = {"intro", "comments_to_chairs", "overall", "confidence", "questions"}
    for key in table:
        if key not in known:
            r.fail(base + (key,), f"unknown key '{key}' (known: {', '.join(sorted(known))})")
    questions = DEFAULT_REVIEW_FORM.questions
    if "questions" in table:
        questions = tuple(q for q in (_question(r, path, item) for path, item in r.items(base + ("questions",))) if q)
        if not questions and not r.problems:
            r.fail(base + ("questions",), "at least one question is required")
        seen: set[str] = set()
        for index, question in enumerate(questions):
            if question.key in seen:
                r.fail(base + ("questions", index, "key"), f"duplicate question key '{question.key}'")
            seen.add(question.key)
    return ReviewForm(
        questions=questions,
        overall=_scale(r, base + ("overall",), DEFAULT_REVIEW_FORM.overall) if "overall" in table else DEFAULT_REVIEW_FORM.overall,
        confidence=_scale(r, base + ("confidence",), DEFAULT_REVIEW_FORM.confidence) if "confidence" in table else DEFAULT_REVIEW_FORM.confidence,
        intro=r.get(table, base, "intro", str, DEFAULT_REVIEW_FORM.intro) or "",
        comments_to_chairs=r.get(table, base, "comments_to_chairs", str, DEFAULT_REVIEW_FORM.comments_to_chairs) or DEFAULT_REVIEW_FORM.comments_to_chairs,
    )


def _question(r: _Reader, path: KeyPath, item: Table) -> ReviewQuestion | None:
    known = {"key", "label", "help", "kind", "required", "options", "max_chars", "authors_see"}
    for key in item:
        if key not in known:
            r.fail(path + (key,), f"unknown key '{key}' (known: {', '.join(sorted(known))})")
    key = r.get(item, path, "key", str) or ""
    if key and not QUESTION_KEY_RE.match(key):
        r.fail(path + ("key",), f"'{key}' must start with a lowercase letter and hold only lowercase letters, digits and underscores")
    if key in RESERVED_QUESTION_KEYS:
        r.fail(path + ("key",), f"'{key}' is built into every review form; choose another key")
    label = r.get(item, path, "label", str) or ""
    if "label" in item and not label.strip():
        r.fail(path + ("label",), "must not be empty")
    kind = r.get(item, path, "kind", str, "text")
    if kind not in ("text", "choice"):
        r.fail(path + ("kind",), f"must be text or choice, got '{kind}'")
    options: list[Choice] = []
    raw_options = r.get(item, path, "options", list, [])
    if kind == "choice":
        for index, option in enumerate(raw_options or []):
            if not isinstance(option, dict):
                r.fail(path + ("options",), f"option {index + 1} must be an inline table {{slug, name}}")
                continue
            options.append(Choice(r.slug(option, path + ("options",)), r.get(option, path + ("options",), "name", str) or ""))
        if len(options) < 2 and raw_options is not None:
            r.fail(path + ("options",) if "options" in item else path + ("kind",), "a choice question needs at least two options")
        _unique(r, path + ("options",), [o.slug for o in options])
    elif raw_options:
        r.fail(path + ("options",), "only a choice question has options")
    max_chars = r.positive(item, path, "max_chars", 5000)
    if max_chars is not None and max_chars > MAX_ANSWER_CHARS:
        r.fail(path + ("max_chars",), f"must be at most {MAX_ANSWER_CHARS}, got {max_chars}")
    return ReviewQuestion(
        key=key,
        label=label,
        help=r.get(item, path, "help", str, "") or "",
        kind=kind or "text",
        required=bool(r.get(item, path, "required", bool, True)),
        options=tuple(options),
        max_chars=int(max_chars or 5000),
        authors_see=bool(r.get(item, path, "authors_see", bool, True)),
    )


def _scale(r: _Reader, path: tuple[str, ...], default: Scale) -> Scale:
    table = r.table(path)
    levels: list[ScaleLevel] = []
    raw = r.get(table, path, "levels", list, None)
    if raw is None:
        return Scale(r.get(table, path, "label", str, default.label) or default.label, default.levels, r.get(table, path, "help", str, default.help) or "")
    for index, item in enumerate(raw):
        if not isinstance(item, dict) or not isinstance(item.get("value"), int) or isinstance(item.get("value"), bool) or not str(item.get("label") or "").strip():
            r.fail(path + ("levels",), f"level {index + 1} must be an inline table {{ value = <whole number>, label = \"...\" }}")
            continue
        r.mark(item, "value", "label")
        if not -MAX_LEVEL <= item["value"] <= MAX_LEVEL:
            r.fail(path + ("levels",), f"level {index + 1}: the value must be from -{MAX_LEVEL} to {MAX_LEVEL}, got {item['value']}")
            continue
        levels.append(ScaleLevel(item["value"], str(item["label"])))
    if len(raw) < 2:
        r.fail(path + ("levels",), "a scale needs at least two levels")
    values = [level.value for level in levels]
    if len(set(values)) != len(values):
        r.fail(path + ("levels",), "level values must be distinct")
    elif values != sorted(values):
        r.fail(path + ("levels",), "list the levels from the lowest value to the highest")
    return Scale(r.get(table, path, "label", str, default.label) or default.label, tuple(levels), r.get(table, path, "help", str, default.help) or "")


DOMAIN_RE = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")


def _domains(r: _Reader, table: Table, path: KeyPath, key: str, default: list[str], *, suffix: bool) -> tuple[str, ...]:
    """Institutional e-mail domains ("uni.edu") or suffixes (".ac.uk"), lowercased."""
    out = []
    for value in r.get(table, path, key, list, default) or ():
        name = value.strip().lower() if isinstance(value, str) else ""
        bare = name[1:] if suffix and name.startswith(".") else name
        if not bare or not DOMAIN_RE.match(bare) or (suffix and not name.startswith(".")):
            example = "a suffix starting with a dot, such as .ac.uk" if suffix else "a domain name such as uni.edu"
            r.fail(path + (key,), f"{value!r} is not {example}")
            continue
        out.append(name)
    return tuple(out)


def _unique(r: _Reader, path: KeyPath, slugs: list[str]) -> None:
    seen: set[str] = set()
    for index, slug in enumerate(slugs):
        if slug in seen:
            r.fail(path + (index, "slug"), f"duplicate slug '{slug}'")
        seen.add(slug)


def rehearsal_copy(spec: VenueSpec, now: dt.datetime, days_ahead: int = 14) -> VenueSpec:
    """A clearly labelled copy whose submission deadline lies `days_ahead` days after `now`.

    Every other date keeps its distance to the deadline, so the whole timeline can be tried.
    """
    tz = venue_tzinfo(spec.timezone)
    local_now = now.astimezone(tz).replace(tzinfo=None)
    deadline = spec.dates["submission_deadline"]
    target = dt.datetime.combine((local_now + dt.timedelta(days=days_ahead)).date(), deadline.time())
    shift = target - deadline
    return dataclasses.replace(
        spec,
        slug=f"{spec.slug}-rehearsal",
        name=f"Rehearsal: {spec.name}",
        short_name=f"Rehearsal: {spec.short_name}",
        dates={key: value + shift for key, value in spec.dates.items()},
        rehearsal=True,
    )
