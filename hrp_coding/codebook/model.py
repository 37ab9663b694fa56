"""The codebook model: :class:`Code`, :class:`CodeSet`, :class:`ChangeEntry`, :class:`CodeMigration` and
:class:`Codebook`.

Every object here is a frozen dataclass: a codebook is never edited in place; the evolution methods
(:meth:`Codebook.add`, :meth:`Codebook.rename`, ...) return a new codebook with the version increased and a
changelog entry saying what changed, who changed it, when and why.

Examples
--------
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("holding", "Holding", parent="care")])
>>> cb.children("care")
('holding',)
>>> cb.codes["holding"].color  # a stable default colour when none is given
'#...'
"""

from __future__ import annotations

import dataclasses
import hashlib
import re
import types
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from hrp_coding.codebook import rules
from hrp_coding.codebook.evolution_methods import EvolutionMethods
from hrp_coding.codebook.file_methods import FileMethods
from hrp_coding.codebook.records import ChangeEntry, CodebookDiff, CodeMigration, CodeSet
from hrp_coding.codebook.rules import ID_PATTERN
from hrp_coding.errors import CodebookError, Problem, UnknownIdError, did_you_mean

__all__ = [
    "CODE_FIELDS",
    "ID_PATTERN",
    "ChangeEntry",
    "Code",
    "CodeMigration",
    "CodeSet",
    "Codebook",
    "CodebookDiff",
]

#: Speaker roles coded when a codebook does not say (interviewer turns are not coded).
DEFAULT_CODED_ROLES = ("participant",)
#: The evolution operations a changelog entry may name (from codebook/schema.json).
OPERATIONS = tuple(rules.schema()["$defs"]["change"]["properties"]["op"]["enum"])

# Distinct, readable colours (dark enough for white text, light enough to tell apart); default colours cycle here.
PALETTE = (
    "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22",
    "#17becf", "#ff7f0e", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
    "#e6550d", "#31a354", "#756bb1", "#636363",
)


def default_color(code_id: str) -> str:
    """A stable palette colour for a code that has none (the same id always gets the same colour).

    Parameters
    ----------
    code_id : str

    Returns
    -------
    str
        ``#rrggbb`` from :data:`PALETTE`.

    Examples
    --------
    >>> default_color("holding") == default_color("holding")
    True
    """
    digest = hashlib.sha256(code_id.encode("utf-8")).digest()
    return PALETTE[digest[0] % len(PALETTE)]


def _text(value: Any) -> str:
    return "" if value is None else value


@dataclass(frozen=True)
class Code:
    """One code of a codebook, with everything a coder needs to apply it consistently.

    Parameters
    ----------
    id : str
        Stable identifier (lowercase letters, digits, underscores; starts with a letter). Codings refer to it.
    name : str
        Display name.
    parent : str or None
        Id of the parent code (``None`` for a top-level code).
    short_definition, definition : str
        One-line and full definition.
    when_to_use, when_not_to_use : str
        Inclusion and exclusion criteria; ``when_not_to_use`` names the neighbouring code most often
        confused with this one and how to tell them apart.
    examples, near_misses : tuple of str
        Typical excerpts, and excerpts that are close but not this code.
    keywords : tuple of str
        Characteristic words and phrases (the suggestion engine uses them before any coding exists).
    color : str
        ``#rrggbb``; a stable default from the id when not given.
    memo : str
        Free notes of the team (analytic memos, open questions).
    status : {"active", "retired"}
        Retired codes stay in the codebook for history but are no longer applied.
    in_vivo_quote : str or None
        For an in-vivo code, the participant's words it was named from.
    codable : bool
        ``False`` for a pure grouping code (REFI-QDA ``isCodable="false"``).

    Examples
    --------
    >>> code = Code("holding", "Holding", examples=["I just sat with her."])
    >>> code.examples
    ('I just sat with her.',)
    """

    id: str
    name: str
    parent: str | None = None
    short_definition: str = ""
    definition: str = ""
    when_to_use: str = ""
    when_not_to_use: str = ""
    examples: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    color: str = ""
    memo: str = ""
    status: str = "active"
    in_vivo_quote: str | None = None
    codable: bool = True

    def __post_init__(self):
        # conversions only (lists to tuples, None to "", colour spelling); the rules are codebook/schema.json's
        for name in ("examples", "near_misses", "keywords"):
            value = getattr(self, name)
            if not isinstance(value, (str, bytes)) and isinstance(value, Iterable):
                object.__setattr__(self, name, tuple(value))
        for name in ("short_definition", "definition", "when_to_use", "when_not_to_use", "memo"):
            object.__setattr__(self, name, _text(getattr(self, name)))
        if not self.color and isinstance(self.id, str):
            object.__setattr__(self, "color", default_color(self.id))
        elif isinstance(self.color, str):
            object.__setattr__(self, "color", _normalise_color(self.color))
        problems = rules.code_problems({f.name: getattr(self, f.name) for f in dataclasses.fields(self)},
                                       f"codes[{self.id!r}]" if isinstance(self.id, str) else "code")
        if problems:
            raise CodebookError(problems)

    @property
    def is_active(self) -> bool:
        """Whether coders may still apply this code."""
        return self.status == "active"

    def to_dict(self) -> dict[str, Any]:
        """Plain data as written to YAML (every field, in the documented order).

        Returns
        -------
        dict
            One key per field of :data:`CODE_FIELDS`, in that order; tuples become lists.

        Examples
        --------
        >>> data = Code("holding", "Holding", parent="care", keywords=("held",)).to_dict()
        >>> list(data)[:4], data["keywords"], data["status"]
        (['id', 'name', 'parent', 'short_definition'], ['held'], 'active')
        """
        data: dict[str, Any] = {}
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return data

    def _repr_html_(self) -> str:
        from hrp_coding.codebook.render import code_to_html

        return code_to_html(self)


CODE_FIELDS = tuple(f.name for f in dataclasses.fields(Code))


def _normalise_color(color: str) -> str:
    color = color.strip().lower()
    if re.fullmatch(r"#[0-9a-f]{3}", color):
        color = "#" + "".join(ch * 2 for ch in color[1:])
    return color


@dataclass(frozen=True, eq=True)
class Codebook(EvolutionMethods, FileMethods):
    """A validated, versioned codebook.

    Build one with :meth:`load` (YAML), :meth:`from_dict` or :meth:`from_qdc`; every edit returns a new codebook.

    Parameters
    ----------
    name : str
    version : int
        Starts at 1; each evolution operation adds one.
    codes : mapping or iterable of Code
        Stored as a read-only mapping from id to :class:`Code`, in file order.
    changelog : tuple of ChangeEntry
    citation, description : str
    sets : tuple of CodeSet
        Code groups across the hierarchy.
    coded_roles : tuple of str
        The speaker roles whose turns are coded (default ``("participant",)``: in practitioner interviews the
        interviewer's questions are not coded). Agreement, saturation and frequencies use these units by default.
    comment : str
        The leading ``#`` comment block of the YAML file (kept when saving; not compared).

    Examples
    --------
    >>> import hrp_coding as hc
    >>> cb = hc.Codebook.load(hc.codebook.shipped_path("making_room"))
    >>> cb.children("making_room")[:3]
    ('inviting', 'meeting_at', 'staying_with')
    >>> cb.codes["holding"].parent
    'making_room'
    """

    name: str
    version: int
    codes: Mapping[str, Code]
    changelog: tuple[ChangeEntry, ...] = ()
    citation: str = ""
    description: str = ""
    sets: tuple[CodeSet, ...] = ()
    comment: str = field(default="", compare=False, repr=False)
    coded_roles: tuple[str, ...] = DEFAULT_CODED_ROLES

    def __post_init__(self):
        codes = self.codes
        problems: list[Problem] = []
        if isinstance(codes, Mapping):
            items = list(codes.items())
            for key, code in items:
                if isinstance(code, Code) and key != code.id:
                    problems.append(Problem(f"codes[{key!r}]", f"key {key!r} differs from the code's id {code.id!r}"))
            as_dict = {key: code for key, code in items}
        else:
            as_dict = {}
            for code in codes:
                if code.id in as_dict:
                    problems.append(Problem(f"codes[{code.id!r}]", f"duplicate code id {code.id!r}"))
                as_dict[code.id] = code
        object.__setattr__(self, "codes", types.MappingProxyType(as_dict))
        object.__setattr__(self, "changelog", tuple(self.changelog))
        object.__setattr__(self, "sets", tuple(self.sets))
        object.__setattr__(self, "coded_roles", tuple(self.coded_roles))
        object.__setattr__(self, "citation", _text(self.citation))
        object.__setattr__(self, "description", _text(self.description))
        problems += [Problem(f"codes[{key!r}]", f"expected a Code, got {type(code).__name__}")
                     for key, code in as_dict.items() if not isinstance(code, Code)]
        if not problems:  # the codebook's rules, as for a file: codebook/schema.json and the semantic pass
            problems = rules.problems(self.to_dict(), codes_checked=True)
        if problems:
            raise CodebookError(problems)

    def __hash__(self) -> int:
        return hash((self.name, self.version, tuple(self.codes.items()), self.changelog, self.sets))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Codebook):
            return NotImplemented
        return (self.name, self.version, list(self.codes.items()), self.changelog, self.citation,
                self.description, self.sets, self.coded_roles) == (
                    other.name, other.version, list(other.codes.items()), other.changelog, other.citation,
                    other.description, other.sets, other.coded_roles)

    def __repr__(self) -> str:
        active = sum(code.is_active for code in self.codes.values())
        return f"Codebook(name={self.name!r}, version={self.version}, codes={len(self.codes)} ({active} active))"

    # ------------------------------------------------------------------ structure
    def children(self, code_id: str | None) -> tuple[str, ...]:
        """Ids of the direct children of ``code_id`` in file order.

        Parameters
        ----------
        code_id : str or None
            A code id, or ``None`` for the top-level codes.

        Returns
        -------
        tuple of str
            Raises ``KeyError`` (with a did-you-mean) for an unknown id.

        Examples
        --------
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("limits", "Limits"),
        ...                                               Code("holding", "Holding", parent="care")])
        >>> cb.children(None), cb.children("care"), cb.children("holding")
        (('care', 'limits'), ('holding',), ())
        """
        if code_id is not None and code_id not in self.codes:
            raise UnknownIdError(_unknown(code_id, self.codes))
        return tuple(c.id for c in self.codes.values() if c.parent == code_id)

    def ancestors(self, code_id: str) -> tuple[str, ...]:
        """Ids from the parent of ``code_id`` up to its top-level ancestor.

        Parameters
        ----------
        code_id : str
            A code of this codebook (``KeyError`` with a did-you-mean otherwise).

        Returns
        -------
        tuple of str
            Nearest first; empty for a top-level code.

        Examples
        --------
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"),
        ...     Code("holding", "Holding", parent="care"), Code("hand", "Hand", parent="holding")])
        >>> cb.ancestors("hand")
        ('holding', 'care')
        """
        if code_id not in self.codes:
            raise UnknownIdError(_unknown(code_id, self.codes))
        out = []
        parent = self.codes[code_id].parent
        while parent is not None:
            out.append(parent)
            parent = self.codes[parent].parent
        return tuple(out)

    def descendants(self, code_id: str) -> tuple[str, ...]:
        """Ids of every code below ``code_id``, depth first in file order.

        Parameters
        ----------
        code_id : str

        Returns
        -------
        tuple of str

        Examples
        --------
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"),
        ...     Code("holding", "Holding", parent="care"), Code("hand", "Hand", parent="holding")])
        >>> cb.descendants("care")
        ('holding', 'hand')
        """
        out: list[str] = []
        for child in self.children(code_id):
            out.append(child)
            out.extend(self.descendants(child))
        return tuple(out)

    def depth(self, code_id: str) -> int:
        """0 for a top-level code, 1 for its children, ...

        Parameters
        ----------
        code_id : str

        Returns
        -------
        int

        Examples
        --------
        >>> Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("holding", "Holding", parent="care")]
        ...          ).depth("holding")
        1
        """
        return len(self.ancestors(code_id))

    def walk(self) -> tuple[str, ...]:
        """Every code id, parents before children (depth first, siblings in file order).

        Returns
        -------
        tuple of str
            Each id once; a code's descendants follow it before its next sibling.

        Examples
        --------
        >>> Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("limits", "Limits"),
        ...                                         Code("holding", "Holding", parent="care")]).walk()
        ('care', 'holding', 'limits')
        """
        out: list[str] = []
        for top in self.children(None):
            out.append(top)
            out.extend(self.descendants(top))
        return tuple(out)

    @property
    def active_codes(self) -> tuple[str, ...]:
        """Ids of the codes coders may apply (active and codable), in file order."""
        return tuple(c.id for c in self.codes.values() if c.is_active and c.codable)

    def lint(self) -> list[Problem]:
        """Training gaps that do not make a codebook invalid but make it hard to code with.

        Reported for active codes: an empty short definition, definition, when-to-use or when-not-to-use,
        fewer than two examples, no near miss, no keywords.

        Returns
        -------
        list of Problem
            One per gap, each naming the code's place (``codes[i] (id).field``) and, where it helps, a hint;
            empty when every active code is complete.

        Examples
        --------
        >>> problems = Codebook(name="Demo", version=1, codes=[Code("care", "Care", keywords=("care",))]).lint()
        >>> [str(p.path) for p in problems]  # doctest: +NORMALIZE_WHITESPACE
        ['codes[0] (care).short_definition', 'codes[0] (care).definition', 'codes[0] (care).when_to_use',
         'codes[0] (care).when_not_to_use', 'codes[0] (care).examples', 'codes[0] (care).near_misses']
        """
        problems = []
        for i, code in enumerate(self.codes.values()):
            if not code.is_active:
                continue
            where = f"codes[{i}] ({code.id})"
            for name in ("short_definition", "definition", "when_to_use", "when_not_to_use"):
                if not getattr(code, name).strip():
                    problems.append(Problem(f"{where}.{name}", "is empty"))
            if len(code.examples) < 2:
                problems.append(Problem(f"{where}.examples", f"has {len(code.examples)} example(s)",
                                        hint="give at least two typical excerpts"))
            if not code.near_misses:
                problems.append(Problem(f"{where}.near_misses", "is empty",
                                        hint="give at least one excerpt that is close, but not this code"))
            if not code.keywords:
                problems.append(Problem(f"{where}.keywords", "is empty"))
        return problems


def _unknown(code_id: str, known: Iterable[str]) -> str:
    known = list(known)
    hint = did_you_mean(code_id, known)
    listed = ", ".join(known[:10]) + (", ..." if len(known) > 10 else "")
    return f"unknown code {code_id!r} (known: {listed})" + (f"; {hint}" if hint else "")
