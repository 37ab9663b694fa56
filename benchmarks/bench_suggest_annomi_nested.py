"""AnnoMI with nested settings: every setting chosen inside each outer training fold, beside the TF-IDF + LR baseline.

Reads ``../shared/benchmarks/annomi/`` (or ``HRP_ANNOMI_DIR``); skips cleanly when absent. For therapist
behaviour (therapist turns) and client talk type (client turns), on the same 5 outer folds grouped by
transcript (GroupKFold):

- :class:`~hrp_coding.suggest.nested.NestedCodeSuggester`: C, block weights (feature choices) and
  offsets chosen by grouped inner CV on the outer training fold only; calibration and per-code
  thresholds fitted inside it too. Outer macro-F1 per fold and pooled;
- the baseline (TF-IDF word 1-2 + char_wb 2-5 + LogisticRegression), same folds, same figures;
- fit time of both pipelines per fold, side by side (wall and CPU seconds; the fits run one after
  the other in this process, n_jobs=1);
- per code: precision at the threshold each training fold chose for the target precision, measured
  on the outer test folds, its Wilson interval with transcripts as the draws (the convention of the
  stated intervals), the interval the training folds stated, whether the measured precision lies
  inside the stated interval, the transcript holding the most wrong suggestions (correct/shown),
  the precision without it, and whether that transcript is worse than the others beyond what
  chance gives the worst of them (``worse_p``, see ``evaluate.worse_than_the_rest``);
- with a local embedding model (``HRP_EMBEDDING_MODEL``/``HRP_EMBEDDING_SHA256``, or the bench extra's
  all-MiniLM-L6-v2 packages, see ``benchmarks/_embedding_model.py``): the same with the sentence
  embeddings of each turn and of the turn before it fused late (a ridge on the vectors beside the SVM,
  its penalty and weight chosen on the inner folds; see ``hrp_coding/suggest/fusion.py``); otherwise it
  says that they were not measured. Each task gets a fresh embedder whose texts (the turns and the
  turns before them) are encoded once (memoised, reused by every fold), timed apart, and the fit-time
  verdict is given both without and with that encoding: the baseline's fit time includes its own
  featurization. With ``--static`` the vectors come from a static Model2Vec model instead
  (``HRP_STATIC_MODEL``/``HRP_STATIC_SHA256``, or potion-base-8M as ``_embedding_model.py`` finds it).

Run: ``python benchmarks/bench_suggest_annomi_nested.py [--task therapist|client] [--target 0.9] [--shuffle-seed N]
[--static]`` (``--shuffle-seed``: the same run on other outer folds, transcripts shuffled with that seed).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from bench_suggest_annomi import TASKS, annomi_dir, load_turns  # noqa: E402

# the search offered to every outer training fold; kept small so that the fit stays no slower than the
# baseline's. These search spaces were settled after exploratory runs on all of AnnoMI (so the *space*
# carries a little optimism); every choice inside it is made on the outer training fold alone.
SEARCH = {
    "therapist": {"Cs": (0.05, 0.1), "block_weights": [{"w": 1.4}, {"w": 1.4, "s": 0.0}], "inner_cv": 2},
    "client": {"Cs": (0.05, 0.1), "block_weights": [{"w": 1.4}], "inner_cv": 3},
}
GOAL = {"therapist": 0.76, "client": 0.54}


def baseline_fit(texts: pd.Series, y: np.ndarray):
    """TF-IDF word 1-2 + char_wb 2-5 + LogisticRegression: returns a predict function."""
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vecs = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)]
    X = sp.hstack([v.fit_transform(texts) for v in vecs]).tocsr()
    model = LogisticRegression(max_iter=1000).fit(X, y)
    return lambda t: model.predict(sp.hstack([v.transform(t) for v in vecs]).tocsr())


def macro_f1(gold, pred, labels) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def timed(fn, *args, **kwargs):
    wall, cpu = time.perf_counter(), time.process_time()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - wall, time.process_time() - cpu


def run_task(rows: pd.DataFrame, speaker: str, labels, target: float, embedder=None, shuffle_seed=None) -> dict:
    from sklearn.model_selection import GroupKFold

    from hrp_coding.suggest.evaluate import most_errors_group, worse_than_the_rest
    from hrp_coding.suggest.nested import NestedCodeSuggester
    from hrp_coding.suggest.thresholds import share_interval

    groups = rows.transcript.to_numpy()
    y = rows.code.to_numpy()
    search = dict(SEARCH[speaker])
    outer = GroupKFold(5) if shuffle_seed is None else GroupKFold(5, shuffle=True, random_state=shuffle_seed)
    folds = list(outer.split(rows, y, groups))
    pred = np.empty(len(rows), dtype=object)
    base_pred = np.empty(len(rows), dtype=object)
    codes = list(labels)
    hits = {code: [] for code in codes}  # per code: (correct, transcript) of every suggestion shown
    stated = np.full((len(folds), len(codes), 2), np.nan)
    per_fold = []
    for f, (tr, te) in enumerate(folds):
        model = NestedCodeSuggester(**search, target_precision=target, embedder=embedder)
        _, fit_wall, fit_cpu = timed(model.fit, rows.iloc[tr], y[tr], groups=groups[tr])
        proba = model.predict_proba(rows.iloc[te])
        pred[te] = model.predict(rows.iloc[te])
        predict_base, b_wall, b_cpu = timed(baseline_fit, rows.text.iloc[tr], y[tr])
        base_pred[te] = predict_base(rows.text.iloc[te])
        for k, code in enumerate(codes):
            t = model.thresholds_.get(code)
            if t is None or t.threshold is None:
                continue
            j = int(np.flatnonzero(model.classes_ == code)[0])
            sel = proba[:, j] >= t.threshold
            hits[code].extend(zip(y[te][sel] == code, groups[te][sel]))
            stated[f, k] = (t.precision_low, t.precision_high)
        chosen = f"C={model.chosen_['C']} w={model.chosen_['block_weights']} offsets={model.chosen_['tune_bias']}"
        if embedder is not None:
            chosen += f" emb={model.chosen_['embedding_weight']}@{model.chosen_['embedding_penalty']}"
        per_fold.append({"fold": f, "test_turns": len(te), "model_macro_f1": macro_f1(y[te], pred[te], labels),
                         "baseline_macro_f1": macro_f1(y[te], base_pred[te], labels),
                         "model_fit_s": fit_wall, "baseline_fit_s": b_wall,
                         "model_fit_cpu_s": fit_cpu, "baseline_fit_cpu_s": b_cpu,
                         "chosen": chosen})
    table = []
    for k, code in enumerate(codes):
        reliable = int(np.isfinite(stated[:, k, 0]).sum())
        correct = np.array([c for c, _ in hits[code]], dtype=bool)
        where = np.array([g for _, g in hits[code]])
        shown = len(correct)
        measured, lo, hi = share_interval(correct, where)  # transcripts as the draws, as the stated intervals
        worst, w_shown, w_right = most_errors_group(correct, where)
        rest = correct[where != worst] if shown else correct
        s_lo = float(np.nanmean(stated[:, k, 0])) if reliable else float("nan")
        s_hi = float(np.nanmean(stated[:, k, 1])) if reliable else float("nan")
        table.append({"code": code, "folds_reliable": reliable, "shown": shown, "precision": measured,
                      "measured_low": lo, "measured_high": hi, "stated_low": s_lo, "stated_high": s_hi,
                      "within_stated": bool(s_lo <= measured <= s_hi) if shown else None,
                      "target_in_measured_interval": bool(lo <= target <= hi or lo >= target) if shown else None,
                      "most_errors_in": f"{worst}: {w_right}/{w_shown}" if shown else "",
                      "without_it": rest.mean() if len(rest) else float("nan"),
                      "worse_p": worse_than_the_rest(correct, where, worst) if shown else float("nan"),
                      "coverage": int(correct.sum()) / max(int((y == code).sum()), 1)})
    return {"per_fold": pd.DataFrame(per_fold), "precision": pd.DataFrame(table),
            "macro_f1": macro_f1(y, pred, labels), "baseline_macro_f1": macro_f1(y, base_pred, labels)}


def _speed_verdict(ours_cpu: float, base_cpu: float) -> str:
    """The fit-time verdict: the model's CPU seconds against the baseline's."""
    return "model no slower" if ours_cpu <= base_cpu else "model SLOWER"


def report(title: str, speaker: str, rows: pd.DataFrame, result: dict, target: float, label: str,
           encoding_cpu: float | None = None) -> None:
    pf = result["per_fold"]
    fmt = {c: (lambda v: f"{v:.4f}") for c in ("model_macro_f1", "baseline_macro_f1")}
    fmt.update({c: (lambda v: f"{v:.2f}") for c in pf.columns if c.endswith("_s")})
    print(f"\n== {title} ({len(rows)} {speaker} turns; {label}) ==")
    print(pf.to_string(index=False, formatters=fmt))
    goal = GOAL[speaker]
    print(f"mean over folds: model {pf.model_macro_f1.mean():.4f}, baseline {pf.baseline_macro_f1.mean():.4f}; "
          f"pooled out-of-fold: model {result['macro_f1']:.4f}, baseline {result['baseline_macro_f1']:.4f} "
          f"(goal {goal:.2f}: {'met' if result['macro_f1'] >= goal else 'NOT met'})")
    ours, base = pf.model_fit_s.sum(), pf.baseline_fit_s.sum()
    ours_cpu, base_cpu = pf.model_fit_cpu_s.sum(), pf.baseline_fit_cpu_s.sum()
    print(f"fit time, 5 folds: model {ours:.1f} s wall / {ours_cpu:.1f} s CPU, baseline {base:.1f} s wall / "
          f"{base_cpu:.1f} s CPU ({_speed_verdict(ours_cpu, base_cpu)} in CPU time)")
    if encoding_cpu is not None:
        total = ours_cpu + encoding_cpu
        print(f"fit time with this task's encoding ({encoding_cpu:.1f} s CPU): {total:.1f} s CPU against the "
              f"baseline's {base_cpu:.1f} s ({_speed_verdict(total, base_cpu)})")
    print(f"precision at the chosen thresholds (target {target:.2f}), measured on the outer test folds:")
    print(result["precision"].to_string(index=False, float_format=lambda v: f"{v:.3f}",
                                          formatters={"worse_p": lambda v: f"{v:.2g}"}))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--task", choices=["therapist", "client"], action="append")
    parser.add_argument("--target", type=float, default=0.9, help="target precision of the thresholds")
    parser.add_argument("--shuffle-seed", type=int, default=None,
                        help="other 5 outer folds: transcripts shuffled with this seed (the baseline uses the same)")
    parser.add_argument("--static", action="store_true", help="embeddings from a static Model2Vec model")
    args = parser.parse_args(argv)
    folder = annomi_dir()
    if not (folder / "AnnoMI-simple.csv").is_file():
        print(f"AnnoMI not found at {folder} (set HRP_ANNOMI_DIR); benchmark skipped.")
        return 0
    from hrp_coding.suggest import add_context

    turns = add_context(load_turns(folder), window=3, role="role")
    print(f"AnnoMI: {turns.transcript.nunique()} transcripts, {len(turns)} utterances; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}; outer folds "
          f"{'GroupKFold(5)' if args.shuffle_seed is None else f'shuffled with seed {args.shuffle_seed}'}")
    from _embedding_model import HOW, STATIC_HOW, load_embedder, load_static_embedder

    from hrp_coding.suggest.nested import NestedCodeSuggester

    load, how = (load_static_embedder, STATIC_HOW) if args.static else (load_embedder, HOW)
    have_model = load() is not None
    for title, speaker, labels in TASKS:
        if args.task and speaker not in args.task:
            continue
        rows = turns[turns.speaker == speaker].reset_index(drop=True)
        report(title, speaker, rows, run_task(rows, speaker, labels, args.target, shuffle_seed=args.shuffle_seed),
               args.target, "default blocks")
        if have_model:  # a fresh embedder per task: its texts encoded once here (memoised), every fit reuses them
            from hrp_coding.suggest.fusion import dense_vectors

            embedder = load()
            context = NestedCodeSuggester().embedding_context
            texts = pd.concat([rows.text, *(rows[f"{c}_text"] for c in context)])
            distinct = texts[texts.str.strip() != ""].nunique()
            _, enc_wall, enc_cpu = timed(dense_vectors, embedder, rows, context)
            print(f"\nembeddings ({embedder.model_path}): {distinct} distinct texts ({speaker} turns and the turns "
                  f"before them) encoded once in {enc_wall:.1f} s wall / {enc_cpu:.1f} s CPU "
                  f"({distinct / enc_cpu:.0f} sentences per CPU second)")
            fused = run_task(rows, speaker, labels, args.target, embedder, args.shuffle_seed)
            report(title, speaker, rows, fused, args.target,
                   f"with sentence embeddings fused late, from {embedder.model_path.parent}", encoding_cpu=enc_cpu)
    if not have_model:
        print(f"\nsentence embeddings: NOT measured (no local model: {how})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
