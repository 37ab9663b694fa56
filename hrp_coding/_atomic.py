"""Atomic file writes: write a temporary file beside the target, fsync it, then rename it into place.

A reader never sees a half-written file, and a crash leaves either the old or the new file.

Examples
--------
>>> import tempfile, pathlib
>>> target = pathlib.Path(tempfile.mkdtemp()) / "codebook.yaml"
>>> atomic_write_text(target, "version: 1\\n")
>>> target.read_text()
'version: 1\\n'
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

__all__ = ["atomic_write_bytes", "atomic_write_text", "fsync_directory", "write_all", "write_durable"]


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same folder, fsync, rename).

    ``durable=False`` skips the fsyncs, for derived caches that are rebuilt when a power cut leaves
    them empty or torn (readers still never see a half-written file while the machine runs).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        try:
            write_all(fd, data)
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_directory(path.parent)


def write_all(fd: int, data: bytes) -> None:
    """Write every byte of ``data`` to the file descriptor ``fd`` (``os.write`` may write fewer)."""
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def write_durable(path: str | os.PathLike, data: bytes) -> None:
    """Create or truncate ``path``, write ``data`` and fsync it (not atomic: for staged files)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
    try:
        write_all(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` atomically; line endings are written as given (no translation)."""
    atomic_write_bytes(path, text.encode(encoding))


def fsync_directory(folder: Path) -> None:
    """Make renames in ``folder`` durable (POSIX); a no-op on Windows."""
    # Makes the rename itself durable on POSIX; Windows cannot open a directory, and needs no such step.
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
