"""Headerless CSV files of the assignment format (OpenReview matcher's CLI input).

* scores.csv       ``paper_id,reviewer_id,score``
* constraints.csv  ``paper_id,reviewer_id,value``  (-1 conflict, 0 nothing, 1 forced)
* max_papers.csv   ``reviewer_id,max_papers``
* min_papers.csv   ``reviewer_id,min_papers``
* demands.csv      ``paper_id,k``  (reviewers the paper needs, overriding -k; 0 allowed)
* limits.csv       ``paper_id,reviewer_id,q``  (randomized: the pair's probability cap)
* assignment.csv   ``paper_id,reviewer_id,score``  (what `assign` writes)

Files with a million rows are common, so rows are split with str methods mapped over the
whole file (C speed) and validated with numpy; only when something is wrong does a slow
pass run, to name the first bad line. Ids are stripped of surrounding blanks, blank lines
are skipped, a UTF-8 byte-order mark is ignored and one header row is tolerated.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat

import numpy as np

from .arrays import FloatArray, Int8Array, Int64Array
from .errors import InputError

HEADER_WORDS = {"paper", "paper_id", "reviewer", "reviewer_id", "user", "head", "id"}


@dataclass
class Columns:
    """What `read_columns` read: id columns as stripped strings, numeric columns as
    float64 arrays, and each row's 1-based line in the file."""

    ids: dict[str, list[str]]
    numbers: dict[str, FloatArray]
    lines: Int64Array


def _load_text(path: str) -> str:
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except FileNotFoundError:
        raise InputError("no such file", path=path) from None
    except IsADirectoryError:
        raise InputError("is a directory, not a CSV file", path=path) from None
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", path=path) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise InputError("not UTF-8 text", path=path, line=line) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _slow_rows(text: str) -> list[tuple[int, list[str]]]:
    """(line number, fields) for every non-blank row, via the csv module (quotes)."""
    reader = csv.reader(io.StringIO(text))
    out: list[tuple[int, list[str]]] = []
    try:
        for fields in reader:
            if fields and any(x.strip() for x in fields):
                out.append((reader.line_num, fields))
    except csv.Error as exc:
        raise InputError(f"bad CSV: {exc}", line=reader.line_num) from None
    return out


def read_columns(path: str, names: tuple[str, ...], numeric: tuple[str, ...]) -> Columns:
    """Read a headerless CSV with exactly ``len(names)`` fields per row.

    Returns the `Columns`: each name in ``numeric`` as a float64 array, each other name
    as a list of stripped strings, and an int64 array giving each row's 1-based line in
    the file.
    """
    text = _load_text(path)
    n = len(names)
    spec = ",".join(names)
    if '"' in text:
        rows = _slow_rows_at(text, path)
        lines_no = np.array([ln for ln, _ in rows], dtype=np.int64)
        for ln, fields in rows:
            if len(fields) != n:
                raise InputError(
                    f"expected {n} fields ({spec}), found {len(fields)}", path=path, line=ln
                )
        cols_raw = [[f[i] for _, f in rows] for i in range(n)]
    else:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        lines_no = np.arange(1, len(lines) + 1, dtype=np.int64)
        blank = np.fromiter(map(len, lines), np.int64, len(lines)) == 0
        if " " in text or "\t" in text:
            blank |= np.fromiter(map(str.isspace, lines), bool, len(lines))
        if blank.any():
            keep = np.flatnonzero(~blank)
            lines = [lines[i] for i in keep]
            lines_no = lines_no[keep]
        commas = np.fromiter(map(str.count, lines, repeat(",")), np.int64, len(lines))
        bad = np.flatnonzero(commas != n - 1)
        if len(bad):
            i = int(bad[0])
            raise InputError(
                f"expected {n} fields ({spec}), found {int(commas[i]) + 1}: {lines[i][:80]!r}",
                path=path,
                line=int(lines_no[i]),
            )
        flat = ",".join(lines).split(",") if lines else []
        del lines
        cols_raw = [flat[i::n] for i in range(n)]
        del flat
    if " " in text or "\t" in text:
        cols_raw = [list(map(str.strip, c)) for c in cols_raw]
    del text

    # one header row is tolerated
    if len(lines_no) and numeric:
        first_num = cols_raw[names.index(numeric[0])][0]
        if cols_raw[0][0].lower() in HEADER_WORDS and not _is_number(first_num):
            cols_raw = [c[1:] for c in cols_raw]
            lines_no = lines_no[1:]

    out = Columns({}, {}, lines_no)
    for name, col in zip(names, cols_raw):
        if name in numeric:
            out.numbers[name] = _to_float(col, name, path, lines_no)
        else:
            empty = np.flatnonzero(np.fromiter(map(len, col), np.int64, len(col)) == 0)
            if len(empty):
                raise InputError(f"empty {name}", path=path, line=int(lines_no[empty[0]]))
            out.ids[name] = col
    return out


def _slow_rows_at(text: str, path: str) -> list[tuple[int, list[str]]]:
    try:
        return _slow_rows(text)
    except InputError as exc:
        raise InputError(str(exc), path=path, line=exc.line) from None


def _is_number(s: str) -> bool:
    try:
        float(s)
        return True
    except ValueError:
        return False


def _to_float(col: Sequence[str], name: str, path: str, lines_no: Int64Array) -> FloatArray:
    try:
        arr = np.fromiter(map(float, col), np.float64, len(col))
    except ValueError:
        for i, s in enumerate(col):
            if not _is_number(s):
                raise InputError(
                    f"{name} {s[:40]!r} is not a number", path=path, line=int(lines_no[i])
                ) from None
        raise  # pragma: no cover - unreachable
    bad = np.flatnonzero(~np.isfinite(arr))
    if len(bad):
        i = int(bad[0])
        raise InputError(f"{name} {col[i]!r} is not a finite number", path=path,
                         line=int(lines_no[i]))
    return arr


def read_scores(path: str) -> tuple[list[str], list[str], FloatArray, Int64Array]:
    """(paper ids, reviewer ids, scores float64, line numbers)."""
    cols = read_columns(path, ("paper_id", "reviewer_id", "score"), ("score",))
    return cols.ids["paper_id"], cols.ids["reviewer_id"], cols.numbers["score"], cols.lines


def read_constraints(path: str) -> tuple[list[str], list[str], Int8Array, Int64Array]:
    """(paper ids, reviewer ids, values int8 in {-1, 0, 1}, line numbers)."""
    cols = read_columns(path, ("paper_id", "reviewer_id", "value"), ("value",))
    v, ln = cols.numbers["value"], cols.lines
    bad = np.flatnonzero((v != -1) & (v != 0) & (v != 1))
    if len(bad):
        i = int(bad[0])
        raise InputError(
            f"value {v[i]:g} is not -1 (conflict), 0 (no effect) or 1 (forced)",
            path=path,
            line=int(ln[i]),
        )
    return cols.ids["paper_id"], cols.ids["reviewer_id"], v.astype(np.int8), ln


def read_max_papers(path: str) -> tuple[list[str], Int64Array, Int64Array]:
    """(reviewer ids, maximum loads int64, line numbers)."""
    cols = read_columns(path, ("reviewer_id", "max_papers"), ("max_papers",))
    v, ln = cols.numbers["max_papers"], cols.lines
    bad = np.flatnonzero((v < 0) | (v != np.floor(v)))
    if len(bad):
        i = int(bad[0])
        raise InputError(f"max_papers {v[i]:g} is not a whole number >= 0", path=path,
                         line=int(ln[i]))
    return cols.ids["reviewer_id"], np.minimum(v, 2**40).astype(np.int64), ln


def _whole_numbers(path: str, id_name: str, value_name: str) -> tuple[list[str], Int64Array, Int64Array]:
    cols = read_columns(path, (id_name, value_name), (value_name,))
    v, ln = cols.numbers[value_name], cols.lines
    bad = np.flatnonzero((v < 0) | (v != np.floor(v)))
    if len(bad):
        i = int(bad[0])
        raise InputError(f"{value_name} {v[i]:g} is not a whole number >= 0", path=path, line=int(ln[i]))
    # a bound beyond any instance means "no bound"; int64 must not overflow
    return cols.ids[id_name], np.minimum(v, 2**40).astype(np.int64), ln


def read_min_papers(path: str) -> tuple[list[str], Int64Array, Int64Array]:
    """(reviewer ids, minimum loads int64, line numbers)."""
    return _whole_numbers(path, "reviewer_id", "min_papers")


def read_demands(path: str) -> tuple[list[str], Int64Array, Int64Array]:
    """(paper ids, reviewers needed int64, line numbers)."""
    return _whole_numbers(path, "paper_id", "k")


def read_limits(path: str) -> tuple[list[str], list[str], FloatArray, Int64Array]:
    """(paper ids, reviewer ids, probability caps float64 in [0, 1], line numbers)."""
    cols = read_columns(path, ("paper_id", "reviewer_id", "q"), ("q",))
    q, ln = cols.numbers["q"], cols.lines
    bad = np.flatnonzero((q < 0) | (q > 1))
    if len(bad):
        i = int(bad[0])
        raise InputError(f"q {q[i]:g} is not a probability between 0 and 1", path=path, line=int(ln[i]))
    return cols.ids["paper_id"], cols.ids["reviewer_id"], q, ln


def write_rows(path: str, rows: Iterable[Sequence[object]]) -> None:
    """Write rows of any width, headerless (floats in their shortest exact form)."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("".join(",".join(repr(x) if isinstance(x, float) else str(x) for x in row) + "\n" for row in rows))


def write_assignment(path: str, rows: Iterable[tuple[str, str, float]]) -> None:
    """Write ``(paper_id, reviewer_id, score)`` rows, headerless."""
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write("".join(f"{p},{r},{s!r}\n" for p, r, s in rows))


def read_assignment(path: str) -> list[tuple[str, str, float]]:
    """Rows ``(paper_id, reviewer_id, score)`` of an assignment file (score optional)."""
    text = _load_text(path)
    out: list[tuple[str, str, float]] = []
    for ln, fields in _slow_rows_at(text, path):
        if len(fields) not in (2, 3):
            raise InputError(f"expected paper_id,reviewer_id[,score], found {len(fields)} fields",
                             path=path, line=ln)
        p, r = fields[0].strip(), fields[1].strip()
        s = fields[2].strip() if len(fields) == 3 else "nan"
        if not _is_number(s):
            if ln == 1 and p.lower() in HEADER_WORDS:
                continue
            raise InputError(f"score {s!r} is not a number", path=path, line=ln)
        out.append((p, r, float(s)))
    return out
