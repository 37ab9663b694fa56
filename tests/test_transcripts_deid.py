"""De-identification: list entries, patterns, consistency, remapped turns, report and key."""

from __future__ import annotations

import os
import stat

import pytest
import yaml

from hrp_coding.errors import TranscriptError
from hrp_coding.transcripts import Deidentifier, transcript_from_text
from hrp_coding.transcripts.deid import DEFAULT_PATTERNS
from hrp_coding.transcripts.readers.subtitles import parse_subtitles


def only_list(**kwargs):
    return Deidentifier(patterns={}, **kwargs)


def test_aliases_case_possessive_and_longest_first():
    deid = only_list(names=["Maria Lopez | Maria | Ms. Lopez", "Ana Maria"], places=["San Maria Clinic"])
    text = "Maria Lopez met MARIA and ms. lopez. Maria's dog. Ana Maria went to San Maria Clinic. Mariachi."
    assert deid.deidentify_text(text) == ("[PERSON_1] met [PERSON_1] and [PERSON_1]. [PERSON_1]'s dog. [PERSON_2] "
                                          "went to [PLACE_1]. Mariachi.")
    assert deid.key == {"[PERSON_1]": "Maria Lopez", "[PERSON_2]": "Ana Maria", "[PLACE_1]": "San Maria Clinic"}


def test_name_across_line_break_and_curly_possessive():
    deid = only_list(names=["Maria Lopez"])
    assert deid.deidentify_text("Maria\nLopez\u2019s work") == "[PERSON_1]\u2019s work"


def test_case_sensitive_option_and_keep():
    deid = only_list(names=["Hope"], case_sensitive=True)
    assert deid.deidentify_text("Hope lost hope.") == "[PERSON_1] lost hope."
    deid = Deidentifier(names=["Lee"], keep=["March 5"])
    assert deid.deidentify_text("Lee came March 5 and on April 2.") == "[PERSON_1] came March 5 and on [DATE_1]."


def test_list_order_numbering_is_stable_across_instances():
    a = only_list(names=["Ana", "Ben"])
    b = only_list(names=["Ana", "Ben"])
    assert a.deidentify_text("Ben") == b.deidentify_text("Ben then Ana")[:10] == "[PERSON_2]"
    assert a.key == {"[PERSON_2]": "Ben"}  # only pseudonyms used so far


@pytest.mark.parametrize(("text", "expected"), [
    ("write to maria.lopez@example.org.", "write to [EMAIL_1]."),
    ("see https://www.clinic.org/help?x=1, or www.x.com.", "see [URL_1], or [URL_2]."),
    ("on harmreduction.org/resources today", "on [URL_1] today"),
    ("call (503) 555-0134 or 503.555.0134", "call [PHONE_1] or [PHONE_1]"),
    ("call +44 20 7946 0958 now", "call [PHONE_1] now"),
    ("call 1-800-555-0199", "call [PHONE_1]"),
    ("call 555-0134", "call [PHONE_1]"),
    ("at 1234 NE Glisan Street, Apt 5 then", "at [ADDRESS_1] then"),
    ("at 12 Main St. and P.O. Box 42", "at [ADDRESS_1]. and [ADDRESS_2]"),
    ("on 2024-03-05 and 03/05/2024 and 3/5/24", "on [DATE_1] and [DATE_2] and [DATE_3]"),
    ("on March 5, 2024 and 5th of March 2024", "on [DATE_1] and [DATE_2]"),
    ("since Jan 2023, from May 5th", "since [DATE_1], from [DATE_2]"),
    ("a 34-year-old man", "a [AGE_1]-year-old man"),
    ("age 34, aged 19", "age [AGE_1], aged [AGE_2]"),
    ("when I was 16 years old", "when I was [AGE_1] years old"),
    ("I was 34 when I'm 52", "I was [AGE_1] when I'm [AGE_2]"),
])
def test_every_pattern_kind(text, expected):
    assert Deidentifier().deidentify_text(text) == expected


@pytest.mark.parametrize("text", [
    "I was 34 minutes late", "10 years ago in 1999", "45 people came", "you may 5 times", "version 2.0.1",
    "3-5 times a week", "it was 100% safe", "the 12 steps", "score 3/5",
])
def test_patterns_leave_ordinary_numbers(text):
    assert Deidentifier().deidentify_text(text) == text


def test_consistency_across_two_transcripts_and_remapped_turns():
    deid = Deidentifier(names=["Maria Lopez | Maria"], places=["Fairview"])
    first = transcript_from_text("Interviewer: Where?\nP01: Fairview, with Maria. Call 503-555-0134.\n", "P01")
    second = transcript_from_text("Interviewer: And Maria?\nP02: Maria Lopez left Fairview on 2021-04-01.\n", "P02")
    (a, b), report = deid.apply_many([first, second])
    assert a.text == "Interviewer: Where?\nP01: [PLACE_1], with [PERSON_1]. Call [PHONE_1].\n"
    assert b.text == "Interviewer: And [PERSON_1]?\nP02: [PERSON_1] left [PLACE_1] on [DATE_1].\n"
    assert [a.turn_text(turn) for turn in a.turns] == ["Where?", "[PLACE_1], with [PERSON_1]. Call [PHONE_1]."]
    assert [b.turn_text(turn) for turn in b.turns] == ["And [PERSON_1]?", "[PERSON_1] left [PLACE_1] on [DATE_1]."]
    frame = report.replacements
    assert list(frame.columns) == ["transcript", "category", "pseudonym", "rule", "original_start", "original_end",
                                   "new_start", "new_end"]
    for row in frame.itertuples():
        new = a if row.transcript == "P01" else b
        old = first if row.transcript == "P01" else second
        assert new.text[row.new_start:row.new_end] == row.pseudonym
        assert deid.key[row.pseudonym] in (old.text[row.original_start:row.original_end], "Maria Lopez")
    # the original text is not in the report
    rendered = frame.to_csv() + str(report) + report._repr_html_()
    assert "Maria" not in rendered and "Fairview" not in rendered and "555" not in rendered
    assert report.counts() == {"DATE": 1, "PERSON": 3, "PHONE": 1, "PLACE": 2}
    assert first.text.startswith("Interviewer: Where?\nP01: Fairview")  # input not mutated


def test_apply_single_transcript_and_text_outside_turns():
    deid = only_list(names=["Ben"])
    t = transcript_from_text("Notes by Ben\nInterviewer: Hi Ben.\nBen: Hello.\n", "X")
    assert t.attributes == {"title": "Notes by Ben"}  # a header line is an attribute ...
    new, report = deid.apply(t)
    assert new.attributes == {"title": "Notes by [PERSON_1]"}  # ... de-identified too
    assert "Ben" not in str(new.layout.to_dict())
    assert new.text == "Notes by [PERSON_1]\nInterviewer: Hi [PERSON_1].\n[PERSON_1]: Hello.\n"
    assert [(turn.speaker, new.turn_text(turn)) for turn in new.turns] == [("Interviewer", "Hi [PERSON_1]."),
                                                                           ("[PERSON_1]", "Hello.")]
    assert len(report.replacements) == 3 and set(report.replacements["rule"]) == {"list"}


def test_speaker_labels_in_subtitles_and_roles():
    vtt = "WEBVTT\n\n00:01.000 --> 00:02.000\n<v Dr. Lee>Hi Maria.\n\n00:02.000 --> 00:03.000\n<v Maria>Hi.\n"
    t = parse_subtitles(vtt, transcript_id="P06", kind="vtt", speaker_roles={"Dr. Lee": "interviewer"})
    deid = only_list(names=["Dr. Lee | Lee", "Maria"])
    new, _ = deid.apply(t)
    assert new.text == "[PERSON_1]: Hi [PERSON_2].\n\n[PERSON_2]: Hi."
    assert [(turn.speaker, turn.role, turn.time_start) for turn in new.turns] == [
        ("[PERSON_1]", "interviewer", 1.0), ("[PERSON_2]", "participant", 2.0)]
    assert new.speaker_roles == {"[PERSON_1]": "interviewer"}


def test_turn_boundary_inside_a_replacement_widens_to_pseudonym():
    from hrp_coding.transcripts import Transcript, Turn

    t = Transcript("T", "Call Maria Lopez now", turns=(Turn(1, "A", 8, 20, "participant"),))
    new, _ = only_list(names=["Maria Lopez"]).apply(t)
    assert new.turn_text(new.turns[0]) == "[PERSON_1] now"


def test_from_file_aliases_comments_categories(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("# people\nMaria Lopez | Maria | Ms. Lopez\nPERSON: Dr. Lee\nPLACE: Fairview  # town\n"
                    "LOCATION: Glisan\nORGANIZATION: Outside In\nKEEP: Hope\n\n", encoding="utf-8")
    deid = Deidentifier.from_file(path)
    out = deid.deidentify_text("Ms. Lopez and Dr. Lee of Outside In met in Fairview on Glisan, full of Hope.")
    assert out == "[PERSON_1] and [PERSON_2] of [ORG_1] met in [PLACE_1] on [PLACE_2], full of Hope."


def test_from_file_errors_name_file_and_line(tmp_path):
    path = tmp_path / "names.txt"
    path.write_text("Maria\nPERSN: Ben\nPLACE:   \nPLACE: Maria\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        Deidentifier.from_file(path)
    assert [(p.line, p.message) for p in info.value.problems] == [(2, "unknown category 'PERSN'"),
                                                                  (3, "empty PLACE entry")]
    assert str(path) in str(info.value)
    path.write_text("Maria\nPLACE: Maria\n", encoding="utf-8")
    with pytest.raises(TranscriptError) as info:
        Deidentifier.from_file(path)
    assert info.value.problems[0].line == 2 and "listed for both 'Maria' (PERSON) and 'Maria' (PLACE)" in str(
        info.value)


def test_bad_custom_pattern_named():
    with pytest.raises(TranscriptError, match=r"patterns\['mrn'\]"):
        Deidentifier(patterns={"mrn": ("ID", "MRN(")})
    with pytest.raises(TranscriptError, match="category must be UPPER_CASE"):
        Deidentifier(patterns={"mrn": ("id", r"MRN\d+")})
    deid = Deidentifier(patterns={**DEFAULT_PATTERNS, "mrn": ("ID", r"MRN\d{6}")})
    assert deid.deidentify_text("MRN123456 on 2024-01-02") == "[ID_1] on [DATE_1]"


def test_write_key_yaml_0600_atomic(tmp_path):
    deid = Deidentifier(names=["Maria"])
    deid.deidentify_text("Maria, maria@example.org")
    path = deid.write_key(tmp_path / "secret" / "key.yaml")
    assert yaml.safe_load(path.read_text(encoding="utf-8")) == {"[PERSON_1]": "Maria", "[EMAIL_1]": "maria@example.org"}
    assert path.read_text().startswith("# hrp-coding de-identification key")
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in path.parent.iterdir()] == ["key.yaml"]  # no temporary file left behind


def test_docs_say_no_ner_and_review():
    from pathlib import Path

    import hrp_coding.transcripts.deid as module

    assert "No pretrained named-entity recogniser is available offline" in module.__doc__
    docs = Path(__file__).resolve().parents[1] / "docs" / "deidentification.md"
    text = docs.read_text(encoding="utf-8")
    assert "no pretrained" in text.lower() and "review" in text.lower()
