"""DataFrame views of a project's state: codings, coded segments and excerpts.

Long (tidy) format with stable column names and a stable row order, so results diff well and
compose with pandas. These functions take plain data (codings, transcripts, segments) and know
nothing about files.

Examples
--------
>>> import pandas as pd
>>> segs = pd.DataFrame({"transcript": ["P01", "P01"], "segment": ["P01:t001", "P01:t002"],
...                      "start": [0, 10], "end": [10, 20]})
>>> cods = pd.DataFrame({"transcript": ["P01"], "coder": ["ana"], "code": ["holding"], "start": [8], "end": [20]})
>>> coded_segments_frame(segs, cods, overlap="any")["segment"].tolist()
['P01:t001', 'P01:t002']
>>> coded_segments_frame(segs, cods, overlap="majority")["segment"].tolist()
['P01:t002']
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd

from hrp_coding.errors import ProjectError
from hrp_coding.store.state import ROW_FIELDS, Coding, LedgerState, no_gc

__all__ = ["CODED_SEGMENT_COLUMNS", "CODING_COLUMNS", "OVERLAP_RULES", "coded_segments_frame", "codings_frame",
           "excerpts_frame", "excerpts_of", "state_frame"]

CODING_COLUMNS = ["coding_id", "transcript", "coder", "code", "start", "end", "text", "memo", "source", "model",
                  "confidence", "codebook_version", "at", "status", "needs_recoding", "candidates", "original_code"]
CODED_SEGMENT_COLUMNS = ["transcript", "segment", "start", "end", "coder", "code", "overlap_chars"]
OVERLAP_RULES = ("any", "majority", "contain")


def codings_frame(codings: Iterable[Coding], texts: Mapping[str, str]) -> pd.DataFrame:
    """One row per coding (columns :data:`CODING_COLUMNS`), sorted by transcript, start, end, coder, code.

    ``text`` is the coded passage of the current transcript text, or the stored quote for a
    coding off the text (orphaned or needing review after an edit).

    Parameters
    ----------
    codings : iterable of Coding
        The codings to list.
    texts : mapping of str to str
        Transcript id -> its current text, for every transcript of an active coding.

    Returns
    -------
    DataFrame
        Columns :data:`CODING_COLUMNS`; ``start``/``end`` in code points (end exclusive), ``candidates``
        joined by ``;``, ``confidence`` float (NaN when none), ``codebook_version`` nullable integer.

    Examples
    --------
    >>> from hrp_coding.store.anchors import make_anchor
    >>> old, new = "I: Hi\\nP: We sat with her.\\n", "I: Hello\\nP: We sat with her.\\n"  # an edit orphaned c1
    >>> codings = [Coding("c2", "ben", "P01", 12, 27, "holding", make_anchor(new, 12, 27)),
    ...            Coding("c1", "ana", "P01", 3, 5, "greeting", make_anchor(old, 3, 5), status="orphaned")]
    >>> frame = codings_frame(codings, {"P01": new})
    >>> frame[["coding_id", "start", "end", "text", "status"]].values.tolist()
    [['c1', 3, 5, 'Hi', 'orphaned'], ['c2', 12, 27, 'We sat with her', 'active']]
    """
    rows = []
    for c in codings:
        text = c.anchor.quote if c.status != "active" else texts[c.transcript][c.start:c.end]
        rows.append((c.id, c.transcript, c.coder, c.code, c.start, c.end, text, c.memo, c.source, c.model,
                     c.confidence, c.codebook_version, c.at, c.status, c.needs_recoding, ";".join(c.candidates),
                     c.original_code))
    frame = pd.DataFrame(rows, columns=CODING_COLUMNS)
    frame = frame.astype({"start": "int64", "end": "int64", "needs_recoding": "bool"})
    frame["confidence"] = frame["confidence"].astype("float64")
    frame["codebook_version"] = frame["codebook_version"].astype("Int64")
    frame = frame.sort_values(["transcript", "start", "end", "coder", "code", "at", "coding_id"], kind="stable")
    return frame.reset_index(drop=True)


_R = {name: i for i, name in enumerate(ROW_FIELDS)}
_SORT = operator.itemgetter(*(_R[k] for k in ("transcript", "start", "end", "coder", "code", "at", "id")))


def state_frame(state: LedgerState, texts: Mapping[str, str], *, coders: set[str] | None = None,
                include_orphaned: bool = False) -> pd.DataFrame:
    """The frame of :func:`codings_frame` straight from a ledger state's rows (fast: no record per coding).

    Codings of transcripts not in ``texts`` are left out; those off the text (orphaned or needing review)
    unless ``include_orphaned``.

    Parameters
    ----------
    state : LedgerState
        The folded journals (:attr:`hrp_coding.store.ledger.Ledger.state`).
    texts : mapping of str to str
        Transcript id -> its current text.
    coders : set of str, optional
        Keep only these coders' codings (default: every coder's).
    include_orphaned : bool
        Also list the codings whose status is not ``active`` (their ``text`` is the stored quote).

    Returns
    -------
    DataFrame
        The same columns, types and order as :func:`codings_frame`; memos joined as
        :meth:`LedgerState.memo_text` joins them.

    Examples
    --------
    >>> from hrp_coding.store.events import decode
    >>> state = LedgerState()
    >>> for raw in [{"event": "add", "id": "e1", "at": "t1", "coder": "ana", "coding_id": "c1", "transcript": "P01",
    ...              "start": 9, "end": 24, "code": "holding", "anchor": {"quote": "We sat with her"}},
    ...             {"event": "add", "id": "e2", "at": "t2", "coder": "ben", "coding_id": "c2", "transcript": "P01",
    ...              "start": 3, "end": 5, "code": "holding", "anchor": {"quote": "Hi"}},
    ...             {"event": "reanchor", "id": "e3", "at": "t3", "coder": "ben", "coding_id": "c2",
    ...              "status": "orphaned"}]:
    ...     decode(raw).apply(state)
    >>> text = "I: Hi\\nP: We sat with her.\\n"
    >>> state_frame(state, {"P01": text})[["coding_id", "text"]].values.tolist()
    [['c1', 'We sat with her']]
    >>> state_frame(state, {"P01": text}, include_orphaned=True)[["coding_id", "text", "status"]].values.tolist()
    [['c2', 'Hi', 'orphaned'], ['c1', 'We sat with her', 'active']]
    >>> len(state_frame(state, {"P01": text}, coders={"ben"})), len(state_frame(state, {}))
    (0, 0)
    """
    with no_gc():
        return _state_frame(state, texts, coders, include_orphaned)


def _state_frame(state: LedgerState, texts: Mapping[str, str], coders: set[str] | None,
                 include_orphaned: bool) -> pd.DataFrame:
    coder_i, tid_i, status_i = _R["coder"], _R["transcript"], _R["status"]
    rows = [r for r in state.rows.values()
            if r[tid_i] in texts and (coders is None or r[coder_i] in coders)
            and (include_orphaned or r[status_i] == "active")]
    rows.sort(key=_SORT)
    if not rows:
        return codings_frame([], texts)
    cols = dict(zip(ROW_FIELDS, zip(*rows)))
    s_i, e_i, q_i = _R["start"], _R["end"], _R["quote"]
    text = [r[q_i] if r[status_i] != "active" else texts[r[tid_i]][r[s_i]:r[e_i]] for r in rows]
    memo = list(cols["memo"])
    if state.memos:
        for i, cid in enumerate(cols["id"]):
            if cid in state.memos:
                memo[i] = state.memo_text(cid)
    n = len(rows)
    confidence = cols["confidence"]
    data = {"coding_id": cols["id"], "transcript": cols["transcript"], "coder": cols["coder"], "code": cols["code"],
            "start": np.fromiter(cols["start"], np.int64, n), "end": np.fromiter(cols["end"], np.int64, n),
            "text": text, "memo": memo, "source": cols["source"], "model": cols["model"],
            "confidence": np.array([np.nan if v is None else v for v in confidence], dtype="float64")
            if any(v is not None for v in confidence) else np.full(n, np.nan),
            "codebook_version": pd.array(cols["codebook_version"], dtype="Int64"), "at": cols["at"],
            "status": cols["status"], "needs_recoding": np.fromiter(cols["needs_recoding"], bool, n),
            "candidates": [";".join(c) if c else "" for c in cols["candidates"]],
            "original_code": cols["original_code"]}
    # object columns as object arrays: a list would be scanned for a better dtype (~10 ms a column of 100,000)
    return pd.DataFrame({k: v if isinstance(v, (np.ndarray, pd.api.extensions.ExtensionArray))
                         else np.fromiter(v, dtype=object, count=n) for k, v in data.items()},
                        columns=CODING_COLUMNS, copy=False)


def coded_segments_frame(segments: pd.DataFrame, codings: pd.DataFrame, *, overlap: str = "any",
                         min_chars: int = 1) -> pd.DataFrame:
    """Which coder applied which code to which segment (one row per transcript, segment, coder, code).

    Parameters
    ----------
    segments : DataFrame
        Columns ``transcript, segment, start, end`` (as :meth:`Project.segments`).
    codings : DataFrame
        Columns ``transcript, coder, code, start, end``.
    overlap : {"any", "majority", "contain"}
        ``any``: the span and the segment share at least ``min_chars`` characters; ``majority``: the
        span covers more than half of the segment; ``contain``: the segment lies wholly inside the
        span. Several spans of one coder and code never add up: each is judged on its own.
    min_chars : int
        Minimum number of shared characters, for every rule (default 1).

    Returns
    -------
    DataFrame
        Columns :data:`CODED_SEGMENT_COLUMNS` (``overlap_chars``: the largest overlap of one span
        with the segment), sorted by transcript, segment start, coder, code.

    Examples
    --------
    >>> import pandas as pd
    >>> segs = pd.DataFrame({"transcript": ["P01", "P01"], "segment": ["P01:t001", "P01:t002"],
    ...                      "start": [0, 10], "end": [10, 20]})
    >>> cods = pd.DataFrame({"transcript": ["P01", "P01"], "coder": ["ana", "ben"], "code": ["holding", "care"],
    ...                      "start": [8, 0], "end": [20, 20]})
    >>> coded_segments_frame(segs, cods)[["segment", "coder", "overlap_chars"]].values.tolist()
    [['P01:t001', 'ana', 2], ['P01:t001', 'ben', 10], ['P01:t002', 'ana', 10], ['P01:t002', 'ben', 10]]
    >>> coded_segments_frame(segs, cods, min_chars=3)[["segment", "coder"]].values.tolist()
    [['P01:t001', 'ben'], ['P01:t002', 'ana'], ['P01:t002', 'ben']]
    >>> coded_segments_frame(segs, cods.iloc[:1], overlap="contain")["segment"].tolist()
    ['P01:t002']
    """
    if overlap not in OVERLAP_RULES:
        raise ProjectError(f"overlap must be one of {', '.join(OVERLAP_RULES)}; got {overlap!r}")
    if not isinstance(min_chars, (int, np.integer)) or isinstance(min_chars, bool) or min_chars < 1:
        raise ProjectError(f"min_chars must be an integer >= 1, got {min_chars!r}")
    parts = []
    seg_groups = {t: g for t, g in segments.groupby("transcript", sort=False)}
    for tid, spans in codings.groupby("transcript", sort=False):
        segs = seg_groups.get(tid)
        if segs is None or segs.empty:
            continue
        seg_start = segs["start"].to_numpy(np.int64)
        seg_end = segs["end"].to_numpy(np.int64)
        order = np.argsort(seg_start, kind="stable")
        seg_start, seg_end = seg_start[order], seg_end[order]
        seg_ids = segs["segment"].to_numpy()[order]
        max_end = np.maximum.accumulate(seg_end)
        sp_start = spans["start"].to_numpy(np.int64)
        sp_end = spans["end"].to_numpy(np.int64)
        # candidate segments of each span: those starting before the span ends, whose running max end passes its start
        hi = np.searchsorted(seg_start, sp_end, side="left")
        lo = np.searchsorted(max_end, sp_start, side="right")
        counts = np.maximum(hi - lo, 0)
        if counts.sum() == 0:
            continue
        span_idx = np.repeat(np.arange(len(spans)), counts)
        seg_idx = np.concatenate([np.arange(a, b) for a, b in zip(lo, hi) if b > a])
        s0 = np.maximum(seg_start[seg_idx], sp_start[span_idx])
        s1 = np.minimum(seg_end[seg_idx], sp_end[span_idx])
        shared = s1 - s0
        length = seg_end[seg_idx] - seg_start[seg_idx]
        keep = shared >= min_chars
        if overlap == "majority":
            keep &= 2 * shared > length
        elif overlap == "contain":
            keep &= (sp_start[span_idx] <= seg_start[seg_idx]) & (seg_end[seg_idx] <= sp_end[span_idx])
        if not keep.any():
            continue
        parts.append(pd.DataFrame({
            "transcript": tid,
            "segment": seg_ids[seg_idx[keep]],
            "start": seg_start[seg_idx[keep]],
            "end": seg_end[seg_idx[keep]],
            "coder": spans["coder"].to_numpy()[span_idx[keep]],
            "code": spans["code"].to_numpy()[span_idx[keep]],
            "overlap_chars": shared[keep],
        }))
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end", "overlap_chars") else "object")
                             for c in CODED_SEGMENT_COLUMNS})
    frame = pd.concat(parts, ignore_index=True)
    frame = (frame.groupby(["transcript", "segment", "start", "end", "coder", "code"], sort=False, as_index=False)
             ["overlap_chars"].max())
    frame = frame.sort_values(["transcript", "start", "end", "segment", "coder", "code"], kind="stable")
    return frame[CODED_SEGMENT_COLUMNS].reset_index(drop=True)


def excerpts_of(codings: pd.DataFrame, codes: set[str], transcript, *, context: int | str = 0) -> pd.DataFrame:
    """:func:`excerpts_frame` of the ``codings`` with one of ``codes`` (``transcript(id)`` gives a Transcript),
    sorted by code, transcript, start, coder.

    Parameters
    ----------
    codings : DataFrame
        Columns ``transcript, coder, code, coding_id, start, end, memo`` (as :meth:`Project.codings`).
    codes : set of str
        The codes whose passages to list.
    transcript : callable
        Transcript id -> :class:`~hrp_coding.transcripts.Transcript` (as :meth:`Project.transcript`): its
        text, turns and attributes give the context and the attribute columns.
    context : int or "turn"
        As for :func:`excerpts_frame`.

    Returns
    -------
    DataFrame
        The columns of :func:`excerpts_frame`, one row per coding of those codes.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> excerpts = excerpts_of(study.codings(), {"holding"}, study.transcript, context="turn")
    >>> excerpts[["coder", "before", "text", "after"]].values.tolist()
    [['ana', '', 'We sat with her', '.']]
    >>> len(excerpts_of(study.codings(), {"care"}, study.transcript))
    0
    """
    frame = codings[codings["code"].isin(codes)].sort_values(["code", "transcript", "start", "coder"], kind="stable")
    transcripts = {tid: transcript(tid) for tid in sorted(set(frame["transcript"]))}
    return excerpts_frame(frame, {t: tr.text for t, tr in transcripts.items()}, context=context,
                          turns={t: [(u.start, u.end) for u in tr.turns] for t, tr in transcripts.items()},
                          attributes={t: tr.attributes for t, tr in transcripts.items()})


def excerpts_frame(codings: pd.DataFrame, texts: Mapping[str, str], *, context: int | str = 0,
                   turns: Mapping[str, list[tuple[int, int]]] | None = None,
                   attributes: Mapping[str, Mapping] | None = None) -> pd.DataFrame:
    """Coded passages with context, for constant comparison across interviews.

    ``context`` is ``0`` (no context), a number of characters, or ``"turn"`` (the rest of the
    speaker turns the passage starts and ends in; ``turns`` maps a transcript to its turns' (start,
    end)). Columns: ``transcript, coder, code, coding_id, start, end, before, text, after, memo``,
    then one column per transcript attribute (``attr_<name>`` when the name is taken).

    Parameters
    ----------
    codings : DataFrame
        Columns ``transcript, coder, code, coding_id, start, end, memo``, in the order wanted.
    texts : mapping of str to str
        Transcript id -> its text, for every transcript in ``codings``.
    context : int or "turn"
        Characters of context each side (cut at the text's edges), or ``"turn"``.
    turns : mapping of str to list of (int, int), optional
        Transcript id -> its turns' ``(start, end)`` (code points, end exclusive), for ``context="turn"``;
        a passage edge in no turn gets no context on that side.
    attributes : mapping of str to mapping, optional
        Transcript id -> its attributes; a transcript without one gets None in that column.

    Returns
    -------
    DataFrame
        One row per coding, in input order: ``before``, ``text`` and ``after`` are slices of the
        transcript's text.

    Examples
    --------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({"transcript": ["P01"], "coder": ["ana"], "code": ["holding"], "coding_id": ["c1"],
    ...                         "start": [9], "end": [24], "memo": [None]})
    >>> texts = {"P01": "I: Hi\\nP: We sat with her.\\n"}
    >>> excerpts_frame(codings, texts, context=4)[["before", "text", "after"]].values.tolist()
    [['\\nP: ', 'We sat with her', '.\\n']]
    >>> turn = excerpts_frame(codings, texts, context="turn", turns={"P01": [(3, 5), (9, 25)]},
    ...                       attributes={"P01": {"site": "A", "text": "x"}})
    >>> turn[["before", "after", "site", "attr_text"]].values.tolist()
    [['', '.', 'A', 'x']]
    """
    rows = []
    for row in codings.itertuples(index=False):
        text = texts[row.transcript]
        if context == "turn":
            spans = (turns or {}).get(row.transcript, [])
            b0 = max([s for s, e in spans if s <= row.start < max(e, s + 1)] or [row.start])
            a1 = min([e for s, e in spans if s < row.end <= e] or [row.end])
            b0, a1 = min(b0, row.start), max(a1, row.end)
        else:
            b0, a1 = max(0, row.start - context), min(len(text), row.end + context)
        rows.append({"transcript": row.transcript, "coder": row.coder, "code": row.code, "coding_id": row.coding_id,
                     "start": row.start, "end": row.end, "before": text[b0:row.start], "text": text[row.start:row.end],
                     "after": text[row.end:a1], "memo": row.memo})
    base = ["transcript", "coder", "code", "coding_id", "start", "end", "before", "text", "after", "memo"]
    frame = pd.DataFrame(rows, columns=base)
    names = sorted({k for attrs in (attributes or {}).values() for k in attrs})
    for name in names:
        column = f"attr_{name}" if name in base else name
        frame[column] = [(attributes or {}).get(t, {}).get(name) for t in frame["transcript"]]
    return frame.reset_index(drop=True)
