"""Late fusion of sentence embeddings: the balanced ridge, the dense vectors and the choice of weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import Ridge
from sklearn.utils.class_weight import compute_sample_weight

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.fusion import balanced_ridge, choose_fusion, dense_vectors


def test_balanced_ridge_is_scikit_learns_weighted_ridge():
    rng = np.random.default_rng(3)
    E = rng.normal(size=(90, 6))
    yi = np.r_[np.zeros(60, int), np.ones(20, int), np.full(10, 2)]  # unbalanced codes
    T = np.where(np.eye(3, dtype=bool)[yi], 1.0, -1.0)
    ref = Ridge(alpha=2.5).fit(E, T, sample_weight=compute_sample_weight("balanced", yi))
    coef, intercept = balanced_ridge(E, yi, 3, penalty=2.5)
    np.testing.assert_allclose(coef.T, ref.coef_, atol=1e-9)
    np.testing.assert_allclose(intercept, ref.intercept_, atol=1e-9)


class _Counting:
    def __init__(self):
        self.calls = []

    def encode(self, texts):
        self.calls.append(list(texts))
        return np.array([[len(t), t.count("o")] for t in texts], dtype=float)


def test_dense_vectors_encode_each_distinct_text_once_and_zero_missing_neighbours():
    emb = _Counting()
    frame = pd.DataFrame({"text": ["no", "hello", "no"], "prev1_text": ["", "no", "hello"]})
    out = dense_vectors(emb, frame, context=["prev1", "next2"])  # next2: no such column
    assert emb.calls == [["no", "hello"]]
    assert out.tolist() == [[2, 1, 0, 0, 0, 0], [5, 1, 2, 1, 0, 0], [2, 1, 5, 1, 0, 0]]


def test_weight_zero_wins_ties_and_bad_grids_are_refused():
    yi = np.arange(20) % 2
    svm = np.c_[1.0 - yi, yi.astype(float)]  # already perfect: nothing for the embeddings to add
    E = np.random.default_rng(0).normal(size=(20, 3))
    splits = [(np.arange(10, 20), np.arange(10)), (np.arange(10), np.arange(10, 20))]
    choice = choose_fusion(svm, E, yi, 2, splits, penalties=(1.0,), weights=(1.0, 0.5))
    assert choice.weight == 0.0 and [r["weight"] for r in choice.search] == [0.0, 1.0, 0.5]
    np.testing.assert_array_equal(choice.scores, svm)
    with pytest.raises(SuggestError, match="embedding_weights"):
        choose_fusion(svm, E, yi, 2, splits, weights=(-1.0,))
