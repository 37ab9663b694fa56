"""Issue 16, point 5: each statistics fix with the source it follows (and the value it reproduces)."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from hrp_coding import agreement as ag
from hrp_coding.agreement import engine
from hrp_coding.errors import AgreementError
from tests.test_agreement_published import HK2007  # Hayes & Krippendorff (2007), Table 1


def test_asymmetric_weights_on_a_table_are_used_as_given():
    # Gwet (2014), Handbook 4th ed., ch. 3 (irrCAC bp.coeff.dist / gwet.ac1.dist): from a table,
    # p_a = sum_kl w_kl p_kl with the weights as given; here w(A -> B) = .5 but w(B -> A) = 0.
    table = ag.from_contingency([[40, 20], [0, 40]], categories=["A", "B"])
    w = [[1.0, 0.5], [0.0, 1.0]]
    pa = 0.4 + 0.4 + 0.5 * 0.2  # .9 (symmetrised weights would give .85)
    pe_bp = 2.5 / 4
    res = ag.brennan_prediger(table, weights=w)
    assert res.observed == pytest.approx(pa) and res.value == pytest.approx((pa - pe_bp) / (1 - pe_bp))
    assert res.value == pytest.approx(0.73333333, abs=1e-8)
    assert ag.percent_agreement(table, weights=w).value == pytest.approx(pa)
    # Cohen (1968): p_e = sum_kl w_kl p_k. p_.l, also as given
    prow, pcol = np.array([0.6, 0.4]), np.array([0.4, 0.6])
    pe = float(prow @ np.array(w) @ pcol)
    assert ag.cohen_kappa(table, weights=w).value == pytest.approx((pa - pe) / (1 - pe))


def test_issue_16_example_brennan_prediger_is_778_not_667():
    # Issue 16's case: Brennan-Prediger on a table with asymmetric custom weights gave .667 (the weights were
    # symmetrised, so the A -> B cell counted .25 instead of .5) where Gwet's formula gives .778. Gwet (2014),
    # Handbook of Inter-Rater Reliability, 4th ed., ch. 3 (weighted Brennan-Prediger; irrCAC bp.coeff.dist):
    # p_a = sum_kl w_kl p_kl with the weights as given, p_e = sum_kl w_kl / q^2. Table 12 subjects, diagonal 5 + 5,
    # 2 in the A -> B cell; w(A -> B) = .5, w(B -> A) = 0.
    table = ag.from_contingency([[5, 2], [0, 5]], categories=["A", "B"])
    w = np.array([[1.0, 0.5], [0.0, 1.0]])
    p = np.array([[5, 2], [0, 5]]) / 12
    pa, pe = float((w * p).sum()), w.sum() / 4        # 11/12 and .625
    assert pa == pytest.approx(11 / 12) and (pa - pe) / (1 - pe) == pytest.approx(7 / 9)
    sym = (w + w.T) / 2                               # what the old code used: p_a 7/8, value 2/3
    assert (float((sym * p).sum()) - pe) / (1 - pe) == pytest.approx(2 / 3)
    bp = ag.brennan_prediger(table, weights=w)
    assert round(bp.value, 3) == 0.778 and bp.value == pytest.approx(7 / 9, abs=1e-12)
    assert bp.observed == pytest.approx(11 / 12) and bp.expected == pytest.approx(0.625)
    assert ag.percent_agreement(table, weights=w).value == pytest.approx(11 / 12)
    # the same p_a enters every chance model (each also symmetrised before: AC2, Fleiss and Conger gave .667,
    # .667 and .676): AC2 and Fleiss have p_e .625 here (pi = (.5, .5)); Conger's p_e = sum_kl w_kl (pbar_k pbar_l
    # - s2_kl / r) = sum_kl w_kl (a_k b_l + b_k a_l) / 2 for two coders (Gwet 2014, ch. 3) = 59 / 96
    for name in ("gwet_ac1", "fleiss_kappa", "scott_pi"):
        assert getattr(ag, name)(table, weights=w).value == pytest.approx(7 / 9, abs=1e-12), name
    a, b = p.sum(axis=1), p.sum(axis=0)
    pe_conger = float((w * (np.outer(a, b) + np.outer(b, a)) / 2).sum())
    assert pe_conger == pytest.approx(59 / 96)
    assert ag.conger_kappa(table, weights=w).value == pytest.approx((pa - pe_conger) / (1 - pe_conger), abs=1e-12)
    # Cohen (1968) p_e = sum_kl w_kl p_k. p_.l = 21 / 32 -> 25 / 33; its SE by Gwet's formula with
    # wbar_k. = sum_l w_kl p_.l and wbar_.l = sum_k w_kl p_k. (irrCAC 0.4.4's Python CAC.cohen takes
    # wbar_k. as sum_l w_lk p_.l, which only matters for asymmetric weights, and prints .20275)
    k = ag.cohen_kappa(table, weights=w)
    assert k.expected == pytest.approx(21 / 32) and k.value == pytest.approx(25 / 33, abs=1e-12)
    wr, wc = w @ b, w.T @ a
    s1 = float((p * (w - (1 - k.value) * (wr[:, None] + wc[None, :])) ** 2).sum())
    se = math.sqrt((s1 - (pa - 2 * (1 - k.value) * k.expected) ** 2) / (12 * (1 - k.expected) ** 2))
    assert k.se == pytest.approx(se, abs=1e-12) and round(k.se, 5) == 0.16597
    irr = pytest.importorskip("irrCAC.table")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = irr.CAC(pd.DataFrame([[5, 2], [0, 5]]), weights=w)
        assert ref.bp()["est"]["coefficient_value"] == pytest.approx(bp.value, abs=1e-5)
        assert ref.bp()["est"]["se"] == pytest.approx(bp.se, abs=1e-5)
        assert ref.gwet()["est"]["coefficient_value"] == pytest.approx(7 / 9, abs=1e-5)


def test_scott_pi_and_fleiss_kappa_share_the_raw_data_se():
    # Gwet (2014), ch. 5: raw ratings use the n (n - 1) denominator; a contingency table n^2, so its SE is the
    # raw one times sqrt((n - 1) / n). Scott's pi is Fleiss' kappa for two coders: same value, same SE.
    rng = np.random.default_rng(5)
    data = rng.integers(1, 4, size=(2, 60)).astype(float)
    scott, fleiss = ag.scott_pi(data), ag.fleiss_kappa(data)
    assert scott.value == pytest.approx(fleiss.value, abs=1e-12)
    assert scott.se == pytest.approx(fleiss.se, abs=1e-12)
    q = 3
    table = np.bincount((data[0] - 1).astype(int) * q + (data[1] - 1).astype(int), minlength=9).reshape(3, 3)
    from_table = ag.scott_pi(ag.from_contingency(table, categories=[1, 2, 3]))
    assert from_table.se == pytest.approx(scott.se * math.sqrt(59 / 60), abs=1e-12)


def test_cohen_interval_is_not_capped_at_one():
    # SAS PROC FREQ (AGREE) and statsmodels.stats.inter_rater.cohens_kappa: kappa_upp = kappa + z * ASE, uncapped;
    # for [[20, 1], [0, 20]] statsmodels gives kappa .951249, ASE .048096, interval .856982 to 1.045515
    res = ag.cohen_kappa(ag.from_contingency([[20, 1], [0, 20]]))
    assert res.value == pytest.approx(0.9512485, abs=1e-7) and res.se == pytest.approx(0.0480960, abs=1e-7)
    assert res.ci == pytest.approx((0.8569820, 1.0455150), abs=1e-7)
    sm = pytest.importorskip("statsmodels.stats.inter_rater")
    ref = sm.cohens_kappa(np.array([[20, 1], [0, 20]]))
    assert res.ci[1] == pytest.approx(ref.kappa_upp, abs=1e-12) and res.ci[1] > 1


def test_krippendorff_bootstrap_draws_the_actual_number_of_pairs(monkeypatch):
    # Hayes & Krippendorff (2007), Communication Methods and Measures 1(1), pp. 85-86 and the KALPHA macro: the
    # bootstrap draws as many pairs of values as the data hold: sum_u m_u (m_u - 1) / 2 = 239 on Table 1,
    # not (m - 1) n.. / 2 = 318 (which assumes every unit rated by all five observers).
    seen = {}
    original = engine.krippendorff_bootstrap

    def spy(o, delta, m, **kw):
        seen.update(kw, m=m, n_dot=float(o.sum()))
        return original(o, delta, m, **kw)

    monkeypatch.setattr(engine, "krippendorff_bootstrap", spy)
    res = ag.krippendorff_alpha(HK2007, level="ordinal", se="krippendorff", n_boot=2000, seed=1)
    assert seen["n_pairs"] == 239 and (seen["m"] - 1) * seen["n_dot"] / 2 == 318
    assert round(res.value, 4) == 0.7598 and res.se_method == "krippendorff-bootstrap"
    assert 0 < res.se < 0.1 and res.ci[0] < res.value < res.ci[1]


def test_ratio_weights_refuse_negative_categories():
    # Gwet (2014), ch. 3: ratio weights 1 - ((x_k - x_l)/(x_k + x_l))^2 / ... are defined on a ratio scale
    # (x >= 0); with -2 and 2 the old code found (2 - (-2)) / 0 and called it full agreement.
    with pytest.raises(AgreementError, match="ratio weights are undefined for negative categories"):
        ag.cohen_kappa([[-2, 1, 2], [2, 1, 2]], weights="ratio")
    assert ag.weight_matrix("ratio", [0, 1, 2])[0, 2] == pytest.approx(0.0)


def test_dedoose_keeps_excerpts_nobody_coded():
    # Dedoose Training Center (after De Vries et al. 2008): kappa over every excerpt of the test; an excerpt
    # that neither coder coded is agreement on "absent", not a missing row.
    ex = pd.DataFrame({"excerpt": [1, 1, 2, 3, 4], "coder": ["ana", "ben", "ana", "ben", "ana"],
                       "code": ["x", "x", "x", "x", None]})
    res = ag.dedoose_kappa(ex)
    # excerpts 1..4; ana x on 1, 2; ben x on 1, 3; both absent on 4: p_o = 2/4, p_e = .5*.5 + .5*.5 = .5
    assert res.summary.loc["x", "p_o"] == pytest.approx(0.5)
    assert res.summary.loc["x", "kappa"] == pytest.approx(0.0)
    assert any("1 excerpt(s) coded by neither coder" in n for n in res.notes)
    same = ag.dedoose_kappa(ex.dropna(), excerpt_ids=[1, 2, 3, 4])
    assert same.summary.loc["x", "kappa"] == pytest.approx(res.summary.loc["x", "kappa"])


@pytest.mark.parametrize("func", [ag.krippendorff_alpha, ag.fleiss_kappa, ag.cohen_kappa, ag.scott_pi])
def test_the_interval_prints_its_real_level(func):
    data = [[1, 2, 3, 3, 2, 1, 1, 2], [1, 2, 3, 3, 2, 2, 1, 2]]
    res = func(data, confidence=0.80)
    assert res.confidence == 0.80 and "80% CI" in str(res) and "95%" not in str(res)
    assert "80% CI" in res._repr_html_() and res.as_dict()["ci_level"] == 0.80
    wide = func(data)
    assert (res.ci[1] - res.ci[0]) < (wide.ci[1] - wide.ci[0]) and "95% CI" in str(wide)
    with pytest.raises(AgreementError, match="confidence must be a number between 0 and 1"):
        func(data, confidence=95)


def test_report_per_code_table_has_pabak_prevalence_and_bias():
    # Byrt, Bishop & Carlin (1993), J Clin Epidemiol 46(5): 423-429: PABAK = 2 p_o - 1, prevalence index
    # |a - d| / n, bias index |b - c| / n of the 2 x 2 table
    segs = pd.DataFrame({"transcript": "P01", "segment": [f"t{i}" for i in range(10)], "start": range(10),
                         "end": range(1, 11)})
    ana = ["t0", "t1", "t2", "t3", "t4"]
    ben = ["t0", "t1", "t2", "t5"]
    coded = pd.DataFrame({"transcript": "P01", "segment": ana + ben, "coder": ["ana"] * 5 + ["ben"] * 4,
                          "code": "holding"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        row = ag.report(coded, segments=segs).by_code.loc["holding"]
    # a = 3 (t0-t2), b = 2 (ana only: t3, t4), c = 1 (ben only: t5), d = 4
    assert row["percent_agreement"] == pytest.approx(0.7) and row["pabak"] == pytest.approx(0.4)
    assert row["prevalence_index"] == pytest.approx(abs(3 - 4) / 10)
    assert row["bias_index"] == pytest.approx(abs(2 - 1) / 10)
    assert ag.brennan_prediger(np.array([[1, 1, 1, 1, 1, 0, 0, 0, 0, 0], [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]]),
                               categories=[0, 1]).value == pytest.approx(row["pabak"])


def test_bootstrap_does_not_reenter_the_public_api(monkeypatch):
    # issue 14: the engine resamples encoded units and runs its own point estimate
    calls = []
    original = engine.run

    def counting(*args, **kwargs):
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(engine, "run", counting)
    res = ag.fleiss_kappa([[1, 2, 3, 3, 2, 1], [1, 2, 3, 1, 2, 2], [1, 2, 2, 3, 2, 1]], se="bootstrap", n_boot=50,
                          seed=2)
    assert res.se_method == "bootstrap" and res.se > 0
    assert calls == []  # coefficients.fleiss_kappa holds the engine's run; the bootstrap never calls it again
    _se, _, reps = ag.bootstrap_se(ag.fleiss_kappa, [[1, 2, 3, 3, 2, 1], [1, 2, 3, 1, 2, 2]], n_boot=20, seed=2)
    assert reps.shape == (20,) and calls == []


def test_alpha_se_is_computed_only_when_asked(monkeypatch):
    # Issue 16 point 7: the default se="auto" must not pay for the SE unless se/ci are read
    spec = engine.SPECS["krippendorff_alpha"]
    data, from_table = engine.encode(HK2007, None)
    est = engine.point(spec, engine.prepare(spec, data, from_table), "interval")
    eager_se, eager_ci = engine._linearised(est, from_table, 0.9)  # what the eager call computed
    calls = []
    real = engine.linearised_se
    monkeypatch.setattr(engine, "linearised_se", lambda *a, **k: calls.append(1) or real(*a, **k))
    res = ag.krippendorff_alpha(HK2007, level="interval", confidence=0.9)
    assert (res.value, res.observed, res.n_pairable) == (float(est.value), float(est.pa), est.base["n_pairable"])
    assert (res.se_method, res.confidence, res.ci_label, res.notes) == ("gwet-linearisation", 0.9, "90% CI", ())
    assert calls == []
    assert res.ci == eager_ci and res.se == eager_se and calls == [1]  # once, at full precision
    # asking through str / equality / to_frame / pickle works the same
    other = ag.krippendorff_alpha(HK2007, level="interval", confidence=0.9)
    assert f"SE {eager_se:.4f}, 90% CI" in str(other) and len(calls) == 2
    assert ag.krippendorff_alpha(HK2007, level="interval", confidence=0.9) == res and len(calls) == 3
    assert ag.krippendorff_alpha(HK2007, level="interval", confidence=0.9).to_frame()["se"].iloc[0] == eager_se
    import pickle
    back = pickle.loads(pickle.dumps(ag.krippendorff_alpha(HK2007, level="interval", confidence=0.9)))
    assert back == res and back.ci == eager_ci
    assert ag.krippendorff_alpha(HK2007, level="interval", se=None).se is None and len(calls) == 5
