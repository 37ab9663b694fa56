"""Hypothesis properties of the reliability coefficients.

* permuting coders or units leaves every coefficient (and its SE) unchanged;
* relabelling categories leaves every nominal coefficient unchanged;
* identical coders give 1 wherever the coefficient is defined;
* a coder who skipped a unit is missing whether the long-table row is absent or holds NaN;
* the chunked / pairwise code paths agree with each other and with a direct textbook computation.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrp_coding import agreement as ag
from hrp_coding.agreement import encoded
from hrp_coding.agreement import engine as coef
from hrp_coding.errors import AgreementError, DegenerateAgreementWarning

MULTI = [ag.percent_agreement, ag.fleiss_kappa, ag.conger_kappa, ag.gwet_ac1, ag.brennan_prediger,
         ag.krippendorff_alpha]
TWO = [ag.cohen_kappa, ag.scott_pi]
SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def ratings_matrix(draw, min_coders=2, max_coders=5):
    m = draw(st.integers(min_coders, max_coders))
    n = draw(st.integers(2, 25))
    q = draw(st.integers(2, 5))
    p_missing = draw(st.sampled_from([0.0, 0.15, 0.4]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    truth = rng.integers(1, q + 1, size=n)
    data = np.where(rng.random((m, n)) < 0.6, truth, rng.integers(1, q + 1, size=(m, n))).astype(float)
    data[rng.random((m, n)) < p_missing] = np.nan
    return data


def outcome(func, data, **kw):
    """(value, se) or the error message class, warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DegenerateAgreementWarning)
        try:
            r = func(data, **kw)
        except AgreementError:
            return "error"
    return (r.value, r.se)


def same(a, b, tol=1e-9):
    if a == "error" or b == "error":
        return a == b
    (v1, s1), (v2, s2) = a, b
    if not math.isclose(v1, v2, rel_tol=tol, abs_tol=tol):
        return False
    if (s1 is None) != (s2 is None):
        return False
    return s1 is None or math.isclose(s1, s2, rel_tol=1e-7, abs_tol=1e-9)


@SETTINGS
@given(ratings_matrix(), st.randoms(use_true_random=False))
def test_permuting_coders_changes_nothing(data, rnd):
    order = list(range(data.shape[0]))
    rnd.shuffle(order)
    for func in MULTI:
        assert same(outcome(func, data), outcome(func, data[order])), func.__name__
    for func in TWO:
        assert same(outcome(func, data[:2]), outcome(func, data[[1, 0]])), func.__name__


@SETTINGS
@given(ratings_matrix(), st.randoms(use_true_random=False))
def test_permuting_units_changes_nothing(data, rnd):
    order = list(range(data.shape[1]))
    rnd.shuffle(order)
    for func in MULTI:
        for w in (None, "quadratic"):
            kw = {"level": "interval"} if func is ag.krippendorff_alpha and w else ({} if w is None else {"weights": w})
            assert same(outcome(func, data, **kw), outcome(func, data[:, order], **kw)), func.__name__
    for func in TWO:
        assert same(outcome(func, data[:2]), outcome(func, data[:2, order])), func.__name__


@SETTINGS
@given(ratings_matrix(), st.permutations(["a", "b", "c", "d", "e"]))
def test_relabelling_categories_leaves_nominal_coefficients_unchanged(data, labels):
    relabelled = np.full(data.shape, None, dtype=object)
    ok = ~np.isnan(data)
    relabelled[ok] = [labels[int(v) - 1] for v in data[ok]]
    for func in MULTI:
        assert same(outcome(func, data), outcome(func, relabelled)), func.__name__
    for func in TWO:
        assert same(outcome(func, data[:2]), outcome(func, relabelled[:2])), func.__name__


@SETTINGS
@given(ratings_matrix(min_coders=1, max_coders=1), st.integers(2, 5))
def test_identical_coders_give_one(row, copies):
    data = np.repeat(row, copies, axis=0)
    for func in MULTI + TWO:
        sub = data[:2] if func in TWO else data
        res = outcome(func, sub)
        if res != "error":  # undefined only when no unit has two ratings
            assert res[0] == pytest.approx(1.0, abs=1e-12), func.__name__
        else:
            assert (np.sum(~np.isnan(sub), axis=0) >= 2).sum() == 0


@SETTINGS
@given(ratings_matrix())
def test_absent_rows_and_nan_cells_agree(data):
    m, n = data.shape
    rows = [(f"u{u}", f"c{c}", data[c, u]) for c in range(m) for u in range(n)]
    with_nan = pd.DataFrame(rows, columns=["unit", "coder", "value"])
    absent = with_nan.dropna(subset=["value"])
    a = ag.ratings_from_long(with_nan, unit="unit", coder="coder", value="value", categories=[1, 2, 3, 4, 5])
    b = ag.ratings_from_long(absent, unit="unit", coder="coder", value="value", categories=[1, 2, 3, 4, 5])
    # the same coders; units absent altogether from `absent` carry no rating in `a`
    assert a.coders == b.coders or set(b.coders) <= set(a.coders)
    for func in MULTI:
        assert same(outcome(func, a), outcome(func, b)), func.__name__


@SETTINGS
@given(ratings_matrix(min_coders=2, max_coders=6))
def test_chunked_and_pairwise_coincidences_agree(data):
    for level in ("nominal", "ordinal", "interval", "ratio"):
        pairwise = outcome(ag.krippendorff_alpha, data, level=level)
        old = coef._PAIRWISE_MAX_CODERS
        coef._PAIRWISE_MAX_CODERS = 0
        try:
            chunked = outcome(ag.krippendorff_alpha, data, level=level)
        finally:
            coef._PAIRWISE_MAX_CODERS = old
        assert same(pairwise, chunked, tol=1e-12)


def test_small_chunks_give_the_same_answer(monkeypatch):
    rng = np.random.default_rng(3)
    data = rng.integers(0, 4, size=(3, 1000)).astype(float)
    data[rng.random(data.shape) < 0.2] = np.nan
    ref = {f.__name__: f(data) for f in MULTI}
    monkeypatch.setattr(encoded, "_CHUNK", 7)
    monkeypatch.setattr(coef, "_PAIRWISE_MAX_CODERS", 0)
    for f in MULTI:
        got = f(data)
        assert got.value == pytest.approx(ref[f.__name__].value, abs=1e-12)
        assert got.se == pytest.approx(ref[f.__name__].se, abs=1e-12)


@SETTINGS
@given(ratings_matrix())
def test_alpha_matches_textbook_coincidence_formula(data):
    """Direct O(n q^2) computation of Krippendorff (2011), eqs. for o_ck, D_o, D_e (interval metric)."""
    res = outcome(ag.krippendorff_alpha, data, level="interval")
    cats = np.unique(data[~np.isnan(data)])
    o = np.zeros((cats.size, cats.size))
    for u in range(data.shape[1]):
        vals = data[~np.isnan(data[:, u]), u]
        mu = vals.size
        if mu < 2:
            continue
        for i in range(mu):
            for j in range(mu):
                if i != j:
                    o[np.searchsorted(cats, vals[i]), np.searchsorted(cats, vals[j])] += 1 / (mu - 1)
    nc = o.sum(axis=1)
    n = nc.sum()
    if n == 0:
        assert res == "error"
        return
    delta = (cats[:, None] - cats[None, :]) ** 2
    do = (o * delta).sum() / n
    de = (np.outer(nc, nc) * delta).sum() / (n * (n - 1))
    if de == 0:
        assert res != "error" and res[0] == 1.0  # degenerate-case policy: perfect agreement -> 1
        return
    assert res[0] == pytest.approx(1 - do / de, abs=1e-10)


@SETTINGS
@given(ratings_matrix(min_coders=2, max_coders=2))
def test_conger_equals_cohen_for_two_coders_complete(data):
    data = np.where(np.isnan(data), 1.0, data)
    for multi, two in ((ag.conger_kappa, ag.cohen_kappa), (ag.fleiss_kappa, ag.scott_pi)):
        a, b = outcome(multi, data, se=None), outcome(two, data, se=None)
        assert same(a, b), multi.__name__


@SETTINGS
@given(ratings_matrix())
def test_value_is_observed_and_expected(data):
    for func in MULTI + TWO:
        sub = data[:2] if func in TWO else data
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DegenerateAgreementWarning)
            try:
                r = func(sub)
            except AgreementError:
                continue
        if r.expected < 1 - 1e-12:
            assert r.value == pytest.approx((r.observed - r.expected) / (1 - r.expected), abs=1e-10)
        assert float(r) == r.value


def test_many_categories_use_bounded_chunks(monkeypatch):
    rng = np.random.default_rng(9)
    data = rng.integers(0, 300, size=(3, 2000)).astype(float)
    data[:, :1000] = data[0, :1000]  # some agreement
    data[rng.random(data.shape) < 0.1] = np.nan
    ref = {lv: ag.krippendorff_alpha(data, level=lv) for lv in ("nominal", "interval")}
    ref_f = ag.fleiss_kappa(data)
    monkeypatch.setattr(coef, "_MAX_BINS", 10)  # forces the chunked path with the smallest chunks (256 units)
    monkeypatch.setattr(encoded, "_MAX_BINS", 10)
    for lv, r in ref.items():
        got = ag.krippendorff_alpha(data, level=lv)
        assert got.value == pytest.approx(r.value, abs=1e-12) and got.se == pytest.approx(r.se, abs=1e-12)
    assert ag.fleiss_kappa(data).value == pytest.approx(ref_f.value, abs=1e-12)
