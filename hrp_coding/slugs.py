"""Identifiers made from display names: one slug rule, one "make it unique" rule.

Code ids (``Making room!`` -> ``making_room``), coder names (``Ana María`` -> ``ana-maria``) and transcript ids
are all made here. This module imports nothing from the rest of the package, so every layer may use it.

Examples
--------
>>> slugify("Ana María"), slugify("Making room!", sep="_")
('ana-maria', 'making_room')
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["ascii_fold", "slugify", "unique"]


def ascii_fold(text: str) -> str:
    """``text`` without accents or other non-ASCII characters (NFKD, then ASCII only).

    Parameters
    ----------
    text : str

    Returns
    -------
    str

    Examples
    --------
    >>> ascii_fold("Zoë Ångström")
    'Zoe Angstrom'
    """
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def slugify(text: str, *, sep: str = "-", keep: str = "a-z0-9", lower: bool = True, max_length: int | None = 56,
            fold: bool = True) -> str:
    """A slug: (ASCII-folded,) lower-cased, every run of other characters replaced by ``sep``, trimmed.

    Parameters
    ----------
    text : str
    sep : str, default "-"
        What replaces each run of characters outside ``keep``.
    keep : str, default "a-z0-9"
        The characters kept, as the inside of a regular-expression character class.
    lower : bool, default True
        Lower-case first.
    max_length : int, default 56
        Cut to at most this many characters (None: no limit).
    fold : bool, default True
        Fold accents to ASCII first (:func:`ascii_fold`).

    Returns
    -------
    str
        Possibly empty: callers choose their fallback.

    Examples
    --------
    >>> slugify("  Interview 1 (draft).docx ", sep="_", keep="A-Za-z0-9_.-", lower=False)
    'Interview_1_draft_.docx'
    """
    if fold:
        text = ascii_fold(text)
    if lower:
        text = text.lower()
    strip = sep + ("._-" if sep != "-" else "")
    return re.sub(f"[^{keep}]+", sep, text.strip()).strip(strip)[:max_length]


def unique(base: str, taken: set[str], sep: str = "_", *, key=None) -> str:
    """``base``, or ``base<sep>2``, ``base<sep>3``... whichever is not in ``taken`` yet; it is added to ``taken``.

    Parameters
    ----------
    base : str
    taken : set of str
        Names in use; updated.
    sep : str, default "_"
    key : callable, optional
        How names are compared (e.g. ``str.casefold`` for case-insensitive uniqueness); ``taken`` holds keys.

    Returns
    -------
    str

    Examples
    --------
    >>> taken = {"care"}
    >>> unique("care", taken), unique("care", taken)
    ('care_2', 'care_3')
    """
    key = key or (lambda name: name)
    candidate, n = base, 2
    while key(candidate) in taken:
        candidate = f"{base}{sep}{n}"
        n += 1
    taken.add(key(candidate))
    return candidate
