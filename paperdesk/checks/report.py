"""The checker's result: one JSON object per file (the CLI's and the web app's contract)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from .anonymity import Leak
from .geometry import FormatResult

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | info
    code: str
    message: str
    page: int | None = None

    def to_dict(self) -> dict[str, str | int | None]:
        return {"severity": self.severity, "code": self.code, "message": self.message, "page": self.page}


@dataclass
class PageResult:
    total: int | None = None
    main_content_end: int | None = None
    references_start: int | None = None
    appendix_start: int | None = None
    limit: int | None = None
    verdict: str | None = None  # ok | over_limit

    def to_dict(self) -> dict[str, str | int | None]:
        return {
            "total": self.total,
            "main_content_end": self.main_content_end,
            "references_start": self.references_start,
            "appendix_start": self.appendix_start,
            "limit": self.limit,
            "verdict": self.verdict,
        }


@dataclass
class Signals:
    line_numbers: bool | None = None
    checklist: bool | None = None
    limitations_section: bool | None = None

    def to_dict(self) -> dict[str, bool | None]:
        return {
            "line_numbers": self.line_numbers,
            "checklist": self.checklist,
            "limitations_section": self.limitations_section,
        }


@dataclass
class Report:
    file: str | None
    error: dict[str, str] | None = None  # {"code", "message"} when the file is unreadable
    pages: PageResult = field(default_factory=PageResult)
    format: FormatResult = field(default_factory=lambda: FormatResult(None, None, None))
    leaks: list[Leak] = field(default_factory=list)
    signals: Signals = field(default_factory=Signals)
    findings: list[Finding] = field(default_factory=list)
    # The reference list's text, line by line (the integrity hints resolve its entries
    # against an imported bibliography); None when no references heading was found.
    references_text: str | None = None

    @property
    def status(self) -> str:
        if self.error is not None:
            return "unreadable"
        if any(f.severity == "error" for f in self.findings):
            return "problems"
        return "ok"

    @classmethod
    def unreadable(cls, file: str | None, code: str, message: str, limit: int | None = None, total: int | None = None) -> Report:
        return cls(
            file=file,
            error={"code": code, "message": message},
            pages=PageResult(total=total, limit=limit),
            findings=[Finding("error", code, message)],
        )

    def to_dict(self, *, references: bool = False) -> dict[str, Any]:
        """The report's JSON (the CLI's documented keys); `references`: also the reference
        list's text (the web keeps it for the integrity hints)."""
        out: dict[str, Any] = {
            "file": self.file,
            "status": self.status,
            "error": dict(self.error) if self.error else None,
            "pages": self.pages.to_dict(),
            "format": self.format.to_dict(),
            "anonymity": {"leaks": [leak.to_dict() for leak in self.leaks]},
            "signals": self.signals.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }
        if references and self.references_text is not None:
            out["references_text"] = self.references_text
        return out


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def render_text(result: Mapping[str, Any]) -> str:
    """A short report a person reads at a glance (works on `Report.to_dict()` output)."""
    status = result["status"]
    label = {"ok": "OK", "problems": "PROBLEMS", "unreadable": "UNREADABLE"}[status]
    out = [f"{result['file']}: {label}"]
    if status == "unreadable":
        error = result["error"] or {}
        out.append(f"  cannot check this file ({error.get('code')}): {error.get('message')}")
        return "\n".join(out)
    pages = result["pages"]
    verdict = "over the limit" if pages["verdict"] == "over_limit" else "within the limit"
    parts = [f"main content ends on page {pages['main_content_end']} of {pages['total']} (limit {pages['limit']}): {verdict}"]
    if pages["references_start"]:
        parts.append(f"references from p.{pages['references_start']}")
    if pages["appendix_start"]:
        parts.append(f"appendix from p.{pages['appendix_start']}")
    out.append("  pages:     " + "; ".join(parts))
    fmt = result["format"]
    columns = fmt["columns"]
    typeface = f" {fmt['body_font']}" if fmt.get("body_font") else ""
    leading = f" on {fmt['leading_pt']:g} pt leading" if fmt.get("leading_pt") else ""
    out.append(
        f"  format:    {fmt['paper_size']} paper, body {fmt['body_font_pt']} pt{typeface}{leading}, "
        f"{columns if columns is not None else '?'} column{'s' if columns != 1 else ''}"
        + (f" - {len(fmt['violations'])} violation(s)" if fmt["violations"] else " - ok")
    )
    leaks = result["anonymity"]["leaks"]
    out.append(f"  anonymity: {len(leaks)} leak(s)" if leaks else "  anonymity: no leaks found")
    signals = result["signals"]
    out.append(
        f"  signals:   line numbers {_yes_no(signals['line_numbers'])}, checklist {_yes_no(signals['checklist'])}, "
        f"limitations section {_yes_no(signals['limitations_section'])}"
    )
    marks = {"error": "x", "warning": "!", "info": "i"}
    for finding in result["findings"]:
        where = f"p.{finding['page']}: " if finding["page"] else ""
        out.append(f"  [{marks[finding['severity']]}] {where}{finding['message']}")
    return "\n".join(out)


# --- the stored report, read back -------------------------------------------------------------
#
# What the web app keeps of a check (`CheckRun.report`) is the JSON above, written by this
# version of the checker or by an older one (a report from before a section existed, a failed
# run's short `{"status", "error", "findings"}`). `CheckReport.from_json` reads any of them
# once, tolerating missing or ill-typed parts, and everything else reads its attributes.
# Whether a report stops a submission is decided by `blocking_reasons` alone.


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _page_of(item: dict[str, Any]) -> int | None:
    page = item.get("page")
    if page is None and item.get("pages") and isinstance(item.get("pages"), list):
        page = item["pages"][0]
    return _int(page)


@dataclass(frozen=True)
class ReportError:
    code: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class ReportPages:
    total: int | None = None
    main_content_end: int | None = None
    references_start: int | None = None
    appendix_start: int | None = None
    limit: int | None = None
    verdict: str | None = None  # ok | over_limit
    present: bool = False  # the report had a (non-empty) pages section

    @property
    def over_limit(self) -> bool:
        return self.verdict == "over_limit"


@dataclass(frozen=True)
class ReportViolation:
    code: str | None = None
    detail: str | None = None
    page: int | None = None


@dataclass(frozen=True)
class ReportLeak:
    kind: str | None = None
    value: str | None = None
    text: str = ""  # the words around the leak (`context`, or `text` in older reports)
    page: int | None = None


@dataclass(frozen=True)
class ReportSignals:
    line_numbers: bool | None = None
    checklist: bool | None = None
    limitations_section: bool | None = None


@dataclass(frozen=True)
class ReportFinding:
    severity: str | None = None  # error | warning | info (anything else is read as info)
    code: str = ""
    message: str = ""
    page: int | None = None
    text: str = ""


@dataclass(frozen=True)
class SupplementarySummary:
    error: str = ""
    files_scanned: int | None = None


@dataclass(frozen=True)
class CheckReport:
    """A stored check report, typed (see `from_json`)."""

    status: str | None = None  # ok | problems | unreadable
    error: ReportError | None = None
    pages: ReportPages = field(default_factory=ReportPages)
    violations: tuple[ReportViolation, ...] = ()
    leaks: tuple[ReportLeak, ...] = ()
    signals: ReportSignals = field(default_factory=ReportSignals)
    findings: tuple[ReportFinding, ...] = ()
    supplementary: SupplementarySummary | None = None
    # The reference list, when the checker kept it: as entries, or as the section's text.
    references: tuple[str, ...] | None = None
    references_text: str | None = None

    @property
    def unreadable(self) -> bool:
        return self.status == "unreadable"

    @property
    def error_message(self) -> str | None:
        return self.error.message if self.error is not None else None

    @property
    def finding_codes(self) -> list[str]:
        return sorted({f.code for f in self.findings if f.code})

    @classmethod
    def from_json(cls, data: Any) -> CheckReport:
        """Any stored report (None, or a dict of any age and shape) as a `CheckReport`."""
        data = _dict(data)
        error = _dict(data.get("error"))
        pages = _dict(data.get("pages"))
        signals = _dict(data.get("signals"))
        supplementary = data.get("supplementary")
        return cls(
            status=_str(data.get("status")),
            error=ReportError(code=_str(error.get("code")), message=_str(error.get("message"))) if error else None,
            pages=ReportPages(
                total=_int(pages.get("total")),
                main_content_end=_int(pages.get("main_content_end")),
                references_start=_int(pages.get("references_start")),
                appendix_start=_int(pages.get("appendix_start")),
                limit=_int(pages.get("limit")),
                verdict=_str(pages.get("verdict")),
                present=bool(pages),
            ),
            violations=tuple(
                ReportViolation(code=_str(v.get("code")), detail=_str(v.get("detail")), page=_page_of(v))
                for v in _list(_dict(data.get("format")).get("violations")) if isinstance(v, dict)
            ),
            leaks=tuple(
                ReportLeak(kind=_str(leak.get("kind")), value=_str(leak.get("value")),
                           text=str(leak.get("context") or leak.get("text") or ""), page=_page_of(leak))
                for leak in _list(_dict(data.get("anonymity")).get("leaks")) if isinstance(leak, dict)
            ),
            signals=ReportSignals(
                line_numbers=signals.get("line_numbers") if isinstance(signals.get("line_numbers"), bool) else None,
                checklist=signals.get("checklist") if isinstance(signals.get("checklist"), bool) else None,
                limitations_section=signals.get("limitations_section") if isinstance(signals.get("limitations_section"), bool) else None,
            ),
            findings=tuple(
                ReportFinding(
                    severity=_str(f.get("severity")), code=str(f.get("code") or ""), message=str(f.get("message") or ""),
                    page=_page_of(f), text=str(f.get("text") or ""),
                )
                for f in _list(data.get("findings")) if isinstance(f, dict)
            ),
            supplementary=SupplementarySummary(
                error=str(supplementary.get("error") or ""), files_scanned=_int(supplementary.get("files_scanned")),
            ) if isinstance(supplementary, dict) else None,
            references=tuple(r for r in data["references"] if isinstance(r, str)) if isinstance(data.get("references"), list) else None,
            references_text=_str(data.get("references_text")),
        )

    def to_json(self) -> dict[str, Any]:
        """The report's JSON (what `from_json` reads back to an equal `CheckReport`)."""
        out: dict[str, Any] = {
            "status": self.status,
            "error": {"code": self.error.code, "message": self.error.message} if self.error is not None else None,
            "pages": {
                "total": self.pages.total, "main_content_end": self.pages.main_content_end,
                "references_start": self.pages.references_start, "appendix_start": self.pages.appendix_start,
                "limit": self.pages.limit, "verdict": self.pages.verdict,
            } if self.pages.present else {},
            "format": {"violations": [{"code": v.code, "detail": v.detail, "page": v.page} for v in self.violations]},
            "anonymity": {"leaks": [{"kind": leak.kind, "value": leak.value, "context": leak.text, "page": leak.page} for leak in self.leaks]},
            "signals": {
                "line_numbers": self.signals.line_numbers, "checklist": self.signals.checklist,
                "limitations_section": self.signals.limitations_section,
            },
            "findings": [
                {"severity": f.severity, "code": f.code, "message": f.message, "page": f.page, "text": f.text} for f in self.findings
            ],
        }
        if self.references is not None:
            out["references"] = list(self.references)
        if self.references_text is not None:
            out["references_text"] = self.references_text
        if self.supplementary is not None:
            out["supplementary"] = {"error": self.supplementary.error, "files_scanned": self.supplementary.files_scanned}
        return out


# --- does it stop a submission? (decided here, and only here) ---------------------------------

BLOCKING_CLASSES = ("unreadable", "over_limit", "format", "anonymity")
FORMAT_CODES = frozenset({"paper_size", "margins", "font_size", "columns", "font_family", "line_spacing"})


class SubmissionRules(Protocol):
    """The venue's rules as far as the checker's verdict goes (venueconfig's submission spec)."""

    @property
    def blocking_findings(self) -> Collection[str]: ...


def finding_class(code: str, unreadable: bool) -> str:
    """Which of the venue's `blocking_findings` names a finding code falls under."""
    if unreadable:
        return "unreadable"
    if code == "over_limit":
        return "over_limit"
    if code in FORMAT_CODES:
        return "format"
    if code.startswith("leak_"):
        return "anonymity"
    return code


def finding_blocks(report: CheckReport, finding: ReportFinding, rules: SubmissionRules) -> bool:
    """Whether this one finding is of a class the venue says stops a submission (for marking
    it on the page; whether the report stops a submission is `blocking_reasons`)."""
    return finding_class(finding.code, report.unreadable) in set(rules.blocking_findings)


def blocking_reasons(report: CheckReport, rules: SubmissionRules) -> list[str]:
    """The report's findings that the venue says stop a submission, as sentences; empty when
    it does not stop one. The one place this is decided: the submit path, the adoption of a
    submitted paper's new version, the stored `CheckRun.blocking` (the screening page's
    filter), the author's page and the API all ask here."""
    blocking = set(rules.blocking_findings)
    reasons = []
    if report.unreadable and "unreadable" in blocking:
        reasons.append(report.error_message or "The PDF could not be read.")
    if report.pages.over_limit and "over_limit" in blocking:
        reasons.append(f"The main content ends on page {report.pages.main_content_end}, over the limit of {report.pages.limit} pages.")
    if "format" in blocking:
        reasons += [f"Format: {v.detail}" for v in report.violations]
    if "anonymity" in blocking:
        reasons += [f"Anonymity: {leak.kind} '{leak.value}'" for leak in report.leaks]
    return reasons


def blocks_submission(report: CheckReport, rules: SubmissionRules) -> bool:
    return bool(blocking_reasons(report, rules))
