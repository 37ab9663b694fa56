"""``hrp-coding suggest`` and ``hrp-coding evaluate``: offline code suggestions and their honest evaluation."""

from __future__ import annotations

from hrp_coding.cli import add_command
from hrp_coding.errors import SuggestError
from hrp_coding.units import SEGMENT_UNITS


def register(subparsers) -> None:
    """Add ``hrp-coding suggest`` and ``hrp-coding evaluate``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands, which gain the two suggester commands (both train on the project's human
        codings).

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["suggest", "study", "--coder", "ben", "--transcript", "P01", "--all"])
    >>> args.transcript, args.top_k, args.all
    (['P01'], 3, True)
    """
    cmd = add_command(subparsers, "suggest",
                      help="Suggest codes for a coder's segments (trained on the other coders' codings; "
                           "from the codebook alone before anyone has coded).",
                      example="hrp-coding suggest my-study --coder ben --transcript P05 --top-k 3", func=run_suggest)
    cmd.add_argument("study", metavar="STUDY", help="project folder")
    cmd.add_argument("--coder", required=True, help="who the suggestions are for")
    cmd.add_argument("--transcript", action="append", help="restrict to this transcript (repeatable)")
    cmd.add_argument("--top-k", type=int, default=3, help="at most this many codes per segment (default 3)")
    cmd.add_argument("--unit", choices=SEGMENT_UNITS, default=None,
                     help="segment unit (default: the project's)")
    cmd.add_argument("--all", action="store_true",
                     help="also show suggestions below the codes' precision thresholds")
    cmd.add_argument("--output", help="write the suggestions to this CSV file instead of printing them")
    _add_embedding_options(cmd)

    cmd = add_command(subparsers, "evaluate",
                      help="Cross-validate the code suggester against one coder's codings (grouped by transcript).",
                      example="hrp-coding evaluate my-study --gold ana --cv 5", func=run_evaluate)
    cmd.add_argument("study", metavar="STUDY", help="project folder")
    cmd.add_argument("--gold", required=True, help="the coder whose codings are the truth")
    cmd.add_argument("--cv", type=int, default=5, help="folds (at most the number of transcripts; default 5)")
    cmd.add_argument("--unit", choices=SEGMENT_UNITS, default=None)
    cmd.add_argument("--target-precision", type=float, default=0.9,
                     help="precision the per-code thresholds aim at (default 0.9)")
    _add_embedding_options(cmd)


def _add_embedding_options(cmd) -> None:
    cmd.add_argument("--embeddings", metavar="FOLDER",
                     help="add sentence embeddings from this local model folder (ONNX model.onnx or Model2Vec "
                          "model.safetensors; never downloaded; off by default)")
    cmd.add_argument("--embeddings-sha256", metavar="HEX",
                     help="the sha256 of that folder's weights file (required with --embeddings)")


def _estimator(args, project):
    """The project's default estimator, with sentence embeddings fused in when ``--embeddings`` names a model folder."""
    if not getattr(args, "embeddings", None):
        if getattr(args, "embeddings_sha256", None):
            raise SuggestError("--embeddings-sha256 given without --embeddings FOLDER")
        return None
    if not args.embeddings_sha256:
        raise SuggestError(f"--embeddings {args.embeddings}: give the sha256 of its weights file with "
                           "--embeddings-sha256 (a model is used only once its bytes are checked)")
    from hrp_coding.suggest.embeddings import open_embedder
    from hrp_coding.suggest.project import project_estimator

    return project_estimator(project, embedder=open_embedder(args.embeddings, args.embeddings_sha256))


def run_suggest(args) -> int:
    """Train the project's model and print (or write as CSV) the suggestions for one coder.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``coder``, ``transcript``, ``top_k``, ``unit``, ``all`` (below the thresholds too),
        ``output``, and ``embeddings`` / ``embeddings_sha256`` (an optional local embedding model).

    Returns
    -------
    int
        0; a coder the project hides suggestions from is refused before anything is trained.

    Examples
    --------
    >>> import contextlib, io
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.cli import main
    >>> study = tiny_study()   # ben codes blind: the project hides suggestions from him
    >>> _ = study.update_settings(suggestions_hidden_from=["ben"])
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     code = main(["suggest", str(study.path), "--coder", "ben"])
    >>> code, "hidden from coder 'ben'" in err.getvalue()
    (1, True)
    """
    from tqdm.auto import tqdm

    from hrp_coding.project import Project
    from hrp_coding.suggest import check_not_hidden, suggest
    from hrp_coding.suggest.project import fit_project_model

    project = Project.open(args.study)
    check_not_hidden(project, args.coder)  # before any training: blind coders see nothing
    estimator = _estimator(args, project)  # a model folder is checked before any training
    with tqdm(total=2, desc="suggest", unit="step") as bar:
        bar.set_postfix_str("training")
        model = fit_project_model(project, unit=args.unit, estimator=estimator)
        bar.update()
        bar.set_postfix_str("suggesting")
        table = suggest(project, coder=args.coder, transcript=args.transcript, top_k=args.top_k, unit=args.unit,
                        model=model, use_thresholds=not args.all)
        bar.update()
    if args.output:
        out = table.copy()
        for col in ("evidence", "evidence_terms", "nearest_examples"):
            out[col] = out[col].map(lambda items: " | ".join(items))
        out["highlights"] = out["highlights"].map(lambda spans: " ".join(f"{a}-{b}" for a, b in spans))
        from hrp_coding.store.csv_export import write_csv

        write_csv(out, args.output)
        print(f"{len(table)} suggestions written to {args.output}")
        return 0
    if table.empty:
        print("No suggestion reaches its code's threshold (use --all to see weaker ones).")
        return 0
    for row in table.itertuples(index=False):
        print(f"{row.segment}  {row.code}  {row.confidence:.2f}  ({row.reliability})")
        print(f"    {row.text[:110]}")
        if row.evidence:
            print(f"    why: {'; '.join(row.evidence[:3])}")
        if row.codebook_example:
            print(f"    closest codebook example: {row.codebook_example[:110]}")
    return 0


def run_evaluate(args) -> int:
    """Cross-validate the suggester against one coder's codings and print the result.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``gold``, ``cv``, ``unit``, ``target_precision``, and ``embeddings`` /
        ``embeddings_sha256`` (an optional local embedding model).

    Returns
    -------
    int
        0 after printing the evaluation.

    Examples
    --------
    >>> import contextlib, io
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:   # one coded transcript: nothing to cross-validate
    ...     code = main(["evaluate", str(tiny_study().path), "--gold", "ana"])
    >>> code, "grouped cross-validation needs 2+" in err.getvalue()
    (1, True)
    """
    from hrp_coding.project import Project
    from hrp_coding.suggest import evaluate

    project = Project.open(args.study)
    result = evaluate(project, gold=args.gold, cv=args.cv, unit=args.unit, target_precision=args.target_precision,
                      estimator=_estimator(args, project), progress=True)
    print(result)
    return 0
