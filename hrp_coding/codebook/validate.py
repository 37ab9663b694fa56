"""Reading, validating and writing YAML codebooks.

Validation is lazy: every problem in the file is collected before :class:`~hrp_coding.errors.CodebookError`
is raised, each with its path inside the data (``codes[3].parent``), the line and column in the file when
known, and a hint (``did you mean 'holding'?``). The file is only ever read.

Examples
--------
>>> import tempfile, pathlib
>>> bad = pathlib.Path(tempfile.mkdtemp()) / "bad.yaml"
>>> _ = bad.write_text("name: Demo\\nversion: 1\\ncodes:\\n- id: care\\n  name: Care\\n  colour: '#ff0000'\\n"
...                    "- id: holding\\n  name: Holding\\n  parent: cares\\n")
>>> try:
...     load_codebook(bad)
... except CodebookError as err:
...     print(str(err).split(": ", 1)[1])
2 problems
  codes[0].colour (line 6, column 3): unknown key 'colour' (did you mean 'color'?)
  codes[1].parent (line 9, column 11): unknown code 'cares' (did you mean 'care'?)
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import yaml

from hrp_coding.codebook import rules
from hrp_coding.codebook.model import DEFAULT_CODED_ROLES, ChangeEntry, Code, Codebook, CodeSet
from hrp_coding.errors import CodebookError, Problem
from hrp_coding.limits import MAX_YAML_BYTES, check_file_size, compose_yaml, load_yaml

__all__ = ["codebook_from_data", "dump_yaml", "load_codebook", "validate_data"]

_LIST_FIELDS = ("examples", "near_misses", "keywords")

Path_ = tuple  # a path inside the data: ("codes", 3, "parent")


def _when(value: Any) -> Any:
    # YAML reads an unquoted 2024-05-01 as a date: accept it and keep the ISO text.
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def _with_iso_dates(data: Any) -> Any:
    """A shallow copy of ``data`` whose changelog ``when`` dates (YAML date values) are ISO text."""
    if not isinstance(data, dict) or not isinstance(data.get("changelog"), list):
        return data
    log = [{**entry, "when": _when(entry["when"])} if isinstance(entry, dict) and "when" in entry else entry
           for entry in data["changelog"]]
    return {**data, "changelog": log}


def validate_data(data: Any, *, source: str | None = None,
                  marks: dict[Path_, tuple[int, int]] | None = None) -> list[Problem]:
    """Every problem in plain codebook data (as read from YAML), without building anything.

    The rules are those of :mod:`hrp_coding.codebook.rules` (``codebook/schema.json`` and the semantic pass).

    Parameters
    ----------
    data : Any
        Plain data, as ``yaml.safe_load`` returns it.
    source : str, optional
        The file named in each problem.
    marks : dict, optional
        Data path -> (line, column) in the file.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> [str(p) for p in validate_data({"name": "Demo", "version": 0, "codes": [{"id": "a"}]})]
    ['version: expected a whole number >= 1, got 0', "codes[0]: missing required field 'name'"]
    """
    return rules.problems(_with_iso_dates(data), source=source, marks=marks)


def codebook_from_data(data: Any, *, source: str | None = None,
                       marks: dict[Path_, tuple[int, int]] | None = None, comment: str = "") -> Codebook:
    """Validate plain data and build a :class:`Codebook`; raises :class:`CodebookError` listing every problem.

    Parameters
    ----------
    data : Any
        Plain data as read from YAML or JSON.
    source : str, optional
        The file named in problems.
    marks : dict, optional
        Data path -> (line, column) in the file.
    comment : str, default ""
        The file's leading comment block, kept when saving.

    Returns
    -------
    Codebook

    Examples
    --------
    >>> cb = codebook_from_data({"name": "Demo", "version": 1, "codes": [{"id": "care", "name": "Care"}]})
    >>> cb.codes["care"].name
    'Care'
    """
    problems = validate_data(data, source=source, marks=marks)
    if problems:
        raise CodebookError(problems, source=source)
    codes = []
    for raw in data["codes"]:
        fields = {k: v for k, v in raw.items() if v is not None or k in ("parent", "in_vivo_quote")}
        for key in _LIST_FIELDS:
            fields[key] = tuple(fields.get(key) or ())
        codes.append(Code(**fields))
    changelog = []
    for raw in data.get("changelog") or []:
        entry = dict(raw)
        entry["when"] = _when(entry["when"])
        entry["why"] = entry.get("why") or ""
        entry["old_ids"] = tuple(entry.get("old_ids") or ())
        entry["new_ids"] = tuple(entry.get("new_ids") or ())
        changelog.append(ChangeEntry(**entry))
    sets = [CodeSet(s["id"], s["name"], s.get("description") or "", tuple(s.get("members") or ()))
            for s in data.get("sets") or []]
    try:
        return Codebook(name=data["name"], version=data["version"], codes=codes, changelog=tuple(changelog),
                        citation=data.get("citation") or "", description=data.get("description") or "",
                        sets=tuple(sets), comment=comment,
                        coded_roles=tuple(data.get("coded_roles") or DEFAULT_CODED_ROLES))
    except CodebookError as err:  # an invariant the data checks above do not cover
        raise CodebookError(err.problems, source=source) from None


# ---------------------------------------------------------------------------------------------- reading files
def _decode(raw: bytes, source: str) -> str:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise CodebookError([Problem("(file)", "the file is UTF-16 encoded (it starts with a UTF-16 byte order mark)",
                                     hint="save it as UTF-8", file=source)], source=source)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as err:
        offset = err.start
        line = raw[:offset].count(b"\n") + 1
        column = offset - (raw.rfind(b"\n", 0, offset) + 1) + 1
        guess = ""
        try:
            raw.decode("cp1252")
            guess = " (it looks like Windows-1252/Latin-1)"
        except UnicodeDecodeError:
            pass
        raise CodebookError([Problem("(file)", f"not valid UTF-8: byte 0x{raw[offset]:02x} at byte offset {offset}"
                                     f"{guess}", hint="save the file as UTF-8", file=source, line=line,
                                     column=column)], source=source) from None


def _marks(node: yaml.Node | None, path: Path_, out: dict, problems: list[Problem], source: str) -> None:
    """Record the line and column of every node; duplicate keys (YAML keeps only the last) become problems."""
    if node is None:
        return
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            child = (*path, key)
            if key in seen:
                problems.append(Problem(rules.path_str(child), f"duplicate key {key!r} (also on line {seen[key]})",
                                        hint="a YAML mapping keeps only the last value; remove one",
                                        file=source, line=key_node.start_mark.line + 1,
                                        column=key_node.start_mark.column + 1))
            seen.setdefault(key, key_node.start_mark.line + 1)
            out[(*child, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _marks(value_node, child, out, problems, source)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _marks(item, (*path, i), out, problems, source)


def _leading_comment(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#") or (not line.strip() and lines):
            lines.append(line)
        else:
            break
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def parse_codebook_text(text: str, *, source: str) -> Codebook:
    """Parse and validate YAML text.

    Parameters
    ----------
    text : str
        The YAML text of a codebook.
    source : str
        Names it in errors (a file name).

    Returns
    -------
    Codebook
        Raises :class:`CodebookError` listing every problem with its line and column.

    Examples
    --------
    >>> parse_codebook_text("name: D\\nversion: 1\\ncodes:\\n- id: care\\n  name: Care\\n", source="x.yaml").version
    1
    """
    try:
        data = load_yaml(text, source=source, error=CodebookError)  # safe, aliases and size bounded
        node = compose_yaml(text, source=source, error=CodebookError)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        message = " ".join(str(part) for part in (getattr(err, "context", None), getattr(err, "problem", None))
                           if part) or str(err)
        raise CodebookError([Problem("(yaml)", f"malformed YAML: {message}", hint="check the indentation and "
                                     "quoting around this position", file=source,
                                     line=mark.line + 1 if mark else None,
                                     column=mark.column + 1 if mark else None)], source=source) from None
    if data is None:
        raise CodebookError([Problem("(file)", "the file is empty", hint="a codebook needs name, version and codes",
                                     file=source)], source=source)
    marks: dict[Path_, tuple[int, int]] = {}
    problems: list[Problem] = []
    _marks(node, (), marks, problems, source)
    try:
        cb = codebook_from_data(data, source=source, marks=marks, comment=_leading_comment(text))
    except CodebookError as err:
        raise CodebookError(problems + err.problems, source=source) from None
    if problems:
        raise CodebookError(problems, source=source)
    return cb


def load_codebook(path: str | os.PathLike) -> Codebook:
    """Read and validate a YAML codebook file (only read, never modified).

    Parameters
    ----------
    path : str or PathLike
        The YAML file (UTF-8; at most ``MAX_YAML_BYTES``).

    Returns
    -------
    Codebook
        Validated against ``codebook/schema.json`` and the semantic rules (ids, parents, cycles).

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    CodebookError
        Listing every problem, each with its path, line and column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
    >>> _ = path.write_text("name: Demo\\nversion: 1\\ncodes:\\n  - id: care\\n    name: Care\\n"
    ...                     "  - id: held\\n    name: Held\\n    parent: care\\n", encoding="utf-8")
    >>> load_codebook(path).walk()
    ('care', 'held')
    >>> _ = path.write_text("name: Demo\\nversion: 1\\ncodes:\\n  - id: held\\n    name: Held\\n    parent: cure\\n",
    ...                     encoding="utf-8")
    >>> load_codebook(path)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hrp_coding.errors.CodebookError: ...parent...cure...
    """
    path = Path(path)
    source = str(path)
    check_file_size(path, MAX_YAML_BYTES, what="codebook file", error=CodebookError, setting="MAX_YAML_BYTES")
    raw = path.read_bytes()
    return parse_codebook_text(_decode(raw, source), source=source)


# ---------------------------------------------------------------------------------------------- writing
class _Dumper(yaml.SafeDumper):
    """Block style for multi-line text, lists indented under their key."""

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        style = "|"
    elif len(value) > 60 and value == value.strip() and "  " not in value:
        style = ">"  # long prose: folded, so the file reads like the hand-written ones
    else:
        style = None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)

_OMIT_DEFAULTS = {"in_vivo_quote": None, "codable": True}


def dump_yaml(cb: Codebook) -> str:
    """The YAML text of a codebook: the leading comment, then name, version, ..., codes (file order).

    Parameters
    ----------
    cb : Codebook
        Written in file order, after its leading comment.

    Returns
    -------
    str

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care", color="#1f77b4")])
    >>> print(dump_yaml(cb))  # doctest: +NORMALIZE_WHITESPACE
    name: Demo
    version: 1
    description: ''
    citation: ''
    changelog: []
    codes:
      - id: care
        name: Care
        parent: null
        short_definition: ''
        definition: ''
        when_to_use: ''
        when_not_to_use: ''
        examples: []
        near_misses: []
        keywords: []
        color: '#1f77b4'
        memo: ''
        status: active
    """
    data = cb.to_dict()
    data["changelog"] = [{k: v for k, v in entry.items() if v or k not in ("old_ids", "new_ids")}
                         for entry in data["changelog"]]
    data["codes"] = [{k: v for k, v in code.items() if not (k in _OMIT_DEFAULTS and v == _OMIT_DEFAULTS[k])}
                     for code in data["codes"]]
    body = yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=110, default_flow_style=False)
    comment = cb.comment.strip("\n")
    return (comment + "\n\n" + body) if comment else body

