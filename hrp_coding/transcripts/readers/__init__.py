"""Readers: one module per source format, all producing a :class:`~hrp_coding.transcripts.Transcript`.

:func:`read_transcript` picks the reader by file extension.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.transcripts.model import Transcript

__all__ = ["READERS", "read_transcript"]

#: file extension -> "module:function" of its reader
READERS = {
    ".txt": "hrp_coding.transcripts.readers.text:read_text",
    ".md": "hrp_coding.transcripts.readers.text:read_text",
    ".docx": "hrp_coding.transcripts.readers.docx:read_docx",
    ".vtt": "hrp_coding.transcripts.readers.subtitles:read_subtitles",
    ".srt": "hrp_coding.transcripts.readers.subtitles:read_subtitles",
}


def read_transcript(path, *, transcript_id: str | None = None, encoding: str | None = None,
                    speaker_pattern: str | re.Pattern | None = None, speaker_roles: Mapping[str, str] | None = None,
                    attributes: Mapping | None = None) -> Transcript:
    """Read a transcript file (``.txt``, ``.md``, ``.docx``, ``.vtt``, ``.srt``) into canonical form.

    Parameters
    ----------
    path : str or path-like
        The file; its extension picks the reader.
    transcript_id : str, optional
        Default: the file name without extension.
    encoding : str, optional
        For text formats: a Python codec name when the file is not UTF-8 (``"cp1252"``).
    speaker_pattern : str or re.Pattern, optional
        For ``.txt``/``.md``/``.docx``: a regular expression with a named group ``speaker`` matched
        at line start, replacing the default label pattern.
    speaker_roles : mapping, optional
        Speaker -> role (``"interviewer"``/``"participant"``) overrides.
    attributes : mapping, optional
        Transcript attributes to attach.

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
                                       hint=f"supported: {', '.join(sorted(READERS))}; "
                                       "utterance tables (.csv) go through read_utterance_table")],
                              source=str(path))
    if not path.is_file():
        raise TranscriptError([Problem("path", "no such file")], source=str(path))
    module_name, func_name = READERS[suffix].split(":")
    reader = getattr(importlib.import_module(module_name), func_name)
    kwargs = {"transcript_id": transcript_id, "encoding": encoding, "speaker_roles": speaker_roles,
              "attributes": attributes}
    if suffix in (".txt", ".md", ".docx"):
        kwargs["speaker_pattern"] = speaker_pattern
    if suffix == ".docx":
        if encoding is not None:
            raise TranscriptError([Problem("encoding", "a .docx file has no text encoding to choose",
                                           hint="leave encoding=None")], source=str(path))
        del kwargs["encoding"]
    return reader(path, **kwargs)
