"""``AdjudicationWidget``: two coders side by side on one transcript, their disagreements marked, and a
consensus decision recorded with who and why in the store's consensus layer (:meth:`Project.adjudicate`).

Each turn shows, in one column per coder, the codes that coder applied to it (a coding overlapping the turn
counts); a turn where the two sets differ is a disagreement. Choosing the agreed codes (possibly none) and
writing why records a ``decision`` in the ``consensus`` journal; the turn then shows the consensus.

In a notebook::

    from hrp_coding.notebook import AdjudicationWidget
    AdjudicationWidget(study, transcript="P01", coders=("ana", "ben"), who="lead")
"""

from __future__ import annotations

from importlib import resources

import anywidget
import traitlets

from hrp_coding.codebook.render import text_color
from hrp_coding.errors import HrpCodingError, ProjectError
from hrp_coding.notebook.coding_view import Utf16Offsets

__all__ = ["AdjudicationWidget", "disagreements"]


def disagreements(project, transcript: str, coders: tuple[str, str]) -> list[dict]:
    """Per turn of ``transcript``: each coder's codes, whether they differ, and any consensus already recorded.

    Parameters
    ----------
    project : Project
        The study.
    transcript : str
        The transcript shown.
    coders : (str, str)
        The two coders compared.

    Returns
    -------
    list of dict
        One per turn, in text order: ``segment``, ``speaker``, ``role``, ``start``/``end`` (code points) and
        ``s``/``e`` (the same in UTF-16 units, for the browser), ``a`` and ``b`` (each coder's codes, sorted),
        ``differ`` and ``consensus`` (the decision's codes, who and why, or None).

    Examples
    --------
    >>> import tempfile, hrp_coding as hc
    >>> study = hc.datasets.sample_study(tempfile.mkdtemp() + "/s")
    >>> turns = disagreements(study, "P01", ("ana", "ben"))
    >>> sorted(turns[0]), sum(t["differ"] for t in turns) > 0
    (['a', 'b', 'consensus', 'differ', 'e', 'end', 'role', 's', 'segment', 'speaker', 'start'], True)
    """
    a, b = coders
    segs = project.segments("turn")
    segs = segs[segs["transcript"] == transcript]
    coded = project.coded_segments(unit="turn", coder=list(coders))
    coded = coded[coded["transcript"] == transcript]
    by = {(r.segment, r.coder): set() for r in coded.itertuples()}
    for r in coded.itertuples():
        by[(r.segment, r.coder)].add(r.code)
    decided = {}
    frame = project.adjudications()
    for r in frame[frame["transcript"] == transcript].itertuples():
        decided[r.segment] = {"codes": [c for c in str(r.codes).split(";") if c], "who": r.who, "why": r.why}
    units = Utf16Offsets(project.transcript(transcript).text)
    out = []
    for r in segs.itertuples():
        ca, cb = sorted(by.get((r.segment, a), ())), sorted(by.get((r.segment, b), ()))
        out.append({"segment": r.segment, "speaker": r.speaker, "role": r.role, "start": int(r.start),
                    "end": int(r.end), "s": units.to_utf16(int(r.start)), "e": units.to_utf16(int(r.end)),
                    "a": ca, "b": cb, "differ": ca != cb, "consensus": decided.get(r.segment)})
    return out


class AdjudicationWidget(anywidget.AnyWidget):
    """Two coders' codings of one transcript side by side, and consensus decisions.

    Parameters
    ----------
    project : Project
    transcript : str
    coders : (str, str)
        The two coders compared.
    who : str or list of str
        Who decides (recorded with every decision).
    """

    _esm = resources.files("hrp_coding.notebook").joinpath("adjudication.js").read_text(encoding="utf-8")
    _css = resources.files("hrp_coding.notebook").joinpath("widget.css").read_text(encoding="utf-8")

    transcript = traitlets.Unicode("").tag(sync=True)
    coders = traitlets.List([]).tag(sync=True)
    who = traitlets.List([]).tag(sync=True)
    text = traitlets.Unicode("").tag(sync=True)
    text_sha = traitlets.Unicode("").tag(sync=True)
    turns = traitlets.List([]).tag(sync=True)
    codes = traitlets.List([]).tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, project, transcript: str, coders=("ana", "ben"), *, who, **kwargs):
        if len(tuple(coders)) != 2:
            raise ProjectError(f"AdjudicationWidget compares two coders, got {list(coders)!r}")
        t = project.transcript(transcript)
        who_list = [who] if isinstance(who, str) else list(who)
        super().__init__(transcript=transcript, coders=list(coders), who=who_list, text=t.text, text_sha=t.sha256,
                         **kwargs)
        self._project = project
        self.codes = [{"id": c.id, "name": c.name, "color": c.color or "#999999",
                       "label": text_color(c.color or "#999999")} for c in project.codebook.codes.values()]
        self.refresh()
        self.on_msg(self._on_message)

    def refresh(self) -> None:
        """Reload both coders' codings and the decisions.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> widget = AdjudicationWidget(tiny_study(), "P01", ("ana", "ben"), who="lead")
        >>> widget.refresh()
        >>> [t["a"] for t in widget.turns], [t["differ"] for t in widget.turns]
        ([[], ['holding']], [False, True])
        """
        self.turns = disagreements(self._project, self.transcript, tuple(self.coders))

    def decide(self, segment: str, codes, why: str):
        """Record the consensus for one turn: ``codes`` agreed (possibly none) and why; returns the Adjudication.

        Parameters
        ----------
        segment : str
            The turn (``P01:t002``).
        codes : iterable of str
            The agreed codes; empty when the turn carries none.
        why : str
            The reason, recorded with the decision.

        Returns
        -------
        Adjudication
            The recorded decision; the widget's turns are reloaded and its status line says what was saved.

        Raises
        ------
        ProjectError
            For a turn not in the transcript, or a decision the project refuses (unknown code, no reason).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()   # ana coded turn 2 "holding"; ben has not coded it
        >>> widget = AdjudicationWidget(study, "P01", ("ana", "ben"), who="lead")
        >>> _ = widget.decide("P01:t002", ["holding"], "ana's reading fits the definition")
        >>> widget.turns[1]["consensus"]["codes"], study.adjudications()["why"].tolist()
        (['holding'], ["ana's reading fits the definition"])
        """
        turn = next((t for t in self.turns if t["segment"] == segment), None)
        if turn is None:
            raise ProjectError(f"unknown turn {segment!r} in transcript {self.transcript}")
        decision = self._project.adjudicate(self.transcript, turn["start"], turn["end"], list(codes), who=self.who,
                                            why=why, segment=segment)
        self.refresh()
        self.status = f"consensus for {segment}: {', '.join(codes) or 'no code'} ({'; '.join(self.who)}: {why})"
        return decision

    def _on_message(self, widget, content, buffers) -> None:
        try:
            if content.get("sha") != self._project.transcript(self.transcript).sha256:
                self.text = self._project.transcript(self.transcript).text
                self.text_sha = self._project.transcript(self.transcript).sha256
                self.refresh()
                self.status = "not saved: the transcript changed on disk; the view is re-synced, decide again"
                return
            if content.get("action") == "decide":
                self.decide(str(content["segment"]), [str(c) for c in content.get("codes", [])],
                            str(content.get("why", "")))
        except (HrpCodingError, ValueError, KeyError) as err:
            self.status = f"not saved: {err}"
