"""Validating a codings table (CSV or DataFrame) before anything is written.

Columns: ``transcript``, ``coder`` (or the ``coder=`` argument), ``code`` and either ``start`` +
``end`` or ``quote``; optional ``memo``, ``source``, ``model``, ``confidence``. A quote is resolved
to offsets: it must occur exactly once in the transcript's canonical text (when ``start``/``end``
are given too, they must point at the quote). Every problem of every row is collected into one
:class:`~hrp_coding.errors.CodingsImportError`, whose problems name the row (and the CSV line).

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
import difflib
import math
import os
import re
import unicodedata
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import CodingsImportError, Problem

__all__ = ["CODER_PATTERN", "plan_import", "read_table"]

CODER_PATTERN = re.compile(r"^(?:[a-z0-9][a-z0-9_-]{0,63}|model:[a-z0-9][a-z0-9_.-]{0,63})$")
_KNOWN = {"transcript", "coder", "code", "start", "end", "quote", "memo", "source", "model", "confidence"}


def _did_you_mean(value: str, options) -> str | None:
    close = difflib.get_close_matches(value, list(options), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


def read_table(table) -> tuple[list[tuple[str, int | None, dict]], list[str], str]:
    """Rows of a CSV path or DataFrame as ``(row label, csv line, {column: value})``, the columns, and a source name.

    Empty cells become ``None``. CSV files are read as UTF-8 (a BOM is allowed); the line is the
    line of the file where the row starts.
    """
    if isinstance(table, (str, os.PathLike)):
        path = Path(table)
        try:
            handle = open(path, encoding="utf-8-sig", newline="")  # noqa: SIM115 (closed below)
        except OSError as err:
            raise CodingsImportError([Problem("file", f"cannot read: {err}")], source=str(path)) from err
        with handle:
            try:
                reader = csv.DictReader(handle)
                columns = [c.strip() for c in (reader.fieldnames or [])]
                rows = []
                line = reader.line_num + 1
                for number, raw in enumerate(reader, start=1):
                    values = {}
                    for k, v in raw.items():
                        if k is None:
                            values["__extra__"] = v
                        else:
                            values[k.strip()] = None if v is None or v.strip() == "" else v
                    rows.append((f"row {number}", line, values))
                    line = reader.line_num + 1
            except (UnicodeDecodeError, csv.Error) as err:
                raise CodingsImportError([Problem("file", f"cannot parse as UTF-8 CSV: {err}")],
                                         source=str(path)) from err
        return rows, columns, str(path)
    import pandas as pd

    if not isinstance(table, pd.DataFrame):
        raise TypeError(f"import_codings expects a CSV path or a pandas DataFrame, got {type(table).__name__}")
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
                source: str | None = None) -> list[dict]:
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

    Returns
    -------
    list of dict
        ``coder, transcript, start, end, code, memo, source, model, confidence, row`` per row, in file order.
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
                                        hint=_did_you_mean(tid, texts) or "import it first"))
        else:
            text = texts[tid]
        if who is None:
            row_problems.append(Problem(where, "coder is empty", line=line))
        elif not CODER_PATTERN.match(who):
            row_problems.append(Problem(where, f"coder {who!r} is not a lowercase slug (e.g. 'ana')", line=line))
        if code is None:
            row_problems.append(Problem(where, "code is empty", line=line))
        elif code not in codes:
            row_problems.append(Problem(where, f"unknown code {code!r}", line=line, hint=_did_you_mean(code, codes)))
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
            elif not hits:
                row_problems.append(Problem(where, f"quote not found in transcript {tid!r}: {quote[:50]!r}",
                                            line=line, hint="quotes must be exact (same spelling, punctuation "
                                                            "and spacing as the canonical text)"))
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
    return planned
