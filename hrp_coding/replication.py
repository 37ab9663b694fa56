"""Replication: code prevalence in an original versus a new sample, and the words that set passages apart
(see :func:`hrp_coding.analysis.compare_samples` and :func:`hrp_coding.analysis.distinctive_terms`, which this
module provides).

- :func:`compare_samples`: code prevalence in two samples, with differences, Newcombe intervals and Cohen's h,
  flagging codes that differ markedly.
- :func:`distinctive_terms`: words over-represented in one set of passages against another (weighted log-odds
  with an informative Dirichlet prior, Monroe, Colaresi & Quinn 2008), used to name what the new interviews
  talk about that no code captures.
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

__all__ = ["SampleComparison", "compare_samples", "distinctive_terms"]


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

        Examples
        --------
        >>> from hrp_coding.datasets import TINY_TEXT, tiny_study
        >>> study = tiny_study()  # P01, without a sample attribute, is in neither sample
        >>> for tid, sample in [("A1", "original"), ("B1", "replication")]:
        ...     _ = study.add_transcript(TINY_TEXT, transcript_id=tid, attributes={"sample": sample})
        >>> comparison = compare_samples(study, unit="transcript")
        >>> frame = comparison.to_frame()
        >>> list(frame.columns)
        ['code', 'n_a', 'units_a', 'prop_a', 'n_b', 'units_b', 'prop_b', 'diff', 'ci_low', 'ci_high', 'h', 'flag']
        >>> frame[["code", "n_a", "units_a", "n_b", "units_b"]].values.tolist(), frame is comparison.table
        ([['holding', 0, 1, 0, 1]], False)
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
        The study.
    attribute : str
        The transcript attribute that names the sample (``sample`` in the bundled study).
    a, b : str
        The two values of that attribute to compare (differences are b - a).
    unit : {"turn", "sentence", "paragraph", "transcript"}
        What one unit of prevalence is (default: a participant turn).
    role : str or None, default "participant"
        Only the segments of speakers with this role count as units (None: all; ignored for ``"transcript"``).
    coders : list of str, optional
        Whose codings count (default: everyone's).
    codes : list of str, optional
        Default: every code of the codebook, so codes never used in one sample are compared too.
    min_h : float, default 0.2
        The smallest |Cohen's h| that is flagged (with an interval that excludes 0).

    Returns
    -------
    SampleComparison
        The per-code table and the settings used; ``.flagged`` the codes that differ.

    Examples
    --------
    >>> from hrp_coding.datasets import TINY_TEXT, tiny_study
    >>> study = tiny_study(coded=False)
    >>> for tid, sample in [("A1", "original"), ("B1", "replication")]:
    ...     _ = study.add_transcript(TINY_TEXT, transcript_id=tid, attributes={"sample": sample})
    >>> _ = study.add_coding(coder="ana", transcript="B1", start=9, end=24, code="holding")
    >>> row = compare_samples(study).table.iloc[0]  # one participant turn in each sample
    >>> row["code"], row["prop_a"], row["prop_b"], round(row["ci_low"], 3), round(row["h"], 3), row["flag"]
    ('holding', 0.0, 1.0, -0.122, 3.142, False)
    """
    from hrp_coding.analysis import _codings, transcript_attributes

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
