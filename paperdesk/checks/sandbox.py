"""Run a check in a child process with CPU, memory and wall-clock limits.

Untrusted PDFs are parsed by a C library; a file that makes it spin, eat memory or crash
must cost the caller a clear `unreadable` result, never a hang or an exception.

Two ways to start the child:
- "spawn" (default): `python -m paperdesk.checks.worker`, a fresh interpreter; safe in a
  multi-threaded web server.
- "fork": `os.fork()` of the caller; starts in milliseconds, for single-threaded callers
  such as the CLI.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from .identity import Identity
from .limits import apply_limits
from .report import Report
from .rules import CheckRules

if TYPE_CHECKING:  # the checker itself is loaded only in the child (`worker`)
    from .worker import CheckJob

DEFAULT_CPU_SECONDS = 30
DEFAULT_MEMORY_MB = 512  # what one check may allocate beyond the process it starts from
PACKAGE_ROOT = str(Path(__file__).resolve().parent.parent.parent)


def _quiet_child() -> None:
    """A forked child writes nothing to the parent's terminal (no crash dumps, no warnings)."""
    import faulthandler

    faulthandler.disable()
    null = os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 1)
    os.dup2(null, 2)
    os.close(null)


# The file being checked, as the caller names it (None: a supplementary archive alone).
CheckedPath = str | os.PathLike[str] | None


def _failure(path: CheckedPath, rules: CheckRules, code: str, message: str) -> dict[str, Any]:
    return Report.unreadable(str(path), code, message, rules.page_limit).to_dict()


def _timeout(path: CheckedPath, rules: CheckRules, seconds: float) -> dict[str, Any]:
    return _failure(path, rules, "timeout", f"Checking the PDF took longer than {seconds:g} s; it may be unusually complex or damaged.")


def _from_exit(path: CheckedPath, rules: CheckRules, status: int, stderr: str, cpu_seconds: float, memory_mb: int) -> dict[str, Any]:
    """Turn an abnormal end of the child into a result."""
    if status in (-signal.SIGXCPU, -signal.SIGKILL) or "SIGXCPU" in stderr:
        return _timeout(path, rules, cpu_seconds)
    if "MemoryError" in stderr or "std::bad_alloc" in stderr or status == -signal.SIGABRT:
        return _failure(path, rules, "too_large", f"Parsing the PDF needs more than {memory_mb} MB of memory.")
    return _failure(path, rules, "truncated", "The PDF crashed the parser; it is probably damaged. Export it again.")


def check_in_child(
    path: CheckedPath,
    rules: CheckRules | None = None,
    identities: Iterable[Identity | dict[str, Any]] = (),
    cpu_seconds: float = DEFAULT_CPU_SECONDS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    wall_seconds: float | None = None,
    method: str = "spawn",
    supplementary: str | os.PathLike[str] | None = None,
    archive_limits: dict[str, Any] | None = None,
    references: bool = False,
) -> dict[str, Any]:
    """Check `path` in a child process; returns `Report.to_dict()` output, never raises
    (`references`: with the reference list's text).

    `supplementary`: an archive read in the same child (`archive.scan_archive`); its
    findings join the report (`path` None: the archive alone)."""
    result = _check_in_child(path, rules, identities, cpu_seconds, memory_mb, wall_seconds, method, supplementary, archive_limits,
                             references)
    if supplementary is not None and "supplementary" not in result:  # the child died reading them
        from .archive import merge_into, standalone_report, unreadable_result

        code = "archive_corrupt" if (result.get("error") or {}).get("code") == "truncated" else "archive_too_large"
        failed = unreadable_result(code, (result.get("error") or {}).get("message") or "The archive could not be read.")
        result = merge_into(result, failed) if path is not None else standalone_report(failed, str(supplementary))
    return result


def _check_in_child(path: CheckedPath, rules: CheckRules | None, identities: Iterable[Identity | dict[str, Any]], cpu_seconds: float,
                    memory_mb: int, wall_seconds: float | None, method: str, supplementary: str | os.PathLike[str] | None,
                    archive_limits: dict[str, Any] | None,
                    references: bool = False) -> dict[str, Any]:
    rules = rules or CheckRules()
    wall = wall_seconds if wall_seconds is not None else cpu_seconds * 2 + 5
    child_rules = CheckRules.from_dict({**rules.to_dict(), "timeout": min(rules.timeout, cpu_seconds)})
    job: CheckJob = {
        "path": str(path) if path is not None else None,
        "supplementary": str(supplementary) if supplementary is not None else None,
        "archive_limits": archive_limits or {},
        "references": references,
        "rules": child_rules.to_dict(),
        "identities": [i.to_dict() if isinstance(i, Identity) else i for i in identities],
        "limits": {"cpu_seconds": cpu_seconds, "memory_mb": memory_mb},
    }
    try:
        if method == "fork" and hasattr(os, "fork"):
            return _run_forked(path, rules, job, cpu_seconds, memory_mb, wall)
        return _run_spawned(path, rules, job, cpu_seconds, memory_mb, wall)
    except Exception as error:  # the sandbox itself failed (no fork, no interpreter...)
        return _failure(path, rules, "timeout", f"The check could not be run: {error}.")


def _run_spawned(path: CheckedPath, rules: CheckRules, job: CheckJob, cpu_seconds: float, memory_mb: int, wall: float) -> dict[str, Any]:
    env = dict(os.environ)
    env["PYTHONPATH"] = PACKAGE_ROOT + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "paperdesk.checks.worker"],
            input=json.dumps(job).encode(),
            capture_output=True,
            timeout=wall,
            env=env,
        )
    except subprocess.TimeoutExpired:
        return _timeout(path, rules, wall)
    stderr = done.stderr.decode(errors="replace")
    if done.returncode == 0:
        try:
            return cast("dict[str, Any]", json.loads(done.stdout))  # the worker writes one report object
        except ValueError:
            pass
    return _from_exit(path, rules, done.returncode, stderr, cpu_seconds, memory_mb)


def _run_forked(path: CheckedPath, rules: CheckRules, job: CheckJob, cpu_seconds: float, memory_mb: int, wall: float) -> dict[str, Any]:
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # child
        status = 0
        try:
            os.close(read_fd)
            _quiet_child()
            apply_limits(cpu_seconds, memory_mb)
            from .worker import run_job

            payload = json.dumps(run_job(job)).encode()
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        except MemoryError:
            status = 3
        except BaseException:
            status = 4
        finally:
            os._exit(status)
    os.close(write_fd)
    chunks: list[bytes] = []
    deadline = time.monotonic() + wall
    try:
        with os.fdopen(read_fd, "rb") as pipe:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return _timeout(path, rules, wall)
                ready, _, _ = select.select([pipe], [], [], remaining)
                if ready:
                    chunk = os.read(pipe.fileno(), 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        _, status = os.waitpid(pid, 0)
        pid = 0
    finally:
        if pid:  # timed out or interrupted: the child must not outlive the call
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
    code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    if code == 0:
        try:
            return cast("dict[str, Any]", json.loads(b"".join(chunks)))  # the child writes one report object
        except ValueError:
            pass
    stderr = "MemoryError" if code == 3 else ""
    return _from_exit(path, rules, code, stderr, cpu_seconds, memory_mb)
