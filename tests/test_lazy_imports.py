"""Deferred modules: jsonschema's IRI grammar is built only when an IRI is checked, and still checks."""

from __future__ import annotations

import sys

import pytest

from hrp_coding.lazy import defer_module
from tests._imports import heavy_modules_loaded

pytest.importorskip("rfc3987_syntax", reason="jsonschema's IRI checker is not installed here")


def test_validating_a_codebook_does_not_build_the_iri_grammar():
    code = ("from hrp_coding.codebook import Codebook, shipped_path\n"
            "Codebook.load(shipped_path('making_room'))")
    # before the deferral, importing jsonschema imported rfc3987_syntax, which builds a Lark parser
    assert heavy_modules_loaded(code, ("jsonschema", "lark")) == ["jsonschema"]


@pytest.mark.slow
def test_iri_format_checks_still_work_and_load_the_grammar_when_first_made():
    code = ("from hrp_coding.lazy import import_jsonschema\n"
            "js = import_jsonschema()\n"
            "import sys\n"
            "before = 'lark' in sys.modules\n"
            "fc = js.FormatChecker()\n"
            "assert (before, fc.conforms('https://example.org/caf\u00e9', 'iri'), fc.conforms('no iri', 'iri'),"
            " fc.conforms('../a?b', 'iri-reference')) == (False, True, False, True)\n")
    assert heavy_modules_loaded(code, ("lark",)) == ["lark"]


def test_defer_module_leaves_an_imported_or_missing_module_alone():
    assert defer_module("json") is False  # imported already (pytest uses it)
    assert defer_module("no_such_module_hrp") is False
    assert "no_such_module_hrp" not in sys.modules


def test_a_deferred_module_loads_on_any_attribute_and_then_is_the_real_module():
    sys.modules.pop("colorsys", None)
    assert defer_module("colorsys", ["rgb_to_hsv"]) is True
    stand_in = sys.modules["colorsys"]
    from colorsys import rgb_to_hsv  # taken by name: nothing loaded yet

    assert sys.modules["colorsys"] is stand_in
    assert stand_in.hsv_to_rgb(0.0, 1.0, 1.0) == (1.0, 0.0, 0.0)  # another attribute: loads the real one
    real = sys.modules["colorsys"]
    assert real is not stand_in and type(real).__name__ == "module"
    assert rgb_to_hsv(0.0, 1.0, 0.0) == (1 / 3, 1.0, 1.0)
