"""Anchors and the alignment: exact, moved, fuzzy, needs-review and orphaned placements of quotes after edits."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hrp_coding.store.align import Alignment
from hrp_coding.store.anchors import CATEGORIES, Target, make_anchor, reanchor

OLD = ("Interviewer: Tell me about the first visit.\n\n"
       "P02: We just sat with her. Nobody asked her to stop. We just sat with her again the next week.\n")


def one(old, new, quote, occurrence=0, **kw):
    start = -1
    for _ in range(occurrence + 1):
        start = old.index(quote, start + 1)
    return reanchor(old, new, [Target("c", start, start + len(quote), make_anchor(old, start, start + len(quote)))],
                    **kw).placements[0]


def test_unchanged_and_shifted():
    assert one(OLD, OLD, "Nobody asked her to stop").category == "unchanged"
    new = "Interviewer: Hello.\n\n" + OLD
    p = one(OLD, new, "Nobody asked her to stop")
    assert (p.category, p.method, new[p.start:p.end]) == ("moved", "diff", "Nobody asked her to stop")


def test_repeated_quote_follows_its_own_words():
    new = OLD.replace("Tell me about", "Please tell me more about")
    p = one(OLD, new, "We just sat with her", occurrence=1)
    assert (p.category, p.start) == ("moved", new.index("We just sat with her again"))


def test_moved_far_away_is_found_by_its_context():
    line = "P02: We just sat with her. Nobody asked her to stop."
    new = (OLD.replace("We just sat with her. Nobody asked her to stop. ", "") + "filler words. " * 40 + "\n"
           + line + " Then she left.\n")
    p = one(OLD, new, "We just sat with her. Nobody asked her to stop.")
    assert (p.category, p.method, new[p.start:p.end]) == ("moved", "context",
                                                          "We just sat with her. Nobody asked her to stop.")


def test_fuzzy_placement_and_threshold():
    new = OLD.replace("Nobody asked her to stop.", "Nobody ever asked her to stop.")
    p = one(OLD, new, "Nobody asked her to stop.")
    assert p.category == "fuzzy" and p.score > 0.85
    assert new[p.start:p.end] == "Nobody ever asked her to stop."
    strict = one(OLD, new, "Nobody asked her to stop.", threshold=0.99)
    assert (strict.category, strict.start) == ("orphaned", None)
    gone = OLD.replace("Nobody asked her to stop. ", "")
    assert one(OLD, gone, "Nobody asked her to stop.").category == "orphaned"


def test_duplicated_passage_needs_review_with_both_candidates():
    new = OLD + OLD  # the quote and all its context now occur twice: either could be the coder's
    p = one(OLD, new, "Nobody asked her to stop")
    assert (p.category, p.start) == ("needs_review", None)
    assert [new[a:b] for a, b in p.candidates] == ["Nobody asked her to stop"] * 2


def test_copy_with_other_context_leaves_the_coding_on_the_original():
    new = OLD + "P03: Nobody asked her to stop, she said.\n"
    p = one(OLD, new, "Nobody asked her to stop")
    assert (p.category, p.start) == ("unchanged", OLD.index("Nobody"))


def test_every_coding_in_exactly_one_category():
    quotes = ["Tell me", "We just sat with her", "Nobody asked", "the next week"]
    targets = [Target(q, OLD.index(q), OLD.index(q) + len(q), make_anchor(OLD, OLD.index(q), OLD.index(q) + len(q)))
               for q in quotes]
    new = OLD.replace("Nobody asked her to stop. ", "").replace("Tell me", "Tell me, please,")
    result = reanchor(OLD, new, targets)
    assert sum(result.counts().values()) == len(quotes) and set(result.counts()) == set(CATEGORIES)
    assert {p.coding_id: p.category for p in result.placements} == {
        "Tell me": "unchanged", "We just sat with her": "moved", "Nobody asked": "orphaned", "the next week": "moved"}


def test_alignment_maps_through_inserted_and_deleted_lines():
    old, new = "a\nb\nc\nd\n", "a\nX\nY\nb\nd\n"
    al = Alignment(old, new)
    assert al.map_span(2, 3) == (6, 7) and al.map_span(6, 7) == (8, 9) and al.map_span(4, 5) is None
    assert al.destroyed("c", "old") == 1 and al.destroyed("X", "new") == 1 and al.destroyed("b", "new") == 0


@settings(max_examples=60, deadline=None)
@given(prefix=st.text(alphabet="abc \n", max_size=40), suffix=st.text(alphabet="abc \n", max_size=40),
       before=st.text(alphabet="xyz \n", max_size=30))
# a one-line transcript that gained a preamble longer than the quote: found by a clean-clone CI run
@example(prefix="", suffix="", before="x" * 19)
def test_inserting_text_anywhere_outside_keeps_exact_quotes(prefix, suffix, before):
    quote = "QUOTED PASSAGE"
    old = prefix + quote + suffix
    new = before + old
    p = one(old, new, quote)
    assert p.category in ("unchanged", "moved") and new[p.start:p.end] == quote and p.score == 1.0
