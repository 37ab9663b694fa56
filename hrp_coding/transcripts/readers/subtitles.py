"""Subtitle transcripts: WebVTT (``.vtt``) and SubRip (``.srt``).

Speakers come from WebVTT voice tags ``<v Name>`` (also ``<v.class Name>``, Microsoft Teams), from a
``Name:`` / ``NAME:`` prefix at the start of a cue line (Zoom; both formats) or from a ``[Name]`` tag
(``[inaudible]``, ``[crosstalk]``, ``[laughs]`` and the like are text, not speakers).
A cue line without a speaker continues the
previous speaker; consecutive cues of one speaker are merged into one turn whose ``time_start`` is
the first cue's start and ``time_end`` the last cue's end. Styling tags (``<i>``, ``<b>``, ``<c.x>``,
``<font>``, karaoke timestamps, ``{\\an8}``) are stripped and HTML entities decoded.

The canonical text has one line ``Speaker: utterance`` per turn, turns joined with ``"\\n\\n"``;
the texts of the merged cues (and the lines of a cue) are joined with a single space, and runs of
white space collapse to one space. A file without any speaker becomes one turn per cue, speaker =
the transcript id (a :class:`~hrp_coding.errors.TranscriptWarning` says so); cues before the first
speaker in a file that names speakers get the speaker ``Unknown`` (with a warning naming the cue).
``NOTE``, ``STYLE`` and ``REGION`` blocks are skipped.

Examples
--------
>>> vtt = '''WEBVTT
...
... 00:00:01.000 --> 00:00:03.500
... <v Interviewer>How did you <i>start</i>?
...
... 00:00:04.000 --> 00:00:06.000
... <v P06>With the needle exchange.
...
... 00:00:06.000 --> 00:00:09.250
... Then the clinic.
... '''
>>> t = parse_subtitles(vtt, transcript_id="P06", kind="vtt")
>>> print(t.text)
Interviewer: How did you start?
<BLANKLINE>
P06: With the needle exchange. Then the clinic.
>>> [(turn.speaker, turn.time_start, turn.time_end) for turn in t.turns]
[('Interviewer', 1.0, 3.5), ('P06', 4.0, 9.25)]
"""

from __future__ import annotations

import html
import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError, TranscriptWarning
from hrp_coding.transcripts.canonical import canonicalize, read_text_with_encoding
from hrp_coding.transcripts.layout import LayoutReport, assign_roles, summarise
from hrp_coding.transcripts.model import Transcript, Turn, default_role
from hrp_coding.transcripts.readers.text import _DEFAULT, _plausible_default_label

__all__ = ["parse_subtitles", "read_subtitles"]

_TIME = r"(?:(\d+):)?(\d{1,2}):(\d{2})[.,](\d{1,3})"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[a-zA-Z][^>]*>|<\d{1,2}:\d{2}(?::\d{2})?[.,]\d{1,3}>|\{\\[^}]*\}")
_SPACE = re.compile(r"\s+")
_BRACKET = re.compile(r"^\[(?P<speaker>[^\[\]]{1,40})\][ \t]*:?[ \t]*")
#: Bracketed sounds and transcriber notes: text, never speakers.
NOISE = frozenset({"inaudible", "crosstalk", "laughs", "laughter", "laughing", "music", "silence", "pause", "applause",
                   "noise", "unintelligible", "overlapping", "overlap", "background noise", "coughs", "sighs", "cough",
                   "sigh", "indistinct", "foreign", "unclear", "break", "end", "blank_audio", "no audio"})


@dataclass
class _Piece:
    speaker: str | None
    text: str
    start: float
    end: float
    cue: int
    line: int


def _seconds(groups) -> float:
    hours, minutes, seconds, fraction = groups
    return int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(fraction.ljust(3, "0")) / 1000


def _clean(text: str) -> str:
    return _SPACE.sub(" ", html.unescape(_TAG.sub("", text))).strip()


def _split_speaker(line: str) -> tuple[str | None, str, str | None]:
    """(speaker or None, the rest, how the speaker was named) of one cue line."""
    voice = _VOICE.search(line)
    if voice and voice.group(1) and voice.group(1).strip():
        return _clean(voice.group(1)), _clean(line[voice.end():]), "voice"
    cleaned = _clean(line)
    bracket = _BRACKET.match(cleaned)
    if bracket:
        name = bracket.group("speaker").strip()
        if (name.casefold() not in NOISE and not re.match(r"^\d", name) and _plausible_default_label(name)
                and not name.casefold().startswith(tuple(NOISE))):
            if re.fullmatch(r"[A-Z][A-Z0-9]*_\d+", name):  # a de-identification placeholder keeps its brackets
                name = f"[{name}]"
            return name, cleaned[bracket.end():].strip(), "brackets"
    lead = cleaned[1:].lstrip() if cleaned.startswith(("-", "–")) else cleaned  # "- Name: text" dialogue dash
    m = _DEFAULT.match(lead)
    if m and m.group("speaker") and _plausible_default_label(m.group("speaker")):
        return m.group("speaker").strip(), lead[m.end():].strip(), "names"
    return None, cleaned, None


def parse_subtitles(content: str, *, transcript_id: str, kind: str, speaker_roles: Mapping[str, str] | None = None,
                    source: str | None = None, attributes: Mapping | None = None,
                    encoding: str | None = None) -> Transcript:
    """A transcript from the text of a ``.vtt`` (``kind="vtt"``) or ``.srt`` (``kind="srt"``) file.

    Parameters
    ----------
    content : str
        The file's text (canonicalised here).
    transcript_id : str
        The id.
    kind : {"vtt", "srt"}
        The format.
    speaker_roles : mapping, optional
        Speaker -> role overrides.
    source : str, optional
        The file, for messages and the report.
    attributes : mapping, optional
        Transcript attributes.
    encoding : str, optional
        How the text was decoded, for the layout report.

    Returns
    -------
    Transcript
        One turn per cue (consecutive Zoom cues of one speaker merged), with cue times in seconds.

    Raises
    ------
    TranscriptError
        For a cue whose timing line is malformed or whose end comes before its start, naming the line
        (every such cue is listed).

    Examples
    --------
    >>> vtt = "WEBVTT\\n\\n00:00:01.000 --> 00:00:03.000\\n<v Ana>How are you?\\n"
    >>> t = parse_subtitles(vtt, transcript_id="P03", kind="vtt")
    >>> [(x.speaker, x.time_start, t.turn_text(x)) for x in t.turns]
    [('Ana', 1.0, 'How are you?')]
    """
    content = canonicalize(content)
    name = source or transcript_id
    lines = content.split("\n")
    problems: list[Problem] = []
    first = 0
    if kind == "vtt":
        if not lines or not lines[0].startswith("WEBVTT"):
            warnings.warn(f"{name}: line 1 is not the 'WEBVTT' header; reading the cues anyway",
                          TranscriptWarning, stacklevel=2)
        else:
            first = 1
            while first < len(lines) and lines[first].strip():  # header metadata lines
                first += 1

    # blocks of non-blank lines, with their first line number (1-based)
    blocks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start_line = 0
    for number in range(first, len(lines)):
        line = lines[number]
        if line.strip():
            if not current:
                start_line = number + 1
            current.append(line)
        elif current:
            blocks.append((start_line, current))
            current = []
    if current:
        blocks.append((start_line, current))

    pieces: list[_Piece] = []
    how: dict[str, int] = {}
    cue = 0
    for start_line, block in blocks:
        head = block[0].strip()
        if kind == "vtt" and (head.startswith(("NOTE", "STYLE", "REGION")) and "-->" not in head):
            continue
        timing_at = next((i for i, line in enumerate(block[:3]) if "-->" in line), None)
        if timing_at is None:
            problems.append(Problem(f"line {start_line}", f"block {head[:40]!r} has no timing line "
                                    "('00:00:01.000 --> 00:00:04.000')", file=source, line=start_line))
            continue
        timing_line = start_line + timing_at
        m = _TIMING.match(block[timing_at])
        if not m:
            problems.append(Problem(f"line {timing_line}", f"malformed cue timing {block[timing_at].strip()!r}",
                                    hint="expected 'HH:MM:SS.mmm --> HH:MM:SS.mmm'", file=source, line=timing_line))
            continue
        t0, t1 = _seconds(m.groups()[:4]), _seconds(m.groups()[4:])
        if t1 < t0:
            problems.append(Problem(f"line {timing_line}", f"cue ends ({t1:g} s) before it starts ({t0:g} s)",
                                    file=source, line=timing_line))
            continue
        cue += 1
        for offset, raw in enumerate(block[timing_at + 1 :], start=timing_at + 1):
            speaker, text, named = _split_speaker(raw)
            if named:
                how[named] = how.get(named, 0) + 1
            if text or speaker:
                pieces.append(_Piece(speaker, text, t0, t1, cue, start_line + offset))
    if problems:
        raise TranscriptError(problems, source=name)

    any_speaker = any(piece.speaker for piece in pieces)
    if pieces and not any_speaker:
        warnings.warn(f"{name}: no speaker names (voice tags or 'Name:' prefixes); each cue becomes one "
                      f"participant turn of speaker {transcript_id!r}", TranscriptWarning, stacklevel=2)
    # group pieces into turns
    groups: list[tuple[str, list[_Piece]]] = []
    previous = None
    for piece in pieces:
        if not any_speaker:
            speaker = transcript_id
            new_turn = not groups or groups[-1][1][-1].cue != piece.cue
        else:
            speaker = piece.speaker or previous
            if speaker is None:
                warnings.warn(f"{name}: cue {piece.cue} (line {piece.line}) comes before any speaker is named; "
                              "its speaker is 'Unknown'", TranscriptWarning, stacklevel=2)
                speaker = "Unknown"
            new_turn = not groups or groups[-1][0] != speaker
        if new_turn:
            groups.append((speaker, [piece]))
        else:
            groups[-1][1].append(piece)
        previous = speaker

    parts: list[str] = []
    turns: list[Turn] = []
    position = 0
    for index, (speaker, group) in enumerate(groups, start=1):
        utterance = " ".join(piece.text for piece in group if piece.text)
        label = f"{speaker}: "
        if parts:
            position += 2
        start = position + len(label)
        line = label + utterance
        parts.append(line)
        position += len(line)
        turns.append(Turn(index=index, speaker=speaker, start=start, end=start + len(utterance), role="participant",
                          time_start=group[0].start, time_end=group[-1].end))
    text = "\n\n".join(parts)
    if any_speaker:
        roles = assign_roles([(t.speaker, text[t.start:t.end]) for t in turns],
                             lambda s: default_role(s, speaker_roles), speaker_roles)
    else:
        role = default_role(transcript_id, speaker_roles) if speaker_roles else "participant"
        roles = {transcript_id: (role, "given" if speaker_roles and transcript_id in speaker_roles else "default")}
    turns = [Turn(t.index, t.speaker, t.start, t.end, roles[t.speaker][0], t.time_start, t.time_end) for t in turns]
    named = max(how, key=how.get) if how else None
    layout = ("subtitles" if named is None else "vtt-voice" if named == "voice"
              else f"{kind}-{'brackets' if named == 'brackets' else 'names'}")
    if layout == "vtt-brackets":
        layout = "vtt-names"
    notes = [f"speakers named by {k} in {n} cue lines" for k, n in how.items()] if len(how) > 1 else []
    report = LayoutReport(source=name, layout=layout, confidence=1.0 if len(how) <= 1 else
                          max(how.values()) / sum(how.values()), speakers=summarise(turns, roles), notes=tuple(notes),
                          encoding=encoding)
    return Transcript(id=transcript_id, text=text, turns=tuple(turns), attributes=dict(attributes or {}),
                      source=source, speaker_roles=dict(speaker_roles or {}), layout=report)


def read_subtitles(path, *, transcript_id: str | None = None, encoding: str | None = None,
                   speaker_roles: Mapping[str, str] | None = None, attributes: Mapping | None = None) -> Transcript:
    """Read a ``.vtt`` or ``.srt`` file (see the module docstring for the conventions).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.vtt`` or ``.srt`` file.
    transcript_id, encoding, speaker_roles, attributes
        As for :func:`~hrp_coding.transcripts.readers.read_transcript`.

    Returns
    -------
    Transcript
        As :func:`parse_subtitles`.

    Raises
    ------
    TranscriptError
        For another extension, undecodable bytes or malformed cues.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P04.srt"
    >>> _ = path.write_text("1\\n00:00:01,000 --> 00:00:02,500\\n[Ana] Hello.\\n", encoding="utf-8")
    >>> [(x.speaker, x.time_end) for x in read_subtitles(path).turns]
    [('Ana', 2.5)]
    """
    path = Path(path)
    kind = path.suffix.lower().lstrip(".")
    if kind not in ("vtt", "srt"):
        raise TranscriptError([Problem("extension", f"expected .vtt or .srt, got {path.suffix!r}")], source=str(path))
    content, used = read_text_with_encoding(path, encoding=encoding)
    return parse_subtitles(content, transcript_id=transcript_id or path.stem, kind=kind, speaker_roles=speaker_roles,
                           source=str(path), attributes=attributes, encoding=used)
