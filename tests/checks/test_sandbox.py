"""The child process: results come back, and CPU, memory, wall-clock limits and crashes
become `unreadable` results instead of hangs or exceptions."""

from __future__ import annotations

import os
import signal

import pytest
from checks_helpers import FIXTURES

from paperdesk.checks import CheckRules, Identity, worker
from paperdesk.checks.sandbox import check_in_child

RULES = CheckRules(page_limit=4)
JOHN = Identity(name="John Smith", emails=("jsmith@carrow.edu",), github=("jsmith-lab",), huggingface=("jsmith",))


def test_sandbox_spawned_worker_returns_the_report():
    result = check_in_child(FIXTURES / "leaks.pdf", RULES, [JOHN], cpu_seconds=20)
    assert result["status"] == "problems"
    assert ("github", "jsmith-lab") in {(l["kind"], l["value"]) for l in result["anonymity"]["leaks"]}
    assert result["file"] == str(FIXTURES / "leaks.pdf")


def test_sandbox_forked_child_returns_the_same_report():
    spawned = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, [JOHN], cpu_seconds=20)
    forked = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, [JOHN], cpu_seconds=20, method="fork")
    assert forked == spawned


def test_sandbox_broken_file_is_a_result():
    result = check_in_child(FIXTURES / "broken_truncated.pdf", RULES, cpu_seconds=20, method="fork")
    assert (result["status"], result["error"]["code"]) == ("unreadable", "truncated")


def _spin(job):
    while True:
        pass


def _allocate(job):
    hoard = []
    while True:
        hoard.append(bytearray(64 * 1024 * 1024))


def _segfault(job):
    os.kill(os.getpid(), signal.SIGSEGV)


def test_sandbox_child_over_cpu_time_returns_timeout(monkeypatch):
    monkeypatch.setattr(worker, "run_job", _spin)
    result = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, cpu_seconds=1, wall_seconds=20, method="fork")
    assert (result["status"], result["error"]["code"]) == ("unreadable", "timeout")


def test_sandbox_child_over_wall_clock_returns_timeout(monkeypatch):
    monkeypatch.setattr(worker, "run_job", _spin)
    result = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, cpu_seconds=30, wall_seconds=0.5, method="fork")
    assert result["error"]["code"] == "timeout"


def test_sandbox_spawned_worker_over_wall_clock_returns_timeout():
    result = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, cpu_seconds=30, wall_seconds=0.01)
    assert result["error"]["code"] == "timeout"


def test_sandbox_child_over_memory_returns_too_large(monkeypatch):
    monkeypatch.setattr(worker, "run_job", _allocate)
    result = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, cpu_seconds=10, memory_mb=300, method="fork")
    assert result["error"]["code"] == "too_large"
    assert "300 MB" in result["error"]["message"]


def test_sandbox_crashing_child_returns_a_clear_code(monkeypatch):
    monkeypatch.setattr(worker, "run_job", _segfault)
    result = check_in_child(FIXTURES / "refs_midpage.pdf", RULES, cpu_seconds=10, method="fork")
    assert result["status"] == "unreadable"
    assert result["error"]["code"] == "truncated"
    assert "crashed" in result["error"]["message"]


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_sandbox_unknown_path_is_a_result(method):
    result = check_in_child("/nonexistent/paper.pdf", RULES, cpu_seconds=10, method=method)
    assert result["status"] == "unreadable"
