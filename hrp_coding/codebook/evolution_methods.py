"""The evolution methods of :class:`~hrp_coding.codebook.model.Codebook` (add, rename, merge, split, move,
retire, edit, diff, migration): each returns a new codebook through :mod:`hrp_coding.codebook.evolve`.

Examples
--------
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
>>> cb.add(Code("holding", "Holding", parent="care"), who="ana", why="new", when="2024-05-01").version
2
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hrp_coding.codebook.model import Code, Codebook
    from hrp_coding.codebook.records import CodebookDiff, CodeMigration

__all__ = ["EvolutionMethods"]


class EvolutionMethods:
    """Mixed into :class:`~hrp_coding.codebook.model.Codebook`; holds no data of its own.

    Every change (add, rename, merge, split, move, retire, edit) takes ``who`` and ``why``, who made it and
    why (the changelog entry), and ``when``, an ISO date or date-time (now, in UTC, by default). It returns a
    new codebook, one version up, with that entry appended; the codebook it is called on is unchanged.
    """

    __slots__ = ()

    # ------------------------------------------------------------------ evolution (see evolve.py)
    def add(self, code: Code, *, who: str, why: str, when: str | None = None) -> Codebook:
        """Add a code (an in-vivo code carries ``in_vivo_quote``); see :func:`hrp_coding.codebook.evolve.add`.

        Parameters
        ----------
        code : Code
            The new code (an in-vivo code carries ``in_vivo_quote``); its id must be new to the codebook's history.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            With ``code`` appended.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
        >>> list(cb.add(Code("holding", "Holding", parent="care"), who="ana", why="new").codes)
        ['care', 'holding']
        """
        from hrp_coding.codebook import evolve

        return evolve.add(self, code, who=who, why=why, when=when)

    def rename(self, old_id: str, new_id: str | None = None, *, name: str | None = None, who: str, why: str,
               when: str | None = None) -> Codebook:
        """Change a code's id and/or display name; codings follow through :meth:`migration`.

        Parameters
        ----------
        old_id : str
            The code renamed.
        new_id : str, optional
            The new id (never used before in this codebook's history); codings follow through :meth:`migration`.
        name : str, optional
            The new display name.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            With the code under its new id and/or name; children and sets follow.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("holdng", "Holding")])
        >>> cb.rename("holdng", "holding", name="Holding on", who="ana", why="typo").codes["holding"].name
        'Holding on'
        """
        from hrp_coding.codebook import evolve

        return evolve.rename(self, old_id, new_id, name=name, who=who, why=why, when=when)

    def merge(self, ids: Iterable[str], into: str | Code, *, who: str, why: str, when: str | None = None) -> Codebook:
        """Merge several codes into one (an existing code, or a new :class:`Code`).

        Parameters
        ----------
        ids : iterable of str
            The codes merged; they are removed and their codings migrate to the target.
        into : str or Code
            An existing code id, or a new :class:`Code`.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            Without the merged codes; their children and codings go to the target.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("a", "A"), Code("b", "B")])
        >>> list(cb.merge(["a", "b"], into=Code("ab", "A or B"), who="ana", why="same").codes)
        ['ab']
        """
        from hrp_coding.codebook import evolve

        return evolve.merge(self, ids, into, who=who, why=why, when=when)

    def split(self, code_id: str, into: Iterable[Code], *, children_to: str | None = None, who: str, why: str,
              when: str | None = None) -> Codebook:
        """Split a code into several new codes; its codings then need recoding.

        Parameters
        ----------
        code_id : str
            The code split (it is removed).
        into : iterable of Code
            At least two new codes; the old code's codings then need recoding.
        children_to : str, optional
            Which new code takes the old code's children (the first by default).
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            With the parts in place of ``code_id``, whose codings need recoding.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("ab", "A or B")])
        >>> list(cb.split("ab", [Code("a", "A"), Code("b", "B")], who="ana", why="two things").codes)
        ['a', 'b']
        """
        from hrp_coding.codebook import evolve

        return evolve.split(self, code_id, into, children_to=children_to, who=who, why=why, when=when)

    def move(self, code_id: str, new_parent: str | None, *, who: str, why: str, when: str | None = None) -> Codebook:
        """Move a code (and its subtree) under another parent (axial coding).

        Parameters
        ----------
        code_id : str
            The code moved.
        new_parent : str or None
            The new parent (``None``: top level); the subtree moves with it.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            With the code and its subtree under ``new_parent``.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("hold", "Hold", parent="care")])
        >>> cb.move("hold", None, who="ana", why="a theme of its own").codes["hold"].parent is None
        True
        """
        from hrp_coding.codebook import evolve

        return evolve.move(self, code_id, new_parent, who=who, why=why, when=when)

    def retire(self, code_id: str, *, who: str, why: str, when: str | None = None) -> Codebook:
        """Mark a code retired: kept for history, no longer applied; its codings need recoding.

        Parameters
        ----------
        code_id : str
            The code kept for history but no longer applied; its codings need recoding.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).

        Returns
        -------
        Codebook
            With the code's status ``retired``.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
        >>> cb.retire("care", who="ana", why="never applied").codes["care"].is_active
        False
        """
        from hrp_coding.codebook import evolve

        return evolve.retire(self, code_id, who=who, why=why, when=when)

    def edit(self, code_id: str, *, who: str, why: str, when: str | None = None, **changes: Any) -> Codebook:
        """Change descriptive fields of a code (definition, examples, colour, memo...), not its id or parent.

        Parameters
        ----------
        code_id : str
            The code edited.
        who, why, when : str
            The changelog entry (see :class:`EvolutionMethods`).
        **changes
            Descriptive fields (definition, examples, colour, memo...), not the id or parent.

        Returns
        -------
        Codebook
            With the code's fields replaced.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
        >>> cb.edit("care", memo="ask about nights", who="ana", why="note").codes["care"].memo
        'ask about nights'
        """
        from hrp_coding.codebook import evolve

        return evolve.edit(self, code_id, who=who, why=why, when=when, **changes)

    def diff(self, other: Codebook) -> CodebookDiff:
        """What changed from this codebook to ``other``.

        Parameters
        ----------
        other : Codebook
            The later codebook (usually a later version of this one).

        Returns
        -------
        CodebookDiff
            Codes added, removed and changed (field by field), and the changelog entries ``other`` adds.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
        >>> cb.diff(cb.add(Code("holding", "Holding"), who="ana", why="new")).added
        ('holding',)
        """
        from hrp_coding.codebook import evolve

        return evolve.diff(self, other)

    def migration(self) -> dict[str, CodeMigration]:
        """For every code id that ever existed in this codebook's history, where its codings go now.

        Returns
        -------
        dict of str to CodeMigration
            Old code id -> its current id, or ``None`` with ``needs_recoding`` and candidates after a split or
            retirement; see :func:`hrp_coding.codebook.evolve.migration`.

        Examples
        --------
        >>> from hrp_coding.codebook import Code, Codebook
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("holdng", "Holding")])
        >>> cb.rename("holdng", "holding", who="ana", why="typo").migration()["holdng"].new_id
        'holding'
        """
        from hrp_coding.codebook import evolve

        return evolve.migration(self)
