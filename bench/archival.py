#!/usr/bin/env python3
"""Benchmark of the archival index (`paperdesk.publications.archive_index`, issue 12 item 4).

Generates N synthetic publications (default 1,000,000; titles from a Zipf-weighted
vocabulary of machine-learning words plus rarer generated terms, 1-8 authors from name
lists, venue, year) as a DBLP XML slice (cached in bench/.cache/, git-ignored), then in a
child process streams it through `iter_dblp` into `build_index` and reports the wall
time and the child's peak memory (ru_maxrss via wait4). Then opens the index and looks up
1,000 planted near-duplicates of indexed titles (a typo, case and punctuation, a word
dropped, two words swapped, a LaTeX accent, a British spelling) and 1,000 titles that are
in no record, and reports lookup latency p50/p99 and precision/recall (a planted
duplicate counts as found when its original is the best match; any match of an unlisted
title is a false positive).

    .venv/bin/python bench/archival.py                 # 1,000,000 records
    .venv/bin/python bench/archival.py --records 100000
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from xml.sax.saxutils import escape

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from paperdesk.publications import archive_index as ai  # noqa: E402

COMMON = ["learning", "neural", "networks", "language", "models", "deep", "reinforcement", "graph", "attention", "transformer", "representation", "adversarial", "robust", "efficient", "scalable", "generative", "diffusion", "contrastive", "self-supervised", "interpretability", "mechanistic", "circuits", "features", "sparse", "autoencoders", "probing", "causal", "analysis", "training", "optimization", "gradient", "descent", "stochastic", "bayesian", "inference", "variational", "policy", "agents", "multi-agent", "vision", "image", "segmentation", "detection", "recognition", "speech", "translation", "retrieval", "question", "answering", "reasoning", "large", "benchmark", "dataset", "evaluation", "fairness", "privacy", "federated", "continual", "meta", "few-shot", "zero-shot", "transfer", "domain", "adaptation", "knowledge", "distillation", "pruning", "quantization", "compression", "memory", "hierarchical", "temporal", "spatial", "dynamics", "geometry", "manifold", "kernel", "convex", "theory", "bounds", "generalization", "uncertainty", "calibration", "explanation", "attribution", "steering", "alignment", "preference", "feedback", "reward", "safety", "embedding", "tokens", "attention", "heads", "superposition", "polysemantic", "monosemantic", "linear", "nonlinear", "layers"]
SYLLABLES = ["ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "qua", "sto", "bri", "fen", "gal", "hor", "jun", "kel", "mor", "nix", "pra", "sel", "tor", "ull", "vex", "wyn", "yar", "zen"]
FIRST = ["Ana", "Bo", "Chen", "David", "Elena", "Fatima", "Georg", "Hana", "Ivan", "Jun", "Kim", "Lena", "Marco", "Nadia", "Omar", "Priya", "Qing", "Rosa", "Sven", "Tariq", "Uma", "Victor", "Wei", "Xin", "Yara", "Zoe", "Jörg", "Amélie", "Søren", "Łukasz", "Chloé", "Mateo", "Aiko", "Ravi", "Sofia", "Tomás", "Ingrid", "Kofi", "Leila", "Hyun"]
LAST = ["Smith", "Müller", "Wang", "Li", "Zhang", "Garcia", "Kumar", "Nguyen", "Kim", "Rossi", "Novak", "Silva", "Cohen", "Ivanov", "Sato", "Khan", "Okafor", "Jensen", "Dubois", "Haddad", "Park", "Chen", "Lopez", "Schmidt", "Tanaka", "Moreau", "Petrov", "Ali", "Singh", "Costa", "Nakamura", "Weber", "Fischer", "Berg", "Lind", "Andersen", "Hoffmann", "Kowalski", "Yilmaz", "Mensah"]
VENUES = ["ACL", "EMNLP", "NAACL", "NeurIPS", "ICML", "ICLR", "AAAI", "IJCAI", "CVPR", "ICCV", "TMLR", "JMLR", "TACL"]
BRITISH = {"optimization": "optimisation", "generalization": "generalisation", "analysis": "analyses"}


def _vocabulary(rng: random.Random) -> tuple[list[str], list[float]]:
    rare = sorted({"".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))) for _ in range(40_000)})
    words = COMMON + rare
    weights = [1.0 / (rank + 1) ** 0.9 for rank in range(len(words))]
    return words, list(itertools.accumulate(weights))


def _title(rng: random.Random, words: list[str], weights: list[float]) -> str:
    body = rng.choices(words, cum_weights=weights, k=rng.randint(5, 11))
    joiners = ["for", "of", "in", "with", "via", "and", "on"]
    for _ in range(rng.randint(1, 2)):
        body.insert(rng.randint(1, len(body) - 1), rng.choice(joiners))
    if rng.random() < 0.3:
        body[rng.randint(0, 2)] += ":"
    return " ".join(w.capitalize() if i == 0 or rng.random() < 0.5 else w for i, w in enumerate(body))


def _authors(rng: random.Random) -> list[str]:
    return [f"{rng.choice(FIRST)} {rng.choice(LAST)}" + (f" {rng.randint(1, 9):04d}" if rng.random() < 0.05 else "") for _ in range(rng.randint(1, 8))]


def _xml_name(name: str) -> str:
    return escape(name).replace("ü", "&uuml;").replace("é", "&eacute;").replace("ø", "&oslash;")


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    words, weights = _vocabulary(rng)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE dblp SYSTEM "dblp.dtd">\n<dblp>\n')
        for i in range(n):
            venue = rng.choice(VENUES)
            kind, where = ("article", "journal") if venue in ("TMLR", "JMLR", "TACL") else ("inproceedings", "booktitle")
            authors = "".join(f"<author>{_xml_name(a)}</author>" for a in _authors(rng))
            out.write(f'<{kind} key="conf/x/{i}" mdate="2024-01-01">{authors}<title>{escape(_title(rng, words, weights))}.</title>'
                      f"<{where}>{venue}</{where}><year>{rng.randint(1990, 2025)}</year></{kind}>\n")
        out.write("</dblp>\n")


def _perturb(rng: random.Random, title: str) -> str:
    words = title.rstrip(".").split()
    kind = rng.randrange(6)
    if kind == 0:  # a typo in a long word
        at = max(range(len(words)), key=lambda i: len(words[i]))
        w = words[at]
        p = rng.randrange(1, len(w) - 1)
        words[at] = w[:p] + w[p + 1] + w[p] + w[p + 2:]
    elif kind == 1:
        return title.upper().replace(":", " -")
    elif kind == 2 and len(words) > 5:
        del words[rng.randrange(1, len(words))]
    elif kind == 3 and len(words) > 3:
        i = rng.randrange(len(words) - 1)
        words[i], words[i + 1] = words[i + 1], words[i]
    elif kind == 4:
        words = [BRITISH.get(w.lower(), w) for w in words] + ["."]
    else:
        words = ["{" + w + "}" if i % 3 == 0 else w for i, w in enumerate(words)]
    return " ".join(words)


def build_child(listing: str, directory: str) -> None:
    with open(listing, "rb") as stream:
        stats = ai.build_index(ai.iter_dblp(stream), directory)
    print(f"{stats.records} {stats.words} {stats.postings} {stats.seconds:.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--build-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.build_child:
        build_child(*args.build_child)
        return
    cache = ROOT / "bench" / ".cache" / "archival"
    cache.mkdir(parents=True, exist_ok=True)
    listing = cache / f"dblp-{args.records}.xml"
    if not listing.exists():
        started = time.perf_counter()
        generate(listing.with_suffix(".tmp"), args.records)
        listing.with_suffix(".tmp").rename(listing)
        print(f"generated {listing} ({listing.stat().st_size / 1e6:.0f} MB) in {time.perf_counter() - started:.0f} s")
    directory = cache / f"index-{args.records}"
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, __file__, "--build-child", str(listing), str(directory)], stdout=subprocess.PIPE)
    output = child.communicate()[0].decode()
    _pid, status, usage = child.pid, child.returncode, resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build failed ({status})")
    records, words, postings, build_seconds = output.split()
    size = sum(f.stat().st_size for f in directory.iterdir())
    print(f"records {int(records):,}  distinct words {int(words):,}  postings {int(postings):,}")
    print(f"parse + build: {wall:.1f} s wall (build_index {float(build_seconds):.1f} s), {usage.ru_utime + usage.ru_stime:.1f} s CPU, "
          f"peak memory {usage.ru_maxrss / 1024:.0f} MB, index {size / 1e6:.0f} MB on disk; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

    started = time.perf_counter()
    index = ai.ArchiveIndex.open(directory)
    print(f"open: {1000 * (time.perf_counter() - started):.1f} ms")
    rng = random.Random(11)
    planted = [rng.randrange(len(index)) for _ in range(args.queries)]
    words, weights = _vocabulary(random.Random(99))
    unlisted = [_title(rng, words, weights) + " " + rng.choice(["Revisited", "Beyond", "at Scale"]) for _ in range(args.queries)]
    latencies = []
    found = 0
    false_positive = 0
    for number in planted:
        original = index.record(number)
        query = _perturb(rng, original.title)
        started = time.perf_counter()
        matches = index.lookup(query, original.authors[:1])
        latencies.append(time.perf_counter() - started)
        found += bool(matches) and ai.normalise_title(matches[0].record.title) == ai.normalise_title(original.title)
    for title in unlisted:
        started = time.perf_counter()
        matches = index.lookup(title, ["Nobody Known"])
        latencies.append(time.perf_counter() - started)
        false_positive += bool(matches)
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000
    recall = found / len(planted)
    precision = found / (found + false_positive) if found + false_positive else 1.0
    print(f"lookup latency over {len(latencies)} lookups: p50 {p50:.2f} ms, p99 {p99:.2f} ms")
    print(f"planted near-duplicates: recall {recall:.3f} ({found}/{len(planted)}); unlisted titles matched {false_positive}/{len(unlisted)}; precision {precision:.3f}")


if __name__ == "__main__":
    main()
