"""Word (``.docx``) transcripts, read with python-docx within bounds.

The canonical text is the body's paragraphs joined with ``"\\n"`` (empty paragraphs kept as empty
lines, line breaks inside a paragraph kept as ``"\\n"``); turns follow the layouts of
:mod:`hrp_coding.transcripts.readers.lines`, plus Word's own: a paragraph starting with a **bold**
speaker name, and a **table** of the turns (``Speaker | Text`` or ``Timestamp | Speaker | Text``,
columns recognised by their header or content; one line ``Speaker: text`` per row in the canonical
text, the timestamp kept as the turn's time). Paragraphs before a turn table are the header; other
tables are skipped with a :class:`~hrp_coding.errors.TranscriptWarning` naming each one. Headers,
footers, comments and text boxes are not read.

Before parsing, the archive is checked (:func:`~hrp_coding.transcripts.readers.bounds.check_archive`): the
decompressed size of
``word/document.xml`` and of the whole archive, the compression ratio and the number of paragraphs
are bounded, so a hostile file is refused in bounded time and memory.

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
>>> [turn.speaker for turn in t.turns], t.layout.layout
(['Interviewer', 'P03'], 'labels')
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
from hrp_coding.transcripts.readers.bounds import DOCX, ArchiveLimits, check_archive
from hrp_coding.transcripts.readers.lines import TIME, Head, parse_timestamp, plausible_speaker, read_lines

__all__ = ["DOCX_LIMITS", "read_docx"]

_TIME_CELL = re.compile(rf"^[\[(]?(?P<time>{TIME})[\])]?$")
_SPEAKER_HEADERS = {"speaker", "name", "who", "person", "sprecher", "locuteur", "interlocutor"}
_TEXT_HEADERS = {"text", "transcript", "utterance", "content", "dialogue", "said", "speech", "transcription"}
_TIME_HEADERS = {"time", "timestamp", "start", "timecode", "start time", "zeit", "temps"}


#: The bounds of a ``.docx`` (see :mod:`hrp_coding.transcripts.readers.bounds`).
DOCX_LIMITS = ArchiveLimits(max_elements=100_000)


def _paragraph_lines(paragraph) -> list[tuple[str, int]]:
    """The canonical lines of a paragraph, with the length of the first line's leading bold run."""
    text = canonicalize(paragraph.text)
    bold = 0
    for run in paragraph.runs:
        piece = canonicalize(run.text)
        if not piece:
            continue
        if run.bold:
            bold += len(piece)
        elif piece.strip() or bold == 0:
            break
        else:
            bold += len(piece)
    if bold and not text[:bold].strip():
        bold = 0
    lines = text.split("\n")
    bold = min(bold, len(lines[0]))
    return [(lines[0], bold)] + [(line, 0) for line in lines[1:]]


def _cells(row) -> list[str]:
    out, previous = [], None
    for cell in row.cells:
        if cell._tc is previous:  # a merged cell repeats
            continue
        previous = cell._tc
        out.append(re.sub(r"[ \t]*\n[ \t]*", " ", canonicalize(cell.text)).strip())
    return out


def _turn_table(rows: list[list[str]]) -> tuple[int, int | None, int, int] | None:
    """(speaker column, time column or None, text column, first data row) of a turn table, else None."""
    width = max((len(r) for r in rows), default=0)
    if width not in (2, 3) or len(rows) < 2:
        return None
    header = [c.casefold().strip(" :") for c in rows[0]] if len(rows[0]) == width else []
    first = 0
    speaker = text = time = None
    if header and any(h in _SPEAKER_HEADERS for h in header) and any(h in _TEXT_HEADERS for h in header):
        first = 1
        for i, h in enumerate(header):
            if h in _SPEAKER_HEADERS:
                speaker = i
            elif h in _TEXT_HEADERS:
                text = i
            elif h in _TIME_HEADERS:
                time = i
    else:
        data = [r for r in rows if len(r) == width]
        times = [sum(bool(_TIME_CELL.match(r[i])) for r in data) for i in range(width)]
        if width == 3:
            time = max(range(3), key=lambda i: times[i])
            if times[time] < len(data) / 2:
                return None
        rest = [i for i in range(width) if i != time]
        lengths = [sum(len(r[i]) for r in data) for i in rest]
        speaker, text = (rest[0], rest[1]) if lengths[0] <= lengths[1] else (rest[1], rest[0])
        names = {r[speaker] for r in data if r[speaker]}
        if not names or len(names) > max(6, len(data) // 2) or not all(plausible_speaker(n) for n in names):
            return None
    if speaker is None or text is None or (width == 3 and time is None):
        return None
    return speaker, time, text, first


def read_docx(path, *, transcript_id: str | None = None, speaker_pattern: str | re.Pattern | None = None,
              speaker_roles: Mapping[str, str] | None = None, attributes: Mapping | None = None,
              layout: str | None = None, limits: ArchiveLimits = DOCX_LIMITS) -> Transcript:
    """Read a ``.docx`` transcript (see the module docstring for the conventions).

    Parameters
    ----------
    path : str or os.PathLike
        The Word document.
    transcript_id, speaker_pattern, speaker_roles, attributes, layout
        As for :func:`~hrp_coding.transcripts.readers.read_transcript`; ``speaker_pattern`` is matched at
        paragraph start, ``layout`` may force ``"bold"`` or ``"table"`` as well as the line layouts.
    limits : ArchiveLimits, default DOCX_LIMITS
        Bounds checked before the XML is parsed (:func:`~hrp_coding.transcripts.readers.bounds.check_archive`).

    Returns
    -------
    Transcript
        The transcript; messages count Word paragraphs.

    Raises
    ------
    TranscriptError
        When the file is not a Word document, or exceeds ``limits`` (naming the file).

    Examples
    --------
    >>> import docx, pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P02.docx"
    >>> doc = docx.Document()
    >>> _ = doc.add_paragraph("Interviewer: How did it start?"), doc.add_paragraph("P02: Slowly.")
    >>> doc.save(path)
    >>> t = read_docx(path)
    >>> [(x.speaker, t.turn_text(x)) for x in t.turns]
    [('Interviewer', 'How did it start?'), ('P02', 'Slowly.')]
    """
    import docx
    from docx.opc.exceptions import OpcError
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    path = Path(path)
    check_archive(path, DOCX, limits)
    try:
        document = docx.Document(str(path))
    except (zipfile.BadZipFile, KeyError, ValueError, OpcError) as exc:
        raise TranscriptError([Problem("file", f"not a readable Word .docx document ({exc})",
                                       hint="save it from Word as .docx (not .doc)")], source=str(path)) from None
    lines: list[str] = []
    bold: list[int] = []
    numbers: list[int] = []
    heads: list[Head] = []
    skipped: list[str] = []
    table_number = paragraph_number = 0
    widths = set()
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            paragraph_number += 1
            for line, run in _paragraph_lines(Paragraph(child, document)):
                lines.append(line)
                bold.append(run)
                numbers.append(paragraph_number)
        elif tag == "tbl":
            table_number += 1
            table = Table(child, document)
            rows = [_cells(row) for row in table.rows]
            shape = None if heads or speaker_pattern is not None else _turn_table(rows)
            if shape is None or layout not in (None, "table"):
                first = rows[0][0][:40] if rows and rows[0] else ""
                message = (f"table {table_number} ({len(rows)} rows, after paragraph {paragraph_number}"
                           + (f", starting {first!r}" if first else "") + ")")
                skipped.append(message)
                warnings.warn(f"{path}: {message} was skipped: it is not a table of turns", TranscriptWarning,
                              stacklevel=2)
                continue
            speaker_col, time_col, text_col, first_row = shape
            widths.add(len(rows[0]))
            for row in rows[first_row:]:
                if len(row) <= max(speaker_col, text_col) or not (row[speaker_col] or row[text_col]):
                    continue
                time = None
                if time_col is not None and (m := _TIME_CELL.match(row[time_col])):
                    time = parse_timestamp(m.group("time"))
                who = row[speaker_col] or "Unknown"
                label = f"{who}: "
                heads.append(Head(len(lines), who, time, len(label)))
                lines.append(label + row[text_col])
                bold.append(0)
                numbers.append(paragraph_number)
    tid = transcript_id or path.stem
    return read_lines(lines, transcript_id=tid, source=str(path), speaker_pattern=speaker_pattern,
                      speaker_roles=speaker_roles, layout=layout, bold=bold if any(bold) else None,
                      attributes=attributes, heads=heads or None, fixed_layout="table" if heads else None,
                      skipped=skipped, line_numbers=numbers, unit="paragraph")
