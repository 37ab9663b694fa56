"""Grounded-theory evolution of a codebook: add, rename, merge, split, move, retire, edit; diff and migration.

Every operation returns a new :class:`~hrp_coding.codebook.model.Codebook` with ``version`` increased by one
and a :class:`~hrp_coding.codebook.model.ChangeEntry` appended to its changelog (what, who, when, why, and the
code ids taken and produced). The input codebook is never modified.

A code id is never reused: once an id has existed (even if it was later renamed or merged away), no new code
may take it, so that :func:`migration` can always say unambiguously where old codings go.

Examples
--------
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("holdng", "Holding", parent="care"),
...                                              Code("sitting_with", "Sitting with", parent="care")])
>>> cb2 = cb.rename("holdng", "holding", who="ana", why="typo", when="2024-05-01")
>>> cb3 = cb2.merge(["sitting_with"], into="holding", who="ben", why="same process", when="2024-05-02")
>>> m = cb3.migration()
>>> m["holdng"].new_id, m["sitting_with"].new_id
('holding', 'holding')
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from typing import Any

from hrp_coding.codebook.model import (
    CODE_FIELDS,
    ID_PATTERN,
    ChangeEntry,
    Code,
    Codebook,
    CodebookDiff,
    CodeMigration,
    CodeSet,
)
from hrp_coding.errors import CodebookError, Problem, did_you_mean

__all__ = ["add", "diff", "edit", "ever_ids", "merge", "migration", "move", "rename", "retire", "split",
           "unaccounted_ids"]

EDITABLE_FIELDS = tuple(f for f in CODE_FIELDS if f not in ("id", "parent", "status"))


def _when(when: str | dt.date | None) -> str:
    if when is None:
        return dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    if isinstance(when, (dt.date, dt.datetime)):
        return when.isoformat()
    return str(when)


def _fail(path: str, message: str, hint: str | None = None):
    raise CodebookError([Problem(path, message, hint=hint)])


def _require(cb: Codebook, code_id: str, what: str = "code") -> Code:
    if code_id not in cb.codes:
        _fail(what, f"unknown code {code_id!r}", did_you_mean(code_id, cb.codes))
    return cb.codes[code_id]


def _check_who(who: str) -> None:
    if not isinstance(who, str) or not who.strip():
        _fail("who", f"say who made the change (a non-empty name), got {who!r}")


def ever_ids(cb: Codebook) -> tuple[str, ...]:
    """Every code id that ever existed in this codebook's history (current codes first, then the changelog's).

    Parameters
    ----------
    cb : Codebook
        The codebook whose current codes and changelog are read.

    Returns
    -------
    tuple of str
        Each id once: the current codes in file order, then the ids the changelog names that are gone.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("a", "A")]).rename("a", "b", who="ana", why="")
    >>> ever_ids(cb)
    ('b', 'a')
    """
    seen = dict.fromkeys(cb.codes)
    for entry in cb.changelog:
        seen.update(dict.fromkeys(entry.old_ids))
        seen.update(dict.fromkeys(entry.new_ids))
    return tuple(seen)


def _check_new_id(cb: Codebook, code_id: str, path: str = "id") -> None:
    if not isinstance(code_id, str) or not ID_PATTERN.match(code_id):
        _fail(path, f"invalid code id {code_id!r}", "use lowercase letters, digits and underscores, starting with "
              "a letter")
    if code_id in cb.codes:
        _fail(path, f"code id {code_id!r} already exists")
    if code_id in ever_ids(cb):
        _fail(path, f"code id {code_id!r} was used earlier in this codebook's history",
              "ids are never reused, so that old codings stay unambiguous; choose another id")


def _bump(cb: Codebook, codes: Iterable[Code], entry: dict[str, Any], sets: Iterable[CodeSet] | None = None,
          ) -> Codebook:
    _check_who(entry["who"])
    change = ChangeEntry(version=cb.version + 1, **entry)
    return Codebook(name=cb.name, version=cb.version + 1, codes=list(codes), changelog=(*cb.changelog, change),
                    citation=cb.citation, description=cb.description,
                    sets=tuple(cb.sets if sets is None else sets), comment=cb.comment,
                    coded_roles=cb.coded_roles)


def _replace_members(sets: Iterable[CodeSet], mapping: dict[str, tuple[str, ...]]) -> tuple[CodeSet, ...]:
    out = []
    for s in sets:
        members: list[str] = []
        for m in s.members:
            for new in mapping.get(m, (m,)):
                if new not in members:
                    members.append(new)
        out.append(dataclasses.replace(s, members=tuple(members)))
    return tuple(out)


def add(cb: Codebook, code: Code, *, who: str, why: str, when: str | None = None) -> Codebook:
    """A new codebook with ``code`` appended.

    Parameters
    ----------
    cb : Codebook
    code : Code
        The new code: an id new to the codebook's history, an existing parent or none; an in-vivo code carries
        the participant's words in ``in_vivo_quote`` (the changelog records them).
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, with an ``add`` changelog entry whose ``new_ids`` is the code's id.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> cb2 = cb.add(Code("door_stays_open", "The door stays open", parent="care",
    ...                   in_vivo_quote="the door stays open, always"), who="ana", why="heard in P03")
    >>> cb2.codes["door_stays_open"].in_vivo_quote, cb2.changelog[-1].op
    ('the door stays open, always', 'add')
    """
    if not isinstance(code, Code):
        _fail("code", f"expected a Code, got {type(code).__name__}", "build one with Code(id, name, ...)")
    _check_new_id(cb, code.id, "code.id")
    if code.parent is not None:
        _require(cb, code.parent, "code.parent")
    what = f"added code {code.id!r}" + (f" under {code.parent!r}" if code.parent else " at the top level")
    if code.in_vivo_quote:
        what += f" (in vivo: \"{code.in_vivo_quote}\")"
    return _bump(cb, [*cb.codes.values(), code],
                 {"op": "add", "what": what, "who": who, "when": _when(when), "why": why, "new_ids": (code.id,)})


def rename(cb: Codebook, old_id: str, new_id: str | None = None, *, name: str | None = None, who: str, why: str,
           when: str | None = None) -> Codebook:
    """A new codebook where code ``old_id`` has the id ``new_id`` and/or the display name ``name``.

    Parameters
    ----------
    cb : Codebook
    old_id : str
        The code to rename; its children, sets and (through :func:`migration`) codings follow.
    new_id : str, optional
        Its new id (never used before in the codebook's history); by default the id stays.
    name : str, optional
        Its new display name; by default the name stays. At least one of ``new_id`` and ``name`` must change.
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, with a ``rename`` entry (``old_ids=(old_id,)``, ``new_ids=(new_id,)``).

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("holdng", "Holding")])
    >>> list(rename(cb, "holdng", "holding", who="ana", why="typo").codes)
    ['holding']
    """
    code = _require(cb, old_id, "old_id")
    new_id = old_id if new_id is None else new_id
    if new_id == old_id and (name is None or name == code.name):
        _fail("new_id", f"nothing to rename: give a new id or a new name for {old_id!r}")
    if new_id != old_id:
        _check_new_id(cb, new_id, "new_id")
    renamed = dataclasses.replace(code, id=new_id, name=code.name if name is None else name)
    codes = []
    for c in cb.codes.values():
        if c.id == old_id:
            c = renamed
        elif c.parent == old_id:
            c = dataclasses.replace(c, parent=new_id)
        codes.append(c)
    parts = []
    if new_id != old_id:
        parts.append(f"id {old_id!r} -> {new_id!r}")
    if renamed.name != code.name:
        parts.append(f"name {code.name!r} -> {renamed.name!r}")
    return _bump(cb, codes, {"op": "rename", "what": "renamed " + ", ".join(parts), "who": who, "when": _when(when),
                             "why": why, "old_ids": (old_id,), "new_ids": (new_id,)},
                 sets=_replace_members(cb.sets, {old_id: (new_id,)}))


def merge(cb: Codebook, ids: Iterable[str], into: str | Code, *, who: str, why: str,
          when: str | None = None) -> Codebook:
    """A new codebook where the codes ``ids`` are merged into ``into``.

    Parameters
    ----------
    cb : Codebook
    ids : str or iterable of str
        The codes merged (each once, at least one other than the target): their children move under the
        target, their codings migrate to it; the target takes the place of a merged ancestor.
    into : str or Code
        An existing code id (maybe one of ``ids``) or a new :class:`Code`, placed where the first merged code
        was (under its parent unless the new code names another).
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, with a ``merge`` entry (``old_ids=ids``, ``new_ids=(target,)``).

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding"), Code("sitting", "Sitting with")])
    >>> merge(cb, ["sitting"], into="holding", who="ben", why="same").migration()["sitting"].new_id
    'holding'
    """
    if isinstance(ids, str):
        ids = [ids]
    ids = list(ids)
    if not ids:
        _fail("ids", "give at least one code to merge")
    if len(set(ids)) != len(ids):
        _fail("ids", f"a code is listed twice: {ids!r}")
    for i, code_id in enumerate(ids):
        _require(cb, code_id, f"ids[{i}]")
    if isinstance(into, Code):
        _check_new_id(cb, into.id, "into.id")
        if into.parent is not None:
            _require(cb, into.parent, "into.parent")
        # a new target without a parent takes the place of the first merged code
        candidate_parent = into.parent if into.parent is not None else cb.codes[ids[0]].parent
        target, target_code = into.id, into
    else:
        target_code = _require(cb, into, "into")
        target, candidate_parent = into, target_code.parent
    removed = [i for i in ids if i != target]
    if not removed:
        _fail("ids", f"merging {target!r} into itself changes nothing")
    gone = set(removed)
    chain = []
    parent = candidate_parent
    while parent is not None:
        chain.append(parent)
        parent = cb.codes[parent].parent
    hits = [k for k, p in enumerate(chain) if p in gone]
    new_parent = (chain[hits[-1] + 1] if hits[-1] + 1 < len(chain) else None) if hits else candidate_parent
    target_code = dataclasses.replace(target_code, parent=new_parent)
    codes = []
    for c in cb.codes.values():
        if c.id in gone:
            if c.id == removed[0] and isinstance(into, Code):
                codes.append(target_code)  # a new target takes the place of the first merged code
            continue
        if c.id == target:
            c = target_code
        elif c.parent in gone:
            c = dataclasses.replace(c, parent=target)
        codes.append(c)
    what = f"merged {', '.join(repr(i) for i in removed)} into {target!r}"
    return _bump(cb, codes, {"op": "merge", "what": what, "who": who, "when": _when(when), "why": why,
                             "old_ids": tuple(ids), "new_ids": (target,)},
                 sets=_replace_members(cb.sets, {i: (target,) for i in removed}))


def split(cb: Codebook, code_id: str, into: Iterable[Code], *, children_to: str | None = None, who: str, why: str,
          when: str | None = None) -> Codebook:
    """A new codebook where ``code_id`` is replaced by the new codes ``into``; its codings need recoding.

    Parameters
    ----------
    cb : Codebook
    code_id : str
        The code to split.
    into : iterable of Code
        At least two new codes (ids never used before); a part without a parent takes the split code's parent.
    children_to : str, optional
        The part (by id) that takes the split code's children; the first part by default.
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, with a ``split`` entry (``old_ids=(code_id,)``, ``new_ids`` the parts).

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding")])
    >>> parts = [Code("holding_emotion", "Emotion"), Code("holding_space", "Space")]
    >>> split(cb, "holding", parts, who="ana", why="two processes").migration()["holding"].candidates
    ('holding_emotion', 'holding_space')
    """
    code = _require(cb, code_id, "code_id")
    parts = list(into)
    if len(parts) < 2:
        _fail("into", f"a split needs at least two new codes, got {len(parts)}", "to rename a code use rename()")
    for i, part in enumerate(parts):
        if not isinstance(part, Code):
            _fail(f"into[{i}]", f"expected a Code, got {type(part).__name__}")
        _check_new_id(cb, part.id, f"into[{i}].id")
        if part.parent is not None and part.parent != code_id:
            _require(cb, part.parent, f"into[{i}].parent")
    part_ids = [p.id for p in parts]
    if len(set(part_ids)) != len(part_ids):
        _fail("into", f"two parts share an id: {part_ids!r}")
    if any(p.parent == code_id for p in parts):
        _fail("into", f"a part cannot be placed under {code_id!r}, which the split removes")
    children_to = part_ids[0] if children_to is None else children_to
    if children_to not in part_ids:
        _fail("children_to", f"{children_to!r} is not one of the parts {part_ids!r}")
    parts = [dataclasses.replace(p, parent=code.parent) if p.parent is None else p for p in parts]
    codes = []
    for c in cb.codes.values():
        if c.id == code_id:
            codes.extend(parts)
            continue
        if c.parent == code_id:
            c = dataclasses.replace(c, parent=children_to)
        codes.append(c)
    what = f"split {code_id!r} into {', '.join(repr(p) for p in part_ids)}"
    return _bump(cb, codes, {"op": "split", "what": what, "who": who, "when": _when(when), "why": why,
                             "old_ids": (code_id,), "new_ids": tuple(part_ids)},
                 sets=_replace_members(cb.sets, {code_id: tuple(part_ids)}))


def move(cb: Codebook, code_id: str, new_parent: str | None, *, who: str, why: str,
         when: str | None = None) -> Codebook:
    """A new codebook where ``code_id`` (with its subtree) sits under ``new_parent``.

    Parameters
    ----------
    cb : Codebook
    code_id : str
        The code to move; its children move with it.
    new_parent : str or None
        The new parent (an existing code outside the subtree); ``None`` moves it to the top level.
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, with a ``move`` entry; codings keep their code.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("holding", "Holding")])
    >>> move(cb, "holding", "care", who="ana", why="axial coding").codes["holding"].parent
    'care'
    """
    code = _require(cb, code_id, "code_id")
    if new_parent is not None:
        _require(cb, new_parent, "new_parent")
        if new_parent == code_id or new_parent in cb.descendants(code_id):
            _fail("new_parent", f"cannot move {code_id!r} under {new_parent!r}: it would become its own ancestor")
    if code.parent == new_parent:
        _fail("new_parent", f"{code_id!r} is already under {new_parent!r}")
    codes = [dataclasses.replace(c, parent=new_parent) if c.id == code_id else c for c in cb.codes.values()]
    where = f"under {new_parent!r}" if new_parent else "to the top level"
    origin = repr(code.parent) if code.parent else "the top level"
    return _bump(cb, codes, {"op": "move", "what": f"moved {code_id!r} from {origin} {where}", "who": who,
                             "when": _when(when), "why": why, "old_ids": (code_id,), "new_ids": (code_id,)})


def retire(cb: Codebook, code_id: str, *, who: str, why: str, when: str | None = None) -> Codebook:
    """A new codebook where ``code_id`` is retired: kept for the record, no longer applied, codings to recode.

    Parameters
    ----------
    cb : Codebook
    code_id : str
        The code to retire (not already retired).
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).

    Returns
    -------
    Codebook
        A new codebook, one version up, where the code's ``status`` is ``"retired"``, with a ``retire`` entry.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> retire(cb, "care", who="ana", why="never used").codes["care"].status
    'retired'
    """
    code = _require(cb, code_id, "code_id")
    if code.status == "retired":
        _fail("code_id", f"{code_id!r} is already retired")
    codes = [dataclasses.replace(c, status="retired") if c.id == code_id else c for c in cb.codes.values()]
    return _bump(cb, codes, {"op": "retire", "what": f"retired {code_id!r}", "who": who, "when": _when(when),
                             "why": why, "old_ids": (code_id,)})


def edit(cb: Codebook, code_id: str, *, who: str, why: str, when: str | None = None, **changes: Any) -> Codebook:
    """A new codebook where the descriptive fields ``changes`` of ``code_id`` are replaced.

    Parameters
    ----------
    cb : Codebook
    code_id : str
        The code to edit.
    who, why, when : str
        Who made the change (non-empty), why, and when (ISO date or date-time; now, UTC, by default).
    **changes
        New values of descriptive fields (name, definition, examples, colour, memo...; see
        ``EDITABLE_FIELDS``); id, parent, status change with :func:`rename`, :func:`move`, :func:`retire`.

    Returns
    -------
    Codebook
        A new codebook, one version up, with an ``edit`` entry naming the fields that changed.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> cb.edit("care", definition="Looking after someone.", who="ana", why="draft").codes["care"].definition
    'Looking after someone.'
    """
    code = _require(cb, code_id, "code_id")
    for key in changes:
        if key not in EDITABLE_FIELDS:
            hint = did_you_mean(key, EDITABLE_FIELDS) or "use rename(), move() or retire() for id, parent, status"
            _fail(key, f"cannot edit field {key!r}", hint)
    if not changes:
        _fail("changes", "nothing to edit")
    edited = dataclasses.replace(code, **changes)
    changed = [k for k in changes if getattr(edited, k) != getattr(code, k)]
    codes = [edited if c.id == code_id else c for c in cb.codes.values()]
    return _bump(cb, codes, {"op": "edit", "what": f"edited {code_id!r}: {', '.join(changed) or 'no change'}",
                             "who": who, "when": _when(when), "why": why, "old_ids": (code_id,),
                             "new_ids": (code_id,)})


def diff(old: Codebook, new: Codebook) -> CodebookDiff:
    """Codes added, removed and changed (field by field) from ``old`` to ``new``, and ``new``'s new changelog entries.

    Parameters
    ----------
    old, new : Codebook
        The two codebooks compared (usually two versions of one codebook).

    Returns
    -------
    CodebookDiff
        ``added`` and ``removed`` code ids, ``changed`` (code id -> the fields that differ) and ``entries``.

    Examples
    --------
    >>> a = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> d = a.diff(a.edit("care", memo="check P02", who="ana", why="note"))
    >>> dict(d.changed)
    {'care': ('memo',)}
    """
    added = tuple(c for c in new.codes if c not in old.codes)
    removed = tuple(c for c in old.codes if c not in new.codes)
    changed = {}
    for code_id, code in old.codes.items():
        if code_id in new.codes and new.codes[code_id] != code:
            other = new.codes[code_id]
            changed[code_id] = tuple(f for f in CODE_FIELDS if getattr(code, f) != getattr(other, f))
    entries = tuple(e for e in new.changelog if e not in old.changelog)
    return CodebookDiff(old_version=old.version, new_version=new.version, name=new.name, added=added,
                        removed=removed, changed=changed, entries=entries)


def migration(cb: Codebook) -> dict[str, CodeMigration]:
    """Where codings of every code id that ever existed in ``cb``'s history go now.

    Parameters
    ----------
    cb : Codebook
        The codebook whose changelog is replayed.

    Returns
    -------
    dict of str to CodeMigration
        One per id of :func:`ever_ids`: unchanged (moved, edited) codes map to themselves, renamed and merged
        codes to their current id (chains followed); split and retired codes to ``None``, ``needs_recoding``,
        with ``candidates`` (the parts as they are now; a retired code's active parent) and a ``reason``.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("hold", "Hold", parent="care")])
    >>> m = cb.retire("hold", who="ana", why="never used").migration()["hold"]
    >>> m.new_id, m.needs_recoding, m.candidates
    (None, True, ('care',))
    """
    fate: dict[str, tuple[str, tuple[str, ...], str]] = {}
    for e in cb.changelog:
        note = f" in v{e.version}" + (f" ({e.why})" if e.why else "")
        if e.op == "rename" and e.old_ids and e.new_ids and e.old_ids[0] != e.new_ids[0]:
            fate[e.old_ids[0]] = ("renamed to", e.new_ids[:1], note)
        elif e.op == "merge" and e.new_ids:
            for old in e.old_ids:
                if old != e.new_ids[0]:
                    fate[old] = ("merged into", e.new_ids[:1], note)
        elif e.op == "split" and e.old_ids:
            fate[e.old_ids[0]] = ("split into", e.new_ids, note)
    retired_notes = {e.old_ids[0]: f" in v{e.version}" + (f" ({e.why})" if e.why else "")
                     for e in cb.changelog if e.op == "retire" and e.old_ids}

    def resolve(code_id: str, seen: frozenset) -> tuple[str | None, tuple[str, ...], list[str]]:
        if code_id in seen:
            return None, (), [f"{code_id!r}: circular history"]
        seen = seen | {code_id}
        if code_id in fate:
            verb, targets, note = fate[code_id]
            reason = f"{code_id!r} {verb} {', '.join(repr(t) for t in targets)}{note}"
            if verb == "split into":
                candidates: list[str] = []
                reasons = [reason]
                for part in targets:
                    new_id, cands, why = resolve(part, seen)
                    for c in ((new_id,) if new_id else cands):
                        if c not in candidates:
                            candidates.append(c)
                    reasons += [r for r in why if r not in ("unchanged",)]
                return None, tuple(candidates), reasons
            new_id, cands, why = resolve(targets[0], seen)
            return new_id, cands, [reason, *(r for r in why if r != "unchanged")]
        if code_id in cb.codes:
            code = cb.codes[code_id]
            if code.status == "retired" or not code.codable:
                parent = code.parent
                candidates = (parent,) if parent and cb.codes[parent].is_active and cb.codes[parent].codable else ()
                word = "retired" if code.status == "retired" else "is a grouping code (not codable)"
                return None, candidates, [f"{code_id!r} {word}{retired_notes.get(code_id, '')}"]
            return code_id, (), ["unchanged"]
        return None, (), [f"{code_id!r} is no longer in the codebook and no changelog entry says where it went"]

    out = {}
    for code_id in ever_ids(cb):
        new_id, candidates, reasons = resolve(code_id, frozenset())
        out[code_id] = CodeMigration(old_id=code_id, new_id=new_id, needs_recoding=new_id is None,
                                     candidates=candidates if new_id is None else (), reason="; ".join(reasons))
    return out


def unaccounted_ids(used_codes: Iterable[str], cb: Codebook) -> dict[str, int]:
    """Code ids in ``used_codes`` that ``cb`` neither has nor accounts for in its changelog (a hand edit's loss).

    Parameters
    ----------
    used_codes : iterable of str
        The code of each coding (one entry per coding, so repeats count).
    cb : Codebook
        The current codebook.

    Returns
    -------
    dict of str to int
        Each unaccounted id and how many codings use it, sorted by id; empty when every code is known.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")]).rename("care", "caring", who="a", why="")
    >>> unaccounted_ids(["care", "caring", "hold", "hold"], cb)
    {'hold': 2}
    """
    known = set(ever_ids(cb))
    counts: dict[str, int] = {}
    for code in used_codes:
        if code not in known:
            counts[str(code)] = counts.get(str(code), 0) + 1
    return dict(sorted(counts.items()))
