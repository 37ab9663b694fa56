"""Every export layout of issue 11 read with no options: turns, speakers, times, header, exact offsets."""

from __future__ import annotations

import warnings

import pytest

from hrp_coding.errors import TranscriptError, TranscriptWarning
from hrp_coding.transcripts import read_transcript, segment
from tests.transcript_fixtures import EXPECTED, INTERVIEWER, build


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return build(tmp_path_factory.mktemp("layouts"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_layout_is_detected_with_exact_turns(files, name):
    layout, speakers, times, header = EXPECTED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", TranscriptWarning)  # a clean file reads without a doubt
        t = read_transcript(files[name])
    assert t.layout.layout == layout
    assert t.layout.confidence == 1.0
    assert [turn.speaker for turn in t.turns] == speakers
    assert [turn.time_start for turn in t.turns] == pytest.approx(times) if any(times) else \
        [turn.time_start for turn in t.turns] == times
    for key, value in header.items():
        assert t.attributes[key] == value, key
    for turn in t.turns:
        content = t.turn_text(turn)
        assert content and content == content.strip()
        assert not content.startswith(("[00", "(00", "0:", "00:")), content  # a timestamp is never turn text
        assert turn.speaker + ":" not in content[:len(turn.speaker) + 1]
    if name in INTERVIEWER:
        assert {turn.speaker for turn in t.turns if turn.role == "interviewer"} == {INTERVIEWER[name]}
    for unit in ("turn", "sentence", "paragraph"):
        for row in segment(t, unit).itertuples():
            assert t.text[row.start:row.end] == row.text, (unit, row.segment)
    summary = {s.speaker: s.turns for s in t.layout.speakers}
    assert sum(summary.values()) == len(t.turns)
    assert str(t.layout).startswith(f"{files[name]}: layout {layout!r}")


def test_noise_stays_text_and_header_is_not_a_turn(files):
    t = read_transcript(files["otter.txt"])
    assert t.turn_text(t.turns[1]) == "I was a volunteer first. [inaudible] Then they hired me."
    assert "otter.ai" not in t.turn_text(t.turns[-1])
    rev = read_transcript(files["rev.txt"])
    assert rev.turn_text(rev.turns[1]) == "It was cold. [crosstalk 00:00:15] We had blankets, though."
    zoom = read_transcript(files["zoom.vtt"])
    assert zoom.turn_text(zoom.turns[0]) == "Thanks for joining. How did you come to the service? Take your time."
    assert (zoom.turns[0].time_start, zoom.turns[0].time_end) == (2.31, 9.48)
    srt = read_transcript(files["brackets.srt"])
    assert srt.turn_text(srt.turns[1]) == "[inaudible] It went fine. They listened."
    ir = read_transcript(files["ir.txt"])
    assert [t.role for t in ir.turns[:2]] == ["interviewer", "participant"]
    assert "Date" not in {turn.speaker for turn in ir.turns}


def test_docx_bold_and_continuation(files):
    t = read_transcript(files["bold.docx"])
    assert t.turn_text(t.turns[1]) == "Whoever is coldest. Honestly.\nWe argue about it."
    assert t.turn_text(t.turns[0]) == "How do you decide who gets a bed?"


def test_docx_tables(files):
    t2 = read_transcript(files["table2.docx"])
    assert len(t2.text.split()) > 30
    assert t2.turn_text(t2.turns[3]) == "Last week a man came in at closing. We stayed open."
    t3 = read_transcript(files["table3.docx"])
    assert [t3.turn_text(x) for x in t3.turns] == [t2.turn_text(x) for x in t2.turns]


def test_placeholders_are_speakers_and_never_cut(files):
    t = read_transcript(files["placeholders.txt"])
    sentences = segment(t, "sentence")["text"].tolist()
    assert sentences == ["Who got you into the program?", "My sister did.", "I told [PERSON_1]!",
                         "[PERSON_1]'s friend came too.", "Where was that?", "In [PLACE_2].",
                         "It was [PLACE_2]'s clinic.", "[ORG_1].", "That one."]


def test_pdf_pages_are_attributes(files):
    t = read_transcript(files["paged.pdf"])
    assert t.attributes["pages"] == 2
    second = t.attributes["page_starts"][1]
    assert t.text[second:].startswith("Interviewer: And then?")
    assert any("Page 1 of 2" in s for s in t.layout.skipped)


def test_scanned_pdf_is_refused(tmp_path):
    from hrp_coding.transcripts.readers.pdf import _tiny_pdf

    path = tmp_path / "scan.pdf"
    path.write_bytes(_tiny_pdf([[], []]))
    with pytest.raises(TranscriptError, match=r"(?s)scan\.pdf.*no text layer \(2 page\(s\).*OCR"):
        read_transcript(path)


def test_low_confidence_names_file_and_line(tmp_path):
    path = tmp_path / "mixed.txt"
    path.write_text("Interviewer: Hi?\nP01: Hello.\nInterviewer: And?\nP01: Well.\n"
                    "Speaker 3 (00:01:02): Late entry.\nP01: Yes.\n", encoding="utf-8")
    with pytest.warns(TranscriptWarning, match=r"mixed\.txt, line 5: layout 'labels' detected with low confidence"):
        t = read_transcript(path)
    assert t.layout.low_confidence and "line 5 looks like a 'rev' label" in t.layout.notes[0]
    forced = read_transcript(path, speaker_pattern=r"(?P<speaker>[A-Z][\w ]*?)(?: \([\d:]+\))?:")
    assert [x.speaker for x in forced.turns][-2:] == ["Speaker 3", "P01"]


def test_layout_override_and_unknown_layout(files):
    t = read_transcript(files["otter.txt"], layout="paragraphs")
    assert t.layout.layout == "paragraphs"
    with pytest.raises(TranscriptError, match="unknown layout 'nope'"):
        read_transcript(files["otter.txt"], layout="nope")
    with pytest.raises(TranscriptError, match="fixed by the format"):
        read_transcript(files["zoom.vtt"], layout="labels")


def test_speaker_roles_override_the_guess(files):
    t = read_transcript(files["zoom.vtt"], speaker_roles={"Sam Reyes": "interviewer"})
    roles = {s.speaker: (s.role, s.role_from) for s in t.layout.speakers}
    assert roles == {"Lena Ortiz": ("participant", "default"), "Sam Reyes": ("interviewer", "given")}


@pytest.mark.parametrize("codec,bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("utf-16-le", b"\xff\xfe"),
                                       ("utf-16-be", b"\xfe\xff"), ("cp1252", b"")])
def test_encodings_are_detected(tmp_path, codec, bom):
    text = "Interviewer: How\u2019s the caf\u00e9?\nP01: Na\u00efve \u2013 but fine.\n"
    path = tmp_path / "enc.txt"
    path.write_bytes(bom + text.encode(codec))
    t = read_transcript(path)
    assert t.text == text and "\x00" not in t.text
    assert t.layout.encoding.startswith(codec.split("-")[0] if codec != "cp1252" else "cp1252")


def test_utf16_without_bom_and_mojibake_are_refused(tmp_path):
    path = tmp_path / "nobom.txt"
    path.write_bytes("Interviewer: Hi.\n".encode("utf-16-le"))
    with pytest.raises(TranscriptError, match=r"(?s)nobom\.txt.*line 1.*NUL characters"):
        read_transcript(path)
    path = tmp_path / "utf8.txt"
    path.write_bytes("Interviewer: caf\u00e9?\n".encode())
    with pytest.raises(TranscriptError, match=r"valid UTF-8; read as cp1252 it would become 'cafÃ©\?'"):
        read_transcript(path, encoding="cp1252")
    assert read_transcript(path, encoding={".srt": "cp1252"}).text == "Interviewer: caf\u00e9?\n"


def test_undecodable_bytes_name_line_and_never_suggest_garbage(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_bytes(b"Interviewer: ok\n\x81\x8d\x8f\x90\x9d\n")
    with pytest.raises(TranscriptError) as info:
        read_transcript(path, encoding="utf-8")
    assert info.value.problems[0].line == 2 and "bad.txt" in str(info.value)
