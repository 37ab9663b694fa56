"""Transcripts into a project (issue 11): overrides, batch all or nothing, removal, roster, codings CSV, CLI."""

from __future__ import annotations

import hashlib
import io
import warnings
from pathlib import Path

import pandas as pd
import pytest
import yaml

from hrp_coding.cli import main
from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import CodingsImportError, CodingsImportWarning, ProjectError, TranscriptError
from hrp_coding.project import Project
from hrp_coding.store.csv_export import write_csv
from hrp_coding.transcripts import read_transcript, transcript_from_text
from hrp_coding.transcripts.readers.pdf import _tiny_pdf
from tests.transcript_fixtures import EXPECTED, build

TEXT = "Interviewer: How did you start?\nP01: We sat with her for an hour.\nInterviewer: And then?\nP01: Tea.\n"


def codebook() -> Codebook:
    return Codebook(name="Mini", version=1, codes=[Code("holding", "Holding"), Code("inviting", "Inviting")])


def tree(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the sha256 of its bytes (byte-identity of a project), derived caches
    (``.hrp/cache``: segment boundaries keyed by the text's sha256, rebuilt when missing) left out."""
    cache = folder / ".hrp" / "cache"
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_relative_to(cache)}


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", codebook=codebook(), coders=["ana", "ben"])
    project.add_transcript(TEXT, transcript_id="P01")
    return project


@pytest.fixture(scope="module")
def layouts(tmp_path_factory):
    return build(tmp_path_factory.mktemp("mixed"))


# --- overrides that reach the project -------------------------------------------------------------
def test_add_transcript_overrides_and_layout_in_sidecar(study, tmp_path):
    path = tmp_path / "P02.txt"
    path.write_text("DR LEE >> How are you?\nSAM >> Fine.\nDR LEE >> Sure?\nSAM >> Yes.\n", encoding="utf-8")
    t = study.add_transcript(path, speaker_pattern=r"(?P<speaker>[A-Z][A-Z ]*?) >>",
                             speaker_roles={"DR LEE": "interviewer"})
    assert [(x.speaker, x.role) for x in t.turns] == [("DR LEE", "interviewer"), ("SAM", "participant")] * 2
    sidecar = yaml.safe_load((study.path / "transcripts" / "P02.yaml").read_text(encoding="utf-8"))
    assert sidecar["layout"]["speakers"][0] == {"speaker": "DR LEE", "turns": 2, "role": "interviewer",
                                                "role_from": "given"}
    assert study.transcript("P02").layout.layout == "labels"
    forced = study.add_transcript(path, transcript_id="P03", layout="paragraphs")
    assert forced.layout.layout == "paragraphs" and len(forced.turns) == 1


def test_add_transcript_accepts_a_transcript(study):
    t = transcript_from_text("I: Why?\nR: Because.\n", "X")
    stored = study.add_transcript(t, transcript_id="P04", speaker_roles={"R": "participant"})
    assert stored.id == "P04" and stored.text == t.text
    assert [x.role for x in stored.turns] == ["interviewer", "participant"]


def test_empty_transcripts_are_refused_and_nothing_written(study, tmp_path):
    before = tree(study.path)
    for name, data in (("E1.txt", b""), ("E2.txt", b"\xef\xbb\xbf \r\n\r\n"), ("E3.txt", b"Interviewer:\nP01:\n")):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(TranscriptError, match=rf"(?s){name}.*the transcript is empty"):
            study.add_transcript(tmp_path / name)
    assert tree(study.path) == before


# --- batch import: all or nothing -------------------------------------------------------------------
@pytest.mark.parametrize("bad,message", [
    ("broken.docx", "not a readable Word"), ("scan.pdf", "no text layer"), ("empty.txt", "the transcript is empty"),
    ("P01.txt", "already in project"), ("nul.txt", "NUL characters")])
def test_batch_import_is_all_or_nothing(study, tmp_path, layouts, bad, message):
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("otter.txt", "zoom.vtt", "table3.docx"):
        (folder / name).write_bytes(layouts[name].read_bytes())
    data = {"broken.docx": b"PK\x03\x04 not a zip", "scan.pdf": _tiny_pdf([[]]), "empty.txt": b"\n\n",
            "P01.txt": b"Interviewer: again?\nP01: yes\n", "nul.txt": "Interviewer: hi\n".encode("utf-16-le")}[bad]
    (folder / bad).write_bytes(data)
    before = tree(study.path)
    files = sorted(folder.iterdir())
    with pytest.raises((TranscriptError, ProjectError)) as info:
        study.add_transcripts(files)
    assert bad in str(info.value) and message in str(info.value)
    assert tree(study.path) == before
    assert study.transcript_ids == ("P01",)


def test_batch_failure_while_writing_restores_every_file(study, tmp_path, layouts, monkeypatch):
    before = tree(study.path)
    original = Project._write_transcript
    calls = []

    def crash(self, transcript, extra=None):
        calls.append(transcript.id)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(self, transcript, extra)

    monkeypatch.setattr(Project, "_write_transcript", crash)
    with pytest.raises(OSError, match="disk full"):
        study.add_transcripts([layouts["otter.txt"], layouts["rev.txt"], layouts["teams.vtt"]])
    assert tree(study.path) == before


def test_batch_with_deidentification_leaves_key_untouched_on_failure(study, tmp_path, layouts):
    names = tmp_path / "names.txt"
    names.write_text("Mara Quist\n", encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    before = tree(study.path)
    with pytest.raises(TranscriptError, match=r"bad\.txt"):
        study.add_transcripts([layouts["otter.txt"], tmp_path / "bad.txt"], deidentify=names)
    assert tree(study.path) == before and not (study.path / "private").exists()
    stored = study.add_transcripts([layouts["otter.txt"]], deidentify=names)[0]
    assert "Mara" not in stored.text and "Mara" not in str(stored.layout.to_dict())


# --- remove_transcript ----------------------------------------------------------------------------------
def test_remove_transcript_keeps_journal_history(study):
    start = TEXT.index("We sat")
    coding = study.add_coding("ana", "P01", start, start + 15, "holding")
    assert study.remove_transcript("P01") == 1
    assert study.transcript_ids == () and study.codings().empty
    events = [yaml.safe_load(line) for line in (study.path / "codings" / "ana.jsonl").read_text().splitlines()]
    assert [e["event"] for e in events] == ["add", "remove"]
    assert events[1]["coding_id"] == coding.id and events[1]["reason"] == "transcript P01 removed"
    with pytest.raises(ProjectError, match="unknown transcript 'P01'"):
        study.remove_transcript("P01")
    study.add_transcript(TEXT, transcript_id="P01")  # the id can be used again; old codings stay removed
    assert study.codings().empty


# --- the roster ---------------------------------------------------------------------------------------------
def test_closed_roster_refuses_typos_everywhere(study, tmp_path):
    start = TEXT.index("We sat")
    with pytest.raises(ProjectError, match=r"coder 'anna' is not in the roster \(ana, ben\); did you mean 'ana'\?"):
        study.add_coding("anna", "P01", start, start + 6, "holding")
    csv = tmp_path / "c.csv"
    csv.write_text("transcript,coder,code,quote\nP01,ana,holding,We sat\nP01,anna,holding,for an hour\n",
                   encoding="utf-8")
    before = tree(study.path)
    with pytest.raises(CodingsImportError, match=r"row 2 \(line 3\): coder 'anna' is not in the roster.*'ana'"):
        study.import_codings(csv)
    assert tree(study.path) == before
    from hrp_coding.notebook.widget import CodingWidget

    with pytest.raises(ProjectError, match="did you mean 'ana'"):
        CodingWidget(study, coder="anna", transcript="P01")
    assert study.import_codings(csv, new_coders=True).added == 2
    study.add_coders(["carla"])
    study.add_coding("carla", "P01", start, start + 6, "inviting")
    study.add_coding("model:tfidf", "P01", start, start + 6, "inviting")  # model layers are never refused
    assert study.coders == ("ana", "anna", "ben", "carla", "model:tfidf")


def test_open_roster_still_registers_new_coders(tmp_path):
    project = Project.init(tmp_path / "open", codebook=codebook())
    project.add_transcript(TEXT, transcript_id="P01")
    project.add_coding("ana", "P01", 13, 16, "holding")
    project.add_coding("dana", "P01", 13, 16, "holding")
    assert project.coders == ("ana", "dana")


# --- codings CSV ------------------------------------------------------------------------------------------
def test_quotes_match_after_normalising_with_a_warning(study, tmp_path):
    study.add_transcript("Interviewer: And then?\nP02: It\u2019s \u2014 well \u2014 hard.\n", transcript_id="P02")
    csv = tmp_path / "q.csv"
    csv.write_text('transcript,coder,code,quote\nP02,ana,holding,"It\'s - well  - hard."\n', encoding="utf-8")
    with pytest.warns(CodingsImportWarning, match=r"1 quote\(s\) matched .* after normalising.*row 1 \(line 2\)"):
        study.import_codings(csv)
    row = study.codings().iloc[0]
    assert row.text == "It\u2019s \u2014 well \u2014 hard."


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_csvs_are_detected(study, tmp_path, sep):
    csv = tmp_path / "eu.csv"
    csv.write_bytes(sep.join(["transcript", "coder", "code", "quote"]).encode("cp1252") + b"\r\n"
                    + sep.join(["P01", "ana", "holding", "We sat with her"]).encode("cp1252") + b"\r\n")
    assert study.import_codings(csv).added == 1


def test_unterminated_quote_is_reported_with_its_line(study, tmp_path):
    before = tree(study.path)
    csv = tmp_path / "open.csv"
    csv.write_text('transcript,coder,code,quote\nP01,ana,holding,"We sat\nP01,ben,holding,Tea.\n'
                   'P01,ben,inviting,And then?\n', encoding="utf-8")
    with pytest.raises(CodingsImportError, match=r"(?s)open\.csv.*line 2.*(never closed|holds what looks like rows)"):
        study.import_codings(csv)
    closed_later = tmp_path / "late.csv"
    closed_later.write_text('transcript,coder,code,quote\nP01,ana,holding,"We sat\nP01,ben,holding,Tea.\n'
                            'P01,ben,inviting,"And then?"\n', encoding="utf-8")
    with pytest.raises(CodingsImportError) as info:
        study.import_codings(closed_later)
    assert info.value.problems[0].line == 2
    assert tree(study.path) == before


def test_csv_exports_have_a_bom_and_no_formulas(study, tmp_path):
    out = tmp_path / "out.csv"
    write_csv(pd.DataFrame({"text": ["=cmd|' /C calc'!A0", "+1", "@SUM(A1)", "-2", "plain"], "n": [1, -2, 3, 4, 5]}),
              out)
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    frame = pd.read_csv(io.StringIO(data.decode("utf-8-sig")))
    assert frame["text"].tolist() == ["'=cmd|' /C calc'!A0", "'+1", "'@SUM(A1)", "'-2", "plain"]
    assert frame["n"].tolist() == [1, -2, 3, 4, 5]
    assert main(["segments", str(study.path), "--out", str(tmp_path / "s.csv")]) == 0
    assert (tmp_path / "s.csv").read_bytes().startswith(b"\xef\xbb\xbf")


# --- the CLI ---------------------------------------------------------------------------------------------------
def test_cli_import_of_a_mixed_folder_prints_the_layout_report(tmp_path, layouts, capsys):
    folder = tmp_path / "interviews"
    folder.mkdir()
    unique = {name: f"{Path(name).stem}-{Path(name).suffix[1:]}{Path(name).suffix}" for name in layouts}
    for name, path in layouts.items():  # otter.txt and otter.docx would both be transcript 'otter'
        (folder / unique[name]).write_bytes(path.read_bytes())
    (folder / "notes.odt").write_bytes(b"x")
    study = tmp_path / "cli"
    assert main(["init", str(study), "--codebook", str(_codebook_file(tmp_path))]) == 0
    assert main(["import", str(study), str(folder)]) == 0
    out, err = capsys.readouterr()
    assert out.count("added ") == len(EXPECTED)
    for name, (layout, _speakers, _, _) in EXPECTED.items():
        assert f"interviews/{unique[name]}: layout {layout!r}" in out, name
    assert "speakers: Speaker 1 2 turns (interviewer, questions), Mara Quist 2 turns (participant, default)" in out
    assert "ignored" in err and "notes.odt" in err
    assert len(Project.open(study).transcript_ids) == len(EXPECTED)


def test_cli_import_refusal_exits_1_names_the_file_speaks_cli(tmp_path, layouts, capsys):
    study = tmp_path / "cli"
    assert main(["init", str(study), "--codebook", str(_codebook_file(tmp_path))]) == 0
    before = tree(study)
    utf8 = tmp_path / "P09.txt"
    utf8.write_text("Interviewer: caf\u00e9?\nP09: oui\n", encoding="utf-8")
    assert main(["import", str(study), str(layouts["otter.txt"]), str(utf8), "--encoding", ".txt=cp1252"]) == 1
    err = capsys.readouterr().err
    assert "otter.txt" in err or "P09.txt" in err
    assert "--encoding" in err and "encoding=" not in err and "leave out --encoding" in err
    assert tree(study) == before
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(_tiny_pdf([[]]))
    assert main(["import", str(study), str(scan)]) == 1
    assert "scan.pdf" in capsys.readouterr().err and tree(study) == before
    assert main(["import", str(study), str(layouts["zoom.vtt"]), "--roles", "Sam Reyes=interviewer"]) == 0
    assert "Sam Reyes 2 turns (interviewer, given)" in capsys.readouterr().out
    assert main(["remove", str(study), "zoom"]) == 0
    assert "removed zoom" in capsys.readouterr().out
    assert main(["import-codings", str(study), str(tmp_path / "none.csv")]) == 1


def test_cli_low_confidence_is_a_warning_not_a_refusal(tmp_path, capsys):
    study = tmp_path / "cli"
    assert main(["init", str(study), "--codebook", str(_codebook_file(tmp_path))]) == 0
    path = tmp_path / "mixed.txt"
    path.write_text("Interviewer: Hi?\nP01: Hello.\nInterviewer: And?\nP01: Well.\nSpeaker 3 (00:01:02): Late.\n"
                    "P01: Yes.\n", encoding="utf-8")
    assert main(["import", str(study), str(path)]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "mixed.txt, line 5" in err and "--layout or --speaker-pattern" in err


def _codebook_file(tmp_path: Path) -> Path:
    path = tmp_path / "cb.yaml"
    if not path.exists():
        codebook().save(path)
    return path


def test_read_transcript_layout_report_round_trips(layouts):
    from hrp_coding.transcripts.layout import LayoutReport

    t = read_transcript(layouts["otter.docx"])
    again = LayoutReport.from_dict(t.layout.to_dict(), source=t.layout.source)
    assert again == t.layout
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert str(again).count("\n") >= 2


def test_cli_attributes_table_in_excel_csv(tmp_path, layouts, capsys):
    study = tmp_path / "cli"
    assert main(["init", str(study), "--codebook", str(_codebook_file(tmp_path))]) == 0
    table = tmp_path / "participants.csv"
    table.write_bytes("transcript;setting;site\r\notter;outpatient;Caf\u00e9 Nord\r\n".encode("cp1252"))
    assert main(["import", str(study), str(layouts["otter.txt"]), "--attributes", str(table)]) == 0
    assert Project.open(study).transcript("otter").attributes == {"setting": "outpatient", "site": "Caf\u00e9 Nord",
                                                                  "transcribed_by": "https://otter.ai"}


def test_placeholder_speakers_in_subtitles_keep_brackets():
    from hrp_coding.transcripts.readers.subtitles import parse_subtitles

    t = parse_subtitles("1\n00:00:01,000 --> 00:00:02,000\n[PERSON_3] Hi.\n\n2\n00:00:02,000 --> 00:00:03,000\n"
                        "[inaudible] yes\n", transcript_id="S1", kind="srt")
    assert [(x.speaker, t.turn_text(x)) for x in t.turns] == [("[PERSON_3]", "Hi. [inaudible] yes")]


def test_cli_errors_name_the_file_and_speak_cli(tmp_path, capsys):
    study = tmp_path / "cli"
    assert main(["init", str(study), "--codebook", str(_codebook_file(tmp_path))]) == 0
    path = tmp_path / "a.txt"
    path.write_text("I: hi\n\nR: yo\n", encoding="utf-8")
    assert main(["import", str(study), str(path), "--speaker-pattern", "x:"]) == 1
    err = capsys.readouterr().err
    assert "a.txt" in err and "--speaker-pattern" in err and "speaker_pattern" not in err and "like r'" not in err
    assert main(["import", str(study), str(path), "--layout", "rev"]) == 0
    out = capsys.readouterr().out
    assert "layout 'paragraphs'" in out and "header" not in out  # nothing taken for a header


def test_two_files_with_one_id_in_a_batch_are_named(study, tmp_path, layouts):
    before = tree(study.path)
    with pytest.raises(ProjectError, match=r"otter\.docx: transcript id 'otter' is also the id of .*otter\.txt"):
        study.add_transcripts([layouts["otter.txt"], layouts["otter.docx"]])
    assert tree(study.path) == before


def test_word_doubts_name_the_paragraph(tmp_path):
    import docx

    document = docx.Document()
    for line in ["Interviewer: Hi?", "P01: Hello.", "Interviewer: And?", "P01: Well.", "Speaker 3 (00:01:02): Late.",
                 "P01: Yes."]:
        document.add_paragraph(line)
    path = tmp_path / "doubt.docx"
    document.save(path)
    with pytest.warns(Warning, match=r"doubt\.docx, paragraph 5: layout 'labels'"):
        read_transcript(path)
