"""Standard errors and confidence intervals for the reliability coefficients.

* **Gwet's linearisation** (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 5; the R and
  Python irrCAC packages): the coefficient is written as a mean of per-unit terms ``k*_i`` and
  ``var = (1 - f) / (n (n - 1)) * sum_i (k*_i - k)^2`` (``f = 0``: no finite-population correction).
  Used for percent agreement, Scott/Fleiss, Conger, AC1/AC2, Brennan-Prediger and Krippendorff's alpha.
  The CI is ``k +/- t_{n-1} * se`` with the upper end capped at 1, as irrCAC reports it.
* **Fleiss, Cohen & Everitt (1969)** large-sample (non-null) ASE of Cohen's weighted or unweighted kappa
  from the contingency table ``p_kl``::

      var = [sum_kl p_kl (w_kl - (wbar_k. + wbar_.l)(1 - kappa))^2 - (kappa - p_e (1 - kappa))^2]
            / (n (1 - p_e)^2)

  with ``wbar_k. = sum_l p_.l w_kl`` and ``wbar_.l = sum_k p_k. w_kl``; normal CI ``kappa +/- z * se``.
* **Unit-level bootstrap** for any coefficient (:func:`bootstrap_se`): units are resampled with
  replacement (``numpy.random.default_rng(seed)``), the coefficient is recomputed ``n_boot`` times,
  ``se`` is the standard deviation of the replicates and the CI their percentile interval.
* **Krippendorff's bootstrap** for alpha (Krippendorff's "Algorithm for bootstrapping a distribution of
  alpha", used by Hayes' KALPHA macro; Hayes & Krippendorff 2007): see :func:`krippendorff_bootstrap`.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import numpy as np

__all__ = ["bootstrap_se", "krippendorff_bootstrap", "linearised_se", "normal_ci", "resample_units", "t_ci"]


@functools.lru_cache(maxsize=1024)
def _t_quantile(p: float, df: int) -> float:
    from scipy import stats  # scipy ships with scikit-learn; imported only when an SE is computed

    return float(stats.t.ppf(p, df))


def _z_quantile(p: float) -> float:
    from statistics import NormalDist

    return NormalDist().inv_cdf(p)


def t_ci(value: float, se: float, df: int, confidence: float = 0.95) -> tuple[float, float]:
    """``value +/- t_{df} * se``, upper end capped at 1 (irrCAC's convention).

    Parameters
    ----------
    value, se : float
        The estimate and its standard error.
    df : int
        Degrees of freedom of the t quantile (units minus one).
    confidence : float, default 0.95
        The interval's level.

    Returns
    -------
    tuple of (float, float)
        The lower and upper ends.

    Examples
    --------
    >>> low, high = t_ci(0.9, 0.1, df=9)
    >>> round(low, 4), high
    (0.6738, 1.0)
    """
    t = _t_quantile(1 - (1 - confidence) / 2, df)
    return (value - t * se, min(1.0, value + t * se))


def normal_ci(value: float, se: float, confidence: float = 0.95) -> tuple[float, float]:
    """``value +/- z * se``, not capped (SAS ``PROC FREQ`` and statsmodels ``cohens_kappa`` report it so).

    Parameters
    ----------
    value, se : float
        The estimate and its standard error.
    confidence : float, default 0.95
        The interval's level.

    Returns
    -------
    tuple of (float, float)
        The lower and upper ends (the upper may exceed 1).

    Examples
    --------
    >>> [round(x, 4) for x in normal_ci(0.9, 0.1)]
    [0.704, 1.096]
    """
    z = _z_quantile(1 - (1 - confidence) / 2)
    return (value - z * se, value + z * se)


def linearised_se(terms: np.ndarray, center: float, weights: np.ndarray | None = None) -> float | None:
    """Gwet's linearised SE from per-unit terms: ``sqrt(sum_i w_i (k*_i - center)^2 / (n (n - 1)))``.

    ``weights`` are frequency weights (a unit type observed ``w_i`` times); ``n = sum(w)``.
    Returns ``None`` when fewer than two units carry the estimate.

    Parameters
    ----------
    terms : ndarray of float
        The per-unit terms ``k*_i`` of the coefficient.
    center : float
        The estimate they scatter around.
    weights : ndarray of float, optional
        Frequency weights, one per term.

    Returns
    -------
    float or None
        The standard error, None with fewer than two units.

    Examples
    --------
    >>> round(linearised_se(np.array([1.0, 0.0, 1.0, 0.0]), 0.5), 6)
    0.288675
    """
    terms = np.asarray(terms, dtype=np.float64)
    if weights is None:
        n = terms.size
        ss = float(np.sum((terms - center) ** 2))
    else:
        n = float(np.sum(weights))
        ss = float(np.sum(weights * (terms - center) ** 2))
    if n < 2:
        return None
    return math.sqrt(ss / (n * (n - 1)))


def bootstrap_se(func: Callable, ratings, *, n_boot: int = 1000, seed=None, confidence: float = 0.95,
                 **kwargs) -> tuple[float, tuple[float, float], np.ndarray]:
    """Seeded unit-level bootstrap of any coefficient.

    Parameters
    ----------
    func : callable
        A coefficient function of this package (``cohen_kappa``, ``krippendorff_alpha``, ...: resampled inside
        the engine) or any function ``func(ratings, se=None, **kwargs)`` returning a number or a result.
    ratings : anything the coefficient accepts
        Resampled by unit (columns of the coders x units ratings; rows of a count table).
    n_boot : int
        Number of replicates (at least 2).
    seed : int or None
        Seed of ``numpy.random.default_rng``; the same seed gives the same SE.
    **kwargs
        Passed to ``func`` (``categories``, ``weights``, ``level``...).

    Returns
    -------
    se : float
        Standard deviation (ddof=1) of the replicates that are defined.
    ci : tuple of float
        Percentile interval at ``confidence``.
    replicates : ndarray
        The replicate values (NaN where a replicate was undefined, e.g. no pairable unit).

    Examples
    --------
    >>> from hrp_coding.agreement import cohen_kappa
    >>> se, ci, reps = bootstrap_se(cohen_kappa, [[1, 1, 2, 2, 1, 2], [1, 2, 2, 2, 1, 1]], n_boot=200, seed=1)
    >>> reps.shape
    (200,)
    """
    from .ratings import Contingency, as_ratings

    _check_n_boot(n_boot)
    spec = getattr(func, "spec", None)
    if spec is not None:  # one of ours: the engine resamples and recomputes its own point estimate
        from .engine import _bootstrap, encode

        data, from_table = encode(ratings, kwargs.pop("categories", None))
        weights = kwargs.pop("level", None) if spec.chance == "coincidence" else kwargs.pop("weights", None)
        return _bootstrap(spec, data, from_table, weights, n_boot, seed, confidence)
    data = as_ratings(ratings, categories=kwargs.pop("categories", None))
    if isinstance(data, Contingency):
        from .encoded import expand_contingency

        data = expand_contingency(data)
    kwargs = {**kwargs, "se": None}
    return resample_units(lambda sample: float(func(sample, **kwargs)), data, n_boot=n_boot, seed=seed,
                          confidence=confidence)


def _check_n_boot(n_boot) -> None:
    if not isinstance(n_boot, (int, np.integer)) or n_boot < 2:
        from hrp_coding.errors import AgreementError

        raise AgreementError(f"n_boot must be an integer >= 2, got {n_boot!r}")


def _percentile_summary(reps: np.ndarray, confidence: float) -> tuple[float, tuple[float, float]]:
    tail = (1 - confidence) / 2
    lo, hi = np.quantile(reps, [tail, 1 - tail])
    return float(np.std(reps, ddof=1)), (float(lo), float(hi))


def resample_units(statistic: Callable, data, *, n_boot: int, seed=None,
                   confidence: float = 0.95) -> tuple[float, tuple[float, float], np.ndarray]:
    """The seeded unit bootstrap every coefficient shares: resample units, recompute, summarise.

    Parameters
    ----------
    statistic : callable
        ``statistic(sample) -> float`` on a resampled :class:`~hrp_coding.agreement.ratings.Ratings` or
        :class:`~hrp_coding.agreement.ratings.RatingCounts`; an ``AgreementError`` makes that replicate NaN.
    data : Ratings or RatingCounts
        Encoded ratings; ``data.take(idx)`` gives the sample (units drawn with replacement).
    n_boot : int
        Number of replicates (at least 2).
    seed : int or None
        Seed of ``numpy.random.default_rng``.
    confidence : float
        Level of the percentile interval.

    Returns
    -------
    se : float
        Standard deviation (ddof=1) of the defined replicates.
    ci : tuple of float
        Their percentile interval.
    replicates : ndarray
        Every replicate (NaN where undefined).

    Examples
    --------
    >>> from hrp_coding.agreement.ratings import as_ratings
    >>> r = as_ratings([[1, 1, 2, 2], [1, 2, 2, 2]])
    >>> se, ci, reps = resample_units(lambda s: float((s.codes[0] == s.codes[1]).mean()), r, n_boot=50, seed=0)
    >>> reps.shape, bool(0 <= ci[0] <= ci[1] <= 1)
    ((50,), True)
    """
    import warnings

    from hrp_coding.errors import AgreementError, DegenerateAgreementWarning

    _check_n_boot(n_boot)
    rng = np.random.default_rng(seed)
    n = data.n_units
    reps = np.full(int(n_boot), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateAgreementWarning)
        for b in range(int(n_boot)):
            try:
                reps[b] = statistic(data.take(rng.integers(0, n, size=n)))
            except AgreementError:
                reps[b] = np.nan
    ok = reps[~np.isnan(reps)]
    if ok.size < 2:
        raise AgreementError(f"bootstrap: only {ok.size} of {n_boot} replicates were defined; no SE")
    return (*_percentile_summary(ok, confidence), reps)


def krippendorff_bootstrap(coincidence: np.ndarray, delta: np.ndarray, n_coders: int, *, n_boot: int = 1000,
                           seed=None, confidence: float = 0.95,
                           n_pairs: float | None = None) -> tuple[float, tuple[float, float], np.ndarray]:
    """Krippendorff's bootstrap of alpha ("Algorithm for bootstrapping a distribution of alpha",
    Krippendorff, as distributed with Hayes' KALPHA macro; Hayes & Krippendorff 2007).

    The expected disagreement ``D_e`` is held fixed. Each replicate draws ``M = min(25 * q_nz, N)`` pairs of
    values from the coincidence distribution, ``N`` the number of pairs of values the data actually have,
    ``sum_u m_u (m_u - 1) / 2`` (``n_pairs``; Hayes & Krippendorff 2007: 239 on their Table 1 data, where the
    complete-data count ``(m - 1) * n.. / 2`` would be 318 and is used only when ``n_pairs`` is not given)
    (``p_cc = o_cc / n..``,
    ``p_ck = 2 o_ck / n..`` for ``c < k``; ``q_nz`` = non-zero cells of the coincidence matrix, ``m`` the
    number of coders) and sets ``alpha* = 1 - sum(delta of the drawn pairs) / (M * D_e)``, truncated at -1.
    As in the algorithm, up to ``round(n_boot * sum_c (o_cc / n..)^M)`` replicates equal to 1 (samples
    without variation, where alpha is 0/0) are set to 0. ``se`` is the standard deviation of the
    replicates, the CI their percentile interval.

    Parameters
    ----------
    coincidence : ndarray, q x q
        The coincidence matrix ``o_ck``.
    delta : ndarray, q x q
        Squared metric differences.
    n_coders : int
        Number of coders ``m``.
    n_pairs : float, optional
        Pairs of values within units, ``sum_u m_u (m_u - 1) / 2``.

    Returns
    -------
    se : float
        Standard deviation of the replicates.
    ci : tuple of float
        Their percentile interval at ``confidence``.
    replicates : ndarray
        The replicate alphas.

    Examples
    --------
    >>> o = np.array([[6.0, 1.0], [1.0, 4.0]])
    >>> se, ci, reps = krippendorff_bootstrap(o, 1 - np.eye(2), 2, n_boot=200, seed=0)
    >>> reps.shape, bool(0 < se < 1)
    ((200,), True)
    """
    _check_n_boot(n_boot)
    o = np.asarray(coincidence, dtype=np.float64)
    delta = np.asarray(delta, dtype=np.float64)
    n_dot = float(o.sum())
    nc = o.sum(axis=1)
    expected = (np.outer(nc, nc) - np.diag(nc)) / (n_dot - 1)
    de = float((expected * delta).sum()) / n_dot
    q_nz = int(np.count_nonzero(o))
    available = (n_coders - 1) * n_dot / 2 if n_pairs is None else n_pairs
    m_pairs = int(min(25 * q_nz, available))
    m_pairs = max(m_pairs, 1)
    iu = np.triu_indices(o.shape[0])
    p = np.where(iu[0] == iu[1], o[iu], 2 * o[iu]) / n_dot
    d = delta[iu]
    rng = np.random.default_rng(seed)
    draws = rng.multinomial(m_pairs, p / p.sum(), size=int(n_boot))
    reps = np.maximum(1 - (draws @ d) / (m_pairs * de), -1.0)
    n_fix = round(n_boot * float(np.sum((np.diag(o) / n_dot) ** m_pairs)))
    ones = np.flatnonzero(reps == 1.0)[:n_fix]
    reps[ones] = 0.0
    return (*_percentile_summary(reps, confidence), reps)
