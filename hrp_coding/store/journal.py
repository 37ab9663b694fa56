"""Per-coder append-only journals: one JSON object a line, appended under a lock, fsynced per append.

A journal is the only place a coding lives. Nothing in it is ever rewritten: adding, removing,
annotating (memo), migrating (codebook evolution), re-anchoring a coding and recording an
adjudication (decision, in the ``consensus`` journal) are all new events,
and replaying the events in order gives the current state.

Durability rules:

* each append takes an exclusive lock (:func:`file_lock`, the :mod:`filelock` library, on a lock
  file beside the journal or in the project's ``.hrp/locks/``), writes the whole line(s) with one
  ``os.write`` on a file opened in append mode, then fsyncs before unlocking;
* if the file does not end with a newline (an earlier writer was killed or the power failed in
  mid-line), the append first writes a newline, so the torn fragment stays on its own line and
  every later event is kept;
* reading new bytes takes the same lock, so a reader never sees another writer's half-written line;
* an unreadable line (torn fragment, invalid JSON, not an event) is reported with a
  :class:`~hrp_coding.errors.JournalWarning` naming the file and line, and skipped. A last line
  that lacks its newline but is a complete, valid event is kept (only the newline was lost).

Examples
--------
>>> import tempfile, pathlib
>>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
>>> event = journal.append({"event": "add", "coding_id": "c1", "coder": "ana"})
>>> sorted(event)
['at', 'coder', 'coding_id', 'event', 'id']
>>> [e["coding_id"] for e in journal.events()]
['c1']
"""

from __future__ import annotations

import json
import os
import uuid
import warnings
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from hrp_coding.errors import JournalError, JournalWarning
from hrp_coding.store.events import EVENT_KINDS

__all__ = ["EVENT_KINDS", "Journal", "file_lock", "new_id", "now_iso"]


def new_id() -> str:
    """A fresh random identifier (32 hex digits).

    Returns
    -------
    str
        ``uuid4().hex``: event, coding and intent ids.

    Examples
    --------
    >>> len(new_id()), new_id() != new_id()
    (32, True)
    """
    return uuid.uuid4().hex


def now_iso() -> str:
    """The current UTC time as ISO 8601 with microseconds, e.g. ``2024-05-01T10:11:12.123456+00:00``.

    Returns
    -------
    str
        The time every event records in ``at``.

    Examples
    --------
    >>> now_iso().endswith("+00:00")
    True
    """
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


def file_lock(path: str | os.PathLike, *, timeout: float = 120.0) -> FileLock:
    """An exclusive inter-process lock on ``path`` (a lock file, created on first use; see :mod:`filelock`).

    Re-entrant within a process. The operating system releases it when its holder dies (SIGKILL,
    power cut), so a crashed coder never blocks the others. Waiting longer than ``timeout`` seconds
    raises :class:`~hrp_coding.errors.JournalError` naming the lock file.

    Parameters
    ----------
    path : str or os.PathLike
        The lock file.
    timeout : float, default 120.0
        Seconds to wait for another holder before giving up.

    Returns
    -------
    FileLock
        Use it as a context manager (``with file_lock(path): ...``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> lock = file_lock(pathlib.Path(tempfile.mkdtemp()) / "demo.lock")
    >>> with lock, lock:   # re-entrant
    ...     lock.is_locked
    True
    """
    return _NamedLock(str(Path(path).absolute()), timeout=timeout, is_singleton=True)


class _NamedLock(FileLock):
    def acquire(self, *args, **kwargs):
        Path(self.lock_file).parent.mkdir(parents=True, exist_ok=True)
        try:
            return super().acquire(*args, **kwargs)
        except Timeout as err:
            raise JournalError(f"could not take the lock {self.lock_file}: another process has held it for "
                               f"{self.timeout:.0f} s") from err


class Journal:
    """One coder's append-only event log (``codings/<coder>.jsonl``).

    Parameters
    ----------
    path : path-like
        The journal file; it and its folder are created on the first append.

    Notes
    -----
    :meth:`events` re-reads only what was appended since the last call (the file is append-only),
    and warns once per unreadable line.
    """

    def __init__(self, path: str | os.PathLike, lock_path: str | os.PathLike | None = None):
        self.path = Path(path)
        self._lock = file_lock(lock_path or self.path.with_name(f".{self.path.name}.lock"))
        self._events: list[dict] = []
        self._offset = 0  # bytes parsed so far (always at a line boundary)
        self._line = 0  # lines parsed so far
        self._inode: tuple[int, int] | None = None
        self._warned: set[int] = set()
        self._pending_newline = False  # the last event read had no newline yet

    def __repr__(self) -> str:
        return f"Journal({str(self.path)!r})"

    # -- writing -------------------------------------------------------------------------------
    def append(self, event: Mapping) -> dict:
        """Append one event; fills ``id`` and ``at`` when absent and returns the event as written.

        Parameters
        ----------
        event : mapping
            The event's JSON object; it must have an ``event`` kind.

        Returns
        -------
        dict
            The event as written (with ``id`` and ``at``).

        Raises
        ------
        JournalError
            As :meth:`append_many`.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
        >>> sorted(journal.append({"event": "remove", "coding_id": "c1"}))
        ['at', 'coding_id', 'event', 'id']
        """
        return self.append_many([event])[0]

    def append_many(self, events: Iterable[Mapping]) -> list[dict]:
        """Append several events with one locked write and one fsync (used by bulk imports).

        The whole batch is written with one ``write`` and fsynced once, under the journal's lock; a torn last line
        left by a crash is ended first, so the new events start on a line of their own.

        Parameters
        ----------
        events : iterable of mapping
            The events' JSON objects, each with an ``event`` kind.

        Returns
        -------
        list of dict
            The events as written, in order (empty for no events: nothing is written).

        Raises
        ------
        JournalError
            For an object without a kind, or a journal that cannot be written.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
        >>> len(journal.append_many([{"event": "remove", "coding_id": f"c{i}"} for i in range(3)]))
        3
        """
        complete = []
        for event in events:
            if "event" not in event:
                raise JournalError(f"{self.path}: an event needs an 'event' kind, got {dict(event)!r}")
            full = {"id": new_id(), "at": now_iso(), **event}
            complete.append(full)
        if not complete:
            return []
        data = "".join(json.dumps(e, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
                       for e in complete).encode("utf-8")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            fd = os.open(self.path, flags, 0o644)
        except OSError as err:
            raise JournalError(f"cannot open journal {self.path} for appending: {err}") from err
        try:
            with self._lock:
                if self._needs_newline():
                    data = b"\n" + data
                written = 0
                while written < len(data):  # one write for regular files; loop only if the OS splits it
                    written += os.write(fd, data[written:])
                os.fsync(fd)
        except JournalError:
            raise
        except OSError as err:
            raise JournalError(f"cannot append to journal {self.path}: {err}") from err
        finally:
            os.close(fd)
        return complete

    def _needs_newline(self) -> bool:
        # Called under the exclusive lock: does the file end in mid-line (a torn earlier append)?
        try:
            with open(self.path, "rb") as handle:
                handle.seek(0, os.SEEK_END)
                if handle.tell() == 0:
                    return False
                handle.seek(-1, os.SEEK_END)
                return handle.read(1) != b"\n"
        except FileNotFoundError:
            return False

    # -- reading -------------------------------------------------------------------------------
    def events(self) -> list[dict]:
        """Every readable event in file order (a new list; unreadable lines are warned about and skipped).

        Returns
        -------
        list of dict
            The events' JSON objects; a torn or unreadable line gives a
            :class:`~hrp_coding.errors.JournalWarning` naming the file and line, and no earlier event is lost.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
        >>> _ = journal.append({"event": "remove", "coding_id": "c1"})
        >>> [e["coding_id"] for e in journal.events()]
        ['c1']
        """
        restarted, fresh = self.read_new()
        if restarted:
            self._events = []
        self._events.extend(event for _line, event in fresh)
        return list(self._events)

    def read_new(self) -> tuple[bool, list[tuple[int, dict]]]:
        """The events appended since the last call, as ``(restarted, [(line number, event), ...])``.

        Reads only the new bytes (the file is append-only). ``restarted`` is True when the file was
        replaced, shortened or removed since the last call: the events are then read from the start,
        and the caller must forget what it had from this journal.

        Returns
        -------
        tuple of (bool, list of (int, dict))
            ``restarted`` and the new events with their line numbers.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
        >>> _ = journal.append({"event": "remove", "coding_id": "c1"})
        >>> restarted, fresh = journal.read_new()
        >>> restarted, [line for line, _ in fresh], journal.read_new()
        (False, [1], (False, []))
        """
        restarted = False
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            restarted = self._inode is not None
            self._reset()
            return restarted, []
        inode = (stat.st_dev, stat.st_ino)
        if inode != self._inode or stat.st_size < self._offset:
            restarted = self._inode is not None
            self._reset()
            self._inode = inode
        return restarted, (self._read_more() if stat.st_size > self._offset else [])

    @property
    def position(self) -> tuple[tuple[int, int] | None, int, int, bool]:
        """Where reading stands: (device and inode, byte offset, lines read, last event lacked its newline)."""
        return self._inode, self._offset, self._line, self._pending_newline

    def seek(self, inode: tuple[int, int], offset: int, line: int, pending_newline: bool) -> None:
        """Continue reading from a :attr:`position` saved earlier (by a cache of the folded state).

        Parameters
        ----------
        inode : tuple of (int, int)
            The file's device and inode when the position was saved (another file restarts the reading).
        offset : int
            The byte offset reached.
        line : int
            The number of lines read.
        pending_newline : bool
            Whether the last event read lacked its final newline.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> journal = Journal(pathlib.Path(tempfile.mkdtemp()) / "ana.jsonl")
        >>> _ = journal.append({"event": "remove", "coding_id": "c1"})
        >>> _ = journal.events()
        >>> again = Journal(journal.path)
        >>> again.seek(*journal.position)
        >>> _ = journal.append({"event": "remove", "coding_id": "c2"})
        >>> [e["coding_id"] for e in again.events()]
        ['c2']
        """
        self._inode, self._offset, self._line, self._pending_newline = tuple(inode), offset, line, pending_newline
        self._events = []
        self._warned = set()

    def _reset(self) -> None:
        self._events, self._offset, self._line, self._inode = [], 0, 0, None
        self._pending_newline = False

    def _read_more(self) -> list[tuple[int, dict]]:
        try:
            with open(self.path, "rb") as handle:
                try:
                    self._lock.acquire()
                except (OSError, JournalError):  # a read-only project folder: read without the lock
                    locked = False
                else:
                    locked = True
                try:
                    handle.seek(self._offset)
                    data = handle.read()
                finally:
                    if locked:
                        self._lock.release()
        except OSError as err:
            raise JournalError(f"cannot read journal {self.path}: {err}") from err
        out: list[tuple[int, dict]] = []
        if self._pending_newline and data.startswith(b"\n"):
            # the newline a later append wrote after a complete but unterminated event
            data = data[1:]
            self._offset += 1
            self._pending_newline = False
        lines = data.split(b"\n")
        tail = lines.pop()  # b"" when the data ends with a newline, else an unterminated last line
        for raw in lines:
            self._line += 1
            self._offset += len(raw) + 1
            self._parse(raw, self._line, out)
        if tail:
            # Unterminated last line: keep it if it is a complete event, else report it as torn.
            # Do not advance past it: a later append puts a newline after it and it is read again.
            event = self._decode(tail)
            if event is not None:
                self._line += 1
                self._offset += len(tail)
                out.append((self._line, event))
                # Its newline comes with the next append; the next read then starts with an empty line.
                self._pending_newline = True
            else:
                self._warn(self._line + 1, "torn last line (no newline, incomplete JSON): skipped", tail)
        return out

    def _parse(self, raw: bytes, line: int, out: list) -> None:
        if not raw.strip():
            return
        event = self._decode(raw)
        if event is None:
            self._warn(line, "unreadable line (invalid JSON or not an event): skipped", raw)
        else:
            out.append((line, event))

    @staticmethod
    def _decode(raw: bytes) -> dict | None:
        try:
            event = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            return None
        if not isinstance(event, dict) or event.get("event") not in EVENT_KINDS or "id" not in event:
            return None
        return event

    def _warn(self, line: int, message: str, raw: bytes) -> None:
        if line in self._warned:
            return
        self._warned.add(line)
        excerpt = raw[:60].decode("utf-8", "replace")
        warnings.warn(f"{self.path}, line {line}: {message} [{excerpt!r}]", JournalWarning, stacklevel=4)
