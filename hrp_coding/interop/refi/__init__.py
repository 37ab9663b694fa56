"""REFI-QDA project exchange (``.qdpx``): import a project from NVivo, ATLAS.ti, MAXQDA, QualCoder, qc...
and export one that they accept.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (QDA-XML, namespace ``urn:QDA-XML:project:1.0``)
and a ``sources/`` folder with the source texts. The package, one job per module:

==============================  ===================================================================================
module                          job
==============================  ===================================================================================
:mod:`.positions`               how each program counts positions (code points or UTF-16 units, CRLF as one or two),
                                deciding the reading from ``origin`` and evidence, and mapping positions
:mod:`.archive`                 the untrusted archive: project XML, source texts, encodings
:mod:`.people`                  users, notes and variables: the tables references are resolved with
:mod:`.parse`                   the XML into the frozen intermediate :class:`~.model.ParsedProject`
:mod:`.model`                   that model
:mod:`.write`                   the model into a project folder (built aside, renamed into place), ``refi-qda.yaml``
:mod:`.export`                  a project into a ``.qdpx``
:mod:`.summary`                 :class:`ImportSummary` and :class:`ExportSummary`
==============================  ===================================================================================

What maps to what (details in docs/refi_qda.md): ``User`` -> a coder (lowercase slug); ``TextSource`` -> a
transcript (canonical text: UTF-8, NFC, LF, no BOM); ``PlainTextSelection`` + ``Coding`` -> one coding per
``Coding``, by its ``creatingUser``; its ``Description`` and notes -> the coding's memo; a selection without a
``Coding`` (an annotation) -> a transcript memo quoting its passage; ``CodeBook`` + ``Sets`` of codes -> the
codebook (:mod:`hrp_coding.codebook.qdc`); ``Cases``/``Variables`` -> transcript attributes; ``Notes`` -> memos;
cases, variables, sets of sources and loose notes are also kept in ``refi-qda.yaml`` and written back on export.

Every tolerated deviation is issued as a :class:`~hrp_coding.errors.RefiWarning` **and** recorded as one line of
the :class:`ImportSummary` (returned by :func:`import_qdpx_with_summary`, stored in ``refi-qda.yaml``, read back
by :func:`last_import_summary`). The archive is untrusted: :class:`~hrp_coding.interop.safe_zip.SafeZip` and
:mod:`defusedxml` refuse zip slip, zip bombs, symlinks and entity expansion; nothing is written but the new
project folder.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Code, Codebook
>>> from hrp_coding.project import Project
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding")])
>>> study = Project.init(folder / "study", codebook=cb)
>>> _ = study.add_transcript("Interviewer: How was it?\\nP01: We sat with her.\\n", transcript_id="P01")
>>> _ = study.add_coding(coder="ana", transcript="P01", start=30, end=45, code="holding")
>>> export_qdpx(study, folder / "demo.qdpx").codings
1
>>> again, summary = import_qdpx_with_summary(folder / "demo.qdpx", folder / "again")
>>> again.codings()[["coder", "code", "text"]].values.tolist()
[['ana', 'holding', 'We sat with her']]
>>> summary.transcripts, summary.coders, summary.codings, summary.warnings
(1, 1, 1, ())
"""

from __future__ import annotations

import os
import warnings as _warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from hrp_coding.errors import ProjectError, RefiWarning
from hrp_coding.interop.refi.export import export_qdpx, project_guids
from hrp_coding.interop.refi.summary import ExportSummary, ImportSummary
from hrp_coding.interop.refi.write import SIDECAR, last_import_summary, write_project

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.codebook import Codebook
    from hrp_coding.project import Project

__all__ = [
    "DEFAULT_ENCODING_FALLBACKS",
    "DEFAULT_MAX_BYTES",
    "SIDECAR",
    "ExportSummary",
    "ImportSummary",
    "export_qdpx",
    "import_qdpx",
    "import_qdpx_with_summary",
    "last_import_summary",
    "project_guids",
]

DEFAULT_MAX_BYTES = 1 << 30
DEFAULT_ENCODING_FALLBACKS = ("cp1252",)


def import_qdpx(path: str | os.PathLike, study_dir: str | os.PathLike, *, codebook: str | os.PathLike | Codebook
                | None = None, max_bytes: int = DEFAULT_MAX_BYTES, max_ratio: float = 200.0,
                encoding_fallbacks: Iterable[str] = DEFAULT_ENCODING_FALLBACKS, external_files: bool = False,
                base_dir: str | os.PathLike | None = None) -> Project:
    """Import a REFI-QDA project (``.qdpx``) into a new project folder; returns the :class:`Project`.

    The :class:`ImportSummary` is stored in the project's ``refi-qda.yaml`` (read it with
    :func:`last_import_summary`) and each warning in it is issued as a :class:`~hrp_coding.errors.RefiWarning`.

    Parameters
    ----------
    path, study_dir, codebook, max_bytes, max_ratio, encoding_fallbacks, external_files, base_dir
        As for :func:`import_qdpx_with_summary`.

    Returns
    -------
    Project
        The new project, open.

    Raises
    ------
    RefiError, ProjectError
        As :func:`import_qdpx_with_summary`; nothing is written then.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> archive = pathlib.Path(tempfile.mkdtemp()) / "tiny.qdpx"
    >>> _ = export_qdpx(tiny_study(), archive)
    >>> import_qdpx(archive, archive.with_name("imported")).transcript_ids
    ('P01',)
    """
    project, _summary = import_qdpx_with_summary(path, study_dir, codebook=codebook, max_bytes=max_bytes,
                                                 max_ratio=max_ratio, encoding_fallbacks=encoding_fallbacks,
                                                 external_files=external_files, base_dir=base_dir)
    return project


def import_qdpx_with_summary(path: str | os.PathLike, study_dir: str | os.PathLike, *,
                             codebook: str | os.PathLike | Codebook | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                             max_ratio: float = 200.0,
                             encoding_fallbacks: Iterable[str] = DEFAULT_ENCODING_FALLBACKS,
                             external_files: bool = False,
                             base_dir: str | os.PathLike | None = None) -> tuple[Project, ImportSummary]:
    """Import a ``.qdpx`` file into a new project folder; returns ``(project, summary)``.

    Parameters
    ----------
    path : path-like
        The ``.qdpx`` archive (untrusted: see the package docstring).
    study_dir : path-like
        The project folder to create (must not exist, or be empty).
    codebook : path or Codebook, optional
        Use this codebook instead of the file's: each REFI code is matched to it by our code id (in files
        hrp-coding wrote), then by name (case-insensitive), then by id slug; codings of unmatched codes
        are skipped and listed. Needed to import the codings of a project without ``<CodeBook>``.
    max_bytes, max_ratio : int, float
        Zip-bomb limits: total uncompressed bytes, and compression ratio per member (above 1 MiB).
    encoding_fallbacks : iterable of str
        Encodings tried, in order, for a source text that is not UTF-8 (each use is a warning).
    external_files : bool
        Read source texts outside the archive (``relative://``, ``absolute://`` paths). Off by default.
    base_dir : path-like, optional
        Folder that ``relative://`` paths start from (default: the project's ``basePath``, else the folder
        of the ``.qdpx``).

    Returns
    -------
    tuple of (Project, ImportSummary)
        The new project, open, and what the import read and wrote (counts, coder map, position reading,
        one line per tolerated deviation or skipped coding).

    Raises
    ------
    RefiError
        For an unsafe archive (zip slip, zip bomb, symlink), hostile XML (entities), malformed XML (naming
        line and column), or a file that is not a REFI-QDA project. Nothing is written then.
    ProjectError
        When ``study_dir`` exists and is not empty.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = export_qdpx(tiny_study(coded=False), folder / "uncoded.qdpx")
    >>> project, summary = import_qdpx_with_summary(folder / "uncoded.qdpx", folder / "study")
    >>> summary.codings, summary.skipped_codings, project.coders
    (0, 0, ())
    """
    from hrp_coding.interop.refi.parse import parse_qdpx
    from hrp_coding.project import Project

    path, study_dir = Path(path), Path(study_dir)
    if study_dir.exists() and (not study_dir.is_dir() or any(study_dir.iterdir())):
        raise ProjectError(f"cannot import into {study_dir}: it exists and is not an empty folder")
    parsed = parse_qdpx(path, codebook=codebook, max_bytes=max_bytes, max_ratio=max_ratio,
                        encoding_fallbacks=encoding_fallbacks, external_files=external_files, base_dir=base_dir)
    summary = write_project(parsed, study_dir)
    for message in summary.warnings:
        _warnings.warn(f"{path.name}: {message}", RefiWarning, stacklevel=2)
    return Project.open(study_dir), summary
