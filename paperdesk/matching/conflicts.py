"""Conflicts of interest between papers' authors and reviewers, with reasons.

A reviewer conflicts with a paper when, for any author of the paper:

* same person: a shared profile id or e-mail address;
* same institution: an e-mail domain or a current or recent affiliation (ended within
  ``affiliation_years``) that maps to the same institution. Domains are reduced to the
  institution's own domain (cs.ox.ac.uk -> ox.ac.uk) and looked up in an alias table
  (``data/institution_aliases.toml``: google.com = deepmind.com, fb.com = meta.com, ...;
  a caller can extend it); public mail domains (gmail.com, ...) never count;
* co-authors: the reviewer published with the author, or the author with the reviewer,
  within ``coauthor_years`` (a co-authorship without a year counts). Names are compared
  after folding case, accents and punctuation ("Doe, Jane" = "jane doe").

Never P x R: every person yields hashable keys (an id, an address, an institution, a
name), papers and reviewers are indexed by key, and only keys that both sides share
produce pairs (numpy join). 12,000 papers x 9,000 reviewers take a few seconds
(``bench/matching.py --conflicts``).
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .arrays import IndexArray, Int64Array
from .problem import sorted_unique

# a table of the layout of data/institution_aliases.toml, as tomllib reads it
AliasData = Mapping[str, Any]


@dataclass(frozen=True)
class Affiliation:
    institution: str  # a name ("University of Oxford") or a domain ("ox.ac.uk")
    start: int | None = None
    end: int | None = None  # None: current


@dataclass(frozen=True)
class Person:
    name: str = ""
    emails: tuple[str, ...] = ()
    affiliations: tuple[Affiliation | str, ...] = ()  # a plain str: a current affiliation
    # (name, year) from publications; a plain name: year unknown
    coauthors: tuple[str | tuple[str, int | None], ...] = ()
    id: str | None = None  # profile id, if any


@dataclass(frozen=True)
class Submission:
    id: str
    authors: tuple[Person, ...] = ()


_PUNCT = re.compile(r"[^0-9a-z]+")


def normalize_name(name: str) -> str:
    """Fold case, accents and punctuation; "Doe, Jane" -> "jane doe"."""
    if name.count(",") == 1:
        last, first = name.split(",")
        name = f"{first} {last}"
    name = unicodedata.normalize("NFKD", name)
    name = "".join(c for c in name if not unicodedata.combining(c)).lower()
    name = name.replace("&", " and ")
    name = _PUNCT.sub(" ", name).strip()
    if name.startswith("the "):
        name = name[4:]
    return name


class InstitutionTable:
    """Maps e-mail domains and affiliation names to institution keys."""

    def __init__(self, data: AliasData) -> None:
        self.display: dict[str, str] = {}
        self.by_domain: dict[str, str] = {}
        self.by_name: dict[str, str] = {}
        self.public: set[str] = set()
        self.two_level: set[str] = set()
        self.extend(data)

    @classmethod
    def default(cls, extra: AliasData | str | Path | None = None) -> InstitutionTable:
        text = resources.files("paperdesk.matching").joinpath(
            "data/institution_aliases.toml").read_text(encoding="utf-8")
        table = cls(tomllib.loads(text))
        if extra is not None:
            if isinstance(extra, (str, Path)):
                table.extend(tomllib.loads(Path(extra).read_text(encoding="utf-8")))
            else:
                table.extend(extra)
        return table

    def extend(self, data: AliasData) -> None:
        """Add a table of the same layout as institution_aliases.toml."""
        for key, inst in (data.get("institutions") or {}).items():
            self.display.setdefault(key, inst.get("name", key))
            for d in inst.get("domains", ()):
                self.by_domain[d.lower().strip(".")] = key
            for n in inst.get("names", ()):
                self.by_name[normalize_name(n)] = key
        self.public.update(d.lower() for d in (data.get("public_mail") or {}).get("domains", ()))
        self.two_level.update((data.get("suffixes") or {}).get("two_level", ()))

    def registrable(self, domain: str) -> str | None:
        labels = domain.split(".")
        if len(labels) < 2:
            return None
        n = 3 if ".".join(labels[-2:]) in self.two_level else 2
        if len(labels) < n:
            return None
        return ".".join(labels[-n:])

    def from_domain(self, domain: str) -> str | None:
        """Institution key of a mail domain; None for public or unusable domains."""
        d = domain.lower().strip().strip(".")
        labels = d.split(".")
        suffixes = [".".join(labels[i:]) for i in range(len(labels))]
        if any(s in self.public for s in suffixes):
            return None
        for s in suffixes[:-1]:
            key = self.by_domain.get(s)
            if key is not None:
                return key
        reg = self.registrable(d)
        if reg is None or reg in self.public:
            return None
        return "dom:" + reg

    def from_name(self, name: str) -> str | None:
        norm = normalize_name(name)
        if not norm:
            return None
        key = self.by_name.get(norm)
        if key is not None:
            return key
        raw = name.strip().lower()
        if " " not in raw and "." in raw:  # a domain given as affiliation
            return self.from_domain(raw.lstrip("@"))
        return "name:" + norm

    def describe(self, key: str) -> str:
        if key.startswith(("dom:", "name:")):
            return key.split(":", 1)[1]
        return self.display.get(key, key)


# kinds of reasons
SAME_ID, SAME_EMAIL, SAME_INSTITUTION, REVIEWER_COAUTHORED, AUTHOR_COAUTHORED = range(5)
_KIND_PREFIX = ("id", "email", "inst", "rco", "aco")


class Conflicts:
    """Conflict pairs (unique, sorted) with every reason found for each."""

    def __init__(self, paper_ids: Sequence[str], reviewer_ids: Sequence[str], paper: IndexArray,
                 reviewer: IndexArray, kind: Int64Array, detail: Int64Array, key_names: list[str],
                 table: InstitutionTable) -> None:
        self.paper_ids, self.reviewer_ids = list(paper_ids), list(reviewer_ids)
        R = max(len(self.reviewer_ids), 1)
        pk = paper.astype(np.int64) * R + reviewer
        order = np.lexsort((detail, kind, pk))
        self._pk, self._kind, self._detail = pk[order], kind[order], detail[order]
        self._keys = key_names
        self._table = table
        uk = sorted_unique(self._pk)
        self.pair_paper = (uk // R).astype(np.int64)
        self.pair_reviewer = (uk % R).astype(np.int64)
        self._index: tuple[dict[str, int], dict[str, int]] | None = None  # built on first use

    def __len__(self) -> int:
        return len(self.pair_paper)

    def pairs(self) -> list[tuple[str, str]]:
        return [(self.paper_ids[i], self.reviewer_ids[j])
                for i, j in zip(self.pair_paper.tolist(), self.pair_reviewer.tolist())]

    def rows(self) -> list[tuple[str, str, int]]:
        """(paper_id, reviewer_id, -1) rows for constraints.csv."""
        return [(p, r, -1) for p, r in self.pairs()]

    def reasons(self, paper_id: str, reviewer_id: str) -> list[str]:
        """Why the pair conflicts (empty if it does not)."""
        if self._index is None:
            self._index = ({p: i for i, p in enumerate(self.paper_ids)},
                           {r: j for j, r in enumerate(self.reviewer_ids)})
        pidx, ridx = self._index
        i, j = pidx.get(paper_id), ridx.get(reviewer_id)
        if i is None or j is None:
            return []
        pk = i * max(len(self.reviewer_ids), 1) + j
        a, b = np.searchsorted(self._pk, [pk, pk + 1])
        out: list[str] = []
        for kind, det in zip(self._kind[a:b].tolist(), self._detail[a:b].tolist()):
            value = self._keys[det].split(":", 1)[1]
            if kind == SAME_ID:
                out.append(f"same person (profile {value})")
            elif kind == SAME_EMAIL:
                out.append(f"same person (e-mail {value})")
            elif kind == SAME_INSTITUTION:
                out.append(f"same institution: {self._table.describe(value)}")
            elif kind == REVIEWER_COAUTHORED:
                out.append(f"reviewer co-authored with author {value}")
            else:
                out.append(f"author co-authored with reviewer {value}")
        return out


def _recent(year_of: int | None, now: int, window: int) -> bool:
    return year_of is None or year_of >= now - window


def find_conflicts(
    submissions: Sequence[Submission],
    reviewers: Sequence[Person],
    *,
    year: int,
    coauthor_years: int = 3,
    affiliation_years: int = 3,
    table: InstitutionTable | None = None,
    extra_aliases: AliasData | str | Path | None = None,
) -> Conflicts:
    """Every (paper, reviewer) conflict with its reasons. Reviewers need an ``id``."""
    if table is None:
        table = InstitutionTable.default(extra_aliases)
    elif isinstance(extra_aliases, (str, Path)):
        table.extend(tomllib.loads(Path(extra_aliases).read_text(encoding="utf-8")))
    elif extra_aliases is not None:
        table.extend(extra_aliases)
    key_index: dict[str, int] = {}
    name_cache: dict[str, str] = {}
    inst_cache: dict[tuple[str, str], str | None] = {}

    def norm(name: str) -> str:
        v = name_cache.get(name)
        if v is None:
            v = name_cache[name] = normalize_name(name)
        return v

    def inst(kind: str, value: str) -> str | None:
        k = (kind, value)
        if k not in inst_cache:
            if kind == "d":
                inst_cache[k] = table.from_domain(value)
            else:
                inst_cache[k] = table.from_name(value)
        return inst_cache[k]

    def common_keys(person: Person) -> list[str]:
        keys: list[str] = []
        if person.id:
            keys.append("id:" + str(person.id))
        for email in person.emails:
            e = email.strip().lower()
            if "@" in e:
                keys.append("email:" + e)
                key = inst("d", e.rsplit("@", 1)[1])
                if key:
                    keys.append("inst:" + key)
        for affiliation in person.affiliations:
            a = Affiliation(affiliation) if isinstance(affiliation, str) else affiliation
            if _recent(a.end, year, affiliation_years) and (a.start is None or a.start <= year):
                key = inst("n", a.institution)
                if key:
                    keys.append("inst:" + key)
        return keys

    def coauthor_names(person: Person) -> list[str]:
        out: list[str] = []
        for c in person.coauthors:
            name, yr = (c, None) if isinstance(c, str) else (c[0], c[1])
            if _recent(yr, year, coauthor_years):
                n = norm(name)
                if n:
                    out.append(n)
        return out

    paper_memo: dict[int, list[int]] = {}

    def author_key_ids(person: Person) -> list[int]:
        got = paper_memo.get(id(person))
        if got is not None:
            return got
        keys = common_keys(person)
        own = norm(person.name) if person.name else ""
        if own:
            keys.append("rco:" + own)  # meets reviewers who co-authored with this author
        keys += ["aco:" + n for n in coauthor_names(person)]
        ids = [key_index.setdefault(k, len(key_index)) for k in dict.fromkeys(keys)]
        paper_memo[id(person)] = ids
        return ids

    pe_key: list[int] = []
    pe_paper: list[int] = []
    for i, sub in enumerate(submissions):
        for author in sub.authors:
            ids = author_key_ids(author)
            pe_key.extend(ids)
            pe_paper.extend([i] * len(ids))
    paper_keys = len(key_index)

    re_key: list[int] = []
    re_rev: list[int] = []
    reviewer_ids: list[str] = []
    for j, rev in enumerate(reviewers):
        if not rev.id:
            raise ValueError(f"reviewer #{j} ({rev.name!r}) has no id")
        reviewer_ids.append(rev.id)
        keys = common_keys(rev)
        own = norm(rev.name) if rev.name else ""
        if own:
            keys.append("aco:" + own)  # meets authors who co-authored with this reviewer
        keys += ["rco:" + n for n in coauthor_names(rev)]
        for k in dict.fromkeys(keys):
            found = key_index.get(k)
            if found is not None and found < paper_keys:  # only keys some paper has
                re_key.append(found)
                re_rev.append(j)

    key_names = list(key_index)
    kind_of_key = np.array([_KIND_PREFIX.index(k.split(":", 1)[0]) for k in key_names],
                           dtype=np.int64) if key_names else np.zeros(0, np.int64)
    paper, reviewer, kid = _join(np.asarray(pe_key, np.int64), np.asarray(pe_paper, np.int64),
                                 np.asarray(re_key, np.int64), np.asarray(re_rev, np.int64),
                                 len(key_names))
    # drop repeats of the same (pair, key) from several authors
    R = max(len(reviewers), 1)
    if len(kid):
        nk = max(len(key_names), 1)
        trip = sorted_unique((paper * R + reviewer) * nk + kid)
        pair, kid = trip // nk, trip % nk
        paper, reviewer = pair // R, pair % R
    return Conflicts([s.id for s in submissions], reviewer_ids, paper, reviewer,
                     kind_of_key[kid], kid, key_names, table)


def _join(pe_key: Int64Array, pe_paper: Int64Array, re_key: Int64Array, re_rev: Int64Array,
          n_keys: int) -> tuple[Int64Array, Int64Array, Int64Array]:
    """All (paper, reviewer, key) with the key on both sides, vectorised."""
    if not len(pe_key) or not len(re_key):
        z = np.zeros(0, np.int64)
        return z, z, z
    # unique (key, paper) and (key, reviewer) entries
    pk = sorted_unique(pe_key * (pe_paper.max() + 1) + pe_paper)
    pe_key, pe_paper = pk // (pe_paper.max() + 1), pk % (pe_paper.max() + 1)
    rk = sorted_unique(re_key * (re_rev.max() + 1) + re_rev)
    re_key, re_rev = rk // (re_rev.max() + 1), rk % (re_rev.max() + 1)
    r_count = np.bincount(re_key, minlength=n_keys)
    r_start = np.concatenate([[0], np.cumsum(r_count)])[:-1]
    b = r_count[pe_key]
    has = b > 0
    pe_key, pe_paper, b = pe_key[has], pe_paper[has], b[has]
    total = int(b.sum())
    rep = np.repeat(np.arange(len(pe_key)), b)
    offs = np.arange(total) - np.repeat(np.cumsum(b) - b, b)
    reviewer = re_rev[r_start[pe_key[rep]] + offs]
    return pe_paper[rep], reviewer, pe_key[rep]

