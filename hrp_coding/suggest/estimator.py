"""CodeSuggester: a scikit-learn estimator that suggests codes for turns, with calibrated confidences.

Model: the TF-IDF blocks of :class:`~hrp_coding.suggest.features.TextFeaturizer` feed a linear
support-vector machine (one-vs-rest, ``class_weight="balanced"``). Calibration is done the way
``CalibratedClassifierCV(ensemble=False, method="sigmoid")`` does it, but by hand so that the same
out-of-fold scores serve three purposes: (1) a Platt sigmoid per code turns decision scores into
probabilities; (2) single-label: per-code offsets added to the decision scores are tuned to
maximise macro-F1 (multi-label: a per-code decision threshold maximising that code's F1);
(3) per-code confidence thresholds that reach ``target_precision`` (see
:mod:`~hrp_coding.suggest.thresholds`). The out-of-fold scores come from an inner
cross-validation on the training data only (grouped by transcript when ``groups`` is given), so
nothing is tuned on data the model is later evaluated on. The vectorisers are fitted once on the
whole training set (no labels are used for that) and reused by the inner folds.

Examples
--------
>>> texts = ["Would you like to talk about it?", "How often do you use?", "It sounds like you are tired.",
...          "You feel the clinic judged you.", "Did you sleep?", "You sound relieved."] * 4
>>> labels = ["question", "question", "reflection", "reflection", "question", "reflection"] * 4
>>> model = CodeSuggester(cv=2).fit(texts, labels)
>>> model.classes_.tolist()
['question', 'reflection']
>>> model.predict(["What do you use?", "You sound worried about her."]).tolist()
['question', 'reflection']
>>> model.predict_proba(["What do you use?"]).sum().round(6)
1.0
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.calibration import best_f1_threshold, fast_macro_f1, platt, sigmoid, tune_offsets
from hrp_coding.suggest.explain import ExplainMixin
from hrp_coding.suggest.features import TextFeaturizer, as_turn_frame, lemmas_available
from hrp_coding.suggest.labels import parse_labels
from hrp_coding.suggest.thresholds import CodeThreshold, precision_thresholds

__all__ = ["CodeSuggester", "fast_macro_f1"]


class CodeSuggester(ExplainMixin, ClassifierMixin, BaseEstimator):
    """Suggest codes for turns (or sentences) of interview transcripts; a scikit-learn classifier.

    Parameters
    ----------
    word_ngrams : (int, int)
        Word n-gram range of the turn's own tokens.
    char_ngrams : (int, int) or None
        Character n-gram range (inside word boundaries) of the turn; None to leave characters out.
    char_min_df : int
        A character n-gram must occur in this many training turns.
    context : int
        How many neighbouring turns before and after to use as separate feature blocks (0: none).
        The input must then be a DataFrame with ``prev1_text``/``next1_text``... columns
        (:func:`~hrp_coding.suggest.features.add_context` builds them).
    context_weights : tuple of float
        Weight of the context blocks at distance 1, 2, 3...
    use_role : bool
        Use the ``role`` (and neighbours' ``prevK_role``) columns when present.
    use_shape : bool
        Use the turn's length (binned) and, when a ``position`` column exists (``add_context`` adds
        it), its position in the interview.
    lemmas : bool or "auto"
        Use lookup lemmas (``spacy-lookups-data``); "auto" uses them when installed.
    C : float
        Inverse regularisation of the linear SVM.
    class_weight : "balanced" or None
    cv : int
        Folds of the inner cross-validation for calibration, offsets and thresholds (grouped by
        ``groups`` when given to :meth:`fit`). Fewer folds are used when a code is too rare; with fewer
        than two examples per code no calibration is possible and ``calibrated_`` is False.
    tune_bias : bool
        Tune per-code decision offsets (single-label: for macro-F1; multi-label: per-code F1) on the
        inner out-of-fold scores.
    target_precision : float
        Precision the per-code suggestion thresholds (``thresholds_``) must reach out of fold.
    store_examples : bool
        Keep the training texts and labels for :meth:`nearest_examples` (they are then also in a
        saved model file: keep such files as private as the transcripts).
    codebook : Codebook or None
        When given, the codebook's definitions, examples and near misses are weighted training rows
        and the codebook-only cold-start score is blended with the model's (see
        :mod:`~hrp_coding.suggest.prior`); every active, codable code becomes a class, coded or not.
    codebook_weight : float
        Sample weight of each codebook row (a coded unit weighs 1).
    prior_weight : "auto" or float in [0, 1]
        Weight of the cold-start score in the blend; "auto" chooses it on the inner out-of-fold
        scores (from 0, the coded data alone, to 1, the codebook alone; see
        :func:`~hrp_coding.suggest.prior.choose_blend`). Without inner folds (too little coding) it is 1.
    min_precision_count : int
        A threshold must rest on at least this many out-of-fold suggestions.
    classifier : "svm" or "logistic"
        Linear SVM (hinge loss, the default: best on large coded sets) or logistic regression (with
        a larger ``C``, e.g. 10: better on a handful of coded interviews plus the codebook).

    Attributes
    ----------
    classes_ : ndarray of str
    multilabel_ : bool
    featurizer_ : TextFeaturizer
    coef_, intercept_ : arrays (n_codes, n_features), (n_codes,)
    calibration_ : array (n_codes, 2), Platt (a, b) per code
    bias_ : array (n_codes,), offsets added to decision scores before predicting
    thresholds_ : dict code -> CodeThreshold
    lemmas_ : bool
    calibrated_ : bool
    prior_ : ColdStartSuggester or None
        The codebook-only scorer blended in (None without ``codebook``).
    prior_weight_ : float
        The blend weight used (0 without ``codebook``).
    sup_calibration_ : array (n_codes, 2)
        With a codebook: Platt (a, b) of the linear scores before blending.
    """

    def __init__(self, *, word_ngrams=(1, 2), char_ngrams=(1, 4), char_min_df=2, context=0,
                 context_weights=(0.7, 0.5, 0.3), use_role=True, use_shape=True, lemmas="auto", C=0.05,
                 class_weight="balanced", cv=3, tune_bias=True, target_precision=0.9, store_examples=True,
                 codebook=None, codebook_weight=1.0, prior_weight="auto", min_precision_count=10,
                 classifier="svm"):
        self._store_params(locals())

    def _store_params(self, params: dict) -> None:
        # scikit-learn's rule: __init__ stores each parameter under its own name and does nothing else
        # (get_params and clone read them back by name); this one loop serves CodeSuggester and its subclasses
        for name, value in params.items():
            if name != "self" and not name.startswith("__"):
                setattr(self, name, value)

    #: parameters a clone shares instead of deep-copying (immutable, or a loaded model); subclasses extend it
    _shared_params: tuple[str, ...] = ("codebook",)

    def __sklearn_clone__(self):
        """Clone as scikit-learn does, sharing the parameters in ``_shared_params`` instead of deep-copying them."""
        from sklearn.base import clone

        params = self.get_params(deep=False)
        shared = {k: params.pop(k) for k in self._shared_params if k in params}
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, **shared)

    # -- fitting ------------------------------------------------------------------------------------
    @staticmethod
    def _checked_groups(groups, n: int):
        """``groups`` as an array of one transcript per text (or None); a length mismatch is a SuggestError."""
        if groups is None:
            return None
        groups = np.asarray(groups)
        if len(groups) != n:
            raise SuggestError(f"got {n} texts but {len(groups)} groups")
        return groups

    def _new_featurizer(self) -> TextFeaturizer:
        """An unfitted featurizer with this model's text settings (lemmas resolved now)."""
        lemmas = lemmas_available() if self.lemmas == "auto" else bool(self.lemmas)
        return TextFeaturizer(word_ngrams=self.word_ngrams, char_ngrams=self.char_ngrams,
                              char_min_df=self.char_min_df, context=self.context,
                              context_weights=self.context_weights, use_role=self.use_role,
                              use_shape=self.use_shape, lemmas=lemmas)

    def _validate_params(self):
        problems = []
        if not (isinstance(self.C, (int, float)) and self.C > 0):
            problems.append(f"C must be a positive number, got {self.C!r}")
        if self.class_weight not in ("balanced", None):
            problems.append(f"class_weight must be 'balanced' or None, got {self.class_weight!r}")
        if not (isinstance(self.cv, int) and self.cv >= 2):
            problems.append(f"cv must be an integer >= 2, got {self.cv!r}")
        if self.lemmas not in (True, False, "auto"):
            problems.append(f"lemmas must be True, False or 'auto', got {self.lemmas!r}")
        if not (isinstance(self.context, int) and self.context >= 0):
            problems.append(f"context must be an integer >= 0, got {self.context!r}")
        if not (isinstance(self.target_precision, (int, float)) and 0 < self.target_precision <= 1):
            problems.append(f"target_precision must be in (0, 1], got {self.target_precision!r}")
        if not (isinstance(self.codebook_weight, (int, float)) and self.codebook_weight >= 0):
            problems.append(f"codebook_weight must be a number >= 0, got {self.codebook_weight!r}")
        if not (self.prior_weight == "auto" or (isinstance(self.prior_weight, (int, float))
                                                and 0 <= self.prior_weight <= 1)):
            problems.append(f"prior_weight must be 'auto' or a number in [0, 1], got {self.prior_weight!r}")
        if not (isinstance(self.min_precision_count, int) and self.min_precision_count >= 1):
            problems.append(f"min_precision_count must be an integer >= 1, got {self.min_precision_count!r}")
        if self.classifier not in ("svm", "logistic"):
            problems.append(f"classifier must be 'svm' or 'logistic', got {self.classifier!r}")
        if problems:
            raise SuggestError("CodeSuggester: " + "; ".join(problems))

    def _new_linear(self):
        if self.classifier == "logistic":
            from sklearn.linear_model import LogisticRegression

            return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=1000)
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0)

    def _linear(self, X, Y, multilabel, weight=None, mask=None):
        """Fit the linear SVMs; returns coef (K, F) and intercept (K,).

        ``weight`` (n,) are sample weights; ``mask`` (n, K) leaves a row out of code k's problem
        (multi-label only; single-label rows are left out where their mask row is all False).
        """
        K = Y.shape[1]
        if not multilabel:
            w = weight
            if mask is not None:  # (no copy of X when every row takes part)
                keep = mask.any(1)
                X, Y = X[keep], Y[keep]
                w = None if weight is None else weight[keep]
            yi = Y.argmax(1)
            present = np.unique(yi)
            if len(present) < 2:  # an inner fold saw one code only: constant scores
                coef = np.zeros((K, X.shape[1]))
                intercept = np.where(np.arange(K) == present[0], 1.0, -1.0)
                return coef, intercept
            svm = self._new_linear().fit(X, yi, sample_weight=w)
            coef = np.zeros((K, X.shape[1]))
            intercept = np.full(K, -1e3)
            if len(present) == 2:
                coef[present[1]], intercept[present[1]] = svm.coef_[0], svm.intercept_[0]
                coef[present[0]], intercept[present[0]] = -svm.coef_[0], -svm.intercept_[0]
            else:
                coef[present], intercept[present] = svm.coef_, svm.intercept_
            return coef, intercept
        coef = np.zeros((K, X.shape[1]))
        intercept = np.zeros(K)
        for k in range(K):
            keep = slice(None) if mask is None else mask[:, k]
            y = Y[keep, k]
            if y.all() or not y.any():
                intercept[k] = 1.0 if y.all() else -1.0
                continue
            w = None if weight is None else weight[keep]
            svm = self._new_linear().fit(X[keep], y, sample_weight=w)
            coef[k], intercept[k] = svm.coef_[0], svm.intercept_[0]
        return coef, intercept

    def _inner_splits(self, Y, groups, multilabel):
        from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold

        n = Y.shape[0]
        counts = Y.sum(0)
        if groups is not None:
            n_groups = len(np.unique(groups))
            k = min(self.cv, n_groups)
            if k < 2:
                return []
            return list(GroupKFold(n_splits=k).split(np.zeros(n), None, groups))
        if not multilabel:
            k = min(self.cv, int(counts.min()))
            if k < 2:
                return []
            return list(StratifiedKFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(n), Y.argmax(1)))
        k = min(self.cv, n)
        if k < 2:
            return []
        return list(KFold(n_splits=k, shuffle=True, random_state=0).split(np.zeros(n)))

    def fit(self, X, y, groups=None, prior_texts=None):
        """Fit on turns ``X`` (texts or a turn table) and ``y`` (one code, or one list of codes, per turn).

        Parameters
        ----------
        X : sequence of str or DataFrame
            The coded units (a turn table with context columns when ``context`` > 0).
        y : sequence
            One code, or one list of codes (possibly empty), per unit.
        groups : array-like, optional
            E.g. the transcript of each unit: makes the inner cross-validation grouped, so that
            calibration and thresholds are not flattered by turns of the same interview.
        prior_texts : sequence of str, optional
            With a codebook: the texts whose words set the codebook prior's word weights, as
            ``ColdStartSuggester(codebook).fit(texts)`` does (no label is read from them); default the
            training texts. :func:`~hrp_coding.suggest.suggest` passes every turn of the project.

        Returns
        -------
        CodeSuggester
            ``self``, fitted.

        Raises
        ------
        SuggestError
            For no turns, labels that do not match the turns, or groups of the wrong length.

        Examples
        --------
        >>> CodeSuggester(cv=2).fit(["Why?", "How?", "You feel sad.", "You are tired."] * 3,
        ...                         ["q", "q", "r", "r"] * 3).classes_.tolist()
        ['q', 'r']
        """
        self._validate_params()
        frame = as_turn_frame(X)
        multilabel, classes, Y = parse_labels(y, len(frame))
        if len(frame) == 0:
            raise SuggestError("cannot fit on zero texts")
        groups = self._checked_groups(groups, len(frame))
        featurizer = self._new_featurizer()
        lemmas = featurizer.lemmas
        n = len(frame)
        prior = None
        if self.codebook is not None:
            from hrp_coding.suggest.coldstart import ColdStartSuggester
            from hrp_coding.suggest.prior import codebook_frame, codebook_targets

            # the codebook's profiles, with word weights from the texts (no label is read)
            prior = ColdStartSuggester(self.codebook, lemmas=lemmas).fit(
                frame["text"].tolist() if prior_texts is None else list(prior_texts))
            extra = [c for c in prior.classes_ if c not in set(classes.tolist())]
            if extra:  # every codable code is a class, coded yet or not
                old = {c: k for k, c in enumerate(classes)}
                classes = np.array(sorted([*classes.tolist(), *extra], key=str), dtype=object)
                Y = np.column_stack([Y[:, old[c]] if c in old else np.zeros(n, bool) for c in classes])
            role = frame["role"].mode().iloc[0] if "role" in frame.columns and frame["role"].notna().any() else None
            cb_frame, cb_codes, cb_kinds = codebook_frame(self.codebook, frame.columns, role=role)
            Yc, Mc = codebook_targets(cb_codes, cb_kinds, classes, multilabel)
            import pandas as pd

            Xall = featurizer.fit_transform(pd.concat([frame, cb_frame], ignore_index=True))
            Xm, Xc = Xall[:n], Xall[n:]
        else:
            Xm = featurizer.fit_transform(frame)
            Xc, Yc, Mc, cb_frame = None, None, None, None
        K = len(classes)

        def train(rows):
            """Linear model on the real rows ``rows`` plus, with a codebook, every codebook row."""
            if Xc is None:
                return self._linear(Xm[rows], Y[rows], multilabel)
            import scipy.sparse as sp

            m = len(np.arange(n)[rows])
            return self._linear(sp.vstack([Xm[rows], Xc], format="csr"), np.vstack([Y[rows], Yc]), multilabel,
                                weight=np.r_[np.ones(m), np.full(len(Yc), float(self.codebook_weight))],
                                mask=np.vstack([np.ones((m, K), bool), Mc]))

        # inner out-of-fold decision scores
        splits = self._inner_splits(Y, groups, multilabel)
        oof = np.zeros((n, K))
        for tr, te in splits:
            c, b = train(tr)
            oof[te] = Xm[te] @ c.T + b
        coef, intercept = train(slice(None))

        calibrated = bool(splits)
        self.prior_ = prior
        self.prior_weight_ = 0.0
        self.sup_calibration_ = np.tile([1.0, 0.0], (K, 1))
        if prior is not None:
            from hrp_coding.suggest.prior import choose_blend

            cold = self._prior_scores(frame, classes)
            if calibrated and self.classifier == "svm":  # logistic scores are log-odds already
                self.sup_calibration_ = np.array([platt(oof[:, k], Y[:, k]) for k in range(K)])
            p_oof = sigmoid(oof, self.sup_calibration_)
            if self.prior_weight == "auto":
                self.prior_weight_ = choose_blend(Y, p_oof, cold) if calibrated else 1.0  # no evidence yet
            else:
                self.prior_weight_ = float(self.prior_weight)
            oof = (1.0 - self.prior_weight_) * p_oof + self.prior_weight_ * cold
        codebook_rows = None if cb_frame is None else (cb_frame, Yc, Mc, float(self.codebook_weight))
        oof = self._fuse_dense(frame, Y, oof, splits, multilabel, codebook_rows)
        if calibrated:
            calibration = np.array([platt(oof[:, k], Y[:, k]) for k in range(K)])
        else:
            calibration = np.tile([1.0, 0.0], (K, 1))
        bias = np.zeros(K)
        decision_threshold = np.full(K, 0.5)
        if calibrated and self.tune_bias:
            if multilabel:
                proba_oof = sigmoid(oof, calibration)
                for k in range(K):
                    decision_threshold[k] = best_f1_threshold(proba_oof[:, k], Y[:, k])
            else:
                bias = tune_offsets(oof, Y.argmax(1))

        self.multilabel_ = multilabel
        self.classes_ = classes
        self.lemmas_ = lemmas
        self.featurizer_ = featurizer
        self.coef_ = coef
        self.intercept_ = intercept
        self.calibration_ = calibration
        self.bias_ = bias
        self.decision_threshold_ = decision_threshold
        self.calibrated_ = calibrated
        if calibrated:
            proba_oof = self._proba_from_scores(oof)
            self.thresholds_ = precision_thresholds(Y, proba_oof, list(classes),
                                                    target_precision=float(self.target_precision),
                                                    min_selected=int(self.min_precision_count), groups=groups)
        else:
            self.thresholds_ = {c: CodeThreshold(str(c), None, float("nan"), 0.0, 0, int(Y[:, k].sum()),
                                                 float(self.target_precision)) for k, c in enumerate(classes)}
        if self.store_examples:
            self.examples_text_ = frame["text"].tolist()
            self.examples_labels_ = [tuple(classes[Y[i]].tolist()) for i in range(len(frame))]
        else:
            self.examples_text_ = None
            self.examples_labels_ = None
        self._example_matrix = None
        return self

    def _fuse_dense(self, frame, Y, oof, splits, multilabel, codebook_rows):
        """Out-of-fold scores with a dense scorer fused in (sentence embeddings; see ``EmbeddingCodeSuggester``).

        The hook runs after the linear scores and the codebook prior are blended and before calibration,
        offsets and thresholds, so these are fitted on the fused scores. ``codebook_rows`` is
        ``(frame, Y, mask, weight)`` of the codebook's rows, or None. None here: ``oof`` unchanged.
        """
        return oof

    def _dense_scores(self, X):
        """The fused dense scorer's scores, added to :meth:`decision_function` (0: none in this model)."""
        return 0.0

    # -- prediction ---------------------------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This CodeSuggester is not fitted yet; call fit(texts, labels) first.")

    def _proba_from_scores(self, scores):
        p = sigmoid(scores, self.calibration_)
        if self.multilabel_:
            return p
        total = p.sum(1, keepdims=True)
        return np.divide(p, total, out=np.full_like(p, 1.0 / p.shape[1]), where=total > 0)

    def _transform(self, X):
        self._check_fitted()
        return self.featurizer_.transform(as_turn_frame(X))

    def _prior_scores(self, X, classes=None) -> np.ndarray:
        """Cold-start scores of the codebook prior in ``classes`` order (0 for codes the codebook lacks)."""
        classes = self.classes_ if classes is None else classes
        texts = as_turn_frame(X)["text"].tolist()
        raw = self.prior_.predict_proba(texts)
        index = {c: i for i, c in enumerate(self.prior_.classes_)}
        out = np.zeros((len(texts), len(classes)))
        for k, c in enumerate(classes):
            if c in index:
                out[:, k] = raw[:, index[c]]
        return out

    def _linear_scores(self, X) -> np.ndarray:
        return np.asarray(self._transform(X) @ self.coef_.T + self.intercept_)

    def decision_function(self, X) -> np.ndarray:
        """Scores before calibration, shape (n_texts, n_codes) (offsets ``bias_`` not added).

        Without a codebook: the linear scores. With one: the blend of the linear model's probability
        and the cold-start score, ``(1 - prior_weight_) * p + prior_weight_ * cold``. A model with a
        dense scorer fused in (:class:`~hrp_coding.suggest.EmbeddingCodeSuggester`) adds its scores.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns to score (texts or a turn table, as for :meth:`fit`).

        Returns
        -------
        ndarray of float
            One score per turn and code.

        Examples
        --------
        >>> scores = _example_model().decision_function(["we sat with him", "the rent is due"])
        >>> scores.shape, bool(scores[0, 0] > scores[0, 1])
        ((2, 2), True)
        """
        scores = self._linear_scores(X)
        if getattr(self, "prior_", None) is not None:
            p = sigmoid(scores, self.sup_calibration_)
            scores = (1.0 - self.prior_weight_) * p + self.prior_weight_ * self._prior_scores(X)
        return scores + self._dense_scores(X)

    def ranking_scores(self, X) -> np.ndarray:
        """Scores that order the codes of a text (what :func:`~hrp_coding.suggest.suggest` ranks by).

        The decision scores plus the offsets ``bias_``. Per-code calibration (``predict_proba``) keeps
        each code's confidence honest but, fitted on few coded units, can reorder codes against each
        other; the order of suggestions therefore comes from the scores before calibration.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns whose codes are ranked (as for :meth:`fit`).

        Returns
        -------
        ndarray, shape (n_texts, n_codes)
            One score per turn and code; within a turn, a higher score ranks its code first (scores of
            different turns are not comparable).

        Examples
        --------
        >>> _example_model().ranking_scores(["the rent is due"]).argmax(axis=1).tolist()
        [1]
        """
        return self.decision_function(X) + self.bias_

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated confidence of each code, shape (n_texts, n_codes), columns in ``classes_`` order.

        Single-label: rows sum to 1. Multi-label: one independent probability per code.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns to give confidences for (as for :meth:`fit`).

        Returns
        -------
        ndarray of float
            Probabilities in [0, 1].

        Examples
        --------
        >>> proba = _example_model().predict_proba(["we sat with him"])
        >>> proba.shape, round(float(proba.sum()), 6)
        ((1, 2), 1.0)
        """
        return self._proba_from_scores(self.decision_function(X))

    def predict(self, X):
        """Single-label: an array of codes. Multi-label: a list with one list of codes per text.

        Parameters
        ----------
        X : sequence of str or pandas.DataFrame
            The turns to code (as for :meth:`fit`).

        Returns
        -------
        ndarray of str or list of list of str
            The predicted code of each turn, or (multi-label) the codes whose probability reaches
            ``decision_threshold_``.

        Examples
        --------
        >>> _example_model().predict(["we sat with him", "the rent is due"]).tolist()
        ['holding', 'money']
        """
        scores = self.decision_function(X)
        if not self.multilabel_:
            return self.classes_[(scores + self.bias_).argmax(1)]
        proba = self._proba_from_scores(scores)
        chosen = proba >= self.decision_threshold_
        return [self.classes_[row].tolist() for row in chosen]


def _example_model() -> CodeSuggester:
    """A suggester fitted on eight short turns of two codes (``holding``, ``money``), for the examples."""
    texts = ["we sat with her all night", "I held her hand", "we stayed with him", "she held on to me",
             "the rent went up again", "I could not pay the rent", "money was tight", "wages were late"]
    return CodeSuggester(cv=2, char_ngrams=None).fit(texts, ["holding"] * 4 + ["money"] * 4)
