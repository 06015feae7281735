"""An assignment problem as flat numpy arrays, and the checks that explain infeasibility.

Rules (those of the OpenReview matcher, see bench/matching/README.md in shared):

* papers and reviewers are the ids that appear in the scores or constraints;
* a pair is *usable* when it is listed with a score and is not a conflict, whatever the
  sign of its score; a pair whose score is exactly 0 is usable only with
  ``allow_zero_score`` (the matcher's ``allow_zero_score_assignments``); a pair that is
  not listed is unknown and never assigned;
* a *forced* pair (constraint 1) is always assigned, whatever its score (an unknown score
  counts as 0); a forced pair that is also a conflict is an error;
* every paper gets exactly its demand of distinct reviewers: ``k``, unless a per-paper
  demand overrides it (0 allowed);
* a reviewer's maximum load is ``max_load`` unless ``max_papers`` overrides it; the global
  minimum load ``min_load`` applies only to reviewers with at least one usable or forced
  pair (and never exceeds their maximum); a per-reviewer minimum (``min_papers``) is a hard
  bound for that reviewer.

Forced pairs are taken out of the flow: they reduce their paper's demand and their
reviewer's loads. What remains (`demand`, `lo`, `hi`, the free pairs) is what the solvers
see.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import numpy.typing as npt

from .arrays import FloatArray, Int32Array, Int64Array
from .errors import Infeasible, InputError, name_some

# (indices, values): conflicts, forced pairs, per-reviewer or per-paper overrides
IndexPairs = tuple[npt.ArrayLike, npt.ArrayLike]


class DuplicatePair(InputError):
    """A (paper, reviewer) pair listed more than once in the scores."""

    def __init__(self, paper_id: str, reviewer_id: str) -> None:
        self.paper_id, self.reviewer_id = paper_id, reviewer_id
        super().__init__(f"paper {paper_id!r} and reviewer {reviewer_id!r} have more than one score row; "
                         "list every pair once")


@dataclass
class Problem:
    paper_ids: list[str]
    reviewer_ids: list[str]
    k: int
    # usable pairs, not forced (the free part of the problem)
    pair_paper: Int32Array
    pair_reviewer: Int32Array
    pair_score: FloatArray
    # forced pairs
    forced_paper: Int32Array
    forced_reviewer: Int32Array
    forced_score: FloatArray
    min_load: Int64Array  # per reviewer (0 for reviewers without a usable pair)
    max_load: Int64Array  # per reviewer
    # reviewers each paper needs, per paper (k unless a demand overrides it)
    demand: Int64Array
    info: dict[str, Any] = field(default_factory=dict)

    @property
    def P(self) -> int:
        return len(self.paper_ids)

    @property
    def R(self) -> int:
        return len(self.reviewer_ids)

    # residual problem once forced pairs are fixed
    def forced_counts(self) -> tuple[Int64Array, Int64Array]:
        fp = np.bincount(self.forced_paper, minlength=self.P)
        fr = np.bincount(self.forced_reviewer, minlength=self.R)
        return fp, fr

    def residual(self) -> tuple[Int64Array, Int64Array, Int64Array]:
        """(demand per paper, lo per reviewer, hi per reviewer) after forced pairs."""
        fp, fr = self.forced_counts()
        demand = self.demand - fp
        hi = self.max_load - fr
        lo = np.maximum(self.min_load - fr, 0)
        return demand, lo, hi

    def forced_sum(self) -> FloatArray:
        # numpy's stubs type bincount as integer even with float weights (it returns float64)
        return cast(FloatArray, np.bincount(self.forced_paper, weights=self.forced_score, minlength=self.P))


def sorted_unique(a: Int64Array) -> Int64Array:
    """Sorted unique values (sort and compare; faster than np.unique's hashing here)."""
    a = np.sort(a, kind="stable")
    if len(a) < 2:
        return a
    keep = np.empty(len(a), dtype=bool)
    keep[0] = True
    np.not_equal(a[1:], a[:-1], out=keep[1:])
    return a[keep]


def _bounded(values: npt.ArrayLike, cap: int, what: str) -> Int64Array:
    """Whole numbers >= 0 as int64, those above `cap` capped (a maximum above the
    instance's size means no maximum; anything else is capped only to keep int64 safe)."""
    v = np.asarray([min(int(x), cap) if int(x) >= 0 else -1 for x in np.asarray(values).ravel().tolist()],
                   dtype=np.int64)
    if len(v) and v.min() < 0:
        raise InputError(f"{what} must be >= 0")
    return v


def _as_index(values: npt.ArrayLike, n: int, what: str) -> Int64Array:
    a = np.asarray(values, dtype=np.int64).ravel()
    if len(a) and (a.min() < 0 or a.max() >= n):
        raise InputError(f"{what} index out of range")
    return a


def make_problem(
    paper_ids: Iterable[str],
    reviewer_ids: Iterable[str],
    score_paper: npt.ArrayLike,
    score_reviewer: npt.ArrayLike,
    score: npt.ArrayLike,
    *,
    k: int,
    max_load: int,
    min_load: int = 0,
    conflicts: IndexPairs = ((), ()),
    forced: IndexPairs = ((), ()),
    max_override: IndexPairs = ((), ()),
    min_override: IndexPairs = ((), ()),
    demand_override: IndexPairs = ((), ()),
    allow_zero_score: bool = False,
    duplicates: str = "last",
) -> Problem:
    """Build a Problem from integer index arrays into ``paper_ids``/``reviewer_ids``.

    Duplicate score pairs: the last one wins, or with ``duplicates="error"`` an
    InputError names the first pair listed twice (how files are read). ``max_override``/``min_override`` are (reviewer indices, bounds),
    ``demand_override`` (paper indices, demands). Loads and demands larger than the
    instance (more papers than exist) mean "no limit" and are capped at its size. Raises
    Infeasible for a forced pair that is also a conflict.
    """
    pids, rids = list(paper_ids), list(reviewer_ids)
    P, R = len(pids), len(rids)
    if k < 1:
        raise InputError(f"reviewers per paper must be at least 1, not {k}")
    if max_load < 0 or min_load < 0:
        raise InputError("loads must be >= 0")
    # A bound beyond the instance means "no bound"; capping it keeps int64 arithmetic safe.
    max_load, min_load = min(int(max_load), P), min(int(min_load), P)
    sp = _as_index(score_paper, P, "paper")
    sr = _as_index(score_reviewer, R, "reviewer")
    sv = np.asarray(score, dtype=np.float64).ravel()
    if not (len(sp) == len(sr) == len(sv)):
        raise InputError("score arrays differ in length")
    keys = sp * R + sr
    order = np.argsort(keys, kind="stable")
    keys, sv = keys[order], sv[order]
    if len(keys) > 1:  # the last occurrence of a pair wins (stable sort keeps file order)
        last = np.append(keys[1:] != keys[:-1], True)
        if not last.all():
            if duplicates == "error":
                twice = int(keys[np.flatnonzero(~last)[0]])
                raise DuplicatePair(pids[twice // R], rids[twice % R])
            keys, sv = keys[last], sv[last]
    # keys are sorted and unique from here on

    cp = _as_index(conflicts[0], P, "conflict paper")
    cr = _as_index(conflicts[1], R, "conflict reviewer")
    fp = _as_index(forced[0], P, "forced paper")
    fr = _as_index(forced[1], R, "forced reviewer")
    ckeys = sorted_unique(cp * R + cr)
    fkeys = sorted_unique(fp * R + fr)
    both = np.intersect1d(ckeys, fkeys, assume_unique=True)
    if len(both):
        pairs = [f"{pids[int(x) // R]}/{rids[int(x) % R]}" for x in both[:8]]
        raise Infeasible(
            [f"{len(both)} forced pair(s) are also conflicts: {name_some(pairs)}"],
            papers=[pids[int(x) // R] for x in both],
            reviewers=[rids[int(x) % R] for x in both],
        )

    # forced pairs take their score when it is known, else 0
    pos = np.searchsorted(keys, fkeys)
    pos_ok = pos < len(keys)
    known = np.zeros(len(fkeys), dtype=bool)
    known[pos_ok] = keys[pos[pos_ok]] == fkeys[pos_ok]
    fscore = np.zeros(len(fkeys))
    fscore[known] = sv[pos[known]]

    usable = (sv != 0) | bool(allow_zero_score)
    if len(ckeys):
        usable &= ~np.isin(keys, ckeys, assume_unique=True)
    n_conflict_scored = int(len(keys) - usable.sum() - (~((sv != 0) | bool(allow_zero_score))).sum())
    if len(fkeys):
        usable &= ~np.isin(keys, fkeys, assume_unique=True)
    ukeys = keys[usable]
    pair_paper = (ukeys // R).astype(np.int32)
    pair_reviewer = (ukeys % R).astype(np.int32)
    pair_score = sv[usable]

    hi = np.full(R, int(max_load), dtype=np.int64)
    orr = _as_index(max_override[0], R, "max_papers reviewer")
    ov = _bounded(max_override[1], P, "max_papers")
    hi[orr] = ov
    has_pair = np.zeros(R, dtype=bool)
    has_pair[pair_reviewer] = True
    has_pair[fkeys % R] = True
    lo = np.where(has_pair, np.minimum(int(min_load), hi), 0).astype(np.int64)
    mrr = _as_index(min_override[0], R, "min_papers reviewer")
    lo[mrr] = _bounded(min_override[1], 2**40, "min_papers")  # hard: named if it cannot be met

    demand = np.full(P, int(k), dtype=np.int64)
    dpp = _as_index(demand_override[0], P, "demand paper")
    demand[dpp] = _bounded(demand_override[1], 2**40, "demand")  # too many is infeasible, named

    return Problem(
        paper_ids=pids,
        reviewer_ids=rids,
        k=int(k),
        pair_paper=pair_paper,
        pair_reviewer=pair_reviewer,
        pair_score=pair_score,
        forced_paper=(fkeys // R).astype(np.int32),
        forced_reviewer=(fkeys % R).astype(np.int32),
        forced_score=fscore,
        min_load=lo,
        max_load=hi,
        demand=demand,
        info={
            "score_rows": len(sv),
            "usable_pairs": len(pair_score),
            "conflicts": len(ckeys),
            "conflicts_with_score": n_conflict_scored,
            "forced": len(fkeys),
        },
    )


class _Interner:
    def __init__(self) -> None:
        self.index: dict[str, int] = {}

    def add(self, col: Iterable[str]) -> None:
        d = self.index
        for key in dict.fromkeys(col):
            if key not in d:
                d[key] = len(d)

    def map(self, col: Sequence[str]) -> Int64Array:
        return np.fromiter(map(self.index.__getitem__, col), np.int64, len(col))

    @property
    def ids(self) -> list[str]:
        return list(self.index)


def problem_from_records(
    scores: Iterable[Sequence[Any]],
    *,
    k: int,
    max_load: int,
    min_load: int = 0,
    constraints: Iterable[Sequence[Any]] = (),
    max_papers: Mapping[str, int] | None = None,
    min_papers: Mapping[str, int] | None = None,
    demands: Mapping[str, int] | None = None,
    papers: Iterable[str] = (),
    reviewers: Iterable[str] = (),
    allow_zero_score: bool = False,
) -> Problem:
    """Build a Problem from string ids.

    scores: iterable of (paper_id, reviewer_id, score); constraints: iterable of
    (paper_id, reviewer_id, value) with value -1 (conflict), 0 or 1 (forced);
    max_papers / min_papers: mapping reviewer_id -> maximum / minimum load; demands:
    mapping paper_id -> reviewers it needs (overrides k). ``papers``/``reviewers`` add
    ids that have no score row (a paper listed there still needs its reviewers).
    """
    score_rows = list(scores)
    constraint_rows = list(constraints)
    sp = [s[0] for s in score_rows]
    sr = [s[1] for s in score_rows]
    sv = np.array([float(s[2]) for s in score_rows], dtype=np.float64)
    cp = [c[0] for c in constraint_rows]
    cr = [c[1] for c in constraint_rows]
    cv = np.array([int(c[2]) for c in constraint_rows], dtype=np.int64)
    if len(cv) and not np.isin(cv, (-1, 0, 1)).all():
        raise InputError("constraint values must be -1, 0 or 1")
    return _from_columns(sp, sr, sv, cp, cr, cv, max_papers or {}, k, max_load, min_load,
                         papers, reviewers, min_papers=min_papers or {}, demands=demands or {},
                         allow_zero_score=allow_zero_score)


def _by_index(mapping: Mapping[str, int], interner: _Interner) -> tuple[list[int], list[int], list[str]]:
    """(indices, values, unknown ids) of a mapping from ids to whole numbers."""
    at: list[int] = []
    values: list[int] = []
    unknown: list[str] = []
    for key, value in mapping.items():
        j = interner.index.get(key)
        if j is None:
            unknown.append(key)
        else:
            at.append(j)
            values.append(int(value))
    return at, values, unknown


def _from_columns(sp: Sequence[str], sr: Sequence[str], sv: npt.ArrayLike, cp: Sequence[str],
                  cr: Sequence[str], cv: npt.ArrayLike, max_papers: Mapping[str, int], k: int,
                  max_load: int, min_load: int, extra_papers: Iterable[str] = (),
                  extra_reviewers: Iterable[str] = (), *, min_papers: Mapping[str, int] | None = None,
                  demands: Mapping[str, int] | None = None, allow_zero_score: bool = False,
                  duplicates: str = "last") -> Problem:
    pi, ri = _Interner(), _Interner()
    pi.add(sp)
    pi.add(cp)
    pi.add(extra_papers)
    ri.add(sr)
    ri.add(cr)
    ri.add(extra_reviewers)
    spi, sri = pi.map(sp), ri.map(sr)
    cpi, cri = pi.map(cp), ri.map(cr)
    values = np.asarray(cv)
    mo_r, mo_v, unknown = _by_index(max_papers, ri)
    mi_r, mi_v, unknown_min = _by_index(min_papers or {}, ri)
    if unknown_min:
        # a minimum for someone with no pair at all can never be met: say so, not ignore it
        raise Infeasible([f"{len(unknown_min)} reviewer(s) have a minimum load but no score or "
                          f"constraint row: {name_some(sorted(unknown_min))}"], reviewers=sorted(unknown_min))
    de_p, de_v, unknown_demand = _by_index(demands or {}, pi)
    prob = make_problem(
        pi.ids,
        ri.ids,
        spi,
        sri,
        sv,
        k=k,
        max_load=max_load,
        min_load=min_load,
        conflicts=(cpi[values == -1], cri[values == -1]),
        forced=(cpi[values == 1], cri[values == 1]),
        max_override=(mo_r, mo_v),
        min_override=(mi_r, mi_v),
        demand_override=(de_p, de_v),
        allow_zero_score=allow_zero_score,
        duplicates=duplicates,
    )
    prob.info["max_papers_unknown_reviewers"] = len(unknown)
    prob.info["demands_unknown_papers"] = len(unknown_demand)
    return prob


def load_csv(scores_path: str, *, k: int, max_load: int, min_load: int = 0,
             constraints_path: str | None = None, max_papers_path: str | None = None,
             min_papers_path: str | None = None, demands_path: str | None = None,
             allow_zero_score: bool = False) -> Problem:
    """Read the CSV files (see csvio) into a Problem."""
    from . import csvio

    sp, sr, sv, score_lines = csvio.read_scores(scores_path)
    if constraints_path:
        cp, cr, cv, _ = csvio.read_constraints(constraints_path)
    else:
        cp, cr, cv = [], [], np.zeros(0, dtype=np.int8)
    max_papers: dict[str, int] = {}
    min_papers: dict[str, int] = {}
    demands: dict[str, int] = {}
    if max_papers_path:
        mr, mv, _ = csvio.read_max_papers(max_papers_path)
        max_papers = dict(zip(mr, mv.tolist()))  # last occurrence wins
    if min_papers_path:
        mr, mv, _ = csvio.read_min_papers(min_papers_path)
        min_papers = dict(zip(mr, mv.tolist()))
    if demands_path:
        dp, dv, _ = csvio.read_demands(demands_path)
        demands = dict(zip(dp, dv.tolist()))
    if not len(sp) and not len(cp):
        raise InputError("no rows: there are no papers to assign", path=scores_path)
    try:
        return _from_columns(sp, sr, sv, cp, cr, cv, max_papers, k, max_load, min_load,
                             min_papers=min_papers, demands=demands, allow_zero_score=allow_zero_score,
                             duplicates="error")
    except DuplicatePair as twice:
        lines = [int(score_lines[i]) for i in range(len(sp)) if sp[i] == twice.paper_id and sr[i] == twice.reviewer_id]
        raise InputError(f"paper {twice.paper_id!r} and reviewer {twice.reviewer_id!r} are listed on lines "
                         f"{', '.join(map(str, lines[:5]))}; list every pair once", path=scores_path,
                         line=lines[1] if len(lines) > 1 else None) from None


def check_feasible(prob: Problem) -> None:
    """Raise Infeasible naming the papers/reviewers at fault for every simple reason.

    Simple reasons: too many forced pairs on a paper or reviewer; a paper with fewer
    than k usable reviewers who have room; a reviewer with fewer usable papers than
    their minimum load; total demand outside [sum of minima, sum of maxima]. What this
    misses (a group of papers competing for too few reviewers) the flow solver finds
    and explains with a minimum cut.
    """
    P, R = prob.P, prob.R
    pids, rids = prob.paper_ids, prob.reviewer_ids
    fp, fr = prob.forced_counts()
    problems: list[str] = []
    bad_p: list[str] = []
    bad_r: list[str] = []

    need_p = prob.demand
    over = np.flatnonzero(fp > need_p)
    if len(over):
        problems.append(
            f"{len(over)} paper(s) have more forced reviewers than they need: "
            + name_some(f"{pids[i]} ({fp[i]} > {need_p[i]})" for i in over)
        )
        bad_p += [pids[i] for i in over]
    over = np.flatnonzero(fr > prob.max_load)
    if len(over):
        problems.append(
            f"{len(over)} reviewer(s) have more forced papers than their maximum load: "
            + name_some(f"{rids[j]} ({fr[j]} > {prob.max_load[j]})" for j in over)
        )
        bad_r += [rids[j] for j in over]

    demand, lo, hi = prob.residual()
    room = hi[prob.pair_reviewer] > 0
    avail = fp + np.bincount(prob.pair_paper[room], minlength=P)
    short = np.flatnonzero((avail < need_p) & (fp <= need_p))
    if len(short):
        problems.append(
            f"{len(short)} paper(s) have fewer usable reviewers than they need "
            "(a listed score, not 0 unless allowed, no conflict, maximum load > 0): "
            + name_some(f"{pids[i]} ({avail[i]} < {need_p[i]})" for i in short)
        )
        bad_p += [pids[i] for i in short]

    ravail = fr + np.bincount(prob.pair_reviewer, minlength=R)
    under = np.flatnonzero(ravail < prob.min_load)
    if len(under):
        problems.append(
            f"{len(under)} reviewer(s) have fewer usable papers than their minimum load: "
            + name_some(f"{rids[j]} ({ravail[j]} < {prob.min_load[j]})" for j in under)
        )
        bad_r += [rids[j] for j in under]

    need = int(np.maximum(demand, 0).sum())
    cap = int(np.maximum(hi, 0).sum())
    if need > cap:
        problems.append(
            f"papers need {need} more reviews ({int(need_p.sum())} for {P} papers minus forced) but "
            f"reviewers can take at most {cap} (sum of maximum loads); add reviewers or "
            "raise loads"
        )
    floor = int(lo.sum())
    if floor > need:
        owed = np.flatnonzero(lo > 0)
        owed = owed[np.argsort(-lo[owed], kind="stable")]
        problems.append(
            f"minimum loads add up to {floor} reviews but papers need only {need}; "
            "lower the minimum load of "
            + name_some(f"{rids[j]} ({lo[j]})" for j in owed)
        )
        bad_r += [rids[j] for j in owed]
    if problems:
        raise Infeasible(problems, papers=bad_p, reviewers=bad_r)
