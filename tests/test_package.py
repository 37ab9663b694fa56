"""The package as a whole: cheap import, the CLI shell, atomic writes."""


import pytest

from hrp_coding._atomic import atomic_write_text
from hrp_coding.cli import main
from tests._imports import heavy_modules_loaded


def test_import_is_cheap():
    code = "import hrp_coding, hrp_coding.errors, hrp_coding.cli"
    assert heavy_modules_loaded(code, ("spacy", "sklearn", "matplotlib", "thinc")) == []


def test_info_prints_versions(capsys):
    assert main(["info"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("hrp-coding 0.1.0")
    assert "numpy:" in out and "python:" in out


def test_no_command_prints_help(capsys):
    assert main([]) == 2
    assert "usage: hrp-coding" in capsys.readouterr().out


def test_unknown_attribute_names_itself():
    import hrp_coding

    with pytest.raises(AttributeError, match="no_such_thing"):
        hrp_coding.no_such_thing  # noqa: B018


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a.yaml"
    atomic_write_text(target, "old\n")
    atomic_write_text(target, "new\n")
    assert target.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temporary file left behind
