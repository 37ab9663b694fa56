"""Importing .qdpx projects: the real samples in ../shared/refi-qda/samples/ and every tolerated deviation."""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import yaml

from hrp_coding.errors import ProjectError, RefiError, RefiWarning
from hrp_coding.interop import refi
from tests._paths import shared_path

SAMPLES = shared_path("refi-qda", "samples")
needs_samples = pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/refi-qda/samples is not available")
NS = {"q": "urn:QDA-XML:project:1.0"}


def _import(path, study, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        project, summary = refi.import_qdpx_with_summary(path, study, **kw)
    refi_warnings = [str(w.message) for w in caught if issubclass(w.category, RefiWarning)]
    assert len(refi_warnings) == len(summary.warnings)  # each summary line is also a RefiWarning
    return project, summary


def _zip_folder(folder: Path, out: Path) -> Path:
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                archive.write(file, file.relative_to(folder).as_posix())
    return out


# ------------------------------------------------------------------------------------------ samples
@needs_samples
@pytest.mark.slow
def test_qc_demo_transcripts_and_all_205_codings_at_the_right_text(tmp_path):
    path = SAMPLES / "qc_demo.qdpx"
    project, summary = _import(path, tmp_path / "qc")
    assert project.transcript_ids == ("admin-1", "board_2017")
    assert (summary.transcripts, summary.coders, summary.codings, summary.codes) == (2, 1, 205, 262)
    assert summary.skipped_codings == 0 and summary.origin == "qc 1.3.2"
    assert summary.coder_map == (("39633935-3331-3962-6632-373436373264", "cp", "cp"),)
    assert any("bare file name" in w for w in summary.warnings)  # qc's known non-conformance, tolerated
    codings = project.codings()
    assert len(codings) == 205 and set(codings["coder"]) == {"cp"}

    # independent check against the XML: every selection "line:N" covers line N of its source file
    archive = zipfile.ZipFile(path)
    root = ET.fromstring(archive.read("project.qde"))
    raw = archive.read("sources/board_2017.txt").decode("utf-8")
    lines = raw.split("\n")
    names = {c.get("guid").lower(): c.get("name") for c in root.iter("{urn:QDA-XML:project:1.0}Code")}
    expected = set()
    for sel in root.iterfind(".//q:PlainTextSelection", NS):
        start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
        n = int(sel.get("name").split(":")[1])
        assert raw[start:end] == lines[n] + "\n"
        for coding in sel.iterfind("q:Coding", NS):
            expected.add((start, end, names[coding.find("q:CodeRef", NS).get("targetGUID").lower()]))
    text = project.transcript("board_2017").text
    assert text == raw  # already canonical (ASCII, LF)
    cb = project.codebook
    got = {(int(r.start), int(r.end), cb.codes[r.code].name) for r in codings.itertuples()}
    assert got == expected and len(expected) == 205
    assert all(r.text == text[r.start:r.end] for r in codings.itertuples())

    # a few quotes checked by hand against project.qde and board_2017.txt
    def quote(start, code_name):
        row = codings[(codings["start"] == start) & (codings["code"].map(lambda c: cb.codes[c].name) == code_name)]
        assert len(row) == 1
        return row["text"].iloc[0]

    # <PlainTextSelection name="line:6" startPosition="320" endPosition="400">: CodeRef 37613432-... = "fun"
    assert quote(320, "fun") == ("This district goal is engage every student in joyful, purposeful "
                                          "learning that \n")
    # name="line:840" startPosition="51547" endPosition="51627", CodeRef 38353062-3634-3764-6635-353636323933 = equity
    assert quote(51547, "equity") == ("similar equity issues [inaudible 00:54:11] access to that curriculum, "
                                      "which we \n")
    # name="line:657" startPosition="40106" endPosition="40187": tracking, math, interdisciplinary_cs
    line_657 = codings[codings["start"] == 40106]
    assert sorted(cb.codes[c].name for c in line_657["code"]) == ["interdisciplinary_cs", "math", "tracking"]
    assert set(line_657["end"]) == {40187} and quote(40106, "math") == lines[657] + "\n"
    # duplicated code names in different branches stay distinct codes
    programming = [cid for cid, c in cb.codes.items() if c.name == "programming"]
    assert len(programming) == 2 and {cb.codes[p].parent for p in programming} == {"competencies",
                                                                                   "cs_as_programming"}


@needs_samples
@pytest.mark.slow
def test_qc_demo_hand_checked_selection(tmp_path):
    project, _ = _import(SAMPLES / "qc_demo.qdpx", tmp_path / "qc")
    codings = project.codings()
    cb = project.codebook
    row = codings[codings["start"] == 320]
    # XML: <PlainTextSelection guid="..." name="line:6" startPosition="320" endPosition="400"><Coding ...>
    assert row["end"].tolist() == [400]
    assert row["text"].iloc[0].startswith("This district goal is engage every student")
    assert cb.codes[row["code"].iloc[0]].name == "fun"  # CodeRef targetGUID="37613432-3130-6635-3839-613934656566"


@needs_samples
def test_nvivo_sample_hierarchy_users_and_texts(tmp_path):
    project, summary = _import(SAMPLES / "qc_nvivo_project.qdpx", tmp_path / "nv")
    assert summary.origin == "NVivo for Mac 15.0.0"
    assert (summary.transcripts, summary.codings, summary.codes) == (2, 0, 262)
    assert [row[2] for row in summary.coder_map] == ["chrisp", "cp"]
    assert project.coders == ("chrisp", "cp")
    cb = project.codebook
    assert cb.codes["programming"].parent == "competencies"
    assert cb.codes["competencies"].parent == "rq1_definition"
    assert cb.codes["rq1_definition"].parent is None
    assert "rq1_definition" in cb.children(None)
    depth = {}
    for cid, code in cb.codes.items():
        d, p = 0, code.parent
        while p is not None:
            d, p = d + 1, cb.codes[p].parent
        depth[cid] = d
    # the deepest: rq2_curriculum_and_instruction > curriculum > interdisciplinary_cs > other_subject_areas >
    # humanities > english > writing
    assert max(depth.values()) == 6 and depth["writing"] == 6
    assert cb.codes["writing"].parent == "english" and cb.codes["english"].parent == "humanities"
    # the sources are named after qc's GUIDs; their plain texts are one line break each
    assert project.transcript_ids == ("33663939-3636-3632-3038-613431643463", "66653866-6334-3535-3435-366637306566")
    assert {project.transcript(t).text for t in project.transcript_ids} == {"\n"}


@needs_samples
def test_ornio_hand_authored_fixture(tmp_path):
    archive = _zip_folder(SAMPLES / "ornio_hand_authored", tmp_path / "ornio.qdpx")
    project, summary = _import(archive, tmp_path / "ornio")
    assert project.name == "Sample Study"
    assert project.transcript_ids == ("Interview_1",)
    t = project.transcript("Interview_1")
    assert t.text == "Diet and health are closely linked in this interview."
    assert t.attributes == {"Age": 34, "Consented": True}  # from the Case's VariableValues
    cb = project.codebook
    assert [(c, cb.codes[c].parent, cb.codes[c].codable) for c in cb.codes] == [
        ("topics", None, False), ("health", "topics", True), ("diet", "health", True), ("wellbeing", "topics", True)]
    assert cb.codes["diet"].color == "#dc0000" and cb.codes["health"].definition.startswith("Anything about")
    assert [(s.name, s.members) for s in cb.sets] == [("Diet-related", ("diet",))]
    codings = project.codings().sort_values("start")
    assert codings[["coder", "code", "start", "end", "text"]].values.tolist() == [
        ["researcher-a", "health", 0, 15, "Diet and health"],
        ["researcher-a", "diet", 9, 23, "health are clo"]]  # overlapping selections, both kept
    # the note linked to the first selection (Links/Link originGUID -> targetGUID) is that coding's memo
    assert codings["memo"].tolist() == ["Remember to follow up on diet-related comments.", None]
    assert summary.coder_map == (("10000000-0000-0000-0000-000000000001", "Researcher A", "researcher-a"),)
    assert summary.skipped_codings == 5  # picture, PDF, transcript, audio and video codings
    assert any("not text are not imported: 1 PictureSource, 1 PDFSource, 1 AudioSource, 1 VideoSource" in w
               for w in summary.warnings)
    assert any("Graphs" in w for w in summary.warnings)
    sidecar = yaml.safe_load((project.path / refi.SIDECAR).read_text())
    assert sidecar["source_sets"] == [{"guid": "c0000000-0000-0000-0000-000000000001", "name": "Diet-related",
                                       "transcripts": ["Interview_1"]}]
    assert sidecar["cases"][0]["name"] == "Participant 1"
    assert refi.last_import_summary(project) == summary


# ------------------------------------------------------------------------------------ deviations
U_ANA, U_BEN, U_GHOST = ("10000000-0000-0000-0000-00000000000a", "10000000-0000-0000-0000-00000000000b",
                         "10000000-0000-0000-0000-0000000000ff")
C_HOLD, C_SIT = "20000000-0000-0000-0000-000000000001", "20000000-0000-0000-0000-000000000002"
S1, S2, S3 = ("40000000-0000-0000-0000-000000000001", "40000000-0000-0000-0000-000000000002",
              "40000000-0000-0000-0000-000000000003")


def _coding(guid, code, user=None):
    who = f' creatingUser="{user}"' if user else ""
    return f'<Coding guid="{guid}"{who}><CodeRef targetGUID="{code}"/></Coding>'


DEVIANT_QDE = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1:0" name="Team project" origin="ATLAS.ti-like test file"
         creatingUserGUID="{U_ANA}">
  <Users><User guid="{U_ANA}" name="Ana Lópes"/><User guid="{{{U_BEN.upper()}}}" name="Ben"/></Users>
  <CodeBook><Codes>
    <Code guid="{C_HOLD}" name="Holding" isCodable="true">
      <Code guid="{C_SIT}" name="Sitting with" isCodable="true"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="30000000-0000-0000-0000-000000000001" name="setting" typeOfVariable="Text"/>
    <Variable guid="30000000-0000-0000-0000-000000000002" name="years" typeOfVariable="Float"/></Variables>
  <Cases><Case guid="d0000000-0000-0000-0000-000000000001">
    <VariableValue><VariableRef targetGUID="30000000-0000-0000-0000-000000000002"/><FloatValue>7.5</FloatValue>
    </VariableValue><SourceRef targetGUID="{S1}"/></Case></Cases>
  <Sources>
    <TextSource guid="{S1}" name="Interview 1.docx" plainTextPath="internal://{S1}.txt">
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="22" endPosition="37"
                          creatingUser="{U_BEN}">
        {_coding("60000000-0000-0000-0000-000000000001", C_HOLD)}
        {_coding("60000000-0000-0000-0000-000000000002", C_SIT, U_ANA)}
        <NoteRef targetGUID="a0000000-0000-0000-0000-000000000001"/>
      </PlainTextSelection>
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000002" startPosition="30" endPosition="999">
        {_coding("60000000-0000-0000-0000-000000000003", C_HOLD, U_ANA)}
      </PlainTextSelection>
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000003" startPosition="0" endPosition="11">
        {_coding("60000000-0000-0000-0000-000000000004", C_HOLD, U_GHOST)}
      </PlainTextSelection>
      <NoteRef targetGUID="a0000000-0000-0000-0000-000000000002"/>
      <VariableValue><VariableRef targetGUID="30000000-0000-0000-0000-000000000001"/>
        <TextValue>outpatient</TextValue></VariableValue>
    </TextSource>
    <TextSource guid="{S2}" name="Interview 2" plainTextPath="bom_nfd.txt">
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000004" startPosition="5" endPosition="10">
        {_coding("60000000-0000-0000-0000-000000000005", C_SIT, U_BEN)}
      </PlainTextSelection>
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000005" startPosition="11" endPosition="13">
        {_coding("60000000-0000-0000-0000-000000000006", C_SIT, U_BEN)}
        {_coding("60000000-0000-0000-0000-000000000007", C_SIT, U_BEN)}
      </PlainTextSelection>
    </TextSource>
    <TextSource guid="{S3}" name="Interview 1.txt">
      <PlainTextContent>Interviewer: Inline?
P03: Inline text.</PlainTextContent>
      <PlainTextSelection guid="50000000-0000-0000-0000-000000000006" startPosition="26" endPosition="32">
        {_coding("60000000-0000-0000-0000-000000000008", C_HOLD, U_ANA)}
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="a0000000-0000-0000-0000-000000000001" name="on the selection" creatingUser="{U_BEN}">
      <PlainTextContent>Ben thinks this is holding.</PlainTextContent></Note>
    <Note guid="a0000000-0000-0000-0000-000000000002" name="on the source" creatingUser="{U_ANA}">
      <PlainTextContent>Noisy recording.</PlainTextContent></Note>
    <Note guid="a0000000-0000-0000-0000-000000000003" name="loose">
      <PlainTextContent>A project memo.</PlainTextContent></Note>
  </Notes>
  <NoteRef targetGUID="a0000000-0000-0000-0000-000000000003"/>
</Project>
"""


@pytest.fixture
def deviant(tmp_path):
    path = tmp_path / "deviant.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Team project.qde", b"\xef\xbb\xbf" + DEVIANT_QDE.encode("utf-8"))
        archive.writestr(f"Sources/{S1}.txt", b"Interviewer: Hi.\r\nP01: We sat with her.\r\n")
        archive.writestr("Sources/bom_nfd.txt", b"\xef\xbb\xbf" + "P02: Cafe\u0301 au lait.\n".encode())
    return path


def test_every_tolerated_deviation_is_a_warning_and_a_summary_line(deviant, tmp_path):
    project, summary = _import(deviant, tmp_path / "study")
    w = "\n".join(summary.warnings)
    for expected in ["named 'Team project.qde', not 'project.qde'",
                     "'urn:QDA-XML:project:1:0' (a known variant",
                     "Team project.qde starts with a UTF-8 byte order mark",
                     "folder 'Sources' instead of 'sources'",
                     "CRLF line break(s); each counted as one character",
                     "'bom_nfd.txt' is a bare file name",
                     "starts with a UTF-8 byte order mark (BOM); removed",
                     "not in Unicode NFC",
                     "1 selection(s) with positions that do not fit its text of 39 characters were skipped: "
                     "30-999 (outside the text (0-39))",
                     f"creatingUser {U_GHOST} is not among <Users>; coder 'user-10000000'",
                     "1 coding(s) repeat another",
                     "Cases/Case[1] has no name",
                     "kept in refi-qda.yaml"]:
        assert expected in w, expected
    assert summary.skipped_codings == 2  # the out-of-range selection and the repeated coding
    assert project.transcript_ids == ("Interview_1", "Interview_1_2", "Interview_2")


def test_deviant_offsets_coders_attributes_and_memos(deviant, tmp_path):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RefiWarning)
        project = refi.import_qdpx(deviant, tmp_path / "study")
    t1 = project.transcript("Interview_1")
    assert t1.text == "Interviewer: Hi.\nP01: We sat with her.\n"  # LF only
    assert t1.attributes == {"setting": "outpatient", "years": 7.5}
    t2 = project.transcript("Interview_2")
    assert t2.text == "P02: Caf\u00e9 au lait.\n"  # no BOM, NFC
    rows = project.codings().sort_values(["transcript", "start", "coder", "code"])
    coders = set(rows["coder"])
    assert coders == {"ana-lopes", "ben", "user-10000000"}
    by = {(r.transcript, r.coder, r.code): (r.start, r.end, r.text) for r in rows.itertuples()}
    assert by[("Interview_1", "user-10000000", "holding")] == (0, 11, "Interviewer")
    assert by[("Interview_1", "ana-lopes", "sitting_with")] == (22, 37, "We sat with her")
    assert by[("Interview_1", "ben", "holding")] == (22, 37, "We sat with her")
    assert by[("Interview_1_2", "ana-lopes", "holding")] == (26, 32, "Inline")
    assert rows[rows["transcript"] == "Interview_2"][["start", "end", "text"]].values.tolist() == [
        [5, 9, "Caf\u00e9"], [10, 12, "au"]]
    memos = {(r.transcript, r.coder, r.code): r.memo for r in rows.itertuples()}
    assert memos[("Interview_1", "ben", "holding")] == "Ben thinks this is holding."
    assert memos[("Interview_1", "ana-lopes", "sitting_with")] == "Ben thinks this is holding."
    transcript_memos = project.memos("transcript")
    assert transcript_memos[["target_id", "coder", "text"]].values.tolist() == [
        ["Interview_1", "ana-lopes", "Noisy recording."]]
    sidecar = yaml.safe_load((project.path / refi.SIDECAR).read_text())
    assert [(n["name"], n["text"], n["project_level"]) for n in sidecar["notes"]] == [
        ("loose", "A project memo.", True)]
    assert {u["name"]: u["coder"] for u in sidecar["users"]}["Ana Lópes"] == "ana-lopes"


def test_crlf_counted_as_two_characters_is_detected(tmp_path):
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p">
      <Users><User guid="{U_ANA}" name="ana"/></Users>
      <CodeBook><Codes><Code guid="{C_HOLD}" name="Holding" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="{S1}" name="T" plainTextPath="internal://{S1}.txt">
        <PlainTextSelection guid="50000000-0000-0000-0000-000000000001" startPosition="15" endPosition="19">
          {_coding("60000000-0000-0000-0000-000000000001", C_HOLD, U_ANA)}</PlainTextSelection>
      </TextSource></Sources></Project>"""
    path = tmp_path / "crlf2.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr(f"sources/{S1}.txt", "A: x\r\nB: y\r\nC: zzzz")  # "zzzz": 15-19 raw, 13-17 with LF
    project, summary = _import(path, tmp_path / "study")
    assert project.codings()[["start", "end", "text"]].values.tolist() == [[13, 17, "zzzz"]]
    assert any("each counted as two characters" in w for w in summary.warnings)
    assert summary.reading.startswith("positions read as code points, CRLF as two characters (evidence")


def test_encoding_fallback_and_utf16(tmp_path):
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p">
      <CodeBook><Codes><Code guid="{C_HOLD}" name="Holding" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="{S1}" name="A" plainTextPath="internal://a.txt"/>
               <TextSource guid="{S2}" name="B" plainTextPath="internal://b.txt"/></Sources></Project>"""
    path = tmp_path / "enc.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/a.txt", "P01: caf\u00e9\n".encode("cp1252"))
        archive.writestr("sources/b.txt", "P02: na\u00efve\n".encode("utf-16"))
    project, summary = _import(path, tmp_path / "study")
    assert project.transcript("A").text == "P01: caf\u00e9\n"
    assert project.transcript("B").text == "P02: na\u00efve\n"
    assert any("decoded as cp1252" in w for w in summary.warnings)
    assert any("UTF-16" in w for w in summary.warnings)
    _project2, summary2 = _import(path, tmp_path / "study2", encoding_fallbacks=())
    assert summary2.transcripts == 1 and any("source skipped" in w for w in summary2.warnings)


def test_external_files_only_when_allowed(tmp_path):
    outside = tmp_path / "media"
    outside.mkdir()
    (outside / "ext.txt").write_text("P09: outside the archive\n")
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" basePath="{outside}">
      <CodeBook><Codes><Code guid="{C_HOLD}" name="Holding" isCodable="true"/></Codes></CodeBook>
      <Sources><TextSource guid="{S1}" name="rel" plainTextPath="relative://ext.txt"/>
               <TextSource guid="{S2}" name="abs" plainTextPath="absolute://{outside}/ext.txt"/></Sources></Project>"""
    path = tmp_path / "ext.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("project.qde", qde)
    project, summary = _import(path, tmp_path / "study")
    assert project.transcript_ids == ()
    assert sum("pass external_files=True" in w for w in summary.warnings) == 2
    project, summary = _import(path, tmp_path / "study2", external_files=True)
    assert project.transcript_ids == ("abs", "rel")
    assert project.transcript("rel").text == "P09: outside the archive\n"


def test_codebook_option_matches_codes_by_name(deviant, tmp_path):
    from hrp_coding.codebook import Code, Codebook

    mine = Codebook(name="Mine", version=3, codes=[Code("holding", "HOLDING"), Code("other", "Other")])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RefiWarning)
        project, summary = refi.import_qdpx_with_summary(deviant, tmp_path / "study", codebook=mine)
    assert project.codebook.version == 3 and list(project.codebook.codes) == ["holding", "other"]
    assert set(project.codings()["code"]) == {"holding"}
    assert any("1 code(s) of the file are not in the codebook given (Sitting with)" in w for w in summary.warnings)


def test_bad_input_errors(tmp_path, deviant):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "x.txt").write_text("x")
    with pytest.raises(ProjectError, match="not an empty folder"):
        refi.import_qdpx(deviant, tmp_path / "full")
    with pytest.raises(FileNotFoundError, match=r"no such \.qdpx file"):
        refi.import_qdpx(tmp_path / "missing.qdpx", tmp_path / "s1")
    with pytest.raises(RefiError, match="is a folder"):
        refi.import_qdpx(tmp_path / "full", tmp_path / "s1")
    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "hi")
    with pytest.raises(RefiError, match=r"no project\.qde"):
        refi.import_qdpx(empty, tmp_path / "s2")
    broken = tmp_path / "broken.qdpx"
    with zipfile.ZipFile(broken, "w") as archive:
        archive.writestr("project.qde", '<Project xmlns="urn:QDA-XML:project:1.0" name="x">\n  <Users>\n</Project>')
    with pytest.raises(RefiError, match=r"malformed XML.*line 3") as info:
        refi.import_qdpx(broken, tmp_path / "s3")
    assert "project.qde" in str(info.value)
    wrong = tmp_path / "wrong.qdpx"
    with zipfile.ZipFile(wrong, "w") as archive:
        archive.writestr("project.qde", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(RefiError, match="not <Project>"):
        refi.import_qdpx(wrong, tmp_path / "s4")
    for name in ("s1", "s2", "s3", "s4"):
        assert not (tmp_path / name).exists()
    with pytest.raises(ProjectError, match="was not imported from a REFI-QDA file"):
        refi.last_import_summary(tmp_path / "full")


def test_summary_text_and_dict_round_trip(deviant, tmp_path):
    _project, summary = _import(deviant, tmp_path / "study")
    text = str(summary)
    assert re.search(r"3 transcripts, 3 coders, 6 codings, 2 codes, \d+ memos; 2 codings skipped", text)
    assert "Ana Lópes -> ana-lopes" in text
    assert refi.ImportSummary.from_dict(summary.to_dict()) == summary
    assert summary.n_warnings == len(summary.warnings)
