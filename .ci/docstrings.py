"""Count the public functions of hrp_coding whose numpydoc docstring lacks a section.

Public: a function or method whose name and module path have no leading underscore (dunder methods
excluded), defined in hrp_coding/. A function "needs Parameters" when it takes an argument other than
self/cls. Prints one line per package and a total; ``--list`` names every function lacking Parameters.

    python .ci/docstrings.py [--list] [ROOT]
"""

from __future__ import annotations

import ast
import sys
from collections import Counter
from pathlib import Path


def _public_functions(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))

    def visit(body, owner=""):
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                if not node.name.startswith("_"):
                    yield f"{owner}{node.name}", node
            elif isinstance(node, ast.ClassDef) and not node.name.startswith("_"):
                yield from visit(node.body, f"{node.name}.")

    yield from visit(tree.body)


def _needs_parameters(node) -> bool:
    args = [a.arg for a in (*node.args.posonlyargs, *node.args.args, *node.args.kwonlyargs)]
    args = [a for a in args if a not in ("self", "cls")]
    return bool(args or node.args.vararg or node.args.kwarg)


def main(argv: list[str]) -> int:
    show = "--list" in argv
    rest = [a for a in argv if a != "--list"]
    root = Path(rest[0]) if rest else Path(__file__).resolve().parents[1]
    package = root / "hrp_coding"
    totals: Counter = Counter()
    per_package: dict[str, Counter] = {}
    missing: list[str] = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(root)
        if any(part.startswith("_") and part != "__init__.py" for part in rel.parts):
            continue
        group = rel.parts[1] if len(rel.parts) > 2 else rel.stem
        counts = per_package.setdefault(group, Counter())
        for name, node in _public_functions(path):
            doc = ast.get_docstring(node) or ""
            counts["public"] += 1
            if _needs_parameters(node):
                counts["need Parameters"] += 1
                if "Parameters\n----------" not in doc:
                    counts["lack Parameters"] += 1
                    missing.append(f"{rel}::{name}")
            counts["lack Returns"] += "Returns\n-------" not in doc and "Yields\n------" not in doc
            counts["lack Examples"] += "Examples\n--------" not in doc
    for group, counts in sorted(per_package.items()):
        totals.update(counts)
        print(f"{group:14} {counts['public']:4} public, {counts['lack Parameters']:4} of "
              f"{counts['need Parameters']:4} lack Parameters, {counts['lack Returns']:4} lack Returns, "
              f"{counts['lack Examples']:4} lack Examples")
    print(f"{'total':14} {totals['public']:4} public, {totals['lack Parameters']:4} of {totals['need Parameters']:4} "
          f"lack Parameters, {totals['lack Returns']:4} lack Returns, {totals['lack Examples']:4} lack Examples")
    if show:
        print("\n".join(missing))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
