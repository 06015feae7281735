"""A real server killed in the middle of an upload leaves no partial submission version
and no torn file; after a restart the same upload goes through whole.

The server is `paperdesk serve` (gunicorn) on an embedded SQLite database in a temporary
folder; the upload goes through the API with a token, written to a raw socket so the
test can stop half-way through the body and kill the server with SIGKILL."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from submission_helpers import pdf

ROOT = Path(__file__).resolve().parents[2]
VENUE_FILE = ROOT / "venues" / "mechinterp-2025.toml"

SETUP = """
import io, json
from allauth.account.models import EmailAddress
from paperdesk.accounts.models import User
from paperdesk.api.models import ApiToken
from paperdesk.submissions import services
from paperdesk.venues.models import Venue
venue = Venue.objects.get(slug="mechinterp-2025-rehearsal")
user = User.objects.create_user(email="ada@uni.edu", password="x" * 12, full_name="Ada Lovelace", moderation_status="active")
EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
data = services.SubmissionInput(title="Durable", abstract="A.", track="short", primary_topic="circuits",
    contribution_type="empirical", authors=[services.AuthorInput(user.email, user.full_name)])
submission = services.submission_create(venue=venue, actor=user, data=data)
print(json.dumps({"id": submission.public_id, "token": ApiToken.issue(user, "crash test")[1]}))
"""

STATE = """
import json
from paperdesk.submissions.models import Upload
print(json.dumps([[u.version, u.sha256, u.size, u.blob] for u in Upload.objects.order_by("version")]))
"""


def spool_dir(var: Path) -> Path:
    """Where the server's processes put temporary files (uploads too large to hold in memory)."""
    path = var.parent / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return path


def env_for(var: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERDESK_") and k != "DATABASE_URL"}
    env.update(DJANGO_SETTINGS_MODULE="paperdesk.settings", PAPERDESK_VAR=str(var), PYTHONUNBUFFERED="1",
               TMPDIR=str(spool_dir(var)))
    return env


def wait_until(predicate, what: str, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while not (value := predicate()):
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)
    return value


def paperdesk(var: Path, *args: str, stdin: str | None = None) -> str:
    argv = [str(Path(sys.executable).with_name("paperdesk")), *args]
    done = subprocess.run(argv, env=env_for(var), input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(var: Path, port: int) -> subprocess.Popen:
    argv = [str(Path(sys.executable).with_name("paperdesk")), "serve", "--host", "127.0.0.1", "--port", str(port),
            "--workers", "1", "--threads", "2", "--no-worker", "--no-collectstatic"]
    process = subprocess.Popen(argv, env=env_for(var), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/venues", timeout=2).read()
            return process
        except OSError:
            time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    raise AssertionError("the server did not start")


def multipart(body: bytes, boundary: str = "paperdeskboundary") -> tuple[bytes, str]:
    payload = (
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"paper.pdf\"\r\n"
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + body + f"\r\n--{boundary}--\r\n".encode()
    return payload, f"multipart/form-data; boundary={boundary}"


def request_head(port: int, path: str, token: str, content_type: str, length: int) -> bytes:
    return (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: {content_type}\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
    ).encode()


def files_under(var: Path) -> list[Path]:
    return sorted(p for p in (var / "files").rglob("*") if p.is_file()) if (var / "files").exists() else []


def test_server_killed_mid_upload_keeps_no_partial_version_and_no_torn_file(tmp_path):
    var = tmp_path / "var"
    paperdesk(var, "migrate", "--no-input", "-v0")
    paperdesk(var, "venue", "load", str(VENUE_FILE), "--rehearsal")
    made = json.loads(paperdesk(var, "shell", stdin=SETUP).strip().splitlines()[-1])
    path = f"/api/submissions/{made['id']}/versions"
    paper = pdf(pages=3, pad_to=3_000_000)
    body, content_type = multipart(paper)

    port = free_port()
    server = start_server(var, port)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            conn.sendall(request_head(port, path, made["token"], content_type, len(body)))
            conn.sendall(body[: len(body) // 2])
            # The body is over FILE_UPLOAD_MAX_MEMORY_SIZE, so the server spools the file part to
            # a temporary file: once one exists, the server is part-way through reading it.
            spool = wait_until(lambda: sorted(spool_dir(var).glob("*.upload*")), "the server to spool the upload")
            assert spool, "the server never started reading the body"
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=10)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)

    assert json.loads(paperdesk(var, "shell", stdin=STATE).strip().splitlines()[-1]) == []
    assert files_under(var) == []

    port = free_port()
    server = start_server(var, port)
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
            conn.sendall(request_head(port, path, made["token"], content_type, len(body)) + body)
            response = b""
            while chunk := conn.recv(65536):
                response += chunk
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    assert response.startswith(b"HTTP/1.1 201"), response[:300]

    [[version, sha256, size, _blob]] = json.loads(paperdesk(var, "shell", stdin=STATE).strip().splitlines()[-1])
    assert (version, sha256, size) == (1, hashlib.sha256(paper).hexdigest(), len(paper))
    [stored] = files_under(var)
    assert stored.read_bytes() == paper and stored.name == sha256
