"""hrp-coding: qualitative coding, inter-rater reliability and offline code suggestions for
harm reduction psychotherapy (HRP) research.

The import is cheap: names below load their module on first use, and spaCy, scikit-learn and
matplotlib load only when a feature that needs them runs.

Examples
--------
>>> import hrp_coding as hc
>>> hc.__version__
'0.1.0'
"""

from __future__ import annotations

from hrp_coding.lazy import lazy_attributes

__version__ = "0.1.0"

# public name -> module that defines it (loaded on first attribute access, PEP 562)
_LAZY = {
    "Codebook": "hrp_coding.codebook",
    "Code": "hrp_coding.codebook",
    "Project": "hrp_coding.project",
    "Transcript": "hrp_coding.transcripts",
    "read_transcript": "hrp_coding.transcripts",
    "CodebookError": "hrp_coding.errors",
    "ProjectError": "hrp_coding.errors",
    "TranscriptError": "hrp_coding.errors",
    "HrpCodingError": "hrp_coding.errors",
    "HrpCodingWarning": "hrp_coding.errors",
}
_SUBMODULES = {"agreement", "analysis", "codebook", "datasets", "errors", "interop", "notebook", "suggest",
               "transcripts"}

__all__ = sorted([*_LAZY, *_SUBMODULES, "__version__"])

__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, submodules=_SUBMODULES, namespace=globals(),
                                       extra=["__version__"])
