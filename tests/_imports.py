"""What an import loads, seen from a fresh interpreter (so that other tests' imports do not count)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence


def heavy_modules_loaded(code: str, heavy: Sequence[str]) -> list[str]:
    """Run ``code`` in a new Python process and list which of the ``heavy`` modules it left in ``sys.modules``."""
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {tuple(heavy)!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.strip()
    return out.split(",") if out else []
