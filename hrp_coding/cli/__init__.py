"""The ``hrp-coding`` command line: a thin shell over library functions.

Each command group lives in its own module in this package and exposes ``register(subparsers)``,
which adds its commands; each command calls one library function. Library modules are imported
inside the command functions, so ``hrp-coding --help`` stays fast.

Examples
--------
>>> main(["info"])  # doctest: +ELLIPSIS
hrp-coding 0.1.0
...
0
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

from hrp_coding.errors import HrpCodingError

# Command-group modules, in the order their commands are listed in --help.
COMMAND_MODULES = [
    "hrp_coding.cli.info",
    "hrp_coding.cli.codebook",
    "hrp_coding.cli.project",
    "hrp_coding.cli.agreement",
    "hrp_coding.cli.refi",
    "hrp_coding.cli.report",
    "hrp_coding.cli.suggest",
]


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Keeps the line breaks of the examples in each command's description."""


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser, with every registered command."""
    parser = argparse.ArgumentParser(
        prog="hrp-coding",
        description="Qualitative coding and reliability for harm reduction psychotherapy research.",
        epilog="Example:\n  hrp-coding demo --out hrp-demo\n\n"
        "Run 'hrp-coding COMMAND --help' for each command's options and an example.",
        formatter_class=_HelpFormatter,
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subparsers)
    return parser


def add_command(subparsers, name: str, *, help: str, example: str, func) -> argparse.ArgumentParser:
    """Add one command with its one-line help and a worked example shown by ``--help``."""
    command = subparsers.add_parser(
        name,
        help=help,
        description=f"{help}\n\nExample:\n  {example}",
        formatter_class=_HelpFormatter,
    )
    command.set_defaults(func=func)
    return command


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 a reported error, 2 usage)."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except (HrpCodingError, FileNotFoundError, IsADirectoryError, PermissionError) as err:
        print(f"hrp-coding {args.command}: error: {err}", file=sys.stderr)
        return 1
    return 0 if result is None else int(result)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
