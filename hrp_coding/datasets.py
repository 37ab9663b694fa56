"""The bundled data: the Making Room codebook and the fictional sample study.

Paths go through :func:`hrp_coding.resources.data_path` (re-exported here), the one place that knows where
the data live (the repository's ``codebook/`` and ``sample_data/`` folders next to the package, or
``hrp_coding/_data/`` in an installed wheel).

Examples
--------
>>> data_path("codebook", "making_room.yaml").name
'making_room.yaml'
"""

from __future__ import annotations

import atexit
import os
import shutil
from pathlib import Path

from hrp_coding.resources import data_path

__all__ = ["codebook_path", "data_path", "replication_codings_path", "sample_study", "tiny_study"]


def codebook_path(name: str = "making_room") -> Path:
    """The path of a bundled codebook (the same as :func:`hrp_coding.codebook.shipped_path`).

    Parameters
    ----------
    name : str, default "making_room"
        ``"making_room"`` or ``"hrit_integration"``, with or without ``.yaml``.

    Returns
    -------
    Path

    Examples
    --------
    >>> codebook_path().name
    'making_room.yaml'
    """
    from hrp_coding.codebook import shipped_path

    return shipped_path(name)


def replication_codings_path() -> Path:
    """The later coding of the replication interviews R01-R04 by coder ``dana`` (used by the replication notebook).

    Returns
    -------
    pathlib.Path
        ``sample_data/replication/codings.csv`` wherever the data are (checkout, editable install or wheel).

    Examples
    --------
    >>> replication_codings_path().name
    'codings.csv'
    """
    return data_path("sample_data", "replication", "codings.csv")


def _participants(folder: Path) -> list[dict]:
    from hrp_coding.transcripts.attributes import read_attributes_table

    return read_attributes_table(folder / "participants.csv", required=("transcript", "file"))


def _attributes(row: dict, sample: str) -> dict:
    attrs: dict = {}
    for key, value in row.items():
        if key in ("transcript", "file"):
            continue
        attrs[key] = int(value) if key == "years_in_practice" and value.strip().isdigit() else value
    attrs["sample"] = sample
    return attrs


def sample_study(path: str | os.PathLike, *, replication: bool = True, progress: bool = False):
    """Create a project at ``path`` holding the fictional sample study.

    The eight interviews P01-P08 (``.txt``, ``.docx`` and ``.vtt``) with their participant attributes
    and ``sample="original"``, coded by ``ana``, ``ben`` and ``caro`` (``sample_data/study/codings.csv``);
    with ``replication=True`` also the uncoded interviews R01-R04 with ``sample="replication"``.

    Parameters
    ----------
    path : str or PathLike
        The project folder to create (must not exist).
    replication : bool, default True
        Also add the replication interviews R01-R04 (uncoded).
    progress : bool, default False
        Show a progress bar (tqdm) while the interviews are read.

    Returns
    -------
    Project

    Examples
    --------
    >>> import tempfile, pathlib
    >>> study = sample_study(pathlib.Path(tempfile.mkdtemp()) / "study", replication=False)
    >>> study.transcript_ids[:3], sorted(set(study.codings()["coder"]))
    (('P01', 'P02', 'P03'), ['ana', 'ben', 'caro'])
    """
    from hrp_coding.project import Project

    study = data_path("sample_data", "study")
    project = Project.init(path, codebook=codebook_path("making_room"), name="Making Room (sample study)")
    folders = [(study, "original")]
    if replication:
        folders.append((data_path("sample_data", "replication"), "replication"))
    rows = [(folder, row, sample) for folder, sample in folders for row in _participants(folder)]
    iterator = rows
    if progress:
        from tqdm.auto import tqdm

        iterator = tqdm(rows, desc="interviews", unit="file")
    for folder, row, sample in iterator:
        project.add_transcript(folder / row["file"], transcript_id=row["transcript"],
                               attributes=_attributes(row, sample))
    project.import_codings(study / "codings.csv")
    return project


# tiny_study's temporary folders and the process that made each: it removes them when it exits (see the Notes)
_AT_EXIT: list[tuple[int, Path]] = []


def _remove_at_exit() -> None:
    # a forked child inherits the list and runs atexit too: only its own folders are its to remove
    for pid, folder in _AT_EXIT:
        if pid == os.getpid():
            shutil.rmtree(folder, ignore_errors=True)


atexit.register(_remove_at_exit)


#: The transcript of :func:`tiny_study`; ana's coding covers "We sat with her" (offsets 9-24).
TINY_TEXT = "I: Hi\nP: We sat with her.\n"


def tiny_study(path: str | os.PathLike | None = None, *, coded: bool = True):
    """A throwaway project small enough for an example: one code, one transcript, at most one coding.

    The codebook ``D`` (version 1) has the one code ``holding``; the transcript ``P01`` is :data:`TINY_TEXT`
    (an interviewer's and a participant's turn); with ``coded=True`` coder ``ana`` has coded "We sat with her"
    (offsets 9-24) as ``holding``.

    Parameters
    ----------
    path : str or PathLike, optional
        The project folder to create (must not exist); a new temporary folder ``hrp-tiny-*/study`` by
        default, removed when the Python process exits.
    coded : bool, default True
        Add ana's coding.

    Returns
    -------
    Project

    Notes
    -----
    The default folder outlives the returned Project on purpose: ``folder = tiny_study().path`` (as the CLI
    examples do) drops the Project at once, and a folder removed with it would be gone before the next line.
    So it goes when the process exits (normally; not after SIGKILL), and a notebook kernel or a test session
    keeps its few kilobytes per call until then. A ``path`` you pass is yours and is never removed.

    Examples
    --------
    >>> study = tiny_study()
    >>> study.codings()[["coder", "code", "text"]].values.tolist()
    [['ana', 'holding', 'We sat with her']]
    """
    import tempfile

    from hrp_coding.codebook import Code, Codebook
    from hrp_coding.project import Project

    if path is None:
        folder = Path(tempfile.mkdtemp(prefix="hrp-tiny-"))
        _AT_EXIT.append((os.getpid(), folder))
        path = folder / "study"
    study = Project.init(path, codebook=Codebook(name="D", version=1, codes=[Code("holding", "Holding")]))
    study.add_transcript(TINY_TEXT, transcript_id="P01")
    if coded:
        study.add_coding(coder="ana", transcript="P01", start=9, end=24, code="holding")
    return study
