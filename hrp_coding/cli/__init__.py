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
import re
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
    """The full argument parser, with every registered command.

    Returns
    -------
    argparse.ArgumentParser
        ``hrp-coding`` with one subcommand per command of :data:`COMMAND_MODULES`; each parsed command carries
        the function that runs it (``args.func``).

    Examples
    --------
    >>> args = build_parser().parse_args(["segments", "my-study", "--unit", "sentence"])
    >>> args.command, args.study, args.unit, args.func.__name__
    ('segments', 'my-study', 'sentence', 'run_segments')
    """
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
    """Add one command with its one-line help and a worked example shown by ``--help``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        What ``ArgumentParser.add_subparsers()`` returned (the top level, or a command group's).
    name : str
        The command's name.
    help : str
        One line for the command list; also the start of its description.
    example : str
        A command line shown under ``Example:`` in ``--help``.
    func : callable
        ``func(args)`` runs the command; it returns None or an exit code.

    Returns
    -------
    argparse.ArgumentParser
        The command's parser, to add its arguments to.

    Examples
    --------
    >>> import argparse
    >>> sub = argparse.ArgumentParser(prog="demo").add_subparsers(dest="command")
    >>> cmd = add_command(sub, "hello", help="Say hello.", example="demo hello", func=lambda args: None)
    >>> print(cmd.description)
    Say hello.
    <BLANKLINE>
    Example:
      demo hello
    """
    command = subparsers.add_parser(
        name,
        help=help,
        description=f"{help}\n\nExample:\n  {example}",
        formatter_class=_HelpFormatter,
    )
    command.set_defaults(func=func)
    return command


# Library hints name Python parameters; a CLI user needs the option instead (one place for the mapping).
_CLI_HINTS = (
    (re.compile(r"pass encoding='([^']+)'|encoding=\{?'([^']+)'\}?"),
     lambda m: f"--encoding {m.group(1) or m.group(2)}"),
    (re.compile(r"new_coder=True or add_coders|add the coder to the roster first"),
     lambda m: "run 'hrp-coding add-coders STUDY NAME' first, or pass --new-coders"),
    (re.compile(r"pass layout= / speaker_pattern="), lambda m: "pass --layout or --speaker-pattern"),
    (re.compile(r"\bspeaker_pattern=?"), lambda m: "--speaker-pattern"),
    (re.compile(r"\bspeaker_roles=?"), lambda m: "--roles"),
    (re.compile(r"\blayout="), lambda m: "--layout "),
    (re.compile(r"write it like r'"), lambda m: "write it like '"),
    (re.compile(r"give another transcript id"), lambda m: "rename the file"),
    (re.compile(r"leave encoding=None|leave the encoding out"), lambda m: "leave out --encoding"),
    (re.compile(r"read it with read_utterance_table"), lambda m: "split it into one file per transcript"),
)


def cli_message(message: str) -> str:
    """A library message with its Python hints turned into CLI options.

    Parameters
    ----------
    message : str
        An error message of the library (it may suggest ``encoding=`` or ``speaker_pattern=``).

    Returns
    -------
    str
        The same message with each such hint in the command line's terms.

    Examples
    --------
    >>> cli_message("not valid UTF-8 (pass encoding='cp1252')")
    'not valid UTF-8 (--encoding cp1252)'
    """
    for pattern, replace in _CLI_HINTS:
        message = pattern.sub(replace, message)
    return message


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 success, 1 a reported error, 2 usage).

    A library error (any :class:`~hrp_coding.errors.HrpCodingError`, a missing file) is printed to standard
    error as ``hrp-coding COMMAND: error: ...``, never as a traceback.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name; ``sys.argv[1:]`` by default.

    Returns
    -------
    int
        The exit code.

    Examples
    --------
    >>> import contextlib, io
    >>> with contextlib.redirect_stderr(io.StringIO()) as err:
    ...     code = main(["codebook", "validate", "no-such-file.yaml"])
    >>> code, err.getvalue().startswith("hrp-coding codebook: error:")
    (1, True)
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "func", None) is None:
        parser.print_help()
        return 2
    try:
        result = args.func(args)
    except (HrpCodingError, FileNotFoundError, IsADirectoryError, PermissionError) as err:
        print(f"hrp-coding {args.command}: error: {cli_message(str(err))}", file=sys.stderr)
        return 1
    return 0 if result is None else int(result)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
