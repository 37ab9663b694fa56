"""Exporting .qdpx: XSD-valid, stable GUIDs, lossless round trip of the sample study, the CLI commands."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from hrp_coding.cli import main
from hrp_coding.errors import RefiWarning
from hrp_coding.interop import refi
from hrp_coding.project import Project
from tests._paths import shared_path

XSD = shared_path("refi-qda", "Project-mrt2019.xsd")
NS = {"q": "urn:QDA-XML:project:1.0"}
KEY = ["transcript", "coder", "code", "start", "end", "memo"]


@pytest.fixture(scope="module")
def study(sample_study_copy):
    project = sample_study_copy()
    folder = project.path
    project.add_memo("transcript", "P01", "Long pauses; re-listen to the recording.", coder="ana")
    project.add_memo("code", "holding", "Holding vs staying_with: discuss at the next meeting.", coder="ben")
    coding = project.codings(coders="caro").iloc[0]
    project.add_memo("coding", coding["coding_id"], "Second thoughts.", coder="caro")
    return Project.open(folder)


@pytest.fixture(scope="module")
def exported(study, tmp_path_factory):
    path = tmp_path_factory.mktemp("out") / "sample.qdpx"
    return refi.export_qdpx(study, path), path


def _xml(path: Path) -> bytes:
    return zipfile.ZipFile(path).read("project.qde")


def _codings(project: Project):
    frame = project.codings()[KEY].copy()
    frame["memo"] = frame["memo"].where(frame["memo"].notna(), None)
    return frame.sort_values(KEY[:5]).reset_index(drop=True)


@pytest.mark.skipif(not XSD.is_file(), reason="../shared/refi-qda/Project-mrt2019.xsd is not available")
def test_export_is_valid_against_the_refi_xsd(study, exported):
    import xmlschema

    summary, path = exported
    schema = xmlschema.XMLSchema(str(XSD))
    errors = list(schema.iter_errors(_xml(path).decode("utf-8")))
    assert errors == []
    assert (summary.transcripts, summary.coders, summary.codings, summary.codes, summary.variables) == (
        12, 3, 842, 19, 6)
    coding_memos = int((study.codings()["memo"].fillna("").str.strip() != "").sum())
    assert coding_memos >= 1 and summary.notes == 2 + coding_memos  # + the transcript memo and the code memo


def test_archive_layout_and_texts(study, exported):
    _summary, path = exported
    archive = zipfile.ZipFile(path)
    names = archive.namelist()
    assert names[0] == "project.qde" and len(names) == 13
    assert all(re.fullmatch(r"sources/[0-9a-f-]{36}\.txt", n) for n in names[1:])  # lowercase sources/ and GUIDs
    root = ET.fromstring(archive.read("project.qde"))
    assert root.tag == "{urn:QDA-XML:project:1.0}Project" and root.get("name") == "Making Room (sample study)"
    for source in root.iterfind("q:Sources/q:TextSource", NS):
        path_attr = source.get("plainTextPath")
        assert path_attr == f"internal://{source.get('guid')}.txt"
        text = archive.read(f"sources/{source.get('guid')}.txt").decode("utf-8")
        assert text == study.transcript(source.get("name")).text  # the canonical text, byte for byte
    users = {u.get("name"): u.get("guid") for u in root.iterfind("q:Users/q:User", NS)}
    assert set(users) == {"ana", "ben", "caro"}
    selections = root.findall(".//q:PlainTextSelection", NS)
    assert all(s.get("creatingUser") in users.values() and s.get("creationDateTime") for s in selections)
    # the coding memo travels as a Note referenced from its Coding
    notes = {n.get("guid"): n.find("q:PlainTextContent", NS).text for n in root.iterfind("q:Notes/q:Note", NS)}
    refs = [r.get("targetGUID") for r in root.iterfind(".//q:Coding/q:NoteRef", NS)]
    assert "Second thoughts." in "\n".join(notes[r] for r in refs)
    # our codebook fields REFI lacks are in the Description (via qdc)
    holding = next(c for c in root.iter("{urn:QDA-XML:project:1.0}Code") if c.get("name") == "Holding")
    assert "[hrp-coding code data v1]" in holding.find("q:Description", NS).text
    # attributes: one Case per transcript, typed Variables
    kinds = {v.get("name"): v.get("typeOfVariable") for v in root.iterfind("q:Variables/q:Variable", NS)}
    assert kinds["years_in_practice"] == "Integer" and kinds["setting"] == "Text"
    assert len(root.findall("q:Cases/q:Case", NS)) == 12


def test_same_project_same_guids_and_bytes(study, exported, tmp_path):
    _summary, path = exported
    again = tmp_path / "again.qdpx"
    refi.export_qdpx(study, again)
    assert again.read_bytes() == path.read_bytes()
    g = refi.project_guids("Making Room (sample study)")
    root = ET.fromstring(_xml(path))
    assert {u.get("guid") for u in root.iterfind("q:Users/q:User", NS)} == {g("user", c) for c in ("ana", "ben",
                                                                                                     "caro")}
    assert root.find("q:Sources/q:TextSource", NS).get("guid") == g("source", "P01")


@pytest.mark.slow
def test_lossless_round_trip(study, exported, tmp_path):
    _summary, path = exported
    with warnings.catch_warnings():
        warnings.simplefilter("error", RefiWarning)  # our own export needs no leniency
        imported, summary = refi.import_qdpx_with_summary(path, tmp_path / "imported")
    assert summary.warnings == () and summary.skipped_codings == 0
    assert (summary.transcripts, summary.coders, summary.codings) == (12, 3, 842)
    assert imported.name == study.name
    assert imported.coders == study.coders
    assert imported.codebook == study.codebook
    assert imported.settings == study.settings
    assert imported.transcript_ids == study.transcript_ids
    for tid in study.transcript_ids:
        assert imported.transcript(tid).text == study.transcript(tid).text
        assert imported.transcript(tid).attributes == study.transcript(tid).attributes
    assert _codings(imported).equals(_codings(study))
    memos = ["target_kind", "target_id", "coder", "text"]
    assert imported.memos("transcript")[memos].values.tolist() == study.memos("transcript")[memos].values.tolist()
    assert imported.memos("code")[memos].values.tolist() == study.memos("code")[memos].values.tolist()
    # export again: the same file but for the creation times (the import stamps its own)
    second = tmp_path / "second.qdpx"
    refi.export_qdpx(imported, second)
    strip = re.compile(r' creationDateTime="[^"]*"')
    assert strip.sub("", _xml(second).decode()) == strip.sub("", _xml(path).decode())
    assert zipfile.ZipFile(second).namelist() == zipfile.ZipFile(path).namelist()


def test_cli_commands(study, tmp_path, capsys):
    out = tmp_path / "cli.qdpx"
    assert main(["export-qdpx", str(study.path), str(out)]) == 0
    printed = capsys.readouterr().out
    assert "12 transcripts, 3 coders, 842 codings" in printed and str(out) in printed
    assert main(["import-qdpx", str(out), str(tmp_path / "back")]) == 0
    printed = capsys.readouterr().out
    assert "12 transcripts, 3 coders, 842 codings, 19 codes" in printed and "0 warnings" in printed
    assert main(["import-qdpx", str(out), str(tmp_path / "back")]) == 1
    assert "not an empty folder" in capsys.readouterr().err
    assert main(["import-qdpx", str(tmp_path / "nope.qdpx"), str(tmp_path / "x")]) == 1
    assert "no such .qdpx file" in capsys.readouterr().err
