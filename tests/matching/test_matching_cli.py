"""`paperdesk assign` end to end, in subprocesses (no database, no Django)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_PAPERDESK = ROOT / ".venv" / "bin" / "paperdesk"
GEN = ROOT.parent / "shared" / "bench" / "matching"


def entry_points():
    eps = [[sys.executable, "-m", "paperdesk.cli"]]
    if VENV_PAPERDESK.exists():
        eps.append([str(VENV_PAPERDESK)])
    return eps


def run(cmd, *args, cwd=None):
    return subprocess.run([*cmd, "assign", *args], capture_output=True, text=True, cwd=cwd,
                          timeout=120)


@pytest.fixture
def instance(tmp_path):
    papers = [f"P{i}" for i in range(6)]
    revs = [f"R{j}" for j in range(5)]
    rows = [f"{p},{r},{((i * 7 + j * 3) % 10 + 1) / 10}\n"
            for i, p in enumerate(papers) for j, r in enumerate(revs)]
    (tmp_path / "scores.csv").write_text("".join(rows))
    (tmp_path / "constraints.csv").write_text("P0,R0,-1\nP1,R4,1\n")
    (tmp_path / "max_papers.csv").write_text("R3,1\n")
    return tmp_path


@pytest.mark.parametrize("cmd", entry_points(), ids=lambda c: Path(c[-1]).name)
@pytest.mark.parametrize("objective", ["total", "fair"])
def test_assign_writes_csv_and_json(instance, cmd, objective):
    out = instance / "assignment.csv"
    r = run(cmd, "--scores", "scores.csv", "--constraints", "constraints.csv",
            "--max-papers", "max_papers.csv", "--reviewers-per-paper", "2", "--max-load", "3",
            "--min-load", "1", "--objective", objective, "--out", str(out), "--json",
            cwd=instance)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout)
    for key in ("total_affinity", "paper_score_min", "paper_score_mean", "paper_score_p05",
                "papers_with_weak_reviewer", "time_seconds", "papers", "reviewers"):
        assert key in summary
    rows = [line.split(",") for line in out.read_text().splitlines()]
    assert len(rows) == 12 and all(len(x) == 3 for x in rows)
    pairs = {(p, r) for p, r, _ in rows}
    assert ("P0", "R0") not in pairs and ("P1", "R4") in pairs
    loads = {}
    for _, rv, _ in rows:
        loads[rv] = loads.get(rv, 0) + 1
    assert loads.get("R3", 0) <= 1 and all(1 <= v <= 3 for v in loads.values())
    assert abs(sum(float(s) for _, _, s in rows) - summary["total_affinity"]) < 1e-6
    assert summary["objective"] == objective and summary["papers"] == 6


def test_plain_output_without_json(instance):
    r = run(entry_points()[0], "--scores", str(instance / "scores.csv"), "-k", "2",
            "--max-load", "3", "--out", str(instance / "a.csv"))
    assert r.returncode == 0 and r.stdout.startswith("assigned 12 pairs")


def test_infeasible_exits_1_and_names_papers(instance):
    (instance / "constraints.csv").write_text("P2,R0,-1\nP2,R1,-1\nP2,R2,-1\nP2,R3,-1\n")
    r = run(entry_points()[0], "--scores", "scores.csv", "--constraints", "constraints.csv",
            "-k", "2", "--max-load", "3", "--out", "a.csv", cwd=instance)
    assert r.returncode == 1
    assert "P2 (1 < 2)" in r.stderr and "fewer usable reviewers than they need" in r.stderr
    assert not (instance / "a.csv").exists()


def test_forced_conflict_exits_1(instance):
    (instance / "constraints.csv").write_text("P2,R0,-1\nP2,R0,1\n")
    r = run(entry_points()[0], "--scores", "scores.csv", "--constraints", "constraints.csv",
            "-k", "2", "--max-load", "3", "--out", "a.csv", cwd=instance)
    assert r.returncode == 1 and "P2/R0" in r.stderr


def test_malformed_csv_exits_2_with_file_and_line(instance):
    (instance / "scores.csv").write_text("P0,R0,0.5\nP0,R1\n")
    r = run(entry_points()[0], "--scores", "scores.csv", "-k", "1", "--max-load", "3",
            "--out", "a.csv", cwd=instance)
    assert r.returncode == 2 and "scores.csv:2:" in r.stderr


@pytest.mark.parametrize("args", [
    ["--scores", "scores.csv", "--max-load", "3", "--out", "a.csv"],  # no k
    ["--scores", "scores.csv", "-k", "0", "--max-load", "3", "--out", "a.csv"],
    ["--scores", "scores.csv", "-k", "1", "--max-load", "3", "--out", "a.csv",
     "--objective", "best"],
    ["--scores", "missing.csv", "-k", "1", "--max-load", "3", "--out", "a.csv"],
    ["--scores", "scores.csv", "-k", "1", "--max-load", "3", "--out", "nodir/a.csv"],
])
def test_bad_arguments_exit_2(instance, args):
    r = run(entry_points()[0], *args, cwd=instance)
    assert r.returncode == 2 and r.stderr


def _imports(args, cwd):
    code = (
        "import sys\n"
        "from paperdesk.cli import main\n"
        f"rc = main(['assign', *{args!r}])\n"
        "print(' '.join(sorted(m for m in sys.modules)))\n"
        "sys.exit(rc)\n"
    )
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd,
                       timeout=120)
    return r, set(r.stdout.split())


def test_startup_imports_no_django(instance):
    # --help: the standard library only
    r, mods = _imports(["--help"], instance)
    assert r.returncode == 0
    for heavy in ("django", "numpy", "ortools", "scipy", "sklearn"):
        assert heavy not in mods, heavy
    # a real run: numpy and OR-Tools, still no Django (nor scikit-learn / scipy)
    r, mods = _imports(["--scores", "scores.csv", "-k", "2", "--max-load", "3", "--out",
                        "a.csv"], instance)
    assert r.returncode == 0, r.stderr
    assert "numpy" in mods and "ortools" in mods
    assert not any(m == "django" or m.startswith("django.") for m in mods)
    assert "sklearn" not in mods


def test_importtime_has_no_django(instance):
    r = subprocess.run([sys.executable, "-X", "importtime", "-m", "paperdesk.cli", "assign",
                        "--scores", "scores.csv", "-k", "2", "--max-load", "3", "--out",
                        "a.csv"], capture_output=True, text=True, cwd=instance, timeout=120)
    assert r.returncode == 0
    imported = [line.rsplit("|", 1)[-1].strip() for line in r.stderr.splitlines()
                if line.startswith("import time:")]
    assert imported and not [m for m in imported if m.split(".")[0] == "django"]


@pytest.mark.skipif(not (GEN / "gen.py").exists(), reason="shared bench scripts not present")
def test_bench_small_preset_meets_the_targets(tmp_path):
    """gen.py small preset -> assign total and fair -> score.py and bound.py."""
    inst = tmp_path / "small"
    subprocess.run([sys.executable, str(GEN / "gen.py"), "--preset", "small", "--out",
                    str(inst)], check=True, capture_output=True, timeout=120)
    subprocess.run([sys.executable, str(GEN / "bound.py"), str(inst), "--out",
                    str(inst / "bound.json")], check=True, capture_output=True, timeout=300)
    metrics = {}
    for objective in ("total", "fair"):
        out = tmp_path / f"{objective}.csv"
        r = run(entry_points()[0], "--scores", str(inst / "scores.csv"), "--constraints",
                str(inst / "constraints.csv"), "--max-papers", str(inst / "max_papers.csv"),
                "-k", "3", "--max-load", "6", "--min-load", "1", "--objective", objective,
                "--out", str(out))
        assert r.returncode == 0, r.stderr
        js = tmp_path / f"{objective}.json"
        s = subprocess.run([sys.executable, str(GEN / "score.py"), str(inst), str(out),
                            "--bound", str(inst / "bound.json"), "--json", str(js)],
                           capture_output=True, text=True, timeout=120)
        assert s.returncode == 0, s.stdout  # valid
        metrics[objective] = json.loads(js.read_text())
    tot, fair = metrics["total"], metrics["fair"]
    assert tot["gap_total_pct"] <= 1e-4
    assert fair["gap_min_paper_pct"] <= 2.0
    assert fair["paper_sum_p05"] >= tot["paper_sum_p05"]
    assert fair["papers_worst_below_0.2"] <= tot["papers_worst_below_0.2"]
    assert fair["gap_total_pct"] <= 1.0
