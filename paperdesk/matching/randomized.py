"""Randomized assignment with probability limits (Jecmen et al., NeurIPS 2020), the method
behind OpenReview's Randomized solver, used by venues against collusion rings: no pair is
assigned with probability above its cap, so a reviewer cannot steer themselves onto a
chosen paper by bidding.

Two steps:

1. *Marginals*: the fractional assignment of maximal expected total affinity under the
   caps — an LP (every paper's demand met, every reviewer's load within bounds, each pair
   between 0 and its cap). Its constraint matrix is a network matrix, so with every cap a
   multiple of 1/D it is solved exactly as a min-cost flow in units of 1/D (D is the least
   common denominator of the caps, at most `MAX_DENOMINATOR`; a cap that is not such a
   multiple is rounded down to one, never up).
2. *Sampling*: dependent rounding on the bipartite graph of fractional pairs (Gandhi,
   Khuller, Parthasarathy and Srinivasan, JACM 2006). Repeatedly find a cycle, or a path
   between two reviewers, of fractional pairs and shift its alternate pairs up and down
   by the amount that makes one of them whole, choosing the direction with the
   probabilities that leave every pair's expectation unchanged. Every pair is then taken
   with probability exactly its marginal, every paper keeps its demand exactly and every
   reviewer's load stays between the floor and the ceiling of its expected load (so
   within its bounds). Integers throughout: the probabilities are exact.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from . import flow
from .arrays import BoolArray, FloatArray, Int32Array, Int64Array
from .errors import Infeasible, InputError, name_some
from .problem import Problem, check_feasible

# (paper indices, reviewer indices, caps) of a limits file
PairLimits = tuple[Int64Array, Int64Array, FloatArray]

MAX_DENOMINATOR = 10_000


@dataclass
class Marginals:
    """The fractional assignment: free pairs with their units of 1/denominator."""

    problem: Problem
    paper: Int32Array  # index of each free pair with a positive probability
    reviewer: Int32Array
    score: FloatArray
    units: Int64Array  # probability = units / denominator
    denominator: int

    @property
    def probability(self) -> FloatArray:
        return self.units / self.denominator

    def expected_total(self) -> float:
        forced = float(self.problem.forced_score.sum())
        return forced + float((self.score * self.units).sum()) / self.denominator

    def rows(self) -> list[tuple[str, str, float]]:
        """(paper_id, reviewer_id, p) for the forced pairs (p = 1) and every free pair
        with p > 0, by paper in input order, most likely first."""
        prob = self.problem
        paper = np.concatenate([prob.forced_paper, self.paper]).astype(np.int64)
        reviewer = np.concatenate([prob.forced_reviewer, self.reviewer]).astype(np.int64)
        p = np.concatenate([np.ones(len(prob.forced_paper)), self.probability])
        order = np.lexsort((-p, paper))
        pids, rids = prob.paper_ids, prob.reviewer_ids
        return [(pids[i], rids[j], float(v)) for i, j, v in zip(paper[order].tolist(), reviewer[order].tolist(), p[order].tolist())]


def denominator_of(caps: FloatArray) -> int:
    """The least common denominator of the caps (each as a fraction with a denominator of
    at most MAX_DENOMINATOR), itself capped at MAX_DENOMINATOR."""
    d = 1
    for value in np.unique(caps).tolist():
        d = math.lcm(d, Fraction(value).limit_denominator(MAX_DENOMINATOR).denominator)
        if d > MAX_DENOMINATOR:
            return MAX_DENOMINATOR
    return d


def pair_caps(prob: Problem, probability_limit: float | None, limits: PairLimits | None = None) -> FloatArray:
    """Each free pair's cap: the global limit and/or the per-pair one, whichever is lower.

    ``limits``: (paper indices, reviewer indices, caps) from a limits file."""
    caps = np.full(len(prob.pair_paper), 1.0 if probability_limit is None else float(probability_limit))
    if limits is not None and len(limits[0]):
        lp, lr, lq = (np.asarray(x) for x in limits)
        R = prob.R
        keys = prob.pair_paper.astype(np.int64) * R + prob.pair_reviewer
        order = np.argsort(keys)
        sorted_keys = keys[order]
        wanted = lp.astype(np.int64) * R + lr.astype(np.int64)
        at = np.searchsorted(sorted_keys, wanted)
        hit = (at < len(sorted_keys)) & (sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == wanted)
        np.minimum.at(caps, order[at[hit]], lq[hit])
    return caps


def solve_marginals(prob: Problem, caps: FloatArray) -> Marginals:
    """The fractional assignment of maximal expected total under the caps; raises
    Infeasible naming the papers the caps starve."""
    if len(caps) != len(prob.pair_paper):
        raise InputError("one cap per usable pair is needed")
    check_feasible(prob)
    D = denominator_of(caps) if len(caps) else 1
    units = np.floor(caps * D + 1e-9).astype(np.int64)
    demand, lo, hi = prob.residual()
    keep = (hi[prob.pair_reviewer] > 0) & (demand[prob.pair_paper] > 0) & (units > 0)
    pp, pr, ps, cap = prob.pair_paper[keep], prob.pair_reviewer[keep], prob.pair_score[keep], units[keep]

    reachable = np.bincount(pp, weights=cap, minlength=prob.P)
    starved = np.flatnonzero(reachable < demand * D)
    if len(starved):
        ids = [prob.paper_ids[i] for i in starved]
        raise Infeasible([f"{len(starved)} paper(s) cannot get the reviewers they need when no pair may be "
                          f"more likely than its cap (the caps of their usable pairs add up to less than "
                          f"their demand): {name_some(f'{prob.paper_ids[i]} ({reachable[i] / D:g} < {demand[i]})' for i in starved)}"
                          "; raise the probability limit or add reviewers"], papers=ids)
    flows = flow.min_cost_flow_units(prob.P, prob.R, pp, pr, flow.integer_costs(ps), cap, demand * D, lo * D, hi * D)
    if flows is None:
        raise Infeasible(["no fractional assignment meets every paper's demand and every reviewer's "
                          "load bounds under the probability caps; raise the limit, the loads or add reviewers"])
    used = flows > 0
    return Marginals(prob, pp[used], pr[used], ps[used], flows[used], D)


def sample(marginals: Marginals, rng: np.random.Generator) -> BoolArray:
    """Boolean mask over the marginals' pairs: one assignment, each pair taken with
    probability exactly its marginal (dependent rounding, see the module docstring)."""
    D = marginals.denominator
    x = marginals.units.copy()
    P = marginals.problem.P
    ends = (marginals.paper.astype(np.int64), marginals.reviewer.astype(np.int64) + P)
    head: list[int] = ends[0].tolist()
    tail: list[int] = ends[1].tolist()
    n_nodes = P + marginals.problem.R
    frac: list[set[int]] = [set() for _ in range(n_nodes)]
    for pair in np.flatnonzero((x > 0) & (x < D)).tolist():
        frac[head[pair]].add(pair)
        frac[tail[pair]].add(pair)
    x_list: list[int] = x.tolist()
    pending = [v for v in range(n_nodes) if frac[v]]
    # a random order of walks varies which pairs are rounded together from one sample to
    # the next (the marginals are exact in any order)
    rng.shuffle(pending)

    def other(e: int, v: int) -> int:
        return tail[e] if head[e] == v else head[e]

    def next_edge(v: int, came: int | None) -> int | None:
        for e in frac[v]:
            if e != came:
                return e
        return None

    def round_alternating(edges: list[int]) -> None:
        up, down = edges[0::2], edges[1::2]
        alpha = min(min(D - x_list[e] for e in up), min((x_list[e] for e in down), default=D))
        beta = min(min(x_list[e] for e in up), min((D - x_list[e] for e in down), default=D))
        # +alpha on `up` with probability beta/(alpha+beta), else -beta: expectation unchanged
        if int(rng.integers(alpha + beta)) < beta:
            shift_up, shift_down = alpha, -alpha
        else:
            shift_up, shift_down = -beta, beta
        for group, shift in ((up, shift_up), (down, shift_down)):
            for e in group:
                x_list[e] += shift
                if x_list[e] == 0 or x_list[e] == D:
                    frac[head[e]].discard(e)
                    frac[tail[e]].discard(e)

    while pending:
        start = pending[-1]
        if not frac[start]:
            pending.pop()
            continue
        # A non-backtracking walk along fractional pairs until it closes a cycle or runs
        # into a dead end; from the first dead end it walks again, so a path found then
        # runs between two reviewers that have one fractional pair each.
        nodes: list[int] = [start]
        edges: list[int] = []
        position = {start: 0}
        from_an_end = False
        while True:
            v = nodes[-1]
            e = next_edge(v, edges[-1] if edges else None)
            if e is None:
                if len(nodes) > 1 and not from_an_end:
                    nodes, edges, position, from_an_end = [v], [], {v: 0}, True
                    continue
                if edges:
                    round_alternating(edges)
                break
            u = other(e, v)
            if u in position:  # a cycle (of even length: the graph is bipartite)
                cut = position[u]
                round_alternating(edges[cut:] + [e])
                # the prefix up to u is untouched (only the cycle's pairs moved): go on from u
                for w in nodes[cut + 1:]:
                    del position[w]
                nodes, edges = nodes[: cut + 1], edges[:cut]
                continue
            nodes.append(u)
            edges.append(e)
            position[u] = len(nodes) - 1
    taken: BoolArray = np.asarray(x_list, dtype=np.int64) == D
    return taken


def sample_rows(marginals: Marginals, mask: BoolArray) -> list[tuple[str, str, float]]:
    """(paper_id, reviewer_id, score) of a sampled assignment, forced pairs included."""
    prob = marginals.problem
    paper = np.concatenate([prob.forced_paper, marginals.paper[mask]]).astype(np.int64)
    reviewer = np.concatenate([prob.forced_reviewer, marginals.reviewer[mask]]).astype(np.int64)
    score = np.concatenate([prob.forced_score, marginals.score[mask]])
    order = np.lexsort((-score, paper))
    pids, rids = prob.paper_ids, prob.reviewer_ids
    return [(pids[i], rids[j], float(v)) for i, j, v in zip(paper[order].tolist(), reviewer[order].tolist(), score[order].tolist())]
