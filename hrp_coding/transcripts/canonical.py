"""Canonical text: decode bytes (detecting the encoding), strip the BOM, LF line endings, NFC.

Every offset in hrp-coding counts code points of the canonical text, so every reader goes through
:func:`canonicalize` (text) or :func:`decode` (bytes). Without ``encoding=``, a BOM decides
(UTF-8, UTF-16 LE/BE), else strict UTF-8, else the encoding charset-normalizer finds (Windows-1252
preferred when it reads the bytes as well); the report says which (``"cp1252 (detected)"``). Text
with NUL characters is refused (UTF-16 without a BOM, or not a text file), and so is a single-byte
``encoding=`` on a file that is valid UTF-8 (it would store mojibake such as ``â€™``).

Examples
--------
>>> canonicalize("\\ufeffCafe\\u0301\\r\\nline two\\rthree")
'Café\\nline two\\nthree'
>>> decode_detected("Caf\\u00e9 au lait, na\\u00efve".encode("cp1252"))
('Café au lait, naïve', 'cp1252 (detected)')
>>> decode("Caf\\u00e9".encode("utf-16"))
'Café'
>>> decode("Caf\\u00e9".encode("utf-8"), encoding="cp1252", source="a.txt")
Traceback (most recent call last):
...
hrp_coding.errors.TranscriptError: a.txt: 1 problem
  encoding: the file is valid UTF-8; read as cp1252 it would become 'CafÃ©' (mojibake) (leave the encoding out)
"""

from __future__ import annotations

import codecs
import unicodedata

from hrp_coding.errors import Problem, TranscriptError

__all__ = ["canonicalize", "decode", "decode_detected", "read_text_file", "read_text_with_encoding"]


def canonicalize(text: str) -> str:
    r"""The canonical form of ``text``: no BOM, CRLF and CR turned into LF, Unicode NFC.

    Parameters
    ----------
    text : str
        Decoded text from any reader.

    Returns
    -------
    str
        The text every offset in hrp-coding counts code points of.

    Examples
    --------
    >>> canonicalize("\ufeffCafe\u0301\r\nline two\rthree")
    'Café\nline two\nthree'
    """
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig", "utf-8 (BOM)"), (codecs.BOM_UTF16_LE, "utf-16", "utf-16-le (BOM)"),
         (codecs.BOM_UTF16_BE, "utf-16", "utf-16-be (BOM)"))
_SINGLE_BYTE = {"cp1252", "latin-1", "iso8859-1", "iso8859-15", "cp1250", "mac-roman", "cp850", "cp437"}


def _position(data: bytes, offset: int) -> tuple[int, int]:
    line = data.count(b"\n", 0, offset) + 1
    return line, offset - (data.rfind(b"\n", 0, offset) + 1) + 1


def _check_nul(text: str, used: str, source: str | None) -> None:
    at = text.find("\x00")
    if at != -1:
        line = text.count("\n", 0, at) + 1
        raise TranscriptError([Problem("text", f"contains NUL characters when read as {used}", file=source,
                                       line=line, hint="the file may be UTF-16 without a BOM (pass "
                                       "encoding='utf-16-le') or not a text file")], source=source)


def _detect(data: bytes) -> str | None:
    """The encoding charset-normalizer reads ``data`` in, Windows-1252 when it reads as well; None if none does."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return None if best is None else best.encoding
    western = from_bytes(data, cp_isolation=["cp1252"]).best()
    if western is not None and (best is None or western.chaos <= best.chaos + 0.05):
        return "cp1252"
    return None if best is None else best.encoding


def decode_detected(data: bytes, *, encoding: str | None = None, source: str | None = None) -> tuple[str, str]:
    r"""Decode ``data`` into canonical text; returns ``(text, how)`` where ``how`` names the encoding used.

    Parameters
    ----------
    data : bytes
        The raw file content.
    encoding : str, optional
        A Python codec name (``"cp1252"``, ``"utf-16"``...). Default: detected (see the module docstring).
    source : str, optional
        The file name, used in error messages.

    Returns
    -------
    tuple of (str, str)
        The canonical text (:func:`canonicalize`) and how it was decoded: the given ``encoding``,
        ``"utf-8"``, ``"utf-8 (BOM)"``, ``"utf-16-le (BOM)"``, ``"utf-16-be (BOM)"`` or ``"<codec> (detected)"``.

    Raises
    ------
    TranscriptError
        Undecodable bytes (naming the file, byte offset, line and column, and an encoding that
        does decode them when one does), NUL characters, or mojibake from a wrong ``encoding``.

    Examples
    --------
    >>> decode_detected(b"\xef\xbb\xbfline one\r\n")
    ('line one\n', 'utf-8 (BOM)')
    >>> decode_detected("naïve".encode("cp1252"), encoding="cp1252")
    ('naïve', 'cp1252')
    """
    if encoding is not None:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise TranscriptError([Problem("encoding", f"unknown encoding {encoding!r}",
                                           hint="use a Python codec name such as 'utf-8', 'cp1252' or 'utf-16'")],
                                  source=source) from None
        codec = "utf-8-sig" if codec == "utf-8" else codec
        if codec in _SINGLE_BYTE and not data.isascii():
            try:
                as_utf8 = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                pass
            else:
                sample = next((w for w in as_utf8.split() if not w.isascii()), "")
                garbled = sample.encode("utf-8").decode(codec, errors="replace")
                raise TranscriptError([Problem("encoding", f"the file is valid UTF-8; read as {encoding} it would "
                                               f"become {garbled!r} (mojibake)", hint="leave the encoding out")],
                                      source=source)
        used = encoding
    else:
        codec = used = None
        for bom, name, label in _BOMS:
            if data.startswith(bom):
                codec, used = name, label
                break
        if codec is None:
            try:
                text = data.decode("utf-8")
                codec, used = "utf-8", "utf-8"
            except UnicodeDecodeError as exc:
                guess = _detect(data)
                if guess is None:
                    line, column = _position(data, exc.start)
                    bad = data[exc.start:exc.end].hex()
                    raise TranscriptError([Problem(f"byte {exc.start}", f"not valid UTF-8 (byte 0x{bad}) "
                                                   "and no other text encoding reads it", file=source, line=line,
                                                   column=column, hint="re-save the file as UTF-8")],
                                          source=source) from None
                codec, used = guess, f"{codecs.lookup(guess).name} (detected)"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line, column = _position(data, exc.start)
        guess = None if encoding is None else _detect(data)
        hint = (f"it reads as {guess}: pass encoding={guess!r}" if guess else "re-save the file as UTF-8")
        bad = data[exc.start:exc.end].hex()
        raise TranscriptError([Problem(f"byte {exc.start}", f"not valid {used} (byte 0x{bad})",
                                       hint=hint, file=source, line=line, column=column)], source=source) from None
    _check_nul(text, used, source)
    return canonicalize(text), used


def decode(data: bytes, *, encoding: str | None = None, source: str | None = None) -> str:
    r"""Decode ``data`` into canonical text (see :func:`decode_detected`).

    Parameters
    ----------
    data : bytes
        The raw file content.
    encoding : str, optional
        A Python codec name; detected by default.
    source : str, optional
        The file name, used in error messages.

    Returns
    -------
    str
        The canonical text.

    Raises
    ------
    TranscriptError
        As :func:`decode_detected`.

    Examples
    --------
    >>> decode("Caf\u00e9".encode("utf-16"))
    'Café'
    """
    return decode_detected(data, encoding=encoding, source=source)[0]


def read_text_with_encoding(path, *, encoding: str | None = None) -> tuple[str, str]:
    r"""A file's canonical text and the encoding used (see :func:`decode_detected`).

    Parameters
    ----------
    path : str or os.PathLike
        The file to read (all of it, as bytes).
    encoding : str, optional
        A Python codec name; detected by default.

    Returns
    -------
    tuple of (str, str)
        The canonical text and how it was decoded (e.g. ``"cp1252 (detected)"``).

    Raises
    ------
    TranscriptError
        As :func:`decode_detected`, naming the file.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P01.txt"
    >>> _ = path.write_bytes("Café au lait\r\n".encode("cp1252"))
    >>> read_text_with_encoding(path)
    ('Café au lait\n', 'cp1252 (detected)')
    """
    with open(path, "rb") as handle:
        data = handle.read()
    return decode_detected(data, encoding=encoding, source=str(path))


def read_text_file(path, *, encoding: str | None = None) -> str:
    r"""Read a file and return its canonical text (see :func:`decode`).

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    encoding : str, optional
        A Python codec name; detected by default.

    Returns
    -------
    str
        The canonical text.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P01.txt"
    >>> _ = path.write_text("one\r\ntwo", encoding="utf-8")
    >>> read_text_file(path)
    'one\ntwo'
    """
    return read_text_with_encoding(path, encoding=encoding)[0]
