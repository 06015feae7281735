"""`paperdesk serve`: gunicorn and the background worker, started and stopped together."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from venue_helpers import ROOT, VENUE_FILE, cli, cli_env, paperdesk_argv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


# One generous bound for every wait: each wait ends as soon as its line arrives (or the
# process ends), so the bound only matters when something is wrong, and a loaded machine
# (a parallel build, `-n 2`) is never mistaken for a broken server.
PATIENCE = 120.0


class Output:
    """Collects a process's output lines as they come; waiting wakes on each new line."""

    def __init__(self, stream):
        self.lines: list[str] = []
        self.ended = False
        self.changed = threading.Condition()
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def _read(self, stream):
        for line in stream:
            with self.changed:
                self.lines.append(line.rstrip("\n"))
                self.changed.notify_all()
        with self.changed:
            self.ended = True
            self.changed.notify_all()

    def wait_for(self, pattern: str, timeout: float = PATIENCE) -> re.Match:
        deadline = time.monotonic() + timeout
        seen = 0
        with self.changed:
            while True:
                for line in self.lines[seen:]:
                    if match := re.search(pattern, line):
                        return match
                seen = len(self.lines)
                remaining = deadline - time.monotonic()
                if self.ended or remaining <= 0:
                    why = "the output ended" if self.ended else f"{timeout:g} s passed"
                    raise AssertionError(f"{why} with no line matching {pattern!r}:\n" + "\n".join(self.lines))
                self.changed.wait(remaining)


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=PATIENCE) as response:  # noqa: S310  (http://127.0.0.1 only)
        return response.status, response.headers["Content-Type"], response.read()


@pytest.fixture
def served_var(tmp_path):
    assert cli(tmp_path, "migrate", "--no-input", "-v0", timeout=120).returncode == 0
    assert cli(tmp_path, "venue", "load", str(VENUE_FILE)).returncode == 0
    return tmp_path


def test_serve_serves_pages_and_static_then_stops_cleanly(served_var):
    port = free_port()
    process = subprocess.Popen(
        [*paperdesk_argv(), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1", "--threads", "2"],
        env=cli_env(served_var), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    output = Output(process.stdout)
    try:
        output.wait_for(rf"^Paperdesk is serving http://127\.0\.0\.1:{port}/$")
        master = int(output.wait_for(r"Listening at: http://\S+ \((\d+)\)").group(1))
        worker = int(output.wait_for(r"^Background worker started \(pid (\d+)\)").group(1))
        checker = int(output.wait_for(r"^Checker started \(pid (\d+)\)").group(1))
        # The PDF checks have a worker of their own, which yields the CPU to the web server.
        assert os.getpriority(os.PRIO_PROCESS, checker) > os.getpriority(os.PRIO_PROCESS, master)
        assert "checks" in Path(f"/proc/{checker}/cmdline").read_text().split("\0")
        assert "default" in Path(f"/proc/{worker}/cmdline").read_text().split("\0")

        status, kind, body = fetch(f"http://127.0.0.1:{port}/")
        assert (status, kind) == (200, "text/html; charset=utf-8")
        assert b"Mechanistic Interpretability Workshop at NeurIPS 2025" in body
        status, kind, body = fetch(f"http://127.0.0.1:{port}/static/venues/venues.css")
        assert (status, kind) == (200, 'text/css; charset="utf-8"')
        assert body.startswith(b"/* The public venue pages")
        # The access log (Django's JSON lines: client address, request id) reaches the output.
        output.wait_for(r'"logger": "paperdesk\.access", "message": "GET / 200 .*"request_id": "[0-9a-f]{32}"')

        os.kill(worker, signal.SIGKILL)  # a dead worker is restarted
        restarted = int(output.wait_for(r"^Background worker restarted \(pid (\d+)\)").group(1))
        assert restarted != worker

        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=PATIENCE) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    output.thread.join(timeout=PATIENCE)
    assert output.lines[-1] == "Stopped."
    assert not alive(master) and not alive(restarted) and not alive(checker)


def test_serve_refuses_busy_port(tmp_path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = cli(tmp_path, "serve", "--port", str(port))

    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is already in use" in result.stderr
