"""A metrics directory that is named but does not exist yet (a fresh host, a tmpfs) is made
when the metrics load, instead of crashing the web process at start."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_the_metrics_directory_is_made_when_missing(tmp_path):
    missing = tmp_path / "not" / "yet" / "metrics"
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(missing), "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", "import paperdesk.ops.metrics as m; m.observe_request(\"GET\", \"/\", 200, 0.1)"],
                          env=env, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert missing.is_dir() and any(missing.iterdir())
