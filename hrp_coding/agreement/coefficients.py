"""Reliability coefficients: percent agreement, Cohen, Scott, Fleiss, Conger, Gwet's AC1/AC2,
Brennan-Prediger and Krippendorff's alpha.

All coefficients share one notation (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed.): ``r_ik`` is
the number of coders who put unit ``i`` in category ``k``, ``r_i`` the number of ratings of unit ``i``,
``W`` the q x q agreement weights, ``n`` the units with at least one rating and ``n2`` those with at least
two. Every coefficient is ``(p_a - p_e) / (1 - p_e)``; ``result.observed`` is ``p_a`` and
``result.expected`` is ``p_e``. Formulas and citations are in ``docs/agreement.md``.

Speed: labels are encoded once (:func:`~hrp_coding.agreement.as_ratings`); per-unit category counts are
built chunk by chunk with one weighted ``bincount`` and reduced with one GEMM per chunk to q x q
(coincidence) or q-vectors, so memory stays bounded and no per-unit q x q tensor is ever built.

Examples
--------
>>> ratings = [["a", "a", "b", "b", "a"], ["a", "b", "b", "b", "a"]]
>>> round(cohen_kappa(ratings).value, 4)
0.6154
>>> round(krippendorff_alpha(ratings).value, 4)
0.6400
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np

from hrp_coding.errors import AgreementError, DegenerateAgreementWarning

from .ratings import Contingency, RatingCounts, Ratings, as_ratings
from .result import AgreementResult
from .variance import bootstrap_se, krippendorff_bootstrap, linearised_se, normal_ci, t_ci
from .weights import metric_distance, weight_matrix, weight_name

__all__ = [
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "krippendorff_alpha",
    "percent_agreement",
    "scott_pi",
]

_CHUNK = 1 << 16  # units per chunk (fewer when there are many categories, see _MAX_BINS)
_MAX_BINS = 1 << 22  # cap on bincount bins / chunk cells (~32 MB of float64 per temporary)
_TOL = 1e-12
_SE_CHOICES = ("auto", None, "bootstrap")


# ------------------------------------------------------------------------------------------ data

@dataclass
class _Data:
    """Encoded ratings plus what was learnt while preparing them.

    Units without any rating are kept in the arrays (so no copy is made) and masked by ``r > 0``.
    """

    categories: tuple
    codes: np.ndarray | None = None  # coders x units, -1 missing (Ratings input)
    counts: np.ndarray | None = None  # units x q (RatingCounts input)
    n_coders: int = 0
    notes: list[str] = field(default_factory=list)
    from_table: bool = False  # a contingency table: Gwet's table variance (denominator n^2, not n(n - 1))

    @property
    def q(self) -> int:
        return len(self.categories)

    @property
    def size(self) -> int:
        return self.codes.shape[1] if self.codes is not None else self.counts.shape[0]

    def chunks(self):
        """Yield (start, per-unit category counts of a chunk of units, float64 units x q).

        One ``bincount`` per chunk: missing codes go to an extra column that is dropped.
        """
        q = self.q
        step = max(256, min(_CHUNK, _MAX_BINS // (q + 1)))
        if self.counts is not None:
            for s in range(0, self.size, step):
                yield s, np.asarray(self.counts[s:s + step], dtype=np.float64)
            return
        codes = self.codes
        for s in range(0, self.size, step):
            sub = codes[:, s:s + step]
            nc = sub.shape[1]
            flat = np.where(sub < 0, q, sub) + np.arange(0, nc * (q + 1), q + 1, dtype=np.int64)
            cnt = np.bincount(flat.ravel(), minlength=nc * (q + 1)).reshape(nc, q + 1)
            yield s, cnt[:, :q].astype(np.float64)

    def totals(self) -> np.ndarray:
        """Ratings per unit, ``r_i`` (float64)."""
        if self.counts is not None:
            return np.asarray(self.counts.sum(axis=1), dtype=np.float64)
        return np.count_nonzero(self.codes >= 0, axis=0).astype(np.float64)


def _expand_contingency(ct: Contingency) -> Ratings:
    t = ct.table
    if not np.all(t == np.round(t)):
        raise AgreementError("the contingency table must hold whole counts to be used by this coefficient")
    rows, cols = np.nonzero(t)
    reps = t[rows, cols].astype(np.int64)
    codes = np.vstack([np.repeat(rows, reps), np.repeat(cols, reps)]).astype(np.int64)
    return Ratings(codes, ct.categories, ("coder 1", "coder 2"), tuple(range(codes.shape[1])))


def _prepare(ratings, categories, name: str, *, need_coders: bool = False) -> _Data:
    data = as_ratings(ratings, categories=categories)
    from_table = isinstance(data, Contingency)
    if from_table:
        data = _expand_contingency(data)
    if isinstance(data, RatingCounts):
        if need_coders:
            raise AgreementError(f"{name} needs to know which coder gave which rating; a count table "
                                 "(from_counts) has lost that: pass coders x units ratings")
        tot = data.counts.sum(axis=1)
        d = _Data(data.categories, counts=data.counts, n_coders=int(tot.max()) if tot.size else 0)
        if not tot.any():
            raise AgreementError(f"{name}: no ratings (the count table is all zeros)")
    else:
        codes = data.codes
        coder_keep = (codes >= 0).any(axis=1)
        if not coder_keep.any():
            raise AgreementError(f"{name}: no ratings (every cell is missing)")
        d = _Data(data.categories, n_coders=int(coder_keep.sum()))
        if not coder_keep.all():
            dropped = [data.coders[i] for i in np.flatnonzero(~coder_keep)]
            d.notes.append(f"coders without any rating were ignored: {dropped!r}")
            codes = codes[coder_keep]
        d.codes = codes
    if d.n_coders < 2:
        raise AgreementError(f"{name} needs at least two coders with ratings, got {d.n_coders}")
    d.from_table = from_table
    return d


def _note_empty(d: _Data, r: np.ndarray) -> int:
    """Number of units with a rating; notes the units without any."""
    n = int(np.count_nonzero(r))
    if n < r.size:
        d.notes.append(f"{r.size - n} units without any rating were ignored")
    return n


def _check_se(se, name: str, allowed=_SE_CHOICES):
    if se not in allowed:
        raise AgreementError(f"{name}: se={se!r} is not allowed; use one of {list(allowed)}")


def _degenerate(name: str, pa: float, pe: float, notes: list[str], base: dict) -> AgreementResult:
    """Apply the documented policy when p_e == 1."""
    if pa >= 1 - _TOL:
        msg = (f"{name}: expected agreement is 1 (a single category or no variation in the ratings); "
               "agreement is perfect, so the value is 1.0 by the degenerate-case policy")
        warnings.warn(msg, DegenerateAgreementWarning, stacklevel=3)
        return AgreementResult(coefficient=name, value=1.0, observed=pa, expected=pe, se=None, ci=None,
                               notes=(*notes, msg), **base)
    raise AgreementError(f"{name}: expected agreement is 1 but observed agreement is {pa!r} < 1 (possible only "
                         "with custom weights or distances whose chance term saturates): the coefficient is "
                         "undefined; check the weights")


def _finish(name: str, pa: float, pe: float, d: _Data, base: dict, *, terms=None, center=None, df=None,
            se=None, se_method=None, confidence=0.95, boot=None, value=None, tweights=None) -> AgreementResult:
    notes = list(d.notes) if d is not None else []
    if pe >= 1 - _TOL:
        return _degenerate(name, pa, pe, notes, base)
    value = (pa - pe) / (1 - pe) if value is None else value
    se_val = ci = None
    method = None
    if se == "auto" and terms is not None:
        se_val = linearised_se(terms, value if center is None else center, tweights)
        if se_val is not None and d.from_table:
            se_val *= np.sqrt((len(terms) - 1) / len(terms))
        if se_val is None:
            notes.append("standard error not defined with fewer than two units")
        else:
            method = se_method or "gwet-linearisation"
            ci = t_ci(value, se_val, df, confidence)
    elif se == "bootstrap" and boot is not None:
        se_val, ci, _ = boot()
        method = "bootstrap"
    return AgreementResult(coefficient=name, value=float(value), observed=float(pa), expected=float(pe),
                           se=se_val, ci=ci, se_method=method, notes=tuple(notes), **base)


# ------------------------------------------------------------------- the Fleiss family (raw data)

def _family(d: _Data, W: np.ndarray, kind: str, name: str, se, confidence, weights_label: str,
            boot) -> AgreementResult:
    """Percent agreement, Fleiss (Gwet's generalisation), AC1/AC2 and Brennan-Prediger.

    Follows Gwet (2014) and irrCAC ``CAC.fleiss/gwet/bp``: p_a over units with r_i >= 2,
    pi_k = (1/n) sum_i r_ik / r_i over units with r_i >= 1.
    """
    q = d.q
    size = d.size
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
    rated = r > 0
    n = _note_empty(d, r)
    two = r >= 2
    n2 = int(two.sum())
    if n2 == 0:
        raise AgreementError(f"{name}: no pairable unit (no unit has two or more ratings)")
    den = np.where(two, r * (r - 1), 1.0)
    pa_i = np.where(two, sumq / den, 0.0)
    pa = float(pa_i.sum() / n2)
    pi = pi_acc / n
    tw = float(W.sum())
    base = {"n_units": n, "n_coders": d.n_coders, "n_pairable": n2, "categories": d.categories,
            "weights": weights_label}
    if kind == "pa":
        pe = 0.0
    elif kind == "bp":
        pe = tw / q**2
    elif kind == "fleiss":
        pe = float(pi @ W @ pi)
    else:  # ac1
        if q < 2:
            pe = 1.0
        else:
            pe = tw * float(np.sum(pi * (1 - pi))) / (q * (q - 1))
    if kind == "pa":
        value = pa
        terms = (n / n2) * pa_i[rated] if se == "auto" else None
        res = _finish(name, pa, pe, d, base, terms=terms, df=n - 1, se=se, confidence=confidence, boot=boot,
                      value=value)
        return res
    if pe >= 1 - _TOL:
        return _finish(name, pa, pe, d, base)
    value = (pa - pe) / (1 - pe)
    terms = None
    if se == "auto":
        k_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
        if kind in ("fleiss", "ac1"):
            if kind == "fleiss":
                v = (W @ pi + W.T @ pi) / 2
                scale = 1.0
            else:
                v = 1 - pi
                scale = tw / (q * (q - 1))
            pe_i = np.empty(size)
            for s, c in d.chunks():
                pe_i[s:s + c.shape[0]] = scale * (c @ v) / np.maximum(r[s:s + c.shape[0]], 1.0)
            terms = (k_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe))[rated]
        else:
            terms = k_i[rated]
    return _finish(name, pa, pe, d, base, terms=terms, df=n - 1, se=se, confidence=confidence, boot=boot,
                   value=value)


def _make_boot(func, ratings, categories, n_boot, seed, confidence, **kw):
    def run():
        return bootstrap_se(func, ratings, n_boot=n_boot, seed=seed, confidence=confidence,
                            categories=categories, **kw)
    return run


def percent_agreement(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                      confidence=0.95) -> AgreementResult:
    """Percent (observed) agreement, weighted when ``weights`` is given (Gwet 2014, eq. 2.9 and 3.5).

    ``p_a = (1/n2) sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` with
    ``r*_ik = sum_l w_kl r_il``. For two coders and no weights this is the share of units on which they agree.
    ``expected`` is 0 and ``value == observed``.

    Examples
    --------
    >>> percent_agreement([[1, 2, 3, 3], [1, 2, 3, 4]]).value
    0.75
    """
    name = "percent_agreement"
    _check_se(se, name)
    d = _prepare(ratings, categories, name)
    W = weight_matrix(weights, d.categories)
    boot = _make_boot(percent_agreement, ratings, categories, n_boot, seed, confidence, weights=weights)
    return _family(d, W, "pa", name, se, confidence, weight_name(weights), boot)


def fleiss_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                 confidence=0.95) -> AgreementResult:
    """Fleiss' kappa (Fleiss 1971), in Gwet's generalisation to missing ratings and weights.

    ``p_e = sum_kl w_kl pi_k pi_l`` with ``pi_k = (1/n) sum_i r_ik / r_i``; units with a single rating count
    for ``pi`` but not for ``p_a`` (Gwet 2014, ch. 2-3; irrCAC ``fleiss.kappa.raw``). With complete data and
    no weights this is exactly Fleiss (1971). SE: Gwet's linearisation.

    Examples
    --------
    >>> round(fleiss_kappa([[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]]).value, 4)
    0.5294
    """
    name = "fleiss_kappa"
    _check_se(se, name)
    d = _prepare(ratings, categories, name)
    W = weight_matrix(weights, d.categories)
    boot = _make_boot(fleiss_kappa, ratings, categories, n_boot, seed, confidence, weights=weights)
    return _family(d, W, "fleiss", name, se, confidence, weight_name(weights), boot)


def gwet_ac1(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
             confidence=0.95) -> AgreementResult:
    """Gwet's AC1 (Gwet 2008), or AC2 when ``weights`` is given (Gwet 2014, ch. 4).

    ``p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)``, ``T_w = sum_kl w_kl``. SE: Gwet's linearisation.
    The coefficient name in the result is ``"gwet_ac1"`` or ``"gwet_ac2"``.

    Examples
    --------
    >>> round(gwet_ac1([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6712
    """
    name = "gwet_ac1" if weights is None or (isinstance(weights, str) and weights == "identity") else "gwet_ac2"
    _check_se(se, name)
    d = _prepare(ratings, categories, name)
    W = weight_matrix(weights, d.categories)
    boot = _make_boot(gwet_ac1, ratings, categories, n_boot, seed, confidence, weights=weights)
    return _family(d, W, "ac1", name, se, confidence, weight_name(weights), boot)


def brennan_prediger(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                     confidence=0.95) -> AgreementResult:
    """Brennan & Prediger's (1981) coefficient: ``p_e = T_w / q^2`` (``1/q`` unweighted).

    Unused categories passed in ``categories`` change ``q`` and so the value: give the full list.

    Examples
    --------
    >>> round(brennan_prediger([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6667
    """
    name = "brennan_prediger"
    _check_se(se, name)
    d = _prepare(ratings, categories, name)
    W = weight_matrix(weights, d.categories)
    boot = _make_boot(brennan_prediger, ratings, categories, n_boot, seed, confidence, weights=weights)
    return _family(d, W, "bp", name, se, confidence, weight_name(weights), boot)


# ---------------------------------------------------------------------------------- Conger

def conger_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                 confidence=0.95) -> AgreementResult:
    """Conger's (1980) kappa: Fleiss' ``p_a`` with the mean of the pairwise Cohen chance terms.

    ``p_gk = n_gk / n_g`` (coder g's share of category k among the units g rated),
    ``p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)``, ``s2_kl`` the covariance of ``p_gk`` over the ``r``
    coders (Gwet 2014; irrCAC ``conger.kappa.raw``). With two coders and complete data it is Cohen's kappa.
    SE: Gwet's linearisation.

    Examples
    --------
    >>> round(conger_kappa([[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]]).value, 4)
    0.5429
    """
    name = "conger_kappa"
    _check_se(se, name)
    d = _prepare(ratings, categories, name, need_coders=True)
    W = weight_matrix(weights, d.categories)
    codes = d.codes
    q = d.q
    m = codes.shape[0]
    ok = codes >= 0
    classif = np.zeros((m, q))
    for g in range(m):
        classif[g] = np.bincount(codes[g][ok[g]], minlength=q)
    ng = classif.sum(axis=1)
    p = classif / ng[:, None]
    pbar = p.mean(axis=0)
    s2 = (p.T @ p - m * np.outer(pbar, pbar)) / (m - 1)
    pe = float(np.sum(W * (np.outer(pbar, pbar) - s2 / m)))
    r = d.totals()
    rated = r > 0
    n = _note_empty(d, r)
    sumq = np.empty(d.size)
    for s, c in d.chunks():
        sumq[s:s + c.shape[0]] = np.einsum("ij,ij->i", c @ W.T, c) - r[s:s + c.shape[0]]
    two = r >= 2
    n2 = int(two.sum())
    if n2 == 0:
        raise AgreementError(f"{name}: no pairable unit (no unit has two or more ratings)")
    pa_i = np.where(two, sumq / np.where(two, r * (r - 1), 1.0), 0.0)
    pa = float(pa_i.sum() / n2)
    base = {"n_units": n, "n_coders": d.n_coders, "n_pairable": n2, "categories": d.categories,
            "weights": weight_name(weights)}
    boot = _make_boot(conger_kappa, ratings, categories, n_boot, seed, confidence, weights=weights)
    if pe >= 1 - _TOL:
        return _finish(name, pa, pe, d, base)
    value = (pa - pe) / (1 - pe)
    terms = None
    if se == "auto":
        # lambda_ig (Gwet 2014, linearisation of Conger's p_e), vectorised per coder
        lam = np.zeros(d.size)
        for g in range(m):
            a_g = m * pbar - p[g]
            u_g = W.T @ a_g  # (W^T a_g)[c]
            s_g = float(a_g @ W @ p[g])
            eps = ok[g].astype(np.float64)
            term = np.where(ok[g], u_g[np.where(ok[g], codes[g], 0)], 0.0)
            lam += (n / ng[g]) * (term - (eps - ng[g] / n) * s_g)
        pe_i = lam / (m * (m - 1))
        k_i = (n / n2) * (pa_i - pe * two) / (1 - pe)
        terms = (k_i - 2 * (1 - value) * (pe_i - pe) / (1 - pe))[rated]
    return _finish(name, pa, pe, d, base, terms=terms, df=n - 1, se=se, confidence=confidence, boot=boot,
                   value=value)


# ----------------------------------------------------------------------- Cohen and Scott (two coders)

def _pair_table(ratings, categories, name: str) -> tuple[np.ndarray, tuple, list[str], int]:
    data = as_ratings(ratings, categories=categories)
    if isinstance(data, RatingCounts):
        raise AgreementError(f"{name} needs two coders' ratings or a contingency table (from_contingency), "
                             "not a count table")
    notes: list[str] = []
    if isinstance(data, Contingency):
        return np.asarray(data.table, dtype=np.float64), data.categories, notes, round(float(data.table.sum()))
    codes = data.codes
    if codes.shape[0] != 2:
        raise AgreementError(f"{name} needs exactly two coders, got {codes.shape[0]} "
                             f"({list(data.coders)!r}); use conger_kappa or fleiss_kappa for more")
    for i in (0, 1):
        if not (codes[i] >= 0).any():
            raise AgreementError(f"{name} needs two coders with ratings, coder {data.coders[i]!r} has none")
    q = data.n_categories
    both = (codes[0] >= 0) & (codes[1] >= 0)
    one = ((codes[0] >= 0) | (codes[1] >= 0)) & ~both
    if one.any():
        notes.append(f"{int(one.sum())} units rated by only one coder were left out (pairwise-complete units)")
    if not both.any():
        raise AgreementError(f"{name}: no pairable unit (no unit rated by both coders "
                             f"{data.coders[0]!r} and {data.coders[1]!r})")
    table = np.bincount(codes[0][both] * q + codes[1][both], minlength=q * q).reshape(q, q).astype(np.float64)
    return table, data.categories, notes, int(both.sum())


def _two_coder(name: str, ratings, categories, weights, se, n_boot, seed, confidence, func, scott: bool):
    _check_se(se, name)
    table, cats, notes, n = _pair_table(ratings, categories, name)
    W = weight_matrix(weights, cats)
    p = table / table.sum()
    pa = float(np.sum(W * p))
    prow, pcol = p.sum(axis=1), p.sum(axis=0)
    if scott:
        pik = (prow + pcol) / 2
        pe = float(pik @ W @ pik)
    else:
        pe = float(prow @ W @ pcol)
    base = {"n_units": n, "n_coders": 2, "n_pairable": n, "categories": cats, "weights": weight_name(weights)}
    d = _Data(cats, notes=notes)
    if pe >= 1 - _TOL:
        return _finish(name, pa, pe, d, base)
    value = (pa - pe) / (1 - pe)
    se_val = ci = method = None
    if se == "auto":
        if n < 2:
            notes.append("standard error not defined with fewer than two units")
        else:
            if scott:
                wk = (W @ pik + W.T @ pik) / 2
                wrow = wcol = wk
            else:
                wrow = W @ pcol  # wbar_k. = sum_l p_.l w_kl
                wcol = W.T @ prow  # wbar_.l = sum_k p_k. w_kl
            s1 = float(np.sum(p * (W - (1 - value) * (wrow[:, None] + wcol[None, :])) ** 2))
            var = (s1 - (value - pe * (1 - value)) ** 2) / (n * (1 - pe) ** 2)
            se_val = float(np.sqrt(max(var, 0.0)))
            if scott:
                method = "gwet-linearisation"
                ci = t_ci(value, se_val, n - 1, confidence)
            else:
                method = "fleiss-cohen-everitt"
                ci = normal_ci(value, se_val, confidence)
    elif se == "bootstrap":
        src = ratings
        if isinstance(as_ratings(ratings, categories=categories), Contingency):
            src = _expand_contingency(as_ratings(ratings, categories=categories))
        se_val, ci, _ = bootstrap_se(func, src, n_boot=n_boot, seed=seed, confidence=confidence,
                                     categories=categories, weights=weights)
        method = "bootstrap"
    return AgreementResult(coefficient=name, value=float(value), observed=pa, expected=pe, se=se_val, ci=ci,
                           se_method=method, notes=tuple(notes), **base)


def cohen_kappa(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                confidence=0.95) -> AgreementResult:
    """Cohen's (1960) kappa, weighted kappa (Cohen 1968) when ``weights`` is given; exactly two coders.

    ``p_a = sum_kl w_kl p_kl``, ``p_e = sum_kl w_kl p_k. p_.l`` over the units rated by both coders (units
    rated by one coder only are left out, with a note). Accepts a contingency table via
    :func:`~hrp_coding.agreement.from_contingency`. SE: Fleiss, Cohen & Everitt (1969) large-sample ASE,
    normal 95% CI. (For Gwet's treatment of units rated by one coder, use ``conger_kappa``.)

    Examples
    --------
    >>> round(cohen_kappa([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6667
    >>> round(cohen_kappa([[1, 2, 3, 3], [1, 2, 3, 4]], weights="linear", categories=[1, 2, 3, 4]).value, 4)
    0.7778
    """
    return _two_coder("cohen_kappa", ratings, categories, weights, se, n_boot, seed, confidence, cohen_kappa,
                      scott=False)


def scott_pi(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
             confidence=0.95) -> AgreementResult:
    """Scott's (1955) pi for two coders: ``p_e = sum_kl w_kl pi_k pi_l``, ``pi_k = (p_k. + p_.k)/2``.

    Computed over the units rated by both coders. For more coders use :func:`fleiss_kappa` (its
    generalisation). SE: Gwet's linearisation (irrCAC ``scott``), t-based CI.

    Examples
    --------
    >>> round(scott_pi([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6522
    """
    return _two_coder("scott_pi", ratings, categories, weights, se, n_boot, seed, confidence, scott_pi,
                      scott=True)


# ------------------------------------------------------------------------- Krippendorff's alpha

_PAIRWISE_MAX_CODERS = 8  # up to this many coders, coincidences come from one weighted bincount per coder pair


def _coincidence(d: _Data) -> tuple[np.ndarray, np.ndarray]:
    """Coincidence matrix ``o_ck = sum_u sum_{i != j} [c_ui = c][c_uj = k] / (m_u - 1)`` and ``m_u``.

    Few coders: one integer ``bincount`` of ``(m_u - 2, c_g, c_h)`` per coder pair (missing codes go to an
    extra row/column that is dropped), so the pair counts are exact and only their q x q sums by ``m_u``
    are weighted by ``1 / (m_u - 1)``. Otherwise: per-unit counts chunk by chunk and one GEMM
    ``C^T diag(1 / (m_u - 1)) C`` per chunk, minus the self-pairs. Never a per-unit q x q tensor.
    """
    q = d.q
    qq = q + 1
    m = d.codes.shape[0] if d.codes is not None else 0
    if d.codes is not None and m <= _PAIRWISE_MAX_CODERS and (m - 1) * qq * qq <= _MAX_BINS:
        # exact integer pair counts per (m_u, c, k), then weighted by 1 / (m_u - 1) in q x q space
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


def krippendorff_alpha(ratings, *, categories=None, level="nominal", se="auto", n_boot=1000, seed=None,
                       confidence=0.95) -> AgreementResult:
    """Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability").

    ``alpha = 1 - D_o / D_e`` from the coincidence matrix ``o_ck = sum_u sum_{i != j} [c_ui = c, c_uj = k]
    / (m_u - 1)`` over units with ``m_u >= 2`` values, with the squared metric difference of ``level``
    (nominal, ordinal, interval, ratio, a q x q matrix or a callable). ``observed`` and ``expected`` are
    Gwet's ``p_a`` and ``p_e`` with weights ``1 - delta / max(delta)`` (Gwet 2014, ch. 2; irrCAC), so that
    ``value == (observed - expected) / (1 - expected)``.

    Parameters
    ----------
    se : "auto", "bootstrap", "krippendorff" or None
        ``"auto"``: Gwet's linearisation (irrCAC ``krippen.alpha.raw``); ``"bootstrap"``: unit-level
        bootstrap; ``"krippendorff"``: Krippendorff's bootstrap of the coincidences (D_e fixed; see
        :func:`~hrp_coding.agreement.variance.krippendorff_bootstrap`).

    Examples
    --------
    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="interval").value, 4)
    0.8889
    """
    name = "krippendorff_alpha"
    _check_se(se, name, (*_SE_CHOICES, "krippendorff"))
    d = _prepare(ratings, categories, name)
    size = d.size
    o, r = _coincidence(d)
    n = _note_empty(d, r)
    two = r >= 2
    n2 = int(two.sum())
    if n2 == 0:
        raise AgreementError(f"{name}: no pairable unit (no unit has two or more ratings)")
    ng = o.sum(axis=1)  # pairable values per category
    n_dot = float(ng.sum())
    delta = metric_distance(level, d.categories, n_values=ng)
    label = level if isinstance(level, str) else "custom"
    base = {"n_units": n, "n_coders": d.n_coders, "n_pairable": n2, "categories": d.categories, "weights": label}
    dmax = float(delta.max()) if delta.size else 0.0
    W = 1 - delta / dmax if dmax > 0 else np.ones_like(delta)
    # Gwet's formulation: p_a' = sum(W o) / n..; p_a = (1 - 1/n..) p_a' + 1/n..; p_e = pi' W pi
    pa_prime = float(np.sum(W * o)) / n_dot
    eps = 1.0 / n_dot
    pa = (1 - eps) * pa_prime + eps
    pi = ng / n_dot
    pe = float(pi @ W @ pi)
    if pe >= 1 - _TOL or dmax == 0:
        return _finish(name, pa, max(pe, 1.0) if dmax == 0 else pe, d, base)
    value = (pa - pe) / (1 - pe)
    notes = list(d.notes)
    se_val = ci = method = None
    if se == "auto":
        rr = r[two]
        rbar = float(rr.mean())
        if n2 < 2:
            notes.append("standard error not defined with fewer than two pairable units")
        else:
            piw = (W @ pi + W.T @ pi) / 2
            sumq = np.empty(size)
            proj = np.empty(size)
            for s, c in d.chunks():
                sl = slice(s, s + c.shape[0])
                sumq[sl] = np.einsum("ij,ij->i", c @ W.T, c) - r[sl]
                proj[sl] = c @ piw
            sumq, proj = sumq[two], proj[two]
            alpha_prime = (pa_prime - pe) / (1 - pe)
            pa_i = sumq / (rbar * (rr - 1)) - pa * (rr - rbar) / rbar
            k_i = (pa_i - pe) / (1 - pe)
            pe_i = proj / rbar - pe * (rr - rbar) / rbar
            terms = k_i - 2 * (1 - alpha_prime) * (pe_i - pe) / (1 - pe)
            se_val = linearised_se(terms, alpha_prime)
            if d.from_table:
                se_val *= np.sqrt((n2 - 1) / n2)
            ci = t_ci(value, se_val, n2 - 1, confidence)
            method = "gwet-linearisation"
    elif se == "bootstrap":
        se_val, ci, _ = bootstrap_se(krippendorff_alpha, ratings, n_boot=n_boot, seed=seed, confidence=confidence,
                                     categories=categories, level=level)
        method = "bootstrap"
    elif se == "krippendorff":
        se_val, ci, _ = krippendorff_bootstrap(o, delta, d.n_coders, n_boot=n_boot, seed=seed,
                                               confidence=confidence)
        method = "krippendorff-bootstrap"
    return AgreementResult(coefficient=name, value=float(value), observed=pa, expected=pe, se=se_val, ci=ci,
                           se_method=method, notes=tuple(notes), **base)
