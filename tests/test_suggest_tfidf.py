"""TfidfBlock's memoised n-gram counts give exactly what scikit-learn's CountVectorizer gave (same vocabulary,
same column order, same matrices), fit after fit in one process, after a load and after the memo is cleared."""

import numpy as np
import pytest
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.preprocessing import normalize

from hrp_coding.suggest import tfidf
from hrp_coding.suggest.features import TextFeaturizer
from hrp_coding.suggest.tfidf import TfidfBlock, _word_ngrams, tokenize

TEXTS = [
    "How are you today?", "", "Zebra apple zebra", "Café au lait, s'il vous plaît", "ΑΣ ΣΑΣ όλα καλά",
    "tabs\tand\nnew  lines\u00a0nbsp\u2003em-space", "I don't drink. I DON'T!", "How are you today?", "",
    "emoji 🙂🙂 and ñ", "a", "mango kiwi kiwi banana", "Zebra apple zebra", "x" * 12, "   ",
]


def reference(kind, ngram_range, min_df, fit_docs, other_docs):
    """What TfidfBlock computed before its counts were memoised: CountVectorizer, then the block's weighting."""
    if kind == "word":
        def make(vocabulary=None):
            return CountVectorizer(analyzer=lambda toks: _word_ngrams(toks, ngram_range), dtype=np.float64,
                                   min_df=1 if vocabulary else min_df, vocabulary=vocabulary)
    else:
        def make(vocabulary=None):
            return CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=True, dtype=np.float64,
                                   min_df=1 if vocabulary else min_df, vocabulary=vocabulary)
    counter = make()
    counts = counter.fit_transform(fit_docs)
    vocab = sorted(counter.vocabulary_, key=counter.vocabulary_.get)
    df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
    idf = np.log((1.0 + counts.shape[0]) / (1.0 + df)) + 1.0

    def weight(m):
        m = m.tocsr().astype(np.float64)
        m.data = np.log(m.data) + 1.0
        return normalize(m.multiply(idf).tocsr(), norm="l2", copy=False)

    other = make({t: i for i, t in enumerate(vocab)}).transform(other_docs)
    return vocab, idf, weight(counts), weight(other)


def assert_same(a, b):
    assert a.shape == b.shape
    assert a.dtype == b.dtype
    assert np.array_equal(a.indptr, b.indptr)
    assert np.array_equal(a.indices, b.indices)
    assert np.array_equal(a.data, b.data)  # exact, not approximately


def docs_of(kind, texts):
    return tokenize(texts, lemmas=False) if kind == "word" else list(texts)


@pytest.mark.parametrize("kind, ngram_range", [("word", (1, 2)), ("word", (1, 1)), ("char_wb", (1, 4)),
                                               ("char_wb", (2, 5))])
@pytest.mark.parametrize("min_df", [1, 2])
def test_block_equals_countvectorizer_fit_after_fit(kind, ngram_range, min_df):
    first, second = TEXTS[:9], [*TEXTS[6:], "brand new words only here", "and a zebra"]
    for fit_texts, other_texts in ((first, second), (second, first), (TEXTS, first)):
        fit_docs, other_docs = docs_of(kind, fit_texts), docs_of(kind, other_texts)
        vocab, idf, fitted, other = reference(kind, ngram_range, min_df, fit_docs, other_docs)
        block = TfidfBlock(kind, ngram_range, min_df)
        assert_same(block.fit_transform(fit_docs), fitted)
        assert block.vocabulary == vocab  # no term of an earlier fit leaks in, same column order
        assert np.array_equal(block.idf, idf)
        assert_same(block.transform(other_docs), other)
        loaded = TfidfBlock.from_state(kind, ngram_range, min_df, **block.state())
        assert_same(loaded.transform(other_docs), other)


def test_vocabulary_is_alphabetical_not_first_seen():
    block = TfidfBlock("word", (1, 1)).fit([("zebra", "apple"), ("mango", "Apple")])
    assert block.vocabulary == ["Apple", "apple", "mango", "zebra"]
    assert block.transform([("zebra",)]).indices.tolist() == [3]
    chars = TfidfBlock("char_wb", (1, 1)).fit(["ba", "c"])
    assert chars.vocabulary == [" ", "a", "b", "c"]


def test_no_term_reaching_min_df_gives_an_empty_block():
    block = TfidfBlock("word", (1, 1), min_df=2)
    assert block.fit_transform([("a",), ("b",)]).shape == (2, 0)
    assert block.vocabulary == [] and block.transform([("a",)]).shape == (1, 0)
    assert TfidfBlock("char_wb", (2, 3)).fit_transform(["", " "]).shape == (2, 0)
    assert TfidfBlock("word", (1, 2)).fit_transform([(), ()]).shape == (2, 0)


def test_cleared_memo_transforms_as_before(monkeypatch):
    small = tfidf._GramStore("char_wb", (2, 3), cap=6)
    monkeypatch.setitem(tfidf._GRAM_STORES, ("char_wb", (2, 3)), small)
    fit_texts, other = TEXTS[:5], ["How are you?", "zebra mango", "nothing known qqq"]
    vocab, _, fitted, expected = reference("char_wb", (2, 3), 1, fit_texts, other)
    block = TfidfBlock("char_wb", (2, 3))
    assert_same(block.fit_transform(fit_texts), fitted)
    assert block.vocabulary == vocab
    generation = small.generation
    assert_same(block.transform(other), expected)  # 5 + 3 texts > cap: cleared, the vocabulary mapped afresh
    assert small.generation == generation + 1 and len(small.rows) == 3
    assert_same(block.transform(["Zebra apple zebra"]), reference("char_wb", (2, 3), 1, fit_texts,
                                                                 ["Zebra apple zebra"])[3])
    assert_same(block.transform(other), expected)
    loaded = TfidfBlock.from_state("char_wb", (2, 3), 1, **block.state())
    assert_same(loaded.transform(other[:1] + fit_texts), reference("char_wb", (2, 3), 1, fit_texts,
                                                                  other[:1] + fit_texts)[3])
    assert len(small.rows) <= 6


def test_featurizer_transform_of_its_training_rows_equals_fit_transform():
    import pandas as pd

    from hrp_coding.suggest.features import add_context

    frame = add_context(pd.DataFrame({"transcript": ["A"] * 6 + ["B"] * 5, "role": ["t", "c"] * 5 + ["t"],
                                      "text": TEXTS[:11]}), window=2)
    featurizer = TextFeaturizer(context=2, lemmas=False)
    fitted = featurizer.fit_transform(frame)
    assert_same(featurizer.transform(frame), fitted)
    names = featurizer.feature_names()
    for prefix in ("w", "c", "p1", "n2"):
        block = [n for n in names if n.startswith(prefix + ":")]
        assert block == sorted(block)
