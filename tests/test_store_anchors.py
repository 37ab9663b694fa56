"""Anchors: exact, near, unique and fuzzy re-placement of quotes after edits."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from hrp_coding.store.anchors import OffsetMapper, make_anchor, place

OLD = ("Interviewer: Tell me about the first visit.\n\n"
       "P02: We just sat with her. Nobody asked her to stop. We just sat with her again the next week.\n")


def test_unchanged_and_shifted():
    s = OLD.index("Nobody asked")
    anchor = make_anchor(OLD, s, s + 24)
    assert place(anchor, s, s + 24, OLD).method == "unchanged"
    new = "Interviewer: Hello.\n\n" + OLD
    p = place(anchor, s, s + 24, new, old_text=OLD)
    assert (p.method, new[p.start:p.end]) == ("exact_near", "Nobody asked her to stop")


def test_repeated_quote_resolved_by_place_and_context():
    second = OLD.index("We just sat with her again")
    anchor = make_anchor(OLD, second, second + 19)
    assert anchor.quote == "We just sat with her"[:19]
    new = OLD.replace("Tell me about", "Please tell me more about")
    p = place(anchor, second, second + 19, new, old_text=OLD)
    assert p.start == new.index("We just sat with her again")


def test_moved_far_away_is_found_when_unique():
    s = OLD.index("Nobody asked her to stop.")
    anchor = make_anchor(OLD, s, s + 25)
    new = OLD.replace("Nobody asked her to stop. ", "") + "filler words. " * 40 + "\nP02: Nobody asked her to stop.\n"
    p = place(anchor, s, s + 25, new, old_text=OLD)
    assert (p.method, new[p.start:p.end]) == ("exact_unique", "Nobody asked her to stop.")


def test_fuzzy_placement_and_threshold():
    s = OLD.index("Nobody asked her to stop.")
    anchor = make_anchor(OLD, s, s + 25)
    new = OLD.replace("Nobody asked her to stop.", "Nobody ever asked her to stop.")
    p = place(anchor, s, s + 25, new, old_text=OLD)
    assert p.method == "fuzzy" and p.score > 0.85
    assert new[p.start:p.end] == "Nobody ever asked her to stop."
    strict = place(anchor, s, s + 25, new, old_text=OLD, threshold=0.99)
    assert (strict.method, strict.start) == (None, None)
    gone = OLD.replace("Nobody asked her to stop. ", "")
    assert place(anchor, s, s + 25, gone, old_text=OLD).method is None


def test_offset_mapper_maps_through_inserted_and_deleted_lines():
    old = "a\nb\nc\nd\n"
    new = "a\nX\nY\nb\nd\n"
    m = OffsetMapper(old, new)
    assert m.map(2) == new.index("b") and m.map(6) == new.index("d")


@settings(max_examples=60, deadline=None)
@given(prefix=st.text(alphabet="abc \n", max_size=40), suffix=st.text(alphabet="abc \n", max_size=40),
       before=st.text(alphabet="xyz \n", max_size=30))
def test_inserting_text_anywhere_outside_keeps_exact_quotes(prefix, suffix, before):
    quote = "QUOTED PASSAGE"
    old = prefix + quote + suffix
    s = len(prefix)
    anchor = make_anchor(old, s, s + len(quote))
    new = before + old
    p = place(anchor, s, s + len(quote), new, old_text=old)
    assert new[p.start:p.end] == quote and p.score == 1.0
