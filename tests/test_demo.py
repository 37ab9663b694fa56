"""The demo: the README's first command, on the sample study."""

import pytest

from hrp_coding.cli import main
from hrp_coding.demo import run_demo
from hrp_coding.errors import ProjectError


@pytest.mark.slow
def test_demo_runs_the_tour_and_writes_the_report(tmp_path):
    lines = []
    summary = run_demo(tmp_path / "demo", echo=lines.append)
    assert (summary.n_transcripts, summary.n_codings, summary.coders) == (12, 842, ("ana", "ben", "caro"))
    # the agreement figures are those of agreement.report on the sample study (deterministic)
    assert summary.alpha_masi == pytest.approx(0.7022, abs=5e-4)  # participant turns (codebook coded_roles)
    assert summary.pooled_kappa == pytest.approx(0.8228, abs=5e-4)
    assert {code for code, _ in summary.weakest_codes} == {"signaling_the_limits", "staying_with", "holding"}
    assert 0.0 < summary.suggester_macro_f1 < 1.0
    # the suggestions are said for what they are: on eight coded interviews no code reaches its 90%-precision
    # threshold, so none is announced as above one, and each listed suggestion carries its reliability
    said = next(line for line in lines if "for the new interview R01" in line)
    assert f"{summary.n_suggestions} suggestions" in said and ": 0 above a code's 90%-precision threshold" in said
    listed = lines[lines.index(said) + 1:lines.index(said) + 4]
    assert len(listed) == 3 and all(", not reliable yet) at R01:t" in line for line in listed), listed
    assert summary.report.exists() and "<h2>Agreement (participant turns)</h2>" in summary.report.read_text()
    assert lines == list(summary.lines) and str(summary.report.resolve()) in lines[-2]
    with pytest.raises(ProjectError, match="already exists"):
        run_demo(tmp_path / "demo", echo=lambda line: None)


def test_demo_command_refuses_to_overwrite(tmp_path, capsys):
    (tmp_path / "taken" / "study").mkdir(parents=True)
    assert main(["demo", "--out", str(tmp_path / "taken")]) == 1
    assert "already exists" in capsys.readouterr().err
