"""Reviewers' publication lists from files they bring: BibTeX, a JSON or CSV list, or a
DBLP XML export. Never the network.

Each parser returns a list of records ``{"title", "abstract", "year", "authors"}``
(`PublicationRecord`) or
raises `ParseError` with a message that names the line (or item) at fault. The parsers
are plain Python without Django; `parse_in_child` runs one of them in a child process
with CPU-time, memory and wall-clock limits (untrusted files are never parsed in the web
process), and `child_main` is that child.

XML: DBLP exports are parsed with expat directly (the parser behind xml.etree), so that a
document type declaration with an internal subset and every entity declaration can be
refused as events (a "billion laughs" file never expands), external DTDs are never read,
and DBLP's HTML entities (``&ouml;``, declared in dblp.dtd) are resolved from the standard
table instead. defusedxml would do the same refusals; it is not installed and this needs
no new dependency.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from html.entities import name2codepoint
from typing import NoReturn, TypedDict

MAX_BYTES = {"bibtex": 2_000_000, "json": 2_000_000, "csv": 2_000_000, "dblp": 10_000_000}
MAX_RECORDS = 2000
KINDS = tuple(MAX_BYTES)
LABELS = {"bibtex": "BibTeX", "json": "JSON", "csv": "CSV", "dblp": "DBLP XML"}


class ParseError(ValueError):
    """A file that cannot be read, with the reason a person is shown."""


class PublicationRecord(TypedDict):
    """One publication as every parser returns it."""

    title: str
    abstract: str
    year: int | None
    authors: list[str]


# Control characters (NUL and friends) and the bidirectional overrides and isolates that
# make a name display differently from what it holds ("Trojan Source"); joiners stay, as
# several scripts need them.
_HIDDEN = dict.fromkeys([*range(0x00, 0x20), 0x7F, *range(0x80, 0xA0), 0x061C, 0x200E, 0x200F,
                         *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " ")


def _clean(value: object, limit: int) -> str:
    """One line of visible text: hidden characters become spaces, runs of space collapse."""
    return " ".join(str(value or "").translate(_HIDDEN).split())[:limit]


def _record(title: object, abstract: object = "", year: int | None = None,
            authors: Iterable[object] = ()) -> PublicationRecord:
    return {
        "title": _clean(title, 500),
        "abstract": _clean(abstract, 5000),
        "year": year,
        "authors": [a for a in (_clean(x, 200) for x in authors) if a][:200],
    }


def _year(value: object, where: str) -> int | None:
    if value is None or value == "":
        return None
    match = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", str(value))
    if not match:
        raise ParseError(f"{where}: the year '{str(value)[:20]}' is not a year.")
    return int(match.group(1))


def _decode(data: bytes | str, kind: str) -> str:
    if isinstance(data, str):
        return data
    if len(data) > MAX_BYTES[kind]:
        raise ParseError(f"The file is larger than {MAX_BYTES[kind] // 1_000_000} MB.")
    for encoding in ("utf-8-sig", "latin-1"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ParseError("The file is not text.")  # pragma: no cover - latin-1 decodes anything


def _limit(records: list[PublicationRecord]) -> list[PublicationRecord]:
    if len(records) > MAX_RECORDS:
        raise ParseError(f"The file lists more than {MAX_RECORDS} publications; keep the recent ones.")
    return records


# --- BibTeX -------------------------------------------------------------------------------

_ACCENTS = {'"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303", "=": "\u0304",
            ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b", "c": "\u0327", "k": "\u0328"}
_LETTERS = {"ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
            "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "&": "&", "%": "%", "_": "_", "#": "#", "$": "$"}
_ACCENT_SYMBOL = re.compile(r"\\([\"'`^~=.])\s*(?:\{\s*(\\?[A-Za-z])\s*\}|(\\?[A-Za-z]))")
_ACCENT_LETTER = re.compile(r"\\([uvHck])(?:\s*\{\s*(\\?[A-Za-z])\s*\}|\s+([A-Za-z]))")
_NAMED = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])\s*|\\([&%_#$])")
_COMMAND = re.compile(r"\\[A-Za-z]+\*?\s*|\\.")


def latex_to_text(value: str) -> str:
    """Good-enough LaTeX to plain text for titles and names: accents, a few letters,
    commands dropped (their arguments kept), braces and math dollars removed."""
    def accent(match: re.Match[str]) -> str:
        base = match.group(2) or match.group(3)
        base = {"\\i": "i", "\\j": "j"}.get(base, base)
        return unicodedata.normalize("NFC", base + _ACCENTS[match.group(1)])

    value = _ACCENT_SYMBOL.sub(accent, value)
    value = _ACCENT_LETTER.sub(accent, value)
    value = _NAMED.sub(lambda m: _LETTERS[m.group(1) or m.group(2)], value)
    value = _COMMAND.sub("", value)
    value = value.replace("{", "").replace("}", "").replace("$", "").replace("~", " ")
    value = value.replace("---", "—").replace("--", "–")
    return " ".join(value.split())


_RUNS_ON = re.compile(r"\n\s*[A-Za-z]+\s*=\s*[{\"0-9]")


class _BibReader:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.strings = {m: m.capitalize() for m in ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")}

    def line(self, pos: int | None = None) -> int:
        return self.text.count("\n", 0, self.pos if pos is None else pos) + 1

    def fail(self, message: str, pos: int | None = None) -> NoReturn:
        raise ParseError(f"Line {self.line(pos)}: {message}")

    def skip_space(self) -> None:
        n = len(self.text)
        while self.pos < n and self.text[self.pos].isspace():
            self.pos += 1

    def name(self) -> str:
        match = re.compile(r"[A-Za-z0-9_\-:.+/'!?&*]+").match(self.text, self.pos)
        if not match:
            return ""
        self.pos = match.end()
        return match.group(0)

    def braced(self) -> str:
        """From just after an opening brace to its matching closing brace."""
        return self._delimited(quoted=False)

    def quoted(self) -> str:
        """From just after an opening quote to the closing one (braces inside may hold quotes)."""
        return self._delimited(quoted=True)

    def _delimited(self, *, quoted: bool) -> str:
        start, n = self.pos, len(self.text)
        depth = 0 if quoted else 1
        opened_at = self.pos - 1
        while self.pos < n:
            c = self.text[self.pos]
            if c == "\\":
                self.pos += 2
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if not quoted and depth == 0:
                    self.pos += 1
                    return self.text[start:self.pos - 1]
            elif quoted and c == '"' and depth <= 0:
                self.pos += 1
                return self.text[start:self.pos - 1]
            self.pos += 1
        self.fail('a quoted value is never closed (missing ").' if quoted else "a '{' is never closed.", opened_at)

    def value(self) -> str:
        parts: list[str] = []
        while True:
            self.skip_space()
            c = self.text[self.pos:self.pos + 1]
            if c == "{":
                self.pos += 1
                parts.append(self.braced())
            elif c == '"':
                self.pos += 1
                parts.append(self.quoted())
            elif c and (c.isalnum() or c == "_"):
                word = self.name()
                parts.append(word if word.isdigit() else self.strings.get(word.lower(), word))
            else:
                self.fail(f"expected a value in braces, quotes or a number, found {c!r}." if c else "the file ends inside an entry.")
            self.skip_space()
            if self.text[self.pos:self.pos + 1] == "#":
                self.pos += 1
                continue
            return "".join(parts)

    def entries(self) -> Iterator[tuple[int, str, str, dict[str, str]]]:
        """(line, kind, key, fields) of every entry; @string, @comment and @preamble are
        taken in, not yielded."""
        n = len(self.text)
        while True:
            at = self.text.find("@", self.pos)
            if at < 0:
                return
            self.pos = at + 1
            kind = self.name().lower()
            self.skip_space()
            if not kind:
                continue  # a stray @ in the text between entries (BibTeX ignores it)
            opener = self.text[self.pos:self.pos + 1]
            if opener not in ("{", "("):
                self.fail(f"@{kind} must be followed by '{{'.")
            closer = "}" if opener == "{" else ")"
            self.pos += 1
            if kind in ("comment", "preamble"):
                if opener == "{":
                    self.braced()
                else:
                    end = self.text.find(")", self.pos)
                    self.pos = n if end < 0 else end + 1
                continue
            if kind == "string":
                self.skip_space()
                key = self.name().lower()
                self.skip_space()
                if not key or self.text[self.pos:self.pos + 1] != "=":
                    self.fail("@string needs 'name = value'.")
                self.pos += 1
                self.strings[key] = self.value()
                self.skip_space()
                if self.text[self.pos:self.pos + 1] == closer:
                    self.pos += 1
                continue
            entry_line = self.line(at)
            self.skip_space()
            key = self.name()
            self.skip_space()
            if self.text[self.pos:self.pos + 1] != ",":
                if self.text[self.pos:self.pos + 1] == closer:
                    self.pos += 1
                    yield entry_line, kind, key, {}
                    continue
                self.fail(f"the entry @{kind}{{{key} needs a ',' after its key.")
            self.pos += 1
            fields: dict[str, str] = {}
            while True:
                self.skip_space()
                c = self.text[self.pos:self.pos + 1]
                if c == closer:
                    self.pos += 1
                    break
                if not c:
                    self.fail(f"the entry @{kind}{{{key} starting on line {entry_line} is never closed.")
                field_at = self.pos
                name = self.name().lower()
                if not name:
                    self.fail(f"expected a field name in @{kind}{{{key}, found {c!r}.")
                self.skip_space()
                if self.text[self.pos:self.pos + 1] != "=":
                    self.fail(f"the field '{name}' in @{kind}{{{key} needs '=' and a value.", field_at)
                self.pos += 1
                value_at = self.pos
                fields[name] = self.value()
                if _RUNS_ON.search(fields[name]):
                    self.fail(f"the value of '{name}' runs into the next field (a closing '}}' or '\"' is missing).", value_at)
                self.skip_space()
                c = self.text[self.pos:self.pos + 1]
                if c == ",":
                    self.pos += 1
                elif c != closer:
                    self.fail(f"expected ',' or the end of @{kind}{{{key} after the field '{name}', found {c!r}." if c else f"the entry @{kind}{{{key} starting on line {entry_line} is never closed.")
            yield entry_line, kind, key, fields


def split_bibtex_authors(value: str) -> list[str]:
    names: list[str] = []
    depth, start = 0, 0
    lowered = value
    i = 0
    while i < len(value):
        c = value[i]
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
        elif depth == 0 and lowered[i:i + 5].lower() == " and " :
            names.append(value[start:i])
            start = i + 5
            i += 5
            continue
        i += 1
    names.append(value[start:])
    out: list[str] = []
    for name in names:
        name = latex_to_text(name)
        if name and name.lower() != "others":
            out.append(name)
    return out


def parse_bibtex(data: bytes | str) -> list[PublicationRecord]:
    text = _decode(data, "bibtex")
    reader = _BibReader(text)
    records: list[PublicationRecord] = []
    for line, _kind, key, fields in reader.entries():
        title = latex_to_text(fields.get("title", ""))
        if not title:
            raise ParseError(f"Line {line}: the entry '{key}' has no title.")
        records.append(_record(
            title.rstrip("."),
            latex_to_text(fields.get("abstract", "")),
            _year(fields.get("year"), f"Line {line}"),
            split_bibtex_authors(fields.get("author", "")),
        ))
        _limit(records)
    if not records and text.strip():
        raise ParseError("No BibTeX entries were found (entries look like @article{key, title = {...}, ...}).")
    return records


# --- JSON and CSV -------------------------------------------------------------------------

def _authors(value: object, where: str) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [a for a in re.split(r"\s*;\s*|\s+and\s+", value) if a.strip()]
    if isinstance(value, list):
        out: list[str] = []
        for item in value:
            if isinstance(item, str):
                out.append(item)
            elif isinstance(item, dict) and isinstance(item.get("name"), str):
                out.append(item["name"])
            else:
                raise ParseError(f"{where}: each author must be a name (text).")
        return out
    raise ParseError(f"{where}: 'authors' must be a list of names or a text.")


def parse_json(data: bytes | str) -> list[PublicationRecord]:
    text = _decode(data, "json")
    try:
        value = json.loads(text)
    except json.JSONDecodeError as error:
        raise ParseError(f"Line {error.lineno}, column {error.colno}: this is not valid JSON ({error.msg}).") from None
    if isinstance(value, dict):
        value = value.get("publications", value.get("papers"))
    if not isinstance(value, list):
        raise ParseError('The JSON must be a list of publications, or an object with a "publications" list.')
    records: list[PublicationRecord] = []
    for number, item in enumerate(value, start=1):
        where = f"Publication {number}"
        if not isinstance(item, dict):
            raise ParseError(f"{where}: expected an object with a title, found {type(item).__name__}.")
        title = item.get("title")
        if not isinstance(title, str) or not title.strip():
            raise ParseError(f"{where}: the title is missing.")
        abstract = item.get("abstract") or ""
        if not isinstance(abstract, str):
            raise ParseError(f"{where}: the abstract must be text.")
        records.append(_record(title, abstract, _year(item.get("year"), where), _authors(item.get("authors", item.get("author")), where)))
        _limit(records)
    return records


def parse_csv(data: bytes | str) -> list[PublicationRecord]:
    text = _decode(data, "csv")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise ParseError("Line 1: expected a header row naming the columns, e.g. title,abstract,year,authors.")
    delimiter = "\t" if "\t" in lines[0] and "," not in lines[0] else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except csv.Error as error:
        raise ParseError(f"Line 1: {error}.") from None
    aliases = {"author": "authors", "summary": "abstract", "name": "title"}
    header = [aliases.get(h, h) for h in header]
    if "title" not in header:
        raise ParseError(f"Line 1: the header must have a 'title' column (found: {', '.join(h for h in header if h) or 'nothing'}).")
    records: list[PublicationRecord] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            text = "a quoted value starting here is never closed" if "end of data" in str(error) else str(error)
            raise ParseError(f"Line {start}: {text}.") from None
        if not any(cell.strip() for cell in row):
            continue
        if len(row) > len(header):
            raise ParseError(f"Line {start}: {len(row)} columns, but the header has {len(header)} (quote values that contain '{delimiter}').")
        values = dict(zip(header, row))
        title = (values.get("title") or "").strip()
        if not title:
            raise ParseError(f"Line {start}: the title is empty.")
        records.append(_record(title, values.get("abstract", ""), _year(values.get("year", "").strip(), f"Line {start}"),
                               _authors(values.get("authors", ""), f"Line {start}")))
        _limit(records)
    return records


# --- DBLP XML -----------------------------------------------------------------------------

DBLP_RECORDS = {"article", "inproceedings", "proceedings", "book", "incollection", "phdthesis", "mastersthesis", "data"}
_DISAMBIGUATION = re.compile(r"\s+\d{4}$")  # "Jane Doe 0002"
MAX_DEPTH = 64


class _Refused(Exception):
    pass


@dataclass
class _DblpRecord:
    """The record element being read."""

    line: int
    title: str = ""
    year: int | None = None
    authors: list[str] = field(default_factory=list)


@dataclass
class _DblpState:
    root: str | None = None  # the document element
    record: _DblpRecord | None = None
    element: tuple[str, int] | None = None  # (title, year, author or editor; its depth)
    text: list[str] = field(default_factory=list)  # the element's character data so far


def parse_dblp(data: bytes | str) -> list[PublicationRecord]:
    """Publications from a DBLP XML export (a person page, ``dblp.org/pid/....xml``, or a
    slice of dblp.xml): title, year and authors of every record (DBLP has no abstracts)."""
    import pyexpat

    if isinstance(data, str):
        data = data.encode("utf-8")
    if len(data) > MAX_BYTES["dblp"]:
        raise ParseError(f"The file is larger than {MAX_BYTES['dblp'] // 1_000_000} MB.")
    if not data.strip():
        raise ParseError("The file is empty.")
    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    records: list[PublicationRecord] = []
    stack: list[str] = []
    state = _DblpState()

    def refuse(message: str) -> NoReturn:
        raise _Refused(message)

    def doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: bool) -> None:
        if has_internal_subset:
            refuse("the file declares its own document type (<!DOCTYPE ... [ ... ]>); DBLP files never do.")

    def entity_decl(*args: object) -> NoReturn:
        refuse("the file declares entities (<!ENTITY ...>); they are not accepted.")

    def start(name: str, attrs: dict[str, str]) -> None:
        if state.root is None:
            state.root = name
            if name not in ("dblpperson", "dblp", *DBLP_RECORDS):
                refuse(f"this is not a DBLP export (the document starts with <{name}>, expected <dblpperson> or <dblp>).")
        stack.append(name)
        if len(stack) > MAX_DEPTH:
            refuse("the XML is nested too deeply.")
        if name in DBLP_RECORDS and state.record is None:
            state.record = _DblpRecord(line=parser.CurrentLineNumber)
        elif state.record is not None and state.element is None and name in ("title", "year", "author", "editor"):
            state.element = (name, len(stack))
            state.text = []

    def end(name: str) -> None:
        record, element = state.record, state.element
        # an element is only ever open inside a record
        if record is not None and element is not None and element[1] == len(stack):
            text = " ".join("".join(state.text).split())
            if element[0] == "title":
                record.title = text
            elif element[0] == "year":
                record.year = _year(text, f"Line {parser.CurrentLineNumber}")
            else:
                record.authors.append(_DISAMBIGUATION.sub("", text))
            state.element = None
        stack.pop()
        if record is not None and name in DBLP_RECORDS and not any(s in DBLP_RECORDS for s in stack):
            if record.title:
                records.append(_record(record.title.rstrip("."), "", record.year, record.authors))
                _limit(records)
            state.record = None

    def chars(text: str) -> None:
        if state.element is not None:
            state.text.append(text)

    def skipped(name: str, is_parameter_entity: bool) -> None:
        if is_parameter_entity:
            return
        code = name2codepoint.get(name)
        if code is None:
            refuse(f"unknown entity &{name};.")
        chars(chr(code))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity_decl
    parser.UnparsedEntityDeclHandler = entity_decl
    parser.ExternalEntityRefHandler = lambda *args: refuse("the file refers to external entities.")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.SkippedEntityHandler = skipped
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise ParseError(f"Line {parser.CurrentLineNumber}: {refused}") from None
    except pyexpat.ExpatError as error:
        raise ParseError(f"Line {error.lineno}, column {error.offset + 1}: this is not well-formed XML ({pyexpat.ErrorString(error.code)}).") from None
    except ParseError as error:
        raise error from None
    return records


PARSERS: dict[str, Callable[[bytes | str], list[PublicationRecord]]] = {
    "bibtex": parse_bibtex, "json": parse_json, "csv": parse_csv, "dblp": parse_dblp}


def guess_kind(filename: str, data: bytes) -> str | None:
    name = (filename or "").lower()
    for suffix, kind in ((".bib", "bibtex"), (".bibtex", "bibtex"), (".json", "json"), (".csv", "csv"), (".tsv", "csv"), (".xml", "dblp")):
        if name.endswith(suffix):
            return kind
    head = data[:200].lstrip()
    if head.startswith(b"<"):
        return "dblp"
    if head.startswith((b"[", b"{")):
        return "json"
    if head.startswith(b"@") or b"\n@" in data[:2000]:
        return "bibtex"
    return None


# --- the child process --------------------------------------------------------------------

CPU_SECONDS = 10
MEMORY_MB = 512
WALL_SECONDS = 20


def parse_in_child(kind: str, data: bytes) -> list[PublicationRecord]:
    """Parse `data` in a fresh interpreter with CPU, memory and wall-clock limits."""
    import os
    import subprocess

    if kind not in PARSERS:
        raise ParseError(f"Unknown format '{kind}'.")
    if len(data) > MAX_BYTES[kind]:
        raise ParseError(f"The file is larger than {MAX_BYTES[kind] // 1_000_000} MB.")
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = {"PATH": os.environ.get("PATH", ""), "PYTHONDONTWRITEBYTECODE": "1", "LANG": "C.UTF-8"}
    try:
        done = subprocess.run(
            [sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[2]); from paperdesk.publications.parsers import child_main; child_main(sys.argv[1])", kind, root],
            input=data, capture_output=True, timeout=WALL_SECONDS, env=env, check=False,
        )
    except subprocess.TimeoutExpired:
        raise ParseError(f"Reading the file took longer than {WALL_SECONDS} s; it may be damaged.") from None
    try:
        answer = json.loads(done.stdout.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        if b"MemoryError" in done.stderr:
            raise ParseError("Reading the file needs too much memory.") from None
        raise ParseError("The file could not be read (the reader stopped unexpectedly).") from None
    if "error" in answer:
        raise ParseError(answer["error"])
    records: list[PublicationRecord] = answer["records"]  # what child_main wrote: the parser's records
    return records


def child_main(kind: str) -> None:  # pragma: no cover - runs in the child process
    import resource

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_SECONDS, CPU_SECONDS + 1))
    size = MEMORY_MB * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (size, size))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    data = sys.stdin.buffer.read(MAX_BYTES[kind] + 1)
    answer: dict[str, object]
    try:
        answer = {"records": PARSERS[kind](data)}
    except ParseError as error:
        answer = {"error": str(error)}
    except (RecursionError, MemoryError):
        answer = {"error": "The file is too complex to read."}
    sys.stdout.write(json.dumps(answer))
    sys.stdout.flush()
