"""The small records of a codebook: :class:`CodeSet`, :class:`ChangeEntry`, :class:`CodeMigration` and
:class:`CodebookDiff` (frozen dataclasses; :mod:`hrp_coding.codebook.model` re-exports them).

Examples
--------
>>> CodeSet("relational", "Relational processes", members=["holding"]).to_dict()["members"]
['holding']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ChangeEntry", "CodeMigration", "CodeSet", "CodebookDiff"]


def _text(value: Any) -> str:
    return "" if value is None else value


@dataclass(frozen=True)
class CodeSet:
    """A named group of codes that cuts across the hierarchy (REFI-QDA ``Set``, ATLAS.ti code group).

    Examples
    --------
    >>> CodeSet("relational", "Relational processes", members=["holding", "staying_with"]).members
    ('holding', 'staying_with')
    """

    id: str
    name: str
    description: str = ""
    members: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "members", tuple(self.members))
        object.__setattr__(self, "description", _text(self.description))

    def to_dict(self) -> dict[str, Any]:
        """The set as plain data (the codebook YAML's ``sets`` entry).

        Returns
        -------
        dict
            ``id``, ``name``, ``description`` and ``members`` (a list of code ids).

        Examples
        --------
        >>> CodeSet("relational", "Relational", members=["holding"]).to_dict()
        {'id': 'relational', 'name': 'Relational', 'description': '', 'members': ['holding']}
        """
        return {"id": self.id, "name": self.name, "description": self.description, "members": list(self.members)}


@dataclass(frozen=True)
class ChangeEntry:
    """One changelog entry: what changed, who changed it, when and why.

    ``old_ids`` and ``new_ids`` record the code ids the operation took and produced, so that the
    migration of old codings can be replayed from the changelog alone (for example ``rename``:
    ``old_ids=("holdng",), new_ids=("holding",)``; ``split``: one old id, several new ids).

    Examples
    --------
    >>> e = ChangeEntry(2, "rename", "renamed holdng to holding", "ana", "2024-05-01T10:00:00+00:00", "typo",
    ...                 old_ids=["holdng"], new_ids=["holding"])
    >>> e.old_ids
    ('holdng',)
    """

    version: int
    op: str
    what: str
    who: str
    when: str
    why: str
    old_ids: tuple[str, ...] = ()
    new_ids: tuple[str, ...] = ()

    def __post_init__(self):
        object.__setattr__(self, "old_ids", tuple(self.old_ids))
        object.__setattr__(self, "new_ids", tuple(self.new_ids))
        object.__setattr__(self, "why", _text(self.why))

    def to_dict(self) -> dict[str, Any]:
        """The entry as plain data (the codebook YAML's ``changelog`` entry), ids as lists.

        Returns
        -------
        dict
            Every field by name; ``old_ids`` and ``new_ids`` as lists.

        Examples
        --------
        >>> ChangeEntry(2, "rename", "renamed", "ana", "2024-05-01", "typo", old_ids=["holdng"]).to_dict()["old_ids"]
        ['holdng']
        """
        data = dataclasses.asdict(self)
        data["old_ids"] = list(self.old_ids)
        data["new_ids"] = list(self.new_ids)
        return data


@dataclass(frozen=True)
class CodeMigration:
    """Where codings made with an old code id should go in the current codebook.

    ``new_id`` is the current code (identity for unchanged codes, the target after a rename or merge), or
    ``None`` with ``needs_recoding=True`` after a split or retirement, ``candidates`` then listing the codes a
    coder should choose from.

    Examples
    --------
    >>> CodeMigration("holdng", "holding", False, (), "renamed in v2").new_id
    'holding'
    """

    old_id: str
    new_id: str | None
    needs_recoding: bool
    candidates: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class CodebookDiff:
    """Differences between two codebooks: codes added, removed and changed, and the changelog between them.

    Examples
    --------
    >>> from hrp_coding.codebook import Code, Codebook
    >>> a = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> b = a.add(Code("holding", "Holding", parent="care"), who="ana", why="new process", when="2024-05-01")
    >>> print(a.diff(b))
    Demo v1 -> v2: 1 added, 0 removed, 0 changed
      + holding
      v2 add by ana (2024-05-01): added code 'holding' under 'care': new process
    """

    old_version: int
    new_version: int
    name: str
    added: tuple[str, ...]
    removed: tuple[str, ...]
    changed: Mapping[str, tuple[str, ...]]
    entries: tuple[ChangeEntry, ...]

    def __bool__(self) -> bool:
        return bool(self.added or self.removed or self.changed)

    def __str__(self) -> str:
        lines = [f"{self.name} v{self.old_version} -> v{self.new_version}: {len(self.added)} added, "
                 f"{len(self.removed)} removed, {len(self.changed)} changed"]
        lines += [f"  + {c}" for c in self.added]
        lines += [f"  - {c}" for c in self.removed]
        lines += [f"  ~ {c}: {', '.join(fields)}" for c, fields in self.changed.items()]
        for e in self.entries:
            lines.append(f"  v{e.version} {e.op} by {e.who} ({e.when}): {e.what}" + (f": {e.why}" if e.why else ""))
        return "\n".join(lines)
