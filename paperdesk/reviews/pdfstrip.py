"""The reviewers' copy of a paper PDF is stripped by the pure library (`paperdesk.checks.pdfstrip`,
which also strips the PDFs inside a supplementary archive); this module keeps the names the
reviews app imports. `python -m paperdesk.reviews.pdfstrip IN OUT` still runs the child."""

from __future__ import annotations

import sys

from paperdesk.checks.pdfstrip import StripFailed, main, strip_in_child, strip_metadata

__all__ = ["StripFailed", "main", "strip_in_child", "strip_metadata"]

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
