"""Random transcript edits with provenance: which original character each new character is (or copies).

Used by the re-anchoring property test and ``benchmarks/bench_reanchor.py``. The quotes repeat
("Yeah.", "No." in many answers) but each turn is numbered, as in many transcripts, so that the
truth can be told from the texts: inserted text uses letters that never occur in the original (an
insertion that re-creates deleted words is indistinguishable from keeping them), deletions,
swaps and duplications take whole turns or whole words (so that a deletion cannot slide between
two identical neighbours), and duplicated passages keep the provenance of what they copy.
"""

from __future__ import annotations

import random
import re

SENTENCES = ["Yeah.", "No.", "I don't know.", "We just sat with her.", "It was hard.", "Nobody called back.",
             "Yeah, it helped.", "No, never."]
WORDS = ["then", "again", "really", "once", "maybe", "so"]
INSERT_ALPHABET = "XYZQ0123 \n"


def original_text(rng: random.Random, n_lines: int) -> str:
    lines = []
    for i in range(n_lines):
        if i % 2 == 0:
            lines.append(f"I{i}: {rng.choice(['How was it?', 'And then?', 'Did it help?', 'Why?'])}")
        else:
            parts = [rng.choice(SENTENCES) for _ in range(rng.randint(1, 3))]
            if rng.random() < 0.5:
                parts.insert(rng.randrange(len(parts) + 1), rng.choice(WORDS))
            lines.append(f"P{i}: " + " ".join(parts))
    return "\n".join(lines) + "\n"


def random_spans(rng: random.Random, text: str, n: int) -> list[tuple[int, int]]:
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    spans = set()
    while len(spans) < n and words:
        i = rng.randrange(len(words))
        j = min(len(words) - 1, i + rng.choice([0, 0, 0, 1, 2, 5]))
        if "\n" not in text[words[i][0]:words[j][1]] or rng.random() < 0.2:
            spans.add((words[i][0], words[j][1]))
    return sorted(spans)


def _line_range(rng: random.Random, chars: list, max_lines: int = 2) -> tuple[int, int]:
    starts = [0] + [i + 1 for i, (ch, _) in enumerate(chars) if ch == "\n" and i + 1 < len(chars)]
    a = rng.randrange(len(starts))
    b = min(len(starts), a + rng.randint(1, max_lines))
    return starts[a], (starts[b] if b < len(starts) else len(chars))


def _range(rng: random.Random, chars: list) -> tuple[int, int]:
    if rng.random() < 0.5:
        return _line_range(rng, chars)
    text = "".join(ch for ch, _ in chars)
    words = [m.span() for m in re.finditer(r"[^ \n]+ ?", text)]
    if not words:
        return 0, 0
    i = rng.randrange(len(words))
    j = min(len(words) - 1, i + rng.randint(0, 3))
    return words[i][0], words[j][1]


def edit(rng: random.Random, text: str, n_edits: int) -> tuple[str, list[int | None]]:
    """Apply ``n_edits`` random insertions, deletions, swaps and duplications; return (new text, provenance)."""
    chars: list[tuple[str, int | None]] = [(ch, i) for i, ch in enumerate(text)]
    for _ in range(n_edits):
        kind = rng.choice(["insert", "delete", "swap", "duplicate"])
        if not chars:
            kind = "insert"
        if kind == "insert":
            at = rng.choice([_range(rng, chars)[0], rng.randrange(len(chars) + 1)])
            chars[at:at] = [(rng.choice(INSERT_ALPHABET), None) for _ in range(rng.randint(1, 20))]
        elif kind == "delete":
            a, b = _range(rng, chars)
            del chars[a:b]
        elif kind == "duplicate":
            a, b = _range(rng, chars)
            at = rng.choice([b, a, _range(rng, chars)[0]])
            chars[at:at] = chars[a:b]
        else:
            a, b = _line_range(rng, chars)
            c, d = _line_range(rng, chars)
            if b <= c or d <= a:
                (a, b), (c, d) = sorted([(a, b), (c, d)])
                chars = chars[:a] + chars[c:d] + chars[b:c] + chars[a:b] + chars[d:]
    return "".join(ch for ch, _ in chars), [src for _, src in chars]


def misplaced(placement, provenance: list[int | None], old_text: str, new_text: str) -> bool:
    """An exact placement (unchanged, moved) that is not on the coding's words.

    The words correspond when the placed characters are the coding's own (or copies of them), or
    when a shortest edit script (insertions and deletions) from old to new text keeps the quote
    there: two explanations of the same edit that no tool can tell apart from the texts alone.
    """
    from rapidfuzz.distance import Indel

    if placement.category not in ("unchanged", "moved"):
        return False
    s, e, t, u = placement.old_start, placement.old_end, placement.start, placement.end
    if new_text[t:u] != placement.quote:
        return True
    if provenance[t:u] == list(range(s, e)):
        return False
    through = Indel.distance(old_text[:s], new_text[:t]) + Indel.distance(old_text[e:], new_text[u:])
    return through != Indel.distance(old_text, new_text)
