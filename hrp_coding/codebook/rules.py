"""The codebook's rules, in one place: ``codebook/schema.json`` plus one semantic pass.

The JSON Schema holds every structural rule (keys, required fields, types, id and colour patterns, statuses,
operations) and the wording of its messages (``x-expected``, ``x-invalid``, ``x-hint``, ``x-message``
annotations). It is validated with :mod:`jsonschema`, every error collected. What a schema cannot say is the
semantic pass: unique code ids, known parents, no parent cycles, unique set ids, known set members.

The YAML reader (:mod:`hrp_coding.codebook.validate`) and the dataclasses (:mod:`hrp_coding.codebook.model`)
both ask :func:`problems` and :func:`code_problems`; neither carries a rule of its own.

Examples
--------
>>> [(p.path, p.message) for p in problems({"name": "Demo", "version": 0, "codes": [{"id": "a"}]})]
[('version', 'expected a whole number >= 1, got 0'), ('codes[0]', "missing required field 'name'")]
>>> bool(ID_PATTERN.match("holding")), bool(ID_PATTERN.match("Holding"))
(True, False)
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from typing import Any

from hrp_coding.errors import Problem, did_you_mean
from hrp_coding.resources import data_path

__all__ = ["ID_PATTERN", "code_problems", "ecma_pattern", "find_cycles", "path_str", "problems", "schema"]

Path_ = tuple  # a path inside the data: ("codes", 3, "parent")


@functools.cache
def schema() -> dict:
    """The codebook JSON Schema (``codebook/schema.json``, found through :func:`hrp_coding.resources.data_path`).

    Returns
    -------
    dict

    Examples
    --------
    >>> schema()["required"]
    ['name', 'version', 'codes']
    """
    return json.loads(data_path("codebook", "schema.json").read_text(encoding="utf-8"))


@functools.cache
def ecma_pattern(pattern: str) -> re.Pattern:
    """A JSON Schema ``pattern`` compiled with its ECMA-262 meaning of ``$``: the end of the text.

    Python's ``$`` also matches before a final newline, so ``^[a-z]+$`` would take ``"holding\\n"`` as a code
    id; here a trailing ``$`` becomes ``\\Z``.

    Parameters
    ----------
    pattern : str
        A pattern from ``codebook/schema.json``.

    Returns
    -------
    re.Pattern

    Examples
    --------
    >>> bool(ecma_pattern("^[a-z]+$").search("holding\\n")), bool(re.search("^[a-z]+$", "holding\\n"))
    (False, True)
    """
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1] + r"\Z"
    return re.compile(pattern)


#: What a code id (and a set id) may be: the schema's ``$defs.id.pattern``, the one source of the rule.
ID_PATTERN = ecma_pattern(schema()["$defs"]["id"]["pattern"])


def _pattern_keyword(validator, pattern, instance, schema):
    """JSON Schema ``pattern`` with ECMA-262 anchors (see :func:`ecma_pattern`)."""
    from hrp_coding.lazy import import_jsonschema

    jsonschema = import_jsonschema()
    if validator.is_type(instance, "string") and not ecma_pattern(pattern).search(instance):
        yield jsonschema.ValidationError(f"{instance!r} does not match {pattern!r}")


def _inline(node: Any, root: dict) -> Any:
    """The schema with every local ``$ref`` replaced by what it names (validation then follows no reference)."""
    if isinstance(node, dict):
        if "$ref" in node:
            merged = {**_inline(_resolve(root, node["$ref"]), root), **{k: v for k, v in node.items() if k != "$ref"}}
            return {k: _inline(v, root) for k, v in merged.items()}
        return {k: _inline(v, root) for k, v in node.items() if k != "$defs"}
    if isinstance(node, list):
        return [_inline(v, root) for v in node]
    return node


@functools.cache
def _validator(part: str = "codebook"):
    """A validator of the whole codebook, of one code (``"code"``), or of a codebook whose codes are already
    :class:`~hrp_coding.codebook.model.Code` objects (``"shallow"``: the codes' own fields are not checked again)."""
    from hrp_coding.lazy import import_jsonschema

    jsonschema = import_jsonschema()
    base = jsonschema.Draft202012Validator
    # Python callers pass tuples where YAML has lists (Code.examples, ChangeEntry.old_ids)
    checker = base.TYPE_CHECKER.redefine("array", lambda _checker, value: isinstance(value, (list, tuple)))
    cls = jsonschema.validators.extend(base, {"pattern": _pattern_keyword}, type_checker=checker)
    root = schema()
    whole = _inline(root, root)
    if part == "code":
        return cls(whole["properties"]["codes"]["items"])
    if part == "shallow":
        codes = {**whole["properties"]["codes"], "items": {"type": "object"}}
        return cls({**whole, "properties": {**whole["properties"], "codes": codes}})
    return cls(whole)


def _resolve(root: dict, ref: str) -> dict:
    node: Any = root
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def path_str(path: Path_) -> str:
    """``("codes", 3, "parent")`` -> ``"codes[3].parent"``; the empty path is ``"(top)"``.

    Parameters
    ----------
    path : tuple
        Keys and indices from the top of the data.

    Returns
    -------
    str

    Examples
    --------
    >>> path_str(("codes", 3, "parent")), path_str(())
    ('codes[3].parent', '(top)')
    """
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif isinstance(part, str) and part.startswith("["):  # a pre-formatted key, e.g. "['care']"
            out += part
        else:
            out += f".{part}" if out else str(part)
    return out or "(top)"


def type_name(value: Any) -> str:
    """How a message names the type of ``value`` (``text``, ``a list``, ``a mapping``...).

    Parameters
    ----------
    value : object
        A value read from a codebook file (YAML or JSON).

    Returns
    -------
    str
        Its type in words a researcher reads in an error message.

    Examples
    --------
    >>> type_name([1]), type_name(None), type_name("x")
    ('a list', 'null', 'text')
    """
    if value is None:
        return "null"
    if isinstance(value, tuple):
        return "a list"
    return {bool: "true/false", int: "a number", float: "a number", str: "text", list: "a list",
            dict: "a mapping"}.get(type(value), type(value).__name__)


def _walk(root: dict, schema_path, data_path) -> list[tuple[dict, Path_]]:
    """The schemas an error's schema path passes through, each with the data path it applies to."""
    node, data, out, depth = root, (), [(root, ())], 0
    parts = list(schema_path)
    i = 0
    while i < len(parts):
        while isinstance(node, dict) and "$ref" in node and parts[i] not in node:
            node = _resolve(root, node["$ref"])
        key = parts[i]
        if key in ("properties", "patternProperties", "prefixItems") and i + 1 < len(parts):
            node = node[key][parts[i + 1]]
            i += 2
        elif key == "items":
            node = node[key]
            i += 1
        elif key in ("allOf", "anyOf", "oneOf") and i + 1 < len(parts):
            node = node[key][parts[i + 1]]
            i += 2
            out.append((node, data))
            continue
        else:
            break
        if depth < len(data_path):
            data = (*data, data_path[depth])
            depth += 1
        out.append((node, data))
    return out


def _format(template: str, value: Any) -> str:
    return template.replace("{value}", repr(value)).replace("{got}", type_name(value))


def _at(data: Any, path: Path_) -> Any:
    for part in path:
        data = data[part]
    return data


def _translate(error, root: dict, data: Any) -> list[tuple[Path_, str, str | None, bool]]:
    """(path, message, hint, at_key) for one jsonschema error, worded by the schema's x- annotations."""
    path = tuple(error.absolute_path)
    value, sub = error.instance, error.schema
    for node, at in _walk(root, error.absolute_schema_path, path):  # a whole-value message wins (coded_roles)
        if "x-message" in node:
            return [(at, _format(node["x-message"], _at(data, at)), node.get("x-hint"), False)]
    kind = error.validator
    if kind == "additionalProperties":
        allowed = list(sub.get("properties", {}))
        return [((*path, key), f"unknown key {key!r}",
                 did_you_mean(key, allowed) or f"allowed keys: {', '.join(allowed)}", True)
                for key in value if key not in allowed]
    if kind == "required":
        return [(path, f"missing required field {key!r}", None, False)
                for key in error.validator_value if key not in value]
    if kind in ("pattern", "enum", "const") and "x-invalid" in sub:
        hint = did_you_mean(value, error.validator_value) if kind == "enum" else None
        return [(path, _format(sub["x-invalid"], value), hint or sub.get("x-hint"), False)]
    expected = sub.get("x-expected")
    if expected:
        got = repr(value) if sub.get("x-got") == "value" else (
            "empty text" if isinstance(value, str) and not value.strip() else type_name(value))
        hint = sub.get("x-hint")
        if kind == "type" and isinstance(value, str) and "array" in error.validator_value:
            hint = "write it as a YAML list ('- ...' on each line)"
        return [(path, f"expected {expected}, got {got}", hint, False)]
    return [(path, error.message, None, False)]


def _schema_problems(data: Any, part: str = "codebook") -> list[tuple[Path_, str, str | None, bool]]:
    validator = _validator(part)
    out = []
    seen = set()
    for error in validator.iter_errors(data):
        for path, message, hint, at_key in _translate(error, validator.schema, data):
            key = (path, message)
            if key not in seen:
                seen.add(key)
                out.append((path, message, hint, at_key))
    return out


def _semantic(data: Any) -> list[tuple[Path_, str, str | None, bool]]:
    """Unique code ids, known parents, no cycles, unique set ids, known set members (on well-formed parts)."""
    if not isinstance(data, Mapping):
        return []
    out: list[tuple[Path_, str, str | None, bool]] = []
    codes = data.get("codes") if isinstance(data.get("codes"), list) else []
    ids: dict[str, int] = {}
    parents: dict[str, Any] = {}
    for i, code in enumerate(codes):
        if not isinstance(code, Mapping) or not isinstance(code.get("id"), str):
            continue
        code_id = code["id"]
        if code_id in ids:
            out.append((("codes", i, "id"), f"duplicate code id {code_id!r} (first used at codes[{ids[code_id]}])",
                        None, False))
        else:
            ids[code_id] = i
            parents[code_id] = code.get("parent")
    for i, code in enumerate(codes):
        if isinstance(code, Mapping) and isinstance(code.get("parent"), str) and code["parent"] not in ids:
            out.append((("codes", i, "parent"), f"unknown code {code['parent']!r}",
                        did_you_mean(code["parent"], ids) or "no code has this id", False))
    graph = {k: (p if isinstance(p, str) and p in ids else None) for k, p in parents.items()}
    for cycle in find_cycles(graph):
        out.append((("codes", ids[cycle[0]], "parent"), "parent cycle " + " -> ".join(cycle),
                    "a code cannot be its own ancestor; give one of them another parent", False))
    sets = data.get("sets") if isinstance(data.get("sets"), list) else []
    set_ids: set[str] = set()
    for i, s in enumerate(sets):
        if not isinstance(s, Mapping):
            continue
        if isinstance(s.get("id"), str):
            if s["id"] in set_ids:
                out.append((("sets", i, "id"), f"duplicate set id {s['id']!r}", None, False))
            set_ids.add(s["id"])
        members = s.get("members")
        for j, member in enumerate(members if isinstance(members, (list, tuple)) else []):
            if isinstance(member, str) and member not in ids:
                out.append((("sets", i, "members", j), f"unknown code {member!r}", did_you_mean(member, ids), False))
    return out


def problems(data: Any, *, source: str | None = None, marks: Mapping[Path_, tuple[int, int]] | None = None,
             codes_checked: bool = False) -> list[Problem]:
    """Every problem in plain codebook data: the JSON Schema's, then the semantic pass's.

    Parameters
    ----------
    data : Any
        The codebook as plain data (as read from YAML or JSON, or ``Codebook.to_dict()``).
    source : str, optional
        The file the data came from, named in each problem.
    marks : mapping, optional
        Data path -> (line, column) in the file; ``(*path, "<key>")`` for the position of a key.
    codes_checked : bool, default False
        The codes come from :class:`~hrp_coding.codebook.model.Code` objects, which checked their own fields
        (:func:`code_problems`): only the rest and the semantic pass run.

    Returns
    -------
    list of Problem
        Empty when the data are a valid codebook.

    Examples
    --------
    >>> [str(p) for p in problems({"name": "D", "version": 1, "codes": [{"id": "a", "name": "A", "parent": "b"}]})]
    ["codes[0].parent: unknown code 'b' (no code has this id)"]
    """
    marks = marks or {}
    out = []
    part = "shallow" if codes_checked else "codebook"
    for path, message, hint, at_key in [*_schema_problems(data, part), *_semantic(data)]:
        mark = (marks.get((*path, "<key>")) if at_key else None) or marks.get(path)
        line, column = mark if mark else (None, None)
        out.append(Problem(path_str(path), message, hint=hint, file=source, line=line, column=column))
    return out


def code_problems(data: Mapping[str, Any], where: str = "code") -> list[Problem]:
    """Every problem in one code's plain data (the schema's ``$defs/code``), for :class:`~.model.Code`.

    Parameters
    ----------
    data : mapping
        The code's fields (tuples are accepted where the schema has lists).
    where : str, default "code"
        How the problems' paths start, e.g. ``"codes['care']"``.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> [str(p) for p in code_problems({"id": "care", "name": "Care", "color": "blue"}, "codes['care']")]
    ["codes['care'].color: invalid colour 'blue' (write it as '#rrggbb', e.g. '#1f77b4')"]
    """
    return [Problem(path_str((where, *path)), message, hint=hint)
            for path, message, hint, _ in _schema_problems(dict(data), "code")]


def find_cycles(parents: Mapping[str, str | None]) -> list[list[str]]:
    """Each parent cycle once, as ``[a, b, ..., a]`` starting from its first id in ``parents`` order.

    Parameters
    ----------
    parents : mapping
        Code id -> parent id (or None).

    Returns
    -------
    list of list of str

    Examples
    --------
    >>> find_cycles({"a": "b", "b": "a", "c": None, "d": "d"})
    [['a', 'b', 'a'], ['d', 'd']]
    """
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    cycles = []
    for start in parents:
        path: list[str] = []
        node: str | None = start
        while node is not None and node in parents and state.get(node) is None:
            state[node] = 1
            path.append(node)
            node = parents[node]
        if node is not None and state.get(node) == 1:
            cycle = path[path.index(node):]
            cycles.append([*cycle, node])
        for visited in path:
            state[visited] = 2
    return cycles
