"""``hrp-coding report`` and ``hrp-coding demo``: the study report, and the whole tour on the sample study."""

from __future__ import annotations

from hrp_coding.cli import add_command
from hrp_coding.units import SEGMENT_UNITS


def register(subparsers) -> None:
    """Add ``hrp-coding report`` and ``hrp-coding demo``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands, which gain ``report`` and ``demo``.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> args = build_parser().parse_args(["report", "study", "--roles", "all"])
    >>> args.out, args.roles, args.func is run_report
    ('report.html', 'all', True)
    """
    report = add_command(subparsers, "report", help="Write one self-contained HTML report about a study.",
                         example="hrp-coding report my-study --out report.html", func=run_report)
    report.add_argument("study", help="the project folder")
    report.add_argument("--out", default="report.html", help="the HTML file to write (default: report.html)")
    report.add_argument("--unit", choices=SEGMENT_UNITS, default=None,
                        help="segmentation unit for agreement (default: the project's)")
    report.add_argument("--coders", default=None, help="comma-separated coders to compare (default: all humans)")
    report.add_argument("--roles", default="codebook",
                        help="speaker roles whose segments are the agreement units, comma-separated, or 'all' "
                             "(default: the codebook's coded_roles)")
    demo = add_command(subparsers, "demo", help="Run the tour on the fictional sample study and write its report.",
                       example="hrp-coding demo --out hrp-demo", func=run_demo)
    demo.add_argument("--out", default="hrp-demo", help="folder to create for the study and report "
                      "(default: hrp-demo)")


def run_report(args) -> None:
    """Write the study's HTML report (:func:`hrp_coding.notebook.study_report.write_report`).

    Parameters
    ----------
    args : argparse.Namespace
        ``study``, ``out``, ``unit``, ``coders`` (comma-separated) and ``roles``.

    Examples
    --------
    >>> import pathlib, tempfile, warnings
    >>> from hrp_coding.cli import main
    >>> from hrp_coding.datasets import tiny_study
    >>> out = pathlib.Path(tempfile.mkdtemp()) / "report.html"
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore")
    ...     code = main(["report", str(tiny_study().path), "--out", str(out)])  # doctest: +ELLIPSIS
    report written to .../report.html
    >>> code, out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    (0, True)
    """
    from hrp_coding.notebook.study_report import write_report
    from hrp_coding.project import Project

    coders = [c.strip() for c in args.coders.split(",")] if args.coders else None
    roles = args.roles if args.roles in ("codebook", "all") else [r.strip() for r in args.roles.split(",") if r.strip()]
    path = write_report(Project.open(args.study), args.out, unit=args.unit, coders=coders, roles=roles)
    print(f"report written to {path}")


def run_demo(args) -> None:
    """Run the whole tour (:func:`hrp_coding.demo.run_demo`) into ``--out``.

    Parameters
    ----------
    args : argparse.Namespace
        ``out``, the folder to create.

    Examples
    --------
    The tour takes tens of seconds (it builds the sample study and trains the suggester); a folder that
    already holds a study is refused:

    >>> import contextlib, io, pathlib, tempfile
    >>> from hrp_coding.cli import main
    >>> out = pathlib.Path(tempfile.mkdtemp())
    >>> (out / "study").mkdir()
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     code = main(["demo", "--out", str(out)])
    >>> code, "already exists" in err.getvalue()
    (1, True)
    """
    from hrp_coding.demo import run_demo as tour

    tour(args.out)
