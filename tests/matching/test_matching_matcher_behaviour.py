"""`paperdesk assign` on instances modelled on the OpenReview matcher's published behaviour
(written here from its documented rules, not from its code): pairs of any sign, zero
scores only when allowed, per-paper demands, per-reviewer minimums, randomized assignment
with probability limits, alternates; exit 0 done, 1 infeasible, 2 bad input."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from paperdesk.matching import randomized
from paperdesk.matching.problem import make_problem

ROOT = Path(__file__).resolve().parents[2]


def assign(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "paperdesk.cli", "assign", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})


def rows(path: Path) -> list[list[str]]:
    with open(path, newline="") as f:
        return [row for row in csv.reader(f) if row]


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return path.name


# --- scores of any sign, zero only when allowed ---------------------------------------------

def test_negative_scores_are_usable(tmp_path):
    """Only negative pairs for P0: the matcher assigns them; an infeasible report is wrong."""
    write(tmp_path / "s.csv", "P0,R0,-0.5\nP0,R1,-0.2\nP1,R0,0.3\nP1,R1,0.9\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "2", "--max-load", "2", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    assert sorted(map(tuple, rows(tmp_path / "a.csv"))) == [
        ("P0", "R0", "-0.5"), ("P0", "R1", "-0.2"), ("P1", "R0", "0.3"), ("P1", "R1", "0.9")]


def test_the_less_negative_pair_wins():
    prob = make_problem(["P0"], ["R0", "R1", "R2"], [0, 0, 0], [0, 1, 2], [-0.9, -0.1, -0.5], k=1, max_load=1)
    from paperdesk.matching import assign as solve

    result = solve(prob, "total")
    assert [prob.reviewer_ids[j] for j in result.reviewer] == ["R1"]


def test_a_zero_score_is_used_only_when_allowed(tmp_path):
    write(tmp_path / "s.csv", "P0,R0,0\nP0,R1,0.4\n")
    refused = assign(tmp_path, "--scores", "s.csv", "-k", "2", "--max-load", "1", "--out", "a.csv")
    assert refused.returncode == 1
    assert "P0 (1 < 2)" in refused.stderr
    allowed = assign(tmp_path, "--scores", "s.csv", "-k", "2", "--max-load", "1", "--allow-zero-score", "--out", "a.csv")
    assert allowed.returncode == 0, allowed.stderr
    assert {row[1] for row in rows(tmp_path / "a.csv")} == {"R0", "R1"}


def test_a_pair_listed_twice_is_bad_input_naming_both_lines(tmp_path):
    write(tmp_path / "s.csv", "P0,R0,0.1\nP0,R1,0.2\nP0,R0,0.3\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "1", "--out", "a.csv")
    assert r.returncode == 2
    assert "s.csv:3:" in r.stderr and "lines 1, 3" in r.stderr
    assert not (tmp_path / "a.csv").exists()


def test_a_huge_max_load_means_no_limit(tmp_path):
    write(tmp_path / "s.csv", "P0,R0,0.1\nP1,R0,0.2\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "99999999999999999999", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert len(rows(tmp_path / "a.csv")) == 2


# --- per-paper demands and per-reviewer minimums ---------------------------------------------

def scores_grid(tmp_path, papers=4, reviewers=4, seed=0) -> str:
    rng = np.random.default_rng(seed)
    lines = [f"P{i},R{j},{rng.random():.4f}" for i in range(papers) for j in range(reviewers)]
    return write(tmp_path / "s.csv", "\n".join(lines) + "\n")


def test_demands_override_k_per_paper_and_zero_is_allowed(tmp_path):
    scores_grid(tmp_path)
    write(tmp_path / "d.csv", "P0,3\nP1,0\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "2", "--demands", "d.csv", "--max-load", "4", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    per_paper: dict[str, int] = {}
    for paper, _, _ in rows(tmp_path / "a.csv"):
        per_paper[paper] = per_paper.get(paper, 0) + 1
    assert per_paper == {"P0": 3, "P2": 2, "P3": 2}


def test_a_demand_no_reviewer_pool_can_meet_is_infeasible_naming_the_paper(tmp_path):
    scores_grid(tmp_path)
    write(tmp_path / "d.csv", "P2,5\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--demands", "d.csv", "--max-load", "4", "--out", "a.csv")
    assert r.returncode == 1
    assert "P2 (4 < 5)" in r.stderr


def test_per_reviewer_minimums_hold(tmp_path):
    scores_grid(tmp_path)
    write(tmp_path / "min.csv", "R3,4\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "4", "--min-papers", "min.csv", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    assert [row[1] for row in rows(tmp_path / "a.csv")] == ["R3"] * 4


def test_a_minimum_that_cannot_be_met_names_the_reviewer(tmp_path):
    scores_grid(tmp_path)
    write(tmp_path / "min.csv", "R1,3\nR2,3\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "4", "--min-papers", "min.csv", "--out", "a.csv")
    assert r.returncode == 1
    assert "minimum" in r.stderr and ("R1" in r.stderr or "R2" in r.stderr)


@pytest.mark.parametrize("name,text,message", [
    ("d.csv", "P0,-1\n", "k -1 is not a whole number >= 0"),
    ("d.csv", "P0,1.5\n", "k 1.5 is not a whole number >= 0"),
    ("min.csv", "R0,x\n", "is not a number"),
])
def test_bad_demand_or_minimum_files_exit_2_with_the_line(tmp_path, name, text, message):
    scores_grid(tmp_path)
    write(tmp_path / name, text)
    flag = "--demands" if name == "d.csv" else "--min-papers"
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "4", flag, name, "--out", "a.csv")
    assert r.returncode == 2
    assert f"{name}:1:" in r.stderr and message in r.stderr


# --- randomized assignment -------------------------------------------------------------------

def random_problem(papers=12, reviewers=12, k=3, seed=4, density=0.95, min_load=0):
    rng = np.random.default_rng(seed)
    pp, rr = np.meshgrid(np.arange(papers), np.arange(reviewers), indexing="ij")
    keep = rng.random(pp.size) < density
    pp, rr = pp.ravel()[keep], rr.ravel()[keep]
    return make_problem([f"P{i}" for i in range(papers)], [f"R{j}" for j in range(reviewers)], pp, rr,
                        rng.random(len(pp)), k=k, max_load=5, min_load=min_load)


def lp_optimum(prob, caps) -> float:
    """The LP the randomized mode solves, by HiGHS: the reference for its optimality."""
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    n = len(prob.pair_paper)
    papers = coo_matrix((np.ones(n), (prob.pair_paper, np.arange(n))), shape=(prob.P, n))
    loads = coo_matrix((np.ones(n), (prob.pair_reviewer, np.arange(n))), shape=(prob.R, n))
    result = linprog(-prob.pair_score, A_ub=vstack([loads, -loads]),
                     b_ub=np.concatenate([prob.max_load, -prob.min_load]), A_eq=papers, b_eq=prob.demand,
                     bounds=list(zip(np.zeros(n), caps)), method="highs")
    assert result.status == 0
    return -result.fun


@pytest.mark.parametrize("cap", [0.5, 0.4, 0.75, 1 / 3])
def test_marginals_reach_the_lp_optimum_under_the_caps(cap):
    prob = random_problem(min_load=1)
    caps = randomized.pair_caps(prob, cap)
    marginals = randomized.solve_marginals(prob, caps)
    assert marginals.probability.max() <= cap + 1e-12
    assert np.allclose(np.bincount(marginals.paper, weights=marginals.probability, minlength=prob.P), prob.demand)
    reference = lp_optimum(prob, np.floor(caps * marginals.denominator + 1e-9) / marginals.denominator)
    assert marginals.expected_total() == pytest.approx(reference, rel=1e-6)
    if cap != 1 / 3:  # a cap with a small exact denominator is not rounded at all
        assert marginals.expected_total() == pytest.approx(lp_optimum(prob, caps), rel=1e-6)


def test_samples_keep_demands_and_loads_and_follow_the_marginals():
    prob = random_problem()
    marginals = randomized.solve_marginals(prob, randomized.pair_caps(prob, 0.5))
    rng = np.random.default_rng(11)
    n = 2000
    counts = np.zeros(len(marginals.units))
    for _ in range(n):
        mask = randomized.sample(marginals, rng)
        assert (np.bincount(marginals.paper[mask], minlength=prob.P) == prob.demand).all()
        loads = np.bincount(marginals.reviewer[mask], minlength=prob.R)
        assert (loads <= prob.max_load).all() and (loads >= prob.min_load).all()
        counts += mask
    p = marginals.probability
    sigma = np.sqrt(p * (1 - p) / n)
    z = np.abs(counts / n - p) / np.where(sigma > 0, sigma, 1)
    assert z.max() < 4.5, z.max()  # ~ 1e-5 chance per pair under the null


def test_randomized_cli_writes_marginals_and_a_reproducible_sample(tmp_path):
    scores_grid(tmp_path, papers=6, reviewers=6)
    args = ["--scores", "s.csv", "-k", "2", "--max-load", "3", "--objective", "randomized",
            "--probability-limit", "0.5", "--marginals", "m.csv", "--seed", "7", "--json"]
    first = assign(tmp_path, *args, "--out", "a.csv")
    second = assign(tmp_path, *args, "--out", "b.csv")
    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    marginals = rows(tmp_path / "m.csv")
    assert max(float(p) for _, _, p in marginals) <= 0.5
    by_paper: dict[str, float] = {}
    for paper, _, p in marginals:
        by_paper[paper] = by_paper.get(paper, 0) + float(p)
    assert all(abs(total - 2) < 1e-9 for total in by_paper.values())
    assert '"expected_total_affinity"' in first.stdout


def test_per_pair_limits_cap_single_pairs(tmp_path):
    scores_grid(tmp_path, papers=3, reviewers=4)
    write(tmp_path / "l.csv", "P0,R0,0.1\nP1,R2,0\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "3", "--objective", "randomized",
               "--limits", "l.csv", "--marginals", "m.csv", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    p = {(a, b): float(q) for a, b, q in rows(tmp_path / "m.csv")}
    assert p.get(("P0", "R0"), 0) <= 0.1 and ("P1", "R2") not in p


def test_caps_that_starve_a_paper_exit_1_naming_it(tmp_path):
    write(tmp_path / "s.csv", "P0,R0,0.5\nP0,R1,0.5\nP0,R2,0.5\nP1,R0,0.5\nP1,R1,0.5\nP1,R2,0.5\nP1,R3,0.5\n")
    r = assign(tmp_path, "--scores", "s.csv", "-k", "2", "--max-load", "2", "--objective", "randomized",
               "--probability-limit", "0.5", "--out", "a.csv")
    assert r.returncode == 1
    assert "P0 (1.5 < 2)" in r.stderr


@pytest.mark.parametrize("args,message", [
    (["--objective", "randomized"], "needs --probability-limit"),
    (["--probability-limit", "0.5"], "applies to --objective randomized only"),
    (["--objective", "randomized", "--probability-limit", "1.5"], "must be a probability"),
    (["--alternates", "2"], "needs --alternates-out"),
])
def test_option_mistakes_exit_2(tmp_path, args, message):
    scores_grid(tmp_path)
    r = assign(tmp_path, "--scores", "s.csv", "-k", "1", "--max-load", "4", *args, "--out", "a.csv")
    assert r.returncode == 2 and message in r.stderr


# --- alternates -------------------------------------------------------------------------------

def test_alternates_are_unassigned_usable_reviewers_with_room_best_first(tmp_path):
    write(tmp_path / "s.csv", "P0,R0,0.9\nP0,R1,0.8\nP0,R2,0.7\nP0,R3,0.6\nP1,R0,0.5\nP1,R3,0.4\n")
    write(tmp_path / "c.csv", "P0,R2,-1\n")
    write(tmp_path / "max.csv", "R1,1\n")
    r = assign(tmp_path, "--scores", "s.csv", "--constraints", "c.csv", "--max-papers", "max.csv", "-k", "1",
               "--max-load", "2", "--alternates", "2", "--alternates-out", "alt.csv", "--out", "a.csv")
    assert r.returncode == 0, r.stderr
    assigned = {(p, rv) for p, rv, _ in rows(tmp_path / "a.csv")}
    assert assigned == {("P0", "R0"), ("P1", "R0")}
    alternates = rows(tmp_path / "alt.csv")
    # P0: R1 (0.8, room 1), R3 (0.6); R2 is a conflict; P1: R3 only (R0 assigned)
    assert alternates == [["P0", "R1", "0.8", "1"], ["P0", "R3", "0.6", "2"], ["P1", "R3", "0.4", "1"]]
