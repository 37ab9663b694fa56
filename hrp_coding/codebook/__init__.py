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

__all__ = ["ChangeEntry", "Code", "CodeMigration", "CodeSet", "Codebook", "CodebookDiff", "shipped_path"]

_SHIPPED_DIR = Path(__file__).resolve().parents[2] / "codebook"


def shipped_path(name: str) -> Path:
    """Path of a codebook shipped in the repository's ``codebook/`` folder (``"making_room"``,
    ``"hrit_integration"``).

    Raises
    ------
    FileNotFoundError
        When the file is not there (for example in an installed package without the repository).
    """
    path = _SHIPPED_DIR / f"{name}.yaml"
    if not path.is_file():
        available = sorted(p.stem for p in _SHIPPED_DIR.glob("*.yaml")) if _SHIPPED_DIR.is_dir() else []
        raise FileNotFoundError(f"no shipped codebook {name!r} at {path} (available: {', '.join(available) or 'none'})")
    return path
