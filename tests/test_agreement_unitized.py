"""Span-level agreement: Krippendorff's u-alpha (1995, 2004) and the experimental 2016 family."""

from __future__ import annotations

import warnings
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

from hrp_coding.agreement.unitized import unitized_alpha, unitized_alpha_family
from hrp_coding.errors import AgreementError, DegenerateAgreementWarning, ExperimentalWarning, ParameterTypeError

# Krippendorff (2004) Content Analysis, 2nd ed., p. 254: observers i and j, continuum 150-450, categories c, k.
# Published: uD_o(c) = .0144, uD_e(c) = .0532, u-alpha(c) = .7286, u-alpha(k) = 1, pooled .8591 (the book
# rounds uD_o and uD_e to four places before dividing; at full precision the pooled value is .8587).
# The same example is the reference test of DKPro Statistics (Krippendorff2004Test).
K2004 = [("i", 225, 295, "c"), ("i", 370, 400, "c"), ("j", 220, 300, "c"), ("j", 355, 375, "c"),
         ("j", 400, 420, "c"), ("i", 180, 240, "k"), ("i", 300, 350, "k"), ("j", 180, 240, "k"),
         ("j", 300, 350, "k")]


def test_krippendorff_2004_worked_example():
    r = unitized_alpha(K2004, continuum=(150, 450))
    c = r.category("c")
    assert c.observed_disagreement == pytest.approx(0.0144, abs=5e-5)
    assert c.expected_disagreement == pytest.approx(0.0532, abs=5e-5)
    assert c.value == pytest.approx(0.7286, abs=5e-5)
    assert r.category("k").observed_disagreement == 0.0
    assert r.category("k").expected_disagreement == pytest.approx(0.0490, abs=5e-5)
    assert r.category("k").value == 1.0
    assert r.value == pytest.approx(0.8591, abs=5e-4)
    rounded = 1 - (0.0144 + 0.0) / (0.0532 + 0.0490)
    assert round(rounded, 4) == 0.8591
    assert r.value == pytest.approx(1 - r.observed_disagreement / r.expected_disagreement)
    assert r.continuum_length == 300 and r.coders == ("i", "j")


def test_category_argument_and_float():
    r = unitized_alpha(K2004, continuum=(150, 450), category="c")
    assert float(r) == pytest.approx(0.7286, abs=5e-5)
    assert [c.category for c in r.per_category] == ["c"]


# Krippendorff (1995) "On the reliability of unitizing continuous data", Sociological Methodology 25, p. 57:
# four pairs of observers on a 24-unit continuum (A Bertha/Bill, B John/Jill, C Gerret/Gill, D Heather/Hill).
K1995 = {
    "A": [(0, 2, 8), (0, 14, 6), (1, 4, 4), (1, 15, 2)],
    "B": [(0, 0, 18), (1, 0, 2), (1, 2, 1), (1, 3, 1), (1, 4, 1), (1, 5, 1), (1, 6, 3), (1, 9, 1)],
    "C": [(0, 2, 6), (0, 10, 2), (0, 14, 4), (0, 20, 2), (1, 0, 2), (1, 4, 4), (1, 10, 4), (1, 16, 2), (1, 20, 2)],
    "D": [(0, 0, 2), (0, 2, 8), (0, 10, 4), (0, 14, 6), (0, 20, 4), (1, 0, 4), (1, 4, 4), (1, 8, 7), (1, 15, 2),
          (1, 17, 7)],
}


def _k1995(stretch: int):
    return [(coder, b * stretch, (b + ln) * stretch, cat) for cat, rows in K1995.items() for coder, b, ln in rows]


def test_krippendorff_1995_observed_disagreements():
    # Krippendorff (1995, pp. 57-60): uD_o = .03125, 2.26736, .02777, .38715 for A, B, C, D
    r = unitized_alpha(_k1995(1), continuum=24)
    got = {c.category: c.observed_disagreement for c in r.per_category}
    assert got["A"] == pytest.approx(0.03125, abs=1e-5)
    assert got["B"] == pytest.approx(2.26736, abs=1e-5)
    assert got["C"] == pytest.approx(0.02777, abs=1e-5)
    assert got["D"] == pytest.approx(0.38715, abs=1e-5)


def test_krippendorff_1995_alphas_in_the_continuous_limit():
    # The 1995 paper's expected disagreement is for a continuous scale; the 2004 (discrete) formula tends to it
    # as the continuum is stretched. Published alphas: A .553, B -.926, C .679, D .066 (DKPro checks +-.02).
    r = unitized_alpha(_k1995(50000), continuum=24 * 50000)
    got = {c.category: c.value for c in r.per_category}
    assert got["A"] == pytest.approx(0.553, abs=0.02)
    assert got["B"] == pytest.approx(-0.926, abs=0.02)
    assert got["C"] == pytest.approx(0.679, abs=0.02)
    assert got["D"] == pytest.approx(0.066, abs=0.02)
    # observed disagreement is scale free
    assert r.category("A").observed_disagreement == pytest.approx(0.03125, abs=1e-9)


def test_krippendorff_1995_continuous_alpha_reproduces_page_57():
    # Krippendorff (1995), Sociological Methodology 25, p. 57: alpha A .553, B -.926, C .679, D .066 for lengths on
    # a continuous scale; the 2004 discrete formula on the same 24-unit continuum gives .515, -1.081, .603, -.207.
    cont = unitized_alpha(_k1995(1), continuum=24, scale="continuous")
    got = {c.category: c.value for c in cont.per_category}
    assert round(got["A"], 3) == 0.553 and round(got["D"], 3) == 0.066
    # the paper prints B -.926 and C .679; its expected disagreements for B and C each carry one slip (see the next
    # test), so the formula gives -.928 and .693 there
    assert round(got["B"], 3) == -0.928 and round(got["C"], 3) == 0.693
    assert {k: round(c.expected_disagreement, 5) for k, c in zip("ABCD", cont.per_category)} == {
        "A": 0.0699, "B": 1.17578, "C": 0.09051, "D": 0.41445}
    disc = {c.category: round(c.value, 3) for c in unitized_alpha(_k1995(1), continuum=24).per_category}
    assert disc == {"A": 0.515, "B": -1.081, "C": 0.603, "D": -0.207}
    # the continuous form is the discrete one's limit (lengths stretched), and observed disagreement is shared
    far = {c.category: c.value for c in unitized_alpha(_k1995(20000), continuum=24 * 20000).per_category}
    assert all(far[k] == pytest.approx(got[k], abs=1e-3) for k in "ABCD")
    assert cont.category("A").observed_disagreement == pytest.approx(0.03125, abs=1e-9)
    with pytest.raises(AgreementError, match="scale='fuzzy' is not allowed"):
        unitized_alpha(_k1995(1), continuum=24, scale="fuzzy")


def _k1995_expected(cat: str, *, plus: int = 0, subtract: bool = True) -> Fraction:
    """The 1995 continuous uD_e written out in exact fractions, with the two slips as switches."""
    units, gaps = [], []
    for coder in (0, 1):
        pos = 0
        for b, ln in sorted((b, ln) for c, b, ln in K1995[cat] if c == coder):
            if b > pos:
                gaps.append(b - pos)
            units.append(ln)
            pos = b + ln
        if pos < 24:
            gaps.append(24 - pos)
    n = len(units)
    num = sum(Fraction(2 * (n - 1) * u ** 3, 3) + u * u * sum(g - u + plus for g in gaps if g >= u) for u in units)
    den = 48 ** 2 - (sum(u * u for u in units) if subtract else 0)
    return Fraction(2, 24) * num / den


def test_krippendorff_1995_b_and_c_each_differ_from_the_formula_by_one_slip():
    # Krippendorff (1995), Sociological Methodology 25, pp. 57-60 prints uD_e = .06990 (A), 1.17731 (B), .08642 (C),
    # .41445 (D) (values as recorded from the paper in DKPro Statistics, Krippendorff1995Test.testAgreement, whose
    # comment also finds "a small error in the computation of D_E in the original reference"). The continuous
    # formula reproduces A and D to the five printed places. B's printed value is the formula with the discrete
    # fit count (l_h - l_g + 1) kept in the gap term, C's is the formula without sum l_g^2 subtracted from
    # (mL)^2; neither reading holds for the other values (A would become .07662 or .06626), so no one reading of
    # the formula gives all four: the paper's B (-.926) and C (.679) are arithmetic slips, not another definition.
    r = unitized_alpha(_k1995(1), continuum=24, scale="continuous")
    d_o = {c.category: c.observed_disagreement for c in r.per_category}
    assert {k: round(float(_k1995_expected(k)), 5) for k in "AD"} == {"A": 0.0699, "D": 0.41445}
    assert all(float(_k1995_expected(k)) == pytest.approx(r.category(k).expected_disagreement, rel=1e-12)
               for k in "ABCD")
    b_slip = _k1995_expected("B", plus=1)
    c_slip = _k1995_expected("C", subtract=False)
    assert round(float(b_slip), 5) == 1.17731 and round(1 - d_o["B"] / float(b_slip), 3) == -0.926
    assert round(float(c_slip), 5) == 0.08642 and round(1 - d_o["C"] / float(c_slip), 3) == 0.679
    assert c_slip == Fraction(2, 24) * Fraction(8 * 2 * 448, 3) / 48 ** 2  # exactly: no sum of l^2 in the denominator
    assert round(float(_k1995_expected("A", plus=1)), 5) == 0.07662
    assert round(float(_k1995_expected("A", subtract=False)), 5) == 0.06626
    assert round(float(_k1995_expected("D", subtract=False)), 5) == 0.36589


def test_hand_computed_small_case():
    # continuum 10; ana unit [2, 6), ben unit [3, 6); gaps: ana [0,2),[6,10); ben [0,3),[6,10)
    # D_o: overlapping units (2-3)^2 + (6-6)^2 = 1, both orders -> 2 / (2*1*100) = 0.01
    # D_e: N=2, units l=4, l=3; gaps 2, 4, 3, 4 (sorted 2,3,4,4)
    #  l=4: (1)(128-48+4)/3 = 28; gaps >= 4: (4-4+1)*2 = 2 -> 16*2 = 32; total 60
    #  l=3: (1)(54-27+3)/3 = 10; gaps >= 3: (1)+(2)+(2) = 5 -> 9*5 = 45; total 55
    #  D_e = 2/10 * 115 / (20*19 - (12 + 6)) = 23 / 362
    r = unitized_alpha([("ana", 2, 6, "x"), ("ben", 3, 6, "x")], continuum=10)
    assert r.value == pytest.approx(1 - 0.01 / (23 / 362), rel=1e-12)


def test_transcripts_are_concatenated_with_boundaries_respected():
    one = [("ana", 2, 6, "x"), ("ben", 3, 6, "x")]
    spans = pd.DataFrame(
        [(*s, "P01") for s in one] + [("ana", 0, 4, "x", "P02"), ("ben", 0, 4, "x", "P02")],
        columns=["coder", "start", "end", "code", "transcript"])
    r = unitized_alpha(spans, continuum={"P01": 10, "P02": 10})
    assert r.continuum_length == 20 and r.transcripts == ("P01", "P02")
    # observed: only the P01 disagreement, 2 / (2 * 20^2)
    assert r.observed_disagreement == pytest.approx(2 / 800)
    # the gap at the end of P01 and the one at the start of P02 are not merged into one: compare with a
    # single continuum where P02's unit starts right after P01 (gaps 6-10 would then join nothing: unit at 10)
    single = unitized_alpha([("ana", 2, 6, "x"), ("ben", 3, 6, "x"), ("ana", 10, 14, "x"), ("ben", 10, 14, "x")],
                            continuum=20)
    assert single.value == pytest.approx(r.value)  # here the boundary coincides with a unit start
    # a gap across the boundary must not be formed: P01 ends with gap 6-10, P02 starts with gap 0-4 (unit at 4)
    spans2 = spans.copy()
    spans2.loc[spans2["transcript"] == "P02", ["start", "end"]] = [[4, 8], [4, 8]]
    split = unitized_alpha(spans2, continuum={"P01": 10, "P02": 10})
    joined = unitized_alpha([("ana", 2, 6, "x"), ("ben", 3, 6, "x"), ("ana", 14, 18, "x"), ("ben", 14, 18, "x")],
                            continuum=20)
    assert split.expected_disagreement != pytest.approx(joined.expected_disagreement)


def test_missing_coder_in_a_transcript_is_excluded_or_absent():
    spans = [("ana", 2, 6, "x", "P01"), ("ben", 3, 6, "x", "P01"), ("ana", 0, 4, "x", "P02")]
    r = unitized_alpha(spans, continuum={"P01": 10, "P02": 10})
    assert r.transcripts == ("P01",)
    assert any("P02" in n and "ben" in n for n in r.notes)
    ab = unitized_alpha(spans, continuum={"P01": 10, "P02": 10}, missing="absent")
    assert ab.transcripts == ("P01", "P02") and ab.value < r.value


def test_same_code_overlaps_are_merged_and_noted():
    r = unitized_alpha([("ana", 2, 5, "x"), ("ana", 4, 6, "x"), ("ben", 2, 6, "x")], continuum=10)
    assert r.value == 1.0
    assert any("merged" in n for n in r.notes)


def test_no_expected_disagreement_is_degenerate_not_nan():
    # one-character units tiling the whole continuum: no gap, and (N-1)(2l^3-3l^2+l)/3 = 0 for l = 1
    spans = [("ana", 0, 1, "x"), ("ana", 1, 2, "x"), ("ben", 0, 1, "x"), ("ben", 1, 2, "x")]
    with pytest.warns(DegenerateAgreementWarning, match="undefined"):
        r = unitized_alpha(spans, continuum=2)
    assert r.value is None and r.category("x").expected_disagreement == 0.0
    assert any("undefined" in n for n in r.notes)
    with pytest.raises(ParameterTypeError, match=r"unitized_alpha is undefined here .*no float value"):
        float(r)


def test_bad_inputs_name_row_coder_and_code():
    with pytest.raises(AgreementError) as err:
        unitized_alpha([("ana", 5, 3, "x"), ("ben", 0, 40, "y")], continuum=20)
    text = str(err.value)
    assert "row 0" in text and "'ana'" in text and "'x'" in text and "row 1" in text and "outside" in text
    with pytest.raises(AgreementError, match="'zoe'"):
        unitized_alpha(K2004, continuum=(150, 450), coders=["i", "zoe"])
    with pytest.raises(AgreementError, match="'q'"):
        unitized_alpha(K2004, continuum=(150, 450), category="q")
    with pytest.raises(AgreementError, match="at least two coders"):
        unitized_alpha([("ana", 0, 3, "x")], continuum=10)
    with pytest.raises(AgreementError, match="missing column"):
        unitized_alpha(pd.DataFrame({"coder": ["a"], "start": [0]}), continuum=10)
    with pytest.raises(AgreementError, match="P09"):
        unitized_alpha([("a", 0, 3, "x", "P09"), ("b", 0, 3, "x", "P09")], continuum={"P01": 10})


def test_inputs_not_mutated_and_result_frozen():
    df = pd.DataFrame(K2004, columns=["coder", "start", "end", "code"])
    before = df.copy()
    r = unitized_alpha(df, continuum=(150, 450))
    pd.testing.assert_frame_equal(df, before)
    with pytest.raises(AttributeError):
        r.value = 0.0
    assert "c: 0.7286" in str(r) and "<table" in r._repr_html_()
    assert r.to_frame().loc["c", "n_units"] == 5


def test_coder_permutation_invariance():
    rev = [(("j" if c == "i" else "i"), s, e, k) for c, s, e, k in K2004]
    assert unitized_alpha(rev, continuum=(150, 450)).value == pytest.approx(
        unitized_alpha(K2004, continuum=(150, 450)).value, rel=1e-12)


# ---- the 2016 family (experimental) ----------------------------------------------------------------------

def _alpha_nominal(data: np.ndarray) -> float:
    """Krippendorff's nominal alpha from a coders x units array with NaN missing (textbook coincidences)."""
    vals = np.unique(data[~np.isnan(data)])
    o = np.zeros((len(vals), len(vals)))
    for u in range(data.shape[1]):
        col = data[:, u][~np.isnan(data[:, u])]
        if len(col) < 2:
            continue
        idx = np.searchsorted(vals, col)
        for a in range(len(col)):
            for b in range(len(col)):
                if a != b:
                    o[idx[a], idx[b]] += 1 / (len(col) - 1)
    n_c = o.sum(1)
    n = n_c.sum()
    return 1 - (n - 1) * (n - np.trace(o)) / (n * n - (n_c ** 2).sum())


@pytest.mark.parametrize("m", [2, 3])
def test_family_reduces_to_nominal_alpha_for_one_character_units(m):
    rng = np.random.default_rng(7 + m)
    a = rng.choice([0, 0, 1, 2], size=(m, 40))
    a[1, :6] = a[0, :6]
    spans = [(f"c{i}", p, p + 1, f"k{a[i, p]}") for i in range(m) for p in range(40) if a[i, p] > 0]
    with pytest.warns(ExperimentalWarning):
        r = unitized_alpha_family(spans, continuum=40)
    assert r.u_alpha == pytest.approx(_alpha_nominal(a.astype(float)), rel=1e-10)
    assert r.binary_u_alpha == pytest.approx(_alpha_nominal((a > 0).astype(float)), rel=1e-10)
    if m == 2:  # with two coders, cu-alpha is nominal alpha over the characters both coded
        coded = a.astype(float)
        coded[coded == 0] = np.nan
        assert r.cu_alpha == pytest.approx(_alpha_nominal(coded), rel=1e-10)
    assert r.experimental and any("experimental" in n for n in r.notes)


def test_family_hand_computed():
    # L = 10, two coders. a: x[0,4) y[6,8); b: x[0,4) x[6,8) -> sections a: x4, gap2, y2, gap2; b: x4, gap2, x2, gap2
    # coincidences (m-1 = 1, both orders): xx 8, gap-gap 8, x-y 2 each way; l.. = 20
    # S: units squared, gaps linear: x: 16 + 16 + 4 = 36, y: 4, gap: 2+2+2+2 = 8; total 48
    # margins: gap 8, x 10, y 2. e_cc = 20 (r_c^2 - S_c) / (400 - 48): gap (64-8), x (100-36), y (4-4)
    with pytest.warns(ExperimentalWarning):
        r = unitized_alpha_family([("a", 0, 4, "x"), ("a", 6, 8, "y"), ("b", 0, 4, "x"), ("b", 6, 8, "x")],
                                  continuum=10)
    e_diag = 20 * (56 + 64 + 0) / 352
    assert r.u_alpha == pytest.approx(1 - (20 - 16) / (20 - e_diag))
    assert r.binary_u_alpha == 1.0  # relevant vs irrelevant matter agree perfectly
    assert r.coincidences.loc["x", "y"] == 2 and r.coincidences.loc["(gap)", "(gap)"] == 8
    assert r.cu_coverage == pytest.approx(12 / 20)
    frame = r.to_frame()
    assert list(frame.index[:3]) == ["u_alpha", "|u_alpha", "cu_alpha"]


def test_family_rejects_overlapping_codes_of_one_coder():
    with pytest.raises(AgreementError) as err, warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        unitized_alpha_family([("ana", 0, 5, "x"), ("ana", 3, 8, "y"), ("ben", 0, 5, "x")], continuum=10)
    assert "'ana'" in str(err.value) and "'x' 0-5" in str(err.value) and "'y' 3-8" in str(err.value)
