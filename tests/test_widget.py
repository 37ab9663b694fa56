"""CodingWidget, Python side: each browser message becomes a journal event, and failures cost nothing."""

import pandas as pd
import pytest

import hrp_coding as hc
from hrp_coding import datasets
from hrp_coding.notebook.coding_view import Utf16Offsets
from hrp_coding.notebook.widget import CodingWidget, shortcut_keys

TEXT = ("Interviewer: What happens when someone arrives high?\n\n"
        "P01: I don't send them away. I just stayed with her. I told her plainly what I cannot do.\n")


@pytest.fixture
def project(tmp_path):
    study = hc.Project.init(tmp_path / "study", codebook=datasets.codebook_path("making_room"))
    study.add_transcript(TEXT, transcript_id="P01")
    return study


def _send(widget, **content):
    """A message as the browser sends it: with the transcript shown and the sha256 of its text."""
    widget._on_message(widget, {"transcript": widget.transcript, "sha": widget.text_sha, **content}, [])


def _add(widget, start, end, code, **extra):
    """The browser's add: UTF-16 offsets and the quote it saw selected."""
    units = Utf16Offsets(widget.text)
    _send(widget, action="add", s=units.to_utf16(start), e=units.to_utf16(end), quote=widget.text[start:end],
          code=code, **extra)


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
    _add(widget, start, start + len("stayed with her"), "staying_with")
    reopened = hc.Project.open(tmp_path / "study").codings()
    assert reopened[["coder", "code", "text"]].values.tolist() == [["ana", "staying_with", "stayed with her"]]
    assert widget.spans[0]["mine"] and widget.spans[0]["code"] == "staying_with"
    assert widget.status.startswith("coded staying_with")


def test_bad_action_reports_in_the_widget_and_writes_nothing(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    _add(widget, 10, 20, "holdng")
    assert widget.status.startswith("not saved:") and "holding" in widget.status  # did-you-mean
    _send(widget, action="add", s=50, e=10_000, quote="x", code="holding")
    assert widget.status.startswith("not saved:")
    assert hc.Project.open(tmp_path / "study").codings().empty


def test_remove_and_memo_messages(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("I told her")
    _add(widget, start, len(TEXT) - 1, "signaling_the_limits")
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
    rejected = hc.Project.open(project.path).rejections()
    assert rejected[["coder", "transcript", "start", "end", "code"]].values.tolist() == [
        ["ana", "P01", 0, 5, "holding"]]
    again = CodingWidget(hc.Project.open(project.path), coder="ana", transcript="P01", suggestions=suggestions)
    assert again.suggestions == []  # remembered: not offered again
    other = CodingWidget(hc.Project.open(project.path), coder="ben", transcript="P01", suggestions=suggestions)
    assert len(other.suggestions) == 1


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
    assert widget.suggestions == [] and widget.status == "rejected suggestion holding (remembered)"


EMOJI_TEXT = "Interviewer: Hello \U0001F642 there.\n\nP01: I just stayed with her.\n"


@pytest.fixture
def sent(monkeypatch):
    """Every message the kernel sends to the browser."""
    messages = []
    monkeypatch.setattr(CodingWidget, "send", lambda self, content, buffers=None: messages.append(content))
    return messages


def test_utf16_offsets_from_the_browser_are_converted_after_an_emoji(tmp_path, sent):
    study = hc.Project.init(tmp_path / "e", codebook=datasets.codebook_path("making_room"))
    study.add_transcript(EMOJI_TEXT, transcript_id="P01")
    widget = CodingWidget(study, coder="ana", transcript="P01")
    start = EMOJI_TEXT.index("stayed with her")
    browser_start = len(EMOJI_TEXT[:start].encode("utf-16-le")) // 2  # what JavaScript's indexOf says
    units = Utf16Offsets(EMOJI_TEXT)
    assert units.to_utf16(start) == browser_start == start + 1 and units.to_code_point(browser_start) == start
    _add(widget, start, start + 15, "holding")
    assert hc.Project.open(study.path).codings()["text"].tolist() == ["stayed with her"]
    assert sent[-1]["kind"] == "delta"
    assert sent[-1]["put"][0]["s"] == start + 1  # the browser gets UTF-16 units back


def test_a_message_with_another_hash_is_refused_and_the_view_resynced(project, sent):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("stayed")
    units = Utf16Offsets(TEXT)
    widget._on_message(widget, {"action": "add", "transcript": "P01", "sha": "0" * 64, "s": units.to_utf16(start),
                                "e": units.to_utf16(start + 6), "quote": "stayed", "code": "holding"}, [])
    assert widget.status.startswith("not saved:") and "re-synced" in widget.status
    assert sent[-1]["kind"] == "snapshot" and project.codings().empty


def test_a_transcript_changed_on_disk_is_refused_then_coded_on_the_new_text(project, tmp_path, sent):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    old_sha = widget.text_sha
    start = TEXT.index("stayed with her")
    hc.Project.open(project.path).update_transcript("P01", "Interviewer: A note first.\n\n" + TEXT)
    _send(widget, action="add", s=start, e=start + 15, quote="stayed with her", code="holding", sha=old_sha)
    assert "changed on disk" in widget.status and project.codings().empty
    assert widget.text_sha != old_sha and widget.text.startswith("Interviewer: A note first.")
    new_start = widget.text.index("stayed with her")
    _add(widget, new_start, new_start + 15, "holding")
    assert hc.Project.open(project.path).codings()["text"].tolist() == ["stayed with her"]


def test_a_quote_that_differs_from_the_text_is_refused(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    _send(widget, action="add", s=0, e=5, quote="Other", code="holding")
    assert widget.status.startswith("not saved:") and "in the browser" in widget.status
    assert project.codings().empty


def test_duplicate_is_refused(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("stayed with her")
    _add(widget, start, start + 15, "holding")
    _add(widget, start, start + 15, "holding")
    assert "duplicate" in widget.status and len(project.codings()) == 1
    _add(widget, start, start + 15, "staying_with")  # another code on the same words is fine
    assert len(project.codings()) == 2


def test_memo_can_be_replaced_and_cleared(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("stayed with her")
    _add(widget, start, start + 15, "holding")
    cid = widget.spans[0]["id"]
    _send(widget, action="memo", coding_id=cid, text="first")
    _send(widget, action="memo", coding_id=cid, text="second")
    assert hc.Project.open(project.path).codings()["memo"].tolist() == ["second"]
    _send(widget, action="memo", coding_id=cid, text="")
    assert widget.status.startswith("memo cleared")
    assert hc.Project.open(project.path).codings()["memo"].isna().all()
    widget.undo()
    assert hc.Project.open(project.path).codings()["memo"].tolist() == ["second"]


def test_undo_and_redo_are_journal_events(project, tmp_path):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("stayed with her")
    _add(widget, start, start + 15, "holding")
    _send(widget, action="undo")
    assert project.codings().empty and widget.can_redo and not widget.can_undo
    _send(widget, action="redo")
    assert project.codings()["text"].tolist() == ["stayed with her"]
    widget.remove(widget.spans[0]["id"])  # remove needs no confirmation: undo brings it back
    widget.undo()
    assert project.codings()["text"].tolist() == ["stayed with her"]
    kinds = [line.split('"event":"')[1].split('"')[0]
             for line in (tmp_path / "study" / "codings" / "ana.jsonl").read_text().splitlines()]
    assert kinds == ["add", "remove", "add", "remove", "add"]  # never erased


def test_setting_transcript_and_blind_redraws(project, sent):
    project.add_transcript("Interviewer: Other text.\n\nP02: Mine.\n", transcript_id="P02")
    start = TEXT.index("stayed with her")
    project.add_coding("ben", "P01", start, start + 15, "holding")
    widget = CodingWidget(project, coder="ana", transcript="P01")
    assert [s["coder"] for s in widget.spans] == ["ben"]
    widget.blind = True
    assert widget.spans == [] and sent[-1]["kind"] == "snapshot" and sent[-1]["spans"]["id"] == []
    widget.transcript = "P02"
    assert sent[-1]["transcript"] == "P02" and sent[-1]["text"] == widget.text == project.transcript("P02").text
    widget.transcript = "P99"
    assert widget.transcript == "P02" and "P99" in widget.status


def test_progress_counts_turns_this_coder_coded(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    assert widget.transcripts == [{"id": "P01", "coded": 0, "total": 2}]
    start = TEXT.index("stayed with her")
    _add(widget, start, start + 15, "holding")
    assert widget.transcripts == [{"id": "P01", "coded": 1, "total": 2}]


def test_in_vivo_code_from_a_selection(project):
    widget = CodingWidget(project, coder="ana", transcript="P01")
    start = TEXT.index("I don't send them away")
    units = Utf16Offsets(TEXT)
    _send(widget, action="in_vivo", s=units.to_utf16(start), e=units.to_utf16(start + 22),
          quote="I don't send them away", name="Not sending away")
    reopened = hc.Project.open(project.path)
    code = reopened.codebook.codes["not_sending_away"]
    assert code.in_vivo_quote == "I don't send them away" and reopened.codebook.changelog[-1].who == "ana"
    assert reopened.codings()[["code", "text"]].values.tolist() == [["not_sending_away", "I don't send them away"]]
    assert any(c["id"] == "not_sending_away" for c in widget.codes)


def test_the_snapshot_waits_for_a_view_and_sends_its_codings_as_columns(project, sent):
    project.add_transcript("Interviewer: Other text.\n\nP02: Mine.\n", transcript_id="P02")
    start = TEXT.index("stayed with her")
    project.add_coding("ben", "P01", start, start + 15, "holding")
    project.add_coding("ana", "P02", 31, 35, "holding")
    widget = CodingWidget(project, coder="ana", transcript="P01")
    assert [m for m in sent if m.get("kind") == "snapshot"] == []  # no view yet: nothing to draw it
    widget._on_message(widget, {"action": "hello"}, [])
    spans = sent[-1]["spans"]
    assert sent[-1]["kind"] == "snapshot" and spans["coder"] == ["ben"] and spans["s"] == [start]
    assert set(spans) == {"id", "coder", "code", "s", "e", "memo", "mine", "source"}
    # outside IPython the other transcripts' progress is there at once (in a kernel: once the cell has run)
    assert widget.transcripts == [{"id": "P01", "coded": 0, "total": 2}, {"id": "P02", "coded": 1, "total": 2}]


def test_recode_queue_lists_split_codings_and_recoding_is_undoable(project, sent):
    from hrp_coding.codebook import Code

    start = TEXT.index("stayed with her")
    flagged = project.add_coding("ana", "P01", start, start + 15, "holding", memo="first thought").id
    project.add_coding("ben", "P01", start, start + 15, "holding")  # ben's: not in ana's queue
    project.update_codebook(project.codebook.split("holding", [Code("holding_close", "Holding close"),
                                                               Code("holding_open", "Holding open")],
                                                   who="lead", why="two kinds"))
    widget = CodingWidget(project, coder="ana", transcript="P01")
    assert widget.recode_queue == [{"id": flagged, "code": "holding", "candidates": ["holding_close", "holding_open"],
                                    "s": start, "e": start + 15}]
    _send(widget, action="recode", coding_id=flagged, code="holding_open")
    assert widget.status.startswith("recoded holding as holding_open"), widget.status
    assert sent[-1]["queue"] == [] and sent[-1]["put"][0]["code"] == "holding_open"
    on_disk = hc.Project.open(project.path).codings(coders="ana")
    assert on_disk[["coding_id", "code", "text", "memo", "needs_recoding"]].values.tolist() == [
        [flagged, "holding_open", "stayed with her", "first thought", False]]
    widget.undo()  # back in the queue, with its old code and candidates
    assert [q["id"] for q in widget.recode_queue] == [flagged]
    assert hc.Project.open(project.path).codings(coders="ana")["needs_recoding"].tolist() == [True]
    widget.redo()
    assert widget.recode_queue == [] and widget.spans_of("ana")[0]["code"] == "holding_open"
    _send(widget, action="recode", coding_id=flagged, code="holding_close")  # no longer waiting: refused
    assert widget.status.startswith("not saved:") and "recode queue" in widget.status


def test_a_code_rejected_in_a_turn_is_not_offered_there_again_however_the_passage_is_cut(project):
    turn = TEXT.index("I don't send"), TEXT.index("cannot do.") + 10
    passage = TEXT.index("I just stayed"), TEXT.index("with her.") + 8
    row = {"transcript": "P01", "code": "staying_with", "start": passage[0], "end": passage[1], "confidence": 0.8,
           "turn_start": turn[0], "turn_end": turn[1], "model": "m1",
           "highlights": [(TEXT.index("stayed"), TEXT.index("stayed") + 6)]}
    widget = CodingWidget(project, coder="ana", transcript="P01", suggestions=pd.DataFrame([row]))
    (shown,) = widget.suggestions
    assert TEXT[shown["start"]:shown["end"]] == "I just stayed with her"
    assert shown["words"] == [list(row["highlights"][0])]
    widget.reject(shown["key"])
    recut = {**row, "start": passage[0], "end": turn[1]}  # another model or span_ratio: a longer passage
    other = {**row, "code": "holding"}
    again = CodingWidget(hc.Project.open(project.path), coder="ana", transcript="P01",
                         suggestions=pd.DataFrame([recut, other]))
    assert [s["code"] for s in again.suggestions] == ["holding"]
