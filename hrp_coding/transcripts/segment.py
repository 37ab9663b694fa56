"""Segmentation: cut transcripts into turns, sentences or paragraphs with stable ids and exact offsets.

Units
-----
``turn``
    One segment per speaker turn: ``P01:t012`` (1-based turn index, three digits), spanning the
    turn's content (after the speaker label).
``sentence``
    The sentences of each turn: ``P01:t012.s02`` (1-based within the turn), found by spaCy's
    rule-based ``sentencizer`` on a blank English pipeline (no trained model, nothing downloaded).
    A sentence never crosses a blank line or a turn boundary, and never cuts a de-identification
    placeholder (``[PERSON_3]``) in half: a break the sentencizer puts inside one moves before it.
``paragraph``
    Blocks of a turn's content separated by blank lines: ``P01:p003`` (numbered through the
    transcript). A turn boundary also ends a paragraph, so a paragraph has one speaker.

Text outside every turn (a title before the first speaker label) is in no segment. Offsets are
code points of the canonical text; ``text`` is always ``transcript.text[start:end]``, with leading
and trailing white space trimmed from the span.

Examples
--------
>>> from hrp_coding.transcripts import transcript_from_text
>>> t = transcript_from_text("Interviewer: Why? Tell me.\\nP01: Because.\\n\\nIt helped.\\n", "P01")
>>> segment(t, "sentence")[["segment", "start", "end", "text"]]
       segment  start  end        text
0  P01:t001.s01     13   17        Why?
1  P01:t001.s02     18   26    Tell me.
2  P01:t002.s01     32   40    Because.
3  P01:t002.s02     42   52  It helped.
>>> segment(t, "paragraph")["segment"].tolist()
['P01:p001', 'P01:p002', 'P01:p003']
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.nlp import blank_english
from hrp_coding.transcripts.model import Transcript
from hrp_coding.units import SEGMENT_UNITS

__all__ = ["COLUMNS", "UNITS", "segment", "segment_many"]

#: The segmentation units.
UNITS = SEGMENT_UNITS
#: The columns of every segments DataFrame.
COLUMNS = ["transcript", "segment", "start", "end", "speaker", "role", "text"]

_BLANK_LINE = re.compile(r"\n[ \t]*\n")
_PLACEHOLDER = re.compile(r"\[[A-Z][A-Z0-9]*_\d+\]")


def _sentence_bounds(text: str, doc) -> list[tuple[int, int]]:
    """Sentence spans of ``doc`` (over ``text``), with breaks inside a placeholder moved before it."""
    starts = [sent.start_char for sent in doc.sents]
    if "[" in text and len(starts) > 1:
        inside = [(m.start(), m.end()) for m in _PLACEHOLDER.finditer(text)]
        for i, b in enumerate(starts):
            for a, e in inside:
                if a < b < e:
                    starts[i] = a
        starts = sorted(set(starts))
    ends = [*starts[1:], len(text)]
    return list(zip(starts, ends))


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _paragraphs(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Non-empty blocks of ``text[start:end]`` between blank lines, trimmed."""
    pieces = []
    cursor = start
    for m in _BLANK_LINE.finditer(text, start, end):
        pieces.append(_trim(text, cursor, m.start()))
        cursor = m.end()
    pieces.append(_trim(text, cursor, end))
    return [(a, b) for a, b in pieces if b > a]


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise TranscriptError([Problem("unit", f"must be one of {', '.join(map(repr, UNITS))}; got {unit!r}")])


def segment_many(transcripts: Iterable[Transcript], unit: str = "turn", *, roles: Iterable[str] | None = None):
    """Segments of several transcripts in one DataFrame (one spaCy pass over all of them).

    Parameters
    ----------
    transcripts : iterable of Transcript
    unit : {"turn", "sentence", "paragraph"}
    roles : iterable of str, optional
        Keep only segments of these speaker roles (e.g. ``["participant"]``).

    Returns
    -------
    pandas.DataFrame
        Columns ``transcript, segment, start, end, speaker, role, text``, in transcript and text order.

    Examples
    --------
    >>> from hrp_coding.transcripts import transcript_from_text
    >>> ts = [transcript_from_text("I: Why?\\nP01: Work.", "P01"), transcript_from_text("I: And?\\nP02: Home.", "P02")]
    >>> segment_many(ts, roles=["participant"])[["transcript", "segment", "text"]]
      transcript   segment   text
    0        P01  P01:t002  Work.
    1        P02  P02:t002  Home.
    """
    import pandas as pd

    _check_unit(unit)
    keep = None if roles is None else set([roles] if isinstance(roles, str) else roles)
    rows: list[tuple] = []
    if unit == "sentence":
        jobs = []  # (transcript, turn, paragraph start, paragraph end)
        for t in transcripts:
            for turn in t.turns:
                if keep is not None and turn.role not in keep:
                    continue
                for a, b in _paragraphs(t.text, turn.start, turn.end):
                    jobs.append((t, turn, a, b))
        nlp = blank_english(sentencizer=True)
        counters: dict[tuple[str, int], int] = {}
        docs = nlp.pipe((t.text[a:b] for t, _, a, b in jobs), batch_size=256)
        for (t, turn, a, b), doc in zip(jobs, docs):
            for s0, s1 in _sentence_bounds(t.text[a:b], doc):
                start, end = _trim(t.text, a + s0, a + s1)
                if end <= start:
                    continue
                key = (t.id, turn.index)
                counters[key] = counters.get(key, 0) + 1
                rows.append((t.id, f"{t.id}:t{turn.index:03d}.s{counters[key]:02d}", start, end, turn.speaker,
                             turn.role, t.text[start:end]))
    else:
        for t in transcripts:
            paragraph = 0
            for turn in t.turns:
                if unit == "turn":
                    if keep is None or turn.role in keep:
                        rows.append((t.id, f"{t.id}:t{turn.index:03d}", turn.start, turn.end, turn.speaker,
                                     turn.role, t.text[turn.start : turn.end]))
                    continue
                for a, b in _paragraphs(t.text, turn.start, turn.end):
                    paragraph += 1  # numbered through the transcript, whatever the role filter
                    if keep is None or turn.role in keep:
                        rows.append((t.id, f"{t.id}:p{paragraph:03d}", a, b, turn.speaker, turn.role, t.text[a:b]))
    frame = pd.DataFrame(rows, columns=COLUMNS)
    return frame.astype({"start": "int64", "end": "int64"})


def segment(transcript: Transcript, unit: str = "turn", *, roles: Iterable[str] | None = None):
    """Segments of one transcript as a DataFrame (see the module docstring for units and ids).

    Parameters
    ----------
    transcript : Transcript
    unit : {"turn", "sentence", "paragraph"}
    roles : iterable of str, optional
        Keep only segments of these speaker roles.

    Returns
    -------
    pandas.DataFrame
        Columns ``transcript, segment, start, end, speaker, role, text``.

    Examples
    --------
    >>> from hrp_coding.transcripts import transcript_from_text
    >>> t = transcript_from_text("Interviewer: Hi.\\nP02: Hello.", "P02")
    >>> segment(t, "turn", roles=["participant"]).loc[0, ["segment", "text"]].tolist()
    ['P02:t002', 'Hello.']
    """
    return segment_many([transcript], unit, roles=roles)
