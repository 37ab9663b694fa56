"""The JSON Schema agrees with our validator; Markdown/HTML rendering; the ``hrp-coding codebook`` commands."""

from __future__ import annotations

import copy
import json
import warnings
from html.parser import HTMLParser

import pytest
import yaml

from hrp_coding.cli import main
from hrp_coding.codebook import Code, Codebook, shipped_path
from hrp_coding.codebook.render import text_color
from hrp_coding.codebook.validate import validate_data
from tests._paths import shared_path

SCHEMA_PATH = shipped_path("making_room").parent / "schema.json"
SAMPLES = shared_path("refi-qda", "samples")


@pytest.fixture(scope="module")
def schema_validator():
    import jsonschema as jsonschema
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.mark.parametrize("name", ["making_room", "hrit_integration"])
def test_shipped_codebooks_validate_against_json_schema(schema_validator, name):
    data = yaml.safe_load(shipped_path(name).read_text(encoding="utf-8"))
    assert list(schema_validator.iter_errors(data)) == []
    assert validate_data(data) == []


def test_saved_codebook_validates_against_json_schema(schema_validator, tmp_path):
    cb = Codebook.load(shipped_path("making_room")).split(
        "holding", [Code("a_part", "A"), Code("b_part", "B")], who="ana", why="test")
    cb.save(tmp_path / "cb.yaml")
    assert list(schema_validator.iter_errors(yaml.safe_load((tmp_path / "cb.yaml").read_text()))) == []


GOOD = {"name": "Demo", "version": 1, "codes": [{"id": "care", "name": "Care"},
                                                {"id": "holding", "name": "Holding", "parent": "care"}]}


def bad(path: str, value, *, delete: bool = False):
    data = copy.deepcopy(GOOD)
    keys = path.split(".")
    target = data
    for key in keys[:-1]:
        target = target[int(key)] if key.isdigit() else target[key]
    if delete:
        del target[keys[-1]]
    else:
        target[int(keys[-1]) if keys[-1].isdigit() else keys[-1]] = value
    return data


BAD_FILES = {
    "unknown top key": bad("descripton", "x"),
    "unknown code key": bad("codes.0.colour", "#ffffff"),
    "missing name": bad("name", None, delete=True),
    "missing code id": bad("codes.1.id", None, delete=True),
    "version zero": bad("version", 0),
    "version as text": bad("version", "1"),
    "examples as a string": bad("codes.0.examples", "one example"),
    "bad colour": bad("codes.0.color", "red"),
    "bad id": bad("codes.1.id", "Holding Code"),
    "bad status": bad("codes.0.status", "old"),
    "codable not boolean": bad("codes.0.codable", "yes"),
    "codes not a list": bad("codes", {"care": "Care"}),
    "empty name": bad("codes.0.name", "  "),
    "bad changelog op": bad("changelog", [{"version": 1, "op": "creat", "what": "x", "who": "a", "when": "2024"}]),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_schema_and_validator_agree_on_bad_files(schema_validator, case):
    data = BAD_FILES[case]
    assert list(schema_validator.iter_errors(data)), f"schema accepted: {case}"
    assert validate_data(data), f"validator accepted: {case}"


def test_schema_and_validator_agree_on_good_variants(schema_validator):
    variants = [GOOD, bad("codes.0.color", "#ABCDEF"), bad("codes.0.parent", None), bad("description", None),
                bad("sets", [{"id": "s", "name": "S", "members": ["care"]}])]
    for data in variants:
        assert list(schema_validator.iter_errors(data)) == [] and validate_data(data) == []


# ---------------------------------------------------------------------------------------------- rendering
class _Collector(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.external: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for key, value in attrs:
            if key in ("src", "href") and value and not value.startswith("#"):
                self.external.append(value)


def test_html_is_self_contained_printable_and_complete():
    cb = Codebook.load(shipped_path("making_room"))
    page = cb.to_html()
    parser = _Collector()
    parser.feed(page)
    assert parser.external == [] and "script" not in parser.tags
    assert page.startswith("<!DOCTYPE html>") and "@media print" in page and "break-inside: avoid" in page
    assert page.count('<section class="code"') == 19
    for code in cb.codes.values():
        assert f'id="code-{code.id}"' in page and code.color in page
        for example in code.examples:
            assert example.replace("'", "&#x27;").replace('"', "&quot;") in page
    assert "Close, but not this code" in page and "When not to use" in page


def test_html_escapes_codebook_text():
    cb = Codebook(name="<script>alert(1)</script>", version=1,
                  codes=[Code("care", "Care & <b>", examples=("x < y",), memo='"quoted"')])
    page = cb.to_html()
    assert "<script>" not in page and "&lt;script&gt;" in page and "Care &amp; &lt;b&gt;" in page
    assert "<script>" not in cb._repr_html_() and "&lt;b&gt;" in cb.codes["care"]._repr_html_()


def test_markdown_has_hierarchy_numbers_and_sections():
    cb = Codebook.load(shipped_path("making_room")).retire("war_on_drugs", who="ana", why="unused",
                                                           when="2024-06-01")
    md = cb.to_markdown()
    assert "  - 2.4 Holding (`holding`)" in md
    assert "#### 2.4 Holding (`holding`)" in md
    assert "#### 4.3 War on Drugs (`war_on_drugs`) (retired)" in md
    assert "| 2 | retire: retired 'war_on_drugs' | ana | 2024-06-01 | unused |" in md
    assert md.count("**Close, but not this code**") == 19


def test_text_colour_is_readable_on_every_shipped_colour():
    for name in ("making_room", "hrit_integration"):
        for code in Codebook.load(shipped_path(name)).codes.values():
            fg = text_color(code.color)
            assert _contrast(code.color, fg) >= 4.5, (code.id, code.color, fg)


def _contrast(a: str, b: str) -> float:
    def lum(color):
        out = []
        for i in (1, 3, 5):
            c = int(color[i:i + 2], 16) / 255
            out.append(c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        return 0.2126 * out[0] + 0.7152 * out[1] + 0.0722 * out[2]

    hi, lo = sorted([lum(a), lum(b)], reverse=True)
    return (hi + 0.05) / (lo + 0.05)


# ---------------------------------------------------------------------------------------------- CLI
def test_cli_validate_ok(capsys):
    assert main(["codebook", "validate", str(shipped_path("making_room"))]) == 0
    out = capsys.readouterr().out
    assert "valid codebook 'Making room' version 1, 19 codes (19 to apply)" in out


def test_cli_validate_reports_every_problem(tmp_path, capsys):
    path = tmp_path / "bad.yaml"
    path.write_text("name: Demo\nversion: 1\ncodes:\n- id: care\n  name: Care\n  colour: red\n"
                    "- id: holding\n  name: Holding\n  parent: cares\n")
    before = path.read_bytes()
    assert main(["codebook", "validate", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"hrp-coding codebook: error: {path}: 2 problems" in err
    assert "codes[0].colour (line 6, column 3): unknown key 'colour' (did you mean 'color'?)" in err
    assert "codes[1].parent (line 9, column 11): unknown code 'cares' (did you mean 'care'?)" in err
    assert path.read_bytes() == before


def test_cli_validate_strict_fails_on_training_gaps(tmp_path, capsys):
    path = tmp_path / "thin.yaml"
    path.write_text("name: Demo\nversion: 1\ncodes:\n- id: care\n  name: Care\n")
    assert main(["codebook", "validate", str(path)]) == 0
    assert "training gap: codes[0] (care).definition: is empty" in capsys.readouterr().out
    assert main(["codebook", "validate", "--strict", str(path)]) == 1
    assert "codes[0] (care).examples: has 0 example(s)" in capsys.readouterr().err


def test_cli_show_markdown_and_html(tmp_path, capsys):
    assert main(["codebook", "show", str(shipped_path("hrit_integration"))]) == 0
    assert capsys.readouterr().out.startswith("# Psychedelic harm reduction and integration therapy (version 1)")
    out = tmp_path / "cb.html"
    assert main(["codebook", "show", str(shipped_path("hrit_integration")), "--format", "html", "--out", str(out)]) == 0
    assert "wrote" in capsys.readouterr().out
    assert out.read_text().startswith("<!DOCTYPE html>")


def test_cli_export_and_import_round_trip(tmp_path, capsys):
    qdc = tmp_path / "mr.qdc"
    assert main(["codebook", "export", str(shipped_path("making_room")), "--qdc", str(qdc)]) == 0
    assert "wrote" in capsys.readouterr().out
    out = tmp_path / "back.yaml"
    assert main(["codebook", "import-qdc", str(qdc), str(out)]) == 0
    assert Codebook.load(out) == Codebook.load(shipped_path("making_room"))
    assert main(["codebook", "import-qdc", str(qdc), str(out)]) == 1  # refuses to overwrite
    assert "already exists; pass --force" in capsys.readouterr().err
    assert main(["codebook", "import-qdc", str(qdc), str(out), "--force"]) == 0


@pytest.mark.skipif(not SAMPLES.is_dir(), reason="REFI-QDA samples absent")
def test_cli_import_prints_refi_warnings(tmp_path, capsys):
    out = tmp_path / "tag.yaml"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert main(["codebook", "import-qdc", str(SAMPLES / "taguette_tests_expected_codebook.qdc"), str(out)]) == 0
    captured = capsys.readouterr()
    assert "warning:" in captured.err and "empty <Sets/>" in captured.err
    assert "3 codes" in captured.out


def test_cli_errors_name_the_file(tmp_path, capsys):
    assert main(["codebook", "validate", str(tmp_path / "missing.yaml")]) == 1
    assert "missing.yaml" in capsys.readouterr().err
    broken = tmp_path / "broken.qdc"
    broken.write_text("<CodeBook")
    assert main(["codebook", "import-qdc", str(broken), str(tmp_path / "x.yaml")]) == 1
    assert f"{broken}" in capsys.readouterr().err and not (tmp_path / "x.yaml").exists()


def test_cli_group_without_subcommand_prints_help(capsys):
    assert main(["codebook"]) == 2
    assert "import-qdc" in capsys.readouterr().out
