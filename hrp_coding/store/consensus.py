"""The consensus layer: adjudication decisions checked, planned as events and listed.

A decision (codes, possibly none, who decided and why, the codebook version) is a ``decision``
event in the ``consensus`` journal; each agreed code becomes a ``consensus`` coding, and earlier
consensus codings on exactly the same span are removed (superseded) in the same append.
:func:`plan_adjudication` is a pure function: it checks and returns the events, writing nothing.

Examples
--------
>>> events, adds, superseded = plan_adjudication("P01", 0, 5, ["holding"], ["ana", "ben"], "agreed", None,
...                                              version=1, existing={}, make_add=lambda code, did: None)
>>> type(events[0]).__name__, superseded
('Decision', [])
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from hrp_coding.coders import CONSENSUS
from hrp_coding.store.events import Decision, RemoveCoding
from hrp_coding.store.journal import new_id, now_iso

__all__ = ["CONSENSUS", "adjudication_problems", "decisions_frame", "plan_adjudication", "segment_problem"]

#: the coder name of the consensus layer


def adjudication_problems(code_list: list, who_list: list, who: Any, why: Any) -> list[str]:
    """What is wrong with the codes, the people and the reason of a decision (codes are checked by the caller).

    Parameters
    ----------
    code_list : list of str
        The agreed codes.
    who_list : list of str
        Who decided.
    who, why : object
        The arguments as given (named in the messages).

    Returns
    -------
    list of str
        One message per problem: repeated codes, nobody named, no reason; empty when the decision is complete.

    Examples
    --------
    >>> print(*adjudication_problems(["care", "care"], [], who="", why=" "), sep="\\n")
    codes repeat: ['care', 'care']
    who must name the person or people who decided, got ''
    why must give the reason for the decision
    """
    problems = []
    if len(set(code_list)) != len(code_list):
        problems.append(f"codes repeat: {code_list}")
    if not who_list or not all(isinstance(w, str) and w.strip() for w in who_list):
        problems.append(f"who must name the person or people who decided, got {who!r}")
    if not isinstance(why, str) or not why.strip():
        problems.append("why must give the reason for the decision")
    return problems


def segment_problem(transcript: str, segment_id: str, start: int, end: int, segments: Callable) -> str | None:
    """Whether ``segment_id`` is a segment of ``transcript`` overlapping ``start``-``end`` (``segments(unit)``
    gives a unit's segments frame).

    Parameters
    ----------
    transcript : str
        The transcript of the decision.
    segment_id : str
        The segment the decision is about (``P01:t002``, ``P01:t002.s01``, ``P01:p003``).
    start, end : int
        The decided span.
    segments : callable
        ``unit -> segments frame`` (e.g. ``Project.segments``).

    Returns
    -------
    str or None
        The problem in words, or None when the segment exists and overlaps the span.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> segment_problem("P01", "P01:t002", 9, 24, study.segments) is None
    True
    >>> segment_problem("P01", "P01:t001", 9, 24, study.segments)
    "segment 'P01:t001' (3-5) does not overlap the span 9-24"
    """
    local = segment_id.split(":", 1)[1] if ":" in segment_id else ""
    if not segment_id.startswith(f"{transcript}:"):
        return f"segment {segment_id!r} is not a segment of transcript {transcript!r}"
    unit = "sentence" if ".s" in local else "paragraph" if local.startswith("p") else "turn"
    segs = segments(unit)
    row = segs[segs["segment"] == segment_id]
    if row.empty:
        return f"unknown {unit} segment {segment_id!r}"
    s0, s1 = int(row["start"].iloc[0]), int(row["end"].iloc[0])
    if not (s0 < end and start < s1):
        return f"segment {segment_id!r} ({s0}-{s1}) does not overlap the span {start}-{end}"
    return None


def plan_adjudication(transcript: str, start: int, end: int, code_list: list[str], who_list: list[str], why: str,
                      segment: str | None, *, version: int, existing: Mapping[str, tuple],
                      make_add: Callable[[str, str], Any]) -> tuple[list, list, list[str]]:
    """The decision event, the removal of superseded consensus codings (``existing``: the ledger's rows) and
    one add event per code (``make_add(code, decision_id)``); returns (decision and removals, adds, superseded ids).

    Parameters
    ----------
    transcript : str
        The transcript.
    start, end : int
        The decided span.
    code_list : list of str
        The agreed codes (checked by the caller).
    who_list : list of str
        Who decided.
    why : str
        The reason.
    segment : str or None
        The segment the decision is about, when it is about one.
    version : int
        The codebook version, recorded in the events.
    existing : mapping of str to tuple
        The ledger's live rows; consensus codings on exactly this span are superseded.
    make_add : callable
        ``(code, decision_id) -> AddCoding`` event of the ``consensus`` coder.

    Returns
    -------
    tuple of (list, list, list of str)
        The decision and removal events, the add events, and the ids of the superseded codings.

    Examples
    --------
    >>> events, adds, superseded = plan_adjudication("P01", 9, 24, ["holding"], ["ana", "ben"], "agreed", None,
    ...                                              version=1, existing={}, make_add=lambda code, did: code)
    >>> type(events[0]).__name__, adds, superseded
    ('Decision', ['holding'], [])
    """
    decision_id, at = new_id(), now_iso()
    superseded = [cid for cid, row in existing.items()
                  if row[1] == CONSENSUS and row[2] == transcript and (row[3], row[4]) == (start, end)]
    events: list = [Decision(id=new_id(), at=at, coder=CONSENSUS, codebook_version=version, decision_id=decision_id,
                             transcript=transcript, start=start, end=end, codes=tuple(code_list),
                             who=tuple(who_list), why=why, segment=segment, supersedes=tuple(superseded))]
    events += [RemoveCoding(id=new_id(), at=at, coder=CONSENSUS, codebook_version=version, coding_id=cid,
                            reason=f"superseded by decision {decision_id}") for cid in superseded]
    adds = [make_add(code, decision_id) for code in code_list]
    return events, adds, superseded


def decisions_frame(decisions: Iterable[Decision]):
    """Every decision in order: decision_id, transcript, start, end, codes, who, why, segment,
    codebook_version, at (``codes`` and ``who`` ';'-joined).

    Parameters
    ----------
    decisions : iterable of Decision
        The ``decision`` events, in journal order.

    Returns
    -------
    pandas.DataFrame
        One row per decision.

    Examples
    --------
    >>> decision = Decision(id="e1", at="t", coder="consensus", decision_id="d1", transcript="P01", start=9, end=24,
    ...                     codes=("holding",), who=("ana", "ben"), why="agreed")
    >>> decisions_frame([decision])[["codes", "who"]].values.tolist()
    [['holding', 'ana;ben']]
    """
    import pandas as pd

    rows = [(e.decision_id, e.transcript, e.start, e.end, ";".join(e.codes), ";".join(e.who), e.why, e.segment,
             e.codebook_version, e.at) for e in decisions]
    return pd.DataFrame(rows, columns=["decision_id", "transcript", "start", "end", "codes", "who", "why", "segment",
                                       "codebook_version", "at"])
