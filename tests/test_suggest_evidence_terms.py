"""Evidence a coder reads says each word once (spans.distinct_terms, spans.highlights): properties."""

from __future__ import annotations

from itertools import pairwise

from hypothesis import given
from hypothesis import strategies as st

from hrp_coding.suggest.spans import _words_of, distinct_terms, highlights

WORDS = ["how", "does", "that", "work", "probation", "drug", "court", ".", ","]
TEXTS = {"w": "The drug court, probation. How does that work?", "n1": "How does that work for you?"}


def _inside(short, long):
    return any(long[i:i + len(short)] == short for i in range(len(long) - len(short) + 1))


terms = st.lists(st.tuples(st.sampled_from(["w", "n1", "c", "kw"]),
                           st.lists(st.sampled_from(WORDS), min_size=1, max_size=3)), max_size=8)


@given(terms, st.booleans())
def test_no_term_is_said_twice_and_no_word_is_lost(raw, with_texts):
    names = [f"{block}:{' '.join(words)}" for block, words in raw]
    out = distinct_terms(names, TEXTS if with_texts else None)
    lexical = [(t.partition(":")[0], tuple(t.partition(":")[2].split(" "))) for t in out
               if t.partition(":")[0] in ("w", "n1")]
    for i, (block, words) in enumerate(lexical):  # nothing inside another term of its block
        for other_block, other in lexical[i + 1:]:
            assert not (block == other_block and (_inside(words, other) or _inside(other, words))), out
    for name in names:  # every word term's words still stand inside a term of its block
        block, _, text = name.partition(":")
        if block in ("w", "n1"):
            assert any(b == block and _inside(_words_of(text), w) for b, w in lexical), (name, out)
    # features that are not words pass through, in their order
    assert [t for t in out if t[:2] in ("c:", "kw")] == [n for n in names if n[:2] in ("c:", "kw")]


def test_runs_are_joined_only_where_the_text_says_them():
    assert distinct_terms(["n1:how does", "n1:does that"], TEXTS) == ["n1:how does that"]
    assert distinct_terms(["n1:how does", "n1:does that"]) == ["n1:how does", "n1:does that"]  # no text: kept
    # "that work" and "work for" overlap, but "court that work" is not in the turn: both stay
    assert distinct_terms(["w:court that", "w:that work"], TEXTS) == ["w:court that", "w:that work"]


@given(st.lists(st.sampled_from(["w:how does", "w:does that", "w:that", "w:work", "w:drug court", "w:court"]),
                max_size=6))
def test_highlights_never_overlap(features):
    spans = highlights(TEXTS["w"], features)
    assert all(a[1] <= b[0] for a, b in pairwise(spans)), spans
    assert all(TEXTS["w"][a:b].strip() == TEXTS["w"][a:b] for a, b in spans)
