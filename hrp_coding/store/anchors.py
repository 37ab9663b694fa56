"""Anchors: how a coding finds its text again after the transcript was edited.

A coding stores its offsets and an :class:`Anchor`: the exact quote, a little text before
(prefix) and after (suffix), and the sha256 of the text it was made on. When the text changes,
:func:`place` looks for the quote, in this order:

1. **unchanged**: the quote is still at the same offsets;
2. **exact near**: the quote occurs near where the old offsets map to in the new text (old and new
   texts are aligned line by line with :class:`difflib.SequenceMatcher`); among several nearby
   occurrences the one whose prefix and suffix match best, then the closest, wins;
3. **exact unique**: the quote occurs exactly once anywhere (or one occurrence has clearly the best
   prefix/suffix match);
4. **fuzzy**: the most similar passage (``SequenceMatcher.ratio`` of at least ``threshold``), first
   near the old place, then anywhere;
5. otherwise the coding cannot be placed (the caller keeps it as *orphaned*).

Examples
--------
>>> old = "I: How did it start?\\nP01: We just sat with her.\\n"
>>> anchor = make_anchor(old, 26, 46)
>>> anchor.quote
'We just sat with her'
>>> new = "I: So how did it all start?\\nP01: We just sat with her.\\n"
>>> p = place(anchor, 26, 46, new, old_text=old)
>>> p.method, new[p.start:p.end]
('exact_near', 'We just sat with her')
"""

from __future__ import annotations

import bisect
import hashlib
from dataclasses import dataclass
from difflib import SequenceMatcher

__all__ = ["DEFAULT_THRESHOLD", "Anchor", "OffsetMapper", "Placement", "make_anchor", "place", "text_sha256"]

#: minimum similarity for a fuzzy placement
DEFAULT_THRESHOLD = 0.8
#: characters of context stored before and after a quote
CONTEXT_CHARS = 32


def text_sha256(text: str) -> str:
    """The sha256 hex digest of ``text`` encoded as UTF-8 (as ``Transcript.sha256``)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Anchor:
    """The exact quote of a coding, with prefix, suffix and the sha256 of the text it was made on."""

    quote: str
    prefix: str
    suffix: str
    text_sha256: str

    def to_dict(self) -> dict:
        return {"quote": self.quote, "prefix": self.prefix, "suffix": self.suffix, "text_sha256": self.text_sha256}

    @classmethod
    def from_dict(cls, data: dict) -> Anchor:
        return cls(quote=data.get("quote", ""), prefix=data.get("prefix", ""), suffix=data.get("suffix", ""),
                   text_sha256=data.get("text_sha256", ""))


def make_anchor(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS, sha256: str | None = None) -> Anchor:
    """The anchor of ``text[start:end]``: quote, up to ``context`` characters each side, and the text's sha256."""
    return Anchor(quote=text[start:end], prefix=text[max(0, start - context):start], suffix=text[end:end + context],
                  text_sha256=sha256 if sha256 is not None else text_sha256(text))


@dataclass(frozen=True)
class Placement:
    """Where an anchor landed in a new text.

    ``method`` is ``"unchanged"``, ``"exact_near"``, ``"exact_unique"``, ``"fuzzy"`` or ``None``
    (not placed: ``start``/``end`` are then ``None``); ``score`` is 1.0 for exact placements and the
    similarity ratio for fuzzy ones.
    """

    start: int | None
    end: int | None
    method: str | None
    score: float


class OffsetMapper:
    """Maps offsets of an old text to the corresponding offsets of a new text (line-level alignment).

    Examples
    --------
    >>> m = OffsetMapper("a\\nb\\nc\\n", "a\\nNEW\\nb\\nc\\n")
    >>> m.map(2), m.map(4)
    (6, 8)
    """

    def __init__(self, old_text: str, new_text: str):
        old_lines = old_text.splitlines(keepends=True)
        new_lines = new_text.splitlines(keepends=True)
        self._old_starts = _line_starts(old_lines)
        self._new_starts = _line_starts(new_lines)
        matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
        self._ops = matcher.get_opcodes()
        self._op_starts = [op[1] for op in self._ops]
        self._new_len = len(new_text)
        self._new_text = new_text
        self._matcher: SequenceMatcher | None = None

    def matcher(self, new_text: str) -> SequenceMatcher:
        """A SequenceMatcher whose second sequence is ``new_text`` (built once, reused for each quote)."""
        if new_text is not self._new_text and new_text != self._new_text:
            return SequenceMatcher(None, "", new_text)
        if self._matcher is None:
            self._matcher = SequenceMatcher(None, "", new_text)
        return self._matcher

    def map(self, offset: int) -> int:
        """The new offset of old ``offset`` (start of the replacing region for edited lines)."""
        line = max(0, bisect.bisect_right(self._old_starts, offset) - 1)
        index = max(0, bisect.bisect_right(self._op_starts, line) - 1)
        if not self._ops:
            return min(offset, self._new_len)
        tag, i1, _i2, j1, _j2 = self._ops[index]
        if tag == "equal":
            new_line = j1 + (line - i1)
            within = offset - self._old_starts[line]
            return min(self._new_starts[new_line] + within, self._new_len)
        return min(self._new_starts[j1] if j1 < len(self._new_starts) else self._new_len, self._new_len)


def _line_starts(lines: list[str]) -> list[int]:
    starts, pos = [], 0
    for line in lines:
        starts.append(pos)
        pos += len(line)
    starts.append(pos)
    return starts


def _occurrences(text: str, quote: str) -> list[int]:
    found, pos = [], text.find(quote)
    while pos != -1:
        found.append(pos)
        pos = text.find(quote, pos + 1)
    return found


def _context_score(anchor: Anchor, text: str, start: int, end: int) -> int:
    """How many characters of prefix (backwards) and suffix (forwards) agree at this occurrence."""
    score = 0
    before = text[max(0, start - len(anchor.prefix)):start]
    for a, b in zip(reversed(anchor.prefix), reversed(before)):
        if a != b:
            break
        score += 1
    after = text[end:end + len(anchor.suffix)]
    for a, b in zip(anchor.suffix, after):
        if a != b:
            break
        score += 1
    return score


def place(anchor: Anchor, old_start: int, old_end: int, new_text: str, *, old_text: str | None = None,
          mapper: OffsetMapper | None = None, threshold: float = DEFAULT_THRESHOLD,
          near: int | None = None) -> Placement:
    """Find ``anchor`` in ``new_text`` (see the module docstring for the order of attempts).

    Parameters
    ----------
    anchor : Anchor
        The coding's anchor (its quote must be non-empty).
    old_start, old_end : int
        The coding's offsets in the old text.
    new_text : str
        The edited text.
    old_text : str, optional
        The old text; used to map the old place into the new text. ``mapper`` (built once per
        transcript) does the same faster for many codings.
    threshold : float
        Minimum ``SequenceMatcher`` ratio for a fuzzy placement (0 < threshold <= 1).
    near : int, optional
        How far (characters) from the mapped old place an occurrence still counts as near;
        default ``max(200, 2 * len(quote))``.
    """
    if not 0 < threshold <= 1:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    quote = anchor.quote
    if not quote:
        return Placement(None, None, None, 0.0)
    if new_text[old_start:old_end] == quote:
        return Placement(old_start, old_end, "unchanged", 1.0)
    if mapper is None and old_text is not None:
        mapper = OffsetMapper(old_text, new_text)
    expected = mapper.map(old_start) if mapper is not None else min(old_start, len(new_text))
    window = near if near is not None else max(200, 2 * len(quote))
    hits = _occurrences(new_text, quote)
    if hits:
        nearby = [h for h in hits if abs(h - expected) <= window]
        if nearby:
            best = max(nearby, key=lambda h: (_context_score(anchor, new_text, h, h + len(quote)), -abs(h - expected)))
            return Placement(best, best + len(quote), "exact_near", 1.0)
        if len(hits) == 1:
            return Placement(hits[0], hits[0] + len(quote), "exact_unique", 1.0)
        scored = sorted(((_context_score(anchor, new_text, h, h + len(quote)), -abs(h - expected), h) for h in hits),
                        reverse=True)
        if scored[0][0] > scored[1][0]:
            h = scored[0][2]
            return Placement(h, h + len(quote), "exact_unique", 1.0)
        # several equally good occurrences far from the old place: fall through to the fuzzy search near it
    found = _fuzzy(quote, new_text, expected - window, expected + len(quote) + window)
    if found is None or found[2] < threshold:
        matcher = mapper.matcher(new_text) if mapper is not None else SequenceMatcher(None, "", new_text)
        matcher.set_seq1(quote)  # the index of new_text (b2j) is built once per mapper
        match = matcher.find_longest_match(0, len(quote), 0, len(new_text))
        if match.size:
            centre = match.b - match.a
            candidate = _fuzzy(quote, new_text, centre - len(quote) // 2, centre + len(quote) + len(quote) // 2)
            if candidate is not None and (found is None or candidate[2] > found[2]):
                found = candidate
    if found is not None and found[2] >= threshold:
        return Placement(found[0], found[1], "fuzzy", found[2])
    return Placement(None, None, None, found[2] if found is not None else 0.0)


def _fuzzy(quote: str, text: str, lo: int, hi: int) -> tuple[int, int, float] | None:
    """Best approximate occurrence of ``quote`` inside ``text[lo:hi]`` as (start, end, ratio)."""
    lo, hi = max(0, lo), min(len(text), hi)
    if hi <= lo:
        return None
    region = text[lo:hi]
    matcher = SequenceMatcher(None, quote, region, autojunk=False)
    blocks = [b for b in matcher.get_matching_blocks() if b.size >= 3]
    if not blocks:
        return None
    main = max(blocks, key=lambda b: b.size)
    origin = main.b - main.a  # where the quote would start if aligned on the longest block
    slack = len(quote) // 2
    kept = [b for b in blocks if origin - slack <= b.b - b.a <= origin + slack]
    first, last = kept[0], kept[-1]
    start = lo + max(0, first.b - first.a)
    end = lo + min(len(region), last.b + last.size + (len(quote) - last.a - last.size))
    start, end = _snap(text, start, end)
    if end <= start:
        return None
    ratio = SequenceMatcher(None, quote, text[start:end], autojunk=False).ratio()
    # Try trimming or widening the edges by up to a few characters to improve the fit.
    best = (start, end, ratio)
    for ds in (-3, -2, -1, 1, 2, 3):
        s = best[0] + ds
        if 0 <= s < best[1]:
            r = SequenceMatcher(None, quote, text[s:best[1]], autojunk=False).ratio()
            if r > best[2]:
                best = (s, best[1], r)
    for de in (-3, -2, -1, 1, 2, 3):
        e = best[1] + de
        if best[0] < e <= len(text):
            r = SequenceMatcher(None, quote, text[best[0]:e], autojunk=False).ratio()
            if r > best[2]:
                best = (best[0], e, r)
    return best


def _snap(text: str, start: int, end: int) -> tuple[int, int]:
    # Do not let a placement start or end inside a word when a boundary is one or two characters away.
    for _ in range(2):
        if 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum():
            start -= 1
    for _ in range(2):
        if 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum():
            end += 1
    return start, end
