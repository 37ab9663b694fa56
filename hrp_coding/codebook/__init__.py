"""Codebooks as validated, versioned data.

A codebook is a YAML file (see ``codebook/schema.json`` and ``docs/codebook.md``) read by
:meth:`Codebook.load`, validated with every problem reported at once, evolved by operations that return new
codebooks with a changelog, rendered as Markdown or printable HTML, and exchanged with other QDA software
as a REFI-QDA ``.qdc`` file.

Examples
--------
>>> from hrp_coding.codebook import Codebook, shipped_path
>>> cb = Codebook.load(shipped_path("making_room"))
>>> len(cb.children("making_room"))
8
"""

from __future__ import annotations

from pathlib import Path

from hrp_coding.codebook.model import ChangeEntry, Code, Codebook, CodebookDiff, CodeMigration, CodeSet
from hrp_coding.errors import DataNotFoundError
from hrp_coding.resources import data_path

__all__ = ["ChangeEntry", "Code", "CodeMigration", "CodeSet", "Codebook", "CodebookDiff", "shipped_path"]


def shipped_path(name: str) -> Path:
    """The path of a codebook shipped with hrp-coding, in a checkout, an editable install or a wheel.

    Parameters
    ----------
    name : str
        ``"making_room"`` or ``"hrit_integration"`` (with or without ``.yaml``).

    Returns
    -------
    Path
        The YAML file, found through :func:`hrp_coding.resources.data_path`.

    Raises
    ------
    DataNotFoundError
        (a ``FileNotFoundError``) naming the codebooks that are shipped.

    Examples
    --------
    >>> shipped_path("hrit_integration").name
    'hrit_integration.yaml'
    """
    stem = name[:-5] if name.endswith(".yaml") else name
    try:
        return data_path("codebook", f"{stem}.yaml")
    except DataNotFoundError:
        try:
            available = sorted(p.stem for p in data_path("codebook").glob("*.yaml"))
        except DataNotFoundError:
            available = []
        raise DataNotFoundError(f"no shipped codebook {name!r} (available: {', '.join(available) or 'none'})") from None
