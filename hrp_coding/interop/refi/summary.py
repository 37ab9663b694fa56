"""The results of an import and an export: :class:`ImportSummary` and :class:`ExportSummary` (frozen).

Examples
--------
>>> s = ImportSummary(source="a.qdpx", project="study", origin="NVivo for Windows 12.6", transcripts=1, coders=1,
...                   codings=2, codes=3, memos=0, skipped_codings=0,
...                   reading="positions read as UTF-16 code units, CRLF as two characters (evidence)")
>>> ImportSummary.from_dict(s.to_dict()) == s
True
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["ExportSummary", "ImportSummary"]


@dataclass(frozen=True)
class ImportSummary:
    """What an import read and wrote.

    Attributes
    ----------
    source : str
        The ``.qdpx`` file.
    project : str
        The new project folder.
    origin : str or None
        The program that wrote the file (``Project@origin``).
    transcripts, coders, codings, codes, memos : int
        How many were imported (``memos`` counts coding, transcript, code memos and annotations).
    skipped_codings : int
        Codings not imported (out of range, unknown code or source, not text...; each listed in ``warnings``).
    warnings : tuple of str
        One line per tolerated deviation or skipped item (also issued as :class:`RefiWarning`).
    coder_map : tuple of (str, str, str)
        ``(REFI user GUID, REFI user name, coder)`` for each user.
    reading : str
        How positions were counted (code points or UTF-16 units, CRLF as one or two) and why.
    annotations : int
        Memos on passages without a code (kept as transcript memos that quote their passage).
    """

    source: str
    project: str
    origin: str | None
    transcripts: int
    coders: int
    codings: int
    codes: int
    memos: int
    skipped_codings: int
    warnings: tuple[str, ...] = ()
    coder_map: tuple[tuple[str, str, str], ...] = ()
    reading: str = ""
    annotations: int = 0

    @property
    def n_warnings(self) -> int:
        """How many warnings the import gave."""
        return len(self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (as stored in ``refi-qda.yaml``).

        Returns
        -------
        dict
            Every field by name, tuples as lists (YAML-ready).

        Examples
        --------
        >>> summary = ImportSummary("a.qdpx", "study", "QualCoder", 1, 1, 2, 3, 0, 0)
        >>> summary.to_dict()["codings"], ImportSummary.from_dict(summary.to_dict()) == summary
        (2, True)
        """
        return {"source": self.source, "project": self.project, "origin": self.origin,
                "transcripts": self.transcripts, "coders": self.coders, "codings": self.codings,
                "codes": self.codes, "memos": self.memos, "skipped_codings": self.skipped_codings,
                "warnings": list(self.warnings), "coder_map": [list(row) for row in self.coder_map],
                "reading": self.reading, "annotations": self.annotations}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportSummary:
        """Rebuild from :meth:`to_dict` output.

        Parameters
        ----------
        data : mapping
            :meth:`to_dict` output (e.g. the ``import`` entry of ``refi-qda.yaml``); later fields may be missing
            in files written by earlier versions and take their defaults.

        Returns
        -------
        ImportSummary
            The summary.

        Examples
        --------
        >>> ImportSummary.from_dict({"source": "a.qdpx", "project": "study", "transcripts": 1, "coders": 1,
        ...                          "codings": 2, "codes": 3}).memos
        0
        """
        return cls(source=str(data["source"]), project=str(data["project"]), origin=data.get("origin"),
                   transcripts=int(data["transcripts"]), coders=int(data["coders"]), codings=int(data["codings"]),
                   codes=int(data["codes"]), memos=int(data.get("memos", 0)),
                   skipped_codings=int(data.get("skipped_codings", 0)),
                   warnings=tuple(data.get("warnings") or ()),
                   coder_map=tuple(tuple(row) for row in data.get("coder_map") or ()),
                   reading=str(data.get("reading") or ""), annotations=int(data.get("annotations", 0)))

    def __str__(self) -> str:
        lines = [f"Imported {self.source}" + (f" (written by {self.origin})" if self.origin else "")
                 + f" into {self.project}:",
                 f"  {self.transcripts} transcripts, {self.coders} coders, {self.codings} codings, "
                 f"{self.codes} codes, {self.memos} memos; {self.skipped_codings} codings skipped; "
                 f"{len(self.warnings)} warnings"]
        if self.reading:
            lines.append(f"  {self.reading}")
        if self.coder_map:
            lines.append("  coders: " + ", ".join(f"{name or guid} -> {coder}" for guid, name, coder in self.coder_map))
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote."""

    path: str
    transcripts: int
    coders: int
    codings: int
    selections: int
    codes: int
    notes: int
    variables: int
    size_bytes: int
    cases: int = 0
    sets: int = 0

    def __str__(self) -> str:
        return (f"Exported {self.path} ({self.size_bytes} bytes): {self.transcripts} transcripts, {self.coders} "
                f"coders, {self.codings} codings in {self.selections} selections, {self.codes} codes, "
                f"{self.notes} notes, {self.variables} variables, {self.cases} cases, {self.sets} sets")
