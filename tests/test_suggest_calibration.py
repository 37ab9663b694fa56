"""Platt scaling reaches scikit-learn's fit; the fast macro-F1 and the offset search equal their plain loops."""

import numpy as np
import pytest
from sklearn.calibration import _sigmoid_calibration

from hrp_coding.suggest.calibration import fast_macro_f1, platt, sigmoid, tune_offsets


def smoothed_loss(scores, y, a, b):
    """Platt's cross-entropy against his smoothed targets, at p = sigmoid(a * s + b)."""
    n_pos, n_neg = y.sum(), (~y).sum()
    t = np.where(y, (n_pos + 1) / (n_pos + 2), 1 / (n_neg + 2))
    z = a * scores + b
    return float(np.sum(np.logaddexp(0, z) - t * z))


def bunched_scores(seed):
    """300 units' out-of-fold scores for one code as the sample study gives them: most near 0, 12 coded."""
    rng = np.random.default_rng(seed)
    scores = np.round(rng.exponential(0.02, 300), 3)
    y = np.zeros(300, bool)
    y[:12] = True
    scores[:12] = np.round(rng.uniform(0.0, 0.26, 12), 3)
    return scores, y


@pytest.mark.parametrize("seed", [1, 2, 7, 9, 10, 16])
def test_platt_fits_scores_bunched_near_zero_as_scikit_learn_does(seed):
    # undamped Newton steps swung to slopes of 1e10 on these (every probability 0 or 1)
    scores, y = bunched_scores(seed)
    a, b = platt(scores, y)
    A, B = _sigmoid_calibration(scores, y)  # scikit-learn's convention: p = 1 / (1 + exp(A * s + B))
    assert a == pytest.approx(-A, rel=1e-3) and b == pytest.approx(-B, rel=1e-3)
    assert 1 < a < 100
    assert smoothed_loss(scores, y, a, b) <= smoothed_loss(scores, y, -A, -B) + 1e-6
    p = sigmoid(scores[:, None], np.array([[a, b]]))[:, 0]
    assert p.min() > 1e-4 and p.max() < 1 - 1e-4  # no step function: nothing certain on 12 coded units


def test_platt_rescales_large_scores_and_keeps_the_optimum():
    rng = np.random.default_rng(3)
    y = rng.random(200) < 0.3
    scores = rng.normal(0, 1, 200) + 1.5 * y
    a, b = platt(scores, y)
    a100, b100 = platt(100 * scores, y)
    assert a100 * 100 == pytest.approx(a, rel=1e-4) and b100 == pytest.approx(b, rel=1e-4)
    A, B = _sigmoid_calibration(scores, y)
    assert a == pytest.approx(-A, rel=1e-4) and b == pytest.approx(-B, rel=1e-4)


def plain_macro_f1(y_true, y_pred, n_classes):
    f = np.empty(n_classes)
    for k in range(n_classes):
        t, p = y_true == k, y_pred == k
        tp = np.sum(t & p)
        denom = np.sum(t) + np.sum(p)
        f[k] = 2 * tp / denom if denom else 0.0
    return float(f.mean())


def plain_offsets(scores, yi, rounds=2):
    grid = np.linspace(-0.6, 0.6, 25)
    K = scores.shape[1]
    bias = np.zeros(K)
    best = plain_macro_f1(yi, scores.argmax(1), K)
    for _ in range(rounds):
        improved = False
        for k in range(K):
            for v in grid:
                trial = bias.copy()
                trial[k] = v
                f = plain_macro_f1(yi, (scores + trial).argmax(1), K)
                if f > best + 1e-9:
                    best, bias, improved = f, trial, True
        if not improved:
            break
    return bias


def test_fast_macro_f1_equals_the_plain_loop():
    rng = np.random.default_rng(0)
    for n_classes in (1, 2, 4, 7):
        for _ in range(20):
            y_true, y_pred = rng.integers(0, n_classes, 50), rng.integers(0, n_classes + 1, 50)
            assert fast_macro_f1(y_true, y_pred, n_classes) == plain_macro_f1(y_true, y_pred, n_classes)
    assert fast_macro_f1(np.array([0, 0]), np.array([0, 0]), 3) == 1 / 3


def test_tune_offsets_equals_the_full_argmax_search_with_ties():
    rng = np.random.default_rng(1)
    for K in (2, 3, 5):
        for trial in range(15):
            scores = rng.normal(size=(120, K)) * 0.5
            if trial % 2:  # on the offset grid's steps: many exact ties between codes
                scores = np.round(scores / 0.05) * 0.05
            yi = np.where(rng.random(120) < 0.7, scores.argmax(1), rng.integers(0, K, 120))
            assert np.array_equal(tune_offsets(scores, yi), plain_offsets(scores, yi))
