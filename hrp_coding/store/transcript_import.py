"""Bringing transcripts into a project and taking them out: one file, a batch (all or nothing), removal.

:func:`prepare` reads one source (a file, a text, or a :class:`~hrp_coding.transcripts.Transcript`)
with the caller's overrides and refuses what must not be stored (an empty transcript, an id that is
not a file name, an id already in the project); :func:`add_batch` prepares *every* file before the
first write and holds the project lock throughout; if anything fails while writing, one intent removes
every transcript the batch added (under whatever id de-identification gave it) and puts the
de-identification key, its lists and ``.gitignore`` back byte for byte, so a failing batch leaves the
project as it was and the error names the file. :func:`check_coder`
enforces the coder roster (see :meth:`hrp_coding.project.Project.add_coders`).

Examples
--------
>>> from hrp_coding.transcripts import transcript_from_text
>>> t = prepare(transcript_from_text("I: Hi?\\nR: Hello.\\n", "P01"), existing=())
>>> t.id, len(t.turns)
('P01', 2)
>>> prepare("I:\\n\\n", transcript_id="P02", existing=())
Traceback (most recent call last):
...
hrp_coding.errors.TranscriptError: P02: 1 problem
  text: the transcript is empty: no turn has any text (nothing was stored)
"""

from __future__ import annotations

import dataclasses
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hrp_coding.errors import ParameterTypeError, Problem, ProjectError, TranscriptError, did_you_mean
from hrp_coding.store.names import TRANSCRIPT_PATTERN as TRANSCRIPT_ID  # one rule for ids

__all__ = ["ROSTER_EXEMPT", "add_batch", "check_coder", "prepare", "restore", "snapshot"]

_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt", ".pdf", ".csv", ".tsv", ".xlsx")
#: Coder layers that are never in the roster: model layers and the consensus layer.
ROSTER_EXEMPT = re.compile(r"^(?:model:.*|consensus)$")


def prepare(source: Any, transcript_id: str | None = None, *, existing: Iterable[str], encoding=None,
            speaker_pattern=None, speaker_roles: Mapping[str, str] | None = None, layout: str | None = None,
            attributes: Mapping | None = None, plain=lambda v: v, allow_empty: bool = False):
    """One transcript read and checked, ready to store; nothing is written.

    Parameters
    ----------
    source : path, str or Transcript
        A transcript file, the transcript's text (a string with a line break, or any string with
        ``transcript_id`` when no such file exists), or a Transcript.
    transcript_id : str, optional
        Default: the file name stem (or the Transcript's id).
    existing : iterable of str
        The ids already in the project.
    encoding, speaker_pattern, speaker_roles, layout :
        Reader overrides (see :func:`hrp_coding.transcripts.read_transcript`).
    attributes : mapping, optional
        Merged over the attributes the reader found (header fields).
    plain : callable
        Turns attribute values into plain YAML values.
    allow_empty : bool
        Accept a transcript without text (refused by default).

    Returns
    -------
    Transcript
        The transcript to store: canonical text, turns, attributes merged, id checked against ``existing``.

    Raises
    ------
    TranscriptError
        Unreadable or empty transcript (naming the file).
    ProjectError
        Bad or duplicate id.

    Examples
    --------
    >>> t = prepare("I: Hi\\nP: Hello\\n", "P09", existing=["P01"])
    >>> t.id, [turn.role for turn in t.turns]
    ('P09', ['interviewer', 'participant'])
    """
    from hrp_coding.transcripts import Transcript, read_transcript, transcript_from_text

    roles = dict(speaker_roles) if speaker_roles else None
    if isinstance(source, Transcript):
        transcript = source if transcript_id is None else dataclasses.replace(source, id=transcript_id)
        if roles:
            from hrp_coding.transcripts.model import Turn

            turns = tuple(Turn(t.index, t.speaker, t.start, t.end, roles.get(t.speaker, t.role), t.time_start,
                               t.time_end) for t in transcript.turns)
            transcript = dataclasses.replace(transcript, turns=turns,
                                             speaker_roles={**transcript.speaker_roles, **roles})
    else:
        is_path = isinstance(source, os.PathLike)
        if isinstance(source, str) and not is_path:
            looks_like_file = "\n" not in source and len(source) < 4096
            if looks_like_file and Path(source).is_file():
                is_path = True
            elif looks_like_file and transcript_id is None:
                if source.lower().endswith(_SUFFIXES):
                    raise FileNotFoundError(f"no such transcript file: {source}")
                raise ProjectError("add_transcript: give transcript_id= when adding text (the string given is "
                                   f"neither an existing file nor multi-line text: {source[:60]!r})")
        elif not is_path:
            raise ParameterTypeError(f"add_transcript expects a path, a text string or a Transcript, got "
                            f"{type(source).__name__}")
        if is_path:
            transcript = read_transcript(source, transcript_id=transcript_id, encoding=encoding,
                                         speaker_pattern=speaker_pattern, speaker_roles=roles, layout=layout)
        else:
            transcript = transcript_from_text(source, transcript_id, speaker_pattern=speaker_pattern,
                                              speaker_roles=roles, layout=layout)
    name = transcript.source or transcript.id
    if not allow_empty and (not any(t.end > t.start for t in transcript.turns) or not transcript.text.strip()):
        raise TranscriptError([Problem("text", "the transcript is empty: no turn has any text (nothing was stored)")],
                              source=name)
    tid = transcript.id
    if not TRANSCRIPT_ID.match(tid):
        raise ProjectError(f"{name}: transcript id {tid!r} is not usable as a file name: use letters, digits, '.', "
                           "'_' or '-' (give another transcript id)")
    if tid in set(existing):
        raise ProjectError(f"{name}: transcript {tid!r} is already in project (remove it first, or update its "
                           "text)")
    if attributes:
        transcript = dataclasses.replace(transcript, attributes={**transcript.attributes, **plain(dict(attributes))})
    return transcript


def snapshot(paths: Iterable[Path]) -> dict[Path, bytes | None]:
    """The current bytes of each path (None: absent), for :func:`restore`.

    Parameters
    ----------
    paths : iterable of pathlib.Path
        The files a batch may write.

    Returns
    -------
    dict of pathlib.Path to bytes or None
        Each file's content now, None for a file that does not exist.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / "a.txt").write_bytes(b"A")
    >>> snapshot([folder / "a.txt", folder / "b.txt"]) == {folder / "a.txt": b"A", folder / "b.txt": None}
    True
    """
    return {Path(p): (Path(p).read_bytes() if Path(p).is_file() else None) for p in paths}


def restore(saved: Mapping[Path, bytes | None]) -> None:
    """Put every path back as :func:`snapshot` found it (removing files that did not exist).

    Parameters
    ----------
    saved : mapping of pathlib.Path to bytes or None
        What :func:`snapshot` returned.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> saved = snapshot([folder / "new.txt"])
    >>> _ = (folder / "new.txt").write_text("written by a failed batch")
    >>> restore(saved)
    >>> (folder / "new.txt").exists()
    False
    """
    from hrp_coding._atomic import atomic_write_bytes

    for path, data in saved.items():
        if data is None:
            if path.exists():
                path.unlink()
        elif not path.is_file() or path.read_bytes() != data:
            atomic_write_bytes(path, data)


def add_batch(project, files: Iterable[Any], *, transcript_ids: Mapping[str, str] | None = None,
              attributes: Mapping[str, Mapping] | None = None, deidentify: Any = None, **overrides) -> list:
    """Add several transcript files, all or nothing (see the module docstring).

    Parameters
    ----------
    project : Project
        The project to add to.
    files : iterable of str or os.PathLike
        The transcript files (two files may not give one id).
    transcript_ids : mapping of str to str, optional
        File path (as given in ``files``) -> transcript id, for files whose name is not a usable id.
    attributes : mapping of str to mapping, optional
        Transcript id -> attributes.
    deidentify : Deidentifier or path, optional
        De-identify every file with one set of pseudonyms.
    **overrides
        Reader options (``encoding``, ``speaker_pattern``, ``speaker_roles``, ``layout``).

    Returns
    -------
    list of Transcript
        As stored, in the order given (each with its ``layout`` report).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = folder / "interview 2.txt"
    >>> _ = path.write_text("I: Hello\\nP: Hi\\n", encoding="utf-8")
    >>> [t.id for t in add_batch(tiny_study(), [path], transcript_ids={str(path): "P02"})]
    ['P02']
    """
    files = [Path(f) for f in files]
    ids = dict(transcript_ids or {})
    attrs = dict(attributes or {})
    existing = set(project.transcript_ids)
    seen: dict[str, Path] = {}
    for path in files:
        tid = ids.get(str(path), path.stem)
        if tid in seen:
            raise ProjectError(f"{path}: transcript id {tid!r} is also the id of {seen[tid]} in this batch (rename one "
                               "of the files; nothing was stored)")
        seen[tid] = path
    prepared = []
    for path in files:
        tid = ids.get(str(path), path.stem)
        t = prepare(path, tid, existing=existing, attributes=attrs.get(tid), **overrides)
        existing.add(t.id)
        prepared.append(t)
    from hrp_coding.store.deid import KEY_FILE, LISTS_FILE

    root = project.path
    private = root / "private"
    # the whole batch holds the project lock: no other process adds a transcript or writes the de-identification
    # key meanwhile, so what is new when it fails is this batch's, and the files it touched can be put back
    with project._lock():
        before = set(project.transcript_ids)
        private_existed = private.is_dir()
        saved = snapshot([root / KEY_FILE, root / LISTS_FILE, root / ".gitignore"])
        stored = []
        current = None
        try:
            for path, t in zip(files, prepared):
                current = path
                stored.append(project.add_transcript(t, deidentify=deidentify))
        except BaseException as exc:
            _roll_back(project, before, saved, None if private_existed else private)
            if isinstance(exc, (ProjectError, TranscriptError)) and str(current) not in str(exc):
                raise ProjectError(f"{current}: {exc} (no transcript of this batch was stored)") from exc
            raise
    return stored


def _roll_back(project, before: set[str], saved: Mapping[Path, bytes | None], private: Path | None) -> None:
    """Undo a failed batch, as one intent: remove the transcripts it added (whatever ids de-identification gave
    them), put the key, the lists and ``.gitignore`` back byte for byte; ``private``: remove that folder when the
    batch created it. The caller holds the project lock."""
    from hrp_coding.store import intents

    root = project.path
    project._transcripts.clear()
    with project._lock():  # re-entrant: first finishes an intent the failure interrupted (its files are the batch's)
        pass
    project._transcripts.clear()
    added = sorted(set(project.transcript_ids) - before)
    with intents.Intent(root, "transcript", f"add_transcripts rolled back ({len(added)} added)") as intent:
        for tid in added:
            for suffix in (".txt", ".yaml"):
                intent.delete(root / "transcripts" / f"{tid}{suffix}")
        for path, data in saved.items():
            current = path.read_bytes() if path.is_file() else None
            if current == data:
                continue
            if data is None:
                intent.delete(path)
            else:
                intent.write(path, data)
    folder = project._transcripts.segment_folder  # derived entries of the transcripts removed
    for entry in (folder.iterdir() if folder.is_dir() else ()):
        if entry.name.rsplit(".", 2)[0] in added:
            entry.unlink(missing_ok=True)
    for path in saved:
        if path.parent.name == "private" and path.is_file() and os.name == "posix":
            os.chmod(path, 0o600)  # the key and lists stay readable by their owner only
    if private is not None and private.is_dir():
        leftovers = [p for p in private.iterdir() if p.name != ".deid.lock"]
        if not leftovers:
            for lock in private.iterdir():
                lock.unlink()
            private.rmdir()
    project._transcripts.clear()


def check_coder(coder: str, roster: Iterable[str], closed: bool, *, what: str = "coder") -> str | None:
    """The problem with ``coder`` given the roster, or None.

    A closed roster (declared with ``Project.init(coders=...)`` or ``add_coders``) refuses every
    other name, with a did-you-mean (``anna`` vs ``ana``); an open one (coders registered as they
    first code) accepts new names. Model layers and ``consensus`` are never refused.

    Parameters
    ----------
    coder : str
        The coder of a row or a call.
    roster : iterable of str
        The project's coders.
    closed : bool
        Whether the roster is closed.
    what : str, default "coder"
        Names the value in the message.

    Returns
    -------
    str or None
        The problem in words, or None when the coder may code.

    Examples
    --------
    >>> check_coder("anna", ["ana", "ben"], closed=True)
    "coder 'anna' is not in the roster (ana, ben); did you mean 'ana'?"
    >>> check_coder("model:tfidf", ["ana"], closed=True) is None, check_coder("anna", ["ana"], closed=False) is None
    (True, True)
    """
    roster = sorted(set(roster))
    if ROSTER_EXEMPT.match(coder) or coder in roster:
        return None
    if not closed:
        return None
    hint = did_you_mean(coder, roster)
    hint = f"; {hint}" if hint else ""
    return f"{what} {coder!r} is not in the roster ({', '.join(roster) or 'empty'}){hint}"
