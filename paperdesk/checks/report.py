"""The checker's result: one JSON object per file (the CLI's and the web app's contract)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .anonymity import Leak
from .geometry import FormatResult

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True)
class Finding:
    severity: str  # error | warning | info
    code: str
    message: str
    page: int | None = None

    def to_dict(self) -> dict:
        return {"severity": self.severity, "code": self.code, "message": self.message, "page": self.page}


@dataclass
class PageResult:
    total: int | None = None
    main_content_end: int | None = None
    references_start: int | None = None
    appendix_start: int | None = None
    limit: int | None = None
    verdict: str | None = None  # ok | over_limit

    def to_dict(self) -> dict:
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

    def to_dict(self) -> dict:
        return {
            "line_numbers": self.line_numbers,
            "checklist": self.checklist,
            "limitations_section": self.limitations_section,
        }


@dataclass
class Report:
    file: str | None
    error: dict | None = None  # {"code", "message"} when the file is unreadable
    pages: PageResult = field(default_factory=PageResult)
    format: FormatResult = field(default_factory=lambda: FormatResult(None, None, None))
    leaks: list[Leak] = field(default_factory=list)
    signals: Signals = field(default_factory=Signals)
    findings: list[Finding] = field(default_factory=list)

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

    def to_dict(self) -> dict:
        return {
            "file": self.file,
            "status": self.status,
            "error": dict(self.error) if self.error else None,
            "pages": self.pages.to_dict(),
            "format": self.format.to_dict(),
            "anonymity": {"leaks": [leak.to_dict() for leak in self.leaks]},
            "signals": self.signals.to_dict(),
            "findings": [f.to_dict() for f in self.findings],
        }


def _yes_no(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def render_text(result: dict) -> str:
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
