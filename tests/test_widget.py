"""CodingWidget, Python side: each browser message becomes a journal event, and failures cost nothing."""

import pandas as pd
import pytest

import hrp_coding as hc
from hrp_coding import datasets
from hrp_coding.notebook.widget import CodingWidget, shortcut_keys

TEXT = ("Interviewer: What happens when someone arrives high?\n\n"
        "P01: I don't send them away. I just stayed with her. I told her plainly what I cannot do.\n")


@pytest.fixture
def project(tmp_path):
    study = hc.Project.init(tmp_path / "study", codebook=datasets.codebook_path("making_room"))
    study.add_transcript(TEXT, transcript_id="P01")
    return study


def _send(widget, **content):
    widget._on_message(widget, content, [])


def test_palette_has_every_active_code_with_definition_and_shortcut(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    ids = [c["id"] for c in widget.codes]
    assert ids == list(project.codebook.codes)
    holding = next(c for c in widget.codes if c["id"] == "holding")
    assert holding["definition"] == project.codebook.codes["holding"].short_definition
    assert [c["shortcut"] for c in widget.codes][:3] == ["1", "2", "3"]
    assert shortcut_keys(37)[-1] == ""


def test_add_message_is_written_to_the_journal_at_once(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("stayed with her")
    _send(widget, action="add", start=start, end=start + len("stayed with her"), code="staying_with")
    reopened = hc.Project.open(tmp_path / "study").codings()
    assert reopened[["coder", "code", "text"]].values.tolist() == [["ana", "staying_with", "stayed with her"]]
    assert widget.spans[0]["mine"] and widget.spans[0]["code"] == "staying_with"
    assert widget.status.startswith("coded staying_with")


def test_bad_action_reports_in_the_widget_and_writes_nothing(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    _send(widget, action="add", start=10, end=20, code="holdng")
    assert widget.status.startswith("not saved:") and "holding" in widget.status  # did-you-mean
    _send(widget, action="add", start=50, end=10_000, code="holding")
    assert widget.status.startswith("not saved:")
    assert hc.Project.open(tmp_path / "study").codings().empty


def test_remove_and_memo_messages(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("I told her")
    _send(widget, action="add", start=start, end=len(TEXT) - 1, code="signaling_the_limits")
    coding_id = widget.spans[0]["id"]
    _send(widget, action="memo", coding_id=coding_id, text="limits named kindly")
    assert widget.spans[0]["memo"].endswith("limits named kindly")
    _send(widget, action="remove", coding_id=coding_id)
    assert widget.spans == []
    assert hc.Project.open(tmp_path / "study").codings().empty


def test_blind_mode_hides_other_coders_and_suggestions(project):
    start = TEXT.index("stayed with her")
    project.add_coding("ben", "P01", start, start + 15, "holding")
    suggestions = pd.DataFrame({"code": ["holding"], "start": [start], "end": [start + 15], "confidence": [0.9]})
    open_widget = CodingWidget(project, coder="ana", transcript="P01", suggestions=suggestions)
    assert [s["coder"] for s in open_widget.spans] == ["ben"] and len(open_widget.suggestions) == 1
    project.update_settings(blind_coding=True)
    blind = CodingWidget(hc.Project.open(project.path), coder="ana", transcript="P01", suggestions=suggestions)
    assert blind.blind and blind.spans == [] and blind.suggestions == []


def test_second_coder_listed_never_sees_suggestions(project):
    project.update_settings(suggestions_hidden_from=["caro"])
    suggestions = pd.DataFrame({"code": ["holding"], "start": [0], "end": [5], "confidence": [0.9]})
    widget = CodingWidget(hc.Project.open(project.path), coder="caro", transcript="P01", suggestions=suggestions)
    assert widget.suggestions == [] and widget.blind


def test_reject_removes_suggestion_without_writing(project):
    suggestions = pd.DataFrame({"code": ["holding"], "start": [0], "end": [5], "confidence": [0.7],
                                "evidence": [["stayed", "with"]]})
    widget = CodingWidget(project, coder="ana", transcript="P01", suggestions=suggestions)
    assert widget.suggestions[0]["evidence"] == "stayed, with"
    _send(widget, action="reject", key="s0")
    assert widget.suggestions == [] and project.codings().empty


def test_unknown_transcript_is_named(project):
    with pytest.raises(hc.ProjectError, match="P99"):
        CodingWidget(project, coder="ana", transcript="P99")


@pytest.mark.slow
def test_accept_records_model_and_confidence_in_the_journal(sample_study_copy):
    from hrp_coding.suggest import suggest

    study = sample_study_copy()
    suggestions = suggest(study, coder="dana", transcript="R01", top_k=3, use_thresholds=False)
    assert len(suggestions) > 0
    widget = CodingWidget(study, coder="dana", transcript="R01", suggestions=suggestions)
    first = suggestions.iloc[0]
    _send(widget, action="accept", key="s0")
    assert widget.status.startswith("accepted suggestion"), widget.status
    row = hc.Project.open(study.path).codings(coders="dana").iloc[0]
    assert (row["code"], row["start"], row["end"]) == (first["code"], first["start"], first["end"])
    assert row["source"] == f"model:{first['model']}" and row["model"] == first["model"]
    assert row["confidence"] == pytest.approx(first["confidence"])
    assert len(widget.suggestions) == len(suggestions) - 1


def test_failed_accept_keeps_the_suggestion(project):
    """Accepting needs the suggestion's model (the audit trail); when it is missing nothing is written and the
    suggestion stays in the panel, so the coder can still accept or reject it."""
    suggestions = pd.DataFrame({"code": ["holding"], "start": [0], "end": [5], "confidence": [0.7]})
    widget = CodingWidget(project, coder="ana", transcript="P01", suggestions=suggestions)
    _send(widget, action="accept", key="s0")
    assert widget.status.startswith("not saved:") and "model" in widget.status
    assert [s["key"] for s in widget.suggestions] == ["s0"] and project.codings().empty
    _send(widget, action="reject", key="s0")
    assert widget.suggestions == [] and widget.status == "rejected suggestion holding"
