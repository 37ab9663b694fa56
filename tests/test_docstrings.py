"""The numpydoc checker (.ci/docstrings.py) finds what a public function's docstring lacks.

The house rule is numpydoc docstrings with Parameters, Returns and runnable Examples for every public
function. The checker is tested here on a small package written for the test; the repository's own count
is printed by ``python .ci/docstrings.py`` (``--list`` names each function) and must be zero: the last test
here fails, naming each function, when a public function lacks a section.
"""

from __future__ import annotations

import importlib.util
import textwrap

from _paths import REPO


def _checker():
    spec = importlib.util.spec_from_file_location("ci_docstrings", REPO / ".ci" / "docstrings.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


COMPLETE = '''
    """Add two numbers.

    Parameters
    ----------
    a, b : int
        The numbers.

    Returns
    -------
    int
        Their sum.

    Examples
    --------
    >>> add(1, 2)
    3
    """
'''


def test_checker_names_each_lacking_section(tmp_path):
    package = tmp_path / "hrp_coding"
    (package / "_private").mkdir(parents=True)
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "_private" / "hidden.py").write_text("def nothing(x):\n    return x\n", encoding="utf-8")
    source = f'''
def add(a, b):{COMPLETE}    return a + b

def bare(a):
    """No sections at all."""
    return a

def quiet():
    """Returns nothing, takes nothing.

    Examples
    --------
    >>> quiet()
    """
    return None

def generator(n: int):
    """Yields without saying so.

    Parameters
    ----------
    n : int
        How many.

    Examples
    --------
    >>> list(generator(1))
    [0]
    """
    yield from range(n)

def annotated() -> int:
    """Says nothing of its return value."""
    def helper():
        return 1
    return helper()

def _private(a):
    return a

class Thing:
    def method(self, x):
        """Lacks everything."""
        return x

    def __len__(self):
        return 0

    @property
    def size(self) -> int:
        """The size (an attribute: no sections needed)."""
        return 1

class _Hidden:
    def method(self, x):
        return x

class Child(Thing):
    def method(self, x):
        return 2 * x

class Base:
    def run(self, n):{textwrap.indent(COMPLETE, "    ")}        return n

class Derived(Base):
    def run(self, n):
        return n + 1
'''
    (package / "mod.py").write_text(textwrap.dedent(source), encoding="utf-8")
    found = {name: lacking for _, name, lacking in _checker().missing_sections(tmp_path)}
    assert found == {
        "add": [],
        "bare": ["Parameters", "Returns", "Examples"],
        "quiet": [],
        "generator": ["Returns"],
        "annotated": ["Returns", "Examples"],
        "Thing.method": ["Parameters", "Returns", "Examples"],
        "Thing.size": [],
        "Child.method": ["Parameters", "Returns", "Examples"],
        "Base.run": [],
        "Derived.run": [],
    }


def test_every_public_function_of_the_package_is_complete(capsys):
    """The house rule, enforced: no public function or method lacks Parameters, Returns or Examples."""
    assert _checker().main([str(REPO), "--list"]) == 0
    out = capsys.readouterr().out.splitlines()
    lacking = [line for line in out if line.startswith("hrp_coding/")]
    assert lacking == []
    total = next(line for line in out if line.startswith("total")).split()
    assert int(total[1]) > 600 and total[3:5] == ["0", "incomplete:"]
