"""Span-level (unitizing) reliability: Krippendorff's u-alpha and the newer unitizing family.

Coders who code transcripts choose *where* a code applies (the span) as well as *which* code; a
segment-level coefficient sees only the second decision. Krippendorff's alpha for unitizing judges
both, on the continuum of characters.

Two functions:

* :func:`unitized_alpha` -- Krippendorff's (1995) u-alpha in the form of Krippendorff (2004, section
  12.4 "Unitizing"), per category and pooled; ``scale="continuous"`` gives the 1995 paper's continuous
  form beside it. Checked against the worked examples of Krippendorff (2004, p. 254) and Krippendorff
  (1995, p. 57: observed disagreements, and the alphas of the continuous form).
* :func:`unitized_alpha_family` -- the coincidence-matrix family of Krippendorff, Mathet, Bouvry and
  Widloecher (2016) that ATLAS.ti reports (u-alpha, |u-alpha, cu-alpha, (k)u-alpha; Krippendorff
  2019, section 12.6). **Experimental**: implemented from the published definitions but not yet
  checked against a published worked example; every call issues an
  :class:`~hrp_coding.errors.ExperimentalWarning` and the result says so in ``notes``.

Spans
-----
``spans`` is a DataFrame or an iterable of records with ``coder, start, end, code`` and optionally
``transcript`` (records may be dicts or tuples in that order). Offsets are character positions,
``end`` exclusive. ``continuum`` is the length of the text (an int), a ``(begin, end)`` pair, or a
mapping ``transcript -> length`` (or ``-> (begin, end)``). Several transcripts are laid end to end as
one continuum of length ``L = sum of their lengths`` whose boundaries are respected: no gap runs
across a boundary, and only sections of the same transcript are compared. Without ``continuum`` the
length of each transcript is taken as its last coded character (noted in the result: the uncoded tail
then counts for nothing, which lowers expected disagreement).

Missing versus absent: a coder with no span at all in a transcript did not code it. With
``missing="exclude"`` (default) such a transcript is left out for everyone (u-alpha assumes every
coder unitized the whole continuum) and listed in ``notes``; with ``missing="absent"`` the coder is
taken to have found nothing there (the whole transcript is one gap for them). A coder who coded the
transcript but never used category ``c`` there said "no c anywhere here" (one gap).

One coder's overlapping spans of the *same* code are merged into their union (noted); touching spans
stay two units.

Formulas (u-alpha, Krippendorff 2004, pp. 251-256)
--------------------------------------------------
For category ``c``, each coder's continuum is a sequence of sections: units of ``c`` (``w = 1``) and
the gaps between them (``w = 0``), each with begin ``b`` and length ``l``. The distance between
section ``g`` of coder ``i`` and section ``h`` of coder ``j`` is::

    d2(g, h) = (b_g - b_h)^2 + (b_g + l_g - b_h - l_h)^2   both units and they overlap
             = l_g^2                                       g a unit lying inside gap h
             = l_h^2                                       h a unit lying inside gap g
             = 0                                           otherwise

    uD_o(c) = sum_{i != j} sum_g sum_h d2(g, h) / (m (m - 1) L^2)

    uD_e(c) = (2 / L) * sum_{units g of c} [ (N_c - 1) (2 l_g^3 - 3 l_g^2 + l_g) / 3
                                             + l_g^2 * sum_{gaps h, l_h >= l_g} (l_h - l_g + 1) ]
              / ( m L (m L - 1) - sum_{units g of c} l_g (l_g - 1) )

    u-alpha(c) = 1 - uD_o(c) / uD_e(c);      pooled u-alpha = 1 - sum_c uD_o(c) / sum_c uD_e(c)

with ``m`` coders, ``N_c`` the number of units of ``c`` (all coders), gaps of all coders.

Examples
--------
Krippendorff's (2004, p. 254) example: two observers, continuum 150-450, categories c and k.

>>> spans = [("i", 225, 295, "c"), ("i", 370, 400, "c"), ("j", 220, 300, "c"), ("j", 355, 375, "c"),
...          ("j", 400, 420, "c"), ("i", 180, 240, "k"), ("i", 300, 350, "k"), ("j", 180, 240, "k"),
...          ("j", 300, 350, "k")]
>>> r = unitized_alpha(spans, continuum=(150, 450))
>>> round(r.category("c").value, 4), round(r.category("k").value, 4), round(r.value, 4)
(0.7286, 1.0, 0.8587)

(The book prints .8591 for the pooled value, having rounded uD_o and uD_e to four places first.)
"""

from __future__ import annotations

import html
import math
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hrp_coding.errors import AgreementError, DegenerateAgreementWarning, ParameterTypeError, Problem, format_problems

__all__ = [
    "UnitizedAlphaResult",
    "UnitizedCategory",
    "UnitizedFamilyResult",
    "normalise_spans",
    "unitized_alpha",
    "unitized_alpha_family",
]

_GAP = None  # the value of a gap in the family's coincidence matrix

_MISSING = ("exclude", "absent")


def _fmt(x: float | None, digits: int = 4) -> str:
    return "n/a" if x is None else f"{x:.{digits}f}"


# --------------------------------------------------------------------------------------------------
# input handling
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Spans:
    """Validated spans: one row per (transcript, coder, code, start, end), same-code overlaps merged."""

    frame: pd.DataFrame            # columns transcript, coder, code, start, end (int64)
    bounds: dict                   # transcript -> (begin, end)
    coders: tuple                  # coders in the analysis, sorted
    transcripts: tuple             # transcripts included, in continuum order
    notes: tuple


def _records_frame(spans) -> pd.DataFrame:
    if isinstance(spans, pd.DataFrame):
        return spans.copy()
    rows = list(spans)
    if not rows:
        return pd.DataFrame(columns=["coder", "start", "end", "code"])
    if isinstance(rows[0], Mapping):
        return pd.DataFrame([dict(r) for r in rows])
    width = {len(r) for r in rows}
    if not width <= {4, 5}:
        raise AgreementError("spans: records must be (coder, start, end, code[, transcript]); "
                             f"got lengths {sorted(width)}")
    cols = ["coder", "start", "end", "code", "transcript"]
    return pd.DataFrame([list(r) + [None] * (5 - len(r)) for r in rows], columns=cols)


def _bounds_of(value, where: str, problems: list) -> tuple[int, int] | None:
    if isinstance(value, (tuple, list)) and len(value) == 2:
        b, e = value
    else:
        b, e = 0, value
    try:
        b, e = int(b), int(e)
    except (TypeError, ValueError):
        problems.append(Problem(where, f"continuum must be a length or a (begin, end) pair; got {value!r}"))
        return None
    if e <= b:
        problems.append(Problem(where, f"continuum is empty: begin {b}, end {e}"))
        return None
    return b, e


def normalise_spans(spans, *, continuum=None, coders=None, codes=None, missing: str = "exclude") -> _Spans:
    """Validate spans and settle the continuum, coders and transcripts (used by every unitized function).

    Every problem is collected before raising one :class:`~hrp_coding.errors.AgreementError` that names
    the row, coder, transcript and code concerned.

    Parameters
    ----------
    spans, continuum, coders, missing
        As for :func:`unitized_alpha`.
    codes : list, optional
        Keep only spans of these codes (default: all).

    Returns
    -------
    _Spans
        ``frame`` (one row per span, same-code overlaps of one coder merged), ``bounds`` (transcript ->
        (begin, end)), the ``coders`` and ``transcripts`` compared, and ``notes``.

    Examples
    --------
    >>> s = normalise_spans([("ana", 0, 5, "holding"), ("ben", 2, 6, "holding")], continuum=10)
    >>> s.coders, s.bounds
    (('ana', 'ben'), {None: (0, 10)})
    """
    if missing not in _MISSING:
        raise AgreementError(f"missing={missing!r} is not allowed; use one of {_MISSING}")
    df = _records_frame(spans)
    need = [c for c in ("coder", "start", "end", "code") if c not in df.columns]
    if need:
        raise AgreementError(f"spans: missing column(s) {need}; need coder, start, end, code[, transcript]; "
                             f"got {list(df.columns)}")
    if "transcript" not in df.columns:
        df["transcript"] = None
    df = df[["transcript", "coder", "code", "start", "end"]].reset_index(drop=True)
    df["transcript"] = df["transcript"].astype(object).where(df["transcript"].notna(), None)
    problems: list[Problem] = []

    # continuum
    bounds: dict = {}
    if continuum is None:
        pass
    elif isinstance(continuum, Mapping):
        for t, v in continuum.items():
            b = _bounds_of(v, f"continuum[{t!r}]", problems)
            if b is not None:
                bounds[t] = b
    else:
        b = _bounds_of(continuum, "continuum", problems)
        if b is not None:
            if df["transcript"].notna().any():
                names = sorted(set(df["transcript"].dropna()), key=str)
                if len(names) > 1:
                    problems.append(Problem("continuum", f"one length given but spans come from {len(names)} "
                                            f"transcripts {names[:5]}", hint="pass a mapping transcript -> length"))
                else:
                    bounds[names[0]] = b
            else:
                bounds[None] = b

    for idx, row in df.iterrows():
        where = f"row {idx}"
        who = f"coder {row['coder']!r}, transcript {row['transcript']!r}, code {row['code']!r}"
        if row["coder"] is None or (isinstance(row["coder"], float) and math.isnan(row["coder"])):
            problems.append(Problem(where, "coder is missing"))
        if row["code"] is None or (isinstance(row["code"], float) and math.isnan(row["code"])):
            problems.append(Problem(where, f"code is missing ({who})"))
        try:
            s, e = float(row["start"]), float(row["end"])
            if not (s.is_integer() and e.is_integer()):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(Problem(where, f"start/end must be whole character offsets; got "
                                    f"{row['start']!r}, {row['end']!r} ({who})"))
            continue
        if e <= s:
            problems.append(Problem(where, f"empty or reversed span {int(s)}-{int(e)} ({who})"))
            continue
        t = row["transcript"]
        if bounds:
            if t not in bounds:
                problems.append(Problem(where, f"transcript {t!r} has no length in continuum ({who})"))
            elif s < bounds[t][0] or e > bounds[t][1]:
                problems.append(Problem(where, f"span {int(s)}-{int(e)} lies outside the continuum "
                                        f"{bounds[t][0]}-{bounds[t][1]} ({who})"))
    if problems:
        raise AgreementError(format_problems(problems, source="spans"))

    df["start"] = df["start"].astype(float).astype(np.int64)
    df["end"] = df["end"].astype(float).astype(np.int64)
    notes: list[str] = []
    if continuum is None:
        if df.empty:
            raise AgreementError("spans: no spans and no continuum; nothing to compare")
        for t, grp in df.groupby("transcript", dropna=False, sort=False):
            t = None if (isinstance(t, float) and math.isnan(t)) else t
            bounds[t] = (0, int(grp["end"].max()))
        notes.append("continuum not given: each transcript's length taken as its last coded character")

    present = sorted(set(df["coder"]), key=str)
    if coders is not None:
        coders = list(coders)
        unknown = [c for c in coders if c not in present]
        if unknown:
            raise AgreementError(f"coders: {unknown} have no spans; coders with spans: {present}")
        df = df[df["coder"].isin(coders)]
    else:
        coders = present
    if codes is not None:
        codes = list(codes)
        known = set(df["code"])
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise AgreementError(f"codes: {unknown} never used by coders {sorted(coders, key=str)}; "
                                 f"codes used: {sorted(known, key=str)}")
        df = df[df["code"].isin(codes)]
    coders = tuple(sorted(coders, key=str))
    if len(coders) < 2:
        raise AgreementError(f"unitized alpha needs at least two coders; got {list(coders)}")

    # missing-versus-absent, per transcript
    order = list(bounds)
    included = []
    excluded = []
    for t in order:
        who = set(df.loc[df["transcript"].apply(lambda x, t=t: x == t), "coder"])
        if missing == "absent" or who >= set(coders):
            included.append(t)
        else:
            excluded.append((t, sorted(set(coders) - who, key=str)))
    if excluded:
        notes.append("left out (not coded by every coder): " + "; ".join(
            f"{t} (no spans from {', '.join(map(str, w))})" for t, w in excluded))
    if not included:
        raise AgreementError("no transcript was coded by every coder " + str(list(coders))
                             + "; pass missing='absent' to count an uncoded transcript as 'nothing found'")
    df = df[df["transcript"].apply(lambda x: x in included)]

    # merge one coder's overlapping spans of the same code
    merged_rows = []
    n_merged = 0
    for (t, c, k), grp in df.groupby(["transcript", "coder", "code"], dropna=False, sort=False):
        t = None if (isinstance(t, float) and math.isnan(t)) else t
        iv = grp[["start", "end"]].to_numpy()
        iv = iv[np.lexsort((iv[:, 1], iv[:, 0]))]
        cur_s, cur_e = iv[0]
        for s, e in iv[1:]:
            if s < cur_e:  # overlap (touching spans stay separate units)
                cur_e = max(cur_e, e)
                n_merged += 1
            else:
                merged_rows.append((t, c, k, int(cur_s), int(cur_e)))
                cur_s, cur_e = s, e
        merged_rows.append((t, c, k, int(cur_s), int(cur_e)))
    if n_merged:
        notes.append(f"{n_merged} overlapping span(s) of the same coder and code merged into their union")
    frame = pd.DataFrame(merged_rows, columns=["transcript", "coder", "code", "start", "end"])
    frame["start"] = frame["start"].astype(np.int64)
    frame["end"] = frame["end"].astype(np.int64)
    return _Spans(frame, {t: bounds[t] for t in included}, coders, tuple(included), tuple(notes))


# --------------------------------------------------------------------------------------------------
# u-alpha (Krippendorff 1995, 2004)
# --------------------------------------------------------------------------------------------------

def _sections(starts: np.ndarray, ends: np.ndarray, begin: int, end: int):
    """Units plus the gaps between them as (begin, length, is_unit) arrays covering [begin, end)."""
    order = np.argsort(starts, kind="stable")
    s, e = starts[order], ends[order]
    gap_b = np.concatenate(([begin], e))
    gap_e = np.concatenate((s, [end]))
    keep = gap_e > gap_b
    b = np.concatenate((s, gap_b[keep]))
    ln = np.concatenate((e - s, (gap_e - gap_b)[keep]))
    unit = np.concatenate((np.ones(len(s), bool), np.zeros(int(keep.sum()), bool)))
    o = np.argsort(b, kind="stable")
    return b[o].astype(float), ln[o].astype(float), unit[o]


def _delta2_sum(a, b) -> float:
    """Sum of Krippendorff's d2 over every overlapping pair of sections of two coders' partitions."""
    ba, la, ua = a
    bb, lb, ub = b
    if not ua.any() and not ub.any():
        return 0.0
    starts = np.union1d(ba, bb)
    i = np.searchsorted(ba, starts, side="right") - 1
    j = np.searchsorted(bb, starts, side="right") - 1
    pairs = np.unique(np.stack([i, j], axis=1), axis=0)
    i, j = pairs[:, 0], pairs[:, 1]
    b1, l1, u1 = ba[i], la[i], ua[i]
    b2, l2, u2 = bb[j], lb[j], ub[j]
    both = u1 & u2
    d = np.where(both, (b1 - b2) ** 2 + (b1 + l1 - b2 - l2) ** 2, 0.0)
    in_gap1 = u1 & ~u2 & (b1 >= b2) & (b1 + l1 <= b2 + l2)
    in_gap2 = ~u1 & u2 & (b2 >= b1) & (b2 + l2 <= b1 + l1)
    d = d + np.where(in_gap1, l1 ** 2, 0.0) + np.where(in_gap2, l2 ** 2, 0.0)
    return float(d.sum())


@dataclass(frozen=True)
class UnitizedCategory:
    """u-alpha for one category: value (``None`` when undefined), observed and expected disagreement."""

    category: object
    value: float | None
    observed_disagreement: float
    expected_disagreement: float
    n_units: int
    coverage: float  # share of the coders' continua covered by units of this category


@dataclass(frozen=True)
class UnitizedAlphaResult:
    """Krippendorff's u-alpha, pooled over categories (``value``) and per category (``per_category``).

    ``value`` is the alpha of the one category asked for when ``category=`` was given.
    """

    coefficient: str
    value: float | None
    observed_disagreement: float
    expected_disagreement: float
    per_category: tuple[UnitizedCategory, ...]
    coders: tuple
    transcripts: tuple
    continuum_length: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def __float__(self) -> float:
        if self.value is None:
            raise ParameterTypeError(f"{self.coefficient} is undefined here (see .notes); it has no float value")
        return float(self.value)

    def category(self, name) -> UnitizedCategory:
        """The result for one category; an AgreementError names the known ones.

        Parameters
        ----------
        name : object
            A category (code) of the spans.

        Returns
        -------
        UnitizedCategory
            Its alpha, observed and expected disagreement, units and coverage.

        Examples
        --------
        >>> r = unitized_alpha([("ana", 0, 5, "x"), ("ben", 0, 5, "x"), ("ana", 10, 20, "y"), ("ben", 12, 20, "y")],
        ...                    continuum=30)
        >>> r.category("x").value, r.category("y").n_units
        (1.0, 2)
        """
        for c in self.per_category:
            if c.category == name:
                return c
        raise AgreementError(f"category {name!r} not in this result; categories: "
                             f"{[c.category for c in self.per_category]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per category, full precision (columns value, observed_disagreement, ...).

        Returns
        -------
        pandas.DataFrame
            Indexed by category: ``value``, ``observed_disagreement``, ``expected_disagreement``, ``n_units`` and
            ``coverage``.

        Examples
        --------
        >>> r = unitized_alpha([("ana", 0, 5, "x"), ("ben", 0, 5, "x")], continuum=10)
        >>> r.to_frame().loc["x", ["value", "n_units"]].tolist()
        [1.0, 2.0]
        """
        return pd.DataFrame([c.__dict__ for c in self.per_category]).set_index("category")

    def __str__(self) -> str:
        lines = [f"{self.coefficient} = {_fmt(self.value)} (D_o {self.observed_disagreement:.6g}, "
                 f"D_e {self.expected_disagreement:.6g}); {len(self.coders)} coders, "
                 f"{len(self.transcripts)} transcript(s), continuum {self.continuum_length} characters"]
        for c in self.per_category:
            lines.append(f"  {c.category}: {_fmt(c.value)} ({c.n_units} units, coverage {c.coverage:.1%})")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head = f"<strong>{html.escape(self.coefficient)} = {_fmt(self.value)}</strong>"
        notes = "".join(f"<p><em>note:</em> {html.escape(n)}</p>" for n in self.notes)
        return f"<div class='hrp-agreement'>{head}{self.to_frame().to_html()}{notes}</div>"


def _u_alpha_category(sp: _Spans, code, L: int, scale: str = "discrete") -> UnitizedCategory:
    m = len(sp.coders)
    f = sp.frame[sp.frame["code"] == code]
    d_o = 0.0
    unit_lengths = []
    gap_lengths = []
    for t in sp.transcripts:
        tb, te = sp.bounds[t]
        ft = f[f["transcript"].apply(lambda x, t=t: x == t)]
        parts = []
        for c in sp.coders:
            fc = ft[ft["coder"] == c]
            sec = _sections(fc["start"].to_numpy(), fc["end"].to_numpy(), tb, te)
            parts.append(sec)
            unit_lengths.append(sec[1][sec[2]])
            gap_lengths.append(sec[1][~sec[2]])
        for a in range(m):
            for b in range(a + 1, m):
                d_o += 2.0 * _delta2_sum(parts[a], parts[b])
    d_o /= m * (m - 1) * float(L) ** 2
    lu = np.concatenate(unit_lengths) if unit_lengths else np.zeros(0)
    gaps = np.sort(np.concatenate(gap_lengths)) if gap_lengths else np.zeros(0)
    n_c = len(lu)
    if n_c == 0:
        return UnitizedCategory(code, None, d_o, 0.0, 0, 0.0)
    # sum over gaps with length >= l of (g - l + 1), for every unit length l at once
    suffix = np.concatenate((np.cumsum(gaps[::-1])[::-1], [0.0]))
    pos = np.searchsorted(gaps, lu, side="left")
    count = len(gaps) - pos
    if scale == "continuous":  # Krippendorff (1995): lengths on a continuous scale (the discrete sums' limit)
        fit = suffix[pos] - count * lu
        num = ((n_c - 1) * 2 * lu ** 3 / 3.0 + lu ** 2 * fit).sum()
        den = (m * float(L)) ** 2 - (lu ** 2).sum()
    else:
        fit = suffix[pos] - count * (lu - 1.0)
        num = ((n_c - 1) * (2 * lu ** 3 - 3 * lu ** 2 + lu) / 3.0 + lu ** 2 * fit).sum()
        den = m * float(L) * (m * float(L) - 1) - (lu * (lu - 1)).sum()
    d_e = 2.0 / L * num / den
    value = None if d_e <= 0 else 1.0 - d_o / d_e
    return UnitizedCategory(code, value, d_o, d_e, n_c, float(lu.sum()) / (m * L))


def unitized_alpha(spans, *, continuum=None, category=None, coders=None, missing: str = "exclude",
                   scale: str = "discrete") -> UnitizedAlphaResult:
    """Krippendorff's u-alpha for spans on a continuum, per category and pooled.

    Parameters
    ----------
    spans : DataFrame or iterable of records
        ``coder, start, end, code[, transcript]`` (see the module docstring).
    continuum : int, (begin, end), or mapping transcript -> length or (begin, end), optional
        The extent of the text coded. Give it: without it, uncoded tails are ignored.
    category : optional
        Report only this category (``value`` is its alpha); ``None`` pools all categories.
    coders : list, optional
        The coders to compare (default: every coder with a span). A named coder without spans is an error.
    missing : {"exclude", "absent"}
        What a transcript without spans from some coder means (see the module docstring).
    scale : {"discrete", "continuous"}
        ``"discrete"`` (default): Krippendorff (2004), lengths counted in characters. ``"continuous"``:
        Krippendorff (1995, Sociological Methodology 25), lengths on a continuous scale: the expected
        disagreement is the limit of the discrete sums, ``uD_e = (2/L) sum_g [(N_c - 1) 2 l_g^3 / 3 + l_g^2
        sum_{gaps h, l_h >= l_g} (l_h - l_g)] / ((m L)^2 - sum_g l_g^2)``; observed disagreement is the same.
        On the paper's p. 57 example it gives .553 (A), -.928 (B), .693 (C), .066 (D) where the paper prints
        .553, -.926, .679, .066; the discrete formula gives .515, -1.081, .603, -.207. The paper's B and C
        are arithmetic slips: its uD_e for B (1.17731) keeps the discrete ``+ 1`` in the gap term and its uD_e
        for C (.08642) omits ``sum l_g^2`` from the denominator; either reading breaks A and D, which the
        formula reproduces to the printed five places (the test suite shows this in exact fractions).

    Returns
    -------
    UnitizedAlphaResult
        ``value`` (pooled, or the category's), ``per_category`` (alpha, uD_o, uD_e, units, coverage).

    Notes
    -----
    Degenerate cases: a category nobody used has no expected disagreement, so its alpha is ``None``
    (a :class:`~hrp_coding.errors.DegenerateAgreementWarning` says so) and it is left out of the pooled
    value. Fewer than two coders, or no transcript coded by all, raise
    :class:`~hrp_coding.errors.AgreementError`.

    Examples
    --------
    Two coders mark the same 10 characters of a 100-character text: perfect agreement.

    >>> r = unitized_alpha([("ana", 10, 20, "holding"), ("ben", 10, 20, "holding")], continuum=100)
    >>> r.value
    1.0
    """
    sp = normalise_spans(spans, continuum=continuum, coders=coders, missing=missing)
    notes = list(sp.notes)
    L = sum(e - b for b, e in sp.bounds.values())
    known = sorted(set(sp.frame["code"]), key=str)
    if category is not None:
        if category not in known:
            raise AgreementError(f"category {category!r} has no spans from coders {list(sp.coders)}; "
                                 f"categories with spans: {known}")
        cats = [category]
    else:
        cats = known
    if not cats:
        raise AgreementError("spans: no spans left to compare after selecting coders and transcripts")
    if scale not in ("discrete", "continuous"):
        raise AgreementError(f"scale={scale!r} is not allowed; use 'discrete' (Krippendorff 2004) or 'continuous' "
                             "(Krippendorff 1995)")
    per = tuple(_u_alpha_category(sp, c, L, scale) for c in cats)
    undefined = [c.category for c in per if c.value is None]
    if undefined:
        msg = f"u-alpha undefined (no expected disagreement) for {undefined}; left out of the pooled value"
        warnings.warn(msg, DegenerateAgreementWarning, stacklevel=2)
        notes.append(msg)
    defined = [c for c in per if c.value is not None]
    d_o = sum(c.observed_disagreement for c in defined)
    d_e = sum(c.expected_disagreement for c in defined)
    value = None if not defined else 1.0 - d_o / d_e
    return UnitizedAlphaResult("unitized_alpha", value, d_o, d_e, per, sp.coders, sp.transcripts, L, tuple(notes))


from .unitized_family import UnitizedFamilyResult, unitized_alpha_family  # noqa: E402 - re-exported
