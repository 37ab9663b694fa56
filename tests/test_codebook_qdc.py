"""REFI-QDA codebook exchange: XSD-valid export, lossless round trip, lenient import of real samples, hostile XML."""

from __future__ import annotations

import warnings
import zipfile

import pytest

from hrp_coding.codebook import Code, Codebook, CodeSet, shipped_path
from hrp_coding.codebook.qdc import (
    CODE_MARKER,
    PROJECT_NS,
    code_guid,
    codebook_from_element,
    codes_to_element,
    parse_xml,
    sets_to_elements,
    to_xml_bytes,
)
from hrp_coding.errors import RefiError, RefiWarning
from tests._paths import shared_path

REFI = shared_path("refi-qda")
SAMPLES = REFI / "samples"
needs_refi = pytest.mark.skipif(not (REFI / "Codebook.xsd").is_file(), reason="REFI-QDA reference files absent")


@pytest.fixture(scope="module")
def xsd():
    import xmlschema as xmlschema
    if not (REFI / "Codebook.xsd").is_file():
        pytest.skip("Codebook.xsd absent")
    return xmlschema.XMLSchema(str(REFI / "Codebook.xsd"))


def rich_codebook() -> Codebook:
    cb = Codebook.load(shipped_path("making_room"))
    cb = cb.add(Code("door_stays_open", "The door stays open", parent="inviting", in_vivo_quote="my door <stays> open",
                     memo="Line one\nline two & \"quotes\"", keywords=("door", "open")), who="ana", why="P03")
    cb = cb.retire("war_on_drugs", who="ben", why="never used")
    cb = cb.merge(["stigma_and_shame"], into="failed_treatment_spaces", who="ana", why="overlap")
    return Codebook(name=cb.name, version=cb.version, codes=[*cb.codes.values(), Code("grouping", "Grouping",
                                                                                     codable=False)],
                    changelog=cb.changelog, citation=cb.citation, description=cb.description,
                    sets=(CodeSet("relational", "Relational processes", "Across the hierarchy",
                                  ("holding", "staying_with")),))


@pytest.mark.parametrize("name", ["making_room", "hrit_integration"])
def test_export_validates_against_xsd_and_round_trips(tmp_path, xsd, name):
    cb = Codebook.load(shipped_path(name))
    out = tmp_path / f"{name}.qdc"
    cb.to_qdc(out)
    xsd.validate(str(out))
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # our own export imports without any warning
        back = Codebook.from_qdc(out)
    assert back == cb and back.to_dict() == cb.to_dict()


def test_rich_codebook_round_trips_every_field(tmp_path, xsd):
    cb = rich_codebook()
    out = tmp_path / "rich.qdc"
    cb.to_qdc(out)
    xsd.validate(str(out))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = Codebook.from_qdc(out)
    assert back == cb
    assert back.codes["war_on_drugs"].status == "retired"
    assert back.codes["grouping"].codable is False
    assert back.codes["door_stays_open"].in_vivo_quote == "my door <stays> open"
    assert back.sets == cb.sets
    assert back.migration() == cb.migration()
    text = out.read_text(encoding="utf-8")
    assert 'isCodable="false"' in text  # retired and grouping codes are not codable in other programs
    assert text.startswith('<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0"')


def test_guids_are_stable_and_derived_from_ids(tmp_path):
    cb = Codebook.load(shipped_path("hrit_integration"))
    a, b = tmp_path / "a.qdc", tmp_path / "b.qdc"
    cb.to_qdc(a)
    Codebook.load(shipped_path("hrit_integration")).to_qdc(b)
    assert a.read_bytes() == b.read_bytes()
    assert f'guid="{code_guid("consultation")}"' in a.read_text()
    assert code_guid("consultation") != code_guid("competence")


def test_hierarchy_is_nested_in_the_xml():
    root = codes_to_element(Codebook.load(shipped_path("making_room")))
    ns = "{urn:QDA-XML:codebook:1.0}"
    making_room = next(c for c in root.find(f"{ns}Codes") if c.get("name") == "Making room")
    assert [c.get("name") for c in making_room.findall(f"{ns}Code")][:2] == ["Inviting", "Meeting at"]


def test_description_is_readable_for_other_programs(tmp_path):
    cb = Codebook.load(shipped_path("making_room"))
    cb.to_qdc(tmp_path / "mr.qdc")
    text = (tmp_path / "mr.qdc").read_text()
    assert "When not to use: Do not use for a concrete act of welcoming" in text
    assert "Close, but not this code:" in text and CODE_MARKER in text


def test_edited_description_in_another_program_is_kept_in_the_memo(tmp_path):
    cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care", definition="Looking after.")])
    cb.to_qdc(tmp_path / "d.qdc")
    text = (tmp_path / "d.qdc").read_text().replace("Looking after.", "Looking after someone, edited in NVivo.", 1)
    (tmp_path / "d.qdc").write_text(text)
    with pytest.warns(RefiWarning, match=r"edited outside hrp-coding \(Care\)"):
        back = Codebook.from_qdc(tmp_path / "d.qdc")
    assert back.codes["care"].definition == "Looking after."
    assert "Looking after someone, edited in NVivo." in back.codes["care"].memo


# ---------------------------------------------------------------------------------------------- samples
@needs_refi
def test_refi_annex_example_brace_guids_and_grouping_codes():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cb = Codebook.from_qdc(SAMPLES / "refi15_annexA1_example_codebook.qdc")
    assert list(cb.codes) == ["topics", "economy", "health_care", "values", "conservatives", "liberals"]
    assert cb.codes["topics"].codable is False and cb.codes["values"].codable is False
    assert cb.codes["economy"].color == "#ffff00"
    assert cb.codes["economy"].definition == "Anything about jobs or taxes or business"
    assert cb.codes["economy"].short_definition == "Anything about jobs or taxes or business"
    assert cb.active_codes == ("economy", "health_care", "conservatives", "liberals")
    assert cb.migration()["topics"].needs_recoding  # a grouping code is not applied


@needs_refi
def test_atlasti_sets_and_namespace_variant():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cb = Codebook.from_qdc(SAMPLES / "atlasti_23_codebook_from_requal_test.qdc")
    assert list(cb.codes) == ["code1"]
    assert cb.codes["code1"].color == "#46aa00" and cb.codes["code1"].definition == "description"
    assert cb.sets == (CodeSet("code_group_1", "code group 1", "kategorie 1", ("code1",)),)
    assert "ATLAS.ti Win 23.4.0" in cb.description


@needs_refi
def test_taguette_schema_invalid_file_imports_with_a_warning(xsd):
    path = SAMPLES / "taguette_tests_expected_codebook.qdc"
    assert not xsd.is_valid(str(path))
    with pytest.warns(RefiWarning, match=r"empty <Sets/>"):
        cb = Codebook.from_qdc(path)
    assert [(c.id, c.name, c.parent) for c in cb.codes.values()] == [
        ("interesting", "interesting", None), ("people", "people", None),
        ("interesting_places", "interesting\\places", None)]


@needs_refi
@pytest.mark.parametrize("path", sorted(SAMPLES.glob("*.qdc")) if SAMPLES.is_dir() else [], ids=lambda p: p.name)
def test_every_sample_qdc_imports_and_re_exports_valid(path, tmp_path, xsd):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RefiWarning)
        cb = Codebook.from_qdc(path)
    assert len(cb.codes) >= 1
    cb.to_qdc(tmp_path / "again.qdc")
    xsd.validate(str(tmp_path / "again.qdc"))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Codebook.from_qdc(tmp_path / "again.qdc") == cb


@needs_refi
@pytest.mark.parametrize("name", ["qc_demo.qdpx", "qc_nvivo_project.qdpx"])
def test_project_codebooks_keep_their_deep_hierarchy(name):
    with zipfile.ZipFile(SAMPLES / name) as z:
        data = z.read(next(n for n in z.namelist() if n.endswith(".qde")))
    root = parse_xml(data, source=name)
    found: list[str] = []
    element = next(c for c in root if c.tag.endswith("CodeBook"))
    cb = codebook_from_element(element, source=name, warnings=found, sets=[])
    assert len(cb.codes) == 262 and found == []
    assert max(cb.depth(c) for c in cb.codes) == 6


@needs_refi
def test_project_sets_use_target_guid():
    root = parse_xml((SAMPLES / "ornio_hand_authored" / "project.qde").read_bytes(), source="project.qde")
    element = next(c for c in root if c.tag.endswith("CodeBook"))
    sets = [s for group in root if group.tag.endswith("Sets") for s in group]
    found: list[str] = []
    cb = codebook_from_element(element, source="project.qde", warnings=found, sets=sets)
    assert found == []
    assert len(cb.sets) == 1 and len(cb.sets[0].members) == 1 and cb.sets[0].members[0] in cb.codes


def test_project_namespace_elements_round_trip():
    cb = rich_codebook()
    element = codes_to_element(cb, namespace=PROJECT_NS)
    sets = sets_to_elements(cb, namespace=PROJECT_NS)
    assert sets[1].find(f"{{{PROJECT_NS}}}MemberCode").get("targetGUID") == code_guid("holding")
    found: list[str] = []
    back = codebook_from_element(parse_xml(to_xml_bytes(element), source="x"), source="x", warnings=found,
                                 sets=sets)
    assert back == cb and found == []


@pytest.mark.parametrize(("ns", "warned"), [("urn:QDA-XML:codebook:1:0", True), ("urn:QDA-XML:codebook:0:4", True),
                                            ("urn:QDA-XML:codebook:1.0", False)])
def test_namespace_variants(tmp_path, ns, warned):
    path = tmp_path / "v.qdc"
    path.write_text(f'<?xml version="1.0"?><CodeBook xmlns="{ns}"><Codes>'
                    '<Code guid="{5215CC69-B628-4E02-AFB9-9BEEAEE55808}" name="Topic" isCodable="true">'
                    '<Code guid="d7aa29da-519b-4946-9b90-253b6db8fd0a" name="Sub topic" isCodable="true"/>'
                    "</Code></Codes></CodeBook>")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cb = Codebook.from_qdc(path)
    assert cb.codes["sub_topic"].parent == "topic"
    assert bool([w for w in caught if issubclass(w.category, RefiWarning)]) is warned


def test_lenient_import_warns_on_each_deviation(tmp_path):
    path = tmp_path / "odd.qdc"
    path.write_text('<CodeBook><Codes><Code name="A" color="green"/><Code guid="nope" name="A" isCodable="maybe"/>'
                    '<Code guid="11111111-1111-1111-1111-111111111111" isCodable="0"/></Codes>'
                    '<Sets><Set guid="22222222-2222-2222-2222-222222222222" name="S">'
                    '<MemberCode guid="33333333-3333-3333-3333-333333333333"/></Set></Sets></CodeBook>')
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        cb = Codebook.from_qdc(path)
    messages = " | ".join(str(w.message) for w in caught)
    for fragment in ("no namespace", "without a guid", "colour 'green'", "malformed guid 'nope'",
                     "isCodable is missing", "without a name", "names no code"):
        assert fragment in messages, fragment
    assert list(cb.codes)[:2] == ["a", "a_2"]  # unique ids from names
    assert cb.codes[list(cb.codes)[2]].codable is False


def test_hostile_and_broken_xml_is_refused(tmp_path):
    bomb = tmp_path / "bomb.qdc"
    bomb.write_text('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
                    '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
                    '<Code guid="11111111-1111-1111-1111-111111111111" name="&lol2;" isCodable="true"/>'
                    "</Codes></CodeBook>")
    with pytest.raises(RefiError, match="refused potentially hostile XML") as info:
        Codebook.from_qdc(bomb)
    assert str(bomb) in str(info.value)
    broken = tmp_path / "broken.qdc"
    broken.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0">\n<Codes>\n<Code name="x">\n</Codes>')
    with pytest.raises(RefiError, match=r"malformed XML.*\(line 4|line 4") as info:
        Codebook.from_qdc(broken)
    assert info.value.problems[0].line == 4
    other = tmp_path / "other.qdc"
    other.write_text("<Project/>")
    with pytest.raises(RefiError, match="expected a <CodeBook> element, found <Project>"):
        Codebook.from_qdc(other)
    empty = tmp_path / "nocodes.qdc"
    empty.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>')
    with pytest.raises(RefiError, match="no <Codes> element"):
        Codebook.from_qdc(empty)


def test_empty_codebook_cannot_be_exported(tmp_path):
    with pytest.raises(RefiError, match="at least one code"):
        Codebook(name="Empty", version=1, codes=[]).to_qdc(tmp_path / "e.qdc")
    assert not (tmp_path / "e.qdc").exists()
