"""PDF compliance checker: page limit, template format, anonymity and signals.

A pure library (no Django): the CLI (`paperdesk check`) and the web app's upload flow both
call `check_pdf`, the web app through `sandbox.check_in_child` so that untrusted files are
parsed in a child process with time and memory limits.
"""

from .checker import check_pdf
from .errors import READ_ERROR_CODES, Unreadable
from .identity import Identity, identities_from_json, load_identities
from .report import Finding, Report, render_text
from .rules import CheckRules, normalize_mode, rules_for

__all__ = [
    "READ_ERROR_CODES",
    "CheckRules",
    "Finding",
    "Identity",
    "Report",
    "Unreadable",
    "check_pdf",
    "identities_from_json",
    "load_identities",
    "normalize_mode",
    "render_text",
    "rules_for",
]
