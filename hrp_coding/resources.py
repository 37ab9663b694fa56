"""Where the bundled data live: the one function that knows, :func:`data_path`.

The shipped codebooks (``codebook/``, with ``schema.json``) and the fictional sample study (``sample_data/``)
sit at the top of the repository, beside the package (the user's layout). A source checkout and an editable
install read them there; a built wheel carries a copy as ``hrp_coding/_data/`` (see ``setup.py``), which is
looked at first.

This module imports only the error catalogue, so every layer may use it.

Examples
--------
>>> data_path("codebook", "making_room.yaml").name
'making_room.yaml'
>>> data_path("codebook", "schema.json").is_file()
True
"""

from __future__ import annotations

from pathlib import Path

from hrp_coding.errors import DataNotFoundError

__all__ = ["data_path", "data_roots"]

_PACKAGE = Path(__file__).resolve().parent


def data_roots() -> tuple[Path, ...]:
    """The folders searched for bundled data, in order.

    Returns
    -------
    tuple of Path
        ``hrp_coding/_data`` (an installed wheel), then the folder that holds the package (a checkout or an
        editable install).

    Examples
    --------
    >>> [root.name for root in data_roots()][0]
    '_data'
    """
    return (_PACKAGE / "_data", _PACKAGE.parent)


def data_path(*parts: str) -> Path:
    """The path of a bundled data file or folder.

    Parameters
    ----------
    *parts : str
        Path parts below the data root, e.g. ``"sample_data", "study", "codings.csv"``.

    Returns
    -------
    Path
        The first existing match in :func:`data_roots`.

    Raises
    ------
    DataNotFoundError
        (a ``FileNotFoundError``) naming every place searched; also when no part is given.

    Examples
    --------
    >>> data_path("sample_data", "study", "codings.csv").name
    'codings.csv'
    """
    if not parts:
        raise DataNotFoundError("data_path needs at least one path part, e.g. data_path('codebook')")
    tried = []
    for root in data_roots():
        candidate = root.joinpath(*parts)
        if candidate.exists():
            return candidate
        tried.append(str(candidate))
    raise DataNotFoundError(f"bundled data {'/'.join(parts)!r} not found; looked in: {', '.join(tried)}")
