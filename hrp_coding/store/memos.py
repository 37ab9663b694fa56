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

import re
from pathlib import Path

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ProjectError
from hrp_coding.store.events import CodingMemo
from hrp_coding.store.journal import file_lock, new_id, now_iso
from hrp_coding.store.names import check_coder
from hrp_coding.store.reports import Memo

__all__ = ["MEMO_KINDS", "MemoWriting", "append_memo", "memos_frame", "read_memos"]

MEMO_KINDS = ("code", "transcript", "coding")

_HEADING = re.compile(r"^## (\S+) · (\S+)\s*$")


def append_memo(file: Path, kind: str, target_id: str, coder: str, text: str, at: str) -> None:
    """Append one memo section to ``file`` (created with a title when new).

    Parameters
    ----------
    file : pathlib.Path
        The target's memo file (``memos/codes/<id>.md``, ``memos/transcripts/<id>.md``...).
    kind : str
        The target kind, for the title of a new file.
    target_id : str
        The target, for the title.
    coder : str
        Who wrote the memo (in the section heading).
    text : str
        The memo (Markdown; lines starting with ``## `` are escaped).
    at : str
        When (UTC ISO time, in the section heading).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "codes" / "care.md"
    >>> append_memo(file, "code", "care", "ben", "Check P04.", "2024-02-01T00:00:00+00:00")
    >>> print(file.read_text(encoding="utf-8"), end="")
    # Memos on code `care`
    <BLANKLINE>
    ## 2024-02-01T00:00:00+00:00 · ben
    <BLANKLINE>
    Check P04.
    """
    file.parent.mkdir(parents=True, exist_ok=True)
    with file_lock(file.parent.parent / ".lock"):
        old = file.read_text(encoding="utf-8") if file.exists() else f"# Memos on {kind} `{target_id}`\n"
        body = "\n".join("\\" + line if line.startswith("## ") or line.startswith("\\## ") else line
                         for line in text.strip("\n").replace("\r\n", "\n").split("\n"))
        atomic_write_text(file, f"{old.rstrip(chr(10))}\n\n## {at} · {coder}\n\n{body}\n")


def read_memos(file: Path) -> list[tuple[str, str, str]]:
    """The memos in ``file`` as ``(coder, text, at)`` in file order.

    Parameters
    ----------
    file : pathlib.Path
        A memo file written by :func:`append_memo`.

    Returns
    -------
    list of (str, str, str)
        Each section's coder, text (escapes undone) and time.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> file = pathlib.Path(tempfile.mkdtemp()) / "P01.md"
    >>> _ = file.write_text("# Memos on transcript `P01`\\n\\n## 2024-03-01T00:00:00+00:00 · cy\\n\\nQuiet room.\\n",
    ...                     encoding="utf-8")
    >>> read_memos(file)
    [('cy', 'Quiet room.', '2024-03-01T00:00:00+00:00')]
    """
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


def memos_frame(folder: Path, coding_memos: list[tuple], *, target_kind: str | None = None,
                target_id: str | None = None):
    """Every memo under ``folder`` (``codes/``, ``transcripts/``) plus ``coding_memos`` (target_kind,
    target_id, coder, text, at) as a frame: target_kind, target_id, coder, at, text, sorted by target then time.

    Parameters
    ----------
    folder : pathlib.Path
        The project's ``memos/`` folder (it may not exist yet).
    coding_memos : list of tuple
        The memos on codings, from the journals.
    target_kind, target_id : str, optional
        Keep only memos on this kind of target, or on this target.

    Returns
    -------
    pandas.DataFrame
        Columns ``target_kind, target_id, coder, at, text``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> memos_frame(folder, [("coding", "c1", "ana", "Unsure.", "2024-04-01")])[["target_id", "text"]].values.tolist()
    [['c1', 'Unsure.']]
    """
    import pandas as pd

    rows = []
    for kind, sub in (("code", "codes"), ("transcript", "transcripts")):
        where = folder / sub
        for file in sorted(where.glob("*.md")) if where.is_dir() else []:
            rows.extend((kind, file.stem, *m) for m in read_memos(file))
    rows.extend(coding_memos)
    frame = pd.DataFrame(rows, columns=["target_kind", "target_id", "coder", "text", "at"])
    if target_kind is not None:
        frame = frame[frame["target_kind"] == target_kind]
    if target_id is not None:
        frame = frame[frame["target_id"] == target_id]
    frame = frame[["target_kind", "target_id", "coder", "at", "text"]]
    return frame.sort_values(["target_kind", "target_id", "at"], kind="stable").reset_index(drop=True)


class MemoWriting:
    """:meth:`add_memo`, a mixin of :class:`~hrp_coding.project.Project` (memos on codes, transcripts, codings)."""

    def add_memo(self, target_kind: str, target_id: str, text: str, coder: str, *, replace: bool = False) -> Memo:
        """Write a memo on a code, a transcript or a coding.

        Code and transcript memos are appended to ``memos/codes/<id>.md`` and
        ``memos/transcripts/<id>.md`` (Markdown, one section per memo); memos on codings are
        ``memo`` events in the writer's journal and show in the ``memo`` column of :meth:`codings`.
        ``replace=True`` (codings only) makes ``text`` this coder's whole memo on the coding instead of adding
        to it; an empty ``text`` then clears it (the earlier memo events stay in the journal).

        Parameters
        ----------
        target_kind, target_id, text, coder : str
            What the memo is on (``"code"``, ``"transcript"`` or ``"coding"``) and its id, the memo, who wrote it.
        replace : bool
            For a memo on a coding: make ``text`` this coder's whole memo on it (empty: clear it).

        Returns
        -------
        Memo
            The memo as recorded (target, coder, time, text).

        Raises
        ------
        ProjectError
            An unknown kind, code, transcript or live coding, an invalid coder name, an empty text, or
            ``replace=True`` on a code or transcript.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's coding of "We sat with her" as holding
        >>> cid = study.codings()["coding_id"][0]
        >>> study.add_memo("coding", cid, "Or staying with?", "ben").text
        'Or staying with?'
        >>> study.codings()["memo"].tolist()
        ['[ben] Or staying with?']
        >>> _ = study.add_memo("code", "holding", "Physical presence.", "ana")
        >>> study.memos()[["target_kind", "coder", "text"]].values.tolist()
        [['code', 'ana', 'Physical presence.'], ['coding', 'ben', 'Or staying with?']]
        >>> _ = study.add_memo("coding", cid, "", "ben", replace=True)
        >>> study.codings()["memo"].tolist()
        [None]
        """
        if target_kind not in MEMO_KINDS:
            raise ProjectError(f"add_memo: target_kind must be one of {', '.join(MEMO_KINDS)}, got {target_kind!r}")
        check_coder(coder)
        if replace and target_kind != "coding":
            raise ProjectError(f"add_memo: replace=True is for memos on codings, not on a {target_kind}")
        if not isinstance(text, str) or not (text.strip() or replace):
            raise ProjectError(f"add_memo: the memo text on {target_kind} {target_id!r} is empty")
        at = now_iso()
        if target_kind == "coding":
            with self._lock():
                self.get_coding(target_id)
                self._store.register([coder])
                self._ledger.append(coder, [CodingMemo(id=new_id(), at=at, coder=coder, coding_id=target_id, text=text,
                                                       codebook_version=self.codebook.version,
                                                       replace=True if replace else None)])
            return Memo(target_kind, target_id, coder, text, at)
        if target_kind == "code":
            problems: list[str] = []
            self._check_code(target_id, problems, allow_retired=True)
            if problems:
                raise ProjectError("add_memo: " + "; ".join(problems))
        elif not self._transcripts.exists(target_id):
            raise ProjectError("add_memo: " + self._unknown_transcript(target_id))
        sub = "codes" if target_kind == "code" else "transcripts"
        append_memo(self.path / "memos" / sub / f"{target_id}.md", target_kind, target_id, coder, text, at)
        return Memo(target_kind, target_id, coder, text, at)
