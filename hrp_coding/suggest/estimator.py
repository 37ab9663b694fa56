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

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.features import TextFeaturizer, as_turn_frame, lemmas_available
from hrp_coding.suggest.thresholds import CodeThreshold, precision_thresholds

__all__ = ["CodeSuggester", "fast_macro_f1"]


def fast_macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    """Macro-F1 over class indices ``0..n_classes-1`` (numpy; classes absent from both count as F1 0).

    Examples
    --------
    >>> float(fast_macro_f1(np.array([0, 1, 1]), np.array([0, 1, 0]), 2))
    0.6666666666666666
    """
    f = np.empty(n_classes)
    for k in range(n_classes):
        t, p = y_true == k, y_pred == k
        tp = np.sum(t & p)
        denom = np.sum(t) + np.sum(p)
        f[k] = 2 * tp / denom if denom else 0.0
    return float(f.mean())


def _is_word_feature(name: str) -> bool:
    """A word n-gram of the turn (``w:``) or of a neighbouring turn (``p1:``, ``n2:``...) with a letter in it."""
    block, _, term = name.partition(":")
    lexical = block == "w" or (len(block) > 1 and block[0] in "pn" and block[1:].isdigit())
    return lexical and any(ch.isalpha() for ch in term)


def _is_label_list(v) -> bool:
    return isinstance(v, (list, tuple, set, frozenset))


def _platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * s + b) (Platt scaling with Platt's target smoothing); returns (a, b)."""
    n_pos, n = int(y.sum()), len(y)
    if n_pos == 0 or n_pos == n:
        prior = (n_pos + 1.0) / (n + 2.0)
        return 0.0, float(np.log(prior / (1 - prior)))
    t = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n - n_pos + 2.0))
    a, b = 1.0, float(np.log((n - n_pos + 1.0) / (n_pos + 1.0))) * -1.0
    for _ in range(100):  # Newton's method on the cross-entropy, with a small ridge for stability
        z = np.clip(a * scores + b, -35, 35)
        p = 1.0 / (1.0 + np.exp(-z))
        g = p - t
        w = p * (1 - p) + 1e-12
        grad = np.array([np.dot(g, scores), g.sum()])
        h = np.array([[np.dot(w, scores * scores) + 1e-9, np.dot(w, scores)], [np.dot(w, scores), w.sum() + 1e-9]])
        step = np.linalg.solve(h, grad)
        a, b = a - step[0], b - step[1]
        if np.abs(step).max() < 1e-9:
            break
    return float(a), float(b)


class CodeSuggester(ClassifierMixin, BaseEstimator):
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
        scores (from 0, the coded data alone, to 1, the codebook alone).
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
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.char_min_df = char_min_df
        self.context = context
        self.context_weights = context_weights
        self.use_role = use_role
        self.use_shape = use_shape
        self.lemmas = lemmas
        self.C = C
        self.class_weight = class_weight
        self.cv = cv
        self.tune_bias = tune_bias
        self.target_precision = target_precision
        self.store_examples = store_examples
        self.codebook = codebook
        self.codebook_weight = codebook_weight
        self.prior_weight = prior_weight
        self.min_precision_count = min_precision_count
        self.classifier = classifier

    def __sklearn_clone__(self):
        """Clone as scikit-learn does, sharing the (immutable) codebook instead of deep-copying it."""
        from sklearn.base import clone

        params = self.get_params(deep=False)
        codebook = params.pop("codebook")
        return type(self)(**{k: clone(v, safe=False) for k, v in params.items()}, codebook=codebook)

    # -- fitting ------------------------------------------------------------------------------------
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

    def _labels(self, y, n):
        if isinstance(y, str):
            raise SuggestError("labels must be a sequence (one label or one list of codes per text), got a string")
        y = list(y.tolist() if hasattr(y, "tolist") else y)
        if len(y) != n:
            raise SuggestError(f"got {n} texts but {len(y)} labels")
        multi = [_is_label_list(v) for v in y]
        if any(multi) and not all(multi):
            bad = multi.index(False) if multi[0] else multi.index(True)
            raise SuggestError(
                f"labels mix single codes and code lists (row 0 is {type(y[0]).__name__}, row {bad} is "
                f"{type(y[bad]).__name__}); give one code per text or one list of codes per text"
            )
        if all(multi) and y:
            for i, codes in enumerate(y):
                for c in codes:
                    if not isinstance(c, str):
                        raise SuggestError(f"row {i}: codes must be strings, got {c!r}")
            classes = np.array(sorted({c for codes in y for c in codes}), dtype=object)
            if len(classes) == 0:
                raise SuggestError("no text carries any code: there is nothing to learn from")
            index = {c: i for i, c in enumerate(classes)}
            Y = np.zeros((n, len(classes)), dtype=bool)
            for i, codes in enumerate(y):
                for c in codes:
                    Y[i, index[c]] = True
            return True, classes, Y
        for i, v in enumerate(y):
            if v is None or (isinstance(v, float) and np.isnan(v)):
                raise SuggestError(f"row {i}: missing label ({v!r}); drop the row or give it a code")
        classes = np.array(sorted(set(y), key=str), dtype=object)
        if len(classes) < 2:
            raise SuggestError(f"a classifier needs at least two distinct codes in the labels; got {classes.tolist()}")
        index = {c: i for i, c in enumerate(classes)}
        Y = np.zeros((n, len(classes)), dtype=bool)
        Y[np.arange(n), [index[v] for v in y]] = True
        return False, classes, Y

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
            keep = np.ones(len(Y), bool) if mask is None else mask.any(1)
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

    def fit(self, X, y, groups=None):
        """Fit on turns ``X`` (texts or a turn table) and ``y`` (one code, or one list of codes, per turn).

        ``groups`` (e.g. the transcript of each turn) makes the inner cross-validation grouped, so that
        calibration and thresholds are not flattered by turns of the same interview.
        """
        self._validate_params()
        frame = as_turn_frame(X)
        multilabel, classes, Y = self._labels(y, len(frame))
        if len(frame) == 0:
            raise SuggestError("cannot fit on zero texts")
        if groups is not None:
            groups = np.asarray(groups)
            if len(groups) != len(frame):
                raise SuggestError(f"got {len(frame)} texts but {len(groups)} groups")
        lemmas = lemmas_available() if self.lemmas == "auto" else bool(self.lemmas)
        featurizer = TextFeaturizer(word_ngrams=self.word_ngrams, char_ngrams=self.char_ngrams,
                                    char_min_df=self.char_min_df, context=self.context,
                                    context_weights=self.context_weights, use_role=self.use_role,
                                    use_shape=self.use_shape, lemmas=lemmas)
        n = len(frame)
        prior = None
        if self.codebook is not None:
            from hrp_coding.suggest.coldstart import ColdStartSuggester
            from hrp_coding.suggest.prior import codebook_frame, codebook_targets

            prior = ColdStartSuggester(self.codebook, lemmas=lemmas).fit()  # a function of the codebook alone
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
            Xc, Yc, Mc = None, None, None
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
                self.sup_calibration_ = np.array([_platt(oof[:, k], Y[:, k]) for k in range(K)])
            p_oof = self._sigmoid(oof, self.sup_calibration_)
            if self.prior_weight == "auto":
                self.prior_weight_ = choose_blend(Y, p_oof, cold) if calibrated else 0.5
            else:
                self.prior_weight_ = float(self.prior_weight)
            oof = (1.0 - self.prior_weight_) * p_oof + self.prior_weight_ * cold
        if calibrated:
            calibration = np.array([_platt(oof[:, k], Y[:, k]) for k in range(K)])
        else:
            calibration = np.tile([1.0, 0.0], (K, 1))
        bias = np.zeros(K)
        decision_threshold = np.full(K, 0.5)
        if calibrated and self.tune_bias:
            if multilabel:
                proba_oof = self._sigmoid(oof, calibration)
                for k in range(K):
                    decision_threshold[k] = self._best_f1_threshold(proba_oof[:, k], Y[:, k])
            else:
                bias = self._tune_offsets(oof, Y.argmax(1))

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
                                                    min_selected=int(self.min_precision_count))
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

    @staticmethod
    def _tune_offsets(scores, yi, rounds=2):
        grid = np.linspace(-0.6, 0.6, 25)
        K = scores.shape[1]
        bias = np.zeros(K)
        best = fast_macro_f1(yi, scores.argmax(1), K)
        for _ in range(rounds):
            improved = False
            for k in range(K):
                for v in grid:
                    trial = bias.copy()
                    trial[k] = v
                    f = fast_macro_f1(yi, (scores + trial).argmax(1), K)
                    if f > best + 1e-9:
                        best, bias, improved = f, trial, True
            if not improved:
                break
        return bias

    @staticmethod
    def _best_f1_threshold(p, y):
        best_t, best_f = 0.5, -1.0
        for t in np.linspace(0.05, 0.95, 19):
            pred = p >= t
            tp = np.sum(pred & y)
            denom = pred.sum() + y.sum()
            f = 2 * tp / denom if denom else 0.0
            if f > best_f + 1e-12:
                best_t, best_f = float(t), f
        return best_t

    # -- prediction ---------------------------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            from sklearn.exceptions import NotFittedError

            raise NotFittedError("This CodeSuggester is not fitted yet; call fit(texts, labels) first.")

    @staticmethod
    def _sigmoid(scores, calibration):
        z = np.clip(scores * calibration[:, 0] + calibration[:, 1], -35, 35)
        return 1.0 / (1.0 + np.exp(-z))

    def _proba_from_scores(self, scores):
        p = self._sigmoid(scores, self.calibration_)
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
        and the cold-start score, ``(1 - prior_weight_) * p + prior_weight_ * cold``.
        """
        scores = self._linear_scores(X)
        if getattr(self, "prior_", None) is None:
            return scores
        p = self._sigmoid(scores, self.sup_calibration_)
        return (1.0 - self.prior_weight_) * p + self.prior_weight_ * self._prior_scores(X)

    def ranking_scores(self, X) -> np.ndarray:
        """Scores that order the codes of a text (what :func:`~hrp_coding.suggest.suggest` ranks by).

        The decision scores plus the offsets ``bias_``. Per-code calibration (``predict_proba``) keeps
        each code's confidence honest but, fitted on few coded units, can reorder codes against each
        other; the order of suggestions therefore comes from the scores before calibration.
        """
        return self.decision_function(X) + self.bias_

    def predict_proba(self, X) -> np.ndarray:
        """Calibrated confidence of each code, shape (n_texts, n_codes), columns in ``classes_`` order.

        Single-label: rows sum to 1. Multi-label: one independent probability per code.
        """
        return self._proba_from_scores(self.decision_function(X))

    def predict(self, X):
        """Single-label: an array of codes. Multi-label: a list with one list of codes per text."""
        scores = self.decision_function(X)
        if not self.multilabel_:
            return self.classes_[(scores + self.bias_).argmax(1)]
        proba = self._proba_from_scores(scores)
        chosen = proba >= self.decision_threshold_
        return [self.classes_[row].tolist() for row in chosen]

    # -- explanations -------------------------------------------------------------------------------
    def evidence(self, X, codes: Sequence[str] | None = None, top: int = 5,
                 words_first: bool = True) -> list[list[tuple[str, float]]]:
        """The terms that pushed each text towards a code: ``[(feature, contribution), ...]`` per text.

        ``codes`` gives the code to explain for each text (default: the predicted code, for multi-label
        the most probable code). Feature names carry their block: ``w:`` word n-gram of the turn,
        ``c:`` character n-gram, ``p1:``/``n1:`` words of the previous/next turn, ``r:`` role,
        ``s:`` shape. Only positive contributions (feature value times weight) are listed, largest first.
        With ``words_first`` (the default) words of the turn and its neighbours are listed, since those
        are what a coder can check against the text; other features appear only when no word pushed
        the prediction.
        """
        Xm = self._transform(X)
        scores = self.decision_function(X)
        index = {c: i for i, c in enumerate(self.classes_)}
        if codes is None:
            ks = (scores + self.bias_).argmax(1)
        else:
            codes = list(codes)
            if len(codes) != Xm.shape[0]:
                raise SuggestError(f"evidence: got {Xm.shape[0]} texts but {len(codes)} codes")
            unknown = sorted({c for c in codes if c not in index})
            if unknown:
                raise SuggestError(f"evidence: unknown code(s) {unknown}; the model knows {self.classes_.tolist()}")
            ks = [index[c] for c in codes]
        names = self.featurizer_.feature_names()
        wordy = np.array([_is_word_feature(name) for name in names], dtype=bool)
        out = []
        for i, k in enumerate(ks):
            row = Xm.getrow(i)
            contrib = row.data * self.coef_[k, row.indices]
            order = [j for j in np.argsort(-contrib) if contrib[j] > 0]
            if words_first and any(wordy[row.indices[j]] for j in order):
                order = [j for j in order if wordy[row.indices[j]]]
            out.append([(names[row.indices[j]], float(contrib[j])) for j in order[:top]])
        return out

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
