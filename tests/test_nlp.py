"""The shared spaCy pipelines (hrp_coding.nlp): one per configuration, safe to share between models."""

from __future__ import annotations

import copy

import numpy as np
import pytest

from hrp_coding.codebook import Code, Codebook
from hrp_coding.nlp import blank_english, lemma_table
from hrp_coding.suggest import CodeSuggester, ColdStartSuggester, load_model, save_model
from hrp_coding.suggest.features import lemmas_available, tokenize
from tests._imports import heavy_modules_loaded
from tests._suggest_data import make_turns

needs_lemmas = pytest.mark.skipif(not lemmas_available(), reason="needs spacy-lookups-data")


@pytest.mark.slow
def test_importing_the_users_of_spacy_does_not_load_it():
    code = ("import hrp_coding.nlp, hrp_coding.transcripts.segment, hrp_coding.suggest.features, "
            "hrp_coding.suggest.coldstart")
    assert heavy_modules_loaded(code, ("spacy",)) == []


@pytest.mark.slow
def test_one_pipeline_per_configuration():
    assert blank_english() is blank_english(sentencizer=False, lemmas=False)
    assert blank_english(sentencizer=1) is blank_english(sentencizer=True)
    assert blank_english(sentencizer=True) is not blank_english()
    assert blank_english().pipe_names == []
    assert blank_english(sentencizer=True).pipe_names == ["sentencizer"]


@needs_lemmas
def test_lemma_pipeline_reads_the_shared_table():
    nlp = blank_english(lemmas=True)
    assert nlp.pipe_names == ["lemmatizer"]
    assert nlp.get_pipe("lemmatizer").lookups.get_table("lemma_lookup") is lemma_table()
    assert [t.lemma_ for t in nlp("she was drinking")] == ["she", "be", "drink"]
    assert tokenize(["She was drinking?"], lemmas=True) == [("she", "be", "drink", "?")]


def _codebook(keywords: dict[str, tuple[str, ...]]) -> Codebook:
    return Codebook(name="D", version=1, codes=[Code(cid, cid.title(), definition=f"Talk of {cid}.", keywords=kws)
                                                for cid, kws in keywords.items()])


TEXTS = ["the rent went up", "my debt grew", "he was arrested"]


@pytest.mark.parametrize("lemmas", [False, pytest.param(True, marks=needs_lemmas)])
def test_cold_starts_share_the_pipeline_but_not_their_keywords(lemmas):
    a = ColdStartSuggester(_codebook({"money": ("rent",), "police": ("arrest",)}), lemmas=lemmas).fit()
    hits_a, matched_a = a._keyword_hits(TEXTS)
    scores_a = a.predict_proba(TEXTS)
    # the same code id with other keywords, and a keyword of a's under another code
    b = ColdStartSuggester(_codebook({"money": ("debt",), "housing": ("rent",)}), lemmas=lemmas).fit()
    assert b._spacy is a._spacy is blank_english(lemmas=lemmas)
    assert b._keyword_hits(TEXTS)[1] == [[("housing", "rent")], [("money", "debt")], []]
    hits, matched = a._keyword_hits(TEXTS)
    assert matched == matched_a == [[("money", "rent")], [], ([("police", "arrested")] if lemmas else [])]
    assert hits.tolist() == hits_a.tolist() == [[1, 0], [0, 0], [0, 1 if lemmas else 0]]
    assert np.array_equal(a.predict_proba(TEXTS), scores_a)


def test_a_pickled_cold_start_leaves_the_pipeline_behind():
    import cloudpickle  # what joblib uses to send fitted models between processes (declared in the test extra)

    cold = ColdStartSuggester(_codebook({"money": ("rent",), "police": ("arrest",)})).fit(TEXTS)
    state = cold.__getstate__()
    assert "_spacy" not in state and "matcher_" not in state and "_spacy" in vars(cold)
    payload = cloudpickle.dumps(cold)
    assert len(payload) < 100_000  # the pipeline and its vocabulary alone pickle to about 2 MB
    again = cloudpickle.loads(payload)
    assert again._spacy is cold._spacy
    assert np.array_equal(again.predict_proba(TEXTS), cold.predict_proba(TEXTS))
    assert again.evidence(TEXTS[:1], ["money"]) == cold.evidence(TEXTS[:1], ["money"])
    copied = copy.copy(cold)
    assert copied._spacy is cold._spacy and copied.matcher_ is not cold.matcher_
    assert np.array_equal(copied.predict_proba(TEXTS), cold.predict_proba(TEXTS))


def test_saved_and_loaded_cold_start_prior_scores_identically(tmp_path):
    cb = Codebook(name="Demo", version=1, codes=[
        Code("question", "Question", definition="The speaker asks something.", keywords=("how often",),
             examples=("How often do you use?",)),
        Code("reflection", "Reflection", definition="The speaker mirrors feelings back.", keywords=("sounds like",),
             examples=("It sounds like you are tired.",), near_misses=("Are you tired?",)),
        Code("information", "Information", definition="Facts the clinic gives.", examples=("We can provide it.",))])
    texts, labels, groups = make_turns(n_transcripts=6)
    model = CodeSuggester(cv=2, char_ngrams=None, codebook=cb).fit(texts, labels, groups=groups)
    again = load_model(save_model(model, tmp_path / "m.npz"), codebook=cb)
    assert again.prior_ is not model.prior_ and again.prior_._spacy is model.prior_._spacy
    scores = model.prior_.predict_proba(texts)
    assert np.array_equal(again.prior_.predict_proba(texts), scores)
    assert scores.max() > 0  # the codebook's words and keywords do score some of the turns
    assert np.array_equal(again.predict_proba(texts), model.predict_proba(texts))
