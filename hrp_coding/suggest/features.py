"""Features for code suggestion: spaCy tokens, TF-IDF word and character n-grams, turn context, speaker role.

The input of every featurizer is a *turn table*: a sequence of strings, or a DataFrame with a ``text``
column and, optionally, the neighbouring turns' texts (``prev1_text``, ``next1_text``, ``prev2_text``, ...)
and speaker roles (``role``, ``prev1_role``, ...). :func:`add_context` builds those columns from a long
table of turns in transcript order. The neighbouring texts are legitimate input (what was said before
and after the turn), never their labels.

Tokens come from ``spacy.blank("en")``'s rule-based tokenizer; when the ``spacy-lookups-data``
package is installed (the ``lemmas`` extra) each token is replaced by its lookup lemma. Everything
the featurizer learns (vocabularies, idf weights) is plain lists and arrays, so a fitted featurizer
can be saved without pickle (see :mod:`hrp_coding.suggest.persist`).

Examples
--------
>>> import pandas as pd
>>> turns = pd.DataFrame({"transcript": ["A", "A", "A"], "role": ["interviewer", "participant", "interviewer"],
...                       "text": ["How are you?", "Fine, thanks.", "Good to hear."]})
>>> add_context(turns, window=1)[["prev1_text", "next1_text"]].values.tolist()
[['', 'Fine, thanks.'], ['How are you?', 'Good to hear.'], ['Fine, thanks.', '']]
>>> tokenize(["I don't drink?"], lemmas=False)
[('i', 'do', "n't", 'drink', '?')]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.nlp import blank_english, lemma_table

__all__ = [
    "TextFeaturizer",
    "TfidfBlock",
    "add_context",
    "as_turn_frame",
    "lemmas_available",
    "token_offsets",
    "tokenize",
]

# tokenisation is a pure function of (text, lemmas): memoised across calls (cross-validation folds
# tokenise the same turns again and again); cleared when it grows past _TOKEN_CACHE_MAX texts
_TOKEN_CACHE: dict[tuple[str, bool], tuple[str, ...]] = {}
_TOKEN_CACHE_MAX = 200_000
_CHAR_CACHE: dict[tuple[str, tuple[int, int]], list[str]] = {}
_CHAR_CACHE_MAX = 50_000


def lemmas_available() -> bool:
    """True when the ``spacy-lookups-data`` package (the ``lemmas`` extra) is installed.

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
        if self.vocabulary is None:
            raise SuggestError("this TfidfBlock is not fitted yet; call fit first")
        if not self.vocabulary:
            return self._empty(len(docs))
        if self._counter is None:
            self._counter = self._make_counter({t: i for i, t in enumerate(self.vocabulary)})
        return self._weight(self._counter.transform(docs))

    def state(self) -> dict:
        """The learned state as plain data: ``{"vocabulary": [...], "idf": ndarray}``."""
        return {"vocabulary": list(self.vocabulary or []), "idf": np.asarray(self.idf, dtype=np.float64)}

    @classmethod
    def from_state(cls, kind, ngram_range, min_df, vocabulary, idf) -> TfidfBlock:
        """Rebuild a fitted block from :meth:`state` (validated by the caller)."""
        block = cls(kind, tuple(ngram_range), min_df)
        block.vocabulary = list(vocabulary)
        block.idf = np.asarray(idf, dtype=np.float64)
        return block


def as_turn_frame(X) -> Any:
    """Normalise the input of a suggester to a DataFrame with a ``text`` column (a copy; the input is untouched).

    Accepts a sequence of strings, a pandas Series of strings, or a DataFrame with a ``text`` column.
    Missing values in context columns become empty strings; a missing ``text`` is an error naming the row.

    Examples
    --------
    >>> as_turn_frame(["a", "b"])["text"].tolist()
    ['a', 'b']
    """
    import pandas as pd

    if isinstance(X, pd.DataFrame):
        if "text" not in X.columns:
            raise SuggestError(f"a DataFrame given to a suggester needs a 'text' column; it has {list(X.columns)}")
        frame = X.copy()
    elif isinstance(X, str):
        raise SuggestError("expected a sequence of texts, got a single string; wrap it in a list")
    else:
        if isinstance(X, pd.Series):
            values = X.tolist()
        else:
            try:
                values = list(X)
            except TypeError:
                raise SuggestError(f"expected a sequence of texts or a DataFrame, got {type(X).__name__}") from None
        frame = pd.DataFrame({"text": values})
    frame = frame.reset_index(drop=True)
    bad = [i for i, t in enumerate(frame["text"].tolist()) if not isinstance(t, str)]
    if bad:
        shown = ", ".join(f"row {i} ({type(frame['text'].iloc[i]).__name__})" for i in bad[:5])
        raise SuggestError(f"every text must be a string; not so at {shown}" + (" ..." if len(bad) > 5 else ""))
    frame["text"] = [str(t) for t in frame["text"].tolist()]  # numpy.str_ -> str (spaCy wants str)
    for col in frame.columns:
        if col != "text" and (col.endswith("_text") or col.endswith("_role") or col == "role"):
            frame[col] = [str(v) for v in frame[col].fillna("").tolist()]
    return frame


def add_context(frame, *, window: int = 2, transcript: str = "transcript", text: str = "text",
                role: str | None = "role", order: str | None = None):
    """Add the neighbouring turns' texts (and roles) as columns ``prev{k}_text``, ``next{k}_text``, ``prev{k}_role``...

    Rows are neighbours when they are adjacent in the same transcript, in row order (or sorted by
    ``order`` within the transcript). The frame is not modified; a new one is returned in the
    original row order. Empty strings mark "no such turn".

    Parameters
    ----------
    frame : DataFrame
        One row per turn, with the columns named by ``transcript`` and ``text`` (and ``role`` if given).
    window : int
        How many turns before and after to attach.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"transcript": ["A", "A", "B"], "text": ["x", "y", "z"]})
    >>> add_context(f, window=1, role=None)["prev1_text"].tolist()
    ['', 'x', '']
    """
    missing = [c for c in (transcript, text) if c not in frame.columns]
    if missing:
        raise SuggestError(f"add_context: the frame has no column(s) {missing}; it has {list(frame.columns)}")
    if window < 0:
        raise SuggestError(f"add_context: window must be >= 0, got {window}")
    out = frame.copy()
    ordered = out.sort_values([transcript, order], kind="stable") if order else out
    grouped = ordered.groupby(transcript, sort=False)
    use_role = role is not None and role in out.columns
    rank = grouped.cumcount()
    size = grouped[text].transform("size")
    out["position"] = (rank / size).reindex(out.index).astype(float)
    for k in range(1, window + 1):
        for name, shift in ((f"prev{k}", k), (f"next{k}", -k)):
            out[f"{name}_text"] = grouped[text].shift(shift).reindex(out.index).fillna("").astype(str)
            if use_role:
                out[f"{name}_role"] = grouped[role].shift(shift).reindex(out.index).fillna("").astype(str)
    return out


_LENGTH_BINS = (0, 3, 6, 11, 21, 41)


def _length_bin(n_tokens: int) -> str:
    label = 0
    for i, edge in enumerate(_LENGTH_BINS):
        if n_tokens >= edge:
            label = i
    return f"len={label}"


class TextFeaturizer:
    """Turns a turn table into one sparse matrix of weighted TF-IDF blocks.

    Blocks: word n-grams of the turn (``w:``), character n-grams of the turn (``c:``), word n-grams of
    each neighbouring turn up to ``context`` away (``p1:``, ``n1:``, ``p2:``, ..., weighted by
    ``context_weights[k-1]``), speaker roles (``r:``) when ``use_role`` and a ``role`` column exist,
    and the turn's shape (``s:``: length in tokens, binned, and its position in the interview in
    fifths when a ``position`` column exists) when ``use_shape``.

    Word n-grams are counted once per distinct text and shared by the turn and context blocks (a
    turn is also its neighbours' context); each block keeps its own vocabulary (``min_df`` counted
    on that block's rows) and idf.

    Examples
    --------
    >>> f = TextFeaturizer(context=0).fit(["How are you?", "I am fine."])
    >>> f.transform(["How?"]).shape[0]
    1
    >>> [n for n in f.feature_names() if n.startswith("w:")][:3]
    ['w:.', 'w:?', 'w:am']
    """

    def __init__(self, *, word_ngrams=(1, 2), char_ngrams=(1, 4), char_min_df=2, context=0,
                 context_weights=(0.7, 0.5, 0.3), context_ngrams=(1, 2), context_min_df=2, use_role=True,
                 use_shape=True, lemmas=False):
        self.word_ngrams = tuple(word_ngrams)
        self.char_ngrams = tuple(char_ngrams) if char_ngrams else None
        self.char_min_df = int(char_min_df)
        self.context = int(context)
        self.context_weights = tuple(float(w) for w in context_weights)
        self.context_ngrams = tuple(context_ngrams)
        self.context_min_df = int(context_min_df)
        self.use_role = bool(use_role)
        self.use_shape = bool(use_shape)
        self.lemmas = bool(lemmas)
        if self.context > len(self.context_weights):
            raise SuggestError(
                f"context={self.context} needs that many context_weights, got {len(self.context_weights)}"
            )
        self.blocks: list[tuple[str, str, float, TfidfBlock]] | None = None  # (prefix, column, weight, block)
        self._union: dict = {}

    def _plan(self, frame) -> list[tuple[str, str, str, tuple, int, float]]:
        plan = [("w", "text", "word", self.word_ngrams, 1, 1.0)]
        if self.char_ngrams:
            plan.append(("c", "text", "char_wb", self.char_ngrams, self.char_min_df, 1.0))
        for k in range(1, self.context + 1):
            w = self.context_weights[k - 1]
            for side in ("p", "n"):
                col = f"{'prev' if side == 'p' else 'next'}{k}_text"
                plan.append((f"{side}{k}", col, "word", self.context_ngrams, self.context_min_df, w))
        if self.use_role and "role" in frame.columns:
            plan.append(("r", "__roles__", "meta", (1, 1), 1, 1.0))
        if self.use_shape:
            plan.append(("s", "__shape__", "meta", (1, 1), 1, 1.0))
        return plan

    def _meta_docs(self, frame, col, tokens):
        if col == "__roles__":
            if "role" not in frame.columns:  # roles unknown at prediction time: the block carries nothing
                return [()] * len(frame)
            role_cols = ["role"] + [c for c in frame.columns if c.endswith("_role")]
            return [tuple(f"{c[:-5] if c != 'role' else 'self'}={v}" for c, v in zip(role_cols, row) if v)
                    for row in frame[role_cols].itertuples(index=False)]
        lengths = [_length_bin(len(tokens[t])) for t in frame["text"].tolist()]
        if "position" in frame.columns:
            pos = np.clip(np.nan_to_num(frame["position"].to_numpy(float), nan=-1.0), -1.0, 0.999)
            return [(ln, f"pos={int(p * 5)}" if p >= 0 else "pos=none") for ln, p in zip(lengths, pos)]
        return [(ln,) for ln in lengths]

    def _tokens(self, frame, plan):
        texts: dict[str, None] = dict.fromkeys(frame["text"].tolist())
        for _, col, kind, *_ in plan:
            if kind == "word" and col in frame.columns:
                texts.update(dict.fromkeys(frame[col].tolist()))
        unique = list(texts)
        return dict(zip(unique, tokenize(unique, lemmas=self.lemmas)))

    @staticmethod
    def _column(frame, col):
        return frame[col].tolist() if col in frame.columns else [""] * len(frame)

    def _word_groups(self, plan):
        groups: dict[tuple, list] = {}
        for item in plan:
            if item[2] == "word":
                groups.setdefault(tuple(item[3]), []).append(item)
        return groups

    def _count_unique(self, frame, items, tokens, ngrams, vocabulary=None):
        """Counts of each distinct text of these blocks' columns (rows) over word n-grams (columns)."""
        from sklearn.feature_extraction.text import CountVectorizer

        unique = list(dict.fromkeys(t for item in items for t in self._column(frame, item[1])))
        where = {t: i for i, t in enumerate(unique)}
        counter = CountVectorizer(analyzer=lambda toks: _word_ngrams(toks, ngrams), vocabulary=vocabulary,
                                  dtype=np.float64)
        docs = [tokens.get(t, ()) for t in unique]
        if vocabulary is None:
            try:
                counts = counter.fit_transform(docs)
            except ValueError:  # no n-gram at all (only empty texts)
                return where, None, []
            vocab = sorted(counter.vocabulary_, key=counter.vocabulary_.get)
            return where, counts.tocsr(), vocab
        return where, counter.transform(docs).tocsr(), None

    def fit_transform(self, X):
        import scipy.sparse as sp

        frame = as_turn_frame(X)
        plan = self._plan(frame)
        tokens = self._tokens(frame, plan)
        mats: dict[str, Any] = {}
        blocks: dict[str, tuple] = {}
        for ngrams, items in self._word_groups(plan).items():
            where, counts, vocab = self._count_unique(frame, items, tokens, ngrams)
            vocab_arr = np.array(vocab, dtype=object)
            for prefix, col, _, _, min_df, weight in items:
                block = TfidfBlock("word", ngrams, min_df)
                if counts is None:
                    block.vocabulary, block.idf = [], np.zeros(0)
                    mats[prefix] = TfidfBlock._empty(len(frame))
                else:
                    M = counts[[where[t] for t in self._column(frame, col)]]
                    df = np.bincount(M.indices, minlength=M.shape[1])
                    keep = np.flatnonzero(df >= min_df)
                    M = M[:, keep]
                    block.vocabulary = vocab_arr[keep].tolist()
                    block.idf = np.log((1.0 + len(frame)) / (1.0 + df[keep].astype(np.float64))) + 1.0
                    mats[prefix] = block._weight(M) * weight
                blocks[prefix] = (prefix, col, weight, block)
        for prefix, col, kind, ngrams, min_df, weight in plan:
            if kind == "word":
                continue
            block = TfidfBlock("char_wb" if kind == "char_wb" else "word", ngrams, min_df)
            docs = frame["text"].tolist() if kind == "char_wb" else self._meta_docs(frame, col, tokens)
            mats[prefix] = block.fit_transform(docs) * weight
            blocks[prefix] = (prefix, col, weight, block)
        order = [item[0] for item in plan]
        self.blocks = [blocks[p] for p in order]
        self._union = {}
        return sp.hstack([mats[p] for p in order], format="csr")

    def fit(self, X) -> TextFeaturizer:
        self.fit_transform(X)
        return self

    def transform(self, X):
        import scipy.sparse as sp

        if self.blocks is None:
            raise SuggestError("this TextFeaturizer is not fitted yet; call fit first")
        frame = as_turn_frame(X)
        words = [(p, col, "word", tuple(b.ngram_range), b.min_df, w) for p, col, w, b in self.blocks
                 if b.kind == "word" and col not in ("__roles__", "__shape__")]
        tokens = self._tokens(frame, words)
        by_prefix = {p: (col, w, b) for p, col, w, b in self.blocks}
        mats: dict[str, Any] = {}
        for ngrams, items in self._word_groups(words).items():
            if ngrams not in self._union:
                union: dict[str, int] = {}
                for prefix, *_ in items:
                    for term in by_prefix[prefix][2].vocabulary:
                        union.setdefault(term, len(union))
                cols = {prefix: np.array([union[t] for t in by_prefix[prefix][2].vocabulary], dtype=np.intp)
                        for prefix, *_ in items}
                self._union[ngrams] = (union, cols)
            union, cols = self._union[ngrams]
            if not union:
                for prefix, *_ in items:
                    mats[prefix] = TfidfBlock._empty(len(frame))
                continue
            where, counts, _ = self._count_unique(frame, items, tokens, ngrams, vocabulary=union)
            for prefix, col, *_ in items:
                _, weight, block = by_prefix[prefix]
                M = counts[[where[t] for t in self._column(frame, col)]][:, cols[prefix]]
                mats[prefix] = block._weight(M) * weight if block.vocabulary else TfidfBlock._empty(len(frame))
        for prefix, col, weight, block in self.blocks:
            if prefix in mats:
                continue
            if block.kind == "char_wb":
                docs = frame["text"].tolist()
            else:
                if "__tok__" not in mats:
                    mats["__tok__"] = self._tokens(frame, [])
                docs = self._meta_docs(frame, col, mats["__tok__"])
            mats[prefix] = block.transform(docs) * weight
        return sp.hstack([mats[p] for p, *_ in self.blocks], format="csr")

    def feature_names(self) -> list[str]:
        """Column names, ``<block>:<term>`` (``w:`` turn words, ``c:`` characters, ``p1:``/``n1:`` context,
        ``r:`` role, ``s:`` shape)."""
        if self.blocks is None:
            raise SuggestError("this TextFeaturizer is not fitted yet; call fit first")
        return [f"{prefix}:{term}" for prefix, _, _, block in self.blocks for term in block.vocabulary]

    def block_slices(self) -> dict[str, slice]:
        """Column range of each block, by prefix."""
        out, start = {}, 0
        for prefix, _, _, block in self.blocks or []:
            out[prefix] = slice(start, start + len(block.vocabulary))
            start += len(block.vocabulary)
        return out
