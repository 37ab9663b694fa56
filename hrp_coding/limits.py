"""Bounds on hostile input: file sizes, YAML aliases, transcript length; and the one safe YAML loader.

Every YAML file hrp-coding reads (codebooks, ``hrp-project.yaml``, transcript sidecars, the
de-identification key, REFI side files) goes through :func:`load_yaml` / :func:`read_yaml`: a
safe loader (no Python tags; libyaml when available) that refuses, before building anything,
files larger than :data:`MAX_YAML_BYTES` and documents whose aliases (``*name``) would expand to more
than :data:`MAX_YAML_ALIAS_NODES` nodes, the "billion laughs" that otherwise take minutes and
gigabytes. Each refusal is an error of the caller's choosing from :mod:`hrp_coding.errors`,
naming the file and the limit.

Examples
--------
>>> load_yaml("a: &x [1, 2]\\nb: *x\\n", source="ok.yaml")
{'a': [1, 2], 'b': [1, 2]}
>>> bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\\n" + "".join(
...     f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 10)}]\\n" for i in range(8))
>>> load_yaml(bomb, source="bomb.yaml")
Traceback (most recent call last):
...
hrp_coding.errors.ProjectError: bomb.yaml: YAML aliases expand to more than 100,000 nodes ...
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from hrp_coding.errors import Problem, ProjectError, _ProblemsError

__all__ = ["MAX_MODEL_BYTES", "MAX_TRANSCRIPT_CHARS", "MAX_YAML_ALIASES", "MAX_YAML_ALIAS_NODES", "MAX_YAML_BYTES",
           "check_file_size", "check_transcript_size", "compose_yaml", "load_yaml", "read_yaml"]

#: largest YAML file read (a sidecar of a 10 MiB transcript is about 12 MB)
MAX_YAML_BYTES = 64 * 2**20
#: most aliases (``*name``) in one YAML document
MAX_YAML_ALIASES = 1_000
#: most nodes the aliases of one YAML document may stand for, all expanded
MAX_YAML_ALIAS_NODES = 100_000
#: longest transcript text, in characters (code points)
MAX_TRANSCRIPT_CHARS = 32 * 2**20
#: largest saved suggester model file
MAX_MODEL_BYTES = 256 * 2**20


def _refuse(error: type[Exception], source: str, message: str, hint: str | None = None) -> Exception:
    if issubclass(error, _ProblemsError):
        return error([Problem("(file)", message, hint=hint, file=source)], source=source)
    return error(f"{source}: {message}" + (f" ({hint})" if hint else ""))


def check_file_size(path: str | os.PathLike, limit: int, *, what: str, error: type[Exception] = ProjectError,
                    setting: str | None = None) -> int:
    """The size of ``path`` in bytes, or ``error`` if it is over ``limit`` (checked before anything is read).

    Parameters
    ----------
    path : str or os.PathLike
        The file (only its size is read).
    limit : int
        The most bytes allowed.
    what : str
        Names the file's kind in the message (``"YAML file"``, ``"model file"``).
    error : exception class, default ProjectError
        What to raise (a catalogue error of :mod:`hrp_coding.errors`).
    setting : str, optional
        The ``hrp_coding.limits`` constant the message suggests raising for a trusted file.

    Returns
    -------
    int
        The file's size in bytes.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = path.write_text("a: 1\\n")
    >>> check_file_size(path, 10, what="YAML file")
    5
    """
    size = os.stat(path).st_size
    if size > limit:
        raise _refuse(error, str(path), f"the {what} is {size:,} bytes, over the limit of {limit:,} bytes",
                      hint=f"raise hrp_coding.limits.{setting} if this file is trusted" if setting else None)
    return size


def check_transcript_size(text: str, *, source: str, error: type[Exception] = ProjectError) -> str:
    """``text``, or ``error`` when it is longer than :data:`MAX_TRANSCRIPT_CHARS` characters.

    Parameters
    ----------
    text : str
        A transcript's canonical text.
    source, error
        Name the transcript in the message, and what to raise (as for :func:`load_yaml`).

    Returns
    -------
    str
        ``text`` itself, unchanged.

    Examples
    --------
    >>> check_transcript_size("P01: hello", source="P01")
    'P01: hello'
    """
    if len(text) > MAX_TRANSCRIPT_CHARS:
        raise _refuse(error, source, f"the transcript has {len(text):,} characters, over the limit of "
                      f"{MAX_TRANSCRIPT_CHARS:,}", hint="split it into several transcripts, or raise "
                      "hrp_coding.limits.MAX_TRANSCRIPT_CHARS if it is trusted")
    return text


def _loader():
    import yaml

    return getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: same result, faster


def _check_aliases(text: str, source: str, error: type[Exception]) -> None:
    """Walk the parse events (no objects built) and refuse aliases that expand too far."""
    if "*" not in text:  # no alias indicator anywhere: nothing can expand
        return
    import yaml

    sizes: dict[str, int] = {}
    stack: list[list] = []  # [anchor, nodes so far] of each open collection
    aliases = expanded = 0

    def add(n: int) -> None:
        if stack:
            stack[-1][1] += n

    for event in yaml.parse(text, Loader=_loader()):
        if isinstance(event, yaml.ScalarEvent):
            if event.anchor:
                sizes[event.anchor] = 1
            add(1)
        elif isinstance(event, yaml.AliasEvent):
            n = sizes.get(event.anchor, 1)
            aliases += 1
            expanded += n
            if aliases > MAX_YAML_ALIASES:
                raise _refuse(error, source, f"more than {MAX_YAML_ALIASES:,} YAML aliases (*name)",
                              hint="write the values out; hrp-coding never writes aliases")
            if expanded > MAX_YAML_ALIAS_NODES:
                raise _refuse(error, source, f"YAML aliases expand to more than {MAX_YAML_ALIAS_NODES:,} nodes "
                              "(a 'billion laughs' document?)", hint="write the values out")
            add(n)
        elif isinstance(event, yaml.CollectionStartEvent):
            stack.append([event.anchor, 1])
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, n = stack.pop()
            if anchor:
                sizes[anchor] = n
            add(n)
        elif isinstance(event, yaml.DocumentStartEvent):
            sizes.clear()


def _check_text(text: str, source: str, error: type[Exception]) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise _refuse(error, source, f"the YAML text has {len(text):,} characters, over the limit of "
                      f"{MAX_YAML_BYTES:,}", hint="raise hrp_coding.limits.MAX_YAML_BYTES if it is trusted")
    _check_aliases(text, source, error)


def load_yaml(text: str, *, source: str, error: type[Exception] = ProjectError) -> Any:
    """Parse YAML ``text`` safely and within bounds (see the module docstring).

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        Names the document in errors (a file path).
    error : exception class
        What to raise when a limit is exceeded (e.g. :class:`~hrp_coding.errors.CodebookError`).
        Malformed YAML raises :class:`yaml.YAMLError` as usual, for the caller to report.

    Returns
    -------
    object
        The loaded data (plain dicts, lists and scalars).

    Examples
    --------
    >>> load_yaml("codes: [care, holding]", source="codebook.yaml")
    {'codes': ['care', 'holding']}
    """
    import yaml

    return _bounded(yaml.load, text, source, error)


def compose_yaml(text: str, *, source: str, error: type[Exception] = ProjectError):
    """The YAML node tree of ``text`` (for line numbers), within the same bounds as :func:`load_yaml`.

    Parameters
    ----------
    text : str
        The YAML document.
    source, error
        As for :func:`load_yaml`.

    Returns
    -------
    yaml.Node or None
        The root node (its ``start_mark`` gives line and column), None for an empty document.

    Examples
    --------
    >>> node = compose_yaml("name: Demo\\ncodes:\\n  - care\\n", source="codebook.yaml")
    >>> [(key.value, value.start_mark.line + 1) for key, value in node.value]
    [('name', 1), ('codes', 3)]
    """
    import yaml

    return _bounded(yaml.compose, text, source, error)


def _bounded(parse, text: str, source: str, error: type[Exception]):
    """``parse(text)`` (``yaml.load`` or ``yaml.compose``) with the size, alias and nesting bounds."""
    _check_text(text, source, error)
    try:
        return parse(text, Loader=_loader())
    except RecursionError:
        raise _refuse(error, source, "the YAML is nested too deeply") from None


def read_yaml(path: str | os.PathLike, *, error: type[Exception] = ProjectError) -> Any:
    """Read and parse a YAML file; its size is checked against :data:`MAX_YAML_BYTES` before it is read.

    Parameters
    ----------
    path : str or os.PathLike
        The YAML file, read as UTF-8.
    error : exception class, default ProjectError
        What to raise when the file is too large or its aliases expand too far.

    Returns
    -------
    object
        What :func:`load_yaml` returns for the file's text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "x.yaml"
    >>> _ = path.write_text("a: 1\\n")
    >>> read_yaml(path)
    {'a': 1}
    """
    path = Path(path)
    check_file_size(path, MAX_YAML_BYTES, what="YAML file", error=error, setting="MAX_YAML_BYTES")
    return load_yaml(path.read_text(encoding="utf-8"), source=str(path), error=error)
