"""The layout report of an import: which export layout was recognised, and what it made of the file.

Every reader attaches a :class:`LayoutReport` to the :class:`~hrp_coding.transcripts.Transcript` it
returns (``transcript.layout``): the layout detected (``otter``, ``rev``, ``timestamped-labels``,
``labels``, ``bold``, ``tab``, ``table``, ``vtt-voice``, ``vtt-names``, ``srt-brackets``,
``srt-names``, ``utterance-table``, ``pdf`` pages read by one of the line layouts, or ``paragraphs``
when no speaker is named), how sure the detection is, the speakers with their turn counts and roles
(and where each role came from), the header fields kept as attributes, and everything skipped. The
CLI prints it after each import; a detection below :data:`LOW_CONFIDENCE` is also a
:class:`~hrp_coding.errors.TranscriptWarning` naming the file and line.

Roles come from ``speaker_roles`` (``given``), else from the speaker's name (``name``: Interviewer,
I, Q, Moderator), else, when no speaker is an interviewer by name, the speaker who asks clearly
the most questions is guessed to be the interviewer (``questions``); everyone else is a
participant (``default``).

Examples
--------
>>> from hrp_coding.transcripts import transcript_from_text
>>> t = transcript_from_text("Ana Ruiz: How did you start?\\nLee: Slowly.\\nAna Ruiz: Why?\\nLee: Money.\\n", "P01")
>>> print(t.layout)  # doctest: +NORMALIZE_WHITESPACE
P01: layout 'labels' (speaker labels 'Name: text'), confidence 1.00
  speakers: Ana Ruiz 2 turns (interviewer, questions), Lee 2 turns (participant, default)
>>> t.layout.to_dict()["speakers"][0]
{'speaker': 'Ana Ruiz', 'turns': 2, 'role': 'interviewer', 'role_from': 'questions'}
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from hrp_coding.errors import TranscriptWarning

__all__ = ["LAYOUTS", "LOW_CONFIDENCE", "LayoutReport", "SpeakerSummary", "assign_roles", "parse_header",
           "warn_low_confidence"]

#: Layout name -> what it looks like (the names ``layout=`` accepts).
LAYOUTS = {
    "otter": "Otter.ai: 'Name  0:03' line, text below",
    "rev": "Rev/Temi: 'Name (00:00:05):' then text",
    "timestamped-labels": "Trint/Descript/Temi: '[00:01:23] Name: text'",
    "labels": "speaker labels 'Name: text'",
    "bold": "Word: bold speaker names",
    "tab": "tab-separated speaker names 'Name<TAB>text'",
    "table": "Word table: Speaker | Text or Timestamp | Speaker | Text",
    "vtt-voice": "WebVTT voice tags <v Name> (Microsoft Teams)",
    "vtt-names": "WebVTT cues 'Name: text' (Zoom); consecutive cues of one speaker merged",
    "srt-brackets": "SubRip cues '[Name] text'",
    "srt-names": "SubRip cues 'NAME: text'",
    "subtitles": "subtitle cues without speaker names",
    "utterance-table": "utterance table: one row per turn (.csv, .xlsx)",
    "paragraphs": "no speaker labels: one turn per paragraph",
}
#: Below this confidence the detection is a warning naming the file and line.
LOW_CONFIDENCE = 0.8

_HEADER_KEYS = {"title", "date", "time", "duration", "length", "transcribed by", "transcriber", "transcription",
                "location", "place", "recorded", "recording", "recording date", "file", "file name", "audio",
                "project", "study", "interview", "interview date", "interview id", "language", "participants",
                "speakers", "keywords", "summary", "notes", "session", "created", "source", "id"}
_KEY_VALUE = re.compile(r"^[ \t]*(?:\*\*)?(?P<key>[A-Za-z][A-Za-z ]{0,30}?)(?:\*\*)?[ \t]*:[ \t]*(?P<value>.*?)[ \t]*$")
_TRANSCRIBED = re.compile(r"^[ \t]*transcribed by[ \t]*:?[ \t]*(?P<value>\S.*?)[ \t]*$", re.IGNORECASE)
_OTTER_DATE = re.compile(r"^[ \t]*(?P<date>(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?[ \t].*?)[ \t]*[•·][ \t]*"
                         r"(?P<duration>\d{1,3}:\d{2}(?::\d{2})?)[ \t]*$")
_SECTION = {"summary keywords": "keywords", "keywords": "keywords", "speakers": "speakers_listed"}


def is_header_key(speaker: str) -> bool:
    """True for labels that name a header field (``Date``, ``Duration``...), not a speaker.

    Parameters
    ----------
    speaker : str
        A label as a line layout found it (``"Date"`` in ``Date: 3 May``).

    Returns
    -------
    bool
        Whether it is one of the known header keys (any case, surrounding spaces ignored).

    Examples
    --------
    >>> is_header_key(" Duration "), is_header_key("P01")
    (True, False)
    """
    return speaker.strip().casefold() in _HEADER_KEYS


def parse_header(lines: Sequence[str], first_line: int = 1) -> tuple[dict[str, str], list[int]]:
    """Header fields of the lines before the first turn, and the (1-based) numbers of lines not understood.

    Understood: ``Key: value`` with a known key (title, date, duration, location...), ``Transcribed
    by ...``, Otter.ai's ``Tue, 3/7 2:15PM • 42:10`` (date and duration) and its ``SUMMARY KEYWORDS``
    / ``SPEAKERS`` sections; the first other line is the title when it is short (8 words, 80
    characters at most).

    Parameters
    ----------
    lines : sequence of str
        The lines before the first turn, without line endings.
    first_line : int, default 1
        The line number of ``lines[0]`` in the file (for the numbers returned).

    Returns
    -------
    tuple of (dict of str to str, list of int)
        The fields (keys lower case, spaces as underscores: ``transcribed_by``) and the line numbers of
        the non-blank lines not understood.

    Examples
    --------
    >>> parse_header(["Interview P04", "Tue, 3/7 2:15PM • 42:10", "Location: drop-in centre", "", "???"])
    ({'title': 'Interview P04', 'date': 'Tue, 3/7 2:15PM', 'duration': '42:10', 'location': 'drop-in centre'}, [5])
    """
    fields: dict[str, str] = {}
    unknown: list[int] = []
    section = None
    for number, line in enumerate(lines, start=first_line):
        stripped = line.strip()
        if not stripped:
            continue
        if section is not None:
            fields[section] = stripped
            section = None
            continue
        if stripped.casefold() in _SECTION:
            section = _SECTION[stripped.casefold()]
            continue
        m = _TRANSCRIBED.match(line)
        if m:
            fields["transcribed_by"] = m.group("value")
            continue
        m = _OTTER_DATE.match(line)
        if m:
            fields["date"], fields["duration"] = m.group("date"), m.group("duration")
            continue
        m = _KEY_VALUE.match(line)
        if m and is_header_key(m.group("key")) and m.group("value"):
            fields[m.group("key").strip().casefold().replace(" ", "_")] = m.group("value")
            continue
        if "title" not in fields and not fields and not unknown and len(stripped) <= 80 and len(stripped.split()) <= 8:
            fields["title"] = stripped.strip("*# ")
            continue
        unknown.append(number)
    return fields, unknown


def footer_field(line: str) -> str | None:
    """The transcriber named by a trailing ``Transcribed by https://otter.ai`` line, else None.

    Parameters
    ----------
    line : str
        A line after the last turn.

    Returns
    -------
    str or None
        What follows ``Transcribed by``, or None when the line is something else.

    Examples
    --------
    >>> footer_field("Transcribed by https://otter.ai"), footer_field("Thanks for listening")
    ('https://otter.ai', None)
    """
    m = _TRANSCRIBED.match(line)
    return m.group("value") if m else None


@dataclass(frozen=True)
class SpeakerSummary:
    """One speaker of a transcript: turn count, role and where the role came from."""

    speaker: str
    turns: int
    role: str
    role_from: str

    def to_dict(self) -> dict[str, Any]:
        """The summary as a plain dict (an entry of the layout report's ``speakers``).

        Returns
        -------
        dict
            ``speaker``, ``turns``, ``role`` and ``role_from`` (``given``, ``name``, ``questions`` or ``default``).

        Examples
        --------
        >>> SpeakerSummary("Lee", 2, "participant", "default").to_dict()
        {'speaker': 'Lee', 'turns': 2, 'role': 'participant', 'role_from': 'default'}
        """
        return {"speaker": self.speaker, "turns": self.turns, "role": self.role, "role_from": self.role_from}


@dataclass(frozen=True)
class LayoutReport:
    """What an import recognised (see the module docstring).

    Attributes
    ----------
    source : str or None
    layout : str
        A key of :data:`LAYOUTS`.
    confidence : float
        ``n / (n + 2 c + s)`` for ``n`` turns found, ``c`` lines that another layout would read as a
        label, and ``s`` speakers met once among recurring ones (1.0: no doubt).
    speakers : tuple of SpeakerSummary
    header : dict
        Header fields kept as attributes (title, date, duration, transcribed_by...).
    skipped : tuple of str
        What was left out of every turn, with its line.
    notes : tuple of str
        Doubts with their line (a label of another layout, a speaker met once...).
    encoding : str or None
        The text encoding used and how it was chosen (``"utf-8"``, ``"cp1252 (detected)"``).
    """

    source: str | None
    layout: str
    confidence: float = 1.0
    speakers: tuple[SpeakerSummary, ...] = ()
    header: dict = field(default_factory=dict)
    skipped: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    encoding: str | None = None

    __hash__ = None

    @property
    def description(self) -> str:
        return LAYOUTS.get(self.layout, self.layout)

    @property
    def low_confidence(self) -> bool:
        return self.confidence < LOW_CONFIDENCE

    def map_names(self, replace) -> LayoutReport:
        """A copy with ``replace`` applied to speaker names, header values, skipped lines and notes
        (de-identification).

        Parameters
        ----------
        replace : callable
            ``str -> str``, e.g. a de-identifier's text replacement; non-text header values are kept.

        Returns
        -------
        LayoutReport
            The new report; this one is unchanged.

        Examples
        --------
        >>> report = LayoutReport("P01.txt", "labels", speakers=(SpeakerSummary("Lee", 2, "participant", "default"),))
        >>> report.map_names(lambda s: s.replace("Lee", "[P]")).speakers[0].speaker
        '[P]'
        """
        from dataclasses import replace as copy

        return copy(self, speakers=tuple(copy(s, speaker=replace(s.speaker)) for s in self.speakers),
                    header={k: replace(v) if isinstance(v, str) else v for k, v in self.header.items()},
                    skipped=tuple(map(replace, self.skipped)), notes=tuple(map(replace, self.notes)))

    def to_dict(self) -> dict[str, Any]:
        """Plain dicts and lists (the ``layout`` entry of the transcript's sidecar).

        Returns
        -------
        dict
            ``layout``, ``confidence`` (rounded to 3 places), ``speakers``, ``header``, ``skipped``, ``notes`` and
            ``encoding``; the source is not included (the sidecar says it).

        Examples
        --------
        >>> LayoutReport("P01.txt", "labels", confidence=0.91234).to_dict()["confidence"]
        0.912
        """
        return {"layout": self.layout, "confidence": round(float(self.confidence), 3),
                "speakers": [s.to_dict() for s in self.speakers], "header": dict(self.header),
                "skipped": list(self.skipped), "notes": list(self.notes), "encoding": self.encoding}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str | None = None) -> LayoutReport:
        """Rebuild a report from :meth:`to_dict` output.

        Parameters
        ----------
        data : mapping
            The sidecar's ``layout`` entry; missing keys take their defaults (layout ``labels``, confidence 1).
        source : str, optional
            The file the transcript was read from.

        Returns
        -------
        LayoutReport
            The report.

        Examples
        --------
        >>> report = LayoutReport("P01.txt", "otter", speakers=(SpeakerSummary("Lee", 2, "participant", "default"),))
        >>> LayoutReport.from_dict(report.to_dict(), source="P01.txt") == report
        True
        """
        speakers = tuple(SpeakerSummary(str(s["speaker"]), int(s["turns"]), str(s["role"]), str(s["role_from"]))
                         for s in data.get("speakers") or ())
        return cls(source=source, layout=str(data.get("layout", "labels")), confidence=float(data.get("confidence", 1)),
                   speakers=speakers, header=dict(data.get("header") or {}), skipped=tuple(data.get("skipped") or ()),
                   notes=tuple(data.get("notes") or ()), encoding=data.get("encoding"))

    def __str__(self) -> str:
        lines = [f"{self.source or '?'}: layout {self.layout!r} ({self.description}), confidence {self.confidence:.2f}"
                 + (" (LOW)" if self.low_confidence else "")]
        if self.encoding:
            lines.append(f"  encoding: {self.encoding}")
        if self.speakers:
            lines.append("  speakers: " + ", ".join(f"{s.speaker} {s.turns} turn{'s' if s.turns != 1 else ''} "
                                                    f"({s.role}, {s.role_from})" for s in self.speakers))
        if self.header:
            lines.append("  header: " + "; ".join(f"{k}={v}" for k, v in self.header.items()))
        lines.extend(f"  skipped: {s}" for s in self.skipped)
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)


def assign_roles(speakers_turns: Sequence[tuple[str, str]], default_role,
                 speaker_roles: Mapping[str, str] | None) -> dict[str, tuple[str, str]]:
    """Speaker -> (role, where it came from), for the turns ``(speaker, turn text)`` of one transcript.

    Parameters
    ----------
    speakers_turns : sequence of (str, str)
        Each turn's speaker and text, in order.
    default_role : callable
        ``speaker -> role`` by name, usually :func:`hrp_coding.transcripts.model.default_role`.
    speaker_roles : mapping of str to str or None
        The study's overrides (role source ``given``); when one of them is an interviewer, no role is guessed.

    Returns
    -------
    dict of str to (str, str)
        Each speaker's role and its source: ``given``, ``name``, ``questions`` (the one speaker who asks
        clearly the most questions, when nobody is an interviewer by name) or ``default``.

    Examples
    --------
    >>> from hrp_coding.transcripts.model import default_role
    >>> assign_roles([("Kim", "Why?"), ("Bo", "Work."), ("Kim", "And then?"), ("Bo", "Home.")], default_role, None)
    {'Kim': ('interviewer', 'questions'), 'Bo': ('participant', 'default')}
    """
    roles: dict[str, tuple[str, str]] = {}
    for speaker, _ in speakers_turns:
        if speaker in roles:
            continue
        if speaker_roles and speaker in speaker_roles:
            roles[speaker] = (speaker_roles[speaker], "given")
        else:
            role = default_role(speaker)
            roles[speaker] = (role, "name" if role == "interviewer" else "default")
    if len(roles) < 2 or any(role == "interviewer" for role, _ in roles.values()):
        return roles
    if speaker_roles and any(v == "interviewer" for v in speaker_roles.values()):
        return roles
    asked: dict[str, list[int]] = {}
    for speaker, text in speakers_turns:
        counts = asked.setdefault(speaker, [0, 0])
        counts[0] += "?" in text
        counts[1] += 1
    ratios = sorted(((q / n, speaker) for speaker, (q, n) in asked.items()
                     if n >= 2 and roles[speaker][1] == "default"), reverse=True)
    if ratios and ratios[0][0] >= 0.4 and (len(ratios) == 1 or ratios[0][0] >= 2 * ratios[1][0]):
        roles[ratios[0][1]] = ("interviewer", "questions")
    return roles


def summarise(turns, roles: Mapping[str, tuple[str, str]]) -> tuple[SpeakerSummary, ...]:
    """One :class:`SpeakerSummary` per speaker, in order of first appearance.

    Parameters
    ----------
    turns : iterable of Turn
        The transcript's turns.
    roles : mapping of str to (str, str)
        :func:`assign_roles` output; a speaker missing from it is a ``participant`` (``default``).

    Returns
    -------
    tuple of SpeakerSummary
        Speaker, turn count, role and role source.

    Examples
    --------
    >>> from hrp_coding.transcripts.model import Turn
    >>> turns = [Turn(1, "Kim", 0, 4, "interviewer"), Turn(2, "Bo", 5, 9, "participant")]
    >>> summarise(turns, {"Kim": ("interviewer", "name")})[1]
    SpeakerSummary(speaker='Bo', turns=1, role='participant', role_from='default')
    """
    counts: dict[str, int] = {}
    for turn in turns:
        counts[turn.speaker] = counts.get(turn.speaker, 0) + 1
    return tuple(SpeakerSummary(s, n, *roles.get(s, ("participant", "default"))) for s, n in counts.items())


def warn_low_confidence(report: LayoutReport, line: int | None, stacklevel: int = 3, unit: str = "line") -> None:
    """A TranscriptWarning naming the file and line (``unit``: paragraph for Word, page for PDF) when unsure.

    Nothing happens when ``report.confidence`` is at least :data:`LOW_CONFIDENCE`.

    Parameters
    ----------
    report : LayoutReport
        The import's report.
    line : int or None
        Where the first doubt is (the report's first note is quoted).
    stacklevel : int, default 3
        Passed to :func:`warnings.warn`, so the warning points at the caller's caller (the user's import).
    unit : str, default "line"
        What ``line`` counts: ``"line"``, ``"paragraph"`` (Word) or ``"page"`` (PDF).

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn_low_confidence(LayoutReport("P01.txt", "labels", confidence=0.5), 12)
    >>> str(caught[0].message)[:53]
    "P01.txt, line 12: layout 'labels' detected with low c"
    """
    if report.low_confidence:
        where = f"{report.source}" + (f", {unit} {line}" if line else "")
        warnings.warn(f"{where}: layout {report.layout!r} detected with low confidence {report.confidence:.2f}"
                      + (f" ({report.notes[0]})" if report.notes else "")
                      + "; check the layout report, or pass layout= / speaker_pattern=",
                      TranscriptWarning, stacklevel=stacklevel)
