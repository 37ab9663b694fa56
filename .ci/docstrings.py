"""Count the public functions of hrp_coding whose numpydoc docstring lacks a section.

Public: a function or method whose name and module path have no leading underscore (dunder methods
excluded), defined in hrp_coding/, including the methods of public classes. A function lacks

- ``Parameters`` when it takes an argument other than self/cls and its docstring has no such section;
- ``Returns`` (or ``Yields``) when it returns something other than None (a return annotation other than
  ``None``/``NoReturn``, or a ``return <value>`` / ``yield`` in its own body) and has no such section;
  properties are documented as attributes (a summary line) and need neither;
- ``Examples`` when its docstring has no such section (properties excepted).

A method without a docstring of its own that overrides a documented method of a base class in the same module
is judged by the inherited docstring, as :func:`inspect.getdoc` and ``help()`` show it.

Prints one line per package and a total; ``--list`` names every function lacking a section, with the
sections it lacks. :func:`missing_sections` is what ``tests/test_docstrings.py`` uses.

    python .ci/docstrings.py [--list] [ROOT]
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path

SECTIONS = ("Parameters", "Returns", "Examples")


def _public_functions(path: Path):
    """Yield ``(qualified name, node, docstring)``; a method without a docstring of its own inherits the one of
    the method it overrides in a base class of the same module (as :func:`inspect.getdoc` does)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    classes = {node.name: node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)}

    def inherited(cls: ast.ClassDef, name: str, seen: frozenset = frozenset()) -> str:
        for base in cls.bases:
            parent = classes.get(ast.unparse(base))
            if parent is None or parent.name in seen:
                continue
            for node in parent.body:
                if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                    doc = ast.get_docstring(node)
                    if doc:
                        return doc
            doc = inherited(parent, name, seen | {parent.name})
            if doc:
                return doc
        return ""

    def visit(body, owner="", cls=None):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not node.name.startswith("_"):
                    doc = ast.get_docstring(node) or (inherited(cls, node.name) if cls is not None else "")
                    yield f"{owner}{node.name}", node, doc
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                yield from visit(node.body, f"{owner}{node.name}.", node)

    yield from visit(tree.body)


def _needs_parameters(node) -> bool:
    args = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    args = [a for a in args if a not in ("self", "cls")]
    return bool(args or node.args.vararg or node.args.kwarg)


def _own_nodes(node):
    """The nodes of a function's body, not descending into nested functions, lambdas or classes."""
    stack = list(node.body)
    while stack:
        child = stack.pop()
        yield child
        if not isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)):
            stack.extend(ast.iter_child_nodes(child))


def _returns_value(node) -> bool:
    if node.returns is not None:
        text = ast.unparse(node.returns).strip("'\"")
        return text not in ("None", "NoReturn", "typing.NoReturn", "Never")
    for child in _own_nodes(node):
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            return True
        if (isinstance(child, ast.Return) and child.value is not None
                and not (isinstance(child.value, ast.Constant) and child.value.value is None)):
            return True
    return False


def _is_property(node) -> bool:
    for deco in node.decorator_list:
        name = ast.unparse(deco)
        if name in ("property", "functools.cached_property", "cached_property") or name.endswith(
            (".setter", ".getter", ".deleter")
        ):
            return True
    return False


def _has(doc: str, section: str) -> bool:
    return f"{section}\n{'-' * len(section)}" in doc


def missing_sections(root: Path):
    """Yield ``(module path, qualified name, [lacking sections])`` for every public function of root/hrp_coding."""
    package = root / "hrp_coding"
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part.startswith("_") and part != "__init__.py" for part in rel.parts):
            continue
        for name, node, doc in _public_functions(path):
            lacking = []
            if _needs_parameters(node) and not _has(doc, "Parameters"):
                lacking.append("Parameters")
            if not _is_property(node):
                if _returns_value(node) and not (_has(doc, "Returns") or _has(doc, "Yields")):
                    lacking.append("Returns")
                if not _has(doc, "Examples"):
                    lacking.append("Examples")
            yield rel, name, lacking


def main(argv: list[str]) -> int:
    show = "--list" in argv
    rest = [a for a in argv if a != "--list"]
    root = Path(rest[0]) if rest else Path(__file__).resolve().parents[1]
    per_package: dict[str, Counter] = {}
    missing: list[str] = []
    for rel, name, lacking in missing_sections(root):
        group = rel.parts[1] if len(rel.parts) > 2 else rel.stem
        counts = per_package.setdefault(group, Counter())
        counts["public"] += 1
        counts["complete"] += not lacking
        for section in lacking:
            counts[section] += 1
        if lacking:
            missing.append(f"{rel}::{name}  lacks {', '.join(lacking)}")
    totals: Counter = Counter()
    for group, counts in [*sorted(per_package.items()), ("total", None)]:
        if counts is None:
            counts = totals
        else:
            totals.update(counts)
        print(f"{group:14} {counts['public']:4} public, {counts['public'] - counts['complete']:4} incomplete: "
              + ", ".join(f"{counts[s]:4} lack {s}" for s in SECTIONS))
    if show:
        print("\n".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
