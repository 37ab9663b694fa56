"""Validating a codings table (CSV or DataFrame) before anything is written.

Columns: ``transcript``, ``coder`` (or the ``coder=`` argument), ``code`` and either ``start`` +
``end`` or ``quote``; optional ``memo``, ``source``, ``model``, ``confidence``. A quote is resolved
to offsets: it must occur exactly once in the transcript's canonical text (when ``start``/``end``
are given too, they must point at the quote). A quote found only once curly quotes, dashes and runs
of white space are normalised (Excel and Word change them) is placed on the original text, and a
:class:`~hrp_coding.errors.CodingsImportWarning` names the row. Every problem of every row is
collected into one :class:`~hrp_coding.errors.CodingsImportError`, whose problems name the row (and
the CSV line).

CSV files are decoded like transcripts (UTF-8 with or without a BOM, UTF-16, Windows-1252), the
delimiter is detected (comma, semicolon as European Excel writes, tab), and parsing is strict: a
quote left open is reported with the line it opens on, instead of swallowing the rows after it.

Examples
--------
>>> import pandas as pd
>>> table = pd.DataFrame({"transcript": ["P01"], "coder": ["ana"], "code": ["holding"], "quote": ["sat with"]})
>>> plan = plan_import(table, texts={"P01": "We sat with her."}, codes={"holding": "active"})
>>> plan[0]["start"], plan[0]["end"]
(3, 11)
"""

from __future__ import annotations

import csv
import io
import math
import os
import unicodedata
import warnings
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import CodingsImportError, CodingsImportWarning, ParameterTypeError, Problem, did_you_mean
from hrp_coding.store.names import CODER_PATTERN  # one rule for coder names (no trailing newline)

__all__ = ["CODER_PATTERN", "find_normalised", "normalise_quote", "plan_import", "read_table"]

_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "`": "'",
                         "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"', "\u00ab": '"',
                         "\u00bb": '"', "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-",
                         "\u2015": "-", "\u2212": "-", "\u00a0": " ", "\u2026": "..."})


def normalise_quote(text: str) -> tuple[str, list[int]]:
    """``text`` with curly quotes straightened, dashes as ``-``, ``…`` as ``...`` and white space runs as one
    space; and, per character of the result, the offset in ``text`` it comes from.

    Parameters
    ----------
    text : str
        A quote from a codings table, or a transcript's text.

    Returns
    -------
    tuple of (str, list of int)
        The normalised text and the map back to offsets of ``text``.

    Examples
    --------
    >>> normalise_quote("It\u2019s  \u2013 fine")
    ("It's - fine", [0, 1, 2, 3, 4, 6, 7, 8, 9, 10, 11])
    """
    out: list[str] = []
    origin: list[int] = []
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if previous_space:
                continue
            previous_space = True
            out.append(" ")
            origin.append(i)
            continue
        previous_space = False
        for piece in ch.translate(_QUOTES):
            out.append(piece)
            origin.append(i)
    return "".join(out), origin


def find_normalised(quote: str, text: str) -> list[tuple[int, int]]:
    """Spans of ``text`` (up to 5) matching ``quote`` once both are normalised (see :func:`normalise_quote`).

    Parameters
    ----------
    quote : str
        The quote of a row without offsets (stripped first).
    text : str
        The transcript's canonical text.

    Returns
    -------
    list of (int, int)
        The ``(start, end)`` spans in ``text``, in text order; more than one means the quote is ambiguous.

    Examples
    --------
    >>> find_normalised("it's - ok", "Yes, it\u2019s \u2014 ok.")
    [(5, 14)]
    """
    needle = normalise_quote(quote.strip())[0]
    hay, origin = normalise_quote(text)
    spans = []
    pos = hay.find(needle) if needle else -1
    while pos != -1 and len(spans) < 5:
        spans.append((origin[pos], origin[pos + len(needle) - 1] + 1))
        pos = hay.find(needle, pos + 1)
    return spans


def _read_csv(path: Path) -> tuple[list[tuple[str, int | None, dict]], list[str]]:
    """Strict CSV parsing: an unterminated quote is reported with its line, never swallows later rows."""
    from hrp_coding.errors import TranscriptError
    from hrp_coding.transcripts.canonical import decode
    from hrp_coding.transcripts.readers.utterances import sniff_delimiter

    try:
        data = path.read_bytes()
    except OSError as err:
        raise CodingsImportError([Problem("file", f"cannot read: {err}")], source=str(path)) from err
    try:
        text = decode(data, source=str(path))
    except TranscriptError as err:
        raise CodingsImportError(err.problems, source=str(path)) from None
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[tuple[int, int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, reader.line_num, record))
            start = reader.line_num + 1
    except csv.Error as err:
        raise CodingsImportError([Problem(f"line {start}", f"malformed CSV: {err}", file=str(path), line=start,
                                          hint="a quote opened on this line is never closed (or a quote inside "
                                               "a quoted cell is not doubled)")], source=str(path)) from None
    if not records:
        return [], []
    columns = [c.strip() for c in records[0][2]]
    problems = []
    rows = []
    for number, (first, last, record) in enumerate(records[1:], start=1):
        if last > first:  # a quoted cell spans lines: does it swallow what look like rows?
            for cell in record:
                swallowed = [piece for piece in cell.split("\n")[1:] if piece.count(delimiter) >= len(columns) - 1 >= 1]
                if swallowed:
                    problems.append(Problem(f"line {first}", f"a quoted cell runs from line {first} to {last} and "
                                            f"holds what looks like rows ({swallowed[0][:40]!r})", file=str(path),
                                            line=first, hint="close the quote on its line, or double a quote "
                                                             "inside the cell (\"\")"))
                    break
        if not any(cell.strip() for cell in record):
            continue
        values = {}
        for i, cell in enumerate(record):
            if i >= len(columns):
                values["__extra__"] = cell
            else:
                values[columns[i]] = None if cell.strip() == "" else cell
        rows.append((f"row {number}", first, values))
    if problems:
        raise CodingsImportError(problems, source=str(path))
    return rows, columns

_KNOWN = {"transcript", "coder", "code", "start", "end", "quote", "memo", "source", "model", "confidence"}


def read_table(table) -> tuple[list[tuple[str, int | None, dict]], list[str], str]:
    """Rows of a CSV path or DataFrame as ``(row label, csv line, {column: value})``, the columns, and a source name.

    Empty cells become ``None``; the line is the line of the file where the row starts (see the
    module docstring for decoding, delimiters and strict quoting).

    Parameters
    ----------
    table : str, os.PathLike or pandas.DataFrame
        A codings CSV file or a DataFrame (not modified).

    Returns
    -------
    tuple of (list, list of str, str)
        The rows, the column names, and the file path (``"DataFrame"`` for a frame).

    Raises
    ------
    CodingsImportError
        For a file that cannot be decoded or parsed (naming the line), or a table of another type.

    Examples
    --------
    >>> import pandas as pd
    >>> rows, columns, source = read_table(pd.DataFrame({"transcript": ["P01"], "code": ["care"], "memo": [None]}))
    >>> rows
    [('row 1 (index 0)', None, {'transcript': 'P01', 'code': 'care', 'memo': None})]
    >>> columns, source
    (['transcript', 'code', 'memo'], 'DataFrame')
    """
    if isinstance(table, (str, os.PathLike)):
        rows, columns = _read_csv(Path(table))
        return rows, columns, str(table)
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise ParameterTypeError(f"import_codings expects a CSV path or a pandas DataFrame, got "
                                 f"{type(table).__name__}")
    columns = [str(c) for c in table.columns]
    rows = []
    for number, (label, record) in enumerate(zip(table.index, table.to_dict("records")), start=1):
        values = {}
        for k, v in record.items():
            missing = v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NA or v is pd.NaT
            values[str(k)] = None if missing or (isinstance(v, str) and v.strip() == "") else v
        rows.append((f"row {number} (index {label!r})", None, values))
    return rows, columns, "DataFrame"


def _int(value, name: str, problems: list, where: str, line) -> int | None:
    try:
        number = float(value) if isinstance(value, str) else value
        if isinstance(number, bool) or number != int(number):
            raise ValueError
        return int(number)
    except (TypeError, ValueError, OverflowError):
        problems.append(Problem(where, f"{name} must be a whole number, got {value!r}", line=line))
        return None


def plan_import(table, *, texts: Mapping[str, str], codes: Mapping[str, str], coder: str | None = None,
                source: str | None = None, roster: tuple | None = None) -> list[dict]:
    """Validate every row and return the codings to add, or raise one CodingsImportError listing every problem.

    Parameters
    ----------
    table : path or DataFrame
        The codings table.
    texts : mapping
        Transcript id -> canonical text.
    codes : mapping
        Code id -> status (``"active"`` or ``"retired"``); retired codes cannot be applied.
    coder : str, optional
        The coder of rows whose ``coder`` column is absent or empty.
    source : str, optional
        Name used in the error header (default: the file path).
    roster : (coders, closed), optional
        The project's roster: with a closed roster, a coder not in it is a problem of the row (with a
        did-you-mean).

    Returns
    -------
    list of dict
        ``coder, transcript, start, end, code, memo, source, model, confidence, row`` per row, in file order.

    Raises
    ------
    CodingsImportError
        Listing every problem (row, column and value): unknown transcripts, codes or coders, offsets outside
        the text or a quote not found in it, a retired code; nothing is imported then.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({"transcript": ["P01"], "code": ["care"], "quote": ["sat with"]})
    >>> [(p["coder"], p["start"], p["end"]) for p in plan_import(table, texts={"P01": "We sat with her."},
    ...                                                           codes={"care": "active"}, coder="ana")]
    [('ana', 3, 11)]
    """
    rows, columns, name = read_table(table)
    name = source or name
    problems: list[Problem] = []
    needed = ["transcript", "code"] + ([] if coder is not None else ["coder"])
    missing = [c for c in needed if c not in columns]
    has_offsets = "start" in columns and "end" in columns
    if not has_offsets and "quote" not in columns:
        missing.append("start+end or quote")
    if ("start" in columns) != ("end" in columns):
        missing.append("end" if "start" in columns else "start")
    if missing:
        raise CodingsImportError([Problem("columns", f"missing column(s): {', '.join(missing)}",
                                          hint=f"found: {', '.join(columns) or 'none'}")], source=name)
    unknown_columns = [c for c in columns if c not in _KNOWN]
    if unknown_columns:
        problems.append(Problem("columns", f"unknown column(s) {', '.join(map(repr, unknown_columns))}",
                                hint="allowed: " + ", ".join(sorted(_KNOWN))))
    if coder is not None and not CODER_PATTERN.match(str(coder)):
        problems.append(Problem("coder", f"coder= {coder!r} is not a lowercase slug (e.g. 'ana', 'model:tfidf')"))
    planned = []
    normalised: list[str] = []
    for where, line, row in rows:
        row_problems: list[Problem] = []
        if "__extra__" in row:
            row_problems.append(Problem(where, "has more cells than the header has columns", line=line))
        tid = row.get("transcript")
        tid = None if tid is None else str(tid).strip()
        who = row.get("coder")
        who = str(who).strip() if who is not None else coder
        code = row.get("code")
        code = None if code is None else str(code).strip()
        text = None
        if tid is None:
            row_problems.append(Problem(where, "transcript is empty", line=line))
        elif tid not in texts:
            row_problems.append(Problem(where, f"unknown transcript {tid!r}", line=line,
                                        hint=did_you_mean(tid, texts) or "import it first"))
        else:
            text = texts[tid]
        if who is None:
            row_problems.append(Problem(where, "coder is empty", line=line))
        elif not CODER_PATTERN.match(who):
            row_problems.append(Problem(where, f"coder {who!r} is not a lowercase slug (e.g. 'ana')", line=line))
        elif roster is not None:
            from hrp_coding.store.transcript_import import check_coder

            problem = check_coder(who, roster[0], roster[1])
            if problem:
                row_problems.append(Problem(where, problem, line=line, hint="add the coder to the roster first"))
        if code is None:
            row_problems.append(Problem(where, "code is empty", line=line))
        elif code not in codes:
            row_problems.append(Problem(where, f"unknown code {code!r}", line=line, hint=did_you_mean(code, codes)))
        elif codes[code] != "active":
            row_problems.append(Problem(where, f"code {code!r} is retired", line=line))
        start = end = None
        offsets_given = row.get("start") is not None or row.get("end") is not None
        if offsets_given:
            if row.get("start") is None or row.get("end") is None:
                row_problems.append(Problem(where, "give both start and end, or neither", line=line))
            else:
                start = _int(row["start"], "start", row_problems, where, line)
                end = _int(row["end"], "end", row_problems, where, line)
        quote = row.get("quote")
        if quote is not None:
            quote = unicodedata.normalize("NFC", str(quote).replace("\r\n", "\n").replace("\r", "\n"))
        if start is not None and end is not None and text is not None:
            if not 0 <= start < end <= len(text):
                what = "empty span" if start >= end else "out of range"
                row_problems.append(Problem(where, f"{what}: start={start}, end={end} (transcript {tid!r} has "
                                                   f"{len(text)} characters)", line=line))
            elif quote is not None and text[start:end] != quote:
                row_problems.append(Problem(where, f"quote does not match the text at {start}-{end} of {tid!r}: "
                                                   f"{text[start:end][:40]!r}", line=line))
        elif quote is not None and text is not None and start is None and end is None:
            hits = []
            pos = text.find(quote)
            while pos != -1 and len(hits) < 5:
                hits.append(pos)
                pos = text.find(quote, pos + 1)
            if not quote.strip():
                row_problems.append(Problem(where, "quote is blank", line=line))
            elif not hits and len(loose := find_normalised(quote, text)) == 1:
                start, end = loose[0]
                normalised.append(f"{where}" + (f" (line {line})" if line else ""))
            elif not hits:
                hint = ("quotes must be exact (same spelling, punctuation and spacing as the canonical text)"
                        if not loose else f"it occurs {len(loose)} times once quotes, dashes and spaces are "
                                          "normalised: lengthen the quote or give start and end")
                row_problems.append(Problem(where, f"quote not found in transcript {tid!r}: {quote[:50]!r}",
                                            line=line, hint=hint))
            elif len(hits) > 1:
                row_problems.append(Problem(where, f"quote is ambiguous: it occurs {len(hits)}"
                                                   f"{'+' if len(hits) == 5 else ''} times in {tid!r} (at "
                                                   f"{', '.join(map(str, hits))}): {quote[:50]!r}", line=line,
                                            hint="lengthen the quote or give start and end"))
            else:
                start, end = hits[0], hits[0] + len(quote)
        elif quote is None and not offsets_given:
            row_problems.append(Problem(where, "neither start/end nor quote given", line=line))
        confidence = row.get("confidence")
        if confidence is not None:
            try:
                confidence = float(confidence)
                if not 0 <= confidence <= 1:
                    raise ValueError
            except (TypeError, ValueError):
                row_problems.append(Problem(where, f"confidence must be a number in [0, 1], got {confidence!r}",
                                            line=line))
        problems.extend(row_problems)
        if not row_problems:
            planned.append({"coder": who, "transcript": tid, "start": start, "end": end, "code": code,
                            "memo": None if row.get("memo") is None else str(row["memo"]),
                            "source": str(row.get("source") or "manual"),
                            "model": None if row.get("model") is None else str(row["model"]),
                            "confidence": confidence, "row": where})
    if problems:
        raise CodingsImportError(problems, source=name)
    if normalised:
        warnings.warn(f"{name}: {len(normalised)} quote(s) matched the text only after normalising curly quotes, "
                      f"dashes and spaces: {', '.join(normalised[:5])}{' ...' if len(normalised) > 5 else ''}; "
                      "check those codings", CodingsImportWarning, stacklevel=3)
    return planned
