"""The coding widget's kernel-side model: offsets at the browser border, span records, progress, undo.

Pure Python, no widget machinery, so every rule here is tested without a browser.

The project counts offsets in code points of the canonical text; the browser counts UTF-16 code units
(an emoji or any character outside the Basic Multilingual Plane is two units). :class:`Utf16Offsets`
converts explicitly at that border and refuses an offset that falls inside a surrogate pair.

Examples
--------
>>> units = Utf16Offsets("a\\U0001F642b")   # 'a', an emoji (two UTF-16 units), 'b'
>>> units.to_utf16(2), units.to_code_point(3)
(3, 2)
"""

from __future__ import annotations

import bisect
import dataclasses
from collections.abc import Iterable, Mapping, Sequence

from hrp_coding.errors import ProjectError

__all__ = ["UndoStack", "Utf16Offsets", "WidgetAction", "span_record", "turn_progress"]


class Utf16Offsets:
    """Convert offsets in ``text`` between code points (the project's unit) and UTF-16 code units (the browser's).

    Parameters
    ----------
    text : str
        The canonical text both offsets point into.

    Examples
    --------
    >>> units = Utf16Offsets("\\U0001F642 ok")
    >>> units.to_utf16(1), units.to_code_point(2), units.utf16_length
    (2, 1, 5)
    >>> units.to_code_point(1)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    hrp_coding.errors.ProjectError: UTF-16 offset 1 falls inside the character at code point 0 (U+1F642); ...
    """

    def __init__(self, text: str):
        self.text = text
        # code point index of every character outside the BMP (two UTF-16 units each)
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF] if not text.isascii() else []
        self._astral16 = [cp + k for k, cp in enumerate(self._astral)]  # their UTF-16 positions
        self.utf16_length = len(text) + len(self._astral)

    def to_utf16(self, code_point: int) -> int:
        """The UTF-16 offset of code point offset ``code_point``.

        Parameters
        ----------
        code_point : int
            An offset in code points (0 to ``len(text)``).

        Returns
        -------
        int
            The same position in UTF-16 code units (each character outside the BMP counts two).

        Examples
        --------
        >>> Utf16Offsets("\\U0001F642\\U0001F642 ok").to_utf16(3)
        5
        """
        return code_point + bisect.bisect_left(self._astral, code_point)

    def to_code_point(self, utf16: int) -> int:
        """The code point offset of UTF-16 offset ``utf16``; ProjectError inside a surrogate pair or out of range.

        Parameters
        ----------
        utf16 : int
            An offset the browser gave, in UTF-16 code units.

        Returns
        -------
        int
            The same position in code points.

        Raises
        ------
        ProjectError
            For an offset that is not an integer, is out of range, or falls between the halves of a surrogate pair.

        Examples
        --------
        >>> Utf16Offsets("\\U0001F642 ok").to_code_point(5)
        4
        """
        if not isinstance(utf16, int) or isinstance(utf16, bool) or not 0 <= utf16 <= self.utf16_length:
            raise ProjectError(f"UTF-16 offset {utf16!r} is outside the text (0-{self.utf16_length} units)")
        before = bisect.bisect_left(self._astral16, utf16)
        if before and self._astral16[before - 1] + 1 == utf16:
            cp = self._astral[before - 1]
            raise ProjectError(f"UTF-16 offset {utf16} falls inside the character at code point {cp} "
                               f"(U+{ord(self.text[cp]):04X}); the browser's selection does not match this text")
        return utf16 - before


#: the fields of a span record, in the order a snapshot sends them as columns (:func:`columns`)
SPAN_FIELDS = ("id", "coder", "code", "s", "e", "memo", "mine", "source")


def columns(records: Sequence[dict], fields: Sequence[str]) -> dict[str, list]:
    """``records`` as one list per field (a snapshot's 1,500 codings without 1,500 copies of their keys).

    Parameters
    ----------
    records : sequence of dict
        Records sharing the same keys (span records, say).
    fields : sequence of str
        The keys kept, in this order.

    Returns
    -------
    dict of str to list
        One list per field, in record order.

    Examples
    --------
    >>> columns([{"id": "c1", "s": 0}, {"id": "c2", "s": 5}], ("id", "s"))
    {'id': ['c1', 'c2'], 's': [0, 5]}
    """
    return {field: [r[field] for r in records] for field in fields}


def span_record(coding, *, me: str, units: Utf16Offsets) -> dict:
    """What the browser needs of one coding: id, coder, code, UTF-16 start and end, memo, mine, source.

    Parameters
    ----------
    coding : Coding
        A live coding (anything with ``id, coder, code, start, end, memo, source``).
    me : str
        The coder using the widget (``mine`` is whether the coding is theirs).
    units : Utf16Offsets
        The offsets converter of the coding's transcript.

    Returns
    -------
    dict
        The record sent to the browser; ``s`` and ``e`` in UTF-16 units, a missing memo as ``""``.

    Examples
    --------
    >>> from types import SimpleNamespace as C
    >>> span_record(C(id="c1", coder="ana", code="holding", start=1, end=3, memo=None, source="manual"),
    ...             me="ana", units=Utf16Offsets("\\U0001F642abc"))
    {'id': 'c1', 'coder': 'ana', 'code': 'holding', 's': 2, 'e': 4, 'memo': '', 'mine': True, 'source': 'manual'}
    """
    memo = coding.memo if isinstance(coding.memo, str) else ""
    return {"id": str(coding.id), "coder": coding.coder, "code": coding.code, "s": units.to_utf16(coding.start),
            "e": units.to_utf16(coding.end), "memo": memo, "mine": coding.coder == me,
            "source": coding.source or "manual"}


def turn_progress(turns: Sequence[tuple[int, int]], spans: Iterable[tuple[int, int]]) -> tuple[int, int]:
    """``(coded, total)``: how many turns at least one span overlaps, of all turns.

    Parameters
    ----------
    turns : sequence of (int, int)
        The turns' ``(start, end)``, in text order.
    spans : iterable of (int, int)
        The codings' ``(start, end)``.

    Returns
    -------
    tuple of (int, int)
        The number of turns some span overlaps, and the number of turns.

    Examples
    --------
    >>> turn_progress([(0, 10), (12, 20), (22, 30)], [(3, 5), (18, 23)])
    (3, 3)
    >>> turn_progress([(0, 10), (12, 20)], [])
    (0, 2)
    """
    starts = [t[0] for t in turns]
    coded: set[int] = set()
    for start, end in spans:
        i = max(bisect.bisect_right(starts, start) - 1, 0)
        while i < len(turns) and turns[i][0] < end:
            if turns[i][1] > start:
                coded.add(i)
            i += 1
    return len(coded), len(turns)


@dataclasses.dataclass
class WidgetAction:
    """One undoable action of the coder: ``kind`` is ``add``, ``remove`` or ``memo``.

    ``coding`` is the coding's fields (transcript, start, end, code, memo, source); ``coding_id`` the id it has
    now (a redone add gets a new id); for memos ``before`` and ``after`` hold the two texts.
    """

    kind: str
    coding_id: str
    coding: Mapping
    before: str = ""
    after: str = ""


def _move_last(source: list, target: list):
    """Pop the last item of ``source`` onto ``target`` and return it (None when ``source`` is empty)."""
    if not source:
        return None
    target.append(source.pop())
    return target[-1]


class UndoStack:
    """The coder's last actions in this widget, to undo and redo (each undo or redo is a new journal event).

    Examples
    --------
    >>> stack = UndoStack()
    >>> stack.push(WidgetAction("add", "c1", {}))
    >>> stack.undo().coding_id, stack.can_undo, stack.can_redo
    ('c1', False, True)
    >>> stack.redo().kind
    'add'
    """

    def __init__(self, limit: int = 200):
        self.limit = limit
        self._done: list[WidgetAction] = []
        self._undone: list[WidgetAction] = []

    @property
    def can_undo(self) -> bool:
        """Whether there is an action to undo."""
        return bool(self._done)

    @property
    def can_redo(self) -> bool:
        """Whether there is an undone action to redo."""
        return bool(self._undone)

    def push(self, action: WidgetAction) -> None:
        """Record a new action (clears what could be redone).

        Parameters
        ----------
        action : WidgetAction
            What the coder just did; the oldest action is dropped beyond ``limit``.

        Examples
        --------
        >>> stack = UndoStack(limit=2)
        >>> for cid in ("c1", "c2", "c3"):
        ...     stack.push(WidgetAction("add", cid, {}))
        >>> [stack.undo().coding_id for _ in range(2)], stack.can_undo
        (['c3', 'c2'], False)
        """
        self._done.append(action)
        del self._done[:-self.limit]
        self._undone.clear()

    def undo(self) -> WidgetAction | None:
        """The action to undo now (moved to the redo list), or None.

        Returns
        -------
        WidgetAction or None
            The most recent action not yet undone; the caller writes its inverse.

        Examples
        --------
        >>> UndoStack().undo() is None
        True
        """
        return _move_last(self._done, self._undone)

    def redo(self) -> WidgetAction | None:
        """The action to redo now (moved back to the undo list), or None.

        Returns
        -------
        WidgetAction or None
            The most recently undone action; the caller writes it again.

        Examples
        --------
        >>> stack = UndoStack()
        >>> stack.push(WidgetAction("memo", "c1", {}, before="", after="check"))
        >>> stack.redo() is None, stack.undo().after, stack.redo().after
        (True, 'check', 'check')
        """
        return _move_last(self._undone, self._done)

    def forget(self, action: WidgetAction, *, undone: bool) -> None:
        """Drop ``action`` after its undo (``undone=True``) or redo could not be written.

        Parameters
        ----------
        action : WidgetAction
            The action whose undo or redo failed (its journal event was refused).
        undone : bool
            True when the failed move was an undo (the action is in the redo list).

        Examples
        --------
        >>> stack = UndoStack()
        >>> stack.push(WidgetAction("remove", "c1", {}))
        >>> stack.forget(stack.undo(), undone=True)
        >>> stack.can_undo, stack.can_redo
        (False, False)
        """
        (self._undone if undone else self._done).remove(action)

    def renamed(self, old_id: str, new_id: str) -> None:
        """A coding re-added by undo or redo has a new id: point every recorded action at it.

        Parameters
        ----------
        old_id, new_id : str
            The coding's id before and after it was re-added.

        Examples
        --------
        >>> stack = UndoStack()
        >>> stack.push(WidgetAction("add", "c1", {}))
        >>> stack.renamed("c1", "c9")
        >>> stack.undo().coding_id
        'c9'
        """
        for action in (*self._done, *self._undone):
            if action.coding_id == old_id:
                action.coding_id = new_id


def index_spans(records: Iterable[Mapping]) -> dict[tuple, str]:
    """``{(coder, s, e, code): id}`` of span records, to refuse a duplicate coding in constant time.

    Parameters
    ----------
    records : iterable of mapping
        Span records (:func:`span_record`).

    Returns
    -------
    dict of tuple to str
        ``(coder, s, e, code)`` -> coding id.

    Examples
    --------
    >>> index_spans([{"id": "c1", "coder": "ana", "s": 0, "e": 4, "code": "holding"}])
    {('ana', 0, 4, 'holding'): 'c1'}
    """
    return {(r["coder"], r["s"], r["e"], r["code"]): r["id"] for r in records}
