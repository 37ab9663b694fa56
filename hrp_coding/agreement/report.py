"""The study-level agreement report: per code, overall, per transcript, per coder pair, and the list of
contested segments for the consensus meeting.

:func:`report` takes a project (anything with ``.segments(unit)``, ``.coded_segments(unit, coder=None,
overlap=)``, ``.codings()`` and ``.transcript(id).text``; the agreement layer never imports the store)
or DataFrames:

* segment units (``"turn"``, ``"sentence"``, ``"paragraph"``): a coded-segments DataFrame (one row per
  ``transcript, segment, coder, code``) and ``segments=`` (``transcript, segment, start, end[, text]``);
* ``"character"`` and ``"unitized"``: a codings DataFrame (``transcript, coder, code, start, end``) and
  ``continuum=`` (transcript -> length) or ``texts=`` (transcript -> text).

Missing versus absent: a coder with no coding in a transcript did not code it (their ratings there are
missing); a coder who coded the transcript but not this segment (character) with this code said "absent".

What is computed
----------------
Per code (presence/absence of the code on each unit, categories 0 and 1): percent agreement,
Krippendorff's alpha (nominal), kappa (Cohen's for two coders; Fleiss' in Gwet's generalisation for
missing ratings with more), Gwet's AC1, prevalence (share of rated coder x unit cells with the code),
``n`` (pairable units) and a prevalence flag where high agreement (percent agreement >= 0.85) meets
low kappa (< 0.40): the kappa paradox (Feinstein & Cicchetti 1990), for which a
:class:`~hrp_coding.errors.PrevalenceWarning` is issued once per report, naming the codes.

Overall: Krippendorff's alpha over the *set* of codes each coder gave each unit, with the Jaccard
distance ``1 - |A & B| / |A | B|`` and the MASI distance ``1 - J * M`` (Passonneau 2006; ``M`` = 1 if
the sets are equal, 2/3 if one contains the other, 1/3 if they only overlap, 0 if disjoint; two empty
sets are equal); and the pooled kappa of De Vries, Elliott, Kanouse & Teleki (2008, Field Methods 20,
272-282): ``(mean p_o - mean p_e) / (1 - mean p_e)`` over the codes that someone applied in the scope,
with ``p_o`` and ``p_e`` each code's observed and chance agreement from the kappa above.

For ``unit="unitized"`` the per-code table holds Krippendorff's u-alpha (see
:mod:`hrp_coding.agreement.unitized`) instead of the segment coefficients.

Examples
--------
>>> import pandas as pd, warnings
>>> segs = pd.DataFrame({"transcript": ["P01"] * 4, "segment": ["t1", "t2", "t3", "t4"],
...                      "start": [0, 10, 20, 30], "end": [9, 19, 29, 39]})
>>> coded = pd.DataFrame({"transcript": "P01", "segment": ["t1", "t1", "t2", "t3", "t4"],
...                       "coder": ["ana", "ben", "ana", "ben", "ana"], "code": "holding"})
>>> with warnings.catch_warnings():
...     warnings.simplefilter("ignore")
...     rep = report(coded, segments=segs)
>>> float(rep.by_code.loc["holding", "percent_agreement"])
0.25
>>> rep.disagreements()[["segment", "ana", "ben"]].values.tolist()
[['t2', 'holding', ''], ['t3', '', 'holding'], ['t4', 'holding', '']]
"""

from __future__ import annotations

import html
import itertools
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from hrp_coding.coders import CONSENSUS
from hrp_coding.errors import AgreementError, HrpCodingWarning, PrevalenceWarning
from hrp_coding.units import AGREEMENT_UNITS

from .consensus import complete_consensus, decided_units
from .grid import SEGMENT_UNITS, character_grid, disagreements, is_project, load, segment_grid, select
from .presence import pooled_kappa, presence_terms
from .sets import SetAgreement, jaccard_distance, masi_distance

__all__ = ["SEGMENT_UNITS", "UNITS", "AgreementReport", "jaccard_distance", "masi_distance", "report"]

UNITS = AGREEMENT_UNITS
HIGH_AGREEMENT = 0.85
LOW_KAPPA = 0.40


# --------------------------------------------------------------------------------------------------
# the result
# --------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class AgreementReport:
    """Agreement of a study's coders, at full precision. Tables are DataFrames (copies are returned).

    Attributes
    ----------
    unit : str
    coders : tuple of str
        The coders compared (``gold`` excluded).
    codes : tuple of str
    gold : str or None
    by_code : DataFrame
        One row per code (see :func:`report` for the columns).
    overall : DataFrame
        One row per overall statistic (``value``, ``n_units``, ``note``).
    by_transcript, by_pair, by_coder : DataFrame
        Per transcript; per coder pair; how many units each coder gave each code.
    vs_gold : DataFrame or None
        Per coder and code against ``gold``: kappa, sensitivity (share of gold's units the coder also
        coded), precision, n.
    flags : tuple of str
        Codes flagged for the prevalence paradox.
    notes : tuple of str
    """

    unit: str
    coders: tuple
    codes: tuple
    gold: str | None
    by_code: pd.DataFrame = field(repr=False)
    overall: pd.DataFrame = field(repr=False)
    by_transcript: pd.DataFrame = field(repr=False)
    by_pair: pd.DataFrame = field(repr=False)
    by_coder: pd.DataFrame = field(repr=False)
    vs_gold: pd.DataFrame | None = field(repr=False, default=None)
    flags: tuple = ()
    notes: tuple = ()
    _disagreements: pd.DataFrame = field(repr=False, default=None)
    roles: tuple | None = None

    @property
    def units_label(self) -> str:
        """What a unit is, for a caption: e.g. ``"participant turns"`` or ``"turns"``."""
        return (f"{', '.join(self.roles)} " if self.roles else "") + f"{self.unit}s"

    def disagreements(self, code: str | None = None, transcript: str | None = None) -> pd.DataFrame:
        """Each contested segment (or character span): transcript, segment, start, end, text, each coder's
        codes (``"(not coded)"`` when that coder did not code the transcript), ``contested`` (codes some
        but not all coders applied) and ``agreed``; ``gold``'s codes when a gold coder was given.

        ``code=`` keeps the rows where that code is contested; ``transcript=`` one transcript.

        Parameters
        ----------
        code : str, optional
            Keep the units where this code is contested.
        transcript : str, optional
            Keep one transcript's units.

        Returns
        -------
        pandas.DataFrame
            One row per contested unit, in transcript and text order.

        Examples
        --------
        >>> _example_report().disagreements(transcript="P02")[["segment", "ana", "ben", "contested"]].values.tolist()
        [['P02:t002', 'holding', '', 'holding'], ['P02:t004', '', 'holding', 'holding']]
        """
        d = self._disagreements.copy()
        if code is not None:
            if code not in self.codes:
                raise AgreementError(f"code {code!r} is not in this report; codes: {list(self.codes)}")
            d = d[d["contested"].apply(lambda s: code in s.split("; "))]
        if transcript is not None:
            if transcript not in set(self.by_transcript.index):
                raise AgreementError(f"transcript {transcript!r} is not in this report; transcripts: "
                                     f"{list(self.by_transcript.index)}")
            d = d[d["transcript"] == transcript]
        return d.reset_index(drop=True)

    def to_frame(self, by: str = "code") -> pd.DataFrame:
        """One table: ``by`` in code, overall, transcript, pair, coder, gold.

        Parameters
        ----------
        by : {"code", "overall", "transcript", "pair", "coder", "gold"}, default "code"
            Which table; ``"gold"`` only when the report was made with a gold layer.

        Returns
        -------
        pandas.DataFrame
            A copy of that table.

        Raises
        ------
        AgreementError
            For another name (the message lists the tables there are).

        Examples
        --------
        >>> _example_report().to_frame("pair").columns.tolist()
        ['n_units', 'exact_agreement', 'alpha_masi', 'pooled_kappa', 'note']
        """
        tables = self.tables()
        if by not in tables:
            raise AgreementError(f"by={by!r} is not allowed; use one of {list(tables)}")
        return tables[by]

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table by name (copies).

        Returns
        -------
        dict of str to pandas.DataFrame
            ``code``, ``overall``, ``transcript``, ``pair``, ``coder`` and, with a gold layer, ``gold``.

        Examples
        --------
        >>> list(_example_report().tables())
        ['code', 'overall', 'transcript', 'pair', 'coder']
        """
        out = {"code": self.by_code, "overall": self.overall, "transcript": self.by_transcript,
               "pair": self.by_pair, "coder": self.by_coder}
        if self.vs_gold is not None:
            out["gold"] = self.vs_gold
        return {k: v.copy() for k, v in out.items()}

    def __str__(self) -> str:
        with pd.option_context("display.width", 160, "display.max_columns", 20, "display.float_format",
                               "{:.3f}".format):
            parts = [f"Agreement report: units {self.units_label}, coders {', '.join(self.coders)}"
                     + (f", gold {self.gold}" if self.gold else ""),
                     "", "Overall", self.overall.to_string(), "", "Per code", self.by_code.to_string(),
                     "", "Per transcript", self.by_transcript.to_string(), "", "Per coder pair",
                     self.by_pair.to_string()]
            if self.vs_gold is not None:
                parts += ["", f"Against {self.gold}", self.vs_gold.to_string()]
        parts.append(f"\n{len(self._disagreements)} contested unit(s); see .disagreements()")
        if self.flags:
            parts.append("prevalence paradox (high agreement, low kappa): " + ", ".join(self.flags))
        parts += [f"note: {n}" for n in self.notes]
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        def table(title, df):
            return f"<h4>{html.escape(title)}</h4>" + df.to_html(float_format=lambda x: f"{x:.3f}")

        body = [f"<h3>Agreement report: units {html.escape(self.units_label)}, coders "
                f"{html.escape(', '.join(self.coders))}</h3>",
                table("Overall", self.overall), table("Per code", self.by_code),
                table("Per transcript", self.by_transcript), table("Per coder pair", self.by_pair)]
        if self.vs_gold is not None:
            body.append(table(f"Against {self.gold}", self.vs_gold))
        body.append(f"<p>{len(self._disagreements)} contested unit(s); see <code>.disagreements()</code></p>")
        if self.flags:
            body.append("<p><strong>prevalence paradox:</strong> " + html.escape(", ".join(self.flags)) + "</p>")
        body += [f"<p><em>note:</em> {html.escape(n)}</p>" for n in self.notes]
        return "<div class='hrp-agreement-report'>" + "".join(body) + "</div>"


# --------------------------------------------------------------------------------------------------
# coefficients (from hrp_coding.agreement.coefficients)
# --------------------------------------------------------------------------------------------------

def _run(func, ratings, **kw):
    """(result or None, notes): warnings and errors of the coefficient become notes."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", HrpCodingWarning)
        try:
            res = func(ratings, **kw)
        except AgreementError as err:
            return None, [str(err).splitlines()[0]]
    return res, [str(w.message) for w in caught if issubclass(w.category, HrpCodingWarning)]


def _presence_stats(ratings: np.ndarray, n_coders: int):
    from .coefficients import cohen_kappa, fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement

    kw = {"categories": [0.0, 1.0]}
    kappa_func = cohen_kappa if n_coders == 2 else fleiss_kappa
    out, notes = {}, []
    for name, func in (("percent_agreement", percent_agreement), ("alpha", krippendorff_alpha),
                       ("kappa", kappa_func), ("ac1", gwet_ac1)):
        res, n = _run(func, ratings, **kw, se="auto" if name == "alpha" else None)  # only alpha's CI is shown
        out[name] = res
        notes += [f"{name}: {x}" for x in n]
    return out, notes


def _value(res) -> float:
    return float("nan") if res is None else float(res.value)


def _ci(res, name: str) -> dict:
    """``{name}_ci_low`` / ``{name}_ci_high``: the result's 95% interval, NaN where it has none."""
    low, high = (float("nan"), float("nan")) if res is None or res.ci is None else res.ci
    return {f"{name}_ci_low": float(low), f"{name}_ci_high": float(high)}


def _pooled_kappa(results) -> float:
    """De Vries et al. (2008): (mean p_o - mean p_e) / (1 - mean p_e) over the given kappa results."""
    results = [r for r in results if r is not None]
    if not results:
        return float("nan")
    po = float(np.mean([r.observed for r in results]))
    pe = float(np.mean([r.expected for r in results]))
    if pe >= 1.0:
        return 1.0 if po >= 1.0 else float("nan")
    return (po - pe) / (1 - pe)


# --------------------------------------------------------------------------------------------------
# report
# --------------------------------------------------------------------------------------------------

def report(project_or_codings, *, unit: str = "turn", coders=None, codes=None, overlap="any", gold=None,
           segments: pd.DataFrame | None = None, continuum=None, texts=None, roles="codebook") -> AgreementReport:
    """Study-level agreement: per code, overall, per transcript, per coder pair, contested segments.

    Parameters
    ----------
    project_or_codings : Project or DataFrame
        See the module docstring for the DataFrame forms.
    unit : {"turn", "sentence", "paragraph", "character", "unitized"}
    coders : list of str, optional
        Coders to compare (default: all with codings, except ``gold``).
    codes : list of str, optional
        Codes to report (default: all codes used). A code nobody used must be in the project's codebook.
    overlap : str
        Passed to ``project.coded_segments`` (how a span must overlap a segment to code it).
    gold : str, optional
        A reference layer (``"consensus"``, or a coder): adds ``vs_gold`` and a gold column in
        :meth:`AgreementReport.disagreements`; it is not one of the coders compared.
    segments : DataFrame, optional
        Segments for a coded-segments DataFrame (segment units). With a project: the units to use (each must be
        one of the project's ``unit`` segments; an unknown one is an error), instead of the coded roles' units.
    roles : "codebook", "all", str or list of str
        Speaker roles whose segments are the units. ``"codebook"`` (default): with a project, the codebook's
        ``coded_roles`` (participant turns unless it says otherwise); with DataFrames, every segment given.
        ``"all"``: every segment. The report's notes say which units were used.
    continuum, texts : mapping, optional
        Transcript lengths (or texts, which also fill the ``text`` column of disagreements) for span input.

    Returns
    -------
    AgreementReport
        ``by_code`` columns: ``n`` (pairable units), ``prevalence``, ``percent_agreement``, ``alpha`` (with
        its interval), ``kappa``, ``kappa_method``, ``ac1``, ``pabak`` (``2 p_o - 1``), ``prevalence_index``
        and ``bias_index`` (Byrt, Bishop & Carlin 1993; mean over coder pairs with more than two coders),
        ``flag``, ``note`` (why a cell has no value) (``u_alpha``, ``observed_disagreement``,
        ``expected_disagreement``, ``n_units``, ``coverage`` for ``unit="unitized"``).

    Examples
    --------
    >>> table = _example_report().to_frame("transcript")   # two coders on two transcripts, see _example_report
    >>> table.index.tolist()
    ['P01', 'P02']
    """
    if unit not in UNITS:
        raise AgreementError(f"unit={unit!r} is not allowed; use one of {list(UNITS)}")
    notes: list[str] = []
    kind, frame, extent, tx, coded_by, cb_codes, roles = load(project_or_codings, unit, overlap, segments,
                                                               continuum, texts, roles, notes)
    if kind == "spans" and roles is not None and is_project(project_or_codings):
        notes.append(f"unit={unit!r} covers every character of the transcripts (coded_roles apply to segment units)")
    coders, codes = select(frame, coders, codes, gold, cb_codes)
    raters = (*coders, gold) if gold else coders
    if kind == "segments":
        grid = segment_grid(frame, extent, coded_by, raters, codes)
    else:
        grid = character_grid(frame, extent, tx, coded_by, raters, codes)
    if grid.present.shape[1] == 0:
        raise AgreementError(f"no transcript was coded by coders {list(coders)}")
    if gold == CONSENSUS:
        decisions = None
        if is_project(project_or_codings) and hasattr(project_or_codings, "adjudications"):
            decisions = project_or_codings.adjudications()
        present, rated, counts = complete_consensus(grid.present, grid.rated, len(coders),
                                                    decided_units(grid.units, decisions))
        grid.present, grid.rated = present, rated
        notes.append(f"consensus layer: {counts['agreed']} agreed unit(s) entered automatically, "
                     f"{counts['adjudicated']} adjudicated; {counts['awaiting']} contested unit(s) await "
                     "adjudication and are left out of the comparison with consensus")
    not_all = [t for t in dict.fromkeys(grid.units["transcript"])
               if not set(coders) <= coded_by.get(t, set())]
    if not_all:
        notes.append("transcripts not coded by every coder (their missing ratings are left out): "
                     + ", ".join(f"{t} ({', '.join(sorted(set(coders) - coded_by.get(t, set())))} missing)"
                                 for t in not_all))
    m = len(coders)
    ci = list(range(m))

    if unit == "unitized":
        by_code, overall, by_transcript, by_pair = _unitized_tables(frame, extent, coders, codes, notes)
        flags: list[str] = []
    else:
        by_code, flags, kappa_results = _by_code(grid, ci, codes, m)
        sets = SetAgreement(grid.present, grid.rated)
        overall = _overall(grid, ci, sets, kappa_results)
        by_transcript = _by_transcript(grid, ci, sets)
        by_pair = _by_pair(grid, coders, sets)
    if flags:
        warnings.warn(f"high agreement but low kappa (prevalence paradox) for codes {flags}: read AC1 and "
                      "prevalence beside kappa", PrevalenceWarning, stacklevel=2)
    by_coder = pd.DataFrame(
        {c: [int((grid.present[i, :, k] & grid.rated[i]).sum()) for k in range(len(codes))]
         for i, c in enumerate(raters)}, index=pd.Index(codes, name="code"))
    vs_gold = _vs_gold(grid, coders, codes, gold) if gold else None
    dis = disagreements(grid, raters, codes, gold, kind, tx)
    by_transcript["n_contested"] = dis.groupby("transcript").size().reindex(by_transcript.index).fillna(0).astype(int)
    return AgreementReport(unit, coders, codes, gold, by_code, overall, by_transcript, by_pair, by_coder,
                           vs_gold, tuple(flags), tuple(notes), dis, tuple(roles) if roles else None)


def _by_code(grid, ci, codes, m):
    rows, flags, kappas = [], [], []
    for k, code in enumerate(codes):
        ratings = np.where(grid.rated[ci], grid.present[ci][:, :, k].astype(float), np.nan)
        stats, notes = _presence_stats(ratings, m)
        cells = grid.rated[ci]
        n = int((cells.sum(axis=0) >= 2).sum())
        prevalence = float(grid.present[ci][:, :, k][cells].mean()) if cells.any() else float("nan")
        pa, kappa = _value(stats["percent_agreement"]), _value(stats["kappa"])
        flag = bool(pa >= HIGH_AGREEMENT and kappa < LOW_KAPPA)
        if flag:
            flags.append(code)
        kappas.append(stats["kappa"] if grid.present[ci][:, :, k][cells].any() else None)
        pi, bi = _prevalence_bias(grid.present[ci][:, :, k], cells)
        rows.append({"code": code, "n": n, "prevalence": prevalence, "percent_agreement": pa,
                     "alpha": _value(stats["alpha"]), **_ci(stats["alpha"], "alpha"), "kappa": kappa,
                     "kappa_method": "cohen" if m == 2 else "fleiss", "ac1": _value(stats["ac1"]),
                     "pabak": 2 * pa - 1, "prevalence_index": pi, "bias_index": bi,
                     "flag": "prevalence" if flag else "", "note": "; ".join(dict.fromkeys(notes))})
    return pd.DataFrame(rows).set_index("code"), flags, kappas


def _prevalence_bias(present: np.ndarray, rated: np.ndarray) -> tuple[float, float]:
    """Byrt, Bishop & Carlin (1993): prevalence index ``|a - d| / n`` and bias index ``|b - c| / n`` of the
    2 x 2 table of a coder pair (a both applied the code, d neither, b and c one of them) over the units both
    rated; with more than two coders, the mean over the pairs. NaN when no pair rated a unit in common."""
    pis, bis = [], []
    for g, h in itertools.combinations(range(present.shape[0]), 2):
        both = rated[g] & rated[h]
        n = int(both.sum())
        if not n:
            continue
        x, y = present[g, both], present[h, both]
        pis.append(abs(int((x & y).sum()) - int((~x & ~y).sum())) / n)
        bis.append(abs(int((x & ~y).sum()) - int((~x & y).sum())) / n)
    return (float(np.mean(pis)), float(np.mean(bis))) if pis else (float("nan"), float("nan"))


def _overall(grid, ci, sets, kappa_results):
    rows = []
    for name in ("masi", "jaccard"):
        res = sets.alpha(name, raters=ci)
        rows.append({"statistic": f"alpha_{name}", "value": res.value, "n_units": res.n_pairable,
                     "note": "; ".join(res.notes)})
    used = [r for r in kappa_results if r is not None]
    pooled = _pooled_kappa(used)
    rows.append({"statistic": "pooled_kappa", "value": pooled, "n_units": rows[0]["n_units"],
                 "note": f"De Vries et al. 2008 over {len(used)} code(s) applied"
                 + ("" if used else ": no code was applied, so there is no kappa to pool")})
    return pd.DataFrame(rows).set_index("statistic")


def _by_transcript(grid, ci, sets):
    rows = []
    tr = grid.units["transcript"].to_numpy()
    ids, groups = np.unique(tr.astype(str), return_inverse=True) if len(tr) else (np.array([]), np.zeros(0, int))
    order = list(dict.fromkeys(tr))
    pos = {t: i for i, t in enumerate(ids)}
    alphas = sets.by_group(groups, "masi", raters=ci)
    po, pe, used = presence_terms(grid.present[ci], grid.rated[ci], groups, len(ids))
    pooled = pooled_kappa(po, pe, used)
    for t in order:
        g = pos[str(t)]
        mask = groups == g
        who = [grid.raters[i] for i in ci if grid.rated[i, mask].any()]
        row = {"transcript": t, "n_units": int(mask.sum()), "coders": ", ".join(who)}
        if len(who) >= 2:
            row["alpha_masi"] = alphas[g].value
            row["pooled_kappa"] = float(pooled[g])
            row["note"] = "; ".join(alphas[g].notes)
        else:
            row["alpha_masi"] = row["pooled_kappa"] = float("nan")
            row["note"] = f"coded by {len(who)} coder(s): nothing to compare"
        rows.append(row)
    return pd.DataFrame(rows).set_index("transcript")


def _by_pair(grid, coders, sets):
    rows = []
    for a, b in itertools.combinations(range(len(coders)), 2):
        both = grid.rated[a] & grid.rated[b]
        same = (grid.present[a][both] == grid.present[b][both]).all(axis=1)
        res = sets.alpha("masi", raters=[a, b], units=both)
        po, pe, used = presence_terms(grid.present[[a, b]][:, both], grid.rated[[a, b]][:, both],
                                      np.zeros(int(both.sum()), int), 1)
        note = "; ".join(res.notes) if both.any() else "no unit coded by both coders"
        rows.append({"coder_a": coders[a], "coder_b": coders[b], "n_units": int(both.sum()),
                     "exact_agreement": float(same.mean()) if both.any() else float("nan"),
                     "alpha_masi": res.value, "pooled_kappa": float(pooled_kappa(po, pe, used)[0]),
                     "note": note})
    return pd.DataFrame(rows).set_index(["coder_a", "coder_b"])


def _vs_gold(grid, coders, codes, gold):
    from .coefficients import cohen_kappa

    g = len(coders)
    rows = []
    for i, c in enumerate(coders):
        both = grid.rated[i] & grid.rated[g]
        for k, code in enumerate(codes):
            x, y = grid.present[i, both, k], grid.present[g, both, k]
            if both.any():
                res, notes = _run(cohen_kappa, np.vstack([x, y]).astype(float), categories=[0.0, 1.0], se=None)
            else:
                res, notes = None, [f"no unit rated by both {c} and {gold}"]
            if both.any() and not y.any():
                notes.append(f"{gold} has no unit with this code: sensitivity undefined")
            if both.any() and not x.any():
                notes.append(f"{c} applied this code to no {gold} unit: precision undefined")
            tp = int((x & y).sum())
            rows.append({"coder": c, "code": code, "n": int(both.sum()), "gold_units": int(y.sum()),
                         "coder_units": int(x.sum()), "kappa": _value(res),
                         "sensitivity": tp / y.sum() if y.sum() else float("nan"),
                         "precision": tp / x.sum() if x.sum() else float("nan"), "note": "; ".join(notes)})
    return pd.DataFrame(rows).set_index(["coder", "code"])


def _unitized_tables(frame, lengths, coders, codes, notes):
    from .unitized import unitized_alpha

    spans = frame[frame["coder"].isin(coders) & frame["code"].isin(codes)]
    res = unitized_alpha(spans[["transcript", "coder", "code", "start", "end"]], continuum=lengths,
                         coders=coders, missing="exclude")
    notes.extend(res.notes)
    by_code = res.to_frame().rename(columns={"value": "u_alpha"}).reindex(list(codes))
    overall = pd.DataFrame([{"statistic": "u_alpha", "value": res.value, "n_units": len(spans),
                             "note": "Krippendorff (2004) pooled over codes"}]).set_index("statistic")
    rows = []
    for t in res.transcripts:
        sub = spans[spans["transcript"] == t]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HrpCodingWarning)
                v = unitized_alpha(sub, continuum={t: lengths[t]}, coders=coders).value
        except AgreementError:
            v = float("nan")
        rows.append({"transcript": t, "n_units": int(lengths[t]), "coders": ", ".join(coders), "u_alpha": v})
    pairs = []
    for a, b in itertools.combinations(coders, 2):
        sub = spans[spans["coder"].isin([a, b])]
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", HrpCodingWarning)
                r = unitized_alpha(sub, continuum=lengths, coders=[a, b])
            v, n = r.value, len(r.transcripts)
        except AgreementError:
            v, n = float("nan"), 0
        pairs.append({"coder_a": a, "coder_b": b, "n_transcripts": n, "u_alpha": v})
    return (by_code, overall, pd.DataFrame(rows).set_index("transcript"),
            pd.DataFrame(pairs).set_index(["coder_a", "coder_b"]))


def _example_report() -> AgreementReport:
    """The report of a tiny two-coder study, for the examples: ana and ben agree on P01's participant turn and
    each codes ``holding`` on a different participant turn of P02."""
    import warnings

    from hrp_coding.datasets import tiny_study

    study = tiny_study()
    study.add_transcript("I: And?\nP: We stayed.\nI: Then?\nP: We left.\n", transcript_id="P02")
    for coder, transcript, start, end in (("ben", "P01", 9, 24), ("ana", "P02", 12, 21), ("ben", "P02", 36, 43)):
        study.add_coding(coder=coder, transcript=transcript, start=start, end=end, code="holding")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return report(study)
