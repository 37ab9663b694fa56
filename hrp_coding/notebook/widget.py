"""``CodingWidget``: code transcripts in Jupyter with the mouse and the keyboard.

Select a passage, then click a code in the palette or press its shortcut key; ``j`` / ``k`` select the next /
previous turn (then a shortcut codes the whole turn); ``/`` searches; Ctrl+Z / Ctrl+Shift+Z undo and redo. The
margin shows one stripe per coding with its code name (yours filled, other coders' outlined); the list beside the
text filters by code and coder and jumps to a coding on click; the panel above it shows the focused code's
definition, when to use it, when not, and examples. Every action is written to the coder's journal at once.

What the coder sees is what is recorded:

* every message from the browser carries the sha256 of the text the view shows, its transcript id and the quote
  selected; the kernel refuses a message that does not match the transcript on disk, re-draws the view and says
  so in the status line (nothing is written then);
* the browser counts UTF-16 units, the project code points: offsets are converted at this border
  (:class:`~hrp_coding.notebook.coding_view.Utf16Offsets`) and the quote is compared with ``text[start:end]``;
* only the selection visible inside the text box is coded; a view whose kernel died shows "disconnected"
  and takes no input.

Blind coding: when the project's settings say ``blind_coding: true``, or this coder is listed in
``suggestions_hidden_from``, or ``blind=True`` is set (also later), the widget hides other coders' spans and
every suggestion.

After the first snapshot the kernel sends deltas (the codings added or removed), never the whole list.

In a notebook::

    import hrp_coding as hc
    from hrp_coding.notebook import CodingWidget

    study = hc.datasets.sample_study("my-study")
    CodingWidget(study, coder="dana", transcript="R01")
"""

from __future__ import annotations

import string
from importlib import resources

import anywidget
import pandas as pd
import traitlets

import hrp_coding.transcripts  # noqa: F401 (what project.transcript() builds: imported with the widget, not at its first open)
from hrp_coding.codebook.render import text_color
from hrp_coding.errors import HrpCodingError, ProjectError
from hrp_coding.notebook.browser_messages import BrowserMessages, _short
from hrp_coding.notebook.coding_view import (
    SPAN_FIELDS,
    UndoStack,
    Utf16Offsets,
    WidgetAction,
    columns,
    index_spans,
    span_record,
    turn_progress,
)
from hrp_coding.notebook.kernel_hooks import after_this_cell, pause_gc_in_kernel
from hrp_coding.notebook.recode_panel import RecodeQueue
from hrp_coding.notebook.suggestion_marks import SuggestionMarks

__all__ = ["NAVIGATION_KEYS", "CodingWidget", "shortcut_keys"]

#: keys the widget keeps for navigation: next / previous turn, next search match
NAVIGATION_KEYS = ("j", "k", "n")
_SHORTCUTS = list("1234567890") + [c for c in string.ascii_lowercase if c not in NAVIGATION_KEYS]


def shortcut_keys(n: int) -> list[str]:
    """Keyboard shortcuts for the first ``n`` codes: digits first, then letters (not the navigation keys).

    Parameters
    ----------
    n : int
        The number of codes.

    Returns
    -------
    list of str
        One key per code; ``""`` for codes beyond the keys there are.

    Examples
    --------
    >>> shortcut_keys(12)[-3:]
    ['0', 'a', 'b']
    >>> "j" in shortcut_keys(30)
    False
    """
    return [_SHORTCUTS[i] if i < len(_SHORTCUTS) else "" for i in range(n)]


class CodingWidget(BrowserMessages, RecodeQueue, SuggestionMarks, anywidget.AnyWidget):
    """Interactive coding of a project's transcripts by one coder.

    Parameters
    ----------
    project : Project
    coder : str
        Whose journal the actions go to.
    transcript : str
        The transcript shown first; set ``widget.transcript`` (or use the switcher) to change it.
    suggestions : DataFrame, optional
        Rows with ``code``, ``start``, ``end``, ``confidence`` and optionally ``evidence``, ``model`` and
        ``transcript`` (as :func:`hrp_coding.suggest.suggest` returns), marked in the text and listed. Accepting
        one needs its ``model`` (recorded in the journal); without it the accept is refused and nothing is written.
    blind : bool, optional
        Override the project's blind-coding setting.

    Examples
    --------
    >>> import tempfile, hrp_coding as hc
    >>> study = hc.datasets.sample_study(tempfile.mkdtemp() + "/s")
    >>> w = CodingWidget(study, coder="eli", transcript="R01")
    >>> start = w.text.index("court")
    >>> w.apply(start, start + 5, "signaling_the_limits").quote
    'court'
    >>> w.undo(); len(w.spans_of("eli"))
    0
    """

    _esm = "\n".join(resources.files("hrp_coding.notebook").joinpath(name).read_text(encoding="utf-8")
                      for name in ("widget_dom.js", "widget_recode.js", "widget.js"))
    _css = resources.files("hrp_coding.notebook").joinpath("widget.css").read_text(encoding="utf-8")

    transcript = traitlets.Unicode("").tag(sync=True)
    transcripts = traitlets.List([]).tag(sync=True)  # [{id, coded, total}] for the switcher
    coder = traitlets.Unicode("").tag(sync=True)
    codes = traitlets.List([]).tag(sync=True)
    blind = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)
    status_kind = traitlets.Unicode("info").tag(sync=True)  # info | error
    can_undo = traitlets.Bool(False).tag(sync=True)
    can_redo = traitlets.Bool(False).tag(sync=True)
    text_sha = traitlets.Unicode("").tag(sync=True)

    def __init__(self, project, coder: str, transcript: str, *, suggestions: pd.DataFrame | None = None,
                 blind: bool | None = None, **kwargs):
        settings = project.settings
        self._hidden = coder in set(settings.suggestions_hidden_from)
        if blind is None:
            blind = bool(settings.blind_coding) or self._hidden
        self._resume_gc = pause_gc_in_kernel()  # until the first view drew (see kernel_hooks.pause_gc_in_kernel)
        project.transcript(transcript)  # raises a ProjectError naming an unknown transcript
        if hasattr(project, "check_coder"):
            project.check_coder(coder)  # a coder outside a closed roster is refused, with a did-you-mean
        self._project = project
        self._ready = False
        self._rev = 0
        self._records: dict[str, dict] = {}
        self._keys: dict[tuple, str] = {}
        self._suggestion_rows: dict[str, dict] = {}
        self._undo = UndoStack()
        self._mine: dict[str, dict[str, tuple[int, int]]] = {}  # transcript -> my coding id -> (start, end)
        super().__init__(transcript=transcript, coder=coder, blind=blind, **kwargs)
        self.codes = self._palette()
        if suggestions is not None:
            self._set_suggestions(suggestions)
        self._ready = True
        self._load(send=False)  # no view exists yet: each view asks for its snapshot ("hello")
        # the other transcripts' progress once this cell has run (or on the first hello): not before the first view
        self._progress_due = [tid for tid in project.transcript_ids if tid != self.transcript]
        self.transcripts = [{"id": tid, "coded": None, "total": None} for tid in project.transcript_ids]
        self._update_progress()
        if not after_this_cell(self._fill_progress):
            self._fill_progress()
        self.on_msg(self._on_message)

    # ------------------------------------------------------------------ what the view shows

    @property
    def text(self) -> str:
        """The text the view shows (the transcript's canonical text when it was last drawn)."""
        return self._text

    @property
    def spans(self) -> list[dict]:
        """The codings the view shows, in text order: id, coder, code, start, end (code points), memo, mine..."""
        return sorted(self._records.values(), key=lambda r: (r["start"], r["end"], r["id"]))

    def spans_of(self, coder: str) -> list[dict]:
        """The shown codings of one coder.

        Parameters
        ----------
        coder : str
            A coder shown in the widget.

        Returns
        -------
        list of dict
            Their span records (UTF-16 offsets ``s``/``e``, as the browser uses them).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> w = CodingWidget(tiny_study(), coder="ben", transcript="P01")  # ana coded "We sat with her"
        >>> [(r["code"], r["s"], r["e"], r["mine"]) for r in w.spans_of("ana")], w.spans_of("ben")
        ([('holding', 9, 24, False)], [])
        """
        return [r for r in self.spans if r["coder"] == coder]

    def _palette(self) -> list[dict]:
        codes = self._project.codebook.codes.values()
        active = [code for code in codes if getattr(code, "status", "active") != "retired"]
        keys = shortcut_keys(len(active))
        return [{"id": code.id, "name": code.name, "color": code.color or "#999999",
                 "label": text_color(code.color or "#999999"), "shortcut": key,
                 "definition": code.short_definition or code.definition, "full": code.definition,
                 "when_to_use": code.when_to_use, "when_not_to_use": code.when_not_to_use,
                 "examples": list(code.examples[:3]), "in_vivo": code.in_vivo_quote or ""}
                for code, key in zip(active, keys)]

    def _record(self, coding) -> dict:
        record = span_record(coding, me=self.coder, units=self._units)
        record.update(start=int(coding.start), end=int(coding.end))
        return record

    def _load(self, send: bool = True) -> None:
        """Read the transcript and its codings from the project and send the view a full snapshot."""
        transcript = self._project.transcript(self.transcript)
        self._text, self._sha = transcript.text, transcript.sha256
        self._units = Utf16Offsets(self._text)
        self._turns = [(t.start, t.end, t.speaker, t.role) for t in transcript.turns]
        codings = self._project.codings()
        self._mine = {}
        for row in codings[codings["coder"] == self.coder].itertuples():
            self._mine.setdefault(row.transcript, {})[row.coding_id] = (int(row.start), int(row.end))
        codings = codings[codings["transcript"] == self.transcript]
        self._load_queue(codings)
        if self.blind:
            codings = codings[codings["coder"] == self.coder]
        self._records = {}
        for row in codings.itertuples():
            coding = _RowCoding(row)
            self._records[coding.id] = self._record(coding)
        self._keys = index_spans(self._records.values())
        self.text_sha = self._sha
        self._rev += 1
        if send:
            self._send_snapshot()

    def refresh(self) -> None:
        """Reload this transcript and its codings from the project (after changes made elsewhere).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> w = CodingWidget(study, coder="ben", transcript="P01")
        >>> _ = study.add_coding(coder="ana", transcript="P01", start=9, end=24, code="holding")  # not via w
        >>> len(w.spans), w.refresh(), len(w.spans)
        (0, None, 1)
        """
        self._load()

    def _send_snapshot(self) -> None:
        units = self._units
        turns = [{"s": units.to_utf16(s), "e": units.to_utf16(e), "speaker": speaker, "role": role}
                 for s, e, speaker, role in self._turns]
        self.send({"kind": "snapshot", "rev": self._rev, "transcript": self.transcript, "sha": self._sha,
                   "text": self._text, "turns": turns, "spans": columns(self.spans, SPAN_FIELDS),
                   "suggestions": self._suggestions(), "queue": self._queue()})

    def _send_delta(self, put: list[dict] = (), drop: list[str] = ()) -> None:
        self._rev += 1
        self.send({"kind": "delta", "rev": self._rev, "sha": self._sha, "put": list(put), "drop": list(drop),
                   "suggestions": self._suggestions(), "queue": self._queue()})

    def _progress(self, tid: str) -> dict:
        turns = [(t.start, t.end) for t in self._project.transcript(tid).turns]
        coded, total = turn_progress(turns, self._mine.get(tid, {}).values())
        return {"id": tid, "coded": coded, "total": total}

    def _fill_progress(self) -> None:
        """The switcher's progress of the transcripts not shown (each read once; then cached for the next open)."""
        due, self._progress_due = self._progress_due, None
        if due is None:
            return
        done = {tid: self._progress(tid) for tid in due}
        self.transcripts = [done.get(t["id"], t) for t in self.transcripts]
        if hasattr(self._project, "save_caches"):
            self._project.save_caches()

    def _update_progress(self) -> None:
        mine = self._progress(self.transcript)
        self.transcripts = [mine if t["id"] == self.transcript else t for t in self.transcripts]

    @traitlets.observe("transcript", "blind")
    def _redraw(self, change) -> None:
        if not self._ready:
            return
        if change["name"] == "transcript":
            try:
                self._project.transcript(change["new"])
            except ProjectError as err:
                self.transcript = change["old"]
                self._say(f"not switched: {err}", error=True)
                return
        self._load()
        self._update_progress()
        if change["name"] == "transcript":
            self._say(f"showing {self.transcript}")

    # ------------------------------------------------------------------ actions (also callable from Python)

    def _say(self, message: str, *, error: bool = False) -> None:
        self.status_kind = "error" if error else "info"
        self.status = message

    def _sync_undo(self) -> None:
        self.can_undo, self.can_redo = self._undo.can_undo, self._undo.can_redo

    def _added(self, coding) -> dict:
        record = self._record(coding) if coding.transcript == self.transcript else None
        if coding.coder == self.coder:
            self._mine.setdefault(coding.transcript, {})[coding.id] = (coding.start, coding.end)
        if record is not None:
            self._records[record["id"]] = record
            self._keys[(record["coder"], record["s"], record["e"], record["code"])] = record["id"]
            self._send_delta(put=[record])
            self._update_progress()
        return record

    def _dropped(self, coding_id: str) -> None:
        self._flagged.pop(coding_id, None)
        for mine in self._mine.values():
            mine.pop(coding_id, None)
        record = self._records.pop(coding_id, None)
        if record is not None:
            self._keys.pop((record["coder"], record["s"], record["e"], record["code"]), None)
            self._send_delta(drop=[coding_id])
            self._update_progress()

    def _check_duplicate(self, start: int, end: int, code: str) -> None:
        key = (self.coder, self._units.to_utf16(start), self._units.to_utf16(end), code)
        if key in self._keys:
            raise ProjectError(f"coder {self.coder!r} already coded {self.transcript} {start}-{end} with {code!r} "
                               f"(coding {self._keys[key]}); the duplicate is refused")

    def apply(self, start: int, end: int, code: str, memo: str | None = None, **fields):
        """Code ``text[start:end]`` (code points) with ``code`` in this coder's journal; returns the Coding.

        Raises ProjectError for a duplicate (same coder, span and code) and whatever ``Project.add_coding`` refuses.

        Parameters
        ----------
        start, end, code : int, int, str
            The span, in code points of the transcript's text, and an active code.
        memo, **fields
            A memo, and more fields of :meth:`Project.add_coding` (``source``, ``confidence``, ``model``).

        Returns
        -------
        Coding
            The new coding, shown at once and undoable.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> w = CodingWidget(study, coder="ben", transcript="P01")
        >>> w.apply(9, 11, "holding").quote, w.status
        ('We', 'coded holding at 9-11: "We"')
        >>> study.codings(coders="ben")[["code", "start", "end", "text"]].values.tolist()  # in the journal at once
        [['holding', 9, 11, 'We']]
        """
        self._check_duplicate(start, end, code)
        coding = self._project.add_coding(coder=self.coder, transcript=self.transcript, start=start, end=end,
                                          code=code, memo=memo, **fields)
        self._added(coding)
        self._undo.push(WidgetAction("add", coding.id, _fields(coding)))
        self._sync_undo()
        self._say(f"coded {code} at {start}-{end}: \"{_short(coding.quote)}\"")
        return coding

    def remove(self, coding_id: str) -> None:
        """Remove one of this coder's codings (a remove event is appended; nothing is erased; undo restores it).

        Parameters
        ----------
        coding_id : str
            One of this coder's codings.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> w = CodingWidget(study, coder="ben", transcript="P01")
        >>> w.remove(w.apply(9, 11, "holding").id)
        >>> study.codings().empty, w.spans, w.can_undo
        (True, [], True)
        """
        coding = self._project.get_coding(coding_id)
        self._project.remove_coding(self.coder, coding_id)
        self._dropped(coding_id)
        self._undo.push(WidgetAction("remove", coding_id, _fields(coding)))
        self._sync_undo()
        self._say(f"removed {coding.code} \"{_short(coding.quote)}\" (Ctrl+Z undoes)")

    def set_memo(self, coding_id: str, text: str) -> None:
        """Make ``text`` the memo of one coding (an empty text clears it); undo restores the previous memo.

        Parameters
        ----------
        coding_id : str
            A coding shown in the widget.
        text : str
            The whole new memo.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> w = CodingWidget(study, coder="ana", transcript="P01")
        >>> coding_id = w.spans[0]["id"]
        >>> w.set_memo(coding_id, "she stays")
        >>> study.get_coding(coding_id).memo, w.spans[0]["memo"]
        ('she stays', 'she stays')
        """
        before = self._project.get_coding(coding_id).memo or ""
        if text == before:
            self._say("memo unchanged")
            return
        self._write_memo(coding_id, text)
        self._undo.push(WidgetAction("memo", coding_id, {}, before=before, after=text))
        self._sync_undo()
        self._say(f"memo saved on coding {coding_id}" if text.strip() else f"memo cleared on coding {coding_id}")

    def _write_memo(self, coding_id: str, text: str) -> None:
        self._project.add_memo("coding", coding_id, text, coder=self.coder, replace=True)
        coding = self._project.get_coding(coding_id)
        if coding_id in self._records:
            self._records[coding_id] = self._record(coding)
            self._send_delta(put=[self._records[coding_id]])

    def undo(self) -> None:
        """Undo this coder's last action in this widget (as new journal events: nothing is erased).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> w = CodingWidget(study, coder="ben", transcript="P01")
        >>> _ = w.apply(9, 11, "holding")
        >>> w.undo()
        >>> study.codings().empty, w.status, w.can_redo
        (True, 'undo: add holding', True)
        """
        self._step(self._undo.undo(), undo=True)

    def redo(self) -> None:
        """Redo the last undone action.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's one coding
        >>> w = CodingWidget(study, coder="ana", transcript="P01")
        >>> w.remove(w.spans[0]["id"]); w.undo()  # back, under a new id
        >>> len(study.codings()), w.redo(), study.codings().empty, w.status
        (1, None, True, 'redo: remove holding')
        """
        self._step(self._undo.redo(), undo=False)

    def _step(self, action: WidgetAction | None, *, undo: bool) -> None:
        word = "undo" if undo else "redo"
        if action is None:
            self._say(f"nothing to {word}")
            return
        try:
            if action.kind == "memo":
                self._write_memo(action.coding_id, action.before if undo else action.after)
            elif action.kind == "recode":
                self._recode_step(action, undo=undo)
            elif (action.kind == "add") == undo:  # undo an add, or redo a remove
                self._project.remove_coding(self.coder, action.coding_id)
                self._dropped(action.coding_id)
            else:  # undo a remove, or redo an add: the same coding again, under a new id
                coding = self._project.add_coding(coder=self.coder, **action.coding)
                self._undo.renamed(action.coding_id, coding.id)
                self._added(coding)
        except HrpCodingError as err:
            self._undo.forget(action, undone=undo)
            self._sync_undo()
            self._say(f"could not {word}: {err}", error=True)
            return
        self._sync_undo()
        self._say(f"{word}: {action.kind} {action.coding.get('code', 'memo')}")

    def accept(self, key: str):
        """Accept a suggestion: it becomes this coder's coding, recording model and confidence.

        Parameters
        ----------
        key : str
            The suggestion's key in :attr:`suggestions` (``"s0"``...).

        Returns
        -------
        Coding
            The coder's new coding (``source`` names the model).

        Examples
        --------
        >>> import pandas as pd
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study(coded=False)
        >>> rows = pd.DataFrame({"code": ["holding"], "start": [9], "end": [24], "confidence": [0.8], "model": ["m1"]})
        >>> w = CodingWidget(study, coder="ben", transcript="P01", suggestions=rows)
        >>> coding = w.accept("s0")
        >>> coding.quote, coding.source, coding.model, coding.confidence, w.suggestions
        ('We sat with her', 'model:m1', 'm1', 0.8, [])
        """
        row = self._suggestion_rows[key]
        from hrp_coding.suggest import accept_suggestion

        self._check_duplicate(int(row["start"]), int(row["end"]), str(row["code"]))
        coding = accept_suggestion(self._project, self.coder, {**row, "transcript": self.transcript})
        del self._suggestion_rows[key]  # only once recorded: a failed accept keeps the suggestion
        self._added(coding) or self._send_delta()
        self._undo.push(WidgetAction("add", coding.id, _fields(coding)))
        self._sync_undo()
        self._say(f"accepted suggestion {row['code']}")
        return coding


class _RowCoding:
    """A codings() row seen as a Coding (the attributes :func:`span_record` reads)."""

    def __init__(self, row):
        self.id, self.coder, self.code = str(row.coding_id), row.coder, row.code
        self.start, self.end = int(row.start), int(row.end)
        self.memo = row.memo if isinstance(row.memo, str) else None
        self.source = row.source if isinstance(row.source, str) else "manual"


def _fields(coding) -> dict:
    """What re-adding ``coding`` needs (undo of a remove, redo of an add)."""
    fields = {"transcript": coding.transcript, "start": coding.start, "end": coding.end, "code": coding.code,
              "memo": coding.memo, "source": coding.source}
    if coding.model:
        fields.update(model=coding.model, confidence=coding.confidence)
    return fields
