"""Jupyter-side pieces: plots, HTML renderers and the coding widget.

Everything here is imported on first use; matplotlib and anywidget load only when a plot or a widget
is made.
"""

from __future__ import annotations

from hrp_coding.lazy import lazy_attributes

_LAZY = {
    "cooccurrence_heatmap": "hrp_coding.notebook.plots",
    "agreement_chart": "hrp_coding.notebook.plots",
    "saturation_curve": "hrp_coding.notebook.plots",
    "code_timeline": "hrp_coding.notebook.plots",
    "render_coded_text": "hrp_coding.notebook.html",
    "CodedTranscript": "hrp_coding.notebook.html",
    "coded_transcript": "hrp_coding.notebook.html",
    "CodingWidget": "hrp_coding.notebook.widget",
    "AdjudicationWidget": "hrp_coding.notebook.adjudication",
}

__all__ = sorted(_LAZY)


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, namespace=globals())
