"""Input normalisation for reliability coefficients: labels are encoded to integer codes once.

Three input shapes are understood:

* **raw ratings**, coders x units: a list of lists, a 2-D ndarray, or a DataFrame with coders as rows
  and units as columns; ``None``, NaN and ``pd.NA`` are missing; labels may be strings or numbers.
  :func:`as_ratings` turns them into a :class:`Ratings` (integer codes, ``-1`` = missing), and
  :func:`ratings_from_long` does the same from a long table (one row per unit, coder, value), building
  the full unit x coder grid so that an absent row and a NaN cell are the same thing;
* **per-unit category counts**, units x categories (how many coders put each unit in each category):
  :func:`from_counts` -> :class:`RatingCounts`, accepted by the coefficients that do not need coder
  identities (percent agreement, Scott/Fleiss, AC1/AC2, Brennan-Prediger, Krippendorff's alpha);
* **a 2-coder contingency table**, categories x categories (rows coder A, columns coder B):
  :func:`from_contingency` -> :class:`Contingency`, accepted by every coefficient (it is expanded to
  per-unit counts where needed).

Examples
--------
>>> r = as_ratings([["a", "b", None], ["a", "a", "b"]])
>>> r.categories
('a', 'b')
>>> r.codes.tolist()
[[0, 1, -1], [0, 0, 1]]
>>> as_ratings([[1, 2], [2, 2]], categories=[1, 2, 3]).counts().tolist()
[[1, 1, 0], [0, 2, 0]]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from hrp_coding.errors import AgreementError

from .labels import _CODE_DTYPE, _check_categories, _encode, _raise

__all__ = [
    "Contingency",
    "RatingCounts",
    "Ratings",
    "as_ratings",
    "from_contingency",
    "from_counts",
    "ratings_from_long",
]


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.asarray(a)
    if a.flags.writeable:
        a = a.view()
        a.flags.writeable = False
    return a


class _Encoded:
    """What every encoded form shares: its tuple of categories (``categories`` is a field of each)."""

    @property
    def n_categories(self) -> int:
        return len(self.categories)


@dataclass(frozen=True, eq=False)
class Ratings(_Encoded):
    """Encoded ratings, coders x units.

    Attributes
    ----------
    codes : ndarray of int32, shape (n_coders, n_units)
        Category index into ``categories``; ``-1`` marks a missing rating. Read-only.
    categories : tuple
        Every category, in order (unused ones included when given).
    coders, units : sequence
        Coder and unit labels (row and column labels of the input, or positions as a ``range``).
    """

    codes: np.ndarray
    categories: tuple
    coders: Sequence
    units: Sequence

    @property
    def n_coders(self) -> int:
        return self.codes.shape[0]

    @property
    def n_units(self) -> int:
        return self.codes.shape[1]

    def take(self, idx) -> Ratings:
        """The units at positions ``idx`` (repeats allowed), relabelled ``0 .. len(idx) - 1``.

        Parameters
        ----------
        idx : array-like of int
            Unit positions, e.g. a bootstrap draw.

        Returns
        -------
        Ratings
            Same coders and categories, the units taken in that order.

        Examples
        --------
        >>> as_ratings([["a", "b"], ["a", "a"]]).take([1, 1]).codes.tolist()
        [[1, 1], [0, 0]]
        """
        return Ratings(self.codes[:, idx], self.categories, self.coders, range(len(idx)))

    def counts(self) -> np.ndarray:
        """Per-unit category counts, units x categories, by one ``bincount``.

        Returns
        -------
        ndarray of int64, shape (n_units, n_categories)
            ``counts[i, k]`` = how many coders put unit ``i`` in category ``k`` (missing ratings not counted).

        Examples
        --------
        >>> as_ratings([["a", "b", None], ["a", "a", "b"]]).counts().tolist()
        [[2, 0], [1, 1], [0, 1]]
        """
        q = self.n_categories
        n = self.n_units
        c = self.codes
        ok = c >= 0
        flat = (np.arange(n, dtype=np.int64)[None, :] * q + c)[ok]
        return np.bincount(flat, minlength=n * q).reshape(n, q)

    def to_frame(self) -> pd.DataFrame:
        """The ratings as a coders x units DataFrame of labels.

        Returns
        -------
        DataFrame
            Index ``coder``, columns ``unit``, cells the category labels; a missing rating is ``None``.

        Examples
        --------
        >>> as_ratings([["a", "b"], ["a", None]]).to_frame()
        unit   0     1
        coder
        0      a     b
        1      a  None
        """
        labels = np.array([*self.categories, None], dtype=object)
        return pd.DataFrame(labels[self.codes], index=pd.Index(self.coders, name="coder"),
                            columns=pd.Index(self.units, name="unit"))

    def __repr__(self) -> str:
        return (f"Ratings({self.n_coders} coders x {self.n_units} units, "
                f"{self.n_categories} categories, {int((self.codes < 0).sum())} missing)")


@dataclass(frozen=True, eq=False)
class RatingCounts(_Encoded):
    """Per-unit category counts, units x categories (aggregated ratings without coder identities)."""

    counts: np.ndarray
    categories: tuple
    units: tuple

    @property
    def n_units(self) -> int:
        return self.counts.shape[0]

    def take(self, idx) -> RatingCounts:
        """The count rows at positions ``idx``, as :meth:`Ratings.take` takes units (repeats allowed, renumbered).

        Parameters
        ----------
        idx : array-like of int
            Row positions, e.g. a bootstrap draw.

        Returns
        -------
        RatingCounts
            Same categories, the units' count rows taken in that order.

        Examples
        --------
        >>> from_counts([[2, 0], [1, 1]]).take([1, 0, 1]).counts.tolist()
        [[1.0, 1.0], [2.0, 0.0], [1.0, 1.0]]
        """
        return RatingCounts(self.counts[idx], self.categories, range(len(idx)))

    def __repr__(self) -> str:
        return f"RatingCounts({self.n_units} units x {self.n_categories} categories)"


@dataclass(frozen=True, eq=False)
class Contingency(_Encoded):
    """A 2-coder contingency table, categories x categories (rows: first coder, columns: second coder)."""

    table: np.ndarray
    categories: tuple

    @property
    def n_units(self) -> int:
        return int(self.table.sum())

    def counts(self) -> np.ndarray:
        """Per-unit counts with one "unit" per occupied cell of the table; :meth:`unit_weights` gives its frequency.

        Returns
        -------
        ndarray of int64, shape (n_occupied_cells, n_categories)
            Row ``i`` counts the two ratings of the ``i``-th non-zero cell (row-major order): a 2 on the
            diagonal, a 1 in each of its two categories off it.

        Examples
        --------
        >>> from_contingency([[20, 5], [0, 15]]).counts().tolist()
        [[2, 0], [1, 1], [0, 2]]
        """
        q = self.n_categories
        rows, cols = np.nonzero(self.table)
        out = np.zeros((rows.size, q), dtype=np.int64)
        np.add.at(out, (np.arange(rows.size), rows), 1)
        np.add.at(out, (np.arange(rows.size), cols), 1)
        return out

    def unit_weights(self) -> np.ndarray:
        """How many units each row of :meth:`counts` stands for.

        Returns
        -------
        ndarray of float64, shape (n_occupied_cells,)
            The table's non-zero cells in row-major order (counts, or proportions as given).

        Examples
        --------
        >>> from_contingency([[20, 5], [0, 15]]).unit_weights().tolist()
        [20.0, 5.0, 15.0]
        """
        rows, cols = np.nonzero(self.table)
        return self.table[rows, cols].astype(np.float64)

    def __repr__(self) -> str:
        return f"Contingency({self.n_categories} x {self.n_categories}, {self.table.sum():g} units)"


def _recode(r: Ratings, categories: tuple) -> Ratings:
    """Re-express existing codes against a new (super)set of categories."""
    if tuple(categories) == r.categories:
        return r
    lookup = {c: i for i, c in enumerate(categories)}
    used = np.unique(r.codes[r.codes >= 0])
    missing = [r.categories[i] for i in used if r.categories[i] not in lookup]
    if missing:
        raise AgreementError(f"labels {missing!r} used in the ratings are not in categories {list(categories)!r}")
    mapping = np.array([lookup.get(c, -1) for c in r.categories] + [-1], dtype=_CODE_DTYPE)
    return Ratings(_readonly(mapping[r.codes]), tuple(categories), r.coders, r.units)


def as_ratings(ratings, *, categories=None) -> Ratings | RatingCounts | Contingency:
    """Normalise raw ratings (coders x units) to :class:`Ratings`.

    :class:`Ratings`, :class:`RatingCounts` and :class:`Contingency` objects pass through (re-expressed
    against ``categories`` when given).

    Parameters
    ----------
    ratings : list of lists, ndarray, DataFrame, Ratings, RatingCounts or Contingency
        Coders as rows, units as columns. ``None``, NaN and ``pd.NA`` are missing.
    categories : sequence, optional
        Every possible category, in order. Unused categories still count (they matter for weights,
        Brennan-Prediger and the chance terms). Default: the labels seen, sorted.

    Returns
    -------
    Ratings

    Raises
    ------
    AgreementError
        Ragged rows, a 1-D or 3-D input, labels not in ``categories``, non-finite labels, no rating at all.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"u1": ["yes", "no"], "u2": ["yes", pd.NA]}, index=["ana", "ben"])
    >>> r = as_ratings(df)
    >>> r.coders, r.units, r.codes.tolist()
    (('ana', 'ben'), ('u1', 'u2'), [[1, 1], [0, -1]])
    """
    cats = None if categories is None else _check_categories(categories)
    if isinstance(ratings, Ratings):
        return ratings if cats is None else _recode(ratings, cats)
    if isinstance(ratings, RatingCounts):
        if cats is not None and cats != ratings.categories:
            raise AgreementError("categories= differs from the categories of the RatingCounts; "
                                 "build it with from_counts(table, categories=...)")
        return ratings
    if isinstance(ratings, Contingency):
        if cats is not None and cats != ratings.categories:
            raise AgreementError("categories= differs from the categories of the Contingency table; "
                                 "build it with from_contingency(table, categories=...)")
        return ratings
    if isinstance(ratings, pd.DataFrame):
        coders = tuple(ratings.index)
        units = tuple(ratings.columns)
        if all(pd.api.types.is_numeric_dtype(t) and not pd.api.types.is_bool_dtype(t) for t in ratings.dtypes):
            values = ratings.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            values = ratings.to_numpy(dtype=object)
    elif isinstance(ratings, pd.Series):
        raise AgreementError("ratings is a Series (one coder?): give coders x units, e.g. a DataFrame with one "
                             "row per coder, or use ratings_from_long(df, unit=, coder=, value=)")
    else:
        if isinstance(ratings, np.ndarray):
            values = ratings
        else:
            if isinstance(ratings, (str, bytes)) or not isinstance(ratings, (Sequence, np.ndarray)):
                raise AgreementError(f"ratings must be coders x units (list of lists, ndarray or DataFrame), "
                                     f"got {type(ratings).__name__}")
            rows = list(ratings)
            if not rows:
                raise AgreementError("no ratings: the input has no coders")
            lengths = []
            for i, row in enumerate(rows):
                if isinstance(row, (str, bytes)) or not hasattr(row, "__len__"):
                    raise AgreementError(f"ratings must be coders x units: row {i} (coder {i}) is "
                                         f"{type(row).__name__} {row!r}, not a list of ratings")
                lengths.append(len(row))
            if len(set(lengths)) > 1:
                expected = max(set(lengths), key=lengths.count)
                bad = [f"coder {i} has {n} ratings, expected {expected}" for i, n in enumerate(lengths)
                       if n != expected]
                _raise(bad, "ragged ratings (every coder needs one entry per unit; use None for missing)")
            values = np.empty((len(rows), lengths[0]), dtype=object)
            for i, row in enumerate(rows):
                values[i, :] = list(row)
        if values.ndim != 2:
            raise AgreementError(f"ratings must be 2-D (coders x units), got {values.ndim}-D with shape "
                                 f"{values.shape}")
        coders = tuple(range(values.shape[0]))
        units = range(values.shape[1])  # positions; a range, not a million-int tuple
    if values.shape[0] == 0 or values.shape[1] == 0:
        raise AgreementError(f"no ratings: shape {values.shape} (coders x units)")
    codes, cats = _encode(values, cats, coders, units)
    return Ratings(_readonly(codes), tuple(cats), coders, units)


def ratings_from_long(df: pd.DataFrame, *, unit: str, coder: str, value: str, categories=None) -> Ratings:
    """Build :class:`Ratings` from a long table, one row per (unit, coder) rating.

    The full unit x coder grid is built first, so a coder who skipped a unit is missing whether the
    row is absent or its value is NaN/None.

    Parameters
    ----------
    df : DataFrame
        One row per rating.
    unit, coder, value : str
        Names of the columns holding the unit, the coder and the category label.
    categories : sequence, optional
        Every possible category, in order. Default: the labels seen, sorted.

    Returns
    -------
    Ratings
        Coders sorted, units in order of first appearance, one code per grid cell (``-1`` where no rating).

    Raises
    ------
    AgreementError
        A missing column, or a (unit, coder) pair given twice (each one named).

    Examples
    --------
    >>> import pandas as pd
    >>> long = pd.DataFrame({"seg": ["s1", "s1", "s2"], "who": ["ana", "ben", "ana"], "code": [1, 2, 2]})
    >>> r = ratings_from_long(long, unit="seg", coder="who", value="code")
    >>> r.coders, r.units, r.codes.tolist()
    (('ana', 'ben'), ('s1', 's2'), [[0, 1], [1, -1]])
    """
    if not isinstance(df, pd.DataFrame):
        raise AgreementError(f"ratings_from_long needs a DataFrame, got {type(df).__name__}")
    absent = [f"{name}={col!r}" for name, col in (("unit", unit), ("coder", coder), ("value", value))
              if col not in df.columns]
    if absent:
        raise AgreementError(f"columns not in the table: {', '.join(absent)}; columns are {list(df.columns)!r}")
    problems = []
    for name, col in (("unit", unit), ("coder", coder)):
        na = np.flatnonzero(df[col].isna().to_numpy())
        problems += [f"row {df.index[i]!r}: {name} column {col!r} is missing" for i in na]
    _raise(problems, "invalid long ratings")
    dup = df.duplicated([unit, coder], keep=False).to_numpy()
    if dup.any():
        pairs = df.loc[dup, [unit, coder]].drop_duplicates()
        _raise([f"unit {u!r}, coder {c!r} is rated more than once" for u, c in pairs.itertuples(index=False)],
               "duplicate ratings")
    ucodes, uniq_units = pd.factorize(df[unit], sort=False)
    ccodes, uniq_coders = pd.factorize(df[coder], sort=True)
    coders = tuple(uniq_coders)
    units = tuple(uniq_units)
    col = df[value]
    if pd.api.types.is_numeric_dtype(col) and not pd.api.types.is_bool_dtype(col):
        vals = col.to_numpy(dtype=np.float64, na_value=np.nan)
        grid = np.full((len(coders), len(units)), np.nan)
    else:
        vals = col.to_numpy(dtype=object)
        grid = np.full((len(coders), len(units)), None, dtype=object)
    grid[ccodes, ucodes] = vals
    cats = None if categories is None else _check_categories(categories)
    codes, cats = _encode(grid, cats, coders, units)
    return Ratings(_readonly(codes), tuple(cats), coders, units)


def _table(table, what: str) -> tuple[np.ndarray, tuple | None]:
    labels = None
    if isinstance(table, pd.DataFrame):
        labels = tuple(table.columns)
        arr = table.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        try:
            arr = np.asarray(table, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            raise AgreementError(f"{what} must be numeric counts: {exc}") from None
    if arr.ndim != 2:
        raise AgreementError(f"{what} must be 2-D, got shape {arr.shape}")
    bad = np.argwhere(~np.isfinite(arr) | (arr < 0))
    if bad.size:
        _raise([f"row {i}, column {j}: {arr[i, j]!r} is not a non-negative count" for i, j in bad], what)
    return arr, labels


def _table_categories(categories, labels, width: int) -> tuple:
    """A table's category labels: those given, else its column labels, else ``0 .. width - 1``."""
    if categories is not None:
        return _check_categories(categories)
    return tuple(labels) if labels is not None else tuple(range(width))


def from_counts(table, *, categories=None) -> RatingCounts:
    """Per-unit category counts (units x categories) for Fleiss, AC1, Brennan-Prediger, alpha.

    Parameters
    ----------
    table : array-like or DataFrame
        ``table[i, k]`` = number of coders who put unit ``i`` in category ``k``. A DataFrame's columns
        name the categories and its index the units.
    categories : sequence, optional
        Category labels, one per column (default: the DataFrame's columns, or 0..q-1).

    Returns
    -------
    RatingCounts
        The counts as float64 (read-only), with the categories and the unit labels (the DataFrame's index, or
        ``0 .. n - 1``).

    Raises
    ------
    AgreementError
        A table that is not 2-D, a negative or non-finite count, categories not one per column, no unit.

    Examples
    --------
    >>> rc = from_counts([[2, 0], [1, 1]], categories=["yes", "no"])
    >>> rc.n_units, rc.categories
    (2, ('yes', 'no'))
    """
    arr, labels = _table(table, "count table")
    cats = _table_categories(categories, labels, arr.shape[1])
    if len(cats) != arr.shape[1]:
        raise AgreementError(f"count table has {arr.shape[1]} columns but {len(cats)} categories were given")
    units = tuple(table.index) if isinstance(table, pd.DataFrame) else tuple(range(arr.shape[0]))
    if arr.shape[0] == 0:
        raise AgreementError("no ratings: the count table has no units")
    return RatingCounts(_readonly(arr), cats, units)


def from_contingency(table, *, categories=None) -> Contingency:
    """A 2-coder contingency table (rows: coder A's category, columns: coder B's) for Cohen and the rest.

    Parameters
    ----------
    table : array-like or DataFrame, square
        ``table[k, l]`` = number of units coder A put in category ``k`` and coder B in ``l``; proportions are
        accepted by Cohen's kappa and Scott's pi. A DataFrame's columns name the categories.
    categories : sequence, optional
        Category labels, one per row/column (default: the DataFrame's columns, or 0..q-1).

    Returns
    -------
    Contingency
        The table as float64 (read-only) with its categories; ``n_units`` is its sum.

    Raises
    ------
    AgreementError
        A table that is not square, a negative or non-finite cell, categories not one per column, all zeros.

    Examples
    --------
    >>> ct = from_contingency([[20, 5], [10, 15]], categories=["yes", "no"])
    >>> ct.n_units
    50
    """
    arr, labels = _table(table, "contingency table")
    if arr.shape[0] != arr.shape[1]:
        raise AgreementError(f"contingency table must be square (categories x categories), got {arr.shape}")
    cats = _table_categories(categories, labels, arr.shape[1])
    if len(cats) != arr.shape[1]:
        raise AgreementError(f"contingency table is {arr.shape[0]} x {arr.shape[1]} but {len(cats)} categories "
                             "were given")
    if arr.sum() == 0:
        raise AgreementError("no ratings: the contingency table is all zeros")
    return Contingency(_readonly(arr), cats)
