"""Grounded-theory evolution: each operation, diff, migration, and Hypothesis property tests over random sequences."""

from __future__ import annotations

import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hrp_coding.codebook import Code, Codebook, shipped_path
from hrp_coding.errors import CodebookError

WHEN = "2024-06-01T12:00:00+00:00"
BASE = Codebook.load(shipped_path("making_room"))


def test_add_in_vivo_code_keeps_quote_and_logs_change():
    cb = BASE.add(Code("door_stays_open", "The door stays open", parent="inviting",
                       in_vivo_quote="my door stays open, always"), who="ana", why="heard in P03", when=WHEN)
    assert cb.version == 2 and BASE.version == 1 and "door_stays_open" not in BASE.codes
    assert cb.codes["door_stays_open"].in_vivo_quote == "my door stays open, always"
    entry = cb.changelog[-1]
    assert (entry.version, entry.op, entry.who, entry.when, entry.why) == (2, "add", "ana", WHEN, "heard in P03")
    assert entry.new_ids == ("door_stays_open",)
    assert 'in vivo: "my door stays open, always"' in entry.what
    assert cb.children("inviting") == ("door_stays_open",)


def test_rename_moves_children_sets_and_codings():
    cb = BASE.rename("making_room", "making_space", name="Making space", who="ben", why="team vote", when=WHEN)
    assert "making_room" not in cb.codes and cb.codes["making_space"].name == "Making space"
    assert cb.children("making_space")[0] == "inviting"
    assert list(cb.codes).index("making_space") == 1  # keeps its place
    m = cb.migration()
    assert m["making_room"].new_id == "making_space" and not m["making_room"].needs_recoding
    assert "renamed to 'making_space' in v2 (team vote)" in m["making_room"].reason
    assert m["holding"].new_id == "holding" and m["holding"].reason == "unchanged"


def test_rename_only_the_display_name():
    cb = BASE.rename("holding", name="Holding (containment)", who="ana", why="clearer", when=WHEN)
    assert cb.codes["holding"].name == "Holding (containment)"
    assert cb.migration()["holding"].new_id == "holding"


def test_merge_into_existing_and_new_code():
    cb = BASE.merge(["staying_with", "holding"], into="holding", who="ana", why="coders cannot separate them",
                    when=WHEN)
    assert "staying_with" not in cb.codes and "holding" in cb.codes
    assert cb.migration()["staying_with"].new_id == "holding"
    cb2 = BASE.merge(["war_on_drugs", "stigma_and_shame"], into=Code("punishment_and_stigma", "Punishment and stigma"),
                     who="ana", why="axial coding", when=WHEN)
    assert cb2.codes["punishment_and_stigma"].parent == "socio_historical_roots"  # took the merged code's place
    m = cb2.migration()
    assert m["war_on_drugs"].new_id == m["stigma_and_shame"].new_id == "punishment_and_stigma"


def test_merge_parent_into_its_descendant_does_not_create_a_cycle():
    cb = BASE.merge(["making_room"], into="holding", who="ana", why="test", when=WHEN)
    assert cb.codes["holding"].parent is None
    assert "inviting" in cb.children("holding")
    assert cb.migration()["making_room"].new_id == "holding"


def test_split_needs_recoding_with_candidates_and_children_follow():
    parts = [Code("enclosure", "Enclosure"), Code("safety", "Safety")]
    cb = BASE.split("enclosure_and_safety", parts, who="caro", why="two ideas", when=WHEN)
    assert cb.children("therapeutic_environment") == ("enclosure", "safety", "exploration_and_growth")
    m = cb.migration()["enclosure_and_safety"]
    assert (m.new_id, m.needs_recoding, m.candidates) == (None, True, ("enclosure", "safety"))
    cb2 = BASE.split("making_room", [Code("opening", "Opening"), Code("enclosing", "Enclosing")],
                     children_to="enclosing", who="ana", why="test", when=WHEN)
    assert cb2.codes["holding"].parent == "enclosing" and cb2.codes["opening"].parent is None


def test_move_and_retire():
    cb = BASE.move("practitioner_formation", "socio_historical_roots", who="ana", why="axial", when=WHEN)
    assert cb.codes["practitioner_formation"].parent == "socio_historical_roots"
    assert cb.migration()["practitioner_formation"].new_id == "practitioner_formation"
    cb = cb.retire("war_on_drugs", who="ana", why="never applied", when=WHEN)
    assert cb.codes["war_on_drugs"].status == "retired"
    assert "war_on_drugs" not in cb.active_codes
    m = cb.migration()["war_on_drugs"]
    assert (m.new_id, m.needs_recoding, m.candidates) == (None, True, ("socio_historical_roots",))
    assert "retired in v3 (never applied)" in m.reason


def test_chains_are_followed():
    cb = (BASE.rename("holding", "containing", who="a", why="", when=WHEN)
          .merge(["containing", "staying_with"], into="staying_with", who="a", why="", when=WHEN)
          .split("staying_with", [Code("staying", "Staying"), Code("enduring", "Enduring")], who="a", why="",
                 when=WHEN)
          .rename("enduring", "bearing", who="a", why="", when=WHEN))
    m = cb.migration()
    assert m["holding"].needs_recoding and m["holding"].candidates == ("staying", "bearing")
    assert m["enduring"].new_id == "bearing"
    assert cb.version == 5 and [e.op for e in cb.changelog] == ["create", "rename", "merge", "split", "rename"]


@pytest.mark.parametrize(("call", "message"), [
    (lambda cb: cb.add(Code("holding", "Again"), who="a", why=""), "already exists"),
    (lambda cb: cb.rename("holdng", "x", who="a", why=""), "did you mean 'holding'?"),
    (lambda cb: cb.rename("holding", "inviting", who="a", why=""), "already exists"),
    (lambda cb: cb.rename("holding", who="a", why=""), "nothing to rename"),
    (lambda cb: cb.move("making_room", "holding", who="a", why=""), "its own ancestor"),
    (lambda cb: cb.split("holding", [Code("only_one", "One")], who="a", why=""), "at least two"),
    (lambda cb: cb.merge(["holding"], into="holding", who="a", why=""), "into itself"),
    (lambda cb: cb.edit("holding", id="x", who="a", why=""), "cannot edit field 'id'"),
    (lambda cb: cb.edit("holding", colour="#000000", who="a", why=""), "did you mean 'color'?"),
    (lambda cb: cb.add(Code("new", "New"), who="", why=""), "say who made the change"),
    (lambda cb: cb.retire("holding", who="a", why="").retire("holding", who="a", why=""), "already retired"),
])
def test_invalid_operations_name_the_problem(call, message):
    with pytest.raises(CodebookError, match=message.replace("(", r"\(").replace(")", r"\)").replace("?", r"\?")):
        call(BASE)


def test_ids_are_never_reused():
    cb = BASE.rename("holding", "containing", who="a", why="", when=WHEN)
    with pytest.raises(CodebookError, match="used earlier in this codebook's history"):
        cb.add(Code("holding", "Holding"), who="a", why="")


def test_diff_lists_changes_and_history():
    new = (BASE.add(Code("door_stays_open", "Door stays open", parent="inviting"), who="ana", why="P03", when=WHEN)
           .edit("holding", definition="Changed.", who="ben", why="clarity", when=WHEN)
           .retire("war_on_drugs", who="ana", why="unused", when=WHEN)
           .rename("stigma_and_shame", "stigma", who="ana", why="short", when=WHEN))
    d = BASE.diff(new)
    assert d.added == ("stigma", "door_stays_open") or set(d.added) == {"stigma", "door_stays_open"}
    assert d.removed == ("stigma_and_shame",)
    assert dict(d.changed) == {"holding": ("definition",), "war_on_drugs": ("status",)}
    assert [e.op for e in d.entries] == ["add", "edit", "retire", "rename"]
    text = str(d)
    assert text.startswith("Making room v1 -> v5: 2 added, 1 removed, 2 changed")
    assert "v3 edit by ben (2024-06-01T12:00:00+00:00): edited 'holding': definition: clarity" in text
    assert not BASE.diff(BASE)


def test_evolved_codebook_saves_and_reloads_with_its_history(tmp_path):
    cb = (BASE.split("holding", [Code("holding_emotion", "Holding emotion"), Code("holding_space", "Holding space")],
                     who="ana", why="two ideas", when=WHEN)
          .merge(["war_on_drugs"], into="stigma_and_shame", who="ben", why="overlap", when=WHEN))
    cb.save(tmp_path / "cb.yaml")
    again = Codebook.load(tmp_path / "cb.yaml")
    assert again == cb and again.migration() == cb.migration()


# ---------------------------------------------------------------------------------------------- properties
OPS = ["add", "rename", "merge", "split", "move", "retire", "edit"]


def apply_random_op(cb: Codebook, data, counter: int) -> Codebook:
    ids = list(cb.codes)
    op = data.draw(st.sampled_from(OPS), label="op")
    kw = {"who": data.draw(st.sampled_from(["ana", "ben", "caro"])), "why": "property test", "when": WHEN}
    if op == "add":
        parent = data.draw(st.sampled_from([None, *ids]))
        quote = data.draw(st.one_of(st.none(), st.text(min_size=1, max_size=20).filter(str.strip)))
        return cb.add(Code(f"new_{counter}", f"New {counter}", parent=parent, in_vivo_quote=quote), **kw)
    if op == "rename":
        return cb.rename(data.draw(st.sampled_from(ids)), f"renamed_{counter}", **kw)
    if op == "merge" and len(ids) >= 2:
        sources = data.draw(st.lists(st.sampled_from(ids), min_size=1, max_size=3, unique=True))
        if data.draw(st.booleans()):
            target = data.draw(st.sampled_from(ids))
            if sources == [target]:
                sources = [target, next(i for i in ids if i != target)]
            return cb.merge(sources, into=target, **kw)
        parent = data.draw(st.sampled_from([None, *ids]))
        return cb.merge(sources, into=Code(f"merged_{counter}", f"Merged {counter}", parent=parent), **kw)
    if op == "split":
        n = data.draw(st.integers(2, 3))
        parts = [Code(f"part_{counter}_{k}", f"Part {counter}.{k}") for k in range(n)]
        children_to = data.draw(st.sampled_from([None, *(p.id for p in parts)]))
        return cb.split(data.draw(st.sampled_from(ids)), parts, children_to=children_to, **kw)
    if op == "move":
        code_id = data.draw(st.sampled_from(ids))
        banned = {code_id, *cb.descendants(code_id)}
        options = [i for i in [None, *ids] if i not in banned and i != cb.codes[code_id].parent]
        if options:
            return cb.move(code_id, data.draw(st.sampled_from(options)), **kw)
    if op == "retire":
        active = [i for i in ids if cb.codes[i].status == "active"]
        if active:
            return cb.retire(data.draw(st.sampled_from(active)), **kw)
    return cb.edit(data.draw(st.sampled_from(ids)), memo=f"memo {counter}", **kw)


def check_migration(original: Codebook, final: Codebook) -> None:
    migration = final.migration()
    for old_id in original.codes:
        assert old_id in migration, old_id
    for m in migration.values():
        if m.needs_recoding:
            assert m.new_id is None
            for candidate in m.candidates:
                assert candidate in final.codes and final.codes[candidate].is_active, (m, candidate)
        else:
            assert m.new_id in final.codes, m
            assert final.codes[m.new_id].is_active and final.codes[m.new_id].codable, m
            assert m.candidates == ()
    for code_id, code in final.codes.items():  # current active codes map to themselves
        if code.is_active and code.codable:
            assert migration[code_id].new_id == code_id


@pytest.mark.slow  # 60 random sequences of evolution steps: ~5 s of CPU
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_any_sequence_keeps_migration_total(data):
    steps = data.draw(st.integers(1, 8), label="steps")
    snapshot = BASE.to_dict()
    cb = BASE
    for k in range(steps):
        cb = apply_random_op(cb, data, k)
    assert BASE.to_dict() == snapshot  # never mutated
    assert cb.version == BASE.version + steps
    assert len(cb.changelog) == len(BASE.changelog) + steps
    assert [e.version for e in cb.changelog[1:]] == list(range(2, steps + 2))
    check_migration(BASE, cb)
    # the history survives the YAML file: reloading gives the same codebook and migration
    reloaded = Codebook.from_dict(cb.to_dict())
    assert reloaded == cb and reloaded.migration() == cb.migration()


@pytest.mark.slow  # 25 random codebooks written and read as .qdc: ~3 s of CPU
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_property_evolved_codebooks_round_trip_through_qdc(data, tmp_path_factory):
    cb = BASE
    for k in range(data.draw(st.integers(1, 5))):
        cb = apply_random_op(cb, data, k)
    path = tmp_path_factory.mktemp("qdc") / "cb.qdc"
    cb.to_qdc(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Codebook.from_qdc(path) == cb
