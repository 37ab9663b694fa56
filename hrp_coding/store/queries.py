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
        """Every dismissed suggestion: coder, transcript, start, end, code, model, reason, at.

        Returns
        -------
        pandas.DataFrame
            One row per ``reject`` event in the journals, in journal order (the suggester leaves these passages out).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> study.reject_suggestion("ana", "P01", 9, 24, "holding", model="demo", reason="not holding")
        >>> study.rejections()[["coder", "code", "reason"]].values.tolist()
        [['ana', 'holding', 'not holding']]
        """
        import pandas as pd

        rows = [(e.coder, e.transcript, e.start, e.end, e.code, e.model, e.reason, e.at)
                for e in self._ledger.refresh().rejections]
        return pd.DataFrame(rows, columns=["coder", "transcript", "start", "end", "code", "model", "reason", "at"])

    def get_coding(self, coding_id: str) -> Coding:
        """One live coding by id.

        Parameters
        ----------
        coding_id : str
            The coding's id (the ``coding_id`` column of :meth:`codings`).

        Returns
        -------
        Coding
            Its span, code, coder, anchor (quote, prefix, suffix, text hash), memo, source and status.

        Raises
        ------
        ProjectError
            When no live coding has that id (it was never made, or removed).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> coding = study.get_coding(study.codings()["coding_id"][0])
        >>> coding.code, coding.anchor.quote
        ('holding', 'We sat with her')
        """
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

        Parameters
        ----------
        coders : str or iterable of str, optional
            Only these coders' codings (default: everyone's, the consensus layer included).
        include_orphaned : bool, default False
            Also the codings whose passage an edit of the transcript deleted (``status`` ``orphaned``).

        Returns
        -------
        pandas.DataFrame
            The columns above, in order of creation.

        Raises
        ------
        ProjectError
            For an invalid coder name.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> tiny_study().codings(coders="ana")[["coder", "code", "start", "end", "text"]].values.tolist()
        [['ana', 'holding', 9, 24, 'We sat with her']]
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
        """Which coder coded which transcript (at least one live coding): columns transcript, coder, n_codings.

        Returns
        -------
        pandas.DataFrame
            One row per (transcript, coder) with live codings, sorted.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> tiny_study().coder_transcripts().values.tolist()
        [['P01', 'ana', 1]]
        """
        frame = self.codings()
        return (frame.groupby(["transcript", "coder"]).size().rename("n_codings").reset_index()
                .sort_values(["transcript", "coder"]).reset_index(drop=True))

    def memos(self, target_kind: str | None = None, target_id: str | None = None) -> pd.DataFrame:
        """Every memo (columns target_kind, target_id, coder, at, text), sorted by target then time.

        Parameters
        ----------
        target_kind : {"coding", "code", "transcript", "project"}, optional
            Only memos on this kind of target.
        target_id : str, optional
            Only memos on this target (a coding id, code id or transcript id).

        Returns
        -------
        pandas.DataFrame
            Coding memos from the journals and code, transcript and project memos from ``memos/``.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> _ = study.add_memo("transcript", "P01", "Long pause before answering.", "ana")
        >>> study.memos(target_kind="transcript")[["target_id", "coder", "text"]].values.tolist()
        [['P01', 'ana', 'Long pause before answering.']]
        """
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

        Parameters
        ----------
        unit : {"turn", "sentence", "paragraph"}, optional
            The segmentation unit; the project's ``default_unit`` by default.

        Returns
        -------
        pandas.DataFrame
            One row per segment, transcripts in id order (cached per transcript text and unit).

        Raises
        ------
        ProjectError
            For an unknown unit.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> tiny_study().segments("turn")[["segment", "role", "text"]].values.tolist()
        [['P01:t001', 'interviewer', 'Hi'], ['P01:t002', 'participant', 'We sat with her.']]
        """
        return self._transcripts.segments(self._unit(unit))

    def coded_segments(self, unit: str | None = None, coder: str | Iterable[str] | None = None, overlap: str = "any",
                       min_chars: int = 1) -> pd.DataFrame:
        """One row per (transcript, segment, coder, code) where that coder's span covers the segment by ``overlap``.

        ``overlap``: ``"any"`` (at least ``min_chars`` shared characters), ``"majority"`` (the span
        covers more than half the segment) or ``"contain"`` (the segment lies wholly in the span).
        A coder counts as having coded a transcript when they have at least one coding in it (see
        :meth:`coder_transcripts`); absent rows mean "not coded with that code".

        Parameters
        ----------
        unit : {"turn", "sentence", "paragraph"}, optional
            The segmentation unit; the project's default by default.
        coder : str or iterable of str, optional
            Only these coders (default: everyone).
        overlap : {"any", "majority", "contain"}, default "any"
            When a span counts as covering a segment (above).
        min_chars : int, default 1
            With ``overlap="any"``, the fewest shared characters.

        Returns
        -------
        pandas.DataFrame
            Columns ``transcript, segment, coder, code`` (one row per covering), the unit-level data agreement
            statistics are computed on.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()   # "We sat with her" covers 15 of the 16 characters of turn 2
        >>> len(study.coded_segments(overlap="majority")), len(study.coded_segments(overlap="contain"))
        (1, 0)
        """
        from hrp_coding.store.views import coded_segments_frame

        return coded_segments_frame(self.segments(unit), self.codings(coders=coder), overlap=overlap,
                                    min_chars=min_chars)

    def excerpts(self, code: str, context: int | str = 0, coders: str | Iterable[str] | None = None, *,
                 include_children: bool = False) -> pd.DataFrame:
        """Every passage coded ``code`` across transcripts, with context and transcript attributes.

        ``context``: ``0``, a number of characters, or ``"turn"`` (the rest of the speaker turn).
        ``include_children``: also passages coded with a descendant of ``code``.

        Parameters
        ----------
        code : str
            A code id of the codebook (a retired code too); a former id (split or merged away) lists the codings
            still waiting for recoding.
        context : int or "turn", default 0
            Characters of context either side, or the rest of the speaker turn.
        coders : str or iterable of str, optional
            Only these coders' passages.
        include_children : bool, default False
            Also passages coded with a descendant of ``code``.

        Returns
        -------
        pandas.DataFrame
            Columns ``transcript, coder, code, coding_id, start, end, before, text, after, memo``, then the
            transcript attributes.

        Raises
        ------
        ProjectError
            For an unknown code (with a did-you-mean) or an invalid ``context``.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> tiny_study().excerpts("holding", context="turn")[["before", "text", "after"]].values.tolist()
        [['', 'We sat with her', '.']]
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
        codebook_version, at (``codes`` and ``who`` ';'-joined).

        Returns
        -------
        pandas.DataFrame
            One row per ``decision`` event of the ``consensus`` journal, superseded decisions included.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> _ = study.adjudicate("P01", 9, 24, "holding", who=["ana", "ben"], why="agreed at the meeting")
        >>> study.adjudications()[["codes", "who", "why"]].values.tolist()
        [['holding', 'ana;ben', 'agreed at the meeting']]
        """
        from hrp_coding.store.consensus import decisions_frame

        return decisions_frame(self._ledger.refresh().decisions)
