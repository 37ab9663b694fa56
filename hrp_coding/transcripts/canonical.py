"""Canonical text: decode bytes as UTF-8 (or a named encoding), strip the BOM, LF line endings, NFC.

Every offset in hrp-coding counts code points of the canonical text, so every reader goes through
:func:`canonicalize` (text) or :func:`decode` (bytes).

Examples
--------
>>> canonicalize("\\ufeffCafe\\u0301\\r\\nline two\\rthree")
'Café\\nline two\\nthree'
>>> decode("Caf\\u00e9".encode("cp1252"), source="a.txt")
Traceback (most recent call last):
...
hrp_coding.errors.TranscriptError: a.txt: 1 problem
  byte 3 (line 1, column 4): not valid UTF-8 (byte 0xe9) (the file is probably in another encoding: ...)
>>> decode("Caf\\u00e9".encode("cp1252"), encoding="cp1252")
'Café'
"""

from __future__ import annotations

import codecs
import unicodedata

from hrp_coding.errors import Problem, TranscriptError

__all__ = ["canonicalize", "decode", "read_text_file"]


def canonicalize(text: str) -> str:
    """The canonical form of ``text``: no BOM, CRLF and CR turned into LF, Unicode NFC."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def decode(data: bytes, *, encoding: str | None = None, source: str | None = None) -> str:
    """Decode ``data`` into canonical text.

    Parameters
    ----------
    data : bytes
        The raw file content.
    encoding : str, optional
        A Python codec name (``"cp1252"``, ``"latin-1"``...). Default: UTF-8, strictly, with or
        without a BOM.
    source : str, optional
        The file name, used in error messages.

    Raises
    ------
    TranscriptError
        When the bytes are not valid in the encoding; the message names the file, the byte offset,
        line and column, and suggests an ``encoding=``.
    """
    if encoding is None:
        codec = "utf-8-sig"
    else:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise TranscriptError([Problem("encoding", f"unknown encoding {encoding!r}",
                                           hint="use a Python codec name such as 'utf-8', 'cp1252' or 'latin-1'")],
                                  source=source) from None
        if codec == "utf-8":
            codec = "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        offset = exc.start
        line = data.count(b"\n", 0, offset) + 1
        line_start = data.rfind(b"\n", 0, offset) + 1
        column = len(data[line_start:offset].decode(codec, errors="replace")) + 1
        bad = data[exc.start : exc.end].hex()
        if encoding is None:
            hint = ("the file is probably in another encoding: pass encoding='cp1252' (Windows) or "
                    "encoding='latin-1', or re-save it as UTF-8")
            message = f"not valid UTF-8 (byte 0x{bad})"
        else:
            hint = "check the encoding= you passed"
            message = f"not valid {encoding} (byte 0x{bad})"
        raise TranscriptError([Problem(f"byte {offset}", message, hint=hint, file=source, line=line,
                                       column=column)], source=source) from None
    return canonicalize(text)


def read_text_file(path, *, encoding: str | None = None) -> str:
    """Read a file and return its canonical text (see :func:`decode`)."""
    with open(path, "rb") as handle:
        data = handle.read()
    return decode(data, encoding=encoding, source=str(path))
