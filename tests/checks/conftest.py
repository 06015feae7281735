"""Fixtures for the checker tests (helpers live in checks_helpers.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from checks_helpers import AUTHORS


@pytest.fixture
def authors_file(tmp_path: Path) -> Path:
    path = tmp_path / "AUTHORS.json"
    path.write_text(json.dumps(AUTHORS), encoding="utf-8")
    return path
