"""Active learning on AnnoMI: the learning curve of next_to_code's order against random order.

Reads ``../shared/benchmarks/annomi/`` (or ``HRP_ANNOMI_DIR``); skips cleanly when absent. One task
(therapist behaviour by default): a fixed fifth of the transcripts is held out for testing; the rest
is the pool a coder codes from. Each run starts from the same number of randomly chosen coded turns
(the seed), then adds a batch at each step:

- **next_to_code order**: the ranking ``next_to_code`` itself runs (``active._model_order``, its
  defaults), on a CodeSuggester fitted on the turns coded so far (grouped inner CV by transcript):
  shares of the batch per predicted code by codings so far, within a code calibrated uncertainty
  and code coverage times information density, with diversity, in a word TF-IDF of the pool;
- **random order**: the same number of turns drawn at random.

After each step the model is refitted and scored (macro-F1) on the held-out transcripts. Printed:
the curves (mean over seeds) and the area under each curve over log2(coded turns), normalised to
[0, 1] (the mean macro-F1 across the curve), per seed and on average.

Run: ``python benchmarks/bench_active_learning.py [--task therapist|client] [--seeds 3]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_suggest_annomi import TASKS, annomi_dir, load_turns  # noqa: E402

SIZES = (20, 40, 80, 160, 320, 640)


def macro_f1(gold, pred, labels) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def area(sizes, scores) -> float:
    """Area under the curve over log2(size), divided by the log2 range (a mean macro-F1 in [0, 1])."""
    x = np.log2(np.asarray(sizes, dtype=float))
    y = np.asarray(scores, dtype=float)
    return float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)) / (x[-1] - x[0]))


def curve(pool: pd.DataFrame, test: pd.DataFrame, labels, order: str, seed: int, sizes=SIZES) -> list[float]:
    from hrp_coding.suggest import CodeSuggester
    from hrp_coding.suggest.active import _model_order

    rng = np.random.default_rng(seed)
    coded = list(rng.choice(len(pool), size=sizes[0], replace=False))
    scores = []
    for step, size in enumerate(sizes):
        rows = pool.iloc[coded]
        model = CodeSuggester(context=3, C=0.05, char_ngrams=(1, 4), use_shape=False, cv=3)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            model.fit(rows, rows.code.to_numpy(), groups=rows.transcript.to_numpy())
        scores.append(macro_f1(test.code, model.predict(test), labels))
        if step + 1 == len(sizes):
            break
        need = sizes[step + 1] - size
        left = np.setdiff1d(np.arange(len(pool)), coded)
        if order == "random":
            coded += list(rng.choice(left, size=need, replace=False))
            continue
        counts = [int((rows.code == c).sum()) for c in model.classes_]
        pick = _model_order(model, pool.iloc[left], counts, need)[0]
        coded += list(left[pick])
    return scores


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["therapist", "client"], default="therapist")
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    folder = annomi_dir()
    if not (folder / "AnnoMI-simple.csv").is_file():
        print(f"AnnoMI not found at {folder} (set HRP_ANNOMI_DIR); benchmark skipped.")
        return 0
    from sklearn.model_selection import GroupKFold

    from hrp_coding.suggest import add_context

    title, speaker, labels = next(t for t in TASKS if t[1] == args.task)
    turns = add_context(load_turns(folder), window=3, role="role")
    rows = turns[turns.speaker == speaker].reset_index(drop=True)
    tr, te = next(GroupKFold(5).split(rows, rows.code, rows.transcript))
    pool, test = rows.iloc[tr].reset_index(drop=True), rows.iloc[te].reset_index(drop=True)
    print("ranking: next_to_code's (hrp_coding.suggest.active._model_order) with its defaults")
    print(f"AnnoMI {title}: pool {len(pool)} turns ({pool.transcript.nunique()} transcripts), held-out test "
          f"{len(test)} turns ({test.transcript.nunique()} transcripts); {os.cpu_count()} CPUs, "
          f"load average {os.getloadavg()[0]:.1f}")
    results = {"next_to_code": [], "random": []}
    t0 = time.process_time()
    for seed in range(args.seeds):
        for order in results:
            results[order].append(curve(pool, test, labels, order, seed))
            print(f"seed {seed} {order:>12}: " + "  ".join(f"{n}:{f:.3f}" for n, f in zip(SIZES, results[order][-1]))
                  + f"   area {area(SIZES, results[order][-1]):.4f}", flush=True)
    print(f"\nmacro-F1 on the held-out transcripts by coded turns (mean of {args.seeds} seeds):")
    table = pd.DataFrame({order: np.mean(runs, axis=0) for order, runs in results.items()}, index=list(SIZES))
    table.index.name = "coded turns"
    print(table.to_string(float_format=lambda v: f"{v:.4f}"))
    areas = {order: [area(SIZES, r) for r in runs] for order, runs in results.items()}
    for order, a in areas.items():
        print(f"area under the curve (log2 coded turns, normalised), {order}: mean {np.mean(a):.4f} "
              f"(per seed {', '.join(f'{v:.4f}' for v in a)})")
    wins = sum(a > b for a, b in zip(areas["next_to_code"], areas["random"]))
    print(f"next_to_code order above random in {wins} of {args.seeds} seeds; "
          f"difference of means {np.mean(areas['next_to_code']) - np.mean(areas['random']):+.4f}; "
          f"{time.process_time() - t0:.0f} s CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
