"""Reviewer assignment, affinity and conflicts: a pure library (no Django).

Modules: `problem` (the rules, arrays, infeasibility checks), `csvio` (the CSV format),
`flow` (min-cost / max flow), `fair` and `improve` (fair objective), `solve` (`assign`),
`metrics`, `cli` (`paperdesk assign`), `affinity` (TF-IDF + topics + bids), `conflicts`
(authors vs reviewers).

Objective ``total``
    Maximise the total affinity exactly: a min-cost flow (OR-Tools SimpleMinCostFlow)
    papers -> reviewers -> sink, built straight from numpy arrays (one arc per usable
    pair, no Python loop over pairs). Costs are scores scaled to integers (1e-6
    resolution), so the optimum is the LP optimum (the b-matching polytope is integral) to
    within rounding; on the benchmark instances (4-decimal scores) it equals it. Minimum
    loads use the exact lower-bound transformation (a reviewer owed ``lo`` papers becomes
    a demand of ``lo``), forced pairs are fixed beforehand, conflicts and unknown pairs
    have no arc.

Objective ``fair`` (max-min first, then total; `fair.py`, `improve.py`)
    1. Solve ``total`` (the reference). 2. Per-slot floors: the j-th best reviewer of
    paper p must score at least tau[p, j]; tau is a profile scaled to add up to a common
    target t, first the paper's own best k scores (a paper with plenty of slack keeps no
    floor on its last slot, so reviewers who only have weak pairs but are owed their
    minimum load still fit). Floors are nested "at least j reviewers above tau_j"
    constraints, i.e. a chain of k-1 extra nodes per paper, so the problem stays a flow
    and every paper is *guaranteed* a sum >= t. t starts at the hardest paper's own best
    k (an upper bound on the max-min) and is bisected with max-flow feasibility checks
    only if that fails, also with floors shaped like the total-optimal assignment.
    3. Min-cost flow for the total under those floors. 4. Only if the worst paper is
    still below the upper bound: a local search (exchanges and chains of two moves that
    keep every load in bounds) raises the worst papers, and floors shaped like its
    result let the min-cost flow win back total (up to 3 rounds, 5 s each).
    5. Repair: if the 5th-percentile paper score or the number of papers with a weak
    reviewer (< 0.2) came out worse than in the total-optimal assignment, the papers
    responsible get floors taken from their total-optimal reviewers (which that
    assignment meets) and step 3 runs again (at most 4 rounds; a round that turns out
    infeasible is dropped). 6. The result never has a lower worst paper than the
    total-optimal assignment (which is returned otherwise).

    Measured (bench/README.md): on the four shared presets the worst paper reaches the
    LP max-min bound exactly (steps 4 and 5 are not needed except step 5 on `small`),
    p5 and the weak count are no worse than the total optimum's, the total is within
    0.5% of the optimum, and `large` (12k x 9k, k=4) takes about 6.5 s end to end (5.5 s
    for ``total``), 0.55 GB peak.
    Limitation: on instances where one topic has far more papers than reviewers (the
    `clustered` test instances) the worst paper gets within a few % of a 60 s MILP
    incumbent, but the total drops 2-4% (an LP says ~0.3% would do at that minimum) and
    the weak-reviewer count can rise by a few papers when the repair round is
    infeasible.

Infeasible inputs raise `errors.Infeasible` naming the papers/reviewers at fault (simple
counts first, then a min cut for a group of papers competing for too few reviewers).
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # what the lazy names below are, for the type checker
    from .errors import Infeasible, InputError
    from .problem import Problem, load_csv, make_problem, problem_from_records
    from .solve import Assignment, assign

__all__ = [
    "Assignment",
    "Infeasible",
    "InputError",
    "Problem",
    "assign",
    "load_csv",
    "make_problem",
    "problem_from_records",
]

_LAZY = {
    "Assignment": "solve",
    "assign": "solve",
    "Infeasible": "errors",
    "InputError": "errors",
    "Problem": "problem",
    "load_csv": "problem",
    "make_problem": "problem",
    "problem_from_records": "problem",
}


def __getattr__(name: str) -> object:  # numpy and OR-Tools load only when used
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
