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
    """``data`` as YAML text (sorted keys, block style, :class:`Flow` mappings on one line)."""
    return yaml.dump(data, Dumper=_Dumper, sort_keys=True, allow_unicode=True, default_flow_style=False, width=120)


def load_yaml(text: str, *, source: str = "YAML text") -> Any:
    """Parse YAML text with the package's one safe loader (aliases and size bounded: :mod:`hrp_coding.limits`)."""
    from hrp_coding.limits import load_yaml as bounded

    return bounded(text, source=source)


def plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python scalars, so attributes serialise as plain YAML."""
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
