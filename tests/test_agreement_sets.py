"""The vectorised set alphas and presence kappas of the report equal the coefficient functions they replace."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from hrp_coding.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha
from hrp_coding.agreement.presence import pooled_kappa, presence_terms
from hrp_coding.agreement.sets import SetAgreement, jaccard_distance, masi_distance


def _reference_alpha(present, rated, distance):
    """Krippendorff's alpha with each distinct code set as a category and the S x S distance matrix."""
    r, u, _ = present.shape
    sets = [frozenset(np.flatnonzero(present[i, j])) for i in range(r) for j in range(u)]
    keys = sorted(set(sets), key=sorted)
    index = {k: i for i, k in enumerate(keys)}
    values = np.array([index[s] for s in sets], float).reshape(r, u)
    values[~rated] = np.nan
    dist = np.array([[distance(a, b) for b in keys] for a in keys])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return krippendorff_alpha(values, categories=[float(i) for i in range(len(keys))], level=dist, se=None).value


# the reference below builds the S x S distance matrix in Python: the seeds drawing ~1,000 distinct code sets
# (about a million distance pairs each) are slow; the others cover both expected-disagreement paths
_HEAVY_SEEDS = {0, 4, 7, 9}


@pytest.mark.parametrize("seed", [pytest.param(s, marks=pytest.mark.slow) if s in _HEAVY_SEEDS else s
                                  for s in range(12)])
def test_set_alpha_equals_alpha_over_the_distance_matrix(seed, monkeypatch):
    import hrp_coding.agreement.sets as sets_module

    rng = np.random.default_rng(seed)
    r, u, k = int(rng.integers(2, 7)), int(rng.integers(5, 300)), int(rng.integers(1, 90))
    present = rng.random((r, u, k)) < rng.uniform(0.005, 0.08)
    rated = rng.random((r, u)) < 0.85
    if seed % 2:  # odd seeds: the binomial-moment expected disagreement instead of the sparse product
        monkeypatch.setattr(sets_module, "_DIRECT_SETS", 0)
    sa = SetAgreement(present, rated)
    for name, func in (("masi", masi_distance), ("jaccard", jaccard_distance)):
        assert sa.alpha(name).value == pytest.approx(_reference_alpha(present, rated, func), abs=1e-9)


def test_set_alpha_degenerate_cases_say_why():
    present = np.zeros((2, 3, 2), bool)
    same = SetAgreement(present, np.ones((2, 3), bool)).alpha("masi")
    assert same.value == 1.0 and "no variation" in same.notes[0]
    lonely = SetAgreement(present, np.array([[True, True, True], [False, False, False]])).alpha("masi")
    assert np.isnan(lonely.value) and lonely.notes == ("no pairable unit (no unit coded by two coders)",)


@pytest.mark.parametrize("coders", [2, 3, 5])
def test_presence_terms_equal_cohen_and_fleiss(coders):
    rng = np.random.default_rng(coders)
    present = rng.random((coders, 120, 6)) < 0.2
    rated = rng.random((coders, 120)) < 0.9
    groups = rng.integers(0, 4, 120)
    po, pe, used = presence_terms(present, rated, groups, 4)
    func = cohen_kappa if coders == 2 else fleiss_kappa
    for g in range(4):
        m = groups == g
        results = []
        for k in range(6):
            ratings = np.where(rated[:, m], present[:, m, k].astype(float), np.nan)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = func(ratings, categories=[0.0, 1.0], se=None)
            assert po[g, k] == pytest.approx(res.observed) and pe[g, k] == pytest.approx(res.expected)
            if used[g, k]:
                results.append(res)
        mpo, mpe = np.mean([r.observed for r in results]), np.mean([r.expected for r in results])
        assert pooled_kappa(po, pe, used)[g] == pytest.approx((mpo - mpe) / (1 - mpe))
