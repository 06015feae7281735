"""Helpers for the venue tests: running commands and making variants of the venue file."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

from django.core.management import call_command

ROOT = Path(__file__).resolve().parents[2]
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"


def run(*args: str) -> str:
    """call_command, returning what the command printed on stdout."""
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def paperdesk_argv() -> list[str]:
    script = Path(sys.executable).with_name("paperdesk")
    return [str(script)] if script.exists() else [sys.executable, "-m", "paperdesk.cli"]


def cli_env(var_dir: Path, **extra: str) -> dict[str, str]:
    # The command runs embedded (SQLite under var_dir), whatever database the suite uses.
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERDESK_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="paperdesk.settings", PAPERDESK_VAR=str(var_dir), PYTHONUNBUFFERED="1", **extra)
    return env


def cli(var_dir: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([*paperdesk_argv(), *args], env=cli_env(var_dir), capture_output=True, text=True, timeout=timeout, cwd=ROOT)


def variant(tmp_path: Path, *replacements: tuple[str, str], name: str = "venue.toml") -> tuple[Path, list[int]]:
    """A copy of the real venue file with each (old, new) replaced exactly once; returns
    the copy and the line number of each replacement."""
    text = VENUE_FILE.read_text(encoding="utf-8")
    lines = []
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times"
        at = text.index(old)
        lines.append(text.count("\n", 0, at) + 1)
        text = text[:at] + new + text[at + len(old):]
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path, lines

