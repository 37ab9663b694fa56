"""Active learning: next_to_code ranks by calibrated uncertainty, code coverage (shares per predicted code)
and diversity, never by raw cold-start scores."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp

from hrp_coding.errors import SuggestError
from hrp_coding.suggest import CodeSuggester, ColdStartSuggester, next_to_code, training_data
from hrp_coding.suggest.active import code_coverage, rank_for_coding, similarity_space


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


@pytest.mark.slow
def test_next_to_code_uses_the_calibrated_probabilities(study):
    frame, labels, groups = training_data(study, coders=["ana"])
    model = CodeSuggester(cv=3, context=1).fit(frame, [list(x) for x in labels], groups=groups)
    assert model.calibrated_
    out = next_to_code(study, "dana", n=5, model=model)
    assert set(out["basis"]) == {"calibrated"}
    assert out["uncertainty"].between(0, 1).all() and out["coverage"].between(0, 1).all()
    assert out["segment"].is_unique


def test_rarely_coded_codes_get_the_larger_share_of_the_list():
    # rows 0-3 predicted code 0 (coded 8 times), rows 4-7 code 1 (never coded); code 0's rows are the more uncertain
    proba = np.array([[0.55, 0.45]] * 4 + [[0.1, 0.9]] * 4)
    X = sp.identity(8, format="csr")
    order = rank_for_coding(proba, X, n=4, counts=[8, 0], density=0)
    # shares 1/sqrt(9) : 1/sqrt(1) = 1 : 3: three rows of code 1, one of code 0, code 1 first
    assert proba[order].argmax(1).tolist() == [1, 1, 1, 0]
    # without the shares the four most uncertain rows (all code 0) come first
    assert sorted(rank_for_coding(proba, X, n=4, counts=[8, 0], density=0, balance=False).tolist()) == [0, 1, 2, 3]
    # an explicit predicted code wins over the most probable one
    pred = np.array([1, 0, 0, 0, 0, 0, 0, 0])
    assert rank_for_coding(proba, X, n=1, counts=[8, 0], density=0, predicted=pred).tolist() == [0]
    with pytest.raises(SuggestError, match="predicted"):
        rank_for_coding(proba, X, counts=[8, 0], predicted=[0, 1])


def test_diversity_takes_the_next_pick_from_another_cluster():
    proba = np.array([[0.5, 0.5], [0.51, 0.49], [0.52, 0.48], [0.6, 0.4], [0.61, 0.39], [0.62, 0.38]])
    X = sp.csr_matrix(np.array([[1, 0.01], [1, 0.02], [1, 0.03], [0.01, 1], [0.02, 1], [0.03, 1]]))
    assert rank_for_coding(proba, X, n=2, diversity=0.0, density=0).tolist() == [0, 1]  # one cluster
    assert rank_for_coding(proba, X, n=2, diversity=0.3, density=0).tolist() == [0, 3]  # one from each


def test_similarity_space_finds_alike_texts_and_survives_tiny_inputs():
    X = similarity_space(["we moved in with my mother", "we moved out of my mother's flat", "the rent is due"])
    sims = (X @ X.T).toarray()
    assert sims[0, 1] > sims[0, 2] == 0.0
    assert similarity_space(["a"]).shape[0] == 1  # one text: every word counts (min_df 1)


def test_information_density_puts_typical_segments_before_outliers():
    proba = np.array([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]])  # equally uncertain
    X = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.1], [0.0, 1.0]]))  # row 2 is the outlier
    assert rank_for_coding(proba, X, n=3, diversity=0.0, density=1.0).tolist()[-1] == 2
    with pytest.raises(SuggestError, match="density"):
        rank_for_coding(proba, X, density=-1)
