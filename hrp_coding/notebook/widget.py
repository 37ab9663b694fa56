"""``CodingWidget``: code a transcript in Jupyter with the mouse and the keyboard.

Select a passage, then click a code in the palette (its definition shows on hover) or press its
shortcut key; remove a coding or give it a memo in the "My codings" list; accept or reject model
suggestions. Every action is written to the coder's journal at once (``Project.add_coding`` and
friends append, flush and fsync), so closing the notebook never loses work.

Blind coding: when the project's settings say ``blind_coding: true``, or this coder is listed in
``suggestions_hidden_from``, the widget hides other coders' spans and every suggestion.

The browser side is ``widget.js`` (an anywidget ES module). It sends one message per action; the
methods :meth:`CodingWidget.apply`, :meth:`remove`, :meth:`set_memo`, :meth:`accept` and
:meth:`reject` do the work and can be called from Python too.

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

from hrp_coding.errors import HrpCodingError

__all__ = ["CodingWidget", "shortcut_keys"]

_SHORTCUTS = list("1234567890") + list(string.ascii_lowercase)


def shortcut_keys(n: int) -> list[str]:
    """Keyboard shortcuts for the first ``n`` codes: digits first, then letters.

    Examples
    --------
    >>> shortcut_keys(12)[-3:]
    ['0', 'a', 'b']
    """
    return [_SHORTCUTS[i] if i < len(_SHORTCUTS) else "" for i in range(n)]


class CodingWidget(anywidget.AnyWidget):
    """Interactive coding of one transcript by one coder.

    Parameters
    ----------
    project : Project
    coder : str
        Whose journal the actions go to.
    transcript : str
        The transcript id.
    suggestions : DataFrame, optional
        Rows with ``code``, ``start``, ``end``, ``confidence`` and optionally ``evidence`` and ``model``
        (as :func:`hrp_coding.suggest.suggest` returns), shown in the suggestions panel. Accepting one
        needs its ``model`` (recorded in the journal); without it the accept is refused and nothing is written.
    blind : bool, optional
        Override the project's blind-coding setting.
    """

    _esm = resources.files("hrp_coding.notebook").joinpath("widget.js").read_text(encoding="utf-8")
    _css = resources.files("hrp_coding.notebook").joinpath("widget.css").read_text(encoding="utf-8")

    transcript = traitlets.Unicode("").tag(sync=True)
    coder = traitlets.Unicode("").tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    codes = traitlets.List([]).tag(sync=True)
    spans = traitlets.List([]).tag(sync=True)
    suggestions = traitlets.List([]).tag(sync=True)
    blind = traitlets.Bool(False).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, project, coder: str, transcript: str, *, suggestions: pd.DataFrame | None = None,
                 blind: bool | None = None, **kwargs):
        settings = project.settings
        hidden = coder in set(settings.suggestions_hidden_from)
        if blind is None:
            blind = bool(settings.blind_coding) or hidden
        text = project.transcript(transcript).text  # raises a ProjectError naming an unknown transcript
        if hasattr(project, "check_coder"):
            project.check_coder(coder)  # a coder outside a closed roster is refused, with a did-you-mean
        super().__init__(transcript=transcript, coder=coder, text=text, blind=blind, **kwargs)
        self._project = project
        self._suggestion_rows: dict[str, dict] = {}
        self.codes = self._palette()
        if suggestions is not None and not (blind or hidden):
            self._set_suggestions(suggestions)
        self.refresh()
        self.on_msg(self._on_message)

    # ------------------------------------------------------------------ state pushed to the browser

    def _palette(self) -> list[dict]:
        codes = self._project.codebook.codes.values()
        active = [code for code in codes if getattr(code, "status", "active") != "retired"]
        keys = shortcut_keys(len(active))
        return [{"id": code.id, "name": code.name, "color": code.color or "#999999",
                 "definition": code.short_definition or code.definition, "shortcut": key}
                for code, key in zip(active, keys)]

    def refresh(self) -> None:
        """Reload this transcript's codings from the project (after changes made elsewhere)."""
        codings = self._project.codings()
        codings = codings[codings["transcript"] == self.transcript]
        if self.blind:
            codings = codings[codings["coder"] == self.coder]
        self.spans = [{"id": str(row.coding_id), "coder": row.coder, "code": row.code, "start": int(row.start),
                       "end": int(row.end), "memo": "" if pd.isna(row.memo) or row.memo is None else str(row.memo),
                       "mine": row.coder == self.coder}
                      for row in codings.sort_values(["start", "end"], kind="stable").itertuples()]

    def _set_suggestions(self, frame: pd.DataFrame) -> None:
        missing = [c for c in ("code", "start", "end", "confidence") if c not in frame.columns]
        if missing:
            raise ValueError(f"suggestions lack column(s) {missing}; they have {list(frame.columns)}")
        self._suggestion_rows = {f"s{i}": row for i, row in enumerate(frame.to_dict("records"))}
        self._push_suggestions()

    def _push_suggestions(self) -> None:
        self.suggestions = [{"key": key, "code": r["code"], "start": int(r["start"]), "end": int(r["end"]),
                             "confidence": float(r["confidence"]), "evidence": _evidence_text(r.get("evidence"))}
                            for key, r in self._suggestion_rows.items()]

    # ------------------------------------------------------------------ actions

    def apply(self, start: int, end: int, code: str, memo: str | None = None):
        """Code ``text[start:end]`` with ``code`` in this coder's journal; returns the Coding."""
        coding = self._project.add_coding(coder=self.coder, transcript=self.transcript, start=start, end=end,
                                          code=code, memo=memo)
        self.refresh()
        self.status = f"coded {code} at {start}-{end}"
        return coding

    def remove(self, coding_id: str) -> None:
        """Remove one of this coder's codings (a remove event is appended; nothing is erased)."""
        self._project.remove_coding(self.coder, coding_id)
        self.refresh()
        self.status = f"removed coding {coding_id}"

    def set_memo(self, coding_id: str, text: str) -> None:
        """Attach a memo to one of this coder's codings."""
        self._project.add_memo("coding", coding_id, text, coder=self.coder)
        self.refresh()
        self.status = f"memo saved on coding {coding_id}"

    def accept(self, key: str):
        """Accept a suggestion: it becomes this coder's coding, recording model and confidence."""
        row = self._suggestion_rows[key]
        from hrp_coding.suggest import accept_suggestion

        coding = accept_suggestion(self._project, self.coder, {**row, "transcript": self.transcript})
        del self._suggestion_rows[key]  # only once recorded: a failed accept keeps the suggestion
        self._push_suggestions()
        self.refresh()
        self.status = f"accepted suggestion {row['code']}"
        return coding

    def reject(self, key: str) -> None:
        """Dismiss a suggestion (nothing is written)."""
        row = self._suggestion_rows.pop(key)
        self._push_suggestions()
        self.status = f"rejected suggestion {row['code']}"

    def _on_message(self, widget, content, buffers) -> None:
        action = content.get("action")
        try:
            if action == "add":
                self.apply(int(content["start"]), int(content["end"]), str(content["code"]))
            elif action == "remove":
                self.remove(str(content["coding_id"]))
            elif action == "memo":
                self.set_memo(str(content["coding_id"]), str(content["text"]))
            elif action == "accept":
                self.accept(str(content["key"]))
            elif action == "reject":
                self.reject(str(content["key"]))
            else:
                self.status = f"unknown action {action!r}"
        except (HrpCodingError, ValueError, KeyError) as err:
            # shown to the coder in the widget; the journal is untouched by a failed action
            self.status = f"not saved: {err}"


def _evidence_text(evidence) -> str:
    if evidence is None or (isinstance(evidence, float) and pd.isna(evidence)):
        return ""
    if isinstance(evidence, (list, tuple)):
        return ", ".join(map(str, evidence))
    return str(evidence)
