#!/usr/bin/env python3
"""Benchmark of `paperdesk assign` (and of the conflicts finder) on shared instances.

For each preset of shared/bench/matching/gen.py (small, workshop, medium, large) this
generates the instance into bench/.cache/<preset>/ (git-ignored, reused while its
instance.json matches), computes the LP references with bound.py (cached in
bound.json: several minutes for `large`), runs `paperdesk assign` from CSV to CSV in a
subprocess for the `total` and `fair` objectives, measures wall time and peak memory
(the child's own rusage via wait4), scores the result with score.py --bound and prints
one table.

    .venv/bin/python bench/matching.py                       # all presets
    .venv/bin/python bench/matching.py --presets small,workshop --skip-fair
    .venv/bin/python bench/matching.py --conflicts           # 12,000 x 9,000 conflicts
    .venv/bin/python bench/matching.py --randomized 0.5      # randomized mode, cap 0.5

`--randomized Q` runs `paperdesk assign --objective randomized --probability-limit Q`
on each preset and compares its expected total with the LP optimum under the same caps
(scipy/HiGHS, the reference), then samples 1,000 assignments of the `small` preset and
counts the pairs whose empirical frequency lies more than 3 sigma from its marginal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "bench" / "matching"
CACHE = ROOT / "bench" / ".cache"
PRESETS = ("small", "workshop", "medium", "large")


def _cache_dir(base: Path) -> Path:
    base.mkdir(parents=True, exist_ok=True)
    ignore = base / ".gitignore"
    if not ignore.exists():
        ignore.write_text("*\n")
    return base


def _run(cmd):
    """(returncode, stdout, stderr, wall seconds, CPU seconds, peak MB) of one child.

    The child writes to temporary files and is reaped with os.wait4, which gives its
    own peak resident set size (not that of earlier children).
    """
    import tempfile

    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        cpu = usage.ru_utime + usage.ru_stime
        return proc.returncode, out.read(), err.read(), wall, cpu, usage.ru_maxrss / 1024.0


def ensure_instance(preset: str, cache: Path, with_bound: bool) -> Path:
    d = cache / preset
    meta = d / "instance.json"
    ok = meta.exists() and json.loads(meta.read_text()).get("params", {}).get("preset") == preset
    if not ok:
        print(f"[{preset}] generating ...", file=sys.stderr, flush=True)
        subprocess.run([sys.executable, str(SHARED / "gen.py"), "--preset", preset, "--out",
                        str(d)], check=True)
    bound = d / "bound.json"
    if with_bound and not bound.exists():
        print(f"[{preset}] LP references (bound.py; minutes for large) ...", file=sys.stderr,
              flush=True)
        subprocess.run([sys.executable, str(SHARED / "bound.py"), str(d), "--out", str(bound)],
                       check=True, stdout=subprocess.DEVNULL)
    return d


def assign_cmd():
    exe = ROOT / ".venv" / "bin" / "paperdesk"
    if exe.exists():
        return [str(exe)]
    return [sys.executable, "-m", "paperdesk.cli"]


def run_preset(preset: str, d: Path, objective: str) -> dict:
    params = json.loads((d / "instance.json").read_text())["params"]
    out = d / f"assignment_{objective}.csv"
    cmd = assign_cmd() + [
        "assign", "--scores", str(d / "scores.csv"), "--constraints", str(d / "constraints.csv"),
        "--max-papers", str(d / "max_papers.csv"), "--reviewers-per-paper", str(params["k"]),
        "--max-load", str(params["max_load"]), "--min-load", str(params["min_load"]),
        "--objective", objective, "--out", str(out), "--json",
    ]
    rc, stdout, stderr, wall, cpu, peak = _run(cmd)
    if rc != 0:
        raise SystemExit(f"[{preset}/{objective}] paperdesk assign failed ({rc}):\n{stderr}")
    summary = json.loads(stdout)
    scored = d / f"score_{objective}.json"
    score_cmd = [sys.executable, str(SHARED / "score.py"), str(d), str(out), "--json",
                 str(scored)]
    if (d / "bound.json").exists():
        score_cmd += ["--bound", str(d / "bound.json")]
    s = subprocess.run(score_cmd, capture_output=True, text=True)
    metrics = json.loads(scored.read_text())
    return {"preset": preset, "objective": objective, "wall": wall, "cpu": cpu, "peak_mb": peak,
            "valid": s.returncode == 0 and metrics["valid"], "summary": summary, **metrics}


def fmt(x, spec):
    return "-" if x is None else format(x, spec)


def print_table(rows):
    head = ("preset", "objective", "valid", "wall s", "CPU s", "peak MB", "total", "gap LP total %",
            "worst paper", "LP max-min", "gap worst %", "p5 paper", "papers w/ reviewer<0.2",
            "fair vs total: total %", "p5", "weak")
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    by = {(r["preset"], r["objective"]): r for r in rows}
    for r in rows:
        base = by.get((r["preset"], "total"))
        dt = dp = dw = None
        if r["objective"] == "fair" and base:
            dt = 100 * (r["total_affinity"] - base["total_affinity"]) / base["total_affinity"]
            dp = r["paper_sum_p05"] - base["paper_sum_p05"]
            dw = r["papers_worst_below_0.2"] - base["papers_worst_below_0.2"]
        cells = (
            r["preset"], r["objective"], "yes" if r["valid"] else "NO", fmt(r["wall"], ".2f"),
            fmt(r["cpu"], ".2f"), fmt(r["peak_mb"], ".0f"), fmt(r["total_affinity"], ".4f"),
            fmt(r.get("gap_total_pct"), ".4f"), fmt(r["paper_sum_min"], ".4f"),
            fmt(r.get("lp_maxmin_bound"), ".4f"), fmt(r.get("gap_min_paper_pct"), ".2f"),
            fmt(r["paper_sum_p05"], ".4f"), str(r["papers_worst_below_0.2"]),
            fmt(dt, "+.2f"), fmt(dp, "+.4f"), fmt(dw, "+d"),
        )
        print("| " + " | ".join(cells) + " |")


# ---------------------------------------------------------------- randomized


def capped_lp_total(d: Path, cap: float) -> tuple[float, float]:
    """(LP optimum of the expected total under the cap, seconds) by HiGHS, the reference."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from scipy.optimize import linprog
    from scipy.sparse import coo_matrix, vstack

    from paperdesk.matching.problem import load_csv

    params = json.loads((d / "instance.json").read_text())["params"]
    prob = load_csv(str(d / "scores.csv"), k=params["k"], max_load=params["max_load"], min_load=params["min_load"],
                    constraints_path=str(d / "constraints.csv"), max_papers_path=str(d / "max_papers.csv"))
    demand, lo, hi = prob.residual()
    n = len(prob.pair_paper)
    t0 = time.perf_counter()
    papers = coo_matrix((np.ones(n), (prob.pair_paper, np.arange(n))), shape=(prob.P, n)).tocsr()
    loads = coo_matrix((np.ones(n), (prob.pair_reviewer, np.arange(n))), shape=(prob.R, n)).tocsr()
    result = linprog(-prob.pair_score, A_ub=vstack([loads, -loads]), b_ub=np.concatenate([hi, -lo]),
                     A_eq=papers, b_eq=demand, bounds=(0, cap), method="highs")
    if result.status != 0:
        raise SystemExit(f"reference LP failed: {result.message}")
    return float(prob.forced_score.sum()) - float(result.fun), time.perf_counter() - t0


def bench_randomized(presets, cache: Path, cap: float, reference_presets, samples: int = 1000) -> int:
    print(f"randomized, probability limit {cap}")
    print("| preset | valid | wall s | CPU s | peak MB | expected total | LP optimum under the caps | gap % | LP s |")
    print("|---|---|---|---|---|---|---|---|---|")
    ok = True
    for preset in presets:
        d = ensure_instance(preset, cache, False)
        params = json.loads((d / "instance.json").read_text())["params"]
        out, marg = d / "assignment_randomized.csv", d / "marginals.csv"
        cmd = assign_cmd() + [
            "assign", "--scores", str(d / "scores.csv"), "--constraints", str(d / "constraints.csv"),
            "--max-papers", str(d / "max_papers.csv"), "--reviewers-per-paper", str(params["k"]),
            "--max-load", str(params["max_load"]), "--min-load", str(params["min_load"]),
            "--objective", "randomized", "--probability-limit", str(cap), "--seed", "1",
            "--marginals", str(marg), "--out", str(out), "--json"]
        print(f"[{preset}] paperdesk assign --objective randomized ...", file=sys.stderr, flush=True)
        rc, stdout, stderr, wall, cpu, peak = _run(cmd)
        if rc != 0:
            raise SystemExit(f"[{preset}/randomized] failed ({rc}):\n{stderr}")
        expected = json.loads(stdout)["expected_total_affinity"]
        scored = d / "score_randomized.json"
        check = subprocess.run([sys.executable, str(SHARED / "score.py"), str(d), str(out), "--json", str(scored)],
                               capture_output=True, text=True)
        valid = check.returncode == 0 and json.loads(scored.read_text())["valid"]
        if preset in reference_presets:
            reference, lp_seconds = capped_lp_total(d, cap)
            gap = 100 * (reference - expected) / abs(reference)
            ok &= valid and gap <= 0.1
            ref_cells = f"{reference:.4f} | {gap:.5f} | {lp_seconds:.1f}"
        else:
            ok &= valid
            ref_cells = "- | - | -"
        print(f"| {preset} | {'yes' if valid else 'NO'} | {wall:.2f} | {cpu:.2f} | {peak:.0f} | {expected:.4f} | "
              f"{ref_cells} |", flush=True)
    ok &= _sampling_check(cache, cap, samples)
    return 0 if ok else 1


def _sampling_check(cache: Path, cap: float, samples: int) -> bool:
    sys.path.insert(0, str(ROOT))
    import numpy as np

    from paperdesk.matching import randomized
    from paperdesk.matching.problem import load_csv

    d = ensure_instance("small", cache, False)
    params = json.loads((d / "instance.json").read_text())["params"]
    prob = load_csv(str(d / "scores.csv"), k=params["k"], max_load=params["max_load"], min_load=params["min_load"],
                    constraints_path=str(d / "constraints.csv"), max_papers_path=str(d / "max_papers.csv"))
    marginals = randomized.solve_marginals(prob, randomized.pair_caps(prob, cap))
    rng = np.random.default_rng(2020)
    counts = np.zeros(len(marginals.units))
    t0 = time.perf_counter()
    for _ in range(samples):
        counts += randomized.sample(marginals, rng)
    seconds = time.perf_counter() - t0
    p = marginals.probability
    sigma = np.sqrt(p * (1 - p) / samples)
    fractional = sigma > 0
    z = np.abs(counts / samples - p)[fractional] / sigma[fractional]
    outside = int((z > 3).sum())
    expected_outside = 0.0027 * len(z)
    print(f"sampling, small preset: {samples} assignments in {seconds:.1f} s; {len(z)} pairs with 0 < p < 1; "
          f"{outside} outside 3 sigma (a fair sampler: about {expected_outside:.0f}), largest |z| {z.max():.2f}")
    return outside <= max(3 * expected_outside, 5)


# ---------------------------------------------------------------- conflicts


def synthetic_people(P=12000, R=9000, authors_per_paper=4, n_inst=3000, seed=7):
    """Papers' authors and reviewers with e-mails, dated affiliations and co-authors.

    Institution popularity falls as 1/(rank+10) (the largest has ~2% of people); ~8%
    use a public mail domain; some institutions use alias domains (google/deepmind,
    fb/meta, ox/oxford); each person has ~25 co-authors (two thirds from their own
    institution) with years 2012-2025.
    """
    import numpy as np

    from paperdesk.matching.conflicts import Affiliation, Person, Submission

    rng = np.random.default_rng(seed)
    domains = [f"inst{i}.edu" for i in range(n_inst)]
    domains[0], domains[1], domains[2] = "google.com", "fb.com", "ox.ac.uk"
    alias = {0: "deepmind.com", 1: "meta.com", 2: "oxford.ac.uk"}
    w = 1.0 / (np.arange(n_inst) + 10.0)
    w /= w.sum()
    n_people = int(P * authors_per_paper / 1.3) + R
    inst = rng.choice(n_inst, size=n_people, p=w)
    past = rng.choice(n_inst, size=n_people, p=w)
    past_end = rng.integers(2010, 2026, size=n_people)
    public = rng.random(n_people) < 0.08
    use_alias = rng.random(n_people) < 0.5
    names = [f"Person {i} Name{i % 977}" for i in range(n_people)]
    by_inst = [[] for _ in range(n_inst)]
    for i, k in enumerate(inst.tolist()):
        by_inst[k].append(i)
    n_co = rng.poisson(25, size=n_people)
    years = rng.integers(2012, 2026, size=int(n_co.sum()))
    rand_co = rng.integers(0, n_people, size=int(n_co.sum()))
    same = rng.random(int(n_co.sum())) < 0.66
    people = []
    pos = 0
    for i in range(n_people):
        k = int(inst[i])
        dom = "gmail.com" if public[i] else (alias[k] if k in alias and use_alias[i]
                                             else domains[k])
        co = []
        mates = by_inst[k]
        for c in range(int(n_co[i])):
            x = int(rand_co[pos + c])
            j = mates[x % len(mates)] if same[pos + c] else x
            co.append((names[j], int(years[pos + c])))
        pos += int(n_co[i])
        affs = (Affiliation(domains[k], 2018, None),
                Affiliation(f"Institute {int(past[i])}", 2005, int(past_end[i])))
        people.append(Person(names[i], (f"p{i}@{dom}",), affs, tuple(co)))
    n_auth = n_people - R
    subs = []
    au = rng.integers(0, n_auth, size=(P, authors_per_paper))
    for p in range(P):
        subs.append(Submission(f"P{p:05d}", tuple(people[a] for a in au[p].tolist())))
    revs = []
    for j in range(R):
        src = people[n_auth + j]
        revs.append(Person(src.name, src.emails, src.affiliations, src.coauthors, f"~R{j:05d}"))
    return subs, revs


def bench_conflicts(P=12000, R=9000):
    import resource

    from paperdesk.matching.conflicts import find_conflicts

    t0 = time.perf_counter()
    subs, revs = synthetic_people(P, R)
    t1 = time.perf_counter()
    c = find_conflicts(subs, revs, year=2025, coauthor_years=3, affiliation_years=3)
    t2 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    n_auth = sum(len(s.authors) for s in subs)
    print(f"conflicts: {P} papers ({n_auth} author slots) x {R} reviewers -> "
          f"{len(c)} conflict pairs ({100 * len(c) / (P * R):.2f}% of pairs)")
    print(f"  generate {t1 - t0:.1f} s (not timed), find_conflicts {t2 - t1:.2f} s, "
          f"process peak {peak:.0f} MB")
    i = len(c) // 2
    p, r = c.pairs()[i]
    print(f"  e.g. {p} / {r}: {c.reasons(p, r)}")
    return t2 - t1


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--presets", default=",".join(PRESETS),
                    help="comma-separated subset of " + ",".join(PRESETS))
    ap.add_argument("--skip-fair", action="store_true", help="total objective only")
    ap.add_argument("--no-bound", action="store_true", help="skip the LP references")
    ap.add_argument("--conflicts", action="store_true",
                    help="time the conflicts finder on 12,000 x 9,000 synthetic people "
                    "(instead of the assignment presets)")
    ap.add_argument("--cache", default=str(CACHE), help="instance cache directory")
    ap.add_argument("--randomized", type=float, metavar="Q",
                    help="the randomized mode with probability limit Q instead of total/fair")
    ap.add_argument("--lp-reference", default="small,workshop,medium",
                    help="randomized: presets whose capped LP HiGHS solves as the reference (large: many minutes)")
    a = ap.parse_args(argv)
    if a.conflicts:
        sys.path.insert(0, str(ROOT))
        bench_conflicts()
        return 0
    if not (SHARED / "gen.py").exists():
        raise SystemExit(f"shared bench scripts not found in {SHARED}")
    cache = _cache_dir(Path(a.cache))
    presets = [p.strip() for p in a.presets.split(",") if p.strip()]
    bad = [p for p in presets if p not in PRESETS]
    if bad:
        ap.error(f"unknown preset(s) {bad}")
    if a.randomized is not None:
        references = [p.strip() for p in a.lp_reference.split(",") if p.strip()]
        return bench_randomized(presets, cache, a.randomized, references)
    rows = []
    for preset in presets:
        d = ensure_instance(preset, cache, not a.no_bound)
        for objective in ("total",) if a.skip_fair else ("total", "fair"):
            print(f"[{preset}] paperdesk assign --objective {objective} ...", file=sys.stderr,
                  flush=True)
            rows.append(run_preset(preset, d, objective))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else None
    print(f"machine: {os.cpu_count()} CPUs, load average {fmt(load, '.2f')} at the end "
          "(wall times grow with other load; CPU s much less)")
    print_table(rows)
    return 0 if all(r["valid"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
