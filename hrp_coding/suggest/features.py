"""Features for code suggestion: spaCy tokens, TF-IDF word and character n-grams, turn context, speaker role.

The input of every featurizer is a *turn table*: a sequence of strings, or a DataFrame with a ``text``
column and, optionally, the neighbouring turns' texts (``prev1_text``, ``next1_text``, ``prev2_text``, ...)
and speaker roles (``role``, ``prev1_role``, ...). :func:`add_context` builds those columns from a long
table of turns in transcript order. The neighbouring texts are legitimate input (what was said before
and after the turn), never their labels.

Tokens come from :func:`~hrp_coding.suggest.tfidf.tokenize` (``spacy.blank("en")``; lookup lemmas
with the ``lemmas`` extra) and each block is a :class:`~hrp_coding.suggest.tfidf.TfidfBlock`. Everything
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

from typing import Any

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.tfidf import (
    TfidfBlock,
    lemmas_available,
    token_offsets,
    tokenize,
)

__all__ = [
    "TextFeaturizer",
    "TfidfBlock",
    "add_context",
    "as_turn_frame",
    "lemmas_available",
    "token_offsets",
    "tokenize",
]


def as_turn_frame(X) -> Any:
    """Normalise the input of a suggester to a DataFrame with a ``text`` column (a copy; the input is untouched).

    Accepts a sequence of strings, a pandas Series of strings, or a DataFrame with a ``text`` column.
    Missing values in context columns become empty strings; a missing ``text`` is an error naming the row.

    Parameters
    ----------
    X : sequence of str, Series or DataFrame
        Texts, or a turn table with a ``text`` column (and context columns, see :func:`add_context`).

    Returns
    -------
    DataFrame
        A new frame, index 0..n-1, with ``text`` as str and the context and role columns as str.

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
    transcript, text : str
        The columns naming each turn's transcript and holding its text.
    role : str or None
        The speaker-role column (``prev{k}_role`` ... are added when it exists); None: no roles.
    order : str or None
        A column that orders the turns within a transcript; None: the row order.

    Returns
    -------
    DataFrame
        A copy of ``frame`` with ``position`` (rank within the transcript over its size, in [0, 1)) and
        the ``prev{k}_text``/``next{k}_text`` (and ``_role``) columns for k = 1..window.

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
_META_COLUMNS = ("__roles__", "__shape__")  # the pseudo-columns of the role and shape blocks (see _plan)


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

    def _docs(self, frame, col, kind, tokens):
        """The documents of one block: the turns' texts (characters), their tokens (words) or meta tokens."""
        if kind == "char_wb":
            return frame["text"].tolist()
        if kind == "meta":
            return self._meta_docs(frame, col, tokens)
        return [tokens.get(t, ()) for t in self._column(frame, col)]

    def fit_transform(self, X):
        """Learn every block's vocabulary and idf from ``X`` and return its feature matrix.

        Parameters
        ----------
        X : sequence of str or DataFrame
            Texts or a turn table (see :func:`add_context`).

        Returns
        -------
        scipy.sparse.csr_matrix (n, n_features)
            The blocks side by side, in :meth:`block_slices` order, each scaled by its weight.

        Examples
        --------
        >>> TextFeaturizer(context=0, char_ngrams=None).fit_transform(["How are you?", "Fine."]).shape
        (2, 12)
        """
        import scipy.sparse as sp

        frame = as_turn_frame(X)
        plan = self._plan(frame)
        tokens = self._tokens(frame, plan)
        mats: dict[str, Any] = {}
        blocks: dict[str, tuple] = {}
        for prefix, col, kind, ngrams, min_df, weight in plan:
            block = TfidfBlock("char_wb" if kind == "char_wb" else "word", ngrams, min_df)
            mats[prefix] = block.fit_transform(self._docs(frame, col, kind, tokens)) * weight
            blocks[prefix] = (prefix, col, weight, block)
        order = [item[0] for item in plan]
        self.blocks = [blocks[p] for p in order]
        return sp.hstack([mats[p] for p in order], format="csr")

    def fit(self, X) -> TextFeaturizer:
        """Learn every block's vocabulary and idf from ``X`` (as :meth:`fit_transform`, without the matrix).

        Parameters
        ----------
        X : sequence of str or DataFrame
            Texts or a turn table (see :func:`add_context`).

        Returns
        -------
        TextFeaturizer
            This featurizer, fitted.

        Examples
        --------
        >>> TextFeaturizer(context=0).fit(["How are you?"]).blocks is not None
        True
        """
        self.fit_transform(X)
        return self

    def transform(self, X):
        """The feature matrix of ``X`` over the fitted vocabularies (terms never seen in fitting are ignored).

        Parameters
        ----------
        X : sequence of str or DataFrame
            Texts or a turn table; context columns the featurizer was fitted with and ``X`` lacks count
            as empty turns.

        Returns
        -------
        scipy.sparse.csr_matrix (n, n_features)
            Same columns as :meth:`fit_transform` gave (:meth:`feature_names`).

        Examples
        --------
        >>> f = TextFeaturizer(context=0, char_ngrams=None, use_shape=False).fit(["How are you?", "Fine."])
        >>> f.transform(["How?"]).nnz
        2
        """
        import scipy.sparse as sp

        if self.blocks is None:
            raise SuggestError("this TextFeaturizer is not fitted yet; call fit first")
        frame = as_turn_frame(X)
        kinds = ["meta" if col in _META_COLUMNS else block.kind for _, col, _, block in self.blocks]
        tokens = self._tokens(frame, [(prefix, col, kind) for (prefix, col, *_), kind in zip(self.blocks, kinds)])
        return sp.hstack([block.transform(self._docs(frame, col, kind, tokens)) * weight
                          for (_, col, weight, block), kind in zip(self.blocks, kinds)], format="csr")

    def feature_names(self) -> list[str]:
        """Column names, ``<block>:<term>`` (``w:`` turn words, ``c:`` characters, ``p1:``/``n1:`` context,
        ``r:`` role, ``s:`` shape).

        Returns
        -------
        list of str
            One name per column of :meth:`transform`, in column order.

        Examples
        --------
        >>> TextFeaturizer(context=0, char_ngrams=None, use_shape=False).fit(["Fine."]).feature_names()
        ['w:.', 'w:fine', 'w:fine .']
        """
        if self.blocks is None:
            raise SuggestError("this TextFeaturizer is not fitted yet; call fit first")
        return [f"{prefix}:{term}" for prefix, _, _, block in self.blocks for term in block.vocabulary]

    def block_slices(self) -> dict[str, slice]:
        """Column range of each block, by prefix.

        Returns
        -------
        dict of str to slice
            ``{prefix: slice}`` in column order (an empty slice for a block that kept no term).

        Examples
        --------
        >>> TextFeaturizer(context=0, char_ngrams=None, use_shape=False).fit(["Fine."]).block_slices()
        {'w': slice(0, 3, None)}
        """
        out, start = {}, 0
        for prefix, _, _, block in self.blocks or []:
            out[prefix] = slice(start, start + len(block.vocabulary))
            start += len(block.vocabulary)
        return out
