"""Active learning: next_to_code ranks by calibrated uncertainty and code coverage, never by raw cold-start scores."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from hrp_coding.errors import SuggestError
from hrp_coding.suggest import CodeSuggester, ColdStartSuggester, next_to_code, training_data
from hrp_coding.suggest.active import code_coverage, rank_for_coding


@pytest.fixture(scope="module")
def study(sample_study_copy):
    return sample_study_copy(replication=False)


def test_uncalibrated_scores_are_not_read_as_uncertainty():
    # raw cold-start scores: row 0 looks "uncertain" (0.5 / 0.5) but that closeness means nothing
    raw = np.array([[0.5, 0.5], [0.1, 0.9]])
    X = sp.identity(2, format="csr")
    assert rank_for_coding(raw, X, n=1, diversity=0.0).tolist() == [0]  # calibrated: the doubtful row
    # uncalibrated, code 1 never coded, code 0 coded often: the row whose top code is code 1 first
    order = rank_for_coding(raw, X, n=1, diversity=0.0, counts=[40, 0], calibrated=False)
    assert order.tolist() == [1]
    # and a monotone rescaling of raw scores changes nothing
    assert rank_for_coding(raw ** 3, X, n=2, diversity=0.0, counts=[40, 0], calibrated=False).tolist() == [1, 0]


def test_code_coverage_values():
    np.testing.assert_allclose(code_coverage(np.array([[0.5, 0.5]]), [0, 3]), [0.5 * 1 + 0.5 * 0.5])
    # multi-label row likely to carry no code: small coverage
    np.testing.assert_allclose(code_coverage(np.array([[0.1, 0.1]]), [0, 0]), [0.2])
    with pytest.raises(SuggestError, match="one number per code"):
        code_coverage(np.array([[0.5, 0.5]]), [1])
    with pytest.raises(SuggestError, match="coverage_weight"):
        rank_for_coding(np.array([[0.5, 0.5]]), sp.identity(1, format="csr"), coverage_weight=2)


def test_next_to_code_cold_start_says_it_is_uncalibrated(study):
    out = next_to_code(study, "dana", n=4, model=ColdStartSuggester(study.codebook).fit())
    assert len(out) == 4 and set(out["basis"]) == {"uncalibrated"}
    assert out["uncertainty"].isna().all()
    assert out["coverage"].between(0, 1).all()


def test_next_to_code_uses_the_calibrated_probabilities(study):
    frame, labels, groups = training_data(study, coders=["ana"])
    model = CodeSuggester(cv=3, context=1).fit(frame, [list(x) for x in labels], groups=groups)
    assert model.calibrated_
    out = next_to_code(study, "dana", n=5, model=model)
    assert set(out["basis"]) == {"calibrated"}
    assert out["uncertainty"].between(0, 1).all() and out["coverage"].between(0, 1).all()
    # the first pick maximises (1 - 0.3) * (0.7 * uncertainty + 0.3 * coverage) before any diversity penalty
    value = 0.7 * out["uncertainty"] + 0.3 * out["coverage"]
    assert value.iloc[0] == pytest.approx(value.max())


def test_information_density_puts_typical_segments_before_outliers():
    proba = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])  # equally uncertain
    X = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]]))  # row 2 is the outlier
    assert rank_for_coding(proba, X, n=3, diversity=0.0, density=1.0).tolist()[-1] == 2
    with pytest.raises(SuggestError, match="density"):
        rank_for_coding(proba, X, density=-1)
