"""Turns from lines: the layout detection shared by ``.txt``/``.md``, ``.docx`` and ``.pdf`` transcripts.

A reader turns its file into canonical lines (and, for Word, the length of each line's leading bold
run); :func:`read_lines` finds which layout the speaker labels follow, keeps a header block as
attributes, and cuts the turns. Layouts (see :data:`hrp_coding.transcripts.layout.LAYOUTS`):

``otter``
    ``Jane Roe  0:03`` alone on a line, the turn's text on the lines below (Otter.ai).
``rev``
    ``Jane Roe (00:00:05):`` then the text on the same line or below (Rev, Temi).
``labels`` / ``timestamped-labels``
    ``Interviewer: text``, ``I:``/``R:``, ``[PERSON_3]:``, ``**P01:**``, with an optional
    ``[00:01:23]`` before the label or after it (Trint, Descript).
``tab``
    ``Jane Roe<TAB>text``.
``bold`` (Word only)
    A paragraph that starts with a bold speaker name (optionally a colon or a time after it).

The layout explaining most lines wins (ties go to the order above); ``layout=`` forces one and
``speaker_pattern=`` (a regular expression with a group ``speaker``) replaces them all.
Timestamps become ``time_start`` of the turn and stay outside its span; ``[inaudible]`` and
``[crosstalk]`` stay in the text. Lines before the first turn are the header
(:func:`~hrp_coding.transcripts.layout.parse_header`); a trailing ``Transcribed by ...`` line is a
header field too, not part of the last turn.

Examples
--------
>>> lines = ["Speaker 1  0:03", "How did it start? [inaudible]", "", "Jo  0:09", "Slowly.", "",
...          "Transcribed by https://otter.ai"]
>>> t = read_lines(lines, transcript_id="P01")
>>> t.layout.layout, [(x.speaker, x.time_start, t.turn_text(x)) for x in t.turns]
('otter', [('Speaker 1', 3.0, 'How did it start? [inaudible]'), ('Jo', 9.0, 'Slowly.')])
>>> t.attributes
{'transcribed_by': 'https://otter.ai'}
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from hrp_coding.errors import Problem, TranscriptError, TranscriptWarning
from hrp_coding.transcripts.layout import (
    LAYOUTS,
    LayoutReport,
    assign_roles,
    footer_field,
    is_header_key,
    parse_header,
    summarise,
    warn_low_confidence,
)
from hrp_coding.transcripts.model import Transcript, Turn, default_role

__all__ = ["LINE_LAYOUTS", "Head", "read_lines"]

_W = r"[^\W_][\w.'’\-]*"
_NAME = rf"{_W}(?: {_W}){{0,3}}"
PLACEHOLDER = r"\[[A-Z][A-Z0-9]*_\d+\]"
_SPK = rf"(?P<speaker>{PLACEHOLDER}|{_NAME})"
TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_PATTERNS = {
    "otter": re.compile(rf"[ \t]*{_SPK}[ \t]+(?P<time>{TIME})[ \t]*$"),
    "rev": re.compile(rf"[ \t]*{_SPK}[ \t]*\((?P<time>{TIME})\)[ \t]*:[ \t]*"),
    "labels": re.compile(rf"[ \t]*(?:[\[(](?P<time>{TIME})[\])][ \t]*)?(?:\*\*)?{_SPK}(?:\*\*)?:(?:\*\*)?(?=[ \t]|$)"
                         rf"[ \t]*(?:[\[(](?P<time2>{TIME})[\])][ \t]*)?"),
    "tab": re.compile(rf"[ \t]*{_SPK}:?\t+[ \t]*(?:[\[(]?(?P<time>{TIME})[\])]?\t+)?"),
}
_BOLD_NAME = re.compile(rf"[ \t]*{_SPK}[ \t]*(?:[\[(]?(?P<time>{TIME})[\])]?)?[ \t]*:?[ \t]*$")
_AFTER_BOLD = re.compile(rf"[ \t]*:?[ \t]*(?:[\[(](?P<time>{TIME})[\])]|(?P<bare>{TIME})(?=\s|$))?[ \t]*")
_CUSTOM_TIME = re.compile(rf"[ \t]*[\[(](?P<time>{TIME})[\])][ \t]*")
#: The layouts :func:`read_lines` detects, in tie-breaking order.
LINE_LAYOUTS = ("otter", "rev", "labels", "tab", "bold")


@dataclass(frozen=True)
class Head:
    """Where a turn starts: its line (0-based), speaker, time and the column its content starts at."""

    line: int
    speaker: str
    time: float | None
    column: int
    time_end: float | None = None


def parse_timestamp(value: str) -> float:
    """Seconds in ``"01:02:03"``, ``"02:03"`` or ``"00:02:03.500"`` (comma or dot before fractions).

    Parameters
    ----------
    value : str
        ``[[hh:]mm:]ss[.fff]``, with ``,`` or ``.`` before the fraction (SubRip writes a comma).

    Returns
    -------
    float
        The seconds.

    Examples
    --------
    >>> parse_timestamp("00:12:03"), parse_timestamp("12:03"), parse_timestamp("00:00:01,250")
    (723.0, 723.0, 1.25)
    """
    parts = value.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def plausible_speaker(speaker: str) -> bool:
    """A placeholder (``[PERSON_3]``) or up to four capitalised words (digits allowed), at most 40 characters.

    Parameters
    ----------
    speaker : str
        A candidate label found at line start.

    Returns
    -------
    bool
        Whether it looks like a speaker name rather than the start of a sentence.

    Examples
    --------
    >>> plausible_speaker("Dr Lee"), plausible_speaker("[PERSON_3]"), plausible_speaker("and then she said")
    (True, True, False)
    """
    if re.fullmatch(PLACEHOLDER, speaker):
        return True
    return len(speaker) <= 40 and all(word[0].isupper() or word[0].isdigit() for word in speaker.split(" "))


def compile_pattern(speaker_pattern) -> re.Pattern:
    """A ``speaker_pattern`` (text or compiled) as a compiled regular expression with a ``speaker`` group.

    Parameters
    ----------
    speaker_pattern : str or re.Pattern
        A regular expression with a named group ``speaker``, matched at line start.

    Returns
    -------
    re.Pattern
        The compiled pattern.

    Raises
    ------
    TranscriptError
        For an invalid regular expression, or one without a group named ``speaker``.

    Examples
    --------
    >>> compile_pattern(r"(?P<speaker>[A-Z]+):").match("INT: hello").group("speaker")
    'INT'
    """
    try:
        pattern = re.compile(speaker_pattern) if isinstance(speaker_pattern, str) else speaker_pattern
    except re.error as exc:
        raise TranscriptError([Problem("speaker_pattern", f"invalid regular expression {speaker_pattern!r}: "
                                       f"{exc}")]) from None
    if not isinstance(pattern, re.Pattern) or "speaker" not in pattern.groupindex:
        raise TranscriptError([Problem("speaker_pattern", f"{getattr(pattern, 'pattern', pattern)!r} has no named "
                                       "group 'speaker'", hint="write it like r'(?P<speaker>[A-Z]+):'")])
    return pattern


def _match(layout: str, line: str, bold: int, pattern: re.Pattern | None) -> Head | None:
    """The head of ``line`` in ``layout`` (line number 0; the caller sets it), else None."""
    if pattern is not None:
        pos, time = 0, None
        ts = _CUSTOM_TIME.match(line)
        if ts:
            pos, time = ts.end(), parse_timestamp(ts.group("time"))
        m = pattern.match(line, pos)
        if not m or not (m.group("speaker") or "").strip():
            return None
        end = m.end()
        if time is None and (ts := _CUSTOM_TIME.match(line, end)):
            end, time = ts.end(), parse_timestamp(ts.group("time"))
        return Head(0, m.group("speaker").strip(), time, end)
    if layout == "bold":
        if bold <= 0:
            return None
        m = _BOLD_NAME.match(line[:bold])
        if not m or not plausible_speaker(m.group("speaker")):
            return None
        after = _AFTER_BOLD.match(line, bold)
        raw = m.group("time") or after.group("time") or after.group("bare")
        return Head(0, m.group("speaker"), None if raw is None else parse_timestamp(raw), after.end())
    m = _PATTERNS[layout].match(line)
    if not m or not plausible_speaker(m.group("speaker")):
        return None
    raw = m.group("time") or (m.groupdict().get("time2"))
    return Head(0, m.group("speaker"), None if raw is None else parse_timestamp(raw), m.end())


def _heads(lines, bold, layout, pattern) -> list[Head]:
    found = []
    for number, line in enumerate(lines):
        head = _match(layout, line, bold[number] if bold else 0, pattern)
        if head is not None:
            found.append(Head(number, head.speaker, head.time, head.column))
    return found


def _line_starts(lines: Sequence[str]) -> list[int]:
    starts, position = [], 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    return starts


def read_lines(lines: Sequence[str], *, transcript_id: str, source: str | None = None, speaker_pattern=None,
               speaker_roles: Mapping[str, str] | None = None, layout: str | None = None,
               bold: Sequence[int] | None = None, attributes: Mapping | None = None, encoding: str | None = None,
               heads: Sequence[Head] | None = None, fixed_layout: str | None = None,
               skipped: Sequence[str] = (), line_numbers: Sequence[int] | None = None,
               unit: str = "line") -> Transcript:
    """A transcript from canonical lines (no ``"\\n"`` inside a line); see the module docstring.

    Parameters
    ----------
    lines : sequence of str
        The canonical text split at ``"\\n"``; joined back with ``"\\n"`` it is the transcript text.
    transcript_id, source : str
    speaker_pattern : str or re.Pattern, optional
        Replaces layout detection: a regular expression with a named group ``speaker`` matched at
        line start (after an optional ``[00:01:02]``).
    speaker_roles : mapping, optional
        Speaker -> role.
    layout : str, optional
        Force one of :data:`LINE_LAYOUTS`.
    bold : sequence of int, optional
        Per line, the length of its leading bold run (Word).
    attributes : mapping, optional
        Attributes given by the caller (they win over header fields).
    encoding : str, optional
        For the report.
    heads, fixed_layout :
        Turn heads already known (Word tables) and the layout name to report for them.
    skipped : sequence of str
        What the reader left out, for the report.
    line_numbers : sequence of int, optional
        The file line (or paragraph) number of each line, for messages (default: position + 1).
    unit : str
        What ``line_numbers`` count, in messages: ``"line"``, ``"paragraph"`` (Word), ``"page"`` (PDF).

    Returns
    -------
    Transcript
        The transcript of ``"\\n".join(lines)``, with its layout report (a low-confidence detection also warns).

    Raises
    ------
    TranscriptError
        An unknown ``layout``, or a bad ``speaker_pattern``.

    Examples
    --------
    >>> t = read_lines(["Interviewer: Why?", "P01: Work."], transcript_id="P01")
    >>> t.layout.layout, [x.speaker for x in t.turns]
    ('labels', ['Interviewer', 'P01'])
    """
    name = source or transcript_id
    number_of = (lambda i: line_numbers[i]) if line_numbers else (lambda i: i + 1)
    try:
        pattern = compile_pattern(speaker_pattern) if speaker_pattern is not None else None
    except TranscriptError as err:
        raise TranscriptError(err.problems, source=name) from None
    notes: list[str] = []
    if layout is not None and layout not in (*LINE_LAYOUTS, "paragraphs"):
        if heads is not None and layout == fixed_layout:
            layout = None
        else:
            raise TranscriptError([Problem("layout", f"unknown layout {layout!r} for this file",
                                           hint="one of: " + ", ".join((*LINE_LAYOUTS, "paragraphs")))],
                                  source=name)
    candidates: dict[str, list[Head]] = {}
    if heads is not None and layout is None:
        chosen, found = fixed_layout or "table", list(heads)
    elif pattern is not None:
        chosen, found = "labels", _heads(lines, bold, "labels", pattern)
        notes.append("speaker labels by the given speaker_pattern")
    else:
        wanted = [layout] if layout in LINE_LAYOUTS else [x for x in LINE_LAYOUTS if x != "bold" or bold]
        if layout == "paragraphs":
            wanted = []
        for candidate in LINE_LAYOUTS if layout is None else wanted:
            if candidate == "bold" and not bold:
                continue
            candidates[candidate] = _heads(lines, bold, candidate, None)
        chosen, found = "paragraphs", []
        for candidate in wanted:
            if len(candidates[candidate]) > len(found):
                chosen, found = candidate, candidates[candidate]

    # header keys (Date:, Duration:) and a one-off title line before the real turns are header lines
    while found and is_header_key(found[0].speaker):
        found = found[1:]
    counts: dict[str, int] = {}
    for head in found:
        counts[head.speaker] = counts.get(head.speaker, 0) + 1
    if (chosen in ("otter", "bold") and len(found) >= 4 and counts[found[0].speaker] == 1
            and not any(line.strip() for line in lines[: found[0].line])):
        found = found[1:]
    starts = _line_starts(lines)
    text = "\n".join(lines)
    first = found[0].line if found else len(lines)
    header, unknown = parse_header(lines[:first]) if found else ({}, [])
    if found and unknown:
        skipped = [*skipped, f"{unit}s {number_of(unknown[0] - 1)}-{number_of(first - 1)} before the first turn "
                             "(in no turn)"]
        warnings.warn(f"{name}: {unit}s {number_of(unknown[0] - 1)}-{number_of(first - 1)} come before the first "
                      "speaker label and belong to no turn", TranscriptWarning, stacklevel=3)
    # a trailing "Transcribed by ..." line
    limit_all = len(text)
    last = len(lines) - 1
    while last >= 0 and not lines[last].strip():
        last -= 1
    if found and last > found[-1].line and (value := footer_field(lines[last])):
        header["transcribed_by"] = value
        limit_all = starts[last]

    # doubts: lines that another layout would read as a label
    conflicts = []
    taken = {head.line for head in found}
    for candidate, other in candidates.items():
        if candidate == chosen:
            continue
        for head in other:
            if head.line not in taken and head.line >= first and not is_header_key(head.speaker):
                conflicts.append((head.line, candidate))
    conflicts.sort()
    for line, candidate in conflicts[:3]:
        notes.append(f"{unit} {number_of(line)} looks like a {candidate!r} label: {lines[line].strip()[:50]!r}")
    recurring = sum(1 for n in counts.values() if n >= 2)
    singles = [h for h in found if counts[h.speaker] == 1] if recurring >= 2 and len(found) >= 6 else []
    for head in singles[:3]:
        notes.append(f"{unit} {number_of(head.line)}: speaker {head.speaker!r} appears only once")
    explained = len(found)
    # a line another layout reads as a label may hide a turn: it weighs twice
    confidence = 1.0 if not found else explained / (explained + 2 * len(conflicts) + len(singles))

    turns: list[Turn] = []
    pieces: list[tuple[str, str]] = []
    if not found:
        if text.strip() and layout != "paragraphs":
            warnings.warn(f"{name}: no speaker labels found; each paragraph becomes one participant turn of "
                          f"speaker {transcript_id!r} (pass speaker_pattern= if the labels look different)",
                          TranscriptWarning, stacklevel=3)
        for m in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
            end = m.end()
            while end > m.start() and text[end - 1].isspace():
                end -= 1
            turns.append(Turn(len(turns) + 1, transcript_id, m.start(), end,
                              default_role(transcript_id, speaker_roles) if speaker_roles else "participant"))
        chosen = "paragraphs"
        roles = {transcript_id: (turns[0].role if turns else "participant", "default")}
    else:
        spans = []
        for i, head in enumerate(found):
            limit = starts[found[i + 1].line] if i + 1 < len(found) else limit_all
            start = min(starts[head.line] + head.column, limit)
            while start < limit and text[start].isspace():
                start += 1
            end = limit
            while end > start and text[end - 1].isspace():
                end -= 1
            if end <= start:
                skipped = [*skipped, f"{unit} {number_of(head.line)}: empty turn of {head.speaker!r}"]
                continue
            spans.append((head, start, end))
            pieces.append((head.speaker, text[start:end]))
        roles = assign_roles(pieces, lambda s: default_role(s, speaker_roles), speaker_roles)
        for index, (head, start, end) in enumerate(spans, start=1):
            turns.append(Turn(index, head.speaker, start, end, roles[head.speaker][0], head.time, head.time_end))
        if chosen == "labels" and sum(h.time is not None for h, _, _ in spans) * 2 >= max(len(spans), 1):
            chosen = "timestamped-labels"
    report = LayoutReport(source=name, layout=chosen if chosen in LAYOUTS else "labels", confidence=confidence,
                          speakers=summarise(turns, roles), header=header, skipped=tuple(skipped), notes=tuple(notes),
                          encoding=encoding)
    warn_low_confidence(report, number_of(conflicts[0][0]) if conflicts else
                        (number_of(singles[0].line) if singles else None), stacklevel=4, unit=unit)
    merged = {**header, **dict(attributes or {})}
    return Transcript(id=transcript_id, text=text, turns=tuple(turns), attributes=merged, source=source,
                      speaker_roles=dict(speaker_roles or {}), layout=report)
