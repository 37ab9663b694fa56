"""Inter-rater reliability: every standard coefficient, exactly as published.

Ratings are coders x units (list of lists, ndarray, DataFrame with coders as rows, or a
:class:`Ratings` built by :func:`as_ratings` / :func:`ratings_from_long`); ``None``, NaN and ``pd.NA``
are missing. Labels are encoded once to integer codes; all coefficients finish in
categories x categories space (see ``docs/agreement.md`` for formulas and citations).

Degenerate-case policy (the same for every coefficient)
--------------------------------------------------------
Every case below issues a :class:`~hrp_coding.errors.DegenerateAgreementWarning` and returns the
value in the table, or raises :class:`~hrp_coding.errors.AgreementError`; never a crash, never a
silent NaN. The reason is also recorded in ``result.notes``.

=============================================  ==============================================================
case                                           outcome
=============================================  ==============================================================
no units / no ratings at all                   AgreementError ("no ratings")
fewer than two coders (after dropping coders   AgreementError ("needs at least two coders"); Cohen's kappa
with no rating)                                requires exactly two and raises otherwise
no pairable unit (no unit with >= 2 ratings)   AgreementError ("no pairable unit")
only one category (given or observed), or all  warning; value = 1.0 when observed agreement is perfect
ratings identical (no variation), so expected  (observed == expected == 1), se = 0, ci = (1, 1);
agreement is 1 and the ratio is 0/0            percent_agreement simply returns 1.0 without warning
expected agreement == 1 but observed < 1       (only possible with custom weights/distances) warning; value
                                               = observed - expected (<= 0), se = None
Brennan-Prediger with one category             as "only one category" (expected = 1/q = 1)
=============================================  ==============================================================

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
