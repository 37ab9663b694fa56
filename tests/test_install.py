"""The package as users install it: declared dependencies match the imports, and a built wheel works.

The wheel test builds the wheel from a copy of the checkout, installs it in a fresh virtual environment
outside the checkout (``--system-site-packages`` lends it the already installed dependencies, so nothing
large is downloaded, but the wheel itself is really installed there) and runs the README's first command
(``hrp-coding demo``) and ``Codebook.load`` of a shipped codebook from that environment.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from tests._paths import REPO

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the test extra installs tomli
    import tomli as tomllib

PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
# declared but not imported by name: the demo ends with "next: jupyter lab notebooks/"; pandas loads openpyxl
# for .xlsx utterance tables (read_excel(engine="openpyxl"))
NOT_IMPORTED_ON_PURPOSE = {"jupyterlab", "openpyxl"}
# scripts and helpers the tests import by their own name
LOCAL = {path.stem for folder in ("benchmarks", "tests") for path in (REPO / folder).glob("*.py")}


def _name(requirement: str) -> str:
    return re.split(r"[\s<>=!~;\[]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _third_party_imports(folder: Path) -> dict[str, str]:
    """Top-level module imported -> one file that imports it, for every non-stdlib, non-local import."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in ("hrp_coding", "tests", *LOCAL):
                    found.setdefault(top, str(path.relative_to(REPO)))
    return found


@functools.cache
def _providers() -> dict[str, list[str]]:
    return metadata.packages_distributions()  # reads every installed distribution's file list: once


def _distributions(modules: dict[str, str]) -> dict[str, str]:
    """Distribution name (normalised) -> a file importing it; a module no distribution provides is named as is."""
    providers = _providers()
    out: dict[str, str] = {}
    for module, where in modules.items():
        for dist in providers.get(module, [module]):
            out.setdefault(dist.lower().replace("_", "-"), where)
    return out


# platform-specific standard modules are not in every sys.stdlib_module_names listing of other platforms
_PLATFORM = {"msvcrt", "fcntl", "winreg", "resource"}


@pytest.mark.slow
def test_every_import_of_the_package_is_a_declared_dependency():
    declared = {_name(r) for r in PYPROJECT["project"]["dependencies"]}
    # a user-facing extra (e.g. ``embeddings``) may be imported where its feature is used
    optional = {_name(r) for extra, reqs in PYPROJECT["project"]["optional-dependencies"].items()
                if extra not in ("test", "bench") for r in reqs}
    imported = _distributions({m: f for m, f in _third_party_imports(REPO / "hrp_coding").items()
                               if m not in _PLATFORM})
    missing = {dist: where for dist, where in imported.items() if dist not in declared | optional}
    assert missing == {}, f"imported but not declared in [project] dependencies: {missing}"
    unused = declared - set(imported) - NOT_IMPORTED_ON_PURPOSE
    assert unused == set(), f"declared in [project] dependencies but never imported by hrp_coding: {unused}"


def test_every_import_of_the_tests_is_declared_for_them():
    extras = PYPROJECT["project"]["optional-dependencies"]
    declared = {_name(r) for r in [*PYPROJECT["project"]["dependencies"], *extras["test"]]}
    imported = _distributions({m: f for m, f in _third_party_imports(REPO / "tests").items() if m not in _PLATFORM})
    imported.pop("pytest", None)
    missing = {dist: where for dist, where in imported.items() if dist not in declared}
    assert missing == {}, f"imported by tests but not in the core or the test extra: {missing}"


def _copy_checkout(dest: Path) -> Path:
    """The checkout's files without build leftovers, so building never writes into the checkout."""
    ignore = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".pytest_cache",
                                    ".hypothesis", ".ruff_cache")
    shutil.copytree(REPO, dest, ignore=ignore, symlinks=True)
    return dest


@pytest.mark.slow
def test_wheel_installs_in_a_fresh_venv_and_runs_the_demo(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"

    def run(*cmd, cwd=tmp_path, timeout=900):
        done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True,
                              timeout=timeout)
        assert done.returncode == 0, f"{' '.join(map(str, cmd))} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
        return done.stdout

    source = _copy_checkout(tmp_path / "src")
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", tmp_path / "dist", source)
    (wheel,) = (tmp_path / "dist").glob("hrp_coding-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--system-site-packages", venv)
    python = venv / ("Scripts" if os.name == "nt" else "bin") / "python"
    # install the wheel itself into the venv (over any hrp-coding installed outside it), then check that every
    # declared dependency resolves without an index
    run(python, "-m", "pip", "install", "--no-index", "--no-deps", "--force-reinstall", "-q", wheel)
    run(python, "-m", "pip", "install", "--no-index", "-q", wheel)

    work = tmp_path / "elsewhere"
    work.mkdir()
    where = run(python, "-c", "import hrp_coding; print(hrp_coding.__file__)", cwd=work).strip()
    assert Path(where).resolve().is_relative_to(venv.resolve()), where

    code = ("from hrp_coding.codebook import Codebook, shipped_path\n"
            "path = shipped_path('making_room')\n"
            "cb = Codebook.load(path)\n"
            "print(path)\n"
            "print(len(cb.codes), len(cb.children('making_room')))\n")
    path, counts = run(python, "-c", code, cwd=work).splitlines()
    assert Path(path).resolve().is_relative_to(venv.resolve()) and "_data" in Path(path).parts, path
    assert counts.split()[1] == "8"

    hrp = venv / ("Scripts" if os.name == "nt" else "bin") / "hrp-coding"
    out = run(hrp, "demo", "--out", work / "demo", cwd=work)
    assert (work / "demo" / "report.html").is_file()
    assert "jupyter lab" in out
    assert (work / "demo" / "study" / "codings").is_dir()
