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
import difflib
import os
from pathlib import Path
from typing import Any

import yaml

from hrp_coding.codebook.model import (
    CODE_FIELDS,
    COLOR_PATTERN,
    CONTROL_CHARS,
    DEFAULT_CODED_ROLES,
    ID_PATTERN,
    OPERATIONS,
    STATUSES,
    ChangeEntry,
    Code,
    Codebook,
    CodeSet,
    find_cycles,
)
from hrp_coding.errors import CodebookError, Problem
from hrp_coding.limits import MAX_YAML_BYTES, check_file_size, compose_yaml, load_yaml

__all__ = ["codebook_from_data", "dump_yaml", "load_codebook", "validate_data"]

TOP_KEYS = ("name", "version", "description", "citation", "changelog", "codes", "sets", "coded_roles")
TOP_REQUIRED = ("name", "version", "codes")
CODE_REQUIRED = ("id", "name")
CHANGE_KEYS = ("version", "op", "what", "who", "when", "why", "old_ids", "new_ids")
CHANGE_REQUIRED = ("version", "op", "what", "who", "when")
SET_KEYS = ("id", "name", "description", "members")
SET_REQUIRED = ("id", "name")

_TEXT_FIELDS = ("short_definition", "definition", "when_to_use", "when_not_to_use", "memo")
_LIST_FIELDS = ("examples", "near_misses", "keywords")

Path_ = tuple  # a path inside the data: ("codes", 3, "parent")


def _path_str(path: Path_) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Collector:
    """Collects problems, attaching the file and the line/column of the YAML node at each path."""

    def __init__(self, source: str | None, marks: dict[Path_, tuple[int, int]] | None):
        self.source = source
        self.marks = marks or {}
        self.problems: list[Problem] = []

    def add(self, path: Path_, message: str, hint: str | None = None, *, key: bool = False) -> None:
        mark = self.marks.get((*path, "<key>") if key else path) or self.marks.get(path)
        line, column = (mark if mark else (None, None))
        self.problems.append(Problem(_path_str(path) or "(top)", message, hint=hint, file=self.source,
                                     line=line, column=column))


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _check_keys(col: _Collector, path: Path_, data: dict, allowed: tuple[str, ...], required: tuple[str, ...]):
    for key in data:
        if key not in allowed:
            close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
            col.add((*path, key), f"unknown key {key!r}", f"did you mean {close[0]!r}?" if close else
                    f"allowed keys: {', '.join(allowed)}", key=True)
    for key in required:
        if key not in data:
            col.add(path, f"missing required field {key!r}")


def _check_text(col: _Collector, path: Path_, value: Any, *, nullable: bool = True, nonempty: bool = False):
    if value is None and nullable and not nonempty:
        return
    if not isinstance(value, str):
        col.add(path, f"expected text, got {_type_name(value)}")
    elif nonempty and not value.strip():
        col.add(path, "must not be empty")


def _check_string_list(col: _Collector, path: Path_, value: Any):
    if value is None:
        return
    if not isinstance(value, list):
        hint = "write it as a YAML list ('- ...' on each line)" if isinstance(value, str) else None
        col.add(path, f"expected a list of text, got {_type_name(value)}", hint)
        return
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            got = "empty text" if isinstance(item, str) else _type_name(item)
            col.add((*path, i), f"expected non-empty text, got {got}")


def _when(value: Any) -> Any:
    # YAML reads an unquoted 2024-05-01 as a date: accept it and keep the ISO text.
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


def validate_data(data: Any, *, source: str | None = None,
                  marks: dict[Path_, tuple[int, int]] | None = None) -> list[Problem]:
    """Every problem in plain codebook data (as read from YAML), without building anything.

    Examples
    --------
    >>> [str(p) for p in validate_data({"name": "Demo", "version": 0, "codes": [{"id": "a"}]})]
    ['version: expected a whole number >= 1, got 0', "codes[0]: missing required field 'name'"]
    """
    col = _Collector(source, marks)
    if not isinstance(data, dict):
        col.add((), f"expected a mapping with keys name, version and codes, got {_type_name(data)}")
        return col.problems
    _check_keys(col, (), data, TOP_KEYS, TOP_REQUIRED)
    if "name" in data:
        _check_text(col, ("name",), data["name"], nonempty=True)
    if "version" in data:
        v = data["version"]
        if isinstance(v, bool) or not isinstance(v, int) or v < 1:
            col.add(("version",), f"expected a whole number >= 1, got {v!r}")
    for key in ("description", "citation"):
        if key in data:
            _check_text(col, (key,), data[key])
    if "coded_roles" in data:
        roles = data["coded_roles"]
        if not isinstance(roles, list) or not roles or not all(isinstance(r, str) and r.strip() for r in roles):
            col.add(("coded_roles",), f"expected a non-empty list of speaker roles, got {roles!r}",
                    hint="e.g. coded_roles: [participant]")
    codes = data.get("codes")
    ids: dict[str, int] = {}
    parents: dict[str, Any] = {}
    if "codes" in data:
        if not isinstance(codes, list):
            col.add(("codes",), f"expected a list of codes, got {_type_name(codes)}")
            codes = []
        for i, code in enumerate(codes):
            path = ("codes", i)
            if not isinstance(code, dict):
                col.add(path, f"expected a mapping (a code with id, name, ...), got {_type_name(code)}")
                continue
            _check_keys(col, path, code, CODE_FIELDS, CODE_REQUIRED)
            code_id = code.get("id")
            if "id" in code:
                if not isinstance(code_id, str) or not ID_PATTERN.match(code_id):
                    col.add((*path, "id"), f"invalid code id {code_id!r}",
                            "use lowercase letters, digits and underscores, starting with a letter (at most 64)")
                elif code_id in ids:
                    col.add((*path, "id"), f"duplicate code id {code_id!r} (first used at codes[{ids[code_id]}])")
                else:
                    ids[code_id] = i
                    parents[code_id] = code.get("parent")
            if "name" in code:
                _check_text(col, (*path, "name"), code["name"], nonempty=True)
                if isinstance(code["name"], str) and CONTROL_CHARS.search(code["name"]):
                    col.add((*path, "name"), f"the name {code['name']!r} contains a control character",
                            "a name is one line of printable text")
            if code.get("parent") is not None and not isinstance(code.get("parent"), str):
                col.add((*path, "parent"), f"expected a code id or null, got {_type_name(code['parent'])}")
            for key in _TEXT_FIELDS:
                if key in code:
                    _check_text(col, (*path, key), code[key])
            for key in _LIST_FIELDS:
                if key in code:
                    _check_string_list(col, (*path, key), code[key])
            if code.get("color") is not None:
                color = code["color"]
                if not isinstance(color, str) or not COLOR_PATTERN.match(color.lower()):
                    col.add((*path, "color"), f"invalid colour {color!r}", "write it as '#rrggbb', e.g. '#1f77b4'")
            if "status" in code and code["status"] not in STATUSES:
                col.add((*path, "status"), f"unknown status {code['status']!r}", "use 'active' or 'retired'")
            if code.get("in_vivo_quote") is not None:
                _check_text(col, (*path, "in_vivo_quote"), code["in_vivo_quote"], nonempty=True)
            if "codable" in code and not isinstance(code["codable"], bool):
                col.add((*path, "codable"), f"expected true or false, got {_type_name(code['codable'])}")
        known = list(ids)
        for i, code in enumerate(codes):
            if isinstance(code, dict) and isinstance(code.get("parent"), str) and code["parent"] not in ids:
                close = difflib.get_close_matches(code["parent"], known, n=1)
                col.add(("codes", i, "parent"), f"unknown code {code['parent']!r}",
                        f"did you mean {close[0]!r}?" if close else "no code has this id")
        graph = {k: (p if isinstance(p, str) and p in ids else None) for k, p in parents.items()}
        for cycle in find_cycles(graph):
            col.add(("codes", ids[cycle[0]], "parent"), "parent cycle " + " -> ".join(cycle),
                    "a code cannot be its own ancestor; give one of them another parent")
    if "changelog" in data:
        log = data["changelog"]
        if not isinstance(log, list):
            col.add(("changelog",), f"expected a list of changes, got {_type_name(log)}")
            log = []
        for i, entry in enumerate(log):
            path = ("changelog", i)
            if not isinstance(entry, dict):
                col.add(path, f"expected a mapping (version, op, what, who, when, why), got {_type_name(entry)}")
                continue
            _check_keys(col, path, entry, CHANGE_KEYS, CHANGE_REQUIRED)
            v = entry.get("version")
            if "version" in entry and (isinstance(v, bool) or not isinstance(v, int) or v < 1):
                col.add((*path, "version"), f"expected a whole number >= 1, got {v!r}")
            if "op" in entry and entry["op"] not in OPERATIONS:
                close = difflib.get_close_matches(str(entry["op"]), OPERATIONS, n=1)
                col.add((*path, "op"), f"unknown operation {entry['op']!r}",
                        f"did you mean {close[0]!r}?" if close else f"allowed: {', '.join(OPERATIONS)}")
            for key in ("what", "who", "why"):
                if key in entry:
                    _check_text(col, (*path, key), entry[key], nullable=key == "why")
            if "when" in entry:
                _check_text(col, (*path, "when"), _when(entry["when"]), nullable=False)
            for key in ("old_ids", "new_ids"):
                if key in entry:
                    _check_string_list(col, (*path, key), entry[key])
    if "sets" in data:
        sets = data["sets"]
        if not isinstance(sets, list):
            col.add(("sets",), f"expected a list of code sets, got {_type_name(sets)}")
            sets = []
        for i, s in enumerate(sets):
            path = ("sets", i)
            if not isinstance(s, dict):
                col.add(path, f"expected a mapping (id, name, members), got {_type_name(s)}")
                continue
            _check_keys(col, path, s, SET_KEYS, SET_REQUIRED)
            if "id" in s:
                _check_text(col, (*path, "id"), s["id"], nonempty=True)
            if "name" in s:
                _check_text(col, (*path, "name"), s["name"], nonempty=True)
            if "description" in s:
                _check_text(col, (*path, "description"), s["description"])
            if "members" in s:
                _check_string_list(col, (*path, "members"), s["members"])
                for j, member in enumerate(s["members"] if isinstance(s["members"], list) else []):
                    if isinstance(member, str) and member not in ids and ids:
                        close = difflib.get_close_matches(member, list(ids), n=1)
                        col.add((*path, "members", j), f"unknown code {member!r}",
                                f"did you mean {close[0]!r}?" if close else None)
    return col.problems


def codebook_from_data(data: Any, *, source: str | None = None,
                       marks: dict[Path_, tuple[int, int]] | None = None, comment: str = "") -> Codebook:
    """Validate plain data and build a :class:`Codebook`; raises :class:`CodebookError` listing every problem.

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


def _marks(node: yaml.Node | None, path: Path_, out: dict, col: _Collector) -> None:
    if node is None:
        return
    out[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.start_mark)
            child = (*path, key)
            if key in seen:
                col.problems.append(Problem(_path_str(child), f"duplicate key {key!r} (also on line {seen[key]})",
                                            hint="a YAML mapping keeps only the last value; remove one",
                                            file=col.source, line=key_node.start_mark.line + 1,
                                            column=key_node.start_mark.column + 1))
            seen.setdefault(key, key_node.start_mark.line + 1)
            out[(*child, "<key>")] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            _marks(value_node, child, out, col)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _marks(item, (*path, i), out, col)


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
    """Parse and validate YAML text (``source`` names it in errors)."""
    col = _Collector(source, None)
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
    _marks(node, (), marks, col)
    problems = list(col.problems)
    try:
        cb = codebook_from_data(data, source=source, marks=marks, comment=_leading_comment(text))
    except CodebookError as err:
        raise CodebookError(problems + err.problems, source=source) from None
    if problems:
        raise CodebookError(problems, source=source)
    return cb


def load_codebook(path: str | os.PathLike) -> Codebook:
    """Read and validate a YAML codebook file (only read, never modified).

    Raises
    ------
    FileNotFoundError
        When ``path`` does not exist.
    CodebookError
        Listing every problem, each with its path, line and column.
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

