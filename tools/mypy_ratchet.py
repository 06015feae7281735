#!/usr/bin/env python3
"""Run mypy and hold its error count per package at or below a recorded baseline.

The codebase was not written with types; `make lint` turns mypy on without waiting for every
module to be clean. Each package's count may only go down: a change that adds an error fails,
one that removes errors is asked to lower the baseline (`--update`), so the count ratchets to 0.

    .venv/bin/python tools/mypy_ratchet.py            # check against tools/mypy-baseline.json
    .venv/bin/python tools/mypy_ratchet.py --update   # record today's counts (only after fixing)
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "tools" / "mypy-baseline.json"
ERROR = re.compile(r"^(paperdesk/[^/:]+)[^:]*:\d+: error:")


def counts() -> tuple[Counter[str], str]:
    done = subprocess.run([sys.executable, "-m", "mypy"], cwd=ROOT, capture_output=True, text=True)
    found: Counter[str] = Counter()
    for line in done.stdout.splitlines():
        match = ERROR.match(line)
        if match:
            found[match.group(1).removesuffix(".py")] += 1
    if done.returncode not in (0, 1) or (done.returncode == 1 and not found):
        raise SystemExit(f"mypy did not run:\n{done.stdout}\n{done.stderr}")
    return found, done.stdout


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--update", action="store_true", help="write today's counts as the baseline")
    args = ap.parse_args()
    found, output = counts()
    if args.update:
        BASELINE.write_text(json.dumps(dict(sorted(found.items())), indent=2) + "\n")
        print(f"baseline: {sum(found.values())} errors in {len(found)} packages")
        return 0
    baseline = json.loads(BASELINE.read_text())
    worse = {pkg: (n, baseline.get(pkg, 0)) for pkg, n in found.items() if n > baseline.get(pkg, 0)}
    better = {pkg: (found.get(pkg, 0), n) for pkg, n in baseline.items() if found.get(pkg, 0) < n}
    total, allowed = sum(found.values()), sum(baseline.values())
    if worse:
        for line in output.splitlines():
            match = ERROR.match(line)
            if match and match.group(1).removesuffix(".py") in worse:
                print(line)
        for pkg, (n, limit) in sorted(worse.items()):
            print(f"mypy: {pkg}: {n} errors, more than the baseline's {limit}")
        return 1
    note = f"; lower the baseline with --update ({', '.join(f'{p} {a}<{b}' for p, (a, b) in sorted(better.items()))})" if better else ""
    print(f"mypy: {total} errors, within the baseline of {allowed}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
