"""Transcript readers: .txt/.md, .docx, .vtt/.srt, canonical text and the Transcript model."""

from __future__ import annotations

import dataclasses
import warnings

import docx
import pytest

from hrp_coding.errors import TranscriptError, TranscriptWarning
from hrp_coding.transcripts import Transcript, Turn, read_transcript, transcript_from_text
from hrp_coding.transcripts.canonical import canonicalize, decode


def spans(t: Transcript):
    return [(turn.speaker, turn.role, t.turn_text(turn)) for turn in t.turns]


# --- canonical text --------------------------------------------------------------------------------

def test_canonicalize_bom_crlf_cr_nfc():
    assert canonicalize("\ufeffa\r\nb\rc\n") == "a\nb\nc\n"
    assert canonicalize("e\u0301") == "\u00e9"


def test_crlf_and_bom_file(tmp_path):
    path = tmp_path / "P01.txt"
    path.write_bytes("\ufeffInterviewer: Caf\u00e9?\r\nP01: Oui.\r\n\r\nStill me.\r\n".encode())
    t = read_transcript(path)
    assert t.text == "Interviewer: Caf\u00e9?\nP01: Oui.\n\nStill me.\n"
    assert spans(t) == [("Interviewer", "interviewer", "Caf\u00e9?"), ("P01", "participant", "Oui.\n\nStill me.")]
    assert t.source == str(path) and t.id == "P01"


def test_cp1252_file_is_detected_and_reads_with_encoding(tmp_path):
    path = tmp_path / "P02.txt"
    path.write_bytes("Interviewer: Hi.\nP02: The caf\u00e9 \u2013 it helped.\n".encode("cp1252"))
    t = read_transcript(path)
    assert t.turn_text(t.turns[1]) == "The caf\u00e9 \u2013 it helped."
    assert t.layout.encoding == "cp1252 (detected)"
    t = read_transcript(path, encoding="cp1252")
    assert t.turn_text(t.turns[1]) == "The caf\u00e9 \u2013 it helped."


def test_unknown_encoding_named():
    with pytest.raises(TranscriptError, match="unknown encoding 'klingon'"):
        decode(b"x", encoding="klingon", source="f.txt")


# --- .txt / .md ---------------------------------------------------------------------------------------

def test_txt_labels_continuation_and_offsets(tmp_path):
    text = ("Interviewer: How did you come to this work?\n"
            "P03: I started in a shelter.\n"
            "It was 2009, and nobody talked about naloxone.\n"
            "\n"
            "I: And then?\n"
            "R: Then the clinic.\n"
            "Dr. Lee: I supervised her.\n"
            "Interviewer 2: Thanks.\n")
    path = tmp_path / "P03.md"
    path.write_text(text, encoding="utf-8")
    t = read_transcript(path)
    assert t.text == text
    assert spans(t) == [
        ("Interviewer", "interviewer", "How did you come to this work?"),
        ("P03", "participant", "I started in a shelter.\nIt was 2009, and nobody talked about naloxone."),
        ("I", "interviewer", "And then?"),
        ("R", "participant", "Then the clinic."),
        ("Dr. Lee", "participant", "I supervised her."),
        ("Interviewer 2", "interviewer", "Thanks."),
    ]
    assert [turn.index for turn in t.turns] == [1, 2, 3, 4, 5, 6]
    assert t.turns[1].start == text.index("I started")


def test_timestamps_before_and_after_label():
    t = transcript_from_text("[00:12:03] Interviewer: First.\nP01: (01:02:03.5) Second.\nP01 said: no\n", "P01")
    assert [(turn.time_start, t.turn_text(turn)) for turn in t.turns] == [(723.0, "First."),
                                                                         (3723.5, "Second.\nP01 said: no")]


def test_markdown_bold_labels():
    t = transcript_from_text("**Interviewer:** Why?\n\n**P01**: Because.\n", "P01")
    assert spans(t) == [("Interviewer", "interviewer", "Why?"), ("P01", "participant", "Because.")]


def test_lowercase_or_sentence_colons_are_not_labels():
    t = transcript_from_text("P01: I said to him: stop.\nand I said: no.\nAnd I said: fine.\n", "P01")
    assert len(t.turns) == 1
    assert t.turn_text(t.turns[0]).endswith("And I said: fine.")


def test_custom_speaker_pattern_and_roles():
    text = "INT - What happened?\nRESP 1 - A lot.\n   more of it\n"
    t = transcript_from_text(text, "X", speaker_pattern=r"(?P<speaker>[A-Z]+(?: \d)?) - ",
                             speaker_roles={"INT": "interviewer"})
    assert spans(t) == [("INT", "interviewer", "What happened?"), ("RESP 1", "participant", "A lot.\n   more of it")]
    assert t.speaker_roles == {"INT": "interviewer"}


def test_bad_speaker_pattern_is_named():
    with pytest.raises(TranscriptError, match="no named group 'speaker'"):
        transcript_from_text("A: b", "X", speaker_pattern=r"[A-Z]+:")
    with pytest.raises(TranscriptError, match="invalid regular expression"):
        transcript_from_text("A: b", "X", speaker_pattern=r"(?P<speaker>[A-Z+:")


def test_no_labels_gives_paragraph_turns_with_warning(tmp_path):
    path = tmp_path / "P05.txt"
    path.write_text("I grew up in a small town.\nIt was quiet.\n\n\nThen I moved.\n", encoding="utf-8")
    with pytest.warns(TranscriptWarning, match="no speaker labels"):
        t = read_transcript(path)
    assert spans(t) == [("P05", "participant", "I grew up in a small town.\nIt was quiet."),
                        ("P05", "participant", "Then I moved.")]


def test_title_before_first_label_is_an_attribute_other_lines_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = transcript_from_text("Interview 4, March\n\nInterviewer: Go.\n", "P04")
    assert spans(t) == [("Interviewer", "interviewer", "Go.")]
    assert t.attributes == {"title": "Interview 4, March"}
    with pytest.warns(TranscriptWarning, match="lines 2-3 come before the first speaker label"):
        t = transcript_from_text("Interview 4, March\nsome note\n\nInterviewer: Go.\n", "P04")


def test_empty_turn_and_unknown_extension(tmp_path):
    t = transcript_from_text("Interviewer:\nP01: Yes.", "P01")
    assert spans(t) == [("P01", "participant", "Yes.")]
    assert t.layout.skipped == ("line 1: empty turn of 'Interviewer'",)
    path = tmp_path / "a.doc"
    path.write_bytes(b"\xd0\xcf")
    with pytest.raises(TranscriptError, match=r"(?s)a\.doc.*cannot read '\.doc'"):
        read_transcript(path)
    with pytest.raises(TranscriptError, match="no such file"):
        read_transcript(tmp_path / "missing.txt")


# --- .docx ----------------------------------------------------------------------------------------------

def test_docx_paragraphs_turns_and_table_warning(tmp_path):
    document = docx.Document()
    document.add_paragraph("Interviewer: What is harm reduction to you?")
    document.add_paragraph("")
    p = document.add_paragraph("P03: ")
    p.add_run("Meeting people").bold = True
    p.add_run(" where they are.")
    document.add_paragraph("A second paragraph of mine.")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text = "Participant info"
    document.add_paragraph("Interviewer: [00:05:00] Thank you.")
    path = tmp_path / "P03.docx"
    document.save(path)
    with pytest.warns(TranscriptWarning, match=r"table 1 \(2 rows, after paragraph 4, starting 'Participant info'\)"):
        t = read_transcript(path, attributes={"setting": "outpatient"})
    assert t.text == ("Interviewer: What is harm reduction to you?\n\nP03: Meeting people where they are.\n"
                      "A second paragraph of mine.\nInterviewer: [00:05:00] Thank you.")
    assert spans(t) == [("Interviewer", "interviewer", "What is harm reduction to you?"),
                        ("P03", "participant", "Meeting people where they are.\nA second paragraph of mine."),
                        ("Interviewer", "interviewer", "Thank you.")]
    assert t.turns[2].time_start == 300.0
    assert t.attributes == {"setting": "outpatient"}


def test_docx_not_a_word_file(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"this is not a zip")
    with pytest.raises(TranscriptError, match=r"(?s)broken\.docx.*not a readable Word"):
        read_transcript(path)


def test_docx_rejects_encoding(tmp_path):
    document = docx.Document()
    document.add_paragraph("P01: x")
    path = tmp_path / "P01.docx"
    document.save(path)
    with pytest.raises(TranscriptError, match="no text encoding"):
        read_transcript(path, encoding="cp1252")


# --- subtitles ----------------------------------------------------------------------------------------

VTT = """WEBVTT
Kind: captions

NOTE written by the transcription service

1
00:00:01.000 --> 00:00:03.000 align:start
<v Interviewer>How did <b>you</b> start?</v>

2
00:00:03.500 --> 00:00:05.000
<v.loud P06>At the exchange &amp; the van.

3
00:05.500 --> 00:07.250
Then the clinic.

4
00:00:08.000 --> 00:00:09.000
<v Interviewer>And now?
<v P06>Now I <00:00:08.500><c.yellow>teach</c>.
"""


def test_vtt_voice_tags_merge_and_times(tmp_path):
    path = tmp_path / "P06.vtt"
    path.write_text(VTT, encoding="utf-8")
    t = read_transcript(path)
    assert t.text == ("Interviewer: How did you start?\n\nP06: At the exchange & the van. Then the clinic.\n\n"
                      "Interviewer: And now?\n\nP06: Now I teach.")
    assert spans(t) == [("Interviewer", "interviewer", "How did you start?"),
                        ("P06", "participant", "At the exchange & the van. Then the clinic."),
                        ("Interviewer", "interviewer", "And now?"), ("P06", "participant", "Now I teach.")]
    assert [(turn.time_start, turn.time_end) for turn in t.turns] == [(1.0, 3.0), (3.5, 7.25), (8.0, 9.0),
                                                                     (8.0, 9.0)]


def test_vtt_with_name_prefixes(tmp_path):
    path = tmp_path / "P09.vtt"
    path.write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nInterviewer: Hello.\n\n"
                    "00:00:02.000 --> 00:00:03.000\nP09: Hi.\n\n00:00:03.000 --> 00:00:04.000\n<i>Bye.</i>\n",
                    encoding="utf-8")
    t = read_transcript(path)
    assert t.text == "Interviewer: Hello.\n\nP09: Hi. Bye."
    assert t.turns[1].time_end == 4.0


def test_srt_with_names_crlf_and_styling(tmp_path):
    srt = ("1\r\n00:00:01,000 --> 00:00:02,500\r\n<font color=\"#fff\">Interviewer: Tell me</font>\r\n"
           "about it.\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\n{\\an8}- P02: Sure.\r\n")
    path = tmp_path / "P02.srt"
    path.write_bytes(srt.encode())
    t = read_transcript(path)
    assert t.text == "Interviewer: Tell me about it.\n\nP02: Sure."
    assert [(turn.speaker, turn.time_start, turn.time_end) for turn in t.turns] == [("Interviewer", 1.0, 2.5),
                                                                                   ("P02", 3.0, 4.0)]


def test_srt_without_speakers_one_turn_per_cue(tmp_path):
    path = tmp_path / "R01.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nFirst cue.\n\n2\n00:00:02,000 --> 00:00:03,000\n"
                    "Second cue.\n", encoding="utf-8")
    with pytest.warns(TranscriptWarning, match="no speaker names"):
        t = read_transcript(path)
    assert t.text == "R01: First cue.\n\nR01: Second cue."
    assert spans(t) == [("R01", "participant", "First cue."), ("R01", "participant", "Second cue.")]


def test_subtitle_cue_before_any_speaker_is_unknown(tmp_path):
    path = tmp_path / "X.vtt"
    path.write_text("WEBVTT\n\n00:01.000 --> 00:02.000\nmusic\n\n00:02.000 --> 00:03.000\n<v A>Hi.\n")
    with pytest.warns(TranscriptWarning, match=r"cue 1 \(line 4\).*'Unknown'"):
        t = read_transcript(path)
    assert [turn.speaker for turn in t.turns] == ["Unknown", "A"]


def test_subtitle_bad_timing_names_line(tmp_path):
    path = tmp_path / "bad.srt"
    path.write_text("1\n00:00:01,000 --> 00:00:02,000\nA: ok\n\n2\n00:00:0x,000 --> 00:00:03,000\nA: no\n\n"
                    "3\n00:00:09,000 --> 00:00:08,000\nA: backwards\n")
    with pytest.raises(TranscriptError) as info:
        read_transcript(path)
    lines = [p.line for p in info.value.problems]
    assert lines == [6, 10]
    assert "bad.srt" in str(info.value) and "malformed cue timing" in str(info.value)
    assert "ends (8 s) before it starts (9 s)" in str(info.value)


def test_vtt_missing_header_warns(tmp_path):
    path = tmp_path / "nohead.vtt"
    path.write_text("00:00:01.000 --> 00:00:02.000\n<v A>Hi.\n")
    with pytest.warns(TranscriptWarning, match="line 1 is not the 'WEBVTT' header"):
        t = read_transcript(path)
    assert t.text == "A: Hi."


# --- the model ---------------------------------------------------------------------------------------

def test_transcript_is_frozen_copies_inputs_and_hashes():
    attributes = {"setting": "outpatient"}
    t = transcript_from_text("P01: Hi.", "P01", attributes=attributes)
    attributes["setting"] = "changed"
    assert t.attributes == {"setting": "outpatient"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        t.text = "x"
    import hashlib

    assert t.sha256 == hashlib.sha256(b"P01: Hi.").hexdigest()


def test_meta_round_trip_and_tamper_detection():
    t = transcript_from_text("[00:00:02] Interviewer: A?\nP01: B.\n", "P01", attributes={"region": "west"},
                             speaker_roles={"P01": "participant"}, source="P01.txt")
    meta = t.to_meta()
    assert meta["turns"][0] == {"index": 1, "speaker": "Interviewer", "role": "interviewer", "start": 24,
                                "end": 26, "time_start": 2.0, "time_end": None}
    assert meta["sha256"] == t.sha256 and meta["source"] == "P01.txt"
    import yaml

    again = Transcript.from_meta(yaml.safe_load(yaml.safe_dump(meta)), t.text)
    assert again == t
    with pytest.raises(TranscriptError, match="does not match the recorded"):
        Transcript.from_meta(meta, t.text + "edited")
    bad = dict(meta, turns=[{"speaker": "A"}], sha256=None)
    with pytest.raises(TranscriptError, match=r"turns\[0\]: malformed turn"):
        Transcript.from_meta(bad, t.text)


def test_invalid_turns_are_listed():
    with pytest.raises(TranscriptError) as info:
        Transcript("P01", "abc", turns=(Turn(1, "A", 0, 5, "participant"), Turn(2, "B", 1, 2, "participant"),
                                        Turn(3, "C", 0, 1, "participant")))
    assert [p.path for p in info.value.problems] == ["turns[0] (A)", "turns[1] (B)", "turns[2] (C)"]
    assert "outside the text (0-3)" in str(info.value) and "before the previous turn ends" in str(info.value)


def test_repr_html_shows_turns():
    t = transcript_from_text("Interviewer: <Hi>\nP01: Hello & welcome.", "P01")
    html = t._repr_html_()
    assert "&lt;Hi&gt;" in html and "Hello &amp; welcome." in html and "<b>P01</b>" in html
    assert str(t) == "Transcript P01: 2 turns, 6 words, speakers Interviewer, P01"


def test_no_warning_on_clean_input():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        transcript_from_text("Interviewer: a\n\nP01: b\n", "P01")


def test_importing_transcripts_is_cheap():
    from tests._imports import heavy_modules_loaded

    code = "import hrp_coding.transcripts as tr\ntr.transcript_from_text('P01: hi', 'P01')"
    assert heavy_modules_loaded(code, ("spacy", "pandas", "sklearn", "docx")) == []
