"""The ledger: every coder journal of a project, folded incrementally into one :class:`LedgerState`.

The journals (``codings/<coder>.jsonl``) are the single source of truth. The ledger reads each one by
file offset: on every :meth:`Ledger.refresh` it stats the journals and reads only the bytes appended
since (by this process or any other), decodes them into typed events
(:mod:`hrp_coding.store.events`) and applies them. Nothing replays every journal per call.

A derived cache (``.hrp/cache/ledger.json``, git-ignored) holds the folded state and, per journal,
where it was read up to (device, inode, offset, and checksums of every byte before). Opening a
project loads it and reads only what was appended since; when a journal was replaced, shortened or
changed under it, or the cache is missing or unreadable, the state is rebuilt from the journals.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.store.events import RemoveCoding
>>> ledger = Ledger(pathlib.Path(tempfile.mkdtemp()))
>>> _ = ledger.append("ana", [ledger.add_event(coder="ana", transcript="P01", start=0, end=5, code="holding",
...                                             anchor={"quote": "Hello"})])
>>> cid = next(iter(ledger.refresh().rows))
>>> ledger.state.coding(cid).code
'holding'
>>> _ = ledger.append("ana", [RemoveCoding(id="e9", at="t", coder="ana", coding_id=cid)])
>>> ledger.refresh().rows
{}
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import operator
import os
import zlib
from pathlib import Path

from hrp_coding._atomic import atomic_write_bytes
from hrp_coding.errors import EventError
from hrp_coding.store.events import AddCoding, Event, decode
from hrp_coding.store.journal import Journal, new_id, now_iso
from hrp_coding.store.state import ROW_FIELDS, LedgerState, apply_line, no_gc

__all__ = ["CACHE_EVERY", "Ledger", "coder_of", "journal_name"]

#: rewrite the derived cache once this many events were folded beyond it
CACHE_EVERY = 2000
_CACHE_FORMAT = 3
_FRAME_ORDER = operator.itemgetter(*(ROW_FIELDS.index(k) for k in ("transcript", "start", "end", "coder", "code",
                                                                    "at", "id")))
_TAIL = 4096  # bytes before the saved offset whose sha256 proves the journal is the one cached


def _encode_column(values: tuple) -> list | dict:
    # columns with few distinct values (coder, transcript, code, status, text sha...) as a dictionary + indices;
    # a column of one value (often: memo, source, model, status...) as that value and the length
    distinct: dict = {}  # (type, value) -> index: 1, 1.0 and True stay apart
    for v in values:
        if v.__class__ is list or v.__class__ is tuple:
            return list(values)
        distinct.setdefault((v.__class__, v), len(distinct))
        if len(distinct) * 4 > len(values) + 64:
            return list(values)
    if len(distinct) == 1:
        return {"values": [v for _cls, v in distinct], "repeat": len(values)}
    return {"values": [v for _cls, v in distinct], "index": [distinct[(v.__class__, v)] for v in values]}


def _decode_column(column: list | dict, n: int | None) -> list:
    # ``n``: the number of rows (None: the id column, whose length sets it); another length is a damaged cache
    if isinstance(column, dict):
        values = column["values"]
        if "repeat" in column:
            (value,) = values
            repeat = column["repeat"]
            if not isinstance(repeat, int) or repeat < 0 or (n is not None and repeat != n) or repeat > 10**8:
                raise ValueError("a cache column has the wrong length")
            return [value] * repeat
        column = [values[i] for i in column["index"]]
    if n is not None and len(column) != n:
        raise ValueError("a cache column has the wrong length")
    return column


def journal_name(coder: str) -> str:
    """The journal file of a coder: ``model:tfidf`` -> ``model@tfidf.jsonl`` (':' is not allowed on Windows).

    Parameters
    ----------
    coder : str
        A coder name (a lowercase slug, ``consensus`` or ``model:<name>``).

    Returns
    -------
    str
        The file name in the project's ``codings/`` folder.

    Examples
    --------
    >>> journal_name("ana"), journal_name("model:tfidf")
    ('ana.jsonl', 'model@tfidf.jsonl')
    """
    return coder.replace(":", "@") + ".jsonl"


def coder_of(filename: str) -> str:
    """The coder of a journal file name (inverse of :func:`journal_name`).

    Parameters
    ----------
    filename : str
        A file name ending in ``.jsonl`` (no folder).

    Returns
    -------
    str
        The coder whose journal it is.

    Examples
    --------
    >>> coder_of("model@tfidf.jsonl"), coder_of(journal_name("ana"))
    ('model:tfidf', 'ana')
    """
    return filename[: -len(".jsonl")].replace("@", ":")


class Ledger:
    """The coder journals of the project at ``root``, and the state folded from them.

    Parameters
    ----------
    root : Path
        The project folder (journals in ``codings/``, locks and cache in ``.hrp/``).
    cache : bool
        Load and write the derived cache (default True; it is skipped silently when the folder is read-only).
    """

    def __init__(self, root: Path, *, cache: bool = True):
        self.root = Path(root)
        self.folder = self.root / "codings"
        self.cache_file = self.root / ".hrp" / "cache" / "ledger.json"
        self.use_cache = cache
        self.journals: dict[str, Journal] = {}
        self.state = LedgerState()
        self._started = False
        self._since_cache = 0

    def journal(self, coder: str) -> Journal:
        """The journal of ``coder`` (created on first append).

        Parameters
        ----------
        coder : str
            A coder name.

        Returns
        -------
        Journal
            The same object on every call for this coder; its file is ``codings/<journal_name(coder)>`` and
            its lock ``.hrp/locks/<journal_name(coder)>.lock``.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ledger = Ledger(pathlib.Path(tmp.name))
        >>> journal = ledger.journal("model:tfidf")
        >>> journal.path.relative_to(tmp.name).as_posix(), journal is ledger.journal("model:tfidf")
        ('codings/model@tfidf.jsonl', True)
        >>> journal.path.exists()  # nothing appended yet
        False
        >>> tmp.cleanup()
        """
        journal = self.journals.get(coder)
        if journal is None:
            name = journal_name(coder)
            journal = self.journals[coder] = Journal(self.folder / name, self.root / ".hrp" / "locks" / f"{name}.lock")
        return journal

    def coders(self) -> list[str]:
        """Every coder with a journal file, sorted.

        Returns
        -------
        list of str
            The coders of the ``*.jsonl`` files in ``codings/`` (empty when the folder does not exist).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ledger = Ledger(pathlib.Path(tmp.name))
        >>> ledger.coders()
        []
        >>> for coder in ("model:tfidf", "ana"):
        ...     _ = ledger.append(coder, [ledger.add_event(coder=coder, transcript="P01", start=0, end=2, code="x")])
        >>> ledger.coders()
        ['ana', 'model:tfidf']
        >>> tmp.cleanup()
        """
        try:
            names = [e.name for e in os.scandir(self.folder) if e.name.endswith(".jsonl") and e.is_file()]
        except FileNotFoundError:
            return []
        return sorted(coder_of(n) for n in names)

    # -- writing -------------------------------------------------------------------------------------
    def add_event(self, **fields) -> AddCoding:
        """A new :class:`~hrp_coding.store.events.AddCoding` with a fresh coding id, event id and time.

        Parameters
        ----------
        **fields
            The other fields of :class:`~hrp_coding.store.events.AddCoding`: ``coder``, ``transcript``,
            ``start``, ``end`` (code points, end exclusive), ``code``, and optionally ``anchor``, ``memo``,
            ``source``, ``codebook_version``...

        Returns
        -------
        AddCoding
            The event, not yet written anywhere (pass it to :meth:`append`).

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ledger = Ledger(pathlib.Path(tmp.name))
        >>> event = ledger.add_event(coder="ana", transcript="P01", start=9, end=24, code="holding")
        >>> event.kind, event.start, event.end, len(event.coding_id), event.at.endswith("+00:00")
        ('add', 9, 24, 32, True)
        >>> ledger.coders()  # not written
        []
        >>> tmp.cleanup()
        """
        return AddCoding(id=new_id(), at=now_iso(), coding_id=new_id(), **fields)

    def append(self, coder: str, events: list[Event]) -> list[Event]:
        """Append typed events to ``coder``'s journal (one locked write, one fsync) and fold them in.

        Parameters
        ----------
        coder : str
            Whose journal to append to.
        events : list of Event
            The events, in order (an empty list writes nothing).

        Returns
        -------
        list of Event
            ``events`` itself.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ledger = Ledger(pathlib.Path(tmp.name))
        >>> event = ledger.add_event(coder="ana", transcript="P01", start=9, end=24, code="holding",
        ...                          anchor={"quote": "We sat with her"})
        >>> _ = ledger.append("ana", [event])
        >>> coding = ledger.state.coding(event.coding_id)
        >>> coding.coder, coding.code, coding.start, coding.end, coding.quote
        ('ana', 'holding', 9, 24, 'We sat with her')
        >>> len((pathlib.Path(tmp.name) / "codings" / "ana.jsonl").read_text(encoding="utf-8").splitlines())
        1
        >>> tmp.cleanup()
        """
        if events:
            self.journal(coder).append_many([e.to_json() for e in events])
            self.refresh()
        return events

    # -- folding -------------------------------------------------------------------------------------
    def refresh(self) -> LedgerState:
        """Fold in everything appended to any journal since the last call; returns the state.

        Only the bytes appended since the last call are read (by this ledger or, for another process, any
        ledger on the same folder). A journal that was replaced, shortened or deleted makes the state be
        rebuilt from every journal (:meth:`rebuild`); an unreadable line is skipped with a
        :class:`~hrp_coding.errors.JournalWarning` naming the file and line.

        Returns
        -------
        LedgerState
            :attr:`state`, now up to date.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> writer, reader = Ledger(pathlib.Path(tmp.name)), Ledger(pathlib.Path(tmp.name))
        >>> len(reader.refresh().rows)
        0
        >>> _ = writer.append("ben", [writer.add_event(coder="ben", transcript="P01", start=0, end=2, code="x")])
        >>> [row[1] for row in reader.refresh().rows.values()]  # the coder of each row
        ['ben']
        >>> tmp.cleanup()
        """
        if not self._started:
            self._started = True
            if self.use_cache:
                self._load_cache()
        restart = False
        batches = []
        coders = self.coders()
        for coder in coders:
            restarted, fresh = self.journal(coder).read_new()
            restart = restart or restarted
            batches.append((coder, fresh))
        gone = set(self.journals) - set(coders)
        if restart or any(self.journals[c].position[0] is not None for c in gone):
            return self.rebuild()
        n = 0
        with no_gc() if sum(len(f) for _c, f in batches) > 1000 else contextlib.nullcontext():
            for coder, fresh in batches:
                n += self._apply(coder, fresh)
        if n:
            self.state.warn_dangling_memos()
            self._since_cache += n
            if self.use_cache and self._since_cache >= CACHE_EVERY:
                self._save_cache()
        return self.state

    def rebuild(self) -> LedgerState:
        """Forget the folded state and read every journal from its start.

        Returns
        -------
        LedgerState
            The new :attr:`state`, folded again from every journal.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> tmp = tempfile.TemporaryDirectory()
        >>> ledger = Ledger(pathlib.Path(tmp.name))
        >>> event = ledger.add_event(coder="ana", transcript="P01", start=9, end=24, code="holding")
        >>> _ = ledger.append("ana", [event])
        >>> before = ledger.state
        >>> after = ledger.rebuild()
        >>> after is before, after.rows == before.rows
        (False, True)
        >>> tmp.cleanup()
        """
        self.state = LedgerState()
        self.journals = {}
        return self.refresh()

    def _apply(self, coder: str, fresh: list[tuple[int, dict]]) -> int:
        path = self.journals[coder].path
        state = self.state
        for line, raw in fresh:
            state.where = f"{path}, line {line}"
            apply_line(state, raw, coder, state.where, stacklevel=3)
        return len(fresh)

    # -- the derived cache -----------------------------------------------------------------------------
    @staticmethod
    def _tail_sha(path: Path, offset: int) -> str:
        # crc32 of every byte up to ``offset`` (~1 GB/s), plus the sha256 of the last bytes: any edit of what
        # the cache was folded from is seen, not only a replaced or shortened file
        crc = 0
        with open(path, "rb") as handle:
            left = offset
            while left > 0:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    break
                crc = zlib.crc32(chunk, crc)
                left -= len(chunk)
            handle.seek(max(0, offset - _TAIL))
            tail = handle.read(min(offset, _TAIL))
        return f"{crc:08x}-{hashlib.sha256(tail).hexdigest()}"

    def _load_cache(self) -> None:
        with no_gc():
            self._load_cache_data()

    def _load_cache_data(self) -> None:
        try:
            data = json.loads(self.cache_file.read_bytes())
            if data.get("format") != _CACHE_FORMAT or data.get("fields") != list(ROW_FIELDS):
                return
            positions = data["journals"]
            for coder, (inode, offset, _line, _pending, tail) in positions.items():
                path = self.journal(coder).path
                stat = path.stat()
                if [stat.st_dev, stat.st_ino] != inode or stat.st_size < offset or self._tail_sha(path, offset) != tail:
                    raise ValueError(f"journal {path} changed under the cache")
            rows = data["rows"]
            first = _decode_column(rows[0], None) if rows else []  # the ids
            columns = [first, *(_decode_column(c, len(first)) for c in rows[1:])]
            state = LedgerState(rows=dict(zip(columns[0], zip(*columns))) if columns else {},
                                removed=set(data["removed"]),
                                memos={cid: [tuple(m) for m in notes] for cid, notes in data["memos"].items()})
            for raw in data["others"]:
                decode(raw).apply(state)
        except (OSError, ValueError, KeyError, TypeError, EventError):
            self.state, self.journals = LedgerState(), {}
            return
        for coder, (inode, offset, line, pending, _tail) in positions.items():
            self.journal(coder).seek(inode, offset, line, pending)
        self.state = state
        self._since_cache = 0

    def _save_cache(self) -> None:
        state = self.state
        positions = {}
        for coder, journal in self.journals.items():
            inode, offset, line, pending = journal.position
            if inode is None:
                continue
            positions[coder] = [list(inode), offset, line, pending, self._tail_sha(journal.path, offset)]
        # rows in the order codings() sorts them, so that sort is a linear pass after loading
        ordered = sorted(state.rows.values(), key=_FRAME_ORDER)
        columns = [_encode_column(c) for c in zip(*ordered)] if ordered else []
        others = [e.to_json() for e in (*state.decisions, *state.rejections, *state.history)]
        data = {"format": _CACHE_FORMAT, "fields": list(ROW_FIELDS), "journals": positions, "rows": columns,
                "removed": sorted(state.removed), "memos": state.memos, "others": others}
        with no_gc(), contextlib.suppress(OSError):  # a read-only folder: no cache, nothing lost
            atomic_write_bytes(self.cache_file, json.dumps(data, ensure_ascii=False, separators=(",", ":"))
                               .encode("utf-8"))
            self._since_cache = 0
