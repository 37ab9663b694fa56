"""Re-anchoring never guesses silently: exact categories, the two named defects, a property test under random edits."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, note, settings
from hypothesis import strategies as st

from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import AnchorWarning
from hrp_coding.project import Project
from hrp_coding.store.anchors import CATEGORIES, Target, make_anchor, reanchor
from tests._reanchor_edits import edit, misplaced, original_text, random_spans

QA = (
    "I: How was the first week?\n"
    "P: Yeah. It was hard, nobody called me back.\n"
    "I: How was the third week?\n"
    "P: Yeah. It got easier when Sam came around.\n"
)


def _study(tmp_path, text):
    cb = Codebook(name="Mini", version=1, codes=[Code("agree", "Agreeing"), Code("refuse", "Refusing")])
    project = Project.init(tmp_path / "study", codebook=cb, coders=["ana"])
    project.add_transcript(text, transcript_id="P01")
    return project


def _code(study, text, quote, occurrence, code="agree"):
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return study.add_coding(coder="ana", transcript="P01", start=start, end=start + len(quote), code=code).id


def _category(report, coding_id):
    found = [name for name in ("unchanged", "moved", "fuzzy", "needs_review", "orphaned")
             if coding_id in {getattr(r, "coding_id", r) for r in getattr(report, name)}]
    assert len(found) == 1, found
    return found[0]


def test_swapped_answers_both_starting_yeah_follow_their_own_answer(tmp_path):
    # Defect: the coding stayed at its old offsets (now the other answer's "Yeah.") and was reported "unchanged".
    study = _study(tmp_path, QA)
    second = _code(study, QA, "Yeah.", 1)
    first = _code(study, QA, "Yeah.", 0)
    lines = QA.splitlines(keepends=True)
    swapped = "".join(lines[2:4] + lines[0:2])
    # both "Yeah." sit at the same offsets as before: only the words around them tell them apart
    assert [m.start() for m in re.finditer("Yeah", swapped)] == [m.start() for m in re.finditer("Yeah", QA)]
    report = study.update_transcript("P01", swapped)
    frame = study.codings().set_index("coding_id")
    for cid, answer in ((second, "Yeah. It got easier"), (first, "Yeah. It was hard")):
        start = int(frame.loc[cid, "start"])
        assert swapped[start:start + len(answer)] == answer
        assert _category(report, cid) != "unchanged"


def test_deleted_coded_no_is_orphaned_not_moved_to_an_earlier_no(tmp_path):
    # Defect: the coding moved to the earlier "No." instead of being orphaned.
    text = ("I: Did anyone call you?\nP: No.\nI: Did you call them?\nP: No. I was too ashamed.\n"
            "I: Would you go back?\nP: No.\nI: Thank you.\n")
    study = _study(tmp_path, text)
    kept = _code(study, text, "No.", 0, code="refuse")
    deleted = _code(study, text, "No.", 2, code="refuse")
    new = text.replace("I: Would you go back?\nP: No.\n", "")
    with pytest.warns(AnchorWarning):
        report = study.update_transcript("P01", new)
    assert _category(report, deleted) == "orphaned"
    assert _category(report, kept) == "unchanged"
    frame = study.codings().set_index("coding_id")
    assert deleted not in frame.index and int(frame.loc[kept, "start"]) == text.index("No.")
    orphan = study.codings(include_orphaned=True).set_index("coding_id").loc[deleted]
    assert orphan["status"] == "orphaned"


@pytest.mark.slow  # several processes or hundreds of examples: the full run, not the quick loop
@settings(max_examples=300, deadline=None, derandomize=True)
@given(rng=st.randoms(use_true_random=False), n_lines=st.integers(2, 40), n_edits=st.integers(1, 5),
       n_codings=st.integers(1, 15))
def test_every_coding_is_exactly_placed_or_reported_under_random_edits(rng, n_lines, n_edits, n_codings):
    # insertions, deletions, swaps of turns and duplicated passages, over answers full of "Yeah." and "No."
    old = original_text(rng, n_lines)
    spans = random_spans(rng, old, n_codings)
    new, provenance = edit(rng, old, n_edits)
    targets = [Target(f"c{i}", s, e, make_anchor(old, s, e)) for i, (s, e) in enumerate(spans)]
    result = reanchor(old, new, targets)
    note(f"old={old!r}\nnew={new!r}\nspans={spans}")
    assert [p.coding_id for p in result.placements] == [t.id for t in targets]
    assert sum(result.counts().values()) == len(targets)
    for p in result.placements:
        assert p.category in CATEGORIES
        if p.category in ("unchanged", "moved"):
            assert new[p.start:p.end] == p.quote and p.score == 1.0
            assert (p.category == "unchanged") == ((p.start, p.end) == (p.old_start, p.old_end))
        elif p.category == "fuzzy":
            assert 0 <= p.start < p.end <= len(new) and p.score >= 0.8
        else:
            assert p.start is None and p.end is None
    assert [p for p in result.placements if misplaced(p, provenance, old, new)] == []
