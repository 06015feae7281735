"""Normalising pages and API answers before comparing them byte for byte: CSRF tokens,
CSP nonces and request ids differ between any two requests; nothing else may."""

from __future__ import annotations

import re

_PATTERNS = [
    (re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+'), r"\1CSRF"),
    (re.compile(r'("X-CSRFToken": ")[^"]+'), r"\1CSRF"),
    (re.compile(r'(nonce=")[^"]+'), r"\1NONCE"),
    (re.compile(r'(name="csrf-token" content=")[^"]+'), r"\1CSRF"),
]


def normalise(body: bytes | str) -> str:
    text = body.decode() if isinstance(body, bytes) else body
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text
