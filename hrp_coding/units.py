"""The units a study is segmented and compared in: one list for the library and the command line.

This module imports nothing from the rest of the package, so every layer may use it.

Examples
--------
>>> SEGMENT_UNITS
('turn', 'sentence', 'paragraph')
>>> AGREEMENT_UNITS[-2:]
('character', 'unitized')
"""

from __future__ import annotations

__all__ = ["AGREEMENT_UNITS", "SEGMENT_UNITS"]

#: Segments of a transcript (:func:`hrp_coding.transcripts.segment`): speaker turns, sentences, paragraphs.
SEGMENT_UNITS = ("turn", "sentence", "paragraph")
#: What agreement can be computed on: the segments, single characters, or the coders' own spans (unitized alpha).
AGREEMENT_UNITS = (*SEGMENT_UNITS, "character", "unitized")
