"""Suggestions in :class:`~hrp_coding.notebook.widget.CodingWidget` (a mixin): marked where they apply, listed with
jump-to, accepted or rejected; a rejection is a ``reject`` event in the coder's journal and is remembered.

A suggestion is the passage ``start``-``end`` that :func:`hrp_coding.suggest.suggest` narrowed inside its turn
(``turn_start``-``turn_end``), with ``highlights``: the words that pushed it. The view marks the passage, not
the whole turn, and the words inside it. A code this coder rejected anywhere in a turn is not offered again
in that turn, however the passage is cut the next time (another model, another ``span_ratio``).
"""

from __future__ import annotations

import pandas as pd

from hrp_coding.errors import SuggestError

__all__ = ["SuggestionMarks"]


class SuggestionMarks:
    """Suggestions of a coding widget (mixed into ``CodingWidget``)."""

    def _set_suggestions(self, frame: pd.DataFrame) -> None:
        missing = [c for c in ("code", "start", "end", "confidence") if c not in frame.columns]
        if missing:
            raise SuggestError(f"suggestions lack column(s) {missing}; they need code, start, end and confidence, "
                               f"and have {list(frame.columns)}")
        rejected: dict[tuple, list[tuple[int, int]]] = {}  # (transcript, code) -> rejected passages
        if hasattr(self._project, "rejections"):
            done = self._project.rejections()
            for row in done[done["coder"] == self.coder].itertuples():
                rejected.setdefault((row.transcript, row.code), []).append((int(row.start), int(row.end)))
        # a suggestion this coder rejected before (a reject event in their journal) is not offered again: the same
        # passage, or the same code anywhere in the suggestion's turn
        self._suggestion_rows = {f"s{i}": row for i, row in enumerate(frame.to_dict("records"))
                                 if not _was_rejected(row, rejected.get((row.get("transcript", self.transcript),
                                                                         row["code"]), ()))}

    def _suggestions(self) -> list[dict]:
        if self.blind or self._hidden:
            return []
        units = self._units
        return [{"key": key, "code": r["code"], "s": units.to_utf16(int(r["start"])),
                 "e": units.to_utf16(int(r["end"])), "start": int(r["start"]), "end": int(r["end"]),
                 "confidence": float(r["confidence"]), "evidence": _evidence_text(r.get("evidence")),
                 "reliability": str(r.get("reliability") or ""),
                 "words": [[units.to_utf16(a), units.to_utf16(b)] for a, b in _words(r)]}
                for key, r in self._suggestion_rows.items() if r.get("transcript", self.transcript) == self.transcript]

    @property
    def suggestions(self) -> list[dict]:
        """The suggestions the view shows for this transcript (none when blind)."""
        return self._suggestions()

    def reject(self, key: str, reason: str | None = None) -> None:
        """Dismiss a suggestion: a ``reject`` event in the coder's journal, so it is not offered again.

        Parameters
        ----------
        key : str
            The suggestion's key in :attr:`suggestions`.
        reason : str, optional
            Why it was dismissed (kept in the event).

        Examples
        --------
        >>> import pandas as pd
        >>> from hrp_coding.datasets import tiny_study
        >>> from hrp_coding.notebook import CodingWidget
        >>> study = tiny_study(coded=False)
        >>> rows = pd.DataFrame({"code": ["holding"], "start": [9], "end": [24], "confidence": [0.8], "model": ["m1"]})
        >>> CodingWidget(study, coder="ben", transcript="P01", suggestions=rows).reject("s0", reason="not holding")
        >>> study.rejections()[["coder", "start", "end", "code", "model", "reason"]].values.tolist()
        [['ben', 9, 24, 'holding', 'm1', 'not holding']]
        >>> CodingWidget(study, coder="ben", transcript="P01", suggestions=rows).suggestions  # not offered again
        []
        >>> study.codings().empty
        True
        """
        row = self._suggestion_rows[key]
        model = row.get("model")
        self._project.reject_suggestion(self.coder, row.get("transcript", self.transcript), int(row["start"]),
                                        int(row["end"]), str(row["code"]), model=model if isinstance(model, str)
                                        else None, reason=reason)
        del self._suggestion_rows[key]
        self._send_delta()
        self._say(f"rejected suggestion {row['code']} (remembered)")


def _evidence_text(evidence) -> str:
    if evidence is None or (isinstance(evidence, float) and pd.isna(evidence)):
        return ""
    if isinstance(evidence, (list, tuple)):
        return ", ".join(map(str, evidence))
    return str(evidence)


def _turn(row: dict) -> tuple[int, int] | None:
    a, b = row.get("turn_start"), row.get("turn_end")
    if a is None or b is None or pd.isna(a) or pd.isna(b):
        return None
    return int(a), int(b)


def _was_rejected(row: dict, passages) -> bool:
    """Whether ``row`` is a passage rejected before, or lies in a turn where its code was rejected."""
    start, end = int(row["start"]), int(row["end"])
    turn = _turn(row)
    return any((a, b) == (start, end) or (turn is not None and turn[0] <= a and b <= turn[1]) for a, b in passages)


def _words(row: dict) -> list[tuple[int, int]]:
    """The (start, end) of the words that pushed the suggestion, inside its passage (``highlights``)."""
    marks = row.get("highlights")
    if not isinstance(marks, (list, tuple)):
        return []
    start, end = int(row["start"]), int(row["end"])
    return [(int(a), int(b)) for a, b in marks if start <= int(a) < int(b) <= end]
