"""``hrp-coding report`` and ``hrp-coding demo``: the study report, and the whole tour on the sample study."""

from __future__ import annotations

from hrp_coding.cli import add_command
from hrp_coding.units import SEGMENT_UNITS


def register(subparsers) -> None:
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
    from hrp_coding.notebook.study_report import write_report
    from hrp_coding.project import Project

    coders = [c.strip() for c in args.coders.split(",")] if args.coders else None
    roles = args.roles if args.roles in ("codebook", "all") else [r.strip() for r in args.roles.split(",") if r.strip()]
    path = write_report(Project.open(args.study), args.out, unit=args.unit, coders=coders, roles=roles)
    print(f"report written to {path}")


def run_demo(args) -> None:
    from hrp_coding.demo import run_demo as tour

    tour(args.out)
