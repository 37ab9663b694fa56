"""Presence/absence kappas of every code at once, per group of units (transcripts), for the pooled kappa.

For code ``k`` and unit ``i``, ``r_i`` coders rated the unit and ``r_i1`` of them applied the code. With two
coders the kappa is Cohen's over the units both rated (``p_o`` share of agreeing units, ``p_e = p_A p_B +
(1 - p_A)(1 - p_B)``); with more, Fleiss' kappa in Gwet's generalisation (Gwet 2014, ch. 2): ``p_a`` over the
units with ``r_i >= 2``, ``pi`` over the units with ``r_i >= 1``. These are exactly the ``observed`` and
``expected`` of :func:`~hrp_coding.agreement.cohen_kappa` and :func:`~hrp_coding.agreement.fleiss_kappa` on
categories ``[0, 1]`` (tested), computed with one ``bincount`` per quantity instead of one call per code and
group. The pooled kappa of De Vries, Elliott, Kanouse & Teleki (2008, Field Methods 20, 272-282) is
``(mean p_o - mean p_e) / (1 - mean p_e)`` over the codes someone applied in the group.

Examples
--------
>>> import numpy as np
>>> present = np.array([[[1], [1], [0], [0]], [[1], [0], [0], [0]]], bool)
>>> po, pe, used = presence_terms(present, np.ones((2, 4), bool), np.zeros(4, int), 1)
>>> float(po[0, 0]), float(pe[0, 0]), bool(used[0, 0])
(0.75, 0.5, True)
>>> round(pooled_kappa(po, pe, used)[0], 4)
0.5
"""

from __future__ import annotations

import numpy as np

__all__ = ["pooled_kappa", "presence_terms"]


def _sum(groups: np.ndarray, n_groups: int, values: np.ndarray) -> np.ndarray:
    """Group sums of ``values`` (units x codes) -> groups x codes."""
    k = values.shape[1]
    flat = (groups[:, None] * k + np.arange(k)[None, :]).ravel()
    return np.bincount(flat, weights=values.ravel().astype(np.float64), minlength=n_groups * k).reshape(n_groups, k)


def presence_terms(present: np.ndarray, rated: np.ndarray, groups: np.ndarray, n_groups: int):
    """``(p_o, p_e, used)``, each groups x codes; ``p_o`` is NaN where no unit is pairable.

    Parameters
    ----------
    present : ndarray of bool, coders x units x codes
    rated : ndarray of bool, coders x units
    groups : ndarray of int, units (group id ``0..n_groups-1`` of each unit)
    n_groups : int

    Returns
    -------
    p_o, p_e : ndarray of float
    used : ndarray of bool
        Whether any coder applied the code on a rated unit of the group (codes nobody applied are left out of the
        pooled kappa).

    Examples
    --------
    >>> import numpy as np
    >>> present = np.array([[[1, 0]], [[1, 0]]], bool)   # 2 coders agree on 1 unit: code 0 applied, code 1 not
    >>> po, pe, used = presence_terms(present, np.ones((2, 1), bool), np.zeros(1, int), 1)
    >>> po.tolist(), used.tolist()
    ([[1.0, 1.0]], [[True, False]])
    """
    m = present.shape[0]
    hit = present & rated[:, :, None]
    used = _sum(groups, n_groups, hit.any(axis=0)) > 0
    if m == 2:
        both = rated[0] & rated[1]
        g = groups[both]
        a, b = hit[0, both], hit[1, both]
        n = np.bincount(g, minlength=n_groups).astype(np.float64)[:, None]
        agree = _sum(g, n_groups, a == b)
        pa_, pb_ = _sum(g, n_groups, a), _sum(g, n_groups, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            po = agree / n
            pa, pb = pa_ / n, pb_ / n
        pe = pa * pb + (1 - pa) * (1 - pb)
        return po, pe, used
    r = rated.sum(axis=0).astype(np.float64)
    r1 = hit.sum(axis=0).astype(np.float64)
    r0 = r[:, None] - r1
    two = r >= 2
    den = np.where(two, r * (r - 1), 1.0)[:, None]
    pa_i = np.where(two[:, None], (r1 * (r1 - 1) + r0 * (r0 - 1)) / den, 0.0)
    n2 = np.bincount(groups[two], minlength=n_groups).astype(np.float64)[:, None]
    n1 = np.bincount(groups[r > 0], minlength=n_groups).astype(np.float64)[:, None]
    share = np.where((r > 0)[:, None], r1 / np.maximum(r, 1.0)[:, None], 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        po = _sum(groups, n_groups, pa_i) / n2
        pi = _sum(groups, n_groups, share) / n1
    pe = pi * pi + (1 - pi) * (1 - pi)
    return po, pe, used


def pooled_kappa(po: np.ndarray, pe: np.ndarray, used: np.ndarray) -> np.ndarray:
    """De Vries et al. (2008) per group over the used codes with a defined ``p_o``; NaN where none.

    Parameters
    ----------
    po, pe : ndarray of float
        Groups x codes: observed and expected agreement from :func:`presence_terms`.
    used : ndarray of bool
        Groups x codes: whether anyone applied the code in the group.

    Returns
    -------
    ndarray of float
        One pooled kappa per group: ``(mean p_o - mean p_e) / (1 - mean p_e)`` over its codes.

    Examples
    --------
    >>> import numpy as np
    >>> po, pe = np.array([[0.9, 0.7, np.nan]]), np.array([[0.5, 0.5, 0.5]])
    >>> pooled_kappa(po, pe, np.array([[True, True, True]])).round(4).tolist()
    [0.6]
    """
    ok = used & ~np.isnan(po)
    k = ok.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mpo = np.where(ok, po, 0.0).sum(axis=1) / k
        mpe = np.where(ok, pe, 0.0).sum(axis=1) / k
        out = np.where(mpe >= 1.0, np.where(mpo >= 1.0, 1.0, np.nan), (mpo - mpe) / (1 - mpe))
    return np.where(k > 0, out, np.nan)
