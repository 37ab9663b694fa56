"""Transcripts: readers into one canonical :class:`Transcript`, segmentation, de-identification.

Canonical text is UTF-8, NFC, LF line endings, no BOM; every offset counts code points and ends
are exclusive. :func:`read_transcript` reads ``.txt .md .docx .pdf .vtt .srt .csv .tsv .xlsx``,
detecting the export layout (Otter.ai, Rev, Temi/Trint/Descript, Zoom/Teams VTT, Word bold names or
tables...) and attaching a :class:`LayoutReport` (see ``docs/transcripts.md``); utterance tables of
many transcripts such as AnnoMI go through :func:`read_utterance_table`.
:func:`segment` cuts a transcript into turns, sentences or paragraphs with stable ids, and
:class:`Deidentifier` replaces names, places and patterns with consistent pseudonyms.

Examples
--------
>>> from hrp_coding.transcripts import transcript_from_text
>>> t = transcript_from_text("Interviewer: Hi.\\nP01: Hello there.\\n", "P01")
>>> [t.turn_text(turn) for turn in t.turns]
['Hi.', 'Hello there.']
"""

from __future__ import annotations

from hrp_coding.lazy import lazy_attributes
from hrp_coding.transcripts.model import Transcript, Turn, default_role
from hrp_coding.transcripts.readers import read_transcript
from hrp_coding.transcripts.readers.text import transcript_from_text

__all__ = [
    "DeidReport",
    "Deidentifier",
    "LayoutReport",
    "Transcript",
    "Turn",
    "UtteranceTable",
    "annomi_columns",
    "default_role",
    "read_annomi",
    "read_transcript",
    "read_utterance_table",
    "segment",
    "segment_many",
    "transcript_from_text",
]

# Loaded on first use (segmentation needs spaCy, tables need pandas).
_LAZY = {
    "segment": "hrp_coding.transcripts.segment",
    "segment_many": "hrp_coding.transcripts.segment",
    "Deidentifier": "hrp_coding.transcripts.deid",
    "DeidReport": "hrp_coding.transcripts.deid",
    "LayoutReport": "hrp_coding.transcripts.layout",
    "UtteranceTable": "hrp_coding.transcripts.readers.table",
    "read_utterance_table": "hrp_coding.transcripts.readers.table",
    "annomi_columns": "hrp_coding.transcripts.readers.table",
    "read_annomi": "hrp_coding.transcripts.readers.table",
}


__getattr__, __dir__ = lazy_attributes(__name__, _LAZY, namespace=globals(), extra=__all__)
