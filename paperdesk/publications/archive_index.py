"""Archival listings (issue 12, archival status; issue 11, references that resolve): read
a large listing of published work (a DBLP XML slice, ACL Anthology BibTeX, a CSV of title,
authors, venue, year) as a stream, write it once as an index on disk, and look titles up
in it in milliseconds. Pure Python and numpy; no Django, never the network.

Design (why a directory of flat files, not database rows):

* A listing is imported as a whole and replaced as a whole; nothing edits one record. So the
  index is written once, in one pass, as a directory (``meta.json``, ``records.bin``, and
  four ``.npy`` arrays) and renamed into place; a lookup opens the arrays with
  ``numpy.load(mmap_mode="r")``, which costs no time whatever the size, and the operating
  system's page cache keeps the hot parts. A million records take ~60 MB on disk.
* Candidate search is an inverted index over title words: each word (after normalisation,
  without stop words) is hashed with CRC-32 into ``keys`` (sorted, unique), ``starts`` gives
  its slice of ``postings`` (record numbers). A query looks up its rarest words only (at most
  `PROBE_WORDS`; a typo in one word leaves the others), counts how many of them each
  candidate shares, and keeps the best `CANDIDATES`. A hash collision only adds a candidate;
  the precise score below removes it.
* The precise score of a candidate: the title similarity (the best of a character ratio on
  the normalised titles and on their sorted word sequences, `difflib`), and the authors'
  overlap by normalised surname + first initial (`author_key`). Only records whose title
  similarity reaches `TITLE_THRESHOLD` are answered.
* Database rows with an n-gram posting table were the alternative: a million records make
  ~8 million posting rows, an import of minutes and a lookup of several queries; the files
  build in seconds and answer a lookup with no query at all.

`records.bin` holds one line per record (title, authors, venue, year; `_encode`);
`offsets.npy` is where each starts.
"""

from __future__ import annotations

import csv
import difflib
import io
import json
import os
import re
import shutil
import time
import unicodedata
import zlib
from array import array
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.entities import name2codepoint
from pathlib import Path
from typing import IO, Any

import numpy as np

from .parsers import DBLP_RECORDS, ParseError, _BibReader, latex_to_text, split_bibtex_authors

FORMAT_VERSION = 2
PROBE_WORDS = 6
CANDIDATES = 25
MAX_POSTINGS = 5000
TITLE_THRESHOLD = 0.88
MAX_DEPTH = 64
MAX_TITLE = 500
CHUNK = 1 << 20

STOP_WORDS = frozenset(
    ["a", "an", "the", "of", "for", "and", "or", "in", "on", "to", "with", "via", "by", "from", "at", "is", "are", "be", "as", "its", "it", "into", "we", "our", "using", "towards", "toward", "do", "does"]
)


class IndexError_(Exception):
    """An index that is missing or damaged, with the reason a person reads."""


@dataclass(frozen=True)
class ArchivalRecord:
    title: str
    authors: tuple[str, ...] = ()
    venue: str = ""
    year: int | None = None


# --- normalisation --------------------------------------------------------------------------

_NON_WORD = re.compile(r"[^0-9a-z]+")
_HYPHEN_IN_WORD = re.compile(r"(?<=\w)\\-(?=\w)")
_DISAMBIGUATION = re.compile(r"\s+\d{4}$")


def _fold(text: str) -> str:
    """Accents dropped (ü → u, ø → o), case folded."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return text.translate({0xF8: "o", 0xD8: "o", 0x142: "l", 0x141: "l", 0xDF: "ss", 0xE6: "ae", 0x153: "oe", 0x131: "i"}).casefold()


def normalise_title(title: str) -> str:
    """A title for comparison: LaTeX to text, accents dropped, case folded, every run of
    punctuation a space (``Auto\\-encoders`` and ``Auto-encoders`` read as one word only in
    the first, where LaTeX said so)."""
    if "\\" in title or "{" in title or "$" in title:
        title = latex_to_text(_HYPHEN_IN_WORD.sub("", title))
    return " ".join(_NON_WORD.sub(" ", _fold(title)).split())


def title_tokens(title: str) -> list[str]:
    """The words that say what a title is about (stop words out), in order, once each."""
    seen: dict[str, None] = {}
    plain = not ("\\" in title or "{" in title or "$" in title)
    for word in (_NON_WORD.sub(" ", _fold(title)) if plain else normalise_title(title)).split():
        if word not in STOP_WORDS:
            seen.setdefault(word, None)
    return list(seen)


def author_key(name: str) -> str:
    """``surname initial``: "Neel Nanda", "Nanda, Neel" and "N. Nanda" agree; DBLP's
    disambiguation number ("Jane Doe 0002") is dropped."""
    name = _DISAMBIGUATION.sub("", name.strip())
    if "\\" in name or "{" in name:
        name = latex_to_text(name)
    if "," in name:
        surname, _, given = name.partition(",")
    else:
        parts = name.split()
        if not parts:
            return ""
        surname, given = parts[-1], " ".join(parts[:-1])
    surname = "".join(_NON_WORD.sub(" ", _fold(surname)).split())
    given_words = _NON_WORD.sub(" ", _fold(given)).split()
    return f"{surname} {given_words[0][0]}" if given_words else surname


def author_overlap(a: Iterable[str], b: Iterable[str]) -> float | None:
    """Shared authors over the shorter list (None when either side names nobody)."""
    keys_a = {k for k in map(author_key, a) if k}
    keys_b = {k for k in map(author_key, b) if k}
    if not keys_a or not keys_b:
        return None
    return len(keys_a & keys_b) / min(len(keys_a), len(keys_b))


def title_similarity(a: str, b: str) -> float:
    """0..1: the better of the character ratio of the normalised titles and of their sorted
    words (word order changed), ``difflib``'s ratio."""
    na, nb = normalise_title(a), normalise_title(b)
    if not na or not nb:
        return 0.0
    if na == nb:
        return 1.0
    direct = difflib.SequenceMatcher(None, na, nb, autojunk=False).ratio()
    sa, sb = " ".join(sorted(na.split())), " ".join(sorted(nb.split()))
    return max(direct, difflib.SequenceMatcher(None, sa, sb, autojunk=False).ratio())


def _hash(word: str) -> int:
    return zlib.crc32(word.encode("utf-8"))


def _record(title: str, authors: Iterable[str], venue: str, year: int | None) -> ArchivalRecord | None:
    title = " ".join(title.split()).rstrip(".")[:MAX_TITLE]
    if not title:
        return None
    names = tuple(" ".join(a.split())[:200] for a in authors if a and a.strip())[:100]
    return ArchivalRecord(title, names, " ".join(venue.split())[:200], year)


_FIELD, _NAME = "\x1f", "\x1e"
_SEPARATORS = {0x1E: " ", 0x1F: " ", 0x0A: " ", 0x0D: " "}


def _encode(record: ArchivalRecord) -> bytes:
    """One line of `records.bin`: title, authors, venue, year separated by the ASCII unit
    separator, authors by the record separator (both removed from the values)."""
    names = _NAME.join(record.authors)
    line = _FIELD.join((record.title, names, record.venue, str(record.year or "")))
    if line.count(_FIELD) != 3 or names.count(_NAME) != max(len(record.authors) - 1, 0) or "\n" in line or "\r" in line:
        names = _NAME.join(a.translate(_SEPARATORS) for a in record.authors)
        line = _FIELD.join(f.translate(_SEPARATORS) for f in (record.title, names, record.venue, str(record.year or "")))
    return (line + "\n").encode("utf-8")


def _year(value: str) -> int | None:
    if len(value) == 4 and value.isdigit():
        return int(value) if 1800 <= int(value) <= 2199 else None
    match = re.search(r"\b(1[89]\d\d|2[01]\d\d)\b", value or "")
    return int(match.group(1)) if match else None


# --- streaming readers ------------------------------------------------------------------------

class _Refused(Exception):
    pass


_DBLP_FIELDS = {"title": "title", "year": "year", "author": "author", "booktitle": "venue", "journal": "venue"}


def iter_dblp(stream: IO[bytes], chunk_size: int = CHUNK) -> Iterator[ArchivalRecord]:
    """Records of a DBLP XML file of any size, read `chunk_size` bytes at a time with expat.
    The same rules as `parsers.parse_dblp`: a document type with an internal subset, any
    entity declaration and any external entity are refused (a "billion laughs" file never
    expands), external DTDs are never read, DBLP's HTML entities come from the standard
    table, an unknown entity is refused."""
    import pyexpat

    parser = pyexpat.ParserCreate()
    parser.SetParamEntityParsing(pyexpat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.buffer_text = True
    parser.buffer_size = 1 << 16
    out: list[ArchivalRecord] = []
    depth = 0
    root: list[str] = []
    current: dict[str, Any] | None = None
    field: tuple[str, int] | None = None
    text: list[str] = []

    def refuse(message: str) -> None:
        raise _Refused(message)

    def doctype(name: str, system_id: str | None, public_id: str | None, has_internal_subset: int) -> None:
        if has_internal_subset:
            refuse("the file declares its own document type (<!DOCTYPE ... [ ... ]>); DBLP files never do.")

    def entity_decl(*args: object) -> None:
        refuse("the file declares entities (<!ENTITY ...>); they are not accepted.")

    def external(*args: object) -> int:
        refuse("the file refers to external entities.")
        return 0

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal depth, current, field, text
        depth += 1
        if not root:
            root.append(name)
            if name not in ("dblp", "dblpperson", *DBLP_RECORDS):
                refuse(f"this is not a DBLP export (the document starts with <{name}>, expected <dblp>).")
        if depth > MAX_DEPTH:
            refuse("the XML is nested too deeply.")
        if name in DBLP_RECORDS and current is None:
            current = {"title": "", "year": None, "author": [], "venue": "", "depth": depth}
        elif current is not None and field is None and name in _DBLP_FIELDS:
            field = (_DBLP_FIELDS[name], depth)
            text = []

    def end(name: str) -> None:
        nonlocal depth, current, field
        if field is not None and current is not None and field[1] == depth:
            value = " ".join("".join(text).split())
            kind = field[0]
            if kind == "author":
                if value[-1:].isdigit():
                    value = _DISAMBIGUATION.sub("", value)
                if value and len(current["author"]) < 100:
                    current["author"].append(value[:200])
            elif kind == "title":
                current["title"] = value
            elif kind == "year":
                current["year"] = _year(value)
            elif not current["venue"]:
                current["venue"] = value[:200]
            field = None
        if current is not None and depth == current["depth"]:
            title = current["title"].rstrip(".")[:MAX_TITLE]
            if title:
                out.append(ArchivalRecord(title, tuple(current["author"]), current["venue"], current["year"]))
            current = None
        depth -= 1

    def chars(data: str) -> None:
        if field is not None:
            text.append(data)

    def skipped(name: str, is_parameter_entity: int) -> None:
        if is_parameter_entity:
            return
        code = name2codepoint.get(name)
        if code is None:
            refuse(f"unknown entity &{name};.")
        else:
            chars(chr(code))

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity_decl
    parser.UnparsedEntityDeclHandler = entity_decl
    parser.ExternalEntityRefHandler = external
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = chars
    parser.SkippedEntityHandler = skipped
    seen_any = False
    while True:
        chunk = stream.read(chunk_size)
        try:
            parser.Parse(chunk, not chunk)
        except _Refused as refused:
            raise ParseError(f"Line {parser.CurrentLineNumber}: {refused}") from None
        except pyexpat.ExpatError as error:
            raise ParseError(f"Line {error.lineno}, column {error.offset + 1}: this is not well-formed XML ({pyexpat.ErrorString(error.code)}).") from None
        seen_any = seen_any or bool(chunk.strip())
        yield from out
        out.clear()
        if not chunk:
            break
    if not seen_any:
        raise ParseError("The file is empty.")


_ENTRY_START = re.compile(rb"^\s*@", re.MULTILINE)


def _bib_entries(stream: IO[bytes]) -> Iterator[tuple[int, str]]:
    """The text of each entry (with its first line number): a new entry starts at a line
    whose first non-space character is '@', as in every exported .bib file."""
    pending: list[bytes] = []
    first_line = line_number = 1
    for raw in stream:
        if raw.lstrip().startswith(b"@") and pending:
            yield first_line, b"".join(pending).decode("utf-8", errors="replace")
            pending, first_line = [], line_number
        pending.append(raw)
        line_number += 1
    if pending:
        yield first_line, b"".join(pending).decode("utf-8", errors="replace")


def iter_bibtex(stream: IO[bytes]) -> Iterator[ArchivalRecord]:
    """Records of a BibTeX file of any size (ACL Anthology's anthology.bib), one entry at a
    time; @string macros carry over to the entries after them."""
    strings: dict[str, str] | None = None
    for first_line, chunk in _bib_entries(stream):
        reader = _BibReader(chunk)
        if strings is not None:
            reader.strings = strings
        try:
            for _line, _kind, _key, fields in reader.entries():
                title = latex_to_text(fields.get("title", ""))
                record = _record(title, split_bibtex_authors(fields.get("author", "")),
                                 latex_to_text(fields.get("booktitle") or fields.get("journal") or ""), _year(fields.get("year", "")))
                if record is not None:
                    yield record
        except ParseError as error:
            raise ParseError(f"Entry starting on line {first_line}: {error}") from None
        strings = reader.strings


def iter_csv(stream: IO[bytes]) -> Iterator[ArchivalRecord]:
    """Records of a CSV with a header naming title, authors (separated by ';' or ' and '),
    venue and year."""
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", errors="replace", newline="")
    reader = csv.reader(text, strict=True)
    try:
        header = [h.strip().lower() for h in next(reader)]
    except StopIteration:
        raise ParseError("Line 1: expected a header row: title,authors,venue,year.") from None
    except csv.Error as error:
        raise ParseError(f"Line 1: {error}.") from None
    header = [{"author": "authors", "booktitle": "venue", "journal": "venue"}.get(h, h) for h in header]
    if "title" not in header:
        raise ParseError(f"Line 1: the header must have a 'title' column (found: {', '.join(header) or 'nothing'}).")
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise ParseError(f"Line {reader.line_num}: {error}.") from None
        values = dict(zip(header, row))
        authors = [a for a in re.split(r"\s*;\s*|\s+and\s+", values.get("authors", "")) if a.strip()]
        record = _record(values.get("title", ""), authors, values.get("venue", ""), _year(values.get("year", "")))
        if record is not None:
            yield record


READERS = {"dblp": iter_dblp, "bibtex": iter_bibtex, "csv": iter_csv}


def guess_format(filename: str, head: bytes) -> str | None:
    name = filename.lower()
    for suffix, kind in ((".xml", "dblp"), (".bib", "bibtex"), (".bibtex", "bibtex"), (".csv", "csv")):
        if name.endswith(suffix):
            return kind
    start = head.lstrip()[:1]
    return {b"<": "dblp", b"@": "bibtex"}.get(start)


def read_listing(stream: IO[bytes], kind: str) -> Iterator[ArchivalRecord]:
    if kind not in READERS:
        raise ParseError(f"Unknown format '{kind}' (one of: {', '.join(READERS)}).")
    return READERS[kind](stream)


# --- the index ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class BuildStats:
    records: int
    words: int
    postings: int
    seconds: float


def build_index(records: Iterable[ArchivalRecord], directory: Path | str, max_records: int = 20_000_000) -> BuildStats:
    """Write the index of `records` to `directory` (replaced whole: written beside it and
    renamed into place, so a lookup never sees half an index)."""
    started = time.perf_counter()
    directory = Path(directory)
    temporary = directory.with_name(directory.name + f".building-{os.getpid()}")
    shutil.rmtree(temporary, ignore_errors=True)
    temporary.mkdir(parents=True)
    hashes, owners = array("I"), array("I")
    offsets = array("Q")
    position = 0
    count = 0
    with open(temporary / "records.bin", "wb") as out:
        for record in records:
            if count >= max_records:
                raise ParseError(f"The listing holds more than {max_records:,} records.")
            line = _encode(record)
            offsets.append(position)
            position += len(line)
            out.write(line)
            for word in title_tokens(record.title):
                hashes.append(_hash(word))
                owners.append(count)
            count += 1
        offsets.append(position)
        out.flush()
        os.fsync(out.fileno())
    keys_all = np.frombuffer(hashes, dtype=np.uint32)
    owners_all = np.frombuffer(owners, dtype=np.uint32)
    order = np.argsort(keys_all, kind="stable")
    sorted_keys = keys_all[order]
    postings = owners_all[order]
    keys, starts = np.unique(sorted_keys, return_index=True)
    starts = np.append(starts, len(sorted_keys)).astype(np.uint64)
    np.save(temporary / "keys.npy", keys)
    np.save(temporary / "starts.npy", starts)
    np.save(temporary / "postings.npy", postings)
    np.save(temporary / "offsets.npy", np.frombuffer(offsets, dtype=np.uint64))
    (temporary / "meta.json").write_text(json.dumps({"format": FORMAT_VERSION, "records": count, "words": len(keys)}))
    if directory.exists():
        old = directory.with_name(directory.name + f".old-{os.getpid()}")
        directory.rename(old)
        temporary.rename(directory)
        shutil.rmtree(old, ignore_errors=True)
    else:
        temporary.rename(directory)
    return BuildStats(count, len(keys), len(postings), time.perf_counter() - started)


@dataclass(frozen=True)
class Match:
    record: ArchivalRecord
    title_score: float
    author_overlap: float | None  # None: one side names no authors
    score: float  # title similarity, weighed down when the authors differ


class ArchiveIndex:
    def __init__(self, directory: Path, size: int, keys: Any, starts: Any, postings: Any, offsets: Any, records: Any):
        self.directory = directory
        self.size = size
        self.keys, self.starts, self.postings, self.offsets, self.records = keys, starts, postings, offsets, records

    @classmethod
    def open(cls, directory: Path | str) -> ArchiveIndex:
        directory = Path(directory)
        try:
            meta = json.loads((directory / "meta.json").read_text())
            if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
                raise IndexError_("The archival index was written by another version; import the listing again.")
            arrays = [np.load(directory / f"{name}.npy", mmap_mode="r") for name in ("keys", "starts", "postings", "offsets")]
            size = int(meta["records"])
            records = np.memmap(directory / "records.bin", dtype=np.uint8, mode="r") if size else np.zeros(0, dtype=np.uint8)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise IndexError_(f"The archival index at {directory} cannot be read ({type(error).__name__}); import the listing again.") from None
        if len(arrays[3]) != size + 1 or len(arrays[1]) != len(arrays[0]) + 1:
            raise IndexError_("The archival index is damaged; import the listing again.")
        return cls(directory, size, arrays[0], arrays[1], arrays[2], arrays[3], records)

    def __len__(self) -> int:
        return self.size

    def record(self, number: int) -> ArchivalRecord:
        start, stop = int(self.offsets[number]), int(self.offsets[number + 1])
        title, authors, venue, year = bytes(self.records[start:stop]).decode("utf-8").rstrip("\n").split(_FIELD)
        return ArchivalRecord(title, tuple(authors.split(_NAME)) if authors else (), venue, int(year) if year else None)

    def candidates(self, title: str) -> list[int]:
        """Record numbers sharing the most of the title's rarest words."""
        slices = []
        for word in title_tokens(title):
            h = np.uint32(_hash(word))
            at = int(np.searchsorted(self.keys, h))
            if at < len(self.keys) and self.keys[at] == h:
                start, stop = int(self.starts[at]), int(self.starts[at + 1])
                slices.append((stop - start, start, stop))
        if not slices:
            return []
        slices.sort()
        chosen = slices[:PROBE_WORDS]
        # A word in a fifth of the titles finds nothing the rarer ones do not: leave such
        # words out when at least two rarer ones remain (bounds the worst lookup).
        rare = [c for c in chosen if c[0] <= max(MAX_POSTINGS, self.size // 50)]
        chosen = rare if len(rare) >= 2 else chosen[:2]
        ids = np.concatenate([np.asarray(self.postings[start:stop]) for _n, start, stop in chosen])
        numbers, counts = np.unique(ids, return_counts=True)
        need = 1 if len(chosen) <= 2 else 2
        keep = counts >= min(need, int(counts.max()))
        numbers, counts = numbers[keep], counts[keep]
        best = np.argsort(-counts, kind="stable")[:CANDIDATES]
        return [int(n) for n in numbers[best]]

    def lookup(self, title: str, authors: Iterable[str] = (), threshold: float = TITLE_THRESHOLD, limit: int = 5) -> list[Match]:
        """Published records whose title is close to `title`, best first, with the authors'
        overlap; the score is the title similarity, times 0.9-1.0 when authors are shared and
        0.75 when both sides name authors and none are shared (the same title by other
        people is still shown, lower)."""
        names = list(authors)
        found = []
        wanted = set(title_tokens(title))
        for number in self.candidates(title):
            record = self.record(number)
            # Cheap first: a title that shares under half its words is no near-duplicate.
            theirs = set(title_tokens(record.title))
            if wanted and theirs and len(wanted & theirs) < 0.5 * max(len(wanted), len(theirs)):
                continue
            similarity = title_similarity(title, record.title)
            if similarity < threshold:
                continue
            overlap = author_overlap(names, record.authors)
            weight = 1.0 if overlap is None else (0.9 + 0.1 * overlap if overlap > 0 else 0.75)
            found.append(Match(record, round(similarity, 4), None if overlap is None else round(overlap, 4), round(similarity * weight, 4)))
        found.sort(key=lambda m: (-m.score, m.record.title))
        return found[:limit]


# --- reference lists ---------------------------------------------------------------------------

_REF_START = re.compile(r"^\s*(?:\[\d{1,4}\]|\d{1,4}\.\s)")
_AUTHOR_YEAR_START = re.compile(r"^[A-Z][A-Za-z'\-]+,\s+(?:[A-Z]\.|[A-Z][a-z]+)")
# "E. Bengio, M. Jain, ..." / "C.-R. Segerie" / "Y. K. Li": natbib's plain styles put the
# initials first; such a line starts an entry only after a line that ended one (".").
_INITIALS_START = re.compile(r"^(?:[A-Z]\.(?:\s?-?\s?[A-Z]\.)*\s)+(?:[a-z]+\s)?[A-Z][\w'\-]+")
_HEADING = re.compile(r"^\s*(references|bibliography|works cited|literature cited)\s*$", re.IGNORECASE)
MAX_REFERENCES = 500


def split_references(text: str) -> list[str]:
    """The entries of a reference list (numbered "[1]" / "1." or author-year, one entry
    starting at a line that starts like one), joined into one line each."""
    lines = [line for line in text.splitlines() if line.strip() and not _HEADING.match(line)]
    numbered = sum(1 for line in lines if _REF_START.match(line)) >= 2
    entries: list[list[str]] = []
    previous = ""
    for line in lines:
        if numbered:
            starts = bool(_REF_START.match(line))
        else:
            starts = bool(_AUTHOR_YEAR_START.match(line)) or (previous.rstrip().endswith(".") and bool(_INITIALS_START.match(line)))
        previous = line
        if starts or not entries:
            entries.append([])
        entries[-1].append(line.strip())
    out = []
    for parts in entries[:MAX_REFERENCES]:
        joined = " ".join(parts)
        joined = re.sub(r"(\w)- (\w)", r"\1\2", joined)
        out.append(_REF_START.sub("", joined).strip())
    return [e for e in out if len(e) > 15]


_SENTENCE = re.compile(r"(?<=[A-Za-z0-9\)\]\"”]{2})\.\s+(?=[A-Z\"“])")  # not after an initial ("K. Meng")


def reference_title_guesses(reference: str) -> list[str]:
    """The parts of a reference that may be its title: the sentences after the authors
    (``Authors. Title. Venue, year.``) and anything quoted."""
    quoted = re.findall(r"[\"“]([^\"”]{10,300})[\"”]", reference)
    parts = [p.strip(" .,") for p in _SENTENCE.split(reference)]
    guesses = quoted + [p for p in parts[1:4] if len(p.split()) >= 3] + ([parts[0]] if len(parts) == 1 else [])
    return guesses[:5]


def resolve_reference(index: ArchiveIndex, reference: str, threshold: float = TITLE_THRESHOLD) -> Match | None:
    """The record a reference most likely cites, or None when no part of it matches a title."""
    best: Match | None = None
    for guess in reference_title_guesses(reference):
        for match in index.lookup(guess, threshold=threshold, limit=1):
            if best is None or match.title_score > best.title_score:
                best = match
    return best
