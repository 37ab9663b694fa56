"""The project folder: init/open, transcripts, codings, validation, memos, settings, views, consensus."""

from __future__ import annotations

import hashlib
import warnings

import pandas as pd
import pytest
import yaml

from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import AnchorWarning, ParameterTypeError, ProjectError
from hrp_coding.project import Project

TEXT = (
    "Interviewer: How do you start with a new client?\n\n"
    "P01: I invite them in. We sit with whatever they bring. Nobody has to stop using to come here.\n\n"
    "Interviewer: And when it gets hard?\n\n"
    "P01: Then I stay with it. I hold the room steady. The shame they carry from old programs is heavy.\n"
)


def make_codebook() -> Codebook:
    return Codebook(name="Mini", version=1, codes=[
        Code("making_room", "Making room"),
        Code("inviting", "Inviting", parent="making_room"),
        Code("staying_with", "Staying with", parent="making_room"),
        Code("holding", "Holding", parent="making_room"),
        Code("stigma_and_shame", "Stigma and shame"),
    ])


@pytest.fixture
def study(tmp_path):
    project = Project.init(tmp_path / "study", codebook=make_codebook(), coders=["ana", "ben"])
    project.add_transcript(TEXT, transcript_id="P01", attributes={"setting": "outpatient", "years": 14})
    return project


def span(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def test_init_writes_the_folder_layout(study):
    root = study.path
    assert sorted(p.name for p in root.iterdir()) == [".gitignore", ".hrp", "codebook.yaml", "codings",
                                                     "hrp-project.yaml", "memos", "transcripts"]
    meta = yaml.safe_load((root / "hrp-project.yaml").read_text())
    assert meta["format_version"] == 1 and meta["coders"] == ["ana", "ben"] and meta["name"] == "study"
    assert meta["settings"] == {"blind_coding": False, "default_unit": "turn", "suggestions_hidden_from": []}
    assert "private/" in (root / ".gitignore").read_text()
    assert (root / "transcripts" / "P01.txt").read_text(encoding="utf-8") == TEXT
    sidecar = yaml.safe_load((root / "transcripts" / "P01.yaml").read_text())
    assert sidecar["attributes"] == {"setting": "outpatient", "years": 14}
    assert sidecar["sha256"] == study.transcript("P01").sha256
    assert [t["speaker"] for t in sidecar["turns"]] == ["Interviewer", "P01", "Interviewer", "P01"]
    # one line per turn, keys sorted: diffs well in git
    raw = (root / "transcripts" / "P01.yaml").read_text()
    assert raw.count("\n- {end: ") == 4
    assert list(yaml.safe_load(raw)) == sorted(yaml.safe_load(raw))


def test_init_refuses_a_non_empty_folder_and_bad_arguments(tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("x")
    with pytest.raises(ProjectError, match="busy: it exists and is not an empty folder"):
        Project.init(tmp_path / "busy", codebook=make_codebook())
    with pytest.raises(ProjectError, match="default_unit must be one of turn, sentence, paragraph, got 'word'"):
        Project.init(tmp_path / "a", codebook=make_codebook(), default_unit="word")
    with pytest.raises(ProjectError, match="'Ana B' is not a valid coder name"):
        Project.init(tmp_path / "b", codebook=make_codebook(), coders=["Ana B"])


def test_open_names_the_folder_and_what_is_missing(tmp_path, study):
    with pytest.raises(ProjectError, match=r"cannot open project .*nowhere: no such folder"):
        Project.open(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ProjectError, match=r"empty is not an hrp-coding project: hrp-project.yaml and codebook.yaml "
                                           r"are missing"):
        Project.open(tmp_path / "empty")
    (study.path / "codebook.yaml").unlink()
    with pytest.raises(ProjectError, match=r"study is not an hrp-coding project: codebook.yaml is missing"):
        Project.open(study.path)
    with pytest.raises(ParameterTypeError, match=r"use Project.open"):
        Project(study.path)


def test_open_reads_back_everything(study):
    c = study.add_coding(coder="ben", transcript="P01", start=60, end=75, code="inviting", memo="opening")
    again = Project.open(study.path)
    assert again.transcript_ids == ("P01",)
    assert again.transcript("P01").text == TEXT
    assert again.transcript("P01").attributes == {"setting": "outpatient", "years": 14}
    assert again.coders == ("ana", "ben")
    assert again.codebook.version == 1 and "holding" in again.codebook.codes
    row = again.codings().iloc[0]
    assert (row.coding_id, row.coder, row.code, row.start, row.end, row.memo, row.source) == (
        c.id, "ben", "inviting", 60, 75, "opening", "manual")
    assert row.text == TEXT[60:75] and row.codebook_version == 1 and row.status == "active"


def test_add_transcript_from_file_and_errors(tmp_path, study):
    file = tmp_path / "P02.txt"
    file.write_bytes(b"\xef\xbb\xbfInterviewer: Hi.\r\n\r\nP02: Hello.\r\n")
    t = study.add_transcript(file, attributes={"setting": "shelter"})
    assert t.id == "P02" and t.text == "Interviewer: Hi.\n\nP02: Hello.\n" and t.attributes["setting"] == "shelter"
    assert study.transcript_ids == ("P01", "P02")
    with pytest.raises(ProjectError, match="transcript 'P02' is already in project"):
        study.add_transcript(file)
    with pytest.raises(FileNotFoundError, match=r"missing.docx"):
        study.add_transcript("missing.docx")
    with pytest.raises(ProjectError, match="give transcript_id="):
        study.add_transcript("just one line")
    with pytest.raises(ProjectError, match=r"unknown transcript 'P1'.*did you mean 'P01'"):
        study.transcript("P1")
    with pytest.raises(ProjectError, match="not usable as a file name"):
        study.add_transcript("Interviewer: x\n", transcript_id="../evil")


def test_add_coding_validation_names_everything(study):
    with pytest.raises(ProjectError) as info:
        study.add_coding(coder="ana", transcript="P01", start=10, end=10, code="holdng")
    message = str(info.value)
    assert "unknown code 'holdng' (did you mean 'holding'?)" in message
    assert "empty span: start=10 must be less than end=10" in message
    with pytest.raises(ProjectError, match=r"span 0-9999 is out of range: transcript 'P01' has \d+ characters"):
        study.add_coding(coder="ana", transcript="P01", start=0, end=9999, code="holding")
    with pytest.raises(ProjectError, match="unknown transcript 'P09'"):
        study.add_coding(coder="ana", transcript="P09", start=0, end=5, code="holding")
    with pytest.raises(ProjectError, match="coder 'Ana' is not a lowercase slug"):
        study.add_coding(coder="Ana", transcript="P01", start=0, end=5, code="holding")
    with pytest.raises(ProjectError, match=r"confidence must be a number in \[0, 1\], got 2"):
        study.add_coding(coder="model:tfidf", transcript="P01", start=0, end=5, code="holding", confidence=2)
    assert study.codings().empty
    assert not list((study.path / "codings").iterdir())


def test_model_layer_remove_and_journal_content(study):
    c = study.add_coding(coder="model:tfidf", transcript="P01", start=60, end=75, code="inviting", source="model",
                         model="tfidf-v1", confidence=0.75)
    assert (study.path / "codings" / "model@tfidf.jsonl").is_file()
    assert "model:tfidf" in study.coders
    event = yaml.safe_load((study.path / "codings" / "model@tfidf.jsonl").read_text().splitlines()[0])
    assert event["anchor"]["quote"] == TEXT[60:75]
    assert event["anchor"]["prefix"] == TEXT[28:60] and event["anchor"]["suffix"] == TEXT[75:107]
    assert event["anchor"]["text_sha256"] == study.transcript("P01").sha256
    assert {"id", "at", "coder", "codebook_version", "source", "model", "confidence"} <= set(event)
    row = study.codings().iloc[0]
    assert (row.source, row.model, row.confidence) == ("model", "tfidf-v1", 0.75)
    with pytest.raises(ProjectError, match="belongs to coder 'model:tfidf', not 'ana'"):
        study.remove_coding("ana", c.id)
    study.remove_coding("model:tfidf", c.id)
    assert study.codings().empty
    with pytest.raises(ProjectError, match=f"no live coding '{c.id}'"):
        study.remove_coding("model:tfidf", c.id)


def test_memos_on_codes_transcripts_and_codings(study):
    c = study.add_coding(coder="ana", transcript="P01", start=60, end=75, code="inviting", memo="first")
    study.add_memo("code", "holding", "Holding differs from staying with:\n## the room, not the person", "ana")
    study.add_memo("code", "holding", "Second thought.", "ben")
    study.add_memo("transcript", "P01", "Rapport was easy.", "ana")
    study.add_memo("coding", c.id, "boundary unsure", "ben")
    md = (study.path / "memos" / "codes" / "holding.md").read_text()
    assert md.startswith("# Memos on code `holding`") and "\\## the room" in md
    assert (study.path / "memos" / "transcripts" / "P01.md").is_file()
    memos = study.memos()
    assert memos[["target_kind", "target_id", "coder"]].values.tolist() == [
        ["code", "holding", "ana"], ["code", "holding", "ben"], ["coding", c.id, "ben"], ["transcript", "P01", "ana"]]
    assert memos.iloc[0].text == "Holding differs from staying with:\n## the room, not the person"
    assert study.codings().iloc[0].memo == "first\n\n[ben] boundary unsure"
    with pytest.raises(ProjectError, match="unknown code 'holdin' \\(did you mean 'holding'"):
        study.add_memo("code", "holdin", "x", "ana")
    with pytest.raises(ProjectError, match="target_kind must be one of code, transcript, coding, got 'segment'"):
        study.add_memo("segment", "P01:t001", "x", "ana")
    with pytest.raises(ProjectError, match="memo text on transcript 'P01' is empty"):
        study.add_memo("transcript", "P01", "  ", "ana")


def test_settings_round_trip_and_validation(study):
    assert study.settings.blind_coding is False and study.default_unit == "turn"
    new = study.update_settings(blind_coding=True, suggestions_hidden_from=["ben", "ana"], default_unit="sentence")
    assert new.suggestions_hidden_from == ("ana", "ben")
    again = Project.open(study.path).settings
    assert (again.blind_coding, again.default_unit, again.suggestions_hidden_from) == (True, "sentence",
                                                                                        ("ana", "ben"))
    before = (study.path / "hrp-project.yaml").read_text()
    with pytest.raises(ProjectError, match="unknown setting 'blind_codng' \\(did you mean 'blind_coding'"):
        study.update_settings(blind_codng=False)
    with pytest.raises(ProjectError, match="blind_coding must be true or false, got 'yes'"):
        study.update_settings(blind_coding="yes")
    assert (study.path / "hrp-project.yaml").read_text() == before


def test_segments_and_coded_segments_overlap_rules(study):
    segs = study.segments("turn")
    assert segs["segment"].tolist() == ["P01:t001", "P01:t002", "P01:t003", "P01:t004"]
    t2 = segs.iloc[1]
    # ana codes the whole of turn 2; ben only its first sentence; caro a span ending 15 chars into turn 3 (22 chars)
    study.add_coding(coder="ana", transcript="P01", start=int(t2.start), end=int(t2.end), code="inviting")
    s, e = span(TEXT, "I invite them in.")
    study.add_coding(coder="ben", transcript="P01", start=s, end=e, code="inviting")
    t3 = segs.iloc[2]
    study.add_coding(coder="caro", transcript="P01", start=int(t2.end) - 30, end=int(t3.start) + 15, code="holding",
                     new_coder=True)
    anyrule = study.coded_segments("turn")
    assert anyrule[["segment", "coder", "code"]].values.tolist() == [
        ["P01:t002", "ana", "inviting"], ["P01:t002", "ben", "inviting"], ["P01:t002", "caro", "holding"],
        ["P01:t003", "caro", "holding"]]
    majority = study.coded_segments("turn", overlap="majority")
    assert majority[["segment", "coder"]].values.tolist() == [["P01:t002", "ana"], ["P01:t003", "caro"]]
    contain = study.coded_segments("turn", overlap="contain")
    assert contain[["segment", "coder"]].values.tolist() == [["P01:t002", "ana"]]
    wide = study.coded_segments("turn", min_chars=20)
    assert ["P01:t003", "caro"] not in wide[["segment", "coder"]].values.tolist()
    assert study.coded_segments("turn", coder="ben")["coder"].unique().tolist() == ["ben"]
    with pytest.raises(ProjectError, match="overlap must be one of any, majority, contain; got 'most'"):
        study.coded_segments("turn", overlap="most")
    with pytest.raises(ProjectError, match="unit must be one of turn, sentence, paragraph, got 'page'"):
        study.segments("page")
    sentences = study.coded_segments("sentence", coder="ben")
    assert sentences["segment"].tolist() == ["P01:t002.s01"]
    assert study.coder_transcripts().values.tolist() == [["P01", "ana", 1], ["P01", "ben", 1], ["P01", "caro", 1]]


def test_excerpts_with_context_and_attributes(study, tmp_path):
    s, e = span(TEXT, "I hold the room steady.")
    study.add_coding(coder="ana", transcript="P01", start=s, end=e, code="holding")
    other = TEXT.replace("P01", "P02").replace("I hold the room steady.", "We hold on with them.")
    study.add_transcript(other, transcript_id="P02", attributes={"setting": "shelter"})
    s2, e2 = span(other, "We hold on with them.")
    study.add_coding(coder="ben", transcript="P02", start=s2, end=e2, code="holding")
    ex = study.excerpts("holding")
    assert ex[["transcript", "coder", "text", "before", "after"]].values.tolist() == [
        ["P01", "ana", "I hold the room steady.", "", ""], ["P02", "ben", "We hold on with them.", "", ""]]
    assert ex["setting"].tolist() == ["outpatient", "shelter"]
    turn = study.excerpts("holding", context="turn")
    assert turn.iloc[0].before == "Then I stay with it. "
    assert turn.iloc[0].after == " The shame they carry from old programs is heavy."
    chars = study.excerpts("holding", context=5, coders=["ana"])
    assert chars.iloc[0].before == TEXT[s - 5:s] and chars.iloc[0].after == TEXT[e:e + 5]
    assert len(chars) == 1
    assert len(study.excerpts("making_room", include_children=True)) == 2
    with pytest.raises(ProjectError, match="unknown code 'holdng'"):
        study.excerpts("holdng")
    with pytest.raises(ProjectError, match="context must be 0, a number of characters or 'turn', got 'line'"):
        study.excerpts("holding", context="line")


def test_update_transcript_reanchors_and_keeps_orphans(study):
    quotes = {"inviting": "I invite them in.", "staying_with": "Then I stay with it.",
              "holding": "I hold the room steady.", "stigma_and_shame": "The shame they carry from old programs"}
    ids = {}
    for code, quote in quotes.items():
        s, e = span(TEXT, quote)
        ids[code] = study.add_coding(coder="ana", transcript="P01", start=s, end=e, code=code).id
    s, e = span(TEXT, "We sit with whatever they bring.")
    ids["ben"] = study.add_coding(coder="ben", transcript="P01", start=s, end=e, code="staying_with").id
    new = (TEXT.replace("How do you start", "So, tell me, how do you usually start")
               .replace("I hold the room steady. ", "")
               .replace("The shame they carry from old programs", "The shame they carry from the old programs")
               .replace("We sit with whatever they bring.", "We sit with whatever they bring. Really."))
    with pytest.warns(AnchorWarning, match="1 coding\\(s\\) could not be re-anchored"):
        report = study.update_transcript("P01", new)
    assert {r.coding_id for r in report.moved} == {ids["inviting"], ids["staying_with"], ids["ben"]}
    assert [r.coding_id for r in report.fuzzy] == [ids["stigma_and_shame"]]
    assert report.fuzzy[0].score >= 0.8
    assert [r.coding_id for r in report.unplaced] == [ids["holding"]] and not report.ok
    assert "could not be placed" in str(report) and len(report.to_frame()) == 5
    frame = study.codings().set_index("coding_id")
    assert frame.loc[ids["inviting"], "text"] == "I invite them in."
    assert frame.loc[ids["staying_with"], "text"] == "Then I stay with it."
    assert frame.loc[ids["ben"], "text"] == "We sit with whatever they bring."
    assert frame.loc[ids["stigma_and_shame"], "text"] == "The shame they carry from the old programs"
    assert ids["holding"] not in frame.index
    orphans = study.codings(include_orphaned=True).set_index("coding_id")
    assert orphans.loc[ids["holding"], "status"] == "orphaned"
    assert orphans.loc[ids["holding"], "text"] == "I hold the room steady."
    assert study.transcript("P01").text == new
    sidecar = yaml.safe_load((study.path / "transcripts" / "P01.yaml").read_text())
    assert sidecar["previous_sha256"] == [hashlib.sha256(TEXT.encode()).hexdigest()]
    assert sidecar["attributes"]["setting"] == "outpatient"
    # restoring the passage lets the orphan find its quote again
    with warnings.catch_warnings():
        warnings.simplefilter("error", AnchorWarning)
        back = study.update_transcript("P01", TEXT)
    assert ids["holding"] in {r.coding_id for r in back.moved}
    assert study.codings().set_index("coding_id").loc[ids["holding"], "text"] == "I hold the room steady."


def test_codebook_migration_moves_renamed_and_merged_and_flags_split(study):
    def add(code, quote, coder="ana"):
        s, e = span(TEXT, quote)
        return study.add_coding(coder=coder, transcript="P01", start=s, end=e, code=code).id

    a = add("holding", "I hold the room steady.")
    b = add("staying_with", "Then I stay with it.", coder="ben")
    c = add("inviting", "I invite them in.")
    d = add("stigma_and_shame", "The shame they carry")
    cb = study.codebook
    cb2 = cb.rename("holding", "containing", name="Containing", who="ana", why="clearer")
    cb3 = cb2.merge(["staying_with"], into="containing", who="ana", why="not distinguishable")
    cb4 = cb3.split("stigma_and_shame", [Code("stigma", "Stigma"), Code("shame", "Shame")], who="ana", why="two ideas")
    report = study.update_codebook(cb4)
    assert sorted(report.moved) == sorted([(a, "ana", "holding", "containing"),
                                           (b, "ben", "staying_with", "containing")])
    assert report.flagged == ((d, "ana", "stigma_and_shame", ("stigma", "shame")),)
    frame = Project.open(study.path).codings().set_index("coding_id")
    assert frame.loc[a, "code"] == "containing" and frame.loc[b, "code"] == "containing"
    assert frame.loc[a, "original_code"] == "holding" and frame.loc[c, "code"] == "inviting"
    assert bool(frame.loc[d, "needs_recoding"]) and frame.loc[d, "candidates"] == "stigma;shame"
    assert not frame.loc[[a, b, c], "needs_recoding"].any()
    assert int(frame.loc[a, "codebook_version"]) == cb4.version
    assert Project.open(study.path).codebook.version == cb4.version
    with pytest.raises(ProjectError, match=r"code 'holding' is retired|unknown code 'holding'"):
        study.add_coding(coder="ana", transcript="P01", start=0, end=5, code="holding")
    with pytest.raises(ProjectError, match="older than the project's version"):
        study.update_codebook(cb)


def test_adjudicate_writes_the_consensus_layer(study):
    s, e = span(TEXT, "Then I stay with it. I hold the room steady.")
    decision = study.adjudicate("P01", s, e, ["holding"], who=["ana", "ben"], why="the room is held, not the person",
                                segment="P01:t004")
    assert decision.codes == ("holding",) and decision.codebook_version == 1 and decision.superseded == ()
    consensus = study.codings(coders="consensus")
    assert consensus[["coder", "code", "start", "end", "source"]].values.tolist() == [
        ["consensus", "holding", s, e, "adjudication"]]
    second = study.adjudicate("P01", s, e, ["staying_with", "holding"], who="caro", why="re-discussed")
    assert set(second.superseded) == set(decision.coding_ids)
    assert sorted(study.codings(coders="consensus")["code"]) == ["holding", "staying_with"]
    table = study.adjudications()
    assert table[["codes", "who", "why", "segment"]].values.tolist() == [
        ["holding", "ana;ben", "the room is held, not the person", "P01:t004"],
        ["staying_with;holding", "caro", "re-discussed", None]]
    assert "consensus" in study.coders
    with pytest.raises(ProjectError) as info:
        study.adjudicate("P01", s, e, ["holdng"], who="", why="")
    assert "unknown code 'holdng'" in str(info.value) and "who must name" in str(info.value)
    assert "why must give the reason" in str(info.value)
    with pytest.raises(ProjectError, match=r"segment 'P01:t001' \(\d+-\d+\) does not overlap the span"):
        study.adjudicate("P01", s, e, ["holding"], who="ana", why="x", segment="P01:t001")
    with pytest.raises(ProjectError, match="unknown turn segment 'P01:t099'"):
        study.adjudicate("P01", s, e, ["holding"], who="ana", why="x", segment="P01:t099")


def test_cli_init_import_segments_excerpts(tmp_path, capsys):
    from hrp_coding.cli import main

    cb = tmp_path / "cb.yaml"
    make_codebook().save(cb)
    folder = tmp_path / "cli-study"
    assert main(["init", str(folder), "--codebook", str(cb), "--coders", "ana", "ben"]) == 0
    files = []
    for tid in ("P01", "P02"):
        f = tmp_path / f"{tid}.txt"
        f.write_text(TEXT.replace("P01", tid), encoding="utf-8")
        files.append(str(f))
    attrs = tmp_path / "attrs.csv"
    attrs.write_text("transcript,setting\nP01,outpatient\nP02,shelter\n")
    assert main(["import", str(folder), *files, "--attributes", str(attrs)]) == 0
    assert Project.open(folder).transcript("P02").attributes == {"setting": "shelter"}
    codings = tmp_path / "codings.csv"
    codings.write_text("transcript,coder,code,quote\nP01,ana,holding,I hold the room steady.\n"
                       "P02,ben,holding,I hold the room steady.\n")
    assert main(["import-codings", str(folder), str(codings)]) == 0
    out = tmp_path / "segments.csv"
    assert main(["segments", str(folder), "--unit", "turn", "--out", str(out)]) == 0
    assert pd.read_csv(out)["segment"].tolist()[:2] == ["P01:t001", "P01:t002"]
    capsys.readouterr()
    assert main(["excerpts", str(folder), "holding", "--context", "turn"]) == 0
    printed = capsys.readouterr().out
    assert "Then I stay with it. [I hold the room steady.] The shame" in printed
    assert "2 excerpts coded 'holding'" in printed
    bad = tmp_path / "bad.csv"
    bad.write_text("transcript,coder,code,quote\nP01,ana,holdng,I hold\n")
    assert main(["import-codings", str(folder), str(bad)]) == 1
    assert main(["init", str(folder), "--codebook", str(cb)]) == 1


def test_add_transcript_deidentified_keeps_the_key_private(tmp_path, study):
    names = tmp_path / "names.txt"
    names.write_text("Maria Lopez | Maria\n", encoding="utf-8")
    file = tmp_path / "P03.txt"
    file.write_text("Interviewer: Who helped?\n\nP03: Maria did. Write to maria@example.org.\n", encoding="utf-8")
    t = study.add_transcript(file, deidentify=names)
    assert t.text == "Interviewer: Who helped?\n\nP03: [PERSON_1] did. Write to [EMAIL_1].\n"
    key_file = study.path / "private" / "deid-key.yaml"
    key = yaml.safe_load(key_file.read_text())
    assert key == {"P03": {"[EMAIL_1]": "maria@example.org", "[PERSON_1]": "Maria Lopez"}}
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert "private/" in (study.path / ".gitignore").read_text().splitlines()
    sidecar_text = (study.path / "transcripts" / "P03.yaml").read_text()
    assert "Maria" not in sidecar_text and "maria@" not in sidecar_text
    section = yaml.safe_load(sidecar_text)["deidentification"]
    assert section["counts"] == {"EMAIL": 1, "PERSON": 1}
    assert [(r["pseudonym"], t.text[r["start"]:r["end"]]) for r in section["replacements"]] == [
        ("[PERSON_1]", "[PERSON_1]"), ("[EMAIL_1]", "[EMAIL_1]")]
    with pytest.raises(FileNotFoundError, match="names list for de-identification not found"):
        study.add_transcript(file, transcript_id="P04", deidentify=tmp_path / "nope.txt")
    with pytest.raises(ProjectError, match="deidentify= must be a Deidentifier or the path of a names list, got int"):
        study.add_transcript(file, transcript_id="P05", deidentify=3)
    assert "P04" not in study.transcript_ids and "P05" not in study.transcript_ids
