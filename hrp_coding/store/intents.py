"""Every rewrite is one intent: staged files, an intent record, then files renamed into place.

A change that rewrites files (a transcript revision, a codebook change with its migration, a CSV
import, a settings change) runs, under the project lock, as:

1. **stage**: each new file is written and fsynced under ``.hrp/intents/<id>/``;
2. **record**: ``.hrp/intents/<id>.json`` is written atomically. It lists the staged files and their
   targets, the journal events to append (with their ids) and each journal's size before;
3. **apply**: the staged files are renamed into place, then the events are appended;
4. **done**: the record and the staging folder are removed.

A crash before step 2 leaves only staged files: :func:`recover` removes them (the change is rolled
back: nothing of it was visible). A crash after step 2 is rolled forward: staged files still there
are renamed into place and every event not yet in its journal is appended (events are recognised by
id, so nothing is written twice). :meth:`hrp_coding.project.Project.open` calls :func:`recover` and
reports what it did with a :class:`~hrp_coding.errors.RecoveryWarning`.

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> with Intent(root, "demo", "write a file") as intent:
...     intent.write(root / "notes.txt", "hello\\n")
>>> (root / "notes.txt").read_text()
'hello\\n'
>>> recover(root)
[]
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from pathlib import Path

from hrp_coding._atomic import atomic_write_bytes, fsync_directory, write_durable
from hrp_coding.errors import JournalError
from hrp_coding.store.events import Event
from hrp_coding.store.journal import Journal, new_id
from hrp_coding.store.ledger import journal_name

__all__ = ["HISTORY", "INTENTS", "Intent", "pending", "recover"]

#: where intents are staged and recorded, relative to the project folder
INTENTS = Path(".hrp") / "intents"


#: the project history (settings and codebook changes, transcript revisions), relative to the project folder
HISTORY = "history.jsonl"


def _journal(root: Path, rel: str) -> Journal:
    name = Path(rel).name
    return Journal(root / rel, root / ".hrp" / "locks" / f"{name}.lock")


class Intent:
    """One atomic, recoverable change of files and journals (use as a context manager, under the project lock).

    Parameters
    ----------
    root : Path
        The project folder.
    kind : str
        What the change is (``revision``, ``codebook``, ``import``, ``settings``...).
    what : str
        A sentence for the recovery report, e.g. ``"update_transcript('P01')"``.
    """

    def __init__(self, root: Path, kind: str, what: str):
        self.root = Path(root)
        self.id = new_id()
        self.kind, self.what = kind, what
        self.folder = self.root / INTENTS / self.id
        self.files: list[tuple[str, str]] = []
        self.events: dict[str, list[dict]] = {}

    def write(self, target: Path, data: str | bytes) -> None:
        """Stage the new content of ``target`` (a file inside the project).

        Parameters
        ----------
        target : pathlib.Path
            The file to create or replace, inside the project folder.
        data : str or bytes
            Its new content (text is written as UTF-8); staged and fsynced now, renamed into place on commit.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> with Intent(root, "demo", "write two files") as intent:
        ...     intent.write(root / "a.txt", "one"); intent.write(root / "b.bin", b"two")
        >>> sorted(p.name for p in root.iterdir() if p.is_file())
        ['a.txt', 'b.bin']
        """
        self.folder.mkdir(parents=True, exist_ok=True)
        staged = self.folder / f"{len(self.files):04d}"
        write_durable(staged, data.encode("utf-8") if isinstance(data, str) else data)
        self.files.append((staged.relative_to(self.root).as_posix(), Path(target).relative_to(self.root).as_posix()))

    def delete(self, target: Path) -> None:
        """Remove ``target`` (a file inside the project) as part of this change.

        Parameters
        ----------
        target : pathlib.Path
            The file to remove, inside the project folder (a missing file is fine).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (root / "old.txt").write_text("x")
        >>> with Intent(root, "demo", "remove a file") as intent:
        ...     intent.delete(root / "old.txt")
        >>> (root / "old.txt").exists()
        False
        """
        self.files.append((None, Path(target).relative_to(self.root).as_posix()))

    def append(self, coder: str, events: list[Event]) -> None:
        """Append ``events`` to ``coder``'s journal as part of this change.

        Parameters
        ----------
        coder : str
            Whose journal (``codings/<coder>.jsonl``) the events go to.
        events : list of Event
            The events, appended after the staged files are in place (nothing for an empty list).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from hrp_coding.store.events import RemoveCoding
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> with Intent(root, "demo", "remove c1") as intent:
        ...     intent.append("ana", [RemoveCoding(id="e1", at="t", coder="ana", coding_id="c1")])
        >>> (root / "codings" / "ana.jsonl").read_text().count("\\n")
        1
        """
        if events:
            self.events.setdefault(f"codings/{journal_name(coder)}", []).extend(e.to_json() for e in events)

    def append_history(self, event: Event) -> None:
        """Record ``event`` in the project history (``history.jsonl``) as part of this change.

        Parameters
        ----------
        event : Event
            A history event (a settings, codebook or transcript change).

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from hrp_coding.store.events import SettingsChanged
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> with Intent(root, "settings", "blind coding on") as intent:
        ...     intent.append_history(SettingsChanged(id="h1", at="t", changes={"blind_coding": True}))
        >>> '"blind_coding":true' in (root / HISTORY).read_text()
        True
        """
        self.events.setdefault(HISTORY, []).append(event.to_json())

    def commit(self) -> None:
        """Write the record, apply the change, remove the record.

        Leaving the ``with`` block without an error commits; an intent with nothing staged writes nothing.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> root = pathlib.Path(tempfile.mkdtemp())
        >>> intent = Intent(root, "demo", "by hand")
        >>> intent.write(root / "c.txt", "three")
        >>> intent.commit()
        >>> (root / "c.txt").read_text(), pending(root)
        ('three', False)
        """
        if not self.files and not self.events:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        fsync_directory(self.folder)
        sizes = {}
        for rel in self.events:
            path = self.root / rel
            sizes[rel] = path.stat().st_size if path.exists() else 0
        record = {"id": self.id, "kind": self.kind, "what": self.what, "files": self.files,
                  "journals": {c: {"size": sizes[c], "events": ev} for c, ev in self.events.items()}}
        atomic_write_bytes(self.root / INTENTS / f"{self.id}.json",
                           json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8"))
        _apply(self.root, record)

    def __enter__(self) -> Intent:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.commit()
        elif not (self.root / INTENTS / f"{self.id}.json").exists():
            with contextlib.suppress(OSError):  # failed before the record: nothing of it is visible
                shutil.rmtree(self.folder)


def _apply(root: Path, record: dict) -> tuple[int, int]:
    """Roll ``record`` forward (idempotent); returns (files renamed, events appended)."""
    renamed = appended = 0
    folders = set()
    for staged, target in record["files"]:
        dst = root / target
        if staged is None:
            with contextlib.suppress(FileNotFoundError):
                dst.unlink()
                folders.add(dst.parent)
                renamed += 1
            continue
        src = root / staged
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
            folders.add(dst.parent)
            renamed += 1
    for folder in folders:
        fsync_directory(folder)
    for rel, entry in record["journals"].items():
        journal = _journal(root, rel)
        there = set()
        if journal.path.exists() and journal.path.stat().st_size > entry["size"]:
            with open(journal.path, "rb") as handle:
                handle.seek(entry["size"])
                for raw in handle.read().split(b"\n"):
                    with contextlib.suppress(ValueError):
                        obj = json.loads(raw)
                        if isinstance(obj, dict):
                            there.add(obj.get("id"))
        missing = [e for e in entry["events"] if e.get("id") not in there]
        if missing:
            journal.append_many(missing)
            appended += len(missing)
    (root / INTENTS / f"{record['id']}.json").unlink()
    with contextlib.suppress(OSError):
        shutil.rmtree(root / INTENTS / record["id"])
    return renamed, appended


def pending(root: Path) -> bool:
    """Whether ``root`` has an unfinished intent (or its leftovers).

    Parameters
    ----------
    root : pathlib.Path
        The project folder.

    Returns
    -------
    bool
        True when ``.hrp/intents/`` holds anything: :func:`recover` has work to do.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> pending(pathlib.Path(tempfile.mkdtemp()))
    False
    """
    folder = Path(root) / INTENTS
    try:
        with os.scandir(folder) as entries:
            return any(True for _ in entries)
    except (FileNotFoundError, NotADirectoryError):
        return False


def recover(root: Path) -> list[str]:
    """Finish or roll back every interrupted intent in ``root`` (call under the project lock).

    Parameters
    ----------
    root : pathlib.Path
        The project folder, its lock held by the caller.

    Returns
    -------
    list of str
        One sentence per intent finished, rolled back or kept for review (empty when there was nothing to do).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / INTENTS / "0123").mkdir(parents=True)   # staged, never recorded: a crash before step 2
    >>> print(*recover(root))
    rolled back an interrupted change that had not been recorded (staged files 0123 removed; nothing of it had ...)
    """
    root = Path(root)
    folder = root / INTENTS
    if not pending(root):
        return []
    done = []
    records = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime_ns)
    for file in records:
        try:
            record = json.loads(file.read_text(encoding="utf-8"))
            renamed, appended = _apply(root, record)
        except (OSError, ValueError, KeyError, TypeError, JournalError) as err:
            done.append(f"could not finish the interrupted change recorded in {file}: {err}; it is kept for review")
            continue
        done.append(f"finished the interrupted {record.get('what', record.get('kind'))}: {renamed} file(s) "
                    f"renamed into place, {appended} journal event(s) appended")
    recorded = {p.stem for p in folder.glob("*.json")}
    for staged in folder.iterdir():
        if staged.is_dir() and staged.name not in recorded:
            shutil.rmtree(staged, ignore_errors=True)
            done.append(f"rolled back an interrupted change that had not been recorded (staged files {staged.name} "
                        "removed; nothing of it had been applied)")
        elif staged.name.endswith(".tmp"):
            with contextlib.suppress(OSError):
                staged.unlink()
    return done
