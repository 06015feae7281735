"""Exact b-matching by min-cost flow (OR-Tools), built from numpy arrays.

Network: node i for paper i (supply = its remaining demand), node P+j for reviewer j,
node P+R the sink. Arc paper->reviewer per usable pair (capacity 1, cost = scaled
``top - score``), arc reviewer->sink (capacity ``hi - lo``). Minimum loads use the exact
lower-bound transformation: the ``lo`` units a reviewer must pass on are taken as a
demand of ``lo`` at the reviewer node (and ``lo`` less at the sink), so no big-M bonus is
involved and the optimum is exact. Every paper sends exactly its demand, so shifting
all pair costs by a constant (``top``) changes nothing but keeps them non-negative.

Scores are scaled to integers, ``SCALE`` units per score point (per ``top / SCALE``
when the largest score ``top`` exceeds 1), so the optimum found is within
``demand * max(1, top) / SCALE`` score units of the exact one (and exact for scores in
[0, 1] with up to 6 decimals).
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from .arrays import BoolArray, FloatArray, IndexArray, Int32Array, Int64Array
from .errors import Infeasible, name_some
from .problem import Problem


class Tiers(Protocol):
    """What the flows read of `fair.Tiers`: each pair's tail node and the chain arcs."""

    tails: Int32Array
    chain_tail: Int32Array
    chain_head: Int32Array
    chain_cap: Int64Array
    n_nodes: int

SCALE = 10**6


def integer_costs(score: FloatArray) -> Int64Array:
    top = float(score.max()) if len(score) else 1.0
    unit = SCALE / max(top, 1e-12) if top > 1 else SCALE
    return np.rint((top - score) * unit).astype(np.int64)


def min_cost_flow(P: int, R: int, pair_paper: IndexArray, pair_reviewer: IndexArray, cost: Int64Array,
                  demand: IndexArray, lo: IndexArray, hi: IndexArray,
                  tiers: Tiers | None = None) -> BoolArray | None:
    """Boolean mask of the chosen pairs, or None when infeasible.

    demand (P,), lo/hi (R,) int arrays; pairs must only reach reviewers with hi > 0.
    ``tiers`` (from `Tiers`) re-tails pairs onto per-paper chain nodes, see fair.py.
    """
    flows = min_cost_flow_units(P, R, pair_paper, pair_reviewer, cost, np.ones(len(pair_paper), dtype=np.int64),
                                demand, lo, hi, tiers)
    return None if flows is None else flows > 0


def min_cost_flow_units(P: int, R: int, pair_paper: IndexArray, pair_reviewer: IndexArray, cost: Int64Array,
                        capacity: IndexArray, demand: IndexArray, lo: IndexArray, hi: IndexArray,
                        tiers: Tiers | None = None) -> Int64Array | None:
    """Flow on every pair (int64 array), or None when infeasible: the network above with
    a capacity per pair arc (1 for an assignment; the randomized mode's scaled caps)."""
    from ortools.graph.python import min_cost_flow as mcf

    smcf = mcf.SimpleMinCostFlow()
    n = len(pair_paper)
    tails = pair_paper if tiers is None else tiers.tails
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.asarray(tails, dtype=np.int32),
        (pair_reviewer.astype(np.int64) + P).astype(np.int32),
        np.asarray(capacity, dtype=np.int64),
        cost.astype(np.int64),
    )
    sink = P + R
    smcf.add_arcs_with_capacity_and_unit_cost(
        np.arange(P, P + R, dtype=np.int32), np.full(R, sink, dtype=np.int32),
        (hi - lo).astype(np.int64), np.zeros(R, dtype=np.int64)
    )
    n_nodes = P + R + 1
    if tiers is not None and len(tiers.chain_tail):
        smcf.add_arcs_with_capacity_and_unit_cost(
            tiers.chain_tail, tiers.chain_head, tiers.chain_cap,
            np.zeros(len(tiers.chain_cap), dtype=np.int64))
        n_nodes = tiers.n_nodes
    supply = np.zeros(n_nodes, dtype=np.int64)
    supply[:P] = demand
    supply[P:P + R] = -lo
    supply[sink] = -(int(demand.sum()) - int(lo.sum()))
    smcf.set_nodes_supplies(np.arange(n_nodes, dtype=np.int32), supply)
    status = smcf.solve()
    if status == smcf.OPTIMAL:
        return np.asarray(smcf.flows(np.arange(n, dtype=np.int32)), dtype=np.int64)
    if status == smcf.INFEASIBLE:
        return None
    raise RuntimeError(f"min-cost flow failed with status {status}")


def feasible(P: int, R: int, pair_paper: IndexArray, pair_reviewer: IndexArray, demand: IndexArray,
             lo: IndexArray, hi: IndexArray, tiers: Tiers | None = None) -> bool:
    """Whether the pairs admit an assignment meeting demand and load bounds (max flow)."""
    flow, target, _ = _max_flow(P, R, pair_paper, pair_reviewer, demand, lo, hi, False, tiers)
    return flow == target


def _max_flow(P: int, R: int, pair_paper: IndexArray, pair_reviewer: IndexArray, demand: IndexArray,
              lo: IndexArray, hi: IndexArray, cut: bool,
              tiers: Tiers | None = None) -> tuple[int, int, Int64Array | None]:
    """Max flow of the lower-bound network with a super source/sink.

    Nodes: papers 0..P-1, reviewers P..P+R-1, sink t=P+R, chain nodes (tiers), then a
    super source S and super sink T. S->paper (demand), paper->reviewer (1),
    reviewer->t (hi-lo), reviewer->T (lo), t->T (D - L). Feasible iff the max flow
    saturates S's arcs.
    """
    from ortools.graph.python import max_flow as mf

    t = P + R
    base = P + R + 1 if tiers is None else tiers.n_nodes
    S, T = base, base + 1
    D, L = int(demand.sum()), int(lo.sum())
    smf = mf.SimpleMaxFlow()
    n = len(pair_paper)
    tails = pair_paper if tiers is None else tiers.tails
    smf.add_arcs_with_capacity(
        np.asarray(tails, dtype=np.int32),
        (pair_reviewer.astype(np.int64) + P).astype(np.int32),
        np.ones(n, dtype=np.int64),
    )
    if tiers is not None and len(tiers.chain_tail):
        smf.add_arcs_with_capacity(tiers.chain_tail, tiers.chain_head, tiers.chain_cap)
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


def _max_flow_cut(P: int, R: int, pair_paper: IndexArray, pair_reviewer: IndexArray, demand: IndexArray,
                  lo: IndexArray, hi: IndexArray) -> tuple[int, int, Int64Array]:
    """(flow, target, nodes on the source side of a minimum cut)."""
    flow, target, side = _max_flow(P, R, pair_paper, pair_reviewer, demand, lo, hi, cut=True)
    if side is None:  # _max_flow returns the cut whenever it is asked for one
        raise RuntimeError("max flow returned no minimum cut")
    return flow, target, side


def explain_infeasible(prob: Problem, pair_paper: IndexArray, pair_reviewer: IndexArray, demand: IndexArray,
                       lo: IndexArray, hi: IndexArray) -> Infeasible:
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
    flow, target, side = _max_flow_cut(P, R, pair_paper, pair_reviewer, demand, zero, hi)
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
    flow, target, side = _max_flow_cut(P, R, pair_paper, pair_reviewer, demand, lo, hi)
    in_s = np.zeros(P + R + 3, dtype=bool)
    in_s[side] = True
    Y = np.flatnonzero(~in_s[P : P + R] & (lo > 0))
    ids_y = sorted((rids[j] for j in Y), key=str)
    msg = (
        "the minimum loads cannot all be met while every paper gets the reviewers it needs "
        f"(short by {target - flow}); reviewers whose minimum is at stake: {name_some(ids_y)}"
        "; lower the minimum load or add usable pairs for them"
    )
    return Infeasible([msg], reviewers=ids_y)
