"""The bundled data: the Making Room codebook and the fictional sample study.

:func:`data_path` is the one place that knows where the data live (the repository's ``codebook/``
and ``sample_data/`` folders next to the package, or ``hrp_coding/_data/`` in an installed wheel).

Examples
--------
>>> data_path("codebook", "making_room.yaml").name
'making_room.yaml'
"""

from __future__ import annotations

import csv
import os
from pathlib import Path

from hrp_coding.errors import ProjectError

__all__ = ["codebook_path", "data_path", "replication_codings_path", "sample_study"]

_PACKAGE = Path(__file__).resolve().parent


def _roots() -> list[Path]:
    return [_PACKAGE / "_data", _PACKAGE.parent]


def data_path(*parts: str) -> Path:
    """The path of a bundled data file or folder, e.g. ``data_path("sample_data", "study", "codings.csv")``.

    Looks in ``hrp_coding/_data/`` (installed wheels) and then in the folder that contains the
    package (a source checkout). Raises FileNotFoundError naming every place searched.
    """
    if not parts:
        raise ValueError("data_path needs at least one path part, e.g. data_path('codebook')")
    tried = []
    for root in _roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
        tried.append(str(candidate))
    raise FileNotFoundError(f"bundled data {'/'.join(parts)!r} not found; looked in: {', '.join(tried)}")


def codebook_path(name: str = "making_room") -> Path:
    """The path of a bundled codebook (``name`` with or without ``.yaml``)."""
    return data_path("codebook", name if name.endswith(".yaml") else f"{name}.yaml")


def replication_codings_path() -> Path:
    """The later coding of the replication interviews R01-R04 by coder ``dana`` (used by the replication notebook)."""
    return data_path("sample_data", "replication", "codings.csv")


def _participants(folder: Path) -> list[dict]:
    file = folder / "participants.csv"
    with open(file, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    needed = {"transcript", "file"}
    if rows and not needed <= set(rows[0]):
        raise ProjectError(f"{file}: needs columns {sorted(needed)}, has {sorted(rows[0])}")
    return rows


def _attributes(row: dict, sample: str) -> dict:
    attrs: dict = {}
    for key, value in row.items():
        if key in ("transcript", "file") or value is None or value == "":
            continue
        attrs[key] = int(value) if key == "years_in_practice" and value.strip().isdigit() else value
    attrs["sample"] = sample
    return attrs


def sample_study(path: str | os.PathLike, *, replication: bool = True, progress: bool = False):
    """Create a project at ``path`` holding the fictional sample study.

    The eight interviews P01-P08 (``.txt``, ``.docx`` and ``.vtt``) with their participant attributes
    and ``sample="original"``, coded by ``ana``, ``ben`` and ``caro`` (``sample_data/study/codings.csv``);
    with ``replication=True`` also the uncoded interviews R01-R04 with ``sample="replication"``.

    Returns
    -------
    Project
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
