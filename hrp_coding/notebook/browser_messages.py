"""The browser border of :class:`~hrp_coding.notebook.widget.CodingWidget` (a mixin): each message from the view
is checked against the text on disk (its transcript id, the sha256 of its text, the quote it saw selected) and
turned into one of the widget's actions; a failed action is said in the status line and writes nothing.
"""

from __future__ import annotations

from hrp_coding.errors import HrpCodingError, ProjectError

__all__ = ["BrowserMessages"]

_NEEDS_TEXT = {"add", "remove", "memo", "accept", "reject", "in_vivo", "recode"}


class BrowserMessages:
    """What the widget does with a browser message (mixed into ``CodingWidget``)."""

    def _stale(self, content: dict) -> str | None:
        """Why a browser message does not match the text on disk, or None when it does."""
        shown, sha = content.get("transcript"), content.get("sha")
        on_disk = self._project.transcript(self.transcript).sha256
        if on_disk != self._sha:
            return (f"transcript {self.transcript} changed on disk since this view was drawn (sha256 "
                    f"{self._sha[:12]}... now {on_disk[:12]}...)")
        if shown != self.transcript or sha != self._sha:
            return (f"the view showed {shown!r} with text sha256 {str(sha)[:12]}..., the kernel has "
                    f"{self.transcript!r} with {self._sha[:12]}...")
        return None

    def _span_from(self, content: dict) -> tuple[int, int]:
        """Code point offsets of the browser's UTF-16 selection, checked against the quote it saw."""
        start, end = self._units.to_code_point(content.get("s")), self._units.to_code_point(content.get("e"))
        quote = content.get("quote")
        if start >= end:
            raise ProjectError(f"empty selection {start}-{end}")
        if quote != self._text[start:end]:
            raise ProjectError(f"the selection {start}-{end} reads {_short(self._text[start:end])!r} here but "
                               f"{_short(str(quote))!r} in the browser")
        return start, end

    def _on_message(self, widget, content, buffers) -> None:
        action = content.get("action")
        if action == "hello":
            self._send_snapshot()
            self._resume_gc()
            self._fill_progress()
            return
        try:
            if action in _NEEDS_TEXT:
                problem = self._stale(content)
                if problem is not None:
                    self._load()
                    self._update_progress()
                    self._say(f"not saved: {problem}; the view is re-synced, select the passage again", error=True)
                    return
            if action == "add":
                start, end = self._span_from(content)
                self.apply(start, end, str(content.get("code")))
            elif action == "remove":
                self.remove(str(content["coding_id"]))
            elif action == "memo":
                self.set_memo(str(content["coding_id"]), str(content.get("text", "")))
            elif action == "undo":
                self.undo()
            elif action == "redo":
                self.redo()
            elif action == "switch":
                self.transcript = str(content.get("to"))
            elif action == "accept":
                self.accept(str(content["key"]))
            elif action == "reject":
                self.reject(str(content["key"]))
            elif action == "recode":
                self.recode(str(content["coding_id"]), str(content.get("code")))
            elif action == "in_vivo":
                from hrp_coding.notebook.in_vivo import add_in_vivo_code

                start, end = self._span_from(content)
                code = add_in_vivo_code(self._project, self._text[start:end], name=content.get("name"),
                                        who=self.coder, where=f"{self.transcript} {start}-{end}")
                self.codes = self._palette()
                self.apply(start, end, code.id)
            else:
                self._say(f"unknown action {action!r}", error=True)
        except (HrpCodingError, ValueError, KeyError) as err:
            # shown to the coder in the widget; the journal is untouched by a failed action
            self._say(f"not saved: {err}", error=True)


def _short(text: str, n: int = 50) -> str:
    return text if len(text) <= n else text[:n - 3] + "..."
