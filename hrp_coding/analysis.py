"""Analysis of a coded study: frequencies, co-occurrence, saturation, coverage and replication.

Every function takes a :class:`~hrp_coding.project.Project` (or the tidy DataFrames it produces) and
returns tidy DataFrames or a frozen result object; nothing here writes to the project.

- :func:`code_frequencies`: how often each code is applied, by transcript, coder or attribute.
- :func:`cooccurrence`: which codes are applied together (same segment, or overlapping spans), with
  Jaccard and a normalised association (observed / expected under independence).
- :func:`saturation`: new codes per successive interview, and the Guest, Namey & Chen (2020) base /
  run / new-information-threshold assessment.
- :func:`coverage` and :func:`uncoded_passages`: how much participant talk is coded, and the longest
  uncoded passages, where emergent codes may hide.
- :func:`compare_samples`: code prevalence in an original versus a new sample, with differences,
  Newcombe intervals and Cohen's h, flagging codes that differ markedly.
- :func:`distinctive_terms`: words over-represented in one set of passages against another (weighted
  log-odds with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008), used to name what the
  new interviews talk about that no code captures.

Examples
--------
>>> import pandas as pd
>>> codings = pd.DataFrame({
...     "transcript": ["P01", "P01", "P02", "P03"],
...     "coder": ["ana"] * 4,
...     "code": ["holding", "inviting", "holding", "meeting_at"],
...     "start": [0, 50, 0, 0], "end": [40, 90, 30, 20]})
>>> code_frequencies(codings, by="transcript")[["transcript", "code", "n_codings"]].head(2)
  transcript      code  n_codings
0        P01   holding          1
1        P01  inviting          1
>>> saturation(codings, base_size=1, run_length=1, threshold=0.0).new_per_interview["n_new"].tolist()
[2, 0, 1]
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hrp_coding.errors import AnalysisError

__all__ = [
    "SampleComparison",
    "SaturationResult",
    "code_frequencies",
    "compare_samples",
    "cooccurrence",
    "coverage",
    "distinctive_terms",
    "saturation",
    "transcript_attributes",
    "uncoded_passages",
]

_SPAN_COLUMNS = ("transcript", "coder", "code", "start", "end")


# --------------------------------------------------------------------------- inputs


def _codings(source, coders: Sequence[str] | None = None) -> pd.DataFrame:
    """The span-level codings of a project, or a codings DataFrame checked for its columns."""
    frame = source.codings() if hasattr(source, "codings") else source
    if not isinstance(frame, pd.DataFrame):
        raise AnalysisError(f"expected a Project or a codings DataFrame, got {type(source).__name__}")
    missing = [c for c in ("transcript", "coder", "code") if c not in frame.columns]
    if missing:
        raise AnalysisError(f"codings DataFrame lacks column(s) {missing}; it has {list(frame.columns)}")
    if coders is not None:
        unknown = sorted(set(coders) - set(frame["coder"]))
        if unknown:
            raise AnalysisError(f"coders={unknown} have no codings; coders present: {sorted(set(frame['coder']))}")
        frame = frame[frame["coder"].isin(list(coders))]
    return without_recoding(frame)


def without_recoding(frame: pd.DataFrame) -> pd.DataFrame:
    """The codings that do not wait for recoding; those of a split or retired code (``needs_recoding``) are left
    out with a :class:`~hrp_coding.errors.CodebookVersionWarning` naming them (they keep a code id that no
    longer applies, so counting them would count a dead code).

    Parameters
    ----------
    frame : pandas.DataFrame
        Codings, perhaps with a ``needs_recoding`` column (without one, all are kept).

    Returns
    -------
    pandas.DataFrame
        The rows that do not wait for recoding.

    Examples
    --------
    >>> import warnings
    >>> df = pd.DataFrame({"transcript": ["P01", "P01"], "coder": "ana", "code": ["care", "old"],
    ...                    "needs_recoding": [False, True]})
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     kept = without_recoding(df)
    >>> list(kept["code"]), "recode-queue" in str(caught[0].message)
    (['care'], True)
    """
    if "needs_recoding" not in frame.columns:
        return frame
    flagged = frame["needs_recoding"].fillna(False).astype(bool).to_numpy()
    if not flagged.any():
        return frame
    import warnings

    from hrp_coding.errors import CodebookVersionWarning

    codes = sorted(set(frame.loc[flagged, "code"]), key=str)
    warnings.warn(f"{int(flagged.sum())} coding(s) of {', '.join(codes)} need recoding (split or retired code) "
                  "and are left out; list them with `hrp-coding recode-queue STUDY`", CodebookVersionWarning,
                  stacklevel=3)
    return frame[~flagged]


def transcript_attributes(project) -> pd.DataFrame:
    """One row per transcript: ``transcript`` plus each attribute (discipline, setting, sample, ...).

    Parameters
    ----------
    project : Project
        Anything with ``transcript_ids`` and ``transcript(id).attributes``.

    Returns
    -------
    pandas.DataFrame
        In ``transcript_ids`` order; an attribute a transcript lacks is NaN.

    Examples
    --------
    >>> class _T:
    ...     def __init__(self, a): self.attributes = a
    >>> class _P:
    ...     transcript_ids = ["P01", "P02"]
    ...     def transcript(self, i): return _T({"setting": {"P01": "clinic", "P02": "outreach"}[i]})
    >>> transcript_attributes(_P())
      transcript   setting
    0        P01    clinic
    1        P02  outreach
    """
    rows = [{"transcript": tid, **dict(project.transcript(tid).attributes)} for tid in project.transcript_ids]
    return pd.DataFrame(rows, columns=None if rows else ["transcript"])


def _with_attributes(frame: pd.DataFrame, source, by: Sequence[str]) -> pd.DataFrame:
    needed = [b for b in by if b not in frame.columns]
    if not needed:
        return frame
    if not hasattr(source, "transcript_ids"):
        raise AnalysisError(f"by={needed} are not columns of the codings; "
                         "pass a Project to group by transcript attributes")
    attributes = transcript_attributes(source)
    unknown = [b for b in needed if b not in attributes.columns]
    if unknown:
        known = sorted(set(attributes.columns) - {"transcript"})
        raise AnalysisError(f"by={unknown}: no such transcript attribute; attributes are {known}")
    return frame.merge(attributes[["transcript", *needed]], on="transcript", how="left")


# --------------------------------------------------------------------------- frequencies


def code_frequencies(source, *, by: str | Sequence[str] = "transcript", coders: Sequence[str] | None = None,
                     codes: Sequence[str] | None = None) -> pd.DataFrame:
    """How often each code is applied, per group.

    Parameters
    ----------
    source : Project or DataFrame
        A project, or span-level codings (columns transcript, coder, code[, start, end]).
    by : str or list of str
        ``"transcript"``, ``"coder"``, any transcript attribute (``"discipline"``, ``"setting"``, ...), or
        several of them; ``()`` for study totals.
    coders, codes : list of str, optional
        Restrict to these coders or codes.

    Returns
    -------
    DataFrame
        Columns: the ``by`` columns, ``code``, ``n_codings`` (spans), ``n_transcripts`` (transcripts where
        the code occurs), ``n_coders``, ``chars`` (coded characters, when offsets are known) and
        ``share`` (the code's share of all codings in its group). Rows sorted by group, then code.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> code_frequencies(tiny_study(), by="coder")
      coder     code  n_codings  n_transcripts  n_coders  chars  share
    0   ana  holding          1              1         1     15    1.0
    """
    by = [by] if isinstance(by, str) else list(by)
    frame = _with_attributes(_codings(source, coders), source, by)
    if codes is not None:
        frame = frame[frame["code"].isin(list(codes))]
    frame = frame.assign(_chars=(frame["end"] - frame["start"]) if {"start", "end"} <= set(frame.columns) else np.nan)
    keys = [*by, "code"]
    grouped = frame.groupby(keys, dropna=False, sort=True)
    out = grouped.agg(n_codings=("code", "size"), n_transcripts=("transcript", "nunique"),
                      n_coders=("coder", "nunique"), chars=("_chars", "sum")).reset_index()
    totals = out.groupby(by, dropna=False)["n_codings"].transform("sum") if by else out["n_codings"].sum()
    out["share"] = out["n_codings"] / totals
    return out.sort_values(keys, kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------- co-occurrence


def cooccurrence(source, *, unit: str = "turn", coders: Sequence[str] | None = None,
                 codes: Sequence[str] | None = None) -> pd.DataFrame:
    """Pairs of codes applied together, with counts, Jaccard and observed/expected.

    Parameters
    ----------
    source : Project or DataFrame
        A project (for segment units) or span-level codings with start/end (for ``unit="span"``).
    unit : {"turn", "sentence", "paragraph", "span"}
        ``"span"`` counts pairs of overlapping spans by the same coder in the same transcript; the other
        units count segments (per coder) in which both codes occur.
    coders, codes : list of str, optional
        Restrict to these coders or codes.

    Returns
    -------
    DataFrame
        One row per unordered pair ``code_a < code_b``: ``n_both``, ``n_a``, ``n_b``, ``n_units``,
        ``jaccard`` = n_both / (n_a + n_b - n_both), and ``obs_exp`` = n_both * n_units / (n_a * n_b)
        (1 = independence; > 1 the codes attract). For ``unit="span"`` the counted units are spans:
        ``n_a`` is the number of spans of code a, and ``obs_exp`` is left out (no fixed set of units).

    Examples
    --------
    >>> import pandas as pd
    >>> spans = pd.DataFrame({"transcript": ["P01"] * 3, "coder": ["ana"] * 3,
    ...                       "code": ["holding", "enclosure_and_safety", "inviting"],
    ...                       "start": [0, 10, 100], "end": [50, 60, 120]})
    >>> cooccurrence(spans, unit="span")[["code_a", "code_b", "n_both"]]
                     code_a   code_b  n_both
    0  enclosure_and_safety  holding       1
    """
    if unit == "span":
        frame = _codings(source, coders)
        if codes is not None:
            frame = frame[frame["code"].isin(list(codes))]
        return _span_cooccurrence(frame)
    if not hasattr(source, "coded_segments"):
        raise AnalysisError(f"unit={unit!r} needs a Project (to segment the transcripts); "
                            "pass unit='span' for DataFrames")
    present = source.coded_segments(unit)
    if coders is not None:
        present = present[present["coder"].isin(list(coders))]
    if codes is not None:
        present = present[present["code"].isin(list(codes))]
    present = present.drop_duplicates(["transcript", "segment", "coder", "code"])
    units = present[["transcript", "segment", "coder"]].drop_duplicates()
    n_units = len(units)
    if n_units == 0:
        return _empty_pairs()
    unit_id = pd.MultiIndex.from_frame(present[["transcript", "segment", "coder"]])
    unit_codes, unit_index = pd.factorize(unit_id)
    code_codes, code_names = pd.factorize(present["code"], sort=True)
    incidence = np.zeros((len(unit_index), len(code_names)), dtype=np.int64)
    incidence[unit_codes, code_codes] = 1
    both = incidence.T @ incidence  # codes x codes co-occurrence counts
    counts = np.diag(both)
    rows = []
    for i in range(len(code_names)):
        for j in range(i + 1, len(code_names)):
            n_both = int(both[i, j])
            if n_both == 0:
                continue
            n_a, n_b = int(counts[i]), int(counts[j])
            rows.append({"code_a": code_names[i], "code_b": code_names[j], "n_both": n_both, "n_a": n_a, "n_b": n_b,
                         "n_units": n_units, "jaccard": n_both / (n_a + n_b - n_both),
                         "obs_exp": n_both * n_units / (n_a * n_b)})
    return _sorted_pairs(pd.DataFrame(rows, columns=_PAIR_COLUMNS))


_PAIR_COLUMNS = ["code_a", "code_b", "n_both", "n_a", "n_b", "n_units", "jaccard", "obs_exp"]


def _empty_pairs() -> pd.DataFrame:
    return pd.DataFrame(columns=_PAIR_COLUMNS)


def _sorted_pairs(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(["n_both", "code_a", "code_b"], ascending=[False, True, True],
                             kind="stable").reset_index(drop=True)


def _span_cooccurrence(frame: pd.DataFrame) -> pd.DataFrame:
    missing = [c for c in ("start", "end") if c not in frame.columns]
    if missing:
        raise AnalysisError(f"unit='span' needs span offsets; the codings lack {missing}")
    pairs: Counter = Counter()
    for _, group in frame.groupby(["transcript", "coder"], sort=False):
        group = group.sort_values("start", kind="stable")
        starts, ends, names = group["start"].to_numpy(), group["end"].to_numpy(), group["code"].to_numpy()
        for i in range(len(group)):
            # spans are sorted by start: later spans overlap span i while they start before it ends
            j = i + 1
            while j < len(group) and starts[j] < ends[i]:
                if names[i] != names[j]:
                    pairs[tuple(sorted((names[i], names[j])))] += 1
                j += 1
    n_spans = frame["code"].value_counts()
    rows = [{"code_a": a, "code_b": b, "n_both": n, "n_a": int(n_spans[a]), "n_b": int(n_spans[b]),
             "n_units": len(frame), "jaccard": n / (n_spans[a] + n_spans[b] - n), "obs_exp": np.nan}
            for (a, b), n in pairs.items()]
    return _sorted_pairs(pd.DataFrame(rows, columns=_PAIR_COLUMNS))


# ------------------------------------------- saturation and replication (hrp_coding.saturation, .replication)

from hrp_coding.replication import SampleComparison, compare_samples, distinctive_terms  # noqa: E402 - this API
from hrp_coding.saturation import SaturationResult, saturation  # noqa: E402 - part of this module's API

# --------------------------------------------------------------------------- coverage


def _mask_of(starts: np.ndarray, ends: np.ndarray, length: int) -> np.ndarray:
    """Characters ``[0, length)`` inside at least one interval ``[start, end)`` (a difference array)."""
    diff = np.zeros(length + 1, np.int64)
    np.add.at(diff, np.clip(starts, 0, length), 1)
    np.add.at(diff, np.clip(ends, 0, length), -1)
    return np.cumsum(diff[:length]) > 0


def coverage(project, *, coders: Sequence[str] | None = None, role: str | None = "participant",
             by_coder: bool = False) -> pd.DataFrame:
    """Share of (participant) talk that is coded, per transcript (and per coder).

    Counts the characters of the turns whose speaker has ``role`` (all turns when None) that lie inside
    at least one coding span.

    Parameters
    ----------
    project : Project
        The study.
    coders : list of str, optional
        Whose codings count (default: everyone's).
    role, by_coder : str or None, bool
        The speakers whose talk is measured (default participants; None: all); one row per coder as well.

    Returns
    -------
    DataFrame
        ``transcript`` [, ``coder``], ``talk_chars`` (characters of the measured turns), ``coded_chars`` (those
        inside a coding), ``share`` = coded_chars / talk_chars, ``n_codings``.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> coverage(tiny_study())  # "We sat with her" (15 of the participant turn's 16 characters)
      transcript  talk_chars  coded_chars   share  n_codings
    0        P01          16           15  0.9375          1
    """
    codings = _codings(project, coders)
    turns = project.segments("turn")
    if role is not None:
        turns = turns[turns["role"] == role]
    rows = []
    groups = [("transcript", "coder")] if by_coder else [("transcript",)]
    keys = groups[0]
    coder_list = sorted(set(codings["coder"])) if by_coder else [None]
    by_transcript = dict(tuple(codings.groupby("transcript", sort=False)))
    empty = codings.iloc[0:0]
    for tid, tturns in turns.groupby("transcript", sort=True):
        tcodings = by_transcript.get(tid, empty)
        t_start, t_end = tturns["start"].to_numpy(np.int64), tturns["end"].to_numpy(np.int64)
        length = int(max(t_end.max(initial=0), tcodings["end"].max() if len(tcodings) else 0))
        talk_mask = _mask_of(t_start, t_end, length)
        per_coder = dict(tuple(tcodings.groupby("coder", sort=False))) if coder_list != [None] else {}
        for coder in coder_list:
            spans = tcodings if coder is None else per_coder.get(coder, empty)
            if coder is not None and spans.empty:
                continue  # this coder did not code this transcript
            covered = _mask_of(spans["start"].to_numpy(np.int64), spans["end"].to_numpy(np.int64), length)
            coded = int(np.count_nonzero(covered & talk_mask))
            talk = int((t_end - t_start).sum())
            row = {"transcript": tid, "talk_chars": talk, "coded_chars": coded,
                   "share": coded / talk if talk else np.nan, "n_codings": len(spans)}
            if coder is not None:
                row["coder"] = coder
            rows.append(row)
    columns = [*keys, "talk_chars", "coded_chars", "share", "n_codings"]
    return pd.DataFrame(rows, columns=columns)


def uncoded_passages(project, *, unit: str = "turn", min_chars: int = 200, role: str | None = "participant",
                     coders: Sequence[str] | None = None, transcripts: Sequence[str] | None = None) -> pd.DataFrame:
    """Segments of (participant) talk that no selected coder has coded: where emergent codes may hide.

    Parameters
    ----------
    project : Project
        The study.
    unit, min_chars : str, int
        The passages listed (default ``"turn"``) and the fewest characters one must have (default 200).
    role : str or None, default "participant"
        Only this role's passages (None: all).
    coders, transcripts : list of str, optional
        Whose codings count, and which transcripts are searched (default: all).

    Returns
    -------
    DataFrame
        The segments (transcript, segment, start, end, speaker, role, text) with ``chars``, longest first.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> uncoded_passages(tiny_study(), min_chars=1, role=None)[["segment", "role", "text", "chars"]]
        segment         role text  chars
    0  P01:t001  interviewer   Hi      2
    """
    segments = project.segments(unit)
    if role is not None:
        segments = segments[segments["role"] == role]
    if transcripts is not None:
        segments = segments[segments["transcript"].isin(list(transcripts))]
    present = project.coded_segments(unit)
    if coders is not None:
        present = present[present["coder"].isin(list(coders))]
    coded = set(zip(present["transcript"], present["segment"]))
    mask = [(t, s) not in coded for t, s in zip(segments["transcript"], segments["segment"])]
    out = segments[mask].assign(chars=lambda f: f["end"] - f["start"])
    out = out[out["chars"] >= min_chars]
    return out.sort_values(["chars", "transcript", "start"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)
