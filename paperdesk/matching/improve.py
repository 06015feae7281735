"""Local search that raises the worst-off paper of an assignment by exchanges.

Moves for the worst paper p (loads stay within bounds, only usable pairs are used):

* replace: p swaps one reviewer for a usable reviewer with room;
* exchange: p takes reviewer r_in from another paper q and gives q one of its own
  reviewers r_out (no load changes);
* chain: p takes r_in from q, and q takes a usable reviewer with room instead.

A move is taken when both papers end above the current minimum; among them the one
whose lower paper ends highest (then the larger total). It stops when the worst paper
cannot be raised or after ``max_steps``. Used by the fair objective on instances where
the flow floors stop short of the upper bound.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from .arrays import BoolArray, FloatArray, IndexArray, Int64Array


class _Replace(NamedTuple):
    """p swaps r_out for r_in, a reviewer with room."""

    r_in: int
    r_out: int


class _Exchange(NamedTuple):
    """p takes r_in from q and gives q r_out."""

    r_in: int
    r_out: int
    q: int


class _Chain(NamedTuple):
    """p takes r_in from q (dropping r_out); q takes r_new, a reviewer with room."""

    r_in: int
    r_out: int
    q: int
    r_new: int


_Move = _Replace | _Exchange | _Chain


class _Pairs:
    """Score lookup of usable pairs by (paper, reviewer), vectorised."""

    def __init__(self, R: int, pp: IndexArray, pr: IndexArray, ps: FloatArray) -> None:
        self.R = R
        keys = pp.astype(np.int64) * R + pr
        order = np.argsort(keys)
        self.keys, self.vals = keys[order], ps[order]
        self.pp, self.pr = pp[order], pr[order]
        P = int(pp.max()) + 1 if len(pp) else 0
        self.start = np.searchsorted(self.pp, np.arange(P + 1))

    def get(self, p: npt.ArrayLike, r: npt.ArrayLike) -> FloatArray:
        """Scores of pairs (p, r) (arrays), -inf where not usable."""
        k = np.asarray(p, dtype=np.int64) * self.R + np.asarray(r, dtype=np.int64)
        if not len(self.keys):
            return np.full(k.shape, -np.inf)
        i = np.minimum(np.searchsorted(self.keys, k), len(self.keys) - 1)
        hit = self.keys[i] == k
        return np.where(hit, self.vals[i], -np.inf)

    def of_paper(self, p: int) -> tuple[IndexArray, FloatArray]:
        a, b = self.start[p], self.start[p + 1]
        return self.pr[a:b], self.vals[a:b]


def raise_worst(P: int, R: int, pp: IndexArray, pr: IndexArray, ps: FloatArray, mask: BoolArray,
                lo: Int64Array, hi: Int64Array, fixed_sum: FloatArray, max_steps: int = 20000,
                max_seconds: float = 10.0) -> BoolArray:
    """An improved copy of `mask` (over the free pairs); the input is not changed."""
    import time

    deadline = time.perf_counter() + max_seconds
    look = _Pairs(R, pp, pr, ps)
    sel = np.flatnonzero(mask)
    # assignment as per-paper lists and per-reviewer sets
    revs: list[list[int]] = [[] for _ in range(P)]
    papers_of: list[set[int]] = [set() for _ in range(R)]
    for paper, r in zip(pp[sel].tolist(), pr[sel].tolist()):
        revs[paper].append(r)
        papers_of[r].add(paper)
    load = np.bincount(pr[sel], minlength=R).astype(np.int64)
    S = fixed_sum.astype(np.float64).copy()
    np.add.at(S, pp[sel], ps[sel])
    eps = 1e-12
    stuck: set[int] = set()
    for _ in range(max_steps):
        if time.perf_counter() > deadline:
            break
        order = np.argsort(S, kind="stable")
        p = next((int(x) for x in order if int(x) not in stuck and revs[int(x)]), None)
        if p is None:
            break
        m = S[p]
        if S[order[0]] < m - eps:  # a stuck paper is the minimum: nothing more to gain
            break
        mine = np.array(revs[p], dtype=np.int64)
        s_mine = look.get(np.full(len(mine), p), mine)
        cand, s_cand = look.of_paper(p)
        free = ~np.isin(cand, mine)
        cand, s_cand = cand[free], s_cand[free]
        best: tuple[float, float, _Move] | None = None  # (lower paper's new score, total gain, move)
        can_drop = load[mine] > lo[mine]
        # replace
        room = load[cand] < hi[cand]
        if room.any() and can_drop.any():
            gain = s_cand[room][:, None] - s_mine[None, :]
            gain = np.where(can_drop[None, :], gain, -np.inf)
            i, j = (int(x) for x in np.unravel_index(np.argmax(gain), gain.shape))
            if gain[i, j] > eps:
                best = (m + gain[i, j], gain[i, j], _Replace(int(cand[room][i]), int(mine[j])))
        # exchange / chain through papers q holding a better reviewer r_in
        better = s_cand > s_mine.min() + eps
        for r_in, s_in in zip(cand[better].tolist(), s_cand[better].tolist()):
            qs = np.fromiter(papers_of[r_in], dtype=np.int64)
            if not len(qs):
                continue
            s_q_in = look.get(qs, np.full(len(qs), r_in))
            for j, r_out in enumerate(mine.tolist()):
                new_p = m - s_mine[j] + s_in
                if new_p <= m + eps:
                    continue
                # exchange: q takes r_out
                s_q_out = look.get(qs, np.full(len(qs), r_out))
                has = np.array([r_out in revs[q] for q in qs.tolist()])
                s_q_out = np.where(has, -np.inf, s_q_out)
                new_q = S[qs] - s_q_in + s_q_out
                lowest = np.minimum(new_q, new_p)
                k = int(np.argmax(lowest))
                if lowest[k] > m + eps:
                    cand_move: tuple[float, float, _Move] = (lowest[k], s_in - s_mine[j] + s_q_out[k] - s_q_in[k],
                                 _Exchange(r_in, r_out, int(qs[k])))
                    if best is None or cand_move[:2] > best[:2]:
                        best = cand_move
            # chain: q takes a reviewer with room; p drops one it can drop
            if not can_drop.any():
                continue
            j = int(np.argmin(np.where(can_drop, s_mine, np.inf)))
            new_p = m - s_mine[j] + s_in
            if new_p <= m + eps:
                continue
            for q, sq in zip(qs.tolist(), s_q_in.tolist()):
                rq, sv = look.of_paper(q)
                ok = (load[rq] < hi[rq]) & ~np.isin(rq, revs[q]) & (rq != mine[j])
                if not ok.any():
                    continue
                t = int(np.argmax(np.where(ok, sv, -np.inf)))
                new_q = S[q] - sq + sv[t]
                lowest = min(new_q, new_p)
                if lowest > m + eps:
                    cand_move = (lowest, s_in - s_mine[j] + sv[t] - sq,
                                 _Chain(r_in, int(mine[j]), q, int(rq[t])))
                    if best is None or cand_move[:2] > best[:2]:
                        best = cand_move
        if best is None:
            stuck.add(p)
            continue
        stuck.clear()
        move = best[2]
        if isinstance(move, _Replace):
            r_in, r_out = move
            _swap(revs, papers_of, p, r_out, r_in)
            load[r_in] += 1
            load[r_out] -= 1
            S[p] += best[1]
        elif isinstance(move, _Exchange):
            r_in, r_out, q = move
            s_p = look.get([p, p], [r_in, r_out])
            s_q = look.get([q, q], [r_out, r_in])
            _swap(revs, papers_of, p, r_out, r_in)
            _swap(revs, papers_of, q, r_in, r_out)
            S[p] += s_p[0] - s_p[1]
            S[q] += s_q[0] - s_q[1]
        else:
            r_in, r_out, q, r_new = move
            s_p = look.get([p, p], [r_in, r_out])
            s_q = look.get([q, q], [r_new, r_in])
            _swap(revs, papers_of, p, r_out, r_in)
            _swap(revs, papers_of, q, r_in, r_new)
            load[r_out] -= 1
            load[r_new] += 1
            S[p] += s_p[0] - s_p[1]
            S[q] += s_q[0] - s_q[1]
    keys = np.array([p * R + r for p in range(P) for r in revs[p]], dtype=np.int64)
    all_keys = pp.astype(np.int64) * R + pr
    return np.isin(all_keys, keys)


def _swap(revs: Sequence[list[int]], papers_of: Sequence[set[int]], p: int, r_out: int, r_in: int) -> None:
    revs[p][revs[p].index(r_out)] = r_in
    papers_of[r_out].discard(p)
    papers_of[r_in].add(p)
