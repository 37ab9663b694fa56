"""Benchmark hrp_coding.agreement against krippendorff, statsmodels, scikit-learn, irrCAC and nltk.

Runs everything side by side in one process on the same random data (default: 5 coders x 1,000,000 units,
20 categories, 10% missing, given as a float array with NaN for missing, the form a pandas user hands over;
alpha is also timed on the complete integer array), checks that the values are equal, and prints a table of
times, speed ratios and the peak memory of our calls (tracemalloc; numpy reports its buffers to tracemalloc).

The reference packages are benchmark-only dependencies (``pip install -e .[bench]``).

Usage::

    python benchmarks/bench_agreement.py                 # the acceptance run (several minutes: the references are slow)
    python benchmarks/bench_agreement.py --units 100000  # quicker
    python benchmarks/bench_agreement.py --nltk-units 20000

nltk's ``AnnotationTask`` is pure Python (minutes per coefficient at 1,000,000 units), so it runs on the first
``--nltk-units`` units, and our function is timed on the same subset. statsmodels' ``fleiss_kappa`` needs
the same number of ratings per unit, so Fleiss is compared with statsmodels on the complete-data version of
the data set (the same draw before missing cells are punched in); irrCAC handles missing ratings and is
compared on the data with missing cells.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
import warnings

import numpy as np
import pandas as pd

from hrp_coding import agreement as ag

ROWS: list[tuple] = []


def timed(fn, *args, repeat: int = 1, **kwargs):
    best = float("inf")
    out = None
    for _ in range(repeat):
        gc.collect()
        t0 = time.perf_counter()
        out = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - t0)
    return out, best


def peak_mb(fn, *args, **kwargs) -> float:
    gc.collect()
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn(*args, **kwargs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1e6


def alpha_with_se(data):
    """The default call, then reading its deferred SE (what a user asking for the SE pays)."""
    res = ag.krippendorff_alpha(data)
    res.se  # noqa: B018 (computes the deferred SE)
    return res


def row(task: str, ours_s: float, ref: str, ref_s: float | None, ours_v: float, ref_v: float | None,
        mem: float | None = None, tol: float = 1e-9):
    diff = None if ref_v is None else abs(ours_v - ref_v)
    ok = "" if diff is None else ("equal" if diff <= tol else f"DIFF {diff:.2e}")
    ratio = None if ref_s is None else ref_s / ours_s
    ROWS.append((task, ref, ours_s, ref_s, ratio, ours_v, ref_v, ok, mem))
    r = f"{ratio:8.1f}x" if ratio is not None else "       -"
    rs = f"{ref_s:9.3f}" if ref_s is not None else "        -"
    m = f"{mem:7.1f}" if mem is not None else "      -"
    print(f"{task:<28} {ref:<34} {ours_s:8.3f} {rs} {r}  {ours_v:+.12f}  {ok:<14} {m}", flush=True)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--coders", type=int, default=5)
    p.add_argument("--units", type=int, default=1_000_000)
    p.add_argument("--categories", type=int, default=20)
    p.add_argument("--missing", type=float, default=0.10)
    p.add_argument("--nltk-units", type=int, default=20_000)
    p.add_argument("--seed", type=int, default=20240601)
    p.add_argument("--skip", nargs="*", default=[], help="reference packages to skip (e.g. nltk irrCAC)")
    args = p.parse_args(argv)
    warnings.simplefilter("ignore")

    rng = np.random.default_rng(args.seed)
    m, n, q = args.coders, args.units, args.categories
    # correlated coders so the coefficients are far from 0: a true value per unit, each coder errs 40% of the time
    truth = rng.integers(1, q + 1, size=n)
    noise = rng.integers(1, q + 1, size=(m, n))
    complete = np.where(rng.random((m, n)) < 0.6, truth, noise).astype(np.float64)
    data = complete.copy()
    data[rng.random((m, n)) < args.missing] = np.nan
    print(f"data: {m} coders x {n:,} units, {q} categories, {np.isnan(data).mean():.1%} missing; "
          f"python {sys.version.split()[0]}, numpy {np.__version__}, pandas {pd.__version__}")
    # warm-up (first-call imports such as scipy for the t quantile are not part of the timings)
    for f in (ag.krippendorff_alpha, ag.fleiss_kappa, ag.gwet_ac1, ag.cohen_kappa):
        f(data[:2, :100])
    print(f"{'task':<28} {'reference':<34} {'ours s':>8} {'ref s':>9} {'speed-up':>9}  {'value':<16} "
          f"{'check':<14} {'peak MB'}")

    # ---------------------------------------------------------------- Krippendorff's alpha
    if "krippendorff" not in args.skip:
        import krippendorff

        for level in ("nominal", "ordinal", "interval", "ratio"):
            # the default call (se="auto"): the SE is deferred until .se / .ci is read (issue 16 point 7)
            ours, t_ours = timed(ag.krippendorff_alpha, data, level=level, repeat=3)
            mem = peak_mb(ag.krippendorff_alpha, data, level=level)
            ref, t_ref = timed(krippendorff.alpha, reliability_data=data, level_of_measurement=level)
            row(f"alpha {level} (default call)", t_ours, "krippendorff.alpha", t_ref, ours.value, ref, mem)
            if level == "nominal":
                ours, t_ours = timed(ag.krippendorff_alpha, data, level=level, se=None, repeat=3)
                row("alpha nominal (se=None)", t_ours, "krippendorff.alpha", t_ref, ours.value, ref)
                ours, t_ours = timed(alpha_with_se, data, repeat=1)
                mem = peak_mb(alpha_with_se, data)
                row("alpha nominal, SE read", t_ours, "krippendorff.alpha (no SE)", t_ref, ours.value, ref, mem)
        # the integer form beside the float-with-NaN one above (complete data: integers cannot hold NaN)
        ints = complete.astype(np.int64)
        ours, t_ours = timed(ag.krippendorff_alpha, ints, level="nominal", se=None, repeat=3)
        mem = peak_mb(ag.krippendorff_alpha, ints, level="nominal", se=None)
        ref, t_ref = timed(krippendorff.alpha, reliability_data=ints, level_of_measurement="nominal")
        row("alpha nominal (int, complete)", t_ours, "krippendorff.alpha", t_ref, ours.value, ref, mem)

    # ---------------------------------------------------------------- Cohen's kappa (coders 0 and 1)
    pair = data[:2]
    both = ~np.isnan(pair).any(axis=0)
    a, b = pair[0, both].astype(int), pair[1, both].astype(int)
    ours, t_ours = timed(ag.cohen_kappa, pair, se=None, repeat=3)
    mem = peak_mb(ag.cohen_kappa, pair, se=None)
    from sklearn.metrics import cohen_kappa_score

    ref, t_ref = timed(cohen_kappa_score, a, b)
    row("cohen kappa", t_ours, "sklearn cohen_kappa_score", t_ref, ours.value, ref, mem)
    ours_w, t_ours_w = timed(ag.cohen_kappa, pair, weights="quadratic", se=None, repeat=3)
    ref, t_ref = timed(cohen_kappa_score, a, b, weights="quadratic")
    row("cohen kappa quadratic", t_ours_w, "sklearn cohen_kappa_score", t_ref, ours_w.value, ref)

    from statsmodels.stats import inter_rater as ir

    def sm_cohen():
        table, _ = ir.to_table(np.column_stack([a, b]), bins=np.arange(0.5, q + 1.5))
        return ir.cohens_kappa(table, return_results=True)

    ours_se, t_ours_se = timed(ag.cohen_kappa, pair, repeat=3)
    res, t_ref = timed(sm_cohen)
    row("cohen kappa + ASE", t_ours_se, "statsmodels cohens_kappa", t_ref, ours_se.value, res.kappa)
    row("  ASE (FCE 1969)", t_ours_se, "statsmodels std_kappa", t_ref, ours_se.se, res.std_kappa, tol=1e-9)

    # ---------------------------------------------------------------- Fleiss' kappa
    def sm_fleiss():
        counts, _ = ir.aggregate_raters(complete.T.astype(int), n_cat=q + 1)
        return ir.fleiss_kappa(counts[:, 1:], method="fleiss")

    ours, t_ours = timed(ag.fleiss_kappa, complete, se=None, repeat=3)
    mem = peak_mb(ag.fleiss_kappa, complete, se=None)
    ref, t_ref = timed(sm_fleiss)
    row("fleiss kappa (complete)", t_ours, "statsmodels fleiss_kappa", t_ref, ours.value, ref, mem)

    if "irrCAC" not in args.skip:
        from irrCAC.raw import CAC

        frame = pd.DataFrame(data.T)

        def irr(method):
            return getattr(CAC(frame, digits=15), method)()["est"]

        for label, func, method in (("fleiss kappa (missing)", ag.fleiss_kappa, "fleiss"),
                                    ("gwet ac1 (missing)", ag.gwet_ac1, "gwet")):
            ours, t_ours = timed(func, data, repeat=3)
            mem = peak_mb(func, data)
            est, t_ref = timed(irr, method)
            row(label + " + SE", t_ours, f"irrCAC CAC.{method}", t_ref, ours.value, est["coefficient_value"], mem,
                tol=1e-9)
            row("  SE", t_ours, f"irrCAC CAC.{method} se", t_ref, ours.se, est["se"], tol=1e-9)
        ours, t_ours = timed(ag.krippendorff_alpha, data, repeat=1)
        est, t_ref = timed(irr, "krippendorff")
        row("alpha nominal + SE", t_ours, "irrCAC CAC.krippendorff", t_ref, ours.value, est["coefficient_value"],
            tol=1e-9)
        row("  SE", t_ours, "irrCAC CAC.krippendorff se", t_ref, ours.se, est["se"], tol=1e-9)

    # ---------------------------------------------------------------- nltk (subset: pure Python)
    if "nltk" not in args.skip:
        from nltk.metrics.agreement import AnnotationTask

        k = min(args.nltk_units, n)
        sub = data[:, :k]
        triples = [(str(c), str(u), int(sub[c, u])) for c in range(m) for u in range(k) if not np.isnan(sub[c, u])]
        task = AnnotationTask(data=triples)
        ours, t_ours = timed(ag.krippendorff_alpha, sub, se=None, repeat=3)
        ref, t_ref = timed(task.alpha)
        row(f"alpha nominal ({k:,} units)", t_ours, "nltk AnnotationTask.alpha", t_ref, ours.value, ref)
        csub = complete[:, :k]
        ctriples = [(str(c), str(u), int(csub[c, u])) for c in range(m) for u in range(k)]
        ctask = AnnotationTask(data=ctriples)
        ours, t_ours = timed(ag.conger_kappa, csub, se=None, repeat=3)
        ref, t_ref = timed(ctask.multi_kappa)
        row(f"conger ({k:,} units, complete)", t_ours, "nltk multi_kappa (Davies-Fleiss)", t_ref, ours.value, ref)
        ptriples = [t for t in ctriples if t[0] in ("0", "1")]
        ptask = AnnotationTask(data=ptriples)
        ours, t_ours = timed(ag.cohen_kappa, csub[:2], se=None, repeat=3)
        ref, t_ref = timed(ptask.kappa)
        row(f"cohen ({k:,} units, complete)", t_ours, "nltk AnnotationTask.kappa", t_ref, ours.value, ref)

    bad = [r for r in ROWS if r[7].startswith("DIFF")]
    print(f"\n{len(ROWS)} comparisons; {len(bad)} differ beyond tolerance")
    alpha_rows = [r for r in ROWS if r[1] == "krippendorff.alpha"]
    failed = bool(bad)
    if alpha_rows:
        worst = min(r[4] for r in alpha_rows)
        peak = max(r[8] for r in alpha_rows if r[8] is not None)
        ok_speed, ok_mem = worst >= 30, peak < 300
        failed |= not (ok_speed and ok_mem)
        print(f"acceptance: krippendorff_alpha slowest speed-up {worst:.1f}x (need >= 30x: "
              f"{'ok' if ok_speed else 'FAIL'}); peak memory {peak:.1f} MB (need < 300 MB: "
              f"{'ok' if ok_mem else 'FAIL'})")
    slower = [r for r in ROWS if r[4] is not None and r[4] < 1]
    for r in slower:
        print(f"note: slower than the reference on {r[0].strip()} vs {r[1]} ({r[4]:.2f}x)")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
