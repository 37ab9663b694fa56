"""Suggested passages inside a turn, and evidence a coder can read.

A code rarely covers a whole turn (in the sample study about a third of its sentences), so a
suggestion for a turn is narrowed to a passage: each sentence of the turn is scored for the
suggested code (with the turn's context), the sentences scoring at least ``ratio`` of the way from
the turn's weakest to its strongest sentence are kept, and the run of adjacent kept sentences that
holds the strongest one becomes the suggested span (``start``/``end`` offsets into the transcript).

Evidence is said in words: ``w:`` terms become the quoted words (and their offsets in the passage,
for highlighting), ``p1:`` becomes "the previous turn says ...", ``kw:`` "keyword of the code ...",
and so on (:func:`plain_label`).

Examples
--------
>>> plain_label("p1:how often")
'the previous turn says "how often"'
>>> plain_label("kw:harm reduction")
'a keyword of the code: "harm reduction"'
>>> pick_run([0.1, 0.9, 0.7, 0.2, 0.8], ratio=0.5)
(1, 2)
"""

from __future__ import annotations

import re

import numpy as np

__all__ = ["distinct_terms", "highlights", "pick_run", "plain_label", "sentence_passages", "surface_words"]

_ORDINAL = {1: "previous", 2: "second previous", 3: "third previous"}
_NEXT = {1: "next", 2: "second next", 3: "third next"}


def surface_words(term: str, text: str, *, lemmas: bool = False) -> str | None:
    """The words of ``text`` that a normalised n-gram ``term`` was made from (its first occurrence), or None.

    Feature terms are lower-cased (and, with ``lemmas``, lemmatised) tokens joined by spaces, e.g.
    ``"how do"`` for "How does"; a coder should read the words as they stand in the transcript.

    Parameters
    ----------
    term : str
        The term of a word feature (without its ``w:``/``p1:`` block).
    text : str
        The text the feature was taken from (the passage, the turn or a neighbouring turn).
    lemmas : bool
        Whether the model normalised tokens to lemmas.

    Returns
    -------
    str or None
        The original characters, from the first token to the last; None when ``term`` is not in ``text``.

    Examples
    --------
    >>> surface_words("stay with", "You can STAY  with it.")
    'STAY  with'
    >>> surface_words("court", "No judge here.") is None
    True
    """
    from hrp_coding.suggest.features import token_offsets

    if not term or not text:
        return None
    parts = term.split(" ")
    toks = token_offsets(text, lemmas=lemmas)
    for i in range(len(toks) - len(parts) + 1):
        if all(toks[i + j][2] == part for j, part in enumerate(parts)):
            return text[toks[i][0]:toks[i + len(parts) - 1][1]]
    return None


def _neighbour(before: bool, k: int) -> str:
    """Which neighbouring turn, in words: ``previous``, ``second next``, ``5th previous``."""
    return (_ORDINAL if before else _NEXT).get(k, f"{k}th {'previous' if before else 'next'}")


def plain_label(feature: str, texts=None, *, lemmas: bool = False) -> str:
    """A feature name (``block:term``) in plain language for a coder.

    Parameters
    ----------
    feature : str
        A feature name: ``w:`` words of the passage, ``p1:``/``n1:`` words of the previous/next turn,
        ``kw:`` a codebook keyword, ``c:`` letters, ``r:`` speaker roles, ``s:`` length and position,
        ``e:`` sentence embeddings (``e:turn+prev1``: of the turn and of the previous turn).
    texts : mapping, optional
        The texts behind the blocks (``{"w": passage, "p1": previous turn, ...}``); when given, word
        features are quoted as the words stand there (case, inflection) instead of their normalised form.
    lemmas : bool
        Whether the model's tokens are lemmas (used to find the words in ``texts``).

    Returns
    -------
    str
        What a coder reads, e.g. ``the previous turn says "How often"``.

    Examples
    --------
    >>> plain_label("w:stay with"), plain_label("n2:yes"), plain_label("r:prev1=interviewer")
    ('"stay with"', 'the second next turn says "yes"', 'the speaker before is the interviewer')
    >>> plain_label("p1:how often", {"p1": "How often do you use?"})
    'the previous turn says "How often"'
    >>> plain_label("e:turn+prev1")
    'the meaning of the passage and of the previous turn (sentence embeddings)'
    """
    block, _, term = feature.partition(":")
    m = re.fullmatch(r"([pn])(\d+)", block)
    if texts is not None and (block == "w" or m):
        found = surface_words(term, texts.get(block) or "", lemmas=lemmas)
        term = found if found is not None else term
    if block == "w":
        return f'"{term}"'
    if m:
        return f'the {_neighbour(m.group(1) == "p", int(m.group(2)))} turn says "{term}"'
    if block == "kw":
        return f'a keyword of the code: "{term}"'
    if block == "c":
        return f'the letters "{term.strip()}"'
    if block == "r":
        who, _, role = term.partition("=")
        if who == "self":
            return f"the speaker is the {role}"
        m = re.fullmatch(r"(prev|next)(\d+)", who)
        if m:
            rel = "before" if m.group(1) == "prev" else "after"
            k = int(m.group(2))
            return f"the speaker {rel} is the {role}" if k == 1 else f"the speaker {k} turns {rel} is the {role}"
        return f"speaker role {term}"
    if block == "s":
        kind, _, value = term.partition("=")
        if kind == "len":
            return f"the turn's length (band {value})"
        if kind == "pos":
            if value == "none":
                return "no position in the interview"
            return f"its place in the interview (fifth {int(value) + 1})"
    if block == "e":
        neighbours = [re.fullmatch(r"(prev|next)(\d+)", part) for part in term.split("+")[1:]]
        if term.startswith("turn") and neighbours and all(neighbours):
            turns = [f"the {_neighbour(n.group(1) == 'prev', int(n.group(2)))} turn" for n in neighbours]
            return f"the meaning of the passage and of {' and '.join(turns)} (sentence embeddings)"
        return "the meaning of the passage (sentence embedding)"
    return feature


def _words_of(term: str) -> tuple[str, ...]:
    """The tokens of an n-gram term without the punctuation tokens at its ends (``"probation ."`` -> probation)."""
    parts = term.split(" ")
    wordy = [i for i, part in enumerate(parts) if any(ch.isalnum() for ch in part)]
    return tuple(parts[wordy[0]:wordy[-1] + 1]) if wordy else tuple(parts)


def _inside(short: tuple, long: tuple) -> bool:
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


def _joined(a: tuple, b: tuple) -> tuple | None:
    """``a`` and ``b`` as one run when the end of ``a`` is the start of ``b`` (``how does`` + ``does that``)."""
    for n in range(min(len(a), len(b)) - 1, 0, -1):
        if a[-n:] == b[:n]:
            return a + b[n:]
    return None


def distinct_terms(terms, texts=None, *, lemmas: bool = False) -> list[str]:
    """Evidence features with what a coder would read twice folded together, in their order.

    The unigrams and bigrams of one block overlap: ``w:probation`` and ``w:probation .`` quote the same word,
    ``n1:does`` lies inside ``n1:how does``. A word term (``w:``, ``p1:``, ``n2:``...) whose words, set apart
    from punctuation at its ends, lie inside another term of its block is dropped, and the longer one takes the
    place of the first of them. With ``texts`` (the text behind each block), terms that overlap end to start
    (``n1:how does``, ``n1:does that``, ``n1:that work``) become one run where the text says it
    (``n1:how does that work``). Punctuation at the ends of a term is dropped; other features pass unchanged.

    Parameters
    ----------
    terms : iterable of str
        Feature names, strongest first (as :meth:`~hrp_coding.suggest.explain.ExplainMixin.evidence` lists them).
    texts : mapping, optional
        ``{"w": turn, "p1": previous turn, "n1": next turn, ...}``; without it no runs are joined.
    lemmas : bool, default False
        Whether the model's tokens are lemmas (to find a joined run in ``texts``).

    Returns
    -------
    list of str

    Examples
    --------
    >>> distinct_terms(["n1:how does", "n1:does", "w:probation", "w:probation .", "w:drug", "c:drug"])
    ['n1:how does', 'w:probation', 'w:drug', 'c:drug']
    >>> distinct_terms(["w:limit", "w:known limit", "w:trust"])
    ['w:known limit', 'w:trust']
    >>> distinct_terms(["n1:how does", "w:court", "n1:does that", "n1:that work"],
    ...                {"w": "The court.", "n1": "How does that work?"})
    ['n1:how does that work', 'w:court']
    """
    kept: list[tuple[str, tuple] | None] = []  # (block, words); None for a feature that is not words
    names: list[str] = []

    def absorb(block: str, words: tuple) -> bool:
        """Fold ``words`` into a kept term of its block; True when it was (nothing new to list)."""
        same = [i for i, k in enumerate(kept) if k is not None and k[0] == block]
        if any(_inside(words, kept[i][1]) for i in same):
            return True
        for i in same:
            run = kept[i][1]
            longer = words if _inside(run, words) else None
            if longer is None and texts is not None:
                joined = _joined(run, words) or _joined(words, run)
                if joined and surface_words(" ".join(joined), texts.get(block) or "", lemmas=lemmas) is not None:
                    longer = joined
            if longer is not None:  # it takes the place of the first term it extends, then swallows the rest
                del kept[i], names[i]
                if not absorb(block, longer):
                    kept.insert(i, (block, longer))
                    names.insert(i, f"{block}:{' '.join(longer)}")
                return True
        return False

    for term in terms:
        block, _, text = term.partition(":")
        if not (block == "w" or re.fullmatch(r"[pn]\d+", block)):
            kept.append(None)
            names.append(term)
        elif not absorb(block, words := _words_of(text)):
            kept.append((block, words))
            names.append(f"{block}:{' '.join(words)}")
    return names


def highlights(text: str, terms, *, lemmas: bool = False, offset: int = 0) -> list[tuple[int, int]]:
    """Character spans (``offset`` added) of ``text`` where the word terms (``w:`` features) occur.

    Parameters
    ----------
    text : str
        A passage.
    terms : iterable of str
        Evidence features; only word features (``w:...``, single words or n-grams) are located.
    lemmas : bool, default False
        Match lemmas, as the model's features were built.
    offset : int, default 0
        Added to every span (the passage's position in its transcript).

    Returns
    -------
    list of (int, int)
        Sorted ``(start, end)`` spans, end exclusive; overlapping n-grams are joined into one span.

    Examples
    --------
    >>> highlights("You can stay with it. Stay.", ["w:stay with", "w:."], offset=10)
    [(18, 27), (30, 31), (36, 37)]
    >>> highlights("You can stay with it.", ["w:stay with", "w:with it"])
    [(8, 20)]
    """
    from hrp_coding.suggest.features import token_offsets

    toks = token_offsets(text, lemmas=lemmas)
    norms = [n for _, _, n in toks]
    out = set()
    for feature in terms:
        block, _, term = feature.partition(":")
        if block != "w" or not term:
            continue
        parts = term.split(" ")
        size = len(parts)
        for i in range(len(norms) - size + 1):
            if norms[i:i + size] == parts:
                out.add((toks[i][0] + offset, toks[i + size - 1][1] + offset))
    merged: list[tuple[int, int]] = []  # overlapping n-grams ("stay with", "with it") mark one stretch
    for start, end in sorted(out):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def pick_run(scores, ratio: float = 0.5) -> tuple[int, int]:
    """First and last index of the run of adjacent kept items that holds the best one.

    An item is kept when its score is at least ``min + ratio * (max - min)``.

    Parameters
    ----------
    scores : array-like of float
        One score per item (the sentences of a turn, say).
    ratio : float, default 0.5
        Where between the lowest and the highest score the cut lies.

    Returns
    -------
    tuple of (int, int)
        The first and last index of the run, inclusive.

    Examples
    --------
    >>> pick_run([0.1, 0.7, 0.9, 0.2, 0.8])
    (1, 2)
    """
    s = np.asarray(scores, dtype=float)
    best = int(np.argmax(s))
    cut = s.min() + ratio * (s.max() - s.min())
    keep = s >= cut - 1e-12
    lo = best
    while lo > 0 and keep[lo - 1]:
        lo -= 1
    hi = best
    while hi < len(s) - 1 and keep[hi + 1]:
        hi += 1
    return lo, hi


def sentence_passages(model, turns, sentences, codes, *, ratio: float = 0.5):
    """Narrow each (turn, code) suggestion to a passage of adjacent sentences.

    Parameters
    ----------
    model : CodeSuggester or ColdStartSuggester
    turns : DataFrame
        One row per suggestion: ``transcript, start, end, text`` and the context columns the model uses.
    sentences : DataFrame
        Sentence segments: ``transcript, start, end, text``.
    codes : sequence of str
        The code suggested for each row of ``turns``.
    ratio : float in [0, 1]
        0 keeps the whole turn, 1 only the strongest sentence (and equally strong neighbours).

    Returns
    -------
    list of (start, end)
        Offsets into the transcript text, one per row; the whole turn when it has one sentence.

    Examples
    --------
    >>> import pandas as pd
    >>> from hrp_coding.suggest.estimator import _example_model
    >>> text = "The rent went up. We sat with her all night."
    >>> turns = pd.DataFrame({"transcript": ["P01"], "start": [0], "end": [len(text)], "text": [text]})
    >>> sentences = pd.DataFrame({"transcript": "P01", "start": [0, 18], "end": [17, 44], "text": text.split(". ")})
    >>> model = _example_model()
    >>> sentence_passages(model, turns, sentences, ["holding"]), sentence_passages(model, turns, sentences, ["money"])
    ([(18, 44)], [(0, 17)])
    """
    import pandas as pd

    out: list[tuple[int, int]] = []
    by_transcript = {t: g.sort_values("start") for t, g in sentences.groupby("transcript")} if len(sentences) else {}
    rows, owners = [], []
    for i, turn in enumerate(turns.itertuples(index=False)):
        g = by_transcript.get(turn.transcript)
        inside = g[(g["start"] >= turn.start) & (g["end"] <= turn.end)] if g is not None else g
        if inside is None or len(inside) < 2:
            owners.append(None)
            continue
        owners.append((len(rows), len(inside)))
        base = turns.iloc[i]
        for s in inside.itertuples(index=False):
            row = base.copy()
            row["text"], row["start"], row["end"] = s.text, s.start, s.end
            rows.append(row)
    scores = None
    if rows:
        frame = pd.DataFrame(rows).reset_index(drop=True)
        if hasattr(model, "ranking_scores"):
            scores, classes = model.ranking_scores(frame), list(model.classes_)
        else:
            scores, classes = model.predict_proba(frame["text"].tolist()), list(model.classes_)
        index = {c: k for k, c in enumerate(classes)}
    for i, turn in enumerate(turns.itertuples(index=False)):
        if owners[i] is None:
            out.append((int(turn.start), int(turn.end)))
            continue
        first, count = owners[i]
        k = index[codes[i]]
        lo, hi = pick_run(scores[first:first + count, k], ratio)
        out.append((int(frame["start"].iloc[first + lo]), int(frame["end"].iloc[first + hi])))
    return out
