"""The temporary folders of :func:`hrp_coding.datasets.tiny_study`: there while needed, gone at exit."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import hrp_coding as hc
from hrp_coding.datasets import tiny_study

REPO = Path(__file__).resolve().parents[1]


def _run(code: str) -> list[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, env=env,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_folder_is_there_while_the_project_lives():
    study = tiny_study()
    assert study.path.name == "study"
    assert study.path.parent.name.startswith("hrp-tiny-")
    assert (study.path / "hrp-project.yaml").is_file()
    assert study.codings()[["coder", "code", "start", "end"]].values.tolist() == [["ana", "holding", 9, 24]]


def test_the_folder_outlives_a_dropped_project():
    # the CLI examples' idiom: the Project is garbage at once, its folder must still be there to open
    folder = tiny_study().path
    assert folder.is_dir()
    assert hc.Project.open(folder).codings()["text"].tolist() == ["We sat with her"]


@pytest.mark.slow
def test_at_exit_the_default_folder_goes_a_given_one_stays_and_a_forked_child_removes_nothing(tmp_path):
    # one child process for the three cases (each child pays the import of pandas)
    made, existed, coded, after_fork, fork_status, given = _run(f"""
        import os, sys
        from hrp_coding.datasets import tiny_study
        study = tiny_study()
        print(study.path, study.path.is_dir(), len(study.codings()))
        pid = os.fork()
        if pid == 0:
            sys.exit(0)   # a normal exit: the child runs the atexit handlers it inherited
        _, status = os.waitpid(pid, 0)
        print(study.path.is_dir(), status, tiny_study({str(tmp_path / "mine")!r}).path)
    """)
    assert (existed, coded) == ("True", "1")
    assert (after_fork, fork_status) == ("True", "0")
    assert Path(made).parent.name.startswith("hrp-tiny-")
    assert not Path(made).exists()
    assert not Path(made).parent.exists()
    assert Path(given) == tmp_path / "mine"
    assert (tmp_path / "mine" / "hrp-project.yaml").is_file()
