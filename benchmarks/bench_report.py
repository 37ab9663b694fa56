"""Scale of the study-level agreement report (issue 16): prints measured seconds, asserts nothing about time.

Two synthetic studies, built as DataFrames so that what is measured is the report's own part (the store's
``codings()`` / ``coded_segments()`` are timed separately by the store's benchmarks):

* ``study``: 1,000 transcripts, 3 coders, 30 codes, ~90,000 codings; ``report(unit="turn")`` over participant
  turns (interviewer turns are in the segments and left out by the codebook's ``coded_roles``);
* ``wide``: 10 coders, 100 codes, 10,000 turns.

With ``--project``, also a real project folder written by ``bench_store.generate`` (1,000 transcripts of ~5,000
words, 3 coders x 30 codings per transcript, 30 codes): ``Project.open`` + ``codings()`` + ``coded_segments()``
(the store's part) are timed apart from ``report(project, unit="turn")`` and the HTML study report.

Run: ``python benchmarks/bench_report.py [--transcripts 1000] [--project]``.
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd


def synthetic(n_transcripts: int, turns: int, coders: int, codes: int, per_turn: float, seed: int = 0,
              noise: float = 0.12):
    """(segments, coded segments): each participant turn has a true code set; each coder keeps each true code
    with probability 1 - noise and adds a random one with probability noise."""
    rng = np.random.default_rng(seed)
    tr = np.repeat([f"T{i:04d}" for i in range(n_transcripts)], turns)
    idx = np.tile(np.arange(turns), n_transcripts)
    role = np.where(idx % 2 == 0, "interviewer", "participant")
    seg = pd.DataFrame({"transcript": tr, "segment": [f"{t}:t{i}" for t, i in zip(tr, idx)],
                        "start": idx * 100, "end": idx * 100 + 99, "speaker": np.where(role == "participant", "P", "I"),
                        "role": role, "text": "a turn"})
    part = np.flatnonzero(role == "participant")
    n_true = rng.poisson(per_turn, part.size)
    unit = np.repeat(part, n_true)
    true_code = rng.integers(0, codes, unit.size)
    rows = []
    names = [f"code_{k:03d}" for k in range(codes)]
    for c in range(coders):
        keep = rng.random(unit.size) >= noise
        extra = part[rng.random(part.size) < noise]
        u = np.concatenate([unit[keep], extra])
        k = np.concatenate([true_code[keep], rng.integers(0, codes, extra.size)])
        rows.append(pd.DataFrame({"transcript": tr[u], "segment": seg["segment"].to_numpy()[u],
                                  "coder": f"coder{c}", "code": np.array(names)[k]}))
    coded = pd.concat(rows, ignore_index=True).drop_duplicates()
    return seg, coded


def _time(label, func):
    t0, c0 = time.perf_counter(), time.process_time()
    out = func()
    print(f"{label}: {time.perf_counter() - t0:.2f} s wall, {time.process_time() - c0:.2f} s CPU")
    return out


def project_study(n_transcripts: int) -> None:
    import sys
    import tempfile
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).parent))
    import bench_store

    from hrp_coding.agreement import report
    from hrp_coding.notebook.study_report import render_report
    from hrp_coding.project import Project

    bench_store.CODES[:] = [f"code_{i:02d}" for i in range(30)]
    folder = Path(tempfile.mkdtemp(prefix="hrp-bench-report-")) / "study"
    n = _time("generate the study files", lambda: bench_store.generate(folder, n_transcripts, 5000, 30))
    print(f"project: {n_transcripts} transcripts, {n} codings, 30 codes, 3 coders ({folder})")
    study = _time("store: Project.open + codings() + coded_segments('turn')",
                  lambda: Project.open(folder))
    _time("  codings()", study.codings)
    _time("  segments('turn')", lambda: study.segments("turn"))
    _time("  coded_segments('turn')", lambda: study.coded_segments("turn"))
    cached_codings, cached_coded = study.codings(), study.coded_segments("turn")
    study.codings = lambda *a, **k: cached_codings  # the report's own part: the store's views served from memory
    study.coded_segments = lambda *a, **k: cached_coded
    rep = _time("report(project, unit='turn') (store views cached)", lambda: report(study, unit="turn"))
    print(f"  units {rep.units_label}: alpha_masi {rep.overall.loc['alpha_masi', 'value']:.4f}")
    html = _time("HTML study report render_report(project) (store views cached)", lambda: render_report(study))
    print(f"  {len(html) / 1e6:.1f} MB of HTML")


def main(argv=None) -> None:
    from hrp_coding.agreement import report

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--transcripts", type=int, default=1000)
    parser.add_argument("--project", action="store_true", help="also time a generated project folder")
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")
    if args.project:
        project_study(args.transcripts)

    seg, coded = synthetic(args.transcripts, turns=60, coders=3, codes=30, per_turn=1.0)
    print(f"study: {args.transcripts} transcripts, {len(seg)} turns ({int((seg.role == 'participant').sum())} "
          f"participant), {len(coded)} coded turn rows, 3 coders, 30 codes")
    rep = _time("report(unit='turn', roles=['participant'])",
                lambda: report(coded, segments=seg, unit="turn", roles=["participant"]))
    print(f"  alpha_masi {rep.overall.loc['alpha_masi', 'value']:.4f}, "
          f"{len(rep.by_transcript)} transcripts, {len(rep.disagreements())} contested units")
    _time("  HTML rendering of that report (_repr_html_)", lambda: rep._repr_html_())

    seg, coded = synthetic(1, turns=20000, coders=10, codes=100, per_turn=1.5, seed=1)
    seg["transcript"] = np.repeat([f"W{i:03d}" for i in range(100)], 200)
    coded["transcript"] = coded["segment"].map(dict(zip(seg["segment"], seg["transcript"])))
    print(f"wide: 10 coders x 100 codes x {int((seg.role == 'participant').sum())} participant turns "
          f"({len(coded)} coded turn rows)")
    rep = _time("report(unit='turn', roles=['participant'])",
                lambda: report(coded, segments=seg, unit="turn", roles=["participant"]))
    print(f"  alpha_masi {rep.overall.loc['alpha_masi', 'value']:.4f}")


if __name__ == "__main__":
    main()
