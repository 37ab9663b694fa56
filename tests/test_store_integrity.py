"""Store integrity (issue 15): a crash at any write step, SIGKILL, and concurrent processes never cost or misplace
a coding; every rewrite is one intent that Project.open finishes or rolls back, and says so."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pandas as pd
import pytest
import yaml

from hrp_coding.codebook import Code, Codebook
from hrp_coding.errors import JournalError, ProjectError, RecoveryWarning
from hrp_coding.project import Project
from hrp_coding.store import segment_cache

LINES = [f"P01: Yeah. We sat with her for hour {i} and it was quiet and then the nurse came back." for i in range(30)]
TEXT = "\n".join(f"Interviewer: And then, part {i}?\n{line}" for i, line in enumerate(LINES)) + "\n"
NEW_TEXT = "Interviewer: A new first question?\nP01: A new first answer.\n" + TEXT.replace("hour 7 ", "hour seven ")


def codebook(version: int = 1) -> Codebook:
    return Codebook(name="Crash", version=version, codes=[Code("holding", "Holding"), Code("staying_with", "Staying"),
                                                          Code("waiting", "Waiting")])


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    folder = tmp_path_factory.mktemp("template") / "study"
    study = Project.init(folder, codebook=codebook())
    study.add_transcript(TEXT, transcript_id="P01")
    study.add_transcript(TEXT.replace("nurse", "doctor"), transcript_id="P02")
    rng = random.Random(4)
    for coder in ("ana", "ben"):
        for _ in range(20):
            tid = rng.choice(["P01", "P02"])
            text = study.transcript(tid).text
            start = rng.randrange(0, len(text) - 60)
            study.add_coding(coder=coder, transcript=tid, start=start, end=start + rng.randint(5, 50),
                             code=rng.choice(["holding", "staying_with"]))
    return folder


def copy(template, tmp_path, name="study"):
    target = tmp_path / name
    shutil.copytree(template, target)
    return target


def check_every_coding(folder) -> tuple[Project, pd.DataFrame]:
    """Open the project and check: every coding on its words (or off the text and reported), on a known code."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RecoveryWarning)
        study = Project.open(folder)
    frame = study.codings(include_orphaned=True)
    codes = set(study.codebook.codes)
    for row in frame.itertuples():
        coding = study.get_coding(row.coding_id)
        if row.status == "active":
            assert row.text == coding.quote, f"coding {row.coding_id} is not on its words"
        assert row.code in codes, f"coding {row.coding_id} is on code {row.code!r}, not in the codebook"
    return study, frame


# --- a crash injected at each write step --------------------------------------------------------------------------
def _evolved():
    return codebook().rename("holding", "containing", who="lead", why="clearer").merge(
        ["staying_with"], "waiting", who="lead", why="same idea")


OPERATIONS = {
    "update_transcript": lambda study, tmp: study.update_transcript("P01", NEW_TEXT),
    "update_codebook": lambda study, tmp: study.update_codebook(_evolved()),
    "import_codings": lambda study, tmp: study.import_codings(pd.DataFrame({
        "transcript": ["P01", "P02", "P01"], "coder": ["cleo", "cleo", "dan"], "code": ["holding"] * 3,
        "start": [0, 5, 10], "end": [11, 20, 30]})),
    "update_settings": lambda study, tmp: study.update_settings(blind_coding=True, default_unit="paragraph"),
}


class _Crash(OSError):
    pass


def _no_derived_cache(monkeypatch) -> None:
    # the segment cache is written after the change is committed and is rebuilt when torn or missing
    # (tests/test_store_segment_cache.py): not a write step of the change
    monkeypatch.setattr(segment_cache, "save", lambda *args, **kwargs: None)


def _count_steps(monkeypatch, template, tmp_path, op) -> int:
    calls = []
    _no_derived_cache(monkeypatch)
    real_write, real_replace = os.write, os.replace
    monkeypatch.setattr(os, "write", lambda *a: (calls.append("write"), real_write(*a))[1])
    monkeypatch.setattr(os, "replace", lambda *a, **k: (calls.append("replace"), real_replace(*a, **k))[1])
    study = Project.open(copy(template, tmp_path, "count"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        OPERATIONS[op](study, tmp_path)
    monkeypatch.undo()
    return len(calls)


def _state(study) -> dict:
    frame = study.codings(include_orphaned=True)
    return {"codings": sorted(zip(frame["coder"], frame["transcript"], frame["code"], frame["start"], frame["end"],
                                  frame["status"])),
            "codebook": study.codebook.version, "settings": study.settings, "text": study.transcript("P01").text,
            "coders": study.coders}


@pytest.mark.parametrize("op", list(OPERATIONS))
def test_a_crash_at_each_write_step_is_finished_or_rolled_back(op, template, tmp_path, monkeypatch):
    before = _state(Project.open(template))
    done = copy(template, tmp_path, "done")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        OPERATIONS[op](Project.open(done), tmp_path)
    after = _state(Project.open(done))
    steps = _count_steps(monkeypatch, template, tmp_path, op)
    assert steps >= 3
    outcomes = set()
    for k in range(steps):
        folder = copy(template, tmp_path, f"crash{k}")
        study = Project.open(folder)
        counter = {"n": 0}
        real_write, real_replace = os.write, os.replace

        def step(real, *args, _counter=counter, _k=k, **kwargs):
            _counter["n"] += 1
            if _counter["n"] == _k + 1:
                raise _Crash(f"injected crash at write step {_k + 1}")
            return real(*args, **kwargs)

        _no_derived_cache(monkeypatch)
        monkeypatch.setattr(os, "write", lambda *a, _r=real_write: step(_r, *a))
        monkeypatch.setattr(os, "replace", lambda *a, _r=real_replace, **kw: step(_r, *a, **kw))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with pytest.raises((_Crash, JournalError)):
                OPERATIONS[op](study, tmp_path)
        monkeypatch.undo()
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reopened = Project.open(folder)
        state = _state(reopened)
        # all of the change or none of it, never a mixture
        assert state in (before, after), f"crash at step {k + 1} of {steps} left a half-done {op}"
        outcome = "finished" if state == after else "rolled back"
        outcomes.add(outcome)
        recovered = [w for w in caught if issubclass(w.category, RecoveryWarning)]
        if outcome == "finished" and state != before:
            assert recovered and reopened.recovered, f"crash at step {k + 1}: finishing the {op} was not reported"
        check_every_coding(folder)
        assert not list((folder / ".hrp" / "intents").glob("*")), "an intent was left behind"
    assert outcomes == {"finished", "rolled back"}


def test_interrupted_intent_is_reported_by_open(template, tmp_path, monkeypatch):
    folder = copy(template, tmp_path)
    study = Project.open(folder)
    real = os.replace
    seen = []

    def crash_on_second_rename(src, dst, *a, **k):  # the record is written, the text renamed, then the crash
        seen.append(dst)
        if len(seen) == 3:
            raise _Crash("power cut")
        return real(src, dst, *a, **k)

    monkeypatch.setattr(os, "replace", crash_on_second_rename)
    with pytest.raises(_Crash):
        study.update_transcript("P01", NEW_TEXT)
    monkeypatch.undo()
    with pytest.warns(RecoveryWarning, match=r"finished the interrupted update_transcript\('P01'\)"):
        reopened = Project.open(folder)
    assert any("update_transcript('P01')" in r for r in reopened.recovered)
    assert reopened.transcript("P01").text == NEW_TEXT
    check_every_coding(folder)


# --- names and paths ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("bad", ["../../../outside/X", "P01/../../x", "P01\n", "P01 ", "a\x00b", "..", "CON"])
def test_update_transcript_refuses_names_that_are_not_file_names(bad, template, tmp_path):
    study = Project.open(copy(template, tmp_path))
    with pytest.raises(ProjectError, match="is not usable as a file name"):
        study.update_transcript(bad, "Interviewer: hi\nP01: x\n")
    assert not (tmp_path / "outside").exists()
    with pytest.raises(ProjectError, match="is not usable as a file name"):
        study.add_transcript("Interviewer: hi\nP01: x\n", transcript_id=bad)


def test_coder_names_and_case_only_collisions_are_refused(template, tmp_path):
    study = Project.open(copy(template, tmp_path))
    for bad in ("ana\n", "ana ", "../ana", "An/a"):
        with pytest.raises(ProjectError):
            study.add_coding(coder=bad, transcript="P01", start=0, end=5, code="holding")
    from hrp_coding.errors import CodingsImportError

    with pytest.raises(CodingsImportError, match="ana"):
        study.import_codings(pd.DataFrame({"transcript": ["P01"], "code": ["holding"], "start": [0], "end": [5]}),
                             coder="ana\n", new_coders=True)
    assert not list((study.path / "codings").glob("ana?*.jsonl"))
    with pytest.raises(ProjectError, match="differs only in case from 'P01'"):
        study.add_transcript("Interviewer: hi\nP01: x\n", transcript_id="p01")
    assert study.transcript_ids == ("P01", "P02")


# --- typed events: old journal lines still load ---------------------------------------------------------------------
def test_journal_lines_written_before_typed_events_still_load(tmp_path):
    folder = tmp_path / "old"
    study = Project.init(folder, codebook=codebook())
    study.add_transcript(TEXT, transcript_id="P01")
    quote = TEXT[13:25]
    lines = [  # exactly as the store wrote them before events carried a version
        {"anchor": {"prefix": "Interviewer:", "quote": quote, "suffix": "", "text_sha256": "x"}, "at": "2024-01-01T00",
         "code": "holding", "codebook_version": 1, "coder": "ana", "coding_id": "c1", "end": 25, "event": "add",
         "id": "e1", "source": "manual", "start": 13, "transcript": "P01"},
        {"at": "2024-01-01T01", "codebook_version": 1, "coder": "ana", "coding_id": "c1", "event": "memo", "id": "e2",
         "text": "a note"},
        {"at": "2024-01-01T02", "candidates": [], "codebook_version": 1, "coder": "ana", "coding_id": "c1",
         "event": "migrate", "from_code": "holding", "id": "e3", "needs_recoding": False, "reason": "renamed",
         "to_code": "waiting"},
    ]
    import json

    (folder / "codings" / "ana.jsonl").write_text("".join(json.dumps(e) + "\n" for e in lines), encoding="utf-8")
    frame = Project.open(folder).codings()
    assert frame[["coding_id", "code", "memo", "original_code", "text"]].values.tolist() == [
        ["c1", "waiting", "a note", "holding", quote]]
    written = json.loads((folder / "codings" / "ana.jsonl").read_text().splitlines()[0])
    study = Project.open(folder)
    study.add_coding(coder="ana", transcript="P01", start=0, end=5, code="holding")
    new = json.loads((folder / "codings" / "ana.jsonl").read_text().splitlines()[-1])
    assert new["version"] == 1 and "version" not in written


def test_state_follows_other_processes_appends_and_a_stale_cache_is_rebuilt(template, tmp_path):
    folder = copy(template, tmp_path)
    first, second = Project.open(folder), Project.open(folder)
    n = len(first.codings())
    c = second.add_coding(coder="cleo", transcript="P01", start=0, end=11, code="holding")
    assert len(first.codings()) == n + 1 and c.id in set(first.codings()["coding_id"])
    second.remove_coding("cleo", c.id)
    assert len(first.codings()) == n
    # a journal replaced behind the ledger's back: the state is rebuilt from the journals
    journal = folder / "codings" / "ana.jsonl"
    lines = journal.read_text(encoding="utf-8").splitlines(keepends=True)
    tmp = journal.with_suffix(".new")
    tmp.write_text("".join(lines[:5]), encoding="utf-8")
    os.replace(tmp, journal)
    ana = first.codings(coders="ana")
    assert len(ana) == 5
    assert len(Project.open(folder).codings(coders="ana")) == 5


def test_torn_last_line_is_reported_and_skipped(template, tmp_path):
    folder = copy(template, tmp_path)
    n = len(Project.open(folder).codings())
    with open(folder / "codings" / "ben.jsonl", "ab") as handle:
        handle.write(b'{"event": "add", "coding_id": "torn", "tran')
    with pytest.warns(Warning, match=r"ben\.jsonl, line 21: torn last line"):
        assert len(Project.open(folder).codings()) == n


# --- SIGKILL at random points ---------------------------------------------------------------------------------------
KILLED = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("ignore")
    from hrp_coding.project import Project
    from hrp_coding.codebook import Codebook, Code
    folder, op = sys.argv[1], sys.argv[2]
    study = Project.open(folder)
    print("ready", flush=True)
    for i in range(1000):
        if op == "update_transcript":
            text = study.transcript("P01").text
            study.update_transcript("P01", f"Interviewer: Round {i}?\\nP01: Yes.\\n" + text)
        elif op == "update_settings":
            study.update_settings(blind_coding=bool(i % 2))
        elif op == "update_codebook":
            cb = study.codebook
            old = "holding" if "holding" in cb.codes and cb.codes["holding"].status == "active" else "containing"
            new = "containing" if old == "holding" else "holding"
            study.update_codebook(cb.rename(old, new, who="lead", why=f"round {i}"))
        elif op == "import_codings":
            import pandas as pd
            study.import_codings(pd.DataFrame({"transcript": ["P02"] * 50, "coder": [f"c{i}"] * 50,
                                               "code": ["waiting"] * 50, "start": list(range(50)),
                                               "end": [s + 9 for s in range(50)]}), new_coders=True)
""")


def _kill_at_random(folder, op, tmp_path, rng):
    script = tmp_path / "killed.py"
    script.write_text(KILLED)
    proc = subprocess.Popen([sys.executable, str(script), str(folder), op], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(rng.uniform(0.05, 0.6))
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


@pytest.mark.slow  # several processes or hundreds of examples: the full run, not the quick loop
@pytest.mark.parametrize("op", list(OPERATIONS))
def test_sigkill_at_random_points_leaves_an_openable_project(op, template, tmp_path):
    rng = random.Random(op)
    for k in range(2):
        folder = copy(template, tmp_path, f"k{k}")
        n = len(Project.open(folder).codings(include_orphaned=True))
        _kill_at_random(folder, op, tmp_path, rng)
        _study, frame = check_every_coding(folder)
        if op == "import_codings":  # every import all or nothing
            assert frame[frame["coder"].str.startswith("c")].groupby("coder").size().isin([50]).all()
        else:
            assert len(frame) == n


@pytest.mark.slow
@pytest.mark.parametrize("op", list(OPERATIONS))
def test_sigkill_many_times(op, template, tmp_path):
    rng = random.Random(f"many-{op}")
    for k in range(12):
        folder = copy(template, tmp_path, f"k{k}")
        _kill_at_random(folder, op, tmp_path, rng)
        check_every_coding(folder)


# --- concurrent processes -------------------------------------------------------------------------------------------
CONCURRENT = textwrap.dedent("""
    import sys, warnings
    warnings.simplefilter("ignore")
    from hrp_coding.project import Project
    folder, role, tag = sys.argv[1], sys.argv[2], sys.argv[3]
    study = Project.open(folder)
    print("ready", flush=True)
    sys.stdin.readline()
    if role == "settings":
        for i in range(15):
            study.update_settings(suggestions_hidden_from=[f"h{tag}{i}"])
        study.update_settings(blind_coding=True)
    elif role == "coder":
        for i in range(15):
            study.add_coding(coder=f"{tag}{i}", transcript="P01", start=i, end=i + 5, code="holding")
    elif role == "deid":
        names = sys.argv[4]
        for i in range(4):
            study.add_transcript(f"Interviewer: Who?\\nP{tag}{i}: Maria Lopez and {tag}x{i} Smith.\\n",
                                 transcript_id=f"D{tag}{i}", deidentify=names)
""")


def _run_together(folder, tmp_path, jobs):
    script = tmp_path / "concurrent.py"
    script.write_text(CONCURRENT)
    procs = [subprocess.Popen([sys.executable, str(script), str(folder), *job], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env={**os.environ, "PYTHONPATH": os.getcwd()}) for job in jobs]
    for proc in procs:
        assert proc.stdout.readline().strip() == "ready"
    for proc in procs:  # start them all at once
        proc.stdin.write("go\n")
        proc.stdin.flush()
    for proc in procs:
        _out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err


@pytest.mark.slow  # several processes or hundreds of examples: the full run, not the quick loop
def test_settings_and_roster_under_concurrent_processes_lose_nothing(template, tmp_path):
    folder = copy(template, tmp_path)
    _run_together(folder, tmp_path, [("settings", "s"), ("coder", "x"), ("coder", "y"), ("coder", "z")])
    study = Project.open(folder)
    assert study.settings.blind_coding is True
    assert study.settings.suggestions_hidden_from == ("hs14",)
    meta = yaml.safe_load((folder / "hrp-project.yaml").read_text())
    assert {f"{t}{i}" for t in "xyz" for i in range(15)} <= set(meta["coders"])
    assert len(study.codings()) == len(Project.open(template).codings()) + 45


@pytest.mark.slow  # several processes or hundreds of examples: the full run, not the quick loop
def test_deidentification_key_under_concurrent_processes_loses_nothing(template, tmp_path):
    folder = copy(template, tmp_path)
    names = tmp_path / "names.txt"
    names.write_text("Maria Lopez\n" + "".join(f"{t}x{i} Smith\n" for t in "abc" for i in range(4)), encoding="utf-8")
    _run_together(folder, tmp_path, [("deid", t, str(names)) for t in "abc"])
    key = yaml.safe_load((folder / "private" / "deid-key.yaml").read_text())
    assert set(key) == {f"D{t}{i}" for t in "abc" for i in range(4)}
    for t in "abc":
        for i in range(4):
            assert sorted(key[f"D{t}{i}"].values()) == sorted(["Maria Lopez", f"{t}x{i} Smith"])


# --- the derived cache: journals stay the single source of truth ------------------------------------------------------
def test_derived_cache_is_used_when_fresh_and_rebuilt_when_stale(template, tmp_path, monkeypatch):
    from hrp_coding.store import ledger

    monkeypatch.setattr(ledger, "CACHE_EVERY", 1)
    folder = copy(template, tmp_path)
    truth = Project.open(folder).codings(include_orphaned=True)
    cache = folder / ".hrp" / "cache" / "ledger.json"
    assert cache.is_file()
    study = Project.open(folder)
    memo_target = truth["coding_id"].iloc[0]
    study.add_memo("coding", memo_target, "noted", coder="ben")
    pd.testing.assert_frame_equal(Project.open(folder).codings(include_orphaned=True).drop(columns="memo"),
                                  truth.drop(columns="memo"))
    assert "noted" in Project.open(folder).get_coding(memo_target).memo
    # appended behind the cache (another process, cache not rewritten): read from the cached offset on
    monkeypatch.setattr(ledger, "CACHE_EVERY", 10**9)
    other = Project.open(folder).add_coding(coder="ana", transcript="P01", start=0, end=11, code="holding")
    assert other.id in set(Project.open(folder).codings()["coding_id"])
    # a journal rewritten in place with the same size, a corrupt cache: rebuilt from the journals
    journal = folder / "codings" / "ana.jsonl"
    raw = journal.read_bytes()
    journal.write_bytes(raw.replace(b'"code":"holding"', b'"code":"waiting"', 1))
    rebuilt = Project.open(folder).codings()
    assert (rebuilt["code"] == "waiting").sum() == (truth["code"] == "waiting").sum() + 1
    cache.write_bytes(b"{not json")
    assert len(Project.open(folder).codings()) == len(rebuilt)


def test_cache_columns_of_one_value_and_damaged_lengths(template, tmp_path, monkeypatch):
    import json

    from hrp_coding.store import ledger
    from hrp_coding.store.views import codings_frame

    assert ledger._encode_column((None,) * 300) == {"values": [None], "repeat": 300}
    assert ledger._decode_column(ledger._encode_column(("a", "b") * 100), 200) == ["a", "b"] * 100
    monkeypatch.setattr(ledger, "CACHE_EVERY", 1)
    folder = copy(template, tmp_path)
    truth = Project.open(folder).codings(include_orphaned=True)
    study = Project.open(folder)  # from the cache
    state = study._ledger.refresh()
    pd.testing.assert_frame_equal(study.codings(include_orphaned=True), truth)
    # the fast frame (columns straight from the rows) equals the one built from Coding records
    records = [state.coding(cid) for cid in state.rows]
    pd.testing.assert_frame_equal(truth, codings_frame(records, study._texts()))
    cache = folder / ".hrp" / "cache" / "ledger.json"
    data = json.loads(cache.read_bytes())
    repeated = [c for c in data["rows"] if isinstance(c, dict) and "repeat" in c]
    assert repeated  # memo, model, status... hold one value here
    repeated[0]["repeat"] -= 1  # a damaged cache: one column shorter (zip would drop the last coding)
    cache.write_bytes(json.dumps(data).encode("utf-8"))
    pd.testing.assert_frame_equal(Project.open(folder).codings(include_orphaned=True), truth)
