"""Codebook loading, validation (every bad-input kind), saving and the shipped codebooks."""

from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path

import pytest
import yaml

import hrp_coding as hc
from hrp_coding.codebook import Code, Codebook, shipped_path
from hrp_coding.errors import CodebookError, UnknownIdError

MAKING_ROOM = shipped_path("making_room")
HRIT = shipped_path("hrit_integration")
PROCESSES = ["inviting", "meeting_at", "staying_with", "holding", "reframing_substance_use",
             "leveraging_change_from_within", "supporting_agency", "signaling_the_limits"]
CONTRACT_IDS = ["defiant_hospitality", "making_room", *PROCESSES, "therapeutic_environment", "enclosure_and_safety",
                "exploration_and_growth", "socio_historical_roots", "failed_treatment_spaces",
                "abstinence_only_requirements", "war_on_drugs", "stigma_and_shame", "practitioner_formation"]


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# ---------------------------------------------------------------------------------------------- shipped codebooks
def test_making_room_load_contract():
    cb = hc.Codebook.load("codebook/making_room.yaml" if Path("codebook/making_room.yaml").exists() else MAKING_ROOM)
    assert list(cb.codes) == CONTRACT_IDS
    assert cb.children("making_room") == tuple(PROCESSES)
    for code_id in PROCESSES:
        code = cb.codes[code_id]
        assert code.parent == "making_room"
        assert code.definition.strip() and code.when_to_use.strip() and code.when_not_to_use.strip()
        assert len(code.examples) >= 2
    assert cb.children(None) == ("defiant_hospitality", "making_room", "therapeutic_environment",
                                 "socio_historical_roots", "practitioner_formation")
    assert cb.children("therapeutic_environment") == ("enclosure_and_safety", "exploration_and_growth")
    assert cb.children("socio_historical_roots") == ("failed_treatment_spaces", "abstinence_only_requirements",
                                                     "war_on_drugs", "stigma_and_shame")
    assert cb.version == 1 and cb.name == "Making room"
    assert "10.1080/16066359.2021.1900129" in cb.citation
    assert cb.changelog[0].op == "create" and cb.changelog[0].who


@pytest.mark.parametrize("path", [MAKING_ROOM, HRIT], ids=["making_room", "hrit"])
def test_shipped_codebooks_are_complete_training_material(path):
    cb = Codebook.load(path)
    assert cb.lint() == []  # every code: definitions, criteria, >= 2 examples, a near miss, keywords
    colors = [c.color for c in cb.codes.values()]
    assert len(set(colors)) == len(colors), "colours must be distinct"
    for code in cb.codes.values():
        assert code.short_definition and len(code.short_definition) < len(code.definition)
        assert 4 <= len(code.keywords) <= 12
        # when-not-to-use names at least one neighbouring code by id
        others = set(cb.codes) - {code.id}
        assert any(other in code.when_not_to_use for other in others), code.id
        for text in (*code.examples, *code.near_misses):
            assert len(text.split()) >= 8, (code.id, text)  # realistic excerpts, not labels
            assert not text.startswith("(")
        assert set(code.examples).isdisjoint(code.near_misses)


def test_hrit_codebook_loads_with_its_domains():
    cb = Codebook.load(HRIT)
    assert cb.children(None) == ("navigating_risk", "scope_of_practice", "competence")
    assert cb.children("navigating_risk") == ("knowing_the_law", "licensing_board", "local_norms",
                                              "personal_risk_tolerance")
    assert cb.children("scope_of_practice") == ("integration_only", "harm_reduction_scope")
    assert cb.children("competence") == ("preparation_and_training", "consultation", "staying_current")
    assert "s12954-021-00489-1" in cb.citation


def test_loading_never_modifies_the_file(tmp_path):
    target = tmp_path / "mr.yaml"
    target.write_bytes(MAKING_ROOM.read_bytes())
    before, mtime = sha(target), os.stat(target).st_mtime_ns
    Codebook.load(target)
    assert sha(target) == before and os.stat(target).st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["mr.yaml"]


@pytest.mark.parametrize("path", [MAKING_ROOM, HRIT], ids=["making_room", "hrit"])
def test_load_save_load_is_equal_and_keeps_the_header_comment(tmp_path, path):
    cb = Codebook.load(path)
    out = tmp_path / "saved.yaml"
    cb.save(out)
    again = Codebook.load(out)
    assert again == cb
    assert again.to_dict() == cb.to_dict()
    assert out.read_text(encoding="utf-8").startswith("# ")  # the citation header travels
    out2 = tmp_path / "saved2.yaml"
    again.save(out2)
    assert out2.read_bytes() == out.read_bytes()  # saving is deterministic


def test_save_is_atomic_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    cb = Codebook.load(MAKING_ROOM)
    target = tmp_path / "cb.yaml"
    target.write_text("old content\n")
    import hrp_coding._atomic as atomic

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError, match="disk full"):
        cb.save(target)
    assert target.read_text() == "old content\n"  # the old file survives a failed save
    assert [p.name for p in tmp_path.iterdir()] == ["cb.yaml"]
    monkeypatch.undo()
    cb.save(target)
    assert Codebook.load(target) == cb
    assert [p.name for p in tmp_path.iterdir()] == ["cb.yaml"]


def test_codebook_is_frozen_and_hashable():
    cb = Codebook.load(HRIT)
    with pytest.raises(AttributeError):
        cb.version = 3
    with pytest.raises(TypeError):
        cb.codes["competence"] = cb.codes["consultation"]
    assert hash(cb) == hash(Codebook.load(HRIT))
    assert "<table>" in cb._repr_html_() and "knowing_the_law" in cb._repr_html_()


def test_structure_helpers():
    cb = Codebook.load(MAKING_ROOM)
    assert cb.ancestors("holding") == ("making_room",)
    assert cb.depth("war_on_drugs") == 1
    assert cb.descendants("therapeutic_environment") == ("enclosure_and_safety", "exploration_and_growth")
    assert cb.walk()[:3] == ("defiant_hospitality", "making_room", "inviting")
    with pytest.raises(UnknownIdError, match=r"unknown code 'holdng' .*did you mean 'holding'"):
        cb.children("holdng")


# ---------------------------------------------------------------------------------------------- bad input
GOOD = {
    "name": "Demo",
    "version": 1,
    "codes": [
        {"id": "care", "name": "Care", "examples": ["a", "b"]},
        {"id": "holding", "name": "Holding", "parent": "care"},
        {"id": "inviting", "name": "Inviting", "parent": "care"},
    ],
}


def write_yaml(path: Path, data) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def check_error(path: Path, *expected: str) -> CodebookError:
    """Loading fails naming the file and every expected fragment; the file is byte-identical afterwards."""
    before = path.read_bytes()
    with pytest.raises(CodebookError) as info:
        Codebook.load(path)
    message = str(info.value)
    assert message.startswith(str(path) + ": "), message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert path.read_bytes() == before
    assert isinstance(info.value, ValueError)
    return info.value


def mutate(**changes):
    data = json.loads(json.dumps(GOOD))
    for key, value in changes.items():
        index, _, field = key.partition("__")
        if field:
            data["codes"][int(index.lstrip("c"))][field] = value
        else:
            data[key] = value
    return data


def test_good_minimal_codebook_loads(tmp_path):
    cb = Codebook.load(write_yaml(tmp_path / "ok.yaml", GOOD))
    assert cb.children("care") == ("holding", "inviting")
    assert cb.codes["care"].examples == ("a", "b")


def test_duplicate_ids(tmp_path):
    data = mutate()
    data["codes"].append({"id": "holding", "name": "Holding again"})
    err = check_error(write_yaml(tmp_path / "dup.yaml", data),
                      "codes[3].id (line", "duplicate code id 'holding' (first used at codes[1])")
    assert err.problems[0].line is not None


def test_unknown_parent_with_did_you_mean(tmp_path):
    check_error(write_yaml(tmp_path / "parent.yaml", mutate(c1__parent="cares")),
                "codes[1].parent", "unknown code 'cares' (did you mean 'care'?)")


def test_cycle(tmp_path):
    data = mutate(c0__parent="inviting")
    check_error(write_yaml(tmp_path / "cycle.yaml", data), "parent cycle care -> inviting -> care")


def test_self_parent_is_a_cycle(tmp_path):
    check_error(write_yaml(tmp_path / "self.yaml", mutate(c1__parent="holding")),
                "codes[1].parent", "parent cycle holding -> holding")


def test_missing_required_fields(tmp_path):
    data = mutate()
    del data["version"]
    del data["codes"][1]["name"]
    check_error(write_yaml(tmp_path / "missing.yaml", data),
                "(top) (line 1, column 1): missing required field 'version'", "codes[1] (line",
                "missing required field 'name'")


def test_unknown_keys_with_did_you_mean(tmp_path):
    data = mutate(c0__colour="#ff0000", c1__when_to_us="always")
    data["descripton"] = "typo"
    check_error(write_yaml(tmp_path / "keys.yaml", data),
                "descripton (line 17, column 1): unknown key 'descripton' (did you mean 'description'?)",
                "codes[0].colour", "(did you mean 'color'?)",
                "codes[1].when_to_us", "(did you mean 'when_to_use'?)")


def test_wrong_types(tmp_path):
    data = mutate(version="two", c0__examples="just one string", c1__codable="yes", c2__color="red",
                  c2__status="old")
    data["codes"][0]["definition"] = ["a", "list"]
    check_error(write_yaml(tmp_path / "types.yaml", data),
                "version", "expected a whole number >= 1, got 'two'",
                "codes[0].examples", "expected a list of text, got text (write it as a YAML list",
                "codes[0].definition", "expected text, got a list",
                "codes[1].codable", "expected true or false",
                "codes[2].color", "invalid colour 'red'",
                "codes[2].status", "unknown status 'old'")


def test_invalid_id(tmp_path):
    check_error(write_yaml(tmp_path / "id.yaml", mutate(c2__id="Inviting People")),
                "codes[2].id", "invalid code id 'Inviting People'")


def test_codes_not_a_list_and_top_not_a_mapping(tmp_path):
    check_error(write_yaml(tmp_path / "notlist.yaml", mutate(codes={"care": "Care"})),
                "codes (line", "expected a list of codes, got a mapping")
    (tmp_path / "list.yaml").write_text("- just\n- a list\n")
    check_error(tmp_path / "list.yaml", "expected a mapping with keys name, version and codes, got a list")


def test_malformed_yaml_reports_line_and_column(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text("name: Demo\nversion: 1\ncodes:\n  - id: care\n    name: [unclosed\n  - id: x\n")
    err = check_error(path, "malformed YAML")
    problem = err.problems[0]
    assert problem.line is not None and problem.line >= 5 and problem.column is not None
    assert f"(line {problem.line}, column {problem.column})" in str(err)


def test_tab_indentation_is_malformed_yaml(tmp_path):
    path = tmp_path / "tabs.yaml"
    path.write_text("name: Demo\nversion: 1\ncodes:\n\t- id: care\n")
    check_error(path, "malformed YAML", "(line 4, column 1)")


def test_wrong_encoding_names_byte_offset(tmp_path):
    path = tmp_path / "latin1.yaml"
    text = "name: Démo\nversion: 1\ncodes:\n- id: care\n  name: Care\n"
    path.write_bytes(text.encode("latin-1"))
    err = check_error(path, "not valid UTF-8: byte 0xe9 at byte offset 7", "Windows-1252", "save the file as UTF-8",
                      "(line 1, column 8)")
    assert err.problems[0].file == str(path)


def test_utf16_is_reported(tmp_path):
    path = tmp_path / "utf16.yaml"
    path.write_bytes("name: Demo\n".encode("utf-16"))
    check_error(path, "UTF-16", "save it as UTF-8")


def test_utf8_bom_is_accepted(tmp_path):
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + yaml.safe_dump(GOOD).encode())
    assert Codebook.load(path).name == "Demo"


def test_empty_file(tmp_path):
    path = tmp_path / "empty.yaml"
    path.write_text("")
    check_error(path, "the file is empty")


def test_duplicate_yaml_key_is_reported(tmp_path):
    path = tmp_path / "dupkey.yaml"
    path.write_text("name: Demo\nversion: 1\ncodes:\n- id: care\n  name: Care\n  name: Caring\n")
    check_error(path, "codes[0].name (line 6, column 3): duplicate key 'name' (also on line 5)")


def test_python_tags_are_refused(tmp_path):
    path = tmp_path / "tag.yaml"
    path.write_text("name: !!python/object/apply:os.system ['echo hi']\nversion: 1\ncodes: []\n")
    check_error(path, "malformed YAML", "(line 1")


def test_many_problems_reported_at_once(tmp_path):
    data = mutate(version=0, c0__parent="inviting", c1__parent="holdng", c2__colour="#00ff00")
    data["codes"].append({"id": "care", "name": "Duplicate"})
    data["codes"].append({"name": "No id"})
    data["changelog"] = [{"version": 1, "op": "creat", "what": "x", "who": "ana", "when": "2024-01-01"}]
    data["sets"] = [{"id": "s", "name": "S", "members": ["carre"]}]
    err = check_error(write_yaml(tmp_path / "many.yaml", data),
                      "version", "codes[1].parent", "did you mean 'holding'?", "codes[2].colour",
                      "duplicate code id 'care'", "codes[4]", "missing required field 'id'",
                      "parent cycle care -> inviting -> care", "changelog[0].op", "did you mean 'create'?",
                      "sets[0].members[0]", "did you mean 'care'?")
    assert len(err.problems) >= 8
    assert str(err).splitlines()[0] == f"{tmp_path / 'many.yaml'}: {len(err.problems)} problems"


def test_missing_file_raises_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        Codebook.load(tmp_path / "nope.yaml")


def test_code_constructor_validates():
    with pytest.raises(CodebookError, match="invalid colour"):
        Code("care", "Care", color="blue")
    with pytest.raises(CodebookError, match="expected a list of text"):
        Code("care", "Care", examples="one example")
    with pytest.raises(CodebookError, match="unknown code 'nope'"):
        Codebook(name="D", version=1, codes=[Code("care", "Care", parent="nope")])
    assert Code("care", "Care", color="#ABC").color == "#aabbcc"


# ---------------------------------------------------------------------------------------------- one source of rules
def test_schema_describes_exactly_the_dataclass_fields():
    from hrp_coding.codebook import rules
    from hrp_coding.codebook.model import CODE_FIELDS, OPERATIONS

    schema = rules.schema()
    assert tuple(schema["$defs"]["code"]["properties"]) == CODE_FIELDS
    assert rules.ID_PATTERN is rules.ecma_pattern(schema["$defs"]["id"]["pattern"])
    assert tuple(schema["$defs"]["change"]["properties"]["op"]["enum"]) == OPERATIONS


@pytest.mark.parametrize(("change", "fragment"), [
    ({"c1__color": "blue"}, "invalid colour 'blue'"),
    ({"c1__name": "Hold\ning"}, "contains a control character"),
    ({"c1__status": "gone"}, "unknown status 'gone'"),
    ({"c1__parent": "nope"}, "unknown code 'nope'"),
    ({"coded_roles": []}, "expected a non-empty list of speaker roles, got []"),
    ({"c1__examples": "one"}, "expected a list of text, got text"),
])
def test_file_and_constructor_give_the_same_problem(tmp_path, change, fragment):
    """A YAML file and the Python constructors are checked by the same rules (codebook/schema.json + rules.py)."""
    data = mutate(**change)
    check_error(write_yaml(tmp_path / "bad.yaml", data), fragment)
    with pytest.raises(CodebookError, match=re.escape(fragment)):
        codes = [Code(**c) for c in data["codes"]]
        Codebook(name=data["name"], version=data["version"], codes=codes,
                 coded_roles=data.get("coded_roles", ("participant",)))


def test_every_problem_of_a_constructed_codebook_at_once():
    with pytest.raises(CodebookError) as info:
        Codebook(name=" ", version=0, codes=[Code("care", "Care", parent="nope"), Code("a", "A", parent="a")])
    messages = [p.message for p in info.value.problems]
    assert messages == ["must not be empty", "expected a whole number >= 1, got 0", "unknown code 'nope'",
                        "parent cycle a -> a"]
