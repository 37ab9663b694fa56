"""Word (``.docx``) transcripts, read with python-docx.

The canonical text is the body's paragraphs joined with ``"\\n"`` (empty paragraphs kept as empty
lines, line breaks inside a paragraph kept as ``"\\n"``); turns follow the ``.txt`` conventions of
:mod:`hrp_coding.transcripts.readers.text` (speaker labels at paragraph start, continuation
paragraphs, timestamps, ``speaker_pattern``). Tables are skipped with a
:class:`~hrp_coding.errors.TranscriptWarning` naming each one; headers, footers, comments and text
boxes are not read.

Examples
--------
>>> import docx, pathlib, tempfile
>>> document = docx.Document()
>>> for line in ["Interviewer: Where do you work?", "", "P03: In a drop-in centre."]:
...     _ = document.add_paragraph(line)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "P03.docx"
>>> document.save(path)
>>> t = read_docx(path)
>>> t.text
'Interviewer: Where do you work?\\n\\nP03: In a drop-in centre.'
>>> [turn.speaker for turn in t.turns]
['Interviewer', 'P03']
"""

from __future__ import annotations

import re
import warnings
import zipfile
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError, TranscriptWarning
from hrp_coding.transcripts.canonical import canonicalize
from hrp_coding.transcripts.model import Transcript
from hrp_coding.transcripts.readers.text import parse_turns

__all__ = ["read_docx"]


def _body_blocks(document):
    """Paragraph texts and table summaries in body order."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            yield "p", Paragraph(child, document)
        elif tag == "tbl":
            yield "tbl", Table(child, document)


def read_docx(path, *, transcript_id: str | None = None, speaker_pattern: str | re.Pattern | None = None,
              speaker_roles: Mapping[str, str] | None = None, attributes: Mapping | None = None) -> Transcript:
    """Read a ``.docx`` transcript (see the module docstring for the conventions).

    Raises
    ------
    TranscriptError
        When the file is not a Word document (naming the file).
    """
    import docx
    from docx.opc.exceptions import OpcError

    path = Path(path)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError) as exc:
        raise TranscriptError([Problem("file", f"not a readable Word .docx document ({exc})",
                                       hint="save it from Word as .docx (not .doc)")], source=str(path)) from None
    lines: list[str] = []
    table_number = 0
    for kind, block in _body_blocks(document):
        if kind == "p":
            lines.append(block.text)
        else:
            table_number += 1
            rows = len(block.rows)
            first = ""
            if rows and block.rows[0].cells:
                first = block.rows[0].cells[0].text.strip()[:40]
            warnings.warn(f"{path}: table {table_number} ({rows} rows, after paragraph {len(lines)}"
                          + (f", starting {first!r}" if first else "") + ") was skipped: tables are not read "
                          "as transcript text", TranscriptWarning, stacklevel=2)
    text = canonicalize("\n".join(lines))
    tid = transcript_id or path.stem
    turns = parse_turns(text, transcript_id=tid, speaker_pattern=speaker_pattern, speaker_roles=speaker_roles,
                        source=str(path))
    return Transcript(id=tid, text=text, turns=turns, attributes=dict(attributes or {}), source=str(path),
                      speaker_roles=dict(speaker_roles or {}))
