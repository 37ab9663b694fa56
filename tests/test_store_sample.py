"""The sample study through hrp_coding.datasets: 8 coded interviews (3 coders) plus the replication set."""

from __future__ import annotations

import pandas as pd
import pytest

from hrp_coding import datasets
from hrp_coding.project import Project


@pytest.fixture(scope="module")
def study(sample_study):
    return sample_study


def test_sample_study_has_eight_coded_interviews_and_the_replication_set(study):
    assert study.transcript_ids == ("P01", "P02", "P03", "P04", "P05", "P06", "P07", "P08",
                                    "R01", "R02", "R03", "R04")
    coverage = study.coder_transcripts()
    per_transcript = coverage.groupby("transcript")["coder"].apply(sorted).to_dict()
    assert per_transcript == {f"P0{i}": ["ana", "ben", "caro"] for i in range(1, 9)}
    assert (coverage["n_codings"] >= 5).all()
    samples = {tid: study.transcript(tid).attributes["sample"] for tid in study.transcript_ids}
    assert [s for t, s in samples.items() if t.startswith("P")] == ["original"] * 8
    assert [s for t, s in samples.items() if t.startswith("R")] == ["replication"] * 4
    p01 = study.transcript("P01").attributes
    assert set(p01) >= {"pseudonym", "discipline", "years_in_practice", "setting", "region", "sample"}
    assert isinstance(p01["years_in_practice"], int)
    assert study.transcript("P03").source.endswith("P03.docx") and study.transcript("P06").source.endswith("P06.vtt")


def test_sample_codings_match_the_csv(study):
    source = pd.read_csv(datasets.data_path("sample_data", "study", "codings.csv"))
    codings = study.codings()
    assert len(codings) == len(source)
    assert set(codings["code"]) <= set(study.codebook.codes)
    got = sorted(zip(codings["transcript"], codings["coder"], codings["code"], codings["text"]))
    want = sorted(zip(source["transcript"], source["coder"], source["code"], source["quote"]))
    assert got == want
    assert datasets.replication_codings_path().is_file()


def test_whole_study_segments(study):
    turns = Project.open(study.path).segments("turn")
    assert set(turns["transcript"]) == set(study.transcript_ids)
    assert (turns["end"] > turns["start"]).all()


def test_data_path_errors():
    with pytest.raises(FileNotFoundError, match=r"bundled data 'no/such.file' not found; looked in"):
        datasets.data_path("no", "such.file")
    assert datasets.codebook_path("making_room") == datasets.codebook_path("making_room.yaml")
