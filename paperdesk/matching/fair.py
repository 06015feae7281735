"""Fair assignment: raise the worst-off paper first, then keep the total high.

See the package docstring for the method and its measured figures.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt

from . import flow, improve, metrics
from .arrays import BoolArray, FloatArray, IndexArray, Int32Array, Int64Array
from .problem import Problem

# the total-optimal solver (solve._solve_total): a mask over the free pairs
SolveTotal = Callable[[Problem, Int32Array, Int32Array, FloatArray, Int64Array, Int64Array, Int64Array], BoolArray]
_D = TypeVar("_D", bound=np.generic)

FREE_RATIO = 0.75


@dataclass
class Tiers:
    """Per-slot score floors as a flow network: pair tails and per-paper chain arcs."""

    keep: BoolArray  # mask over the free pairs
    tails: Int32Array  # tail node of every kept pair
    chain_tail: Int32Array
    chain_head: Int32Array
    chain_cap: Int64Array
    n_nodes: int


def top_scores(P: int, pp: IndexArray, ps: FloatArray, demand: Int64Array) -> FloatArray:
    """(P, kmax) array of each paper's best free scores, descending, zero padded."""
    kmax = int(max(demand.max(), 1)) if P else 1
    order = np.lexsort((-ps, pp))
    p_sorted = pp[order]
    start = np.searchsorted(p_sorted, np.arange(P))
    rank = np.arange(len(pp)) - start[p_sorted]
    sel = rank < kmax
    top = np.zeros((P, kmax))
    top[p_sorted[sel], rank[sel]] = ps[order][sel]
    return top


def profile_floors(t: FloatArray, ref: FloatArray, top: FloatArray, demand: Int64Array, forced_sum: FloatArray,
                   ratio: float = FREE_RATIO) -> FloatArray:
    """(P, kmax) per-slot floors tau: the j-th best reviewer of p must score >= tau[p, j].

    ``need`` = t minus the paper's forced score. ``ref`` is a reference profile (the
    scores of some assignment's reviewers, sorted; ``ref <= top`` slot by slot):
    if the reference reaches need, the floors are the reference scaled down to need;
    if not, they move from the reference towards the paper's best scores ``top`` until
    they add up to need. Either way they add up to need (when need is reachable), so
    any reviewers meeting them give the paper at least t.

    A paper whose reference reaches need/ratio on its first demand-1 slots alone keeps
    no floor on its last slot: that is where reviewers with only weak pairs, still owed
    their minimum load, can go without pulling anyone under t.
    """
    P, kmax = top.shape
    col = np.arange(kmax)[None, :]
    need = np.maximum(t - forced_sum, 0.0)
    first = np.where(col < (demand - 1)[:, None], ref, 0.0).sum(axis=1)
    free = (demand >= 2) & (need <= ratio * first)
    used = col < (demand - free)[:, None]
    r = np.where(used, ref, 0.0)
    tp = np.where(used, top, 0.0)
    B, ideal = r.sum(axis=1), tp.sum(axis=1)
    down = np.divide(need, B, out=np.zeros(P), where=B > 0)
    up = np.clip(np.divide(need - B, ideal - B, out=np.ones(P), where=ideal > B), 0.0, 1.0)
    floors: FloatArray = np.where((need <= B)[:, None], np.minimum(down, 1.0)[:, None] * r,
                                  r + up[:, None] * (tp - r))
    return floors


def build_tiers(P: int, R: int, pp: IndexArray, ps: FloatArray, demand: Int64Array, tau: FloatArray) -> Tiers:
    """Chain network enforcing: at least j of paper p's reviewers score >= tau[p, j-1].

    Paper node p feeds its tier-1 pairs (score >= tau[p,0]) and a chain node for slot 2
    (capacity d-1), which feeds tier-2 pairs and the slot-3 node (capacity d-2), and so
    on: at most d-j reviewers fall below tau[p, j-1]. Pairs below every floor are dropped.
    """
    kmax = tau.shape[1]
    d = demand.astype(np.int64)
    eps = 1e-12
    tier = np.ones(len(pp), dtype=np.int64)
    for j in range(kmax):
        tier += tau[pp, j] > ps + eps
    keep = tier <= d[pp]
    n_chain = np.maximum(d - 1, 0)
    off = np.concatenate([[0], np.cumsum(n_chain)])[:-1]
    base = P + R + 1

    def node(p: IndexArray, j: int) -> Int64Array:  # chain node of slot j (2-based)
        return base + off[p] + (j - 2)

    ct: list[IndexArray] = []
    ch: list[Int64Array] = []
    cc: list[Int64Array] = []
    for j in range(2, kmax + 1):
        ps_j = np.flatnonzero(d >= j)
        ct.append(ps_j if j == 2 else node(ps_j, j - 1))
        ch.append(node(ps_j, j))
        cc.append(d[ps_j] - j + 1)
    tp, tt = pp[keep], tier[keep]
    tails = np.where(tt == 1, tp, base + off[tp] + (tt - 2))

    def cat(xs: list[IndexArray] | list[Int64Array], dtype: type[_D]) -> npt.NDArray[_D]:
        return np.concatenate(xs).astype(dtype) if xs else np.zeros(0, dtype=dtype)

    return Tiers(keep, tails.astype(np.int32), cat(ct, np.int32), cat(ch, np.int32),
                 cat(cc, np.int64), int(base + n_chain.sum()))


def solve(prob: Problem, pp: Int32Array, pr: Int32Array, ps: FloatArray, demand: Int64Array, lo: Int64Array,
          hi: Int64Array, solve_total: SolveTotal, ratio: float = FREE_RATIO, rel_tol: float = 1e-3,
          tail: float = 0.05, max_repair: int = 4, max_search: int = 3,
          search_seconds: float = 5.0) -> tuple[BoolArray, dict[str, Any]]:
    """(mask over the free pairs, info). See the package docstring."""
    P, R = prob.P, prob.R
    fsum = prob.forced_sum()
    t0 = time.perf_counter()
    base = solve_total(prob, pp, pr, ps, demand, lo, hi)
    base_paper = np.concatenate([prob.forced_paper, pp[base]])
    base_score = np.concatenate([prob.forced_score, ps[base]])
    base_sums = metrics.paper_sums(P, base_paper, base_score)
    base_min = float(base_sums.min())
    t1 = time.perf_counter()

    top = top_scores(P, pp, ps, demand)
    kmax = top.shape[1]
    base_prof = profile(P, kmax, pp[base], ps[base])
    slots = np.arange(kmax)[None, :] < demand[:, None]
    ideal = np.where(slots, top, 0).sum(axis=1) + fsum
    active = demand > 0
    t_hi = float(ideal[active].min()) if active.any() else 0.0
    checks = 0

    def tiers(t: float, ref: FloatArray) -> tuple[FloatArray, Tiers]:
        tau = profile_floors(np.full(P, t), ref, top, demand, fsum, ratio)
        return tau, build_tiers(P, R, pp, ps, demand, tau)

    def ok(t: float, ref: FloatArray) -> bool:
        nonlocal checks
        checks += 1
        tr = tiers(t, ref)[1]
        return flow.feasible(P, R, pp[tr.keep], pr[tr.keep], demand, lo, hi, tr)

    def highest(ref: FloatArray, lo_t: float, hi_t: float) -> float:
        """Largest feasible t in [lo_t, hi_t] (lo_t taken as feasible), to rel_tol."""
        while hi_t - lo_t > rel_tol * max(t_hi, 1e-12):
            mid = 0.5 * (lo_t + hi_t)
            if ok(mid, ref):
                lo_t = mid
            else:
                hi_t = mid
        return lo_t

    def run(tau: FloatArray) -> BoolArray | None:
        """Total-optimal assignment under floors tau (mask), or None if infeasible."""
        tr = build_tiers(P, R, pp, ps, demand, tau)
        kp = np.flatnonzero(tr.keep)
        sub = flow.min_cost_flow(P, R, pp[kp], pr[kp], flow.integer_costs(ps[kp]), demand,
                                 lo, hi, tiers=tr)
        if sub is None:
            return None
        mask = np.zeros(len(pp), dtype=bool)
        mask[kp[sub]] = True
        return mask

    # stages 1 and 2: the largest t every paper can be guaranteed (max-min), and the
    # total-optimal assignment under its floors. The hardest paper's own best reviewers
    # (t_hi) bound t; floors shaped like each paper's best reviewers usually reach it,
    # which the min-cost flow tries at once. If not, floors shaped like the
    # total-optimal assignment (feasible at its own minimum) are raised as far as they
    # go (max-flow checks), and the best-reviewer shape is tried again from there.
    tau = tiers(t_hi, top)[0]
    mask = run(tau)
    checks += 1
    if mask is not None:
        t_min, shape = t_hi, "best"
    else:
        t_min, ref, shape = highest(base_prof, base_min, t_hi), base_prof, "total"
        if t_min < t_hi and ok(t_min, top):
            t_top = highest(top, t_min, t_hi)
            if t_top > t_min:
                t_min, ref, shape = t_top, top, "best"
        tau = tiers(t_min, ref)[0]
        mask = run(tau)
        if mask is None:  # cannot happen: t_min was checked feasible (or is base_min)
            raise RuntimeError("fair assignment lost feasibility")
    t2 = time.perf_counter()

    def sums_of(m: BoolArray) -> FloatArray:
        return metrics.paper_sums(P, np.concatenate([prob.forced_paper, pp[m]]),
                                  np.concatenate([prob.forced_score, ps[m]]))

    # stage 3: below the upper bound, exchanges raise the worst papers further (local
    # search); floors shaped like the result, at its minimum, then let the min-cost flow
    # win back the total (that assignment meets them, so they are feasible)
    searched = 0
    cur_min = float(sums_of(mask).min()) if P else 0.0
    while P and searched < max_search and cur_min < t_hi - 1e-9:
        better = improve.raise_worst(P, R, pp, pr, ps, mask, lo, hi, fsum,
                                     max_seconds=search_seconds)
        new_min = float(sums_of(better).min())
        searched += 1
        if new_min <= cur_min + 1e-9:
            break
        target = np.full(P, new_min)
        new_tau = profile_floors(target, profile(P, kmax, pp[better], ps[better]), top,
                                 demand, fsum, ratio)
        # papers well above the minimum may take floors shaped like their best
        # reviewers instead (looser for the total) when that stays feasible
        loose = profile_floors(target, top, top, demand, fsum, ratio)
        b_sums = sums_of(better)
        for margin in (0.5, 0.25, 0.1):
            mixed = np.where((b_sums >= new_min * (1 + margin))[:, None], loose, new_tau)
            tr = build_tiers(P, R, pp, ps, demand, mixed)
            checks += 1
            if flow.feasible(P, R, pp[tr.keep], pr[tr.keep], demand, lo, hi, tr):
                new_tau = mixed
                break
        polished = run(new_tau)
        if polished is None:  # not expected: `better` meets the floors
            mask, cur_min = better, new_min
            break
        tau, mask = new_tau, polished
        cur_min = float(sums_of(mask).min())
        shape = "exchanges"

    # stage 4: repair the lower tail. Papers that fell below min(their total-optimal
    # score, the total-optimal score at the `tail` quantile) get floors from their
    # total-optimal reviewers (scaled to that level); papers that gained a weak reviewer
    # the total-optimal assignment did not give them get a floor of WEAK on every slot.
    # Both are met by the total-optimal assignment, so they rarely cost feasibility; a
    # round that would is dropped.
    q = float(np.sort(base_sums)[min(P - 1, int(np.ceil(tail * (P - 1))))]) if P else 0.0
    guard = np.minimum(base_sums, q)
    base_worst = metrics.paper_worst(P, base_paper, base_score)
    base_p5 = float(np.quantile(base_sums, tail)) if P else 0.0
    base_weak = int((base_worst < metrics.WEAK).sum())

    def guarded(tau: FloatArray, low: Int64Array, weak: Int64Array) -> FloatArray:
        new_tau = tau.copy()
        if len(low):
            have = base_sums[low] - fsum[low]
            need = np.maximum(guard[low] - fsum[low], 0.0)
            scale = np.divide(need, have, out=np.zeros(len(low)), where=have > 0)
            new_tau[low] = np.maximum(new_tau[low],
                                      np.minimum(scale, 1.0)[:, None] * base_prof[low])
        if len(weak):
            slot = np.arange(kmax)[None, :] < demand[weak][:, None]
            new_tau[weak] = np.where(slot, np.maximum(new_tau[weak], metrics.WEAK), 0.0)
        return new_tau

    rounds, weak_guarded = 0, False
    for _ in range(max_repair):
        fp_, fs_ = pp[mask], ps[mask]
        sums = metrics.paper_sums(P, np.concatenate([prob.forced_paper, fp_]),
                                  np.concatenate([prob.forced_score, fs_]))
        worst = metrics.paper_worst(P, np.concatenate([prob.forced_paper, fp_]),
                                    np.concatenate([prob.forced_score, fs_]))
        low = weak = np.zeros(0, dtype=np.int64)
        if (np.quantile(sums, tail) < base_p5 - 1e-9
                or sums.min() < base_sums.min() - 1e-9):
            low = np.flatnonzero(sums < guard - 1e-9)
        if ((worst < metrics.WEAK).sum() > base_weak) or (rounds and weak_guarded):
            weak = np.flatnonzero((worst < metrics.WEAK) & (base_worst >= metrics.WEAK))
        if not len(low) and not len(weak):
            break
        none = low[:0]
        tries = [(low, weak)]
        if len(low) and len(weak):  # if both at once are infeasible, each alone
            tries += [(low, none), (none, weak)]
        for lw in tries:
            new_tau = guarded(tau, *lw)
            new_mask = run(new_tau)
            if new_mask is not None:
                break
        if new_mask is None:
            break
        weak_guarded = weak_guarded or bool(len(lw[1]))
        rounds += 1
        tau, mask = new_tau, new_mask

    # the worst paper must never do worse than under the total objective
    fallback = False
    sums = metrics.paper_sums(P, np.concatenate([prob.forced_paper, pp[mask]]),
                              np.concatenate([prob.forced_score, ps[mask]]))
    if P and sums.min() < base_sums.min() - 1e-9:
        mask, fallback = base, True
    t3 = time.perf_counter()
    info = {
        "fair_min_target": round(t_min, 6),
        "fair_min_upper_bound": round(t_hi, 6),
        "fair_floor_shape": shape,
        "fair_checks": checks,
        "fair_repair_rounds": rounds,
        "fair_search_rounds": searched,
        "fair_fell_back_to_total": fallback,
        "fair_seconds": [round(t1 - t0, 3), round(t2 - t1, 3), round(t3 - t2, 3)],
        "total_optimal": metrics.summary(P, base_paper, base_score),
    }
    return mask, info


def profile(P: int, kmax: int, paper: IndexArray, score: FloatArray) -> FloatArray:
    """(P, kmax) each paper's assigned scores, descending, zero padded."""
    order = np.lexsort((-score, paper))
    p_sorted = paper[order]
    start = np.searchsorted(p_sorted, np.arange(P))
    rank = np.arange(len(paper)) - start[p_sorted]
    sel = rank < kmax
    out = np.zeros((P, kmax))
    out[p_sorted[sel], rank[sel]] = score[order][sel]
    return out
