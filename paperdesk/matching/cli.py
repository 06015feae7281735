"""`paperdesk assign`: reviewer assignment from CSV files to a CSV file.

    paperdesk assign --scores scores.csv [--constraints constraints.csv]
        [--allow-zero-score] --reviewers-per-paper K [--demands demands.csv]
        --max-load L [--min-load M] [--max-papers max.csv] [--min-papers min.csv]
        [--objective total|fair|randomized] [--probability-limit Q] [--limits limits.csv]
        [--seed S] [--marginals marginals.csv]
        [--alternates N --alternates-out alternates.csv] --out assignment.csv [--json]

Writes headerless rows ``paper_id,reviewer_id,score``. Exit status: 0 done, 1 no
feasible assignment (the papers and reviewers at fault named), 2 bad arguments or
malformed input (file and line named). Only the standard library is imported before the
arguments are checked; numpy and OR-Tools load when there is work to do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # only for the type checker: numpy loads when there is work to do
    from .arrays import FloatArray, Int64Array
    from .problem import Problem
    from .randomized import Marginals
    from .solve import Assignment

_Row = TypeVar("_Row")

# A load or demand beyond any instance means "no limit"; capping keeps numpy's int64 safe.
LARGEST_COUNT = 2**40


def _count(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return min(value, LARGEST_COUNT)

    return parse


def _probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be a probability above 0 and at most 1, not {value:g}")
    return value


def build_parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(
        prog="paperdesk assign",
        description="Assign reviewers to papers: every paper gets exactly K distinct "
        "reviewers, loads stay within bounds, conflicts are never and forced pairs "
        "always assigned, pairs missing from the scores are never used.",
    )
    ap.add_argument("--scores", required=True, metavar="CSV",
                    help="paper_id,reviewer_id,score rows (headerless); higher is better")
    ap.add_argument("--constraints", metavar="CSV",
                    help="paper_id,reviewer_id,value rows: -1 conflict, 0 none, 1 forced")
    ap.add_argument("--allow-zero-score", action="store_true",
                    help="pairs whose score is exactly 0 are usable too (listed pairs with any other "
                    "score, negative included, always are)")
    ap.add_argument("--max-papers", metavar="CSV",
                    help="reviewer_id,max_papers rows overriding --max-load")
    ap.add_argument("--min-papers", metavar="CSV",
                    help="reviewer_id,min_papers rows: a hard minimum per reviewer")
    ap.add_argument("--reviewers-per-paper", "-k", type=_count(1), required=True,
                    metavar="K", help="reviewers every paper needs, unless --demands says otherwise")
    ap.add_argument("--demands", metavar="CSV",
                    help="paper_id,k rows: reviewers that paper needs (0 allowed), overriding K")
    ap.add_argument("--max-load", type=_count(0), required=True, metavar="L",
                    help="default maximum papers per reviewer")
    ap.add_argument("--min-load", type=_count(0), default=0, metavar="M",
                    help="minimum papers per reviewer who has at least one usable pair "
                    "(default 0)")
    ap.add_argument("--objective", choices=("total", "fair", "randomized"), default="total",
                    help="total: maximise the total affinity (exact); fair: raise the "
                    "worst-off paper first, then keep the total high; randomized: the "
                    "fractional assignment of maximal expected total under probability caps, "
                    "then one assignment sampled from it")
    ap.add_argument("--probability-limit", type=_probability, metavar="Q",
                    help="randomized: no pair is assigned with probability above Q")
    ap.add_argument("--limits", metavar="CSV",
                    help="randomized: paper_id,reviewer_id,q rows, a cap per pair")
    ap.add_argument("--seed", type=_count(0), metavar="S", help="randomized: the seed of the sampling")
    ap.add_argument("--marginals", metavar="CSV",
                    help="randomized: write paper_id,reviewer_id,p, each pair's probability")
    ap.add_argument("--alternates", type=_count(0), default=0, metavar="N",
                    help="per paper, up to N more reviewers a chair could call on")
    ap.add_argument("--alternates-out", metavar="CSV",
                    help="where --alternates writes paper_id,reviewer_id,score,rank")
    ap.add_argument("--out", required=True, metavar="CSV", help="assignment to write")
    ap.add_argument("--json", action="store_true",
                    help="print a JSON summary (scores, timings) on stdout")
    return ap


def _error(message: str, status: int = 2) -> int:
    print(f"paperdesk assign: error: {message}", file=sys.stderr)
    return status


def _usage_problem(args: argparse.Namespace) -> str | None:
    randomized = args.objective == "randomized"
    if not randomized:
        for flag, value in (("--probability-limit", args.probability_limit), ("--limits", args.limits),
                            ("--seed", args.seed), ("--marginals", args.marginals)):
            if value is not None:
                return f"{flag} applies to --objective randomized only"
    elif args.probability_limit is None and args.limits is None:
        return "--objective randomized needs --probability-limit Q and/or --limits FILE"
    if args.alternates and not args.alternates_out:
        return "--alternates N needs --alternates-out FILE"
    if args.alternates_out and not args.alternates:
        return "--alternates-out needs --alternates N (N >= 1)"
    for path in (args.marginals, args.alternates_out):
        if path and not os.path.isdir(os.path.dirname(os.path.abspath(path))):
            return f"{path}: directory {os.path.dirname(os.path.abspath(path))} does not exist"
    return None


def _write(path: str, rows: list[_Row], writer: Callable[[str, list[_Row]], None]) -> None:
    tmp = path + ".tmp"
    writer(tmp, rows)
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    t0 = time.perf_counter()
    ap = build_parser()
    try:
        args = ap.parse_args(argv)
    except SystemExit as exc:  # usage errors (2) and --help (0)
        return int(exc.code or 0)

    out_dir = os.path.dirname(os.path.abspath(args.out))
    if not os.path.isdir(out_dir):
        return _error(f"{args.out}: directory {out_dir} does not exist")

    problem = _usage_problem(args)
    if problem:
        return _error(problem)

    from .csvio import read_limits, write_assignment, write_rows
    from .errors import Infeasible, InputError
    from .problem import load_csv
    from .solve import alternates, assign

    extra: dict[str, Any] = {}
    marginals: Marginals | None
    try:
        prob = load_csv(
            args.scores,
            k=args.reviewers_per_paper,
            max_load=args.max_load,
            min_load=args.min_load,
            constraints_path=args.constraints,
            max_papers_path=args.max_papers,
            min_papers_path=args.min_papers,
            demands_path=args.demands,
            allow_zero_score=args.allow_zero_score,
        )
        t1 = time.perf_counter()
        if args.objective == "randomized":
            result, marginals = _randomized(prob, args, read_limits)
            extra = {"expected_total_affinity": round(marginals.expected_total(), 6),
                     "probability_denominator": marginals.denominator, "seed": args.seed}
        else:
            result, marginals = assign(prob, args.objective), None
    except InputError as exc:
        return _error(str(exc))
    except Infeasible as exc:
        return _error(str(exc), status=1)
    t2 = time.perf_counter()
    try:
        _write(args.out, result.rows(), write_assignment)
        if marginals is not None and args.marginals:
            _write(args.marginals, marginals.rows(), write_rows)
        if args.alternates:
            _write(args.alternates_out, alternates(prob, result.paper, result.reviewer, args.alternates), write_rows)
    except OSError as exc:
        return _error(f"cannot write: {exc.strerror}: {exc.filename}")
    t3 = time.perf_counter()

    summary = result.summary()
    summary.update(extra)
    summary.update({f"input_{key}": val for key, val in prob.info.items()})
    summary.update(
        {
            "read_seconds": round(t1 - t0, 3),
            "write_seconds": round(t3 - t2, 3),
            "time_seconds": round(t3 - t0, 3),
            "out": args.out,
        }
    )
    if args.json:
        json.dump(summary, sys.stdout, indent=2)
        sys.stdout.write("\n")
    else:
        print(
            f"assigned {summary['assigned_pairs']} pairs ({summary['papers']} papers x "
            f"{summary['k']}, {summary['reviewers']} reviewers, objective "
            f"{summary['objective']}) in {summary['time_seconds']:.2f} s: total "
            f"{summary['total_affinity']:.4f}, worst paper {summary['paper_score_min']:.4f}, "
            f"mean paper {summary['paper_score_mean']:.4f}; wrote {args.out}"
        )
    return 0


def _randomized(prob: Problem, args: argparse.Namespace,
                read_limits: Callable[[str], tuple[list[str], list[str], FloatArray, Int64Array]]
                ) -> tuple[Assignment, Marginals]:
    """(one sampled Assignment, the Marginals) for --objective randomized."""
    import numpy as np

    from . import randomized
    from .errors import InputError
    from .solve import Assignment

    limits = None
    if args.limits:
        lp, lr, lq, lines = read_limits(args.limits)
        pindex = {pid: i for i, pid in enumerate(prob.paper_ids)}
        rindex = {rid: j for j, rid in enumerate(prob.reviewer_ids)}
        unknown = [int(lines[i]) for i in range(len(lp)) if lp[i] not in pindex or lr[i] not in rindex]
        if unknown:
            raise InputError("names a paper or reviewer that is in no score or constraint row",
                             path=args.limits, line=unknown[0])
        limits = (np.array([pindex[p] for p in lp], dtype=np.int64),
                  np.array([rindex[r] for r in lr], dtype=np.int64), lq)
    caps = randomized.pair_caps(prob, args.probability_limit, limits)
    t0 = time.perf_counter()
    marginals = randomized.solve_marginals(prob, caps)
    mask = randomized.sample(marginals, np.random.default_rng(args.seed))
    paper = np.concatenate([prob.forced_paper, marginals.paper[mask]]).astype(np.int32)
    reviewer = np.concatenate([prob.forced_reviewer, marginals.reviewer[mask]]).astype(np.int32)
    score = np.concatenate([prob.forced_score, marginals.score[mask]])
    info = {"solve_seconds": round(time.perf_counter() - t0, 3)}
    return Assignment(prob, paper, reviewer, score, "randomized", info), marginals


if __name__ == "__main__":
    sys.exit(main())
