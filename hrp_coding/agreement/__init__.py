"""Inter-rater reliability: every standard coefficient, exactly as published.

Ratings are coders x units (list of lists, ndarray, DataFrame with coders as rows, or a
:class:`Ratings` built by :func:`as_ratings` / :func:`ratings_from_long`); ``None``, NaN and ``pd.NA``
are missing. Labels are encoded once to integer codes; all coefficients finish in
categories x categories space (see ``docs/agreement.md`` for formulas and citations).

Degenerate-case policy (the same for every coefficient)
--------------------------------------------------------
Every coefficient is ``(p_a - p_e) / (1 - p_e)``. When that ratio is undefined the functions below
follow one table: they either raise :class:`~hrp_coding.errors.AgreementError` (nothing sensible can be
said) or return a defined value with a :class:`~hrp_coding.errors.DegenerateAgreementWarning`, the reason
also recorded in ``result.notes``. Never a crash, never a silent NaN or 0.

==========================================  =================================================================
case                                        outcome
==========================================  =================================================================
no rating at all (every cell missing)       AgreementError "no ratings"
one coder (fewer than two coders with a     AgreementError "needs at least two coders"; ``cohen_kappa`` and
rating)                                     ``scott_pi`` need exactly two ("needs exactly two coders")
no pairable unit (no unit rated by two      AgreementError "no pairable unit"
coders; for Cohen/Scott: by both)
one category, or no variation (every        ``p_e = 1`` and ``p_a = 1``: DegenerateAgreementWarning, value
rating in the same category), so that       **1.0** (perfect agreement), ``se = None``, ``ci = None``. This
chance agreement is 1                       hits Cohen, Scott, Fleiss, Conger and alpha whenever all ratings
                                            are identical; AC1/AC2 and Brennan-Prediger only when there is a
                                            single category (with more categories given, their chance term
                                            stays below 1 and they return a regular 1.0 with its SE)
``p_e = 1`` but ``p_a < 1``                 AgreementError naming the weights (only reachable with custom
                                            weights or distances)
percent agreement                           never degenerate: ``p_e = 0`` by definition
fewer than two units carry the estimate     value as usual, ``se = None`` and a note
coders or units without any rating          ignored, with a note (they carry no information)
==========================================  =================================================================

Examples
--------
>>> from hrp_coding import agreement as ag
>>> r = ag.krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]], level="nominal")
>>> round(r.value, 4)
0.6957
"""

from __future__ import annotations

from .coefficients import (
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    krippendorff_alpha,
    percent_agreement,
    scott_pi,
)
from .compat import AtlasTiResult, CompatResult, atlas_ti_alpha, dedoose_kappa, maxqda_agreement, nvivo_kappa
from .ratings import Contingency, RatingCounts, Ratings, as_ratings, from_contingency, from_counts, ratings_from_long
from .report import AgreementReport, jaccard_distance, masi_distance, report
from .result import AgreementResult
from .unitized import UnitizedAlphaResult, UnitizedFamilyResult, unitized_alpha, unitized_alpha_family
from .variance import bootstrap_se
from .weights import LEVELS, WEIGHT_KINDS, metric_distance, weight_matrix

__all__ = [
    "LEVELS",
    "WEIGHT_KINDS",
    "AgreementReport",
    "AgreementResult",
    "AtlasTiResult",
    "CompatResult",
    "Contingency",
    "RatingCounts",
    "Ratings",
    "UnitizedAlphaResult",
    "UnitizedFamilyResult",
    "as_ratings",
    "atlas_ti_alpha",
    "bootstrap_se",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "dedoose_kappa",
    "fleiss_kappa",
    "from_contingency",
    "from_counts",
    "gwet_ac1",
    "jaccard_distance",
    "krippendorff_alpha",
    "masi_distance",
    "maxqda_agreement",
    "metric_distance",
    "nvivo_kappa",
    "percent_agreement",
    "ratings_from_long",
    "report",
    "scott_pi",
    "unitized_alpha",
    "unitized_alpha_family",
    "weight_matrix",
]
