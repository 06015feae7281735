"""Text measures behind the review-integrity hints (issue 11 item 6): how much two texts
share (word 3-gram shingles, Jaccard), which pairs of a set of texts are near-duplicates
(MinHash bands, so a venue's thousands of reviews are compared without every pair), and
which texts are unusually short for their set. Python and numpy, no Django; the hints themselves (who may see what) are `paperdesk.reviews.integrity`."""

from __future__ import annotations

import functools
import re
import statistics
import zlib
from collections import defaultdict
from collections.abc import Hashable, Mapping
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

K = TypeVar("K", bound=Hashable)

_WORD = re.compile(r"[0-9a-z]+")
SHINGLE = 3


def words(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def shingles(text: str, size: int = SHINGLE) -> set[int]:
    tokens = words(text)
    if len(tokens) < size:
        return {zlib.crc32(" ".join(tokens).encode())} if tokens else set()
    return {zlib.crc32(" ".join(tokens[i:i + size]).encode()) for i in range(len(tokens) - size + 1)}


@functools.lru_cache(maxsize=1 << 18)
def _word_hash(word: str) -> int:
    return zlib.crc32(word.encode())


def _shingle_array(tokens: list[str]) -> npt.NDArray[np.uint64]:
    """The word 3-grams of `tokens` as sorted unique 64-bit numbers, computed in numpy (a
    venue's reviews hold millions of them): each word hashed once, three words combined by
    multiplying with odd constants. Not the values `shingles` gives; compare like with like."""
    import numpy as np

    ids = np.fromiter((_word_hash(t) for t in tokens), dtype=np.uint64, count=len(tokens))
    if len(ids) < SHINGLE:
        return np.unique(ids[:1] * np.uint64(len(ids)))
    grams = (ids[:-2] * np.uint64(0x9E3779B97F4A7C15)) ^ (ids[1:-1] * np.uint64(0xC2B2AE3D27D4EB4F)) ^ ids[2:]
    unique: npt.NDArray[np.uint64] = np.unique(grams)
    return unique


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


# MinHash with banding (locality-sensitive hashing): each text's shingles are summarised by
# HASHES minimum hashes, cut into BANDS bands of ROWS values; two texts become a candidate
# pair when one band is equal, which happens with probability 1 - (1 - J**ROWS)**BANDS for
# Jaccard similarity J: 0.99 at J = 0.6, 0.23 at J = 0.3, under 0.001 at J = 0.1. Every
# candidate is then measured exactly, so a reported pair is never a false one. This stays
# near-linear when reviews share much of their wording ("the paper is", "I recommend"),
# where an inverted index over the shingles compares nearly every pair.
BANDS, ROWS = 32, 4
HASHES = BANDS * ROWS
_SEEDS: tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]] | None = None


def _hash_parameters() -> tuple[npt.NDArray[np.uint64], npt.NDArray[np.uint64]]:
    global _SEEDS
    if _SEEDS is None:
        import numpy as np

        rng = np.random.default_rng(20251203)  # fixed: the same pairs on every run
        multipliers = rng.integers(0, 2**63, HASHES, dtype=np.uint64) * np.uint64(2) + np.uint64(1)  # odd
        _SEEDS = (multipliers, rng.integers(0, 2**63, HASHES, dtype=np.uint64))
    return _SEEDS


def _signature(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """HASHES minimum hashes of the shingles: multiply-add-shift hashing (a*x + b mod 2**64,
    its high 32 bits), one (a, b) per row."""
    import numpy as np

    a, b = _hash_parameters()
    hashed: npt.NDArray[np.uint64] = ((np.outer(a, values) + b[:, None]) >> np.uint64(32)).min(axis=1)
    return hashed


def near_duplicates(texts: Mapping[K, str], threshold: float = 0.7, min_words: int = 30) -> list[tuple[K, K, float]]:
    """Pairs (a, b, similarity) with similarity >= threshold, a before b in `texts`' order.
    Texts under `min_words` words are left out (two "Accept." are not copying). Candidates
    come from MinHash bands (see BANDS); each is measured exactly."""
    import numpy as np

    keys = list(texts)
    order = {k: i for i, k in enumerate(keys)}
    full: dict[K, npt.NDArray[np.uint64]] = {}
    kept: list[K] = []
    signatures = []
    for key in keys:
        tokens = words(texts[key])
        if len(tokens) < min_words:
            continue
        full[key] = _shingle_array(tokens)
        kept.append(key)
        signatures.append(_signature(full[key]))
    if len(kept) < 2:
        return []
    matrix = np.vstack(signatures)
    buckets: dict[bytes, list[int]] = defaultdict(list)
    for band in range(BANDS):
        rows = matrix[:, band * ROWS:(band + 1) * ROWS]
        for index, row in enumerate(rows):
            buckets[bytes([band]) + row.tobytes()].append(index)
    candidates: set[tuple[int, int]] = set()
    for members in buckets.values():
        if len(members) > 1:
            candidates.update((x, y) for i, x in enumerate(members) for y in members[i + 1:])
    if not candidates:
        return []
    # The share of equal minimum hashes estimates the Jaccard similarity (within about 0.1 for
    # 128 hashes): only pairs whose estimate comes near the threshold are measured exactly.
    firsts, seconds = np.array(sorted(candidates)).T
    estimate = (matrix[firsts] == matrix[seconds]).mean(axis=1)
    pairs = []
    for x, y in zip(firsts[estimate >= threshold - 0.15].tolist(), seconds[estimate >= threshold - 0.15].tolist(), strict=True):
        a, b = kept[x], kept[y]
        shared = len(np.intersect1d(full[a], full[b], assume_unique=True))
        score = shared / (len(full[a]) + len(full[b]) - shared)
        if score >= threshold:
            pairs.append((a, b, round(score, 3)))
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
