"""Writing codings: add, remove, reject, import, adjudicate (a mixin of :class:`~hrp_coding.project.Project`).

Each method checks its input before anything is written (a :class:`~hrp_coding.errors.ProjectError` naming the
problems; :meth:`~CodingWrites.import_codings` a :class:`~hrp_coding.errors.CodingsImportError` naming each bad
row), then appends typed events (:mod:`hrp_coding.store.events`) to the coder journals under the project lock.
A coding is anchored on its quote when it is made (:func:`~hrp_coding.store.anchors.make_anchor`).

Examples
--------
>>> from hrp_coding.datasets import tiny_study
>>> study = tiny_study(coded=False)  # transcript P01: "I: Hi\\nP: We sat with her.\\n"
>>> coding = study.add_coding("ana", "P01", 9, 24, "holding")
>>> study.remove_coding("ana", coding.id)
>>> len(study.codings())
0
"""

from __future__ import annotations

import os
from collections.abc import Iterable

from hrp_coding.errors import ProjectError
from hrp_coding.store import intents
from hrp_coding.store.anchors import make_anchor, text_sha256
from hrp_coding.store.events import RejectSuggestion, RemoveCoding
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.names import check_coder, name_problem
from hrp_coding.store.reports import Adjudication, ImportReport
from hrp_coding.store.state import Coding

__all__ = ["CodingWrites"]


class CodingWrites:
    """Adding, removing and importing codings, dismissing suggestions, adjudicating (mixed into ``Project``)."""

    # -- journals and codings -------------------------------------------------------------------
    def add_coding(self, coder: str, transcript: str, start: int, end: int, code: str, memo: str | None = None,
                   source: str = "manual", confidence: float | None = None, model: str | None = None,
                   new_coder: bool = False) -> Coding:
        """Record that ``coder`` applied ``code`` to ``transcript`` characters ``start`` to ``end`` (exclusive).

        Raises ProjectError listing every problem: unknown transcript or code (with a did-you-mean),
        empty or out-of-range span, invalid coder name or confidence, a coder not in a closed roster
        (with a did-you-mean; ``new_coder=True`` or :meth:`add_coders` adds them).

        Parameters
        ----------
        coder, transcript, code : str
            Who (a coder name), where (a transcript id) and what (an active code of the codebook).
        start, end : int
            The span, in code points of the transcript's text; ``end`` exclusive.
        memo, source, confidence, model, new_coder : optional
            A memo; ``"manual"``, or a suggester's output with its ``confidence`` (0-1) and ``model`` name;
            ``new_coder=True`` accepts a coder not on a closed roster (and adds them).

        Returns
        -------
        Coding
            The live coding, anchored on its quote.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)  # transcript P01: "I: Hi\\nP: We sat with her.\\n"
        >>> c = study.add_coding("ana", "P01", 9, 24, "holding", memo="Warm.")
        >>> c.coder, c.code, (c.start, c.end), c.quote, c.anchor.suffix, c.memo, c.codebook_version
        ('ana', 'holding', (9, 24), 'We sat with her', '.\\n', 'Warm.', 1)
        >>> from hrp_coding.errors import ProjectError
        >>> try:  # every problem is listed, separated by "; "
        ...     study.add_coding("ana", "P01", 9, 40, "holdin")
        ... except ProjectError as err:
        ...     print(*str(err).split("; "), sep="\\n")
        add_coding(coder='ana', transcript='P01', code='holdin'): unknown code 'holdin' (did you mean 'holding'?)
        span 9-40 is out of range: transcript 'P01' has 26 characters
        """
        problems: list[str] = []
        if name_problem(coder, "coder") is not None:
            problems.append(f"coder {coder!r} is not a lowercase slug (e.g. 'ana', 'model:tfidf'): "
                            f"{name_problem(coder, 'coder')}")
        elif (roster := self._roster_problem(coder, new_coder)) is not None:
            problems.append(roster + " (add the coder first: new_coder=True or add_coders)")
        with self._lock():
            text = sha = None
            if self._transcripts.exists(transcript):
                text, sha = self._transcripts.text_sha256(transcript)
            else:
                problems.append(self._unknown_transcript(transcript))
            self._check_code(code, problems)
            self._check_span(transcript, start, end, text, problems)
            if confidence is not None and not (isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
                                               and 0 <= confidence <= 1):
                problems.append(f"confidence must be a number in [0, 1], got {confidence!r}")
            if memo is not None and not isinstance(memo, str):
                problems.append(f"memo must be a string, got {type(memo).__name__}")
            if problems:
                raise ProjectError(f"add_coding(coder={coder!r}, transcript={transcript!r}, code={code!r}): "
                                   + "; ".join(problems))
            event = self._add_event(coder, transcript, start, end, code, text, sha, memo=memo, source=source,
                                    model=model, confidence=confidence)
            self._store.register([coder])
            self._ledger.append(coder, [event])
        return self._ledger.state.coding(event.coding_id)

    @staticmethod
    def _check_span(transcript, start, end, text, problems: list[str]) -> None:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            problems.append(f"start and end must be integers, got start={start!r}, end={end!r}")
        elif start >= end:
            problems.append(f"empty span: start={start} must be less than end={end}")
        elif text is not None and not (start >= 0 and end <= len(text)):
            problems.append(f"span {start}-{end} is out of range: transcript {transcript!r} has {len(text)} "
                            "characters")

    def _add_event(self, coder, transcript, start, end, code, text, sha, **fields):
        fields = {k: (float(v) if k == "confidence" else tuple(v) if k == "who" else v)
                  for k, v in fields.items() if v is not None}
        return self._ledger.add_event(coder=coder, codebook_version=self.codebook.version, transcript=transcript,
                                      start=start, end=end, code=code,
                                      anchor=make_anchor(text, start, end, sha256=sha).to_dict(), **fields)

    def remove_coding(self, coder: str, coding_id: str) -> None:
        """Remove one of ``coder``'s codings (a ``remove`` event; the journal keeps the history).

        Parameters
        ----------
        coder : str
            Whose coding it is (only its coder removes it).
        coding_id : str
            A live coding's id.

        Raises
        ------
        ProjectError
            No live coding has this id, or it is another coder's.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's coding of "We sat with her" as holding
        >>> cid = study.codings()["coding_id"][0]
        >>> study.remove_coding("ben", cid)
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: remove_coding: coding '...' belongs to coder 'ana', not 'ben'
        >>> study.remove_coding("ana", cid)
        >>> len(study.codings()), (study.path / "codings" / "ana.jsonl").read_text(encoding="utf-8").count("\\n")
        (0, 2)
        """
        check_coder(coder)
        with self._lock():
            row = self._ledger.refresh().rows.get(coding_id)
            if row is None:
                raise ProjectError(f"remove_coding: no live coding {coding_id!r} in project {self.path}")
            if row[1] != coder:
                raise ProjectError(f"remove_coding: coding {coding_id!r} belongs to coder {row[1]!r}, not {coder!r}")
            self._ledger.append(coder, [RemoveCoding(id=new_id(), at=now_iso(), coder=coder, coding_id=coding_id,
                                                     codebook_version=self.codebook.version)])

    def reject_suggestion(self, coder: str, transcript: str, start: int, end: int, code: str, *,
                          model: str | None = None, reason: str | None = None) -> None:
        """Record that ``coder`` dismissed a suggestion of ``code`` for a passage (a ``reject`` event).

        The coding widget does not offer this coder that code on that passage again (see :meth:`rejections`).

        Parameters
        ----------
        coder : str
            Who dismissed it.
        transcript : str
            The transcript id.
        start, end : int
            The suggested passage, in code points of the transcript's text; ``end`` exclusive.
        code : str
            The suggested code (a retired code is accepted: suggestions may predate a codebook change).
        model : str, optional
            The model that made the suggestion.
        reason : str, optional
            Why, in the coder's words.

        Raises
        ------
        ProjectError
            Listing every problem: unknown transcript or code, empty or out-of-range span, invalid coder name.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> study.reject_suggestion("ana", "P01", 9, 24, "holding", model="tfidf", reason="not holding")
        >>> study.rejections()[["coder", "start", "end", "code", "model", "reason"]].values.tolist()
        [['ana', 9, 24, 'holding', 'tfidf', 'not holding']]
        """
        check_coder(coder)
        problems: list[str] = []
        text = None
        try:
            text = self._transcripts.text(transcript) if self._transcripts.exists(transcript) else None
            if text is None:
                problems.append(self._unknown_transcript(transcript))
        except ProjectError as err:
            problems.append(str(err))
        self._check_code(code, problems, allow_retired=True)
        self._check_span(transcript, start, end, text, problems)
        if problems:
            raise ProjectError(f"reject_suggestion({transcript!r}, {start}, {end}, {code!r}): " + "; ".join(problems))
        with self._lock():
            self._ledger.append(coder, [RejectSuggestion(
                id=new_id(), at=now_iso(), coder=coder, codebook_version=self.codebook.version, transcript=transcript,
                start=start, end=end, code=code, model=model, reason=reason)])

    # -- import -----------------------------------------------------------------------------------
    def import_codings(self, csv_path_or_df, *, coder: str | None = None, new_coders: bool = False) -> ImportReport:
        """Import codings from a CSV file or DataFrame (see :mod:`hrp_coding.store.codings_import`).

        Every row is validated first; any problem raises one
        :class:`~hrp_coding.errors.CodingsImportError` naming each bad row, and nothing is written.
        Rows identical to a live coding (same coder, transcript, span and code) are skipped, so
        importing a file twice adds nothing. The whole import is one intent: a crash leaves all of
        it or none of it.

        Parameters
        ----------
        csv_path_or_df : str, os.PathLike or pandas.DataFrame
            Columns ``transcript, code``, ``coder`` (or ``coder=``) and ``start, end`` or ``quote``.
        coder, new_coders : str, bool, optional
            The coder of rows without one; whether to accept coders not on a closed roster.

        Returns
        -------
        ImportReport
            How many codings were added, per coder, and how many duplicates skipped.

        Examples
        --------
        >>> import pandas as pd
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)  # transcript P01: "I: Hi\\nP: We sat with her.\\n"
        >>> rows = pd.DataFrame({"transcript": ["P01", "P01"], "coder": ["ana", "ben"], "code": ["holding", "holding"],
        ...                      "quote": ["We sat with her", "We sat"]})
        >>> print(study.import_codings(rows))
        DataFrame: 2 codings imported for ana, ben (0 duplicates skipped)
        >>> study.codings()[["coder", "start", "end", "text"]].values.tolist()
        [['ben', 9, 15, 'We sat'], ['ana', 9, 24, 'We sat with her']]
        >>> study.import_codings(rows).skipped_duplicates  # a second import adds nothing
        2
        """
        from hrp_coding.store.changes import plan_import_events
        from hrp_coding.store.codings_import import plan_import

        with self._lock():
            texts = self._texts()
            codes = {cid: code.status for cid, code in self.codebook.codes.items()}
            meta = self._store.meta()
            roster = None if new_coders else (meta.get("coders") or (), bool(meta.get("roster_closed")))
            planned = plan_import(csv_path_or_df, texts=texts, codes=codes, coder=coder, roster=roster)
            shas = {tid: text_sha256(texts[tid]) for tid in {p["transcript"] for p in planned}}
            per_coder, skipped = plan_import_events(planned, self._ledger.refresh().rows.values(), lambda p: (
                self._add_event(p["coder"], p["transcript"], p["start"], p["end"], p["code"], texts[p["transcript"]],
                                shas[p["transcript"]], memo=p["memo"], source=p["source"], model=p["model"],
                                confidence=p["confidence"])))
            source = str(csv_path_or_df) if isinstance(csv_path_or_df, (str, os.PathLike)) else "DataFrame"
            with intents.Intent(self.path, "import", f"import_codings({source!r})") as intent:
                self._store.stage_register(intent, per_coder)
                for coder_name in sorted(per_coder):
                    intent.append(coder_name, per_coder[coder_name])
        self._ledger.refresh()
        ids = [e.coding_id for name in sorted(per_coder) for e in per_coder[name]]
        return ImportReport(source=source, added=len(ids), skipped_duplicates=skipped, coders=tuple(sorted(per_coder)),
                            coding_ids=tuple(ids))

    # -- consensus --------------------------------------------------------------------------------
    def adjudicate(self, transcript: str, start: int, end: int, codes: str | Iterable[str], *, who: str | Iterable[str],
                   why: str, segment: str | None = None) -> Adjudication:
        """Record a consensus decision for a passage in the ``consensus`` layer (later analyses may use it as gold).

        See :mod:`hrp_coding.store.consensus`: a ``decision`` event, one ``consensus`` coding per agreed
        code, and earlier consensus codings on exactly the same span superseded, in one append.

        Parameters
        ----------
        transcript, start, end : str, int, int
            The passage decided on: a transcript id and a span (end exclusive).
        codes, who, why, segment
            The agreed codes (none: the passage carries no code), who decided (one or several people) and why,
            and optionally the segment the decision is about.

        Returns
        -------
        Adjudication
            The decision's id and the consensus codings made and superseded.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's coding of "We sat with her" as holding
        >>> first = study.adjudicate("P01", 9, 24, "holding", who=["ana", "ben"], why="ben missed it")
        >>> first.codes, first.who, first.superseded
        (('holding',), ('ana', 'ben'), ())
        >>> study.codings(coders="consensus")[["coder", "code", "text"]].values.tolist()
        [['consensus', 'holding', 'We sat with her']]
        >>> again = study.adjudicate("P01", 9, 24, [], who="lead", why="not holding after all")
        >>> again.superseded == first.coding_ids, len(study.codings(coders="consensus"))
        (True, 0)
        """
        from hrp_coding.store.consensus import CONSENSUS, adjudication_problems, plan_adjudication, segment_problem

        code_list = [codes] if isinstance(codes, str) else list(codes)
        who_list = [who] if isinstance(who, str) else list(who)
        problems: list[str] = []
        text = sha = None
        try:
            t = self.transcript(transcript)
            text, sha = t.text, t.sha256
        except ProjectError as err:
            problems.append(str(err))
        for code in code_list:
            self._check_code(code, problems)
        problems += adjudication_problems(code_list, who_list, who, why)
        before = len(problems)
        self._check_span(transcript, start, end, text, problems)
        if len(problems) == before and segment is not None and text is not None:
            problems += [p for p in [segment_problem(transcript, segment, start, end, self.segments)] if p]
        if problems:
            raise ProjectError(f"adjudicate({transcript!r}, {start}, {end}): " + "; ".join(problems))
        version = self.codebook.version
        with self._lock():
            events, adds, superseded = plan_adjudication(
                transcript, start, end, code_list, who_list, why, segment, version=version,
                existing=self._ledger.refresh().rows, make_add=lambda code, did: self._add_event(
                    CONSENSUS, transcript, start, end, code, text, sha, source="adjudication", who=who_list, why=why,
                    segment=segment, decision_id=did))
            decision_id = events[0].decision_id
            self._store.register([CONSENSUS])
            self._ledger.append(CONSENSUS, events + adds)
        return Adjudication(decision_id=decision_id, transcript=transcript, start=start, end=end,
                            codes=tuple(code_list), who=tuple(who_list), why=why, segment=segment,
                            codebook_version=version, coding_ids=tuple(e.coding_id for e in adds),
                            superseded=tuple(superseded))
