"""One source for each rule (issue 14.4): where two modules need the same rule, one serves the other."""

import warnings

import numpy as np
import pytest

from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import CodebookError, DegenerateAgreementWarning


def test_store_code_ids_follow_the_codebook_rule():
    from hrp_coding.codebook.rules import ID_PATTERN
    from hrp_coding.store.names import CODE_PATTERN

    assert CODE_PATTERN is ID_PATTERN


@pytest.mark.parametrize("field, value", [("id", "holding\n"), ("name", "Holding\n"), ("color", "#1f77b4\n")])
def test_a_trailing_newline_does_not_pass_a_schema_pattern(field, value):
    # JSON Schema patterns are ECMA-262, where '$' is the end of the text; Python's re also let '$' match
    # before a final newline, so the codebook took 'holding\n' as a code id (which the store then refused).
    code = {"id": "holding", "name": "Holding", field: value}
    with pytest.raises(CodebookError, match=field):
        Codebook.from_dict({"name": "D", "version": 1, "codes": [code]})


def test_a_code_built_in_python_meets_the_same_rule():
    with pytest.raises(CodebookError, match="invalid code id"):
        Codebook(name="D", version=1, codes=[Code("care\n", "Care")])


def test_suggest_kappa_is_the_agreement_package_kappa():
    from hrp_coding.agreement import cohen_kappa
    from hrp_coding.suggest.evaluate import _kappa

    rng = np.random.default_rng(7)
    for _ in range(20):
        a = rng.integers(0, 3, 40)
        b = np.where(rng.random(40) < 0.7, a, rng.integers(0, 3, 40))
        assert _kappa(a, b) == pytest.approx(cohen_kappa([a.tolist(), b.tolist()], se=None).value, abs=1e-12)
    # one category only: the agreement package's degenerate-case policy (1.0, said by a warning), not NaN
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert _kappa(np.array([True, True]), np.array([True, True])) == 1.0
    assert any(issubclass(w.category, DegenerateAgreementWarning) for w in caught)


def test_a_code_in_no_unit_is_left_out_of_the_mean_kappa():
    from hrp_coding.suggest.evaluate import label_scores

    Y = np.array([[1, 0], [0, 0], [1, 0], [0, 0]], bool)
    P = np.array([[1, 0], [0, 0], [0, 0], [0, 0]], bool)
    per, _macro, kappa = label_scores(Y, P, ["a", "b"], True)
    assert np.isnan(per.loc[1, "kappa"])
    assert kappa == pytest.approx(per.loc[0, "kappa"]) == pytest.approx(0.5)
