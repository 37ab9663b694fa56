"""Input normalisation, bad input, degenerate cases and the result object of hrp_coding.agreement."""

from __future__ import annotations

import dataclasses
import math
import warnings

import numpy as np
import pandas as pd
import pytest

from hrp_coding import agreement as ag
from hrp_coding.agreement import engine as coef
from hrp_coding.errors import AgreementError, DegenerateAgreementWarning

ALL = [ag.percent_agreement, ag.cohen_kappa, ag.scott_pi, ag.fleiss_kappa, ag.conger_kappa, ag.gwet_ac1,
       ag.brennan_prediger, ag.krippendorff_alpha]
MULTI = [ag.percent_agreement, ag.fleiss_kappa, ag.conger_kappa, ag.gwet_ac1, ag.brennan_prediger,
         ag.krippendorff_alpha]
CHANCE = [f for f in ALL if f is not ag.percent_agreement]

TWO = [["yes", "no", "yes", "yes", "no", "yes"], ["yes", "no", "no", "yes", "no", "yes"]]


# ------------------------------------------------------------------------------------ input shapes

def test_list_ndarray_and_dataframe_agree():
    arr = np.array([[1, 2, 3, 3, 1], [1, 2, 3, 4, 1], [1, 2, 2, 3, np.nan]])
    df = pd.DataFrame(arr, index=["ana", "ben", "caro"], columns=[f"s{i}" for i in range(5)])
    lists = [[1, 2, 3, 3, 1], [1, 2, 3, 4, 1], [1, 2, 2, 3, None]]
    for f in MULTI:
        a, b, c = f(arr), f(df), f(lists)
        assert a.value == b.value == c.value
        assert a.se == b.se == c.se


def test_none_nan_and_pd_na_are_all_missing():
    base = [["a", "b", "a", None], ["a", "b", "b", "a"]]
    with_nan = [["a", "b", "a", math.nan], ["a", "b", "b", "a"]]
    with_na = pd.DataFrame([["a", "b", "a", pd.NA], ["a", "b", "b", "a"]])
    nullable = pd.DataFrame({"u1": pd.array([1, 1], dtype="Int64"), "u2": pd.array([2, pd.NA], dtype="Int64"),
                             "u3": pd.array([1, 2], dtype="Int64")})
    values = {ag.krippendorff_alpha(x).value for x in (base, with_nan, with_na)}
    assert len(values) == 1
    r = ag.as_ratings(nullable)
    assert r.codes.tolist() == [[0, 1, 0], [0, -1, 1]]
    assert r.categories == (1, 2)


def test_labels_are_encoded_once_and_kept_as_labels():
    r = ag.as_ratings([[1.0, 2.0, 10.0], [2, 2, None]])
    assert r.categories == (1, 2, 10)
    assert all(type(c) is int for c in r.categories)
    assert r.codes.dtype == np.int32
    assert not r.codes.flags.writeable
    assert ag.as_ratings(r) is r  # a Ratings passes through untouched
    s = ag.as_ratings([["low", "high"], ["mid", "high"]], categories=["low", "mid", "high"])
    assert s.codes.tolist() == [[0, 2], [1, 2]]
    assert s.to_frame().loc[1, 0] == "mid"


def test_non_integral_and_large_numeric_labels():
    r = ag.as_ratings([[0.5, 1.25, 1e9], [0.5, 1e9, None]])
    assert r.categories == (0.5, 1.25, 1_000_000_000)
    assert r.codes.tolist() == [[0, 1, 2], [0, 2, -1]]


def test_unused_categories_still_count():
    data = [[1, 2, 3, 3], [1, 2, 3, 2]]
    bp3 = ag.brennan_prediger(data)
    bp5 = ag.brennan_prediger(data, categories=[1, 2, 3, 4, 5])
    assert bp3.expected == pytest.approx(1 / 3) and bp5.expected == pytest.approx(1 / 5)
    assert bp5.value == pytest.approx((0.75 - 0.2) / 0.8)
    assert bp5.categories == (1, 2, 3, 4, 5)
    # weighted kappa: the weights depend on the full scale (irr::kappa2 silently drops unused levels);
    # an unused level inside an ordered label scale shifts the ranks the weights are computed from
    scale = ["none", "low", "some", "high"]
    labels = [["none", "low", "high", "high", "none"], ["none", "high", "high", "low", "low"]]
    used_only = ag.cohen_kappa(labels, weights="quadratic", categories=["none", "low", "high"])
    full = ag.cohen_kappa(labels, weights="quadratic", categories=scale)
    assert used_only.value != pytest.approx(full.value)
    w = ag.weight_matrix("quadratic", scale)
    assert full.observed == pytest.approx((1 + w[1, 3] + 1 + w[3, 1] + w[0, 1]) / 5)


def test_category_order_matters_for_weights_not_for_nominal():
    data = [["low", "mid", "high", "high"], ["low", "high", "high", "mid"]]
    ordered = ag.cohen_kappa(data, weights="linear", categories=["low", "mid", "high"])
    alphabetical = ag.cohen_kappa(data, weights="linear")  # high < low < mid
    assert ordered.value != alphabetical.value
    assert ag.cohen_kappa(data, categories=["low", "mid", "high"]).value == ag.cohen_kappa(data).value


def test_mixed_unorderable_labels_keep_first_appearance_order():
    r = ag.as_ratings([[1, "a"], ["a", 1]])
    assert r.categories == (1, "a")


def test_ratings_recoded_against_a_larger_category_list():
    r = ag.as_ratings([[1, 2], [2, 2]])
    wider = ag.as_ratings(r, categories=[0, 1, 2])
    assert wider.codes.tolist() == [[1, 2], [2, 2]]
    with pytest.raises(AgreementError, match=r"labels \[2\] used in the ratings are not in categories"):
        ag.as_ratings(r, categories=[0, 1])


def test_ratings_from_long_builds_the_full_grid():
    long = pd.DataFrame({"seg": ["s1", "s1", "s2", "s3", "s3"], "coder": ["ana", "ben", "ana", "ben", "ana"],
                         "code": ["x", "y", "x", None, "y"]})
    r = ag.ratings_from_long(long, unit="seg", coder="coder", value="code")
    assert r.coders == ("ana", "ben") and r.units == ("s1", "s2", "s3")
    assert r.codes.tolist() == [[0, 0, 1], [1, -1, -1]]
    frame = r.to_frame()
    assert frame.loc["ben", "s2"] is None and frame.loc["ana", "s3"] == "y"


def test_ratings_from_long_errors_name_the_problem():
    long = pd.DataFrame({"seg": ["s1", "s1", "s1", "s2"], "coder": ["ana", "ana", "ben", "ben"], "code": [1, 2, 1, 1]})
    with pytest.raises(AgreementError, match=r"unit 's1', coder 'ana' is rated more than once"):
        ag.ratings_from_long(long, unit="seg", coder="coder", value="code")
    with pytest.raises(AgreementError, match=r"value='label'"):
        ag.ratings_from_long(long, unit="seg", coder="coder", value="label")
    bad = pd.DataFrame({"seg": ["s1", None], "coder": ["ana", "ben"], "code": [1, 1]})
    with pytest.raises(AgreementError, match=r"row 1: unit column 'seg' is missing"):
        ag.ratings_from_long(bad, unit="seg", coder="coder", value="code")
    with pytest.raises(AgreementError, match="needs a DataFrame"):
        ag.ratings_from_long([[1, 2]], unit="a", coder="b", value="c")
    with pytest.raises(AgreementError, match=r"coder 'ana', unit 's1': label 3 is not in categories \[1, 2\]"):
        ag.ratings_from_long(long.drop_duplicates(["seg", "coder"]).assign(code=[3, 1, 1]), unit="seg",
                             coder="coder", value="code", categories=[1, 2])


def test_count_table_input():
    counts = [[2, 0, 0], [0, 2, 0], [1, 1, 0], [0, 1, 1]]
    raw = [[1, 2, 1, 2], [1, 2, 2, 3]]
    for f in (ag.percent_agreement, ag.fleiss_kappa, ag.gwet_ac1, ag.brennan_prediger, ag.krippendorff_alpha):
        a = f(ag.from_counts(counts, categories=[1, 2, 3]))
        b = f(raw)
        assert a.value == pytest.approx(b.value, abs=1e-12), f.__name__
        assert a.se == pytest.approx(b.se, abs=1e-12), f.__name__
    frame = pd.DataFrame(counts, columns=["a", "b", "c"])
    assert ag.from_counts(frame).categories == ("a", "b", "c")
    for f in (ag.cohen_kappa, ag.scott_pi, ag.conger_kappa):
        with pytest.raises(AgreementError, match=r"count table|which coder"):
            f(ag.from_counts(counts))


def test_count_table_errors():
    with pytest.raises(AgreementError, match=r"row 1, column 0: -1.0 is not a non-negative count"):
        ag.from_counts([[1, 1], [-1, 2]])
    with pytest.raises(AgreementError, match="3 columns but 2 categories"):
        ag.from_counts([[1, 1, 0]], categories=["a", "b"])
    with pytest.raises(AgreementError, match="must be 2-D"):
        ag.from_counts([1, 2, 3])
    with pytest.raises(AgreementError, match="numeric counts"):
        ag.from_counts([["a", "b"]])
    with pytest.raises(AgreementError, match="categories= differs"):
        ag.fleiss_kappa(ag.from_counts([[1, 1]]), categories=["x", "y"])


def test_contingency_table_input_and_errors():
    ct = ag.from_contingency([[20, 5], [10, 15]], categories=["yes", "no"])
    raw = [["yes"] * 25 + ["no"] * 25, ["yes"] * 20 + ["no"] * 5 + ["yes"] * 10 + ["no"] * 15]
    for f in ALL:
        assert f(ct).value == pytest.approx(f(raw, categories=["yes", "no"]).value, abs=1e-12), f.__name__
    # proportions work for Cohen and Scott, which only need the table
    proportions = ag.from_contingency([[0.4, 0.1], [0.2, 0.3]])
    assert ag.cohen_kappa(proportions).value == pytest.approx(ag.cohen_kappa(ct).value)
    with pytest.raises(AgreementError, match="whole counts"):
        ag.fleiss_kappa(ag.from_contingency([[0.4, 0.1], [0.2, 0.3]]))
    with pytest.raises(AgreementError, match="must be square"):
        ag.from_contingency([[1, 2, 3], [4, 5, 6]])
    with pytest.raises(AgreementError, match="all zeros"):
        ag.from_contingency([[0, 0], [0, 0]])
    with pytest.raises(AgreementError, match="2 x 2 but 3 categories"):
        ag.from_contingency([[1, 0], [0, 1]], categories=["a", "b", "c"])


def test_inputs_are_never_mutated():
    arr = np.array([[1.0, 2.0, np.nan, 3.0], [1.0, 2.0, 2.0, np.nan]])
    df = pd.DataFrame([["a", None, "b"], ["a", "b", "b"]])
    arr_copy, df_copy = arr.copy(), df.copy()
    for f in ALL:
        f(arr)
        f(df)
    np.testing.assert_array_equal(arr, arr_copy)
    pd.testing.assert_frame_equal(df, df_copy)


# --------------------------------------------------------------------------------------- bad input

@pytest.mark.parametrize(("ratings", "message"), [
    ([[1, 2, 3], [1, 2], [3, 2, 1]], r"coder 1 has 2 ratings, expected 3"),
    ([1, 2, 3], r"row 0 \(coder 0\) is int 1, not a list"),
    (np.array([1, 2, 3]), r"must be 2-D \(coders x units\), got 1-D"),
    (np.zeros((2, 2, 2)), r"got 3-D"),
    (pd.Series([1, 2]), r"ratings is a Series"),
    ("12", r"got str"),
    (42, r"got int"),
    ([], r"no coders"),
    (np.zeros((2, 0)), r"no ratings: shape \(2, 0\)"),
    ([[None, None], [None, None]], r"no ratings: every cell is missing"),
    ([[1, np.inf], [1, 2]], r"coder 0, unit 1: label inf is not finite"),
    (np.array([[1 + 2j, 1], [1, 1]]), r"unsupported dtype complex128"),
])
def test_bad_ratings_are_named(ratings, message):
    with pytest.raises(AgreementError, match=message):
        ag.krippendorff_alpha(ratings)


def test_unknown_labels_name_coder_unit_and_label():
    df = pd.DataFrame([["x", "y", "z"], ["x", "q", "y"]], index=["ana", "ben"], columns=["P01:t1", "P01:t2", "P01:t3"])
    with pytest.raises(AgreementError) as err:
        ag.cohen_kappa(df, categories=["x", "y"])
    text = str(err.value)
    assert "2 problems" in text
    assert "coder 'ana', unit 'P01:t3': label 'z' is not in categories ['x', 'y']" in text
    assert "coder 'ben', unit 'P01:t2': label 'q'" in text
    with pytest.raises(AgreementError, match=r"coder 1, unit 0: label 7 is not in categories \[1, 2\]"):
        ag.fleiss_kappa([[1, 2], [7, 2]], categories=[1, 2])


def test_many_unknown_labels_are_counted_not_all_listed():
    data = np.arange(40, dtype=float).reshape(2, 20) + 10
    with pytest.raises(AgreementError, match=r"40 problems[\s\S]*\.\.\. and 30 more"):
        ag.fleiss_kappa(data, categories=[1, 2])


@pytest.mark.parametrize(("categories", "message"), [
    ([1, 1, 2], r"categories\[1\] = 1 repeats categories\[0\]"),
    ([1, None], r"categories\[1\] is missing"),
    ([], r"categories is empty"),
    ("abc", r"categories must be a list"),
    ([1, float("inf")], r"categories\[1\] = inf is not finite"),
])
def test_bad_categories(categories, message):
    with pytest.raises(AgreementError, match=message):
        ag.fleiss_kappa([[1, 1], [1, 1]], categories=categories)


def test_bad_weights_and_levels():
    data = [[1, 2, 3], [1, 2, 2]]
    with pytest.raises(AgreementError, match=r"weights='cubic' is not allowed; use None, one of"):
        ag.cohen_kappa(data, weights="cubic")
    with pytest.raises(AgreementError, match=r"weights matrix must be 3 x 3 .* got shape \(2, 2\)"):
        ag.fleiss_kappa(data, weights=np.eye(2))
    with pytest.raises(AgreementError, match=r"weights\[0\]\[1\] = 2.0 for categories \(1, 2\)"):
        ag.gwet_ac1(data, weights=[[1, 2, 0], [2, 1, 0], [0, 0, 1]])
    with pytest.raises(AgreementError, match="non-finite entries"):
        ag.gwet_ac1(data, weights=[[1, np.nan, 0], [0, 1, 0], [0, 0, 1]])
    with pytest.raises(AgreementError, match=r"level='cardinal' is not allowed"):
        ag.krippendorff_alpha(data, level="cardinal")
    with pytest.raises(AgreementError, match=r"level='interval' needs numeric categories"):
        ag.krippendorff_alpha([["a", "b"], ["a", "a"]], level="interval")
    with pytest.raises(AgreementError, match=r"level='ratio' needs non-negative categories"):
        ag.krippendorff_alpha([[-1, 2], [-1, -1]], level="ratio")
    with pytest.raises(AgreementError, match=r"distances must be >= 0"):
        ag.krippendorff_alpha(data, level=-np.ones((3, 3)))
    with pytest.raises(AgreementError, match=r"custom distance failed on \(1, 1\)"):
        ag.krippendorff_alpha(data, level=lambda a, b: 1 / 0)
    with pytest.raises(AgreementError, match="ratio weights are undefined"):
        ag.cohen_kappa([[-1, 1], [-1, 1]], weights="ratio")


def test_custom_distance_and_custom_weights():
    data = [[1, 2, 3, 3, 2], [1, 2, 3, 1, 3]]
    by_callable = ag.krippendorff_alpha(data, level=lambda a, b: (a - b) ** 2)
    interval = ag.krippendorff_alpha(data, level="interval")
    assert by_callable.value == pytest.approx(interval.value, abs=1e-12)
    assert by_callable.weights == "custom"
    by_matrix = ag.krippendorff_alpha(data, level=ag.metric_distance("interval", [1, 2, 3]))
    assert by_matrix.value == pytest.approx(interval.value, abs=1e-12)
    w = ag.weight_matrix("quadratic", [1, 2, 3])
    assert ag.cohen_kappa(data, weights=w).value == pytest.approx(ag.cohen_kappa(data, weights="quadratic").value)
    assert ag.cohen_kappa(data, weights=w).weights == "custom"


def test_two_coder_coefficients_need_two_coders():
    three = [[1, 2], [1, 2], [2, 2]]
    for f in (ag.cohen_kappa, ag.scott_pi):
        with pytest.raises(AgreementError, match=r"needs exactly two coders, got 3 \(\[0, 1, 2\]\)"):
            f(three)
    with pytest.raises(AgreementError, match="coder 'ben' has none"):
        ag.cohen_kappa(pd.DataFrame([[1, 2], [None, None]], index=["ana", "ben"]))


def test_se_options():
    data = [[1, 2, 3, 3, 2, 1, 1, 2], [1, 2, 3, 1, 2, 1, 2, 2], [1, 2, 2, 3, 2, 1, 1, 2]]
    with pytest.raises(AgreementError, match=r"se='jackknife' is not allowed; use one of"):
        ag.fleiss_kappa(data, se="jackknife")
    with pytest.raises(AgreementError, match=r"se='krippendorff' is not allowed"):
        ag.cohen_kappa(data[:2], se="krippendorff")
    none = ag.fleiss_kappa(data, se=None)
    assert none.se is None and none.ci is None and none.se_method is None
    for f in ALL:
        sub = data[:2] if f in (ag.cohen_kappa, ag.scott_pi) else data
        a = f(sub, se="bootstrap", n_boot=200, seed=11)
        b = f(sub, se="bootstrap", n_boot=200, seed=11)
        assert a.se == b.se and a.ci == b.ci and a.se_method == "bootstrap", f.__name__
        assert 0 < a.se < 1 and a.ci[0] <= a.ci[1]
    with pytest.raises(AgreementError, match="n_boot must be an integer >= 2"):
        ag.gwet_ac1(data, se="bootstrap", n_boot=1)
    k1 = ag.krippendorff_alpha(data, se="krippendorff", n_boot=500, seed=3)
    k2 = ag.krippendorff_alpha(data, se="krippendorff", n_boot=500, seed=3)
    assert k1.se == k2.se and k1.se_method == "krippendorff-bootstrap" and 0 < k1.se < 1


def test_bootstrap_se_is_close_to_linearised_se_on_larger_data():
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 3, 400)
    data = np.where(rng.random((3, 400)) < 0.7, truth, rng.integers(0, 3, (3, 400)))
    lin = ag.fleiss_kappa(data)
    boot = ag.fleiss_kappa(data, se="bootstrap", n_boot=300, seed=1)
    assert boot.se == pytest.approx(lin.se, rel=0.25)


def test_bootstrap_helper_returns_replicates():
    se, _ci, reps = ag.bootstrap_se(ag.krippendorff_alpha, [[1, 2, 1, 2, 1], [1, 2, 2, 2, 1]], n_boot=50, seed=0,
                                   level="nominal")
    assert reps.shape == (50,)
    assert se == pytest.approx(np.nanstd(reps, ddof=1))


# -------------------------------------------------------------------------------- degenerate cases

@pytest.mark.parametrize("func", ALL)
def test_one_coder_is_an_error(func):
    with pytest.raises(AgreementError, match="two coders"):
        func([[1, 2, 3]])


@pytest.mark.parametrize("func", ALL)
def test_no_pairable_unit_is_an_error(func):
    with pytest.raises(AgreementError, match="no pairable unit"):
        func([[1, None, 2], [None, 2, None]])


@pytest.mark.parametrize("func", ALL)
def test_no_ratings_is_an_error(func):
    with pytest.raises(AgreementError, match="no ratings"):
        func([[None, None], [np.nan, pd.NA]])


@pytest.mark.parametrize("func", CHANCE)
def test_one_category_gives_one_with_a_warning(func):
    with pytest.warns(DegenerateAgreementWarning, match="expected agreement is 1"):
        res = func([["a", "a", "a"], ["a", "a", "a"]])
    assert res.value == 1.0 and res.se is None and res.ci is None
    assert any("degenerate-case policy" in n for n in res.notes)
    assert not math.isnan(res.value)


def test_percent_agreement_is_never_degenerate():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = ag.percent_agreement([["a", "a"], ["a", "a"]])
    assert res.value == 1.0 and res.expected == 0.0


@pytest.mark.parametrize("func", [ag.cohen_kappa, ag.scott_pi, ag.fleiss_kappa, ag.conger_kappa,
                                  ag.krippendorff_alpha])
def test_no_variation_with_more_categories_warns_and_gives_one(func):
    with pytest.warns(DegenerateAgreementWarning):
        res = func([[2, 2, 2], [2, 2, 2]], categories=[1, 2, 3])
    assert res.value == 1.0


@pytest.mark.parametrize("func", [ag.gwet_ac1, ag.brennan_prediger])
def test_no_variation_is_regular_for_ac1_and_bp(func):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = func([[2, 2, 2], [2, 2, 2]], categories=[1, 2, 3])
    assert res.value == 1.0 and res.se == 0.0


def test_expected_one_with_imperfect_agreement_is_an_error():
    with pytest.raises(AgreementError, match=r"expected agreement is 1 but observed agreement is 0\.5"):
        coef._degenerate("fleiss_kappa", coef._Estimate(0.5, 1.0, 1.0, True, {}, []))


def test_single_pairable_unit_has_no_se():
    res = ag.fleiss_kappa([[1], [2]], categories=[1, 2])
    assert res.value == -1.0 and res.se is None and res.ci is None
    assert any("standard error not defined" in n for n in res.notes)
    alpha = ag.krippendorff_alpha([[1, 2, None], [2, None, 3]])
    assert alpha.se is None and any("fewer than two pairable units" in n for n in alpha.notes)


def test_coders_and_units_without_ratings_are_ignored_with_a_note():
    df = pd.DataFrame([[1, 2, None, 1], [1, 2, None, 2], [None, None, None, None]], index=["ana", "ben", "dana"])
    res = ag.fleiss_kappa(df)
    assert res.n_coders == 2 and res.n_units == 3
    assert "coders without any rating were ignored: ['dana']" in res.notes
    assert "1 units without any rating were ignored" in res.notes
    assert res.value == ag.fleiss_kappa(df.iloc[:2, [0, 1, 3]]).value
    assert ag.cohen_kappa(df.iloc[:2]).notes == ()
    assert "1 units rated by only one coder" in ag.cohen_kappa([[1, 2, 1], [1, 2, None]]).notes[0]


# ---------------------------------------------------------------------------------- result object

def test_result_is_frozen_full_precision_and_renders():
    res = ag.krippendorff_alpha([[1, 2, 3, 3], [1, 2, 3, 4]])
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.value = 0.5
    assert float(res) == res.value == pytest.approx(0.6956521739130435, abs=0)
    assert res.level == res.weights == "nominal"
    frame = res.to_frame()
    assert list(frame.index) == ["krippendorff_alpha"]
    assert frame.loc["krippendorff_alpha", "value"] == res.value  # not rounded
    assert {"observed", "expected", "se", "ci_low", "ci_high", "n_units", "n_pairable", "se_method"} <= set(frame)
    text = str(res)
    assert text.startswith("krippendorff_alpha = 0.6957 (SE ")
    assert "4 units, 2 coders" in text
    html = res._repr_html_()
    assert "<table>" in html and "krippendorff_alpha" in html and "0.6957" in html
    note = res.replace(notes=("<b>&</b>",))
    assert "&lt;b&gt;&amp;&lt;/b&gt;" in note._repr_html_()
    assert "note: <b>&</b>" in str(note)


def test_weight_matrices():
    assert ag.weight_matrix(None, ["a", "b"]).tolist() == [[1, 0], [0, 1]]
    r = ag.weight_matrix("ratio", [1, 2, 3])
    assert r[0, 2] == pytest.approx(0.0) and r[0, 0] == 1.0
    assert ag.weight_matrix("ordinal", ["x"]).tolist() == [[1.0]]
    assert ag.metric_distance("nominal", [1, 2]).tolist() == [[0, 1], [1, 0]]
    with pytest.raises(AgreementError, match="needs the pairable-value totals"):
        ag.metric_distance("ordinal", [1, 2])
    ratio = ag.metric_distance("ratio", [0, 1, 3])
    assert ratio[0, 0] == 0 and ratio[1, 2] == pytest.approx((2 / 4) ** 2)


def test_importing_agreement_stays_cheap():
    from tests._imports import heavy_modules_loaded

    code = "import hrp_coding.agreement as ag; ag.cohen_kappa([[1, 2], [1, 2]], se=None)"
    assert heavy_modules_loaded(code, ("scipy", "sklearn", "spacy", "matplotlib")) == []
