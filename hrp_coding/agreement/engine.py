"""The coefficient engine: every coefficient is data (:class:`Spec`), and :func:`run` computes any of them.

A :class:`Spec` names the coefficient's *observed agreement* (pairs of ratings within units, Gwet 2014 ch. 2;
or Krippendorff's coincidences), its *chance model* and its *variance*:

=============  ===========================================================================================
chance model   ``p_e`` (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed., ch. 2-4; irrCAC)
=============  ===========================================================================================
``none``       0 (percent agreement)
``uniform``    ``T_w / q^2`` (Brennan & Prediger 1981)
``pooled``     ``sum_kl w_kl pi_k pi_l``, ``pi_k = (1/n) sum_i r_ik / r_i`` (Scott 1955, Fleiss 1971)
``gwet``       ``T_w / (q (q - 1)) sum_k pi_k (1 - pi_k)`` (Gwet 2008, AC1/AC2)
``coder``      each coder's own marginals: ``sum_kl w_kl p_Ak p_Bl`` for two coders (Cohen 1960, 1968),
               ``sum_kl w_kl (pbar_k pbar_l - s2_kl / m)`` for more (Conger 1980)
``coincidence``  Krippendorff's ``D_e`` from the coincidence matrix (Krippendorff 2011)
=============  ===========================================================================================

Variance: ``gwet`` (Gwet's linearisation; t interval with ``n - 1`` df), ``fce`` (Fleiss, Cohen & Everitt
1969; normal interval), bootstrap of units, and for alpha Krippendorff's bootstrap of the coincidences.
``pairwise`` coefficients (Cohen, Scott) take exactly two coders over the units both rated; with a contingency
table, or with ``pairwise``, the observed agreement of a unit rated ``(k, l)`` is ``w_kl`` (Gwet's table
formulas: custom asymmetric weights are used as given, never symmetrised).

One function runs them all (:func:`run`); the bootstrap resamples the encoded units and calls the engine's own
point estimate (:func:`point`), never the public functions.

Examples
--------
>>> res = run(SPECS["fleiss_kappa"], [[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]])
>>> round(res.value, 4), res.se_method
(0.5294, 'gwet-linearisation')
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from hrp_coding.errors import AgreementError, DegenerateAgreementWarning

from .encoded import _MAX_BINS, _Data, encode, prepare
from .result import AgreementResult
from .variance import krippendorff_bootstrap, linearised_se, normal_ci, resample_units, t_ci
from .weights import metric_distance, weight_matrix, weight_name

__all__ = ["SPECS", "Spec", "point", "run"]

_TOL = 1e-12
_PAIRWISE_MAX_CODERS = 8  # up to this many coders, coincidences come from one weighted bincount per coder pair


@dataclass(frozen=True)
class Spec:
    """A coefficient as data.

    Attributes
    ----------
    name : str
        The coefficient's name in results (``gwet_ac1`` becomes ``gwet_ac2`` with weights).
    chance : str
        The chance model: ``none``, ``uniform``, ``pooled``, ``gwet``, ``coder`` or ``coincidence``.
    variance : str
        ``gwet`` (linearisation, t interval) or ``fce`` (Fleiss-Cohen-Everitt, normal interval).
    pairwise : bool
        Exactly two coders, over the units both rated (Cohen, Scott).
    needs_coders : bool
        Needs each rating's coder (not possible from a count table).
    se_choices : tuple
        The allowed ``se=`` values.
    """

    name: str
    chance: str
    variance: str = "gwet"
    pairwise: bool = False
    needs_coders: bool = False
    se_choices: tuple = ("auto", None, "bootstrap")

    def label(self, weights) -> str:
        """The coefficient's name in a result computed with ``weights``.

        Parameters
        ----------
        weights : None, str, array-like or callable
            The agreement weights (or alpha's level of measurement) the coefficient is run with.

        Returns
        -------
        str
            :attr:`name`, except that Gwet's AC1 with weights other than identity is ``"gwet_ac2"``.

        Examples
        --------
        >>> SPECS["gwet_ac1"].label(None), SPECS["gwet_ac1"].label("quadratic"), SPECS["scott_pi"].label("linear")
        ('gwet_ac1', 'gwet_ac2', 'scott_pi')
        """
        if self.name == "gwet_ac1" and weight_name(weights) != "identity":
            return "gwet_ac2"
        return self.name


SPECS = {s.name: s for s in (
    Spec("percent_agreement", "none"),
    Spec("brennan_prediger", "uniform"),
    Spec("fleiss_kappa", "pooled"),
    Spec("gwet_ac1", "gwet"),
    Spec("conger_kappa", "coder", needs_coders=True),
    Spec("cohen_kappa", "coder", variance="fce", pairwise=True, needs_coders=True),
    Spec("scott_pi", "pooled", pairwise=True, needs_coders=True),
    Spec("krippendorff_alpha", "coincidence", se_choices=("auto", None, "bootstrap", "krippendorff")),
)}


# ------------------------------------------------------------------------------------- estimates

@dataclass
class _Estimate:
    """A point estimate and what its variance needs."""

    pa: float
    pe: float
    value: float
    degenerate: bool
    base: dict
    notes: list
    terms: object = None  # callable () -> (terms, center, df) for Gwet's linearisation
    fce: object = None  # callable () -> se for Fleiss-Cohen-Everitt
    coincidence: tuple | None = None  # (o, delta, n_pairs) for Krippendorff's bootstrap


def _tally(d: _Data, W: np.ndarray):
    """Per unit: ratings ``r``, observed agreement ``pa_i``; and Fleiss' ``pi`` (one pass over the chunks)."""
    q, size = d.q, d.size
    r = np.empty(size)
    sumq = np.empty(size)
    pi_acc = np.zeros(q)
    identity = np.array_equal(W, np.eye(q))
    for s, c in d.chunks():
        e = s + c.shape[0]
        rc = c.sum(axis=1)
        r[s:e] = rc
        quad = np.einsum("ij,ij->i", c, c) if identity else np.einsum("ij,ij->i", c @ W.T, c)
        sumq[s:e] = quad - rc
        pi_acc += (1.0 / np.maximum(rc, 1.0)) @ c
    two = r >= 2
    if d.ordered:  # Gwet's table formula: unit (k, l) agrees by w_kl, as given
        pa_i = W[d.codes[0], d.codes[1]].astype(np.float64)
    else:
        pa_i = np.where(two, sumq / np.where(two, r * (r - 1), 1.0), 0.0)
    return r, two, pa_i, pi_acc


def _note_empty(d: _Data, r: np.ndarray) -> int:
    n = int(np.count_nonzero(r))
    if n < r.size:
        d.notes.append(f"{r.size - n} units without any rating were ignored")
    return n


def _conger(d: _Data, W: np.ndarray, n: int):
    """Conger's p_e and the per-unit lambda terms of its linearisation (Gwet 2014)."""
    codes, q = d.codes, d.q
    m = codes.shape[0]
    ok = codes >= 0
    classif = np.stack([np.bincount(codes[g][ok[g]], minlength=q) for g in range(m)]).astype(np.float64)
    ng = classif.sum(axis=1)
    p = classif / ng[:, None]
    pbar = p.mean(axis=0)
    s2 = (p.T @ p - m * np.outer(pbar, pbar)) / (m - 1)
    pe = float(np.sum(W * (np.outer(pbar, pbar) - s2 / m)))

    def pe_i():
        lam = np.zeros(d.size)
        for g in range(m):
            a_g = m * pbar - p[g]
            u_g = W.T @ a_g
            s_g = float(a_g @ W @ p[g])
            term = np.where(ok[g], u_g[np.where(ok[g], codes[g], 0)], 0.0)
            lam += (n / ng[g]) * (term - (ok[g].astype(np.float64) - ng[g] / n) * s_g)
        return lam / (m * (m - 1))

    return pe, pe_i


def _chance(spec: Spec, d: _Data, W: np.ndarray, pi: np.ndarray, r: np.ndarray, n: int):
    """``(p_e, per-unit p_e terms or None)`` of the spec's chance model."""
    q, tw = d.q, float(W.sum())
    if spec.chance == "none":
        return 0.0, None
    if spec.chance == "uniform":
        return tw / q**2, None
    if spec.chance == "coder":  # Conger (two ordered coders go through _weighted_point)
        return _conger(d, W, n)
    if spec.chance == "pooled":
        pe, v, scale = float(pi @ W @ pi), (W @ pi + W.T @ pi) / 2, 1.0
    else:  # gwet
        if q < 2:
            return 1.0, None
        scale = tw / (q * (q - 1))
        pe, v = scale * float(np.sum(pi * (1 - pi))), 1 - pi

    def pe_i():
        out = np.empty(d.size)
        for s, c in d.chunks():
            out[s:s + c.shape[0]] = scale * (c @ v) / np.maximum(r[s:s + c.shape[0]], 1.0)
        return out

    return pe, pe_i


def _agreement_point(spec: Spec, d: _Data, weights) -> _Estimate:
    W = weight_matrix(weights, d.categories)
    if d.weights is not None or (d.ordered and d.codes.shape[0] == 2 and spec.chance != "coder") or spec.pairwise:
        return _weighted_point(spec, d, W, weights)
    r, two, pa_i, pi_acc = _tally(d, W)
    n = _note_empty(d, r)
    n2 = int(two.sum())
    if n2 == 0:
        raise AgreementError(f"{spec.name}: no pairable unit (no unit has two or more ratings)")
    pa = float(pa_i.sum() / n2)
    pe, pe_i = _chance(spec, d, W, pi_acc / n, r, n)
    base = {"n_units": n, "n_coders": d.n_coders, "n_pairable": n2, "categories": d.categories,
            "weights": weight_name(weights)}
    if pe >= 1 - _TOL:
        return _Estimate(pa, pe, 1.0, True, base, list(d.notes))
    value = pa if spec.chance == "none" else (pa - pe) / (1 - pe)
    rated = r > 0

    def terms():
        k_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
        if pe_i is not None:
            k_i = k_i - 2 * (1 - value) * (pe_i() - pe) / (1 - pe)
        return k_i[rated], value, n - 1, None

    return _Estimate(pa, pe, value, False, base, list(d.notes), terms=terms)


def _weighted_point(spec: Spec, d: _Data, W: np.ndarray, weights) -> _Estimate:
    """Two coders in a known order, every unit rated by both (a contingency table, or Cohen/Scott on raw
    ratings): everything from the q x q table, one weighted unit per occupied cell (Gwet's table formulas; the
    linearised SE with frequency weights equals the per-unit one)."""
    q = d.q
    if d.weights is None:
        table = np.bincount(d.codes[0].astype(np.int64) * q + d.codes[1], minlength=q * q).astype(np.float64)
        cells = np.flatnonzero(table)
        rows, cols, w = cells // q, cells % q, table[cells]
    else:
        rows, cols, w = d.codes[0], d.codes[1], d.weights
    n = float(w.sum())
    p = np.zeros((q, q))
    p[rows, cols] = w / n
    prow, pcol = p.sum(axis=1), p.sum(axis=0)
    pa_i = W[rows, cols]
    pa = float(np.sum(W * p))
    pi = (prow + pcol) / 2
    tw = float(W.sum())
    pe_i = None
    if spec.chance == "none":
        pe = 0.0
    elif spec.chance == "uniform":
        pe = tw / q**2
    elif spec.chance == "coder":
        pe = float(prow @ W @ pcol)
    elif spec.chance == "pooled":
        pe, v = float(pi @ W @ pi), (W @ pi + W.T @ pi) / 2
        pe_i = (v[rows] + v[cols]) / 2
    else:  # gwet
        scale = tw / (q * (q - 1)) if q >= 2 else 0.0
        pe = scale * float(np.sum(pi * (1 - pi))) if q >= 2 else 1.0
        pe_i = scale * ((1 - pi)[rows] + (1 - pi)[cols]) / 2
    base = {"n_units": round(n), "n_coders": 2, "n_pairable": round(n), "categories": d.categories,
            "weights": weight_name(weights)}
    notes = list(d.notes)
    if pe >= 1 - _TOL:
        return _Estimate(pa, pe, 1.0, True, base, notes)
    value = pa if spec.chance == "none" else (pa - pe) / (1 - pe)
    if d.weights is not None and not np.all(w == np.round(w)):
        notes.append("a table of proportions: no standard error (the number of units is unknown)")
        return _Estimate(pa, pe, value, False, base, notes)

    def terms():
        k_i = (pa_i - pe) / (1 - pe)
        if pe_i is not None:
            k_i = k_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe)
        return k_i, value, round(n) - 1, w

    def fce():
        wrow, wcol = W @ pcol, W.T @ prow
        s1 = float(np.sum(p * (W - (1 - value) * (wrow[:, None] + wcol[None, :])) ** 2))
        return math.sqrt(max((s1 - (value - pe * (1 - value)) ** 2) / (n * (1 - pe) ** 2), 0.0))

    return _Estimate(pa, pe, value, False, base, notes, terms=terms, fce=fce if spec.variance == "fce" else None)


def _coincidence(d: _Data) -> tuple[np.ndarray, np.ndarray]:
    """Coincidence matrix ``o_ck = sum_u sum_{i != j} [c_ui = c][c_uj = k] / (m_u - 1)`` and ``m_u``.

    Few coders: one integer ``bincount`` of ``(m_u - 2, c_g, c_h)`` per coder pair (missing codes go to an
    extra row/column that is dropped), weighted by ``1 / (m_u - 1)`` only in q x q space. Otherwise per-unit
    counts chunk by chunk and one GEMM ``C^T diag(1 / (m_u - 1)) C`` per chunk, minus the self-pairs.
    """
    q = d.q
    qq = q + 1
    m = d.codes.shape[0] if d.codes is not None else 0
    if d.codes is not None and m <= _PAIRWISE_MAX_CODERS and (m - 1) * qq * qq <= _MAX_BINS:
        codes = d.codes
        ok = codes >= 0
        r = ok.sum(axis=0, dtype=np.int64)
        ext = np.where(ok, codes, q).astype(np.int64)
        base = np.maximum(r - 2, 0) * (qq * qq)
        cnt = np.zeros((m - 1) * qq * qq, dtype=np.int64)
        for g in range(m):
            row = ext[g] * qq + base
            for h in range(g + 1, m):
                cnt += np.bincount(row + ext[h], minlength=cnt.size)
        per_m = cnt.reshape(m - 1, qq, qq)[:, :q, :q].astype(np.float64)
        half = np.tensordot(1.0 / np.arange(1, m), per_m, axes=1)
        return half + half.T, r.astype(np.float64)
    r = np.empty(d.size)
    o = np.zeros((q, q))
    self_pairs = np.zeros(q)
    for s, c in d.chunks():
        rc = c.sum(axis=1)
        r[s:s + c.shape[0]] = rc
        aw = np.where(rc >= 2, 1.0 / np.maximum(rc - 1, 1.0), 0.0)
        o += c.T @ (c * aw[:, None])
        self_pairs += aw @ c
    return o - np.diag(self_pairs), r


def _alpha_point(spec: Spec, d: _Data, level) -> _Estimate:
    o, r = _coincidence(d)
    n = _note_empty(d, r)
    two = r >= 2
    n2 = int(two.sum())
    if n2 == 0:
        raise AgreementError(f"{spec.name}: no pairable unit (no unit has two or more ratings)")
    ng = o.sum(axis=1)
    n_dot = float(ng.sum())
    delta = metric_distance(level, d.categories, n_values=ng)
    base = {"n_units": n, "n_coders": d.n_coders, "n_pairable": n2, "categories": d.categories,
            "weights": level if isinstance(level, str) else "custom"}
    dmax = float(delta.max()) if delta.size else 0.0
    W = 1 - delta / dmax if dmax > 0 else np.ones_like(delta)
    # Gwet's formulation: p_a' = sum(W o) / n..; p_a = (1 - 1/n..) p_a' + 1/n..; p_e = pi' W pi
    pa_prime = float(np.sum(W * o)) / n_dot
    pa = (1 - 1.0 / n_dot) * pa_prime + 1.0 / n_dot
    pi = ng / n_dot
    pe = float(pi @ W @ pi)
    if pe >= 1 - _TOL or dmax == 0:
        return _Estimate(pa, max(pe, 1.0) if dmax == 0 else pe, 1.0, True, base, list(d.notes))
    value = (pa - pe) / (1 - pe)

    def terms():
        rr = r[two]
        rbar = float(rr.mean())
        piw = (W @ pi + W.T @ pi) / 2
        sumq = np.empty(d.size)
        proj = np.empty(d.size)
        identity = np.array_equal(W, np.eye(len(W)))
        for s, c in d.chunks():
            sl = slice(s, s + c.shape[0])
            sumq[sl] = np.einsum("ij,ij->i", c if identity else c @ W.T, c) - r[sl]
            proj[sl] = c @ piw
        sumq, proj = sumq[two], proj[two]
        alpha_prime = (pa_prime - pe) / (1 - pe)
        pa_i = sumq / (rbar * (rr - 1)) - pa * (rr - rbar) / rbar
        pe_i = proj / rbar - pe * (rr - rbar) / rbar
        k_i = (pa_i - pe) / (1 - pe)
        return k_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe), alpha_prime, n2 - 1, None

    n_pairs = float(np.sum(r[two] * (r[two] - 1) / 2))  # pairs of values within units (Hayes & Krippendorff)
    return _Estimate(pa, pe, value, False, base, list(d.notes), terms=terms, coincidence=(o, delta, n_pairs))


def point(spec: Spec, d: _Data, weights) -> _Estimate:
    """The spec's point estimate on prepared data, with what its standard error needs.

    Parameters
    ----------
    spec : Spec
        The coefficient.
    d : _Data
        As returned by :func:`prepare`.
    weights : None, str, array-like or callable
        Agreement weights; for Krippendorff's alpha the level of measurement or a distance (``None``: nominal).

    Returns
    -------
    _Estimate
        ``value`` (the coefficient), ``pa`` (observed agreement), ``pe`` (chance agreement), ``degenerate``
        (``pe`` is 1), ``base`` (counts of units, coders and pairable units) and the variance's inputs.

    Examples
    --------
    >>> spec = SPECS["fleiss_kappa"]
    >>> data, from_table = encode([[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]], None)
    >>> est = point(spec, prepare(spec, data, from_table), None)
    >>> round(est.pa, 4), round(est.pe, 4), round(est.value, 4)
    (0.6667, 0.2917, 0.5294)
    """
    if spec.chance == "coincidence":
        return _alpha_point(spec, d, "nominal" if weights is None else weights)
    return _agreement_point(spec, d, weights)


# -------------------------------------------------------------------------------------- running

def _degenerate(name: str, est: _Estimate) -> AgreementResult:
    """The documented policy when p_e == 1."""
    if est.pa >= 1 - _TOL:
        msg = (f"{name}: expected agreement is 1 (a single category or no variation in the ratings); "
               "agreement is perfect, so the value is 1.0 by the degenerate-case policy")
        warnings.warn(msg, DegenerateAgreementWarning, stacklevel=4)
        return AgreementResult(coefficient=name, value=1.0, observed=est.pa, expected=est.pe, se=None, ci=None,
                               notes=(*est.notes, msg), **est.base)
    raise AgreementError(f"{name}: expected agreement is 1 but observed agreement is {est.pa!r} < 1 (possible only "
                         "with custom weights or distances whose chance term saturates): the coefficient is "
                         "undefined; check the weights")


def _bootstrap(spec: Spec, data, from_table: bool, weights, n_boot, seed, confidence):
    """Seeded unit bootstrap: resample the encoded units, recompute the engine's point estimate."""
    return resample_units(lambda sample: point(spec, prepare(spec, sample, from_table), weights).value, data,
                          n_boot=n_boot, seed=seed, confidence=confidence)


def _linearised(est: _Estimate, from_table: bool, confidence: float):
    """Gwet's linearised ``(se, ci)`` of an estimate, ``(None, None)`` when fewer than two units carry it."""
    terms, center, df, freq = est.terms()
    se_val = linearised_se(terms, center, freq)
    if se_val is None:
        return None, None
    n_eff = float(freq.sum()) if freq is not None else len(terms)
    if from_table:
        se_val *= math.sqrt((n_eff - 1) / n_eff)
    return se_val, t_ci(est.value, se_val, df, confidence)


def run(spec: Spec, ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
        confidence=0.95) -> AgreementResult:
    """Compute the coefficient ``spec`` (see :data:`SPECS`) with its standard error and interval.

    Parameters
    ----------
    spec : Spec
        The coefficient, e.g. ``SPECS["cohen_kappa"]``.
    ratings, categories, se, n_boot, seed, confidence :
        As the public coefficient functions (e.g. :func:`~hrp_coding.agreement.fleiss_kappa`).
    weights : None, str, array-like or callable
        Agreement weights; for Krippendorff's alpha, the level of measurement or a distance.

    Returns
    -------
    AgreementResult
        The value at full precision, observed and expected agreement, standard error and interval (``None``
        where undefined, with a note saying why) and the counts of units and coders.

    Examples
    --------
    >>> res = run(SPECS["cohen_kappa"], [[1, 1, 2, 2, 1, 2], [1, 2, 2, 2, 1, 1]])
    >>> round(res.value, 4), round(res.observed, 4), res.se_method, res.n_units
    (0.3333, 0.6667, 'fleiss-cohen-everitt', 6)
    """
    name = spec.label(weights)
    if se not in spec.se_choices:
        raise AgreementError(f"{name}: se={se!r} is not allowed; use one of {list(spec.se_choices)}")
    if not (isinstance(confidence, (int, float)) and 0 < confidence < 1):
        raise AgreementError(f"{name}: confidence must be a number between 0 and 1, got {confidence!r}")
    data, from_table = encode(ratings, categories)
    d = prepare(spec, data, from_table)
    est = point(spec, d, weights)
    if est.degenerate:
        return _degenerate(name, est)
    se_val = ci = method = None
    notes = est.notes
    if se == "auto" and est.terms is None and est.fce is None:
        pass  # no standard error (said in the estimate's notes)
    elif se == "auto":
        if spec.variance == "fce":
            if est.base["n_units"] < 2:
                notes.append("standard error not defined with fewer than two units")
            else:
                se_val, method = est.fce(), "fleiss-cohen-everitt"
                ci = normal_ci(est.value, se_val, confidence)
        elif spec.chance == "coincidence" and est.base["n_pairable"] >= 2:
            # alpha's SE is defined exactly when two units are pairable: defer it until asked (issue 16.7)
            return AgreementResult.deferred(
                lambda: _linearised(est, from_table, confidence), coefficient=name, value=float(est.value),
                observed=float(est.pa), expected=float(est.pe), se_method="gwet-linearisation",
                notes=tuple(notes), confidence=float(confidence), **est.base)
        else:
            se_val, ci = _linearised(est, from_table, confidence)
            if se_val is None:
                what = "pairable units" if spec.chance == "coincidence" else "units"
                notes.append(f"standard error not defined with fewer than two {what}")
            else:
                method = "gwet-linearisation"
    elif se == "bootstrap":
        se_val, ci, _ = _bootstrap(spec, data, from_table, weights, n_boot, seed, confidence)
        method = "bootstrap"
    elif se == "krippendorff":
        o, delta, n_pairs = est.coincidence
        se_val, ci, _ = krippendorff_bootstrap(o, delta, d.n_coders, n_boot=n_boot, seed=seed,
                                               confidence=confidence, n_pairs=n_pairs)
        method = "krippendorff-bootstrap"
    return AgreementResult(coefficient=name, value=float(est.value), observed=float(est.pa),
                           expected=float(est.pe), se=se_val, ci=ci, se_method=method, notes=tuple(notes),
                           confidence=float(confidence) if ci is not None else 0.95, **est.base)
