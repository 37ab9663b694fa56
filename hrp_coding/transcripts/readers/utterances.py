"""One transcript from an utterance table file (``.csv``, ``.tsv``, ``.xlsx``): one row per turn.

Columns are recognised by their header: the speaker (``speaker``, ``name``, ``who``,
``interlocutor``...), the text (``text``, ``utterance``, ``transcript``, ``content``...), optionally
the start time (``time``, ``timestamp``, ``start``...) and a transcript id column, which must then
hold one id only. Without such headers a two-column table is read as speaker | text and a
three-column one as time | speaker | text when its first column holds times. CSV files are decoded
like text files (UTF-8 with or without a BOM, UTF-16, Windows-1252) and their delimiter (comma,
semicolon, tab) is detected. The canonical text is one line ``Speaker: text`` per row, rows joined
with ``"\\n\\n"`` (see :func:`~hrp_coding.transcripts.readers.table.read_utterance_table`).

Examples
--------
>>> import pathlib, tempfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "P05.csv"
>>> rows = "\\ufeffSpeaker;Text;Time\\nInterviewer;How are you?;00:00:02\\nP05;Fine.;00:00:04\\n"
>>> _ = path.write_bytes(rows.encode())
>>> t = read_table_transcript(path)
>>> [(x.speaker, x.time_start, t.turn_text(x)) for x in t.turns], t.layout.layout
([('Interviewer', 2.0, 'How are you?'), ('P05', 4.0, 'Fine.')], 'utterance-table')
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.transcripts.canonical import read_text_with_encoding
from hrp_coding.transcripts.layout import LayoutReport, assign_roles, summarise
from hrp_coding.transcripts.model import Transcript, Turn, default_role
from hrp_coding.transcripts.readers.bounds import XLSX, ArchiveLimits, check_archive

__all__ = ["read_table_transcript", "sniff_delimiter"]

_SPEAKER = {"speaker", "speaker_name", "name", "who", "interlocutor", "person", "speaker name"}
_TEXT = {"text", "utterance", "utterance_text", "transcript", "content", "dialogue", "said", "speech", "message",
         "transcription", "line"}
_TIME = {"time", "timestamp", "start", "start_time", "start time", "begin", "timecode", "time_start"}
_ID = {"transcript_id", "session", "interview", "interview_id", "file", "conversation", "transcript id"}
_TIME_VALUE = re.compile(r"^[\[(]?\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?[\])]?$")
#: The bounds of an ``.xlsx`` (see :mod:`hrp_coding.transcripts.readers.bounds`).
XLSX_LIMITS = ArchiveLimits(max_elements=200_000)


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV text: comma, semicolon or tab (the one splitting the header into most columns
    consistently).

    Parameters
    ----------
    text : str
        The CSV text (its first 20 lines are looked at).

    Returns
    -------
    str
        ``","``, ``";"`` or ``"\\t"``.

    Examples
    --------
    >>> sniff_delimiter("a;b;c\\n1;2,5;3\\n"), sniff_delimiter("a,b\\n1,2\\n"), sniff_delimiter("a\\tb\\n1\\t2\\n")
    (';', ',', '\\t')
    """
    sample = "\n".join(text.split("\n")[:20])
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        header = text.split("\n", 1)[0]
        return max(",;\t", key=header.count)


def _frame(path: Path, encoding: str | None):
    import pandas as pd

    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        check_archive(path, XLSX, XLSX_LIMITS)
        try:
            frame = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
        except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
            raise TranscriptError([Problem("file", f"not a readable .xlsx workbook ({exc})")],
                                  source=str(path)) from None
        return frame, "utf-8 (xlsx)", None
    text, used = read_text_with_encoding(path, encoding=encoding)
    sep = "\t" if suffix in (".tsv", ".tab") else sniff_delimiter(text)
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TranscriptError([Problem("file", f"not a readable table: {exc}")], source=str(path)) from None
    return frame, used, {",": "comma", ";": "semicolon", "\t": "tab"}[sep]


def read_table_transcript(path, *, transcript_id: str | None = None, encoding: str | None = None,
                          speaker_roles: Mapping[str, str] | None = None, attributes: Mapping | None = None,
                          layout: str | None = None) -> Transcript:
    """Read an utterance table file as one transcript (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.csv``, ``.tsv`` or ``.xlsx`` file with one row per turn.
    transcript_id : str, optional
        Default: the table's transcript column when it has one, else the file name without extension.
    encoding, speaker_roles, attributes
        As for :func:`~hrp_coding.transcripts.readers.read_transcript` (``encoding`` for ``.csv``/``.tsv`` only).
    layout : str, optional
        Only ``"utterance-table"`` (or None).

    Returns
    -------
    Transcript
        One turn per row.

    Raises
    ------
    TranscriptError
        Columns not recognised (naming the columns found), several transcript ids, or bad rows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P06.csv"
    >>> _ = path.write_text("speaker,text\\nInterviewer,Why?\\nP06,Work.\\n", encoding="utf-8")
    >>> [(x.speaker, x.role) for x in read_table_transcript(path).turns]
    [('Interviewer', 'interviewer'), ('P06', 'participant')]
    """
    from hrp_coding.transcripts.readers.table import read_utterance_table

    path = Path(path)
    source = str(path)
    if layout not in (None, "utterance-table"):
        raise TranscriptError([Problem("layout", f"a table file has layout 'utterance-table', not {layout!r}")],
                              source=source)
    frame, used, delimiter = _frame(path, encoding)
    columns = [str(c) for c in frame.columns]
    folded = {c: c.strip().casefold() for c in columns}
    pick = {kind: next((c for c in columns if folded[c] in names), None)
            for kind, names in (("speaker", _SPEAKER), ("text", _TEXT), ("time", _TIME), ("id", _ID))}
    if pick["speaker"] is None or pick["text"] is None:
        data = frame.values.tolist()
        if len(columns) == 3 and data and all(_TIME_VALUE.match(str(r[0]).strip() or "0:00") for r in data):
            import pandas as pd

            head = [columns] if _TIME_VALUE.match(columns[0].strip()) else []  # no header row
            frame = pd.DataFrame(head + data, columns=["time", "speaker", "text"])
            pick = {"speaker": "speaker", "text": "text", "time": "time", "id": None}
        elif len(columns) == 2:
            import pandas as pd

            head = [columns] if len(columns[1].split()) > 3 else []  # no header row
            frame = pd.DataFrame(head + data, columns=["speaker", "text"])
            pick = {"speaker": "speaker", "text": "text", "time": None, "id": None}
        else:
            raise TranscriptError([Problem("columns", f"no speaker and text columns among {', '.join(columns)}",
                                           hint="name them 'speaker' and 'text' (optional: 'time')")], source=source)
    tid = transcript_id or path.stem
    frame = frame.copy()
    if pick["id"] is not None:
        ids = sorted({str(v).strip() for v in frame[pick["id"]] if str(v).strip()})
        if len(ids) > 1:
            raise TranscriptError([Problem(f"column {pick['id']!r}", f"holds {len(ids)} transcripts "
                                           f"({', '.join(ids[:5])}{' ...' if len(ids) > 5 else ''})",
                                           hint="split the file, or read it with read_utterance_table")],
                                  source=source)
    time_col = pick["time"]
    if time_col is not None:
        frame[time_col] = [str(v).strip().strip("[]()") for v in frame[time_col]]
    frame["__transcript__"] = tid
    table = read_utterance_table(frame, transcript_col="__transcript__", speaker_col=pick["speaker"],
                                 text_col=pick["text"], time_col=time_col, role_map=speaker_roles)
    if not table.transcripts:
        raise TranscriptError([Problem("rows", "the table has no utterances")], source=source)
    t = table.transcripts[0]
    roles = assign_roles([(x.speaker, t.text[x.start:x.end]) for x in t.turns],
                         lambda s: default_role(s, speaker_roles), speaker_roles)
    turns = tuple(Turn(x.index, x.speaker, x.start, x.end, roles[x.speaker][0], x.time_start) for x in t.turns)
    notes = [f"columns: speaker={pick['speaker']!r}, text={pick['text']!r}"
             + (f", time={time_col!r}" if time_col else "") + (f"; {delimiter}-separated" if delimiter else "")]
    report = LayoutReport(source=source, layout="utterance-table", speakers=summarise(turns, roles),
                          notes=tuple(notes), encoding=used)
    return Transcript(id=tid, text=t.text, turns=turns, attributes=dict(attributes or {}), source=source,
                      speaker_roles=dict(speaker_roles or {}), layout=report)
