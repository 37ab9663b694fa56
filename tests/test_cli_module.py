"""``python -m hrp_coding.cli`` runs the same command line as ``hrp-coding``."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_python_dash_m_runs_the_command_line_with_its_exit_code():
    run = subprocess.run(
        [sys.executable, "-m", "hrp_coding.cli", "codebook", "--help"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert "rename" in run.stdout and "merge" in run.stdout

    no_command = subprocess.run(
        [sys.executable, "-m", "hrp_coding.cli"],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert no_command.returncode == 2
    assert "usage:" in no_command.stdout
