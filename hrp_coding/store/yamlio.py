"""YAML in and out for the project's files: libyaml's C loader and dumper when available, stable layout.

Keys are sorted and block style is used, except that each turn or replacement (a :class:`Flow`
mapping) is written on one line, so sidecars diff well.

Examples
--------
>>> print(dump_yaml({"b": 1, "turns": [Flow({"start": 0, "end": 4})]}), end="")
b: 1
turns:
- {end: 4, start: 0}
>>> load_yaml("a: [1, 2]")
{'a': [1, 2]}
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from typing import Any

import yaml

__all__ = ["Flow", "dump_yaml", "load_yaml", "plain"]


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Sorted keys, block style, except flow style for :class:`Flow` mappings."""


class Flow(dict):
    """A mapping written on one line (flow style)."""


_Dumper.add_representer(Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", sorted(data.items()), flow_style=True))


def dump_yaml(data: Any) -> str:
    """``data`` as YAML text (sorted keys, block style, :class:`Flow` mappings on one line).

    Each :class:`Flow` mapping is rendered once per distinct value (PyYAML's Python representer
    costs about 0.6 ms a turn: a minute for the 110,000 turns of a 10 MiB transcript) and put in
    place of a placeholder after the block dump.

    Parameters
    ----------
    data : object
        Plain data (mappings, lists, scalars; :class:`Flow` mappings for the short repeated rows such as turns).

    Returns
    -------
    str
        The YAML text (Unicode kept, lines up to 120 characters).

    Examples
    --------
    >>> print(dump_yaml({"id": "P01", "turns": [Flow({"start": 0, "end": 4}), Flow({"start": 5, "end": 9})]}), end="")
    id: P01
    turns:
    - {end: 4, start: 0}
    - {end: 9, start: 5}
    """
    import re
    import uuid

    flows: dict[str, str] = {}
    nonce = uuid.uuid4().hex[:12]

    def swap(obj):
        if isinstance(obj, Flow):
            token = f"hrpflow{nonce}x{len(flows)}"
            flows[token] = "{" + ", ".join(f"{_flow_value(k)}: {_flow_value(v)}" for k, v in sorted(obj.items())) + "}"
            return token
        if isinstance(obj, Mapping):
            return {k: swap(v) for k, v in obj.items()}
        if isinstance(obj, (list, tuple)):
            return [swap(v) for v in obj]
        return obj

    text = yaml.dump(swap(data), Dumper=_Dumper, sort_keys=True, allow_unicode=True, default_flow_style=False,
                     width=120)
    if not flows:
        return text
    return re.sub(f"hrpflow{nonce}x\\d+", lambda m: flows[m.group(0)], text)


_FLOW_VALUES: dict[tuple[type, Any], str] = {}


def _flow_value(value: Any) -> str:
    """``value`` as it is written inside a flow mapping (quoted as the emitter would, never wrapped)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    hashable = isinstance(value, (str, int, float, bool, type(None)))
    key = (type(value), value) if hashable else None
    if key is not None and key in _FLOW_VALUES:
        return _FLOW_VALUES[key]
    text = yaml.dump([value], Dumper=_Dumper, default_flow_style=True, allow_unicode=True, width=10**9).strip()[1:-1]
    if key is not None and len(_FLOW_VALUES) < 100_000:
        _FLOW_VALUES[key] = text
    return text


def load_yaml(text: str, *, source: str = "YAML text") -> Any:
    """Parse YAML text with the package's one safe loader (aliases and size bounded: :mod:`hrp_coding.limits`).

    Parameters
    ----------
    text : str
        The YAML text.
    source : str, default "YAML text"
        Names it in errors.

    Returns
    -------
    object
        The data (plain dicts, lists and scalars).

    Examples
    --------
    >>> load_yaml(dump_yaml({"b": [1, 2], "a": "x"}))
    {'a': 'x', 'b': [1, 2]}
    """
    from hrp_coding.limits import load_yaml as bounded

    return bounded(text, source=source)


def plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python scalars, so attributes serialise as plain YAML.

    Parameters
    ----------
    value : object
        An attribute value or a mapping or list of them (read from a DataFrame, say).

    Returns
    -------
    object
        The same structure with numpy scalars as Python scalars and pandas' missing values as None.

    Examples
    --------
    >>> import numpy as np
    >>> plain({"age": np.int64(34), "scores": [np.float64(0.5), float("nan")]})
    {'age': 34, 'scores': [0.5, None]}
    """
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and type(value).__module__.startswith("numpy"):
        return value.item()
    with contextlib.suppress(TypeError, ValueError):
        import pandas as pd

        if value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
            return None
    return value
