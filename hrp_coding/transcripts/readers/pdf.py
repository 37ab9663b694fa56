"""PDF transcripts with a text layer, read with pypdf.

Each page's text is extracted in reading order and canonicalised; pages are joined with ``"\\n"``,
and lines that are only a page number (``3``, ``Page 3``, ``Page 3 of 12``, ``- 3 -``) are left out
(listed in the layout report). Turns then follow the layouts of
:mod:`hrp_coding.transcripts.readers.lines`. The attributes gain ``pages`` (the page count) and
``page_starts`` (the offset in the canonical text where each page starts), so any span can be
traced back to its page. A PDF without a text layer (a scan) is refused with a clear error: run OCR
first.

Examples
--------
>>> import pathlib, tempfile
>>> from hrp_coding.transcripts.readers.pdf import _tiny_pdf
>>> path = pathlib.Path(tempfile.mkdtemp()) / "P09.pdf"
>>> _ = path.write_bytes(_tiny_pdf([["Interviewer: How are you?", "P09: Fine.", "1"], ["P09: Really fine."]]))
>>> t = read_pdf(path)
>>> [(x.speaker, t.turn_text(x)) for x in t.turns], t.attributes["pages"]
([('Interviewer', 'How are you?'), ('P09', 'Fine.'), ('P09', 'Really fine.')], 2)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.transcripts.canonical import canonicalize
from hrp_coding.transcripts.model import Transcript
from hrp_coding.transcripts.readers.lines import read_lines

__all__ = ["MAX_PDF_BYTES", "MAX_PDF_PAGES", "read_pdf"]

MAX_PDF_BYTES = 100 << 20
MAX_PDF_PAGES = 2_000
_PAGE_NUMBER = re.compile(r"^[ \t]*(?:(?:page|seite|p\.)[ \t]*)?-?[ \t]*\d{1,4}[ \t]*(?:(?:of|/|von)[ \t]*\d{1,4})?"
                          r"[ \t]*-?[ \t]*$", re.IGNORECASE)


def read_pdf(path, *, transcript_id: str | None = None, speaker_pattern=None,
             speaker_roles: Mapping[str, str] | None = None, attributes: Mapping | None = None,
             layout: str | None = None) -> Transcript:
    """Read a PDF transcript with a text layer (see the module docstring).

    Parameters
    ----------
    path : str or os.PathLike
        The PDF file (at most ``MAX_PDF_BYTES``).
    transcript_id, speaker_pattern, speaker_roles, attributes, layout
        As for :func:`~hrp_coding.transcripts.readers.read_transcript` (the line layouts apply to the pages' text).

    Returns
    -------
    Transcript
        The transcript; its attributes gain ``pages`` and ``page_starts``.

    Raises
    ------
    TranscriptError
        Not a readable PDF, encrypted, too large, or without a text layer (naming the file).

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P09.pdf"
    >>> _ = path.write_bytes(_tiny_pdf([["P09: One page."]]))
    >>> read_pdf(path).attributes["page_starts"]
    [0]
    """
    import pypdf
    from pypdf.errors import PdfReadError

    path = Path(path)
    source = str(path)
    if path.stat().st_size > MAX_PDF_BYTES:
        raise TranscriptError([Problem("file", f"{path.stat().st_size:,} bytes is over the {MAX_PDF_BYTES:,}-byte "
                                       "limit for a PDF transcript")], source=source)
    try:
        reader = pypdf.PdfReader(source)
        if reader.is_encrypted:
            raise TranscriptError([Problem("file", "the PDF is encrypted", hint="save an unprotected copy")],
                                  source=source)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise TranscriptError([Problem("file", f"{len(reader.pages)} pages (limit {MAX_PDF_PAGES})")],
                                  source=source)
        pages = [canonicalize(page.extract_text() or "") for page in reader.pages]
    except (PdfReadError, OSError, ValueError, KeyError, TypeError) as exc:
        if isinstance(exc, TranscriptError):
            raise
        raise TranscriptError([Problem("file", f"not a readable PDF ({type(exc).__name__}: {exc})")],
                              source=source) from None
    if not any(page.strip() for page in pages):
        raise TranscriptError([Problem("file", f"the PDF has no text layer ({len(pages)} page(s) of images: a scan)",
                                       hint="run OCR on it first (e.g. ocrmypdf), or export the transcript as "
                                            ".docx or .txt")], source=source)
    lines: list[str] = []
    numbers: list[int] = []
    starts: list[int] = []
    skipped: list[str] = []
    position = 0
    for page_number, page in enumerate(pages, start=1):
        starts.append(position)
        for line in page.split("\n"):
            if _PAGE_NUMBER.match(line):
                skipped.append(f"page {page_number}: page number line {line.strip()!r}")
                continue
            lines.append(line.rstrip())
            numbers.append(page_number)
            position += len(lines[-1]) + 1
    merged = {"pages": len(pages), "page_starts": starts, **dict(attributes or {})}
    return read_lines(lines, transcript_id=transcript_id or path.stem, source=source, speaker_pattern=speaker_pattern,
                      speaker_roles=speaker_roles, layout=layout, attributes=merged, skipped=skipped,
                      line_numbers=numbers, unit="page")


def _pdf_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _tiny_pdf(pages: list[list[str]]) -> bytes:
    """A minimal PDF with one text line per entry (Helvetica, WinAnsi): fixtures and examples.

    An empty page list entry gives a page without text (as a scan has).
    """
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", None,
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"]
    kids = []
    for lines in pages:
        ops = ["BT", "/F1 11 Tf", "14 TL", "72 760 Td"]
        for line in lines:
            ops.append(f"({_pdf_escape(line)}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("cp1252")
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode("latin-1") + stream + b"\nendstream")
        content = len(objects)
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R "
                       "/Resources << /Font << /F1 3 0 R >> >> >>")
        kids.append(len(objects))
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>"
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        body = body if isinstance(body, bytes) else body.encode("latin-1")
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
