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
    """``value`` with a leading ``'`` when it is text starting with a formula character.

    Parameters
    ----------
    value : object
        A cell; only text is changed.

    Returns
    -------
    object
        ``value``, or ``"'" + value`` for text starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return.

    Examples
    --------
    >>> escape_cell("@SUM(A1)"), escape_cell("ok"), escape_cell(-3)
    ("'@SUM(A1)", 'ok', -3)
    """
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def write_csv(frame, target, *, index: bool = False) -> None:
    """Write ``frame`` as CSV to a path (with a UTF-8 BOM) or an open text stream (no BOM), cells escaped.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (not modified).
    target : str, os.PathLike or text stream
        A file path (written with a BOM) or an open stream such as ``sys.stdout``.
    index : bool, default False
        Also write the index (its values escaped too).

    Examples
    --------
    >>> import pathlib, tempfile, pandas as pd
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "codings.csv"
    >>> write_csv(pd.DataFrame({"code": ["+care"]}), path)
    >>> path.read_bytes()
    b"\\xef\\xbb\\xbfcode\\n'+care\\n"
    """
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
