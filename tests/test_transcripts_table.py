"""Utterance tables (CSV/DataFrame) and the AnnoMI preset."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hrp_coding.errors import TranscriptError, TranscriptWarning
from hrp_coding.transcripts import annomi_columns, read_annomi, read_utterance_table
from tests._paths import shared_path

ANNOMI = shared_path("benchmarks", "annomi")


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_csv_to_transcripts_and_codings(tmp_path):
    path = write(tmp_path / "utterances.csv",
                 "conv,order,who,said,code_a,code_b\n"
                 "c2,2,client,\"Fine,\n  really.\",n/a,change\n"
                 "c1,1,therapist,Hello.,question,\n"
                 "c2,1,therapist,How are you?,question,\n"
                 "c1,2,client,Hi.,,\n")
    original = path.read_bytes()
    table = read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said",
                                 code_cols=["code_a", "code_b"], order_col="order",
                                 role_map={"therapist": "interviewer"}, coder="ben")
    assert path.read_bytes() == original
    assert [t.id for t in table.transcripts] == ["c2", "c1"]
    c2 = table.transcript("c2")
    assert c2.text == "therapist: How are you?\n\nclient: Fine, really."
    assert [(turn.index, turn.speaker, turn.role) for turn in c2.turns] == [(1, "therapist", "interviewer"),
                                                                           (2, "client", "participant")]
    assert table.codings.to_dict("records") == [
        {"transcript": "c2", "coder": "ben", "code": "question", "start": 11, "end": 23},
        {"transcript": "c2", "coder": "ben", "code": "change", "start": 33, "end": 46},
        {"transcript": "c1", "coder": "ben", "code": "question", "start": 11, "end": 17},
    ]
    texts = {t.id: t.text for t in table.transcripts}
    assert [texts[r.transcript][r.start:r.end] for r in table.codings.itertuples()] == [
        "How are you?", "Fine, really.", "Hello."]
    assert list(table.codings.columns) == ["transcript", "coder", "code", "start", "end"]
    assert str(table).endswith("2 transcripts, 4 utterances, 3 codings")


def test_dataframe_input_not_mutated_and_coder_column():
    frame = pd.DataFrame({"t": [1, 1, 1, 1], "n": [0, 0, 1, 1], "s": ["A", "A", "B", "B"],
                          "x": ["Hi.", "Hi.", "Yo.", "Yo."], "coder": ["Ana", "Ben", "Ana", "Ben"],
                          "code": ["greet", "greet", "n/a", "reply"]})
    before = frame.copy()
    table = read_utterance_table(frame, transcript_col="t", speaker_col="s", text_col="x", code_cols=["code"],
                                 coder_col="coder", order_col="n")
    pd.testing.assert_frame_equal(frame, before)
    assert table.transcripts[0].id == "1" and table.transcripts[0].text == "A: Hi.\n\nB: Yo."
    assert table.codings[["coder", "code", "start"]].values.tolist() == [["ana", "greet", 3], ["ben", "greet", 3],
                                                                         ["ben", "reply", 11]]


def test_missing_columns_named_with_file(tmp_path):
    path = write(tmp_path / "u.csv", "conv,who,said\nc1,A,hi\n")
    with pytest.raises(TranscriptError) as info:
        read_utterance_table(path, transcript_col="conv", speaker_col="speaker", text_col="said",
                             code_cols=["code"])
    message = str(info.value)
    assert str(path) in message
    assert "speaker_col: column 'speaker' not found" in message and "code_cols[0]: column 'code' not found" in message
    assert "columns present: conv, who, said" in message


def test_bad_rows_named_with_row_and_line(tmp_path):
    path = write(tmp_path / "u.csv", 'conv,who,said\nc1,A,"two\nlines"\n,A,no id\nc1,,no speaker\n')
    with pytest.raises(TranscriptError) as info:
        read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said")
    assert [(p.path, p.line) for p in info.value.problems] == [("row 1", 4), ("row 2", 5)]
    assert "empty transcript id in column 'conv'" in str(info.value)
    assert "empty speaker in column 'who' (transcript c1)" in str(info.value)


def test_duplicate_order_and_conflicting_text(tmp_path):
    path = write(tmp_path / "u.csv", "conv,n,who,said,coder\nc1,1,A,hi,x\nc1,1,A,bye,y\n")
    with pytest.raises(TranscriptError, match="order value '1' repeats row 0"):
        read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said", order_col="n")
    with pytest.raises(TranscriptError, match="utterance '1' of transcript c1 has another speaker or text than row 0"):
        read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said", order_col="n",
                             coder_col="coder")


def test_bad_time_warns_and_attribute_conflict_errors(tmp_path):
    path = write(tmp_path / "u.csv", "conv,who,said,when,site\nc1,A,hi,00:00:05,x\nc1,B,yo,0:0:7x,x\n")
    with pytest.warns(TranscriptWarning, match=r"row 1 \(line 3\): '0:0:7x'"):
        table = read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said",
                                     time_col="when", attribute_cols=["site"])
    assert [turn.time_start for turn in table.transcripts[0].turns] == [5.0, None]
    assert table.transcripts[0].attributes == {"site": "x"}
    path2 = write(tmp_path / "v.csv", "conv,who,said,site\nc1,A,hi,x\nc1,B,yo,y\n")
    with pytest.raises(TranscriptError, match=r"row 1 .*attribute 'site' is 'y' here but 'x' earlier"):
        read_utterance_table(path2, transcript_col="conv", speaker_col="who", text_col="said",
                             attribute_cols=["site"])


def test_cp1252_table(tmp_path):
    path = tmp_path / "u.csv"
    path.write_bytes("conv,who,said\nc1,A,caf\u00e9\n".encode("cp1252"))
    table = read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said")  # detected
    assert table.transcripts[0].text == "A: caf\u00e9"
    table = read_utterance_table(path, transcript_col="conv", speaker_col="who", text_col="said", encoding="cp1252")
    assert table.transcripts[0].text == "A: caf\u00e9"


def test_annomi_columns_preset():
    columns = annomi_columns()
    assert columns["transcript_col"] == "transcript_id" and columns["speaker_col"] == "interlocutor"
    assert annomi_columns(full=True)["coder_col"] == "annotator_id"


@pytest.mark.skipif(not (ANNOMI / "AnnoMI-simple.csv").is_file(), reason="AnnoMI benchmark data absent")
def test_annomi_simple():
    with pytest.warns(TranscriptWarning, match="00:09:025"):  # one malformed timestamp in the published data
        table = read_annomi(ANNOMI / "AnnoMI-simple.csv")
    assert len(table.transcripts) == 133
    assert sum(len(t.turns) for t in table.transcripts) == 9699
    raw = pd.read_csv(ANNOMI / "AnnoMI-simple.csv")
    expected_codes = raw["main_therapist_behaviour"].notna().sum() + raw["client_talk_type"].notna().sum()
    assert len(table.codings) == expected_codes == 9699
    assert set(table.codings["coder"]) == {"annomi"}
    first = table.transcript("0")
    assert first.turns[0].speaker == "therapist" and first.turns[0].role == "interviewer"
    assert first.turns[0].time_start == 13.0
    assert first.attributes["topic"] == "reducing alcohol consumption"
    row = raw[(raw.transcript_id == 0) & (raw.utterance_id == 0)].iloc[0]
    assert first.turn_text(first.turns[0]) == row.utterance_text
    code = table.codings.iloc[0]
    assert (code.code, first.text[code.start:code.end]) == ("question", row.utterance_text)


@pytest.mark.skipif(not (ANNOMI / "AnnoMI-full.csv").is_file(), reason="AnnoMI benchmark data absent")
def test_annomi_full_has_ten_annotators_on_shared_transcripts():
    with pytest.warns(TranscriptWarning):
        table = read_annomi(ANNOMI / "AnnoMI-full.csv")
    assert len(table.transcripts) == 133
    assert sum(len(t.turns) for t in table.transcripts) == 9699
    shared = table.codings[table.codings.transcript == "7"]
    assert shared["coder"].nunique() == 10
