"""`assign(problem, objective)`: the entry point of the solvers."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import fair, flow, metrics
from .arrays import BoolArray, FloatArray, Int32Array, Int64Array
from .problem import Problem, check_feasible

OBJECTIVES = ("total", "fair")


@dataclass
class Assignment:
    problem: Problem
    paper: Int32Array  # indices, forced pairs included
    reviewer: Int32Array
    score: FloatArray
    objective: str
    # solver figures for the summary (times, the fair stages' figures): a JSON object
    info: dict[str, Any] = field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, float]]:
        """(paper_id, reviewer_id, score) sorted by paper (input order), best first."""
        order = np.lexsort((-self.score, self.paper))
        pids, rids = self.problem.paper_ids, self.problem.reviewer_ids
        p, r, s = self.paper[order].tolist(), self.reviewer[order].tolist(), self.score[order]
        return [(pids[i], rids[j], float(v)) for i, j, v in zip(p, r, s.tolist())]

    def summary(self, weak: float = metrics.WEAK) -> dict[str, Any]:
        """The figures `paperdesk assign` prints as JSON."""
        out: dict[str, Any] = {"objective": self.objective, "papers": self.problem.P,
               "reviewers": self.problem.R, "k": self.problem.k,
               "demand_total": int(self.problem.demand.sum()),
               "assigned_pairs": len(self.paper)}
        out.update(metrics.summary(self.problem.P, self.paper, self.score, weak))
        out.update(self.info)
        return out


def _free_part(prob: Problem) -> tuple[Int32Array, Int32Array, FloatArray, Int64Array, Int64Array, Int64Array]:
    demand, lo, hi = prob.residual()
    keep = (hi[prob.pair_reviewer] > 0) & (demand[prob.pair_paper] > 0)
    return (prob.pair_paper[keep], prob.pair_reviewer[keep], prob.pair_score[keep],
            demand, lo, hi)


def _solve_total(prob: Problem, pp: Int32Array, pr: Int32Array, ps: FloatArray, demand: Int64Array,
                 lo: Int64Array, hi: Int64Array) -> BoolArray:
    mask = flow.min_cost_flow(prob.P, prob.R, pp, pr, flow.integer_costs(ps), demand, lo, hi)
    if mask is None:
        raise flow.explain_infeasible(prob, pp, pr, demand, lo, hi)
    return mask


def assign(prob: Problem, objective: str = "total") -> Assignment:
    """Solve; raises Infeasible (naming papers/reviewers at fault) when impossible."""
    if objective not in OBJECTIVES:
        raise ValueError(f"objective must be one of {OBJECTIVES}")
    t0 = time.perf_counter()
    if prob.P == 0:
        z = np.zeros(0, dtype=np.int32)
        return Assignment(prob, z, z, np.zeros(0), objective, {"solve_seconds": 0.0})
    check_feasible(prob)
    pp, pr, ps, demand, lo, hi = _free_part(prob)
    info: dict[str, Any] = {}
    if objective == "total":
        mask = _solve_total(prob, pp, pr, ps, demand, lo, hi)
    else:
        mask, info = fair.solve(prob, pp, pr, ps, demand, lo, hi, _solve_total)
    info["solve_seconds"] = round(time.perf_counter() - t0, 3)
    paper = np.concatenate([prob.forced_paper, pp[mask]]).astype(np.int32)
    reviewer = np.concatenate([prob.forced_reviewer, pr[mask]]).astype(np.int32)
    score = np.concatenate([prob.forced_score, ps[mask]])
    return Assignment(prob, paper, reviewer, score, objective, info)


def alternates(prob: Problem, paper: Int32Array, reviewer: Int32Array,
               n: int) -> list[tuple[str, str, float, int]]:
    """Per paper, up to `n` reviewers a chair could add or swap in: usable pairs (listed,
    not a conflict) not assigned, whose reviewer still has room under the maximum load
    after the assignment, best score first. Rows (paper_id, reviewer_id, score, rank)."""
    if n <= 0 or not len(prob.pair_paper):
        return []
    load = np.bincount(reviewer, minlength=prob.R)
    room = (prob.max_load - load) > 0
    taken = np.zeros(0, dtype=np.int64) if not len(paper) else paper.astype(np.int64) * prob.R + reviewer
    keys = prob.pair_paper.astype(np.int64) * prob.R + prob.pair_reviewer
    free = room[prob.pair_reviewer] & ~np.isin(keys, taken)
    pp, pr, ps = prob.pair_paper[free], prob.pair_reviewer[free], prob.pair_score[free]
    order = np.lexsort((pr, -ps, pp))  # by paper, best first, ties by reviewer order
    pp, pr, ps = pp[order], pr[order], ps[order]
    start = np.searchsorted(pp, np.arange(prob.P))
    rank = np.arange(len(pp)) - start[pp] + 1
    keep = rank <= n
    pids, rids = prob.paper_ids, prob.reviewer_ids
    return [(pids[i], rids[j], float(s), int(k)) for i, j, s, k in
            zip(pp[keep].tolist(), pr[keep].tolist(), ps[keep].tolist(), rank[keep].tolist())]
