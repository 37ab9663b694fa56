"""The derived segment cache (.hrp/cache/segments): equal to fresh segmentation, invalidated by any change."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from hrp_coding import limits
from hrp_coding.codebook import Code, Codebook
from hrp_coding.project import Project
from hrp_coding.store import segment_cache
from hrp_coding.store.transcripts import TranscriptStore
from hrp_coding.transcripts import segment_many

pytestmark = pytest.mark.filterwarnings("ignore::hrp_coding.errors.TranscriptWarning")

TEXTS = {
    "P01": "Interviewer: How did it start?\n\nP01: Slowly. We sat together.\n\nThen it helped.\n"
           "Interviewer: And now?\nP01: Better.\n",
    "P02": "Title line\nInterviewer: Hello?\nP02: Hi. Fine.\n",
    "P03": "no speaker labels at all\n",
}


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", codebook=Codebook(name="C", version=1, codes=[Code("a", "A")]))
    for tid, text in TEXTS.items():
        project.add_transcript(text, transcript_id=tid)
    return project


def fresh_segments(root, unit):
    """Segments computed from the files alone (a store with no cache, the sidecars parsed again)."""
    store = TranscriptStore(root)
    return segment_many([store.load(tid)[0] for tid in store.ids()], unit)


def no_yaml(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a sidecar was parsed")
    monkeypatch.setattr("hrp_coding.store.transcripts.read_yaml", refuse)
    monkeypatch.setattr(limits, "read_yaml", refuse)


@pytest.mark.parametrize("unit", ["turn", "paragraph", "sentence"])
def test_cached_segments_equal_fresh_ones(study, unit, monkeypatch):
    first = study.segments(unit)
    pd.testing.assert_frame_equal(first, fresh_segments(study.path, unit))
    assert (study.path / ".hrp" / "cache" / "segments" / f"P01.{unit}.json").is_file()
    no_yaml(monkeypatch)  # a new process: boundaries from the cache, no sidecar parsed
    pd.testing.assert_frame_equal(Project.open(study.path).segments(unit), first)


def test_add_transcript_caches_turns_so_a_fresh_open_parses_no_sidecar(study, monkeypatch):
    expected = fresh_segments(study.path, "turn")
    no_yaml(monkeypatch)
    pd.testing.assert_frame_equal(Project.open(study.path).segments("turn"), expected)


def test_missing_or_corrupt_cache_is_rebuilt(study):
    expected = study.segments("turn")
    folder = study.path / ".hrp" / "cache" / "segments"
    (folder / "P01.turn.json").write_text('{"key": [1, "turn"', encoding="utf-8")
    (folder / "P02.turn.json").write_text('{"key": 7, "segment": []}', encoding="utf-8")
    pd.testing.assert_frame_equal(Project.open(study.path).segments("turn"), expected)
    shutil.rmtree(study.path / ".hrp" / "cache")
    pd.testing.assert_frame_equal(Project.open(study.path).segments("turn"), expected)
    assert (folder / "P01.turn.json").is_file()


def test_update_transcript_invalidates(study):
    study.segments("turn")
    study.update_transcript("P02", "Interviewer: Hello again?\nP02: Hi.\nInterviewer: Bye.\n")
    for project in (study, Project.open(study.path)):
        segs = project.segments("turn")
        pd.testing.assert_frame_equal(segs, fresh_segments(study.path, "turn"))
        assert segs[segs.transcript == "P02"]["text"].tolist() == ["Hello again?", "Hi.", "Bye."]


def test_files_changed_behind_the_store_invalidate(study):
    old = Project.open(study.path).segments("turn")
    sidecar = study.path / "transcripts" / "P01.yaml"
    # another tool (or a git checkout) renames a speaker in the sidecar only: same text, new boundaries' labels
    sidecar.write_text(sidecar.read_text(encoding="utf-8").replace("speaker: P01", "speaker: Pat"), encoding="utf-8")
    segs = Project.open(study.path).segments("turn")
    assert "Pat" in set(segs["speaker"]) and "Pat" not in set(old["speaker"])
    pd.testing.assert_frame_equal(segs, fresh_segments(study.path, "turn"))


def test_a_key_of_another_text_is_never_used(tmp_path):
    cols = {"segment": ["X:t001"], "start": [0], "end": [3], "speaker": ["I"], "role": [None]}
    key = segment_cache.segment_key("a" * 64, "b" * 64, "turn")
    segment_cache.save(tmp_path, "X", key, cols)
    assert segment_cache.load(tmp_path, "X", key) == cols
    assert segment_cache.load(tmp_path, "X", segment_cache.segment_key("a" * 64, "c" * 64, "turn")) is None
    assert segment_cache.load(tmp_path, "X", segment_cache.segment_key("a" * 64, "b" * 64, "paragraph")) is None
    bad = {**cols, "start": ["0"]}
    segment_cache.save(tmp_path, "X", key, bad)
    assert segment_cache.load(tmp_path, "X", key) is None



def test_a_lazy_name_is_not_hidden_by_its_module():
    # ``segment_many`` loads hrp_coding.transcripts.segment, which Python binds as the package's ``segment``
    import subprocess
    import sys

    code = ("from hrp_coding.transcripts import segment_many\nfrom hrp_coding.transcripts import segment\n"
            "print(callable(segment), segment.__name__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["True", "segment"]
