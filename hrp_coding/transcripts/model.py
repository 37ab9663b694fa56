"""The transcript model: a canonical text and the speaker turns that divide it.

A :class:`Transcript` holds the canonical text (UTF-8, NFC, LF line endings, no BOM) that every
offset in hrp-coding points into; offsets count code points and ends are exclusive. Each
:class:`Turn` delimits the content of one utterance, *after* its speaker label: for a ``.txt``
transcript the label (``P01:``) stays in the text, but is not part of the turn's span.

Examples
--------
>>> t = Transcript("P01", "Interviewer: Hello.\\nP01: Hi.\\n",
...                turns=(Turn(1, "Interviewer", 13, 19, "interviewer"), Turn(2, "P01", 25, 28, "participant")))
>>> t.turn_text(t.turns[1])
'Hi.'
>>> t.sha256[:12]
'c72e67c81e0f'
>>> Transcript.from_meta(t.to_meta(), t.text) == t
True
"""

from __future__ import annotations

import hashlib
import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from hrp_coding.errors import Problem, TranscriptError

__all__ = ["ROLES", "Transcript", "Turn", "default_role"]

#: The speaker roles hrp-coding knows.
ROLES = ("interviewer", "participant")

_INTERVIEWER = re.compile(r"(?:interviewer(?:[ _-]?\d+)?|i|q|moderator)", re.IGNORECASE)


def default_role(speaker: str, speaker_roles: Mapping[str, str] | None = None) -> str:
    """The role of ``speaker``: from ``speaker_roles`` when listed there, else by name.

    Interviewer, Interviewer 1, I, Q and Moderator (any case) are ``"interviewer"``; anyone else is
    ``"participant"``.

    Parameters
    ----------
    speaker : str
        The speaker label as written in the transcript.
    speaker_roles : mapping of str to str, optional
        The study's overrides, speaker label -> role; they win over the name rule.

    Returns
    -------
    str
        ``"interviewer"``, ``"participant"`` or the role ``speaker_roles`` gives.

    Examples
    --------
    >>> default_role("I"), default_role("interviewer 2"), default_role("P03")
    ('interviewer', 'interviewer', 'participant')
    >>> default_role("Dr. Lee", {"Dr. Lee": "interviewer"})
    'interviewer'
    """
    if speaker_roles and speaker in speaker_roles:
        return speaker_roles[speaker]
    return "interviewer" if _INTERVIEWER.fullmatch(speaker.strip()) else "participant"


@dataclass(frozen=True)
class Turn:
    """One speaker turn.

    Parameters
    ----------
    index : int
        1-based position of the turn in its transcript (the ``t012`` of segment id ``P01:t012``).
    speaker : str
        The speaker label as written (``"Interviewer"``, ``"P03"``, ``"Dr. Lee"``).
    start, end : int
        The utterance content in the canonical text, after the speaker label (end exclusive,
        code points).
    role : str
        ``"interviewer"`` or ``"participant"`` (or any role of the study's ``speaker_roles``).
    time_start, time_end : float or None
        Seconds from the start of the recording, when the source had timestamps.
    """

    index: int
    speaker: str
    start: int
    end: int
    role: str
    time_start: float | None = None
    time_end: float | None = None

    def to_dict(self) -> dict[str, Any]:
        """The turn as a plain dict (for YAML and JSON).

        Returns
        -------
        dict
            ``index``, ``speaker``, ``role``, ``start``, ``end``, ``time_start`` and ``time_end`` (None without
            timestamps); :meth:`Transcript.from_meta` reads it back.

        Examples
        --------
        >>> Turn(1, "P01", 5, 8, "participant").to_dict()["speaker"]
        'P01'
        """
        return {
            "index": self.index,
            "speaker": self.speaker,
            "role": self.role,
            "start": self.start,
            "end": self.end,
            "time_start": self.time_start,
            "time_end": self.time_end,
        }


@dataclass(frozen=True)
class Transcript:
    """A transcript: its id, canonical text, speaker turns and attributes.

    Parameters
    ----------
    id : str
        The transcript id (``"P01"``), used in segment ids and by the project store.
    text : str
        The canonical text; offsets of turns, segments and codings point into it.
    turns : tuple of Turn
        In text order, not overlapping, inside the text.
    attributes : dict
        Participant or interview attributes (discipline, setting...). Copied on construction.
    source : str or None
        The file the transcript was read from, when any.
    speaker_roles : dict
        Speaker -> role overrides used when reading.
    layout : LayoutReport or None
        What the reader recognised (see :mod:`hrp_coding.transcripts.layout`); not compared.

    Raises
    ------
    TranscriptError
        When a turn lies outside the text, turns overlap or are out of order, listing every such turn.
    """

    id: str
    text: str
    turns: tuple[Turn, ...] = ()
    attributes: dict = field(default_factory=dict)
    source: str | None = None
    speaker_roles: dict[str, str] = field(default_factory=dict)
    layout: Any = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Never keep a reference to the caller's mutable objects.
        object.__setattr__(self, "turns", tuple(self.turns))
        object.__setattr__(self, "attributes", dict(self.attributes or {}))
        object.__setattr__(self, "speaker_roles", dict(self.speaker_roles or {}))
        if not isinstance(self.id, str) or not self.id:
            raise TranscriptError([Problem("id", f"transcript id must be a non-empty string, got {self.id!r}")],
                                  source=self.source)
        problems = []
        previous_end = 0
        n = len(self.text)
        for position, turn in enumerate(self.turns):
            where = f"turns[{position}] ({turn.speaker})"
            if not (0 <= turn.start <= turn.end <= n):
                problems.append(Problem(where, f"span {turn.start}-{turn.end} is outside the text (0-{n})"))
            elif turn.start < previous_end:
                problems.append(Problem(where, f"starts at {turn.start}, before the previous turn ends "
                                               f"({previous_end})"))
            previous_end = max(previous_end, turn.end)
        if problems:
            raise TranscriptError(problems, source=self.source or self.id)

    __hash__ = None  # dict fields: not hashable

    @property
    def sha256(self) -> str:
        """The SHA-256 hex digest of the text encoded as UTF-8."""
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def speakers(self) -> tuple[str, ...]:
        """The distinct speakers in order of first appearance."""
        return tuple(dict.fromkeys(turn.speaker for turn in self.turns))

    def turn_text(self, turn: Turn | int) -> str:
        r"""The content of a turn (a :class:`Turn` or its 1-based index).

        Parameters
        ----------
        turn : Turn or int
            A turn of this transcript, or its 1-based ``index``.

        Returns
        -------
        str
            The utterance, without its speaker label.

        Examples
        --------
        >>> t = Transcript("P01", "I: Hello.\nP01: Hi.\n",
        ...                turns=(Turn(1, "I", 3, 9, "interviewer"), Turn(2, "P01", 15, 18, "participant")))
        >>> t.turn_text(2), t.turn_text(t.turns[0])
        ('Hi.', 'Hello.')
        """
        if isinstance(turn, int):
            turn = self.turns[turn - 1]
        return self.text[turn.start : turn.end]

    def turns_of(self, role: str) -> tuple[Turn, ...]:
        r"""The turns of one role, e.g. ``t.turns_of("participant")``.

        Parameters
        ----------
        role : str
            ``"interviewer"``, ``"participant"`` or a study role.

        Returns
        -------
        tuple of Turn
            That role's turns in text order (empty when nobody has the role).

        Examples
        --------
        >>> t = Transcript("P01", "I: Hello.\nP01: Hi.\n",
        ...                turns=(Turn(1, "I", 3, 9, "interviewer"), Turn(2, "P01", 15, 18, "participant")))
        >>> [turn.speaker for turn in t.turns_of("participant")]
        ['P01']
        """
        return tuple(turn for turn in self.turns if turn.role == role)

    # --- the store's YAML sidecar -------------------------------------------------------------
    def to_meta(self) -> dict[str, Any]:
        """Everything but the text, as plain dicts and lists (for the ``transcripts/<id>.yaml`` sidecar).

        Returns
        -------
        dict
            ``id``, ``source``, ``sha256`` (of the text), ``speaker_roles``, ``attributes``, ``turns`` (each
            :meth:`Turn.to_dict`) and, when the reader recorded one, ``layout``.

        Examples
        --------
        >>> t = Transcript("P01", "P01: Hi.", turns=(Turn(1, "P01", 5, 8, "participant"),), attributes={"site": "A"})
        >>> meta = t.to_meta()
        >>> meta["attributes"], meta["turns"][0]["start"], meta["sha256"] == t.sha256
        ({'site': 'A'}, 5, True)
        """
        meta = {
            "id": self.id,
            "source": self.source,
            "sha256": self.sha256,
            "speaker_roles": dict(self.speaker_roles),
            "attributes": dict(self.attributes),
            "turns": [turn.to_dict() for turn in self.turns],
        }
        if self.layout is not None:
            meta["layout"] = self.layout.to_dict()
        return meta

    @classmethod
    def from_meta(cls, meta: Mapping[str, Any], text: str, *, transcript_id: str | None = None,
                  verify: bool = True) -> Transcript:
        """Rebuild a transcript from :meth:`to_meta` output and its text.

        Parameters
        ----------
        meta : mapping
            The sidecar data (:meth:`to_meta`), e.g. read from ``transcripts/<id>.yaml``.
        text : str
            The canonical text the turns point into.
        transcript_id : str, optional
            The id; by default ``meta["id"]``.
        verify : bool, default True
            Check the text against ``meta["sha256"]`` (when present): on a mismatch the turns would point at the
            wrong places, so a :class:`~hrp_coding.errors.TranscriptError` is raised.

        Returns
        -------
        Transcript
            The transcript, its layout report restored when ``meta`` has one.

        Raises
        ------
        TranscriptError
            For a text whose hash does not match, or malformed turns (each named by position).

        Examples
        --------
        >>> t = Transcript("P01", "P01: Hi.", turns=(Turn(1, "P01", 5, 8, "participant"),))
        >>> Transcript.from_meta(t.to_meta(), t.text) == t
        True
        >>> Transcript.from_meta(t.to_meta(), "P01: Hello.")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.TranscriptError: P01: 1 problem
          sha256: text hash ... does not match the recorded ... (the text was edited outside hrp-coding; re-import it)
        """
        tid = transcript_id or meta.get("id")
        source = meta.get("source")
        if verify and meta.get("sha256") is not None:
            actual = hashlib.sha256(text.encode("utf-8")).hexdigest()
            if actual != meta["sha256"]:
                raise TranscriptError([Problem("sha256", f"text hash {actual[:12]}... does not match the recorded "
                                               f"{str(meta['sha256'])[:12]}...",
                                               hint="the text was edited outside hrp-coding; re-import it")],
                                      source=source or tid)
        problems = []
        turns = []
        for i, raw in enumerate(meta.get("turns") or []):
            try:
                turns.append(Turn(index=int(raw.get("index", i + 1)), speaker=str(raw["speaker"]),
                                  start=int(raw["start"]), end=int(raw["end"]), role=str(raw["role"]),
                                  time_start=_opt_float(raw.get("time_start")),
                                  time_end=_opt_float(raw.get("time_end"))))
            except (KeyError, TypeError, ValueError, AttributeError) as exc:
                problems.append(Problem(f"turns[{i}]", f"malformed turn {raw!r}: {exc}"))
        if problems:
            raise TranscriptError(problems, source=source or tid)
        layout = None
        if isinstance(meta.get("layout"), Mapping):
            from hrp_coding.transcripts.layout import LayoutReport

            layout = LayoutReport.from_dict(meta["layout"], source=source or tid)
        return cls(id=tid, text=text, turns=tuple(turns), attributes=dict(meta.get("attributes") or {}),
                   source=source, speaker_roles=dict(meta.get("speaker_roles") or {}), layout=layout)

    # --- display ------------------------------------------------------------------------------
    def __str__(self) -> str:
        words = len(self.text.split())
        return f"Transcript {self.id}: {len(self.turns)} turns, {words} words, speakers {', '.join(self.speakers)}"

    def _repr_html_(self, max_turns: int = 50) -> str:
        rows = []
        for turn in self.turns[:max_turns]:
            when = "" if turn.time_start is None else f"{turn.time_start:.0f}s"
            rows.append(
                f"<tr><td>{turn.index}</td><td>{when}</td><td class='hrp-{html.escape(turn.role)}'>"
                f"<b>{html.escape(turn.speaker)}</b></td><td>{html.escape(self.turn_text(turn))}</td></tr>"
            )
        more = len(self.turns) - max_turns
        tail = f"<p>... {more} more turns</p>" if more > 0 else ""
        return (f"<div class='hrp-transcript'><p><b>{html.escape(str(self))}</b></p>"
                "<table><thead><tr><th>#</th><th>time</th><th>speaker</th><th>text</th></tr></thead>"
                f"<tbody>{''.join(rows)}</tbody></table>{tail}</div>")


def _opt_float(value: Any) -> float | None:
    return None if value is None else float(value)
