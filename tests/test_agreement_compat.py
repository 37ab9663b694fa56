"""Vendor compatibility modes, on hand-built DataFrames with answers computed by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from hrp_coding.agreement.compat import atlas_ti_alpha, dedoose_kappa, maxqda_agreement, nvivo_kappa
from hrp_coding.errors import AgreementError, ExperimentalWarning


def _spans(rows):
    return pd.DataFrame(rows, columns=["transcript", "coder", "code", "start", "end"])


def test_nvivo_per_source_and_the_two_averages():
    spans = _spans([("S1", "ana", "h", 0, 5), ("S1", "ben", "h", 2, 5),      # S1 length 10
                    ("S2", "ana", "h", 0, 10), ("S2", "ben", "h", 0, 10)])   # S2 length 30
    r = nvivo_kappa(spans, continuum={"S1": 10, "S2": 30, "S3": 20})          # S3: nobody coded
    s1 = r.by_source.loc[("h", "S1")]
    # S1: A1 = 5, B1 = 3, P_o = .8, P_e = (15 + 35) / 100 = .5, kappa = .6
    assert s1["agreement"] == pytest.approx(0.8) and s1["kappa"] == pytest.approx(0.6)
    assert s1["a_and_not_b"] == pytest.approx(0.2) and s1["b_and_not_a"] == 0.0
    assert r.by_source.loc[("h", "S2"), "kappa"] == pytest.approx(1.0)
    assert r.by_source.loc[("h", "S3"), "kappa"] == 1.0  # NVivo: nothing coded by either -> 1
    assert r.summary.loc["h", "kappa_weighted"] == pytest.approx((10 * 0.6 + 30 + 20) / 60)
    assert r.summary.loc["h", "kappa_mean"] == pytest.approx((0.6 + 1 + 1) / 3)
    assert r.summary.loc["h", "agreement_weighted"] == pytest.approx((8 + 30 + 20) / 60)


def test_maxqda_threshold_and_brennan_prediger():
    spans = _spans([("D1", "ana", "x", 0, 10), ("D1", "ben", "x", 1, 10),    # overlap 9/10 = .9
                    ("D1", "ana", "y", 20, 30), ("D1", "ben", "y", 25, 30),  # overlap 5/10 = .5
                    ("D1", "ben", "z", 40, 45)])                             # only ben
    r = maxqda_agreement(spans, threshold=0.9)
    t = r.summary
    assert t.loc["x", ["agree", "only_a", "only_b"]].tolist() == [1, 0, 0]
    assert t.loc["y", ["agree", "only_a", "only_b"]].tolist() == [0, 1, 1]
    assert t.loc["z", ["agree", "only_a", "only_b"]].tolist() == [0, 0, 1]
    # P_o = 1 / 4, P_c = 1/3 -> kappa = (1/4 - 1/3) / (2/3) = -1/8
    assert t.loc["(overall)", "percent"] == pytest.approx(25.0)
    assert t.loc["(overall)", "kappa_bp"] == pytest.approx(-0.125)
    lax = maxqda_agreement(spans, threshold=0.5).summary
    assert lax.loc["y", "agree"] == 1
    # y now agrees (B's y is matched too): P_o = 2 / 3 -> kappa = (2/3 - 1/3) / (2/3) = 1/2
    assert lax.loc["(overall)", "kappa_bp"] == pytest.approx(0.5)


def test_dedoose_per_code_and_pooled():
    ex = pd.DataFrame({"excerpt": [1, 1, 2, 3, 1, 2, 2], "coder": ["ana", "ben", "ana", "ben", "ana", "ana", "ben"],
                       "code": ["x", "x", "x", "x", "y", "y", "y"]})
    r = dedoose_kappa(ex, excerpt_ids=[1, 2, 3, 4])
    # x: ana 1100, ben 1010: p_o .5, p_e .5 -> 0;  y: ana 1100, ben 0100: p_o .75, p_e .5*.25 + .5*.75 = .5 -> .5
    assert r.summary.loc["x", "kappa"] == pytest.approx(0.0, abs=1e-12)
    assert r.summary.loc["y", "kappa"] == pytest.approx(0.5)
    # pooled: (mean p_o .625 - mean p_e .5) / .5 = .25
    assert r.summary.loc["(pooled)", "kappa"] == pytest.approx(0.25)


def test_atlas_ti_domains():
    spans = _spans([("P1", "a", "x", 0, 4), ("P1", "a", "y", 6, 8), ("P1", "b", "x", 0, 4), ("P1", "b", "x", 6, 8)])
    with pytest.warns(ExperimentalWarning):
        r = atlas_ti_alpha(spans, continuum={"P1": 10}, domains={"D": ["x", "y"]})
    assert r.overall.loc["|u-alpha", "value"] == 1.0
    d = r.by_domain.set_index(["coefficient", "code"])
    assert d.loc[("|u-alpha", ""), "value"] == 1.0
    # Cu-alpha of domain D: the coded intersections are x/x over 4+4 and x/y over 2+2 (see the unitized tests)
    # coded intersections 12 of l.. = 20; o' = [[8, 2], [2, 0]], S'_x = 16 + 16 + 4, S'_y = 4,
    # e'_xx = 12 (100 - 36) / (144 - 40), e'_yy = 0 -> Cu-alpha = 1 - 4 / (12 - 768/104) = 2/15
    assert d.loc[("Cu-alpha", ""), "coverage"] == pytest.approx(0.6)
    assert d.loc[("Cu-alpha", ""), "value"] == pytest.approx(2 / 15)
    assert any("experimental" in n for n in r.notes)


def test_bad_inputs():
    spans = _spans([("S1", "ana", "h", 0, 5), ("S1", "ben", "h", 2, 5), ("S1", "caro", "h", 2, 5)])
    with pytest.raises(AgreementError, match="exactly two coders"):
        nvivo_kappa(spans, continuum={"S1": 10})
    with pytest.raises(AgreementError, match="'zoe'"):
        nvivo_kappa(spans, continuum={"S1": 10}, coders=("ana", "zoe"))
    with pytest.raises(AgreementError, match="'S1'"):
        nvivo_kappa(spans, continuum={"S2": 10}, coders=("ana", "ben"))
    with pytest.raises(AgreementError, match="'q'"):
        maxqda_agreement(spans, coders=("ana", "ben"), codes=["q"])
    with pytest.raises(AgreementError, match="threshold"):
        maxqda_agreement(spans, coders=("ana", "ben"), threshold=90)
    with pytest.raises(AgreementError, match="missing column"):
        dedoose_kappa(pd.DataFrame({"coder": ["a"]}))
    with pytest.raises(AgreementError, match="'h'"):
        atlas_ti_alpha(spans, continuum={"S1": 10}, domains={"D": ["x"]})
