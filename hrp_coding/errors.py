"""The error and warning catalogue of hrp-coding.

Every problem a user can meet is one of the classes below, so that notebooks and scripts can catch
exactly what they expect. Errors name the thing: the file, line, coder, unit or code concerned, the
value received and what is allowed. Validators collect every problem before raising (see
:class:`Problem` and :func:`format_problems`).

This module imports nothing from the rest of the package (it is the lowest layer).

Examples
--------
>>> err = CodebookError([Problem("codes[3].parent", "unknown code 'holdng'", hint="did you mean 'holding'?")],
...                     source="codebook.yaml")
>>> isinstance(err, ValueError)
True
>>> print(err)
codebook.yaml: 1 problem
  codes[3].parent: unknown code 'holdng' (did you mean 'holding'?)
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "AgreementError",
    "AgreementWarning",
    "AnalysisError",
    "AnchorWarning",
    "CodebookError",
    "CodebookVersionWarning",
    "CodingsImportError",
    "CodingsImportWarning",
    "DataNotFoundError",
    "DegenerateAgreementWarning",
    "EventError",
    "ExperimentalWarning",
    "HrpCodingError",
    "HrpCodingWarning",
    "JournalError",
    "JournalWarning",
    "ModelFileError",
    "ParameterTypeError",
    "PrevalenceWarning",
    "Problem",
    "ProjectError",
    "RecoveryWarning",
    "RefiError",
    "RefiWarning",
    "SuggestError",
    "TranscriptError",
    "TranscriptWarning",
    "UnknownIdError",
    "did_you_mean",
    "format_problems",
]


@dataclass(frozen=True)
class Problem:
    """One problem found by a validator.

    ``path`` locates it inside the data (``codes[3].parent``, ``row 12``, ``line 4``); ``file``,
    ``line`` and ``column`` locate it in a file when known; ``hint`` says how to fix it.
    """

    path: str
    message: str
    hint: str | None = None
    file: str | None = None
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path
        if self.line is not None:
            where += f" (line {self.line}" + (f", column {self.column}" if self.column is not None else "") + ")"
        text = f"{where}: {self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


def format_problems(problems: Iterable[Problem], source: str | None = None) -> str:
    """Render problems as one readable block: a header naming the source, then one line each.

    Parameters
    ----------
    problems : iterable of Problem
    source : str, optional
        The file or object the problems are in.

    Returns
    -------
    str

    Examples
    --------
    >>> print(format_problems([Problem("version", "expected a whole number >= 1, got 0")], "cb.yaml"))
    cb.yaml: 1 problem
      version: expected a whole number >= 1, got 0
    """
    problems = list(problems)
    noun = "problem" if len(problems) == 1 else "problems"
    header = f"{source}: {len(problems)} {noun}" if source else f"{len(problems)} {noun}"
    return "\n".join([header, *(f"  {p}" for p in problems)])


def did_you_mean(value: object, options: Iterable[str]) -> str | None:
    """The hint ``"did you mean 'x'?"`` for the option closest to ``value``, or None when none is close.

    The one did-you-mean rule of the package (difflib's ratio, cutoff 0.6).

    Parameters
    ----------
    value : object
        What the user wrote (compared as text).
    options : iterable of str
        What is allowed.

    Returns
    -------
    str or None

    Examples
    --------
    >>> did_you_mean("holdng", ["holding", "inviting"])
    "did you mean 'holding'?"
    >>> did_you_mean("zzz", ["holding"]) is None
    True
    """
    close = difflib.get_close_matches(str(value), [str(o) for o in options], n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}?" if close else None


class HrpCodingError(Exception):
    """Base class of every error raised by hrp-coding."""


class _ProblemsError(HrpCodingError, ValueError):
    """An error that carries every problem a validator found, not only the first."""

    def __init__(self, problems: Iterable[Problem] | str, source: str | None = None):
        if isinstance(problems, str):
            problems = [Problem("", problems)]
        self.problems: list[Problem] = list(problems)
        self.source = source
        super().__init__(format_problems(self.problems, source))

    def __reduce__(self):  # keep pickling (multiprocessing, pytest-xdist) working
        return (type(self), (self.problems, self.source))


class CodebookError(_ProblemsError):
    """A codebook file or edit is invalid; ``.problems`` lists every problem with its path."""


class TranscriptError(_ProblemsError):
    """A transcript file cannot be read as it is (encoding, format, speaker labels...)."""


class CodingsImportError(_ProblemsError):
    """A codings table (CSV) has rows that cannot be imported; nothing was written."""


class DataNotFoundError(HrpCodingError, FileNotFoundError):
    """A bundled data file (codebook, schema, sample study) is not where the package looked; names every place."""


class ProjectError(HrpCodingError, ValueError):
    """A project folder, transcript id, coder or coding is missing or inconsistent."""


class JournalError(HrpCodingError, OSError):
    """A coder journal cannot be read or appended to (not for a torn last line: that is a warning)."""


class EventError(HrpCodingError, ValueError):
    """A journal event is malformed: a missing or mistyped field, an unknown kind or a newer format version."""


class AgreementError(HrpCodingError, ValueError):
    """Ratings given to a reliability coefficient are malformed (shape, labels, weights...)."""


class AnalysisError(HrpCodingError, ValueError):
    """An analysis was asked for what its input cannot give: a missing column, coder, attribute or value, a
    unit that needs a project, or a parameter out of range (named, with what is there)."""


class SuggestError(HrpCodingError, ValueError):
    """The code suggester was given data it cannot learn from or predict on."""


class ModelFileError(HrpCodingError, ValueError):
    """A saved suggester file is malformed, tampered with or of an unknown format; nothing was executed."""


class ParameterTypeError(HrpCodingError, TypeError):
    """A value of a type that is not taken: names the parameter, the type received and the types allowed (also
    ``float()`` of a result that has no value)."""


class UnknownIdError(HrpCodingError, KeyError):
    """A code or transcript id that is not there: names the id asked for, the ids known and the closest one."""

    def __str__(self) -> str:  # the message as written (KeyError would show its repr)
        return str(self.args[0]) if self.args else ""


class RefiError(_ProblemsError):
    """A REFI-QDA file (.qdc, .qdpx) is unreadable or hostile (zip slip, zip bomb, XML entities)."""


class HrpCodingWarning(UserWarning):
    """Base class of every warning issued by hrp-coding."""


class AgreementWarning(HrpCodingWarning):
    """Base class of reliability warnings."""


class DegenerateAgreementWarning(AgreementWarning):
    """A coefficient met a degenerate case (one coder, one category, no variation, no pairable unit).

    The value returned follows the documented policy in :mod:`hrp_coding.agreement`.
    """


class ExperimentalWarning(AgreementWarning):
    """A coefficient is implemented from its published formulas but not yet checked against a published
    worked example (e.g. the newer unitizing family |u-alpha, cu-alpha, (k)u-alpha)."""


class PrevalenceWarning(AgreementWarning):
    """High raw agreement meets a low chance-corrected coefficient (the kappa paradox)."""


class JournalWarning(HrpCodingWarning):
    """A coder journal had a torn or unreadable line; it was skipped and every other event kept."""


class AnchorWarning(HrpCodingWarning):
    """Some codings could not be re-anchored after a transcript changed; they are kept and listed."""


class RecoveryWarning(HrpCodingWarning):
    """Opening a project finished or rolled back a change that a crash had interrupted (says which, and what)."""


class TranscriptWarning(HrpCodingWarning):
    """A transcript was read, but something in it was guessed or repaired (say which, and where)."""


class CodebookVersionWarning(HrpCodingWarning):
    """A model or coding was made with another codebook version than the one in use."""


class CodingsImportWarning(HrpCodingWarning):
    """Codings were imported, but something was matched loosely (a quote after normalising quotes and dashes)."""


class RefiWarning(HrpCodingWarning):
    """A REFI-QDA file deviates from the standard in a known, tolerated way."""
