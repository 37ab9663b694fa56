"""Segmentation into turns, sentences and paragraphs: ids, exact offsets, speed."""

from __future__ import annotations

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hrp_coding.errors import TranscriptError
from hrp_coding.nlp import blank_english
from hrp_coding.transcripts import read_transcript, segment, segment_many, transcript_from_text
from hrp_coding.transcripts.segment import COLUMNS

TEXT = ("Interview with P01, spring.\n\n"
        "Interviewer: How did you start? Tell me everything.\n\n"
        "P01: I worked nights. Dr. Smith hired me in 2009, e.g. for outreach!\n"
        "We carried naloxone.\n\n"
        "   Then it changed... Really.\n\n"
        "Interviewer: Caf\u00e9 talk?\n"
        "P01: Yes.\n")


@pytest.fixture(scope="module")
def transcript():
    t = transcript_from_text(TEXT, "P01")  # the title line is in no turn: an attribute
    assert t.attributes == {"title": "Interview with P01, spring."}
    return t


def assert_exact(t, frame):
    assert list(frame.columns) == COLUMNS
    for row in frame.itertuples():
        assert t.text[row.start:row.end] == row.text, row.segment
        assert row.text == row.text.strip() or row.text == ""


def test_turns(transcript):
    frame = segment(transcript, "turn")
    assert_exact(transcript, frame)
    assert frame["segment"].tolist() == ["P01:t001", "P01:t002", "P01:t003", "P01:t004"]
    assert frame["speaker"].tolist() == ["Interviewer", "P01", "Interviewer", "P01"]
    assert frame["role"].tolist() == ["interviewer", "participant", "interviewer", "participant"]
    assert frame.loc[0, "text"] == "How did you start? Tell me everything."
    assert frame["start"].dtype == "int64"


def test_sentences(transcript):
    frame = segment(transcript, "sentence")
    assert_exact(transcript, frame)
    assert frame[["segment", "text"]].values.tolist() == [
        ["P01:t001.s01", "How did you start?"],
        ["P01:t001.s02", "Tell me everything."],
        ["P01:t002.s01", "I worked nights."],
        ["P01:t002.s02", "Dr. Smith hired me in 2009, e.g. for outreach!"],
        ["P01:t002.s03", "We carried naloxone."],
        ["P01:t002.s04", "Then it changed... Really."],  # the rule-based sentencizer does not end on "..."
        ["P01:t003.s01", "Caf\u00e9 talk?"],
        ["P01:t004.s01", "Yes."],
    ]
    # the spaCy sentence spans map onto the canonical text: char_span over each turn agrees
    nlp = blank_english(sentencizer=True)
    turn = transcript.turns[1]
    doc = nlp(transcript.turn_text(turn))
    for sent, row in zip(doc.sents, frame[frame.segment.str.startswith("P01:t002")].itertuples()):
        span = doc.char_span(row.start - turn.start, row.end - turn.start)
        assert span is not None and span.text == sent.text.strip() == row.text


def test_paragraphs_split_on_blank_lines_and_turns(transcript):
    frame = segment(transcript, "paragraph")
    assert_exact(transcript, frame)
    assert frame[["segment", "speaker", "text"]].values.tolist() == [
        ["P01:p001", "Interviewer", "How did you start? Tell me everything."],
        ["P01:p002", "P01", "I worked nights. Dr. Smith hired me in 2009, e.g. for outreach!\nWe carried naloxone."],
        ["P01:p003", "P01", "Then it changed... Really."],
        ["P01:p004", "Interviewer", "Caf\u00e9 talk?"],
        ["P01:p005", "P01", "Yes."],
    ]


def test_roles_filter_keeps_ids(transcript):
    frame = segment(transcript, "paragraph", roles=["participant"])
    assert frame["segment"].tolist() == ["P01:p002", "P01:p003", "P01:p005"]
    assert segment(transcript, "turn", roles="interviewer")["segment"].tolist() == ["P01:t001", "P01:t003"]


def test_bad_unit_is_named(transcript):
    with pytest.raises(TranscriptError, match="unit: must be one of 'turn', 'sentence', 'paragraph'; got 'word'"):
        segment(transcript, "word")


def test_empty_transcript_has_columns():
    t = transcript_from_text("", "E")
    for unit in ("turn", "sentence", "paragraph"):
        frame = segment(t, unit)
        assert frame.empty and list(frame.columns) == COLUMNS


def test_every_reader_every_unit_slices_exactly(tmp_path):
    document = docx.Document()
    for line in ["Interviewer: First question? Yes.", "", "P03: One. Two!", "Three?"]:
        document.add_paragraph(line)
    document.save(tmp_path / "P03.docx")
    (tmp_path / "P06.vtt").write_text("WEBVTT\n\n00:01.000 --> 00:02.000\n<v Interviewer>Hi. Ok?\n\n"
                                      "00:02.000 --> 00:03.000\n<v P06>Yes. Sure.\n\n00:03.000 --> 00:04.000\nMore.\n")
    (tmp_path / "P01.txt").write_text("Interviewer: A? B.\r\nP01: C.\r\n\r\nD e. F\u0301!\r\n", encoding="utf-8")
    transcripts = [read_transcript(tmp_path / name) for name in ("P03.docx", "P06.vtt", "P01.txt")]
    for unit in ("turn", "sentence", "paragraph"):
        frame = segment_many(transcripts, unit)
        texts = {t.id: t.text for t in transcripts}
        assert all(texts[r.transcript][r.start:r.end] == r.text for r in frame.itertuples())
        assert frame["transcript"].unique().tolist() == ["P03", "P06", "P01"]
        assert frame["segment"].is_unique
    sentences = segment_many(transcripts, "sentence")
    assert sentences[sentences.transcript == "P06"]["text"].tolist() == ["Hi.", "Ok?", "Yes.", "Sure.", "More."]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["Interviewer", "P01", "Dr. Lee"]),
                          st.text(alphabet=st.sampled_from(list("ab .!?\n\u00e9\u0301\t")), max_size=40)),
                max_size=6))
def test_offsets_slice_exactly_property(turns):
    text = "\n".join(f"{speaker}: {body}" for speaker, body in turns)
    t = transcript_from_text(text, "H")
    for unit in ("turn", "sentence", "paragraph"):
        for row in segment(t, unit).itertuples():
            assert t.text[row.start:row.end] == row.text
            assert 0 <= row.start <= row.end <= len(t.text)


def _turns_of_words(n_words: int) -> list[str]:
    """Alternating interviewer/participant turns of six sentences each, ``n_words`` words in all."""
    sentences = ["I carried naloxone for years.", "Nobody asked me why.", "We met people where they were."]
    turns = []
    words = 0
    i = 0
    while words < n_words:
        body = " ".join(sentences[(i + k) % 3] for k in range(6))
        turns.append(f"{'Interviewer' if i % 2 else 'P01'}: {body}")
        words += len(body.split()) + 1
        i += 1
    return turns


def test_25000_words_segment_into_every_turn_and_sentence():
    # how fast: benchmarks/bench_transcripts_import.py (tests check values, never wall time)
    turns = _turns_of_words(25_000)
    t = transcript_from_text("\n\n".join(turns), "P01")
    for unit in ("turn", "sentence", "paragraph"):
        frame = segment(t, unit)
        assert len(frame) == (len(turns) * 6 if unit == "sentence" else len(turns))
