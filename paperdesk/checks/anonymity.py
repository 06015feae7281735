"""Find what would reveal the authors of a double-blind submission.

Searched: every author's names (with initials, "Last, First", diacritics folded), e-mails
(also in the brace form {a,b}@x.org), affiliations, GitHub and HuggingFace usernames (in
links and as plain text), identifying acknowledgements, self-citations ("our previous work
[12]" where entry 12 lists an author) and the PDF metadata (Info fields and XMP).

Not leaks: a surname alone in the text ("Quispe et al. [7]", third-person citation), the
authors' papers in the bibliography, links to anonymous hosts or to other people's code.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from .extract import Line, Page
from .identity import Identity
from .structure import NUMBERED_HEADING_RE, Structure, position
from .textnorm import fold

NAME_PARTICLES = {"van", "von", "de", "der", "den", "da", "di", "du", "del", "della", "la", "le", "ten", "ter", "bin", "al", "el", "dos", "das"}
ORG_WORDS_RE = re.compile(
    r"universit|institut|college|school|laborator|\blab\b|\blabs\b|academy|centre|center|"
    r"department|dept|faculty|research|inc\b|ltd\b|corp|company|group|foundation|hospital|ai\b",
    re.IGNORECASE,
)
# An Author field that names nobody: empty, "Anonymous Author(s)", "Anonymous submission", ...
PLACEHOLDER_WORDS = {"anonymous", "anon", "author", "authors", "s", "unknown", "none", "na", "user", "admin",
                     "administrator", "submission", "paper", "id", "neurips", "iclr", "icml", "workshop"}


def is_placeholder_author(value: str) -> bool:
    words = re.findall(r"[a-z]+", value.lower())
    return "anonymous" in words or all(w in PLACEHOLDER_WORDS for w in words)


ANONYMOUS_USER_RE = re.compile(r"^anon", re.IGNORECASE)

EMAIL_RE = re.compile(r"(?<![\w.+-])([A-Za-z0-9][\w.+-]*)\s?@\s?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
SSH_REMOTE_RE = re.compile(r":[\w~./-]")  # what follows user@host in an scp-style clone address
BRACE_EMAIL_RE = re.compile(r"\{([^{}@]{1,300})\}\s?@\s?([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})")
GITHUB_RE = re.compile(  # also the clone address git@github.com:<user>/<repo>.git
    r"(?:(?:gist\.)?github\.com/\s?|(?<=@)github\.com:|raw\.githubusercontent\.com/\s?)([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))"
    r"|(?<![\w.-])([A-Za-z0-9-]{1,39})\.github\.io",
    re.IGNORECASE,
)
HF_RE = re.compile(
    r"(?:huggingface\.co|hf\.co)/\s?(?:(?:datasets|spaces|models)/\s?)?([A-Za-z0-9][\w.-]{0,95})",
    re.IGNORECASE,
)
MENTION_RE = re.compile(r"(?<![\w.@/])@([A-Za-z0-9][\w-]{1,38})")
HF_RESERVED = {"datasets", "spaces", "models", "docs", "blog", "papers", "collections", "organizations", "join", "login"}

_WORK = r"(?:work|works|paper|papers|study|studies|publication|publications|article|research|results?|findings|method|approach)"
# "our previous work [12]", "our earlier study (Doe et al., 2021)", "we previously showed [3]": the
# citation may follow within the sentence. "our work [12]": only right after the phrase.
SELF_CITATION_RE = re.compile(
    r"\b(?:our|my)\s+(?:own\s+)?(?:previous|prior|earlier|recent|past|preliminary|preceding|companion|former)\s+"
    r"(?:[A-Za-z-]+\s+)?" + _WORK + r"\b"
    r"|\bwe\s+(?:have\s+)?(?:previously|earlier|recently|already)\s+(?:[A-Za-z-]+\s+){0,2}?"
    r"(?:showed|shown|proposed|introduced|presented|demonstrated|developed|found|studied|described)\b",
    re.IGNORECASE,
)
OWN_WORK_RE = re.compile(r"\b(?:our|my)\s+(?:own\s+)?" + _WORK + r"\s?(?=[\[(])", re.IGNORECASE)
CITATION_AFTER_RE = re.compile(r"[^.;\[\(]{0,80}?(\[[^\]]{1,60}\]|\([^)]{1,160}\))")
IN_CITATION_WE_RE = re.compile(
    r"\bin\s+(\[[\d,\s\u2013-]{1,40}\])\s*,?\s+we\s+(?:have\s+)?(?:showed|proposed|introduced|presented|demonstrated|developed|found|studied)\b",
    re.IGNORECASE,
)
BIB_ENTRY_RE = re.compile(r"(?:^|\s)\[(\d{1,4})\]\s")
YEAR_RE = re.compile(r"\d{4}")


@dataclass(frozen=True)
class Leak:
    kind: str  # name | email | github | huggingface | affiliation | acknowledgements | self_citation | metadata
    value: str
    page: int | None
    context: str

    def to_dict(self) -> dict[str, str | int | None]:
        return {"kind": self.kind, "value": self.value, "page": self.page, "context": self.context}


@dataclass
class Unattributed:
    """Identity-like strings not tied to a listed author: shown as warnings, not leaks."""

    emails: list[tuple[str, int]]
    code_links: list[tuple[str, int]]


# ---------------------------------------------------------------- patterns for one author


def _word(text: str) -> str:
    """A folded name part as a pattern: hyphens and spaces inside it are optional."""
    parts = [re.escape(p) for p in re.split(r"[\s\-]+", fold(text)) if p]
    return r"[\s\-]*".join(parts)


def _split_name(name: str) -> tuple[str, list[str], str]:
    tokens = name.replace(",", " ").split()
    if len(tokens) == 1:
        return tokens[0], [], tokens[0]
    for i in range(1, len(tokens) - 1):
        if tokens[i].lower() in NAME_PARTICLES:
            return tokens[0], tokens[1:i], " ".join(tokens[i:])
    return tokens[0], tokens[1:-1], tokens[-1]


def name_patterns(name: str) -> list[str]:
    """Regular expressions (folded text, case-insensitive) for the usual ways a name is printed."""
    first, middles, last = _split_name(name)
    if first == last:
        return [rf"(?<![A-Za-z]){_word(first)}(?![A-Za-z])"] if len(first) >= 4 else []
    f, l = _word(first), _word(last)
    initial = re.escape(fold(first)[0].upper())
    middle = "".join(rf"(?:{_word(m)}\s+|(?-i:{re.escape(fold(m)[0].upper())})\.?\s*)?" for m in middles)
    any_initials = r"(?:(?-i:[A-Z])\.?\s+){0,2}"
    patterns = [
        rf"{f}\s+{middle}{any_initials}{l}",  # First [Middle] Last
        rf"(?-i:{initial})\.\s*(?:(?-i:[A-Z])\.\s*)?{l}",  # F. Last, F. M. Last
        rf"{l},\s*{f}",  # Last, First
        rf"{l},\s*(?-i:{initial})\.",  # Last, F.
    ]
    return [rf"(?<![A-Za-z]){p}(?![A-Za-z])" for p in patterns]


def surname_pattern(name: str, min_length: int = 4) -> str | None:
    _, _, last = _split_name(name)
    if len(fold(last)) < min_length:
        return None
    return rf"(?<![A-Za-z]){_word(last)}(?![A-Za-z])"


def affiliation_parts(affiliation: str) -> list[tuple[str, bool]]:
    """The identifying parts of an affiliation, each with whether it is distinctive enough
    to flag anywhere (multi-word institution names) or only in title block, footnotes and
    acknowledgements (single words such as an acronym)."""
    parts = []
    chunks = [c.strip(" .") for c in re.split(r"[;,]|\band\b(?=\s+[A-Z])", affiliation)]
    whole = len(chunks) == 1
    for chunk in chunks:
        chunk = re.sub(r"\s*\(.*?\)\s*", " ", chunk).strip()
        words = chunk.split()
        if not words:
            continue
        if len(words) >= 2 and len(chunk) >= 8:
            parts.append((chunk, True))
        elif len(words) == 1 and len(chunk) >= 3:
            word = chunk
            org_like = word.isupper() or any(c.isupper() for c in word[1:]) or bool(ORG_WORDS_RE.search(word))
            if whole or org_like:
                parts.append((chunk, False))
    return parts


def _phrase(text: str) -> str:
    return rf"(?<![A-Za-z0-9]){_word(text)}(?![A-Za-z0-9])"


class Matcher:
    """Many patterns, each guarded by a plain substring (its "needle") that every match
    contains: the regular expressions only run on pages where the needle occurs, which
    keeps the scan cheap however many authors there are."""

    def __init__(self) -> None:
        self.entries: list[tuple[str, re.Pattern[str], str]] = []

    def add(self, needle: str, patterns: list[str], value: str) -> None:
        if needle and patterns:
            regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.IGNORECASE)
            self.entries.append((needle.lower(), regex, value))

    def finditer(self, text: str, lower: str | None = None) -> Iterator[tuple[re.Match[str], str]]:
        lower = text.lower() if lower is None else lower
        for needle, regex, value in self.entries:
            if needle in lower:
                for match in regex.finditer(text):
                    yield match, value


def _needle(text: str) -> str:
    """The longest word of a folded string: a substring every match of it must contain."""
    words = [w for w in re.split(r"[^A-Za-z0-9]+", fold(text)) if w]
    return max(words, key=len).lower() if words else ""


def _name_needle(name: str) -> str:
    _, _, last = _split_name(name)
    parts = [p for p in re.split(r"[\s\-]+", fold(last)) if p]
    return parts[0].lower() if parts else ""


def full_name_matcher(identities: list[Identity]) -> Matcher:
    matcher = Matcher()
    for identity in identities:
        for name in (identity.name, *identity.other_names):
            matcher.add(_name_needle(name), name_patterns(name), identity.name)
    return matcher


def surname_matcher(identities: list[Identity], min_length: int = 4) -> Matcher:
    matcher = Matcher()
    for identity in identities:
        for name in (identity.name, *identity.other_names):
            pattern = surname_pattern(name, min_length)
            if pattern:
                matcher.add(_name_needle(name), [pattern], identity.name)
    return matcher


# ---------------------------------------------------------------- the text of the paper


# The end of a line that is a link broken by LaTeX's \\url (after "/", ".", "-", ...): the
# next line continues it without a space.
URL_TAIL_RE = re.compile(
    r"(?:https?://|www\.|\b(?:github\.com|github\.io|huggingface\.co|hf\.co|gitlab\.com|bitbucket\.org)\b)\S*$",
    re.IGNORECASE,
)
URL_BREAK_CHARS = ("/", ".", "-", "_", ":", "=", "?", "&", "#", "~")


def ends_in_link(piece: str, hyphen: bool) -> bool:
    """Whether the line `piece` ends inside a link, at a place \\url breaks it."""
    if not (hyphen or piece.endswith(URL_BREAK_CHARS)):
        return False
    last = piece[piece.rfind(" ") + 1:]
    return ("/" in last or "www." in last or ".co" in last or ".io" in last or ".org" in last) and bool(URL_TAIL_RE.search(last))


def continues_link(piece: str, hyphen: bool, following: str) -> bool:
    """Whether `piece` ends inside a link that `following` (the next line) continues."""
    if not ends_in_link(piece, hyphen):
        return False
    return hyphen or not (piece.endswith(".") and following[:1].isupper())  # a link that ended a sentence


class PageText:
    """The folded text of one page with a map back to its lines and their regions."""

    def __init__(self, page: Page, region_of: Callable[[Line], str]):
        self.page = page.number
        self.lines: list[Line] = []
        self.starts: list[int] = []
        self.regions: list[str] = []
        chunks: list[str] = []
        offset = 0
        kept = [(line, fold(line.text)) for line in page.lines if line.text and not line.furniture]
        for index, (line, piece) in enumerate(kept):
            self.lines.append(line)
            self.starts.append(offset)
            self.regions.append(region_of(line))
            if (line.hyphen or piece.endswith(URL_BREAK_CHARS)) and continues_link(
                piece, line.hyphen, kept[index + 1][1] if index + 1 < len(kept) else ""
            ):
                piece += "-" if line.hyphen else ""  # a hyphen in a link is the link's own
                joiner = ""
            else:
                joiner = "" if line.hyphen or piece.endswith("-") or piece.endswith("/") else " "
            chunks.append(piece + joiner)
            offset += len(piece) + len(joiner)
        self.text = "".join(chunks)
        self.lower = self.text.lower()
        # the page's last line is a link that the next page continues (set by the scan)
        self.continued = bool(kept) and ends_in_link(kept[-1][1], kept[-1][0].hyphen)

    def line_at(self, offset: int) -> int:
        return max(0, bisect_right(self.starts, offset) - 1)

    def region_at(self, offset: int) -> str:
        return self.regions[self.line_at(offset)] if self.lines else "body"

    def context(self, start: int, end: int, width: int = 60) -> str:
        left = max(0, start - width)
        right = min(len(self.text), end + width)
        snippet = self.text[left:right].strip()
        return ("…" if left > 0 else "") + " ".join(snippet.split()) + ("…" if right < len(self.text) else "")


ABSTRACT_RE = re.compile(r"^(?:abstract|a\s?bstract)\b", re.IGNORECASE)


def _title_block_end(page: Page) -> int:
    """Order of the first line after the title and author block of page 1."""
    for line in page.lines:
        if ABSTRACT_RE.match(line.text) or (NUMBERED_HEADING_RE.match(line.text) and line.words <= 12 and line.order > 0):
            return line.order
    return min(len(page.lines), 12)


def _region_function(structure: Structure) -> Callable[[Line], str]:
    refs = structure.references_region
    ack = structure.acknowledgements_region

    def region_of(line: Line) -> str:
        pos = position(line)
        if ack and ack[0] <= pos < ack[1]:  # first: some papers thank people after the references
            return "acknowledgements"
        if refs and refs[0] <= pos < refs[1]:
            return "references"
        return "body"

    return region_of


# ---------------------------------------------------------------- the search


class AnonymityScan:
    def __init__(self, pages: list[Page], structure: Structure, identities: list[Identity], body_size: float | None):
        self.identities = identities
        self.structure = structure
        self.body_size = body_size or 10.0
        region_of = _region_function(structure)
        self.pages = pages
        self.texts = [PageText(page, region_of) for page in pages]
        self.title_block_end = _title_block_end(pages[0]) if pages else 0
        self.leaks: list[Leak] = []
        self.unattributed = Unattributed(emails=[], code_links=[])
        self._seen: set[tuple[str, str, int | None]] = set()

    def add(self, kind: str, value: str, page: int | None, context: str) -> None:
        key = (kind, fold(value).lower(), page)
        if key in self._seen:
            return
        self._seen.add(key)
        self.leaks.append(Leak(kind, value, page, context))

    def run(self, metadata: dict[str, str], xmp: str) -> tuple[list[Leak], Unattributed]:
        self._names()
        self._affiliations()
        self._emails_and_links()
        self._self_citations()
        self._metadata(metadata, xmp)
        return self.leaks, self.unattributed

    # names --------------------------------------------------------------------------

    def _names(self) -> None:
        full = full_name_matcher(self.identities)
        for text in self.texts:
            for match, owner in full.finditer(text.text, text.lower):
                region = text.region_at(match.start())
                if region == "references":
                    continue
                kind = "acknowledgements" if region == "acknowledgements" else "name"
                self.add(kind, owner, text.page, text.context(match.start(), match.end()))
        if not self.structure.acknowledgements_region:
            return
        surnames = surname_matcher(self.identities)  # in acknowledgements a surname alone identifies
        for text in self.texts:
            if "acknowledgements" not in text.regions:
                continue
            for match, owner in surnames.finditer(text.text, text.lower):
                if text.region_at(match.start()) == "acknowledgements":
                    self.add("acknowledgements", owner, text.page, text.context(match.start(), match.end()))

    # affiliations ---------------------------------------------------------------------

    def _affiliations(self) -> None:
        anywhere, restricted = Matcher(), Matcher()
        for identity in self.identities:
            for affiliation in identity.affiliations:
                for part, distinctive in affiliation_parts(affiliation):
                    (anywhere if distinctive else restricted).add(_needle(part), [_phrase(part)], part)
        for matcher, distinctive in ((anywhere, True), (restricted, False)):
            for text in self.texts:
                for match, part in matcher.finditer(text.text, text.lower):
                    region = text.region_at(match.start())
                    if region == "references":
                        continue
                    line = text.lines[text.line_at(match.start())]
                    if not distinctive and region != "acknowledgements" and not self._title_or_footnote(line):
                        continue
                    kind = "acknowledgements" if region == "acknowledgements" else "affiliation"
                    self.add(kind, part, text.page, text.context(match.start(), match.end()))

    def _title_or_footnote(self, line: Line) -> bool:
        """In the title block (page 1, before the abstract) or in a main-body footnote."""
        if line.page == 1 and line.order < self.title_block_end:
            return True
        end = self.structure.end_marker
        if line.size > self.body_size - 0.9 or (end is not None and position(line) >= position(end)):
            return False
        page = self.pages[line.page - 1]
        body_lines = [l.base for l in page.lines if abs(l.size - self.body_size) <= 0.5 and l.text and not l.furniture]
        return not body_lines or line.base < min(body_lines)

    # e-mails and links --------------------------------------------------------------------

    def _emails_and_links(self) -> None:
        emails = {e.lower(): i.name for i in self.identities for e in i.emails if "@" in e}
        github = {u.lower(): i.name for i in self.identities for u in i.github}
        hf = {u.lower(): i.name for i in self.identities for u in i.huggingface}
        name_parts = {fold(p).lower() for i in self.identities for n in (i.name, *i.other_names) for p in re.split(r"[\s\-]+", n)}
        plain_users = {
            u: owner for u, owner in {**github, **hf}.items()
            if len(u) >= 5 and u not in name_parts and not ANONYMOUS_USER_RE.match(u)
        }
        plain_regex = (
            re.compile(r"(?<![\w/.@-])(" + "|".join(re.escape(u) for u in sorted(plain_users, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
            if plain_users else None
        )
        for text, following in zip(self.texts, [*self.texts[1:], None], strict=True):
            body = text.text
            lower = body.lower()
            # a link broken over the page break is read across it, from the page it starts on
            seam = None
            if following is not None and text.continued:
                seam = len(body.rstrip())
                joined = body.rstrip() + following.text[:300]
                self._links(text, joined, joined.lower(), github, hf, crossing=seam)
            if "@" in body:
                self._emails(text, emails)
                for match in MENTION_RE.finditer(body):
                    user = match.group(1).lower()
                    if text.region_at(match.start()) == "references":
                        continue
                    if user in github:
                        self.add("github", match.group(1), text.page, text.context(match.start(), match.end()))
                    elif user in hf:
                        self.add("huggingface", match.group(1), text.page, text.context(match.start(), match.end()))
            self._links(text, body, lower, github, hf, before=seam)
            if plain_regex is not None:
                for match in plain_regex.finditer(body):
                    if text.region_at(match.start()) == "references":
                        continue
                    user = match.group(1).lower()
                    kind = "github" if user in github else "huggingface"
                    self.add(kind, match.group(1), text.page, text.context(match.start(), match.end()))

    def _links(self, text: PageText, body: str, lower: str, github: dict[str, str], hf: dict[str, str], *,
               before: int | None = None, crossing: int | None = None) -> None:
        """GitHub and HuggingFace links in `body` (a page's text, or a page's text followed by
        the start of the next page). `before`: only links that end before this offset (the
        rest continues on the next page); `crossing`: only links that run over it."""
        def wanted(match: re.Match[str]) -> bool:
            if before is not None and match.end() >= before:
                return False
            if crossing is not None and not match.start() < crossing < match.end():
                return False
            return text.region_at(match.start()) != "references"

        if "github" in lower:
            for match in GITHUB_RE.finditer(body):
                user = match.group(1) or match.group(2)
                if not wanted(match) or ANONYMOUS_USER_RE.match(user):
                    continue
                if user.lower() in github:
                    self.add("github", user, text.page, _context(body, match.start(), match.end()))
                else:
                    self.unattributed.code_links.append((match.group(0), text.page))
        if "huggingface.co" in lower or "hf.co" in lower:
            for match in HF_RE.finditer(body):
                user = match.group(1).rstrip(".")
                if not wanted(match) or ANONYMOUS_USER_RE.match(user) or user.lower() in HF_RESERVED:
                    continue
                if user.lower() in hf:
                    self.add("huggingface", user, text.page, _context(body, match.start(), match.end()))
                else:
                    self.unattributed.code_links.append((match.group(0), text.page))

    def _emails(self, text: PageText, emails: dict[str, str]) -> None:
        found = []
        for match in BRACE_EMAIL_RE.finditer(text.text):
            domain = match.group(2)
            for user in re.split(r"[\s,;|]+", match.group(1)):
                if user:
                    found.append((f"{user}@{domain}", match.start(), match.end()))
        for match in EMAIL_RE.finditer(text.text):
            if SSH_REMOTE_RE.match(text.text, match.end()):
                continue  # git@github.com:user/repo.git is a clone address, not an e-mail
            found.append((f"{match.group(1)}@{match.group(2)}", match.start(), match.end()))
        for address, start, end in found:
            if text.region_at(start) == "references":
                continue
            if address.lower() in emails:
                self.add("email", address, text.page, text.context(start, end))
            else:
                self.unattributed.emails.append((address, text.page))

    # self-citations -----------------------------------------------------------------------

    def _self_citations(self) -> None:
        if not self.identities:
            return
        entries: dict[int, str] | None = None  # the bibliography, read at the first numbered citation
        full = full_name_matcher(self.identities)
        surnames = surname_matcher(self.identities, min_length=2)  # inside a citation short names are safe

        for text in self.texts:
            if "our " not in text.lower and " my " not in text.lower and "we " not in text.lower:
                continue
            candidates = []
            for regex in (SELF_CITATION_RE, OWN_WORK_RE):
                for match in regex.finditer(text.text):
                    after = CITATION_AFTER_RE.match(text.text, match.end())
                    if after:
                        candidates.append((match.start(), after.end(), after.group(1)))
            for match in IN_CITATION_WE_RE.finditer(text.text):
                candidates.append((match.start(), match.end(), match.group(1)))
            for start, end, citation in candidates:
                if text.region_at(start) == "references":
                    continue
                owners: set[str] = set()
                numbers = _citation_numbers(citation)
                if numbers:
                    if entries is None:
                        entries = self._bibliography()
                    for number in numbers:
                        entry = entries.get(number)
                        if entry:
                            owners.update(owner for _, owner in full.finditer(entry))
                if not owners and YEAR_RE.search(citation):
                    owners.update(owner for _, owner in surnames.finditer(citation))
                for owner in sorted(owners):
                    self.add("self_citation", owner, text.page, text.context(start, end, 30))

    def _bibliography(self) -> dict[int, str]:
        chunks = []
        for text in self.texts:
            for line, region in zip(text.lines, text.regions, strict=True):
                if region == "references":
                    chunks.append(fold(line.text) + ("" if line.hyphen else " "))
        joined = "".join(chunks)
        marks = list(BIB_ENTRY_RE.finditer(joined))
        entries: dict[int, str] = {}
        for mark, following in zip(marks, [*marks[1:], None], strict=False):  # no marks: [None] stands alone
            end = following.start() if following else len(joined)
            entries.setdefault(int(mark.group(1)), joined[mark.end():end])
        return entries

    # metadata -------------------------------------------------------------------------------

    def _metadata(self, metadata: dict[str, str], xmp: str) -> None:
        author = " ".join((metadata.get("Author") or "").split())
        if not is_placeholder_author(author):
            self.add("metadata", author, None, "PDF Info field Author")
        xmp_authors = _xmp_creators(xmp)
        for value in xmp_authors:
            if not is_placeholder_author(value) and fold(value).lower() != fold(author).lower():
                self.add("metadata", value, None, "XMP dc:creator")
        fields = [(key, metadata.get(key) or "") for key in ("Title", "Subject", "Keywords", "Creator", "Producer")]
        fields.append(("XMP", _xmp_text(xmp)))
        matcher = full_name_matcher(self.identities)
        for identity in self.identities:
            for email in identity.emails:
                matcher.add(email, [re.escape(email)], email)
            for user in (*identity.github, *identity.huggingface):
                if len(user) >= 4:
                    matcher.add(user, [rf"(?<![\w-]){re.escape(user)}(?![\w-])"], user)
        for key, value in fields:
            if value:
                for _, owner in matcher.finditer(fold(value)):
                    self.add("metadata", owner, None, f"PDF metadata {key}: {value[:80]}")


def _context(body: str, start: int, end: int, width: int = 60) -> str:
    left, right = max(0, start - width), min(len(body), end + width)
    snippet = " ".join(body[left:right].split())
    return ("…" if left > 0 else "") + snippet + ("…" if right < len(body) else "")


def _citation_numbers(citation: str) -> list[int]:
    numbers: list[int] = []
    for a, b in re.findall(r"(\d{1,4})(?:\s*[\u2013-]\s*(\d{1,4}))?", citation.strip("[]")):
        if b and int(b) - int(a) < 50:
            numbers.extend(range(int(a), int(b) + 1))
        else:
            numbers.append(int(a))
    return numbers if citation.startswith("[") else []


XMP_CREATOR_RE = re.compile(r"<dc:creator>(.*?)</dc:creator>", re.DOTALL)
XMP_ITEM_RE = re.compile(r"<rdf:li[^>]*>(.*?)</rdf:li>", re.DOTALL)
XMP_TAG_RE = re.compile(r"<[^>]+>")


def _xmp_creators(xmp: str) -> list[str]:
    if not xmp:
        return []
    values: list[str] = []
    for block in XMP_CREATOR_RE.findall(xmp):
        values.extend(" ".join(v.split()) for v in XMP_ITEM_RE.findall(block))
    attribute = re.search(r'pdf:Author="([^"]*)"', xmp)
    if attribute:
        values.append(" ".join(attribute.group(1).split()))
    return [v for v in values if v]


def _xmp_text(xmp: str) -> str:
    return " ".join(XMP_TAG_RE.sub(" ", xmp).split()) if xmp else ""


def scan(pages: list[Page], structure: Structure, identities: list[Identity], body_size: float | None,
         metadata: dict[str, str], xmp: str) -> tuple[list[Leak], Unattributed]:
    return AnonymityScan(pages, structure, identities, body_size).run(metadata, xmp)
