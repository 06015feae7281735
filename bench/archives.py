"""Scanning a supplementary archive: a generated 50 MB archive with 5,000 files.

usage: python bench/archives.py [--files 5000] [--megabytes 50] [--format zip|tar.gz|both] [--repeat 3]

The archive (cached in bench/.cache/archives/) holds what real supplementary material holds:
Python and Markdown sources (a few name an author, e-mail or GitHub handle), JSON configs,
notebooks with metadata, a `.git` directory (config with a remote, reflog, loose commits, a
pack), and incompressible binary files (weights, arrays) filling it up to the size asked.

For each format it measures, each in a fresh forked child (best of N runs):
  scan    - `archive.scan_archive` (the whole check: caps, every text file, git, notebooks);
  clean   - `archive.clean_archive` (the reviewers' copy);
  sandbox - `sandbox.check_in_child(None, supplementary=...)`, the web job's path (spawned
            interpreter, limits, JSON out) - wall time only;
and the child's peak RSS above a child that only imported the modules (`os.wait4`).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import sys
import tarfile
import tempfile
import time
import zipfile
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "checks"))

from archive_helpers import COMMIT, pack_file  # noqa: E402

from paperdesk.checks import identities_from_json  # noqa: E402
from paperdesk.checks.archive import ArchiveLimits, clean_archive, scan_archive  # noqa: E402

CACHE = ROOT / "bench" / ".cache" / "archives"
AUTHORS = [
    {"name": "John Smith", "emails": ["jsmith@carrow.edu"], "affiliations": ["University of Carrowmore"], "github": "jsmith-lab", "huggingface": "jsmith"},
    {"name": "José Núñez", "emails": ["jnunez@carrow.edu"], "affiliations": ["Glenvale Institute for Vision"], "github": "jnunez"},
]
WORDS = ["feature", "activation", "probe", "layer", "residual", "stream", "attention", "head", "circuit", "sparse", "autoencoder",
         "dictionary", "neuron", "logit", "lens", "patching", "ablation", "token", "embedding", "gradient", "loss", "batch", "model", "tensor"]


def _python(rng: random.Random, i: int) -> bytes:
    lines = [f'"""Module {i}: {" ".join(rng.choices(WORDS, k=8))}."""', "import torch", ""]
    for f in range(rng.randint(8, 30)):
        lines.append(f"def {rng.choice(WORDS)}_{f}(x, k={rng.randint(1, 64)}):")
        lines.append(f"    # {' '.join(rng.choices(WORDS, k=rng.randint(4, 12)))}")
        lines.append(f"    return x.{rng.choice(['sum', 'mean', 'relu', 'softmax'])}(dim=-1) * {rng.random():.4f}")
        lines.append("")
    if i % 250 == 0:
        lines.append("# Written by John Smith (jsmith@carrow.edu), see https://github.com/jsmith-lab/sae")
    return "\n".join(lines).encode()


def _notebook(rng: random.Random, i: int) -> bytes:
    cells = [{"cell_type": "code", "execution_count": c, "metadata": {"executionInfo": {"user": {"displayName": "John Smith"}}} if c == 0 else {},
              "outputs": [{"name": "stdout", "output_type": "stream", "text": [f"/home/jsmith/runs/{i}/{c}.pt\n"]}],
              "source": [" ".join(rng.choices(WORDS, k=12)) + "\n"]} for c in range(20)]
    return json.dumps({"cells": cells, "metadata": {"authors": [{"name": "John Smith"}], "kernelspec": {"name": "python3"}},
                       "nbformat": 4, "nbformat_minor": 5}, indent=1).encode()


def members(files: int, megabytes: int, seed: int = 7):
    """(name, bytes) pairs: text first, then binary files sized to reach the target."""
    rng = random.Random(seed)
    git = {
        "repo/.git/config": b'[remote "origin"]\n\turl = git@github.com:jsmith-lab/sae.git\n[user]\n\tname = John Smith\n',
        "repo/.git/logs/HEAD": b"0" * 40 + b" " + b"1" * 40 + b" John Smith <jsmith@carrow.edu> 1700000000 +0100\tcommit\n",
        "repo/.git/objects/pack/pack-1.pack": pack_file([COMMIT] * 200),
    }
    for n in range(40):
        git[f"repo/.git/objects/{n:02x}/{'a' * 38}"] = zlib.compress(b"commit %d\0" % len(COMMIT) + COMMIT)
    out = list(git.items())
    notebooks = 40
    binaries = max(1, files // 12)
    texts = files - len(out) - notebooks - binaries
    for i in range(texts):
        kind = i % 10
        if kind < 7:
            out.append((f"repo/src/pkg{i % 40}/mod_{i}.py", _python(rng, i)))
        elif kind < 9:
            out.append((f"repo/configs/run_{i}.json", json.dumps({"lr": rng.random(), "layers": rng.randint(1, 48), "tags": rng.choices(WORDS, k=6)}).encode()))
        else:
            out.append((f"repo/docs/note_{i}.md", ("# " + " ".join(rng.choices(WORDS, k=6)) + "\n\n" + " ".join(rng.choices(WORDS, k=300))).encode()))
    for i in range(notebooks):
        out.append((f"repo/notebooks/exp_{i}.ipynb", _notebook(rng, i)))
    text_bytes = sum(len(data) for _, data in out)
    fill = max(0, megabytes * 1_000_000 - text_bytes // 4)  # text compresses about 4x
    size = fill // binaries
    for i in range(binaries):
        out.append((f"repo/weights/shard_{i}.bin", rng.randbytes(size)))
    return out


def build(fmt: str, files: int, megabytes: int) -> Path:
    CACHE.mkdir(parents=True, exist_ok=True)
    path = CACHE / f"supp-{files}-{megabytes}.{fmt}"
    if path.exists():
        return path
    part = path.with_suffix(path.suffix + ".part")
    if fmt == "zip":
        with zipfile.ZipFile(part, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as out:
            for name, data in members(files, megabytes):
                info = zipfile.ZipInfo(name, date_time=(2025, 8, 1, 12, 0, 0))
                info.compress_type = zipfile.ZIP_STORED if name.endswith(".bin") else zipfile.ZIP_DEFLATED
                out.writestr(info, data)
    else:
        with tarfile.open(part, "w:gz", compresslevel=6) as out:
            for name, data in members(files, megabytes):
                info = tarfile.TarInfo(name)
                info.size = len(data)
                out.addfile(info, io.BytesIO(data))
    part.rename(path)
    return path


def in_child(work) -> tuple[float, float, int, object]:
    """Run `work()` in a forked child: (wall s, CPU s, peak RSS KB, its result)."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_fd)
        start = time.perf_counter()
        result = work()
        wall = time.perf_counter() - start
        with os.fdopen(write_fd, "w") as out:
            json.dump({"wall": wall, "result": result}, out)
        os._exit(0)
    os.close(write_fd)
    with os.fdopen(read_fd) as pipe:
        data = json.load(pipe)
    _, _, usage = os.wait4(pid, 0)
    return data["wall"], usage.ru_utime + usage.ru_stime, usage.ru_maxrss, data["result"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=int, default=5000)
    ap.add_argument("--megabytes", type=int, default=50)
    ap.add_argument("--format", choices=("zip", "tar.gz", "both"), default="both")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    identities = identities_from_json(AUTHORS)
    limits = ArchiveLimits()
    print(f"load average: {os.getloadavg()[0]:.1f}")
    _, _, base_rss, _ = in_child(lambda: None)
    print("| format | archive MB | files | scanned | leaks | scan wall s | scan CPU s | scan peak MB (+ over bare child) | clean wall s | clean peak MB | sandbox wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    for fmt in (("zip", "tar.gz") if args.format == "both" else (args.format,)):
        path = build(fmt, args.files, args.megabytes)

        def scan(path=path):
            result = scan_archive(path, identities, limits)
            return {"status": result.status, "error": result.error, "files": result.files_scanned, "leaks": len(result.leaks)}

        runs = [in_child(scan) for _ in range(args.repeat)]
        wall, cpu, rss, result = min(runs, key=lambda r: r[0])
        if result["status"] != "ok":
            print(f"{fmt}: {result}")
            return 1
        with tempfile.TemporaryDirectory() as work:
            def clean(path=path, work=work):
                return clean_archive(str(path), os.path.join(work, "copy.zip"), limits)

            clean_runs = [in_child(clean) for _ in range(args.repeat)]
        c_wall, _, c_rss, _ = min(clean_runs, key=lambda r: r[0])
        from paperdesk.checks.sandbox import check_in_child

        start = time.perf_counter()
        report = check_in_child(None, None, identities, cpu_seconds=60, memory_mb=512, supplementary=path, archive_limits=limits.to_dict())
        s_wall = time.perf_counter() - start
        if report["supplementary"]["status"] != "ok":
            print(f"{fmt} through the sandbox: {report['supplementary']}")
            return 1
        print(f"| {fmt} | {path.stat().st_size / 1e6:.1f} | {args.files} | {result['files']} | {result['leaks']} | {wall:.2f} | {cpu:.2f} | "
              f"{rss / 1024:.0f} (+{(rss - base_rss) / 1024:.0f}) | {c_wall:.2f} | {c_rss / 1024:.0f} | {s_wall:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
