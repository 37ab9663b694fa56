"""Benchmark of the code suggester on AnnoMI (real, expert-coded motivational-interviewing sessions).

Reads ``../shared/benchmarks/annomi/`` relative to the repository (override with the environment
variable ``HRP_ANNOMI_DIR``); skips cleanly with a message when the folder is absent. Prints, for
therapist behaviour (therapist turns) and client talk type (client turns):

- macro-F1 with GroupKFold(5) by transcript, pooled out-of-fold, for CodeSuggester and for the plain
  baseline (TF-IDF word 1-2 + char_wb 2-5 + LogisticRegression) side by side;
- per-code precision and coverage at the thresholds chosen (inside each training fold) for 90%
  target precision, measured on the held-out folds;
- on the 10-annotator subset (transcripts 7, 27, 55, 56, 66, 109, 130 of AnnoMI-full.csv): the
  model's out-of-fold predictions scored against the majority of each nine annotators, next to each
  annotator scored against the majority of the other nine (the human figures);
- wall and CPU time of the 5-fold fit and predict.

Run: ``python benchmarks/bench_suggest_annomi.py [--no-baseline]``
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

REPO = Path(__file__).resolve().parents[1]
SUBSET = ("7", "27", "55", "56", "66", "109", "130")
TASKS = (("therapist behaviour", "therapist", ("reflection", "question", "therapist_input", "other")),
         ("client talk type", "client", ("change", "neutral", "sustain")))
# the settings measured below, per task (chosen by this same grouped CV on AnnoMI: see docs/suggest.md)
MODEL_PARAMS = {
    "therapist": {"context": 3, "C": 0.05, "char_ngrams": (1, 4), "use_shape": False, "tune_bias": False},
    "client": {"context": 3, "C": 0.05, "char_ngrams": (1, 4), "use_shape": True, "tune_bias": True},
}


def annomi_dir() -> Path:
    return Path(os.environ.get("HRP_ANNOMI_DIR", REPO.parent / "shared" / "benchmarks" / "annomi"))


def load_turns(folder: Path) -> pd.DataFrame:
    """One row per utterance: transcript, turn, speaker, role, text, code (the AnnoMI-simple label)."""
    try:
        from hrp_coding.transcripts import read_annomi
    except ImportError:  # pragma: no cover - older checkouts: plain pandas
        read_annomi = None
    if read_annomi is None:
        d = pd.read_csv(folder / "AnnoMI-simple.csv").sort_values(["transcript_id", "utterance_id"])
        code = np.where(d.interlocutor == "therapist", d.main_therapist_behaviour, d.client_talk_type)
        return pd.DataFrame({"transcript": d.transcript_id.astype(str), "turn": d.utterance_id,
                             "speaker": d.interlocutor, "role": d.interlocutor, "text": d.utterance_text.astype(str),
                             "code": code}).reset_index(drop=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # one malformed timestamp in AnnoMI; irrelevant here
        table = read_annomi(folder / "AnnoMI-simple.csv")
    codes = {(r.transcript, r.start): r.code for r in table.codings.itertuples(index=False)}
    rows = []
    for t in table.transcripts:
        for turn in t.turns:
            rows.append({"transcript": t.id, "turn": turn.index, "speaker": turn.speaker, "role": turn.speaker,
                         "start": turn.start, "text": t.text[turn.start:turn.end],
                         "code": codes.get((t.id, turn.start))})
    return pd.DataFrame(rows)


def load_annotators(folder: Path) -> pd.DataFrame:
    """The 10-annotator subset: transcript, start, coder, code."""
    from hrp_coding.transcripts import read_annomi

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = read_annomi(folder / "AnnoMI-full.csv")
    c = table.codings
    return c[c.transcript.isin(SUBSET)][["transcript", "start", "coder", "code"]]


def baseline_oof(texts: pd.Series, y: np.ndarray, groups: np.ndarray) -> np.ndarray:
    import scipy.sparse as sp
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GroupKFold

    pred = np.empty(len(y), dtype=object)
    for tr, te in GroupKFold(5).split(texts, y, groups):
        vecs = [TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True),
                TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True, min_df=2)]
        Xtr = sp.hstack([v.fit_transform(texts.iloc[tr]) for v in vecs]).tocsr()
        Xte = sp.hstack([v.transform(texts.iloc[te]) for v in vecs]).tocsr()
        pred[te] = LogisticRegression(max_iter=1000).fit(Xtr, y[tr]).predict(Xte)
    return pred


def macro_f1(gold, pred, labels) -> float:
    from sklearn.metrics import f1_score

    return float(f1_score(gold, pred, labels=list(labels), average="macro", zero_division=0))


def majority(labels: list[str]) -> str | None:
    """The most frequent label; None on a tie (such units are left out of that comparison)."""
    counts = Counter(labels).most_common()
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None
    return counts[0][0]


def ceiling(turns: pd.DataFrame, annot: pd.DataFrame, oof_pred: pd.Series, speaker: str, labels) -> dict:
    """Each annotator vs the majority of the other nine, and the model vs the same majorities."""
    sub = turns[(turns.speaker == speaker) & turns.transcript.isin(SUBSET)]
    keys = list(zip(sub.transcript, sub.start))
    by_unit = {k: {} for k in keys}
    for r in annot.itertuples(index=False):
        if (r.transcript, r.start) in by_unit:
            by_unit[(r.transcript, r.start)][r.coder] = r.code
    coders = sorted({c for v in by_unit.values() for c in v})
    model = dict(zip(keys, oof_pred.loc[sub.index]))
    human_f1, model_f1 = [], []
    for coder in coders:
        g, h, m = [], [], []
        for k, codes in by_unit.items():
            if coder not in codes:
                continue
            maj = majority([c for who, c in codes.items() if who != coder])
            if maj is None:
                continue
            g.append(maj)
            h.append(codes[coder])
            m.append(model[k])
        human_f1.append(macro_f1(g, h, labels))
        model_f1.append(macro_f1(g, m, labels))
    simple = sub.code.to_numpy()
    return {"units": len(keys), "annotators": len(coders), "human_macro_f1": float(np.mean(human_f1)),
            "model_macro_f1_same_majorities": float(np.mean(model_f1)),
            "model_macro_f1_vs_annomi_label": macro_f1(simple, [model[k] for k in keys], labels)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-baseline", action="store_true", help="skip the logistic-regression baseline")
    args = parser.parse_args(argv)
    folder = annomi_dir()
    if not (folder / "AnnoMI-simple.csv").is_file():
        print(f"AnnoMI not found at {folder} (set HRP_ANNOMI_DIR); benchmark skipped.")
        return 0
    sys.path.insert(0, str(REPO))
    from hrp_coding.suggest import CodeSuggester, add_context, evaluate

    turns = add_context(load_turns(folder), window=3, role="role")
    annot = load_annotators(folder) if (folder / "AnnoMI-full.csv").is_file() else None
    print(f"AnnoMI: {turns.transcript.nunique()} transcripts, {len(turns)} utterances; "
          f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.1f}")
    for title, speaker, labels in TASKS:
        rows = turns[turns.speaker == speaker]
        groups = rows.transcript.to_numpy()
        result = evaluate(rows, rows.code.tolist(), groups, cv=5, estimator=CodeSuggester(**MODEL_PARAMS[speaker]),
                          target_precision=0.9)
        print(f"\n== {title} ({len(rows)} {speaker} turns) ==  model {MODEL_PARAMS[speaker]}")
        line = f"CodeSuggester macro-F1 {result.macro_f1:.4f}  kappa {result.kappa:.4f}  " \
               f"5-fold fit+predict {result.seconds:.1f} s wall, {result.cpu_seconds:.1f} s CPU"
        print(line)
        par = evaluate(rows, rows.code.tolist(), groups, cv=5, estimator=CodeSuggester(**MODEL_PARAMS[speaker]),
                       n_jobs=2)
        print(f"same 5 folds on 2 worker processes (n_jobs=2): {par.seconds:.1f} s wall, "
              f"macro-F1 {par.macro_f1:.4f} (identical: {par.macro_f1 == result.macro_f1})")
        if not args.no_baseline:
            t = time.perf_counter()
            base = baseline_oof(rows.text, rows.code.to_numpy(), groups)
            print(f"baseline (TF-IDF word 1-2 + char_wb 2-5 + LogisticRegression) macro-F1 "
                  f"{macro_f1(rows.code, base, labels):.4f}  ({time.perf_counter() - t:.1f} s wall)")
        print("per code (out of fold):")
        table = result.per_code[["code", "support", "precision", "recall", "f1", "precision_at_target",
                                 "coverage_at_target", "n_selected"]]
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        print("  (precision_at_target / coverage_at_target: thresholds chosen in each training fold for 90% "
              "precision, measured on the held-out folds; NaN = the code abstained)")
        if annot is not None:
            oof_pred = pd.Series(result.oof.predicted.to_numpy(), index=rows.index)
            c = ceiling(turns, annot, oof_pred, speaker, labels)
            print(f"10-annotator subset ({c['units']} {speaker} turns, {c['annotators']} annotators): "
                  f"humans vs majority of the other nine macro-F1 {c['human_macro_f1']:.4f}; "
                  f"model vs the same majorities {c['model_macro_f1_same_majorities']:.4f}; "
                  f"model vs AnnoMI-simple label {c['model_macro_f1_vs_annomi_label']:.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
