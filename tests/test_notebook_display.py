"""Plots and HTML renderers: what they draw, not only that they run."""

import re

import numpy as np
import pandas as pd
import pytest

from hrp_coding import analysis
from hrp_coding.errors import AnalysisError
from hrp_coding.notebook import html as nbhtml
from hrp_coding.notebook import plots


def test_render_coded_text_cuts_overlaps_and_escapes():
    text = "I <stayed> with her & held the room."
    spans = [("ana", 2, 20, "staying_with"), ("ben", 13, 36, "holding")]
    out = nbhtml.render_coded_text(text, spans, colors={"staying_with": "#112233", "holding": "#445566"})
    assert "&lt;stayed&gt;" in out and "&amp;" in out
    titles = re.findall(r'title="([^"]*)"', out)
    # three pieces: ana only, both, ben only
    assert titles == ["staying_with (ana)", "holding (ben); staying_with (ana)", "holding (ben)"]
    assert 'data-start="13" data-end="20"' in out
    assert "#11223355" in out and "box-shadow:inset 0 -2px 0 #112233" in out


def test_render_clips_to_window_and_gives_fallback_colors():
    out = nbhtml.render_coded_text("abcdefghij", [("ana", 0, 10, "x")], start=2, end=5)
    assert 'data-start="2" data-end="5"' in out and ">cde<" in out
    assert "#4e79a7" in out


def test_cooccurrence_heatmap_matrix_is_symmetric():
    pairs = pd.DataFrame({"code_a": ["a", "a"], "code_b": ["b", "c"], "jaccard": [0.5, 0.25]})
    fig = plots.cooccurrence_heatmap(pairs)
    matrix = fig.axes[0].images[0].get_array()
    assert matrix[0, 1] == matrix[1, 0] == 0.5 and matrix[2, 0] == 0.25
    with pytest.raises(AnalysisError, match="measure='lift' is not a column of the co-occurrence table"):
        plots.cooccurrence_heatmap(pairs, measure="lift")


def test_saturation_curve_marks_the_point():
    codings = pd.DataFrame({"transcript": list("AABCD"), "code": list("xyxxx"), "coder": "ana"})
    result = analysis.saturation(codings, base_size=2, run_length=2, threshold=0.0)
    fig = plots.saturation_curve(result)
    ax = fig.axes[0]
    assert [round(b.get_height()) for b in ax.patches] == [2, 0, 0, 0]
    assert result.saturation_at == 2
    assert "saturation at 2" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_agreement_chart_orders_codes_by_value():
    table = pd.DataFrame({"code": ["a", "b"], "alpha": [0.9, 0.3], "ci_low": [0.8, 0.1], "ci_high": [1.0, 0.5]})
    fig = plots.agreement_chart(table)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["b", "a"]
    with pytest.raises(AnalysisError, match=r"column 'kappa' .*is not in the agreement table"):
        plots.agreement_chart(table, value="kappa")


def test_code_timeline_draws_one_bar_per_span():
    codings = pd.DataFrame({"coder": ["ana", "ana", "ben"], "code": ["x", "y", "x"],
                            "start": [0, 50, 5], "end": [10, 80, 12]})
    fig = plots.code_timeline(codings, text_length=100)
    collections = fig.axes[0].collections
    assert sum(len(c.get_paths()) for c in collections) == 3
    assert np.isclose(fig.axes[0].get_xlim()[1], 100)
