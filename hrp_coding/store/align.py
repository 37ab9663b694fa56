"""Aligning an old and a new version of a text: which characters an edit kept, and where they went.

Both texts are cut into lines (sentences, for lines over 2,000 characters), aligned with the
patience diff (:mod:`patiencediff`, the algorithm of Bazaar and ``git diff --patience``: unique
units anchor the alignment, so it runs in near-linear time and never pairs a passage with a
look-alike far away); each edited block of at most :data:`REFINE_LIMIT` characters a side that
is similar enough to its replacement (:data:`REFINE_SIMILARITY`) is then aligned character by
character with
:func:`rapidfuzz.distance.Levenshtein.opcodes`. The result is a list of *runs*: stretches of the old
text kept verbatim, with their place in the new text.

Examples
--------
>>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
>>> a.map_span(10, 24)
(13, 27)
>>> a.map_span(3, 6) is None  # "Hi." was edited
True
>>> a.destroyed("Hi.", side="old"), a.destroyed("We sat", side="old")
(1, 0)
"""

from __future__ import annotations

import bisect
import re

__all__ = ["REFINE_LIMIT", "REFINE_SIMILARITY", "Alignment"]

#: the largest edited block (characters, each side) aligned character by character
REFINE_LIMIT = 20_000
#: how similar an edited block must be to its replacement to be aligned character by character (an
#: edit of the same passage, not another passage put in its place: two unrelated answers that both
#: contain "Yeah." must not be aligned on it)
REFINE_SIMILARITY = 0.6
_SENTENCES = re.compile(r"(?<=[.!?;:]\s)")
_LONG_LINE = 2_000


def _units(text: str) -> tuple[list[str], list[int]]:
    units = []
    for line in text.splitlines(keepends=True):
        units.extend([u for u in _SENTENCES.split(line) if u] if len(line) > _LONG_LINE else [line])
    starts, pos = [], 0
    for unit in units:
        starts.append(pos)
        pos += len(unit)
    starts.append(pos)
    return units, starts


def _pure_insertion(a: str, b: str) -> tuple[int, int] | None:
    """(prefix, suffix) lengths when one block is the other with text added or cut in one place, else None.

    Such a block is an edit of the same passage however short it is beside what was added (a line that
    gained a long preamble is less than :data:`REFINE_SIMILARITY` alike, yet every old character is kept).

    Examples
    --------
    >>> _pure_insertion("QUOTED", "xxxxxxxxQUOTED"), _pure_insertion("ab", "cd") is None
    ((0, 6), True)
    """
    short = min(len(a), len(b))
    prefix = 0
    while prefix < short and a[prefix] == b[prefix]:
        prefix += 1
    suffix = 0
    while suffix < short - prefix and a[-1 - suffix] == b[-1 - suffix]:
        suffix += 1
    return (prefix, suffix) if short and prefix + suffix == short else None


class Alignment:
    """The characters an edit kept from ``old`` to ``new`` (see the module docstring).

    Attributes
    ----------
    runs : list of (old_start, new_start, length)
        Kept stretches, in order in both texts (an alignment never crosses itself).
    """

    def __init__(self, old: str, new: str):
        import patiencediff
        from rapidfuzz.distance import Indel, Levenshtein

        self.old, self.new = old, new
        runs: list[tuple[int, int, int]] = []
        if old == new:
            runs = [(0, 0, len(old))] if old else []
        else:
            old_units, old_starts = _units(old)
            new_units, new_starts = _units(new)
            matcher = patiencediff.PatienceSequenceMatcher(None, old_units, new_units)
            for tag, i1, i2, j1, j2 in matcher.get_opcodes():
                a0, a1, b0, b1 = old_starts[i1], old_starts[i2], new_starts[j1], new_starts[j2]
                if tag == "equal":
                    runs.append((a0, b0, a1 - a0))
                elif tag == "replace" and (kept := _pure_insertion(old[a0:a1], new[b0:b1])):
                    runs.append((a0, b0, kept[0]))
                    runs.append((a1 - kept[1], b1 - kept[1], kept[1]))
                elif (tag == "replace" and a1 - a0 <= REFINE_LIMIT and b1 - b0 <= REFINE_LIMIT
                      and Indel.normalized_similarity(old[a0:a1], new[b0:b1]) >= REFINE_SIMILARITY):
                    for op in Levenshtein.opcodes(old[a0:a1], new[b0:b1]):
                        if op.tag == "equal":
                            runs.append((a0 + op.src_start, b0 + op.dest_start, op.src_end - op.src_start))
        merged: list[tuple[int, int, int]] = []
        for a, b, n in runs:
            if n <= 0:
                continue
            if merged and merged[-1][0] + merged[-1][2] == a and merged[-1][1] + merged[-1][2] == b:
                merged[-1] = (merged[-1][0], merged[-1][1], merged[-1][2] + n)
            else:
                merged.append((a, b, n))
        self.runs = merged
        self._starts = {"old": [r[0] for r in merged], "new": [r[1] for r in merged]}
        self.old_starts = self._starts["old"]
        self._zones: dict[tuple[str, int], tuple[str, list[int], list[int]]] = {}

    def run_index(self, start: int, end: int, side: str = "old") -> int | None:
        """The index in :attr:`runs` of the run holding ``[start, end)`` of ``side`` wholly, or None.

        Parameters
        ----------
        start, end : int
            A span of the ``side`` text, in code points; ``end`` exclusive.
        side : {"old", "new"}
            Which text the offsets count in.

        Returns
        -------
        int or None
            The run's index, or None when some character of the span was edited or the span crosses
            from one run into the next.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.runs
        [(0, 0, 4), (5, 8, 22)]
        >>> a.run_index(10, 25), a.run_index(13, 28, side="new"), a.run_index(3, 6) is None
        (1, 1, True)
        """
        k = 0 if side == "old" else 1
        i = bisect.bisect_right(self._starts[side], start) - 1
        if i < 0:
            return None
        run = self.runs[i]
        return i if run[k] <= start and end <= run[k] + run[2] else None

    def map_span(self, start: int, end: int) -> tuple[int, int] | None:
        """Where the old characters ``[start, end)`` are in the new text, when the edit kept them all together.

        Parameters
        ----------
        start, end : int
            A span of the old text, in code points; ``end`` exclusive.

        Returns
        -------
        (int, int) or None
            The same characters' ``(start, end)`` in the new text (end exclusive), or None when the edit
            changed any of them or put an edit between them.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.map_span(10, 25), a.new[13:28]
        ((13, 28), 'We sat with her')
        >>> a.map_span(3, 6) is None  # "Hi." became "Hello."
        True
        """
        i = self.run_index(start, end, "old")
        if i is None:
            return None
        shift = self.runs[i][1] - self.runs[i][0]
        return start + shift, end + shift

    def overlaps_kept(self, start: int, end: int, side: str = "new") -> bool:
        """Whether any character of ``[start, end)`` of ``side`` is kept (lies in a run).

        Parameters
        ----------
        start, end : int
            A span of the ``side`` text, in code points; ``end`` exclusive.
        side : {"new", "old"}
            Which text the offsets count in.

        Returns
        -------
        bool
            True when at least one character of the span lies in a run; False when the edit wrote (on the
            new side) or deleted (on the old side) every one of them.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.new[4:8], a.overlaps_kept(4, 8), a.overlaps_kept(3, 9)
        ('ello', False, True)
        """
        k = 0 if side == "old" else 1
        i = bisect.bisect_right(self._starts[side], start) - 1
        for run in self.runs[max(i, 0):]:
            if run[k] >= end:
                return False
            if run[k] + run[2] > start:
                return True
        return False

    def map_point(self, offset: int) -> int:
        """The new offset of old ``offset``, or of the nearest kept character before it (for searching nearby).

        Parameters
        ----------
        offset : int
            A position in the old text, in code points.

        Returns
        -------
        int
            The position of the same character in the new text when the edit kept it; otherwise the position
            just after the last kept character before it (0 when none is kept before it).

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.map_point(10), a.map_point(4)  # "W" moved by 3; the edited "i" maps to the end of "I: H"
        (13, 4)
        """
        i = bisect.bisect_right(self._starts["old"], offset) - 1
        if i < 0:
            return 0
        a, b, n = self.runs[i]
        return b + min(offset - a, n)

    def kept_run(self, start: int, end: int) -> tuple[int, int]:
        """How far the run holding old ``[start, end)`` reaches before ``start`` and after ``end``.

        Parameters
        ----------
        start, end : int
            A span of the old text, in code points; ``end`` exclusive.

        Returns
        -------
        (int, int)
            The number of kept characters of that run before ``start`` and after ``end`` (the context the
            edit left untouched on each side); ``(0, 0)`` when no run holds the span wholly.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.kept_run(10, 25), a.kept_run(3, 6)  # '.\\nP: ' kept before, '.\\n' after
        ((5, 2), (0, 0))
        """
        i = self.run_index(start, end, "old")
        if i is None:
            return 0, 0
        a, _b, n = self.runs[i]
        return start - a, a + n - end

    def gaps(self, side: str) -> list[tuple[int, int]]:
        """The edited stretches of ``side`` (empty ones where two runs meet on that side only).

        Parameters
        ----------
        side : {"old", "new"}
            Which text.

        Returns
        -------
        list of (int, int)
            ``(start, end)`` of every stretch between runs, in code points of that text, end exclusive, in
            order; an empty stretch ``(p, p)`` marks a place where the other text had characters deleted
            or inserted. Stretches at the very start or end are only listed when not empty.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.gaps("old"), a.gaps("new")  # "i" was replaced by "ello"
        ([(4, 5)], [(4, 8)])
        """
        k = 0 if side == "old" else 1
        length = len(self.old if side == "old" else self.new)
        out, pos = [], 0
        for run in self.runs:
            out.append((pos, run[k]))
            pos = run[k] + run[2]
        out.append((pos, length))
        return [(g0, g1) for g0, g1 in out if not (g0 == g1 and (g0 == 0 or g0 == length))]

    def destroyed(self, window: str, side: str) -> int:
        """How many occurrences of ``window`` in ``side`` are not wholly inside one run.

        On the old side these are occurrences the edit destroyed; on the new side, occurrences it
        created (inserted, or stitched together by a deletion). Only the neighbourhoods of the
        edits are searched, so this costs time in the size of the edits, not of the text.

        Parameters
        ----------
        window : str
            The text to look for (an empty string counts 0).
        side : {"old", "new"}
            Which text to count in.

        Returns
        -------
        int
            How many occurrences of ``window`` in that text touch an edited character or straddle
            two runs.

        Examples
        --------
        >>> a = Alignment("I: Hi.\\nP: We sat with her.\\n", "I: Hello.\\nP: We sat with her.\\n")
        >>> a.destroyed("Hi.", "old"), a.destroyed("Hello", "new"), a.destroyed("We sat", "new")
        (1, 1, 0)
        """
        length = len(window)
        if not length:
            return 0
        pad = 64
        while pad < length:
            pad *= 2
        zone, zone_starts, real_starts = self._zone(side, pad)
        text = self.old if side == "old" else self.new
        found, pos = 0, zone.find(window)
        while pos != -1:
            piece = bisect.bisect_right(zone_starts, pos) - 1
            real = real_starts[piece] + pos - zone_starts[piece]
            if text.startswith(window, real) and self.run_index(real, real + length, side) is None:
                found += 1
            pos = zone.find(window, pos + 1)
        return found

    def _zone(self, side: str, pad: int) -> tuple[str, list[int], list[int]]:
        cached = self._zones.get((side, pad))
        if cached is not None:
            return cached
        text = self.old if side == "old" else self.new
        pieces: list[list[int]] = []
        for g0, g1 in self.gaps(side):
            lo, hi = max(0, g0 - pad), min(len(text), g1 + pad)
            if pieces and lo <= pieces[-1][1]:
                pieces[-1][1] = max(pieces[-1][1], hi)
            else:
                pieces.append([lo, hi])
        zone_starts, real_starts, parts, pos = [], [], [], 0
        for lo, hi in pieces:
            zone_starts.append(pos)
            real_starts.append(lo)
            parts.append(text[lo:hi])
            pos += hi - lo + 1
        cached = ("\x00".join(parts), zone_starts, real_starts)
        self._zones[(side, pad)] = cached
        return cached
