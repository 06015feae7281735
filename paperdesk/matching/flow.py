"""Exact b-matching by min-cost flow (OR-Tools), built from numpy arrays.

Network: node i for paper i (supply = its remaining demand), node P+j for reviewer j,
node P+R the sink. Arc paper->reviewer per usable pair (capacity 1, cost = scaled
``top - score``), arc reviewer->sink (capacity ``hi - lo``). Minimum loads use the exact
lower-bound transformation: the ``lo`` units a reviewer must pass on are taken as a
demand of ``lo`` at the reviewer node (and ``lo`` less at the sink), so no big-M bonus is
involved and the optimum is exact. Every paper sends exactly its demand, so shifting
all pair costs by a constant (``top``) changes nothing but keeps them non-negative.

Scores are scaled to integers with ``SCALE`` units per score point after dividing by the
largest score, so the rounding error of the optimum is below ``demand / SCALE`` in
score units (zero for scores with up to 6 decimals when the largest score is 1).
"""

from __future__ import annotations

import numpy as np

from .errors import Infeasible, name_some

SCALE = 10**6


def integer_costs(score: np.ndarray) -> np.ndarray:
    top = float(score.max()) if len(score) else 1.0
    unit = SCALE / max(top, 1e-12) if top > 1 else SCALE
    return np.rint((top - score) * unit).astype(np.int64)


def _network(P, R, pair_paper, pair_reviewer, demand, lo, hi):
    tails_r = np.arange(P, P + R, dtype=np.int32)
    cap_r = (hi - lo).astype(np.int64)
    nodes = np.arange(P + R + 1, dtype=np.int32)
    supply = np.concatenate(
        [demand.astype(np.int64), -lo.astype(np.int64), [-(int(demand.sum()) - int(lo.sum()))]]
    )
    return tails_r, cap_r, nodes, supply


def min_cost_flow(P, R, pair_paper, pair_reviewer, cost, demand, lo, hi):
    """Boolean mask of the chosen pairs, or None when infeasible.

    demand (P,), lo/hi (R,) int arrays; pairs must only reach reviewers with hi > 0.
    """
    from ortools.graph.python import min_cost_flow as mcf

    smcf = mcf.SimpleMinCostFlow()
    n = len(pair_paper)
    smcf.add_arcs_with_capacity_and_unit_cost(
        pair_paper.astype(np.int32),
        (pair_reviewer.astype(np.int64) + P).astype(np.int32),
        np.ones(n, dtype=np.int64),
        cost.astype(np.int64),
    )
    tails_r, cap_r, nodes, supply = _network(P, R, pair_paper, pair_reviewer, demand, lo, hi)
    smcf.add_arcs_with_capacity_and_unit_cost(
        tails_r, np.full(R, P + R, dtype=np.int32), cap_r, np.zeros(R, dtype=np.int64)
    )
    smcf.set_nodes_supplies(nodes, supply)
    status = smcf.solve()
    if status == smcf.OPTIMAL:
        flows = smcf.flows(np.arange(n, dtype=np.int32))
        return np.asarray(flows) > 0
    if status == smcf.INFEASIBLE:
        return None
    raise RuntimeError(f"min-cost flow failed with status {status}")


def feasible(P, R, pair_paper, pair_reviewer, demand, lo, hi) -> bool:
    """Whether the pairs admit an assignment meeting demand and load bounds (max flow)."""
    flow, target, _ = _max_flow(P, R, pair_paper, pair_reviewer, demand, lo, hi, cut=False)
    return flow == target


def _max_flow(P, R, pair_paper, pair_reviewer, demand, lo, hi, cut):
    """Max flow of the lower-bound network with a super source/sink.

    Nodes: papers 0..P-1, reviewers P..P+R-1, sink t=P+R, super source S=P+R+1,
    super sink T=P+R+2. S->paper (demand), paper->reviewer (1), reviewer->t (hi-lo),
    reviewer->T (lo), t->T (D - L). Feasible iff the max flow saturates S's arcs.
    """
    from ortools.graph.python import max_flow as mf

    t, S, T = P + R, P + R + 1, P + R + 2
    D, L = int(demand.sum()), int(lo.sum())
    smf = mf.SimpleMaxFlow()
    n = len(pair_paper)
    smf.add_arcs_with_capacity(
        pair_paper.astype(np.int32),
        (pair_reviewer.astype(np.int64) + P).astype(np.int32),
        np.ones(n, dtype=np.int64),
    )
    revs = np.arange(P, P + R, dtype=np.int32)
    smf.add_arcs_with_capacity(revs, np.full(R, t, dtype=np.int32), (hi - lo).astype(np.int64))
    smf.add_arcs_with_capacity(revs, np.full(R, T, dtype=np.int32), lo.astype(np.int64))
    smf.add_arcs_with_capacity(
        np.full(P, S, dtype=np.int32), np.arange(P, dtype=np.int32), demand.astype(np.int64)
    )
    smf.add_arc_with_capacity(t, T, max(D - L, 0))
    status = smf.solve(S, T)
    if status != smf.OPTIMAL:
        raise RuntimeError(f"max flow failed with status {status}")
    side = np.asarray(smf.get_source_side_min_cut(), dtype=np.int64) if cut else None
    return int(smf.optimal_flow()), D, side


def explain_infeasible(prob, pair_paper, pair_reviewer, demand, lo, hi) -> Infeasible:
    """An Infeasible naming a group of papers (or reviewers) that cannot be served.

    From a min cut of the max-flow network: X = papers on the source side, Y = reviewers
    on the source side. Papers in X need ``demand(X)`` reviews but can only get
    ``hi(Y) + #pairs from X to reviewers outside Y`` (a Hall violation). When the
    papers can all be served, the minimum loads are at fault: the reviewers outside the
    cut whose minimum cannot be met are named.
    """
    P, R = prob.P, prob.R
    pids, rids = prob.paper_ids, prob.reviewer_ids
    # first without minimum loads: can every paper get its reviewers at all?
    zero = np.zeros(R, dtype=np.int64)
    flow, target, side = _max_flow(P, R, pair_paper, pair_reviewer, demand, zero, hi, cut=True)
    if flow < target:
        in_s = np.zeros(P + R + 3, dtype=bool)
        in_s[side] = True
        X = np.flatnonzero(in_s[:P] & (demand > 0))
        Y = np.flatnonzero(in_s[P : P + R])
        xset = np.zeros(P, dtype=bool)
        xset[X] = True
        yset = np.zeros(R, dtype=bool)
        yset[Y] = True
        sel = xset[pair_paper]
        outside = int((sel & ~yset[pair_reviewer]).sum())
        need = int(demand[X].sum())
        can = int(hi[Y].sum()) + outside
        ids_x = sorted((pids[i] for i in X), key=str)
        ids_y = sorted((rids[j] for j in Y), key=str)
        msg = (
            f"{len(X)} paper(s) need {need} reviews but their usable reviewers can give "
            f"them at most {can} (short by {target - flow}): papers {name_some(ids_x)}"
        )
        if len(Y):
            msg += f"; fully booked reviewers {name_some(ids_y)}"
        return Infeasible([msg + "; raise these reviewers' loads, add reviewers or "
                           "scores, or lower k"], papers=ids_x, reviewers=ids_y)
    # the papers can be served: the minimum loads cannot all be met
    flow, target, side = _max_flow(P, R, pair_paper, pair_reviewer, demand, lo, hi, cut=True)
    in_s = np.zeros(P + R + 3, dtype=bool)
    in_s[side] = True
    Y = np.flatnonzero(~in_s[P : P + R] & (lo > 0))
    ids_y = sorted((rids[j] for j in Y), key=str)
    msg = (
        f"the minimum loads cannot all be met while every paper gets k={prob.k} reviewers "
        f"(short by {target - flow}); reviewers whose minimum is at stake: {name_some(ids_y)}"
        "; lower the minimum load or add usable pairs for them"
    )
    return Infeasible([msg], reviewers=ids_y)
