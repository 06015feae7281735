"""The web side of supplementary archives and of the form's code and data links.

- An uploaded archive is checked by the same job as a PDF (`checking.run_check`,
  `checking._check_archive`), in the checker's child process (`checks.sandbox.check_in_child` with `supplementary=`): nothing of
  the archive is parsed in the web process. Its report has the PDF report's shape plus
  `supplementary` ({status, files_scanned} or {status, error}); its leaks carry the file
  inside the archive and the line.
- The form's links are judged when the form is saved (`identities.judge_form_links`: a pure
  string check, no untrusted parsing) and kept on the submission; chairs filter on
  `links_flagged`.
- Who sees what: the authors and the unconflicted chairs read the archive's findings and
  every link's verdict (`policy.can_view_check_findings`); reviewers see only the links that
  passed (anonymising services) and download a copy of the archive without `.git` and
  notebook metadata (reviews app).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from paperdesk import policy

from .models import CheckRun, Submission, Upload

FORM_LINK_FIELDS = (("code_url", "Code"), ("data_url", "Data or model"))


# --- the form's links ----------------------------------------------------------------------


@dataclass(frozen=True)
class LinkRow:
    label: str
    url: str
    verdict: str
    reason: str

    @property
    def passed(self) -> bool:
        return self.verdict == "anonymous"


def _current(submission: Submission) -> list[tuple[str, dict[str, Any]]]:
    """The stored verdicts that still describe the links on the submission."""
    labels = dict(FORM_LINK_FIELDS)
    out = []
    for item in submission.link_report or []:
        name = item.get("field")
        if name in labels and item.get("url") and item.get("url") == (getattr(submission, name) or "").strip():
            out.append((labels[name], item))
    return out


def author_link_rows(viewer: Any, submission: Submission) -> list[LinkRow]:
    """Every form link with its verdict, for those who may read the check's findings."""
    if not policy.can_view_check_findings(viewer, submission):
        return []
    return [LinkRow(label, item["url"], item.get("verdict") or "unverified", item.get("reason") or "") for label, item in _current(submission)]


def reviewer_link_rows(submission: Submission) -> list[LinkRow]:
    """The form links reviewers see: only those that passed (an anonymising service)."""
    return [LinkRow(label, item["url"], "anonymous", item.get("reason") or "") for label, item in _current(submission) if item.get("verdict") == "anonymous"]


# --- reads: the archive's check --------------------------------------------------------------


@dataclass
class ArchivePanel:
    """What the authors' page shows of the supplementary material."""

    upload: Upload | None
    check: Any = None  # selectors.CheckView of its check
    links: list[LinkRow] = field(default_factory=list)
    error: str = ""  # archive_bomb | archive_unsafe | ... when it cannot be read safely
    files_scanned: int | None = None

    @property
    def shown(self) -> bool:
        return self.upload is not None or bool(self.links)


def latest_archive(submission: Submission) -> Upload | None:
    return submission.uploads.filter(kind=Upload.Kind.SUPPLEMENTARY).select_related("check_run").order_by("-version").first()


def archive_panel(viewer: Any, submission: Submission) -> ArchivePanel:
    from .selectors import check_view_for

    upload = latest_archive(submission)
    panel = ArchivePanel(upload=upload, links=author_link_rows(viewer, submission))
    if upload is None or not policy.can_view_check_findings(viewer, submission):
        panel.upload = upload if policy.can_view_check_findings(viewer, submission) else None
        return panel
    run = getattr(upload, "check_run", None)
    panel.check = check_view_for(viewer, submission, run, upload, submission.venue)
    summary = run.check_report.supplementary if run is not None and run.state == CheckRun.State.DONE else None
    panel.error = summary.error if summary is not None else ""
    panel.files_scanned = summary.files_scanned if summary is not None else None
    return panel


def attach_archive_checks(rows: list[Any], viewer: Any, venue: Any) -> None:
    """Give each chair row (`selectors.chair_rows`) `archive`: what the viewer may see of the
    check of its latest supplementary archive (one query for the page)."""
    from django.db.models import OuterRef, Subquery

    from .selectors import check_view_for

    ids = [row.submission.pk for row in rows]
    latest = Upload.objects.filter(submission=OuterRef("submission"), kind=Upload.Kind.SUPPLEMENTARY).order_by("-version")
    uploads = {
        u.submission_id: u
        for u in Upload.objects.filter(submission_id__in=ids, kind=Upload.Kind.SUPPLEMENTARY, pk=Subquery(latest.values("pk")[:1])).select_related("check_run")
    }
    for row in rows:
        upload = uploads.get(row.submission.pk)
        row.archive = check_view_for(viewer, row.submission, getattr(upload, "check_run", None), upload, venue) if upload else None
        row.link_rows = author_link_rows(viewer, row.submission)
