"""Child-process entry point: `python -m paperdesk.checks.worker` reads one job as JSON on
stdin ({"path", "rules", "identities"}) and writes the report as JSON on stdout."""

from __future__ import annotations

import json
import sys
from typing import Any, TypedDict

from .checker import check_pdf
from .identity import identities_from_json
from .limits import apply_limits
from .rules import CheckRules


class JobLimits(TypedDict):
    cpu_seconds: float
    memory_mb: int


class CheckJob(TypedDict, total=False):
    """One check as the parent hands it to the child (`sandbox._check_in_child` builds it);
    every key may be missing."""

    path: str | None  # the PDF (None: the supplementary archive alone)
    filename: str | None  # the name the report gives the file (default: `path`)
    supplementary: str | None  # an archive read in the same child
    archive_limits: dict[str, Any] | None  # `ArchiveLimits.to_dict()`
    references: bool  # the report keeps the reference list's text
    rules: dict[str, Any]  # `CheckRules.to_dict()`
    identities: list[dict[str, Any]]  # `Identity.to_dict()` each
    limits: JobLimits | None  # what the child puts on itself (`limits.apply_limits`)


def run_job(job: CheckJob) -> dict[str, Any]:
    rules = CheckRules.from_dict(job.get("rules") or {})
    identities = identities_from_json(job.get("identities") or [])
    report = None
    path = job.get("path")
    if path is not None:
        report = check_pdf(path, rules, identities, filename=job.get("filename") or path).to_dict(
            references=bool(job.get("references")))
    supplementary = job.get("supplementary")
    if supplementary:  # the archive is read in the same child as the PDF
        from .archive import ArchiveLimits, merge_into, scan_archive, standalone_report

        result = scan_archive(supplementary, identities, ArchiveLimits.from_dict(job.get("archive_limits")), rules)
        report = merge_into(report, result) if report is not None else standalone_report(result, supplementary)
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
    job: CheckJob = json.loads(sys.stdin.buffer.read())  # written by the parent, `sandbox._run_spawned`
    _wait_at_test_gate()
    limits = job.get("limits")
    if limits:
        apply_limits(limits["cpu_seconds"], limits["memory_mb"])
    sys.stdout.write(json.dumps(run_job(job)))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
