"""Memos on codes and transcripts as Markdown files, one section per memo.

::

    # Memos on code `holding`

    ## 2024-05-01T10:11:12.123456+00:00 · ana

    The participants describe holding as...

A memo line that starts with ``## `` is written as ``\\## `` so it cannot be mistaken for a new
section; reading undoes it. Appends happen under a lock file (``memos/.lock``) and each rewrite is
atomic, so two coders writing memos at once both keep theirs.

Examples
--------
>>> import tempfile, pathlib
>>> file = pathlib.Path(tempfile.mkdtemp()) / "holding.md"
>>> append_memo(file, "code", "holding", "ana", "First thought.\\n## not a heading", "2024-01-01T00:00:00+00:00")
>>> read_memos(file)
[('ana', 'First thought.\\n## not a heading', '2024-01-01T00:00:00+00:00')]
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from hrp_coding._atomic import atomic_write_text
from hrp_coding.store.journal import _lock, _unlock

__all__ = ["append_memo", "read_memos"]

_HEADING = re.compile(r"^## (\S+) · (\S+)\s*$")


def append_memo(file: Path, kind: str, target_id: str, coder: str, text: str, at: str) -> None:
    """Append one memo section to ``file`` (created with a title when new)."""
    file.parent.mkdir(parents=True, exist_ok=True)
    lock_path = file.parent.parent / ".lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(fd)
        try:
            old = file.read_text(encoding="utf-8") if file.exists() else f"# Memos on {kind} `{target_id}`\n"
            body = "\n".join("\\" + line if line.startswith("## ") or line.startswith("\\## ") else line
                             for line in text.strip("\n").replace("\r\n", "\n").split("\n"))
            atomic_write_text(file, f"{old.rstrip(chr(10))}\n\n## {at} · {coder}\n\n{body}\n")
        finally:
            _unlock(fd)
    finally:
        os.close(fd)


def read_memos(file: Path) -> list[tuple[str, str, str]]:
    """The memos in ``file`` as ``(coder, text, at)`` in file order."""
    memos: list[tuple[str, str, str]] = []
    current: tuple[str, str] | None = None
    lines: list[str] = []

    def flush():
        if current is not None:
            memos.append((current[1], "\n".join(lines).strip("\n"), current[0]))

    for line in file.read_text(encoding="utf-8").split("\n"):
        match = _HEADING.match(line)
        if match:
            flush()
            current, lines = (match.group(1), match.group(2)), []
        elif current is not None:
            lines.append(line[1:] if line.startswith("\\## ") or line.startswith("\\\\## ") else line)
    flush()
    return memos
