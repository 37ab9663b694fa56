"""Measured precision counted like the stated one: transcripts as the draws, and the interview that misses named."""

from __future__ import annotations

import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from hrp_coding.suggest import CodeSuggester, evaluate
from hrp_coding.suggest.evaluate import most_errors_group, worse_than_the_rest
from hrp_coding.suggest.thresholds import share_interval
from tests._suggest_data import make_turns


def test_share_interval_takes_wilson_on_the_effective_counts_of_transcripts():
    # A: 12 of 12 correct, B: 5 of 10, C: 7 of 8. p = 24/30 = 0.8; cluster-robust variance by hand:
    # G/(G-1) * sum (num_g - p den_g)^2 / den^2 = 1.5 * (2.4^2 + 3^2 + 0.6^2) / 900 = 0.02520
    hits = [True] * 12 + [True] * 5 + [False] * 5 + [True] * 7 + [False]
    groups = ["A"] * 12 + ["B"] * 10 + ["C"] * 8
    deff = 1.5 * (2.4 ** 2 + 3 ** 2 + 0.6 ** 2) / 900 / (0.8 * 0.2 / 30)
    assert deff == pytest.approx(4.725)
    share, low, high = share_interval(hits, groups)
    assert share == pytest.approx(0.8)
    assert (low, high) == pytest.approx(proportion_confint(24 / deff, 30 / deff, method="wilson"))
    # independent turns: the plain Wilson interval, narrower
    assert share_interval(hits)[1:] == pytest.approx(proportion_confint(24, 30, method="wilson"))
    assert np.isnan(share_interval([])).all()


def test_most_errors_group_counts_wrong_suggestions_and_breaks_ties_by_precision():
    correct = [False, False, True, True, True, False, False, False, True]
    groups = ["A", "A", "A", "A", "A", "B", "B", "C", "C"]
    # A and B both hold two errors; B's precision (0 of 2) is the lower
    assert most_errors_group(correct, groups) == ("B", 2, 0)
    assert most_errors_group([], []) == (None, 0, 0)
    assert most_errors_group([True, False], [7, 7]) == (7, 2, 1)  # integer transcript ids come back as ints


def test_worse_than_the_rest_is_fishers_one_sided_test_times_the_number_of_transcripts():
    from scipy.stats import hypergeom

    # C: 3 of 10 right; A and B together 40 of 42. Under no difference the right ones in C are
    # hypergeometric (52 suggestions, 43 right, 10 drawn); three transcripts could have been the worst
    correct = [True] * 40 + [False] * 2 + [True] * 3 + [False] * 7
    groups = ["A"] * 20 + ["B"] * 22 + ["C"] * 10
    assert worse_than_the_rest(correct, groups, "C") == pytest.approx(3 * hypergeom(52, 43, 10).cdf(3))
    assert worse_than_the_rest(correct, groups, "A") == 1.0  # A is better than the rest, not worse
    # errors spread evenly over many transcripts: the worst of them is what chance gives
    even = [i // 20 != 0 for i in range(200)]  # one wrong suggestion in each of 20 transcripts
    spread = [f"T{i % 20}" for i in range(200)]
    worst = most_errors_group(even, spread)[0]
    assert worse_than_the_rest(even, spread, worst) == 1.0
    assert np.isnan(worse_than_the_rest([True, False], ["A", "A"], "A"))  # no other transcript
    assert np.isnan(worse_than_the_rest([True], ["A"], "B"))


def test_evaluation_names_the_interview_that_pulls_the_pooled_precision_down():
    texts, labels, groups = make_turns(noise=0.05)
    codes = sorted(set(labels))
    odd = "T03"  # an interview coded unlike the others: each code there is its neighbour's
    labels = [codes[(codes.index(c) + 1) % len(codes)] if g == odd else c for c, g in zip(labels, groups)]
    result = evaluate(texts, labels, groups, cv=4, estimator=CodeSuggester(cv=3, char_ngrams=(2, 4)),
                      target_precision=0.8)
    shown = result.per_code[result.per_code["n_selected"] > 0].set_index("code")
    assert len(shown) >= 3
    assert (shown["most_errors_group"] == odd).all()
    assert (shown["precision_without_most_errors"] > shown["precision_at_target"] + 0.02).all()
    assert (shown["most_errors_correct"] <= 1).all() and (shown["most_errors_shown"] >= 5).all()
    assert (shown["most_errors_p"] < 0.01).all()  # and says it is unlike the others, beyond chance
    assert f"{shown['most_errors_p'].iloc[0]:.2g}" in str(result)  # printed as a p-value, not as 0.000
    # the measured interval counts transcripts: the odd interview widens it beyond the plain Wilson interval
    from hrp_coding.intervals import wilson_interval

    for code, row in shown.iterrows():
        k = round(row["precision_at_target"] * row["n_selected"])
        plain = wilson_interval(k, int(row["n_selected"]))
        assert row["precision_low"] < plain[0] - 0.01 and row["precision_high"] >= plain[1] - 1e-9, code
