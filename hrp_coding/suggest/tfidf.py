"""Tokens and TF-IDF blocks: spaCy's rule-based tokens (optionally lemmas) and one TF-IDF block with plain-data state.

:func:`tokenize` is the one tokeniser of the suggester (``spacy.blank("en")``; lookup lemmas when
``spacy-lookups-data`` is installed); :class:`TfidfBlock` is one TF-IDF feature block over tokens or
characters whose learned state (vocabulary and idf) is plain lists and arrays, so it can be saved
without pickle. :class:`~hrp_coding.suggest.features.TextFeaturizer` assembles the blocks into the
features of a turn table.

Examples
--------
>>> tokenize(["I don't drink?"], lemmas=False)
[('i', 'do', "n't", 'drink', '?')]
>>> TfidfBlock("word", (1, 1)).fit(tokenize(["a cat", "a dog"])).vocabulary
['a', 'cat', 'dog']
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.nlp import blank_english, lemma_table

__all__ = ["TfidfBlock", "lemmas_available", "token_offsets", "tokenize"]

# tokenisation is a pure function of (text, lemmas): memoised across calls (cross-validation folds
# tokenise the same turns again and again); cleared when it grows past _TOKEN_CACHE_MAX texts
_TOKEN_CACHE: dict[tuple[str, bool], tuple[str, ...]] = {}
_TOKEN_CACHE_MAX = 200_000
_CHAR_CACHE: dict[tuple[str, tuple[int, int]], list[str]] = {}
_CHAR_CACHE_MAX = 50_000


def lemmas_available() -> bool:
    """True when the ``spacy-lookups-data`` package (the ``lemmas`` extra) is installed.

    Returns
    -------
    bool
        Whether lookup lemmas can be used (``lemmas=True``).

    Examples
    --------
    >>> isinstance(lemmas_available(), bool)
    True
    """
    import importlib.util

    return importlib.util.find_spec("spacy_lookups_data") is not None


def tokenize(texts: Sequence[str], *, lemmas: bool = False) -> list[tuple[str, ...]]:
    """Tokenise texts with ``spacy.blank("en")``: lower-cased tokens (or lookup lemmas), spaces dropped.

    Punctuation is kept as tokens ("?" is one of the strongest cues for questions). Each distinct
    text is tokenised once.

    Parameters
    ----------
    texts : sequence of str
    lemmas : bool
        Replace each token by its lookup lemma (needs ``spacy-lookups-data``; a SuggestError says so
        when it is missing).

    Returns
    -------
    list of tuple of str
        One tuple of tokens per text, in the order of ``texts``.

    Examples
    --------
    >>> tokenize(["Are you drinking?", ""], lemmas=False)
    [('are', 'you', 'drinking', '?'), ()]
    """
    if lemmas and not lemmas_available():
        raise SuggestError(
            "lemmas=True needs the spacy-lookups-data package (pip install 'hrp-coding[lemmas]'); "
            "use lemmas=False or lemmas='auto'"
        )
    lemmas = bool(lemmas)
    todo = [t for t in dict.fromkeys(texts) if (t, lemmas) not in _TOKEN_CACHE]
    if len(_TOKEN_CACHE) + len(todo) > _TOKEN_CACHE_MAX:
        _TOKEN_CACHE.clear()
        todo = list(dict.fromkeys(texts))
    if todo:
        _tokenize_into(todo, lemmas, _TOKEN_CACHE)
    return [_TOKEN_CACHE[(t, lemmas)] for t in texts]


def token_offsets(text: str, *, lemmas: bool = False) -> list[tuple[int, int, str]]:
    """The tokens of ``text`` as :func:`tokenize` normalises them, with their character offsets.

    Parameters
    ----------
    text : str
    lemmas : bool
        As for :func:`tokenize`.

    Returns
    -------
    list of (int, int, str)
        ``(start, end, token)`` per token: ``text[start:end]`` is the token as written.

    Examples
    --------
    >>> token_offsets("Are you ok?", lemmas=False)
    [(0, 3, 'are'), (4, 7, 'you'), (8, 10, 'ok'), (10, 11, '?')]
    """
    norms = tokenize([text], lemmas=lemmas)[0]
    spans = [(tok.idx, tok.idx + len(tok.text)) for tok in blank_english().tokenizer(text) if not tok.is_space]
    return [(a, b, n) for (a, b), n in zip(spans, norms)]


def _tokenize_into(unique: list[str], lemmas: bool, out: dict) -> None:
    nlp = blank_english()
    table = lemma_table() if lemmas else None
    memo: dict[str, str] = {}
    for text, doc in zip(unique, nlp.tokenizer.pipe(unique, batch_size=1000)):
        toks = []
        for tok in doc:
            if tok.is_space:
                continue
            word = tok.text
            norm = memo.get(word)
            if norm is None:
                if table is not None:
                    lemma = table.get(word, None)
                    if lemma is None:
                        lemma = table.get(word.lower(), word)
                    norm = str(lemma).lower()
                else:
                    norm = word.lower()
                memo[word] = norm
            toks.append(norm)
        out[(text, lemmas)] = tuple(toks)


def _char_wb_analyzer(ngram_range: tuple[int, int]):
    """scikit-learn's lower-cased ``char_wb`` analyzer, memoised per text (like the tokens above).

    Character n-grams are a pure function of the text; cross-validation folds count the same turns
    again and again, so each distinct text is analysed once (n-grams interned; at most
    ``_CHAR_CACHE_MAX`` texts are kept).
    """
    import sys

    from sklearn.feature_extraction.text import CountVectorizer

    analyse = CountVectorizer(analyzer="char_wb", ngram_range=ngram_range, lowercase=True).build_analyzer()

    def grams(doc: str) -> list[str]:
        key = (doc, ngram_range)
        out = _CHAR_CACHE.get(key)
        if out is None:
            if len(_CHAR_CACHE) >= _CHAR_CACHE_MAX:
                _CHAR_CACHE.clear()
            out = _CHAR_CACHE[key] = [sys.intern(g) for g in analyse(doc)]
        return out

    return grams


def _word_ngrams(tokens: tuple[str, ...], ngram_range: tuple[int, int]) -> list[str]:
    lo, hi = ngram_range
    grams: list[str] = []
    n = len(tokens)
    for size in range(lo, hi + 1):
        if size == 1:
            grams.extend(tokens)
        else:
            grams.extend(" ".join(tokens[i : i + size]) for i in range(n - size + 1))
    return grams


class TfidfBlock:
    """One TF-IDF feature block (sublinear tf, smooth idf, l2 rows) whose learned state is plain data.

    ``kind`` is ``"word"`` (documents are token tuples from :func:`tokenize`) or ``"char_wb"``
    (documents are strings; character n-grams inside word boundaries, lower-cased). After
    :meth:`fit`, ``vocabulary`` (list of terms, column order) and ``idf`` (float array) hold everything
    needed to transform new documents, and :meth:`from_state` rebuilds a block from them.

    Examples
    --------
    >>> block = TfidfBlock("word", (1, 1)).fit(tokenize(["a cat", "a dog"]))
    >>> block.vocabulary
    ['a', 'cat', 'dog']
    >>> block.transform(tokenize(["a cat"])).toarray().round(3).tolist()
    [[0.58, 0.815, 0.0]]
    """

    def __init__(self, kind: str, ngram_range: tuple[int, int], min_df: int = 1, max_features: int | None = None):
        if kind not in ("word", "char_wb"):
            raise SuggestError(f"TfidfBlock kind must be 'word' or 'char_wb', got {kind!r}")
        self.kind = kind
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.min_df = int(min_df)
        self.max_features = max_features
        self.vocabulary: list[str] | None = None
        self.idf: np.ndarray | None = None
        self._counter = None

    def _make_counter(self, vocabulary=None):
        from sklearn.feature_extraction.text import CountVectorizer

        if self.kind == "word":
            ngram_range = self.ngram_range
            return CountVectorizer(
                analyzer=lambda toks: _word_ngrams(toks, ngram_range),
                min_df=1 if vocabulary is not None else self.min_df,
                max_features=None if vocabulary is not None else self.max_features,
                vocabulary=vocabulary,
                dtype=np.float64,
            )
        return CountVectorizer(
            analyzer=_char_wb_analyzer(self.ngram_range),
            min_df=1 if vocabulary is not None else self.min_df,
            max_features=None if vocabulary is not None else self.max_features,
            vocabulary=vocabulary,
            dtype=np.float64,
        )

    def fit_transform(self, docs) -> Any:
        """Learn the vocabulary and idf from ``docs`` and return their TF-IDF rows.

        Parameters
        ----------
        docs : sequence
            Token tuples (``kind="word"``) or strings (``kind="char_wb"``).

        Returns
        -------
        scipy.sparse.csr_matrix (len(docs), len(vocabulary))
            Sublinear-tf times idf, each row of unit l2 norm (an empty block when no term reaches ``min_df``).

        Examples
        --------
        >>> TfidfBlock("char_wb", (2, 2)).fit_transform(["ab", "ab b"]).shape
        (2, 4)
        """
        counter = self._make_counter()
        try:
            counts = counter.fit_transform(docs)
        except ValueError:
            # no term reaches min_df (tiny or empty corpus): an empty block, not a crash
            self.vocabulary = []
            self.idf = np.zeros(0)
            self._counter = None
            return self._empty(len(docs))
        vocab = sorted(counter.vocabulary_, key=counter.vocabulary_.get)
        self.vocabulary = vocab
        n = counts.shape[0]
        df = np.bincount(counts.indices, minlength=counts.shape[1]).astype(np.float64)
        self.idf = np.log((1.0 + n) / (1.0 + df)) + 1.0
        self._counter = counter
        return self._weight(counts)

    def fit(self, docs) -> TfidfBlock:
        """Learn the vocabulary and idf from ``docs`` (as :meth:`fit_transform`, without the matrix).

        Parameters
        ----------
        docs : sequence
            Token tuples (``kind="word"``) or strings (``kind="char_wb"``).

        Returns
        -------
        TfidfBlock
            This block, fitted.

        Examples
        --------
        >>> len(TfidfBlock("word", (1, 2)).fit([("a", "cat")]).vocabulary)
        3
        """
        self.fit_transform(docs)
        return self

    @staticmethod
    def _empty(n):
        import scipy.sparse as sp

        return sp.csr_matrix((n, 0), dtype=np.float64)

    def _weight(self, counts):
        from sklearn.preprocessing import normalize

        counts = counts.tocsr().astype(np.float64)
        if counts.shape[1] == 0:  # no term of the block reached min_df (e.g. context of plain texts): empty
            return counts
        counts.data = np.log(counts.data) + 1.0
        counts = counts.multiply(self.idf).tocsr()
        return normalize(counts, norm="l2", copy=False)

    def transform(self, docs) -> Any:
        """TF-IDF rows of ``docs`` over the fitted vocabulary (unknown terms are ignored).

        Parameters
        ----------
        docs : sequence
            Token tuples (``kind="word"``) or strings (``kind="char_wb"``).

        Returns
        -------
        scipy.sparse.csr_matrix (len(docs), len(vocabulary))

        Examples
        --------
        >>> block = TfidfBlock("word", (1, 1)).fit([("a", "cat")])
        >>> block.transform([("a", "dog")]).toarray().round(3).tolist()
        [[1.0, 0.0]]
        """
        if self.vocabulary is None:
            raise SuggestError("this TfidfBlock is not fitted yet; call fit first")
        if not self.vocabulary:
            return self._empty(len(docs))
        if self._counter is None:
            self._counter = self._make_counter({t: i for i, t in enumerate(self.vocabulary)})
        return self._weight(self._counter.transform(docs))

    def state(self) -> dict:
        """The learned state as plain data: ``{"vocabulary": [...], "idf": ndarray}``.

        Returns
        -------
        dict
            ``vocabulary`` (list of str, column order) and ``idf`` (float array, one per term).

        Examples
        --------
        >>> TfidfBlock("word", (1, 1)).fit([("a",), ("a", "b")]).state()["vocabulary"]
        ['a', 'b']
        """
        return {"vocabulary": list(self.vocabulary or []), "idf": np.asarray(self.idf, dtype=np.float64)}

    @classmethod
    def from_state(cls, kind, ngram_range, min_df, vocabulary, idf) -> TfidfBlock:
        """Rebuild a fitted block from :meth:`state` (validated by the caller).

        Parameters
        ----------
        kind : {"word", "char_wb"}
        ngram_range : (int, int)
        min_df : int
            The settings the block was fitted with.
        vocabulary : list of str
        idf : array of float
            As :meth:`state` returns them.

        Returns
        -------
        TfidfBlock
            A fitted block that transforms as the saved one did.

        Examples
        --------
        >>> old = TfidfBlock("word", (1, 1)).fit([("a",), ("a", "b")])
        >>> new = TfidfBlock.from_state("word", (1, 1), 1, **old.state())
        >>> bool((new.transform([("b",)]) != old.transform([("b",)])).nnz == 0)
        True
        """
        block = cls(kind, tuple(ngram_range), min_df)
        block.vocabulary = list(vocabulary)
        block.idf = np.asarray(idf, dtype=np.float64)
        return block
