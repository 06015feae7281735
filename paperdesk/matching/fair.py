"""Fair assignment: raise the worst-off paper first, then keep the total high.

See the package docstring for the method and its measured figures.
"""

from __future__ import annotations

import numpy as np

from . import flow


def window_keys(P, pair_paper, pair_score, demand, forced_sum):
    """Per pair, the largest paper target t for which the pair stays allowed.

    For paper p with demand d, sort its usable scores s_1 >= s_2 >= ...; the pair of
    rank m (m >= d) gets key F_p + s_{m-d+1} + ... + s_m (the sum of the window of d
    consecutive scores that ends at it), the top d pairs get the paper's ideal
    F_p + s_1 + ... + s_d. Keys fall with the rank, so ``key >= t`` keeps a prefix of
    each paper's list, and any d distinct reviewers from that prefix sum to at least
    the smallest window: every paper served from ``key >= t`` scores at least t.
    Returns (keys, ideal per paper).
    """
    n = len(pair_paper)
    order = np.lexsort((-pair_score, pair_paper))
    p_sorted = pair_paper[order]
    s_sorted = pair_score[order]
    csum = np.concatenate([[0.0], np.cumsum(s_sorted)])
    start = np.searchsorted(p_sorted, np.arange(P))
    rank = np.arange(n) - start[p_sorted]
    d = demand[p_sorted].astype(np.int64)
    idx = np.arange(n)
    lo_idx = np.where(rank >= d - 1, idx + 1 - d, start[p_sorted])
    hi_idx = np.where(rank >= d - 1, idx + 1, np.minimum(start[p_sorted] + d, n))
    keys_sorted = csum[hi_idx] - csum[lo_idx] + forced_sum[p_sorted]
    keys_sorted[d <= 0] = np.inf
    keys = np.empty(n)
    keys[order] = keys_sorted
    cnt = np.bincount(pair_paper, minlength=P)
    ideal = forced_sum.astype(np.float64).copy()
    has = (demand > 0) & (cnt >= demand)
    top_end = np.minimum(start + np.maximum(demand, 0), n)
    ideal[has] = (csum[top_end] - csum[start])[has] + forced_sum[has]
    return keys, ideal


def max_min_threshold(P, R, pp, pr, keys, ideal, demand, lo, hi, rel_tol=1e-3):
    """Largest t (to rel_tol) such that the pairs with key >= t admit an assignment.

    Returns (t, number of feasibility checks).
    """
    t_hi = float(ideal[demand > 0].min()) if (demand > 0).any() else float(ideal.min())
    checks = 0

    def ok(t):
        nonlocal checks
        checks += 1
        m = keys >= t - 1e-9
        return flow.feasible(P, R, pp[m], pr[m], demand, lo, hi)

    if ok(t_hi):
        return t_hi, checks
    cand = np.unique(keys[np.isfinite(keys) & (keys < t_hi)])
    cand = np.append(cand, t_hi)
    lo_i, hi_i = 0, len(cand) - 1  # cand[lo_i]: every pair allowed, feasible; cand[hi_i] not
    while hi_i - lo_i > 1 and cand[hi_i] - cand[lo_i] > rel_tol * cand[hi_i]:
        mid = (lo_i + hi_i) // 2
        if ok(cand[mid]):
            lo_i = mid
        else:
            hi_i = mid
    return float(cand[lo_i]), checks


def solve(prob, pp, pr, ps, demand, lo, hi, solve_total):
    """(mask over the free pairs, info)."""
    import time

    from . import metrics

    P, R = prob.P, prob.R
    fsum = prob.forced_sum()
    t0 = time.perf_counter()
    base = solve_total(prob, pp, pr, ps, demand, lo, hi)
    t1 = time.perf_counter()
    keys, ideal = window_keys(P, pp, ps, demand, fsum)
    t, checks = max_min_threshold(P, R, pp, pr, keys, ideal, demand, lo, hi)
    t2 = time.perf_counter()
    m = keys >= t - 1e-9
    sub = solve_total(prob, pp[m], pr[m], ps[m], demand, lo, hi)
    mask = np.zeros(len(pp), dtype=bool)
    mask[np.flatnonzero(m)[sub]] = True
    t3 = time.perf_counter()
    info = {
        "fair_threshold": round(t, 6),
        "fair_checks": checks,
        "fair_allowed_pairs": int(m.sum()),
        "times": [round(t1 - t0, 3), round(t2 - t1, 3), round(t3 - t2, 3)],
        "baseline": metrics.summary(P, np.concatenate([prob.forced_paper, pp[base]]),
                                    np.concatenate([prob.forced_score, ps[base]])),
    }
    return mask, info
