"""Per-code confidence thresholds that reach a target precision, honestly, and precision/coverage curves.

A suggestion for code *k* is shown as reliable only when its confidence reaches the code's
threshold; the threshold is the lowest confidence at which the suggestions made so far (on
out-of-fold data) are at least ``target_precision`` correct *with confidence*: the lower end of
the Wilson score interval of that precision (95% by default) must reach the target, and at least
``min_selected`` suggestions must lie above the threshold. Where no threshold does, the code is
"not reliable yet" (``threshold`` is ``None``): its suggestions may still be shown, marked so.
Each chosen threshold states the Wilson interval of its precision and of its coverage (the package's
one interval helper, :mod:`hrp_coding.intervals`, through statsmodels' ``proportion_confint``).

Given the transcript of each unit (``groups``), the intervals count transcripts, not turns, as the
independent draws: turns of one interview are alike (one client talks mostly "neutral"), so a
precision measured on 300 turns of 40 transcripts is less certain than on 300 independent turns.
The Wilson interval is then taken on the effective counts ``k / deff, n / deff``, with ``deff`` the
design effect (Kish) of the ratio estimator: its cluster-robust variance over transcripts against the
binomial variance, never below 1. Without groups, units are taken as independent.

Words used below: for one code, *precision* is the share of its suggestions that the gold coder
also applied; *coverage* is the share of the gold coder's uses of that code that the model
suggests at that threshold (the recall of the selective suggester).

Examples
--------
>>> import numpy as np
>>> Y = np.array([[1], [1], [1], [0], [1], [0]])
>>> p = np.array([[0.95], [0.9], [0.8], [0.7], [0.6], [0.1]])
>>> t = precision_thresholds(Y, p, ["holding"], target_precision=0.4, min_selected=2)["holding"]
>>> (t.threshold, t.precision, t.coverage)
(0.8, 1.0, 0.75)
>>> round(t.precision_low, 3)   # 3 of 3 correct: the 95% Wilson interval starts at 0.439
0.439
>>> precision_thresholds(Y, p, ["holding"], target_precision=0.9, min_selected=2)["holding"].reliable
False
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.intervals import wilson_interval, wilson_intervals

__all__ = ["CodeThreshold", "coverage_curve", "precision_thresholds", "reliability_table", "share_interval",
           "thresholds_frame"]

NOT_RELIABLE = "not reliable yet"


@dataclass(frozen=True)
class CodeThreshold:
    """The threshold chosen for one code and what it achieved on the data it was chosen on.

    ``threshold`` is ``None`` when the code is not reliable yet (no confidence reached the target
    precision with confidence); ``precision`` is then NaN and ``coverage`` 0. ``precision_low`` /
    ``precision_high`` and ``coverage_low`` / ``coverage_high`` are Wilson intervals at ``confidence``.
    """

    code: str
    threshold: float | None
    precision: float
    coverage: float
    n_selected: int
    support: int
    target_precision: float
    precision_low: float = float("nan")
    precision_high: float = float("nan")
    coverage_low: float = float("nan")
    coverage_high: float = float("nan")
    confidence: float = 0.95

    @property
    def reliable(self) -> bool:
        """True when the code has a threshold (its target precision is met with confidence)."""
        return self.threshold is not None

    @property
    def status(self) -> str:
        """``"reliable"`` or ``"not reliable yet"``."""
        return "reliable" if self.reliable else NOT_RELIABLE

    def __str__(self) -> str:
        if self.threshold is None:
            return (f"{self.code}: not reliable yet (precision {self.target_precision:.2f} not reached with "
                    f"{self.confidence:.0%} confidence; {self.support} gold uses)")
        return (f"{self.code}: confidence >= {self.threshold:.3f} gives precision {self.precision:.3f} "
                f"[{self.precision_low:.3f}, {self.precision_high:.3f}], coverage {self.coverage:.3f} "
                f"[{self.coverage_low:.3f}, {self.coverage_high:.3f}] ({self.n_selected} suggestions, "
                f"{self.support} gold)")


def _check(Y, proba, classes):
    Y = np.asarray(Y)
    proba = np.asarray(proba, dtype=float)
    if Y.shape != proba.shape or Y.ndim != 2 or Y.shape[1] != len(classes):
        raise SuggestError(
            f"labels {Y.shape} and confidences {proba.shape} must both be (n_units, n_codes={len(classes)})"
        )
    if np.isnan(proba).any():
        raise SuggestError("confidences contain NaN")
    return Y.astype(bool), proba


def _deff(total_num, total_den, s_nn, s_dd, s_nd, n_groups):
    """Kish design effect of the ratio ``total_num / total_den`` estimated over clusters (never below 1).

    ``s_nn, s_dd, s_nd`` are the sums over clusters of ``num_g**2, den_g**2, num_g * den_g``; with
    ``p = total_num / total_den`` the cluster-robust variance of ``p`` is
    ``G / (G - 1) * sum_g (num_g - p den_g)**2 / total_den**2``. With one cluster the design effect
    is ``total_den`` (one draw). Arrays broadcast (one value per cut point).
    """
    total_num, total_den = np.asarray(total_num, float), np.asarray(total_den, float)
    with np.errstate(all="ignore"):
        p = total_num / total_den
        resid = np.maximum(s_nn - 2 * p * s_nd + p * p * s_dd, 0.0)
        var = n_groups / np.maximum(n_groups - 1, 1) * resid / total_den ** 2
        binom = p * (1 - p) / total_den
        deff = np.where(binom > 0, var / binom, 1.0)
    deff = np.where(n_groups < 2, np.maximum(total_den, 1.0), deff)
    return np.maximum(np.nan_to_num(deff, nan=1.0), 1.0)


def _precision_design_effects(ys: np.ndarray, gs: np.ndarray) -> np.ndarray:
    """The design effect of the precision at every cut of units sorted by confidence (``gs``: their transcripts).

    Running sums of the per-transcript squares, updated unit by unit: adding a unit of a transcript
    that already has ``t`` correct of ``m`` selected raises ``sum t_g**2`` by ``2ty + y``, ``sum m_g**2``
    by ``2m + 1`` and ``sum t_g m_g`` by ``t + ym + y`` (y is 0 or 1).
    """
    _, g = np.unique(gs, return_inverse=True)
    order = np.argsort(g, kind="stable")
    first = np.r_[True, g[order][1:] != g[order][:-1]]
    start = np.maximum.accumulate(np.where(first, np.arange(len(order)), 0))
    m_before = np.empty(len(ys))
    m_before[order] = np.arange(len(order)) - start
    cum = np.cumsum(ys[order])
    t_before = np.empty(len(ys))
    t_before[order] = cum - ys[order] - np.r_[0, cum][start]
    y = ys.astype(float)
    s_tt = np.cumsum(2 * t_before * y + y)
    s_mm = np.cumsum(2 * m_before + 1)
    s_tm = np.cumsum(t_before + y * m_before + y)
    n_groups = np.cumsum(m_before == 0)
    return _deff(np.cumsum(y), np.arange(1, len(y) + 1), s_tt, s_mm, s_tm, n_groups)


def _design_effect(hits: np.ndarray, groups: np.ndarray) -> float:
    """The design effect of the share ``hits.mean()`` over the transcripts ``groups`` (never below 1).

    A precision: ``hits`` marks the correct ones among the suggestions; a coverage: the suggested ones
    among the gold uses. Each transcript is one draw of (hits, units).
    """
    _, g = np.unique(groups, return_inverse=True)
    num = np.bincount(g, weights=np.asarray(hits, dtype=float))
    den = np.bincount(g).astype(float)
    return float(_deff(num.sum(), den.sum(), (num ** 2).sum(), (den ** 2).sum(), (num * den).sum(),
                       len(den)))


def share_interval(hits, groups=None, confidence: float = 0.95) -> tuple[float, float, float]:
    """A share (a precision or a coverage) and its Wilson interval, with transcripts as the draws.

    The same convention as the thresholds' stated intervals (see the module docstring): given the
    transcript of each unit, the interval is taken on the effective counts ``k / deff, n / deff``.
    A measured precision and the interval a threshold stated can then be compared like with like.

    Parameters
    ----------
    hits : array-like of bool
        One entry per unit counted: True where it is a hit (a correct suggestion, a covered gold use).
    groups : array-like, optional
        The transcript of each unit; None: the units are independent.
    confidence : float, default 0.95
        Two-sided level.

    Returns
    -------
    tuple of float
        ``(share, low, high)``; ``(nan, nan, nan)`` when ``hits`` is empty.

    Examples
    --------
    Eighteen correct of twenty, as independent turns or as two transcripts of ten (one all correct; design
    effect 2.2, as in :func:`precision_thresholds`):

    >>> hits = [True] * 10 + [True] * 8 + [False] * 2
    >>> [round(v, 3) for v in share_interval(hits)]
    [0.9, 0.699, 0.972]
    >>> [round(v, 3) for v in share_interval(hits, groups=["A"] * 10 + ["B"] * 10)]
    [0.9, 0.577, 0.983]
    """
    hits = np.asarray(hits, dtype=bool)
    if hits.size == 0:
        return (float("nan"), float("nan"), float("nan"))
    k, n = float(hits.sum()), float(hits.size)
    deff = 1.0 if groups is None else _design_effect(hits, np.asarray(groups))
    low, high = wilson_interval(k / deff, n / deff, confidence)
    return (k / n, low, high)


def precision_thresholds(Y, proba, classes: Sequence[str], *, target_precision: float = 0.9,
                         min_selected: int = 10, confidence: float = 0.95, groups=None) -> dict[str, CodeThreshold]:
    """Choose, per code, the lowest threshold whose precision's Wilson lower bound reaches ``target_precision``.

    Parameters
    ----------
    Y : array (n_units, n_codes) of 0/1
        Gold labels (indicator matrix), ideally out-of-fold with respect to ``proba``.
    proba : array (n_units, n_codes)
        Confidences (calibrated probabilities) of each code for each unit.
    classes : sequence of str
        Code ids, the columns of ``Y`` and ``proba``.
    target_precision : float in (0, 1]
    min_selected : int
        A threshold must select at least this many units (a precision of 1/1 proves nothing).
    confidence : float in (0, 1)
        Level of the Wilson intervals; the lower bound of the precision must reach the target.
    groups : sequence, optional
        The transcript of each unit: the intervals then count transcripts as the independent draws
        (see the module docstring). None: units are independent.

    Returns
    -------
    dict code -> CodeThreshold

    Examples
    --------
    >>> import numpy as np
    >>> t = precision_thresholds(np.array([[0], [0]]), np.array([[0.9], [0.2]]), ["x"], min_selected=1)
    >>> t["x"].threshold is None, t["x"].status
    (True, 'not reliable yet')

    Twenty suggestions, 18 correct: as independent turns, or as two transcripts of ten, one all
    correct and one with both errors (design effect 2.2: worth 9 independent turns):

    >>> Y, p = np.array([[1]] * 18 + [[0]] * 2), np.linspace(0.99, 0.6, 20)[:, None]
    >>> t = precision_thresholds(Y, p, ["x"], target_precision=0.5)["x"]
    >>> round(t.precision_low, 3)
    0.699
    >>> t = precision_thresholds(Y, p, ["x"], target_precision=0.5, groups=["A"] * 10 + ["B"] * 10)["x"]
    >>> round(t.precision_low, 3)
    0.577
    """
    if not 0 < target_precision <= 1:
        raise SuggestError(f"target_precision must be in (0, 1], got {target_precision!r}")
    Y, proba = _check(Y, proba, classes)
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != len(Y):
            raise SuggestError(f"precision_thresholds: {len(Y)} units but {len(groups)} groups")
    out = {}
    for k, code in enumerate(classes):
        p, y = proba[:, k], Y[:, k]
        support = int(y.sum())
        order = np.argsort(-p, kind="stable")
        ps, ys = p[order], y[order]
        tp = np.cumsum(ys)
        n = np.arange(1, len(ps) + 1)
        # only cut between distinct confidences: all units at the threshold are selected together
        last_of_tie = np.r_[ps[1:] != ps[:-1], True] if len(ps) else np.zeros(0, bool)
        deff = np.ones(len(n)) if groups is None else _precision_design_effects(ys, groups[order])
        low = wilson_intervals(tp / deff, n / deff, confidence)[0] if len(n) else n
        ok = last_of_tie & (low >= target_precision) & (n >= min_selected)
        if support == 0 or not ok.any():
            out[code] = CodeThreshold(code, None, float("nan"), 0.0, 0, support, float(target_precision),
                                      confidence=float(confidence))
            continue
        i = int(np.flatnonzero(ok)[-1])
        plo, phi = wilson_interval(tp[i] / deff[i], n[i] / deff[i], confidence)
        _, clo, chi = share_interval((p >= ps[i])[y], None if groups is None else groups[y], confidence)
        out[code] = CodeThreshold(code, float(ps[i]), float(tp[i] / n[i]), float(tp[i] / support), int(n[i]),
                                  support, float(target_precision), plo, phi, clo, chi, float(confidence))
    return out


def coverage_curve(Y, proba, classes: Sequence[str], thresholds: Sequence[float] = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)):
    """Precision and coverage of each code's suggestions at each confidence threshold (a tidy DataFrame).

    Columns: ``code, threshold, n_selected, precision, coverage, support``; precision is NaN where
    nothing is selected.

    Parameters
    ----------
    Y : array-like of bool
        Units x codes: the gold codes.
    proba : array-like of float
        Units x codes: calibrated probabilities.
    classes : sequence of str
        The codes, in column order.
    thresholds : sequence of float, default (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)
        The confidence thresholds tried.

    Returns
    -------
    pandas.DataFrame
        One row per code and threshold.

    Examples
    --------
    >>> import numpy as np
    >>> coverage_curve(np.array([[1], [0]]), np.array([[0.9], [0.4]]), ["x"], [0.5]).values.tolist()
    [['x', 0.5, 1, 1.0, 1.0, 1]]
    """
    import pandas as pd

    Y, proba = _check(Y, proba, classes)
    rows = []
    for k, code in enumerate(classes):
        support = int(Y[:, k].sum())
        for t in thresholds:
            sel = proba[:, k] >= t
            n = int(sel.sum())
            tp = int((sel & Y[:, k]).sum())
            rows.append({"code": code, "threshold": float(t), "n_selected": n,
                         "precision": tp / n if n else float("nan"),
                         "coverage": tp / support if support else float("nan"), "support": support})
    return pd.DataFrame(rows, columns=["code", "threshold", "n_selected", "precision", "coverage", "support"])


def reliability_table(Y, proba, classes: Sequence[str], groups=None,
                      bands: Sequence[float] = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)):
    """Whether a confidence means what it says: unit-code pairs by confidence band, the share carrying the code.

    The reliability diagram of calibrated probabilities, as a table: every (unit, code) pair falls in the
    band of its confidence; ``observed`` is the share of the band's pairs whose unit carries the code, with
    its Wilson interval (transcripts as the draws when ``groups`` is given, as :func:`share_interval`). For
    well calibrated confidences ``mean_confidence`` lies inside ``observed_low``-``observed_high``. On
    held-out units this is what a coder may read into "80%".

    Parameters
    ----------
    Y : array-like of bool
        Units x codes: the gold codes.
    proba : array-like of float
        Units x codes: calibrated probabilities.
    classes : sequence of str
        The codes, in column order.
    groups : array-like, optional
        The transcript of each unit.
    bands : sequence of float, default 0, 0.1, ..., 1
        Band edges; a band holds its lower edge, the last one also its upper edge.

    Returns
    -------
    pandas.DataFrame
        ``low, high, n, mean_confidence, observed, observed_low, observed_high``, one row per band.

    Examples
    --------
    >>> Y = np.array([[1], [0], [1], [0]])
    >>> p = np.array([[0.9], [0.8], [0.2], [0.1]])
    >>> reliability_table(Y, p, ["holding"], bands=(0, 0.5, 1))[["low", "n", "mean_confidence", "observed"]]
       low  n  mean_confidence  observed
    0  0.0  2             0.15       0.5
    1  0.5  2             0.85       0.5
    """
    import pandas as pd

    Y, proba = _check(Y, proba, classes)
    edges = np.asarray(bands, dtype=float)
    conf, hits = proba.ravel(), Y.ravel()
    pair_groups = None if groups is None else np.repeat(np.asarray(groups), Y.shape[1])
    band = np.clip(np.searchsorted(edges, conf, side="right") - 1, 0, len(edges) - 2)
    rows = []
    for b in range(len(edges) - 1):
        m = band == b
        share, low, high = share_interval(hits[m], None if pair_groups is None else pair_groups[m])
        rows.append((float(edges[b]), float(edges[b + 1]), int(m.sum()),
                     float(conf[m].mean()) if m.any() else float("nan"), share, low, high))
    return pd.DataFrame(rows, columns=["low", "high", "n", "mean_confidence", "observed", "observed_low",
                                       "observed_high"])


def thresholds_frame(thresholds):
    """Per-code precision and coverage with their Wilson intervals, one row per code (e.g. ``model.thresholds_``).

    Parameters
    ----------
    thresholds : dict code -> CodeThreshold
        As :func:`precision_thresholds` returns it, or a fitted model's ``thresholds_`` (chosen on its
        own out-of-fold, calibrated scores).

    Returns
    -------
    DataFrame
        ``code, status, threshold, precision, precision_low, precision_high, coverage, coverage_low,
        coverage_high, n_selected, support, target_precision``.

    Examples
    --------
    >>> import numpy as np
    >>> Y = np.array([[1], [1], [1], [0], [1], [0]])
    >>> p = np.array([[0.95], [0.9], [0.8], [0.7], [0.6], [0.1]])
    >>> table = thresholds_frame(precision_thresholds(Y, p, ["holding"], target_precision=0.4, min_selected=2))
    >>> table[["code", "status", "precision", "coverage"]].values.tolist()
    [['holding', 'reliable', 1.0, 0.75]]
    >>> round(float(table["coverage_low"].iloc[0]), 3)
    0.301
    """
    import pandas as pd

    cols = ["code", "status", "threshold", "precision", "precision_low", "precision_high", "coverage", "coverage_low",
            "coverage_high", "n_selected", "support", "target_precision"]
    rows = [{"code": t.code, "status": t.status, "threshold": t.threshold, "precision": t.precision,
             "precision_low": t.precision_low, "precision_high": t.precision_high, "coverage": t.coverage,
             "coverage_low": t.coverage_low, "coverage_high": t.coverage_high, "n_selected": t.n_selected,
             "support": t.support, "target_precision": t.target_precision} for t in thresholds.values()]
    return pd.DataFrame(rows, columns=cols)
