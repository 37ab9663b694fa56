"""Anchors: how a coding finds its words again after the transcript was edited, without ever guessing silently.

A coding stores its offsets and an :class:`Anchor`: the exact quote, up to 32 characters before
(prefix) and after (suffix), and the sha256 of the text it was made on. :func:`reanchor` is a pure
function of (old text, new text, codings) that puts every coding in exactly one category:

``unchanged``
    the edit kept the quote and its context at the same offsets;
``moved``
    the quote is placed exactly (``new_text[start:end] == quote``) elsewhere: either the alignment
    of old and new text (:class:`~hrp_coding.store.align.Alignment`) kept its words together with
    their context, or the passage moved and the quote with context on both sides (or a quote of 32
    characters or more) is unique in both texts;
``fuzzy``
    the edit changed words inside the quote, or right next to it (fewer than 3 characters of
    context kept); it is placed on the image of its kept characters, whose similarity
    (:func:`rapidfuzz.fuzz.ratio`; 1.0 when only the context changed) is at least ``threshold``:
    worth a look;
``needs_review``
    not placed, because more than one place fits: the words occur again with the same context
    (a duplicated passage, an identical passage edited elsewhere); ``candidates`` lists them;
``orphaned``
    not placed: its words were deleted (``candidates`` lists other occurrences of the bare quote,
    for information only; none of them is the coding's).

A placement is only *confident* when no occurrence of the quote-with-kept-context was created or
destroyed by the edit (:meth:`~hrp_coding.store.align.Alignment.destroyed`): that is what tells
apart two answers that both start "Yeah.", or a deleted "No." from an earlier one.

Examples
--------
>>> old = "I: How did it start?\\nP01: We just sat with her.\\n"
>>> anchor = make_anchor(old, 26, 46)
>>> anchor.quote
'We just sat with her'
>>> new = "I: So how did it all start?\\nP01: We just sat with her.\\n"
>>> result = reanchor(old, new, [Target("c1", 26, 46, anchor)])
>>> p = result.placements[0]
>>> p.category, new[p.start:p.end]
('moved', 'We just sat with her')
>>> gone = reanchor(old, "I: How did it start?\\n", [Target("c1", 26, 46, anchor)])
>>> gone.placements[0].category, gone.counts()["orphaned"]
('orphaned', 1)
"""

from __future__ import annotations

import bisect
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import NamedTuple

from hrp_coding.errors import ProjectError
from hrp_coding.store.align import Alignment

__all__ = ["CATEGORIES", "CONTEXT_CHARS", "DEFAULT_THRESHOLD", "Anchor", "Placement", "Reanchoring", "Target",
           "make_anchor", "reanchor", "text_sha256"]

#: every category of :func:`reanchor`, in report order
CATEGORIES = ("unchanged", "moved", "fuzzy", "needs_review", "orphaned")


def text_sha256(text: str) -> str:
    """The sha256 hex digest of ``text`` encoded as UTF-8 (as ``Transcript.sha256``).

    Parameters
    ----------
    text : str
        A transcript's canonical text.

    Returns
    -------
    str
        64 lowercase hexadecimal digits.

    Examples
    --------
    >>> text_sha256("")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


#: minimum similarity for a fuzzy placement
DEFAULT_THRESHOLD = 0.8
#: characters of context stored before and after a quote
CONTEXT_CHARS = 32


@dataclass(frozen=True)
class Anchor:
    """The exact quote of a coding, with prefix, suffix and the sha256 of the text it was made on."""

    quote: str
    prefix: str
    suffix: str
    text_sha256: str

    def to_dict(self) -> dict:
        """The anchor as stored in a journal event's ``anchor`` field.

        Returns
        -------
        dict
            ``quote``, ``prefix``, ``suffix`` and ``text_sha256``, all strings.

        Examples
        --------
        >>> Anchor("We sat", "P: ", " with", "ab12").to_dict()
        {'quote': 'We sat', 'prefix': 'P: ', 'suffix': ' with', 'text_sha256': 'ab12'}
        """
        return {"quote": self.quote, "prefix": self.prefix, "suffix": self.suffix, "text_sha256": self.text_sha256}

    @classmethod
    def from_dict(cls, data: dict) -> Anchor:
        """The anchor of a journal event's ``anchor`` field (inverse of :meth:`to_dict`).

        Parameters
        ----------
        data : dict
            Any of ``quote``, ``prefix``, ``suffix`` and ``text_sha256``; a missing one is ``""``.

        Returns
        -------
        Anchor

        Examples
        --------
        >>> Anchor.from_dict({"quote": "We sat"})
        Anchor(quote='We sat', prefix='', suffix='', text_sha256='')
        >>> a = Anchor("We sat", "P: ", " with", "ab12")
        >>> Anchor.from_dict(a.to_dict()) == a
        True
        """
        return cls(quote=data.get("quote", ""), prefix=data.get("prefix", ""), suffix=data.get("suffix", ""),
                   text_sha256=data.get("text_sha256", ""))


def make_anchor(text: str, start: int, end: int, *, context: int = CONTEXT_CHARS, sha256: str | None = None) -> Anchor:
    """The anchor of ``text[start:end]``: quote, up to ``context`` characters each side, and the text's sha256.

    Parameters
    ----------
    text : str
        The transcript's text.
    start, end : int
        The coded span, in code points; ``end`` exclusive.
    context : int
        How many characters before and after the quote to store as prefix and suffix (fewer at the text's
        edges).
    sha256 : str, optional
        The text's sha256, when already known (default: computed with :func:`text_sha256`).

    Returns
    -------
    Anchor

    Examples
    --------
    >>> text = "I: Hi\\nP: We sat with her.\\n"
    >>> a = make_anchor(text, 9, 24, context=4)
    >>> a.quote, a.prefix, a.suffix, a.text_sha256 == text_sha256(text)
    ('We sat with her', '\\nP: ', '.\\n', True)
    """
    return Anchor(quote=text[start:end], prefix=text[max(0, start - context):start], suffix=text[end:end + context],
                  text_sha256=sha256 if sha256 is not None else text_sha256(text))


class Target(NamedTuple):
    """A coding to re-anchor: its id, offsets in the old text and anchor (a :class:`~hrp_coding.store.state.Coding`
    has the same attributes and can be passed as it is)."""

    id: str
    start: int
    end: int
    anchor: Anchor
    status: str = "active"


@dataclass(frozen=True)
class Placement:
    """Where one coding goes in the new text.

    ``category`` is one of :data:`CATEGORIES`; ``start``/``end`` are None unless it is unchanged,
    moved or fuzzy; ``method`` says what decided (``diff``: the alignment kept the words and their
    context; ``context``: the quote with its context is unique in both texts; ``kept``: image of the
    kept characters; ``ambiguous``; ``deleted``); ``score`` is 1.0 for exact placements;
    ``candidates`` lists (start, end) places worth a look, best first.
    """

    coding_id: str
    category: str
    old_start: int
    old_end: int
    start: int | None
    end: int | None
    method: str
    score: float
    quote: str
    candidates: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Reanchoring:
    """Every coding's :class:`Placement`, in input order."""

    placements: tuple[Placement, ...]
    by_category: dict[str, tuple[Placement, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        groups: dict[str, list[Placement]] = {c: [] for c in CATEGORIES}
        for p in self.placements:
            groups[p.category].append(p)
        object.__setattr__(self, "by_category", {c: tuple(g) for c, g in groups.items()})

    def counts(self) -> dict[str, int]:
        """How many codings are in each category.

        Returns
        -------
        dict of str to int
            Every category of :data:`CATEGORIES`, in that order, with its number of placements (0 included).

        Examples
        --------
        >>> old = "I: Hi\\nP: We sat with her.\\n"
        >>> targets = [Target("c1", 9, 24, make_anchor(old, 9, 24)), Target("c2", 3, 5, make_anchor(old, 3, 5))]
        >>> reanchor(old, "I: Hello\\nP: We sat with her.\\n", targets).counts()
        {'unchanged': 0, 'moved': 1, 'fuzzy': 0, 'needs_review': 0, 'orphaned': 1}
        """
        return {c: len(g) for c, g in self.by_category.items()}


_MAX_CANDIDATES = 10
_KEPT_CONTEXT = 3  # context each side the edit must keep for the alignment alone to place a coding
_SHORT_CONTEXT = 16
_LONG_QUOTE = 32


def reanchor(old_text: str, new_text: str, codings: Iterable, *, threshold: float = DEFAULT_THRESHOLD,
             alignment: Alignment | None = None) -> Reanchoring:
    """Place every coding of ``old_text`` in ``new_text``, or say why not (see the module docstring).

    Parameters
    ----------
    old_text, new_text : str
        The transcript before and after the edit.
    codings : iterable
        Objects with ``id``, ``start``, ``end``, ``anchor`` and optionally ``status``
        (:class:`Target`, or the project's codings). A coding whose status is not ``active`` (off the
        text since an earlier edit) or whose quote is not at its offsets in ``old_text`` is looked
        for by its quote and context only.
    threshold : float
        Minimum similarity (0 < threshold <= 1) of a fuzzy placement.
    alignment : Alignment, optional
        A precomputed alignment of the two texts.

    Returns
    -------
    Reanchoring
        One :class:`Placement` per coding, each in exactly one category.

    Examples
    --------
    >>> old = "P: No.\\nI: And then?\\nP: No.\\nI: Thanks.\\n"
    >>> second = Target("c2", 23, 26, make_anchor(old, 23, 26))
    >>> reanchor(old, "P: No.\\nI: Thanks.\\n", [second]).placements[0].category
    'orphaned'
    """
    if not 0 < threshold <= 1:
        raise ProjectError(f"threshold must be a number in (0, 1], got {threshold!r}")
    al = alignment if alignment is not None else Alignment(old_text, new_text)
    counts: dict[tuple[str, str], int] = {}

    def count(side: str, window: str) -> int:
        key = (side, window)
        if key not in counts:
            counts[key] = (old_text if side == "old" else new_text).count(window)
        return counts[key]

    out = []
    for c in codings:
        out.append(_place(c, old_text, new_text, al, count, threshold))
    return Reanchoring(tuple(out))


def _occurrences(text: str, needle: str, limit: int = _MAX_CANDIDATES) -> list[int]:
    found, pos = [], text.find(needle)
    while pos != -1 and len(found) < limit:
        found.append(pos)
        pos = text.find(needle, pos + 1)
    return found


def _place(c, old: str, new: str, al: Alignment, count, threshold: float) -> Placement:
    anchor: Anchor = c.anchor
    quote, s, e = anchor.quote, int(c.start), int(c.end)

    def result(category, start=None, end=None, method="", score=1.0, candidates=()):
        return Placement(str(c.id), category, s, e, start, end, method, score, quote, tuple(candidates))

    if not quote:
        return result("orphaned", method="deleted", score=0.0)
    fresh = getattr(c, "status", "active") == "active" and old[s:e] == quote
    kept = None  # where the alignment put the words, when it kept them but that alone does not settle it
    if fresh:
        mapped = al.map_span(s, e)
        if mapped is not None:
            before, after = al.kept_run(s, e)
            pre, suf = min(len(anchor.prefix), before), min(len(anchor.suffix), after)
            window = old[s - pre:e + suf]
            enough = pre >= min(len(anchor.prefix), _KEPT_CONTEXT) and suf >= min(len(anchor.suffix), _KEPT_CONTEXT)
            # an edit right next to the quote: the alignment alone may have slid; the kept window must be unique,
            # and so must its part on the quote's own lines (a run may have paired the words with a look-alike
            # line that a swap put before the same next line)
            unique = enough or (count("old", window) == 1 and count("new", window) == 1
                                and _balanced(al, _own_lines(window, pre, len(quote)), window, 0))
            if unique and not al.destroyed(window, "old") and not al.destroyed(window, "new"):
                return result("unchanged" if mapped == (s, e) else "moved", *mapped, method="diff")
            if enough:
                places = [(h + pre, h + pre + len(quote)) for h in _occurrences(new, window)]
                return result("needs_review", method="ambiguous", candidates=places or [mapped])
            kept = mapped
    # the words are not where the edit put the rest: look for the quote with its context
    prefix, suffix = anchor.prefix, anchor.suffix
    # context on both sides: one side alone cannot tell two identical lines apart after a swap
    windows = [(prefix, suffix), (prefix[-_SHORT_CONTEXT:], suffix[:_SHORT_CONTEXT])]
    if len(quote) >= _LONG_QUOTE:
        windows.append(("", ""))
    seen = set()
    for p, q in windows:
        if (p, q) in seen or (not p and not q and len(quote) < _LONG_QUOTE):
            continue
        seen.add((p, q))
        window = p + quote + q
        if not count("new", window):
            continue
        hits = _occurrences(new, window, limit=1000)
        if fresh:  # words the edit kept belong to another occurrence: only moved or copied text can be ours
            hits = [h for h in hits if not al.overlaps_kept(h, h + len(window), "new")]
            if not hits:
                continue
        places = [(h + len(p), h + len(p) + len(quote)) for h in hits]
        # context beyond a line end may come from another line that an edit put next to a look-alike of ours:
        # the part on the quote's own lines must have left the old text once and entered the new text once
        own = _own_lines(window, len(p), len(quote))
        if (len(places) == 1 and (not fresh or count("old", window) == 1)
                and (not fresh or _balanced(al, own, window, 1))):
            return result("moved", *places[0], method="context")
        at = len(p) - max(window.rfind("\n", 0, len(p)), 0)  # where the quote starts in ``own``
        places += [(h + at, h + at + len(quote)) for h in _occurrences(new, own)]
        if kept is not None:
            places.append(kept)
        places = list(dict.fromkeys(places))
        return result("needs_review", method="ambiguous", candidates=places[:_MAX_CANDIDATES])
    if kept is not None:  # the words are kept, but so close to an edit that another occurrence may be theirs
        others = [(h, h + len(quote)) for h in _occurrences(new, quote, limit=1000) if (h, h + len(quote)) != kept]
        others.sort(key=lambda span: abs(span[0] - kept[0]))
        return result("needs_review", method="ambiguous", candidates=[kept, *others][:_MAX_CANDIDATES])
    if fresh:
        fuzzy = _fuzzy(quote, s, e, new, al, threshold)
        if fuzzy is not None:
            return result("fuzzy", fuzzy[0], fuzzy[1], method="kept", score=fuzzy[2])
    near = al.map_point(s) if fresh else 0
    others = sorted(_occurrences(new, quote, limit=1000), key=lambda h: abs(h - near))[:_MAX_CANDIDATES]
    return result("orphaned", method="deleted", score=0.0, candidates=[(h, h + len(quote)) for h in others])


def _own_lines(window: str, at: int, length: int) -> str:
    """The part of ``window`` on the lines of its quote (``window[at:at + length]``), line ends included.

    Examples
    --------
    >>> _own_lines("her.\\nP3: We sat.\\nI4: Why?", 8, 7)
    '\\nP3: We sat.\\n'
    """
    a = window.rfind("\n", 0, at)
    b = window.find("\n", at + length)
    return window[max(a, 0):len(window) if b == -1 else b + 1]


def _balanced(al: Alignment, piece: str, window: str, unpaired: int) -> bool:
    """Whether the edit destroyed exactly ``unpaired`` occurrences of ``piece`` and created as many (0: the
    coding's own occurrence is kept and no other was touched; 1: its occurrence moved, and no other did);
    true when ``piece`` is the whole ``window``, whose own counts the caller checks."""
    return piece == window or (al.destroyed(piece, "old") == unpaired and al.destroyed(piece, "new") == unpaired)


def _fuzzy(quote: str, s: int, e: int, new: str, al: Alignment, threshold: float) -> tuple[int, int, float] | None:
    """The image of the quote's kept characters, snapped to word edges, if similar enough."""
    from rapidfuzz import fuzz

    first = last = None
    for a, b, n in al.runs[max(0, _first_run(al, s)):]:
        if a >= e:
            break
        lo, hi = max(a, s), min(a + n, e)
        if lo < hi:
            if first is None:
                first = b + lo - a
            last = b + hi - a
    if first is None or last is None or last <= first:
        return None
    start, end = first, last
    while start > 0 and new[start - 1].isalnum() and new[start].isalnum():
        start -= 1
    while end < len(new) and new[end - 1].isalnum() and new[end].isalnum():
        end += 1
    score = fuzz.ratio(quote, new[start:end]) / 100
    return (start, end, score) if score >= threshold else None


def _first_run(al: Alignment, offset: int) -> int:
    return bisect.bisect_right(al.old_starts, offset) - 1
