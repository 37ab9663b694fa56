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

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hrp_coding.errors import AnalysisError
from hrp_coding.intervals import newcombe_interval

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


# --------------------------------------------------------------------------- saturation (hrp_coding.saturation)

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
        ``transcript`` [, ``coder``], ``talk_chars``, ``coded_chars``, ``share``, ``n_codings``.
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


# --------------------------------------------------------------------------- replication


@dataclass(frozen=True)
class SampleComparison:
    """Code prevalence in two samples, with differences, intervals and effect sizes.

    ``table`` has one row per code: ``n_a``/``n_b`` (units carrying the code), ``units_a``/``units_b``,
    ``prop_a``/``prop_b``, ``diff`` = prop_b - prop_a with its Newcombe (1998, method 10) 95% interval
    ``ci_low``/``ci_high``, Cohen's ``h`` = 2 asin(sqrt(p_b)) - 2 asin(sqrt(p_a)), and ``flag``: True when
    the interval excludes 0 and |h| >= ``min_h`` (Cohen's "small" is 0.2, "medium" 0.5).
    """

    table: pd.DataFrame
    sample_a: str
    sample_b: str
    unit: str
    min_h: float

    @property
    def flagged(self) -> pd.DataFrame:
        return self.table[self.table["flag"]]

    def to_frame(self) -> pd.DataFrame:
        """The per-code table (a copy of :attr:`table`).

        Returns
        -------
        pandas.DataFrame
            One row per code, the columns described above.
        """
        return self.table.copy()

    def __str__(self) -> str:
        lines = [f"Code prevalence per {self.unit}: {self.sample_a} vs {self.sample_b}"]
        for row in self.table.itertuples():
            mark = "  <- differs" if row.flag else ""
            lines.append(f"  {row.code:<32} {row.prop_a:6.1%} -> {row.prop_b:6.1%}  diff {row.diff:+.3f} "
                         f"[{row.ci_low:+.3f}, {row.ci_high:+.3f}]  h {row.h:+.2f}{mark}")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return (f"<p><b>Code prevalence per {_escape(self.unit)}: {_escape(self.sample_a)} vs "
                f"{_escape(self.sample_b)}</b></p>" + self.table.to_html(index=False, float_format="{:.3f}".format))


def compare_samples(project, *, attribute: str = "sample", a: str = "original", b: str = "replication",
                    unit: str = "turn", role: str | None = "participant", coders: Sequence[str] | None = None,
                    codes: Sequence[str] | None = None, min_h: float = 0.2) -> SampleComparison:
    """Compare code prevalence between two samples of a study (original versus replication).

    The prevalence of a code is the share of units (participant turns by default, or whole transcripts
    with ``unit="transcript"``) that carry it under any selected coder. Units of one interview are not
    independent, so read the intervals as descriptive; with ``unit="transcript"`` they are honest but wide.

    Parameters
    ----------
    project : Project
    attribute : str
        The transcript attribute that names the sample (``sample`` in the bundled study).
    a, b : str
        The two values of that attribute to compare (differences are b - a).
    unit : {"turn", "sentence", "paragraph", "transcript"}
    codes : list of str, optional
        Default: every code of the codebook, so codes never used in one sample are compared too.

    Returns
    -------
    SampleComparison
        The per-code table and the settings used; ``.flagged`` the codes that differ.
    """
    attributes = transcript_attributes(project)
    if attribute not in attributes.columns:
        raise AnalysisError(f"attribute {attribute!r} is not a transcript attribute; attributes are "
                         f"{sorted(set(attributes.columns) - {'transcript'})}")
    groups = {}
    for name in (a, b):
        ids = attributes.loc[attributes[attribute] == name, "transcript"].tolist()
        if not ids:
            values = sorted(attributes[attribute].dropna().astype(str).unique())
            raise AnalysisError(f"no transcript has {attribute}={name!r}; values are {values}")
        groups[name] = ids
    if codes is None:
        codebook = getattr(project, "codebook", None)
        codes = list(codebook.codes) if codebook is not None else sorted(set(_codings(project)["code"]))
    if unit == "transcript":
        present = _codings(project, coders)[["transcript", "code"]].assign(segment="")
        units = attributes[["transcript"]].assign(segment="")
    else:
        present = project.coded_segments(unit)
        if coders is not None:
            present = present[present["coder"].isin(list(coders))]
        units = project.segments(unit)
        if role is not None:
            units = units[units["role"] == role]
        present = present.merge(units[["transcript", "segment"]], on=["transcript", "segment"])
    present = present.drop_duplicates(["transcript", "segment", "code"])
    rows = []
    for code in codes:
        counts = {}
        for name, ids in groups.items():
            n_units = int(units["transcript"].isin(ids).sum())
            k = int(((present["code"] == code) & present["transcript"].isin(ids)).sum())
            counts[name] = (k, n_units)
        (k_a, n_a), (k_b, n_b) = counts[a], counts[b]
        pa, pb = (k_a / n_a if n_a else np.nan), (k_b / n_b if n_b else np.nan)
        low, high = newcombe_interval(k_a, n_a, k_b, n_b)
        h = 2 * math.asin(math.sqrt(pb)) - 2 * math.asin(math.sqrt(pa))
        rows.append({"code": code, "n_a": k_a, "units_a": n_a, "prop_a": pa, "n_b": k_b, "units_b": n_b,
                     "prop_b": pb, "diff": pb - pa, "ci_low": low, "ci_high": high, "h": h,
                     "flag": bool((low > 0 or high < 0) and abs(h) >= min_h)})
    table = pd.DataFrame(rows)
    table = table.reindex(table["h"].abs().sort_values(ascending=False, kind="stable").index).reset_index(drop=True)
    return SampleComparison(table, a, b, unit, min_h)


# --------------------------------------------------------------------------- distinctive terms

_WORD = re.compile(r"[a-z][a-z'\-]+")
_STOPWORD_TEXT = (
    "a about after again all also am an and any are as at be because been before being but by can could "
    "did do does doing don't down even for from get got had has have having he her here him his how i "
    "i'm if in into is it it's its just kind know like me more most my no not now of off oh on one or "
    "other our out over really right said say says she so some something than that that's the their them "
    "then there these they thing things think this those through to too um uh up us very was way we well "
    "were what when where which while who why will with would yeah you your you're "
)
_STOPWORDS = frozenset(_STOPWORD_TEXT.split())


def distinctive_terms(focus: Sequence[str], background: Sequence[str], *, top: int = 15, prior: float = 0.01,
                      min_count: int = 3) -> pd.DataFrame:
    """Words over-represented in ``focus`` texts against ``background`` texts.

    Weighted log-odds ratio with an informative Dirichlet prior (Monroe, Colaresi & Quinn 2008, "Fightin'
    words", Political Analysis 16(4), eq. 22): z-scores ``delta / sqrt(var)``; positive means the word is
    characteristic of ``focus``. Stop words are dropped.

    Parameters
    ----------
    focus, background : sequence of str
        The texts compared (the passages of one code, say, and the rest of the talk).
    top : int, default 15
        How many terms to return.
    prior : float, default 0.01
        Strength of the Dirichlet prior, as a share of the pooled counts.
    min_count : int, default 3
        Rarer words (both sides together) are left out.

    Returns
    -------
    pandas.DataFrame
        ``term``, ``focus_count``, ``background_count`` and ``z``, highest ``z`` first.

    Examples
    --------
    >>> focus = ["the judge and the court order", "probation officer and the judge", "court mandated"] * 2
    >>> background = ["we talked about safety", "she felt welcome and safe", "court is far"] * 2
    >>> distinctive_terms(focus, background, top=2)["term"].tolist()
    ['judge', 'court']
    """
    focus_counts = Counter(w for text in focus for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)
    back_counts = Counter(w for text in background for w in _WORD.findall(text.lower()) if w not in _STOPWORDS)
    vocab = sorted(w for w in set(focus_counts) | set(back_counts) if focus_counts[w] + back_counts[w] >= min_count)
    if not vocab:
        return pd.DataFrame(columns=["term", "focus_count", "background_count", "z"])
    y_i = np.array([focus_counts[w] for w in vocab], dtype=float)
    y_j = np.array([back_counts[w] for w in vocab], dtype=float)
    total = y_i + y_j
    alpha = prior * total / total.sum() * len(vocab)  # prior proportional to the pooled frequencies
    a0, n_i, n_j = alpha.sum(), y_i.sum(), y_j.sum()
    delta = (np.log((y_i + alpha) / (n_i + a0 - y_i - alpha)) - np.log((y_j + alpha) / (n_j + a0 - y_j - alpha)))
    var = 1.0 / (y_i + alpha) + 1.0 / (y_j + alpha)
    z = delta / np.sqrt(var)
    out = pd.DataFrame({"term": vocab, "focus_count": y_i.astype(int), "background_count": y_j.astype(int), "z": z})
    return out.sort_values(["z", "term"], ascending=[False, True], kind="stable").head(top).reset_index(drop=True)


def _escape(text: str) -> str:
    import html

    return html.escape(str(text))
