"""Text measures behind the review-integrity hints (issue 11 item 6): how much two texts
share (word 3-gram shingles, Jaccard), which pairs of a set of texts are near-duplicates
(an inverted index over a consistent sample of the shingles, so a venue's thousands of
reviews are compared without every pair), and which texts are unusually short for their
set. Pure Python; the hints themselves (who may see what) are `paperdesk.reviews.integrity`."""

from __future__ import annotations

import re
import statistics
import zlib
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

_WORD = re.compile(r"[0-9a-z]+")
SHINGLE = 3
SAMPLE = 2  # keep the shingles whose hash is 0 mod SAMPLE (the same ones in every text)


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    tokens = words(text)
    if len(tokens) < size:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {zlib.crc32(" ".join(tokens[i:i + size]).encode()) for i in range(len(tokens) - size + 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of the two texts' word 3-grams (0..1)."""
    sa, sb = shingles(a), shingles(b)
    if not sa or not sb:
        return 0.0
    return len(sa & sb) / len(sa | sb)


def containment(part: str, whole: str) -> float:
    """How much of `part`'s word 3-grams occur in `whole` (0..1): a review that mostly
    repeats the abstract scores high even when it adds a line of its own."""
    sa, sb = shingles(part), shingles(whole)
    return len(sa & sb) / len(sa) if sa else 0.0


def near_duplicates(texts: Mapping[K, str], threshold: float = 0.7, min_words: int = 30) -> list[tuple[K, K, float]]:
    """Pairs (a, b, similarity) with similarity >= threshold, a before b in `texts`' order.
    Texts under `min_words` words are left out (two "Accept." are not copying)."""
    keys = list(texts)
    order = {k: i for i, k in enumerate(keys)}
    sampled: dict[K, set[int]] = {}
    full: dict[K, set[int]] = {}
    postings: dict[int, list[K]] = defaultdict(list)
    for key in keys:
        if len(words(texts[key])) < min_words:
            continue
        full[key] = shingles(texts[key])
        sampled[key] = {s for s in full[key] if s % SAMPLE == 0}
        for s in sampled[key]:
            postings[s].append(key)
    pairs = []
    for key, mine in sampled.items():
        shared: dict[K, int] = defaultdict(int)
        for s in mine:
            for other in postings[s]:
                if order[other] > order[key]:
                    shared[other] += 1
        for other, count in shared.items():
            # the sampled Jaccard estimates the real one; only likely pairs are measured exactly
            if count < 0.5 * threshold * min(len(mine), len(sampled[other])):
                continue
            score = len(full[key] & full[other]) / len(full[key] | full[other])
            if score >= threshold:
                pairs.append((key, other, round(score, 3)))
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return pairs


def short_outliers(lengths: Mapping[K, int], floor: int = 80, fraction: float = 0.35, min_set: int = 5) -> dict[K, str]:
    """Texts (by word count) under the absolute `floor`, or under `fraction` of the set's
    median when the set has at least `min_set` texts (fewer make no distribution to compare
    with); each with the reason a person reads."""
    if not lengths:
        return {}
    median = statistics.median(lengths.values())
    judged = len(lengths) >= min_set
    out = {}
    for key, n in lengths.items():
        if n < floor:
            out[key] = f"{n} words, under the floor of {floor} words (the venue's median review has {median:.0f})"
        elif judged and n < fraction * median:
            out[key] = f"{n} words, under {fraction:.0%} of the venue's median review ({median:.0f} words)"
    return out
