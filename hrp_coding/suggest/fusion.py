"""Late fusion of sentence embeddings: a class-balanced ridge on the dense vectors, added to the linear scores.

:class:`~hrp_coding.suggest.NestedCodeSuggester` with an embedder keeps its linear SVM on the sparse
blocks (words, characters, neighbouring turns, role, shape) and learns a second, dense scorer beside
it: a ridge regression of the codes (targets +1/-1, rows weighted so that every code weighs the
same, as ``class_weight="balanced"`` does) on the sentence vectors of the turn and, optionally, of
its neighbours. The fused score of a code is ``svm + weight * ridge``; the penalty and the weight are
chosen on the same inner folds as the SVM's settings, by the macro-F1 of the fused out-of-fold
scores, weight 0 (no embeddings) first so that a tie keeps the model without them.

Why not one more block in the SVM: a dense 384-column block doubles the stored non-zeros of the
feature matrix and the linear SVM's passes over it (on AnnoMI, fits 1.6 to 1.9 times slower) for a
smaller gain than this fusion (see docs/suggest.md).

Examples
--------
>>> rng = np.random.default_rng(0)
>>> E = rng.normal(size=(60, 4))
>>> yi = (E[:, 0] > 0).astype(int)
>>> coef, intercept = balanced_ridge(E, yi, 2, penalty=1.0)
>>> bool(((E @ coef + intercept).argmax(1) == yi).mean() > 0.9)
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.calibration import fast_macro_f1
from hrp_coding.suggest.features import as_turn_frame

__all__ = ["FusedEmbeddings", "FusionChoice", "balanced_ridge", "choose_fusion", "choose_weight", "code_ridge",
           "dense_vectors"]


def dense_vectors(embedder, X, context: Sequence[str] = ()) -> np.ndarray:
    """The sentence vectors of each turn and of its neighbours, side by side: ``(n, dim * (1 + len(context)))``.

    Parameters
    ----------
    embedder : SentenceEmbedder
        Or anything with ``encode(texts) -> ndarray (n, dim)``.
    X : sequence of str or DataFrame
        Turns (see :func:`~hrp_coding.suggest.features.as_turn_frame`).
    context : sequence of str
        Neighbouring turns to add, as the turn table names them: ``"prev1"``, ``"next1"``, ``"prev2"``...
        A turn without that neighbour (the first of an interview, or plain texts) gets a zero vector.

    Returns
    -------
    ndarray of float64

    Examples
    --------
    >>> class Length:
    ...     def encode(self, texts):
    ...         return np.array([[len(t), 1.0] for t in texts])
    >>> import pandas as pd
    >>> turns = pd.DataFrame({"text": ["Hi.", "How are you?"], "prev1_text": ["", "Hi."]})
    >>> dense_vectors(Length(), turns, context=["prev1"]).tolist()
    [[3.0, 1.0, 0.0, 0.0], [12.0, 1.0, 3.0, 1.0]]
    """
    frame = as_turn_frame(X)
    columns = [frame["text"].astype(str).tolist()]
    for name in context:
        col = f"{name}_text"
        columns.append(frame[col].fillna("").astype(str).tolist() if col in frame.columns else [""] * len(frame))
    distinct = list(dict.fromkeys(t for col in columns for t in col if t.strip()))
    vectors = np.asarray(embedder.encode(distinct), dtype=np.float64) if distinct else None
    dim = vectors.shape[1] if vectors is not None else int(np.asarray(embedder.encode(["."])).shape[1])
    row = {t: i for i, t in enumerate(distinct)}
    out = np.zeros((len(frame), dim * len(columns)))
    for c, col in enumerate(columns):
        idx = np.array([row.get(t, -1) for t in col], dtype=int)
        have = idx >= 0
        out[have, c * dim:(c + 1) * dim] = vectors[idx[have]]
    return out


def _row_weights(yi: np.ndarray, K: int) -> np.ndarray:
    """Per-row weights that make every code weigh the same: scikit-learn's ``class_weight="balanced"``."""
    counts = np.bincount(yi, minlength=K)
    return (len(yi) / (K * np.maximum(counts, 1)))[yi]


class _WeightedGram:
    """The weighted normal equations of ``[E, 1]`` for targets ``T``, built once and solved for any penalty.

    Hand-written rather than scikit-learn's ``Ridge`` because the search solves the same rows for
    several penalties: one Gram per inner fold serves them all (``Ridge`` rebuilds it each fit).
    The intercept column is not penalised, as in ``Ridge(fit_intercept=True)``.
    """

    def __init__(self, E: np.ndarray, T: np.ndarray, w: np.ndarray):
        E1 = np.hstack([E, np.ones((len(E), 1))])
        Ew = E1 * w[:, None]
        self.G, self.b = Ew.T @ E1, Ew.T @ T

    @classmethod
    def balanced(cls, E: np.ndarray, yi: np.ndarray, K: int) -> _WeightedGram:
        """One code per row: one-vs-rest targets +1/-1, rows weighted so that every code weighs the same."""
        return cls(E, np.where(np.eye(K, dtype=bool)[yi], 1.0, -1.0), _row_weights(yi, K))

    def solve(self, penalty: float) -> tuple[np.ndarray, np.ndarray]:
        pen = np.full(len(self.G), float(penalty))
        pen[-1] = 0.0
        W = np.linalg.solve(self.G + np.diag(pen), self.b)
        return W[:-1], W[-1]


def balanced_ridge(E, yi, K: int, penalty: float) -> tuple[np.ndarray, np.ndarray]:
    """A class-balanced ridge regression of one-vs-rest targets (+1/-1) on dense vectors.

    Minimises ``sum_i w_i ||t_i - E_i W - b||^2 + penalty ||W||^2`` with ``w_i`` the balanced weight
    of row ``i``'s code (the intercept ``b`` unpenalised), as
    ``Ridge(alpha=penalty).fit(E, T, sample_weight=w)`` does.

    Parameters
    ----------
    E : ndarray (n, d)
        Dense vectors.
    yi : ndarray of int (n,)
        The code index of each row, in ``range(K)``.
    K : int
        Number of codes.
    penalty : float
        The ridge penalty (> 0).

    Returns
    -------
    coef : ndarray (d, K)
    intercept : ndarray (K,)

    Examples
    --------
    >>> E = np.array([[1.0, 0.0], [0.9, 0.1], [0.0, 1.0], [0.1, 0.9]])
    >>> coef, b = balanced_ridge(E, np.array([0, 0, 1, 1]), 2, penalty=0.1)
    >>> (E @ coef + b).argmax(1).tolist()
    [0, 0, 1, 1]
    """
    return _WeightedGram.balanced(np.asarray(E, dtype=np.float64), np.asarray(yi), K).solve(penalty)


@dataclass(frozen=True)
class FusionChoice:
    """What :func:`choose_fusion` chose: the ridge penalty and the weight of its scores, and the fused scores.

    Attributes
    ----------
    penalty, weight : float
        The ridge penalty and the weight of the ridge scores (0: the embeddings left out).
    scores : ndarray (n, K)
        The fused out-of-fold scores ``svm + weight * ridge``.
    search : list of dict
        Every ``(penalty, weight)`` tried with its inner macro-F1 (plain argmax).
    """

    penalty: float
    weight: float
    scores: np.ndarray
    search: list


def choose_fusion(svm_scores, E, yi, K: int, splits, penalties=(1.0, 10.0),
                  weights=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0)) -> FusionChoice:
    """Choose the ridge penalty and the weight of the ridge scores by the macro-F1 of the fused out-of-fold scores.

    Parameters
    ----------
    svm_scores : ndarray (n, K)
        The linear model's out-of-fold scores on ``splits``.
    E : ndarray (n, d)
        The rows' dense vectors.
    yi : ndarray of int (n,)
        The code index of each row.
    K : int
        Number of codes.
    splits : list of (train, test) index arrays
        The inner folds that gave ``svm_scores`` (every row is in exactly one test part).
    penalties, weights : sequence of float
        Ridge penalties (> 0) and fusion weights (>= 0) to try; weight 0 is tried first whatever
        the order, so that a tie keeps the model without embeddings.

    Returns
    -------
    FusionChoice

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> yi = np.arange(40) % 2
    >>> E = np.c_[yi + rng.normal(0, 0.1, 40), rng.normal(size=40)]   # the vectors know the code
    >>> svm = rng.normal(size=(40, 2))                                # the sparse model does not
    >>> splits = [(np.arange(20, 40), np.arange(20)), (np.arange(20), np.arange(20, 40))]
    >>> choice = choose_fusion(svm, E, yi, 2, splits)
    >>> choice.weight > 0, fast_macro_f1(yi, choice.scores.argmax(1), 2) > 0.9
    (True, True)
    """
    if not penalties or any(not (isinstance(p, (int, float)) and p > 0) for p in penalties):
        raise SuggestError(f"embedding_penalties must be positive numbers, got {tuple(penalties)!r}")
    _check_weights(weights)
    svm_scores, E, yi = np.asarray(svm_scores, dtype=np.float64), np.asarray(E, dtype=np.float64), np.asarray(yi)
    ridge = {p: np.zeros_like(svm_scores) for p in penalties}
    for tr, te in splits:
        gram = _WeightedGram.balanced(E[tr], yi[tr], K)
        for p in penalties:
            coef, intercept = gram.solve(p)
            ridge[p][te] = E[te] @ coef + intercept
    Y = np.eye(K, dtype=bool)[yi]
    best, search = None, []
    for p in penalties:  # each penalty's best weight; a later penalty must beat the earlier ones
        a, tried = choose_weight(svm_scores, ridge[p], Y, False, weights)
        search += [{"penalty": float(p), **row} for row in tried]
        f1 = next(row["inner_macro_f1"] for row in tried if row["weight"] == a)
        if best is None or f1 > best[0] + 1e-9:
            best = (f1, float(p), a)
    _, p, a = best
    return FusionChoice(penalty=p, weight=a, scores=svm_scores + a * ridge[p], search=search)


def code_ridge(E, Y, mask=None, penalty: float = 10.0, row_weight=None) -> tuple[np.ndarray, np.ndarray]:
    """One ridge per code, of its presence (+1) or absence (-1) on dense vectors: what code lists need.

    Unlike :func:`balanced_ridge` (one code per row, every code weighing the same), each code here is
    its own problem: rows weighted so that its positives and negatives weigh the same, times
    ``row_weight``; a row whose ``mask`` is False for a code is left out of that code's problem (a
    codebook near miss says nothing about the other codes).

    Parameters
    ----------
    E : ndarray (n, d)
        Dense vectors.
    Y : ndarray of bool (n, K)
        Whether each row carries each code.
    mask : ndarray of bool (n, K), optional
        The cells that take part (default all).
    penalty : float
        The ridge penalty (> 0); the intercept is not penalised.
    row_weight : ndarray (n,), optional
        A weight per row (e.g. the codebook rows' weight); default 1.

    Returns
    -------
    coef : ndarray (d, K)
    intercept : ndarray (K,)

    Examples
    --------
    >>> E = np.array([[1.0, 0.0], [0.9, 0.2], [0.0, 1.0], [0.1, 0.8]])
    >>> Y = np.array([[True, False], [True, False], [False, True], [False, True]])
    >>> coef, b = code_ridge(E, Y, penalty=0.01)
    >>> ((E @ coef + b) > 0).tolist() == Y.tolist()
    True
    >>> float(code_ridge(E, Y, mask=np.array([[True, False]] * 4))[1][1])   # code 1 has no row: constant -1
    -1.0
    """
    if not (isinstance(penalty, (int, float)) and penalty > 0):
        raise SuggestError(f"embedding_penalty must be a positive number, got {penalty!r}")
    E, Y = np.asarray(E, dtype=np.float64), np.asarray(Y, dtype=bool)
    n, K = Y.shape
    mask = np.ones((n, K), dtype=bool) if mask is None else np.asarray(mask, dtype=bool)
    row_weight = np.ones(n) if row_weight is None else np.asarray(row_weight, dtype=np.float64)
    coef, intercept = np.zeros((E.shape[1], K)), np.zeros(K)
    for k in range(K):
        m = mask[:, k]
        y = Y[m, k]
        if not y.any() or y.all():  # one side only: a constant score of that side
            intercept[k] = 1.0 if y.all() and y.size else -1.0
            continue
        w = np.where(y, y.size / (2 * y.sum()), y.size / (2 * (~y).sum())) * row_weight[m]
        c, b = _WeightedGram(E[m], np.where(y, 1.0, -1.0), w).solve(penalty)
        coef[:, k], intercept[k] = c, b
    return coef, intercept


def choose_weight(scores, dense, Y, multilabel: bool, weights) -> tuple[float, list]:
    """The weight of the dense scores that ranks the out-of-fold codes best: ``(weight, search)``.

    Code lists: by hit@1 over the rows that carry a code (the top suggestion is one of their codes),
    ties by hit@3, then the smaller weight; one code per row: by macro-F1 of the argmax. Weight 0 (the
    dense scores left out) is tried first, so a tie keeps the model without them.

    Parameters
    ----------
    scores, dense : ndarray (n, K)
        The model's out-of-fold scores and the dense scorer's.
    Y : ndarray of bool (n, K)
        The codes of each row.
    multilabel : bool
        Whether rows carry code lists.
    weights : sequence of float
        The weights to try (>= 0).

    Returns
    -------
    tuple of (float, list of dict)
        The chosen weight, and every weight tried with its figures.

    Examples
    --------
    >>> Y = np.eye(2, dtype=bool)[[0, 1, 0, 1]]
    >>> scores = np.zeros((4, 2))                      # the model cannot tell the codes apart
    >>> dense = np.where(Y, 1.0, -1.0)                 # the dense scorer can
    >>> choose_weight(scores, dense, Y, True, (0.0, 0.5))[0]
    0.5
    """
    _check_weights(weights)
    Y = np.asarray(Y, dtype=bool)
    coded = Y.any(1)
    K = Y.shape[1]
    best, search = None, []
    for a in [0.0] + [float(a) for a in weights if a != 0]:
        fused = scores + a * dense
        if multilabel:
            top = np.argsort(-fused[coded], axis=1, kind="stable")[:, :3]
            hit = np.take_along_axis(Y[coded], top, axis=1)
            key = (float(hit[:, 0].mean()) if coded.any() else 0.0, float(hit.any(1).mean()) if coded.any() else 0.0)
            search.append({"weight": a, "hit_at_1": key[0], "hit_at_3": key[1]})
        else:
            key = (fast_macro_f1(Y.argmax(1), fused.argmax(1), K),)
            search.append({"weight": a, "inner_macro_f1": key[0]})
        if best is None or _better(key, best[0]):
            best = (key, a)
    return best[1], search


def _check_weights(weights) -> None:
    if any(not (isinstance(a, (int, float)) and a >= 0) for a in weights):
        raise SuggestError(f"embedding_weights must be numbers >= 0, got {tuple(weights)!r}")


def _better(key, than) -> bool:
    """Whether figures ``key`` beat ``than`` in order, each by more than rounding (1e-9)."""
    for x, y in zip(key, than):
        if abs(x - y) > 1e-9:
            return x > y
    return False


class FusedEmbeddings:
    """What a suggester with a ridge on sentence vectors fused late adds to its scores and evidence (a mixin).

    Mixed into :class:`~hrp_coding.suggest.NestedCodeSuggester` and
    :class:`~hrp_coding.suggest.EmbeddingCodeSuggester`, whose ``fit`` sets ``embedding_coef_`` (codes x
    vector columns, the fusion weight folded in) and ``embedding_intercept_``, or None when the fusion
    left the embeddings out. The vectors are those of the turn and of ``embedding_context`` (the
    neighbouring turns; none when the model has no such parameter).

    Examples
    --------
    >>> class Length:
    ...     def encode(self, texts):
    ...         return np.array([[len(t)] for t in texts], dtype=float)
    >>> fused = FusedEmbeddings()
    >>> fused.embedder, fused.embedding_coef_, fused.embedding_intercept_ = Length(), np.array([[0.5]]), np.zeros(1)
    >>> fused._dense_scores(["four"]).tolist(), fused._dense_evidence(["four"], [0])[0]
    ([[2.0]], 'e:turn')
    """

    def _embedding_vectors(self, X) -> np.ndarray:
        return dense_vectors(self.embedder, X, getattr(self, "embedding_context", ()))

    def _dense_scores(self, X):
        """The ridge's scores, added to the model's decision scores; 0 when the fusion left the embeddings out."""
        if getattr(self, "embedding_coef_", None) is None:
            return 0.0
        return self._embedding_vectors(X) @ self.embedding_coef_.T + self.embedding_intercept_

    def _dense_evidence(self, X, ks):
        """The sentence embeddings' push towards each text's explained code (the ridge's score without its
        intercept), named after the texts it read (``e:turn``, ``e:turn+prev1``); None when left out."""
        if getattr(self, "embedding_coef_", None) is None:
            return None
        share = np.einsum("ij,ij->i", self._embedding_vectors(X), self.embedding_coef_[ks])
        return "e:" + "+".join(("turn", *getattr(self, "embedding_context", ()))), share
