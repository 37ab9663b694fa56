"""The consensus layer as a complete gold standard (issue 16): agreed units enter it automatically, contested
units by adjudication, and contested units nobody has adjudicated yet are left out of every comparison with it
(never counted as "the consensus applied nothing"), so precision is never computed against a partial gold.

Examples
--------
>>> import numpy as np
>>> present = np.zeros((3, 3, 1), bool)
>>> present[0, 0, 0] = present[1, 0, 0] = True      # unit 0: both coders applied the code (agreed)
>>> present[0, 1, 0] = True                         # unit 1: contested, not adjudicated
>>> rated = np.array([[1, 1, 1], [1, 1, 1], [0, 0, 0]], bool)
>>> p, r, counts = complete_consensus(present, rated, 2, np.zeros(3, bool))
>>> r[2].tolist(), p[2, :, 0].tolist(), counts
([True, False, True], [True, False, False], {'agreed': 2, 'adjudicated': 0, 'awaiting': 1})
"""

from __future__ import annotations

import numpy as np

__all__ = ["complete_consensus", "decided_units"]


def decided_units(units, decisions) -> np.ndarray:
    """Units overlapping a consensus decision (``decisions``: transcript, start, end), even one that applied no
    code (a decision that the passage carries none).

    Parameters
    ----------
    units : pandas.DataFrame
        The units compared, with ``transcript``, ``start`` and ``end`` (segment units; character units have no
        span and none is decided).
    decisions : pandas.DataFrame or None
        The project's adjudications (``transcript``, ``start``, ``end``).

    Returns
    -------
    ndarray of bool
        One flag per unit.

    Examples
    --------
    >>> import pandas as pd
    >>> units = pd.DataFrame({"transcript": ["P01", "P01", "P02"], "start": [0, 10, 0], "end": [10, 20, 10]})
    >>> decided_units(units, pd.DataFrame({"transcript": ["P01"], "start": [12], "end": [14]})).tolist()
    [False, True, False]
    """
    decided = np.zeros(len(units), bool)
    if decisions is None or len(decisions) == 0 or units["start"].isna().any():
        return decided
    tr = units["transcript"].to_numpy()
    start, end = units["start"].to_numpy(np.int64), units["end"].to_numpy(np.int64)
    for t, s, e in decisions[["transcript", "start", "end"]].itertuples(index=False):
        decided |= (tr == t) & (start < int(e)) & (int(s) < end)
    return decided


def complete_consensus(present: np.ndarray, rated: np.ndarray, n_coders: int, decided: np.ndarray):
    """The gold row (the last rater) completed: ``(present, rated, counts)``.

    Parameters
    ----------
    present, rated : ndarray
        Raters x units x codes and raters x units; the first ``n_coders`` raters are the coders compared, the
        last is the consensus layer as recorded (its adjudicated codings).
    n_coders : int
    decided : ndarray of bool
        Units a decision covers besides those with a consensus coding.

    Returns
    -------
    present, rated : ndarray
        Copies with the gold row completed: an agreed unit (two or more coders rated it and all gave the same
        code set) takes that set unless adjudicated; an adjudicated unit keeps the decision; any other unit is
        missing for the gold layer.
    counts : dict
        ``agreed`` (entered automatically), ``adjudicated`` and ``awaiting`` (contested, no decision yet).

    Examples
    --------
    >>> import numpy as np
    >>> present = np.array([[[1], [1]], [[1], [0]], [[0], [0]]], bool)   # ana, ben, consensus x 2 units x 1 code
    >>> rated = np.array([[1, 1], [1, 1], [0, 0]], bool)
    >>> gold, gold_rated, counts = complete_consensus(present, rated, 2, np.zeros(2, bool))
    >>> gold[2, :, 0].tolist(), gold_rated[2].tolist(), counts
    ([True, False], [True, False], {'agreed': 1, 'adjudicated': 0, 'awaiting': 1})
    """
    present, rated = present.copy(), rated.copy()
    pres, rat = present[:n_coders], rated[:n_coders]
    g = n_coders
    n_rated = rat.sum(axis=0)
    applied = (pres & rat[:, :, None]).sum(axis=0)
    same = ((applied == 0) | (applied == n_rated[:, None])).all(axis=1)
    agreed = (n_rated >= 2) & same
    adjudicated = decided | (present[g] & rated[g][:, None]).any(axis=1)
    auto = agreed & ~adjudicated
    present[g, auto] = applied[auto] > 0
    present[g, ~(auto | adjudicated)] = False
    rated[g] = auto | adjudicated
    awaiting = (n_rated >= 2) & ~same & ~adjudicated
    return present, rated, {"agreed": int(auto.sum()), "adjudicated": int(adjudicated.sum()),
                            "awaiting": int(awaiting.sum())}
