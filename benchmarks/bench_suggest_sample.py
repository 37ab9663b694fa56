"""Benchmark of the suggester along the data curve, on the sample study (gold: coder ana).

For 2, 4 and 6 coded interviews (10 random subsets of P01-P08 each), a model is trained on ana's
codings of the chosen interviews and scored on ana's coded turns of the other interviews: hit@1 (the
top suggestion is one of ana's codes) and hit@3 (one of the top three is). Beside it the codebook-only
cold start on the same turns, and the suggester without the codebook (the model before issue 13).
The same models are scored on the replication interviews R01-R04 (gold: dana), a different setting.
Finally, ``suggest()`` with the 4-interview model is run on every interview not in its training set,
and the number of suggestions per interview is printed (it must never be 0).

Run: ``python benchmarks/bench_suggest_sample.py [--subsets 10] [--no-plain]``
"""

from __future__ import annotations

import argparse
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

MODEL = {"context": 2, "context_weights": (0.7, 0.5), "classifier": "logistic", "C": 10.0}


def load(folder: Path):
    from hrp_coding.datasets import replication_codings_path, sample_study
    from hrp_coding.suggest import training_data

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        study = sample_study(folder / "study", replication=True)
        study.import_codings(replication_codings_path())
    fa, la, ga = training_data(study, coders=["ana"], context=2)
    fd, ld, _ = training_data(study, coders=["dana"], context=2)
    return study, (fa, la, ga), (fd, ld)


def hits(Y, S):
    """hit@1 and hit@3 over the rows of Y that carry a code."""
    m = Y.any(1)
    Y, S = Y[m], S[m]
    order = np.argsort(-S, 1, kind="stable")
    h1 = float(Y[np.arange(len(Y)), order[:, 0]].mean())
    h3 = float(np.mean([Y[i, order[i, :3]].any() for i in range(len(Y))]))
    return h1, h3


def scores(model, frame, classes):
    """predict_proba in ``classes`` order (0 for a class the model does not know)."""
    p = model.ranking_scores(frame) if hasattr(model, "coef_") else model.predict_proba(frame["text"].tolist())
    index = {c: i for i, c in enumerate(model.classes_)}
    out = np.zeros((len(frame), len(classes)))
    for k, c in enumerate(classes):
        if c in index:
            out[:, k] = p[:, index[c]]
    return out


def main(argv=None) -> int:
    from hrp_coding.suggest import CodeSuggester, ColdStartSuggester, suggest

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subsets", type=int, default=10)
    ap.add_argument("--no-plain", action="store_true", help="skip the suggester without the codebook")
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        study, (fa, la, ga), (fd, ld) = load(Path(tmp))
        cb = study.codebook
        cold = ColdStartSuggester(cb).fit(study.segments()["text"].tolist())
        classes = list(cold.classes_)
        Ya = np.array([[c in lab for c in classes] for lab in la])
        Yd = np.array([[c in lab for c in classes] for lab in ld])
        Ca, Cd = scores(cold, fa, classes), scores(cold, fd, classes)
        interviews = sorted(set(ga))
        rows, t0 = [], time.time()
        nonempty = {}
        for n in (2, 4, 6):
            rng, subsets = np.random.default_rng(n), []
            while len(subsets) < args.subsets:  # distinct random subsets
                pick = sorted(rng.choice(interviews, n, replace=False).tolist())
                if pick not in subsets:
                    subsets.append(pick)
            for seed, pick in enumerate(subsets):
                train = set(pick)
                tr = np.isin(ga, list(train))
                r = {"interviews": n, "seed": seed, "weight": np.nan}
                r["cold@1"], r["cold@3"] = hits(Ya[~tr], Ca[~tr])
                r["coldR@1"], r["coldR@3"] = hits(Yd, Cd)
                labels = [list(la[i]) for i in np.flatnonzero(tr)]
                model = CodeSuggester(**MODEL, codebook=cb).fit(
                    fa[tr].reset_index(drop=True), labels, groups=ga[tr])
                r["weight"] = model.prior_weight_
                r["model@1"], r["model@3"] = hits(Ya[~tr], scores(model, fa[~tr].reset_index(drop=True), classes))
                r["modelR@1"], r["modelR@3"] = hits(Yd, scores(model, fd, classes))
                if not args.no_plain:
                    plain = CodeSuggester(context=2, context_weights=(0.7, 0.5)).fit(
                        fa[tr].reset_index(drop=True), labels, groups=ga[tr])
                    r["plain@1"], r["plain@3"] = hits(Ya[~tr], scores(plain, fa[~tr].reset_index(drop=True), classes))
                    r["plainR@1"], r["plainR@3"] = hits(Yd, scores(plain, fd, classes))
                if n == 4:
                    for t in study.transcript_ids:
                        if t in train:
                            continue
                        table = suggest(study, coder="eli", transcript=t, model=model, top_k=3)
                        nonempty.setdefault(t, []).append(len(table))
                rows.append(r)
                print(f"  {n} interviews, subset {seed}: model hit@1 {r['model@1']:.3f} hit@3 {r['model@3']:.3f} "
                      f"(cold {r['cold@1']:.3f} / {r['cold@3']:.3f}), blend weight {r['weight']:.2f}", flush=True)
        table = pd.DataFrame(rows)
        mean = table.drop(columns="seed").groupby("interviews").mean()
        worst = table.assign(d1=table["model@1"] - table["cold@1"], d3=table["model@3"] - table["cold@3"],
                             dR1=table["modelR@1"] - table["coldR@1"], dR3=table["modelR@3"] - table["coldR@3"])
        pd.set_option("display.width", 200)
        print("\nSample study, gold ana, mean over", args.subsets, "random subsets (test: the other interviews)")
        cols = [c for c in ["model@1", "model@3", "cold@1", "cold@3", "plain@1", "plain@3", "weight"] if c in mean]
        print(mean[cols].round(3).to_string())
        print("\nReplication interviews R01-R04, gold dana, same models")
        cols = [c for c in ["modelR@1", "modelR@3", "coldR@1", "coldR@3", "plainR@1", "plainR@3"] if c in mean]
        print(mean[cols].round(3).to_string())
        print("\nSubsets where the model is below the cold start (per subset, hit@1 / hit@3; study / replication):")
        print(worst.groupby("interviews")[["d1", "d3", "dR1", "dR3"]].apply(lambda d: (d < 0).sum()).to_string())
        print("\nsuggest() with the 4-interview models: suggestions per uncoded interview "
              "(min over the subsets where it was not trained on)")
        print({t: int(min(v)) for t, v in sorted(nonempty.items())})
        print(f"\n{time.time() - t0:.1f} s")
        m4 = mean.loc[4]
        ok = (m4["model@3"] >= 0.85 and m4["model@1"] >= 0.55
              and all(mean.loc[n, "model@1"] >= mean.loc[n, "cold@1"]
                      and mean.loc[n, "model@3"] >= mean.loc[n, "cold@3"] for n in (2, 4, 6))
              and all(min(v) > 0 for v in nonempty.values()))
        print("acceptance (4 interviews hit@3 >= 0.85, hit@1 >= 0.55; never below cold start on average; "
              f"suggest non-empty): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
