"""What the agreement report compares: the project or DataFrames read into units, the coders x units x codes
grid, and the contested units listed for the consensus meeting (see :func:`hrp_coding.agreement.report`).

Examples
--------
>>> import pandas as pd
>>> segs = pd.DataFrame({"transcript": "P01", "segment": ["t1", "t2"], "role": ["interviewer", "participant"]})
>>> notes = []
>>> list(pick_units(segs, ["participant"], "turn", notes)["segment"]), notes
(['t2'], ['units: participant turns (1); left out: 1 interviewer turns'])
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from hrp_coding.coders import CONSENSUS
from hrp_coding.errors import AgreementError
from hrp_coding.units import SEGMENT_UNITS, resolve_roles

__all__ = ["NOT_CODED", "SEGMENT_UNITS", "Grid", "character_grid", "disagreements", "load", "pick_units",
           "segment_grid", "select"]

NOT_CODED = "(not coded)"

# --------------------------------------------------------------------------------------------------
# input
# --------------------------------------------------------------------------------------------------

def is_project(obj) -> bool:
    """Whether ``obj`` can serve as a project here (it has ``segments``, ``coded_segments`` and ``codings``).

    The agreement layer never imports the store: a project is recognised by what it can do.

    Parameters
    ----------
    obj : object
        A :class:`~hrp_coding.project.Project`, a DataFrame, or anything else given to ``report``.

    Returns
    -------
    bool
        True for a project-like object.

    Examples
    --------
    >>> is_project(pd.DataFrame()), is_project(None)
    (False, False)
    """
    return all(hasattr(obj, name) for name in ("segments", "coded_segments", "codings"))


def _need(df: pd.DataFrame, cols, what: str) -> None:
    missing = [c for c in cols if c not in df.columns]
    if missing:
        raise AgreementError(f"{what}: missing column(s) {missing}; got {list(df.columns)}")


def recoding_codes(codings: pd.DataFrame) -> list:
    """Codes whose codings wait for recoding (a split or retired code): left out, with a note.

    Parameters
    ----------
    codings : pandas.DataFrame
        Codings, perhaps with a ``needs_recoding`` column.

    Returns
    -------
    list
        The codes of the flagged codings, sorted; empty without such a column.

    Examples
    --------
    >>> recoding_codes(pd.DataFrame({"code": ["a", "b", "b"], "needs_recoding": [False, True, False]}))
    ['b']
    """
    if "needs_recoding" not in codings.columns:
        return []
    flagged = codings["needs_recoding"].fillna(False).astype(bool)
    return sorted(set(codings.loc[flagged, "code"]), key=str)


def pick_units(segs: pd.DataFrame, roles, unit: str, notes: list, why: str = "") -> pd.DataFrame:
    """Keep the segments of the coded speaker roles (``roles=None``: every segment given).

    Parameters
    ----------
    segs : pandas.DataFrame
        Segments with a ``role`` column (when ``roles`` is given).
    roles : str, list of str or None
        The roles kept; None keeps every segment.
    unit : str
        The unit's name, for notes and messages.
    notes : list of str
        A note saying which units were used (and how many were left out) is appended.
    why : str, default ""
        Appended to the note (``", the codebook's coded_roles"``).

    Returns
    -------
    pandas.DataFrame
        The kept segments, renumbered from 0.

    Raises
    ------
    AgreementError
        For roles without a ``role`` column, or roles none of the segments has.

    Examples
    --------
    >>> segs = pd.DataFrame({"segment": ["t1", "t2", "t3"], "role": ["interviewer", "participant", "participant"]})
    >>> notes = []
    >>> pick_units(segs, "participant", "turn", notes, ", the codebook's coded_roles")["segment"].tolist()
    ['t2', 't3']
    >>> notes
    ["units: participant turns, the codebook's coded_roles (2); left out: 1 interviewer turns"]
    """
    if roles is None:
        return segs
    roles = [roles] if isinstance(roles, str) else list(roles)
    if "role" not in segs.columns:
        raise AgreementError(f"roles={roles!r} needs a 'role' column in the segments; got {list(segs.columns)}")
    known = sorted(set(segs["role"].dropna()), key=str)
    unknown = [r for r in roles if r not in known]
    if unknown and len(segs):
        raise AgreementError(f"roles {unknown} have no {unit}; roles in the transcripts: {known}")
    keep = segs["role"].isin(roles).to_numpy()
    left = segs.loc[~keep, "role"].value_counts()
    notes.append(f"units: {', '.join(roles)} {unit}s{why} ({int(keep.sum())})"
                 + (f"; left out: {', '.join(f'{n} {r} {unit}s' for r, n in left.items())}" if len(left) else ""))
    return segs[keep].reset_index(drop=True)


def load(source, unit, overlap, segments, continuum, texts, roles, notes):
    """Read a project or DataFrames into what the report compares (see :func:`hrp_coding.agreement.report`).

    With a project, codings waiting for recoding are left out (with a note) and ``roles="codebook"`` becomes
    the codebook's ``coded_roles``.

    Parameters
    ----------
    source : Project or pandas.DataFrame
        What ``report`` was given.
    unit, overlap, segments, continuum, texts, roles
        The arguments of ``report``.
    notes : list of str
        Notes on the units used and the codings left out are appended.

    Returns
    -------
    tuple
        ``(kind, frame, extent, texts, coded_by, codebook_codes, roles)``: ``kind`` is ``"segments"`` (``frame``
        the coded segments, ``extent`` the unit segments) or ``"spans"`` (``frame`` the codings, ``extent``
        transcript -> length); ``coded_by`` maps each transcript to the coders who coded it; ``codebook_codes``
        is None without a project.

    Raises
    ------
    AgreementError
        For a source of another type, missing columns, or span input without lengths.

    Examples
    --------
    >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "x", "start": 0, "end": 4})
    >>> kind, frame, extent, *_ = load(spans, "character", "any", None, {"P01": 10}, None, "codebook", [])
    >>> kind, extent
    ('spans', {'P01': 10})
    """
    if isinstance(roles, str) and roles not in ("codebook", "all"):
        roles = (roles,)
    codebook_codes = None
    if is_project(source):
        project = source
        cb = getattr(project, "codebook", None)
        if cb is not None and hasattr(cb, "codes"):
            codebook_codes = list(cb.codes)
        codings = project.codings()
        _need(codings, ["transcript", "coder", "code", "start", "end"], "project.codings()")
        waiting = recoding_codes(codings)
        if waiting:
            n = int(codings["code"].isin(waiting).sum())
            notes.append(f"{n} coding(s) of {', '.join(waiting)} need recoding (split or retired code) and are "
                         "left out; see `hrp-coding recode-queue`")
            codings = codings[~codings["code"].isin(waiting)]
        coded_by = codings.groupby("transcript")["coder"].agg(set).to_dict()
        if unit in SEGMENT_UNITS:
            segs = project.segments(unit)
            coded = project.coded_segments(unit, overlap=overlap)
            coded = coded[~coded["code"].isin(waiting)]
            if segments is not None:
                _need(segments, ["transcript", "segment"], "segments")
                pos = _positions(segs, segments, lambda bad: (f"segments=: segment {bad['segment']!r} of transcript "
                                                              f"{bad['transcript']!r} is not a {unit} of the project"))
                segs = segs.iloc[pos].reset_index(drop=True)
                notes.append(f"units: the {len(segs)} {unit}s given in segments=")
                roles = None if roles == "codebook" else roles
            why = ", the codebook's coded_roles" if roles == "codebook" else ""
            roles = resolve_roles(roles, cb)
            segs = pick_units(segs, roles, unit, notes, why)
            keep = pd.MultiIndex.from_frame(coded[["transcript", "segment"]]).isin(
                pd.MultiIndex.from_frame(segs[["transcript", "segment"]]))
            return "segments", coded[keep], segs, None, coded_by, codebook_codes, roles
        ids = sorted(set(codings["transcript"]), key=str)
        tx = {t: project.transcript(t).text for t in ids}
        return "spans", codings, {t: len(x) for t, x in tx.items()}, tx, coded_by, codebook_codes, None
    if not isinstance(source, pd.DataFrame):
        raise AgreementError(f"report() needs a Project or a DataFrame; got {type(source).__name__}")
    df = source
    roles = resolve_roles(roles, None)  # no codebook with DataFrames: "codebook" and "all" keep every role
    if unit in SEGMENT_UNITS:
        if "segment" not in df.columns:
            raise AgreementError(f"unit={unit!r} with a DataFrame needs coded segments (columns transcript, "
                                 "segment, coder, code) and segments=; for spans use unit='character' or "
                                 "'unitized'")
        _need(df, ["transcript", "segment", "coder", "code"], "coded segments")
        if segments is None:
            raise AgreementError("segments= (transcript, segment, start, end[, text]) is required with a "
                                 "coded-segments DataFrame")
        _need(segments, ["transcript", "segment"], "segments")
        coded_by = df.groupby("transcript")["coder"].agg(set).to_dict()
        segs = pick_units(segments, roles, unit, notes)
        if roles is not None:
            keep = pd.MultiIndex.from_frame(df[["transcript", "segment"]]).isin(
                pd.MultiIndex.from_frame(segs[["transcript", "segment"]]))
            df = df[keep]
        return "segments", df, segs, None, coded_by, None, roles
    if segments is not None:
        raise AgreementError(f"segments= applies to segment units {list(SEGMENT_UNITS)}, not unit={unit!r}")
    _need(df, ["transcript", "coder", "code", "start", "end"], "codings")
    if texts is not None:
        lengths = {t: len(x) for t, x in texts.items()}
    elif continuum is not None:
        lengths = dict(continuum)
    else:
        raise AgreementError(f"unit={unit!r} with a DataFrame needs continuum= (transcript -> length) or texts=")
    unknown = sorted(set(df["transcript"]) - set(lengths), key=str)
    if unknown:
        raise AgreementError(f"transcripts {unknown} have codings but no length in continuum=/texts=")
    coded_by = df.groupby("transcript")["coder"].agg(set).to_dict()
    return "spans", df, lengths, texts, coded_by, None, None


def select(frame, coders, codes, gold, codebook_codes):
    """The coders compared and the codes reported, checked against the data.

    Parameters
    ----------
    frame : pandas.DataFrame
        The coded segments or codings (a ``coder`` and a ``code`` column).
    coders : list of str or None
        The coders asked for; None: every coder but ``gold``.
    codes : list of str or None
        The codes asked for; None: every code they (or ``gold``) used.
    gold : str or None
        The reference layer, never one of the coders compared.
    codebook_codes : list of str or None
        The codebook's codes: a code nobody used may be reported when it is one of them.

    Returns
    -------
    tuple of (tuple of str, tuple of str)
        The coders and the codes.

    Raises
    ------
    AgreementError
        For unknown coders or codes, a gold coder without codings or among the coders, fewer than two coders,
        or no code applied.

    Examples
    --------
    >>> frame = pd.DataFrame({"coder": ["ana", "ben", "consensus"], "code": ["x", "y", "x"]})
    >>> select(frame, None, None, "consensus", None)
    (('ana', 'ben'), ('x', 'y'))
    """
    present = sorted(set(frame["coder"]), key=str)
    if gold is not None and gold not in present and gold != CONSENSUS:  # consensus: agreed units suffice
        raise AgreementError(f"gold coder {gold!r} has no codings; coders: {present}")
    if coders is None:
        coders = [c for c in present if c != gold]
    else:
        coders = list(coders)
        unknown = [c for c in coders if c not in present]
        if unknown:
            raise AgreementError(f"coders {unknown} have no codings; coders with codings: {present}")
        if gold in coders:
            raise AgreementError(f"gold coder {gold!r} cannot also be one of the coders compared")
    if len(coders) < 2:
        raise AgreementError(f"an agreement report needs at least two coders; got {coders}")
    used = sorted(set(frame.loc[frame["coder"].isin([*coders, *([gold] if gold else [])]), "code"]), key=str)
    if codes is None:
        codes = used
    else:
        codes = list(codes)
        known = set(used) | set(codebook_codes or [])
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise AgreementError(f"codes {unknown} are neither used by coders {coders} nor in the codebook; "
                                 f"codes used: {used}")
    if not codes:
        raise AgreementError(f"coders {coders} applied no code; nothing to compare")
    return tuple(coders), tuple(codes)


# --------------------------------------------------------------------------------------------------
# the grid: coders x units x codes
# --------------------------------------------------------------------------------------------------

@dataclass
class Grid:
    units: pd.DataFrame          # transcript, segment, start, end, text (one row per unit)
    present: np.ndarray          # raters x units x codes, bool
    rated: np.ndarray            # raters x units, bool
    raters: tuple                # coders (+ gold last)


def _positions(units: pd.DataFrame, rows: pd.DataFrame, problem) -> np.ndarray:
    """Positions in ``units`` of each row's (transcript, segment); ``problem(row)`` words the error for the
    first row that is not there."""
    key = pd.MultiIndex.from_frame(units[["transcript", "segment"]])
    pos = key.get_indexer(pd.MultiIndex.from_frame(rows[["transcript", "segment"]]))
    if (pos < 0).any():
        raise AgreementError(problem(rows[pos < 0].iloc[0]))
    return pos


def segment_grid(coded, segs, coded_by, raters, codes) -> Grid:
    """The coders x units x codes grid of segment units.

    Parameters
    ----------
    coded : pandas.DataFrame
        Coded segments (``transcript, segment, coder, code``).
    segs : pandas.DataFrame
        The unit segments (``transcript, segment`` and, when present, ``start, end, text``).
    coded_by : dict of str to set
        Transcript -> the coders who coded it: a rater who did not code a transcript has its units missing.
    raters : tuple of str
        The coders, then the gold layer if any.
    codes : tuple of str
        The codes.

    Returns
    -------
    Grid
        ``units``, ``present`` (raters x units x codes), ``rated`` (raters x units) and ``raters``; only the
        transcripts some rater coded are units.

    Examples
    --------
    >>> segs = pd.DataFrame({"transcript": "P01", "segment": ["t1", "t2"]})
    >>> coded = pd.DataFrame({"transcript": "P01", "segment": ["t1", "t2"], "coder": ["ana", "ben"], "code": "x"})
    >>> grid = segment_grid(coded, segs, {"P01": {"ana", "ben"}}, ("ana", "ben"), ("x",))
    >>> grid.present[:, :, 0].tolist(), grid.rated.all()
    ([[True, False], [False, True]], True)
    """
    coded = coded[coded["coder"].isin(raters) & coded["code"].isin(codes)]
    transcripts = [t for t in dict.fromkeys(segs["transcript"]) if coded_by.get(t, set()) & set(raters)]
    units = segs[segs["transcript"].isin(transcripts)].reset_index(drop=True).copy()
    for col in ("start", "end", "text"):
        if col not in units.columns:
            units[col] = None
    pos = _positions(units, coded, lambda bad: (f"coded segment {bad['segment']!r} of transcript "
                                                f"{bad['transcript']!r} (coder {bad['coder']!r}, code "
                                                f"{bad['code']!r}) is not in segments"))
    r_idx = {c: i for i, c in enumerate(raters)}
    k_idx = {c: i for i, c in enumerate(codes)}
    present = np.zeros((len(raters), len(units), len(codes)), bool)
    present[coded["coder"].map(r_idx).to_numpy(), pos, coded["code"].map(k_idx).to_numpy()] = True
    rated = np.zeros((len(raters), len(units)), bool)
    tr = units["transcript"].to_numpy()
    for c, i in r_idx.items():
        rated[i] = np.isin(tr, [t for t in transcripts if c in coded_by.get(t, set())])
    return Grid(units[["transcript", "segment", "start", "end", "text"]], present, rated, raters)


def character_grid(spans, lengths, texts, coded_by, raters, codes) -> Grid:
    """The coders x characters x codes grid of span codings (one unit per character).

    Parameters
    ----------
    spans : pandas.DataFrame
        Codings (``transcript, coder, code, start, end``).
    lengths : mapping of str to int
        Transcript -> length in characters.
    texts : mapping of str to str or None
        Not read here (the units carry no text).
    coded_by : dict of str to set
        Transcript -> the coders who coded it.
    raters, codes : tuple of str
        The raters (gold last) and the codes.

    Returns
    -------
    Grid
        One unit per character of each transcript some rater coded.

    Examples
    --------
    >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "x", "start": [0, 1], "end": 3})
    >>> grid = character_grid(spans, {"P01": 4}, None, {"P01": {"ana", "ben"}}, ("ana", "ben"), ("x",))
    >>> grid.present[:, :, 0].astype(int).tolist()
    [[1, 1, 1, 0], [0, 1, 1, 0]]
    """
    spans = spans[spans["coder"].isin(raters) & spans["code"].isin(codes)]
    transcripts = [t for t in lengths if coded_by.get(t, set()) & set(raters)]
    offsets = np.cumsum([0] + [lengths[t] for t in transcripts])
    n = int(offsets[-1])
    r_idx = {c: i for i, c in enumerate(raters)}
    k_idx = {c: i for i, c in enumerate(codes)}
    diff = np.zeros((len(raters), n + 1, len(codes)), np.int32)
    t_off = dict(zip(transcripts, offsets[:-1]))
    for row in spans.itertuples(index=False):
        if row.transcript not in t_off:
            continue
        s, e = int(row.start) + t_off[row.transcript], int(row.end) + t_off[row.transcript]
        diff[r_idx[row.coder], s, k_idx[row.code]] += 1
        diff[r_idx[row.coder], e, k_idx[row.code]] -= 1
    present = np.cumsum(diff, axis=1)[:, :n, :] > 0
    rated = np.zeros((len(raters), n), bool)
    for t, o in t_off.items():
        for c in coded_by.get(t, set()):
            if c in r_idx:
                rated[r_idx[c], o:o + lengths[t]] = True
    tr = np.repeat(np.array(transcripts, dtype=object), [lengths[t] for t in transcripts])
    pos = np.arange(n) - np.repeat(offsets[:-1], [lengths[t] for t in transcripts])
    units = pd.DataFrame({"transcript": tr, "segment": None, "start": pos, "end": pos + 1, "text": None})
    return Grid(units, present, rated, raters)



def disagreements(grid, raters, codes, gold, kind, tx) -> pd.DataFrame:
    """The contested units of a grid (a code some but not all raters applied), for the consensus meeting.

    Parameters
    ----------
    grid : Grid
        The grid.
    raters, codes : tuple of str
        Its raters (gold last) and codes.
    gold : str or None
        The gold layer: it gets a ``gold:<name>`` column and does not make a unit contested.
    kind : {"segments", "spans"}
        With spans, runs of consecutive characters rated alike become one row.
    tx : mapping of str to str or None
        Transcript texts, for the ``text`` of span rows.

    Returns
    -------
    pandas.DataFrame
        ``transcript, segment, start, end, text``, each rater's codes (``(not coded)`` where missing),
        ``contested`` and ``agreed``.

    Examples
    --------
    >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "x", "start": [0, 1], "end": 3})
    >>> grid = character_grid(spans, {"P01": 4}, None, {"P01": {"ana", "ben"}}, ("ana", "ben"), ("x",))
    >>> disagreements(grid, ("ana", "ben"), ("x",), None, "spans", {"P01": "abcd"})[["segment", "text", "ana", "ben"]]
      segment text ana ben
    0   P01:0-1    a   x
    """
    n_cmp = len(raters) - (1 if gold else 0)
    pres, rated = grid.present[:n_cmp], grid.rated[:n_cmp]
    pairable = rated.sum(axis=0) >= 2
    applied = (pres & rated[:, :, None]).sum(axis=0)          # units x codes
    raters_n = rated.sum(axis=0)[:, None]
    contested = (applied > 0) & (applied < raters_n) & pairable[:, None]
    units = grid.units
    if kind == "spans":
        # merge runs of consecutive characters with the same ratings into one span
        sig = np.concatenate([pres.transpose(1, 0, 2).reshape(len(units), -1), rated.T], axis=1)
        keep = contested.any(axis=1)
        tr = units["transcript"].to_numpy()
        change = np.ones(len(units), bool)
        change[1:] = (sig[1:] != sig[:-1]).any(axis=1) | (tr[1:] != tr[:-1])
        starts = np.flatnonzero(change)
        ends = np.concatenate([starts[1:], [len(units)]])
        sel = [r for r in range(len(starts)) if keep[starts[r]]]
        idx = starts[sel]
        span_end = units["end"].to_numpy()[ends[sel] - 1]
    else:
        idx = np.flatnonzero(contested.any(axis=1))
        span_end = units["end"].to_numpy()[idx]
    out = units.iloc[idx][["transcript", "segment", "start"]].copy()
    out["end"] = span_end
    if kind == "spans":
        out["segment"] = [f"{t}:{s}-{e}" for t, s, e in zip(out["transcript"], out["start"], out["end"])]
        out["text"] = [tx[t][s:e] if tx else None for t, s, e in zip(out["transcript"], out["start"], out["end"])]
    else:
        out["text"] = units["text"].to_numpy()[idx]

    def label(i, u):
        if not grid.rated[i, u]:
            return NOT_CODED
        return "; ".join(codes[k] for k in np.flatnonzero(grid.present[i, u]))

    for i, r in enumerate(raters):
        out[r if r != gold else f"gold:{r}"] = [label(i, u) for u in idx]
    out["contested"] = ["; ".join(codes[k] for k in np.flatnonzero(contested[u])) for u in idx]
    out["agreed"] = ["; ".join(codes[k] for k in np.flatnonzero((applied[u] == raters_n[u]) & (applied[u] > 0)))
                     for u in idx]
    return out.reset_index(drop=True)
