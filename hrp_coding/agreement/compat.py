"""Compatibility modes: the agreement figures NVivo, MAXQDA, Dedoose and ATLAS.ti report, reproduced.

Reviewers and co-authors often ask "what would NVivo say?". Each function here computes what the tool
computes, with its formula and source below, so a study can report both the tool's figure and a
better-founded one (:func:`hrp_coding.agreement.report`). Inputs are DataFrames of span codings
(``transcript, coder, code, start, end``) or of coded excerpts.

NVivo (Coding Comparison query; QSR "How are Cohen's kappa and percentage agreement calculated?")
    For each code and source, over the source's characters: ``P_o`` = share of characters both users
    coded or both left uncoded, ``P_e = (A1 B1 + A0 B0) / N^2`` with ``A1``/``A0`` characters user A
    coded/did not code (likewise B), ``kappa = (P_o - P_e) / (1 - P_e)``; NVivo shows 1 when neither
    user coded the source (no disagreement). NVivo gives no summary across sources; users average by
    hand, either weighting each source by its length (``sum_s N_s kappa_s / sum_s N_s``) or not
    (``mean_s kappa_s``). Both are returned. Every source given counts (NVivo has no "did not code").
MAXQDA (Intercoder Agreement, "segment agreement" with a minimum overlap; MAXQDA manual)
    A coded segment of coder A agrees when coder B has a segment with the same code in the same
    document overlapping it by at least ``threshold`` (intersection / union of the two segments, as a
    share); likewise for B's segments. Per code: ``a`` = A's matched segments, ``b`` = A's unmatched,
    ``c`` = B's unmatched; percentage agreement ``a / (a + b + c)``. Overall kappa follows Brennan &
    Prediger (1981) as MAXQDA documents it: ``P_o = sum a / sum (a + b + c)``, ``P_c = 1 / (number of
    codes in the table)``, ``kappa = (P_o - P_c) / (1 - P_c)``. (When one segment overlaps several of
    the other coder's, MAXQDA's own counting may differ from ``a``; noted in the result.)
Dedoose (Training Center test; Dedoose user guide, after De Vries et al. 2008)
    Over excerpts x codes: Cohen's kappa per code on presence/absence across the excerpts, and the
    pooled kappa ``(mean p_o - mean p_e) / (1 - mean p_e)`` over the codes.
ATLAS.ti (Intercoder Agreement, Krippendorff's alpha family; Krippendorff 2019 section 12.6)
    ``|u-alpha`` (binary: coded by any code versus not), ``cu-alpha`` across semantic domains (spans
    relabelled by domain), and per semantic domain ``|u-alpha``, ``Cu-alpha`` (cu-alpha among the
    domain's codes) and ``(k)u-alpha`` per code; formulas in
    :func:`hrp_coding.agreement.unitized.unitized_alpha_family`. Experimental, like that family.

Examples
--------
>>> import pandas as pd
>>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "holding",
...                       "start": [0, 2], "end": [5, 5]})
>>> nv = nvivo_kappa(spans, continuum={"P01": 10})
>>> float(nv.by_source.loc[("holding", "P01"), "kappa"])
0.6
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hrp_coding.errors import AgreementError, ExperimentalWarning, HrpCodingWarning

__all__ = ["AtlasTiResult", "CompatResult", "atlas_ti_alpha", "dedoose_kappa", "maxqda_agreement", "nvivo_kappa"]


@dataclass(frozen=True)
class CompatResult:
    """A vendor-compatible result: ``summary`` (per code, and ``(overall)`` where the tool has one),
    ``by_source`` (per code and source/document, when the tool reports that), ``notes``."""

    tool: str
    summary: pd.DataFrame = field(repr=False)
    by_source: pd.DataFrame | None = field(repr=False, default=None)
    notes: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-code summary table (a copy).

        Returns
        -------
        pandas.DataFrame
            :attr:`summary`: one row per code, and ``(overall)`` where the tool reports one.

        Examples
        --------
        >>> import pandas as pd
        >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "care", "start": 0, "end": 4})
        >>> nvivo_kappa(spans, continuum={"P01": 8}).to_frame()["kappa_weighted"].tolist()
        [1.0]
        """
        return self.summary.copy()

    def __str__(self) -> str:
        with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 140):
            text = f"{self.tool} compatibility\n{self.summary.to_string()}"
        return text + "".join(f"\nnote: {n}" for n in self.notes)

    def _repr_html_(self) -> str:
        return f"<div><strong>{self.tool} compatibility</strong>{self.summary.to_html()}</div>"


def _spans(df: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(df, pd.DataFrame):
        raise AgreementError(f"{what}: expected a DataFrame of codings; got {type(df).__name__}")
    need = [c for c in ("transcript", "coder", "code", "start", "end") if c not in df.columns]
    if need:
        raise AgreementError(f"{what}: missing column(s) {need}; got {list(df.columns)}")
    return df


def _two_coders(df: pd.DataFrame, coders, what: str) -> tuple[str, str]:
    present = sorted(set(df["coder"]), key=str)
    if coders is None:
        if len(present) != 2:
            raise AgreementError(f"{what} compares exactly two coders; found {present}: pass coders=(a, b)")
        return present[0], present[1]
    coders = tuple(coders)
    unknown = [c for c in coders if c not in present]
    if unknown:
        raise AgreementError(f"{what}: coders {unknown} have no codings; coders: {present}")
    if len(coders) != 2:
        raise AgreementError(f"{what} compares exactly two coders; got {list(coders)}")
    return coders


def _codes(df: pd.DataFrame, codes, what: str) -> list:
    used = sorted(set(df["code"]), key=str)
    if codes is None:
        return used
    unknown = [c for c in codes if c not in used]
    if unknown:
        raise AgreementError(f"{what}: codes {unknown} are not used by these coders; codes used: {used}")
    return list(codes)


def _mask(spans: pd.DataFrame, length: int) -> np.ndarray:
    diff = np.zeros(length + 1, np.int64)
    np.add.at(diff, spans["start"].to_numpy(np.int64), 1)
    np.add.at(diff, spans["end"].to_numpy(np.int64), -1)
    return np.cumsum(diff)[:length] > 0


def nvivo_kappa(codings: pd.DataFrame, *, continuum=None, texts=None, coders=None, codes=None) -> CompatResult:
    """NVivo's Coding Comparison: character-level Cohen's kappa per code and source, plus the averages.

    Returns a :class:`CompatResult` whose ``by_source`` has, per (code, source): ``length``,
    ``agreement`` (P_o), ``a_and_not_b``, ``b_and_not_a`` (shares of characters) and ``kappa``; and whose
    ``summary`` has per code ``kappa_weighted`` (by source length) and ``kappa_mean`` (unweighted), the
    two figures users compute by hand, plus ``agreement_weighted``.

    Parameters
    ----------
    codings : pandas.DataFrame
        Span codings, columns ``transcript, coder, code, start, end``.
    continuum : mapping of str to int, optional
        Source -> its length in characters; needed unless ``texts`` is given.
    texts : mapping of str to str, optional
        Source -> its text (the lengths are taken from it).
    coders : (str, str), optional
        The two users compared; by default the only two coders present.
    codes : list of str, optional
        The codes compared; by default every code either of them used.

    Returns
    -------
    CompatResult
        ``tool="NVivo"``, the ``summary`` and ``by_source`` tables above.

    Raises
    ------
    AgreementError
        For missing columns or lengths, anything but two coders, or codes these coders did not use.

    Examples
    --------
    >>> import pandas as pd
    >>> spans = pd.DataFrame({"transcript": ["P01", "P02"], "coder": ["ana", "ben"], "code": "care",
    ...                       "start": 0, "end": 5})
    >>> r = nvivo_kappa(spans, continuum={"P01": 10, "P02": 30})
    >>> r.by_source["kappa"].tolist(), r.summary[["kappa_weighted", "kappa_mean"]].values.tolist()
    ([0.0, 0.0], [[0.0, 0.0]])
    """
    df = _spans(codings, "nvivo_kappa")
    if texts is not None:
        lengths = {t: len(x) for t, x in texts.items()}
    elif continuum is not None:
        lengths = dict(continuum)
    else:
        raise AgreementError("nvivo_kappa needs continuum= (source -> length) or texts=")
    unknown = sorted(set(df["transcript"]) - set(lengths), key=str)
    if unknown:
        raise AgreementError(f"nvivo_kappa: sources {unknown} have codings but no length in continuum=/texts=")
    a, b = _two_coders(df, coders, "nvivo_kappa")
    codes = _codes(df[df["coder"].isin([a, b])], codes, "nvivo_kappa")
    rows = []
    for code in codes:
        for src, n in lengths.items():
            sub = df[(df["code"] == code) & (df["transcript"] == src)]
            ma, mb = _mask(sub[sub["coder"] == a], n), _mask(sub[sub["coder"] == b], n)
            a1, b1 = int(ma.sum()), int(mb.sum())
            po = float((ma == mb).sum()) / n
            pe = (a1 * b1 + (n - a1) * (n - b1)) / float(n) ** 2
            kappa = 1.0 if pe == 1.0 else (po - pe) / (1 - pe)
            rows.append({"code": code, "source": src, "length": n, "agreement": po,
                         "a_and_not_b": float((ma & ~mb).sum()) / n, "b_and_not_a": float((mb & ~ma).sum()) / n,
                         "kappa": kappa})
    by_source = pd.DataFrame(rows).set_index(["code", "source"])
    summary = []
    for code, g in by_source.groupby(level="code", sort=False):
        w = g["length"].to_numpy(float)
        summary.append({"code": code, "n_sources": len(g),
                        "kappa_weighted": float((g["kappa"].to_numpy() * w).sum() / w.sum()),
                        "kappa_mean": float(g["kappa"].mean()),
                        "agreement_weighted": float((g["agreement"].to_numpy() * w).sum() / w.sum())})
    return CompatResult("NVivo", pd.DataFrame(summary).set_index("code"), by_source,
                        (f"coder A = {a}, coder B = {b}",
                         "kappa = 1 where neither coder coded a source (NVivo's convention)"))


def maxqda_agreement(codings: pd.DataFrame, *, threshold: float = 0.9, coders=None, codes=None) -> CompatResult:
    """MAXQDA's segment agreement with a minimum overlap and kappa after Brennan & Prediger (1981).

    ``threshold`` is the minimum overlap as a share (MAXQDA's percent / 100), in (0, 1].

    Parameters
    ----------
    codings : pandas.DataFrame
        Span codings, columns ``transcript, coder, code, start, end``.
    threshold : float, default 0.9
        The minimum overlap (intersection over union) for two segments to agree.
    coders, codes
        As for :func:`nvivo_kappa`.

    Returns
    -------
    CompatResult
        ``summary`` per code (``agree``, ``only_a``, ``only_b``, ``percent``) and ``(overall)`` with the
        Brennan-Prediger ``kappa_bp``; a note when a segment overlapped several of the other coder's.

    Examples
    --------
    >>> import pandas as pd
    >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben", "ana"], "code": ["x", "x", "y"],
    ...                       "start": [0, 1, 20], "end": [10, 10, 30]})
    >>> r = maxqda_agreement(spans, threshold=0.9)
    >>> r.summary[["agree", "only_a", "only_b"]].values.tolist()
    [[1, 0, 0], [0, 1, 0], [1, 1, 0]]
    """
    df = _spans(codings, "maxqda_agreement")
    if not 0 < threshold <= 1:
        raise AgreementError(f"threshold={threshold!r} must be a share in (0, 1] (MAXQDA's percent / 100)")
    a, b = _two_coders(df, coders, "maxqda_agreement")
    codes = _codes(df[df["coder"].isin([a, b])], codes, "maxqda_agreement")
    rows, multi = [], 0

    def matched(x, others):
        s, e = x
        os_, oe = others[:, 0], others[:, 1]
        inter = np.clip(np.minimum(e, oe) - np.maximum(s, os_), 0, None)
        union = np.maximum(e, oe) - np.minimum(s, os_)
        return (inter > 0).sum(), bool((inter / union >= threshold).any()) if len(others) else False

    for code in codes:
        agree = only_a = only_b = 0
        for t in sorted(set(df.loc[df["code"] == code, "transcript"]), key=str):
            sub = df[(df["code"] == code) & (df["transcript"] == t)]
            sa = sub.loc[sub["coder"] == a, ["start", "end"]].to_numpy(float)
            sb = sub.loc[sub["coder"] == b, ["start", "end"]].to_numpy(float)
            for x in sa:
                n_over, ok = matched(x, sb) if len(sb) else (0, False)
                multi += n_over > 1
                agree += ok
                only_a += not ok
            for x in sb:
                _, ok = matched(x, sa) if len(sa) else (0, False)
                only_b += not ok
        total = agree + only_a + only_b
        rows.append({"code": code, "agree": agree, "only_a": only_a, "only_b": only_b,
                     "percent": 100.0 * agree / total if total else float("nan")})
    summary = pd.DataFrame(rows).set_index("code")
    A, B, C = int(summary["agree"].sum()), int(summary["only_a"].sum()), int(summary["only_b"].sum())
    po = A / (A + B + C) if A + B + C else float("nan")
    pc = 1.0 / len(codes)
    kappa = (po - pc) / (1 - pc) if pc < 1 else float("nan")
    summary.loc["(overall)"] = {"agree": A, "only_a": B, "only_b": C, "percent": 100.0 * po}
    summary["kappa_bp"] = float("nan")
    summary.loc["(overall)", "kappa_bp"] = kappa
    notes = [f"coder A = {a}, coder B = {b}; threshold {threshold:.0%}",
             f"kappa (Brennan & Prediger): P_o = {po:.4f}, P_c = 1/{len(codes)}"]
    if len(codes) == 1:
        notes.append("one code: P_c = 1, kappa undefined (MAXQDA needs at least two codes)")
    if multi:
        notes.append(f"{multi} segment(s) overlap several segments of the other coder; MAXQDA may count these "
                     "differently")
    return CompatResult("MAXQDA", summary, None, tuple(notes))


def dedoose_kappa(excerpts: pd.DataFrame, *, excerpt_ids=None, coders=None, codes=None) -> CompatResult:
    """Dedoose's Training Center kappa: Cohen's kappa per code over excerpts, and the pooled kappa.

    ``excerpts`` has one row per (``excerpt``, ``coder``, ``code``) applied, and may list an excerpt with an
    empty ``code`` (as Dedoose's export lists an excerpt nobody coded); ``excerpt_ids`` lists every excerpt in
    the test (default: every excerpt seen, coded or not). An excerpt nobody coded is kept: it counts as
    "absent" for every code, as in Dedoose, never dropped.

    Parameters
    ----------
    excerpts : pandas.DataFrame
        Columns ``excerpt, coder, code``.
    excerpt_ids : iterable, optional
        Every excerpt of the test.
    coders, codes
        As for :func:`nvivo_kappa`.

    Returns
    -------
    CompatResult
        ``summary`` per code (``kappa``, ``p_o``, ``p_e``) and the pooled kappa in row ``(pooled)``.

    Examples
    --------
    >>> import pandas as pd
    >>> ex = pd.DataFrame({"excerpt": [1, 1, 2, 3], "coder": ["ana", "ben", "ana", "ben"], "code": "x"})
    >>> r = dedoose_kappa(ex, excerpt_ids=[1, 2, 3, 4])
    >>> round(float(r.summary.loc["x", "kappa"]), 4)
    0.0
    """
    from .coefficients import cohen_kappa
    from .report import _pooled_kappa, _run

    if not isinstance(excerpts, pd.DataFrame):
        raise AgreementError(f"dedoose_kappa: expected a DataFrame; got {type(excerpts).__name__}")
    need = [c for c in ("excerpt", "coder", "code") if c not in excerpts.columns]
    if need:
        raise AgreementError(f"dedoose_kappa: missing column(s) {need}; got {list(excerpts.columns)}")
    coded = excerpts["code"].notna() & (excerpts["code"].astype(str).str.strip() != "")
    a, b = _two_coders(excerpts[coded], coders, "dedoose_kappa")
    codes = _codes(excerpts[coded & excerpts["coder"].isin([a, b])], codes, "dedoose_kappa")
    ids = list(dict.fromkeys(excerpts["excerpt"])) if excerpt_ids is None else list(excerpt_ids)
    uncoded = sorted(set(ids) - set(excerpts.loc[coded & excerpts["coder"].isin([a, b]), "excerpt"]), key=str)
    unknown = sorted(set(excerpts["excerpt"]) - set(ids), key=str)
    if unknown:
        raise AgreementError(f"dedoose_kappa: excerpts {unknown} are coded but not in excerpt_ids")
    pos = {e: i for i, e in enumerate(ids)}
    rows, results = [], []
    for code in codes:
        grid = np.zeros((2, len(ids)))
        for r, c in enumerate((a, b)):
            hit = excerpts[(excerpts["coder"] == c) & (excerpts["code"] == code)]["excerpt"].map(pos)
            grid[r, hit.to_numpy(int)] = 1
        res, notes = _run(cohen_kappa, grid, categories=[0.0, 1.0])
        results.append(res)
        rows.append({"code": code, "kappa": float("nan") if res is None else res.value,
                     "p_o": None if res is None else res.observed, "p_e": None if res is None else res.expected,
                     "note": "; ".join(notes)})
    summary = pd.DataFrame(rows).set_index("code")
    summary.loc["(pooled)"] = {"kappa": _pooled_kappa(results), "p_o": float(summary["p_o"].mean()),
                               "p_e": float(summary["p_e"].mean()), "note": "De Vries et al. 2008"}
    notes = [f"coder A = {a}, coder B = {b}; {len(ids)} excerpts"]
    if uncoded:
        notes.append(f"{len(uncoded)} excerpt(s) coded by neither coder count as absent for every code: "
                     + ", ".join(map(str, uncoded[:10])) + (" ..." if len(uncoded) > 10 else ""))
    return CompatResult("Dedoose", summary, None, tuple(notes))


@dataclass(frozen=True)
class AtlasTiResult:
    """ATLAS.ti's alpha family: ``overall`` (|u-alpha, cu-alpha across domains) and ``by_domain``
    (per domain |u-alpha, Cu-alpha and (k)u-alpha per code). Experimental."""

    overall: pd.DataFrame = field(repr=False)
    by_domain: pd.DataFrame = field(repr=False)
    notes: tuple = ()

    def to_frame(self) -> pd.DataFrame:
        """The per-domain table (a copy).

        Returns
        -------
        pandas.DataFrame
            :attr:`by_domain`: columns ``domain, code, coefficient, value, coverage``.

        Examples
        --------
        >>> import warnings, pandas as pd
        >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"] * 2, "code": ["x", "x", "y", "y"],
        ...                       "start": [0, 0, 20, 22], "end": [10, 10, 30, 30]})
        >>> with warnings.catch_warnings():
        ...     warnings.simplefilter("ignore")
        ...     table = atlas_ti_alpha(spans, continuum={"P01": 40}).to_frame()
        >>> table["coefficient"].tolist()[:2]
        ['|u-alpha', 'Cu-alpha']
        """
        return self.by_domain.copy()

    def __str__(self) -> str:
        with pd.option_context("display.float_format", "{:.4f}".format, "display.width", 140):
            text = (f"ATLAS.ti compatibility (experimental)\n{self.overall.to_string()}\n\n"
                    f"{self.by_domain.to_string()}")
        return text + "".join(f"\nnote: {n}" for n in self.notes)

    def _repr_html_(self) -> str:
        return (f"<div><strong>ATLAS.ti compatibility (experimental)</strong>{self.overall.to_html()}"
                f"{self.by_domain.to_html()}</div>")


def atlas_ti_alpha(codings: pd.DataFrame, *, continuum, domains=None, coders=None) -> AtlasTiResult:
    """ATLAS.ti's Krippendorff alpha family over semantic domains. **Experimental.**

    ``domains`` maps a domain name to its codes (default: each code its own domain). Codes of one domain
    must not overlap within one coder (ATLAS.ti's rule); across domains they may.

    Parameters
    ----------
    codings : pandas.DataFrame
        Span codings, columns ``transcript, coder, code, start, end``.
    continuum : mapping of str to int
        Source -> its length in characters.
    domains : mapping of str to list of str, optional
        Semantic domain -> its codes.
    coders : sequence of str, optional
        The coders compared (default: all).

    Returns
    -------
    AtlasTiResult
        ``overall`` (|u-alpha and cu-alpha across domains) and ``by_domain``; an
        :class:`~hrp_coding.errors.ExperimentalWarning` is issued.

    Raises
    ------
    AgreementError
        For missing columns, or codes of no domain.

    Examples
    --------
    >>> import warnings, pandas as pd
    >>> spans = pd.DataFrame({"transcript": "P01", "coder": ["ana", "ben"], "code": "x", "start": 0, "end": 10})
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     result = atlas_ti_alpha(spans, continuum={"P01": 20})
    >>> float(result.overall.loc["|u-alpha", "value"])
    1.0
    """
    from .unitized import unitized_alpha_family

    df = _spans(codings, "atlas_ti_alpha")
    used = sorted(set(df["code"]), key=str)
    if domains is None:
        domains = {c: [c] for c in used}
    owner = {}
    for d, cs in domains.items():
        for c in cs:
            if c in owner:
                raise AgreementError(f"atlas_ti_alpha: code {c!r} is in domains {owner[c]!r} and {d!r}")
            owner[c] = d
    unknown = [c for c in used if c not in owner]
    if unknown:
        raise AgreementError(f"atlas_ti_alpha: codes {unknown} are in no domain; domains: {list(domains)}")
    notes = ["experimental: the unitizing family is not yet checked against a published worked example"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ExperimentalWarning)
        warnings.simplefilter("ignore", HrpCodingWarning)
        anycode = df.assign(code="(coded)")
        anycode = _union_per_coder(anycode)
        binary = unitized_alpha_family(anycode, continuum=continuum, coders=coders).binary_u_alpha
        by_domain = df.assign(code=df["code"].map(owner))
        try:
            cu = unitized_alpha_family(_union_per_coder(by_domain), continuum=continuum, coders=coders).cu_alpha
        except AgreementError as err:
            cu = None
            notes.append(f"cu-alpha across domains undefined: {str(err).splitlines()[0]}")
        rows = []
        for d, cs in domains.items():
            sub = df[df["code"].isin(cs)]
            if sub.empty:
                continue
            fam = unitized_alpha_family(sub, continuum=continuum, coders=coders, missing="absent")
            rows.append({"domain": d, "code": "", "coefficient": "|u-alpha", "value": fam.binary_u_alpha,
                         "coverage": 1.0})
            rows.append({"domain": d, "code": "", "coefficient": "Cu-alpha", "value": fam.cu_alpha,
                         "coverage": fam.cu_coverage})
            rows += [{"domain": d, "code": k, "coefficient": "(k)u-alpha", "value": v, "coverage": cov}
                     for k, v, cov in fam.per_category]
    overall = pd.DataFrame([{"coefficient": "|u-alpha", "value": binary},
                            {"coefficient": "cu-alpha", "value": cu}]).set_index("coefficient")
    warnings.warn("atlas_ti_alpha is experimental (see unitized_alpha_family)", ExperimentalWarning, stacklevel=2)
    return AtlasTiResult(overall, pd.DataFrame(rows), tuple(notes))


def _union_per_coder(df: pd.DataFrame) -> pd.DataFrame:
    """Merge each coder's overlapping spans of the same (relabelled) code."""
    out = []
    for (t, c, k), g in df.groupby(["transcript", "coder", "code"], sort=False):
        iv = g[["start", "end"]].to_numpy()
        iv = iv[np.argsort(iv[:, 0], kind="stable")]
        s, e = iv[0]
        for x, y in iv[1:]:
            if x <= e:
                e = max(e, y)
            else:
                out.append((t, c, k, s, e))
                s, e = x, y
        out.append((t, c, k, s, e))
    return pd.DataFrame(out, columns=["transcript", "coder", "code", "start", "end"])
