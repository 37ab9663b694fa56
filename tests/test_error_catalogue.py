"""Every error a user can meet comes from hrp_coding.errors, names the parameter and the value received, and is
still the builtin it replaced (ValueError, TypeError, KeyError), so existing except clauses keep working."""

from __future__ import annotations

import pandas as pd
import pytest

import hrp_coding as hc
from hrp_coding import datasets
from hrp_coding.errors import (
    AnalysisError,
    HrpCodingError,
    ParameterTypeError,
    ProjectError,
    SuggestError,
    UnknownIdError,
)


def test_catalogue_classes_keep_the_builtin_they_replace():
    assert issubclass(ParameterTypeError, TypeError) and issubclass(ParameterTypeError, HrpCodingError)
    assert issubclass(UnknownIdError, KeyError) and issubclass(UnknownIdError, HrpCodingError)
    # a KeyError shows its message quoted; the catalogue's shows it as written
    assert str(UnknownIdError("unknown code 'x'")) == "unknown code 'x'"


def test_update_transcript_names_the_type_received():
    study = datasets.tiny_study()
    with pytest.raises(ParameterTypeError, match=r"update_transcript\('P01'\): new_text must be a str .*got bytes"):
        study.update_transcript("P01", b"I: Hi\n")


def test_add_transcript_names_the_type_received():
    study = datasets.tiny_study()
    with pytest.raises(ParameterTypeError, match="expects a path, a text string or a Transcript, got int"):
        study.add_transcript(42)


def test_project_constructor_says_how_to_open(tmp_path):
    with pytest.raises(ParameterTypeError, match=r"Project\('.*nowhere'\) does not open a project: use Project.open"):
        hc.Project(tmp_path / "nowhere")


def test_min_chars_out_of_range_is_a_project_error():
    study = datasets.tiny_study()
    with pytest.raises(ProjectError, match="min_chars must be an integer >= 1, got 0"):
        study.coded_segments("turn", min_chars=0)


def test_reanchor_threshold_out_of_range_is_a_project_error():
    from hrp_coding.store.anchors import reanchor

    with pytest.raises(ProjectError, match=r"threshold must be a number in \(0, 1\], got 1.5"):
        reanchor("a", "b", [], threshold=1.5)


def test_utterance_table_unknown_transcript():
    from hrp_coding.transcripts import read_utterance_table

    df = pd.DataFrame({"id": ["A", "B"], "who": ["client", "client"], "text": ["Hi.", "Yes."]})
    table = read_utterance_table(df, transcript_col="id", speaker_col="who", text_col="text")
    with pytest.raises(UnknownIdError, match=r"no transcript 'C' in the table \(known: A, B\)") as caught:
        table.transcript("C")
    assert isinstance(caught.value, KeyError)


def test_codebook_unknown_code_lists_the_known_ones():
    cb = hc.Codebook.load(datasets.codebook_path("making_room"))
    with pytest.raises(UnknownIdError, match=r"unknown code 'holdng' \(known: .*holding.*\); did you mean 'holding'"):
        cb.ancestors("holdng")


def test_widget_suggestions_without_their_columns():
    from hrp_coding.notebook.widget import CodingWidget

    study = datasets.tiny_study()
    with pytest.raises(SuggestError, match=r"suggestions lack column\(s\) \['confidence'\].*have \['code', 'start'"):
        CodingWidget(study, coder="ana", transcript="P01",
                     suggestions=pd.DataFrame({"code": ["holding"], "start": [0], "end": [5]}))


def test_plots_name_the_missing_column():
    from hrp_coding.notebook import plots

    with pytest.raises(AnalysisError, match=r"column 'name' \(a label= or value= of agreement_chart\)"):
        plots.agreement_chart(pd.DataFrame({"code": ["a"], "alpha": [0.5]}), label="name")
