"""One self-contained HTML file about a study: codebook, coverage, agreement, disagreements, saturation.

The file has no external links or scripts: figures are embedded as PNG data, styles inline, so it can be
e-mailed to a co-author or archived with a paper's supplementary material.

From Python (the command line equivalent is ``hrp-coding report STUDY --out report.html``)::

    import hrp_coding as hc
    from hrp_coding.notebook.study_report import write_report

    study = hc.datasets.sample_study("my-study")
    write_report(study, "report.html")
"""

from __future__ import annotations

import base64
import datetime as _dt
import html
import io
import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from hrp_coding._atomic import atomic_write_text
from hrp_coding.coders import human_coders

__all__ = ["render_report", "write_report"]

_CSS = """
body { font-family: system-ui, sans-serif; max-width: 70em; margin: 2em auto; color: #222; line-height: 1.45; }
h1 { border-bottom: 2px solid #33415c; } h2 { margin-top: 2em; color: #33415c; }
table { border-collapse: collapse; font-size: 13px; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ddd; padding: 3px 6px; text-align: left; vertical-align: top; }
th { background: #f2f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.meta { color: #555; } .flag { background: #fff3cd; } img { max-width: 100%; }
.note { color: #555; font-size: 13px; } nav li { display: inline; margin-right: 1em; }
table.disagreements { table-layout: auto; width: 100%; } table.disagreements td.text { min-width: 28em; }
table.disagreements td { word-break: normal; overflow-wrap: anywhere; } details { margin: 0.3em 0; }
@media print { nav { display: none; } h2 { page-break-before: always; } }
"""


def _figure_png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110)
    data = base64.b64encode(buffer.getvalue()).decode("ascii")
    return f'<img alt="figure" src="data:image/png;base64,{data}">'


def _table(frame: pd.DataFrame, *, index: bool = True, digits: int = 3, max_rows: int | None = None) -> str:
    shown = frame if max_rows is None else frame.head(max_rows)
    out = shown.to_html(index=index, escape=True, border=0, na_rep="",
                        float_format=lambda x: f"{x:.{digits}f}", classes="data")
    if max_rows is not None and len(frame) > max_rows:
        out += f'<p class="note">{len(frame) - max_rows} more rows not shown.</p>'
    return out


def _pages(frame: pd.DataFrame, *, text_column: str = "text", page_size: int = 50) -> str:
    """A long table as pages of ``page_size`` rows (each a ``<details>`` block: no script needed), every column
    kept and the text column wide enough to read."""
    if frame.empty:
        return '<p class="note">None.</p>'
    columns = list(frame.columns)
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    pages = []
    for start in range(0, len(frame), page_size):
        part = frame.iloc[start:start + page_size]
        body = "".join(
            "<tr>" + "".join(f'<td class="{"text" if c == text_column else ""}">'
                             f'{html.escape("" if pd.isna(v) else str(v))}</td>' for c, v in zip(columns, row))
            + "</tr>" for row in part.itertuples(index=False))
        label = f"rows {start + 1} to {start + len(part)} of {len(frame)}"
        pages.append(f"<details{' open' if start == 0 else ''}><summary>{label}</summary>"
                     f'<table class="disagreements"><tr>{head}</tr>{body}</table></details>')
    return "".join(pages)


def _section(anchor: str, title: str, *parts: str) -> str:
    return f'<section id="{anchor}"><h2>{html.escape(title)}</h2>' + "".join(parts) + "</section>"


def render_report(project, *, unit: str | None = None, coders: Sequence[str] | None = None,
                  roles="codebook") -> str:
    """The report as an HTML string (see :func:`write_report`).

    Parameters
    ----------
    project : Project
        The study.
    unit, coders, roles
        As for :func:`write_report`.

    Returns
    -------
    str
        One self-contained HTML page (figures embedded): study, codebook, agreement, co-occurrence, saturation.

    Examples
    --------
    >>> import warnings
    >>> from hrp_coding.datasets import tiny_study
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     page = render_report(tiny_study())
    >>> page.startswith("<!DOCTYPE html>"), "Holding" in page
    (True, True)
    """
    from hrp_coding import agreement, analysis
    from hrp_coding.notebook import plots

    unit = unit or project.settings.default_unit
    codebook = project.codebook
    codings = project.codings()
    human = sorted(human_coders(set(codings["coder"])))
    coders = list(coders) if coders is not None else human
    sections, nav = [], []

    def add(anchor, title, *parts):
        nav.append(f'<li><a href="#{anchor}">{html.escape(title)}</a></li>')
        sections.append(_section(anchor, title, *parts))

    # ---- overview
    counts = codings.groupby("coder").size().rename("codings").to_frame()
    counts["transcripts"] = codings.groupby("coder")["transcript"].nunique()
    attributes = analysis.transcript_attributes(project)
    add("overview", "Study",
        f'<p>{len(project.transcript_ids)} transcripts, {len(codings)} codings by {len(counts)} coder layer(s); '
        f"codebook <b>{html.escape(codebook.name)}</b> version {codebook.version}.</p>",
        "<h3>Coders</h3>", _table(counts), "<h3>Transcripts</h3>", _table(attributes, index=False))

    # ---- codebook
    frequencies = analysis.code_frequencies(codings, by=()).set_index("code") if len(codings) else None
    rows = []
    for cid, code in codebook.codes.items():
        n = int(frequencies.loc[cid, "n_codings"]) if frequencies is not None and cid in frequencies.index else 0
        swatch = f'<span style="background:{html.escape(code.color or "#999")};padding:0 8px"></span>'
        rows.append(f"<tr><td>{swatch}</td><td><code>{html.escape(cid)}</code></td><td>{html.escape(code.name)}"
                    f"</td><td>{html.escape(code.parent or '')}</td><td>{html.escape(code.short_definition or '')}"
                    f'</td><td class="num">{n}</td></tr>')
    add("codebook", "Codebook",
        "<table><tr><th></th><th>id</th><th>name</th><th>parent</th><th>short definition</th><th>codings</th></tr>"
        + "".join(rows) + "</table>")

    # ---- coverage
    if len(codings):
        cover = analysis.coverage(project, coders=coders or None, by_coder=True)
        share = cover.pivot(index="transcript", columns="coder", values="share")
        add("coverage", "Coverage of participant talk",
            '<p class="note">Share of the participant turns\' characters inside at least one coding, per coder.</p>',
            _table(share))

    # ---- agreement
    if len(coders) >= 2:
        rep = agreement.report(project, unit=unit, coders=coders, roles=roles)
        by_code = rep.by_code.reset_index()
        chart = plots.agreement_chart(by_code.dropna(subset=["alpha"]), value="alpha", low="alpha_ci_low",
                                      high="alpha_ci_high")
        flags = ("<p class='flag'>Prevalence paradox (high raw agreement, low kappa): "
                 + html.escape(", ".join(rep.flags)) + "</p>") if rep.flags else ""
        levels = sorted({f"{100 * c:g}%" for c in rep.by_code.get("alpha_ci_level", pd.Series([0.95])).dropna()})
        add("agreement", f"Agreement ({rep.units_label})",
            f"<p>Coders {html.escape(', '.join(coders))}. Presence/absence of each code per unit; the units are "
            f"<b>{html.escape(rep.units_label)}</b>"
            + (" (the codebook's <code>coded_roles</code>)" if roles == "codebook" and rep.roles else "")
            + f"; alpha intervals are Gwet's linearised {' / '.join(levels) or '95%'} intervals.</p>", flags,
            "<h3>Overall</h3>", _table(rep.overall), "<h3>Per code</h3>", _figure_png(chart), _table(rep.by_code),
            "<h3>Per coder pair</h3>", _table(rep.by_pair), "<h3>Per transcript</h3>", _table(rep.by_transcript),
            *(f'<p class="note">{html.escape(n)}</p>' for n in rep.notes))
        contested = rep.disagreements()
        add("disagreements", "Disagreements for the consensus meeting",
            f"<p>{len(contested)} contested {html.escape(rep.units_label)}: each coder's codes beside the text.</p>",
            _pages(contested.drop(columns=[c for c in ("start", "end") if c in contested.columns])))

    # ---- saturation and co-occurrence
    if len(codings):
        order = None
        if "sample" in attributes.columns:
            original = attributes.loc[attributes["sample"] != "replication", "transcript"].tolist()
            order = original + attributes.loc[attributes["sample"] == "replication", "transcript"].tolist()
        saturation = analysis.saturation(codings[codings["coder"].isin(coders or human)], order=order)
        add("saturation", "Saturation",
            f"<p>{html.escape(str(saturation))}.</p>",
            '<p class="note">Over coded interviews only: an interview nobody has coded yet adds no information '
            "and is left out of the curve.</p>", _figure_png(plots.saturation_curve(saturation)),
            _table(saturation.runs, index=False))
        pairs = analysis.cooccurrence(project, unit=unit, coders=coders or None)
        if len(pairs):
            add("cooccurrence", "Code co-occurrence",
                _figure_png(plots.cooccurrence_heatmap(pairs, codes=[c for c in codebook.codes if c in
                                                                     set(pairs["code_a"]) | set(pairs["code_b"])])),
                _table(pairs, index=False, max_rows=25))
        by_transcript = analysis.code_frequencies(codings, by="transcript").pivot(
            index="code", columns="transcript", values="n_codings").fillna(0).astype(int)
        add("frequencies", "Code frequencies by transcript", _table(by_transcript))
    generated = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    from hrp_coding import __version__

    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(project.name)}: coding report</title><style>{_CSS}</style></head><body>"
            f"<h1>{html.escape(project.name)}: coding report</h1>"
            f'<p class="meta">Generated {generated} by hrp-coding {__version__}.</p>'
            f"<nav><ul>{''.join(nav)}</ul></nav>" + "".join(sections) + "</body></html>\n")


def write_report(project, path: str | os.PathLike, *, unit: str | None = None,
                 coders: Sequence[str] | None = None, roles="codebook") -> Path:
    """Write the study report to ``path`` (atomically) and return the path.

    Parameters
    ----------
    project : Project
        The study.
    path : str or os.PathLike
        The ``.html`` file to write (replaced atomically).
    unit : str, optional
        Segmentation unit for agreement and co-occurrence (default: the project's default unit).
    coders : sequence of str, optional
        Coders to compare (default: every human coder; model layers and consensus are left out).
    roles : str or list of str, default "codebook"
        Speaker roles whose segments are the agreement units (default: the codebook's ``coded_roles``;
        ``"all"`` for every segment); see :func:`hrp_coding.agreement.report`.

    Returns
    -------
    pathlib.Path
        The file written.

    Examples
    --------
    >>> import pathlib, tempfile, warnings
    >>> from hrp_coding.datasets import tiny_study
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     path = write_report(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "report.html")
    >>> path.name, path.stat().st_size > 1000
    ('report.html', True)
    """
    path = Path(path)
    atomic_write_text(path, render_report(project, unit=unit, coders=coders, roles=roles))
    return path
