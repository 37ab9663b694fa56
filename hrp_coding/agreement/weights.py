"""Agreement weights (Cohen, Gwet) and Krippendorff's metric differences.

Agreement weights ``w[k, l]`` in [0, 1] (1 = full agreement) follow Gwet (2014, Handbook of Inter-Rater
Reliability, 4th ed., ch. 3) and irrCAC. With numeric categories the category values ``x_k`` are used;
otherwise ``x_k = 1..q`` (the order of ``categories``):

* identity: ``w = 1`` if ``k == l`` else 0
* linear: ``1 - |x_k - x_l| / (x_max - x_min)``
* quadratic: ``1 - (x_k - x_l)^2 / (x_max - x_min)^2``
* ordinal: ``1 - M_kl / max(M)`` with ``M_kl = C(|k - l| + 1, 2)`` (ranks only)
* ratio: ``1 - ((x_k - x_l)/(x_k + x_l))^2 / ((x_max - x_min)/(x_max + x_min))^2``
* a custom q x q matrix.

Krippendorff's squared metric differences ``delta^2[c, k]`` (Krippendorff 2011, "Computing Krippendorff's
alpha-reliability", pp. 5-6), where ``n_g`` are the pairable-value totals of the coincidence matrix:

* nominal: 0 if ``c == k`` else 1
* ordinal: ``(sum_{g=c..k} n_g - (n_c + n_k)/2)^2``
* interval: ``(c - k)^2``
* ratio: ``((c - k)/(c + k))^2``
* custom: a q x q matrix or a callable ``distance(a, b) -> float`` over category labels.

Examples
--------
>>> weight_matrix("linear", [1, 2, 3]).tolist()
[[1.0, 0.5, 0.0], [0.5, 1.0, 0.5], [0.0, 0.5, 1.0]]
>>> metric_distance("interval", [1, 2, 4]).tolist()
[[0.0, 1.0, 9.0], [1.0, 0.0, 4.0], [9.0, 4.0, 0.0]]
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Sequence

import numpy as np

from hrp_coding.errors import AgreementError

__all__ = ["LEVELS", "WEIGHT_KINDS", "metric_distance", "weight_matrix"]

WEIGHT_KINDS = ("identity", "linear", "quadratic", "ordinal", "ratio")
LEVELS = ("nominal", "ordinal", "interval", "ratio")


def _numeric_values(categories: Sequence, *, required_for: str | None = None) -> np.ndarray:
    cats = list(categories)
    if cats and all(isinstance(c, numbers.Number) and not isinstance(c, bool) for c in cats):
        return np.asarray(cats, dtype=np.float64)
    if required_for is not None:
        raise AgreementError(f"{required_for} needs numeric categories, got {cats!r}; use level='ordinal' or "
                             "'nominal', or give numeric labels")
    return np.arange(1, len(cats) + 1, dtype=np.float64)


def _custom_matrix(matrix, q: int, what: str) -> np.ndarray:
    try:
        w = np.array(matrix, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise AgreementError(f"{what} matrix must be numeric: {exc}") from None
    if w.shape != (q, q):
        raise AgreementError(f"{what} matrix must be {q} x {q} (one row and column per category), got shape "
                             f"{w.shape}")
    if not np.all(np.isfinite(w)):
        raise AgreementError(f"{what} matrix has non-finite entries at {np.argwhere(~np.isfinite(w)).tolist()}")
    w.flags.writeable = False
    return w


def weight_name(weights) -> str:
    """The display name of a ``weights`` argument.

    Parameters
    ----------
    weights : None, str or array-like
        As for :func:`weight_matrix`.

    Returns
    -------
    str
        ``"identity"`` for None, the scheme's name for a string, ``"custom"`` for a matrix.

    Examples
    --------
    >>> weight_name(None), weight_name("quadratic"), weight_name([[1, 0], [0, 1]])
    ('identity', 'quadratic', 'custom')
    """
    if weights is None:
        return "identity"
    if isinstance(weights, str):
        return weights
    return "custom"


def weight_matrix(weights, categories: Sequence) -> np.ndarray:
    """Agreement weights, q x q, for a weighting scheme or a custom matrix.

    Parameters
    ----------
    weights : None, str or array-like
        ``None``/``"identity"``, ``"linear"``, ``"quadratic"``, ``"ordinal"``, ``"ratio"`` or a q x q matrix.
    categories : sequence
        The categories, in order.

    Returns
    -------
    ndarray of float
        Read-only, q x q, 1 on the diagonal; raises :class:`~hrp_coding.errors.AgreementError` for an unknown
        scheme or a matrix of the wrong shape or with non-finite entries.

    Examples
    --------
    >>> weight_matrix("quadratic", ["low", "mid", "high"]).tolist()
    [[1.0, 0.75, 0.0], [0.75, 1.0, 0.75], [0.0, 0.75, 1.0]]
    >>> weight_matrix("ordinal", [1, 2, 3]).tolist()
    [[1.0, 0.6666666666666667, 0.0], [0.6666666666666667, 1.0, 0.6666666666666667], [0.0, 0.6666666666666667, 1.0]]
    """
    q = len(categories)
    if weights is None or (isinstance(weights, str) and weights == "identity"):
        return np.eye(q)
    if not isinstance(weights, str):
        w = _custom_matrix(weights, q, "weights")
        bad = np.argwhere((w < 0) | (w > 1))
        if bad.size:
            i, j = bad[0]
            raise AgreementError(f"weights matrix entries must lie in [0, 1] (1 = full agreement); "
                                 f"weights[{i}][{j}] = {w[i, j]!r} for categories ({categories[i]!r}, "
                                 f"{categories[j]!r})")
        return w
    if weights not in WEIGHT_KINDS:
        raise AgreementError(f"weights={weights!r} is not allowed; use None, one of {list(WEIGHT_KINDS)} or a "
                             f"{q} x {q} matrix")
    if q == 1:
        return np.ones((1, 1))
    if weights == "ordinal":
        idx = np.arange(q, dtype=np.float64)
        n = np.abs(idx[:, None] - idx[None, :]) + 1
        m = n * (n - 1) / 2
        return 1 - m / m.max()
    x = _numeric_values(categories)
    diff = x[:, None] - x[None, :]
    span = x.max() - x.min()
    if weights == "linear":
        return 1 - np.abs(diff) / span
    if weights == "quadratic":
        return 1 - (diff / span) ** 2
    # ratio: defined on a ratio scale (a true zero, no negative values); with negative categories x and -x
    # would have (x - (-x)) / (x + (-x)) undefined and used to come out as full agreement
    if np.any(x < 0):
        raise AgreementError(f"ratio weights are undefined for negative categories (a ratio scale has a true zero), "
                             f"got {list(categories)!r}; use 'linear' or 'quadratic' weights for such scales")
    if x.max() + x.min() == 0:
        raise AgreementError(f"ratio weights are undefined for categories {list(categories)!r} "
                             "(x_max + x_min = 0)")
    total = x[:, None] + x[None, :]
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(total != 0, diff / np.where(total != 0, total, 1), 0.0)
    return 1 - r**2 / ((span / (x.max() + x.min())) ** 2)


def metric_distance(level, categories: Sequence, n_values: np.ndarray | None = None) -> np.ndarray:
    """Krippendorff's squared metric differences ``delta^2``, q x q.

    Parameters
    ----------
    level : str, array-like or callable
        ``"nominal"``, ``"ordinal"``, ``"interval"``, ``"ratio"``, a q x q distance matrix, or a callable
        ``distance(a, b)`` over category labels.
    categories : sequence
        Categories in order (ordinal uses the order; interval and ratio use the numeric values).
    n_values : ndarray, optional
        Pairable-value totals ``n_g`` per category (required for ``"ordinal"``).

    Returns
    -------
    ndarray of float
        Read-only, q x q, 0 on the diagonal.

    Examples
    --------
    >>> metric_distance("ordinal", [1, 2, 3], n_values=np.array([2.0, 4.0, 2.0])).tolist()
    [[0.0, 9.0, 36.0], [9.0, 0.0, 9.0], [36.0, 9.0, 0.0]]
    """
    q = len(categories)
    if callable(level) and not isinstance(level, str):
        func: Callable = level
        d = np.empty((q, q))
        for i, a in enumerate(categories):
            for j, b in enumerate(categories):
                try:
                    d[i, j] = float(func(a, b))
                except Exception as exc:
                    raise AgreementError(f"custom distance failed on ({a!r}, {b!r}): {exc}") from exc
        return metric_distance(d, categories)
    if not isinstance(level, str):
        d = _custom_matrix(level, q, "distance")
        if np.any(d < 0):
            i, j = np.argwhere(d < 0)[0]
            raise AgreementError(f"distances must be >= 0; distance[{i}][{j}] = {d[i, j]!r}")
        return d
    if level not in LEVELS:
        raise AgreementError(f"level={level!r} is not allowed; use one of {list(LEVELS)}, a {q} x {q} distance "
                             "matrix or a callable distance(a, b)")
    if level == "nominal":
        return 1.0 - np.eye(q)
    if level == "ordinal":
        if n_values is None:
            raise AgreementError("the ordinal metric needs the pairable-value totals n_values")
        n = np.asarray(n_values, dtype=np.float64)
        cum = np.concatenate([[0.0], np.cumsum(n)])
        i = np.arange(q)
        lo = np.minimum(i[:, None], i[None, :])
        hi = np.maximum(i[:, None], i[None, :])
        between = cum[hi + 1] - cum[lo]
        return (between - (n[lo] + n[hi]) / 2) ** 2
    x = _numeric_values(categories, required_for=f"level={level!r}")
    diff = x[:, None] - x[None, :]
    if level == "interval":
        return diff**2
    total = x[:, None] + x[None, :]
    if np.any(x < 0):
        raise AgreementError(f"level='ratio' needs non-negative categories, got {list(categories)!r}")
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total != 0, diff / np.where(total != 0, total, 1), 0.0) ** 2
