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


def _char_wb_word_grams(word: str, ngram_range: tuple[int, int]) -> list[str]:
    """scikit-learn's ``char_wb`` n-grams of one word (padded with a space each side; a short word once)."""
    lo, hi = ngram_range
    w = f" {word} "
    size = len(w)
    grams: list[str] = []
    for n in range(lo, hi + 1):
        grams.extend(w[i : i + n] for i in range(max(size - n + 1, 1)))
        if size <= n:
            break
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


class _GramStore:
    """The n-gram counts of every document seen so far, for one analyser (kind and n-gram range).

    Counting is a pure function of the document, and cross-validation fits count the same turns
    again and again; a fitted CountVectorizer cannot be reused for another fit (its vocabulary is
    that fit's), so each distinct document is analysed once here instead: terms get a global id
    (``index``, ``terms``) and each document its sorted ``(ids, counts)``. A fit gathers its
    documents' rows over global ids and keeps its own terms (see :class:`TfidfBlock`). Bounded: when
    more than ``cap`` documents would be kept, everything is cleared and ``generation`` increases
    (a fitted block then maps its vocabulary afresh).
    """

    def __init__(self, kind: str, ngram_range: tuple[int, int], cap: int):
        self.kind, self.ngram_range, self.cap = kind, ngram_range, cap
        self.generation = 0
        self.clear()

    def clear(self) -> None:
        self.index: dict[str, int] = {}
        self.terms: list[str] = []
        self.rows: dict[Any, tuple[np.ndarray, np.ndarray]] = {}
        self.word_ids: dict[str, list[int]] = {}  # char_wb: the n-gram ids of each word
        self.generation += 1

    def matrix(self, docs):
        """Counts of ``docs`` (rows, in order) over global term ids (columns): a CSR with sorted indices."""
        import scipy.sparse as sp

        distinct = dict.fromkeys(docs)
        todo = [d for d in distinct if d not in self.rows]
        if len(self.rows) + len(todo) > self.cap:
            self.clear()
            todo = list(distinct)
        if todo:
            self._add(todo)
        rows = self.rows
        pairs = [rows[d] for d in docs]
        lengths = np.fromiter((len(ids) for ids, _ in pairs), dtype=np.int64, count=len(pairs))
        indptr = np.zeros(len(pairs) + 1, dtype=np.int64)
        np.cumsum(lengths, out=indptr[1:])
        if pairs and indptr[-1]:
            indices = np.concatenate([ids for ids, _ in pairs])
            data = np.concatenate([c for _, c in pairs]).astype(np.float64)
        else:
            indices, data = np.zeros(0, dtype=np.int32), np.zeros(0)
        index_dtype = np.int32 if max(len(self.terms), int(indptr[-1])) < 2**31 else np.int64
        return sp.csr_matrix((data, indices.astype(index_dtype, copy=False), indptr.astype(index_dtype)),
                             shape=(len(pairs), len(self.terms)))

    def _add(self, todo) -> None:
        import scipy.sparse as sp

        index, terms = self.index, self.terms
        flat: list[int] = []
        lengths = []
        if self.kind == "char_wb":
            # CountVectorizer's char_wb analyser: the lower-cased text split at whitespace, each word's
            # n-grams; a word's n-grams are the same in every text, so they are looked up once per word
            words = self.word_ids
            for doc in todo:
                start = len(flat)
                for word in doc.lower().split():
                    ids = words.get(word)
                    if ids is None:
                        ids = words[word] = [index.setdefault(g, len(index)) for g in
                                             _char_wb_word_grams(word, self.ngram_range)]
                    flat.extend(ids)
                lengths.append(len(flat) - start)
        else:
            for doc in todo:
                grams = _word_ngrams(doc, self.ngram_range)
                flat.extend([index.setdefault(g, len(index)) for g in grams])
                lengths.append(len(grams))
        terms.extend(list(index)[len(terms):])  # dicts keep insertion order: new terms, by id
        rows = np.repeat(np.arange(len(todo)), lengths)
        counts = sp.csr_matrix((np.ones(len(flat), dtype=np.int32), (rows, np.asarray(flat, dtype=np.int32))),
                               shape=(len(todo), len(terms)))
        counts.sum_duplicates()  # one (sorted id, count) run per document
        ptr, ids, n = counts.indptr, counts.indices, counts.data
        for k, doc in enumerate(todo):
            self.rows[doc] = (ids[ptr[k] : ptr[k + 1]], n[ptr[k] : ptr[k + 1]])


# one store per analyser, process-wide; word documents are token tuples (the lemmas flag is in them)
_GRAM_STORES: dict[tuple[str, tuple[int, int]], _GramStore] = {}
_GRAM_STORE_MAX = {"word": 200_000, "char_wb": 50_000}


def _gram_store(kind: str, ngram_range: tuple[int, int]) -> _GramStore:
    key = (kind, ngram_range)
    store = _GRAM_STORES.get(key)
    if store is None:
        store = _GRAM_STORES[key] = _GramStore(kind, ngram_range, _GRAM_STORE_MAX[kind])
    return store


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

    def __init__(self, kind: str, ngram_range: tuple[int, int], min_df: int = 1):
        if kind not in ("word", "char_wb"):
            raise SuggestError(f"TfidfBlock kind must be 'word' or 'char_wb', got {kind!r}")
        self.kind = kind
        self.ngram_range = (int(ngram_range[0]), int(ngram_range[1]))
        self.min_df = int(min_df)
        self.vocabulary: list[str] | None = None
        self.idf: np.ndarray | None = None
        self._lookup: tuple[int, np.ndarray] | None = None  # (store generation, global term id -> column or -1)

    def _store(self) -> _GramStore:
        return _gram_store(self.kind, self.ngram_range)

    def fit_transform(self, docs) -> Any:
        """Learn the vocabulary and idf from ``docs`` and return their TF-IDF rows.

        The vocabulary is every term in at least ``min_df`` documents, in alphabetical order (as
        scikit-learn's CountVectorizer orders it).

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
        return self._weight(self._fit_counts(self._store().matrix(docs)))

    def _fit_counts(self, counts):
        """Keep the terms of ``counts`` (rows over global term ids) in >= min_df rows; their counts, by column."""
        store = self._store()
        df = np.bincount(counts.indices, minlength=counts.shape[1])
        kept = np.flatnonzero(df >= max(self.min_df, 1))
        terms = store.terms
        kept = np.asarray(sorted(kept.tolist(), key=terms.__getitem__), dtype=np.intp)  # CountVectorizer's order
        self.vocabulary = [terms[i] for i in kept]
        self.idf = np.log((1.0 + counts.shape[0]) / (1.0 + df[kept].astype(np.float64))) + 1.0
        lookup = np.full(counts.shape[1], -1, dtype=np.int64)
        lookup[kept] = np.arange(len(kept))
        self._lookup = (store.generation, lookup)
        return self._columns(counts, lookup, len(kept))

    @staticmethod
    def _columns(counts, lookup, n_cols):
        """The columns of ``counts`` that ``lookup`` maps (global id -> column, -1: dropped), sorted per row."""
        import scipy.sparse as sp

        cols = lookup[counts.indices]
        keep = cols >= 0
        kept = np.zeros(len(keep) + 1, dtype=np.int64)
        np.cumsum(keep, out=kept[1:])
        out = sp.csr_matrix((counts.data[keep], cols[keep].astype(counts.indices.dtype), kept[counts.indptr]),
                            shape=(counts.shape[0], n_cols))
        out.sort_indices()
        return out

    def _transform_lookup(self, store):
        """Global id -> column for the current store (rebuilt from the vocabulary after a clear or a load)."""
        n = len(store.terms)
        if self._lookup is not None and self._lookup[0] == store.generation:
            lookup = self._lookup[1]
            if len(lookup) < n:  # terms interned since the lookup covered every vocabulary term: all unknown
                lookup = np.concatenate([lookup, np.full(n - len(lookup), -1, dtype=np.int64)])
                self._lookup = (store.generation, lookup)
            return lookup
        lookup = np.full(n, -1, dtype=np.int64)
        index = store.index
        missing = 0
        for col, term in enumerate(self.vocabulary):
            gid = index.get(term)
            if gid is None:
                missing += 1
            else:
                lookup[gid] = col
        # a vocabulary term the store has not seen may be interned later: map afresh next time then
        self._lookup = (store.generation, lookup) if not missing else None
        return lookup

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
        store = self._store()
        counts = store.matrix(docs)
        return self._weight(self._columns(counts, self._transform_lookup(store), len(self.vocabulary)))

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
