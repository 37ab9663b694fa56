"""The coder's recode queue in :class:`~hrp_coding.notebook.widget.CodingWidget` (a mixin).

The codings of this coder and transcript whose code was split or retired (``needs_recoding``, as
``hrp-coding recode-queue`` lists them) are shown in a panel with their old code, quote and candidates; a click
on a candidate recodes the passage (:meth:`~hrp_coding.project.Project.recode`: a ``migrate`` event, the coding
keeps its id, passage and memo) and Ctrl+Z puts it back in the queue.
"""

from __future__ import annotations

from hrp_coding.errors import ProjectError
from hrp_coding.notebook.coding_view import WidgetAction

__all__ = ["RecodeQueue"]


class RecodeQueue:
    """The recode queue of a coding widget (mixed into ``CodingWidget``)."""

    def _load_queue(self, codings) -> None:
        """This coder's waiting codings of the shown transcript, from the codings frame ``_load`` read."""
        if "needs_recoding" not in codings.columns:
            self._flagged = {}
            return
        mine = codings[(codings["coder"] == self.coder) & codings["needs_recoding"].fillna(False).astype(bool)]
        self._flagged = {str(row.coding_id): (row.code, tuple(c for c in str(row.candidates or "").split(";") if c))
                         for row in mine.itertuples()}

    def _queue(self) -> list[dict]:
        """What the panel lists: id, old code, candidates, UTF-16 span, in text order."""
        items = []
        for cid, (code, candidates) in self._flagged.items():
            record = self._records.get(cid)
            if record is not None:
                items.append({"id": cid, "code": code, "candidates": list(candidates), "s": record["s"],
                              "e": record["e"]})
        return sorted(items, key=lambda q: (q["s"], q["e"], q["id"]))

    @property
    def recode_queue(self) -> list[dict]:
        """This coder's codings of the shown transcript waiting for recoding (split or retired codes)."""
        return self._queue()

    def recode(self, coding_id: str, code: str):
        """Recode a coding of the queue with the live ``code`` (undo puts it back in the queue); returns it.

        Parameters
        ----------
        coding_id : str
            One of :attr:`recode_queue`'s ids.
        code : str
            An active code.

        Returns
        -------
        Coding
            The coding, now with ``code``.

        Examples
        --------
        >>> from hrp_coding.codebook import Code
        >>> from hrp_coding.datasets import tiny_study
        >>> from hrp_coding.notebook import CodingWidget
        >>> study = tiny_study()  # ana coded "We sat with her" as holding
        >>> report = study.update_codebook(study.codebook.split("holding", [Code("held_close", "Held close"),
        ...                                Code("held_open", "Held open")], who="lead", why="two kinds"))
        >>> w = CodingWidget(study, coder="ana", transcript="P01")
        >>> [(q["code"], q["candidates"]) for q in w.recode_queue]
        [('holding', ['held_close', 'held_open'])]
        >>> w.recode(w.recode_queue[0]["id"], "held_close").code, w.recode_queue
        ('held_close', [])
        >>> study.codings()[["code", "text", "needs_recoding"]].values.tolist()
        [['held_close', 'We sat with her', False]]
        """
        if coding_id not in self._flagged:
            raise ProjectError(f"coding {coding_id!r} is not in {self.coder}'s recode queue for {self.transcript}")
        old, candidates = self._flagged[coding_id]
        coding = self._project.recode(self.coder, coding_id, code)
        self._recoded(coding, None)
        self._undo.push(WidgetAction("recode", coding_id, {"code": code, "candidates": candidates}, before=old,
                                     after=code))
        self._sync_undo()
        self._say(f"recoded {old} as {code}: \"{coding.quote[:47]}\"")
        return coding

    def _recode_step(self, action: WidgetAction, *, undo: bool) -> None:
        """Undo (back to the queue with its old code) or redo a recoding."""
        candidates = tuple(action.coding.get("candidates", ()))
        if undo:
            coding = self._project.recode(self.coder, action.coding_id, action.before, back_to_queue=candidates)
            self._recoded(coding, (action.before, candidates))
        else:
            self._recoded(self._project.recode(self.coder, action.coding_id, action.after), None)

    def _recoded(self, coding, flagged) -> None:
        if flagged is None:
            self._flagged.pop(coding.id, None)
        else:
            self._flagged[coding.id] = flagged
        if coding.id in self._records:
            self._records[coding.id] = self._record(coding)
            self._send_delta(put=[self._records[coding.id]])
