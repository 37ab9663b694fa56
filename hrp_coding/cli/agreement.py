"""``hrp-coding agreement``: the study's inter-rater agreement report (a thin shell over ``agreement.report``)."""

from __future__ import annotations

import json
import sys

from hrp_coding.cli import add_command
from hrp_coding.units import AGREEMENT_UNITS

_BY = {"code": "code", "transcript": "transcript", "pair": "pair", "coder": "coder", "overall": "overall",
       "gold": "gold"}


def register(subparsers) -> None:
    """Add ``hrp-coding agreement``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands, which gain ``agreement``.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["agreement", "study", "--gold", "consensus", "--format", "csv"])
    >>> args.gold, args.by, args.format
    ('consensus', None, 'csv')
    """
    cmd = add_command(subparsers, "agreement", help="Inter-rater agreement of a study: per code, transcript or pair.",
                      example="hrp-coding agreement my-study --unit turn --by code --coders ana,ben", func=run)
    cmd.add_argument("study", metavar="STUDY", help="the project folder")
    cmd.add_argument("--unit", default="turn", choices=AGREEMENT_UNITS,
                     help="unit of analysis (default: turn)")
    cmd.add_argument("--by", default=None, choices=list(_BY),
                     help="which table to print (default: gold with --gold, else code)")
    cmd.add_argument("--format", default="table", choices=["table", "csv", "json"], help="output format")
    cmd.add_argument("--coders", default=None, help="comma-separated coders to compare (default: all)")
    cmd.add_argument("--codes", default=None, help="comma-separated codes (default: all used)")
    cmd.add_argument("--gold", default=None,
                     help="a reference layer, e.g. consensus (complete: agreed units enter it automatically, "
                          "contested ones by adjudication)")
    cmd.add_argument("--overlap", default="any", help="how a coding must overlap a segment (default: any)")
    cmd.add_argument("--roles", default="codebook",
                     help="speaker roles whose segments are the units, comma-separated, or 'all' (default: the "
                          "codebook's coded_roles, i.e. participant turns unless it says otherwise)")
    cmd.add_argument("--disagreements", action="store_true",
                     help="print the contested segments instead of a table")


def _split(value):
    return None if value is None else [v.strip() for v in value.split(",") if v.strip()]


def _roles(value: str):
    return value if value in ("codebook", "all") else _split(value)


def run(args) -> None:
    """Print one table of :func:`hrp_coding.agreement.report` (or the contested units), as text, CSV or JSON.

    Warnings and the report's notes go to standard error.

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``unit``, ``by``, ``format``, ``coders``, ``codes``, ``gold``, ``overlap``, ``roles`` and
        ``disagreements``.

    Examples
    --------
    >>> import contextlib, io
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> _ = study.add_coding(coder="ben", transcript="P01", start=9, end=24, code="holding")
    >>> with contextlib.redirect_stderr(io.StringIO()):
    ...     code = main(["agreement", str(study.path), "--by", "overall", "--format", "json"])  # doctest: +ELLIPSIS
    [
      {
        "statistic": "alpha_masi",
        "value": 1.0,
    ...
    >>> code
    0
    """
    import warnings

    from hrp_coding.agreement.report import report
    from hrp_coding.project import Project

    project = Project.open(args.study)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rep = report(project, unit=args.unit, coders=_split(args.coders), codes=_split(args.codes),
                     overlap=args.overlap, gold=args.gold, roles=_roles(args.roles))
    by = args.by or ("gold" if args.gold else "code")
    table = rep.disagreements() if args.disagreements else rep.to_frame(_BY[by])
    if args.format == "csv":
        from hrp_coding.store.csv_export import write_csv

        write_csv(table, sys.stdout, index=True)
    elif args.format == "json":
        frame = table.reset_index() if not args.disagreements else table
        print(json.dumps(json.loads(frame.to_json(orient="records")), indent=2))
    else:
        if args.disagreements:
            print(table.to_string(index=False))
        else:
            import pandas as pd

            with pd.option_context("display.width", 160, "display.max_columns", 30,
                                   "display.float_format", "{:.3f}".format):
                print(table.to_string())
        for w in caught:
            print(f"warning: {w.message}", file=sys.stderr)
        for note in rep.notes:
            print(f"note: {note}", file=sys.stderr)
    if args.format != "table":
        print(f"units: {rep.units_label}", file=sys.stderr)
