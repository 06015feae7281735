"""Text normalisation shared by heading detection and the anonymity check."""

from __future__ import annotations

import re
import unicodedata

# pdfTeX Type 3 bitmap fonts without a ToUnicode map come out of PDFium with the OT1
# ligature slots shifted into control characters: restore the letters.
LIGATURES = str.maketrans({"\x1b": "ff", "\x1c": "fi", "\x1d": "fl", "\x1e": "ffi", "\x1f": "ffl"})

# Letters that Unicode decomposition leaves alone, dashes and quotes.
_FOLD_EXTRA = str.maketrans({
    "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "ß": "ss", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "đ": "d", "Đ": "D", "ð": "d", "Ð": "D", "þ": "th", "Þ": "Th", "ı": "i",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
})
# A spacing accent that a PDF set as its own glyph next to the letter ("Zarz ` a").
_LOOSE_ACCENT_RE = re.compile(r" ?[`\u00b4\u00a8\u02c6\u02dc\u02d8\u02d9\u02da\u02c7] ?")


_COMBINING_RE = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def clean_extracted(text: str) -> str:
    """Undo extraction artefacts that would hide words (ligatures in control characters)."""
    return text if text.isprintable() else text.translate(LIGATURES)


def fold(text: str) -> str:
    """Fold diacritics and typographic variants so "José" matches "Jose" (case is kept)."""
    if text.isascii():
        return _LOOSE_ACCENT_RE.sub("", text) if "`" in text else text
    text = _LOOSE_ACCENT_RE.sub("", text)
    text = _COMBINING_RE.sub("", unicodedata.normalize("NFKD", text))
    return text.translate(_FOLD_EXTRA)
