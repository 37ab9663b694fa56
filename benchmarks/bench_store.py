"""Benchmark the project store on a synthetic study (default: 1,000 transcripts x ~5,000 words x 3 coders).

The study is generated with ``Project.add_transcript`` and journals written directly (one line per coding, in the
format ``Project.add_coding`` writes, which is much quicker), then everything is *read* through the public API:

* ``Project.open`` + ``codings()``: cold (first open in this process, no derived cache on disk) and warm
  (a new ``Project.open`` after one run, files in the OS cache);
* ``add_coding`` / ``remove_coding``: median and worst of ``--clicks`` calls, on the small and the full study
  (growth per event should be near O(1));
* ``segments(unit="turn")`` on a freshly opened project (boundaries from the derived cache ``add_transcript``
  wrote), again, and with no derived cache at all (a fresh clone: every YAML sidecar parsed once);
* ``add_transcript``: seconds per call on an empty project and on the full study (constant per call).

Usage::

    python benchmarks/bench_store.py                      # the acceptance run (1,000 x 5,000 words x 3 coders)
    python benchmarks/bench_store.py --transcripts 100    # quicker
    python benchmarks/bench_store.py --keep /tmp/study    # keep the generated study

Figures are CPU seconds of the benchmark process (``time.process_time``; the machine may be shared), with
the wall-clock time of the last call in brackets where it differs. Nothing is asserted (tests never assert time).
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from hrp_coding.codebook import Code, Codebook
from hrp_coding.project import Project
from hrp_coding.store.anchors import make_anchor

CODES = [f"code_{i:02d}" for i in range(20)]
CODERS = ["ana", "ben", "cleo"]
_VOCABULARY = ("we sat with her for an hour and talked about what she needed the staff were kind but busy "
               "sometimes it felt like nobody listened then a nurse came and stayed with us yeah no maybe")
WORDS = _VOCABULARY.split()


def _text(rng: random.Random, words: int) -> str:
    lines, n, turn = [], 0, 0
    while n < words:
        k = rng.randint(20, 90)
        speaker = "Interviewer" if turn % 2 == 0 else "P"
        lines.append(f"{speaker}: " + " ".join(rng.choice(WORDS) for _ in range(k)).capitalize() + ".")
        n, turn = n + k, turn + 1
    return "\n".join(lines) + "\n"


def generate(folder: Path, n_transcripts: int, words: int, per_coder: int, seed: int = 0) -> int:
    """Write a study into ``folder``; returns the number of codings."""
    rng = random.Random(seed)
    cb = Codebook(name="Bench", version=1, codes=[Code(c, c.replace("_", " ")) for c in CODES])
    study = Project.init(folder, codebook=cb, coders=CODERS)
    journals = {c: (folder / "codings" / f"{c}.jsonl").open("w", encoding="utf-8") for c in CODERS}
    n = 0
    for i in range(n_transcripts):
        tid = f"T{i:05d}"
        t = study.add_transcript(_text(rng, words), transcript_id=tid)
        sha, length = t.sha256, len(t.text)
        for coder in CODERS:
            lines = []
            for _ in range(per_coder):
                start = rng.randrange(0, length - 200)
                end = start + rng.randint(10, 190)
                lines.append(json.dumps({
                    "event": "add", "id": uuid.uuid4().hex, "at": f"2026-01-01T00:00:{n % 60:02d}.{n:06d}+00:00",
                    "coder": coder, "codebook_version": 1, "coding_id": uuid.uuid4().hex, "transcript": tid,
                    "start": start, "end": end, "code": rng.choice(CODES),
                    "anchor": make_anchor(t.text, start, end, sha256=sha).to_dict()},
                    ensure_ascii=False, sort_keys=True, separators=(",", ":")))
                n += 1
            journals[coder].write("\n".join(lines) + "\n")
    for handle in journals.values():
        handle.close()
    return n


def timed(fn, *args, **kwargs):
    """(CPU seconds of this process, result): on a shared machine the CPU time is the figure that compares."""
    t0, w0 = time.process_time(), time.perf_counter()
    result = fn(*args, **kwargs)
    WALL.append(time.perf_counter() - w0)
    return time.process_time() - t0, result


WALL: list[float] = []


def clicks(study: Project, n: int, rng: random.Random) -> tuple[list[float], list[float]]:
    tids = study.transcript_ids
    adds, removes = [], []
    for _ in range(n):
        tid = rng.choice(tids)
        start = rng.randrange(0, 1000)
        dt, coding = timed(study.add_coding, coder="ana", transcript=tid, start=start, end=start + 40,
                           code=rng.choice(CODES))
        adds.append(dt)
        dt, _ = timed(study.remove_coding, "ana", coding.id)
        removes.append(dt)
    return adds, removes


def ms(values: list[float]) -> str:
    return f"median {statistics.median(values) * 1e3:7.2f} ms, worst {max(values) * 1e3:7.2f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--words", type=int, default=5000)
    parser.add_argument("--codings-per-coder", type=int, default=30, help="per transcript and coder")
    parser.add_argument("--clicks", type=int, default=30)
    parser.add_argument("--keep", type=Path, default=None,
                        help="generate into this folder and keep it (reused when it holds a study already)")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        rng = random.Random(1)
        small_dir = root / "small"
        generate(small_dir, 5, args.words, args.codings_per_coder)
        small = Project.open(small_dir)
        small.codings()
        small_adds, small_removes = clicks(small, args.clicks, rng)

        folder = args.keep or root / "study"
        if (folder / "hrp-project.yaml").is_file():
            (folder / ".hrp" / "cache" / "ledger.json").unlink(missing_ok=True)  # cold: no ledger cache
            print(f"reusing the study in {folder}")
        else:
            if folder.exists():
                shutil.rmtree(folder)
            dt, n = timed(generate, folder, args.transcripts, args.words, args.codings_per_coder)
            print(f"generated {args.transcripts} transcripts x ~{args.words} words, {len(CODERS)} coders, "
                  f"{n:,} codings in {dt:.1f} s")

        t_open, study = timed(Project.open, folder)
        t_cod, frame = timed(study.codings)
        print(f"cold  Project.open {t_open:6.3f} s + codings() {t_cod:6.3f} s = {t_open + t_cod:6.3f} s CPU "
              f"({len(frame):,} rows; wall {WALL[-2] + WALL[-1]:.3f} s)")
        t_again, _ = timed(study.codings)
        print(f"      codings() again on the same project       {t_again:6.3f} s")
        for _ in range(2):
            t_open, warm = timed(Project.open, folder)
            t_cod, frame = timed(warm.codings)
            print(f"warm  Project.open {t_open:6.3f} s + codings() {t_cod:6.3f} s = {t_open + t_cod:6.3f} s CPU "
                  f"(wall {WALL[-2] + WALL[-1]:.3f} s)")
        t_seg, segs = timed(Project.open(folder).segments, unit="turn")
        print(f"segments(unit='turn') on a fresh open           {t_seg:6.3f} s CPU ({len(segs):,} turns; "
              f"wall {WALL[-1]:.3f} s)")
        t_seg, segs = timed(Project.open(folder).segments, unit="turn")
        print(f"segments(unit='turn') on the next fresh open    {t_seg:6.3f} s CPU (wall {WALL[-1]:.3f} s)")
        for name in ("segments", "sidecars.json"):
            shutil.rmtree(folder / ".hrp" / "cache" / name, ignore_errors=True)
            (folder / ".hrp" / "cache" / name).unlink(missing_ok=True)
        t_seg, segs = timed(Project.open(folder).segments, unit="turn")
        print(f"segments(unit='turn'), no derived cache (clone) {t_seg:6.3f} s CPU (wall {WALL[-1]:.3f} s; "
              "rebuilt once)")
        big_adds, big_removes = clicks(warm, args.clicks, rng)
        print("add_coding / remove_coding / add_transcript: CPU per call (an fsync per event is not CPU)")
        print(f"add_coding    5 transcripts: {ms(small_adds)};  full study: {ms(big_adds)}")
        print(f"remove_coding 5 transcripts: {ms(small_removes)};  full study: {ms(big_removes)}")

        per_call = []
        for label, target in (("empty project", None), ("full study", warm)):
            if target is None:
                cb = Codebook(name="Bench", version=1, codes=[Code(c, c) for c in CODES])
                target = Project.init(root / "empty", codebook=cb)
            texts = [_text(rng, args.words) for _ in range(10)]
            times = [timed(target.add_transcript, text, transcript_id=f"X{uuid.uuid4().hex[:8]}")[0]
                     for text in texts]
            per_call.append(f"{label}: {ms(times)}")
        print("add_transcript " + ";  ".join(per_call))
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
