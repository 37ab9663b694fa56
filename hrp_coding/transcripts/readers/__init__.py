"""Readers: one module per source format, all producing a :class:`~hrp_coding.transcripts.Transcript`.

:func:`read_transcript` picks the reader by file extension.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.transcripts.model import Transcript

__all__ = ["LINE_SUFFIXES", "READERS", "TEXT_SUFFIXES", "encoding_for", "read_transcript"]


def encoding_for(encoding: str | Mapping[str, str] | None, suffix: str) -> str | None:
    """The encoding for a file of ``suffix``: ``encoding`` itself, or its entry for the suffix.

    A mapping is keyed by extension (``{".txt": "cp1252", ".csv": "utf-8"}``; the dot is optional);
    a plain string applies to every text format and is ignored for ``.docx``/``.xlsx``/``.pdf``.

    Parameters
    ----------
    encoding : str, mapping of str to str, or None
        One codec name for every text format, or one per extension (the ``encoding=`` of
        :func:`read_transcript`); None: detect.
    suffix : str
        The file's extension, with its dot (``".txt"``); any case.

    Returns
    -------
    str or None
        The codec name to pass to the reader, or None (detect, or a format that is not text).

    Examples
    --------
    >>> per_type = {"txt": "cp1252"}
    >>> encoding_for(per_type, ".txt"), encoding_for(per_type, ".srt"), encoding_for("cp1252", ".docx")
    ('cp1252', None, None)
    """
    suffix = suffix.lower()
    if encoding is None or suffix not in TEXT_SUFFIXES:
        return None
    if isinstance(encoding, str):
        return encoding
    table = {("." + k.lower().lstrip(".")): v for k, v in encoding.items()}
    return table.get(suffix)

#: file extension -> "module:function" of its reader
READERS = {
    ".txt": "hrp_coding.transcripts.readers.text:read_text",
    ".md": "hrp_coding.transcripts.readers.text:read_text",
    ".docx": "hrp_coding.transcripts.readers.docx:read_docx",
    ".vtt": "hrp_coding.transcripts.readers.subtitles:read_subtitles",
    ".srt": "hrp_coding.transcripts.readers.subtitles:read_subtitles",
    ".pdf": "hrp_coding.transcripts.readers.pdf:read_pdf",
    ".csv": "hrp_coding.transcripts.readers.utterances:read_table_transcript",
    ".tsv": "hrp_coding.transcripts.readers.utterances:read_table_transcript",
    ".xlsx": "hrp_coding.transcripts.readers.utterances:read_table_transcript",
}
#: Extensions whose files are text with an encoding (``encoding=`` applies to them).
TEXT_SUFFIXES = (".txt", ".md", ".vtt", ".srt", ".csv", ".tsv")
#: Extensions whose readers detect speaker labels in lines (``speaker_pattern=`` applies to them).
LINE_SUFFIXES = (".txt", ".md", ".docx", ".pdf")


def read_transcript(path, *, transcript_id: str | None = None, encoding: str | Mapping[str, str] | None = None,
                    speaker_pattern: str | re.Pattern | None = None, speaker_roles: Mapping[str, str] | None = None,
                    attributes: Mapping | None = None, layout: str | None = None) -> Transcript:
    """Read a transcript file (``.txt .md .docx .pdf .vtt .srt .csv .tsv .xlsx``) into canonical form.

    The layout (Otter.ai, Rev, Temi/Trint/Descript, Zoom or Teams VTT, Word bold names or tables,
    ``I:``/``R:`` labels, utterance tables...) is detected; ``transcript.layout`` is the
    :class:`~hrp_coding.transcripts.layout.LayoutReport` saying what was recognised.

    Parameters
    ----------
    path : str or path-like
        The file; its extension picks the reader.
    transcript_id : str, optional
        Default: the file name without extension.
    encoding : str or mapping, optional
        For text formats: a Python codec name (``"cp1252"``), or one per extension
        (``{".txt": "cp1252"}``). Default: detected (see :mod:`hrp_coding.transcripts.canonical`).
    speaker_pattern : str or re.Pattern, optional
        For ``.txt``/``.md``/``.docx``/``.pdf``: a regular expression with a named group ``speaker``
        matched at line start, replacing layout detection.
    speaker_roles : mapping, optional
        Speaker -> role (``"interviewer"``/``"participant"``) overrides.
    attributes : mapping, optional
        Transcript attributes to attach.
    layout : str, optional
        Force a layout (a key of :data:`hrp_coding.transcripts.layout.LAYOUTS` the format supports).

    Returns
    -------
    Transcript
        The transcript: canonical text, turns with roles, the attributes (the file's header fields, then
        ``attributes``) and ``layout``, the report of what was recognised.

    Raises
    ------
    TranscriptError
        Unknown extension, missing file, undecodable bytes (naming the byte offset and line), or a
        malformed file (naming the line or cue).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P07.txt"
    >>> _ = path.write_bytes(b"\\xef\\xbb\\xbfInterviewer: Hi.\\r\\nP07: Hello.\\r\\n")
    >>> t = read_transcript(path)
    >>> t.id, t.text, t.turn_text(t.turns[1])
    ('P07', 'Interviewer: Hi.\\nP07: Hello.\\n', 'Hello.')
    """
    import importlib

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in READERS:
        raise TranscriptError([Problem("extension", f"cannot read {suffix or 'files without extension'!r}",
                                       hint=f"supported: {', '.join(sorted(READERS))}")],
                              source=str(path))
    if not path.is_file():
        raise TranscriptError([Problem("path", "no such file")], source=str(path))
    module_name, func_name = READERS[suffix].split(":")
    reader = getattr(importlib.import_module(module_name), func_name)
    kwargs = {"transcript_id": transcript_id, "speaker_roles": speaker_roles, "attributes": attributes}
    if suffix in TEXT_SUFFIXES:
        kwargs["encoding"] = encoding_for(encoding, suffix)
    elif isinstance(encoding, str):
        raise TranscriptError([Problem("encoding", f"a {suffix} file has no text encoding to choose",
                                       hint="leave the encoding out, or give one per file type")], source=str(path))
    if suffix in LINE_SUFFIXES:
        kwargs["speaker_pattern"] = speaker_pattern
    elif speaker_pattern is not None:
        raise TranscriptError([Problem("speaker_pattern", f"a {suffix} file names its speakers itself; "
                                       "speaker_pattern applies to .txt .md .docx .pdf")], source=str(path))
    if suffix in (".vtt", ".srt"):
        if layout is not None:
            raise TranscriptError([Problem("layout", f"the layout of a {suffix} file is fixed by the format")],
                                  source=str(path))
    else:
        kwargs["layout"] = layout
    return reader(path, **kwargs)
