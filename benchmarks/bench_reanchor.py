"""Benchmark re-anchoring: a 10 MiB transcript updated in a project, and adversarial edits before/after.

1. **Scale.** A synthetic interview of ``--mib`` MiB (default 10) with ``--codings`` codings from 3
   coders, edited in ``--edits`` places (words changed, turns inserted, deleted, swapped); prints the
   CPU time of :func:`hrp_coding.store.anchors.reanchor` alone and of ``Project.update_transcript``
   end to end, the peak memory, and the categories.
2. **Adversarial.** ``--seeds`` random small transcripts full of "Yeah." and "No.", with random
   insertions, deletions, swaps and duplicated passages (``tests/_reanchor_edits.py``); counts the
   codings placed on words that are not theirs, with this checkout and with the re-anchoring of
   commit ``--before`` (when git and that commit are available).

Usage::

    python benchmarks/bench_reanchor.py                  # the acceptance run (10 MiB)
    python benchmarks/bench_reanchor.py --mib 1 --seeds 200
"""

from __future__ import annotations

import argparse
import collections
import importlib.util
import random
import resource
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hrp_coding.codebook import Code, Codebook  # noqa: E402
from hrp_coding.errors import AnchorWarning  # noqa: E402
from hrp_coding.project import Project  # noqa: E402
from hrp_coding.store.anchors import Target, make_anchor, reanchor  # noqa: E402
from tests._reanchor_edits import edit, misplaced, original_text, random_spans  # noqa: E402

ANSWERS = ["Yeah.", "No.", "We just sat with her for a while.", "Nobody called me back that week.",
           "It was hard, really hard.", "I don't know.", "She came back the next day.", "We kept the door open."]


def synthetic(rng: random.Random, size: int) -> str:
    lines, total, i = [], 0, 0
    while total < size:
        if i % 2 == 0:
            line = f"I: Question {i} about week {rng.randint(1, 52)}?\n"
        else:
            line = "P: " + " ".join(rng.choice(ANSWERS) for _ in range(rng.randint(2, 12))) + f" ({i})\n"
        lines.append(line)
        total += len(line)
        i += 1
    return "".join(lines)


def edited(rng: random.Random, text: str, n: int) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(n):
        k = rng.randrange(1, len(lines) - 2)
        kind = rng.choice(["word", "insert", "delete", "swap"])
        if kind == "word":
            lines[k] = lines[k].replace("really", "truly", 1).replace("Yeah.", "Yes.", 1)
        elif kind == "insert":
            lines.insert(k, "I: (inaudible) Could you say that again?\n")
        elif kind == "delete":
            del lines[k]
        else:
            lines[k:k + 4] = lines[k + 2:k + 4] + lines[k:k + 2]
    return "".join(lines)


def scale(mib: float, n_codings: int, n_edits: int) -> None:
    rng = random.Random(1)
    old = synthetic(rng, int(mib * 2**20))
    new = edited(rng, old, n_edits)
    spans = sorted({(s, s + rng.randint(3, 80)) for s in rng.sample(range(len(old) - 100), n_codings)})
    targets = [Target(f"c{i}", s, e, make_anchor(old, s, e)) for i, (s, e) in enumerate(spans)]
    t0 = time.process_time()
    result = reanchor(old, new, targets)
    t_pure = time.process_time() - t0
    print(f"reanchor(): {len(old) / 2**20:.1f} MiB, {len(targets):,} codings, {n_edits} edits: "
          f"{t_pure:.2f} CPU s; {result.counts()}")
    import pandas as pd

    with tempfile.TemporaryDirectory() as tmp:
        cb = Codebook(name="Bench", version=1, codes=[Code("c", "C")])
        study = Project.init(Path(tmp) / "study", codebook=cb, coders=["ana", "ben", "cem"])
        study.add_transcript(old, transcript_id="P01")
        coders = ["ana", "ben", "cem"]
        study.import_codings(pd.DataFrame({"transcript": "P01", "coder": [coders[i % 3] for i in range(len(spans))],
                                           "code": "c", "start": [s for s, _ in spans],
                                           "end": [e for _, e in spans]}))
        t0 = time.process_time()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", AnchorWarning)
            report = study.update_transcript("P01", new)
        t_full = time.process_time() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"Project.update_transcript(): {t_full:.2f} CPU s end to end ({len(report.unchanged):,} unchanged, "
          f"{len(report.moved):,} moved, {len(report.fuzzy)} fuzzy, {len(report.needs_review)} need review, "
          f"{len(report.orphaned)} orphaned); peak RSS {peak:.0f} MB")


def _old_module(commit: str):
    try:
        source = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:hrp_coding/store/anchors.py"],
                                check=True, capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    path = Path(tempfile.mkdtemp()) / "old_anchors.py"
    path.write_text(source)
    spec = importlib.util.spec_from_file_location("old_anchors", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["old_anchors"] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


class _OldPlacement(collections.namedtuple("_OldPlacement", "category old_start old_end start end quote")):
    pass


def adversarial(seeds: int, before: str) -> None:
    old_module = _old_module(before)
    totals = {"now": collections.Counter(), "before": collections.Counter()}
    for seed in range(seeds):
        rng = random.Random(seed)
        old = original_text(rng, rng.randint(4, 40))
        spans = random_spans(rng, old, rng.randint(1, 12))
        new, provenance = edit(rng, old, rng.randint(1, 4))
        targets = [Target(f"c{i}", s, e, make_anchor(old, s, e)) for i, (s, e) in enumerate(spans)]
        for p in reanchor(old, new, targets).placements:
            totals["now"][p.category] += 1
            totals["now"]["misplaced"] += misplaced(p, provenance, old, new)
        if old_module is not None:
            mapper = old_module.OffsetMapper(old, new)
            for t in targets:
                q = old_module.place(old_module.Anchor(**t.anchor.to_dict()), t.start, t.end, new, mapper=mapper)
                category = {None: "orphaned", "fuzzy": "fuzzy", "unchanged": "unchanged"}.get(q.method, "moved")
                p = _OldPlacement(category, t.start, t.end, q.start, q.end, t.anchor.quote)
                totals["before"][category] += 1
                totals["before"]["misplaced"] += misplaced(p, provenance, old, new)
    for name, counts in totals.items():
        if not counts:
            print(f"adversarial ({name}): commit {before} not available")
            continue
        n = sum(v for k, v in counts.items() if k != "misplaced")
        print(f"adversarial ({name}{'' if name == 'now' else ', ' + before}): {counts['misplaced']} misplaced of {n:,} "
              f"codings; " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()) if k != "misplaced"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=float, default=10)
    parser.add_argument("--codings", type=int, default=30_000)
    parser.add_argument("--edits", type=int, default=300)
    parser.add_argument("--seeds", type=int, default=300)
    parser.add_argument("--before", default="b0d839d")
    args = parser.parse_args()
    adversarial(args.seeds, args.before)
    scale(args.mib, args.codings, args.edits)


if __name__ == "__main__":
    main()
