"""Confidence intervals for proportions: the one place the package computes them, through statsmodels.

Wilson's score interval for one proportion (suggestion thresholds, prevalence) and Newcombe's hybrid score
interval for the difference of two independent proportions (original versus replication sample). Both are
:mod:`statsmodels.stats.proportion` (imported on first use); this module only fixes the conventions the
package relies on: ``confidence`` rather than ``alpha``, plain floats, and what an empty sample gives.
It imports nothing from the rest of the package, so every layer may use it.

Examples
--------
>>> tuple(round(v, 4) for v in wilson_interval(9, 10))
(0.5958, 0.9821)
>>> tuple(round(v, 4) for v in newcombe_interval(48, 80, 56, 70))
(0.0524, 0.3339)
"""

from __future__ import annotations

import math

__all__ = ["newcombe_interval", "wilson_interval", "wilson_intervals"]


def wilson_interval(k: float, n: float, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson's (1927) score interval of the proportion ``k / n``.

    Parameters
    ----------
    k : int or float
        Successes (0 <= k <= n); effective counts (divided by a design effect) may be fractional.
    n : int or float
        Trials.
    confidence : float, default 0.95
        Two-sided level.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(0.0, 1.0)`` when ``n`` is 0 (no data: any proportion).

    Examples
    --------
    Three correct out of three is not yet evidence of a precision above 0.44:

    >>> round(wilson_interval(3, 3)[0], 3)
    0.439
    >>> wilson_interval(0, 0)
    (0.0, 1.0)
    """
    if n == 0:
        return (0.0, 1.0)
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(k, n, alpha=1 - confidence, method="wilson")
    return (float(low), float(high))


def wilson_intervals(k, n, confidence: float = 0.95):
    """:func:`wilson_interval` for arrays of counts at once (one statsmodels call).

    Parameters
    ----------
    k, n : array-like of int or float
        Successes and trials, element by element (effective counts may be fractional).
    confidence : float, default 0.95
        Two-sided level.

    Returns
    -------
    tuple of ndarray
        ``(low, high)``; 0 and 1 where ``n`` is 0.

    Examples
    --------
    >>> low, high = wilson_intervals([9, 3, 0], [10, 3, 0])
    >>> [round(float(v), 4) for v in low], [round(float(v), 4) for v in high]
    ([0.5958, 0.4385, 0.0], [0.9821, 1.0, 1.0])
    """
    import numpy as np
    from statsmodels.stats.proportion import proportion_confint

    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    empty = n == 0
    with np.errstate(all="ignore"):
        low, high = proportion_confint(k, np.where(empty, 1.0, n), alpha=1 - confidence, method="wilson")
    return np.where(empty, 0.0, low), np.where(empty, 1.0, high)


def newcombe_interval(k_a: int, n_a: int, k_b: int, n_b: int, confidence: float = 0.95) -> tuple[float, float]:
    """Newcombe's (1998, method 10) hybrid Wilson score interval for the difference ``k_b/n_b - k_a/n_a``.

    Parameters
    ----------
    k_a, n_a : int
        Successes and trials of the first sample.
    k_b, n_b : int
        Successes and trials of the second sample.
    confidence : float, default 0.95
        Two-sided level.

    Returns
    -------
    tuple of float
        ``(low, high)`` for ``p_b - p_a``; ``(nan, nan)`` when either sample is empty (its proportion is
        undefined, and so is the difference).

    Examples
    --------
    Newcombe (1998), Statistics in Medicine 17, Table II, example (a): 56/70 versus 48/80 gives
    0.0524 to 0.3339 for the difference 0.2.

    >>> lo, hi = newcombe_interval(48, 80, 56, 70)
    >>> round(lo, 4), round(hi, 4)
    (0.0524, 0.3339)
    >>> newcombe_interval(0, 0, 3, 5)
    (nan, nan)
    """
    if n_a == 0 or n_b == 0:
        return (math.nan, math.nan)
    from statsmodels.stats.proportion import confint_proportions_2indep

    low, high = confint_proportions_2indep(k_b, n_b, k_a, n_a, method="newcomb", compare="diff",
                                           alpha=1 - confidence)
    return (float(low), float(high))
