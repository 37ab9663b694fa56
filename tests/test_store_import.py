"""Codings CSV import: all rows valid or nothing written; every problem names its row and line."""

from __future__ import annotations

import pandas as pd
import pytest

from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import CodingsImportError, ParameterTypeError
from hrp_coding.project import Project

TEXT = ("Interviewer: What happens first?\n\n"
        "P01: We sit together. We sit together again. I hold the room.\n")


@pytest.fixture
def study(tmp_path):
    cb = Codebook(name="Mini", version=1, codes=[Code("holding", "Holding"), Code("staying_with", "Staying with"),
                                                 Code("old", "Old", status="retired")])
    project = Project.init(tmp_path / "study", codebook=cb)
    project.add_transcript(TEXT, transcript_id="P01")
    return project


def write(tmp_path, text, name="codings.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_quotes_and_offsets_import(study, tmp_path):
    start = TEXT.index("I hold the room.")
    path = write(tmp_path, "transcript,coder,code,quote,start,end,memo\n"
                           f"P01,ana,holding,I hold the room.,{start},{start + 16},clear\n"
                           "P01,ben,staying_with,We sit together again.,,,\n"
                           f"P01,caro,holding,,{start},{start + 6},\n")
    report = study.import_codings(path)
    assert (report.added, report.skipped_duplicates, report.coders) == (3, 0, ("ana", "ben", "caro"))
    frame = study.codings()
    assert frame[["coder", "code", "text", "memo"]].values.tolist() == [
        ["ben", "staying_with", "We sit together again.", None],
        ["caro", "holding", "I hold", None],
        ["ana", "holding", "I hold the room.", "clear"]]
    assert set(study.coders) == {"ana", "ben", "caro"}
    again = study.import_codings(path)
    assert (again.added, again.skipped_duplicates) == (0, 3)
    assert len(study.codings()) == 3


def test_one_bad_row_writes_nothing_and_names_the_row(study, tmp_path):
    path = write(tmp_path, "transcript,coder,code,quote\n"
                           "P01,ana,holding,I hold the room.\n"
                           "P01,ben,holdng,I hold the room.\n"
                           "P01,ben,holding,I hold the room.\n")
    with pytest.raises(CodingsImportError) as info:
        study.import_codings(path)
    err = info.value
    assert len(err.problems) == 1
    assert err.problems[0].path == "row 2" and err.problems[0].line == 3
    assert "unknown code 'holdng'" in str(err) and "did you mean 'holding'?" in str(err)
    assert str(err).startswith(f"{path}: 1 problem")
    assert study.codings().empty
    assert not list((study.path / "codings").iterdir())
    assert study.coders == ()


def test_every_problem_is_collected(study, tmp_path):
    path = write(tmp_path, "transcript,coder,code,quote,start,end\n"
                           "P02,ana,holding,x,,\n"               # unknown transcript
                           "P01,Ana,holding,I hold the room.,,\n"  # bad coder
                           "P01,ana,holding,We sit together.,,\n"  # ambiguous? no: occurs once
                           "P01,ana,holding,We sit together,,\n"   # ambiguous (2 times)
                           "P01,ana,holding,not in the text,,\n"   # absent quote
                           "P01,ana,holding,,5,5\n"                # empty span
                           "P01,ana,holding,,0,9999\n"             # out of range
                           "P01,ana,old,,0,5\n"                    # retired
                           "P01,ana,holding,,x,5\n"                # not a number
                           "P01,ana,holding,,3,\n"                 # half offsets
                           "P01,ana,holding,,,\n"                  # neither
                           "P01,ana,holding,Interviewer,0,5\n")    # quote/offset mismatch
    with pytest.raises(CodingsImportError) as info:
        study.import_codings(path)
    by_row = {p.path: p.message for p in info.value.problems}
    assert "row 3" not in by_row
    assert by_row["row 1"].startswith("unknown transcript 'P02'")
    assert "coder 'Ana' is not a lowercase slug" in by_row["row 2"]
    assert "quote is ambiguous: it occurs 2 times in 'P01'" in by_row["row 4"]
    assert "quote not found in transcript 'P01'" in by_row["row 5"]
    assert by_row["row 6"].startswith("empty span: start=5, end=5")
    assert "out of range: start=0, end=9999" in by_row["row 7"]
    assert by_row["row 8"] == "code 'old' is retired"
    assert "start must be a whole number, got 'x'" in by_row["row 9"]
    assert by_row["row 10"] == "give both start and end, or neither"
    assert by_row["row 11"] == "neither start/end nor quote given"
    assert "quote does not match the text at 0-5" in by_row["row 12"]
    assert [p.line for p in info.value.problems][:2] == [2, 3]
    assert len(info.value.problems) == 11


def test_missing_columns_and_multiline_quotes(study, tmp_path):
    with pytest.raises(CodingsImportError, match=r"missing column\(s\): coder, start\+end or quote"):
        study.import_codings(write(tmp_path, "transcript,code\nP01,holding\n"))
    # a quoted field spanning lines: the line number of the next row still counts file lines
    path = write(tmp_path, 'transcript,coder,code,quote\nP01,ana,holding,"What happens first?\n\nP01: We"\n'
                           "P01,ana,holding,absent\n", name="multi.csv")
    with pytest.raises(CodingsImportError) as info:
        study.import_codings(path)
    assert [(p.path, p.line) for p in info.value.problems] == [("row 2", 5)]


def test_dataframe_and_default_coder(study):
    table = pd.DataFrame({"transcript": ["P01", "P01"], "code": ["holding", "staying_with"],
                          "quote": ["I hold the room.", "We sit together again."]})
    report = study.import_codings(table, coder="dana")
    assert report.coders == ("dana",) and report.added == 2
    bad = table.assign(code=["holding", "nope"])
    with pytest.raises(CodingsImportError, match=r"row 2 \(index 1\): unknown code 'nope'"):
        study.import_codings(bad, coder="dana")
    with pytest.raises(ParameterTypeError, match="CSV path or a pandas DataFrame, got list"):
        study.import_codings([1, 2])
