"""Analysis: frequencies, co-occurrence, saturation, coverage, replication; worked examples built by hand."""

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from hrp_coding import analysis
from hrp_coding.errors import CodebookVersionWarning
from hrp_coding.intervals import newcombe_interval


class FakeProject:
    """The part of the Project interface analysis uses, over hand-built tables."""

    def __init__(self, segments, present, attributes, codings=None, codes=()):
        self._segments, self._present, self._codings = segments, present, codings
        self._attributes = attributes
        self.transcript_ids = list(attributes)
        self.codebook = SimpleNamespace(codes={c: None for c in codes})

    def transcript(self, tid):
        return SimpleNamespace(attributes=self._attributes[tid])

    def segments(self, unit):
        return self._segments.copy()

    def coded_segments(self, unit, coder=None, overlap="any"):
        return self._present.copy()

    def codings(self):
        return self._codings.copy()


def _codings_from(interviews):
    rows = [(tid, code) for tid, codes in interviews.items() for code in codes]
    return pd.DataFrame(rows, columns=["transcript", "code"]).assign(coder="ana", start=0, end=10)


# Hand-built: base I1-I4 holds 10 distinct codes (a-j); I5 adds k, I6 adds l, I7 and I8 add nothing.
SATURATION_STUDY = {
    "I1": "abcde", "I2": "abf", "I3": "cgh", "I4": "adij",
    "I5": "abk", "I6": "cl", "I7": "ab", "I8": "de",
}


def test_saturation_worked_example_five_percent():
    result = analysis.saturation(_codings_from(SATURATION_STUDY), base_size=4, run_length=2, threshold=0.05)
    assert result.new_per_interview["n_new"].tolist() == [5, 1, 2, 2, 1, 1, 0, 0]
    assert result.new_per_interview["cumulative"].tolist() == [5, 6, 8, 10, 11, 12, 12, 12]
    # runs (5,6): k,l -> 2/10; (6,7): l -> 1/10; (7,8): nothing -> 0
    assert result.runs[["run_start", "run_end", "n_new"]].values.tolist() == [[5, 6, 2], [6, 7, 1], [7, 8, 0]]
    assert result.runs["ratio"].tolist() == pytest.approx([0.2, 0.1, 0.0])
    assert result.saturation_at == 6
    assert result.confirmed_by == ("I7", "I8")
    assert "reached at 6 interviews" in str(result)


def test_saturation_threshold_ten_percent_reached_earlier():
    result = analysis.saturation(_codings_from(SATURATION_STUDY), base_size=4, run_length=2, threshold=0.10)
    assert result.saturation_at == 5
    assert result.confirmed_by == ("I6", "I7")


def test_saturation_not_reached_and_order_respected():
    codings = _codings_from(SATURATION_STUDY)
    result = analysis.saturation(codings, base_size=4, run_length=2, threshold=0.05,
                                 order=["I8", "I7", "I6", "I5", "I4", "I3", "I2", "I1"])
    # reversed order: the late interviews keep bringing new codes
    assert result.new_per_interview["new_codes"].iloc[0] == ("d", "e")
    assert not result.reached and result.saturation_at is None
    assert "not reached in 8 interviews" in str(result)


def test_saturation_bad_parameters_name_themselves():
    codings = _codings_from(SATURATION_STUDY)
    with pytest.raises(ValueError, match="base_size"):
        analysis.saturation(codings, base_size=0)
    with pytest.raises(ValueError, match="threshold"):
        analysis.saturation(codings, threshold=5)
    with pytest.raises(ValueError, match=r"order lacks transcripts .*I8"):
        analysis.saturation(codings, order=["I1", "I2"])


def test_code_frequencies_by_coder_and_attribute():
    codings = pd.DataFrame({
        "transcript": ["P01", "P01", "P01", "P02"], "coder": ["ana", "ben", "ana", "ana"],
        "code": ["holding", "holding", "inviting", "holding"], "start": [0, 0, 10, 5], "end": [10, 12, 30, 25]})
    by_coder = analysis.code_frequencies(codings, by="coder")
    ana = by_coder[by_coder["coder"] == "ana"].set_index("code")
    assert ana.loc["holding", "n_codings"] == 2 and ana.loc["holding", "n_transcripts"] == 2
    assert ana.loc["holding", "chars"] == 30 and ana.loc["holding", "share"] == pytest.approx(2 / 3)
    project = FakeProject(None, None, {"P01": {"setting": "clinic"}, "P02": {"setting": "outreach"}}, codings)
    by_setting = analysis.code_frequencies(project, by="setting").set_index(["setting", "code"])
    assert by_setting.loc[("clinic", "holding"), "n_codings"] == 2
    assert by_setting.loc[("outreach", "holding"), "n_coders"] == 1
    with pytest.raises(ValueError, match=r"no such transcript attribute.*setting"):
        analysis.code_frequencies(project, by="region")
    with pytest.raises(ValueError, match=r"coders=\['zoe'\]"):
        analysis.code_frequencies(codings, coders=["zoe"])


def test_span_cooccurrence_counts_overlaps_per_coder():
    spans = pd.DataFrame({
        "transcript": ["P01"] * 5, "coder": ["ana", "ana", "ana", "ben", "ben"],
        "code": ["holding", "enclosure_and_safety", "inviting", "holding", "inviting"],
        "start": [0, 20, 45, 0, 60], "end": [50, 40, 60, 30, 80]})
    pairs = analysis.cooccurrence(spans, unit="span").set_index(["code_a", "code_b"])
    # ana: holding overlaps enclosure (20-40) and inviting (45-50); ben's spans do not overlap
    assert pairs.loc[("enclosure_and_safety", "holding"), "n_both"] == 1
    assert pairs.loc[("holding", "inviting"), "n_both"] == 1
    assert pairs.loc[("holding", "inviting"), "jaccard"] == pytest.approx(1 / (2 + 2 - 1))
    assert ("enclosure_and_safety", "inviting") not in pairs.index


def test_segment_cooccurrence_observed_over_expected():
    present = pd.DataFrame([
        ("P01", "t1", "ana", "holding"), ("P01", "t1", "ana", "enclosure_and_safety"),
        ("P01", "t2", "ana", "holding"), ("P01", "t2", "ana", "enclosure_and_safety"),
        ("P01", "t3", "ana", "inviting"), ("P01", "t4", "ana", "holding"),
    ], columns=["transcript", "segment", "coder", "code"])
    project = FakeProject(None, present, {"P01": {}})
    pairs = analysis.cooccurrence(project, unit="turn").set_index(["code_a", "code_b"])
    row = pairs.loc[("enclosure_and_safety", "holding")]
    assert (row["n_both"], row["n_a"], row["n_b"], row["n_units"]) == (2, 2, 3, 4)
    assert row["obs_exp"] == pytest.approx(2 * 4 / (2 * 3))
    assert row["jaccard"] == pytest.approx(2 / 3)


def _turns(tid, n, length=100):
    return [{"transcript": tid, "segment": f"{tid}:t{i:03d}", "start": i * length, "end": (i + 1) * length - 10,
             "speaker": tid, "role": "participant", "text": "x" * (length - 10)} for i in range(1, n + 1)]


def test_compare_samples_flags_the_code_that_differs():
    # original: 2 interviews x 20 participant turns; replication: 2 x 10. Code 'limits' in 10% vs 60% of turns;
    # 'holding' in 20% of both.
    segments = pd.DataFrame(_turns("P01", 20) + _turns("P02", 20) + _turns("R01", 10) + _turns("R02", 10))
    rows = []
    for tid, n_limits, n_holding in [("P01", 2, 4), ("P02", 2, 4), ("R01", 6, 2), ("R02", 6, 2)]:
        ids = segments.loc[segments["transcript"] == tid, "segment"].tolist()
        rows += [(tid, s, "ana", "signaling_the_limits") for s in ids[:n_limits]]
        rows += [(tid, s, "ana", "holding") for s in ids[-n_holding:]]
    present = pd.DataFrame(rows, columns=["transcript", "segment", "coder", "code"])
    attributes = {"P01": {"sample": "original"}, "P02": {"sample": "original"},
                  "R01": {"sample": "replication"}, "R02": {"sample": "replication"}}
    project = FakeProject(segments, present, attributes, codes=["holding", "signaling_the_limits", "inviting"])
    result = analysis.compare_samples(project)
    table = result.table.set_index("code")
    assert table.loc["signaling_the_limits", "prop_a"] == pytest.approx(0.1)
    assert table.loc["signaling_the_limits", "prop_b"] == pytest.approx(0.6)
    low, high = newcombe_interval(4, 40, 12, 20)
    assert (table.loc["signaling_the_limits", "ci_low"], table.loc["signaling_the_limits", "ci_high"]) == (low, high)
    assert low > 0
    expected_h = 2 * np.arcsin(np.sqrt(0.6)) - 2 * np.arcsin(np.sqrt(0.1))
    assert table.loc["signaling_the_limits", "h"] == pytest.approx(expected_h)
    assert result.flagged["code"].tolist() == ["signaling_the_limits"]
    assert table.loc["holding", "diff"] == pytest.approx(0.0) and not table.loc["holding", "flag"]
    assert table.loc["inviting", "n_b"] == 0  # codebook codes nobody used are compared too
    assert "<- differs" in str(result)
    with pytest.raises(ValueError, match="no transcript has sample='pilot'"):
        analysis.compare_samples(project, b="pilot")


def test_interval_union_mask():
    starts, ends = np.array([0, 5, 20, 50]), np.array([10, 15, 30, 60])
    mask = analysis._mask_of(starts, ends, 100)
    assert mask.sum() == 15 + 10 + 10
    assert mask[8:25].sum() == 7 + 5
    assert analysis._mask_of(starts[:0], ends[:0], 10).sum() == 0


def test_distinctive_terms_positive_for_focus_words():
    focus = ["the court ordered treatment", "her probation officer called", "court again"]
    background = ["we sat with the grief", "she felt safe in the room", "grief and safety"]
    terms = analysis.distinctive_terms(focus, background, top=50, min_count=2)
    z = terms.set_index("term")["z"]
    assert z["court"] > 0
    assert "grief" not in terms.head(1)["term"].tolist()


@pytest.fixture(scope="module")
def sample(sample_study_copy):
    import hrp_coding as hc

    study = sample_study_copy()
    study.import_codings(hc.datasets.replication_codings_path())
    return study


def test_on_the_sample_study_coverage_and_uncoded_passages(sample):
    cover = analysis.coverage(sample, coders=["ana", "ben", "caro"], by_coder=True)
    assert len(cover) == 8 * 3 and set(cover["coder"]) == {"ana", "ben", "caro"}
    assert cover["share"].between(0.3, 0.8).all()  # coders code about half of participant talk
    gaps = analysis.uncoded_passages(sample, min_chars=150, transcripts=["R01", "R02", "R03", "R04"])
    assert len(gaps) > 0 and (gaps["role"] == "participant").all()
    assert (gaps["chars"].diff().dropna() <= 0).all()  # longest first


def test_on_the_sample_study_holding_attracts_enclosure(sample):
    pairs = analysis.cooccurrence(sample, unit="turn", coders=["ana"]).set_index(["code_a", "code_b"])
    row = pairs.loc[("enclosure_and_safety", "holding")]
    assert row["n_both"] >= 5 and row["obs_exp"] > 1.5


def test_on_the_sample_study_replication_flags_signaling_the_limits(sample):
    result = analysis.compare_samples(sample, coders=["ana", "dana"])
    flagged = result.flagged.set_index("code")
    assert "signaling_the_limits" in flagged.index
    assert flagged.loc["signaling_the_limits", "diff"] > 0  # more frequent in the court-referred/rural sample
    by_setting = analysis.code_frequencies(sample, by="sample", coders=["ana", "dana"])
    assert set(by_setting["sample"]) == {"original", "replication"}


def test_saturation_counts_coded_interviews_only():
    # issue 16: an interview nobody has coded yet is not "0 new codes"; it is left out of the curve
    codings = _codings_from(SATURATION_STUDY)
    order = ["I1", "I2", "X1", "I3", "I4", "X2", "I5", "I6", "I7", "I8"]
    result = analysis.saturation(codings, base_size=4, run_length=2, threshold=0.05, order=order)
    assert result.uncoded == ("X1", "X2")
    assert list(result.new_per_interview["transcript"]) == ["I1", "I2", "I3", "I4", "I5", "I6", "I7", "I8"]
    plain = analysis.saturation(codings, base_size=4, run_length=2, threshold=0.05)
    assert result.saturation_at == plain.saturation_at == 6
    assert "2 uncoded interview(s) left out (X1, X2)" in str(result)


def test_codings_waiting_for_recoding_are_left_out_with_a_note():
    codings = _codings_from(SATURATION_STUDY).assign(needs_recoding=False)
    codings.loc[codings.index[:3], "needs_recoding"] = True
    with pytest.warns(CodebookVersionWarning, match="need recoding"):
        freq = analysis.code_frequencies(codings, by=())
    assert int(freq["n_codings"].sum()) == len(codings) - 3


def test_errors_come_from_the_catalogue():
    from hrp_coding.errors import AnalysisError

    codings = _codings_from({"I1": ["a"], "I2": ["b"]})
    with pytest.raises(AnalysisError, match=r"coders=\['zoe'\]"):
        analysis.code_frequencies(codings, coders=["zoe"])
    with pytest.raises(AnalysisError, match="a Project or a codings DataFrame"):
        analysis.code_frequencies([1, 2, 3])
    with pytest.raises(AnalysisError, match="base_size"):
        analysis.saturation(codings, base_size=0)


def test_compare_samples_with_a_sample_without_participant_turns():
    # R01 has only interviewer turns: the replication sample has no unit to count in. Before the one interval
    # helper, compare_samples died in newcombe_interval with ZeroDivisionError; now its proportions and
    # interval are undefined (NaN) and nothing is flagged.
    interviewer = [dict(t, role="interviewer") for t in _turns("R01", 5)]
    segments = pd.DataFrame(_turns("P01", 10) + interviewer)
    present = pd.DataFrame([("P01", "P01:t001", "ana", "holding")], columns=["transcript", "segment", "coder", "code"])
    project = FakeProject(segments, present, {"P01": {"sample": "original"}, "R01": {"sample": "replication"}},
                          codes=["holding"])
    row = analysis.compare_samples(project).table.set_index("code").loc["holding"]
    assert (row["units_a"], row["units_b"], row["prop_a"]) == (10, 0, pytest.approx(0.1))
    assert np.isnan(row["prop_b"]) and np.isnan(row["ci_low"]) and np.isnan(row["ci_high"]) and not row["flag"]
