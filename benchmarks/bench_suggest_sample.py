"""Benchmark of the suggester along the data curve, on the sample study (gold: coder ana).

For 2, 4 and 6 coded interviews (10 random subsets of P01-P08 each), a model is trained on ana's
codings of the chosen interviews and scored on ana's coded turns of the other interviews: hit@1 (the
top suggestion is one of ana's codes) and hit@3 (one of the top three is). Beside it the codebook-only
cold start on the same turns, and the suggester without the codebook (the model before issue 13).
The same models are scored on the replication interviews R01-R04 (gold: dana), a different setting.
The default model's calibrated confidences are checked on both: the turn-code pairs at 0.8 and above,
the share of them right, and the log loss of all pairs.
Finally, ``suggest()`` with the 4-interview model is run on every interview not in its training set,
and the number of suggestions per interview is printed (it must never be 0).

With ``--embeddings`` the same model is also fitted with sentence embeddings fused late
(``EmbeddingCodeSuggester``, what ``project_estimator(embedder=...)`` returns: per-code ridges on the
vectors of the coded turns and of the codebook's rows, their weight chosen on the model's inner folds
over the training interviews, nothing on the held-out ones) from the local model that
``benchmarks/_embedding_model.py`` finds; every segment is encoded once, timed apart from the fits.
With ``--static`` the vectors come from the static Model2Vec model it finds instead (potion-base-8M).

Run: ``python benchmarks/bench_suggest_sample.py [--subsets 10] [--no-plain] [--embeddings | --static]``
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


def in_order(model, p, classes):
    """The columns of ``p`` (one per ``model.classes_``) in ``classes`` order, 0 for a class the model does not know."""
    index = {c: i for i, c in enumerate(model.classes_)}
    out = np.zeros((len(p), len(classes)))
    for k, c in enumerate(classes):
        if c in index:
            out[:, k] = p[:, index[c]]
    return out


def scores(model, frame, classes):
    """The ranking scores (the cold start's predict_proba) in ``classes`` order."""
    p = model.ranking_scores(frame) if hasattr(model, "coef_") else model.predict_proba(frame["text"].tolist())
    return in_order(model, p, classes)


def confidence_check(model, frame, Y, classes) -> dict:
    """How the calibrated confidences fare on held-out units: pairs at 0.8 and above, their share right, log loss."""
    from sklearn.metrics import log_loss

    P = in_order(model, model.predict_proba(frame), classes)
    high = P >= 0.8
    return {"n": int(high.sum()), "right": int(Y[high].sum()),
            "log loss": float(log_loss(Y.ravel(), P.ravel(), labels=[False, True]))}


def main(argv=None) -> int:
    from hrp_coding.suggest import CodeSuggester, ColdStartSuggester, suggest

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--subsets", type=int, default=10)
    ap.add_argument("--no-plain", action="store_true", help="skip the suggester without the codebook")
    ap.add_argument("--embeddings", action="store_true", help="also the model with sentence embeddings fused late")
    ap.add_argument("--static", action="store_true", help="the same block from a static Model2Vec model")
    args = ap.parse_args(argv)
    Embedding = None
    if args.embeddings or args.static:
        from _embedding_model import HOW, STATIC_HOW, load_embedder, load_static_embedder

        embedder = load_static_embedder() if args.static else load_embedder()
        if embedder is None:
            print(f"sentence embeddings: NOT measured (no local model: {STATIC_HOW if args.static else HOW})")
        else:
            from functools import partial

            from hrp_coding.suggest import EmbeddingCodeSuggester

            Embedding = partial(EmbeddingCodeSuggester, embedder=embedder)  # what project_estimator(embedder=) fits
    with tempfile.TemporaryDirectory() as tmp:
        study, (fa, la, ga), (fd, ld) = load(Path(tmp))
        cb = study.codebook
        all_text = study.segments()["text"].tolist()
        cold = ColdStartSuggester(cb).fit(all_text)
        classes = list(cold.classes_)
        Ya = np.array([[c in lab for c in classes] for lab in la])
        Yd = np.array([[c in lab for c in classes] for lab in ld])
        Ca, Cd = scores(cold, fa, classes), scores(cold, fd, classes)
        interviews = sorted(set(ga))
        if Embedding is not None:
            texts = [*all_text, *fa["text"], *fd["text"]]
            w0, c0 = time.perf_counter(), time.process_time()
            embedder.encode(texts)
            wall, distinct = time.perf_counter() - w0, len(set(texts))
            print(f"embeddings ({embedder.model_path}): {distinct} distinct segments encoded once in {wall:.1f} s "
                  f"wall / {time.process_time() - c0:.1f} s CPU ({distinct / wall:.0f} sentences/s)")
        fit_s = {"model": 0.0, "emb": 0.0}
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
                c0 = time.process_time()
                model = CodeSuggester(**MODEL, codebook=cb).fit(  # the same uncoded text as the cold start
                    fa[tr].reset_index(drop=True), labels, groups=ga[tr], prior_texts=all_text)
                fit_s["model"] += time.process_time() - c0
                if Embedding is not None:
                    c0 = time.process_time()
                    emb = Embedding(**MODEL, codebook=cb).fit(
                        fa[tr].reset_index(drop=True), labels, groups=ga[tr], prior_texts=all_text)
                    fit_s["emb"] += time.process_time() - c0
                    r["emb@1"], r["emb@3"] = hits(Ya[~tr], scores(emb, fa[~tr].reset_index(drop=True), classes))
                    r["embR@1"], r["embR@3"] = hits(Yd, scores(emb, fd, classes))
                    r["emb weight"] = emb.prior_weight_
                    r["emb fusion"] = emb.embedding_weight_
                r["weight"] = model.prior_weight_
                r["model@1"], r["model@3"] = hits(Ya[~tr], scores(model, fa[~tr].reset_index(drop=True), classes))
                r["modelR@1"], r["modelR@3"] = hits(Yd, scores(model, fd, classes))
                for tag, F, Yg in (("held-out", fa[~tr].reset_index(drop=True), Ya[~tr]), ("replication", fd, Yd)):
                    for key, value in confidence_check(model, F, Yg, classes).items():
                        r[f"{tag} {key}"] = value
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
                print(f"  {n} interviews, subset {seed} {'+'.join(pick)}: hit@1 {r['model@1']:.3f} hit@3 "
                      f"{r['model@3']:.3f} (cold {r['cold@1']:.3f} / {r['cold@3']:.3f}); replication "
                      f"{r['modelR@1']:.3f} / {r['modelR@3']:.3f} (cold {r['coldR@1']:.3f} / {r['coldR@3']:.3f}); "
                      f"blend weight {r['weight']:.2f}", flush=True)
        table = pd.DataFrame(rows)
        pd.set_option("display.width", 200)
        below = {}
        for tag, (m1, m3, c1, c3) in {"sample (gold ana, other interviews)": ("model@1", "model@3", "cold@1", "cold@3"),
                                      "replication R01-R04 (gold dana)": ("modelR@1", "modelR@3", "coldR@1",
                                                                          "coldR@3")}.items():
            g = table.groupby("interviews")
            summary = pd.DataFrame({
                "hit@1 mean": g[m1].mean(), "hit@1 min": g[m1].min(), "cold@1": g[c1].mean(),
                "hit@3 mean": g[m3].mean(), "hit@3 min": g[m3].min(), "cold@3": g[c3].mean(),
                "below cold @1": g[[m1, c1]].apply(lambda d, a=m1, b=c1: int((d[a] < d[b] - 1e-12).sum())),
                "below cold @3": g[[m3, c3]].apply(lambda d, a=m3, b=c3: int((d[a] < d[b] - 1e-12).sum())),
                "blend weight": g["weight"].mean()})
            if "emb@1" in table:
                e1, e3 = ("embR@1", "embR@3") if "R@" in m1 else ("emb@1", "emb@3")
                summary["embeddings @1"], summary["embeddings @3"] = g[e1].mean(), g[e3].mean()
                summary["emb below cold"] = g[[e1, c1, e3, c3]].apply(
                    lambda d, a=e1, b=c1, c=e3, e=c3: int((d[a] < d[b] - 1e-12).sum() + (d[c] < d[e] - 1e-12).sum()))
                summary["emb blend weight"] = g["emb weight"].mean()
                summary["emb fusion weight"] = g["emb fusion"].mean()
            if "plain@1" in table:
                summary["no codebook @1"] = g["plainR@1" if "R@" in m1 else "plain@1"].mean()
                summary["no codebook @3"] = g["plainR@3" if "R@" in m1 else "plain@3"].mean()
            below[tag] = int(summary[["below cold @1", "below cold @3"]].to_numpy().sum())
            print(f"\n{tag}: {args.subsets} random subsets per size (mean, min over subsets; subsets below the "
                  "cold start of that subset)")
            print(summary.round(3).to_string())
        g = table.groupby("interviews")
        check = pd.DataFrame({f"{tag}: {what}": col for tag in ("held-out", "replication") for what, col in (
            ("pairs >= 0.8", g[f"{tag} n"].sum()), ("share right", g[f"{tag} right"].sum() / g[f"{tag} n"].sum()),
            ("log loss", g[f"{tag} log loss"].mean()))})
        print("\ncalibrated confidences of the default model on held-out interviews (gold ana) and on the "
              "replication (gold dana): turn-code pairs at 0.8 and above over all subsets, the share of them right, "
              "mean log loss of all pairs")
        print(check.round(3).to_string())
        print("\nsuggest() with the 4-interview models: suggestions per uncoded interview "
              "(min over the subsets where it was not trained on)")
        print({t: int(min(v)) for t, v in sorted(nonempty.items())})
        print(f"\n{time.time() - t0:.1f} s; fit CPU seconds, all subsets: model {fit_s['model']:.1f}"
              + (f", with embeddings {fit_s['emb']:.1f} (encoding not included)" if Embedding is not None else ""))
        mean = table.groupby("interviews")[["model@1", "model@3"]].mean()
        ok = (mean.loc[4, "model@3"] >= 0.85 and mean.loc[4, "model@1"] >= 0.55 and not any(below.values())
              and all(min(v) > 0 for v in nonempty.values()))
        print("acceptance (4 interviews hit@3 >= 0.85, hit@1 >= 0.55; no subset below its cold start at 2, 4, 6 "
              f"interviews, sample and replication; suggest() non-empty): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
