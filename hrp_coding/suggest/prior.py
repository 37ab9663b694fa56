"""The codebook as prior knowledge of :class:`~hrp_coding.suggest.CodeSuggester`: training rows and a blend.

Two things carry the codebook into the supervised model, so that one model serves from the first
coded interview to the thousandth:

1. **Codebook rows.** Each code's definition and examples are extra training rows positive for that
   code (and negative for the others); each near miss is a row negative for its code. They carry the
   sample weight ``codebook_weight`` and never appear in out-of-fold scores.
2. **A blend with the cold start.** The suggester's calibrated probability and the codebook-only
   :class:`~hrp_coding.suggest.ColdStartSuggester` score are mixed, ``(1 - a) * p + a * cold``; the
   weight ``a`` is chosen on the inner out-of-fold scores of the coded data (average precision of each
   coded unit's ranking), from a grid that includes ``a = 1`` (the cold start alone): the largest
   weight within one standard error of the best, so the data decide how much the codebook still
   counts, and it stays the codebook's when the coded units cannot show a gain beyond noise. The
   mixed score is then calibrated again (a Platt sigmoid per code fitted on the mixed out-of-fold
   scores), so confidences belong to the model they are applied to.

Examples
--------
>>> import numpy as np
>>> Y = np.array([[1, 0], [0, 1], [1, 0]], bool)
>>> p = np.array([[0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])       # the coded data alone: often wrong
>>> cold = np.array([[0.9, 0.1], [0.2, 0.6], [0.7, 0.3]])    # the codebook alone: right
>>> choose_blend(Y, p, cold)
1.0
"""

from __future__ import annotations

import numpy as np

from hrp_coding.suggest.coldstart import codebook_rows

__all__ = ["BLEND_GRID", "blend", "choose_blend", "codebook_frame", "codebook_targets", "ranking_precision",
           "unit_precision"]

BLEND_GRID = (0.0, 0.2, 0.35, 0.5, 0.65, 0.8, 1.0)


def codebook_frame(codebook, columns, role=None):
    """The codebook's rows as a turn table (``text``, blank context, ``role``) plus their codes and kinds.

    Parameters
    ----------
    codebook : Codebook
        The study's codebook.
    columns : iterable of str
        The columns of the suggester's turn table; context columns (``*_text``, ``*_role``) are left blank.
    role : str, optional
        The ``role`` the rows get (the coded role, so role features do not tell codebook rows apart).

    Returns
    -------
    tuple of (pandas.DataFrame, list of str, list of str)
        The rows as a turn table, each row's code, and its kind (``definition``, ``example``, ``near_miss``).

    Examples
    --------
    >>> from hrp_coding.codebook import Code, Codebook
    >>> cb = Codebook(name="D", version=1, codes=[Code("a", "Asking", definition="A question.", examples=("Why?",))])
    >>> frame, codes, kinds = codebook_frame(cb, ["text", "prev_text", "role"], role="participant")
    >>> frame.values.tolist(), codes, kinds
    ([['Asking A question.', '', 'participant'], ['Why?', '', 'participant']], ['a', 'a'], ['definition', 'example'])
    """
    import pandas as pd

    rows = codebook_rows(codebook)
    frame = pd.DataFrame({"text": [t for _, t, _ in rows]})
    for col in columns:
        if col == "text":
            continue
        if col.endswith("_text"):
            frame[col] = ""
        elif col == "role" or col.endswith("_role"):
            frame[col] = role if col == "role" and role is not None else ""
    return frame, [c for c, _, _ in rows], [k for _, _, k in rows]


def codebook_targets(codes, kinds, classes, multilabel):
    """Targets and masks of the codebook rows: ``(Y, mask)``, both (n_rows, n_codes) bool.

    Definitions and examples: positive for their code, negative for every other code. Near misses:
    negative for their code and left out (mask False) for the others; in single-label mode they are
    left out altogether (a row there must carry exactly one code).

    Parameters
    ----------
    codes, kinds : list of str
        Each codebook row's code and kind (from :func:`codebook_frame`).
    classes : sequence of str
        The suggester's codes, in column order.
    multilabel : bool
        Whether a unit may carry several codes.

    Returns
    -------
    tuple of (ndarray, ndarray)
        ``Y`` (the row carries the code) and ``mask`` (the cell counts in training).

    Examples
    --------
    >>> Y, mask = codebook_targets(["a", "b"], ["example", "near_miss"], ["a", "b"], multilabel=True)
    >>> Y.tolist(), mask.tolist()
    ([[True, False], [False, False]], [[True, True], [False, True]])
    """
    index = {c: i for i, c in enumerate(classes)}
    n, K = len(codes), len(classes)
    Y = np.zeros((n, K), dtype=bool)
    mask = np.ones((n, K), dtype=bool)
    for i, (code, kind) in enumerate(zip(codes, kinds)):
        k = index[code]
        if kind == "near_miss":
            mask[i] = False
            mask[i, k] = multilabel
        else:
            Y[i, k] = True
    return Y, mask


def ranking_precision(Y, scores) -> float:
    """Label-ranking average precision over the units that carry at least one code (1.0 = perfect ranking).

    Parameters
    ----------
    Y : array-like of bool
        Units x codes: the gold codes.
    scores : array-like of float
        Units x codes: the scores ranked.

    Returns
    -------
    float
        The average precision, NaN when no unit carries a code.

    Examples
    --------
    >>> ranking_precision(np.array([[1, 0], [0, 0]], bool), np.array([[0.9, 0.1], [0.5, 0.5]]))
    1.0
    """
    from sklearn.metrics import label_ranking_average_precision_score

    Y = np.asarray(Y, dtype=bool)
    keep = Y.any(1)
    if not keep.any():
        return float("nan")
    return float(label_ranking_average_precision_score(Y[keep], np.asarray(scores)[keep]))


def blend(p, cold, weight: float):
    """``(1 - weight) * p + weight * cold``.

    Parameters
    ----------
    p, cold : array-like of float
        The suggester's probabilities and the cold start's scores, same shape.
    weight : float
        The cold start's share, in [0, 1].

    Returns
    -------
    ndarray
        The mixed scores.

    Examples
    --------
    >>> blend([0.2, 0.8], [1.0, 0.0], 0.5).tolist()
    [0.6, 0.4]
    """
    return (1.0 - weight) * np.asarray(p) + weight * np.asarray(cold)


def unit_precision(Y, scores) -> np.ndarray:
    """Average precision of the ranking of each unit that carries a code (the terms of :func:`ranking_precision`).

    Parameters
    ----------
    Y : array (n, K) of bool
        Gold codes.
    scores : array (n, K)
        Scores that rank the codes of each unit.

    Returns
    -------
    ndarray
        One value per unit with at least one gold code (units without one are left out).

    Examples
    --------
    >>> unit_precision(np.array([[1, 0, 0], [0, 1, 0]], bool), np.array([[0.9, 0.5, 0.1], [0.9, 0.5, 0.1]])).tolist()
    [1.0, 0.5]
    """
    Y = np.asarray(Y, dtype=bool)
    S = np.asarray(scores, dtype=float)
    keep = Y.any(1)
    Y, S = Y[keep], S[keep]
    above = S[:, None, :] >= S[:, :, None]  # above[i, k, j]: code j scores at least as high as code k
    rank = above.sum(-1)
    gold_above = (above & Y[:, None, :]).sum(-1)
    return np.where(Y, gold_above / rank, 0.0).sum(1) / Y.sum(1)


def choose_blend(Y, p, cold, grid=BLEND_GRID, se_rule: float = 1.0) -> float:
    """The weight of the cold start, from ``grid``: the codebook's unless the coded data clearly beat it.

    Each weight's blend is scored by the average precision of each unit's ranking of the gold codes
    out of fold (:func:`unit_precision`). The weight chosen is the largest (the most codebook) whose
    mean is within ``se_rule`` standard errors of the best mean (the paired standard error of the
    difference over units: the "one-standard-error rule" of Breiman et al. 1984, leaning to the
    prior). The codebook needs no data, so a gain the coded units cannot show beyond noise is not
    taken: with little or unclear evidence the blend falls back to the cold start.

    Parameters
    ----------
    Y : array (n, K) of bool
        Gold codes of the out-of-fold units.
    p : array (n, K)
        The coded data's out-of-fold probabilities.
    cold : array (n, K)
        The cold-start scores of the same units.
    grid : sequence of float
        Candidate weights in [0, 1].
    se_rule : float
        How many standard errors a smaller weight must win by (0: the best mean, ties to the prior).

    Returns
    -------
    float
        1.0 when no unit carries a code.

    Examples
    --------
    >>> Y = np.array([[1, 0], [0, 1], [1, 0]], bool)
    >>> p = np.array([[0.2, 0.8], [0.3, 0.7], [0.6, 0.4]])       # the coded data alone: often wrong
    >>> cold = np.array([[0.9, 0.1], [0.2, 0.6], [0.7, 0.3]])    # the codebook alone: right
    >>> choose_blend(Y, p, cold)
    1.0
    """
    ws = sorted({float(w) for w in grid}, reverse=True)
    aps = {w: unit_precision(Y, blend(p, cold, w)) for w in ws}
    if not len(aps[ws[0]]):
        return 1.0
    best = max(ws, key=lambda w: (aps[w].mean(), w))
    for w in ws:  # from the codebook alone towards the coded data alone
        d = aps[best] - aps[w]
        se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
        if d.mean() <= se_rule * se + 1e-12:
            return w
    return best
