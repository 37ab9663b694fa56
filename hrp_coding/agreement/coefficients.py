"""Reliability coefficients: percent agreement, Cohen, Scott, Fleiss, Conger, Gwet's AC1/AC2,
Brennan-Prediger and Krippendorff's alpha.

All coefficients share one notation (Gwet 2014, Handbook of Inter-Rater Reliability, 4th ed.): ``r_ik`` is
the number of coders who put unit ``i`` in category ``k``, ``r_i`` the number of ratings of unit ``i``,
``W`` the q x q agreement weights, ``n`` the units with at least one rating and ``n2`` those with at least
two. Every coefficient is ``(p_a - p_e) / (1 - p_e)``; ``result.observed`` is ``p_a`` and
``result.expected`` is ``p_e``. Formulas and citations are in ``docs/agreement.md``.

Each function here is one :class:`~hrp_coding.agreement.engine.Spec` (its chance model and variance) run by
:func:`~hrp_coding.agreement.engine.run`: labels are encoded once, per-unit category counts are built chunk
by chunk with one weighted ``bincount`` and reduced to q x q or q-vectors, so memory stays bounded.

Examples
--------
>>> ratings = [["a", "a", "b", "b", "a"], ["a", "b", "b", "b", "a"]]
>>> round(cohen_kappa(ratings).value, 4)
0.6154
>>> round(krippendorff_alpha(ratings).value, 4)
0.6400
"""

from __future__ import annotations

from .engine import SPECS, run
from .result import AgreementResult

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

_PARAMETERS = """
    Parameters
    ----------
    ratings : list of lists, ndarray, DataFrame, Ratings, RatingCounts or Contingency
        Coders x units (``None``/NaN missing), a count table (:func:`~hrp_coding.agreement.from_counts`, where
        the coefficient does not need coder identities) or a two-coder contingency table
        (:func:`~hrp_coding.agreement.from_contingency`).
    categories : sequence, optional
        Every possible category, in order (default: the labels seen, sorted).
    weights : None, str or array-like
        ``None``/``"identity"``, ``"linear"``, ``"quadratic"``, ``"ordinal"``, ``"ratio"`` or a q x q matrix
        of agreement weights in [0, 1] (see :func:`~hrp_coding.agreement.weight_matrix`).
    se : "auto", "bootstrap" or None
        ``"auto"``: {variance}; ``"bootstrap"``: seeded unit bootstrap; ``None``: no standard error.
    n_boot : int
        Bootstrap replicates.
    seed : int, optional
        Seed of the bootstrap.
    confidence : float
        Level of the interval (printed as it is, e.g. ``80% CI``).

    Returns
    -------
    AgreementResult
        ``value``, ``observed``, ``expected``, ``se``, ``ci``, counts and notes.
"""
_GWET = "Gwet's linearisation, t interval"


def _coefficient(name: str, doc: str, variance: str = _GWET):
    spec = SPECS[name]

    def coefficient(ratings, *, categories=None, weights=None, se="auto", n_boot=1000, seed=None,
                    confidence=0.95) -> AgreementResult:
        return run(spec, ratings, categories=categories, weights=weights, se=se, n_boot=n_boot, seed=seed,
                   confidence=confidence)

    head, _, examples = doc.partition("    Examples\n")
    coefficient.__name__ = coefficient.__qualname__ = name
    params = _PARAMETERS.replace("{variance}", variance).lstrip("\n")
    coefficient.__doc__ = head + params + "\n    Examples\n" + examples
    coefficient.spec = spec
    return coefficient


percent_agreement = _coefficient("percent_agreement", """Percent (observed) agreement, weighted when ``weights``
    is given (Gwet 2014, eq. 2.9 and 3.5).

    ``p_a = (1/n2) sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))`` with
    ``r*_ik = sum_l w_kl r_il``. For two coders and no weights this is the share of units on which they agree.
    ``expected`` is 0 and ``value == observed``.

    Examples
    --------
    >>> percent_agreement([[1, 2, 3, 3], [1, 2, 3, 4]]).value
    0.75
""")

fleiss_kappa = _coefficient("fleiss_kappa", """Fleiss' kappa (Fleiss 1971), in Gwet's generalisation to missing
    ratings and weights.

    ``p_e = sum_kl w_kl pi_k pi_l`` with ``pi_k = (1/n) sum_i r_ik / r_i``; units with a single rating count
    for ``pi`` but not for ``p_a`` (Gwet 2014, ch. 2-3; irrCAC ``fleiss.kappa.raw``). With complete data and
    no weights this is exactly Fleiss (1971).

    Examples
    --------
    >>> round(fleiss_kappa([[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]]).value, 4)
    0.5294
""")

gwet_ac1 = _coefficient("gwet_ac1", """Gwet's AC1 (Gwet 2008), or AC2 when ``weights`` is given (Gwet 2014, ch. 4).

    ``p_e = T_w / (q (q - 1)) * sum_k pi_k (1 - pi_k)``, ``T_w = sum_kl w_kl``.
    The coefficient name in the result is ``"gwet_ac1"`` or ``"gwet_ac2"``.

    Examples
    --------
    >>> round(gwet_ac1([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6712
""")

brennan_prediger = _coefficient("brennan_prediger", """Brennan & Prediger's (1981) coefficient:
    ``p_e = T_w / q^2`` (``1/q`` unweighted).

    Unused categories passed in ``categories`` change ``q`` and so the value: give the full list. With two
    categories and no weights it is the prevalence- and bias-adjusted kappa, PABAK (Byrt, Bishop & Carlin 1993).

    Examples
    --------
    >>> round(brennan_prediger([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6667
""")

conger_kappa = _coefficient("conger_kappa", """Conger's (1980) kappa: Fleiss' ``p_a`` with the mean of the
    pairwise Cohen chance terms.

    ``p_gk = n_gk / n_g`` (coder g's share of category k among the units g rated),
    ``p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r)``, ``s2_kl`` the covariance of ``p_gk`` over the ``r``
    coders (Gwet 2014; irrCAC ``conger.kappa.raw``). With two coders and complete data it is Cohen's kappa.

    Examples
    --------
    >>> round(conger_kappa([[1, 2, 3, 3], [1, 2, 3, 4], [1, 2, 2, 3]]).value, 4)
    0.5429
""")

cohen_kappa = _coefficient("cohen_kappa", """Cohen's (1960) kappa, weighted kappa (Cohen 1968) when ``weights``
    is given; exactly two coders.

    ``p_a = sum_kl w_kl p_kl``, ``p_e = sum_kl w_kl p_k. p_.l`` over the units rated by both coders (units
    rated by one coder only are left out, with a note); asymmetric weights are used as given. Accepts a
    contingency table via :func:`~hrp_coding.agreement.from_contingency`. The interval is not capped at 1,
    as SAS ``PROC FREQ`` and statsmodels report it. (For Gwet's treatment of units rated by one coder, use
    ``conger_kappa``.)

    Examples
    --------
    >>> round(cohen_kappa([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6667
    >>> round(cohen_kappa([[1, 2, 3, 3], [1, 2, 3, 4]], weights="linear", categories=[1, 2, 3, 4]).value, 4)
    0.7778
""", variance="Fleiss, Cohen & Everitt (1969) large-sample SE, normal interval")

scott_pi = _coefficient("scott_pi", """Scott's (1955) pi for two coders: ``p_e = sum_kl w_kl pi_k pi_l``,
    ``pi_k = (p_k. + p_.k)/2``.

    Computed over the units rated by both coders; there it equals :func:`fleiss_kappa` (its generalisation),
    value and SE: the SE follows the raw-data rule (denominator ``n (n - 1)``), the table rule only for a
    contingency table (irrCAC ``scott``).

    Examples
    --------
    >>> round(scott_pi([[1, 2, 3, 3], [1, 2, 3, 4]]).value, 4)
    0.6522
""")


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
    ratings : list of lists, ndarray, DataFrame, Ratings, RatingCounts or Contingency
        Coders x units (``None``/NaN missing), e.g. a float array with NaN for missing.
    categories : sequence, optional
        Every possible category, in order.
    level : str, array-like or callable
        ``"nominal"``, ``"ordinal"``, ``"interval"``, ``"ratio"``, a q x q distance matrix or ``distance(a, b)``.
    se : "auto", "bootstrap", "krippendorff" or None
        ``"auto"``: Gwet's linearisation (irrCAC ``krippen.alpha.raw``); ``"bootstrap"``: unit-level
        bootstrap; ``"krippendorff"``: Krippendorff's bootstrap of the coincidences (D_e fixed, as many pairs
        as the data have; see :func:`~hrp_coding.agreement.variance.krippendorff_bootstrap`); ``None``: the
        value only (fastest).
    n_boot, seed : int
        Bootstrap replicates and seed.
    confidence : float
        Level of the interval.

    Returns
    -------
    AgreementResult

    Examples
    --------
    >>> round(krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="interval").value, 4)
    0.8889
    """
    return run(SPECS["krippendorff_alpha"], ratings, categories=categories, weights=level, se=se, n_boot=n_boot,
               seed=seed, confidence=confidence)


krippendorff_alpha.spec = SPECS["krippendorff_alpha"]
