"""The self-contained HTML study report on the sample study."""

import re

import pytest

from hrp_coding.cli import main
from hrp_coding.notebook.study_report import write_report


@pytest.fixture(scope="module")
def study(sample_study):
    return sample_study


@pytest.mark.slow
def test_report_is_self_contained_and_complete(study, tmp_path):
    path = write_report(study, tmp_path / "report.html")
    html = path.read_text(encoding="utf-8")
    sections = re.findall(r"<h2>(.*?)</h2>", html)
    assert sections == ["Study", "Codebook", "Coverage of participant talk", "Agreement (participant turns)",
                        "Disagreements for the consensus meeting", "Saturation", "Code co-occurrence",
                        "Code frequencies by transcript"]
    # nothing fetched from elsewhere: no external links, scripts or stylesheets
    assert not re.search(r"""(src|href)=["']https?:""", html) and "<script" not in html
    assert html.count("data:image/png;base64,") == 3
    # the agreement table names every code, and the known weak spots are there
    for code in study.codebook.codes:
        assert f"<code>{code}</code>" in html
    assert "signaling_the_limits" in html.split("Disagreements for the consensus meeting")[1]
    assert "842 codings by 3 coder layer(s)" in html
    # issue 16: the units follow the codebook and the report says so; every disagreement row is there, paginated
    assert "the units are <b>participant turns</b> (the codebook's <code>coded_roles</code>)" in html
    contested = html.split("<h2>Disagreements for the consensus meeting</h2>")[1].split("<h2>")[0]
    assert "more rows not shown" not in contested and "rows 1 to 50 of 77" in contested
    assert 'td class="text"' in html
    assert "Over coded interviews only" in html


@pytest.mark.slow
def test_report_roles_all_uses_every_turn(study, tmp_path):
    html = write_report(study, tmp_path / "all.html", roles="all").read_text(encoding="utf-8")
    assert "<h2>Agreement (turns)</h2>" in html


@pytest.mark.slow
def test_report_cli_writes_the_file(study, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", str(study.path), "--out", str(out), "--unit", "sentence"]) == 0
    assert "Agreement (participant sentences)" in out.read_text(encoding="utf-8")
    assert str(out) in capsys.readouterr().out
    assert main(["report", str(tmp_path / "missing"), "--out", str(out)]) == 1
