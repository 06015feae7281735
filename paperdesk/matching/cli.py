"""`paperdesk assign`: reviewer assignment from CSV files to a CSV file.

    paperdesk assign --scores scores.csv [--constraints constraints.csv]
        [--max-papers max_papers.csv] --reviewers-per-paper K --max-load L
        [--min-load M] [--objective total|fair] --out assignment.csv [--json]

Writes headerless rows ``paper_id,reviewer_id,score``. Exit status: 0 done, 2 bad
arguments, malformed input (file and line named) or no feasible assignment (papers and
reviewers at fault named). Only the standard library is imported before the arguments
are checked; numpy and OR-Tools load when there is work to do.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time


def _count(minimum):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, not {value}")
        return value

    return parse


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
    ap.add_argument("--max-papers", metavar="CSV",
                    help="reviewer_id,max_papers rows overriding --max-load")
    ap.add_argument("--reviewers-per-paper", "-k", type=_count(1), required=True,
                    metavar="K")
    ap.add_argument("--max-load", type=_count(0), required=True, metavar="L",
                    help="default maximum papers per reviewer")
    ap.add_argument("--min-load", type=_count(0), default=0, metavar="M",
                    help="minimum papers per reviewer who has at least one usable pair "
                    "(default 0)")
    ap.add_argument("--objective", choices=("total", "fair"), default="total",
                    help="total: maximise the total affinity (exact); fair: raise the "
                    "worst-off paper first, then keep the total high")
    ap.add_argument("--out", required=True, metavar="CSV", help="assignment to write")
    ap.add_argument("--json", action="store_true",
                    help="print a JSON summary (scores, timings) on stdout")
    return ap


def _error(message: str) -> int:
    print(f"paperdesk assign: error: {message}", file=sys.stderr)
    return 2


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

    from .csvio import write_assignment
    from .errors import Infeasible, InputError
    from .problem import load_csv
    from .solve import assign

    try:
        prob = load_csv(
            args.scores,
            k=args.reviewers_per_paper,
            max_load=args.max_load,
            min_load=args.min_load,
            constraints_path=args.constraints,
            max_papers_path=args.max_papers,
        )
        t1 = time.perf_counter()
        result = assign(prob, args.objective)
    except InputError as exc:
        return _error(str(exc))
    except Infeasible as exc:
        return _error(str(exc))
    t2 = time.perf_counter()
    tmp = args.out + ".tmp"
    try:
        write_assignment(tmp, result.rows())
        os.replace(tmp, args.out)
    except OSError as exc:
        return _error(f"{args.out}: cannot write: {exc.strerror}")
    t3 = time.perf_counter()

    summary = result.summary()
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


if __name__ == "__main__":
    sys.exit(main())
