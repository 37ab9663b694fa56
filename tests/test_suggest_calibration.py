"""The fast macro-F1 and the per-code offset search give exactly what their plain loops gave."""

import numpy as np

from hrp_coding.suggest.calibration import fast_macro_f1, tune_offsets


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
