"""Honest dependencies (issue 14.5): every third-party module the package imports (at the top of a module or
inside a function) is a declared core dependency, and every core dependency is imported somewhere."""

from __future__ import annotations

import ast
import functools
import importlib.metadata
import re
import sys

from _paths import REPO

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

#: Declared though no module imports them: JupyterLab, which the demo's last line starts ("jupyter lab
#: notebooks/"), and openpyxl, the engine ``pandas.read_excel(engine="openpyxl")`` loads for ``.xlsx`` transcripts.
NOT_IMPORTED_ON_PURPOSE = {"jupyterlab", "openpyxl"}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _declared() -> set[str]:
    data = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    return {_norm(re.split(r"[<>=!~;\[ ]", dep, maxsplit=1)[0]) for dep in data["project"]["dependencies"]}


def _imported_modules() -> dict[str, str]:
    """Top-level module name -> one file importing it, over every module of hrp_coding/."""
    found: dict[str, str] = {}
    for path in sorted((REPO / "hrp_coding").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                found.setdefault(name.split(".")[0], str(path.relative_to(REPO)))
    return found


def _third_party(modules: dict[str, str]) -> dict[str, str]:
    return {m: f for m, f in modules.items() if m not in sys.stdlib_module_names and m not in ("hrp_coding",)}


@functools.cache
def _packages() -> dict[str, list[str]]:
    return importlib.metadata.packages_distributions()


def _distributions(module: str) -> set[str]:
    return {_norm(d) for d in _packages().get(module, [])}


def test_every_imported_library_is_declared():
    declared = _declared()
    undeclared = {m: f for m, f in _third_party(_imported_modules()).items() if not _distributions(m) & declared}
    assert not undeclared, f"imported but not in [project] dependencies: {undeclared}"


def test_every_declared_library_is_imported():
    imported = set()
    for module in _third_party(_imported_modules()):
        imported |= _distributions(module)
    unused = _declared() - imported - NOT_IMPORTED_ON_PURPOSE
    assert not unused, f"declared in [project] dependencies but never imported by hrp_coding: {sorted(unused)}"
