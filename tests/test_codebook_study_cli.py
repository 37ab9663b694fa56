"""Issue 16, points 3 and 4: codebook evolution on a study from the CLI, the recode queue, and a hand-edited
codebook.yaml refused on open."""

from __future__ import annotations

import warnings

import pytest

import hrp_coding as hc
from hrp_coding.cli import main
from hrp_coding.errors import ProjectError


@pytest.fixture
def study(sample_study_copy, tmp_path):
    return sample_study_copy(tmp_path / "study").path


def _n(path, code):
    return int((hc.Project.open(path).codings()["code"] == code).sum())


def test_rename_dry_run_then_for_real(study, capsys):
    before = _n(study, "holding")
    assert main(["codebook", "rename", str(study), "holding", "holding_on", "--who", "ana", "--why", "clearer",
                 "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "v1 -> v2: renamed id 'holding' -> 'holding_on'" in out and "dry run: nothing changed" in out
    assert hc.Project.open(study).codebook.version == 1 and _n(study, "holding") == before
    assert main(["codebook", "rename", str(study), "holding", "holding_on", "--who", "ana", "--why", "clearer"]) == 0
    assert f"saved; {before} coding(s) moved, 0 wait for recoding" in capsys.readouterr().out
    project = hc.Project.open(study)
    assert project.codebook.version == 2 and project.codebook.changelog[-1].who == "ana"
    assert _n(study, "holding_on") == before and _n(study, "holding") == 0


def test_split_flags_codings_lists_them_and_leaves_them_out(study, capsys):
    n = _n(study, "staying_with")
    assert main(["codebook", "split", str(study), "staying_with", "--into", "staying_present:Staying present",
                 "staying_through:Staying through", "--who", "ben", "--why", "two processes"]) == 0
    assert f"0 coding(s) moved, {n} wait for recoding" in capsys.readouterr().out
    assert main(["recode-queue", str(study), "--format", "csv"]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "coding_id,coder,transcript,start,end,code,candidates,text" and len(lines) == n + 1
    assert all(",staying_with,staying_present;staying_through," in line for line in lines[1:])
    project = hc.Project.open(study)
    assert len(project.excerpts("staying_with")) == n  # the old id still lists what to recode
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        rep = hc.agreement.report(project)
        freq = hc.analysis.code_frequencies(project, by=())
    assert "staying_with" not in rep.codes and "staying_with" not in set(freq["code"])
    assert any(f"{n} coding(s) of staying_with need recoding" in note for note in rep.notes)
    with pytest.warns(hc.errors.CodebookVersionWarning, match="recode-queue"):
        hc.analysis.saturation(project)


@pytest.mark.slow
def test_merge_move_retire_add(study, capsys):
    n_a, n_b = _n(study, "inviting"), _n(study, "meeting_at")
    args = ["--who", "caro", "--why", "team meeting"]
    assert main(["codebook", "merge", str(study), "meeting_at", "--into", "inviting", *args]) == 0
    assert _n(study, "inviting") == n_a + n_b
    assert main(["codebook", "move", str(study), "inviting", "--parent", "none", *args]) == 0
    assert hc.Project.open(study).codebook.codes["inviting"].parent is None
    assert main(["codebook", "add", str(study), "door_open", "The door stays open", "--parent", "making_room",
                 *args]) == 0
    assert main(["codebook", "retire", str(study), "war_on_drugs", *args]) == 0
    assert main(["recode-queue", str(study)]) == 0
    assert "coding(s) wait for recoding" in capsys.readouterr().out
    cb = hc.Project.open(study).codebook
    assert cb.version == 5 and cb.codes["war_on_drugs"].status == "retired" and "door_open" in cb.codes
    assert main(["codebook", "rename", str(study), "nope", "x", *args]) == 1
    assert "unknown code 'nope'" in capsys.readouterr().err


def test_a_hand_edit_dropping_a_used_id_is_refused_on_open(study, capsys):
    file = study / "codebook.yaml"
    file.write_text(file.read_text(encoding="utf-8").replace("id: holding\n", "id: holding_by_hand\n")
                    .replace("parent: holding\n", "parent: holding_by_hand\n"), encoding="utf-8")
    with pytest.raises(ProjectError, match=r"'holding' \(\d+ codings\).*hrp-coding codebook rename"):
        hc.Project.open(study)
    assert main(["recode-queue", str(study)]) == 1
    assert "no longer has" in capsys.readouterr().err
