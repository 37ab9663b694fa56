"""Hostile YAML, model files and transcripts are refused within bounded time and memory (issue 15, point 6).

Each attack runs in a child process under ``RLIMIT_AS`` (1 GiB) and ``RLIMIT_CPU`` (60 s): before
the bounds, a 328-byte YAML alias bomb took 98 s and 2.9 GB in ``Codebook.load`` and a 1.2 MB
model file 2.4 GB before it was rejected.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import zipfile

import numpy as np
import pytest

resource = pytest.importorskip("resource")

_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    from hrp_coding.errors import HrpCodingError
    try:
        exec(sys.argv[1])
        print(json.dumps({"ok": True}))
    except HrpCodingError as err:
        print(json.dumps({"error": type(err).__name__, "message": str(err)}))
""")

# 328 bytes: nine levels of nine aliases, 9**9 = 387 million strings when expanded
BOMB = ('a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
        + "".join(f"{b}: &{b} [{','.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi")))


def _run(code: str, tmp_path) -> dict:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", _CHILD, code], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_billion_laughs_codebook_is_refused(tmp_path):
    assert len(BOMB) < 400
    (tmp_path / "bomb.yaml").write_text(BOMB)
    out = _run("from hrp_coding.codebook import Codebook; Codebook.load('bomb.yaml')", tmp_path)
    assert out["error"] == "CodebookError" and "aliases expand to more than 100,000 nodes" in out["message"]
    assert "bomb.yaml" in out["message"]


@pytest.fixture
def study(tmp_path):
    from hrp_coding.codebook import Code, Codebook
    from hrp_coding.project import Project

    project = Project.init(tmp_path / "study", codebook=Codebook(name="M", version=1, codes=[Code("a", "A")]))
    project.add_transcript("I: Hi?\nP: Hello.\n", transcript_id="P01")
    return project


@pytest.mark.parametrize("target, call", [
    ("hrp-project.yaml", "Project.open('study')"),
    ("transcripts/P01.yaml", "Project.open('study').transcript('P01')"),
    ("codebook.yaml", "Project.open('study').codebook"),
])
def test_billion_laughs_in_project_files_is_refused(study, tmp_path, target, call):
    (study.path / target).write_text(BOMB)
    out = _run(f"from hrp_coding.project import Project; {call}", tmp_path)
    assert out["error"] in ("ProjectError", "CodebookError"), out
    assert "aliases expand" in out["message"] and target.split("/")[-1] in out["message"]


def test_every_yaml_load_of_the_package_goes_through_the_safe_loader():
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[1] / "hrp_coding"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py") if p.name != "limits.py"
                 and any(s in p.read_text(encoding="utf-8") for s in ("yaml.load(", "yaml.safe_load(",
                                                                      "yaml.compose(", "yaml.full_load("))]
    assert offenders == []


def test_yaml_and_transcript_size_limits(study, monkeypatch):
    from hrp_coding import limits
    from hrp_coding.errors import ProjectError
    from hrp_coding.project import Project

    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 100)
    with pytest.raises(ProjectError, match=r"hrp-project.yaml: the YAML file is \d+ bytes, over the limit of 100"):
        Project.open(study.path)
    monkeypatch.setattr(limits, "MAX_YAML_BYTES", 64 * 2**20)
    monkeypatch.setattr(limits, "MAX_TRANSCRIPT_CHARS", 50)
    with pytest.raises(ProjectError, match="the transcript has 65 characters, over the limit of 50"):
        study.add_transcript("I: " + "x" * 50 + "?\nP: Hello.\n", transcript_id="P02")
    with pytest.raises(ProjectError, match=r"update_transcript\(.P01.\): the transcript has 65 characters"):
        study.update_transcript("P01", "I: " + "x" * 50 + "?\nP: Hello.\n")
    assert study.transcript("P01").text == "I: Hi?\nP: Hello.\n"


def _npy_header(shape) -> bytes:
    import io

    from numpy.lib import format as npy

    buffer = io.BytesIO()
    npy.write_array_header_1_0(buffer, {"descr": "<f8", "fortran_order": False, "shape": shape})
    return buffer.getvalue()


@pytest.mark.slow
def test_model_file_declaring_a_huge_array_is_refused_before_allocating(tmp_path):
    path = tmp_path / "model.hrpmodel"
    meta = np.frombuffer(b'{"format": "hrp-coding-suggester"}', dtype=np.uint8)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        with z.open("meta.npy", "w") as f:
            np.lib.format.write_array(f, meta)
        # 300 million float64 (2.4 GB) declared, 1.2 MB of zeros stored
        z.writestr("coef.npy", _npy_header((300_000_000,)) + bytes(1_200_000))
    assert path.stat().st_size < 2_000_000
    out = _run(f"from hrp_coding.suggest.persist import load_model; load_model({str(path)!r})", tmp_path)
    assert out["error"] == "ModelFileError" and "declares more data than its entry holds" in out["message"]


def test_model_file_size_is_checked_before_reading(tmp_path, monkeypatch):
    from hrp_coding import limits
    from hrp_coding.errors import ModelFileError
    from hrp_coding.suggest.persist import load_model

    path = tmp_path / "big.hrpmodel"
    path.write_bytes(b"\0" * 2048)
    monkeypatch.setattr(limits, "MAX_MODEL_BYTES", 1024)
    with pytest.raises(ModelFileError, match="the model file is 2,048 bytes, over the limit of 1,024 bytes"):
        load_model(path)
