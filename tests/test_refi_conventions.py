"""Position conventions, memo placements and what no import may drop, on fixtures in other programs' layouts.

The fixtures (tests/_refi_fixtures.py) reproduce NVivo for Windows (UTF-16 units, CRLF as two), NVivo for Mac
(UTF-16 units with emoji), ATLAS.ti and MAXQDA (CRLF as one), QualCoder (BOM, Description memos, annotations)
and a project without CodeBook. Every coding's text is asserted; then each import is exported, checked against
the REFI-QDA schema, re-imported, and compared element by element; an independent reader (pyrefiqda) reads our
export.
"""

from __future__ import annotations

import warnings
import zipfile
from pathlib import Path

import pytest
import yaml

from hrp_coding.errors import RefiWarning
from hrp_coding.interop import refi
from hrp_coding.interop.refi.positions import Reading, SourceText, convention_for, decide
from tests._refi_fixtures import ALL, EMOJI, Fixture, atlas_ti, nvivo_windows

XSD = Path(__file__).resolve().parents[2] / "shared" / "refi-qda" / "Project-mrt2019.xsd"
if not XSD.is_file():
    XSD = Path("/work/shared/refi-qda/Project-mrt2019.xsd")


def _import(path: Path, study: Path, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", RefiWarning)
        project, summary = refi.import_qdpx_with_summary(path, study, **kw)
    assert len([w for w in caught if issubclass(w.category, RefiWarning)]) == len(summary.warnings)
    return project, summary


def _codings(project) -> list[tuple[str, str, str]]:
    cb = project.codebook
    frame = project.codings()
    return sorted((r.coder, cb.codes[r.code].name, r.text) for r in frame.itertuples())


def _memos(project) -> list[tuple[str, str, str]]:
    return sorted((r.target_kind, r.target_id, r.text) for r in project.memos().itertuples())


@pytest.fixture(params=sorted(ALL))
def fixture(request, tmp_path) -> Fixture:
    return ALL[request.param](tmp_path)


def test_every_coding_lands_on_its_words(fixture, tmp_path):
    project, summary = _import(fixture.path, tmp_path / "study")
    assert _codings(project) == fixture.codings
    assert summary.codings == len(fixture.codings) and summary.skipped_codings == 0
    assert fixture.reading in summary.reading and summary.reading in str(summary)
    frame = project.codings()
    memos = {r.text: r.memo for r in frame.itertuples() if isinstance(r.memo, str)}
    assert memos == fixture.coding_memos
    transcript_memos = project.memos("transcript")["text"].tolist()
    for memo in fixture.transcript_memos:
        assert memo in transcript_memos
    for passage, memo in fixture.annotations:  # the annotation keeps its passage: offsets and quote
        found = [m for m in transcript_memos if m.endswith(memo) and f"\u201c{passage}\u201d" in m]
        assert len(found) == 1
        start, end = (int(x) for x in found[0].split()[2].split("-"))
        tid = project.transcript_ids[0]
        assert project.transcript(tid).text[start:end] == passage
    assert summary.annotations == len(fixture.annotations)
    for fragment in fixture.warnings:
        assert any(fragment in w for w in summary.warnings), (fragment, summary.warnings)


def test_reading_follows_the_evidence_and_warns_when_it_disagrees(tmp_path):
    project, summary = _import(atlas_ti(tmp_path, crlf_two=True).path, tmp_path / "study")
    assert "code points, CRLF as two characters (evidence" in summary.reading
    assert any("do not follow the ATLAS.ti convention (code points, CRLF as one character)" in w
               for w in summary.warnings)
    assert ("lea-brandt", "Food", "Bland") in _codings(project)


def test_same_positions_read_three_ways():
    raw = "A: ok " + EMOJI + "\r\nB: We sat with her.\r\n"
    text = SourceText(raw)
    for reading, start in [(Reading("code points", False), 11), (Reading("utf-16", False), 12),
                           (Reading("code points", True), 12), (Reading("utf-16", True), 13)]:
        assert text.canonical[text.map(start, reading):text.map(start + 15, reading)] == "We sat with her"
    decision = decide([(text, [(13, 28)])], "NVivo for Windows 12.6")
    # code points would start the selection at the space before "sat" (a boundary, 1 point, not a word, 2)
    assert decision.reading == Reading("utf-16", True) and decision.basis == "evidence"
    assert dict(decision.fits) == {Reading("code points", False): 3, Reading("utf-16", False): 2,
                                   Reading("code points", True): 2, Reading("utf-16", True): 4}
    tie = decide([(text, [(0, 1)])], "NVivo for Windows 12.6")  # before the emoji: every reading agrees
    assert tie.reading == Reading("utf-16", True) and tie.basis == "convention"
    assert convention_for("ATLAS.ti 23").reading == Reading("code points", False)
    assert convention_for(None).producer == "unknown program"


def test_duplicated_guid_names_both_codes(tmp_path):
    from tests._refi_fixtures import maxqda

    project, summary = _import(maxqda(tmp_path).path, tmp_path / "study")
    line = next(w for w in summary.warnings if "have the same guid" in w)
    assert "'Quiet'" in line and "'Calm'" in line and "attributed to 'Quiet'" in line
    assert {"quiet", "calm"} <= set(project.codebook.codes)  # both codes imported


def test_differing_users_rule(tmp_path):
    project, summary = _import(nvivo_windows(tmp_path).path, tmp_path / "study")
    line = next(w for w in summary.warnings if "creatingUser other than their selection's" in w)
    assert "attributed to its Coding's creatingUser" in line
    by_text = {r.text: r.coder for r in project.codings().itertuples()}
    assert by_text["The nurses started to knock"] == "florin"  # the Coding's user, not the selection's (gabi)


def _counts(project) -> dict:
    from hrp_coding.interop.refi.write import read_sidecar

    side = read_sidecar(project) or {}
    coding_memos = sorted((r.text, r.memo) for r in project.codings().itertuples() if isinstance(r.memo, str))
    return {"transcripts": len(project.transcript_ids), "codings": _codings(project), "memos": _memos(project),
            "coding_memos": coding_memos,
            "codes": len(project.codebook.codes), "code_sets": len(project.codebook.sets),
            "cases": len(side.get("cases") or []), "variables": sorted(v["name"] for v in side.get("variables") or []),
            "source_sets": [(s["name"], s["transcripts"]) for s in side.get("source_sets") or []],
            "notes": sorted(n["text"] for n in side.get("notes") or []),
            "annotations": sorted((a["transcript"], a["start"], a["end"], a["memo"])
                                  for a in side.get("annotations") or []),
            "attributes": {t: project.transcript(t).attributes for t in project.transcript_ids}}


def test_round_trip_loses_nothing_the_first_import_kept(fixture, tmp_path):
    first, first_summary = _import(fixture.path, tmp_path / "first")
    out = tmp_path / "again.qdpx"
    exported = refi.export_qdpx(first, out)
    if XSD.is_file():
        import xmlschema

        xml = zipfile.ZipFile(out).read("project.qde").decode("utf-8")
        assert list(xmlschema.XMLSchema(str(XSD)).iter_errors(xml)) == []
    second, summary = _import(out, tmp_path / "second")
    # our own export needs no leniency: what the second import says, the first said of the original already
    # (an unnamed case, no codebook, notes kept aside)
    assert set(summary.warnings) <= set(first_summary.warnings)
    before, after = _counts(first), _counts(second)
    assert after == before
    assert exported.codings == len(fixture.codings)


def test_first_import_keeps_cases_variables_sets_and_notes(tmp_path):
    from tests._refi_fixtures import maxqda, qualcoder

    project, _ = _import(maxqda(tmp_path).path, tmp_path / "m")
    side = yaml.safe_load((project.path / refi.SIDECAR).read_text())
    assert [(c["name"], c["transcripts"], c["attributes"]) for c in side["cases"]] == [
        ("", ["Focus_group"], {"Ward": "Ward 4", "Visits per week": 3})]
    assert [v["name"] for v in side["variables"]] == ["Ward", "Visits per week"]
    assert side["source_sets"][0]["transcripts"] == ["Focus_group", "Focus_group_2"]
    assert project.transcript("Focus_group").attributes == {"Ward": "Ward 4", "Visits per week": 3}
    project, _ = _import(qualcoder(tmp_path).path, tmp_path / "q")
    side = yaml.safe_load((project.path / refi.SIDECAR).read_text())
    assert [n["text"] for n in side["notes"]] == ["Recruitment is slow."]


def test_export_has_lowercase_guids_and_invents_nothing(tmp_path):
    import re

    first, _ = _import(ALL["nvivo_mac"](tmp_path).path, tmp_path / "first")
    out = tmp_path / "out.qdpx"
    refi.export_qdpx(first, out)
    xml = zipfile.ZipFile(out).read("project.qde").decode("utf-8")
    guids = re.findall(r'(?:guid|GUID|creatingUser)="([^"]+)"', xml)
    assert guids and all(g == g.lower() for g in guids)
    assert xml.count("color=") == 1 and 'color="#993366"' in xml  # only the colour the file had
    assert "<Sets" not in xml  # no code sets, no sets of sources: no empty <Sets>


def _read_with_pyrefiqda(path: Path, folder: Path):
    from pyrefiqda.refiproject import RefiProject

    model = RefiProject.load(path, extract_dir=str(folder))
    users = {u.guid: u.name for u in model.users.user} if model.users else {}
    codes = {}
    stack = list(model.code_book.codes.code) if model.code_book else []
    while stack:
        code = stack.pop()
        codes[code.guid] = code.name
        stack.extend(code.code or [])
    read, memos = [], {}
    for source in model.sources.text_source if model.sources else []:
        text = RefiProject.resolve_source_path(source.plain_text_path, folder).read_text("utf-8")
        for sel in source.plain_text_selection:
            passage = text[sel.start_position:sel.end_position]
            for coding in sel.coding:
                read.append((users[coding.creating_user], codes[coding.code_ref.target_guid], passage))
            if sel.description:
                memos[passage] = sel.description
    return sorted(read), memos


def test_an_independent_reader_reads_our_codings_and_memos(fixture, tmp_path):
    """pyrefiqda (PyPI, MIT; models generated by xsdata from the official schema) reads what we export.

    It is declared in the ``test`` extra, so it is imported, not skipped: a missing reader fails this test.
    """
    first, _ = _import(fixture.path, tmp_path / "first")
    out = tmp_path / "out.qdpx"
    refi.export_qdpx(first, out)
    read, memos = _read_with_pyrefiqda(out, tmp_path / "extract")
    assert read == _codings(first) == fixture.codings
    ours = {r.text: r.memo for r in first.codings().itertuples() if isinstance(r.memo, str)}
    assert {k: v for k, v in memos.items() if k in ours} == ours == fixture.coding_memos
    for passage, memo in fixture.annotations:  # annotations travel as selection Descriptions
        assert memos[passage] == memo


def test_independent_reader_sees_memos_we_add(tmp_path):
    first, _ = _import(ALL["qualcoder"](tmp_path).path, tmp_path / "first")
    first.add_coding(coder="jo", transcript=first.transcript_ids[0], start=0, end=11, code="information",
                     memo="Opening question.")
    out = tmp_path / "out.qdpx"
    refi.export_qdpx(first, out)
    read, memos = _read_with_pyrefiqda(out, tmp_path / "extract")
    assert ("jo", "Information", "Interviewer") in read and len(read) == 3
    assert memos["Interviewer"] == "Opening question."


def test_a_position_inside_a_character_is_reported(tmp_path):
    from tests._refi_fixtures import _zip

    raw = "Ana: ok " + EMOJI + " we sat with her\n"
    mid = len("Ana: ok ") + 1  # between the two UTF-16 units of the emoji
    qde = f"""<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo for Mac 15.0.0">
      <Users><User guid="11111111-1111-1111-1111-111111111111" name="ana"/></Users>
      <CodeBook><Codes><Code guid="22222222-2222-2222-2222-222222222222" name="Holding" isCodable="true"/></Codes>
      </CodeBook><Sources><TextSource guid="33333333-3333-3333-3333-333333333333" name="T"
        plainTextPath="internal://t.txt">
        <PlainTextSelection guid="44444444-4444-4444-4444-444444444444" startPosition="{mid}" endPosition="26">
          <Coding guid="55555555-5555-5555-5555-555555555555" creatingUser="11111111-1111-1111-1111-111111111111">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding></PlainTextSelection>
        <PlainTextSelection guid="44444444-4444-4444-4444-444444444445" startPosition="14" endPosition="17">
          <Coding guid="55555555-5555-5555-5555-555555555556" creatingUser="11111111-1111-1111-1111-111111111111">
          <CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding></PlainTextSelection>
      </TextSource></Sources></Project>"""
    path = _zip(tmp_path / "mid.qdpx", {"project.qde": qde.encode(), "sources/t.txt": raw.encode()})
    project, summary = _import(path, tmp_path / "study")
    assert sorted(project.codings()["text"]) == [" we sat with her", "sat"]
    assert any("1 selection(s) start or end inside a CRLF or a character outside the BMP" in w
               for w in summary.warnings)


def test_a_failed_write_leaves_no_project_and_no_temporary_folder(tmp_path, monkeypatch):
    from hrp_coding.interop.refi.parse import parse_qdpx
    from hrp_coding.interop.refi.write import write_project
    from hrp_coding.project import Project

    fixture = ALL["qualcoder"](tmp_path)
    parsed = parse_qdpx(fixture.path)
    target = tmp_path / "out" / "study"

    def broken(self, *args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(Project, "add_memo", broken)
    with pytest.raises(OSError, match="disk full"):
        write_project(parsed, target)
    assert not target.exists() and list((tmp_path / "out").iterdir()) == []
    monkeypatch.undo()
    project, _summary = _import(fixture.path, target)
    assert project.transcript_ids == ("sam",)


def test_a_source_that_fits_another_reading_is_named(tmp_path):
    """One file, two texts: the file's reading follows the majority; the text that fits another is named."""
    raw_a = "".join(f"P{i}: we sat {EMOJI} with her\r\n" for i in range(6))
    raw_b = f"Q: ok {EMOJI}\r\nQ: the nurse knocked\r\nQ: she waved {EMOJI}\r\nQ: then left\r\n"
    sel = []
    for i in range(1, 6):  # NVivo positions (UTF-16, CRLF as two) in text A
        at = raw_a.index("with her", raw_a.index(f"P{i}:"))
        pre = raw_a[:at]
        start = len(pre) + pre.count(EMOJI)
        sel.append(("A", start, start + 8))
    for phrase in ("the nurse knocked", "she waved", "then left"):  # text B written as code points, CRLF as one
        at = raw_b.index(phrase)
        start = at - raw_b[:at].count("\r\n")
        sel.append(("B", start, start + len(phrase)))
    body = "".join(
        f'<PlainTextSelection guid="44444444-4444-4444-4444-{n:012d}" startPosition="{s}" endPosition="{e}">'
        f'<Coding guid="55555555-5555-5555-5555-{n:012d}" creatingUser="11111111-1111-1111-1111-111111111111">'
        '<CodeRef targetGUID="22222222-2222-2222-2222-222222222222"/></Coding></PlainTextSelection>'
        for n, (_t, s, e) in enumerate(sel))
    parts = {t: "".join(x for x, (tt, _s, _e) in zip(body.split("</PlainTextSelection>")[:-1], sel) if tt == t)
             for t in "AB"}
    qde = ('<Project xmlns="urn:QDA-XML:project:1.0" name="p" origin="NVivo for Windows 12.6"><Users><User '
           'guid="11111111-1111-1111-1111-111111111111" name="ana"/></Users><CodeBook><Codes><Code '
           'guid="22222222-2222-2222-2222-222222222222" name="Holding" isCodable="true"/></Codes></CodeBook><Sources>'
           + "".join(f'<TextSource guid="3333333{k}-3333-3333-3333-333333333333" name="{t}" plainTextPath='
                     f'"internal://{t}.txt">' + parts[t].replace("</Coding>", "</Coding></PlainTextSelection>")
                     + "</TextSource>" for k, t in enumerate("AB"))
           + "</Sources></Project>")
    from tests._refi_fixtures import _zip

    path = _zip(tmp_path / "mixed.qdpx", {"project.qde": qde.encode(), "sources/A.txt": raw_a.encode(),
                                          "sources/B.txt": raw_b.encode()})
    project, summary = _import(path, tmp_path / "study")
    texts = project.codings()["text"].tolist()
    assert texts.count("with her") == 5 and "the nurse knocked" not in texts  # B is read as the file is: named
    assert any(w.startswith("TextSource 'B': its own selections fit code points, CRLF as one character better")
               for w in summary.warnings)
