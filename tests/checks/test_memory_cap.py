"""A check may allocate at most 512 MB beyond the process it starts from: a Flate bomb (a
content stream that inflates to the better part of a gigabyte) is refused as too large, and
the child never holds much more than the cap (measured by the child's peak RSS)."""

from __future__ import annotations

import json
import subprocess
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json, resource, sys
from paperdesk.checks.rules import CheckRules
from paperdesk.checks.sandbox import check_in_child
result = check_in_child(sys.argv[1], CheckRules(), cpu_seconds=60, method=sys.argv[2])
peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024
print(json.dumps({"result": result, "peak_mb": peak_mb}))
"""


def flate_bomb_pdf(megabytes: int) -> bytes:
    """A one-page PDF whose content stream inflates to `megabytes` MB of spaces."""
    deflate = zlib.compressobj(1)
    chunk = b" " * (1 << 20)
    body = b"".join(deflate.compress(chunk) for _ in range(megabytes)) + deflate.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def test_a_flate_bomb_is_stopped_at_512_mb(tmp_path):
    path = tmp_path / "bomb.pdf"
    path.write_bytes(flate_bomb_pdf(800))
    done = subprocess.run([sys.executable, "-c", PROBE, str(path), "spawn"], capture_output=True, text=True,
                          timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    probe = json.loads(done.stdout)
    error = probe["result"]["error"]
    assert error["code"] == "too_large"
    assert "512 MB" in error["message"]
    assert probe["peak_mb"] < 512 + 128, probe
