"""Plots for notebooks and reports: co-occurrence heatmap, agreement chart, saturation curve, code timeline.

Each function draws on ``ax`` (a new figure when None) and returns the matplotlib Figure, so it shows
in Jupyter and can be saved. matplotlib is imported on first call.

Examples
--------
>>> import pandas as pd
>>> pairs = pd.DataFrame({"code_a": ["holding"], "code_b": ["staying_with"], "jaccard": [0.4]})
>>> fig = cooccurrence_heatmap(pairs)
>>> fig.axes[0].get_title()
'Code co-occurrence (jaccard)'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd

from hrp_coding.errors import AnalysisError

__all__ = ["agreement_chart", "code_timeline", "cooccurrence_heatmap", "saturation_curve"]


def _axes(ax, size):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    # A bare Figure (no pyplot state): safe in scripts, servers and tests, and displayed by Jupyter.
    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.add_subplot()


def cooccurrence_heatmap(pairs: pd.DataFrame, *, measure: str = "jaccard", codes: Sequence[str] | None = None,
                         ax=None):
    """Heatmap of a :func:`hrp_coding.analysis.cooccurrence` table (``measure`` = jaccard, obs_exp, n_both).

    Parameters
    ----------
    pairs : pandas.DataFrame
        One row per code pair: ``code_a``, ``code_b`` and the measure column.
    measure : str, default "jaccard"
        The column drawn (``jaccard``, ``obs_exp`` or ``n_both``).
    codes : sequence of str, optional
        The codes on the axes, in this order (default: every code of ``pairs``, sorted).
    ax : matplotlib Axes, optional
        Draw here instead of on a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        The figure, with a colour bar; a pair never seen is left blank.

    Raises
    ------
    AnalysisError
        When ``measure`` is not a column of ``pairs``.

    Examples
    --------
    >>> pairs = pd.DataFrame({"code_a": ["a", "a"], "code_b": ["b", "c"], "n_both": [3, 1]})
    >>> fig = cooccurrence_heatmap(pairs, measure="n_both", codes=["c", "b", "a"])
    >>> [t.get_text() for t in fig.axes[0].get_yticklabels()]
    ['c', 'b', 'a']
    """
    if measure not in pairs.columns:
        raise AnalysisError(f"measure={measure!r} is not a column of the co-occurrence table; columns are "
                         f"{list(pairs.columns)}")
    names = list(codes) if codes is not None else sorted(set(pairs["code_a"]) | set(pairs["code_b"]))
    index = {c: i for i, c in enumerate(names)}
    matrix = np.full((len(names), len(names)), np.nan)
    for a, b, value in zip(pairs["code_a"], pairs["code_b"], pairs[measure]):
        if a in index and b in index:
            matrix[index[a], index[b]] = matrix[index[b], index[a]] = value
    fig, ax = _axes(ax, (1.2 + 0.45 * len(names), 1.0 + 0.4 * len(names)))
    image = ax.imshow(matrix, cmap="viridis")
    ax.set_xticks(range(len(names)), names, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(names)), names, fontsize=8)
    ax.set_title(f"Code co-occurrence ({measure})")
    fig.colorbar(image, ax=ax, shrink=0.8)
    return fig


def agreement_chart(table: pd.DataFrame, *, value: str = "alpha", low: str = "ci_low", high: str = "ci_high",
                    label: str = "code", reference: Sequence[float] = (0.667, 0.8), ax=None):
    """Per-code agreement as points with 95% intervals, with Krippendorff's .667 and .800 guide lines.

    ``table`` has one row per code with columns ``label``, ``value`` and optionally ``low``/``high``.

    Parameters
    ----------
    table : pandas.DataFrame
        An agreement table, e.g. the ``by_code`` table of :func:`hrp_coding.agreement.report` with the code as a
        column (``reset_index()``).
    value, low, high, label : str
        The columns of the estimate, its interval ends and the row labels; without ``low`` and ``high`` the
        points are drawn without intervals.
    reference : sequence of float, default (0.667, 0.8)
        Where the dotted guide lines go.
    ax : matplotlib Axes, optional
        An axes to draw on (default: a new figure).

    Returns
    -------
    matplotlib.figure.Figure
        Codes sorted by value, lowest at the bottom.

    Raises
    ------
    AnalysisError
        When ``label`` or ``value`` is not a column.

    Examples
    --------
    >>> table = pd.DataFrame({"code": ["a", "b"], "alpha": [0.9, 0.5], "ci_low": [0.8, 0.3], "ci_high": [1.0, 0.7]})
    >>> [t.get_text() for t in agreement_chart(table).axes[0].get_yticklabels()]
    ['b', 'a']
    """
    for column in (label, value):
        if column not in table.columns:
            raise AnalysisError(f"column {column!r} (a label= or value= of agreement_chart) is not in the agreement "
                                f"table; its columns are {list(table.columns)}")
    table = table.sort_values(value, kind="stable")
    y = np.arange(len(table))
    fig, ax = _axes(ax, (6.5, 1.0 + 0.32 * len(table)))
    values = table[value].to_numpy(dtype=float)
    if low in table.columns and high in table.columns:
        lows, highs = table[low].to_numpy(dtype=float), table[high].to_numpy(dtype=float)
        ax.errorbar(values, y, xerr=[values - lows, highs - values], fmt="o", color="#33415c", ecolor="#8d99ae",
                    capsize=3)
    else:
        ax.plot(values, y, "o", color="#33415c")
    for line in reference:
        ax.axvline(line, color="#c1121f", linestyle=":", linewidth=1)
    ax.set_yticks(y, table[label].astype(str).tolist(), fontsize=8)
    ax.set_xlim(min(-0.1, np.nanmin(values) - 0.05) if len(values) else -0.1, 1.02)
    ax.set_xlabel(value)
    ax.set_title("Agreement per code (95% intervals)")
    return fig


def saturation_curve(result, *, ax=None):
    """Cumulative distinct codes and new codes per interview, marking where saturation is reached.

    Parameters
    ----------
    result : SaturationResult
        What :func:`hrp_coding.saturation.saturation` returned.
    ax : matplotlib Axes, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Bars of new codes and a line of distinct codes per interview, a dashed line after ``saturation_at``.

    Examples
    --------
    >>> from hrp_coding.saturation import saturation
    >>> codings = pd.DataFrame({"transcript": list("AABCD"), "code": list("xyxyx"), "coder": "ana"})
    >>> saturation_curve(saturation(codings, base_size=1, run_length=1)).axes[0].get_title()
    'Saturation (base 1, run 1, threshold 5%)'
    """
    frame = result.new_per_interview
    fig, ax = _axes(ax, (6.5, 3.5))
    ax.bar(frame["order"], frame["n_new"], color="#90be6d", label="new codes")
    ax.plot(frame["order"], frame["cumulative"], "o-", color="#277da1", label="distinct codes so far")
    if result.saturation_at is not None:
        ax.axvline(result.saturation_at + 0.5, color="#f94144", linestyle="--",
                   label=f"saturation at {result.saturation_at}")
    ax.set_xticks(frame["order"], frame["transcript"].astype(str).tolist(), rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("codes")
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(f"Saturation (base {result.base_size}, run {result.run_length}, threshold {result.threshold:.0%})")
    ax.legend(fontsize=8)
    return fig


def code_timeline(codings: pd.DataFrame, *, text_length: int, colors: Mapping[str, str] | None = None,
                  title: str = "", ax=None):
    """Where each code falls along one transcript: one row per code, one bar per span, per coder hatch.

    ``codings`` are one transcript's codings (columns coder, code, start, end); ``text_length`` is the
    length of its canonical text.

    Parameters
    ----------
    codings : pandas.DataFrame
        One transcript's codings (``coder, code, start, end``).
    text_length : int
        The length of the transcript's text (the x axis).
    colors : mapping of str to str, optional
        Code -> colour (default: one blue); the codebook's colours, say.
    title : str, default ""
        The title (default: ``"Code timeline"``).
    ax : matplotlib Axes, optional
        Draw on this axes rather than a new figure.

    Returns
    -------
    matplotlib.figure.Figure
        One row per code, one bar per span, one hatch per coder.

    Examples
    --------
    >>> codings = pd.DataFrame({"coder": ["ana", "ben"], "code": "x", "start": [0, 5], "end": [10, 12]})
    >>> code_timeline(codings, text_length=40, title="P01").axes[0].get_xlim()
    (0.0, 40.0)
    """
    colors = dict(colors or {})
    codes = sorted(set(codings["code"]))
    coders = sorted(set(codings["coder"]))
    hatches = ["", "//", "..", "xx", "\\\\"]
    fig, ax = _axes(ax, (8, 1.0 + 0.35 * max(len(codes), 1)))
    for row, code in enumerate(codes):
        for k, coder in enumerate(coders):
            spans = codings[(codings["code"] == code) & (codings["coder"] == coder)]
            if spans.empty:
                continue
            height = 0.8 / len(coders)
            ax.broken_barh(list(zip(spans["start"], spans["end"] - spans["start"])),
                           (row - 0.4 + k * height, height), facecolors=colors.get(code, "#4e79a7"),
                           hatch=hatches[k % len(hatches)], edgecolor="white", linewidth=0.3)
    ax.set_yticks(range(len(codes)), codes, fontsize=8)
    ax.set_xlim(0, text_length)
    ax.set_xlabel("character offset" + (f"   (rows split by coder: {', '.join(coders)})" if len(coders) > 1 else ""))
    ax.set_title(title or "Code timeline")
    return fig
