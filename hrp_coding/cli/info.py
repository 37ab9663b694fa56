"""``hrp-coding info``: versions of hrp-coding, Python and the libraries it uses, for bug reports."""

from __future__ import annotations

import platform
from importlib import metadata

from hrp_coding.cli import add_command

_LIBRARIES = ["numpy", "pandas", "spacy", "scikit-learn", "python-docx", "pyyaml", "matplotlib", "anywidget"]


def register(subparsers) -> None:
    """Add ``hrp-coding info``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The top-level commands of :func:`hrp_coding.cli.build_parser`.

    Examples
    --------
    >>> from hrp_coding.cli import build_parser
    >>> build_parser().parse_args(["info"]).func is run
    True
    """
    add_command(subparsers, "info", help="Print versions of hrp-coding, Python and its libraries.",
                example="hrp-coding info", func=run)


def versions() -> dict[str, str]:
    """Installed versions of hrp-coding's dependencies (``not installed`` where absent), without importing them.

    Returns
    -------
    dict of str to str
        ``hrp-coding``, ``python``, ``platform``, then each library by its distribution name.

    Examples
    --------
    >>> found = versions()
    >>> list(found)[:3], "pandas" in found
    (['hrp-coding', 'python', 'platform'], True)
    """
    import hrp_coding

    found = {"hrp-coding": hrp_coding.__version__, "python": platform.python_version(),
             "platform": platform.platform()}
    for name in _LIBRARIES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = "not installed"
    return found


def run(args) -> None:
    """Print the versions, one a line (what a bug report should include).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed ``hrp-coding info`` (it has no options).

    Examples
    --------
    >>> run(None)  # doctest: +ELLIPSIS
    hrp-coding ...
      python: ...
    """
    found = versions()
    print(f"hrp-coding {found.pop('hrp-coding')}")
    for name, version in found.items():
        print(f"  {name}: {version}")
