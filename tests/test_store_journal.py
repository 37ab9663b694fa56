"""Coder journals: crash safety (SIGKILL), concurrent writers, torn lines, replay."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import warnings

import pytest

from hrp_coding.errors import JournalError, JournalWarning
from hrp_coding.store.journal import Journal
from hrp_coding.store.state import replay

WRITER = textwrap.dedent("""
    import sys
    from hrp_coding.store.journal import Journal
    path, tag, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    journal = Journal(path)
    print("ready", flush=True)
    for i in range(n):
        journal.append({"event": "add", "coding_id": f"{tag}-{i}", "coder": "ana", "transcript": "P01",
                        "start": i, "end": i + 1, "code": "holding", "anchor": {"quote": "x" * 200}})
""")


def _writer(tmp_path, path, tag, n):
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    return subprocess.Popen([sys.executable, str(script), str(path), tag, str(n)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": os.getcwd()})


def test_append_fills_id_and_time_and_replays(tmp_path):
    journal = Journal(tmp_path / "codings" / "ana.jsonl")
    first = journal.append({"event": "add", "coding_id": "c1", "coder": "ana", "transcript": "P01", "start": 0,
                            "end": 4, "code": "holding", "anchor": {"quote": "abcd"}})
    journal.append({"event": "remove", "coding_id": "c1", "coder": "ana"})
    assert len(first["id"]) == 32 and first["at"].endswith("+00:00")
    lines = (tmp_path / "codings" / "ana.jsonl").read_bytes().split(b"\n")
    assert lines[-1] == b"" and len(lines) == 3
    assert json.loads(lines[0])["coding_id"] == "c1"
    assert [e["event"] for e in Journal(journal.path).events()] == ["add", "remove"]
    assert replay({"ana": journal.events()}) == {}


def test_event_without_kind_is_refused(tmp_path):
    with pytest.raises(JournalError, match="needs an 'event' kind"):
        Journal(tmp_path / "a.jsonl").append({"coding_id": "c1"})


def test_incremental_read_sees_other_writers(tmp_path):
    reader, writer = Journal(tmp_path / "a.jsonl"), Journal(tmp_path / "a.jsonl")
    writer.append({"event": "remove", "coding_id": "x"})
    assert len(reader.events()) == 1
    writer.append_many([{"event": "remove", "coding_id": "y"}, {"event": "remove", "coding_id": "z"}])
    assert [e["coding_id"] for e in reader.events()] == ["x", "y", "z"]


def test_torn_last_line_is_warned_skipped_and_later_appends_kept(tmp_path):
    path = tmp_path / "ana.jsonl"
    journal = Journal(path)
    for i in range(3):
        journal.append({"event": "remove", "coding_id": f"c{i}"})
    with open(path, "ab") as handle:  # a crash in mid-line
        handle.write(b'{"event": "remove", "coding_id": "torn", "i')
    with pytest.warns(JournalWarning, match=r"ana\.jsonl, line 4: torn last line"):
        assert [e["coding_id"] for e in Journal(path).events()] == ["c0", "c1", "c2"]
    Journal(path).append({"event": "remove", "coding_id": "after"})
    raw = path.read_bytes()
    assert raw.count(b"\n") == 5  # the torn fragment was closed by a newline before the new event
    with pytest.warns(JournalWarning, match=r"line 4: unreadable line"):
        assert [e["coding_id"] for e in Journal(path).events()] == ["c0", "c1", "c2", "after"]


def test_invalid_earlier_lines_are_warned_and_skipped(tmp_path):
    path = tmp_path / "ben.jsonl"
    Journal(path).append({"event": "remove", "coding_id": "a"})
    with open(path, "ab") as handle:
        handle.write(b"not json\n[1, 2]\n{\"event\": \"explode\", \"id\": \"q\"}\n\xff\xfe\n")
    Journal(path).append({"event": "remove", "coding_id": "b"})
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ids = [e["coding_id"] for e in Journal(path).events()]
    assert ids == ["a", "b"]
    messages = [str(w.message) for w in caught if issubclass(w.category, JournalWarning)]
    assert [m.split(":")[0].rsplit(", ", 1)[1] for m in messages] == ["line 2", "line 3", "line 4", "line 5"]
    assert all("ben.jsonl" in m for m in messages)


def test_complete_last_event_without_newline_is_kept(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"event": "remove", "id": "e1", "coding_id": "kept"}')
    journal = Journal(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert [e["coding_id"] for e in journal.events()] == ["kept"]
        journal.append({"event": "remove", "coding_id": "next"})
        assert [e["coding_id"] for e in journal.events()] == ["kept", "next"]
        assert [e["coding_id"] for e in Journal(path).events()] == ["kept", "next"]


def test_sigkill_while_appending_loses_at_most_the_event_in_flight(tmp_path):
    path = tmp_path / "ana.jsonl"
    proc = _writer(tmp_path, path, "k", 100000)
    assert proc.stdout.readline().strip() == "ready"
    # wait for 40 kB on disk however slow the machine is (the writer has 100000 events to go); the cap only
    # stops a broken writer from hanging the suite
    deadline = time.monotonic() + 600
    while (not path.exists() or path.stat().st_size < 40000) and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert proc.poll() is None, "the writer ended before it was killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    raw = path.read_bytes()
    complete_lines = raw.count(b"\n")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        events = Journal(path).events()
    # every complete line is an event, in order, without gaps; at most a torn fragment after them
    assert [e["coding_id"] for e in events] == [f"k-{i}" for i in range(len(events))]
    assert complete_lines <= len(events) <= complete_lines + 1
    assert len(events) >= 90  # ~400 bytes an event, killed after 40 kB
    assert len([w for w in caught if issubclass(w.category, JournalWarning)]) <= 1
    # appending after the crash keeps everything
    Journal(path).append({"event": "remove", "coding_id": "k-0"})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", JournalWarning)
        again = Journal(path).events()
    assert len(again) == len(events) + 1 and again[-1]["event"] == "remove"


@pytest.mark.slow  # several processes or hundreds of examples: the full run, not the quick loop
def test_two_processes_appending_at_once_lose_nothing(tmp_path):
    path = tmp_path / "shared.jsonl"
    n = 400
    procs = [_writer(tmp_path, path, tag, n) for tag in ("a", "b")]
    for proc in procs:
        proc.wait(timeout=600)  # generous: a busy machine fsyncs slowly
        assert proc.returncode == 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # not a single torn or interleaved line
        events = Journal(path).events()
    assert len(events) == 2 * n
    for tag in ("a", "b"):
        assert [e["coding_id"] for e in events if e["coding_id"].startswith(tag)] == [f"{tag}-{i}" for i in range(n)]
    assert len({e["id"] for e in events}) == 2 * n
