"""The frozen intermediate model of a parsed ``.qdpx``: everything read, nothing written yet.

:func:`hrp_coding.interop.refi.parse.parse_qdpx` builds a :class:`ParsedProject`;
:func:`hrp_coding.interop.refi.write.write_project` writes it into a project folder. Positions here are
already canonical offsets (code points into the canonical text).

Examples
--------
>>> c = ParsedCoding("P01", "ana", "holding", 4, 9, memos=("Check the tape.",))
>>> c.memo
'Check the tape.'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hrp_coding.codebook import Codebook

__all__ = ["ParsedAnnotation", "ParsedCoding", "ParsedMemo", "ParsedProject", "ParsedSource", "annotation_text"]


def annotation_text(text: str, start: int, end: int, memo: str) -> str:
    """The transcript memo an annotation becomes: its passage (offsets and quote), then the memo.

    Parameters
    ----------
    text : str
        The transcript's canonical text.
    start, end : int
        The annotated passage (end exclusive); the quote is cut to 80 characters.
    memo : str
        The annotation's text.

    Returns
    -------
    str
        ``Annotation on <start>-<end> “<quote>”:`` and the memo on the next line.

    Examples
    --------
    >>> print(annotation_text("P01: We sat with her.", 5, 20, "Silence here."))
    Annotation on 5-20 \u201cWe sat with her\u201d:
    Silence here.
    """
    quote = " ".join(text[start:end].split())
    quote = quote if len(quote) <= 80 else quote[:79].rstrip() + "\u2026"
    return f"Annotation on {start}-{end} \u201c{quote}\u201d:\n{memo.strip()}"


@dataclass(frozen=True)
class ParsedSource:
    """A text source: its GUID, name, our transcript id, canonical text, attributes and speaker roles."""

    guid: str
    name: str
    tid: str
    text: str
    attributes: tuple[tuple[str, Any], ...] = ()
    speaker_roles: tuple[tuple[str, str], ...] = ()
    location: str = ""


@dataclass(frozen=True)
class ParsedCoding:
    """One ``Coding`` on a selection, as canonical offsets, with the memos found for it (deduplicated)."""

    tid: str
    coder: str
    code: str
    start: int
    end: int
    selection: str = ""
    coding: str = ""
    memos: tuple[str, ...] = ()

    @property
    def memo(self) -> str | None:
        """The memos joined by blank lines (None when there is none)."""
        return "\n\n".join(dict.fromkeys(m for m in self.memos if m and m.strip())) or None


@dataclass(frozen=True)
class ParsedMemo:
    """A memo on a transcript or a code (``kind``), with its author's coder name."""

    kind: str
    target: str
    text: str
    coder: str


@dataclass(frozen=True)
class ParsedAnnotation:
    """A memo on a passage with no code (QualCoder and MAXQDA annotations, NVivo annotations via Links).

    ``text`` is the transcript memo it becomes (:func:`annotation_text`), ``memo`` the note itself.
    """

    tid: str
    start: int
    end: int
    text: str
    coder: str
    guid: str = ""
    at: str | None = None
    memo: str = ""


@dataclass(frozen=True)
class ParsedProject:
    """Everything read from a ``.qdpx``.

    ``extras`` holds what the store has no place for (cases, variables, source sets, loose notes, the user
    and source tables, annotations): it is written to the project's ``refi-qda.yaml`` and written back on
    export.
    """

    source: str
    name: str
    origin: str | None
    codebook: Codebook
    coders: tuple[str, ...]
    sources: tuple[ParsedSource, ...]
    codings: tuple[ParsedCoding, ...]
    memos: tuple[ParsedMemo, ...]
    annotations: tuple[ParsedAnnotation, ...]
    settings: dict | None
    coder_map: tuple[tuple[str, str, str], ...]
    warnings: tuple[str, ...]
    skipped: int
    reading: str
    extras: dict = field(default_factory=dict)
