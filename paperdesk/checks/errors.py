"""The one way a check ends early: the file cannot be read, with a code and a message."""

from __future__ import annotations

READ_ERROR_CODES = ("not_pdf", "empty", "truncated", "encrypted", "no_text", "too_large", "timeout")


class Unreadable(Exception):
    """The PDF cannot be checked; `code` is one of READ_ERROR_CODES."""

    def __init__(self, code: str, message: str, pages: int | None = None):
        if code not in READ_ERROR_CODES:
            raise ValueError(f"unknown read error code {code!r}")
        super().__init__(message)
        self.code = code
        self.message = message
        self.pages = pages  # page count, when the document could be opened
