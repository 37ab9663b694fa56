"""Plain-text and Markdown transcripts (``.txt``, ``.md``).

The canonical text is the file's text (decoded, see :mod:`hrp_coding.transcripts.canonical`); the
turns follow the layout detected by :mod:`hrp_coding.transcripts.readers.lines` (Otter.ai, Rev,
Temi/Trint/Descript, ``Name:`` labels such as ``Interviewer:``/``Respondent:``/``I:``/``R:``,
``[PERSON_3]:`` placeholders, Markdown bold ``**P01:**``, tab-separated names). Speaker labels and
timestamps stay in the canonical text, outside the turns' spans; a header block becomes attributes.
A text with no speaker label at all becomes one participant turn per paragraph, with a
:class:`~hrp_coding.errors.TranscriptWarning`.

Examples
--------
>>> t = transcript_from_text("Interviewer: How did you start?\\nP01: [00:01:05] Slowly.\\nThen fast.\\n", "P01")
>>> [(turn.speaker, turn.role, t.turn_text(turn), turn.time_start) for turn in t.turns]
[('Interviewer', 'interviewer', 'How did you start?', None), ('P01', 'participant', 'Slowly.\\nThen fast.', 65.0)]
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from hrp_coding.transcripts.canonical import canonicalize
from hrp_coding.transcripts.model import Transcript, Turn
from hrp_coding.transcripts.readers.lines import PLACEHOLDER, parse_timestamp, plausible_speaker, read_lines

__all__ = ["DEFAULT_SPEAKER_PATTERN", "parse_timestamp", "parse_turns", "read_text", "transcript_from_text"]

_WORD = r"[^\W_][\w.'’\-]*"
#: The default speaker label: up to four words (or a placeholder) and a colon, optionally in Markdown bold.
DEFAULT_SPEAKER_PATTERN = (rf"(?:\*\*)?(?P<speaker>{PLACEHOLDER}|{_WORD}(?: {_WORD}){{0,3}})(?:\*\*)?:(?:\*\*)?"
                           r"(?=[ \t]|$)")
_DEFAULT = re.compile(DEFAULT_SPEAKER_PATTERN)


def _plausible_default_label(speaker: str) -> bool:
    return plausible_speaker(speaker)


def parse_turns(text: str, *, transcript_id: str, speaker_pattern: str | re.Pattern | None = None,
                speaker_roles: Mapping[str, str] | None = None, source: str | None = None,
                layout: str | None = None) -> tuple[Turn, ...]:
    """The turns of a canonical text (see :func:`~hrp_coding.transcripts.readers.lines.read_lines`).

    Parameters
    ----------
    text : str
        A canonical text.
    transcript_id : str
        The id, for messages.
    speaker_pattern, speaker_roles, source, layout
        As for :func:`transcript_from_text`.

    Returns
    -------
    tuple of Turn
        The turns only (no header fields, no layout report).

    Examples
    --------
    >>> [t.speaker for t in parse_turns("I: Why?\\nP01: Work.", transcript_id="P01")]
    ['I', 'P01']
    """
    return read_lines(text.split("\n"), transcript_id=transcript_id, source=source, speaker_pattern=speaker_pattern,
                      speaker_roles=speaker_roles, layout=layout).turns


def transcript_from_text(text: str, transcript_id: str, *, speaker_pattern: str | re.Pattern | None = None,
                         speaker_roles: Mapping[str, str] | None = None, source: str | None = None,
                         attributes: Mapping | None = None, layout: str | None = None,
                         encoding: str | None = None) -> Transcript:
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
    layout : str, optional
        Force a layout (``"otter"``, ``"rev"``, ``"labels"``, ``"tab"``, ``"paragraphs"``).
    encoding : str, optional
        The encoding the text was decoded from, for the layout report.

    Returns
    -------
    Transcript
        The transcript of the canonical text, with its layout report.

    Examples
    --------
    >>> t = transcript_from_text("Q: Why?\\r\\nA: Because.", "T1", speaker_roles={"A": "participant"})
    >>> t.text, [(x.speaker, x.role) for x in t.turns]
    ('Q: Why?\\nA: Because.', [('Q', 'interviewer'), ('A', 'participant')])
    """
    text = canonicalize(text)
    return read_lines(text.split("\n"), transcript_id=transcript_id, source=source, speaker_pattern=speaker_pattern,
                      speaker_roles=speaker_roles, layout=layout, attributes=attributes, encoding=encoding)


def read_text(path, *, transcript_id: str | None = None, encoding: str | None = None,
              speaker_pattern: str | re.Pattern | None = None, speaker_roles: Mapping[str, str] | None = None,
              attributes: Mapping | None = None, layout: str | None = None) -> Transcript:
    """Read a ``.txt`` or ``.md`` transcript (see the module docstring for the conventions).

    Parameters
    ----------
    path : str or os.PathLike
        A ``.txt`` or ``.md`` file.
    transcript_id, encoding, speaker_pattern, speaker_roles, attributes, layout
        As for :func:`~hrp_coding.transcripts.readers.read_transcript` (the id defaults to the file name).

    Returns
    -------
    Transcript
        The transcript; its layout report names the encoding used.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "P05.txt"
    >>> _ = path.write_text("Interviewer: Why?\\nP05: Work.\\n", encoding="utf-8")
    >>> t = read_text(path)
    >>> t.id, t.layout.encoding
    ('P05', 'utf-8')
    """
    from hrp_coding.transcripts.canonical import read_text_with_encoding

    path = Path(path)
    text, used = read_text_with_encoding(path, encoding=encoding)
    return transcript_from_text(text, transcript_id or path.stem, speaker_pattern=speaker_pattern,
                                speaker_roles=speaker_roles, source=str(path), attributes=attributes, layout=layout,
                                encoding=used)
