"""The results of changing a project: what an import, a transcript edit, a codebook change or a decision did.

Frozen dataclasses with ``__str__`` (and ``to_frame()`` where there are rows), returned by the
:class:`~hrp_coding.project.Project` methods of the same name.

Examples
--------
>>> report = ImportReport(source="codings.csv", added=2, skipped_duplicates=1, coders=("ana",), coding_ids=("a", "b"))
>>> print(report)
codings.csv: 2 codings imported for ana (1 duplicates skipped)
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Adjudication", "ImportReport", "Memo", "MigrationReport", "ReanchorReport", "ReanchoredCoding"]


@dataclass(frozen=True)
class Memo:
    """A memo on a code, a transcript or a coding."""

    target_kind: str
    target_id: str
    coder: str
    text: str
    at: str


@dataclass(frozen=True)
class ReanchoredCoding:
    """One coding whose place changed (or could not be found) after a transcript edit.

    ``outcome`` is its category (see :mod:`hrp_coding.store.anchors`); ``candidates``: (start, end)
    places in the new text worth a look, for codings that need review or were orphaned.
    """

    coding_id: str
    coder: str
    code: str
    old_start: int
    old_end: int
    start: int | None
    end: int | None
    method: str | None
    score: float
    quote: str
    outcome: str = "moved"
    candidates: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ReanchorReport:
    """What :meth:`Project.update_transcript` did to the codings of one transcript (each coding in exactly one group).

    ``unchanged``: ids of codings still on their words at the same offsets; ``moved``: on their
    words exactly, elsewhere; ``fuzzy``: on the edited version of their words (``score`` =
    similarity); ``needs_review``: more than one place fits, kept off the text with status
    ``needs_review`` and their ``candidates``; ``orphaned``: their words were deleted, kept with
    status ``orphaned`` (see ``Project.codings(include_orphaned=True)``).
    """

    transcript: str
    unchanged: tuple[str, ...]
    moved: tuple[ReanchoredCoding, ...]
    fuzzy: tuple[ReanchoredCoding, ...]
    needs_review: tuple[ReanchoredCoding, ...] = ()
    orphaned: tuple[ReanchoredCoding, ...] = ()

    @property
    def unplaced(self) -> tuple[ReanchoredCoding, ...]:
        """The codings not on the new text: needing review, then orphaned."""
        return self.needs_review + self.orphaned

    @property
    def ok(self) -> bool:
        """True when every coding was placed."""
        return not self.unplaced

    def to_frame(self) -> pd.DataFrame:
        r"""One row per coding the revision touched.

        Returns
        -------
        pandas.DataFrame
            ``outcome`` (moved, fuzzy, needs_review, orphaned), then the :class:`ReanchoredCoding` fields.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> study.update_transcript("P01", "I: Hi\nP: We sat with him.\n").to_frame()["outcome"].tolist()
        ['fuzzy']
        """
        import pandas as pd

        rows = [dataclasses.asdict(r) for group in (self.moved, self.fuzzy, self.needs_review, self.orphaned)
                for r in group]
        columns = ["outcome", *[f.name for f in dataclasses.fields(ReanchoredCoding) if f.name != "outcome"]]
        return pd.DataFrame(rows, columns=columns)

    def __str__(self) -> str:
        lines = [f"Transcript {self.transcript}: {len(self.unchanged)} codings unchanged, {len(self.moved)} moved, "
                 f"{len(self.fuzzy)} placed approximately, {len(self.needs_review)} need review, "
                 f"{len(self.orphaned)} orphaned ({len(self.unplaced)} could not be placed)"]
        for r in self.fuzzy:
            lines.append(f"  fuzzy ({r.score:.2f}): {r.coder}/{r.code} {r.coding_id} -> {r.start}-{r.end}")
        for r in self.needs_review:
            lines.append(f"  needs review ({len(r.candidates)} candidate places): {r.coder}/{r.code} {r.coding_id} "
                         f"{r.quote[:60]!r}")
        for r in self.orphaned:
            lines.append(f"  orphaned (words deleted): {r.coder}/{r.code} {r.coding_id} {r.quote[:60]!r}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportReport:
    """What :meth:`Project.import_codings` wrote."""

    source: str
    added: int
    skipped_duplicates: int
    coders: tuple[str, ...]
    coding_ids: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.source}: {self.added} codings imported for {', '.join(self.coders) or 'no coder'}"
                f" ({self.skipped_duplicates} duplicates skipped)")


@dataclass(frozen=True)
class MigrationReport:
    """What :meth:`Project.update_codebook` did to existing codings.

    ``moved``: (coding_id, coder, old code, new code) for renamed or merged codes; ``flagged``:
    (coding_id, coder, old code, candidates) for codes that were split (``needs_recoding``).
    """

    from_version: int
    to_version: int
    moved: tuple[tuple[str, str, str, str], ...]
    flagged: tuple[tuple[str, str, str, tuple[str, ...]], ...]

    def __str__(self) -> str:
        return (f"codebook v{self.from_version} -> v{self.to_version}: {len(self.moved)} codings moved to their "
                f"new code, {len(self.flagged)} flagged for recoding")


@dataclass(frozen=True)
class Adjudication:
    """A consensus decision: the codes agreed for a passage, who decided and why."""

    decision_id: str
    transcript: str
    start: int
    end: int
    codes: tuple[str, ...]
    who: tuple[str, ...]
    why: str
    segment: str | None
    codebook_version: int
    coding_ids: tuple[str, ...]
    superseded: tuple[str, ...]
