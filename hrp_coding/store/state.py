"""Replaying coder journals into the current state: one :class:`Coding` per live coding.

Event kinds and their fields (every event also has ``id``, ``at``, ``coder``, ``codebook_version``):

``add``
    ``coding_id, transcript, start, end, code, memo, source, model, confidence, anchor`` (``quote,
    prefix, suffix, text_sha256``); consensus codings also ``who, why, segment, decision_id``.
``remove``
    ``coding_id`` (and an optional ``reason``).
``memo``
    ``coding_id, text``: a memo on a coding, written to the journal of whoever wrote the memo.
``migrate``
    ``coding_id, from_code, to_code`` (None for a split code), ``needs_recoding, candidates, reason``.
``reanchor``
    ``coding_id, start, end, status`` (``active`` or ``orphaned``), ``method, score, anchor``.
``decision``
    ``decision_id, transcript, start, end, codes, who, why, segment`` (consensus journal only).

Examples
--------
>>> events = [{"event": "add", "id": "e1", "at": "t1", "coder": "ana", "codebook_version": 1, "coding_id": "c1",
...            "transcript": "P01", "start": 0, "end": 5, "code": "holding", "anchor": {"quote": "Hello"}},
...           {"event": "migrate", "id": "e2", "at": "t2", "coder": "ana", "codebook_version": 2, "coding_id": "c1",
...            "from_code": "holding", "to_code": "containing", "needs_recoding": False, "candidates": [],
...            "reason": "renamed"}]
>>> replay({"ana": events})["c1"].code
'containing'
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from hrp_coding.errors import JournalWarning
from hrp_coding.store.anchors import Anchor

__all__ = ["Coding", "replay"]


@dataclass(frozen=True)
class Coding:
    """One coding as it stands after replaying its coder's journal.

    ``status`` is ``"active"`` or ``"orphaned"`` (its passage was deleted from the transcript; kept
    and listed, never dropped). ``needs_recoding`` marks codings of a code that was split: recode
    them with one of ``candidates``. ``who``, ``why``, ``segment`` and ``decision_id`` are set on
    codings of the ``consensus`` layer.
    """

    id: str
    coder: str
    transcript: str
    start: int
    end: int
    code: str
    anchor: Anchor
    memo: str | None = None
    source: str = "manual"
    model: str | None = None
    confidence: float | None = None
    codebook_version: int | None = None
    at: str | None = None
    status: str = "active"
    needs_recoding: bool = False
    candidates: tuple[str, ...] = ()
    original_code: str | None = None
    who: tuple[str, ...] = ()
    why: str | None = None
    segment: str | None = None
    decision_id: str | None = None

    @property
    def quote(self) -> str:
        """The text the coding was last anchored on."""
        return self.anchor.quote


def _join_memo(old: str | None, new: str) -> str:
    return new if not old else f"{old}\n\n{new}"


def replay(journals: Mapping[str, Iterable[dict]]) -> dict[str, Coding]:
    """Replay every coder's events into ``{coding_id: Coding}`` (live codings only, in order of creation).

    ``journals`` maps a coder to their events in file order. Memo events may refer to another
    coder's coding; they are applied after every journal is replayed, in time order. An event
    about an unknown coding is reported with a :class:`~hrp_coding.errors.JournalWarning`.
    """
    state: dict[str, Coding] = {}
    removed: set[str] = set()  # a memo on a coding removed later is history, not a problem
    memos: list[dict] = []
    for coder, events in journals.items():
        for event in events:
            kind = event.get("event")
            cid = event.get("coding_id")
            if kind == "add":
                try:
                    coding = Coding(
                        id=str(cid), coder=str(event.get("coder", coder)), transcript=str(event["transcript"]),
                        start=int(event["start"]), end=int(event["end"]), code=str(event["code"]),
                        anchor=Anchor.from_dict(event.get("anchor") or {}), memo=event.get("memo"),
                        source=event.get("source") or "manual", model=event.get("model"),
                        confidence=event.get("confidence"), codebook_version=event.get("codebook_version"),
                        at=event.get("at"), who=tuple(event.get("who") or ()), why=event.get("why"),
                        segment=event.get("segment"), decision_id=event.get("decision_id"),
                    )
                except (KeyError, TypeError, ValueError) as err:
                    warnings.warn(f"journal of {coder!r}: malformed add event {event.get('id')}: {err}; skipped",
                                  JournalWarning, stacklevel=2)
                    continue
                state[coding.id] = coding
            elif kind == "memo":
                memos.append(event)
            elif kind == "decision":
                continue
            elif cid not in state:
                warnings.warn(f"journal of {coder!r}: {kind} event {event.get('id')} refers to unknown coding "
                              f"{cid!r}; skipped", JournalWarning, stacklevel=2)
            elif kind == "remove":
                del state[cid]
                removed.add(cid)
            elif kind == "migrate":
                old = state[cid]
                to_code = event.get("to_code")
                state[cid] = dataclasses.replace(
                    old, code=to_code if to_code else old.code,
                    needs_recoding=bool(event.get("needs_recoding")),
                    candidates=tuple(event.get("candidates") or ()),
                    original_code=old.original_code or old.code,
                    codebook_version=event.get("codebook_version", old.codebook_version))
            elif kind == "reanchor":
                old = state[cid]
                anchor = Anchor.from_dict(event["anchor"]) if event.get("anchor") else old.anchor
                state[cid] = dataclasses.replace(
                    old, start=int(event.get("start", old.start)), end=int(event.get("end", old.end)),
                    status=event.get("status", "active"), anchor=anchor)
    for event in sorted(memos, key=lambda e: str(e.get("at"))):
        cid = event.get("coding_id")
        if cid in removed:
            continue
        if cid not in state:
            warnings.warn(f"memo event {event.get('id')} by {event.get('coder')!r} refers to unknown coding "
                          f"{cid!r}; skipped", JournalWarning, stacklevel=2)
            continue
        old = state[cid]
        text = str(event.get("text", ""))
        if event.get("coder") and event.get("coder") != old.coder:
            text = f"[{event['coder']}] {text}"
        state[cid] = dataclasses.replace(old, memo=_join_memo(old.memo, text))
    return state
