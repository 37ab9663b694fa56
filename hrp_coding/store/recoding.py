"""Recoding a coding whose code was split or retired (a mixin of :class:`~hrp_coding.project.Project`).

A coding waiting for recoding (``needs_recoding``, listed by ``hrp-coding recode-queue`` and in the widget) is
given a live code by a ``migrate`` event in its coder's journal: it keeps its id, its passage and its memo, and
leaves the queue. The same event type puts it back (its old code, flagged, with its candidates): that is how
the widget undoes a recoding. Nothing is erased.

Examples
--------
>>> from hrp_coding.codebook import Code
>>> from hrp_coding.datasets import tiny_study
>>> study = tiny_study()  # ana's coding of "We sat with her" with the code "holding"
>>> cid = study.codings()["coding_id"][0]
>>> _ = study.update_codebook(study.codebook.split("holding", [Code("holding_a", "A"), Code("holding_b", "B")],
...                                                    who="lead", why="two kinds"))
>>> study.codings()["needs_recoding"].tolist()
[True]
>>> study.recode("ana", cid, "holding_b").code, study.codings()["needs_recoding"].tolist()
('holding_b', [False])
>>> study.recode("ana", cid, "holding", back_to_queue=("holding_a", "holding_b")).needs_recoding
True
"""

from __future__ import annotations

from hrp_coding.errors import ProjectError
from hrp_coding.store.events import MigrateCoding
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.names import check_coder

__all__ = ["Recoding"]


class Recoding:
    """Recoding the codings of split or retired codes (mixed into ``Project``)."""

    def recode(self, coder: str, coding_id: str, code: str, *, back_to_queue: tuple[str, ...] | None = None):
        """Give ``coder``'s coding waiting for recoding the live ``code`` (a ``migrate`` event); returns it.

        Parameters
        ----------
        coder : str
            Whose coding it is (only its coder recodes it).
        coding_id : str
            A live coding with ``needs_recoding`` (its code was split or retired).
        code : str
            An active code of the codebook; with ``back_to_queue``, the code it had before (undo).
        back_to_queue : tuple of str, optional
            Put the coding back in the queue with these candidates (undoing a recoding): ``code`` is then its old
            code and the coding must not be waiting already.

        Returns
        -------
        Coding
            The coding as it stands now.

        Raises
        ------
        ProjectError
            Unknown coding, another coder's, not waiting for recoding (or already waiting, with
            ``back_to_queue``), or ``code`` not an active code of the codebook.

        Examples
        --------
        >>> from hrp_coding.codebook import Code
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's coding of "We sat with her" as holding
        >>> cid = study.codings()["coding_id"][0]
        >>> _ = study.update_codebook(study.codebook.retire("holding", who="lead", why="too broad")
        ...                           .add(Code("presence", "Presence"), who="lead", why="narrower"))
        >>> c = study.recode("ana", cid, "presence")
        >>> c.id == cid, c.code, c.original_code, c.needs_recoding, (c.start, c.end)
        (True, 'presence', 'holding', False, (9, 24))
        >>> study.recode("ben", cid, "presence")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: recode('ben', '...', 'presence'): coding '...' belongs to coder 'ana', not 'ben'
        """
        check_coder(coder)
        with self._lock():
            coding = self._ledger.refresh().coding(coding_id)
            where = f"recode({coder!r}, {coding_id!r}, {code!r})"
            if coding is None:
                raise ProjectError(f"{where}: no live coding {coding_id!r} in project {self.path}")
            if coding.coder != coder:
                raise ProjectError(f"{where}: coding {coding_id!r} belongs to coder {coding.coder!r}, not {coder!r}")
            if bool(coding.needs_recoding) == (back_to_queue is not None):
                state = "already waits" if coding.needs_recoding else "does not wait"
                raise ProjectError(f"{where}: coding {coding_id!r} {state} for recoding (code {coding.code!r})")
            if back_to_queue is None:
                problems: list[str] = []
                self._check_code(code, problems)
                if problems:
                    raise ProjectError(f"{where}: " + "; ".join(problems))
            event = MigrateCoding(id=new_id(), at=now_iso(), coder=coder, codebook_version=self.codebook.version,
                                  coding_id=coding_id, from_code=coding.code, to_code=code,
                                  needs_recoding=back_to_queue is not None, candidates=tuple(back_to_queue or ()),
                                  reason="recoding undone" if back_to_queue is not None else "recoded")
            self._ledger.append(coder, [event])
        return self._ledger.state.coding(coding_id)
