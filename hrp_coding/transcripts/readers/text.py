"""Plain-text and Markdown transcripts: speaker-labelled turns at line start.

Conventions
-----------
- A turn starts at a line beginning with a speaker label and a colon: ``Interviewer:``, ``P03:``,
  ``I:``, ``R:``, ``Dr. Lee:``, ``Maria Lopez:`` (up to four words, each starting with a capital
  letter or a digit, at most 40 characters). Markdown bold labels ``**P01:**`` and ``**P01**:``
  are accepted.
- Lines without a label continue the current turn (blank lines included): the turn ends where the
  next label starts, minus trailing white space.
- An optional timestamp ``[00:12:03]`` or ``(00:12:03)`` (also ``[12:03]``, ``[00:12:03.5]``)
  before or right after the label is kept as the turn's ``time_start`` in seconds.
- ``speaker_pattern`` replaces the label pattern: a regular expression with a named group
  ``speaker``, matched at line start (after an optional timestamp); the turn content starts after
  the match (and any white space).
- Text before the first label (a title, a header) is in no turn; a
  :class:`~hrp_coding.errors.TranscriptWarning` says which lines.
- A text with no speaker label at all becomes one participant turn per paragraph (blocks separated
  by blank lines), speaker = the transcript id, with a TranscriptWarning.

The speaker labels stay in the canonical text; a turn's ``start``/``end`` delimit its content.

Examples
--------
>>> t = transcript_from_text("Interviewer: How did you start?\\nP01: [00:01:05] Slowly.\\nThen fast.\\n", "P01")
>>> [(turn.speaker, turn.role, t.turn_text(turn), turn.time_start) for turn in t.turns]
[('Interviewer', 'interviewer', 'How did you start?', None), ('P01', 'participant', 'Slowly.\\nThen fast.', 65.0)]
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError, TranscriptWarning
from hrp_coding.transcripts.canonical import canonicalize, read_text_file
from hrp_coding.transcripts.model import Transcript, Turn, default_role

__all__ = ["DEFAULT_SPEAKER_PATTERN", "parse_turns", "read_text", "transcript_from_text"]

_WORD = r"[^\W_][\w.'’\-]*"
#: The default speaker label: up to four words and a colon, optionally in Markdown bold.
DEFAULT_SPEAKER_PATTERN = rf"(?:\*\*)?(?P<speaker>{_WORD}(?: {_WORD}){{0,3}})(?:\*\*)?:(?:\*\*)?(?=[ \t]|$)"
_DEFAULT = re.compile(DEFAULT_SPEAKER_PATTERN)
_TIMESTAMP = re.compile(
    r"[ \t]*(?:\[(?P<a>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\]|\((?P<b>\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?)\))"
    r"[ \t]*"
)
_LEADING_SPACE = re.compile(r"[ \t]*")


def parse_timestamp(value: str) -> float:
    """Seconds in ``"01:02:03"``, ``"02:03"`` or ``"00:02:03.500"`` (comma or dot before fractions).

    Examples
    --------
    >>> parse_timestamp("00:12:03"), parse_timestamp("12:03"), parse_timestamp("00:00:01,250")
    (723.0, 723.0, 1.25)
    """
    value = value.replace(",", ".")
    parts = value.split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2]) if len(parts) >= 2 else 0
    hours = int(parts[-3]) if len(parts) >= 3 else 0
    return hours * 3600 + minutes * 60 + seconds


def _compile(speaker_pattern: str | re.Pattern | None) -> tuple[re.Pattern, bool]:
    if speaker_pattern is None:
        return _DEFAULT, True
    try:
        pattern = re.compile(speaker_pattern) if isinstance(speaker_pattern, str) else speaker_pattern
    except re.error as exc:
        problem = Problem("speaker_pattern", f"invalid regular expression {speaker_pattern!r}: {exc}")
        raise TranscriptError([problem]) from None
    if "speaker" not in pattern.groupindex:
        raise TranscriptError([Problem("speaker_pattern", f"{pattern.pattern!r} has no named group 'speaker'",
                                       hint="write it like r'(?P<speaker>[A-Z]+):'")])
    return pattern, False


def _plausible_default_label(speaker: str) -> bool:
    if len(speaker) > 40:
        return False
    return all(word[0].isupper() or word[0].isdigit() for word in speaker.split(" "))


def _match_label(line: str, pattern: re.Pattern, is_default: bool):
    """(speaker, content offset in line, time_start) when ``line`` starts a turn, else None."""
    pos = _LEADING_SPACE.match(line).end()
    time_start = None
    ts = _TIMESTAMP.match(line, pos)
    if ts:
        time_start = parse_timestamp(ts.group("a") or ts.group("b"))
        pos = ts.end()
    m = pattern.match(line, pos)
    if not m:
        return None
    speaker = m.group("speaker")
    if speaker is None:
        return None
    speaker = speaker.strip()
    if not speaker or (is_default and not _plausible_default_label(speaker)):
        return None
    pos = m.end()
    if time_start is None:
        ts = _TIMESTAMP.match(line, pos)
        if ts:
            time_start = parse_timestamp(ts.group("a") or ts.group("b"))
            pos = ts.end()
    pos = _LEADING_SPACE.match(line, pos).end()
    return speaker, pos, time_start


def _rstrip_end(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end


def parse_turns(text: str, *, transcript_id: str, speaker_pattern: str | re.Pattern | None = None,
                speaker_roles: Mapping[str, str] | None = None, source: str | None = None,
                line_offset: int = 0) -> tuple[Turn, ...]:
    """The turns of a canonical text by the conventions of this module (see the module docstring).

    ``line_offset`` shifts the line numbers in warnings (for texts that are part of a file).
    """
    pattern, is_default = _compile(speaker_pattern)
    name = source or transcript_id
    heads = []  # (speaker, content start, time_start, line number)
    offset = 0
    for number, line in enumerate(text.split("\n"), start=1):
        found = _match_label(line, pattern, is_default)
        if found:
            speaker, pos, time_start = found
            heads.append((speaker, offset + pos, time_start, number))
        offset += len(line) + 1

    if not heads:
        if text.strip():
            warnings.warn(f"{name}: no speaker labels found; each paragraph becomes one participant turn of "
                          f"speaker {transcript_id!r} (pass speaker_pattern= if the labels look different)",
                          TranscriptWarning, stacklevel=3)
        return _paragraph_turns(text, transcript_id, speaker_roles)

    line_starts = _line_starts(text)
    first_line = heads[0][3]
    if text[: line_starts[first_line - 1]].strip():
        warnings.warn(f"{name}: lines {1 + line_offset}-{first_line - 1 + line_offset} come before the first "
                      "speaker label and belong to no turn", TranscriptWarning, stacklevel=3)

    turns = []
    for i, (speaker, start, time_start, _line) in enumerate(heads):
        limit = line_starts[heads[i + 1][3] - 1] if i + 1 < len(heads) else len(text)
        end = _rstrip_end(text, start, limit)
        turns.append(Turn(index=i + 1, speaker=speaker, start=start, end=max(start, end),
                          role=default_role(speaker, speaker_roles), time_start=time_start))
    return tuple(turns)


def _line_starts(text: str) -> list[int]:
    starts = [0]
    pos = text.find("\n")
    while pos != -1:
        starts.append(pos + 1)
        pos = text.find("\n", pos + 1)
    return starts


def _paragraph_turns(text: str, transcript_id: str, speaker_roles) -> tuple[Turn, ...]:
    turns = []
    for m in re.finditer(r"\S(?:.|\n(?![ \t]*\n))*", text):
        start, end = m.start(), _rstrip_end(text, m.start(), m.end())
        turns.append(Turn(index=len(turns) + 1, speaker=transcript_id, start=start, end=end,
                          role=default_role(transcript_id, speaker_roles) if speaker_roles else "participant"))
    return tuple(turns)


def transcript_from_text(text: str, transcript_id: str, *, speaker_pattern: str | re.Pattern | None = None,
                         speaker_roles: Mapping[str, str] | None = None, source: str | None = None,
                         attributes: Mapping | None = None) -> Transcript:
    """A transcript from a string, by the ``.txt`` conventions; the text is canonicalised first.

    Parameters
    ----------
    text : str
        The transcript text with speaker labels at line start.
    transcript_id : str
        The id (``"P01"``).
    speaker_pattern : str or re.Pattern, optional
        A regular expression with a named group ``speaker`` matched at line start.
    speaker_roles : mapping, optional
        Speaker -> role overrides (``{"Dr. Lee": "interviewer"}``).
    source : str, optional
        Where the text came from.
    attributes : mapping, optional
        Transcript attributes.

    Examples
    --------
    >>> t = transcript_from_text("Q: Why?\\r\\nA: Because.", "T1", speaker_roles={"A": "participant"})
    >>> t.text, [(x.speaker, x.role) for x in t.turns]
    ('Q: Why?\\nA: Because.', [('Q', 'interviewer'), ('A', 'participant')])
    """
    text = canonicalize(text)
    turns = parse_turns(text, transcript_id=transcript_id, speaker_pattern=speaker_pattern,
                        speaker_roles=speaker_roles, source=source)
    return Transcript(id=transcript_id, text=text, turns=turns, attributes=dict(attributes or {}), source=source,
                      speaker_roles=dict(speaker_roles or {}))


def read_text(path, *, transcript_id: str | None = None, encoding: str | None = None,
              speaker_pattern: str | re.Pattern | None = None, speaker_roles: Mapping[str, str] | None = None,
              attributes: Mapping | None = None) -> Transcript:
    """Read a ``.txt`` or ``.md`` transcript (see the module docstring for the conventions)."""
    path = Path(path)
    text = read_text_file(path, encoding=encoding)
    return transcript_from_text(text, transcript_id or path.stem, speaker_pattern=speaker_pattern,
                                speaker_roles=speaker_roles, source=str(path), attributes=attributes)
