"""Checks of the fictional sample study in ``sample_data/`` and of its authoring script."""

from __future__ import annotations

import csv
import importlib.util
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "sample_data"
STUDY_IDS = [f"P{i:02d}" for i in range(1, 9)]
REPLICATION_IDS = [f"R{i:02d}" for i in range(1, 5)]
CODE_IDS = {
    "defiant_hospitality", "making_room", "inviting", "meeting_at", "staying_with", "holding",
    "reframing_substance_use", "leveraging_change_from_within", "supporting_agency", "signaling_the_limits",
    "therapeutic_environment", "enclosure_and_safety", "exploration_and_growth", "socio_historical_roots",
    "failed_treatment_spaces", "abstinence_only_requirements", "war_on_drugs", "stigma_and_shame",
    "practitioner_formation",
}
PARTICIPANT_COLUMNS = ["transcript", "file", "pseudonym", "discipline", "years_in_practice", "setting", "region"]
_TIMING = re.compile(r"^(\d\d):(\d\d):(\d\d)\.(\d{3}) --> (\d\d):(\d\d):(\d\d)\.(\d{3})$")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _seconds(parts: tuple[str, ...]) -> float:
    h, m, s, ms = (int(p) for p in parts)
    return h * 3600 + m * 60 + s + ms / 1000


def canonical_text(path: Path) -> str:
    """The contract's canonical text, rebuilt here without the script or the package."""
    if path.suffix == ".docx":
        import docx

        return "\n".join(p.text for p in docx.Document(str(path)).paragraphs)
    if path.suffix == ".vtt":
        speakers: list[str] = []
        turns: list[list[str]] = []
        blocks = path.read_text(encoding="utf-8").strip("\n").split("\n\n")
        assert blocks[0] == "WEBVTT"
        for block in blocks[1:]:
            lines = block.split("\n")
            match = re.match(r"<v ([^>]+)>(.*)$", lines[2])
            speaker, text = match.group(1), match.group(2)
            if speakers and speakers[-1] == speaker:
                turns[-1].append(text)
            else:
                speakers.append(speaker)
                turns.append([text])
        return "\n\n".join(f"{s}: {' '.join(t)}" for s, t in zip(speakers, turns))
    return path.read_text(encoding="utf-8")


def _interview_paths(folder: str) -> dict[str, Path]:
    paths = sorted((ROOT / folder / "interviews").iterdir())
    return {p.stem: p for p in paths if p.suffix in {".txt", ".docx", ".vtt"}}


def _word_count(text: str) -> int:
    return sum(len(line.split(": ", 1)[1].split()) for line in text.split("\n") if line)


@pytest.fixture(scope="module")
def texts() -> dict[str, str]:
    found = {}
    for folder in ("study", "replication"):
        for tid, path in _interview_paths(folder).items():
            found[tid] = canonical_text(path)
    return found


@pytest.fixture(scope="module")
def study_codings() -> list[dict[str, str]]:
    return _rows(ROOT / "study" / "codings.csv")


@pytest.fixture(scope="module")
def replication_codings() -> list[dict[str, str]]:
    return _rows(ROOT / "replication" / "codings.csv")


def _load_script():
    """Import the authoring script (not part of the package) under a private module name."""
    name = "_hrp_sample_data_make_sample_study"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, ROOT / "make_sample_study.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module  # dataclasses resolve their module through sys.modules
        spec.loader.exec_module(module)
    return sys.modules[name]


def test_readme_says_fictional_and_cc0():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "fictional" in readme.lower()
    assert "CC0" in readme
    assert "ben" in readme and "caro" in readme and "signaling_the_limits" in readme


def test_interviews_exist_in_mixed_formats_with_word_counts_in_range(texts):
    study = _interview_paths("study")
    replication = _interview_paths("replication")
    assert sorted(study) == STUDY_IDS
    assert sorted(replication) == REPLICATION_IDS
    assert study["P03"].suffix == ".docx" and study["P06"].suffix == ".vtt"
    assert {p.suffix for tid, p in study.items() if tid not in ("P03", "P06")} == {".txt"}
    for tid, text in texts.items():
        assert 1500 <= _word_count(text) <= 3000, (tid, _word_count(text))


def test_interview_text_format(texts):
    for tid, text in texts.items():
        turns = [line for line in text.split("\n") if line]
        assert text.rstrip("\n").split("\n\n") == turns, tid  # one line per turn, one blank line between
        speakers = [line.split(": ", 1)[0] for line in turns]
        assert set(speakers) == {"Interviewer", tid}
        assert speakers[0] == "Interviewer"
        assert all(speakers[i] != speakers[i + 1] for i in range(len(speakers) - 1)), tid
        assert 12 <= speakers.count("Interviewer") <= 25, tid
        assert "  " not in text and "\r" not in text and "\t" not in text
        assert "NEW CODE" not in text


def test_converted_files_equal_their_drafts(texts):
    for tid, text in texts.items():
        draft = (ROOT / "authoring" / "drafts" / f"{tid}.txt").read_text(encoding="utf-8")
        assert text.rstrip("\n") == draft.rstrip("\n"), tid
    raw = (ROOT / "study" / "interviews" / "P01.txt").read_bytes()
    assert raw == (ROOT / "authoring" / "drafts" / "P01.txt").read_bytes()


def test_vtt_has_voice_tags_one_cue_per_sentence_and_increasing_times():
    blocks = (ROOT / "study" / "interviews" / "P06.vtt").read_text(encoding="utf-8").strip("\n").split("\n\n")
    previous_end = 0.0
    for number, block in enumerate(blocks[1:], start=1):
        cue_id, timing, payload = block.split("\n")
        assert cue_id == str(number)
        match = _TIMING.match(timing)
        start, end = _seconds(match.groups()[:4]), _seconds(match.groups()[4:])
        assert previous_end < start < end
        previous_end = end
        assert payload.startswith(("<v Interviewer>", "<v P06>"))
    assert len(blocks) - 1 > 100  # one cue per sentence, not per turn


def test_docx_keeps_empty_paragraphs_between_turns():
    import docx

    paragraphs = [p.text for p in docx.Document(str(ROOT / "study" / "interviews" / "P03.docx")).paragraphs]
    assert paragraphs[0].startswith("Interviewer: ")
    assert paragraphs[1] == ""
    assert paragraphs[2].startswith("P03: ")


@pytest.mark.parametrize("folder,ids", [("study", STUDY_IDS), ("replication", REPLICATION_IDS)])
def test_participants_match_files(folder, ids):
    path = ROOT / folder / "participants.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        assert next(csv.reader(handle)) == PARTICIPANT_COLUMNS
    rows = _rows(path)
    assert [r["transcript"] for r in rows] == ids
    for row in rows:
        assert (ROOT / folder / row["file"]).is_file(), row
        assert Path(row["file"]).stem == row["transcript"]
        assert 1 <= int(row["years_in_practice"]) <= 40
        assert all(row[c].strip() for c in PARTICIPANT_COLUMNS)
    assert len({r["pseudonym"] for r in rows}) == len(rows)


def test_settings_differ_between_study_and_replication():
    study = {r["setting"] for r in _rows(ROOT / "study" / "participants.csv")}
    replication = {r["setting"] for r in _rows(ROOT / "replication" / "participants.csv")}
    assert len(study) >= 5
    assert not study & replication
    assert any("court" in s for s in replication) and any("rural" in s for s in replication)


@pytest.mark.parametrize("which", ["study", "replication"])
def test_every_quote_occurs_exactly_once_in_its_transcript(which, texts, study_codings, replication_codings):
    rows = study_codings if which == "study" else replication_codings
    assert rows
    for number, row in enumerate(rows, start=2):
        text = texts[row["transcript"]]
        assert text.count(row["quote"]) == 1, (which, number, row["quote"][:60])
        start = text.index(row["quote"])
        # inside one participant turn
        line = text[text.rfind("\n", 0, start) + 1:text.find("\n", start)]
        assert line.startswith(f"{row['transcript']}: ") and row["quote"] in line


def test_code_ids_valid_and_columns(study_codings, replication_codings):
    for path in (ROOT / "study" / "codings.csv", ROOT / "replication" / "codings.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            assert next(csv.reader(handle)) == ["transcript", "coder", "code", "quote", "memo"]
    assert {r["code"] for r in study_codings + replication_codings} <= CODE_IDS


def test_code_ids_match_the_codebook_when_present():
    path = ROOT.parent / "codebook" / "making_room.yaml"
    if not path.exists():
        pytest.skip("codebook/making_room.yaml not written yet")
    import hrp_coding as hc
    if not hasattr(hc, "Codebook"):
        pytest.skip("hrp_coding.Codebook not available")
    assert set(hc.Codebook.load(path).codes) == CODE_IDS


def test_each_coder_codes_each_study_interview_and_every_code_is_used(study_codings, replication_codings):
    pairs = Counter((r["coder"], r["transcript"]) for r in study_codings)
    assert {c for c, _ in pairs} == {"ana", "ben", "caro"}
    for coder in ("ana", "ben", "caro"):
        for tid in STUDY_IDS:
            assert pairs[(coder, tid)] >= 15, (coder, tid)
    per_code = Counter(r["code"] for r in study_codings if r["coder"] == "ana")
    assert set(per_code) == CODE_IDS
    assert min(per_code.values()) >= 4, per_code
    assert {r["coder"] for r in replication_codings} == {"dana"}
    assert {r["transcript"] for r in replication_codings} == set(REPLICATION_IDS)
    assert sum(1 for r in study_codings if r["memo"]) >= 10


def test_realistic_co_occurrence(study_codings):
    ana = [r for r in study_codings if r["coder"] == "ana"]
    holding = {(r["transcript"], r["quote"]) for r in ana if r["code"] == "holding"}
    safety = {(r["transcript"], r["quote"]) for r in ana if r["code"] == "enclosure_and_safety"}
    assert len(holding & safety) >= 5


def _overlaps(a: str, b: str, text: str) -> bool:
    sa, sb = text.index(a), text.index(b)
    return sa < sb + len(b) and sb < sa + len(a)


def test_ben_swaps_holding_and_staying_with(study_codings, texts):
    """Passages that ana codes with one of the pair and ben, overlapping, only with the other."""
    swaps, total = 0, 0
    by = {(c, t): [r for r in study_codings if r["coder"] == c and r["transcript"] == t]
          for c in ("ana", "ben", "caro") for t in STUDY_IDS}
    for tid in STUDY_IDS:
        text = texts[tid]
        for row in by[("ana", tid)]:
            if row["code"] not in ("holding", "staying_with"):
                continue
            other = "staying_with" if row["code"] == "holding" else "holding"
            ana_codes = {r["code"] for r in by[("ana", tid)] if r["quote"] == row["quote"]}
            if other in ana_codes:
                continue
            total += 1
            ben = {r["code"] for r in by[("ben", tid)] if _overlaps(r["quote"], row["quote"], text)}
            if other in ben and row["code"] not in ben:
                swaps += 1
    assert total >= 40
    assert 0.2 <= swaps / total <= 0.5, (swaps, total)
    # ana and caro do not show the pattern
    for coder in ("caro",):
        count = 0
        for tid in STUDY_IDS:
            text = texts[tid]
            for row in by[("ana", tid)]:
                if row["code"] == "holding":
                    mine = {r["code"] for r in by[(coder, tid)] if _overlaps(r["quote"], row["quote"], text)}
                    count += "staying_with" in mine and "holding" not in mine
        assert count <= 3


def test_ben_boundaries_differ_by_a_sentence(study_codings, texts):
    ana = {(r["transcript"], r["code"], r["quote"]) for r in study_codings if r["coder"] == "ana"}
    shifted = 0
    for r in study_codings:
        if r["coder"] != "ben" or (r["transcript"], r["code"], r["quote"]) in ana:
            continue
        text = texts[r["transcript"]]
        for t, code, quote in ana:
            if t == r["transcript"] and code == r["code"] and (quote in r["quote"] or r["quote"] in quote):
                longer, shorter = (quote, r["quote"]) if len(quote) > len(r["quote"]) else (r["quote"], quote)
                rest = longer.replace(shorter, "", 1).strip()
                if rest and rest[-1] in ".?!\")" and text.count(longer) == 1:
                    shifted += 1
                break
    assert shifted >= 30


def test_caro_under_applies_signaling_the_limits(study_codings):
    counts = Counter((r["coder"], r["code"]) for r in study_codings)
    ana, ben, caro = (counts[(c, "signaling_the_limits")] for c in ("ana", "ben", "caro"))
    assert ana >= 16
    assert caro <= 0.6 * ana and caro <= 0.6 * ben, (ana, ben, caro)
    totals = Counter(r["coder"] for r in study_codings)
    assert totals["caro"] >= 0.9 * totals["ana"]  # she is not simply coding less


def test_replication_has_more_signaling_the_limits_and_proposes_a_new_code(study_codings, replication_codings):
    study = [r for r in study_codings if r["coder"] == "ana"]
    study_rate = sum(r["code"] == "signaling_the_limits" for r in study) / len(study)
    rep_rate = sum(r["code"] == "signaling_the_limits" for r in replication_codings) / len(replication_codings)
    assert rep_rate >= 2 * study_rate, (rep_rate, study_rate)
    new = [r for r in replication_codings if r["memo"].startswith("NEW CODE?")]
    assert {r["transcript"] for r in new} == set(REPLICATION_IDS)
    proposed = Counter(r["memo"].split()[2].rstrip(":") for r in new)
    assert {"mandated_treatment", "family_involvement"} <= set(proposed)
    assert all(n >= 3 for n in proposed.values() if n) and not set(proposed) & CODE_IDS


def test_package_readers_resolve_the_quotes(study_codings):
    import hrp_coding.transcripts as transcripts
    for tid, name in (("P03", "P03.docx"), ("P06", "P06.vtt"), ("P01", "P01.txt")):
        transcript = transcripts.read_transcript(ROOT / "study" / "interviews" / name)
        assert transcript.id == tid
        draft = (ROOT / "authoring" / "drafts" / f"{tid}.txt").read_text(encoding="utf-8")
        assert transcript.text.rstrip("\n") == draft.rstrip("\n")
        assert {t.speaker for t in transcript.turns} == {"Interviewer", tid}
        for row in study_codings:
            if row["transcript"] == tid:
                assert transcript.text.count(row["quote"]) == 1


# ---------------------------------------------------------------------------------------------- the script


def test_script_reproduces_the_committed_outputs(tmp_path):
    script = _load_script()
    shutil.copytree(ROOT / "authoring", tmp_path / "authoring")
    report = script.build(tmp_path, strict=True)
    assert any(line.startswith("dana:") for line in report)
    for relative in ("study/codings.csv", "replication/codings.csv", "study/interviews/P03.docx",
                     "study/interviews/P06.vtt", "study/interviews/P01.txt", "replication/interviews/R04.txt"):
        assert (tmp_path / relative).read_bytes() == (ROOT / relative).read_bytes(), relative


def _mini_root(tmp_path: Path, annotation_rows: list[list[str]], draft: str | None = None) -> Path:
    sentences = " ".join(f"Sentence number {i} is about the weather in town today." for i in range(1, 161))
    text = draft or (
        "Interviewer: How do you work?\n\n"
        f"P01: I keep the door open. {sentences} We hold what comes. We hold what comes.\n\n"
        "Interviewer: And limits?\n\n"
        "P01: Nobody uses in the office. That is the rule.\n"
    )
    (tmp_path / "authoring" / "drafts").mkdir(parents=True)
    (tmp_path / "authoring" / "annotations").mkdir(parents=True)
    (tmp_path / "authoring" / "drafts" / "P01.txt").write_text(text, encoding="utf-8")
    with (tmp_path / "authoring" / "annotations" / "P01.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "quote", "note"])
        writer.writerows(annotation_rows)
    return tmp_path


def test_script_accepts_valid_minimal_input_and_writes_outputs(tmp_path):
    script = _load_script()
    root = _mini_root(tmp_path, [["staying_with", "I keep the door open.", "door"],
                                 ["signaling_the_limits", "Nobody uses in the office. That is the rule.", ""]])
    report = script.build(root)
    assert "P01: 1628 words, 4 turns, 2 master codings" in report
    rows = _rows(root / "study" / "codings.csv")
    assert {r["coder"] for r in rows} == {"ana", "ben", "caro"}
    assert (root / "study" / "interviews" / "P01.txt").read_text(encoding="utf-8").startswith("Interviewer: ")


@pytest.mark.parametrize(
    "row,message",
    [
        (["hold", "I keep the door open.", ""], "row 1: unknown code id 'hold'"),
        (["holding", "We hold what comes.", ""], "row 1 (holding): quote found 2 times"),
        (["holding", "The door is shut.", ""], "row 1 (holding): quote found 0 times"),
        (["inviting", "How do you work?", ""], "row 1 (inviting): quote lies in an Interviewer turn"),
        (["inviting", "keep the door open.", ""], "row 1 (inviting): quote does not start at a sentence start"),
        (["inviting", "I keep the door", ""], "row 1 (inviting): quote does not end at a sentence end"),
        (["inviting", "I keep the door open.", ""], None),
    ],
)
def test_script_names_file_and_row_of_a_bad_annotation(tmp_path, row, message):
    script = _load_script()
    root = _mini_root(tmp_path, [["signaling_the_limits", "That is the rule.", ""], row] if message is None else [row])
    if message is None:
        assert script.build(root, check_only=True)
        return
    with pytest.raises(script.AuthoringError) as info:
        script.build(root, check_only=True)
    assert "P01.csv" in str(info.value) and message in str(info.value)
    assert not (root / "study").exists()


def test_script_rejects_bad_drafts(tmp_path):
    script = _load_script()
    draft = "P01: I start.\n\nInterviewer: Then I ask... what?\n"
    root = _mini_root(tmp_path, [], draft=draft)
    with pytest.raises(script.AuthoringError) as info:
        script.build(root, check_only=True)
    text = str(info.value)
    assert "P01.txt:1: the first turn must be the Interviewer's" in text
    assert "P01.txt:3: ellipsis" in text
    assert "words; must be 1500-3000" in text


def test_script_strict_requires_every_interview(tmp_path):
    script = _load_script()
    root = _mini_root(tmp_path, [["staying_with", "I keep the door open.", ""]])
    with pytest.raises(script.AuthoringError, match=r"P02\.txt: missing"):
        script.build(root, check_only=True, strict=True)


def test_script_overlapping_same_code_rows_are_rejected(tmp_path):
    script = _load_script()
    root = _mini_root(tmp_path, [["signaling_the_limits", "Nobody uses in the office. That is the rule.", ""],
                                 ["signaling_the_limits", "That is the rule.", ""]])
    with pytest.raises(script.AuthoringError, match=r"rows 1 and 2 both code 'signaling_the_limits'"):
        script.build(root, check_only=True)
