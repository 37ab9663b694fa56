"""Published reliability values, reproduced with their sources.

Each number sits next to the publication (and page or table) it comes from. Where a publication prints
rounded values we test to its precision; where a reference implementation prints more digits (irrCAC,
the Python port of Gwet's R package that ships his Handbook's datasets; SAS PROC FREQ as reproduced in
statsmodels' tests) we test to those digits. Every dataset below was also cross-checked against the
`krippendorff`, `irrCAC` and `statsmodels` packages at development time (see benchmarks/bench_agreement.py
for the large-scale comparison).
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from hrp_coding import agreement as ag

nan = math.nan

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", Annenberg School for Communication,
# section C: 4 observers x 12 units, values 1-5, with missing data (rows are observers A-D).
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, nan, nan, nan],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nan, 3],
    [nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nan],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nan],
]

# Hayes & Krippendorff (2007), "Answering the call for a standard reliability measure for coding data",
# Communication Methods and Measures 1(1), Table 1: 5 observers x 40 news articles, tone 0-3.
HK2007 = np.array([
    [1, 1, 2, nan, 0, 0, 1, 1, 2, 2, nan, 0, 1, 3, 1, 1, 2, 1, 1, 0, 0, 0, 2, 0, 1, 0, 0, 1, 1, 1, 1, 2, 2, 3, 2, 2,
     2, 2, 2, 1],
    [1, 1, 3, 0, 0, 0, 0, nan, 2, 1, 1, 0, 2, 3, 1, 1, 1, 2, 1, 0, 0, 0, 3, 0, 2, 1, 0, 2, 1, 1, 1, 1, 2, 2, 2, 2,
     2, 2, 2, 1],
    [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1, 1, 2, 3, 0, 0, 1, nan, 3, 0, nan, 1, 0, 1, 2, 2, 0, 2, nan, 2, 2,
     3, 2, nan, 2, 1],
    [nan, 1, 3, nan, nan, nan, nan, 0, nan, 1, 0, 0, 2, 2, nan, nan, nan, 3, 1, nan, 1, 0, 3, 0, 2, 1, 1, 2, 2, nan,
     nan, 1, 2, 2, nan, nan, nan, 1, 2, nan],
    [2, nan, nan, 0, 0, 0, 1, nan, 2, nan, nan, nan, nan, 3, 1, 1, 2, nan, nan, 0, nan, 0, nan, nan, 2, nan, 0, nan,
     nan, 2, 0, nan, 2, nan, 2, 2, 2, 2, nan, 1],
])

# Fleiss (1971), "Measuring nominal scale agreement among many raters", Psychological Bulletin 76(5),
# Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (1 depression, 2 personality disorder,
# 3 schizophrenia, 4 neurosis, 5 other); units x raters as transcribed in statsmodels' tests.
FLEISS1971 = np.array([
    [4, 4, 4, 4, 4, 4], [2, 2, 2, 5, 5, 5], [2, 3, 3, 3, 3, 5], [5, 5, 5, 5, 5, 5], [2, 2, 2, 4, 4, 4],
    [1, 1, 3, 3, 3, 3], [3, 3, 3, 3, 5, 5], [1, 1, 3, 3, 3, 4], [1, 1, 4, 4, 4, 4], [5, 5, 5, 5, 5, 5],
    [1, 4, 4, 4, 4, 4], [1, 2, 4, 4, 4, 4], [2, 2, 2, 3, 3, 3], [1, 4, 4, 4, 4, 4], [2, 2, 4, 4, 4, 5],
    [3, 3, 3, 3, 3, 5], [1, 1, 1, 4, 5, 5], [1, 1, 1, 1, 1, 2], [2, 2, 4, 4, 4, 4], [1, 3, 3, 5, 5, 5],
    [5, 5, 5, 5, 5, 5], [2, 4, 4, 4, 4, 4], [2, 2, 4, 5, 5, 5], [1, 1, 4, 4, 4, 4], [1, 4, 4, 4, 4, 5],
    [2, 2, 2, 2, 2, 4], [1, 1, 1, 1, 5, 5], [2, 2, 4, 4, 4, 4], [1, 3, 3, 3, 3, 3], [5, 5, 5, 5, 5, 5],
])

# Gwet (2014), Handbook of Inter-Rater Reliability, 4th ed.: the 4 raters x 12 units example (Krippendorff's
# data), shipped as irrCAC.datasets.raw_4raters (units x raters there). Gwet puts the single rating of unit 12
# under rater 3 (Krippendorff: observer B); alpha does not care, Conger's kappa does.
GWET_RAW4 = np.array(K2011, dtype=float)
GWET_RAW4[1, 11], GWET_RAW4[2, 11] = nan, 3.0


# ------------------------------------------------------------------------------ Krippendorff's alpha

@pytest.mark.parametrize(("level", "published"), [
    ("nominal", 0.743),   # Krippendorff (2011), section C, p. 4: alpha_nominal = .743
    ("ordinal", 0.815),   # Krippendorff (2011), section D (ordinal metric), p. 6: alpha_ordinal = .815
    ("interval", 0.849),  # Krippendorff (2011), section E (interval metric), p. 7: alpha_interval = .849
    ("ratio", 0.797),     # Krippendorff (2011), section F (ratio metric), p. 8: alpha_ratio = .797
])
def test_krippendorff_2011_four_levels(level, published):
    res = ag.krippendorff_alpha(K2011, level=level)
    assert round(res.value, 3) == published
    assert res.n_units == 12  # unit 12 has a single value: rated, but not pairable
    assert res.n_pairable == 11
    assert res.n_coders == 4


def test_krippendorff_2011_unit_with_single_value_counts_as_rated_not_pairable():
    # Krippendorff (2011), section C: unit 12 carries one value only and drops out of the coincidences
    res = ag.krippendorff_alpha(K2011)
    assert (res.n_units, res.n_pairable) == (12, 11)
    assert res.value == ag.krippendorff_alpha([row[:11] for row in K2011]).value
    ratings = ag.as_ratings(K2011)
    assert (ratings.codes[:, 11] >= 0).sum() == 1


def test_krippendorff_2011_binary_two_observers():
    # Krippendorff (2011), section A, p. 2: two observers, 10 units, binary data: alpha = .095
    res = ag.krippendorff_alpha([[0, 1, 0, 0, 0, 0, 0, 0, 1, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]])
    assert round(res.value, 3) == 0.095


@pytest.mark.parametrize(("level", "published"), [
    ("ordinal", 0.7598),  # Hayes & Krippendorff (2007), p. 86: ordinal alpha = .7598 for the Table 1 data
])
def test_hayes_krippendorff_2007(level, published):
    res = ag.krippendorff_alpha(HK2007, level=level)
    assert round(res.value, 4) == published
    assert res.n_units == 40 and res.n_coders == 5


def test_hayes_krippendorff_2007_other_levels_match_krippendorff_package():
    # the paper reports the ordinal value; the other levels are checked against `krippendorff` 0.8
    # (values recorded here): nominal .47651, interval .75738, ratio .66212
    got = {lv: ag.krippendorff_alpha(HK2007, level=lv).value for lv in ("nominal", "interval", "ratio")}
    assert got["nominal"] == pytest.approx(0.47650956741865835, abs=1e-12)
    assert got["interval"] == pytest.approx(0.7573782771535582, abs=1e-12)
    assert got["ratio"] == pytest.approx(0.6621229661759854, abs=1e-12)


# ------------------------------------------------------------------------------------ Fleiss (1971)

def test_fleiss_1971_raw():
    # Fleiss (1971), p. 380 (worked example on Table 1): kappa = .430 (R irr::kappam.fleiss: 0.4302445)
    res = ag.fleiss_kappa(FLEISS1971.T)
    assert round(res.value, 3) == 0.430
    assert res.value == pytest.approx(0.4302445, abs=1e-7)
    assert res.n_units == 30 and res.n_coders == 6


def test_fleiss_1971_from_count_table():
    counts = np.stack([np.count_nonzero(np.equal(FLEISS1971, k), axis=1) for k in range(1, 6)], axis=1)
    res = ag.fleiss_kappa(ag.from_counts(counts, categories=[1, 2, 3, 4, 5]))
    assert res.value == pytest.approx(0.4302445, abs=1e-7)
    # Scott-type coefficients from the same counts agree with the raw input
    for func in (ag.gwet_ac1, ag.brennan_prediger, ag.krippendorff_alpha, ag.percent_agreement):
        assert float(func(ag.from_counts(counts))) == pytest.approx(float(func(FLEISS1971.T)), abs=1e-12)


# -------------------------------------------------------------------------------------- Cohen (1960)

def test_cohen_1960():
    # Cohen (1960), Educational and Psychological Measurement 20(1), Table 1, p. 40: 200 cases, 3 categories;
    # p_o = .70, p_c = .41, kappa = .49 (the margins .60/.30/.10 and .50/.30/.20 and the diagonal 88/40/12)
    table = [[88, 14, 18], [10, 40, 10], [2, 6, 12]]
    res = ag.cohen_kappa(ag.from_contingency(table))
    assert res.observed == pytest.approx(0.70)
    assert res.expected == pytest.approx(0.41)
    assert round(res.value, 2) == 0.49
    assert res.n_units == 200


# SAS/STAT PROC FREQ (AGREE option) printout for the 3 x 3 table [[0, 4, 1], [0, 8, 0], [0, 1, 5]],
# as reproduced in statsmodels' test_inter_rater.py (TestUnweightedCohens / TestWeightedCohens).
SAS_TABLE = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]


def test_cohen_fleiss_cohen_everitt_ase_unweighted():
    # SAS: Kappa 0.4842, ASE 0.1380, 95% CI 0.2137 to 0.7547 (FCE 1969 non-null ASE, normal CI)
    res = ag.cohen_kappa(ag.from_contingency(SAS_TABLE))
    assert round(res.value, 4) == 0.4842
    assert round(res.se, 4) == 0.1380
    assert [round(x, 4) for x in res.ci] == [0.2137, 0.7547]
    assert res.se_method == "fleiss-cohen-everitt"


def test_cohen_fleiss_cohen_everitt_ase_weighted():
    # SAS: Weighted Kappa (Cicchetti-Allison = linear weights) 0.4701, ASE 0.1457, 95% CI 0.1845 to 0.7558
    res = ag.cohen_kappa(ag.from_contingency(SAS_TABLE), weights="linear")
    assert round(res.value, 4) == 0.4701
    assert round(res.se, 4) == 0.1457
    assert [round(x, 4) for x in res.ci] == [0.1845, 0.7558]


# ------------------------------------------------------------------------- Gwet's Handbook (irrCAC)

@pytest.mark.parametrize(("func", "weights", "value", "se", "ci", "pa", "pe"), [
    # Gwet (2014), Handbook 4th ed., ch. 2-5, 4 raters x 12 units; irrCAC docs (raw.py module docstring):
    (ag.gwet_ac1, None, 0.77544, 0.14295, (0.46081, 1.0), 0.81818, 0.19032),
    (ag.fleiss_kappa, None, 0.76117, 0.15302, (0.42438, 1.0), 0.81818, 0.23872),
    # same data, irrCAC CAC.conger()/bp()/krippendorff() output:
    (ag.conger_kappa, None, 0.76282, 0.14917, (0.4345, 1.0), 0.81818, 0.23343),
    (ag.brennan_prediger, None, 0.77273, 0.14472, (0.45421, 1.0), 0.81818, 0.2),
    # quadratic weights (AC2 etc.), irrCAC CAC(weights="quadratic"):
    (ag.gwet_ac1, "quadratic", 0.914, 0.10396, (0.68518, 1.0), 0.97538, 0.7137),
    (ag.fleiss_kappa, "quadratic", 0.86494, 0.14603, (0.54352, 1.0), 0.97538, 0.81771),
    (ag.conger_kappa, "quadratic", 0.85771, 0.14367, (0.54149, 1.0), 0.97538, 0.82696),
    (ag.brennan_prediger, "quadratic", 0.90152, 0.11089, (0.65744, 1.0), 0.97538, 0.75),
    # linear and ordinal weights (irrCAC):
    (ag.gwet_ac1, "linear", 0.85874, 0.11733, (0.6005, 1.0), 0.93939, 0.57096),
    (ag.fleiss_kappa, "ordinal", 0.85021, 0.14704, (0.52658, 1.0), 0.96818, 0.78759),
    (ag.conger_kappa, "ratio", 0.81197, 0.1486, (0.4849, 1.0), 0.95411, 0.75598),
])
def test_gwet_handbook_raw_4raters(func, weights, value, se, ci, pa, pe):
    res = func(GWET_RAW4, weights=weights)
    assert round(res.value, 5) == pytest.approx(value, abs=1e-12)
    assert round(res.se, 5) == pytest.approx(se, abs=1e-12)
    assert round(res.ci[0], 5) == pytest.approx(ci[0], abs=1e-12)
    assert res.ci[1] == ci[1]
    assert round(res.observed, 5) == pytest.approx(pa, abs=1e-12)
    assert round(res.expected, 5) == pytest.approx(pe, abs=1e-12)
    assert res.se_method == "gwet-linearisation"


@pytest.mark.parametrize(("level", "value", "se", "ci_low"), [
    # Gwet (2014) / irrCAC CAC.krippendorff(): alpha with its linearised SE on the same data
    ("nominal", 0.74342, 0.14557, 0.41906),
    ("interval", 0.84911, 0.12913, 0.56139),  # = irrCAC with quadratic weights
    ("ratio", 0.7974, 0.14048, 0.48439),  # = irrCAC with ratio weights
])
def test_gwet_handbook_alpha_with_se(level, value, se, ci_low):
    res = ag.krippendorff_alpha(GWET_RAW4, level=level)
    assert round(res.value, 5) == pytest.approx(value, abs=1e-12)
    assert round(res.se, 5) == pytest.approx(se, abs=1e-12)
    assert round(res.ci[0], 5) == pytest.approx(ci_low, abs=1e-12)


# Gwet (2014), Handbook 4th ed., ch. 2: 100 pregnant women classified by two abstractors
# (irrCAC.datasets.table_cont3x3abstractors; rows abstractor 1). irrCAC.table.CAC output.
ABSTRACTORS = pd.DataFrame([[13, 0, 0], [0, 20, 7], [0, 4, 56]], index=["Ectopic", "AIU", "NIU"],
                           columns=["Ectopic", "AIU", "NIU"])


@pytest.mark.parametrize(("func", "value", "se"), [
    (ag.cohen_kappa, 0.79641, 0.05891),
    (ag.scott_pi, 0.79624, 0.05905),
    (ag.gwet_ac1, 0.84933, 0.04322),
    (ag.brennan_prediger, 0.835, 0.04693),
    (ag.krippendorff_alpha, 0.79726, 0.05905),
    (ag.percent_agreement, 0.89, 0.03129),
])
def test_gwet_handbook_contingency_table(func, value, se):
    res = func(ag.from_contingency(ABSTRACTORS))
    assert round(res.value, 5) == pytest.approx(value, abs=1e-12)
    assert round(res.se, 5) == pytest.approx(se, abs=1e-12)
    assert res.categories == ("Ectopic", "AIU", "NIU")
    assert res.n_units == 100


def test_reference_packages_agree_when_installed():
    """Live cross-check against the reference packages (installed by the test extra)."""
    import krippendorff as krippendorff
    rng = np.random.default_rng(7)
    data = rng.integers(1, 6, size=(4, 200)).astype(float)
    data[rng.random(data.shape) < 0.15] = np.nan
    for level in ("nominal", "ordinal", "interval", "ratio"):
        ref = krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        assert ag.krippendorff_alpha(data, level=level).value == pytest.approx(ref, abs=1e-12)
    import sklearn.metrics as sklearn_metrics
    both = ~np.isnan(data[:2]).any(axis=0)
    for w in (None, "linear", "quadratic"):
        ref = sklearn_metrics.cohen_kappa_score(data[0, both], data[1, both], weights=w)
        assert ag.cohen_kappa(data[:2], weights=w).value == pytest.approx(ref, abs=1e-12)


IRRCAC_DATASETS = ["raw_4raters", "raw_5observers", "raw_gender", "raw_g1g2", "raw_ben_gerry"]
# irrCAC's ratio weights need numeric, non-zero categories: of its datasets only raw_4raters has them
# (raw_5observers has a 0 category; the others are labels).
IRRCAC_CASES = [(dataset, weights) for dataset in IRRCAC_DATASETS
                for weights in ("identity", "quadratic", "linear", "ordinal", "ratio")
                if weights != "ratio" or dataset == "raw_4raters"]


@pytest.mark.parametrize(("dataset", "weights"), IRRCAC_CASES)
def test_irrcac_datasets_live(dataset, weights):
    """Every irrCAC example dataset (Gwet's Handbook) x weights: value, p_a, p_e and SE to 1e-9."""
    import irrCAC.datasets as datasets
    import irrCAC.raw as irrcac_raw
    frame = getattr(datasets, dataset)().reset_index(drop=True)
    numeric = all(pd.api.types.is_numeric_dtype(t) for t in frame.dtypes)
    if numeric:
        ours_input = frame.T.to_numpy(dtype=float)
    else:
        ours_input = frame.T.astype(object).where(frame.T.notna(), None)
    cac = irrcac_raw.CAC(frame.copy(), weights=weights, digits=15)
    w = None if weights == "identity" else weights
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pairs = [(cac.fleiss, ag.fleiss_kappa), (cac.gwet, ag.gwet_ac1), (cac.bp, ag.brennan_prediger),
                 (cac.conger, ag.conger_kappa)]
        for ref_method, ours in pairs:
            ref = ref_method()["est"]
            got = ours(ours_input, weights=w)
            assert got.value == pytest.approx(ref["coefficient_value"], abs=1e-9), ours.__name__
            assert got.observed == pytest.approx(ref["pa"], abs=1e-9), ours.__name__
            assert got.expected == pytest.approx(ref["pe"], abs=1e-9), ours.__name__
            assert got.se == pytest.approx(ref["se"], abs=1e-9), ours.__name__
        level = {"identity": "nominal", "quadratic": "interval", "ratio": "ratio"}.get(weights)
        if level is not None and (numeric or level == "nominal"):
            # irrCAC's alpha with identity/quadratic/ratio weights is Krippendorff's nominal/interval/ratio alpha
            ref = cac.krippendorff()["est"]
            got = ag.krippendorff_alpha(ours_input, level=level)
            assert got.value == pytest.approx(ref["coefficient_value"], abs=1e-9)
            assert got.se == pytest.approx(ref["se"], abs=1e-9)
