"""The study-level agreement report, on hand-built DataFrames whose answers are computed by hand below."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from hrp_coding.agreement.report import jaccard_distance, masi_distance, report
from hrp_coding.errors import AgreementError, PrevalenceWarning

H, S = "holding", "staying_with"


def _segments():
    rows = [("P01", f"P01:t{i}", 10 * i, 10 * i + 9, f"turn {i} of P01") for i in range(1, 7)]
    rows += [("P02", f"P02:t{i}", 10 * i, 10 * i + 9, f"turn {i} of P02") for i in range(1, 5)]
    return pd.DataFrame(rows, columns=["transcript", "segment", "start", "end", "text"])


def _coded(with_gold: bool = False):
    ana = {1: [H], 2: [H, S], 4: [S], 6: [H]}
    ben = {1: [H], 2: [H], 4: [H], 6: [H]}
    rows = [("P01", f"P01:t{u}", "ana", c) for u, cs in ana.items() for c in cs]
    rows += [("P01", f"P01:t{u}", "ben", c) for u, cs in ben.items() for c in cs]
    rows += [("P02", "P02:t1", "ana", H)]  # ben never coded P02: missing there, not "absent"
    if with_gold:
        rows += [("P01", f"P01:t{u}", "consensus", c) for u, cs in ana.items() for c in cs]
    return pd.DataFrame(rows, columns=["transcript", "segment", "coder", "code"])


@pytest.fixture(scope="module")
def rep():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report(_coded(), segments=_segments())


def test_per_code_table_by_hand(rep):
    h = rep.by_code.loc[H]
    # holding on P01 (P02 has only ana): ana 1,1,0,0,0,1; ben 1,1,0,1,0,1
    assert h["n"] == 6
    assert h["percent_agreement"] == pytest.approx(5 / 6)
    assert h["kappa"] == pytest.approx(2 / 3)          # p_o 5/6, p_e .5*4/6 + .5*2/6 = 1/2
    assert h["kappa_method"] == "cohen"
    assert h["alpha"] == pytest.approx(1 - 11 * 2 / (2 * 7 * 5))  # n = 12, n_1 = 7, n_0 = 5, one mismatch
    # Gwet (2014, ch. 4) with missing ratings: p_a over units rated twice, pi_k over every rated unit, so
    # ana's four P02 units count: pi = (1 + 1 + 0 + .5 + 0 + 1 + 1 + 0 + 0 + 0) / 10 = .45
    pe = 2 * 0.45 * 0.55
    assert h["ac1"] == pytest.approx((5 / 6 - pe) / (1 - pe))
    assert h["prevalence"] == pytest.approx(8 / 16)    # rated cells: 6 + 6 (P01) + 4 (ana in P02)
    s = rep.by_code.loc[S]
    assert s["percent_agreement"] == pytest.approx(4 / 6)
    assert s["kappa"] == pytest.approx(0.0, abs=1e-12)  # p_e = (1/3)(0) + (2/3)(1) = 2/3 = p_o
    assert s["alpha"] == pytest.approx(1 - 11 * 4 / (2 * 2 * 10))
    pe = 2 * 0.1 * 0.9  # pi = (.5 + .5) / 10
    assert s["ac1"] == pytest.approx((4 / 6 - pe) / (1 - pe))
    assert rep.flags == ()


def test_overall_set_alphas_and_pooled_kappa(rep):
    # P01 code sets (ana | ben): t1 {h}|{h}, t2 {h,s}|{h}, t3 {}|{}, t4 {s}|{h}, t5 {}|{}, t6 {h}|{h}
    # MASI: t2 distance 1 - (1/2)(2/3) = 2/3, t4 distance 1. D_o = (2*2/3 + 2*1) / 12 = 10/36
    # set counts {h} 6, {h,s} 1, {} 4, {s} 1; D_e = 2 * (4 + 24 + 6 + 4 + 2/3 + 4) / (12 * 11) = 256/396
    assert rep.overall.loc["alpha_masi", "value"] == pytest.approx(1 - (10 / 36) / (256 / 396))
    assert rep.overall.loc["alpha_masi", "value"] == pytest.approx(0.5703125)
    # Jaccard: t2 distance 1/2; D_o = 3/12; D_e = 2 * 41.5 / 132 -> alpha = 50/83
    assert rep.overall.loc["alpha_jaccard", "value"] == pytest.approx(50 / 83)
    # De Vries et al. (2008): (mean p_o - mean p_e) / (1 - mean p_e) = (0.75 - 7/12) / (5/12) = 0.4
    assert rep.overall.loc["pooled_kappa", "value"] == pytest.approx(0.4)
    assert rep.overall.loc["alpha_masi", "n_units"] == 6


def test_per_transcript_pair_and_coder_tables(rep):
    t = rep.by_transcript
    assert t.loc["P01", "alpha_masi"] == pytest.approx(0.5703125)
    assert t.loc["P01", "pooled_kappa"] == pytest.approx(0.4)
    assert t.loc["P01", "n_contested"] == 2 and t.loc["P02", "n_contested"] == 0
    assert t.loc["P02", "coders"] == "ana" and np.isnan(t.loc["P02", "alpha_masi"])
    p = rep.by_pair.loc[("ana", "ben")]
    assert p["n_units"] == 6 and p["exact_agreement"] == pytest.approx(4 / 6)
    assert p["pooled_kappa"] == pytest.approx(0.4)
    assert rep.by_coder.loc[H].to_dict() == {"ana": 4, "ben": 4}
    assert rep.by_coder.loc[S].to_dict() == {"ana": 2, "ben": 0}
    assert any("P02" in n and "ben" in n for n in rep.notes)


def test_disagreements_list_each_contested_segment(rep):
    d = rep.disagreements()
    assert d["segment"].tolist() == ["P01:t2", "P01:t4"]
    assert d["ana"].tolist() == ["holding; staying_with", "staying_with"]
    assert d["ben"].tolist() == ["holding", "holding"]
    assert d["contested"].tolist() == ["staying_with", "holding; staying_with"]
    assert d["agreed"].tolist() == ["holding", ""]
    assert d["text"].tolist() == ["turn 2 of P01", "turn 4 of P01"]
    assert rep.disagreements(code=H)["segment"].tolist() == ["P01:t4"]
    with pytest.raises(AgreementError, match="'inviting'"):
        rep.disagreements(code="inviting")
    with pytest.raises(AgreementError, match="'P09'"):
        rep.disagreements(transcript="P09")


def test_not_coded_is_shown_and_gold_layer():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(_coded(with_gold=True), segments=_segments(), gold="consensus")
    assert rep.coders == ("ana", "ben") and rep.gold == "consensus"
    g = rep.vs_gold
    assert g.loc[("ana", S), "kappa"] == pytest.approx(1.0)
    assert g.loc[("ben", S), "sensitivity"] == 0.0 and g.loc[("ben", S), "gold_units"] == 2
    assert g.loc[("ben", H), "sensitivity"] == 1.0 and g.loc[("ben", H), "precision"] == pytest.approx(0.75)
    d = rep.disagreements()
    assert d["gold:consensus"].tolist() == ["holding; staying_with", "staying_with"]
    assert "Against consensus" in str(rep)


def test_prevalence_paradox_is_flagged_and_warned():
    segs = pd.DataFrame({"transcript": "P01", "segment": [f"t{i}" for i in range(10)], "start": range(10),
                         "end": range(1, 11)})
    coded = pd.DataFrame({"transcript": "P01", "segment": ["t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8", "t9",
                                                           "t0", "t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8",
                                                           "t9", "t9"],
                          "coder": ["ana"] * 10 + ["ben"] * 10 + ["ana"],
                          "code": [H] * 20 + [S]})
    # staying_with: ana on 1 of 10, ben never: p_o = .9, p_e = .9, kappa 0 -> flagged
    with pytest.warns(PrevalenceWarning, match="staying_with"):
        rep = report(coded, segments=segs)
    assert rep.flags == (S,)
    assert rep.by_code.loc[S, "flag"] == "prevalence"
    assert rep.by_code.loc[S, "percent_agreement"] == pytest.approx(0.9)


def test_three_coders_use_fleiss():
    coded = pd.concat([_coded(), _coded().query("coder == 'ben'").assign(coder="caro")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(coded, segments=_segments())
    assert rep.by_code.loc[H, "kappa_method"] == "fleiss"
    assert len(rep.by_pair) == 3
    assert rep.by_pair.loc[("ben", "caro"), "exact_agreement"] == 1.0


def test_character_and_unitized_units_by_hand():
    spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": H, "start": [0, 2], "end": [5, 5]})
    texts = {"P01": "abcdefghij"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ch = report(spans, unit="character", texts=texts)
    # characters: ana 1111100000, ben 0011100000 -> p_o .8, p_e .5*.3 + .5*.7 = .5, kappa .6
    assert ch.by_code.loc[H, "percent_agreement"] == pytest.approx(0.8)
    assert ch.by_code.loc[H, "kappa"] == pytest.approx(0.6)
    d = ch.disagreements()
    assert d[["segment", "text", "ana", "ben"]].values.tolist() == [["P01:0-2", "ab", H, ""]]
    un = report(spans, unit="unitized", continuum={"P01": 10})
    # D_o = 2 * ((0-2)^2 + 0) / (2 * 100) = .04; D_e = 2/10 * (110 + 64) / (380 - 26)
    assert un.by_code.loc[H, "u_alpha"] == pytest.approx(1 - 0.04 / (0.2 * 174 / 354))
    assert un.overall.loc["u_alpha", "value"] == pytest.approx(1 - 0.04 / (0.2 * 174 / 354))


def test_bad_inputs_name_the_thing():
    segs, coded = _segments(), _coded()
    with pytest.raises(AgreementError, match="'zoe'"):
        report(coded, segments=segs, coders=["ana", "zoe"])
    with pytest.raises(AgreementError, match="'inviting'"):
        report(coded, segments=segs, codes=["inviting"])
    with pytest.raises(AgreementError, match="'word'"):
        report(coded, segments=segs, unit="word")
    with pytest.raises(AgreementError, match="segments="):
        report(coded)
    with pytest.raises(AgreementError, match="gold coder 'dana' has no codings"):
        report(coded, segments=segs, gold="dana")  # (consensus may be empty: agreed units enter it)
    with pytest.raises(AgreementError, match="at least two coders"):
        report(coded, segments=segs, coders=["ana"])
    bad = pd.concat([coded, pd.DataFrame([("P01", "P01:t99", "ana", H)], columns=coded.columns)])
    with pytest.raises(AgreementError, match="'P01:t99'"):
        report(bad, segments=segs)
    with pytest.raises(AgreementError, match="P01"):
        report(pd.DataFrame({"transcript": ["P01"], "coder": ["a"], "code": [H], "start": [0], "end": [3]}),
               unit="character", continuum={"P02": 10})


def test_report_is_frozen_inputs_untouched_and_renders(rep):
    coded, segs = _coded(), _segments()
    before = coded.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report(coded, segments=segs)
    pd.testing.assert_frame_equal(coded, before)
    with pytest.raises(AttributeError):
        rep.unit = "sentence"
    assert set(rep.tables()) == {"code", "overall", "transcript", "pair", "coder"}
    assert rep.to_frame("pair").shape[0] == 1
    text = str(rep)
    assert "Per code" in text and "holding" in text and "2 contested unit(s)" in text
    assert "<table" in rep._repr_html_()
    with pytest.raises(AgreementError, match="'codes'"):
        rep.to_frame("codes")


def test_set_distances():
    a, b = frozenset({"x", "y"}), frozenset({"y", "z"})
    assert jaccard_distance(a, b) == pytest.approx(2 / 3)
    assert masi_distance(a, b) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi_distance(a, a) == 0.0 and masi_distance(frozenset(), frozenset()) == 0.0
    assert masi_distance(a, frozenset({"q"})) == 1.0


# ---- the bundled sample study (skips cleanly when the store or the data are absent) -------------------------

@pytest.fixture(scope="module")
def sample(sample_study):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return sample_study, report(sample_study, unit="turn")


def test_sample_study_per_code_table_is_actionable(sample):
    _, rep = sample
    assert rep.coders == ("ana", "ben", "caro")
    assert set(rep.by_code.index) >= {"holding", "staying_with", "signaling_the_limits"}
    # caro under-applies signaling_the_limits: her count is well below the others' and the code's alpha is
    # among the lowest three
    counts = rep.by_coder.loc["signaling_the_limits"]
    assert counts["caro"] < 0.7 * min(counts["ana"], counts["ben"])
    lowest = rep.by_code["alpha"].nsmallest(3).index
    assert "signaling_the_limits" in lowest
    assert rep.by_code.loc["signaling_the_limits", "alpha"] < rep.overall.loc["alpha_jaccard", "value"]


def test_sample_study_disagreements_show_holding_vs_staying_with(sample):
    _, rep = sample
    d = rep.disagreements()
    assert len(d) > 0 and d["text"].str.len().min() > 0

    def swapped(row):
        sets = [set(row[c].split("; ")) for c in rep.coders if row[c] != "(not coded)"]
        return (any("holding" in s and "staying_with" not in s for s in sets)
                and any("staying_with" in s and "holding" not in s for s in sets))

    assert sum(swapped(r) for _, r in d.iterrows()) >= 2
    assert len(rep.disagreements(code="signaling_the_limits")) >= 5


def test_cli_agreement_on_the_sample_study(sample, capsys):
    from hrp_coding.cli import main

    project, _ = sample
    assert main(["agreement", str(project.path), "--format", "csv", "--coders", "ana,caro"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("code,n,prevalence,percent_agreement,alpha,alpha_ci_low,alpha_ci_high,kappa")
    assert "signaling_the_limits" in out
    assert main(["agreement", str(project.path), "--coders", "ana,zoe"]) == 1
    assert "'zoe'" in capsys.readouterr().err


# ---------------------------------------------------------------------------------------- issue 16: units


def test_sample_study_units_follow_the_codebook(sample):
    # the codebook codes participant turns only (coded_roles default); interviewer turns are not units
    project, rep = sample
    assert project.codebook.coded_roles == ("participant",)
    assert rep.roles == ("participant",) and rep.units_label == "participant turns"
    assert rep.overall.loc["alpha_masi", "value"] == pytest.approx(0.7022, abs=5e-4)
    assert rep.overall.loc["alpha_masi", "n_units"] == 152
    assert any("units: participant turns, the codebook's coded_roles" in n for n in rep.notes)
    assert "units participant turns" in str(rep)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        every = report(project, unit="turn", roles="all")
        # segments= is honoured with a project: the units given, nothing else
        segs = project.segments("turn")
        mine = segs[(segs["transcript"] == "P01") & (segs["role"] == "participant")]
        only = report(project, unit="turn", segments=mine)
    assert every.roles is None and every.overall.loc["alpha_masi", "value"] == pytest.approx(0.7927, abs=5e-4)
    assert list(only.by_transcript.index) == ["P01"] and only.by_transcript.loc["P01", "n_units"] == len(mine)
    assert any(f"the {len(mine)} turns given in segments=" in n for n in only.notes)
    bad = mine.assign(segment="P01:nope")
    with pytest.raises(AgreementError, match="'P01:nope' of transcript 'P01' is not a turn of the project"):
        report(project, unit="turn", segments=bad)
    with pytest.raises(AgreementError, match=r"roles \['narrator'\] have no turn"):
        report(project, unit="turn", roles=["narrator"])


def test_dataframe_roles_filter_and_segments_refused_for_spans():
    segs = _segments().assign(role=["participant", "interviewer"] * 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(_coded(), segments=segs, roles="participant")
    assert rep.units_label == "participant turns"
    assert set(rep.disagreements()["segment"]) <= set(segs.loc[segs["role"] == "participant", "segment"])
    assert rep.by_transcript.loc["P01", "n_units"] == 3
    spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": H, "start": 0, "end": 5})
    with pytest.raises(AgreementError, match="segments= applies to segment units"):
        report(spans, unit="character", continuum={"P01": 10}, segments=segs)


# -------------------------------------------------------------------------------- issue 16: consensus as gold


def test_consensus_gold_is_complete_agreed_units_enter_it_automatically():
    # ana and ben agree on t1 {h}, t3 {}, t5 {}, t6 {h}; t2 and t4 are contested. Only t4 is adjudicated ({s}).
    coded = _coded()
    coded = pd.concat([coded, pd.DataFrame([("P01", "P01:t4", "consensus", S)], columns=coded.columns)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(coded, segments=_segments(), gold="consensus")
    g = rep.vs_gold
    # gold units: t1, t3, t4, t5, t6 (t2 awaits adjudication and is left out): n = 5 for each coder
    assert g.loc[("ana", H), "n"] == 5 and g.loc[("ben", H), "n"] == 5
    # holding in gold: t1, t6 (agreed); ana holding t1, t6 (t2 left out): precision 1, never 0 on agreed codes
    assert g.loc[("ana", H), "precision"] == 1.0 and g.loc[("ana", H), "sensitivity"] == 1.0
    # ben holding on t1, t4, t6: t4 was decided staying_with, so precision 2/3
    assert g.loc[("ben", H), "precision"] == pytest.approx(2 / 3)
    assert g.loc[("ana", S), "kappa"] == pytest.approx(1.0)
    assert any("4 agreed unit(s) entered automatically, 1 adjudicated; 1 contested unit(s) await" in n
               for n in rep.notes)
    d = rep.disagreements()
    assert d["gold:consensus"].tolist() == ["(not coded)", "staying_with"]


def test_consensus_gold_on_the_sample_study_and_cli(sample, capsys):
    from hrp_coding.cli import main

    project, _ = sample
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(project, unit="turn", gold="consensus")
    assert rep.gold == "consensus" and set(rep.vs_gold.index.get_level_values("coder")) == {"ana", "ben", "caro"}
    # the sample study has no adjudication yet: its 75 agreed participant turns are the gold layer, the 77
    # contested ones await the consensus meeting (not "consensus applied nothing")
    assert (rep.vs_gold["n"] == 75).all() and (rep.vs_gold["precision"].dropna() == 1.0).all()
    assert any("75 agreed unit(s) entered automatically, 0 adjudicated; 77 contested" in n for n in rep.notes)
    assert main(["agreement", str(project.path), "--gold", "consensus", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("coder,code,n,gold_units,coder_units,kappa,sensitivity,precision")


def test_cells_without_a_value_say_why():
    # issue 14: the report shows why a cell has no value instead of a silent NaN
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = report(_coded(), segments=_segments(), gold="consensus")
    assert rep.by_transcript.loc["P02", "note"] == "coded by 1 coder(s): nothing to compare"
    assert np.isnan(rep.by_transcript.loc["P02", "alpha_masi"])
    g = rep.vs_gold
    for (coder, code), row in g.iterrows():
        for col in ("sensitivity", "precision", "kappa"):
            if np.isnan(row[col]):
                assert row["note"], (coder, code, col)
