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

from hrp_coding.lazy import lazy_attributes

__all__ = ["ExportSummary", "ImportSummary", "export_qdpx", "import_qdpx", "import_qdpx_with_summary",
           "last_import_summary", "refi", "safe_zip"]

_SUBMODULES = {"refi", "safe_zip"}
_LAZY = {name: "hrp_coding.interop.refi" for name in __all__ if name not in _SUBMODULES}

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, submodules=_SUBMODULES, namespace=globals())
