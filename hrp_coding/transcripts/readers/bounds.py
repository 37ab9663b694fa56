"""Bounds on zipped transcript files (``.docx``, ``.xlsx``), checked before any XML is parsed.

A Word or Excel file is a zip archive from someone else's computer. :func:`check_archive` refuses it,
naming the file, when the whole archive or its main XML parts decompress to too much, are compressed
suspiciously well (a zip bomb), or hold too many paragraphs / rows; the parts are streamed in chunks
while the elements are counted, so the check itself runs in bounded time and memory.

Examples
--------
>>> import pathlib, tempfile, zipfile
>>> path = pathlib.Path(tempfile.mkdtemp()) / "t.docx"
>>> with zipfile.ZipFile(path, "w") as z:
...     z.writestr("word/document.xml", "<w:body>" + "<w:p>x</w:p>" * 20 + "</w:body>")
>>> check_archive(path, DOCX, ArchiveLimits(max_elements=10))
Traceback (most recent call last):
...
hrp_coding.errors.TranscriptError: .../t.docx: 1 problem
  file: word/document.xml has more than 10 paragraphs (a transcript of a few hours is far below this; ...)
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass

from hrp_coding.errors import Problem, TranscriptError

__all__ = ["DOCX", "XLSX", "ArchiveKind", "ArchiveLimits", "check_archive"]

_CHUNK = 1 << 16


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds for one zipped transcript file (the defaults fit interviews many hours long).

    Parameters
    ----------
    max_member_bytes : int
        Decompressed size of each main XML part (``word/document.xml``, each worksheet).
    max_total_bytes : int
        Decompressed size of every member together.
    max_ratio : float
        Decompressed / compressed size of a main part (checked for parts over 1 MiB).
    max_elements : int
        Paragraphs (Word, table cells included) or rows (Excel) in all main parts together.
    """

    max_member_bytes: int = 64 << 20
    max_total_bytes: int = 256 << 20
    max_ratio: float = 100.0
    max_elements: int = 100_000


@dataclass(frozen=True)
class ArchiveKind:
    """What a kind of archive holds: its main parts (a regular expression on member names), the element
    counted in them, and how to name the file in messages."""

    parts: str
    element: bytes
    elements: str
    name: str
    hint: str


DOCX = ArchiveKind(r"word/document\.xml", rb"<w:p[ >/]", "paragraphs", "Word .docx document",
                   "save it from Word as .docx (not .doc)")
XLSX = ArchiveKind(r"xl/worksheets/[^/]+\.xml", rb"<(?:\w+:)?row[ >/]", "rows", ".xlsx workbook",
                   "save it from Excel as .xlsx")


def check_archive(path, kind: ArchiveKind, limits: ArchiveLimits = ArchiveLimits()) -> None:
    """Refuse ``path`` when it exceeds ``limits`` (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The ``.docx`` or ``.xlsx`` file, not yet opened by any XML parser.
    kind : ArchiveKind
        :data:`DOCX` or :data:`XLSX`: which members are the main parts and which element is counted.
    limits : ArchiveLimits, default ArchiveLimits()
        The bounds; the defaults fit interviews many hours long.

    Raises
    ------
    TranscriptError
        Naming the file, the part, the limit and the value found; or that the file is not a readable
        archive of this kind.

    Examples
    --------
    >>> import pathlib, tempfile, zipfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "ok.docx"
    >>> with zipfile.ZipFile(path, "w") as z:
    ...     z.writestr("word/document.xml", "<w:body><w:p>x</w:p></w:body>")
    >>> check_archive(path, DOCX) is None
    True
    """
    source = str(path)

    def refuse(message: str) -> TranscriptError:
        return TranscriptError([Problem("file", message, hint="a transcript of a few hours is far below this; "
                                        "the file is refused unread")], source=source)

    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TranscriptError([Problem("file", f"not a readable {kind.name} ({exc})", hint=kind.hint)],
                              source=source) from None
    with archive:
        infos = archive.infolist()
        total = sum(info.file_size for info in infos)
        if total > limits.max_total_bytes:
            raise refuse(f"decompresses to {total:,} bytes (limit {limits.max_total_bytes:,})")
        parts = [info for info in infos if re.fullmatch(kind.parts, info.filename)]
        if not parts:
            raise TranscriptError([Problem("file", f"not a {kind.name}: no {kind.parts.replace(chr(92), '')}",
                                           hint=kind.hint)], source=source)
        count = 0
        for info in parts:
            if info.file_size > limits.max_member_bytes:
                raise refuse(f"{info.filename} decompresses to {info.file_size:,} bytes "
                             f"(limit {limits.max_member_bytes:,})")
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > 1 << 20 and ratio > limits.max_ratio:
                raise refuse(f"{info.filename} is compressed {ratio:.0f}:1 (limit {limits.max_ratio:.0f}:1): "
                             "a zip bomb")
            size = 0
            tail = b""
            try:
                with archive.open(info) as stream:
                    while chunk := stream.read(_CHUNK):
                        size += len(chunk)
                        if size > limits.max_member_bytes:
                            raise refuse(f"{info.filename} decompresses to more than {limits.max_member_bytes:,} "
                                         "bytes")
                        window = tail + chunk
                        count += len(re.findall(kind.element, window)) - len(re.findall(kind.element, tail))
                        if count > limits.max_elements:
                            raise refuse(f"{info.filename} has more than {limits.max_elements:,} {kind.elements}")
                        tail = chunk[-8:]
            except TranscriptError:
                raise
            except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, ValueError) as exc:
                raise TranscriptError([Problem("file", f"{info.filename} cannot be decompressed ({exc})")],
                                      source=source) from None
