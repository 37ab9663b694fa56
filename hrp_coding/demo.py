"""The guided tour on the sample study: what ``hrp-coding demo`` runs.

It copies the fictional sample study into a fresh project folder, computes inter-rater reliability,
trains and evaluates the offline code suggester with grouped cross-validation, shows suggestions for a
new interview, writes the HTML report and prints a short summary with the report's path.

From Python::

    from hrp_coding.demo import run_demo
    summary = run_demo("hrp-demo")
    print(summary)
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["DemoSummary", "run_demo"]


@dataclass(frozen=True)
class DemoSummary:
    """What the demo measured, and where it wrote its files."""

    study: Path
    report: Path
    n_transcripts: int
    n_codings: int
    coders: tuple[str, ...]
    alpha_masi: float
    pooled_kappa: float
    weakest_codes: tuple[tuple[str, float], ...]
    suggester_macro_f1: float
    suggester_kappa: float
    n_suggestions: int
    seconds: float
    lines: tuple[str, ...] = field(default=(), repr=False)

    def __str__(self) -> str:
        return "\n".join(self.lines)


def run_demo(out: str | os.PathLike = "hrp-demo", *, echo=print) -> DemoSummary:
    """Run the tour into the folder ``out`` (created; an existing study there is refused, not overwritten).

    Parameters
    ----------
    out : str or os.PathLike, default "hrp-demo"
        The folder the demo writes into: the sample study in ``out/study`` and the HTML report beside it.
    echo : callable, default print
        Receives each line of the summary as it is produced; ``lambda line: None`` for silence.

    Returns
    -------
    DemoSummary
        Where the study and report are, the agreement figures (Krippendorff's alpha with MASI, pooled kappa,
        the weakest codes), the suggester's macro F1 and kappa on held-out transcripts, and the time taken.

    Raises
    ------
    ProjectError
        When ``out/study`` already exists (a study is never overwritten).

    Examples
    --------
    A full run builds the sample study and trains the suggester (tens of seconds); a second run into the same
    folder is refused:

    >>> import pathlib, tempfile
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> (out / "study").mkdir()
    >>> run_demo(out, echo=lambda line: None)
    Traceback (most recent call last):
    ...
    hrp_coding.errors.ProjectError: .../study already exists; choose another --out folder or remove it
    """
    from hrp_coding import agreement, datasets
    from hrp_coding.errors import ProjectError
    from hrp_coding.notebook.study_report import write_report
    from hrp_coding.suggest import evaluate, suggest

    started = time.perf_counter()
    out = Path(out)
    study_dir = out / "study"
    if study_dir.exists():
        raise ProjectError(f"{study_dir} already exists; choose another --out folder or remove it")
    lines: list[str] = []

    def say(line: str = "") -> None:
        lines.append(line)
        echo(line)

    say("hrp-coding demo: the fictional 'Making Room' sample study (8 practitioner interviews, 3 coders)")
    study = datasets.sample_study(study_dir)
    codings = study.codings()
    coders = tuple(sorted(set(codings["coder"])))
    originals = [t for t in study.transcript_ids if study.transcript(t).attributes.get("sample") != "replication"]
    say(f"  study copied to {study_dir}: {len(study.transcript_ids)} transcripts "
        f"({len(originals)} coded, {len(study.transcript_ids) - len(originals)} new), "
        f"{len(codings)} codings by {', '.join(coders)}")

    rep = agreement.report(study, unit="turn", coders=list(coders))
    overall = rep.overall["value"]
    by_code = rep.by_code["alpha"].dropna().sort_values()
    weakest = tuple((code, float(value)) for code, value in by_code.head(3).items())
    say(f"  agreement per turn: MASI alpha {overall['alpha_masi']:.3f}, pooled kappa {overall['pooled_kappa']:.3f}; "
        f"{len(rep.disagreements())} contested turns")
    say("  weakest codes (Krippendorff's alpha): " + ", ".join(f"{c} {v:.2f}" for c, v in weakest))

    result = evaluate(study, gold="ana", cv=5, unit="turn")
    say(f"  code suggester (spaCy + scikit-learn, offline), 5-fold CV grouped by interview, gold = ana: "
        f"macro-F1 {result.macro_f1:.3f}, kappa {result.kappa:.3f}")
    if result.human is not None and len(result.human):
        ceiling = ", ".join(f"{row.coder} {row.macro_f1:.3f}" for row in result.human.itertuples())
        say(f"    human ceiling on the same turns (macro-F1 vs ana): {ceiling}")

    new_interview = sorted(set(study.transcript_ids) - set(originals))[0]
    suggestions = suggest(study, coder="dana", transcript=new_interview, top_k=3)
    noun = "suggestion" if len(suggestions) == 1 else "suggestions"
    reliable = int((suggestions["reliability"] == "reliable").sum())  # an empty table has the column too
    say(f"  {len(suggestions)} {noun} for the new interview {new_interview} (never applied until a coder accepts "
        f"them): {reliable} above a code's 90%-precision threshold, {len(suggestions) - reliable} from codes "
        "not reliable yet (too little coding to vouch for that precision: the model's best guess)"
        + (":" if len(suggestions) else ""))
    for row in suggestions.sort_values("confidence", ascending=False).head(3).itertuples():
        say(f"    {row.code} ({row.confidence:.0%}, {row.reliability}) at {row.segment}")

    report_path = write_report(study, out / "report.html", unit="turn")
    seconds = time.perf_counter() - started
    say(f"  report: {report_path.resolve()}")
    say(f"done in {seconds:.1f} s. Next: open the notebooks in notebooks/ (jupyter lab notebooks/).")
    return DemoSummary(study_dir, report_path, len(study.transcript_ids), len(codings), coders,
                       float(overall["alpha_masi"]), float(overall["pooled_kappa"]), weakest,
                       float(result.macro_f1), float(result.kappa), len(suggestions), seconds, tuple(lines))
