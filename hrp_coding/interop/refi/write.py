"""Write a :class:`~hrp_coding.interop.refi.model.ParsedProject` into a new project folder.

The project is built in a temporary folder beside ``study_dir`` through the public
:class:`~hrp_coding.project.Project` API (``init``, ``update_settings``, ``add_transcript``,
``import_codings``, ``add_memo``), with the ``refi-qda.yaml`` sidecar holding what the store has no place for;
only then is the folder renamed into place. If anything fails, the temporary folder is removed and
``study_dir`` is left as it was.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Code, Codebook
>>> from hrp_coding.project import Project
>>> from hrp_coding.interop.refi import export_qdpx, last_import_summary
>>> from hrp_coding.interop.refi.parse import parse_qdpx
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> study = Project.init(folder / "s", codebook=Codebook(name="D", version=1, codes=[Code("holding", "Holding")]))
>>> _ = study.add_transcript("P01: We sat with her.\\n", transcript_id="P01")
>>> _ = export_qdpx(study, folder / "d.qdpx")
>>> summary = write_project(parse_qdpx(folder / "d.qdpx"), folder / "again")
>>> last_import_summary(folder / "again") == summary
True
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ProjectError, TranscriptWarning
from hrp_coding.interop.refi.model import ParsedProject
from hrp_coding.interop.refi.summary import ImportSummary

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.project import Project

__all__ = ["SIDECAR", "last_import_summary", "read_sidecar", "write_project"]

SIDECAR = "refi-qda.yaml"


def read_sidecar(project: Project | str | os.PathLike) -> dict[str, Any] | None:
    """The ``refi-qda.yaml`` of a project imported from a ``.qdpx`` (None when there is none).

    Parameters
    ----------
    project : Project, str or os.PathLike
        The project, or its folder.

    Returns
    -------
    dict or None
        The sidecar's data (cases, variables, sets of sources, loose notes, the ``import`` summary...), or None
        for a project that was not imported from a ``.qdpx``.

    Raises
    ------
    ProjectError
        When the file exists but cannot be read.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> read_sidecar(tiny_study()) is None
    True
    """
    import yaml

    from hrp_coding.limits import read_yaml

    file = Path(getattr(project, "path", project)) / SIDECAR
    if not file.is_file():
        return None
    try:
        data = read_yaml(file)
    except (OSError, yaml.YAMLError) as err:
        raise ProjectError(f"{file}: unreadable ({err})") from err
    if not isinstance(data, dict):
        raise ProjectError(f"{file}: expected a mapping, got {type(data).__name__}")
    return data


def last_import_summary(project: Project | str | os.PathLike) -> ImportSummary:
    """The :class:`ImportSummary` of the import that created ``project`` (from its ``refi-qda.yaml``).

    Parameters
    ----------
    project : Project, str or os.PathLike
        A project created by :func:`~hrp_coding.interop.refi.import_qdpx`, or its folder.

    Returns
    -------
    ImportSummary
        What that import read and wrote, with its warnings.

    Raises
    ------
    ProjectError
        When the project was not imported from a ``.qdpx`` (no ``refi-qda.yaml``) or the file is unreadable.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.interop.refi import export_qdpx, import_qdpx
    >>> archive = export_qdpx(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "tiny.qdpx").path
    >>> last_import_summary(import_qdpx(archive, pathlib.Path(archive).with_name("again"))).codings
    1
    """
    folder = Path(getattr(project, "path", project))
    data = read_sidecar(folder)
    if data is None:
        raise ProjectError(f"{folder} was not imported from a REFI-QDA file: no {SIDECAR}")
    try:
        return ImportSummary.from_dict(data["summary"])
    except (KeyError, TypeError, ValueError) as err:
        raise ProjectError(f"{folder / SIDECAR}: unreadable import summary ({err})") from err


def write_project(parsed: ParsedProject, study_dir: str | os.PathLike) -> ImportSummary:
    """Create ``study_dir`` holding ``parsed``; returns the :class:`ImportSummary`.

    Parameters
    ----------
    parsed : ParsedProject
        What :func:`~hrp_coding.interop.refi.parse.parse_qdpx` read.
    study_dir : str or os.PathLike
        The project folder to create (must not exist, or be empty); built aside and renamed into place.

    Returns
    -------
    ImportSummary
        The counts and warnings of the import (also stored in the folder's ``refi-qda.yaml``).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.interop.refi import export_qdpx
    >>> from hrp_coding.interop.refi.parse import parse_qdpx
    >>> archive = export_qdpx(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "tiny.qdpx").path
    >>> write_project(parse_qdpx(archive), pathlib.Path(archive).with_name("copy")).transcripts
    1

    Raises
    ------
    ProjectError
        When ``study_dir`` exists and is not an empty folder (checked first; nothing is written then).
    """
    study_dir = Path(study_dir)
    if study_dir.exists() and (not study_dir.is_dir() or any(study_dir.iterdir())):
        raise ProjectError(f"cannot import into {study_dir}: it exists and is not an empty folder")
    study_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{study_dir.name}.importing-", dir=study_dir.parent))
    try:
        summary = _fill(parsed, tmp / "project", study_dir)
        if study_dir.exists():
            study_dir.rmdir()  # empty, checked above
        os.replace(tmp / "project", study_dir)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return summary


def _fill(parsed: ParsedProject, folder: Path, final: Path) -> ImportSummary:
    import pandas as pd

    from hrp_coding.project import Project

    notes = list(parsed.warnings)
    skipped = parsed.skipped
    project = Project.init(folder, codebook=parsed.codebook, name=parsed.name, coders=parsed.coders)
    if parsed.settings:
        try:
            project.update_settings(**parsed.settings)
        except ProjectError as err:
            notes.append(f"the project settings written by hrp-coding could not be restored: {err}")
    imported: list = []
    for src in parsed.sources:
        if "\n" not in src.text and len(src.text) < 4096 and Path(src.text).exists():
            # Project.add_transcript would take such a string for a file path: refuse rather than read that file
            notes.append(f"source {src.name!r}: its whole text {src.text[:60]!r} names an existing path; skipped")
            skipped += sum(1 for c in parsed.codings if c.tid == src.tid)
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TranscriptWarning)
            project.add_transcript(src.text, transcript_id=src.tid, attributes=dict(src.attributes) or None,
                                   speaker_roles=dict(src.speaker_roles) or None, allow_empty=True)
        for w in caught:
            if issubclass(w.category, TranscriptWarning):
                notes.append(f"transcript {src.tid}: {w.message}")
            else:  # pragma: no cover - other warnings pass through unchanged
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        imported.append(src)
    tids = {s.tid for s in imported}
    rows, seen, dupes = [], set(), 0
    for c in parsed.codings:
        if c.tid not in tids:
            continue
        key = (c.coder, c.tid, c.start, c.end, c.code)
        if key in seen:
            dupes += 1
            continue
        seen.add(key)
        rows.append({"transcript": c.tid, "coder": c.coder, "code": c.code, "start": c.start, "end": c.end,
                     "memo": c.memo})
    if dupes:
        notes.append(f"{dupes} coding(s) repeat another of the same user, code and span; imported once")
        skipped += dupes
    added = 0
    if rows:
        added = project.import_codings(pd.DataFrame(rows, columns=["transcript", "coder", "code", "start", "end",
                                                                   "memo"])).added
    n_memos = sum(1 for r in rows if r["memo"])
    for memo in parsed.memos:
        if memo.text.strip() and (memo.kind == "code" or memo.target in tids):
            project.add_memo(memo.kind, memo.target, memo.text, coder=memo.coder)
            n_memos += 1
    annotations = []
    for a in parsed.annotations:
        if a.tid in tids:
            project.add_memo("transcript", a.tid, a.text, coder=a.coder)
            annotations.append({"transcript": a.tid, "start": a.start, "end": a.end, "memo": a.memo,
                                "text": a.text, "coder": a.coder, "guid": a.guid, "at": a.at})
    n_memos += len(annotations)
    summary = ImportSummary(source=parsed.source, project=str(final), origin=parsed.origin,
                            transcripts=len(imported), coders=len({r["coder"] for r in rows}), codings=added,
                            codes=len(parsed.codebook.codes), memos=n_memos, skipped_codings=skipped,
                            warnings=tuple(notes), coder_map=parsed.coder_map, reading=parsed.reading,
                            annotations=len(annotations))
    sidecar = {
        "format": "hrp-coding refi-qda sidecar v2",
        "imported_from": parsed.source,
        "imported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "origin": parsed.origin,
        "project_name": parsed.name,
        "reading": parsed.reading,
        "users": [{"guid": g, "name": n, "coder": c} for g, n, c in parsed.coder_map],
        "sources": [{"guid": s.guid, "name": s.name, "transcript": s.tid, "text": s.location} for s in imported],
        **parsed.extras,
        "annotations": annotations,
        "summary": summary.to_dict(),
    }
    import yaml

    atomic_write_text(folder / SIDECAR, yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True, width=120))
    return summary
