"""Pure functions over (codings, old and new text or codebook): what a change does to the codings.

Each returns the events to append and the report, and writes nothing; :class:`~hrp_coding.project.Project`
writes the events together with the changed files as one intent (see :mod:`hrp_coding.store.intents`).

* :func:`plan_reanchor`: a transcript's text changed; place every coding anew from its anchor;
* :func:`plan_migration`: the codebook evolved; renamed and merged codes follow, split codes are flagged.

Examples
--------
>>> from hrp_coding.store.anchors import make_anchor
>>> from hrp_coding.store.state import Coding
>>> old, new = "I: Hi\\nP: We sat with her.\\n", "I: Hello there\\nP: We sat with her.\\n"
>>> coding = Coding("c1", "ana", "P01", 9, 24, "holding", make_anchor(old, 9, 24))
>>> report, events = plan_reanchor("P01", [coding], old, new, new_sha256="sha", codebook_version=1)
>>> [(r.outcome, new[r.start:r.end]) for r in report.moved]
[('moved', 'We sat with her')]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from hrp_coding.store.anchors import DEFAULT_THRESHOLD, make_anchor, reanchor
from hrp_coding.store.events import MigrateCoding, Reanchor
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.reports import MigrationReport, ReanchoredCoding, ReanchorReport
from hrp_coding.store.state import Coding

__all__ = ["plan_import_events", "plan_migration", "plan_reanchor"]


def plan_reanchor(transcript_id: str, codings: Iterable[Coding], old_text: str, new_text: str, *, new_sha256: str,
                  codebook_version: int | None, threshold: float = DEFAULT_THRESHOLD
                  ) -> tuple[ReanchorReport, dict[str, list[Reanchor]]]:
    """Re-anchor ``codings`` (of one transcript) from ``old_text`` to ``new_text`` (see
    :func:`hrp_coding.store.anchors.reanchor`).

    Returns the report and, per coder, the ``reanchor`` events to append. A coding that cannot be
    placed is kept off the text (``needs_review`` or ``orphaned``, one event the first time) and listed.

    Parameters
    ----------
    transcript_id : str
        The transcript whose text changed.
    codings : iterable of Coding
        Its codings (live ones, and those already off the text).
    old_text, new_text : str
        The text the codings were placed on, and the new one.
    new_sha256 : str
        The hash of ``new_text``, recorded in the new anchors.
    codebook_version : int or None
        Recorded in the events.
    threshold : float, default DEFAULT_THRESHOLD
        Minimum similarity for an edited quote.

    Returns
    -------
    tuple of (ReanchorReport, dict of str to list of Reanchor)
        What happened to each coding, and the events to append per coder (none for an unchanged coding).

    Examples
    --------
    >>> from hrp_coding.store.anchors import make_anchor
    >>> from hrp_coding.store.state import Coding
    >>> text = "P: We sat with her.\\n"
    >>> gone = Coding("c2", "ben", "P01", 3, 9, "holding", make_anchor(text, 3, 9))
    >>> report, events = plan_reanchor("P01", [gone], text, "P: Nothing.\\n", new_sha256="sha", codebook_version=1)
    >>> [r.outcome for r in report.orphaned], [e.status for e in events["ben"]]
    (['orphaned'], ['orphaned'])
    """
    codings = list(codings)
    by_id = {c.id: c for c in codings}
    groups: dict[str, list] = {"unchanged": [], "moved": [], "fuzzy": [], "needs_review": [], "orphaned": []}
    per_coder: dict[str, list[Reanchor]] = {}
    at = now_iso()
    for p in reanchor(old_text, new_text, codings, threshold=threshold).placements:
        c = by_id[p.coding_id]
        if p.category == "unchanged" and c.status == "active":
            groups["unchanged"].append(c.id)
            continue
        groups[p.category].append(ReanchoredCoding(
            coding_id=c.id, coder=c.coder, code=c.code, old_start=c.start, old_end=c.end, start=p.start, end=p.end,
            method=p.method, score=p.score, quote=p.quote, outcome=p.category, candidates=p.candidates))
        if p.start is None:
            if c.status == p.category:
                continue  # already off the text for the same reason: nothing new to record
            fields = {"start": c.start, "end": c.end, "status": p.category, "anchor": c.anchor.to_dict(),
                      "candidates": tuple(tuple(x) for x in p.candidates)}
        else:
            anchor = make_anchor(new_text, p.start, p.end, sha256=new_sha256)
            fields = {"start": p.start, "end": p.end, "status": "active", "anchor": anchor.to_dict()}
        per_coder.setdefault(c.coder, []).append(Reanchor(
            id=new_id(), at=at, coder=c.coder, codebook_version=codebook_version, coding_id=c.id, method=p.method,
            score=p.score, transcript_sha256=new_sha256, **fields))
    report = ReanchorReport(transcript=transcript_id, **{k: tuple(v) for k, v in groups.items()})
    return report, per_coder


def plan_migration(codings: Iterable[Coding], migration: Mapping, *, from_version: int, to_version: int
                   ) -> tuple[MigrationReport, dict[str, list[MigrateCoding]]]:
    """The ``migrate`` events that move ``codings`` to a new codebook (``migration``: ``Codebook.migration()``).

    Parameters
    ----------
    codings : iterable of Coding
        The live codings.
    migration : mapping of str to CodeMigration
        ``Codebook.migration()`` of the new codebook.
    from_version, to_version : int
        The codebook versions, for the report and the events.

    Returns
    -------
    tuple of (MigrationReport, dict of str to list of MigrateCoding)
        The codings moved to a new code and those flagged for recoding, and the events per coder; a coding
        already flagged with the same candidates gets no new event.

    Examples
    --------
    >>> from hrp_coding.codebook import Code, Codebook
    >>> from hrp_coding.store.anchors import make_anchor
    >>> from hrp_coding.store.state import Coding
    >>> cb = Codebook(name="D", version=1, codes=[Code("hold", "Hold")]).rename("hold", "holding", who="a", why="")
    >>> coding = Coding("c1", "ana", "P01", 0, 2, "hold", make_anchor("Hi", 0, 2))
    >>> report, events = plan_migration([coding], cb.migration(), from_version=1, to_version=2)
    >>> report.moved, events["ana"][0].to_code
    ((('c1', 'ana', 'hold', 'holding'),), 'holding')
    """
    per_coder: dict[str, list[MigrateCoding]] = {}
    moved, flagged = [], []
    at = now_iso()
    for coding in codings:
        step = migration.get(coding.code)
        if step is None or (step.new_id == coding.code and not step.needs_recoding):
            continue
        if step.needs_recoding and coding.needs_recoding and tuple(step.candidates) == coding.candidates:
            continue  # already flagged by an earlier migration
        per_coder.setdefault(coding.coder, []).append(MigrateCoding(
            id=new_id(), at=at, coder=coding.coder, codebook_version=to_version, coding_id=coding.id,
            from_code=coding.code, to_code=step.new_id, needs_recoding=bool(step.needs_recoding),
            candidates=tuple(step.candidates), reason=step.reason))
        if step.needs_recoding or step.new_id is None:
            flagged.append((coding.id, coding.coder, coding.code, tuple(step.candidates)))
        else:
            moved.append((coding.id, coding.coder, coding.code, step.new_id))
    report = MigrationReport(from_version=from_version, to_version=to_version, moved=tuple(moved),
                             flagged=tuple(flagged))
    return report, per_coder


def plan_import_events(planned: Iterable[Mapping], rows: Iterable[tuple], make_add) -> tuple[dict[str, list], int]:
    """The add events of an import, per coder (``make_add(row)`` makes one), skipping rows identical to a live
    coding (``rows``: the ledger's rows) or to an earlier row; returns (events per coder, number skipped).

    Parameters
    ----------
    planned : iterable of mapping
        The rows of an import, each with ``coder``, ``transcript``, ``start``, ``end`` and ``code``.
    rows : iterable of tuple
        The ledger's live rows (``(coding_id, coder, transcript, start, end, code, ...)``).
    make_add : callable
        ``row -> AddCoding`` event.

    Returns
    -------
    tuple of (dict of str to list, int)
        The add events per coder, and how many rows were skipped as duplicates.

    Examples
    --------
    >>> planned = [{"coder": "ana", "transcript": "P01", "start": 0, "end": 4, "code": "care"}] * 2
    >>> events, skipped = plan_import_events(planned, [], make_add=lambda row: row["code"])
    >>> events, skipped
    ({'ana': ['care']}, 1)
    """
    existing = {row[1:6] for row in rows}  # coder, transcript, start, end, code
    per_coder: dict[str, list] = {}
    skipped = 0
    for p in planned:
        key = (p["coder"], p["transcript"], p["start"], p["end"], p["code"])
        if key in existing:
            skipped += 1
            continue
        existing.add(key)
        per_coder.setdefault(p["coder"], []).append(make_add(p))
    return per_coder, skipped
