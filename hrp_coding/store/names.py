"""One validator for the names that become file names: transcript ids, coder names and code ids.

Each of them names a file in the project folder (``transcripts/<id>.txt``, ``codings/<coder>.jsonl``,
``memos/codes/<id>.md``), so the same rules hold for all three: no path separator, no ``..``, no
control character, no leading or trailing whitespace (a name ending in a newline is refused), no
name Windows reserves (``CON``, ``NUL``, ``COM1``...), and no two names that differ only in case
(they would be one file on macOS and Windows).

========== =================================================================================
kind       allowed
========== =================================================================================
transcript letters, digits, ``.``, ``_``, ``-``; starts with a letter or digit; at most 64
coder      a lowercase slug (letters, digits, ``-``, ``_``), ``model:<name>`` or ``consensus``
code       a lowercase identifier (as the codebook's: letter first, then letters, digits, ``_``)
========== =================================================================================

Examples
--------
>>> check_name("P01", "transcript")
'P01'
>>> check_name("../../../outside/X", "transcript")
Traceback (most recent call last):
...
hrp_coding.errors.ProjectError: transcript id '../../../outside/X' is not usable as a file name: it contains a path ...
>>> check_name("ana\\n", "coder")
Traceback (most recent call last):
...
hrp_coding.errors.ProjectError: coder name 'ana\\n' is not usable as a file name: it contains a control character ...
>>> check_name("p01", "transcript", existing=["P01"])
Traceback (most recent call last):
...
hrp_coding.errors.ProjectError: transcript id 'p01' is not usable as a file name: it differs only in case from 'P01' ...
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from hrp_coding.codebook.rules import ID_PATTERN
from hrp_coding.errors import ProjectError
from hrp_coding.errors import did_you_mean as errors_did_you_mean

__all__ = ["CODER_PATTERN", "CODE_PATTERN", "TRANSCRIPT_PATTERN", "check_coder", "check_name", "did_you_mean",
           "name_problem"]

TRANSCRIPT_PATTERN = re.compile(r"\A[A-Za-z0-9][A-Za-z0-9_.-]{0,63}\Z")
CODER_PATTERN = re.compile(r"\A(?:[a-z0-9][a-z0-9_-]{0,63}|model:[a-z0-9][a-z0-9_.-]{0,63})\Z")
CODE_PATTERN = ID_PATTERN  # the codebook's rule (codebook/schema.json), not a copy of it
_PATTERNS = {"transcript": (TRANSCRIPT_PATTERN, "transcript id", "letters, digits, '.', '_' or '-', starting with a "
                            "letter or digit, at most 64 characters"),
             "coder": (CODER_PATTERN, "coder name", "a lowercase slug such as 'ana' (letters, digits, '-', '_'), "
                       "'model:<name>' for a model layer, or 'consensus'"),
             "code": (CODE_PATTERN, "code id", "a lowercase identifier such as 'holding' (a letter, then letters, "
                      "digits or '_')")}
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_RESERVED = re.compile(r"(?i)(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?")


def did_you_mean(value: Any, options: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest of ``options``, or ``""`` (:func:`hrp_coding.errors.did_you_mean`
    as a suffix).

    Parameters
    ----------
    value : object
        What was given (an unknown coder, transcript or code).
    options : iterable of str
        What exists.

    Returns
    -------
    str
        The suffix for an error message, empty when nothing is close.

    Examples
    --------
    >>> did_you_mean("P1", ["P01", "P02"]), did_you_mean("zzz", ["P01"])
    (" (did you mean 'P01'?)", '')
    """
    hint = errors_did_you_mean(value, options)
    return f" ({hint})" if hint else ""


def name_problem(value: Any, kind: str, existing: Iterable[str] = ()) -> str | None:
    """What is wrong with ``value`` as a ``kind`` name (``transcript``, ``coder``, ``code``), or None.

    Parameters
    ----------
    value : object
        The name to check.
    kind : {"transcript", "coder", "code"}
        Which rules apply (see the module docstring).
    existing : iterable of str, default ()
        Names already in use: one differing only in case is a problem.

    Returns
    -------
    str or None
        The problem in words (``"it contains '..'"``...), or None for a valid name.

    Examples
    --------
    >>> name_problem("CON", "transcript"), name_problem("ana", "coder")
    ('Windows reserves that file name', None)
    """
    pattern, _label, _allowed = _PATTERNS[kind]
    if not isinstance(value, str):
        return f"it is a {type(value).__name__}, not a string"
    if "/" in value or "\\" in value:
        return "it contains a path separator"
    if ".." in value:
        return "it contains '..'"
    if _CONTROL.search(value):
        return "it contains a control character"
    if value != value.strip():
        return "it starts or ends with whitespace"
    if _RESERVED.fullmatch(value.split(":")[-1]):
        return "Windows reserves that file name"
    if not pattern.fullmatch(value):
        return "it has characters that are not allowed"
    folded = value.casefold()
    for other in existing:
        if other != value and other.casefold() == folded:
            return f"it differs only in case from {other!r}"
    return None


def check_name(value: Any, kind: str, *, existing: Iterable[str] = ()) -> str:
    """Return ``value`` when it is a valid ``kind`` name (see the module), else raise ProjectError saying why.

    Parameters
    ----------
    value : object
        The name to check.
    kind : {"transcript", "coder", "code"}
        Which rules apply.
    existing : iterable of str, default ()
        Names already in use (case twins are refused).

    Returns
    -------
    str
        ``value`` itself, when valid.

    Raises
    ------
    ProjectError
        When :func:`name_problem` finds a problem: the message names the value, the problem and what is allowed.

    Examples
    --------
    >>> check_name("holding", "code")
    'holding'
    """
    problem = name_problem(value, kind, existing)
    if problem is not None:
        _pattern, label, allowed = _PATTERNS[kind]
        raise ProjectError(f"{label} {value!r} is not usable as a file name: {problem} (use {allowed})")
    return value


def check_coder(coder: Any, what: str = "coder") -> str:
    """A valid coder name (see :func:`check_name`); ``what`` names the parameter in the error.

    Parameters
    ----------
    coder : object
        The coder name to check (a slug, ``model:<name>`` or ``consensus``).
    what : str, default "coder"
        The parameter's name in the message (``"coder_a"``...).

    Returns
    -------
    str
        ``coder`` itself.

    Raises
    ------
    ProjectError
        Naming the parameter, the value and what is allowed.

    Examples
    --------
    >>> check_coder("model:suggest-v1")
    'model:suggest-v1'
    >>> check_coder("Ana B", what="coder_b")
    Traceback (most recent call last):
    ...
    hrp_coding.errors.ProjectError: coder_b 'Ana B' is not a valid coder name: it has characters that are not ...
    """
    problem = name_problem(coder, "coder")
    if problem is not None:
        raise ProjectError(f"{what} {coder!r} is not a valid coder name: {problem} (use {_PATTERNS['coder'][2]})")
    return coder
