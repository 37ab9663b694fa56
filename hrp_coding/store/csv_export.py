"""CSV exports that open right in Excel and cannot run formulas.

Files get a UTF-8 BOM (Excel otherwise reads UTF-8 as Windows-1252); a text cell starting with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP's advice against
CSV formula injection: ``=cmd|' /C calc'!A0`` would otherwise run when the file is opened).
Numbers are written as numbers.

Examples
--------
>>> import io, pandas as pd
>>> buffer = io.StringIO()
>>> write_csv(pd.DataFrame({"text": ["=1+1", "fine", "-lead"], "start": [-1, 2, 3]}), buffer)
>>> print(buffer.getvalue().strip())
text,start
'=1+1,-1
fine,2
'-lead,3
"""

from __future__ import annotations

__all__ = ["escape_cell", "write_csv"]

_DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value):
    """``value`` with a leading ``'`` when it is text starting with a formula character."""
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def write_csv(frame, target, *, index: bool = False) -> None:
    """Write ``frame`` as CSV to a path (with a UTF-8 BOM) or an open text stream (no BOM), cells escaped."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or str(safe[column].dtype) in ("string", "str"):
            safe[column] = safe[column].map(escape_cell)
    if index:
        safe.index = safe.index.map(escape_cell)
    if hasattr(target, "write"):
        safe.to_csv(target, index=index)
    else:
        safe.to_csv(target, index=index, encoding="utf-8-sig")
