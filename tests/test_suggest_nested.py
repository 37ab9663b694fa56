"""NestedCodeSuggester: settings chosen by grouped inner CV on the training data alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from hrp_coding.errors import SuggestError
from hrp_coding.suggest import add_context, evaluate
from hrp_coding.suggest.nested import NestedCodeSuggester, block_weight_grid

QUESTIONS = ["How often do you drink?", "What would you like to change?", "Did you sleep last night?",
             "Would you like to talk about it?", "When did you start?", "How do you feel about that?"]
REFLECTIONS = ["It sounds like you are tired.", "You feel the clinic judged you.", "You sound relieved.",
               "You are worried about your son.", "So it has been a hard week.", "You want to be there for her."]
INPUT = ["Many people find a plan helps.", "Drinking can affect your sleep.", "The group meets on Tuesdays.",
         "Here is a leaflet about support.", "Some clients keep a diary.", "The clinic opens at nine."]


def _turns(n_transcripts=8):
    rows = []
    for t in range(n_transcripts):
        for i in range(6):
            for code, pool in (("question", QUESTIONS), ("reflection", REFLECTIONS), ("therapist_input", INPUT)):
                rows.append({"transcript": f"T{t}", "role": "therapist", "text": pool[(i + t) % 6], "code": code})
    return add_context(pd.DataFrame(rows), window=1)


def test_settings_are_chosen_and_the_model_predicts():
    turns = _turns()
    model = NestedCodeSuggester(Cs=(0.05, 0.5), block_weights=block_weight_grid(w=(1.0, 1.4), s=(0.0, 1.0)),
                                inner_cv=2, context=1).fit(turns, turns.code, groups=turns.transcript)
    assert set(model.chosen_) == {"C", "block_weights", "tune_bias"}
    assert model.chosen_["C"] in (0.05, 0.5)
    assert len(model.search_) == 2 * 4
    assert model.predict(["How do you sleep?", "You sound tired of it."]).tolist() == ["question", "reflection"]
    np.testing.assert_allclose(model.predict_proba(turns.head(3)).sum(1), 1.0)
    assert set(model.thresholds_) == {"question", "reflection", "therapist_input"}


def test_block_weights_are_folded_into_the_coefficients():
    turns = _turns()
    model = NestedCodeSuggester(Cs=(0.1,), block_weights=[{"c": 0.0, "w": 1.4}], inner_cv=2, context=1)
    model.fit(turns, turns.code, groups=turns.transcript)
    sl = model.featurizer_.block_slices()
    assert not model.coef_[:, sl["c"]].any()  # a weight of 0 drops the block
    assert model.coef_[:, sl["w"]].any()
    X = model.featurizer_.transform(turns.head(5))
    np.testing.assert_allclose(model.decision_function(turns.head(5)), X @ model.coef_.T + model.intercept_)
    assert model.evidence(turns.head(1))[0]  # explanations work on the folded model


def test_no_setting_sees_the_held_out_labels():
    """Relabelling the held-out transcripts leaves their outer predictions unchanged (nothing tuned on them)."""
    turns = _turns(6)
    est = NestedCodeSuggester(Cs=(0.05, 0.5), block_weights=[{}, {"w": 1.4}], inner_cv=2, context=1)
    train, test = turns[~turns.transcript.isin(["T0", "T1"])], turns[turns.transcript.isin(["T0", "T1"])]
    before = clone(est).fit(train, train.code, groups=train.transcript).predict_proba(test)
    shuffled = turns.copy()
    shuffled.loc[test.index, "code"] = np.random.default_rng(0).permutation(test.code.to_numpy())
    train2 = shuffled.loc[train.index]
    after = clone(est).fit(train2, train2.code, groups=train2.transcript).predict_proba(test)
    np.testing.assert_array_equal(before, after)


def test_outer_evaluation_with_nested_settings():
    turns = _turns()
    result = evaluate(turns, turns.code.tolist(), turns.transcript.to_numpy(), cv=4,
                      estimator=NestedCodeSuggester(Cs=(0.05, 0.5), inner_cv=2, context=1))
    assert result.macro_f1 > 0.9
    assert result.per_code["code"].tolist() == ["question", "reflection", "therapist_input"]


def test_clone_and_bad_settings_name_the_parameter():
    est = NestedCodeSuggester(Cs=(0.1,), block_weights=[{"w": 2.0}])
    assert clone(est).get_params()["block_weights"] == [{"w": 2.0}]
    turns = _turns(4)
    with pytest.raises(SuggestError, match="Cs must be"):
        NestedCodeSuggester(Cs=()).fit(turns, turns.code, groups=turns.transcript)
    with pytest.raises(SuggestError, match="weight of 'w'"):
        NestedCodeSuggester(block_weights=[{"w": -1}]).fit(turns, turns.code, groups=turns.transcript)
    with pytest.raises(SuggestError, match="names block 'zz'"):
        NestedCodeSuggester(block_weights=[{"zz": 1.0}], inner_cv=2, context=1).fit(
            turns, turns.code, groups=turns.transcript)
    with pytest.raises(SuggestError, match="one code per unit"):
        NestedCodeSuggester().fit(["a b", "c d"], [["x"], ["y"]])


def test_embeddings_are_fused_late_with_a_real_onnx_model(tmp_path):
    """A local ONNX model: the ridge on its vectors is searched beside the SVM; the SVM's blocks stay sparse."""
    pytest.importorskip("onnx")
    pytest.importorskip("onnxruntime")
    from hrp_coding.suggest.embeddings import SentenceEmbedder, file_sha256
    from tests.test_suggest_embeddings import DIM, _write_model

    _write_model(tmp_path)
    emb = SentenceEmbedder(tmp_path, sha256=file_sha256(tmp_path / "model.onnx"))
    turns = _turns(4)
    model = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, embedder=emb, embedding_penalties=(1.0, 10.0),
                                embedding_weights=(0.0, 1.0)).fit(turns, turns.code, groups=turns.transcript)
    assert "e" not in model.featurizer_.block_slices()
    assert model.fusion_search_[["penalty", "weight"]].values.tolist() == [[1.0, 0.0], [1.0, 1.0], [10.0, 0.0],
                                                                           [10.0, 1.0]]
    assert model.chosen_["embedding_penalty"] in (1.0, 10.0) and model.chosen_["embedding_weight"] in (0.0, 1.0)
    if model.chosen_["embedding_weight"] > 0:
        assert model.embedding_coef_.shape == (3, 2 * DIM)  # the turn's vector and the previous turn's
    assert model.predict(turns.head(2)).shape == (2,)


class _LabelEmbedder:
    """A stand-in sentence embedder whose vectors know each text's code (and count what it is asked to encode)."""

    def __init__(self, code_of: dict, codes):
        self.code_of, self.codes, self.encoded = code_of, list(codes), []

    def encode(self, texts):
        self.encoded.extend(texts)
        return np.array([[float(self.code_of.get(t) == c) for c in self.codes] + [1.0] for t in texts])


def _opaque_turns(n_transcripts=8, seed=0):
    """Turns whose words say nothing of their code (random nonsense words); only the embedder knows it."""
    rng = np.random.default_rng(seed)
    syllables = ["ka", "lo", "mi", "ter", "zu", "pa", "ren", "vo"]
    rows = []
    for t in range(n_transcripts):
        for i in range(18):
            code = ("question", "reflection", "therapist_input")[int(rng.integers(3))]
            text = " ".join("".join(rng.choice(syllables, 2)) for _ in range(4)) + f" {t}-{i}"
            rows.append({"transcript": f"T{t}", "role": "therapist", "text": text, "code": code})
    return add_context(pd.DataFrame(rows), window=1)


def test_an_informative_embedder_gets_a_weight_and_lifts_the_scores():
    turns = _opaque_turns()
    codes = sorted(turns.code.unique())
    emb = _LabelEmbedder(dict(zip(turns.text, turns.code)), codes)
    train, new = turns[turns.transcript != "T7"], turns[turns.transcript == "T7"]
    plain = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1).fit(train, train.code, groups=train.transcript)
    fused = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, embedder=emb,
                                embedding_context=()).fit(train, train.code, groups=train.transcript)
    assert fused.chosen_["embedding_weight"] > 0
    assert (fused.predict(new) == new.code).mean() == 1.0
    assert (plain.predict(new) == new.code).mean() < 0.6  # words alone: near chance (1/3) on a new interview
    # each distinct non-empty text encoded: the turns, and no neighbour (embedding_context=())
    assert set(emb.encoded) == set(turns.text)


def test_a_fused_model_is_refused_by_save_model(tmp_path):
    from hrp_coding.errors import ModelFileError
    from hrp_coding.suggest import save_model

    turns = _opaque_turns(4)
    emb = _LabelEmbedder(dict(zip(turns.text, turns.code)), sorted(turns.code.unique()))
    model = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, embedder=emb).fit(turns, turns.code, groups=turns.transcript)
    with pytest.raises(ModelFileError, match="NestedCodeSuggester uses sentence embeddings from a local model"):
        save_model(model, tmp_path / "m.npz")
    assert not (tmp_path / "m.npz").exists()


def test_weight_zero_reproduces_the_model_without_embeddings():
    turns = _turns(4)
    emb = _LabelEmbedder(dict(zip(turns.text, turns.code)), sorted(turns.code.unique()))
    plain = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1).fit(turns, turns.code, groups=turns.transcript)
    off = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, embedder=emb, embedding_weights=(0.0,)).fit(
        turns, turns.code, groups=turns.transcript)
    assert off.embedding_coef_ is None and off.chosen_["embedding_weight"] == 0.0
    np.testing.assert_allclose(off.predict_proba(turns), plain.predict_proba(turns))
    np.testing.assert_allclose(off.calibration_, plain.calibration_)


def test_embedding_settings_are_checked():
    turns = _turns(4)
    emb = _LabelEmbedder({}, ["question"])
    with pytest.raises(SuggestError, match=r"block 'e'.*fused late"):
        NestedCodeSuggester(block_weights=[{"e": 1.0}], inner_cv=2, embedder=emb).fit(
            turns, turns.code, groups=turns.transcript)
    with pytest.raises(SuggestError, match=r"embedding_context must be .*got 'prev1'"):
        NestedCodeSuggester(embedding_context="prev1", embedder=emb).fit(turns, turns.code, groups=turns.transcript)
    with pytest.raises(SuggestError, match="embedding_penalties must be positive"):
        NestedCodeSuggester(inner_cv=2, embedder=emb, embedding_penalties=(0.0,)).fit(
            turns, turns.code, groups=turns.transcript)


def test_final_model_refit_by_default_or_the_mean_of_the_inner_models():
    turns = _turns()
    avg = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, final="average").fit(
        turns, turns.code, groups=turns.transcript)
    refit = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1).fit(turns, turns.code, groups=turns.transcript)
    np.testing.assert_array_equal(avg.calibration_, refit.calibration_)  # same inner scores, same calibration
    assert not np.allclose(avg.coef_, refit.coef_)
    assert avg.predict(["How do you sleep?"]).tolist() == refit.predict(["How do you sleep?"]).tolist()
    with pytest.raises(SuggestError, match="final must be"):
        NestedCodeSuggester(final="last").fit(turns, turns.code, groups=turns.transcript)


def test_context_blocks_of_plain_texts_are_empty_not_a_crash():
    """Plain texts carry no neighbouring turns: the context blocks are empty (this raised sklearn's ValueError)."""
    from hrp_coding.suggest import CodeSuggester

    texts = ["How are you?", "You feel sad."] * 6
    model = CodeSuggester(context=3, cv=2).fit(texts, ["question", "reflection"] * 6)
    assert model.predict(["How is it?"]).tolist() == ["question"]
    sl = model.featurizer_.block_slices()
    assert sl["p1"].stop == sl["p1"].start  # an empty block

def test_clones_share_the_codebook_and_the_embedder_and_copy_the_rest():
    """One clone rule (CodeSuggester._shared_params): the codebook, and NestedCodeSuggester's loaded embedder, are
    shared by scikit-learn clones; every other parameter is a fresh copy."""
    from sklearn.base import clone

    from hrp_coding.codebook import Code, Codebook
    from hrp_coding.suggest import CodeSuggester, NestedCodeSuggester

    codebook = Codebook(name="D", version=1, codes=[Code("care", "Care")])
    model = CodeSuggester(codebook=codebook, context_weights=[0.7, 0.5])
    copy = clone(model)
    assert copy.codebook is codebook and copy.context_weights == [0.7, 0.5]
    assert copy.context_weights is not model.context_weights
    embedder = object()
    nested = NestedCodeSuggester(embedder=embedder, Cs=[0.1])
    nested_copy = clone(nested)
    assert nested_copy.embedder is embedder and nested_copy.Cs == [0.1] and nested_copy.Cs is not nested.Cs


def test_evidence_lists_the_embeddings_share_of_a_fused_score():
    turns = _opaque_turns()
    codes = sorted(turns.code.unique())
    emb = _LabelEmbedder(dict(zip(turns.text, turns.code)), codes)
    train, new = turns[turns.transcript != "T7"], turns[turns.transcript == "T7"].reset_index(drop=True)
    fused = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, embedder=emb,
                                embedding_context=("prev1",)).fit(train, train.code, groups=train.transcript)
    evidence = fused.evidence(new, top=3)
    pushes = [dict(pairs).get("e:turn+prev1") for pairs in evidence]
    # the share equals the ridge's push for the predicted code: the vectors times its coefficients
    # (the first turn of the interview has no previous turn: a zero vector)
    before = emb.encode(new.prev1_text.tolist()) * (new.prev1_text.str.strip() != "").to_numpy()[:, None]
    E = np.hstack([emb.encode(new.text.tolist()), before])
    k = [int(np.flatnonzero(fused.classes_ == c)[0]) for c in fused.predict(new)]
    expected = (E * fused.embedding_coef_[k]).sum(1)
    assert all(p is not None for p in pushes)  # the embedder knows every code: it always pushes the right way
    assert np.allclose(pushes, expected) and min(pushes) > 0
    # listed in order of size among at most 3 words
    assert all([v for _, v in pairs] == sorted((v for _, v in pairs), reverse=True) and len(pairs) <= 4
               for pairs in evidence)
    # explained for another code, the push is listed only where positive
    other = [codes[(codes.index(c) + 1) % 3] for c in fused.predict(new)]
    assert all(v > 0 for pairs in fused.evidence(new, other) for name, v in pairs if name.startswith("e:"))
    # without the fusion's embeddings (weight 0), none
    plain = NestedCodeSuggester(Cs=(0.1,), inner_cv=2, context=1, embedder=emb, embedding_weights=(0.0,)).fit(
        train, train.code, groups=train.transcript)
    assert not any(name.startswith("e:") for pairs in plain.evidence(new) for name, _ in pairs)
