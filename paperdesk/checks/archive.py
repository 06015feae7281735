"""Supplementary archives (.zip, .tar.gz): read safely, in memory, and look for what would
reveal the authors.

Nothing is ever extracted to disk. Before any content is read the archive's directory is
checked: members whose paths climb out (`../`, absolute paths, drive letters), symbolic and
hard links and device files make it `archive_unsafe`; declared sizes above the caps make it
`archive_too_large`, or `archive_bomb` when they are out of proportion to the file (a
compression ratio no real code or data reaches, or zip entries that overlap). Each member is
then read with its own cap (a zip entry never yields more than its declared size; a tar
member's size is in its header), and the scan runs against a deadline. Anything the readers
cannot decode is `archive_corrupt`.

Looked for: `.git` directories (remotes in `config` and `FETCH_HEAD`, user and commit
authors from `config`, `logs/`, loose objects and pack files), notebook metadata (`.ipynb`
author fields, Colab user records, paths such as `/home/<user>/`), copyright lines in
LICENSE / COPYING / NOTICE / README, package authors (`pyproject.toml`, `setup.py`,
`setup.cfg`, `package.json`, `CITATION.cff`), PDFs (through `check_pdf`: metadata and
text), and every author's names, e-mails, handles and affiliations in text files.

The reviewers' copy (`clean_archive`) is a zip of the same members without `.git`, macOS
resource forks and notebook metadata, and with every PDF stripped to its pages (`pdfstrip`,
as the paper PDF is); a notebook or PDF that cannot be cleaned is left out and listed.
`python -m paperdesk.checks.archive clean IN OUT` builds it in a child process with resource
limits (`clean_in_child`).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import stat
import struct
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
import zlib
from bisect import bisect_right
from collections.abc import Callable, Generator, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import PurePosixPath
from typing import IO, Any

from .anonymity import (
    ANONYMOUS_USER_RE,
    EMAIL_RE,
    GITHUB_RE,
    HF_RE,
    HF_RESERVED,
    MENTION_RE,
    affiliation_parts,
    full_name_matcher,
)
from .identity import Identity
from .pdfstrip import StripFailed, looks_like_pdf, strip_in_fork
from .report import Finding
from .textnorm import fold

ARCHIVE_ERRORS = ("archive_bomb", "archive_unsafe", "archive_too_large", "archive_corrupt")
LEAK_KINDS_EXTRA = ("git_metadata", "notebook_metadata")


@dataclass(frozen=True)
class ArchiveLimits:
    max_bytes: int = 100 * 1024 * 1024  # the archive file itself
    max_members: int = 20_000
    max_total_bytes: int = 2 * 1024 * 1024 * 1024  # declared uncompressed size of all members
    max_ratio: float = 100.0  # uncompressed / compressed, once the content is past ratio_floor
    ratio_floor: int = 64 * 1024 * 1024
    max_path_length: int = 1024
    max_text_bytes: int = 2 * 1024 * 1024  # read of one text file (the rest is not scanned)
    max_notebook_bytes: int = 20 * 1024 * 1024
    max_pdf_bytes: int = 50 * 1024 * 1024
    max_pdfs: int = 20
    pdf_timeout: float = 15.0
    max_git_bytes: int = 64 * 1024 * 1024  # one pack file
    max_git_objects: int = 200_000
    max_leaks: int = 500
    per_value_files: int = 5  # one leak value is reported in at most this many files
    timeout: float = 60.0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> ArchiveLimits:
        data = data or {}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})


class ArchiveUnreadable(Exception):
    def __init__(self, code: str, message: str):
        if code not in ARCHIVE_ERRORS:
            raise ValueError(f"unknown archive error {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message


# ---------------------------------------------------------------- reading safely


@dataclass
class Member:
    name: str  # normalised path inside the archive
    size: int
    opener: Callable[[], IO[bytes]] = field(repr=False)  # the content as a stream (read once)

    def read(self, cap: int) -> bytes:
        with self.opener() as stream:
            return stream.read(min(cap, self.size))

    def chunks(self, size: int = 1 << 20) -> Generator[bytes, None, None]:
        """The whole content in pieces (never more than the declared size)."""
        left = self.size
        with self.opener() as stream:
            while left > 0:
                chunk = stream.read(min(size, left))
                if not chunk:
                    return
                left -= len(chunk)
                yield chunk


def safe_name(raw: str, limits: ArchiveLimits) -> str:
    """The member's path, or ArchiveUnreadable("archive_unsafe") if it could land outside
    the directory it is extracted to."""
    if "\x00" in raw or len(raw) > limits.max_path_length:
        raise ArchiveUnreadable("archive_unsafe", f"A member has an invalid path ({raw[:80]!r}).")
    name = raw.replace("\\", "/")
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        raise ArchiveUnreadable("archive_unsafe", f"The member '{raw[:200]}' has an absolute path; archives must hold relative paths only.")
    parts = [p for p in name.split("/") if p not in ("", ".")]
    if ".." in parts:
        raise ArchiveUnreadable("archive_unsafe", f"The member '{raw[:200]}' points outside the archive (../).")
    return "/".join(parts)


def _sniff(path: str) -> str:
    with open(path, "rb") as handle:
        head = handle.read(512)
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
        return "zip"
    if head[:2] == b"\x1f\x8b" or head[:3] == b"BZh" or head[:6] == b"\xfd7zXZ\x00" or head[257:262] == b"ustar":
        return "tar"
    raise ArchiveUnreadable("archive_corrupt", "The file is not a .zip or .tar.gz archive.")


class _Budget:
    """Declared uncompressed bytes so far, against the caps."""

    def __init__(self, compressed: int, limits: ArchiveLimits):
        self.compressed = max(compressed, 1)
        self.limits = limits
        self.total = 0
        self.members = 0

    def add(self, size: int) -> None:
        self.members += 1
        self.total += max(size, 0)
        limits = self.limits
        if self.members > limits.max_members:
            raise ArchiveUnreadable("archive_too_large", f"The archive holds more than {limits.max_members} files.")
        if self.total > limits.ratio_floor and self.total / self.compressed > limits.max_ratio:
            raise ArchiveUnreadable("archive_bomb", f"The archive expands to more than {self.total / 1048576:.0f} MB from {self.compressed / 1048576:.1f} MB (a compression bomb?).")
        if self.total > limits.max_total_bytes:
            raise ArchiveUnreadable("archive_too_large", f"The archive expands to more than {limits.max_total_bytes / 1048576:.0f} MB.")


# What the readers raise on a damaged archive (a bad CRC, a truncated stream, an unknown
# compression method, a password).
READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, zlib.error, EOFError, OSError,
               NotImplementedError, ValueError, RuntimeError, LookupError)


def iter_members(path: str, limits: ArchiveLimits) -> Iterator[Member]:
    """Every regular file of the archive, checked before it is read (raises ArchiveUnreadable)."""
    size = os.path.getsize(path)
    if size > limits.max_bytes:
        raise ArchiveUnreadable("archive_too_large", f"The archive is {size / 1048576:.1f} MB; the limit is {limits.max_bytes / 1048576:.0f} MB.")
    kind = _sniff(path)
    try:
        if kind == "zip":
            yield from _zip_members(path, size, limits)
        else:
            yield from _tar_members(path, size, limits)
    except ArchiveUnreadable:
        raise
    except MemoryError:
        raise ArchiveUnreadable("archive_bomb", "Reading the archive needs more memory than allowed (a compression bomb?).") from None
    except READ_ERRORS as error:
        raise ArchiveUnreadable("archive_corrupt", f"The archive is damaged and cannot be read ({error.__class__.__name__}: {str(error)[:120]}).") from None


def _zip_members(path: str, size: int, limits: ArchiveLimits) -> Iterator[Member]:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if len(infos) > limits.max_members:
            raise ArchiveUnreadable("archive_too_large", f"The archive holds {len(infos)} entries; the limit is {limits.max_members}.")
        budget = _Budget(size, limits)
        spans = []
        for info in infos:
            safe_name(info.filename, limits)
            mode = info.external_attr >> 16
            if info.create_system == 3 and stat.S_IFMT(mode) and not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
                kind = "symbolic link" if stat.S_ISLNK(mode) else "special file"
                raise ArchiveUnreadable("archive_unsafe", f"The member '{info.filename[:200]}' is a {kind}; archives must hold regular files only.")
            if info.flag_bits & 0x1:
                raise ArchiveUnreadable("archive_corrupt", f"The member '{info.filename[:200]}' is encrypted; upload an archive without a password.")
            if info.compress_size and info.file_size / info.compress_size > limits.max_ratio * 10 and info.file_size > limits.ratio_floor // 4:
                raise ArchiveUnreadable("archive_bomb", f"The member '{info.filename[:200]}' expands {info.file_size / info.compress_size:.0f} times (a compression bomb?).")
            budget.add(info.file_size)
            # A lower bound of where the entry's data ends (its local header has 30 bytes,
            # then its name and extra field): the next entry may not start before it.
            spans.append((info.header_offset, info.header_offset + 30 + info.compress_size))
        spans.sort()
        for (start, end), (next_start, _) in itertools.pairwise(spans):
            if next_start < end or next_start == start:
                raise ArchiveUnreadable("archive_bomb", "Entries of the archive overlap (a compression bomb).")
        for info in infos:
            if info.is_dir():
                continue
            name = safe_name(info.filename, limits)
            if not name:
                continue

            yield Member(name, info.file_size, _zip_opener(archive, info))


def _zip_opener(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.open(info)


def _tar_opener(archive: tarfile.TarFile, info: tarfile.TarInfo) -> Callable[[], IO[bytes]]:
    return lambda: archive.extractfile(info) or io.BytesIO()


def _tar_members(path: str, size: int, limits: ArchiveLimits) -> Iterator[Member]:
    budget = _Budget(size, limits)
    with open(path, "rb") as raw, tarfile.open(fileobj=raw, mode="r|*") as archive:
        for info in archive:
            name = safe_name(info.name, limits)
            if info.issym() or info.islnk():
                raise ArchiveUnreadable("archive_unsafe", f"The member '{info.name[:200]}' is a link ({'symbolic' if info.issym() else 'hard'}); archives must hold regular files only.")
            if not (info.isfile() or info.isdir()):
                raise ArchiveUnreadable("archive_unsafe", f"The member '{info.name[:200]}' is a device or special file.")
            budget.add(info.size)
            if info.isdir() or not name:
                continue
            yield Member(name, info.size, _tar_opener(archive, info))


# ---------------------------------------------------------------- the scan


@dataclass
class ArchiveResult:
    status: str  # ok | unreadable
    error: str | None = None
    message: str = ""
    files_scanned: int = 0
    leaks: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        if self.status == "unreadable":
            return {"status": "unreadable", "error": self.error}
        return {"status": "ok", "files_scanned": self.files_scanned}

    def all_findings(self) -> list[dict[str, Any]]:
        if self.status == "unreadable":
            return [Finding("error", self.error or "archive_corrupt", f"Supplementary archive: {self.message}").to_dict()]
        return [f.to_dict() for f in self.findings]


LABELS = {
    "name": "Author name",
    "email": "Author e-mail",
    "github": "GitHub username",
    "huggingface": "HuggingFace username",
    "affiliation": "Affiliation",
    "metadata": "Author metadata",
    "git_metadata": "Git metadata",
    "notebook_metadata": "Notebook metadata",
    "acknowledgements": "Identifying acknowledgements",
    "self_citation": "Self-citation naming an author",
    "non_anonymous_link": "Non-anonymous link",
}

TEXT_EXTENSIONS = {
    "py", "pyi", "pyx", "md", "markdown", "txt", "rst", "toml", "cfg", "ini", "conf", "json", "jsonl", "yaml", "yml",
    "sh", "bash", "zsh", "fish", "bat", "ps1", "ipynb", "tex", "bib", "sty", "cls", "r", "rmd", "jl", "js", "mjs", "cjs",
    "ts", "tsx", "jsx", "c", "h", "cc", "cpp", "hpp", "cu", "cuh", "java", "kt", "scala", "go", "rs", "rb", "pl", "php",
    "lua", "m", "swift", "html", "htm", "css", "scss", "xml", "svg", "csv", "tsv", "sql", "cff", "lock", "env", "mk",
    "cmake", "dockerfile", "gitignore", "gitattributes", "gitmodules", "properties", "gradle", "proto", "tf", "nix", "el", "vim",
}
BINARY_EXTENSIONS = {
    "png", "jpg", "jpeg", "gif", "bmp", "tif", "tiff", "webp", "ico", "pt", "pth", "bin", "ckpt", "safetensors", "npy", "npz",
    "pkl", "pickle", "h5", "hdf5", "onnx", "parquet", "arrow", "feather", "so", "dylib", "dll", "exe", "o", "a", "pyc", "class",
    "jar", "whl", "mp3", "mp4", "wav", "flac", "avi", "mov", "mkv", "woff", "woff2", "ttf", "otf", "eot", "db", "sqlite", "pb",
}
ARCHIVE_EXTENSIONS = ("zip", "tar", "gz", "tgz", "bz2", "xz", "7z", "rar", "zst")
PACKAGE_FILES = {"pyproject.toml", "setup.py", "setup.cfg", "package.json", "citation.cff", "description", "cargo.toml"}
COPYRIGHT_FILE_RE = re.compile(r"^(?:licen[cs]e|copying|notice|readme|authors|contributors)(?:[.\-_].*)?$", re.IGNORECASE)
VENDORED_RE = re.compile(r"(?:^|/)(?:node_modules|third_party|third-party|thirdparty|vendor|vendored|site-packages|\.venv|venv|external|extern)/")
COPYRIGHT_RE = re.compile(
    r"^[\s#*/;!\-\"'<>]*(?:copyright|\(c\)|©)\s*(?:\(c\)|©)?\s*(?:[0-9]{4}(?:\s*[-–,]\s*(?:[0-9]{4}|present))*\s*)?(?:by\s+)?(.{2,120}?)\s*[.,]?\s*(?:all rights reserved\.?)?\s*$",
    re.IGNORECASE | re.MULTILINE,
)
COPYRIGHT_PLACEHOLDER_WORDS = {
    "the", "authors", "author", "anonymous", "anon", "contributors", "contributor", "holder", "holders", "owner", "owners",
    "copyright", "yyyy", "year", "name", "fullname", "of", "and", "its", "all", "rights", "reserved", "project", "s",
    "submission", "paper", "c", "notice", "license", "licensed", "this", "software", "file", "is", "under", "see", "for",
}
HOME_PATH_RE = re.compile(r"(?:/home/|/Users/|/mnt/c/Users/|[A-Za-z]:\\{1,2}Users\\{1,2})([A-Za-z0-9._-]{2,64})(?=[/\\])")
HOME_PATH_IGNORE = {"user", "username", "ubuntu", "runner", "root", "shared", "public", "admin", "jovyan", "vscode", "default", "me", "you", "anonymous", "anon", "name", "your_name", "yourname", "xxx"}
NOTEBOOK_IDENTITY_KEYS = {"author", "authors", "creator", "creators", "owner", "user", "username", "displayname", "email", "useremail", "userid", "name"}
GIT_AUTHOR_RE = re.compile(rb"^(?:author|committer|tagger) (.{1,200}?) <([^<>\n]{0,200})> \d+ [+-]\d{4}$", re.MULTILINE)
GIT_LOG_RE = re.compile(r"^[0-9a-f]{40} [0-9a-f]{40} (.{1,200}?) <([^<>\n]{0,200})> \d+ [+-]\d{4}", re.MULTILINE)
GIT_URL_RE = re.compile(r"^\s*url\s*=\s*(\S+)", re.MULTILINE)
GIT_SECTION_RE = re.compile(r"^\s*\[\s*([^\]]+?)\s*\]", re.MULTILINE)
GIT_KEY_RE = re.compile(r"^\s*(name|email)\s*=\s*(.+?)\s*$", re.MULTILINE)
FETCH_HEAD_RE = re.compile(r"\bof (\S+)\s*$", re.MULTILINE)


def _placeholder(value: str) -> bool:
    words = re.findall(r"[a-z]+", fold(value).lower())
    return not words or "anonymous" in words or "anonymized" in words or all(w in COPYRIGHT_PLACEHOLDER_WORDS for w in words)


class _Text:
    """One text file: folded, with a map from offsets to line numbers."""

    def __init__(self, data: bytes):
        self.raw = data.decode("utf-8", errors="replace")
        self.text = fold(self.raw)
        self.lower = self.text.lower()
        self.newlines = [m.start() for m in re.finditer("\n", self.text)]

    def line_of(self, offset: int) -> int:
        return bisect_right(self.newlines, offset - 1) + 1

    def line_text(self, line: int) -> str:
        start = self.newlines[line - 2] + 1 if line >= 2 else 0
        end = self.newlines[line - 1] if line - 1 < len(self.newlines) else len(self.text)
        snippet = " ".join(self.text[start:end].split())
        return snippet if len(snippet) <= 160 else snippet[:157] + "…"


class ArchiveScan:
    def __init__(self, identities: list[Identity], limits: ArchiveLimits, rules: Any = None):
        self.identities = identities
        self.limits = limits
        self.rules = rules
        self.deadline = time.monotonic() + limits.timeout
        self.anonymity = rules is None or bool(getattr(rules, "check_anonymity", True))
        self.leaks: list[dict[str, Any]] = []
        self.findings: list[Finding] = []
        self.files_scanned = 0
        self._seen: set[tuple[str, str, str]] = set()
        self._files_per_value: dict[tuple[str, str], int] = {}
        self._more = 0
        self._git_roots: set[str] = set()
        self._nested: list[str] = []
        self._home_paths: list[tuple[str, int, str]] = []
        self._emails: list[tuple[str, str, int]] = []
        self._pdfs = 0
        self._names = full_name_matcher(identities)
        self._author_emails = {e.lower(): i.name for i in identities for e in i.emails if "@" in e}
        self._github = {u.lower(): i.name for i in identities for u in i.github}
        self._hf = {u.lower(): i.name for i in identities for u in i.huggingface}
        name_parts = {fold(p).lower() for i in identities for n in (i.name, *i.other_names) for p in re.split(r"[\s\-]+", n)}
        plain = {u for u in {**self._github, **self._hf} if len(u) >= 5 and u not in name_parts and not ANONYMOUS_USER_RE.match(u)}
        self._plain = (
            re.compile(r"(?<![\w/.@-])(" + "|".join(re.escape(u) for u in sorted(plain, key=len, reverse=True)) + r")(?![\w-])", re.IGNORECASE)
            if plain else None
        )
        self._affiliations: list[tuple[str, re.Pattern[str]]] = []
        for identity in identities:
            for affiliation in identity.affiliations:
                for part, distinctive in affiliation_parts(affiliation):
                    if distinctive:
                        words = [re.escape(w) for w in re.split(r"[\s\-]+", fold(part)) if w]
                        self._affiliations.append((part, re.compile(r"(?<![A-Za-z0-9])" + r"[\s\-]+".join(words) + r"(?![A-Za-z0-9])", re.IGNORECASE)))

    # -- results ------------------------------------------------------------------------

    def add(self, kind: str, value: str, file: str, line: int | None, context: str, page: int | None = None) -> None:
        value = " ".join(str(value).split())[:200]
        key = (kind, fold(value).lower(), file)
        if key in self._seen:
            return
        self._seen.add(key)
        per_value = (kind, fold(value).lower())
        count = self._files_per_value.get(per_value, 0)
        if count >= self.limits.per_value_files or len(self.leaks) >= self.limits.max_leaks:
            self._more += 1
            return
        self._files_per_value[per_value] = count + 1
        self.leaks.append({"kind": kind, "value": value, "page": page, "context": context[:300], "source": "supplementary", "file": file, "line": line})

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise ArchiveUnreadable("archive_too_large", f"Scanning the archive took longer than {self.limits.timeout:g} s.")

    def result(self) -> ArchiveResult:
        findings = []
        for leak in self.leaks:
            where = f"{leak['file']}" + (f", line {leak['line']}" if leak.get("line") else "") + (f", page {leak['page']}" if leak.get("page") else "")
            label = LABELS.get(leak["kind"], leak["kind"])
            findings.append(Finding("error", f"leak_{leak['kind']}", f"Supplementary material: {label} '{leak['value']}' in {where}: {leak['context']}"))
        if self._more:
            findings.append(Finding("info", "supplementary_more_leaks", f"Supplementary material: {self._more} more occurrence(s) of the same identities are not listed."))
        for root in sorted(self._git_roots):
            findings.append(Finding("warning", "supplementary_git_directory", f"Supplementary material: '{root}' is a Git repository (its history names who wrote it); the reviewers' download leaves it out, but remove it from your archive."))
        if self._home_paths:
            shown = ", ".join(f"{path} ({file}:{line})" for path, line, file in self._home_paths[:5])
            findings.append(Finding("warning", "supplementary_home_path", f"Supplementary material: paths with a user name ({shown}{' ...' if len(self._home_paths) > 5 else ''}); make sure none is yours."))
        if self._emails:
            shown = ", ".join(f"{address} ({file}:{line})" for address, file, line in self._emails[:5])
            findings.append(Finding("warning", "supplementary_email_present", f"Supplementary material: e-mail addresses are present ({shown}{' ...' if len(self._emails) > 5 else ''})."))
        if self._nested:
            findings.append(Finding("info", "supplementary_nested_archive", "Supplementary material: archives inside the archive are not scanned: " + ", ".join(self._nested[:5]) + (" ..." if len(self._nested) > 5 else "")))
        findings.extend(self.findings)
        return ArchiveResult("ok", files_scanned=self.files_scanned, leaks=self.leaks, findings=findings)

    # -- dispatch -----------------------------------------------------------------------

    def scan(self, path: str) -> ArchiveResult:
        for member in iter_members(path, self.limits):
            self.check_time()
            self.files_scanned += 1
            if not self.anonymity:
                continue  # a venue that is not double-blind: the archive is only checked for safety
            try:
                self.member(member)
            except ArchiveUnreadable:
                raise
            except MemoryError:
                raise ArchiveUnreadable("archive_bomb", f"Reading '{member.name[:200]}' needs more memory than allowed.") from None
            except READ_ERRORS as error:
                raise ArchiveUnreadable("archive_corrupt", f"The member '{member.name[:200]}' is damaged ({error.__class__.__name__}: {str(error)[:120]}).") from None
        return self.result()

    def member(self, member: Member) -> None:
        path = PurePosixPath(member.name)
        parts = path.parts
        base = path.name.lower()
        extension = base.rsplit(".", 1)[-1] if "." in base else ""
        if parts[0] == "__MACOSX" or base == ".ds_store":
            return
        if ".git" in parts[:-1]:
            index = parts.index(".git")
            self._git_roots.add("/".join(parts[: index + 1]))
            self.git_file("/".join(parts[index + 1:]), member)
            return
        if base == ".git":  # a worktree or submodule pointer: "gitdir: /home/<user>/..."
            pointer = member.read(4096).decode("utf-8", "replace")
            for line_no, line in enumerate(pointer.splitlines(), 1):
                if line.startswith("gitdir:"):
                    self.add("git_metadata", line[7:].strip(), member.name, line_no, line.strip())
            return
        if extension == "pdf":
            self.pdf(member)
            return
        if extension in ARCHIVE_EXTENSIONS:
            self._nested.append(member.name)
            return
        if extension in BINARY_EXTENSIONS:
            return
        if extension == "ipynb":
            self.notebook(member)
            return
        data = member.read(self.limits.max_text_bytes)
        if extension not in TEXT_EXTENSIONS and (b"\x00" in data[:4096] or not _mostly_text(data[:4096])):
            return
        text = _Text(data)
        flagged: set[int] = set()  # lines already reported (one leak per line is enough)
        if base in PACKAGE_FILES:
            flagged |= self.package(member.name, base, text)
        if COPYRIGHT_FILE_RE.match(base) and not VENDORED_RE.search(member.name):
            flagged |= self.copyright(member.name, text)
        self.text(member.name, text, skip_lines=flagged)

    # -- text files ---------------------------------------------------------------------

    def text(self, file: str, text: _Text, skip_lines: set[int] | None = None, home_kind: str | None = None) -> None:
        skip = skip_lines or set()

        def add(kind: str, value: str, start: int) -> None:
            line = text.line_of(start)
            if line not in skip:
                self.add(kind, value, file, line, text.line_text(line))

        for match, owner in self._names.finditer(text.text, text.lower):
            add("name", owner, match.start())
        if "@" in text.text:
            for match in EMAIL_RE.finditer(text.text):
                address = f"{match.group(1)}@{match.group(2)}"
                if address.lower() in self._author_emails:
                    add("email", address, match.start())
                elif len(self._emails) < 50 and not address.lower().startswith(("noreply", "no-reply", "git@")):
                    self._emails.append((address, file, text.line_of(match.start())))
            for match in MENTION_RE.finditer(text.text):
                user = match.group(1).lower()
                if user in self._github:
                    add("github", match.group(1), match.start())
                elif user in self._hf:
                    add("huggingface", match.group(1), match.start())
        if "github" in text.lower:
            for match in GITHUB_RE.finditer(text.text):
                user = match.group(1) or match.group(2)
                if user.lower() in self._github and not ANONYMOUS_USER_RE.match(user):
                    add("github", user, match.start())
            for match in re.finditer(r"git@github\.com:([A-Za-z0-9-]{1,39})/", text.text, re.IGNORECASE):
                if match.group(1).lower() in self._github:
                    add("github", match.group(1), match.start())
        if "huggingface.co" in text.lower or "hf.co" in text.lower:
            for match in HF_RE.finditer(text.text):
                user = match.group(1).rstrip(".")
                if user.lower() in self._hf and user.lower() not in HF_RESERVED:
                    add("huggingface", user, match.start())
        if self._plain is not None:
            for match in self._plain.finditer(text.text):
                user = match.group(1).lower()
                add("github" if user in self._github else "huggingface", match.group(1), match.start())
        for part, regex in self._affiliations:
            for match in regex.finditer(text.text):
                add("affiliation", part, match.start())
        if "/home/" in text.text or "Users" in text.text:
            for match in HOME_PATH_RE.finditer(text.text):
                user = match.group(1)
                if user.lower() in HOME_PATH_IGNORE or user.startswith(("$", "<", "{")):
                    continue
                line = text.line_of(match.start())
                home = match.group(0) + text.text[match.end()]
                if home_kind:
                    if line not in skip:
                        self.add(home_kind, home, file, line, text.line_text(line))
                elif len(self._home_paths) < 50:
                    self._home_paths.append((home, line, file))

    def copyright(self, file: str, text: _Text) -> set[int]:
        lines = set()
        for match in COPYRIGHT_RE.finditer(text.text):
            holder = match.group(1).strip(" .,;:-*#/\"'")
            holder = re.sub(r"^(?:\(c\)|©)\s*", "", holder, flags=re.IGNORECASE).strip()
            holder = re.sub(r"^[0-9]{4}(?:\s*[-–,]\s*[0-9]{4})*\s*", "", holder).strip()
            if not holder or _placeholder(holder) or re.search(r"\b(?:law|licen[cs]e|notice|permission|owner)\b", holder, re.IGNORECASE):
                continue
            line = text.line_of(match.start(1))
            lines.add(line)
            self.add("metadata", holder, file, line, text.line_text(line))
        return lines

    def package(self, file: str, base: str, text: _Text) -> set[int]:
        found: list[tuple[str, int]] = []  # (value, offset)
        if base == "package.json":
            for match in re.finditer(r'"(?:author|contributors|maintainers)"\s*:\s*("(?:[^"\\]|\\.)*"|\{[^{}]*\}|\[[^\[\]]*\])', text.text):
                for value in re.findall(r'"name"\s*:\s*"([^"]*)"|"email"\s*:\s*"([^"]*)"|^"([^"]*)"$', match.group(1)):
                    for piece in value:
                        if piece:
                            found.append((piece, match.start()))
                if match.group(1).startswith("["):
                    for piece in re.findall(r'"((?:[^"\\]|\\.)*)"', match.group(1)):
                        if not re.search(r'"(?:name|email|url)"', piece):
                            found.append((piece, match.start()))
        elif base in ("pyproject.toml", "cargo.toml"):
            for match in re.finditer(r"^\s*(?:authors|maintainers)\s*=\s*\[(.*?)\]\s*$", text.text, re.MULTILINE | re.DOTALL):
                body = match.group(1)
                for inner in re.finditer(r"(?:name|email)\s*=\s*\"([^\"]*)\"|\"([^\"]*)\"|'([^']*)'", body):
                    value = inner.group(1) or inner.group(2) or inner.group(3) or ""
                    found.append((value, match.start(1) + inner.start()))
        elif base in ("setup.py", "setup.cfg", "description"):
            for match in re.finditer(r"^\s*(?:author|author_email|maintainer|maintainer_email|Author|Maintainer)\s*[=:]\s*(.+?)\s*,?\s*$", text.text, re.MULTILINE):
                found.append((match.group(1).strip("'\" "), match.start(1)))
            for match in re.finditer(r"\b(?:author|author_email|maintainer|maintainer_email)\s*=\s*['\"]([^'\"]+)['\"]", text.text):
                found.append((match.group(1), match.start(1)))
        elif base == "citation.cff":
            for match in re.finditer(r"^\s*-?\s*(?:family-names|given-names|name|email|orcid)\s*:\s*(.+?)\s*$", text.text, re.MULTILINE):
                found.append((match.group(1).strip("'\" "), match.start(1)))
        lines = set()
        for value, offset in found:
            value = value.strip()
            if value and not _placeholder(value) and "@example" not in value:
                line = text.line_of(offset)
                lines.add(line)
                self.add("metadata", value, file, line, text.line_text(line))
        return lines

    # -- notebooks ------------------------------------------------------------------------

    def notebook(self, member: Member) -> None:
        data = member.read(self.limits.max_notebook_bytes)
        text = _Text(data)
        flagged: set[int] = set()
        try:
            notebook = json.loads(text.raw)
        except (ValueError, RecursionError):  # not JSON, or nested beyond reason: read as text
            notebook = None
        if isinstance(notebook, dict):
            found: list[tuple[str, str]] = []  # (value, where)
            _identity_values(notebook.get("metadata"), "metadata", found)
            for index, cell in enumerate(notebook.get("cells") or []):
                if isinstance(cell, dict):
                    _identity_values(cell.get("metadata"), f"cells[{index}].metadata", found)
            for value, where in found:
                line = _line_of_value(text, value)
                if line:
                    flagged.add(line)
                self.add("notebook_metadata", value, member.name, line, f"{where}: {value}")
        self.text(member.name, text, skip_lines=flagged, home_kind="notebook_metadata")

    # -- PDFs -----------------------------------------------------------------------------

    def pdf(self, member: Member) -> None:
        if self._pdfs >= self.limits.max_pdfs or member.size > self.limits.max_pdf_bytes:
            self.findings.append(Finding("info", "supplementary_pdf_skipped", f"Supplementary material: {member.name} was not checked (too many or too large PDFs)."))
            return
        self._pdfs += 1
        from .checker import check_pdf
        from .rules import CheckRules

        data = member.read(self.limits.max_pdf_bytes)
        remaining = max(1.0, min(self.limits.pdf_timeout, self.deadline - time.monotonic()))
        base = self.rules.to_dict() if self.rules is not None else {}
        rules = CheckRules.from_dict({**base, "mode": "submission", "anonymity": True, "timeout": remaining, "max_bytes": self.limits.max_pdf_bytes})
        report = check_pdf(data, rules, self.identities, filename=member.name)
        if report.error:
            self.findings.append(Finding("info", "supplementary_pdf_unreadable", f"Supplementary material: {member.name} could not be read as a PDF ({report.error.get('code')})."))
            return
        for leak in report.leaks:
            self.add(leak.kind, leak.value, member.name, None, leak.context, page=leak.page)

    # -- git ------------------------------------------------------------------------------

    def git_file(self, inner: str, member: Member) -> None:
        file = member.name
        if inner == "config":
            text = _Text(member.read(256 * 1024))
            sections = [(m.start(), m.group(1)) for m in GIT_SECTION_RE.finditer(text.text)]
            for match in GIT_URL_RE.finditer(text.text):
                line = text.line_of(match.start())
                self.add("git_metadata", match.group(1), file, line, f"remote: {text.line_text(line)}")
            for match in GIT_KEY_RE.finditer(text.text):
                section = next((name for start, name in reversed(sections) if start < match.start()), "")
                if section.lower() == "user":
                    line = text.line_of(match.start())
                    self.add("git_metadata", match.group(2), file, line, f"[user] {text.line_text(line)}")
        elif inner == "FETCH_HEAD":
            text = _Text(member.read(256 * 1024))
            for match in FETCH_HEAD_RE.finditer(text.text):
                line = text.line_of(match.start())
                self.add("git_metadata", match.group(1), file, line, "fetched from a remote")
        elif inner.startswith("logs/"):
            text = _Text(member.read(self.limits.max_text_bytes))
            for match in GIT_LOG_RE.finditer(text.text):
                line = text.line_of(match.start())
                self.add("git_metadata", f"{match.group(1)} <{match.group(2)}>", file, line, "reflog entry")
        elif re.fullmatch(r"objects/[0-9a-f]{2}/[0-9a-f]{38}", inner):
            data = member.read(4 * 1024 * 1024)
            try:
                body = zlib.decompressobj().decompress(data, 64 * 1024)
            except zlib.error:
                return
            if body.startswith(b"commit ") or body.startswith(b"tag "):
                self._commit_authors(body, file)
        elif inner.startswith("objects/pack/") and inner.endswith(".pack"):
            self._pack(member.read(self.limits.max_git_bytes), file)

    def _commit_authors(self, body: bytes, file: str) -> None:
        for match in GIT_AUTHOR_RE.finditer(body[:64 * 1024]):
            name = match.group(1).decode("utf-8", "replace")
            email = match.group(2).decode("utf-8", "replace")
            self.add("git_metadata", f"{name} <{email}>", file, None, "commit author")

    def _pack(self, data: bytes, file: str) -> None:
        """Commits stored whole in a pack file (where readable; a damaged pack is skipped)."""
        if len(data) < 12 or data[:4] != b"PACK":
            return
        count = struct.unpack(">I", data[8:12])[0]
        offset = 12
        view = memoryview(data)
        inflated = 0
        for number in range(min(count, self.limits.max_git_objects)):
            if number % 256 == 0:
                self.check_time()
            if offset >= len(data):
                return
            byte = data[offset]
            kind = (byte >> 4) & 7
            offset += 1
            while byte & 0x80:
                if offset >= len(data):
                    return
                byte = data[offset]
                offset += 1
            if kind == 6:  # OFS_DELTA: a variable-length offset
                while offset < len(data) and data[offset] & 0x80:
                    offset += 1
                offset += 1
            elif kind == 7:  # REF_DELTA: a 20-byte object id
                offset += 20
            if kind not in (1, 2, 3, 4, 6, 7):
                return
            inflater = zlib.decompressobj()
            body = b""
            position = offset
            try:  # fed in small pieces of a view: no copy of the rest of the pack per object
                while not inflater.eof:
                    if inflater.unconsumed_tail:
                        piece = inflater.decompress(inflater.unconsumed_tail, 1 << 20)
                    else:
                        if position >= len(data):
                            return
                        chunk = view[position:position + (1 << 16)]
                        position += len(chunk)
                        piece = inflater.decompress(chunk, 1 << 20)
                    inflated += len(piece)
                    if inflated > self.limits.max_git_bytes * 16:
                        return  # far more history than any supplementary needs: stop here
                    if kind in (1, 4) and len(body) < 64 * 1024:
                        body += piece[: 64 * 1024 - len(body)]
            except zlib.error:
                return
            offset = position - len(inflater.unused_data)
            if body:
                self._commit_authors(body, file)


def _mostly_text(sample: bytes) -> bool:
    if not sample:
        return True
    try:
        sample.decode("utf-8")
        return True
    except UnicodeDecodeError as error:
        return error.start >= len(sample) - 4  # a character cut at the sample's end


def _identity_values(node: Any, where: str, found: list[tuple[str, str]], depth: int = 0) -> None:
    """Values under identity-like keys (author, name, email, user...) of a metadata tree."""
    if depth > 8 or len(found) > 100:
        return
    if isinstance(node, dict):
        for key, value in node.items():
            normalized = re.sub(r"[^a-z]", "", str(key).lower())
            path = f"{where}.{key}"
            if normalized in NOTEBOOK_IDENTITY_KEYS and not where.endswith(("kernelspec", "language_info")):
                _strings_under(value, path, found)
            else:
                _identity_values(value, path, found, depth + 1)
    elif isinstance(node, list):
        for index, item in enumerate(node[:200]):
            _identity_values(item, f"{where}[{index}]", found, depth + 1)


def _strings_under(node: Any, where: str, found: list[tuple[str, str]]) -> None:
    if isinstance(node, str):
        value = node.strip()
        if value and not _placeholder(value) and len(value) <= 200:
            found.append((value, where))
    elif isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, str) and re.sub(r"[^a-z]", "", str(key).lower()) in NOTEBOOK_IDENTITY_KEYS | {"displayname", "photourl", "url", "orcid", "affiliation"}:
                _strings_under(value, f"{where}.{key}", found)
    elif isinstance(node, list):
        for index, item in enumerate(node[:50]):
            _strings_under(item, f"{where}[{index}]", found)


def _line_of_value(text: _Text, value: str) -> int | None:
    needle = json.dumps(fold(value))[1:-1]
    position = text.text.find(needle)
    if position < 0:
        position = text.text.find(fold(value))
    return text.line_of(position) if position >= 0 else None


def scan_archive(path: str | os.PathLike[str], identities: Any = (), limits: ArchiveLimits | None = None, rules: Any = None) -> ArchiveResult:
    """Scan one archive; never raises for a bad archive (the result says why it is unreadable)."""
    limits = limits or ArchiveLimits()
    try:
        return ArchiveScan(list(identities or ()), limits, rules).scan(str(path))
    except ArchiveUnreadable as error:
        return ArchiveResult("unreadable", error=error.code, message=error.message)
    except MemoryError:
        return ArchiveResult("unreadable", error="archive_bomb", message="Reading the archive needs more memory than allowed (a compression bomb?).")
    except (OSError, RecursionError) as error:
        return ArchiveResult("unreadable", error="archive_corrupt", message=f"The archive cannot be read ({error.__class__.__name__}).")


# ---------------------------------------------------------------- joining the PDF's report


def merge_into(report: dict[str, Any], result: ArchiveResult) -> dict[str, Any]:
    """The PDF's report with the archive's findings: leaks join `anonymity.leaks`."""
    report = dict(report)
    report["anonymity"] = {**(report.get("anonymity") or {}), "leaks": [*((report.get("anonymity") or {}).get("leaks") or []), *result.leaks]}
    report["findings"] = [*(report.get("findings") or []), *result.all_findings()]
    report["supplementary"] = result.summary()
    if report.get("status") == "ok" and any(f["severity"] == "error" for f in report["findings"]):
        report["status"] = "problems"
    return report


def standalone_report(result: ArchiveResult, file: str | None = None) -> dict[str, Any]:
    """A report for an archive checked on its own (the web app's supplementary uploads)."""
    findings = result.all_findings()
    if result.status == "unreadable":
        status = "unreadable"
    else:
        status = "problems" if any(f["severity"] == "error" for f in findings) else "ok"
    return {
        "file": file,
        "status": status,
        "error": {"code": result.error, "message": result.message} if result.status == "unreadable" else None,
        "pages": {},
        "format": {"violations": []},
        "anonymity": {"leaks": list(result.leaks)},
        "signals": {},
        "findings": findings,
        "supplementary": result.summary(),
    }


def unreadable_result(code: str, message: str) -> ArchiveResult:
    return ArchiveResult("unreadable", error=code, message=message)


# ---------------------------------------------------------------- the reviewers' copy


class CleanFailed(Exception):
    pass


def clean_notebook(data: bytes) -> bytes | None:
    """The notebook without its metadata (top level: the kernel's language only; cells:
    none); None when it is not a notebook that can be parsed."""
    try:
        notebook = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if not isinstance(notebook, dict):
        return None
    metadata = notebook["metadata"] if isinstance(notebook.get("metadata"), dict) else {}
    kept: dict[str, Any] = {}
    kernelspec = metadata.get("kernelspec")
    if isinstance(kernelspec, dict):
        kept["kernelspec"] = {k: kernelspec[k] for k in ("name", "language") if isinstance(kernelspec.get(k), str)}
    language = metadata.get("language_info")
    if isinstance(language, dict) and isinstance(language.get("name"), str):
        kept["language_info"] = {"name": language["name"]}
    notebook["metadata"] = kept
    for cell in notebook.get("cells") or []:
        if isinstance(cell, dict):
            cell["metadata"] = {}
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def dropped_from_copy(name: str) -> bool:
    parts = name.split("/")
    return ".git" in parts or parts[0] == "__MACOSX" or parts[-1] in (".DS_Store", "Thumbs.db")


LEFT_OUT_NOTE = "LEFT-OUT-OF-THIS-COPY.txt"
# The zip comment of a copy made by this cleaner: a copy stored by an older one (which passed
# PDFs through as they were) is made again (reviews.supplementary.cleaned_archive).
CLEANER_MARK = b"paperdesk reviewers' copy 2: PDFs stripped"


def _is_pdf(name: str, head: bytes) -> bool:
    """By name, or by content for a file that is not text (a PDF renamed `.bin` still says who
    wrote it; a script that mentions the PDF header in its first lines is not a PDF)."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name.rsplit("/", 1)[-1] else ""
    return extension == "pdf" or (extension not in TEXT_EXTENSIONS and looks_like_pdf(head))


def _megabytes(size: int) -> str:
    return f"{size / 1048576:.1f} MB" if size >= 104858 else f"{size / 1024:.0f} KB"


def _left_out_note(left_out: list[dict[str, str]]) -> str:
    count = f"{len(left_out)} file was" if len(left_out) == 1 else f"{len(left_out)} files were"
    lines = [f"{count} left out of the reviewers' copy of this supplementary material,", "because they could not be cleaned of what may reveal the authors:", ""]
    lines += [f"  {row['file']}: {row['reason']}" for row in left_out]
    lines += ["", "The chairs have the original archive.", ""]
    return "\n".join(lines)


class _PdfStripper:
    """Every PDF of the copy goes through `pdfstrip` (in a forked child, one at a time): within
    `max_pdfs`, `max_pdf_bytes` and `pdf_timeout`, or it is left out of the copy."""

    def __init__(self, limits: ArchiveLimits, deadline: float, work: str):
        self.limits = limits
        self.deadline = deadline
        self.work = work
        self.stripped = 0

    def strip(self, member: Member, head: bytes, rest: Iterator[bytes]) -> bytes | str:
        """The stripped PDF, or why it is left out."""
        limits = self.limits
        if member.size > limits.max_pdf_bytes:
            return f"the PDF is larger than {_megabytes(limits.max_pdf_bytes)}"
        if self.stripped >= limits.max_pdfs:
            return f"the archive holds more than {limits.max_pdfs} PDF files; only the first {limits.max_pdfs} are prepared for reviewers"
        remaining = min(limits.pdf_timeout, self.deadline - time.monotonic())
        if remaining < 0.5:
            return "the time for preparing the archive was spent"
        data = bytearray(head)
        for chunk in rest:
            data += chunk
            if len(data) > limits.max_pdf_bytes:
                return f"the PDF is larger than {_megabytes(limits.max_pdf_bytes)}"
        target = os.path.join(self.work, "stripped.pdf")
        try:
            strip_in_fork(bytes(data), target, timeout=remaining)
        except StripFailed as error:
            return f"{error}, so its metadata could not be removed"
        try:
            with open(target, "rb") as handle:
                stripped = handle.read()
        finally:
            os.unlink(target)
        self.stripped += 1
        return stripped


def clean_archive(source: str, destination: str, limits: ArchiveLimits | None = None) -> dict[str, Any]:
    """Write the reviewers' zip of `source` to `destination`: every member except `.git`
    directories and macOS resource forks, notebooks without metadata, PDFs with their pages
    only (`pdfstrip`). A notebook or PDF that cannot be cleaned is left out, never copied as
    it is: the result's `left_out` lists them with the reason ({file, reason}), and so does
    a note in the copy. Raises ArchiveUnreadable for an archive that cannot be read safely."""
    limits = limits or ArchiveLimits()
    kept = dropped = 0
    left_out: list[dict[str, str]] = []
    names: set[str] = set()
    temp = destination + ".part"
    deadline = time.monotonic() + limits.timeout
    try:
        with tempfile.TemporaryDirectory(prefix="paperdesk-pdfs-") as work, \
                zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as out:
            out.comment = CLEANER_MARK
            pdfs = _PdfStripper(limits, deadline, work)
            for member in iter_members(source, limits):
                if time.monotonic() > deadline:
                    raise ArchiveUnreadable("archive_too_large", f"Preparing the archive took longer than {limits.timeout:g} s.")
                if dropped_from_copy(member.name):
                    dropped += 1
                    continue
                info = zipfile.ZipInfo(member.name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                try:
                    if member.name.lower().endswith(".ipynb"):
                        cleaned = clean_notebook(member.read(limits.max_notebook_bytes)) if member.size <= limits.max_notebook_bytes else None
                        if cleaned is None:
                            dropped += 1
                            left_out.append({"file": member.name, "reason": "it is not a notebook that can be read, so its metadata could not be removed"})
                            continue
                        out.writestr(info, cleaned)
                    else:
                        chunks = member.chunks()
                        head = next(chunks, b"")
                        if _is_pdf(member.name, head):
                            stripped = pdfs.strip(member, head, chunks)
                            chunks.close()  # the rest of a PDF left out unread
                            if isinstance(stripped, str):
                                dropped += 1
                                left_out.append({"file": member.name, "reason": stripped})
                                continue
                            out.writestr(info, stripped)
                        else:
                            with out.open(info, "w", force_zip64=member.size > 2**31) as sink:
                                sink.write(head)
                                for chunk in chunks:
                                    sink.write(chunk)
                except READ_ERRORS as error:
                    raise ArchiveUnreadable("archive_corrupt", f"The member '{member.name[:200]}' is damaged ({error.__class__.__name__}).") from None
                names.add(member.name)
                kept += 1
            if left_out:
                note = LEFT_OUT_NOTE
                while note in names:
                    note = "_" + note
                info = zipfile.ZipInfo(note, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                out.writestr(info, _left_out_note(left_out))
        with open(temp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temp, destination)
    finally:
        if os.path.exists(temp):
            os.unlink(temp)
    return {"kept": kept, "dropped": dropped, "pdfs_stripped": pdfs.stripped, "left_out": left_out}


def clean_in_child(source: str, destination: str, *, limits: ArchiveLimits | None = None, cpu_seconds: int = 60, memory_mb: int = 512, timeout: float = 120) -> dict[str, Any]:
    """`clean_archive` in a fresh interpreter with CPU and memory limits; CleanFailed on any
    failure (the caller answers with a clear message, never with the original archive)."""
    package_root = str(PurePosixPath(__file__).parent.parent.parent)
    env = {**os.environ, "PYTHONPATH": package_root + os.pathsep + os.environ.get("PYTHONPATH", "")}
    argv = [sys.executable, "-m", "paperdesk.checks.archive", "clean", source, destination, str(cpu_seconds), str(memory_mb),
            json.dumps((limits or ArchiveLimits()).to_dict())]
    try:
        done = subprocess.run(argv, env=env, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise CleanFailed(f"preparing the archive took longer than {timeout:g} s") from None
    if done.returncode != 0 or not os.path.exists(destination):
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise CleanFailed(detail[-1] if detail else f"exit status {done.returncode}")
    try:
        stats = json.loads(done.stdout)
    except ValueError:
        return {}
    return stats if isinstance(stats, dict) else {}


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[0] != "clean":
        print("usage: python -m paperdesk.checks.archive clean IN OUT [CPU_SECONDS MEMORY_MB LIMITS_JSON]", file=sys.stderr)
        return 2
    from .limits import apply_limits

    cpu = int(argv[3]) if len(argv) > 3 else 60
    memory = int(argv[4]) if len(argv) > 4 else 512
    limits = ArchiveLimits.from_dict(json.loads(argv[5])) if len(argv) > 5 else ArchiveLimits()
    apply_limits(cpu, memory)
    try:
        stats = clean_archive(argv[1], argv[2], limits)
    except ArchiveUnreadable as error:
        print(f"{error.code}: {error.message}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(stats))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
