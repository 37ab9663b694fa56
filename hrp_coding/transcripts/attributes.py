"""The one reader of attribute tables: a CSV with a ``transcript`` column and one column per attribute.

Used by ``hrp-coding import --attributes`` and by the sample study's ``participants.csv``. The file may be
UTF-8 (with or without BOM), UTF-16 or Windows-1252, comma-, semicolon- or tab-separated.

Examples
--------
>>> import tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "attributes.csv"
>>> _ = path.write_text("transcript;setting;region\\nP01;outpatient;\\n", encoding="utf-8")
>>> read_attributes_table(path)
[{'transcript': 'P01', 'setting': 'outpatient'}]
"""

from __future__ import annotations

import csv
import io
import os

from hrp_coding.errors import ProjectError

__all__ = ["read_attributes_table"]


def read_attributes_table(path: str | os.PathLike, *, required: tuple[str, ...] = ("transcript",)) -> list[dict]:
    """The rows of an attribute table, each a dict of its non-empty cells.

    Parameters
    ----------
    path : str or PathLike
        The CSV file.
    required : tuple of str, default ("transcript",)
        Columns the table must have.

    Returns
    -------
    list of dict
        One dict a row, column -> text, empty cells left out.

    Raises
    ------
    ProjectError
        Naming the file, the missing columns and the columns it has.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "a.csv"
    >>> _ = path.write_text("id,setting\\nP01,rural\\n", encoding="utf-8")
    >>> try:
    ...     read_attributes_table(path)
    ... except ProjectError as err:
    ...     print(str(err).split(": ", 1)[1])
    the attributes table needs the column(s) ['transcript'], has ['id', 'setting']
    """
    from hrp_coding.transcripts.canonical import read_text_file
    from hrp_coding.transcripts.readers.utterances import sniff_delimiter

    text = read_text_file(path)  # UTF-8 with or without BOM, UTF-16, Windows-1252
    with io.StringIO(text, newline="") as handle:
        reader = csv.DictReader(handle, delimiter=sniff_delimiter(text))
        columns = list(reader.fieldnames or [])
        missing = [c for c in required if c not in columns]
        if missing:
            raise ProjectError(f"{path}: the attributes table needs the column(s) {missing}, has {columns}")
        return [{k: v for k, v in row.items() if k is not None and v not in (None, "")} for row in reader]
