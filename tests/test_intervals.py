"""The one interval helper (hrp_coding.intervals): Wilson and Newcombe through statsmodels, checked against
the published tables, and what an empty sample gives."""

import math

import pytest

from hrp_coding.intervals import newcombe_interval, wilson_interval


@pytest.mark.parametrize(("k", "n", "low", "high"), [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion", Statistics in Medicine 17,
    # 857-872, Table I, method 3 (Wilson score, no continuity correction).
    (81, 263, 0.2553, 0.3662),
    (15, 148, 0.0624, 0.1605),
    (0, 20, 0.0, 0.1611),
    (1, 29, 0.0061, 0.1718),
])
def test_wilson_matches_newcombe_table_i(k, n, low, high):
    assert wilson_interval(k, n) == pytest.approx((low, high), abs=5e-5)


def test_wilson_of_no_trials_is_the_whole_range():
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_wilson_level_widens_the_interval():
    narrow, wide = wilson_interval(7, 10, 0.80), wilson_interval(7, 10, 0.99)
    assert wide[0] < narrow[0] < 0.7 < narrow[1] < wide[1]


@pytest.mark.parametrize(("k_b", "n_b", "k_a", "n_a", "low", "high"), [
    # Newcombe (1998), "Interval estimation for the difference between independent proportions", Statistics in
    # Medicine 17, 873-890, Table II, method 10, examples (a) and (b).
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    # 10/10 vs 0/10 by the method's formula: Wilson bounds 0.72246 (10/10, lower) and 0.27754 (0/10, upper),
    # low = 1 - sqrt((1 - 0.72246)**2 + 0.27754**2) = 0.60749
    (10, 10, 0, 10, 0.6075, 1.0000),
])
def test_newcombe_matches_newcombe_table_ii(k_b, n_b, k_a, n_a, low, high):
    assert newcombe_interval(k_a, n_a, k_b, n_b) == pytest.approx((low, high), abs=5e-5)


def test_newcombe_with_an_empty_sample_is_undefined_not_a_crash():
    # before the one helper, analysis.newcombe_interval divided by zero (ZeroDivisionError)
    assert all(math.isnan(v) for v in newcombe_interval(0, 0, 3, 5))
    assert all(math.isnan(v) for v in newcombe_interval(2, 4, 0, 0))


def test_analysis_uses_the_one_helper():
    from hrp_coding import analysis, replication

    assert analysis.compare_samples is replication.compare_samples
    assert replication.newcombe_interval is newcombe_interval
    assert not hasattr(analysis, "_wilson") and not hasattr(replication, "_wilson")
