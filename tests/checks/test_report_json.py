"""The stored check report read back as one typed structure (`CheckReport.from_json`), for
reports of every age, and the one place that decides whether a report stops a submission."""

from __future__ import annotations

from dataclasses import dataclass

from paperdesk.checks.geometry import FormatResult
from paperdesk.checks.report import (
    CheckReport,
    Finding,
    PageResult,
    Report,
    blocking_reasons,
    blocks_submission,
    finding_class,
)


@dataclass
class Rules:
    blocking_findings: tuple[str, ...] = ("unreadable", "over_limit")


def test_a_failed_runs_short_report_from_before_parses():
    # What give_up_check and an internal failure store: no pages, format, anonymity, signals.
    old = {"status": "unreadable", "findings": [], "error": {"code": "worker_lost", "message": "The check could not be completed."}}
    report = CheckReport.from_json(old)
    assert report.unreadable
    assert report.error_message == "The check could not be completed."
    assert not report.pages.present and report.pages.verdict is None
    assert report.violations == () and report.leaks == () and report.findings == ()
    assert report.signals.limitations_section is None
    assert blocking_reasons(report, Rules()) == ["The check could not be completed."]


def test_an_old_report_with_missing_and_ill_typed_parts_parses():
    old = {
        "pages": {"verdict": "over_limit", "main_content_end": 7, "limit": "4"},  # limit of the wrong type
        "format": {"violations": [{"code": "margins", "detail": "left margin 0.5 in", "pages": [2, 3]}, "junk"]},
        "anonymity": {"leaks": [{"kind": "email", "value": "ada@uni.edu", "text": "write to ada@uni.edu"}]},
        "signals": "not a section",
        "findings": [{"code": "over_limit", "message": "Too long."}, 42, {"severity": "loud"}],
    }
    report = CheckReport.from_json(old)
    assert report.status is None and not report.unreadable and report.error is None
    assert report.pages.present and report.pages.over_limit
    assert report.pages.main_content_end == 7 and report.pages.limit is None
    assert [(v.code, v.page) for v in report.violations] == [("margins", 2)]
    assert [(leak.kind, leak.value, leak.text) for leak in report.leaks] == [("email", "ada@uni.edu", "write to ada@uni.edu")]
    assert report.signals.checklist is None
    assert [(f.code, f.message, f.severity) for f in report.findings] == [("over_limit", "Too long.", None), ("", "", "loud")]
    assert report.finding_codes == ["over_limit"]
    assert blocking_reasons(report, Rules()) == ["The main content ends on page 7, over the limit of None pages."]
    assert blocking_reasons(report, Rules(("format", "anonymity"))) == [
        "Format: left margin 0.5 in", "Anonymity: email 'ada@uni.edu'"]


def test_nothing_stored_parses_to_an_empty_report_that_blocks_nothing():
    for stored in (None, {}, [], "text"):
        report = CheckReport.from_json(stored)
        assert report == CheckReport()
        assert not blocks_submission(report, Rules(("unreadable", "over_limit", "format", "anonymity")))


def test_the_checkers_report_round_trips():
    written = Report(
        file=None,
        pages=PageResult(total=9, main_content_end=5, references_start=6, limit=4, verdict="over_limit"),
        format=FormatResult("letter", 10.0, 2),
        findings=[Finding("error", "over_limit", "Too long.", page=5)],
    ).to_dict()
    written["supplementary"] = {"error": "", "files_scanned": 3}
    report = CheckReport.from_json(written)
    assert report.status == "problems" and report.pages.total == 9 and report.supplementary.files_scanned == 3
    assert CheckReport.from_json(report.to_json()) == report


def test_finding_classes():
    assert finding_class("font_family", unreadable=False) == "format"
    assert finding_class("leak_email", unreadable=False) == "anonymity"
    assert finding_class("leak_email", unreadable=True) == "unreadable"
    assert finding_class("checklist", unreadable=False) == "checklist"
