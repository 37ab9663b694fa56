"""De-identification in a project: at import, again at every update, and never a listed name in shared files.

The key (pseudonym -> original) goes to ``<project>/private/deid-key.yaml`` (mode 0600), grouped by
transcript, with the lists used (``private/deid-lists.yaml``: names, aliases, patterns, so that
:func:`reapply` can de-identify a revised text the same way); ``private/`` is listed in the
project's ``.gitignore``. Both files are read, changed and written under an exclusive lock
(``private/.deid.lock``), so concurrent de-identified imports lose no key entry.

What is de-identified: the text and speaker labels (:meth:`Deidentifier.apply`), the transcript id
and the source file name (:meth:`Deidentifier.clean_name`: ``P01_Maria_Lopez`` becomes
``P01_PERSON_1``, with a :class:`~hrp_coding.errors.TranscriptWarning`) and string attributes. The
transcript's sidecar gets a ``deidentification`` section: each replacement's category, pseudonym,
rule and place in the stored text, and counts; never the original text.
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import yaml

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ProjectError, TranscriptWarning
from hrp_coding.limits import read_yaml

__all__ = ["KEY_FILE", "LISTS_FILE", "deidentify_transcript", "reapply"]

KEY_FILE = "private/deid-key.yaml"
LISTS_FILE = "private/deid-lists.yaml"
_LOCK_FILE = "private/.deid.lock"
_KEY_HEADER = ("# hrp-coding de-identification key: transcript -> pseudonym -> original.\n"
               "# CONFIDENTIAL: never commit or share this file (private/ is in .gitignore).\n")
_LISTS_HEADER = ("# hrp-coding de-identification lists used per transcript (names and aliases).\n"
                 "# CONFIDENTIAL: never commit or share this file (private/ is in .gitignore).\n")


def _deidentifier(deidentify: Any):
    from hrp_coding.transcripts import Deidentifier

    if isinstance(deidentify, Deidentifier):
        return deidentify
    if isinstance(deidentify, (str, os.PathLike)):
        path = Path(deidentify)
        if not path.is_file():
            raise FileNotFoundError(f"names list for de-identification not found: {path}")
        return Deidentifier.from_file(path)
    raise ProjectError(f"deidentify= must be a Deidentifier or the path of a names list, got "
                       f"{type(deidentify).__name__}")


@contextlib.contextmanager
def _locked(root: Path):
    from filelock import FileLock

    lock = root / _LOCK_FILE
    lock.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(lock)):
        yield


def _write_private(path: Path, header: str, data: dict) -> None:
    atomic_write_text(path, header + yaml.safe_dump(data, allow_unicode=True, sort_keys=True))
    if os.name == "posix":
        os.chmod(path, 0o600)


def _strings(value: Any, fn) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, Mapping):
        return {k: _strings(v, fn) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_strings(v, fn) for v in value)
    return value


def _apply(transcript, deid, *, root: Path, gitignore: Path, existing: Iterable[str], new_id: bool):
    import dataclasses

    from hrp_coding.store.transcript_import import TRANSCRIPT_ID

    new, report = deid.apply(transcript)
    tid = deid.clean_name(new.id) if new_id else new.id
    if tid != new.id:
        if not TRANSCRIPT_ID.match(tid) or tid in set(existing):
            raise ProjectError(f"the transcript id contains a listed name and its de-identified form {tid!r} is "
                               "not usable or already taken: give transcript_id= without the name")
        warnings.warn(f"the transcript id contained a listed name: stored as {tid!r} (give transcript_id= to "
                      "choose another)", TranscriptWarning, stacklevel=4)
    source = deid.clean_name(new.source) if new.source else new.source
    new = dataclasses.replace(new, id=tid, source=source,
                              attributes=_strings(new.attributes, deid.deidentify_text))
    frame = report.to_frame()
    replacements = [{"category": str(r.category), "pseudonym": str(r.pseudonym), "rule": str(r.rule),
                     "start": int(r.new_start), "end": int(r.new_end)} for r in frame.itertuples(index=False)]
    shown = "\n".join([new.text, new.id, new.source or "", repr(new.attributes)])
    entries = {p: o for p, o in deid.key.items() if p in shown or p.strip("[]") in shown}
    _ensure_gitignored(gitignore)
    with _locked(root):  # read-modify-write of the key and lists: no concurrent import loses an entry
        key_file, lists_file = root / KEY_FILE, root / LISTS_FILE
        keys = (read_yaml(key_file) or {}) if key_file.is_file() else {}
        lists = (read_yaml(lists_file) or {}) if lists_file.is_file() else {}
        earlier = keys.pop(transcript.id, None) if not new_id else None
        lists.pop(transcript.id, None)
        keys[tid] = dict(sorted({**(earlier or {}), **entries}.items()))
        lists[tid] = deid.to_lists()
        _write_private(key_file, _KEY_HEADER, keys)
        _write_private(lists_file, _LISTS_HEADER, lists)
    counts: dict[str, int] = {}
    for r in replacements:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    section = {"deidentification": {
        "key_file": KEY_FILE, "counts": dict(sorted(counts.items())),
        "text_sha256": new.sha256,  # the offsets below point into this version of the text
        "replacements": replacements,
        "note": "list- and pattern-based; names not in the list are not found: review the text before sharing"}}
    return new, section


def deidentify_transcript(transcript, deidentify: Any, *, key_file: Path, gitignore: Path,
                          existing: Iterable[str] = ()) -> tuple[Any, dict]:
    """De-identify ``transcript`` (text, speakers, id, source, attributes); write its key; return it and the section.

    ``key_file`` is ``<project>/private/deid-key.yaml``; ``existing``: ids already in the project
    (a de-identified id must not collide with one).

    Parameters
    ----------
    transcript : Transcript
        The transcript as read.
    deidentify : Deidentifier or path
        A de-identifier, or a names-list file (:meth:`Deidentifier.from_file`).
    key_file : pathlib.Path
        The project's key file; the pseudonyms given are added to it (owner-only permissions).
    gitignore : pathlib.Path
        The project's ``.gitignore``, made to ignore ``private/``.
    existing : iterable of str, default ()
        Transcript ids already in the project.

    Returns
    -------
    tuple of (Transcript, dict)
        The de-identified transcript (its id de-identified too) and the sidecar's ``deidentification``
        section (the report, without originals).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.transcripts import Deidentifier, transcript_from_text
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> t = transcript_from_text("I: Who?\\nP: Maria helped.\\n", "P01")
    >>> new, section = deidentify_transcript(t, Deidentifier(names=["Maria"]), gitignore=root / ".gitignore",
    ...                                      key_file=root / "private" / "deid-key.yaml")
    >>> new.text, "private/" in (root / ".gitignore").read_text()
    ('I: Who?\\nP: [PERSON_1] helped.\\n', True)
    """
    root = Path(key_file).parent.parent
    return _apply(transcript, _deidentifier(deidentify), root=root, gitignore=gitignore, existing=existing,
                  new_id=True)


def reapply(transcript, *, root: Path, gitignore: Path) -> tuple[Any, dict]:
    """De-identify a revised text of a transcript that was de-identified at import, with the same lists and key.

    Pseudonyms already in the text stay; names the revision brought back are replaced by the
    pseudonyms they had (list entries and known pattern values) or new ones.

    Parameters
    ----------
    transcript : Transcript
        The revised transcript (its id is the stored one).
    root : pathlib.Path
        The project folder (its ``private/`` holds the lists and the key).
    gitignore : pathlib.Path
        The project's ``.gitignore``.

    Returns
    -------
    tuple of (Transcript, dict)
        The de-identified revision and its sidecar section.

    Raises
    ------
    ProjectError
        When the lists used at import are missing from ``private/`` (the text is then not stored).

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.transcripts import Deidentifier
    >>> study = tiny_study()
    >>> deid = Deidentifier(names=["Maria"])
    >>> _ = study.add_transcript("I: Who?\\nP: Maria helped.\\n", transcript_id="P02", deidentify=deid)
    >>> _ = study.update_transcript("P02", "I: Who?\\nP: Maria helped, and Maria stayed.\\n")   # reapply runs here
    >>> study.transcript("P02").text
    'I: Who?\\nP: [PERSON_1] helped, and [PERSON_1] stayed.\\n'
    """
    from hrp_coding.transcripts import Deidentifier

    root = Path(root)
    lists_file = root / LISTS_FILE
    lists = (read_yaml(lists_file) or {}) if lists_file.is_file() else {}
    if transcript.id not in lists:
        raise ProjectError(f"transcript {transcript.id!r} was de-identified at import but {lists_file} has no "
                           "lists for it: give deidentify= (the names list) to update_transcript")
    key_file = root / KEY_FILE
    key = ((read_yaml(key_file) or {}) if key_file.is_file() else {}).get(transcript.id) or {}
    deid = Deidentifier.from_lists(lists[transcript.id], key)
    return _apply(transcript, deid, root=root, gitignore=gitignore, existing=(), new_id=False)


def _ensure_gitignored(gitignore: Path) -> None:
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.is_file() else []
    if not any(line.strip() in ("private/", "private", "/private/", "/private") for line in lines):
        atomic_write_text(gitignore, "\n".join([*lines, "private/"]) + "\n")
