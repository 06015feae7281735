"""The chairs' CSV of submissions: every field of a submission, its authors, and its paper
PDF in force with every finding of its check (as much as the chair may see of it)."""

from __future__ import annotations

from .models import Submission

CSV_COLUMNS = [
    "number", "public_id", "title", "track", "primary topic", "secondary topics", "contribution type", "status",
    "authors", "author e-mails", "submitted_at", "pdf sha256", "pages", "verdict", "leak count",
    # Every other field of the submission, then every finding of the check.
    "abstract", "affiliations", "co-first authors", "corresponding authors", "author states",
    "under review at", "attendance", "code url", "data url", "attestations", "deadline extension", "desk-reject reason",
    "withdrawn_at", "pdf version", "page limit", "format issues", "findings", "newer pdf",
]


def _iso(moment) -> str:
    return moment.isoformat() if moment else ""


def csv_row(row, venue) -> tuple:
    """One line of the export for a `selectors.ChairRow`."""
    s: Submission = row.submission
    check = row.check
    done = check.state == "done"
    authors = row.authors
    attested = [a.key for a in venue.spec.submission.attestations if (s.attestations or {}).get(a.key)]
    return (
        s.number, s.public_id, s.title, s.track.name, s.primary_topic.name,
        "; ".join(t.name for t in row.secondary_topics), s.contribution_type.name, s.status,
        row.author_names, row.author_emails, _iso(s.submitted_at),
        row.paper.sha256 if row.paper else "",
        check.main_content_end if check.main_content_end is not None else "",
        check.verdict if done else check.state, check.leak_count if done else "",
        s.abstract,
        "; ".join(a.affiliation for a in authors),
        "; ".join(a.name for a in authors if a.is_co_first),
        "; ".join(a.name for a in authors if a.is_corresponding),
        "; ".join(f"{a.name}: {a.state}" for a in authors),
        s.under_review_at, s.attendance, s.code_url, s.data_url,
        "; ".join(attested),
        _iso(s.deadline_extension), s.desk_reject_reason, _iso(s.withdrawn_at),
        row.paper.version if row.paper else "",
        check.page_limit if check.page_limit is not None else "",
        check.format_count if done else "",
        " | ".join(f"{f.message} (page {f.page})" if f.page else f.message for f in check.findings) if done else "",
        row.newer_label if check.state != "hidden" else "",
    )
