"""The engine's input: ratings encoded once, then checked against the degenerate-case policy.

:func:`encode` turns any accepted input into :class:`~hrp_coding.agreement.Ratings` or
:class:`~hrp_coding.agreement.RatingCounts` (a contingency table of whole counts expanded to two coders);
:func:`prepare` applies a :class:`~hrp_coding.agreement.engine.Spec`'s input rules (two coders for pairwise
coefficients, coder identities where needed) and notes what it left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from hrp_coding.errors import AgreementError

from .ratings import Contingency, RatingCounts, Ratings, as_ratings

if TYPE_CHECKING:
    from .engine import Spec

__all__ = ["encode", "expand_contingency", "prepare"]

_CHUNK = 1 << 16  # units per chunk (fewer when there are many categories, see _MAX_BINS)
_MAX_BINS = 1 << 22  # cap on bincount bins / chunk cells (~32 MB of float64 per temporary)

@dataclass
class _Data:
    """Encoded ratings (coders x units codes, or units x q counts) plus the notes made while preparing them."""

    categories: tuple
    codes: np.ndarray | None = None  # coders x units, -1 missing
    counts: np.ndarray | None = None  # units x q (RatingCounts input)
    n_coders: int = 0
    notes: list[str] = field(default_factory=list)
    from_table: bool = False  # a contingency table: Gwet's table variance (denominator n^2, not n(n - 1))
    ordered: bool = False  # two coders in a known order: unit (k, l) agrees by w_kl
    weights: np.ndarray | None = None  # frequency of each unit (a table of proportions: one unit per cell)

    @property
    def q(self) -> int:
        return len(self.categories)

    @property
    def size(self) -> int:
        return self.codes.shape[1] if self.codes is not None else self.counts.shape[0]

    def chunks(self):
        """Yield (start, per-unit category counts of a chunk of units, float64 units x q), one bincount each."""
        q = self.q
        step = max(256, min(_CHUNK, _MAX_BINS // (q + 1)))
        if self.counts is not None:
            for s in range(0, self.size, step):
                yield s, np.asarray(self.counts[s:s + step], dtype=np.float64)
            return
        for s in range(0, self.size, step):
            sub = self.codes[:, s:s + step]
            nc = sub.shape[1]
            flat = np.where(sub < 0, q, sub) + np.arange(0, nc * (q + 1), q + 1, dtype=np.int64)
            cnt = np.bincount(flat.ravel(), minlength=nc * (q + 1)).reshape(nc, q + 1)
            yield s, cnt[:, :q].astype(np.float64)


def expand_contingency(ct: Contingency) -> Ratings:
    """A contingency table as two coders' ratings (one unit per counted pair).

    Parameters
    ----------
    ct : Contingency
        A table of whole counts (rows: the first coder's category, columns: the second's).

    Returns
    -------
    Ratings
        Coders ``"coder 1"`` and ``"coder 2"``, ``ct.n_units`` units numbered ``0 ..``, cells in row-major order.

    Raises
    ------
    AgreementError
        The table holds proportions, not whole counts.

    Examples
    --------
    >>> from hrp_coding.agreement import from_contingency
    >>> expand_contingency(from_contingency([[2, 1], [0, 1]])).codes.tolist()
    [[0, 0, 0, 1], [0, 0, 1, 1]]
    """
    t = ct.table
    if not np.all(t == np.round(t)):
        raise AgreementError("the contingency table must hold whole counts to be used by this coefficient "
                             "(Cohen's kappa and Scott's pi also take proportions)")
    rows, cols = np.nonzero(t)
    reps = t[rows, cols].astype(np.int64)
    codes = np.vstack([np.repeat(rows, reps), np.repeat(cols, reps)]).astype(np.int64)
    return Ratings(codes, ct.categories, ("coder 1", "coder 2"), range(codes.shape[1]))


def encode(ratings, categories):
    """Encode a coefficient's input once (a contingency table of whole counts expanded to two coders).

    Parameters
    ----------
    ratings : list of lists, ndarray, DataFrame, Ratings, RatingCounts or Contingency
        Anything :func:`~hrp_coding.agreement.as_ratings` accepts.
    categories : sequence or None
        Every possible category, in order (``None``: the labels seen).

    Returns
    -------
    data : Ratings, RatingCounts or Contingency
        The encoded input; a Contingency only when it holds proportions (one weighted unit per cell).
    from_table : bool
        Whether the input was a contingency table (Gwet's table variance applies).

    Examples
    --------
    >>> data, from_table = encode([["a", "b"], ["a", "a"]], None)
    >>> data.codes.tolist(), from_table
    ([[0, 1], [0, 0]], False)
    >>> from hrp_coding.agreement import from_contingency
    >>> data, from_table = encode(from_contingency([[3, 1], [0, 2]]), None)
    >>> data.n_units, from_table
    (6, True)
    """
    data = as_ratings(ratings, categories=categories)
    if isinstance(data, Contingency):
        if not np.all(data.table == np.round(data.table)):
            return data, True  # proportions: one weighted unit per cell (pairwise coefficients only)
        return expand_contingency(data), True
    return data, False


def prepare(spec: Spec, data, from_table: bool) -> _Data:
    """Check encoded data against a coefficient's input rules; pairwise coefficients keep the units both coders rated.

    Parameters
    ----------
    spec : Spec
        The coefficient (see :data:`~hrp_coding.agreement.engine.SPECS`).
    data : Ratings, RatingCounts or Contingency
        As returned by :func:`encode`.
    from_table : bool
        Whether ``data`` came from a contingency table (as returned by :func:`encode`).

    Returns
    -------
    _Data
        The codes (coders x units, ``-1`` missing) or counts the engine computes on, with ``notes`` naming
        what was left out (coders without ratings, units only one coder rated).

    Raises
    ------
    AgreementError
        Fewer than two coders with ratings, no pairable unit, a count table for a coefficient that needs coder
        identities, a table of proportions for a coefficient that needs whole counts.

    Examples
    --------
    >>> from hrp_coding.agreement.engine import SPECS
    >>> data, from_table = encode([[1, 2, None], [1, 2, 2]], None)
    >>> d = prepare(SPECS["cohen_kappa"], data, from_table)
    >>> d.codes.tolist(), d.notes
    ([[0, 1], [0, 1]], ['1 units rated by only one coder were left out (pairwise-complete units)'])
    """
    name = spec.name
    if isinstance(data, Contingency):
        if not spec.pairwise:
            expand_contingency(data)  # raises: whole counts needed
        rows, cols = np.nonzero(data.table)
        d = _Data(data.categories, codes=np.vstack([rows, cols]), n_coders=2, ordered=True, from_table=True,
                  weights=data.table[rows, cols].astype(np.float64))
        return d
    if isinstance(data, RatingCounts):
        if spec.needs_coders:
            raise AgreementError(f"{name} needs to know which coder gave which rating; a count table "
                                 "(from_counts) has lost that: pass coders x units ratings")
        tot = data.counts.sum(axis=1)
        if not tot.any():
            raise AgreementError(f"{name}: no ratings (the count table is all zeros)")
        d = _Data(data.categories, counts=data.counts, n_coders=int(tot.max()))
    elif spec.pairwise:
        codes = data.codes
        if codes.shape[0] != 2:
            raise AgreementError(f"{name} needs exactly two coders, got {codes.shape[0]} "
                                 f"({list(data.coders)!r}); use conger_kappa or fleiss_kappa for more")
        for i in (0, 1):
            if not (codes[i] >= 0).any():
                raise AgreementError(f"{name} needs two coders with ratings, coder {data.coders[i]!r} has none")
        both = (codes[0] >= 0) & (codes[1] >= 0)
        one = ((codes[0] >= 0) | (codes[1] >= 0)) & ~both
        d = _Data(data.categories, n_coders=2, ordered=True)
        if one.any():
            d.notes.append(f"{int(one.sum())} units rated by only one coder were left out (pairwise-complete units)")
        if not both.any():
            raise AgreementError(f"{name}: no pairable unit (no unit rated by both coders "
                                 f"{data.coders[0]!r} and {data.coders[1]!r})")
        d.codes = codes if both.all() else codes[:, both]
    else:
        codes = data.codes
        keep = (codes >= 0).any(axis=1)
        if not keep.any():
            raise AgreementError(f"{name}: no ratings (every cell is missing)")
        d = _Data(data.categories, n_coders=int(keep.sum()))
        if not keep.all():
            dropped = [data.coders[i] for i in np.flatnonzero(~keep)]
            d.notes.append(f"coders without any rating were ignored: {dropped!r}")
            codes = codes[keep]
        d.codes = codes
        d.ordered = from_table
    if d.n_coders < 2:
        raise AgreementError(f"{name} needs at least two coders with ratings, got {d.n_coders}")
    d.from_table = from_table
    return d
