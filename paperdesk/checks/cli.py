"""`paperdesk check FILE... --track short|long [--mode submission|camera-ready]
[--venue venues/mechinterp-2025.toml] [--authors AUTHORS.json] [--supplementary ARCHIVE]
[--format text|json]`

Exit status: 0 when every file is fine, 1 when problems were found, 2 when a file (or the
supplementary archive) is unreadable or the call is wrong. `--supplementary` (with one PDF)
reads a .zip or .tar.gz in the same child as the PDF: its findings join the PDF's, with
`"source": "supplementary"`, the file inside the archive and the line. Each file is parsed in a forked child with time and
memory limits, so a hostile PDF cannot hang the command.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, NoReturn

import paperdesk

from .identity import Identity, load_identities
from .report import Report, render_text
from .rules import CheckRules, normalize_mode, rules_for
from .sandbox import check_in_child

DEFAULT_VENUE = Path("venues/mechinterp-2025.toml")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # exit status 2 with the usage, as argparse does, but catchable
        self.print_usage(sys.stderr)
        raise _CallError(f"{self.prog}: error: {message}")


class _CallError(Exception):
    pass


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="paperdesk check",
        description="Check PDFs against the venue's call for papers: page limit, template format, anonymity.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", help="PDF files to check")
    parser.add_argument("--track", required=True, help="track slug from the venue file (e.g. short, long)")
    parser.add_argument("--mode", default="submission", help="submission (default) or camera-ready")
    parser.add_argument("--venue", help=f"venue TOML file (default: {DEFAULT_VENUE}, else the copy shipped with Paperdesk)")
    parser.add_argument("--authors", help="AUTHORS.json: a list of {name, other_names, emails, affiliations, github, huggingface}")
    parser.add_argument("--supplementary", metavar="ARCHIVE", help="a supplementary .zip or .tar.gz checked with the PDF (one PDF only)")
    parser.add_argument("--format", choices=("text", "json"), default="text", help="text (default) or json, one object per line")
    return parser


def default_venue() -> Path:
    local = Path.cwd() / DEFAULT_VENUE
    if local.is_file():
        return local
    return Path(paperdesk.__file__).resolve().parent.parent / DEFAULT_VENUE


def main(argv: list[str] | None = None) -> int:
    from paperdesk.venueconfig import VenueConfigError, load_venue_file

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        mode = normalize_mode(args.mode)
    except SystemExit as done:  # --help
        return int(done.code or 0)
    except (_CallError, ValueError) as error:
        print(error, file=sys.stderr)
        return 2

    venue_path = Path(args.venue) if args.venue else default_venue()
    try:
        spec = load_venue_file(venue_path)
    except VenueConfigError as error:
        print(error.render(), file=sys.stderr)
        return 2
    try:
        rules = rules_for(spec, args.track, mode)
    except KeyError:
        known = ", ".join(t.slug for t in spec.tracks)
        print(f"paperdesk check: unknown track '{args.track}' (this venue has: {known})", file=sys.stderr)
        return 2
    identities = []
    if args.authors:
        try:
            identities = load_identities(args.authors)
        except ValueError as error:
            print(f"paperdesk check: {error}", file=sys.stderr)
            return 2

    if args.supplementary and len(args.files) != 1:
        print("paperdesk check: --supplementary goes with exactly one PDF", file=sys.stderr)
        return 2
    archive_limits = None
    if args.supplementary:
        from .archive import ArchiveLimits

        archive_limits = ArchiveLimits(max_bytes=int(spec.submission.max_supplementary_mb * 1_000_000)).to_dict()

    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")  # names with accents on a non-UTF-8 terminal
    worst = 0
    for name in args.files:
        if not Path(name).is_file():
            result = Report.unreadable(name, "empty", "No such file.", rules.page_limit).to_dict()
        elif args.supplementary:
            result = _with_archive(name, args.supplementary, rules, identities, archive_limits)
        else:
            result = check_in_child(name, rules, identities, cpu_seconds=rules.timeout, method="fork")
            result["file"] = name
        if args.format == "json":
            print(json.dumps(result), flush=True)  # ASCII escapes: safe on any terminal encoding
        else:
            print(render_text(result) + _archive_line(result), flush=True)
        worst = max(worst, {"ok": 0, "problems": 1, "unreadable": 2}[result["status"]])
        if (result.get("supplementary") or {}).get("status") == "unreadable":
            worst = 2
    return worst


def _with_archive(name: str, archive: str, rules: CheckRules, identities: list[Identity], archive_limits: dict[str, Any] | None) -> dict[str, Any]:
    from .archive import merge_into, unreadable_result

    if not Path(archive).is_file():
        result = check_in_child(name, rules, identities, cpu_seconds=rules.timeout, method="fork")
        result = merge_into(result, unreadable_result("archive_corrupt", f"{archive}: no such file."))
    else:
        timeout = float((archive_limits or {}).get("timeout") or 60)
        result = check_in_child(name, rules, identities, cpu_seconds=rules.timeout + timeout, method="fork",
                                supplementary=archive, archive_limits=archive_limits)
    result["file"] = name
    return result


def _archive_line(result: dict[str, Any]) -> str:
    archive = result.get("supplementary")
    if not archive:
        return ""
    if archive["status"] == "unreadable":
        return f"\n  supplementary: UNREADABLE ({archive['error']})"
    leaks = sum(1 for leak in result["anonymity"]["leaks"] if leak.get("source") == "supplementary")
    return f"\n  supplementary: {archive['files_scanned']} file(s) scanned, {leaks} leak(s)"
