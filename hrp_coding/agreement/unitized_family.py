"""The unitizing family of Krippendorff, Mathet, Bouvry & Widloecher (2016) that ATLAS.ti reports (u-alpha,
|u-alpha, cu-alpha, (k)u-alpha; Krippendorff 2019, section 12.6). **Experimental**: implemented from the
published definitions, not yet checked against a published worked example; every call issues an
:class:`~hrp_coding.errors.ExperimentalWarning`. Spans and continua as in :mod:`hrp_coding.agreement.unitized`.
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hrp_coding.errors import AgreementError, ExperimentalWarning

from .unitized import _fmt, _sections, _Spans, normalise_spans

__all__ = ["UnitizedFamilyResult", "unitized_alpha_family"]


@dataclass(frozen=True)
class UnitizedFamilyResult:
    """The unitizing family of Krippendorff et al. (2016), as ATLAS.ti reports it. Experimental.

    Attributes
    ----------
    u_alpha : float or None
        Reliability of unitizing and coding together (every section, gaps included).
    binary_u_alpha : float or None
        ``|u-alpha``: relevant (any code) versus irrelevant matter (gaps).
    cu_alpha : float or None
        Coding of the intersections of units (gaps ignored), ``None`` with fewer than two codes.
    cu_coverage : float
        Share of all pairable matter that the cu-alpha rests on.
    per_category : tuple of (category, (k)u-alpha or None, coverage)
        Reliability of each value among intersecting units, and the share of its matter involved.
    coincidences : DataFrame
        The observed coincidence matrix (lengths), gaps labelled ``"(gap)"``.
    expected : DataFrame
        The expected coincidence matrix.
    """

    u_alpha: float | None
    binary_u_alpha: float | None
    cu_alpha: float | None
    cu_coverage: float
    per_category: tuple
    coincidences: pd.DataFrame = field(repr=False, compare=False)
    expected: pd.DataFrame = field(repr=False, compare=False)
    coders: tuple = ()
    transcripts: tuple = ()
    continuum_length: int = 0
    experimental: bool = True
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Rows: u_alpha, |u_alpha, cu_alpha, then (k)u_alpha per category; columns value, coverage.

        Returns
        -------
        pandas.DataFrame
            Indexed by coefficient (``u_alpha``, ``|u_alpha``, ``cu_alpha``, ``(code)u_alpha``...).

        Examples
        --------
        >>> import warnings
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     r = unitized_alpha_family([("a", 0, 4, "x"), ("b", 0, 4, "x")], continuum=10)
        >>> r.to_frame().index.tolist()[:3]
        ['u_alpha', '|u_alpha', 'cu_alpha']
        """
        rows = [("u_alpha", self.u_alpha, 1.0), ("|u_alpha", self.binary_u_alpha, 1.0),
                ("cu_alpha", self.cu_alpha, self.cu_coverage)]
        rows += [(f"({k})u_alpha", v, cov) for k, v, cov in self.per_category]
        return pd.DataFrame(rows, columns=["coefficient", "value", "coverage"]).set_index("coefficient")

    def __str__(self) -> str:
        lines = ["unitized alpha family (Krippendorff et al. 2016; experimental)"]
        for name, row in self.to_frame().iterrows():
            v = None if row["value"] is None or pd.isna(row["value"]) else float(row["value"])
            lines.append(f"  {name}: {_fmt(v)} (coverage {row['coverage']:.1%})")
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        notes = "".join(f"<p><em>note:</em> {html.escape(n)}</p>" for n in self.notes)
        return (f"<div class='hrp-agreement'><strong>unitized alpha family (experimental)</strong>"
                f"{self.to_frame().to_html()}{notes}</div>")


def _exclusive_sections(sp: _Spans, t, coder, index: dict, tb: int, te: int):
    """One coder's partition of a transcript into coded sections and gaps, values as matrix indices."""
    f = sp.frame[(sp.frame["coder"] == coder) & sp.frame["transcript"].apply(lambda x: x == t)]
    f = f.sort_values(["start", "end"])
    s, e, k = f["start"].to_numpy(), f["end"].to_numpy(), f["code"].tolist()
    for n in range(1, len(s)):
        if s[n] < e[n - 1]:
            raise AgreementError(
                f"coder {coder!r}, transcript {t!r}: spans {k[n - 1]!r} {s[n - 1]}-{e[n - 1]} and {k[n]!r} "
                f"{s[n]}-{e[n]} overlap; the unitizing family needs mutually exclusive codes per coder "
                "(analyse one semantic domain at a time, or use unitized_alpha per category)")
    b, ln, unit = _sections(s, e, tb, te)
    vals = np.zeros(len(b), dtype=np.int64)  # 0 = gap
    vals[unit] = [index[x] for x in k]  # sections sorted by begin; units keep their order
    return b, ln, vals


def unitized_alpha_family(spans, *, continuum=None, coders=None, codes=None, missing: str = "exclude"
                          ) -> UnitizedFamilyResult:
    """The u-alpha family of Krippendorff, Mathet, Bouvry & Widloecher (2016). **Experimental.**

    Each coder's spans must not overlap (mutually exclusive codes, as ATLAS.ti requires within a
    semantic domain); pass ``codes=`` to analyse one domain.

    Formulas (our reading of the paper; not yet checked against its worked example). Each coder
    partitions each transcript into sections with a value: a code, or the gap value 0. For coders
    ``i != j`` and their sections ``g`` (value ``c``) and ``h`` (value ``k``)::

        l_ck = sum_t 1/(m - 1) sum_{i != j} sum_{g, h} |g intersect h|     (observed coincidences)
        l_c. = sum_k l_ck,  l.. = m L
        S_c  = sum over all sections of value c of (l_g^2 for codes, l_g for gaps)
        e_ck = l.. (l_c. l_.k - [c == k] S_c) / (l..^2 - sum_c S_c)          (expected coincidences)

        u-alpha   = 1 - (l.. - sum_c l_cc) / (l.. - sum_c e_cc)
        |u-alpha  = 1 - (l_0. - l_00) / (e_0. - e_00)        (e_0. the row sum of e)

    cu-alpha uses only the intersections of coded sections (``c, k != 0``): ``l'_ck = l_ck``,
    ``l'_c. = sum_{k != 0} l_ck``, ``l'.. = sum_c l'_c.``, ``S'_c = 1/(m-1) sum_{i != j} sum_{g of i,
    value c} |g intersect (coded sections of j)|^2`` and::

        e'_ck = l'.. (l'_c. l'_.k - [c == k] S'_c) / (l'..^2 - sum_c S'_c)
        cu-alpha   = 1 - (l'.. - sum_c l'_cc) / (l'.. - sum_c e'_cc),   coverage l'.. / l..
        (k)u-alpha = 1 - (e'_k. / l'_k.) (l'_k. - l'_kk) / (e'_k. - e'_kk),  coverage l'_k. / l_k.

    With two coders and units one character long these reduce to Krippendorff's nominal alpha over
    characters (u-alpha with gaps as a value; cu-alpha over characters both coders coded), which the
    tests check.

    Parameters
    ----------
    spans, continuum, coders, missing
        As for :func:`~hrp_coding.agreement.unitized.unitized_alpha`.
    codes : list, optional
        Only these codes' spans (one semantic domain).

    Returns
    -------
    UnitizedFamilyResult
        u-alpha, |u-alpha, cu-alpha with its coverage, (k)u-alpha per code, and both coincidence matrices;
        an :class:`~hrp_coding.errors.ExperimentalWarning` is issued.

    Examples
    --------
    >>> import warnings
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     r = unitized_alpha_family([("a", 0, 4, "x"), ("b", 0, 4, "x"), ("a", 6, 8, "y"), ("b", 6, 8, "y")],
    ...                               continuum=10)
    >>> r.u_alpha, r.binary_u_alpha, r.cu_alpha
    (1.0, 1.0, 1.0)
    """
    warnings.warn("unitized_alpha_family (|u-alpha, cu-alpha, (k)u-alpha) is experimental: implemented from "
                  "Krippendorff et al. (2016) but not yet checked against a published worked example",
                  ExperimentalWarning, stacklevel=2)
    sp = normalise_spans(spans, continuum=continuum, coders=coders, codes=codes, missing=missing)
    notes = [*sp.notes, "experimental: not yet checked against a published worked example"]
    m = len(sp.coders)
    values = sorted(set(sp.frame["code"]), key=str)
    if not values:
        raise AgreementError("spans: no spans left to compare after selecting coders, codes and transcripts")
    index = {v: n + 1 for n, v in enumerate(values)}
    V = len(values) + 1
    obs = np.zeros((V, V))
    S = np.zeros(V)
    S_cu = np.zeros(V)
    L = 0
    for t in sp.transcripts:
        tb, te = sp.bounds[t]
        L += te - tb
        parts = [_exclusive_sections(sp, t, c, index, tb, te) for c in sp.coders]
        for _b, ln, vals in parts:
            np.add.at(S, vals, np.where(vals > 0, ln ** 2, ln))
        for a in range(m):
            for bidx in range(m):
                if a == bidx:
                    continue
                ba, _la, va = parts[a]
                bb, _lb, vb = parts[bidx]
                cuts = np.union1d(ba, bb)
                ends = np.concatenate((cuts[1:], [te]))
                i = np.searchsorted(ba, cuts, side="right") - 1
                j = np.searchsorted(bb, cuts, side="right") - 1
                w = ends - cuts
                np.add.at(obs, (va[i], vb[j]), w / (m - 1))
                # |g intersect coded sections of j|, per section g of coder a
                coded = np.where(vb[j] > 0, w, 0.0)
                per_g = np.bincount(i, weights=coded, minlength=len(ba))
                np.add.at(S_cu, va, per_g ** 2 / (m - 1))
    total = obs.sum()
    margins = obs.sum(axis=1)
    exp = total * (np.outer(margins, margins) - np.diag(S)) / (total ** 2 - S.sum())
    u = _one_minus(total - np.trace(obs), total - np.trace(exp))
    binary = _one_minus(margins[0] - obs[0, 0], exp[0].sum() - exp[0, 0])
    o2 = obs[1:, 1:]
    m2 = o2.sum(axis=1)
    n2 = m2.sum()
    cu = None
    per_cat = []
    if n2 > 0:
        S2 = S_cu[1:]
        e2 = n2 * (np.outer(m2, m2) - np.diag(S2)) / (n2 ** 2 - S2.sum())
        if len(values) >= 2:
            cu = _one_minus(n2 - np.trace(o2), n2 - np.trace(e2))
        for n, v in enumerate(values):
            ek = e2[n].sum()
            if m2[n] > 0 and ek - e2[n, n] != 0:
                k_alpha = 1.0 - (ek / m2[n]) * (m2[n] - o2[n, n]) / (ek - e2[n, n])
            else:
                k_alpha = None
            per_cat.append((v, k_alpha, float(m2[n] / margins[n + 1]) if margins[n + 1] else 0.0))
    else:
        per_cat = [(v, None, 0.0) for v in values]
    if len(values) < 2:
        notes.append("cu-alpha needs at least two codes")
    labels = ["(gap)", *values]
    return UnitizedFamilyResult(
        u, binary, cu, float(n2 / total) if total else 0.0, tuple(per_cat),
        pd.DataFrame(obs, index=labels, columns=labels), pd.DataFrame(exp, index=labels, columns=labels),
        sp.coders, sp.transcripts, L, True, tuple(notes))


def _one_minus(d_o: float, d_e: float) -> float | None:
    if d_e == 0:
        return 1.0 if d_o == 0 else None
    return 1.0 - float(d_o) / float(d_e)
