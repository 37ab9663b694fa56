"""Explanations of a fitted suggester: the terms that pushed a suggestion and the closest training texts.

:class:`ExplainMixin` is mixed into :class:`~hrp_coding.suggest.estimator.CodeSuggester`; it needs
the fitted attributes ``featurizer_``, ``coef_``, ``classes_``, ``bias_`` and (for
:meth:`~ExplainMixin.nearest_examples`) ``examples_text_``/``examples_labels_``. The plain-language
wording a coder reads is made from these in :mod:`~hrp_coding.suggest.spans`.

Examples
--------
>>> is_word_feature("w:stayed with"), is_word_feature("s:pos=1")
(True, False)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.features import as_turn_frame

__all__ = ["ExplainMixin", "is_word_feature"]


def is_word_feature(name: str) -> bool:
    """A word n-gram of the turn (``w:``) or of a neighbouring turn (``p1:``, ``n2:``...) with a letter in it.

    Parameters
    ----------
    name : str
        A feature name from :meth:`~hrp_coding.suggest.features.TextFeaturizer.feature_names`.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_word_feature("p1:court"), is_word_feature("w:?")
    (True, False)
    """
    block, _, term = name.partition(":")
    lexical = block == "w" or (len(block) > 1 and block[0] in "pn" and block[1:].isdigit())
    return lexical and any(ch.isalpha() for ch in term)


class ExplainMixin:
    """Evidence and nearest examples for a fitted linear suggester (see the module docstring)."""

    def evidence(self, X, codes: Sequence[str] | None = None, top: int = 5,
                 words_first: bool = True) -> list[list[tuple[str, float]]]:
        """The terms that pushed each text towards a code: ``[(feature, contribution), ...]`` per text.

        ``codes`` gives the code to explain for each text (default: the predicted code, for multi-label
        the most probable code). Feature names carry their block: ``w:`` word n-gram of the turn,
        ``c:`` character n-gram, ``p1:``/``n1:`` words of the previous/next turn, ``r:`` role,
        ``s:`` shape. Only positive contributions (feature value times weight) are listed, largest first.
        With ``words_first`` (the default) words of the turn and its neighbours are listed, since those
        are what a coder can check against the text; other features appear only when no word pushed
        the prediction. A model that adds dense scores beside its sparse features (sentence embeddings
        fused late) lists their push too, as one ``e:`` entry in order of size, not counted in ``top``.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns, as for :meth:`~hrp_coding.suggest.CodeSuggester.fit`.
        codes : sequence of str, optional
            The code to explain for each turn (default: the predicted one).
        top : int, default 5
            At most this many features per turn.
        words_first : bool, default True
            List words (of the turn and its neighbours) before other features.

        Returns
        -------
        list of list of (str, float)
            Per turn, ``(feature, contribution)`` pairs, largest first.

        Examples
        --------
        >>> from hrp_coding.suggest.estimator import _example_model
        >>> [feature for feature, _ in _example_model().evidence(["we sat with him"], top=2)[0]]
        ['w:we', 'w:with']
        """
        Xm = self._transform(X)
        ks = self._explained_codes(X, codes, Xm.shape[0])
        dense = self._dense_evidence(X, ks)
        names = self.featurizer_.feature_names()
        wordy = np.array([is_word_feature(name) for name in names], dtype=bool)
        out = []
        for i, k in enumerate(ks):
            row = Xm.getrow(i)
            contrib = row.data * self.coef_[k, row.indices]
            order = [j for j in np.argsort(-contrib) if contrib[j] > 0]
            if words_first and any(wordy[row.indices[j]] for j in order):
                order = [j for j in order if wordy[row.indices[j]]]
            pairs = [(names[row.indices[j]], float(contrib[j])) for j in order[:top]]
            if dense is not None and dense[1][i] > 0:
                pairs = sorted([*pairs, (dense[0], float(dense[1][i]))], key=lambda pair: -pair[1])
            out.append(pairs)
        return out

    def _explained_codes(self, X, codes, n_texts: int) -> list[int]:
        """The column of the code to explain for each text: the given codes, or the predicted ones."""
        if codes is None:
            return [int(k) for k in (self.decision_function(X) + self.bias_).argmax(1)]
        index = {c: i for i, c in enumerate(self.classes_)}
        codes = list(codes)
        if len(codes) != n_texts:
            raise SuggestError(f"evidence: got {n_texts} texts but {len(codes)} codes")
        unknown = sorted({c for c in codes if c not in index})
        if unknown:
            raise SuggestError(f"evidence: unknown code(s) {unknown}; the model knows {self.classes_.tolist()}")
        return [index[c] for c in codes]

    def _dense_evidence(self, X, ks):
        """``(feature name, push per text)`` of scores added beside the sparse features, or None (none here)."""
        return None

    def _examples(self):
        if self.examples_text_ is None:
            raise SuggestError("this model was fitted with store_examples=False: it has no examples to show")
        if getattr(self, "_example_matrix", None) is None:
            self._example_matrix = self._own_text_matrix(self.examples_text_)
        return self._example_matrix

    def _own_text_matrix(self, texts):
        from sklearn.preprocessing import normalize

        Xm = self.featurizer_.transform(as_turn_frame(list(texts)))
        sl = self.featurizer_.block_slices()
        cols = [sl[p] for p in ("w", "c") if p in sl]
        import scipy.sparse as sp

        return normalize(sp.hstack([Xm[:, s] for s in cols], format="csr"))

    def nearest_examples(self, X, code: str | Sequence[str] | None = None, k: int = 3) -> list[list[tuple[str, float]]]:
        """The ``k`` most similar training texts (cosine of the turn's word and character TF-IDF) per text.

        With ``code`` (one code, or one per text) only training texts labelled with that code are
        searched. Returns ``[(text, similarity), ...]`` per text.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns, as for :meth:`~hrp_coding.suggest.CodeSuggester.fit`.
        code : str or sequence of str, optional
            Search only training texts of this code (one for all turns, or one per turn).
        k : int, default 3
            How many examples per turn.

        Returns
        -------
        list of list of (str, float)
            Per turn, ``(training text, cosine similarity)``, most similar first.

        Raises
        ------
        SuggestError
            When the model kept no examples (``store_examples=False``), or ``code`` does not match the turns.

        Examples
        --------
        >>> from hrp_coding.suggest.estimator import _example_model
        >>> [text for text, _ in _example_model().nearest_examples(["we sat with him"], k=1)[0]]
        ['we sat with her all night']
        """
        self._check_fitted()
        E = self._examples()
        frame = as_turn_frame(X)
        Q = self._own_text_matrix(frame["text"].tolist())
        sims = np.asarray((Q @ E.T).todense())
        if code is not None:
            codes = [code] * len(frame) if isinstance(code, str) else list(code)
            if len(codes) != len(frame):
                raise SuggestError(f"nearest_examples: got {len(frame)} texts but {len(codes)} codes")
            for i, c in enumerate(codes):
                if c not in set(self.classes_.tolist()):
                    raise SuggestError(f"nearest_examples: unknown code {c!r} at row {i}")
                mask = np.array([c in labels for labels in self.examples_labels_])
                sims[i, ~mask] = -np.inf
        out = []
        for i in range(len(frame)):
            order = np.argsort(-sims[i], kind="stable")[:k]
            out.append([(self.examples_text_[j], float(sims[i, j])) for j in order if np.isfinite(sims[i, j])])
        return out
