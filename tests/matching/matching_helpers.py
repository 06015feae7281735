"""Shared helpers for the matching tests: an LP reference and an assignment checker."""

from __future__ import annotations

import numpy as np
from scipy import sparse
from scipy.optimize import linprog


def lp_reference(prob):
    """LP optimum of the total affinity (HiGHS), or None when the LP is infeasible.

    Independent of the solver: variables are all usable and forced pairs; forced pairs
    are fixed to 1 by their bounds; loads and demands as in the rules.
    """
    P, R = prob.P, prob.R
    p = np.concatenate([prob.pair_paper, prob.forced_paper]).astype(np.int64)
    r = np.concatenate([prob.pair_reviewer, prob.forced_reviewer]).astype(np.int64)
    a = np.concatenate([prob.pair_score, prob.forced_score])
    n = len(a)
    if n == 0:
        return None if P else 0.0
    cols = np.arange(n)
    Ap = sparse.csr_matrix((np.ones(n), (p, cols)), shape=(P, n))
    Ar = sparse.csr_matrix((np.ones(n), (r, cols)), shape=(R, n))
    bounds = [(0, 1)] * len(prob.pair_score) + [(1, 1)] * len(prob.forced_score)
    res = linprog(
        -a,
        A_ub=sparse.vstack([Ar, -Ar]).tocsr(),
        b_ub=np.concatenate([prob.max_load, -prob.min_load]).astype(float),
        A_eq=Ap,
        b_eq=np.full(P, float(prob.k)),
        bounds=bounds,
        method="highs",
    )
    if res.status == 2:
        return None
    assert res.status == 0, res.message
    return -res.fun


def check_valid(prob, result, conflicts=()):
    """Assert every rule: k distinct reviewers, loads, usable/forced pairs only."""
    P, R = prob.P, prob.R
    pairs = set(zip(result.paper.tolist(), result.reviewer.tolist()))
    assert len(pairs) == len(result.paper), "duplicate pair"
    per_paper = np.bincount(result.paper, minlength=P)
    assert (per_paper == prob.k).all(), per_paper
    load = np.bincount(result.reviewer, minlength=R)
    assert (load <= prob.max_load).all()
    assert (load >= prob.min_load).all()
    usable = dict(zip(zip(prob.pair_paper.tolist(), prob.pair_reviewer.tolist()),
                      prob.pair_score.tolist()))
    forced = set(zip(prob.forced_paper.tolist(), prob.forced_reviewer.tolist()))
    assert forced <= pairs, "forced pair missing"
    for (i, j), s in zip(zip(result.paper.tolist(), result.reviewer.tolist()),
                         result.score.tolist()):
        assert (i, j) in usable or (i, j) in forced, f"unusable pair {(i, j)}"
        if (i, j) in usable:
            assert s == usable[(i, j)]
    for c in conflicts:
        assert c not in pairs, f"conflict {c} assigned"
