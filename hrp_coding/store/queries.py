"""The read side of :class:`~hrp_coding.project.Project`: its DataFrame views (a mixin).

Codings, segments, coded segments, excerpts, memos, decisions and rejections, all computed from
the ledger's folded state and the transcript store; nothing here writes. The frames themselves are
built by :mod:`hrp_coding.store.views` (plain data in, DataFrames out).

Examples
--------
>>> from hrp_coding.datasets import tiny_study
>>> study = tiny_study()  # transcript P01, ana's coding "holding" on its second turn
>>> study.coded_segments("turn")[["segment", "coder", "code"]].values.tolist()
[['P01:t002', 'ana', 'holding']]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from hrp_coding.errors import ProjectError
from hrp_coding.store.names import check_coder
from hrp_coding.store.settings import UNITS
from hrp_coding.store.state import Coding

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ProjectViews"]


class ProjectViews:
    """DataFrame views over a project's ledger and transcripts (mixed into ``Project``)."""

    def rejections(self) -> pd.DataFrame:
        """Every dismissed suggestion: coder, transcript, start, end, code, model, reason, at."""
        import pandas as pd

        rows = [(e.coder, e.transcript, e.start, e.end, e.code, e.model, e.reason, e.at)
                for e in self._ledger.refresh().rejections]
        return pd.DataFrame(rows, columns=["coder", "transcript", "start", "end", "code", "model", "reason", "at"])

    def get_coding(self, coding_id: str) -> Coding:
        """One live coding by id."""
        coding = self._ledger.refresh().coding(coding_id)
        if coding is None:
            raise ProjectError(f"no live coding {coding_id!r} in project {self.path}")
        return coding

    def _texts(self) -> dict[str, str]:
        return {tid: self._transcripts.text(tid) for tid in self.transcript_ids}

    def codings(self, coders: str | Iterable[str] | None = None, include_orphaned: bool = False) -> pd.DataFrame:
        """Every live coding, one row per span.

        Columns: ``coding_id, transcript, coder, code, start, end, text, memo, source, model,
        confidence, codebook_version, at, status, needs_recoding, candidates, original_code``
        (``candidates``: ';'-joined codes a split code's codings may be recoded to). Orphaned codings
        (passage deleted by an edit) are included only with ``include_orphaned=True``.
        """
        from hrp_coding.store.views import state_frame

        return state_frame(self._ledger.refresh(), self._texts(), coders=self._coder_filter(coders),
                           include_orphaned=include_orphaned)

    def _coder_filter(self, coders) -> set[str] | None:
        if coders is None:
            return None
        wanted = {coders} if isinstance(coders, str) else set(coders)
        for coder in wanted:
            check_coder(coder)
        return wanted

    def coder_transcripts(self) -> pd.DataFrame:
        """Which coder coded which transcript (at least one live coding): columns transcript, coder, n_codings."""
        frame = self.codings()
        return (frame.groupby(["transcript", "coder"]).size().rename("n_codings").reset_index()
                .sort_values(["transcript", "coder"]).reset_index(drop=True))

    def memos(self, target_kind: str | None = None, target_id: str | None = None) -> pd.DataFrame:
        """Every memo (columns target_kind, target_id, coder, at, text), sorted by target then time."""
        from hrp_coding.store.memos import memos_frame

        state = self._ledger.refresh()
        coding_memos = [("coding", cid, coder, text, at) for cid, notes in state.memos.items()
                        for at, coder, text, _id in notes]
        return memos_frame(self.path / "memos", coding_memos, target_kind=target_kind, target_id=target_id)

    # -- segments and views -----------------------------------------------------------------------
    def _unit(self, unit: str | None) -> str:
        unit = self.settings.default_unit if unit is None else unit
        if unit not in UNITS:
            raise ProjectError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
        return unit

    def segments(self, unit: str | None = None) -> pd.DataFrame:
        """All transcripts cut into ``unit`` segments (turn, sentence or paragraph; default: the project's).

        Columns as :func:`hrp_coding.transcripts.segment`: transcript, segment, start, end, speaker, role, text.
        """
        return self._transcripts.segments(self._unit(unit))

    def coded_segments(self, unit: str | None = None, coder: str | Iterable[str] | None = None, overlap: str = "any",
                       min_chars: int = 1) -> pd.DataFrame:
        """One row per (transcript, segment, coder, code) where that coder's span covers the segment by ``overlap``.

        ``overlap``: ``"any"`` (at least ``min_chars`` shared characters), ``"majority"`` (the span
        covers more than half the segment) or ``"contain"`` (the segment lies wholly in the span).
        A coder counts as having coded a transcript when they have at least one coding in it (see
        :meth:`coder_transcripts`); absent rows mean "not coded with that code".
        """
        from hrp_coding.store.views import coded_segments_frame

        return coded_segments_frame(self.segments(unit), self.codings(coders=coder), overlap=overlap,
                                    min_chars=min_chars)

    def excerpts(self, code: str, context: int | str = 0, coders: str | Iterable[str] | None = None, *,
                 include_children: bool = False) -> pd.DataFrame:
        """Every passage coded ``code`` across transcripts, with context and transcript attributes.

        ``context``: ``0``, a number of characters, or ``"turn"`` (the rest of the speaker turn).
        ``include_children``: also passages coded with a descendant of ``code``.
        """
        from hrp_coding.store.views import excerpts_of

        problems: list[str] = []
        # a former id (split, merged away) still names codings waiting for recoding: list them
        former = isinstance(code, str) and code not in self.codebook.codes and code in self.codebook.migration()
        if not former:
            self._check_code(code, problems, allow_retired=True)
        if problems:
            raise ProjectError("excerpts: " + "; ".join(problems))
        if context != "turn" and (not isinstance(context, int) or isinstance(context, bool) or context < 0):
            raise ProjectError(f"excerpts: context must be 0, a number of characters or 'turn', got {context!r}")
        wanted = {code, *(self.codebook.descendants(code) if include_children and not former else ())}
        return excerpts_of(self.codings(coders=coders), wanted, self.transcript, context=context)

    def adjudications(self) -> pd.DataFrame:
        """Every consensus decision in order: decision_id, transcript, start, end, codes, who, why, segment,
        codebook_version, at (``codes`` and ``who`` ';'-joined)."""
        from hrp_coding.store.consensus import decisions_frame

        return decisions_frame(self._ledger.refresh().decisions)
