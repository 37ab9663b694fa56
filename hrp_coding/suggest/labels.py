"""Training labels for the suggester: one code per text, or one list of codes per text, as a boolean matrix.

Examples
--------
>>> multi, classes, Y = parse_labels(["a", "b", "a"], 3)
>>> multi, classes.tolist(), Y.astype(int).tolist()
(False, ['a', 'b'], [[1, 0], [0, 1], [1, 0]])
"""

from __future__ import annotations

import numpy as np

from hrp_coding.errors import SuggestError

__all__ = ["is_label_list", "parse_labels"]


def is_label_list(v) -> bool:
    """Whether a label is a list of codes (multi-label) rather than one code.

    Parameters
    ----------
    v : object
        One row's label.

    Returns
    -------
    bool

    Examples
    --------
    >>> is_label_list(["a", "b"]), is_label_list("a")
    (True, False)
    """
    return isinstance(v, (list, tuple, set, frozenset))


def parse_labels(y, n: int) -> tuple[bool, np.ndarray, np.ndarray]:
    """Check ``y`` against ``n`` texts and turn it into (multilabel, classes, Y).

    Parameters
    ----------
    y : sequence
        One code per text, or one list of codes per text (not a mix).
    n : int
        Number of texts.

    Returns
    -------
    multilabel : bool
    classes : ndarray of object
        Sorted codes.
    Y : ndarray of bool (n, n_codes)

    Raises
    ------
    SuggestError
        A string instead of a sequence, a length mismatch, mixed kinds, a missing label, a non-string
        code, no code at all, or (single-label) fewer than two distinct codes; the row is named.

    Examples
    --------
    >>> parse_labels([["a"], []], 2)[2].tolist()
    [[True], [False]]
    """
    if isinstance(y, str):
        raise SuggestError("labels must be a sequence (one label or one list of codes per text), got a string")
    y = list(y.tolist() if hasattr(y, "tolist") else y)
    if len(y) != n:
        raise SuggestError(f"got {n} texts but {len(y)} labels")
    multi = [is_label_list(v) for v in y]
    if any(multi) and not all(multi):
        bad = multi.index(False) if multi[0] else multi.index(True)
        raise SuggestError(
            f"labels mix single codes and code lists (row 0 is {type(y[0]).__name__}, row {bad} is "
            f"{type(y[bad]).__name__}); give one code per text or one list of codes per text"
        )
    if all(multi) and y:
        for i, codes in enumerate(y):
            for c in codes:
                if not isinstance(c, str):
                    raise SuggestError(f"row {i}: codes must be strings, got {c!r}")
        classes = np.array(sorted({c for codes in y for c in codes}), dtype=object)
        if len(classes) == 0:
            raise SuggestError("no text carries any code: there is nothing to learn from")
        index = {c: i for i, c in enumerate(classes)}
        Y = np.zeros((n, len(classes)), dtype=bool)
        for i, codes in enumerate(y):
            for c in codes:
                Y[i, index[c]] = True
        return True, classes, Y
    for i, v in enumerate(y):
        if v is None or (isinstance(v, float) and np.isnan(v)):
            raise SuggestError(f"row {i}: missing label ({v!r}); drop the row or give it a code")
    classes = np.array(sorted(set(y), key=str), dtype=object)
    if len(classes) < 2:
        raise SuggestError(f"a classifier needs at least two distinct codes in the labels; got {classes.tolist()}")
    index = {c: i for i, c in enumerate(classes)}
    Y = np.zeros((n, len(classes)), dtype=bool)
    Y[np.arange(n), [index[v] for v in y]] = True
    return False, classes, Y
