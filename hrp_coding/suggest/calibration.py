"""Calibration and decision tuning on out-of-fold scores: Platt sigmoids, per-code offsets, F1 thresholds.

:class:`~hrp_coding.suggest.estimator.CodeSuggester` computes decision scores by an inner
cross-validation on its training data; the functions here turn those scores into calibrated
probabilities (:func:`platt`, :func:`sigmoid`) and tune how codes are chosen from them
(:func:`tune_offsets` for single-label macro-F1, :func:`best_f1_threshold` per code for multi-label).
They are pure numpy and never see data the model is later evaluated on.

Examples
--------
>>> import numpy as np
>>> a, b = platt(np.array([-2.0, -1.0, 1.0, 2.0]), np.array([False, False, True, True]))
>>> bool(a > 0)
True
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit

__all__ = ["best_f1_threshold", "fast_macro_f1", "platt", "sigmoid", "tune_offsets"]


def fast_macro_f1(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> float:
    """Macro-F1 over class indices ``0..n_classes-1`` (numpy; classes absent from both count as F1 0).

    Parameters
    ----------
    y_true, y_pred : ndarray of int (n,)
        True and predicted class indices.
    n_classes : int
        Number of classes averaged over.

    Returns
    -------
    float

    Examples
    --------
    >>> float(fast_macro_f1(np.array([0, 1, 1]), np.array([0, 1, 0]), 2))
    0.6666666666666666
    """
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    inside_t, inside_p = (y_true >= 0) & (y_true < n_classes), (y_pred >= 0) & (y_pred < n_classes)
    t = np.bincount(y_true[inside_t], minlength=n_classes)
    p = np.bincount(y_pred[inside_p], minlength=n_classes)
    tp = np.bincount(y_true[inside_t & (y_true == y_pred)], minlength=n_classes)
    denom = t + p
    f = np.zeros(n_classes)
    np.divide(2 * tp, denom, out=f, where=denom > 0)
    return float(f.mean())


def platt(scores: np.ndarray, y: np.ndarray) -> tuple[float, float]:
    """Fit p = sigmoid(a * s + b) (Platt scaling with Platt's target smoothing).

    Parameters
    ----------
    scores : ndarray (n,)
        Out-of-fold scores of one code.
    y : ndarray of bool (n,)
        Whether each row carries the code.

    Returns
    -------
    (float, float)
        ``(a, b)``; with only positives or only negatives ``a`` is 0 and ``b`` the smoothed log-odds.

    Examples
    --------
    >>> a, b = platt(np.array([0.0, 0.0]), np.array([True, True]))
    >>> (a, round(b, 3))
    (0.0, 1.099)
    """
    n_pos, n = int(y.sum()), len(y)
    if n_pos == 0 or n_pos == n:
        prior = (n_pos + 1.0) / (n + 2.0)
        return 0.0, float(np.log(prior / (1 - prior)))
    t = np.where(y, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n - n_pos + 2.0))
    s = np.asarray(scores, dtype=np.float64)
    peak = float(np.abs(s).max())
    scale = peak if peak >= 30 else 1.0  # as scikit-learn: large scores are rescaled
    s = s / scale

    def loss_and_gradient(ab):
        z = ab[0] * s + ab[1]
        g = expit(z) - t
        return float(np.sum(np.logaddexp(0.0, z) - t * z)), np.array([g @ s, g.sum()])

    # L-BFGS on the smoothed cross-entropy, as scikit-learn's sigmoid calibration fits it. Plain Newton
    # steps overshoot when the scores bunch near zero with a long tail (most units far from a code): on
    # the sample study they swung back and forth and ended at slopes of 1e10, every probability 0 or 1.
    start = np.array([0.0, np.log((n_pos + 1.0) / (n - n_pos + 1.0))])
    fit = minimize(loss_and_gradient, start, jac=True, method="L-BFGS-B",
                   options={"gtol": 1e-6, "ftol": 64 * np.finfo(float).eps})
    return float(fit.x[0] / scale), float(fit.x[1])


def sigmoid(scores: np.ndarray, calibration: np.ndarray) -> np.ndarray:
    """Apply per-code Platt parameters: ``1 / (1 + exp(-(a_k * s + b_k)))`` column by column.

    Parameters
    ----------
    scores : ndarray (n, K)
        Decision scores.
    calibration : ndarray (K, 2)
        ``(a, b)`` per code, as :func:`platt` returns them.

    Returns
    -------
    ndarray (n, K)
        Probabilities in (0, 1).

    Examples
    --------
    >>> sigmoid(np.array([[0.0, 1.0]]), np.array([[1.0, 0.0], [2.0, -2.0]])).tolist()
    [[0.5, 0.5]]
    """
    z = np.clip(scores * calibration[:, 0] + calibration[:, 1], -35, 35)
    return 1.0 / (1.0 + np.exp(-z))


def tune_offsets(scores: np.ndarray, yi: np.ndarray, rounds: int = 2) -> np.ndarray:
    """Per-code offsets added to ``scores`` that maximise macro-F1 of the arg-max (coordinate search).

    Parameters
    ----------
    scores : ndarray (n, K)
        Out-of-fold scores.
    yi : ndarray (n,)
        True class index of each row.
    rounds : int
        Passes over the codes; stops early when a pass improves nothing.

    Returns
    -------
    ndarray (K,)
        Offsets from a grid on [-0.6, 0.6]; zeros when no offset improves macro-F1.

    Examples
    --------
    >>> s = np.array([[0.6, 0.4], [0.55, 0.45], [0.2, 0.8]])
    >>> b = tune_offsets(s, np.array([0, 1, 1]))
    >>> ((s + b).argmax(1)).tolist()
    [0, 1, 1]
    """
    grid = np.linspace(-0.6, 0.6, 25)
    K = scores.shape[1]
    bias = np.zeros(K)
    best = fast_macro_f1(yi, scores.argmax(1), K)
    rows = np.arange(len(scores))
    for _ in range(rounds):
        improved = False
        for k in range(K):
            # only code k's offset varies: the arg-max of (scores + trial) is k where its shifted score beats
            # the best other code's (ties to the lower index, as argmax), else that other code
            others = scores + bias
            others[:, k] = -np.inf
            other = others.argmax(1)
            other_max = others[rows, other]
            lower = k < other
            for v in grid:
                trial = bias.copy()
                trial[k] = v
                mine = scores[:, k] + v
                pred = np.where((mine > other_max) | ((mine == other_max) & lower), k, other)
                f = fast_macro_f1(yi, pred, K)
                if f > best + 1e-9:
                    best, bias, improved = f, trial, True
        if not improved:
            break
    return bias


def best_f1_threshold(p: np.ndarray, y: np.ndarray) -> float:
    """The probability threshold (grid 0.05..0.95) that maximises one code's F1.

    Parameters
    ----------
    p : ndarray (n,)
        Calibrated probabilities of the code.
    y : ndarray of bool (n,)
        Whether each row carries the code.

    Returns
    -------
    float
        The threshold (0.5 when nothing is better).

    Examples
    --------
    >>> round(best_f1_threshold(np.array([0.1, 0.3, 0.35, 0.9]), np.array([False, True, True, True])), 2)
    0.15
    """
    best_t, best_f = 0.5, -1.0
    for t in np.linspace(0.05, 0.95, 19):
        pred = p >= t
        tp = np.sum(pred & y)
        denom = pred.sum() + y.sum()
        f = 2 * tp / denom if denom else 0.0
        if f > best_f + 1e-12:
            best_t, best_f = float(t), f
    return best_t
