"""Quality figures of an assignment (the ones bench/matching/score.py reports)."""

from __future__ import annotations

from typing import TypedDict, cast

import numpy as np

from .arrays import FloatArray, IndexArray

WEAK = 0.2


class Summary(TypedDict):
    total_affinity: float
    paper_score_min: float | None
    paper_score_mean: float | None
    paper_score_p05: float | None
    papers_with_weak_reviewer: int
    weak_threshold: float


def paper_sums(P: int, paper: IndexArray, score: FloatArray) -> FloatArray:
    # numpy's stubs type bincount as integer even with float weights (it returns float64)
    return cast(FloatArray, np.bincount(paper, weights=score, minlength=P))


def paper_worst(P: int, paper: IndexArray, score: FloatArray) -> FloatArray:
    worst = np.full(P, np.inf)
    np.minimum.at(worst, paper, score)
    return worst


def summary(P: int, paper: IndexArray, score: FloatArray, weak: float = WEAK) -> Summary:
    """Total, per-paper minimum / mean / 5th percentile, papers with a weak reviewer."""
    sums = paper_sums(P, paper, score)
    worst = paper_worst(P, paper, score)
    return {
        "total_affinity": round(float(score.sum()), 6),
        "paper_score_min": round(float(sums.min()), 6) if P else None,
        "paper_score_mean": round(float(sums.mean()), 6) if P else None,
        "paper_score_p05": round(float(np.quantile(sums, 0.05)), 6) if P else None,
        "papers_with_weak_reviewer": int((worst < weak).sum()),
        "weak_threshold": weak,
    }
