"""Exchange with other qualitative-analysis programs: REFI-QDA project files (``.qdpx``).

:mod:`hrp_coding.interop.refi` imports and exports ``.qdpx`` projects (NVivo, ATLAS.ti, MAXQDA, QualCoder,
qc...); :mod:`hrp_coding.interop.safe_zip` opens untrusted archives safely. Codebooks alone (``.qdc``) are
exchanged by :mod:`hrp_coding.codebook.qdc`.

Examples
--------
>>> from hrp_coding.interop import refi
>>> callable(refi.import_qdpx) and callable(refi.export_qdpx)
True
"""

from __future__ import annotations

import importlib

__all__ = ["ExportSummary", "ImportSummary", "export_qdpx", "import_qdpx", "import_qdpx_with_summary",
           "last_import_summary", "refi", "safe_zip"]

_SUBMODULES = {"refi", "safe_zip"}


def __getattr__(name: str):
    if name in _SUBMODULES:
        module = importlib.import_module(f"hrp_coding.interop.{name}")
        globals()[name] = module
        return module
    if name in __all__:
        value = getattr(importlib.import_module("hrp_coding.interop.refi"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'hrp_coding.interop' has no attribute {name!r}")


def __dir__():
    return __all__
