"""Child-process entry point: `python -m paperdesk.checks.worker` reads one job as JSON on
stdin ({"path", "rules", "identities"}) and writes the report as JSON on stdout."""

from __future__ import annotations

import json
import sys

from .checker import check_pdf
from .identity import identities_from_json
from .limits import apply_limits
from .rules import CheckRules


def run_job(job: dict) -> dict:
    rules = CheckRules.from_dict(job.get("rules") or {})
    identities = identities_from_json(job.get("identities") or [])
    report = None
    if job.get("path") is not None:
        report = check_pdf(job["path"], rules, identities, filename=job.get("filename") or job["path"]).to_dict(
            references=bool(job.get("references")))
    if job.get("supplementary"):  # the archive is read in the same child as the PDF
        from .archive import ArchiveLimits, merge_into, scan_archive, standalone_report

        result = scan_archive(job["supplementary"], identities, ArchiveLimits.from_dict(job.get("archive_limits")), rules)
        report = merge_into(report, result) if report is not None else standalone_report(result, job["supplementary"])
    return report or {}


def _wait_at_test_gate() -> None:
    """Tests only: with PAPERDESK_CHECK_TEST_GATE naming a FIFO, the child blocks opening
    it until a writer opens it, so a test can kill a worker in the middle of a check
    deterministically (never set in production)."""
    import os

    gate = os.environ.get("PAPERDESK_CHECK_TEST_GATE")
    if gate:
        with open(gate, "rb") as fifo:
            fifo.read(1)


def main() -> int:
    job = json.loads(sys.stdin.buffer.read())
    _wait_at_test_gate()
    limits = job.get("limits")
    if limits:
        apply_limits(limits["cpu_seconds"], limits["memory_mb"])
    sys.stdout.write(json.dumps(run_job(job)))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
