"""Cold start: suggest codes from the codebook alone, before anyone has coded.

Each active, codable code is described by its codebook entry: name, short definition, definition
and "when to use" (one document), each example (one document each) and its keywords; its near
misses ("close, but not this code") are negative evidence. A text's score for a code is

``max(similarity to the definition, best similarity to an example)``
``+ keyword_weight * min(1, keyword hits / 2)``
``- near_miss_weight * max(0, best similarity to a near miss - that similarity)``, clipped to [0, 1],

where similarities are cosines of TF-IDF word 1-2-grams (lookup lemmas when available, English stop
words removed) and keyword hits come from a spaCy ``PhraseMatcher`` over lemmas (or lower-cased
words). Scores rank codes; they are not calibrated probabilities (no coded data exists to calibrate
them): once a few transcripts are coded, train a :class:`~hrp_coding.suggest.CodeSuggester`.

Examples
--------
>>> from hrp_coding.codebook import Codebook, Code
>>> cb = Codebook(name="Demo", version=1, codes=[
...     Code("holding", "Holding", definition="Staying calm with overwhelming feelings.",
...          keywords=("calm", "overwhelmed"), examples=("I stayed calm while she cried.",)),
...     Code("war_on_drugs", "War on drugs", definition="Policing, arrests and prison for drug use.",
...          keywords=("police", "arrest", "prison"), examples=("He was arrested for possession.",))])
>>> cold = ColdStartSuggester(cb).fit()
>>> cold.predict(["The police arrested him again.", "She was overwhelmed and I stayed calm."])
[['war_on_drugs'], ['holding']]
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.nlp import blank_english
from hrp_coding.suggest.features import lemmas_available, tokenize

__all__ = ["ColdStartSuggester", "codebook_rows", "suggestable_codes"]


def suggestable_codes(codebook) -> dict:
    """The codebook's active, codable codes (``{code id: Code}``), the ones a suggester may propose.

    Parameters
    ----------
    codebook : Codebook
        Anything with a ``codes`` mapping.

    Returns
    -------
    dict of str to Code
        The codes not retired and codable, in codebook order.

    Raises
    ------
    SuggestError
        For an object without codes, or a codebook with no code to suggest.

    Examples
    --------
    >>> from hrp_coding.codebook import Codebook, Code
    >>> list(suggestable_codes(Codebook(name="D", version=1, codes=[Code("a", "A", definition="x")])))
    ['a']
    """
    codes = getattr(codebook, "codes", None)
    if codes is None or not hasattr(codes, "items"):
        raise SuggestError("ColdStartSuggester needs a Codebook (an object with a 'codes' mapping)")
    out = {cid: c for cid, c in codes.items()
           if getattr(c, "status", "active") == "active" and getattr(c, "codable", True)}
    if not out:
        raise SuggestError("the codebook has no active, codable code to suggest")
    return out


def codebook_rows(codebook) -> list[tuple[str, str, str]]:
    """The codebook as training rows: ``(code, text, kind)`` with kind ``definition``, ``example`` or ``near_miss``.

    A definition row joins the code's name, short definition, definition and "when to use"; each
    example is a row; each near miss is a row that is *not* that code.

    Parameters
    ----------
    codebook : Codebook
        The codebook (only its suggestable codes count).

    Returns
    -------
    list of (str, str, str)
        Code id, text and kind of each row, code by code.

    Examples
    --------
    >>> from hrp_coding.codebook import Codebook, Code
    >>> cb = Codebook(name="D", version=1, codes=[Code("a", "Asking", definition="A question.",
    ...                                                examples=("Why?",), near_misses=("Fine.",))])
    >>> [kind for _, _, kind in codebook_rows(cb)]
    ['definition', 'example', 'near_miss']
    """
    rows = []
    for cid, c in suggestable_codes(codebook).items():
        rows.append((cid, " ".join(filter(None, [getattr(c, "name", ""), getattr(c, "short_definition", ""),
                                                getattr(c, "definition", ""), getattr(c, "when_to_use", "")])),
                     "definition"))
        rows += [(cid, e, "example") for e in (getattr(c, "examples", ()) or ()) if e and e.strip()]
        rows += [(cid, e, "near_miss") for e in (getattr(c, "near_misses", ()) or ()) if e and e.strip()]
    return rows


class ColdStartSuggester:
    """Code suggestions from a codebook's definitions, examples, keywords and near misses.

    Parameters
    ----------
    codebook : Codebook
        Anything with ``codes`` mapping code ids to objects with ``name, short_definition, definition,
        when_to_use, examples, near_misses, keywords`` (and optionally ``status``, ``codable``).
    keyword_weight : float
        Weight of keyword (PhraseMatcher) hits.
    near_miss_weight : float
        Weight of the penalty when a text is closer to a near miss than to the code itself.
    threshold : float
        Default score a code must reach in :meth:`predict`.
    lemmas : bool or "auto"
    """

    def __init__(self, codebook, *, keyword_weight: float = 0.3, near_miss_weight: float = 0.5,
                 threshold: float = 0.15, lemmas="auto"):
        self.codebook = codebook
        self.keyword_weight = keyword_weight
        self.near_miss_weight = near_miss_weight
        self.threshold = threshold
        self.lemmas = lemmas

    def _codes(self):
        return suggestable_codes(self.codebook)

    def fit(self, texts: Sequence[str] | None = None, *, vocabulary: Sequence[str] | None = None,
            idf=None) -> ColdStartSuggester:
        """Build the code profiles; ``texts`` (uncoded turns, optional) only sharpen the idf weights.

        Parameters
        ----------
        texts : sequence of str, optional
            Uncoded texts whose words count in the idf weights (no label is used).
        vocabulary, idf : optional
            A saved word-weight state (:meth:`idf_state`) to restore instead of fitting one; ``texts``
            must then be None.

        Returns
        -------
        ColdStartSuggester
            ``self``.

        Examples
        --------
        >>> from hrp_coding.codebook import Codebook, Code
        >>> cb = Codebook(name="D", version=1, codes=[Code("a", "Asking", definition="A question.")])
        >>> cold = ColdStartSuggester(cb, lemmas=False).fit(["Why do you ask?"])
        >>> again = ColdStartSuggester(cb, lemmas=False).fit(vocabulary=cold.idf_state()[0], idf=cold.idf_state()[1])
        >>> bool((again.predict_proba(["A question?"]) == cold.predict_proba(["A question?"])).all())
        True
        """
        from sklearn.feature_extraction.text import TfidfVectorizer
        from spacy.lang.en.stop_words import STOP_WORDS

        codes = self._codes()
        lemmas = lemmas_available() if self.lemmas == "auto" else bool(self.lemmas)
        stop = {t for toks in tokenize(sorted(STOP_WORDS), lemmas=lemmas) for t in toks} | set(STOP_WORDS)
        self.lemmas_ = lemmas
        self.classes_ = np.array(list(codes), dtype=object)
        definitions, examples, near = [], [], []
        for cid, c in codes.items():
            definitions.append(" ".join(filter(None, [getattr(c, "name", ""), getattr(c, "short_definition", ""),
                                                      getattr(c, "definition", ""), getattr(c, "when_to_use", ""),
                                                      " ".join(getattr(c, "keywords", ()) or ())])))
            examples.extend((cid, e) for e in (getattr(c, "examples", ()) or ()))
            near.extend((cid, e) for e in (getattr(c, "near_misses", ()) or ()))
        self._stop = stop

        def analyzer(toks):
            toks = [t for t in toks if t not in stop and any(ch.isalnum() for ch in t)]
            return toks + [f"{a} {b}" for a, b in itertools.pairwise(toks)]

        if vocabulary is not None:
            if texts is not None or idf is None or len(idf) != len(vocabulary):
                raise SuggestError("ColdStartSuggester.fit: give texts, or a vocabulary with one idf weight per term")
            self.vectorizer_ = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True,
                                               vocabulary={str(t): i for i, t in enumerate(vocabulary)})
            self.vectorizer_.fit([[]])  # fixes the columns; the idf weights are the saved ones
            self.vectorizer_.idf_ = np.asarray(idf, dtype=np.float64)
        else:
            self.vectorizer_ = TfidfVectorizer(analyzer=analyzer, sublinear_tf=True)
            corpus = definitions + [e for _, e in examples] + [e for _, e in near] + list(texts or [])
            self.vectorizer_.fit(tokenize(corpus, lemmas=lemmas))
        self._def = self._vec(definitions)
        self._ex = self._vec([e for _, e in examples])
        self._ex_code = np.array([list(codes).index(cid) for cid, _ in examples], dtype=int)
        self._nm = self._vec([e for _, e in near])
        self._nm_code = np.array([list(codes).index(cid) for cid, _ in near], dtype=int)
        self._build_matcher(codes)
        return self

    def idf_state(self) -> tuple[list[str], np.ndarray]:
        """The fitted word weights: terms in column order and their idf (what :meth:`fit` can restore).

        Returns
        -------
        (list of str, ndarray)

        Examples
        --------
        >>> from hrp_coding.codebook import Codebook, Code
        >>> cb = Codebook(name="D", version=1, codes=[Code("a", "Asking", definition="A question.")])
        >>> ColdStartSuggester(cb, lemmas=False).fit().idf_state()[0]
        ['asking', 'asking question', 'question']
        """
        vocab = self.vectorizer_.vocabulary_
        terms = sorted(vocab, key=vocab.get)
        return terms, np.asarray(self.vectorizer_.idf_, dtype=np.float64)

    def _vec(self, texts):
        import scipy.sparse as sp

        if not texts:
            return sp.csr_matrix((0, len(self.vectorizer_.vocabulary_)))
        return self.vectorizer_.transform(tokenize(list(texts), lemmas=self.lemmas_))

    def _build_matcher(self, codes):
        from spacy.matcher import PhraseMatcher

        # the process's shared pipeline: the matcher only adds strings to its vocabulary
        self._spacy = blank_english(lemmas=self.lemmas_)
        attr = "LEMMA" if self.lemmas_ else "LOWER"
        self.matcher_ = PhraseMatcher(self._spacy.vocab, attr=attr)
        for cid, c in codes.items():
            keywords = [k.lower() for k in (getattr(c, "keywords", ()) or ()) if k and k.strip()]
            if keywords:
                self.matcher_.add(cid, list(self._spacy.pipe(keywords)))

    def __getstate__(self):
        # a copy or a pickle carries neither the shared spaCy pipeline nor the matcher over its vocabulary
        # (about 2 MB); both are rebuilt from the codebook on the other side
        state = self.__dict__.copy()
        state.pop("_spacy", None)
        state.pop("matcher_", None)
        return state

    def __setstate__(self, state):
        self.__dict__.update(state)
        if "classes_" in state:
            self._build_matcher(self._codes())

    def _check_fitted(self):
        if not hasattr(self, "classes_"):
            raise SuggestError("this ColdStartSuggester is not fitted yet; call fit() first")

    def _keyword_hits(self, texts):
        hits = np.zeros((len(texts), len(self.classes_)))
        matched: list[list[tuple[str, str]]] = [[] for _ in texts]
        index = {c: i for i, c in enumerate(self.classes_)}
        vocab = self._spacy.vocab.strings
        for i, doc in enumerate(self._spacy.pipe([t.lower() for t in texts])):
            for match_id, start, end in self.matcher_(doc):
                code = vocab[match_id]
                hits[i, index[code]] += 1
                matched[i].append((code, doc[start:end].text))
        return hits, matched

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        """Scores in [0, 1], shape (n_texts, n_codes), columns in ``classes_`` order (not calibrated).

        Parameters
        ----------
        texts : sequence of str
            The passages to score.

        Returns
        -------
        ndarray of float
            Similarity to each code's definition and examples, plus keyword hits, minus a near-miss penalty.

        Examples
        --------
        >>> _example_suggester().predict_proba(["why did you leave work?", "the rent went up"]).round(2).tolist()
        [[0.6, 0.0], [0.0, 0.69]]
        """
        self._check_fitted()
        texts = _texts(texts)
        Q = self._vec(texts)
        K = len(self.classes_)
        sim = np.asarray((Q @ self._def.T).todense()) if len(texts) else np.zeros((0, K))
        if self._ex.shape[0]:
            ex = np.asarray((Q @ self._ex.T).todense())
            for k in range(K):
                cols = self._ex_code == k
                if cols.any():
                    sim[:, k] = np.maximum(sim[:, k], ex[:, cols].max(1))
        near = np.zeros_like(sim)
        if self._nm.shape[0]:
            nm = np.asarray((Q @ self._nm.T).todense())
            for k in range(K):
                cols = self._nm_code == k
                if cols.any():
                    near[:, k] = nm[:, cols].max(1)
        hits, _ = self._keyword_hits(texts)
        score = sim + self.keyword_weight * np.minimum(1.0, hits / 2.0) \
            - self.near_miss_weight * np.maximum(0.0, near - sim)
        return np.clip(score, 0.0, 1.0)

    def predict(self, texts: Sequence[str], threshold: float | None = None, top_k: int = 1) -> list[list[str]]:
        """Up to ``top_k`` codes per text whose score reaches ``threshold`` (default ``self.threshold``).

        Parameters
        ----------
        texts : sequence of str
            The passages.
        threshold : float, optional
            The score a code must reach.
        top_k : int, default 1
            At most this many codes per passage, best first.

        Returns
        -------
        list of list of str
            The codes of each passage (possibly none).

        Examples
        --------
        >>> _example_suggester().predict(["why did you leave work?", "the rent went up", "hello"])
        [['asking'], ['money'], []]
        """
        scores = self.predict_proba(texts)
        threshold = self.threshold if threshold is None else threshold
        out = []
        for row in scores:
            order = np.argsort(-row, kind="stable")[:top_k]
            out.append([str(self.classes_[k]) for k in order if row[k] >= threshold and row[k] > 0])
        return out

    def evidence(self, texts: Sequence[str], codes: Sequence[str], top: int = 5) -> list[list[tuple[str, float]]]:
        """Why a text scored for a code: matched keywords (``kw:``) and shared weighted terms (``w:``).

        Parameters
        ----------
        texts : sequence of str
            The passages.
        codes : sequence of str
            One code per passage: the code to explain.
        top : int, default 5
            At most this many shared terms per passage.

        Returns
        -------
        list of list of (str, float)
            Per passage: ``("kw:<keyword>", weight)`` for matched keywords, then ``("w:<term>", weight)`` for the
            heaviest shared terms.

        Raises
        ------
        SuggestError
            When ``codes`` and ``texts`` differ in length, or a code is unknown.

        Examples
        --------
        >>> _example_suggester().evidence(["the rent went up"], ["money"])[0][0]
        ('kw:rent', 0.3)
        """
        self._check_fitted()
        texts = _texts(texts)
        if len(codes) != len(texts):
            raise SuggestError(f"evidence: got {len(texts)} texts but {len(codes)} codes")
        index = {c: i for i, c in enumerate(self.classes_)}
        unknown = sorted({c for c in codes if c not in index})
        if unknown:
            raise SuggestError(f"evidence: unknown code(s) {unknown}")
        _, matched = self._keyword_hits(texts)
        Q = self._vec(texts)
        names = self.vectorizer_.get_feature_names_out()
        out = []
        for i, code in enumerate(codes):
            k = index[code]
            items = [(f"kw:{phrase}", self.keyword_weight) for c, phrase in matched[i] if c == code]
            profile = self._def[k]
            rows = [profile] + [self._ex[j] for j in np.flatnonzero(self._ex_code == k)]
            weights = {}
            q = Q.getrow(i)
            for r in rows:
                shared = q.multiply(r)
                for j, v in zip(shared.indices, shared.data):
                    weights[j] = max(weights.get(j, 0.0), float(v))
            items += [(f"w:{names[j]}", v) for j, v in sorted(weights.items(), key=lambda kv: -kv[1])]
            out.append(items[:top])
        return out


def _texts(texts) -> list[str]:
    if isinstance(texts, str):
        raise SuggestError("expected a sequence of texts, got a single string; wrap it in a list")
    texts = list(texts)
    bad = [i for i, t in enumerate(texts) if not isinstance(t, str)]
    if bad:
        raise SuggestError(f"every text must be a string; not so at row(s) {bad[:5]}")
    return texts


def _example_suggester() -> ColdStartSuggester:
    """A fitted cold start on a two-code codebook (``asking``: "why"; ``money``: "rent"), for the examples."""
    from hrp_coding.codebook import Code, Codebook

    codebook = Codebook(name="D", version=1, codes=[
        Code("asking", "Asking", definition="A question about work.", keywords=("why",)),
        Code("money", "Money", definition="Rent, wages and debt.", keywords=("rent",))])
    return ColdStartSuggester(codebook).fit()
