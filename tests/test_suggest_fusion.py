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


def test_code_ridge_is_one_weighted_ridge_per_code_on_the_cells_that_take_part():
    from hrp_coding.suggest.fusion import code_ridge

    rng = np.random.default_rng(5)
    E = rng.normal(size=(80, 5))
    Y = np.c_[rng.random(80) < 0.2, rng.random(80) < 0.6]  # code lists: a rare code and a common one
    mask = np.ones_like(Y)
    mask[:10, 0] = False  # e.g. near misses of the other code: left out of code 0's problem
    w_rows = np.r_[np.ones(70), np.full(10, 3.0)]
    coef, intercept = code_ridge(E, Y, mask, penalty=4.0, row_weight=w_rows)
    for k in range(2):
        m = mask[:, k]
        balanced = compute_sample_weight("balanced", Y[m, k])
        ref = Ridge(alpha=4.0).fit(E[m], np.where(Y[m, k], 1.0, -1.0), sample_weight=balanced * w_rows[m])
        np.testing.assert_allclose(coef[:, k], ref.coef_, atol=1e-9)
        assert intercept[k] == pytest.approx(ref.intercept_, abs=1e-9)
    with pytest.raises(SuggestError, match="embedding_penalty"):
        code_ridge(E, Y, penalty=0.0)


def test_choose_weight_ranks_code_lists_by_hit_at_1_then_hit_at_3_and_keeps_zero_on_ties():
    from hrp_coding.suggest.fusion import choose_weight

    Y = np.zeros((4, 4), bool)
    Y[[0, 1, 2, 3], [0, 1, 2, 3]] = True
    scores = np.where(Y, 1.0, 0.0)  # the model already ranks every unit's code first
    dense = np.where(Y, -5.0, 0.0)
    weight, search = choose_weight(scores, dense, Y, True, (0.5, 1.0))
    assert weight == 0.0 and [r["weight"] for r in search] == [0.0, 0.5, 1.0]
    assert search[0]["hit_at_1"] == 1.0 and search[2]["hit_at_1"] == 0.0
    # hit@1 tied at 0 for both weights; the dense scores lift the true code into the top 3 only at 1.0
    scores = np.tile([3.0, 2.0, 1.0, 0.0], (4, 1))
    Y = np.zeros((4, 4), bool)
    Y[:, 3] = True
    dense = np.tile([0.0, 0.0, 0.0, 1.5], (4, 1))
    weight, search = choose_weight(scores, dense, Y, True, (0.5, 1.0))
    assert [r["hit_at_1"] for r in search] == [0.0, 0.0, 0.0] and [r["hit_at_3"] for r in search] == [0, 0, 1]
    assert weight == 1.0
    with pytest.raises(SuggestError, match="embedding_weights"):
        choose_weight(scores, dense, Y, True, (-1.0,))


class _Meaning:
    """A stand-in embedder that knows what each text means (its code), which its words do not tell."""

    def __init__(self, meaning):
        self.meaning = meaning

    def encode(self, texts):
        return np.array([self.meaning.get(t, np.zeros(3)) for t in texts], dtype=float)


def test_a_project_model_fuses_the_embeddings_late_and_ranks_by_what_they_know():
    from hrp_coding.suggest import CodeSuggester, EmbeddingCodeSuggester

    rng = np.random.default_rng(2)
    codes = ["holding", "inviting", "meeting_at"]
    texts = [f"turn {i} zq{i}x" for i in range(90)]  # every turn's words are its own: no word generalises
    labels = [[codes[i % 3]] if i % 5 else [] for i in range(90)]  # code lists, some turns uncoded
    meaning = {t: (np.eye(3)[i % 3] + rng.normal(0, 0.2, 3)) for i, t in enumerate(texts)}
    groups = [f"P{i // 10}" for i in range(90)]
    train, test = slice(0, 60), slice(60, 90)
    kw = dict(cv=3, char_ngrams=None, context=0)
    fused = EmbeddingCodeSuggester(embedder=_Meaning(meaning), **kw).fit(texts[train], labels[train],
                                                                         groups=groups[train])
    plain = CodeSuggester(**kw).fit(texts[train], labels[train], groups=groups[train])
    assert fused.multilabel_ and fused.embedding_weight_ > 0
    assert fused.embedding_coef_.shape == (3, 3) and fused.fusion_search_[0]["weight"] == 0.0
    gold = [codes[i % 3] for i in range(60, 90)]
    top = fused.classes_[fused.ranking_scores(texts[test]).argmax(1)]
    assert np.mean(top == np.array(gold)) > 0.9
    assert np.mean(plain.classes_[plain.ranking_scores(texts[test]).argmax(1)] == np.array(gold)) < 0.6
    # the fused scores are the linear model's plus the weighted ridge, and the evidence names the vectors
    E = _Meaning(meaning).encode(texts[test])
    linear = np.asarray(fused._transform(texts[test]) @ fused.coef_.T + fused.intercept_)
    np.testing.assert_allclose(fused.decision_function(texts[test]),
                               linear + E @ fused.embedding_coef_.T + fused.embedding_intercept_)
    assert any(name == "e:turn" for name, _ in fused.evidence([texts[61]])[0])
    # no embedder: exactly the plain model
    same = EmbeddingCodeSuggester(**kw).fit(texts[train], labels[train], groups=groups[train])
    np.testing.assert_allclose(same.decision_function(texts[test]), plain.decision_function(texts[test]))
    assert same.embedding_weight_ == 0.0 and same.embedding_coef_ is None
