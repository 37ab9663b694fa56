"""The state folded from journal events: one row per live coding, plus memos, decisions and rejections.

:class:`LedgerState` is what :meth:`hrp_coding.store.events.Event.apply` changes. It keeps each live
coding as a plain tuple (fields :data:`ROW_FIELDS`), so that a study of 100,000 codings folds, caches
and turns into a DataFrame quickly; :meth:`LedgerState.coding` gives the :class:`Coding` record.

Memos on codings may arrive in any order (they sit in the journal of whoever wrote them): they are
kept per coding and joined in time order when read. A memo on a removed coding is history, not a
problem; a memo or change about a coding that never existed is reported with a
:class:`~hrp_coding.errors.JournalWarning`.

Examples
--------
>>> events = [{"event": "add", "id": "e1", "at": "t1", "coder": "ana", "codebook_version": 1, "coding_id": "c1",
...            "transcript": "P01", "start": 0, "end": 5, "code": "holding", "anchor": {"quote": "Hello"}},
...           {"event": "migrate", "id": "e2", "at": "t2", "coder": "ana", "codebook_version": 2, "coding_id": "c1",
...            "from_code": "holding", "to_code": "containing", "needs_recoding": False, "candidates": [],
...            "reason": "renamed"}]
>>> replay({"ana": events})["c1"].code
'containing'
"""

from __future__ import annotations

import contextlib
import gc
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from hrp_coding.errors import EventError, JournalWarning
from hrp_coding.store.anchors import Anchor

__all__ = ["ROW_FIELDS", "Coding", "LedgerState", "apply_line", "no_gc", "replay"]

#: the fields of one state row (a tuple), in order
ROW_FIELDS = ("id", "coder", "transcript", "start", "end", "code", "quote", "prefix", "suffix", "text_sha256", "memo",
              "source", "model", "confidence", "codebook_version", "at", "status", "needs_recoding", "candidates",
              "original_code", "who", "why", "segment", "decision_id")
_I = {name: i for i, name in enumerate(ROW_FIELDS)}
_START, _END, _CODE, _STATUS = _I["start"], _I["end"], _I["code"], _I["status"]


@contextlib.contextmanager
def no_gc():
    """Pause the cyclic garbage collector while building many objects that form no cycles (rows, columns):
    it would otherwise scan the growing heap again and again (half the time of loading 90,000 codings).

    The collector is enabled again on leaving only if it was enabled on entering (so the pauses nest).

    Yields
    ------
    None

    Examples
    --------
    >>> import gc
    >>> with no_gc():
    ...     paused = not gc.isenabled()
    >>> paused, gc.isenabled()
    (True, True)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@dataclass(frozen=True)
class Coding:
    """One coding as it stands after replaying its coder's journal.

    ``status`` is ``"active"`` or ``"orphaned"`` (its passage was deleted from the transcript; kept
    and listed, never dropped). ``needs_recoding`` marks codings of a code that was split: recode
    them with one of ``candidates``. ``who``, ``why``, ``segment`` and ``decision_id`` are set on
    codings of the ``consensus`` layer.
    """

    id: str
    coder: str
    transcript: str
    start: int
    end: int
    code: str
    anchor: Anchor
    memo: str | None = None
    source: str = "manual"
    model: str | None = None
    confidence: float | None = None
    codebook_version: int | None = None
    at: str | None = None
    status: str = "active"
    needs_recoding: bool = False
    candidates: tuple[str, ...] = ()
    original_code: str | None = None
    who: tuple[str, ...] = ()
    why: str | None = None
    segment: str | None = None
    decision_id: str | None = None

    @property
    def quote(self) -> str:
        """The text the coding was last anchored on."""
        return self.anchor.quote

    @classmethod
    def from_row(cls, row: tuple, memo: str | None = None) -> Coding:
        """The record of a :class:`LedgerState` row (``memo``: the joined memo text, default the row's).

        Parameters
        ----------
        row : tuple
            A row of :attr:`LedgerState.rows`, fields in the order of :data:`ROW_FIELDS`.
        memo : str, optional
            The memo to show (:meth:`LedgerState.memo_text`, which adds other coders' memos); default: the
            row's own memo field.

        Returns
        -------
        Coding
            The same values, the anchor fields gathered into an :class:`~hrp_coding.store.anchors.Anchor`
            and list fields as tuples.

        Examples
        --------
        >>> row = ("c1", "ana", "P01", 9, 24, "holding", "We sat with her", "P: ", ".", "ab12", None, "manual",
        ...        None, None, 1, "t1", "active", False, [], None, [], None, None, None)
        >>> coding = Coding.from_row(row, memo="Warm.")
        >>> coding.code, (coding.start, coding.end), coding.quote, coding.anchor.prefix, coding.memo
        ('holding', (9, 24), 'We sat with her', 'P: ', 'Warm.')
        """
        (cid, coder, transcript, start, end, code, quote, prefix, suffix, sha, row_memo, source, model, confidence,
         version, at, status, needs, candidates, original, who, why, segment, decision) = row
        return cls(cid, coder, transcript, start, end, code, Anchor(quote, prefix, suffix, sha),
                   row_memo if memo is None else memo, source, model, confidence, version, at, status, needs,
                   tuple(candidates), original, tuple(who), why, segment, decision)


def _join_memo(old: str | None, new: str) -> str:
    return new if not old else f"{old}\n\n{new}"


def _anchor_fields(anchor: Mapping) -> tuple[str, str, str, str]:
    return (anchor.get("quote", ""), anchor.get("prefix", ""), anchor.get("suffix", ""),
            anchor.get("text_sha256", ""))


@dataclass
class LedgerState:
    """Live codings (``rows``: coding id -> row tuple, in order of creation) and what else events recorded.

    ``where`` names the journal line being applied, for warnings.
    """

    rows: dict[str, tuple] = field(default_factory=dict)
    removed: set[str] = field(default_factory=set)
    memos: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)  # cid -> (at, coder, text, id)
    decisions: list = field(default_factory=list)
    rejections: list = field(default_factory=list)
    history: list = field(default_factory=list)
    where: str = ""
    _warned: set[str] = field(default_factory=set)

    # -- applying events (called by Event.apply) ------------------------------------------------------
    def _unknown(self, event) -> None:
        warnings.warn(f"{self.where}: {event.kind} event {event.id} refers to unknown coding {event.coding_id!r}; "
                      "skipped", JournalWarning, stacklevel=4)

    def add(self, e) -> None:
        """Make the live coding of an ``add`` event (it replaces a live coding of the same id).

        Parameters
        ----------
        e : AddCoding
            The event.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> coding = state.coding("c1")
        >>> coding.coder, coding.code, coding.start, coding.end, coding.status, coding.source
        ('ana', 'holding', 9, 24, 'active', 'manual')
        """
        self.rows[e.coding_id] = (
            e.coding_id, e.coder, e.transcript, e.start, e.end, e.code, *_anchor_fields(e.anchor), e.memo,
            e.source or "manual", e.model, e.confidence, e.codebook_version, e.at, "active", False, (), None,
            e.who or (), e.why, e.segment, e.decision_id)
        self.removed.discard(e.coding_id)

    def remove(self, e) -> None:
        """End the live coding a ``remove`` event names; it is remembered in :attr:`removed`.

        Parameters
        ----------
        e : RemoveCoding
            The event. One about a coding that is not live is skipped with a
            :class:`~hrp_coding.errors.JournalWarning` naming :attr:`where`.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> from hrp_coding.store.events import RemoveCoding
        >>> state.remove(RemoveCoding(id="e2", at="t2", coder="ana", coding_id="c1"))
        >>> state.rows, state.removed
        ({}, {'c1'})
        """
        if self.rows.pop(e.coding_id, None) is None:
            self._unknown(e)
        else:
            self.removed.add(e.coding_id)

    def memo(self, e) -> None:
        """Record a memo event on a coding (added to the coder's earlier memos, or replacing them).

        Memos are kept in :attr:`memos` per coding id, whether or not the coding is live yet (journals
        are read one after the other); :meth:`memo_text` joins them.

        Parameters
        ----------
        e : CodingMemo
            The event. With ``replace``, the text becomes this coder's whole memo on the coding (their
            earlier memo events and, for the coding's own coder, the memo given when coding are dropped from
            the state); an empty text then clears it.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> from hrp_coding.store.events import CodingMemo
        >>> state.memo(CodingMemo(id="e2", at="t2", coder="ben", coding_id="c1", text="Or staying with?"))
        >>> state.memo_text("c1")
        'Warm.\\n\\n[ben] Or staying with?'
        >>> state.memo(CodingMemo(id="e3", at="t3", coder="ana", coding_id="c1", text="", replace=True))
        >>> state.memo_text("c1")
        '[ben] Or staying with?'
        """
        if not e.replace:
            self.memos.setdefault(e.coding_id, []).append((e.at, e.coder, e.text, e.id))
            return
        # replace: this coder's memo on the coding is now ``text`` (their earlier notes stay in the journal)
        notes = [note for note in self.memos.get(e.coding_id, ()) if note[1] != e.coder]
        row = self.rows.get(e.coding_id)
        if row is not None and row[1] == e.coder and row[_I["memo"]] is not None:
            self.rows[e.coding_id] = (*row[:_I["memo"]], None, *row[_I["memo"] + 1:])
        if e.text.strip():
            notes.append((e.at, e.coder, e.text, e.id))
        self.memos[e.coding_id] = notes

    def migrate(self, e) -> None:
        """Change a live coding's code as a ``migrate`` event says (rename, merge, split or recode).

        The coding keeps its id, span and memo; ``original_code`` keeps the code it had before its first
        migration.

        Parameters
        ----------
        e : MigrateCoding
            The event: ``to_code`` (None: the code stays, as for a split), ``needs_recoding`` and
            ``candidates`` are set as given. One about a coding that is not live is skipped with a
            :class:`~hrp_coding.errors.JournalWarning`.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> from hrp_coding.store.events import MigrateCoding
        >>> state.migrate(MigrateCoding(id="e2", at="t2", coder="ana", coding_id="c1", codebook_version=2,
        ...                             needs_recoding=True, candidates=("holding_a", "holding_b")))
        >>> c = state.coding("c1")
        >>> c.code, c.needs_recoding, c.candidates, c.original_code, c.codebook_version
        ('holding', True, ('holding_a', 'holding_b'), 'holding', 2)
        """
        row = self.rows.get(e.coding_id)
        if row is None:
            return self._unknown(e)
        new = list(row)
        new[_CODE] = e.to_code or row[_CODE]
        new[_I["needs_recoding"]] = bool(e.needs_recoding)
        new[_I["candidates"]] = tuple(e.candidates)
        new[_I["original_code"]] = row[_I["original_code"]] or row[_CODE]
        if e.codebook_version is not None:
            new[_I["codebook_version"]] = e.codebook_version
        self.rows[e.coding_id] = tuple(new)

    def reanchor(self, e) -> None:
        """Place a live coding anew as a ``reanchor`` event says (after its transcript's text changed).

        Parameters
        ----------
        e : Reanchor
            The event: new ``start``/``end`` (None: unchanged), ``status`` (``active``, ``needs_review`` or
            ``orphaned``) and, when given, the new ``anchor``. One about a coding that is not live is skipped
            with a :class:`~hrp_coding.errors.JournalWarning`.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> from hrp_coding.store.events import Reanchor
        >>> state.reanchor(Reanchor(id="e2", at="t2", coder="ana", coding_id="c1", start=12, end=27))
        >>> c = state.coding("c1")
        >>> c.start, c.end, c.status, c.quote
        (12, 27, 'active', 'We sat with her')
        >>> state.reanchor(Reanchor(id="e3", at="t3", coder="ana", coding_id="c1", status="orphaned"))
        >>> state.coding("c1").status, state.coding("c1").start
        ('orphaned', 12)
        """
        row = self.rows.get(e.coding_id)
        if row is None:
            return self._unknown(e)
        new = list(row)
        new[_START] = row[_START] if e.start is None else e.start
        new[_END] = row[_END] if e.end is None else e.end
        new[_STATUS] = e.status
        if e.anchor:
            new[_I["quote"]:_I["text_sha256"] + 1] = _anchor_fields(e.anchor)
        self.rows[e.coding_id] = tuple(new)

    # -- reading ------------------------------------------------------------------------------------
    def memo_text(self, cid: str) -> str | None:
        """The memo column of a live coding: its own memo, then memos by others in time order.

        Parameters
        ----------
        cid : str
            The id of a live coding (a KeyError otherwise).

        Returns
        -------
        str or None
            The memo given when coding, then each memo event in time order, separated by a blank line; a memo
            by another coder than the coding's starts with ``[coder] ``. None when there is no memo.

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> from hrp_coding.store.events import CodingMemo
        >>> state.memo(CodingMemo(id="e3", at="t3", coder="ana", coding_id="c1", text="Check P02."))
        >>> state.memo(CodingMemo(id="e2", at="t2", coder="ben", coding_id="c1", text="Agree."))
        >>> print(state.memo_text("c1"))
        Warm.
        <BLANKLINE>
        [ben] Agree.
        <BLANKLINE>
        Check P02.
        """
        row = self.rows[cid]
        text = row[_I["memo"]]
        for _at, coder, note, _id in sorted(self.memos.get(cid, ())):
            text = _join_memo(text, f"[{coder}] {note}" if coder and coder != row[1] else note)
        return text

    def coding(self, cid: str) -> Coding | None:
        """The :class:`Coding` of a live coding id, or None.

        Parameters
        ----------
        cid : str
            A coding id.

        Returns
        -------
        Coding or None
            The live coding, its ``memo`` joined by :meth:`memo_text`; None when no live coding has this id
            (never added, or removed).

        Examples
        --------
        >>> from hrp_coding.store.events import AddCoding
        >>> state = LedgerState()
        >>> state.add(AddCoding(id="e1", at="t1", coder="ana", coding_id="c1", transcript="P01", start=9, end=24,
        ...                     code="holding", memo="Warm.", anchor={"quote": "We sat with her"}))
        >>> state.coding("c1").quote, state.coding("c2") is None
        ('We sat with her', True)
        """
        row = self.rows.get(cid)
        if row is None:
            return None
        return Coding.from_row(row, self.memo_text(cid) if cid in self.memos else None)

    def warn_dangling_memos(self) -> None:
        """Report (once each) memos on codings that never existed (call after every journal was read).

        Warns with a :class:`~hrp_coding.errors.JournalWarning` per memo event whose coding is neither live
        nor removed; a memo already reported is not reported again. The memos stay in :attr:`memos`.

        Examples
        --------
        >>> import warnings
        >>> from hrp_coding.store.events import CodingMemo
        >>> state = LedgerState()
        >>> state.memo(CodingMemo(id="e1", at="t1", coder="ben", coding_id="c9", text="Hm."))
        >>> with warnings.catch_warnings(record=True) as caught:
        ...     warnings.simplefilter("always")
        ...     state.warn_dangling_memos()
        ...     state.warn_dangling_memos()
        >>> [str(w.message) for w in caught]
        ["memo event e1 by 'ben' refers to unknown coding 'c9'; skipped"]
        """
        for cid, notes in self.memos.items():
            if cid in self.rows or cid in self.removed:
                continue
            for _at, coder, _text, eid in notes:
                if eid not in self._warned:
                    self._warned.add(eid)
                    warnings.warn(f"memo event {eid} by {coder!r} refers to unknown coding {cid!r}; skipped",
                                  JournalWarning, stacklevel=3)


def apply_line(state: LedgerState, raw: dict, coder: str, where: str, *, stacklevel: int = 2) -> bool:
    """Decode one journal line and apply it to ``state``; a line that does not validate is skipped with a warning.

    The one rule for a bad line, for :func:`replay` and for the ledger's incremental fold.

    Parameters
    ----------
    state : LedgerState
        The state the event is applied to.
    raw : dict
        The JSON object of the line (one without ``coder`` takes ``coder``).
    coder : str
        Whose journal the line is in.
    where : str
        Where the line is (``"<path>, line 4"``), the start of the :class:`~hrp_coding.errors.JournalWarning`.
    stacklevel : int, default 2
        Passed to :func:`warnings.warn`, counted from the caller of this function.

    Returns
    -------
    bool
        True when the event was applied, False when the line was skipped.

    Examples
    --------
    >>> import warnings
    >>> state = LedgerState()
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     apply_line(state, {"event": "nonsense"}, "ana", "ana.jsonl, line 1")
    False
    >>> str(caught[0].message).startswith("ana.jsonl, line 1: ")
    True
    """
    from hrp_coding.store.events import decode

    try:
        event = decode(raw, coder=coder)
    except EventError as err:
        warnings.warn(f"{where}: {err}; skipped", JournalWarning, stacklevel=stacklevel + 1)
        return False
    event.apply(state)
    return True


def replay(journals: Mapping[str, Iterable[dict]]) -> dict[str, Coding]:
    """Replay every coder's events into ``{coding_id: Coding}`` (live codings only, in order of creation).

    ``journals`` maps a coder to their events (JSON objects) in file order. An event about an
    unknown coding, or one that does not validate, is reported with a
    :class:`~hrp_coding.errors.JournalWarning` and skipped.

    Parameters
    ----------
    journals : mapping of str to iterable of dict
        Coder -> the JSON objects of their journal's lines, in file order (an object without ``coder``
        takes the key).

    Returns
    -------
    dict of str to Coding
        Every live coding by id, after every event was applied.

    Examples
    --------
    >>> add = {"event": "add", "id": "e1", "at": "t1", "coding_id": "c1", "transcript": "P01", "start": 9,
    ...        "end": 24, "code": "holding", "anchor": {"quote": "We sat with her"}}
    >>> memo = {"event": "memo", "id": "e2", "at": "t2", "coding_id": "c1", "text": "Or staying with?"}
    >>> codings = replay({"ana": [add], "ben": [memo]})
    >>> c = codings["c1"]
    >>> c.coder, c.code, (c.start, c.end), c.memo
    ('ana', 'holding', (9, 24), '[ben] Or staying with?')
    >>> replay({"ana": [add, {"event": "remove", "id": "e3", "at": "t3", "coding_id": "c1"}]})
    {}
    """
    state = LedgerState()
    for coder, events in journals.items():
        state.where = f"journal of {coder!r}"
        for raw in events:
            apply_line(state, raw, coder, state.where, stacklevel=2)
    state.warn_dangling_memos()
    return {cid: state.coding(cid) for cid in state.rows}
