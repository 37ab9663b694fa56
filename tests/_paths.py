"""Where the tests find things outside the package: the repository root and the shared reference data.

The shared data (REFI-QDA schemas and samples, the AnnoMI benchmark) are never copied into the repository.
They live in a folder ``shared/`` beside the checkout (``../shared`` from the repository root, in a worktree
as in a fresh CI clone), or wherever the environment variable ``HRP_SHARED_DIR`` points. Tests that need
them skip cleanly when they are absent: use :func:`needs_shared`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    """The folder of shared reference data: ``$HRP_SHARED_DIR``, else ``shared/`` beside the checkout."""
    configured = os.environ.get("HRP_SHARED_DIR")
    return Path(configured) if configured else REPO.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path inside the shared reference data (it may not exist: check, or mark the test :func:`needs_shared`)."""
    return shared_dir().joinpath(*parts)


def needs_shared(*parts: str):
    """A skip marker for a test that reads ``shared_path(*parts)``, naming what is missing when it skips."""
    path = shared_path(*parts)
    return pytest.mark.skipif(not path.exists(), reason=f"shared reference data absent: {path}")
