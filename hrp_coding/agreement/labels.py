"""Label encoding for the reliability inputs: category lists checked, labels turned into integer codes.

:func:`_encode` is the one encoder behind :func:`~hrp_coding.agreement.as_ratings` and
:func:`~hrp_coding.agreement.ratings_from_long`; numbers are compared as numbers (``1`` and ``1.0`` are one label)
and every unknown or non-finite label is named with its coder and unit.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np
import pandas as pd

from hrp_coding.errors import AgreementError

_MAX_LISTED = 10  # problems listed in one error message
_CODE_DTYPE = np.int32  # category codes; -1 = missing


def _raise(problems: list[str], what: str, total: int | None = None) -> None:
    if not problems:
        return
    total = len(problems) if total is None else total
    more = total - min(len(problems), _MAX_LISTED)
    lines = problems[:_MAX_LISTED] + ([f"... and {more} more"] if more > 0 else [])
    noun = "problem" if total == 1 else "problems"
    raise AgreementError(f"{what}: {total} {noun}\n  " + "\n  ".join(lines))


def _is_number(x) -> bool:
    return isinstance(x, numbers.Number) and not isinstance(x, bool)


def _clean_number(x):
    """Python int for integral numbers, float otherwise (so labels print as 1, not 1.0)."""
    f = float(x)
    if f.is_integer() and abs(f) < 2**53:
        return int(f)
    return f


def _check_categories(categories) -> tuple:
    if isinstance(categories, (str, bytes)) or not isinstance(categories, (Sequence, np.ndarray, pd.Index)):
        raise AgreementError(f"categories must be a list of labels, got {type(categories).__name__} {categories!r}")
    cats = list(categories)
    if not cats:
        raise AgreementError("categories is empty: give every possible category, in order")
    problems = []
    seen: dict = {}
    for i, c in enumerate(cats):
        if c is None or (not isinstance(c, str) and bool(pd.isna(c))):
            problems.append(f"categories[{i}] is missing ({c!r}); missing values cannot be a category")
            continue
        if isinstance(c, np.generic):
            c = c.item()
            cats[i] = c
        if _is_number(c) and not np.isfinite(float(c)):
            problems.append(f"categories[{i}] = {c!r} is not finite")
            continue
        key = _clean_number(c) if _is_number(c) else c
        if key in seen:
            problems.append(f"categories[{i}] = {c!r} repeats categories[{seen[key]}]")
        else:
            seen[key] = i
    _raise(problems, "invalid categories")
    return tuple(_clean_number(c) if _is_number(c) else c for c in cats)


def _where(coders: tuple, units: tuple, flat_idx: np.ndarray, n_units: int) -> list[tuple]:
    return [(coders[i // n_units], units[i % n_units]) for i in flat_idx]


def _encode(values: np.ndarray, categories, coders: tuple, units: tuple) -> tuple[np.ndarray, tuple]:
    """Encode a 2-D array of labels (coders x units) to int codes. Returns (codes, categories)."""
    shape = values.shape
    n_units = shape[1] if len(shape) == 2 else 1
    numeric = values.dtype.kind in "iuf"
    if values.dtype.kind == "O":
        flat = values.ravel()
        missing = pd.isna(flat)
        present = flat[~missing]
        if present.size and all(_is_number(x) for x in present):
            try:
                fv = np.full(flat.shape, np.nan)
                fv[~missing] = present.astype(np.float64)
                values = fv.reshape(shape)
                numeric = True
            except (TypeError, ValueError):
                numeric = False
    elif values.dtype.kind == "b":
        values = values.astype(object)
    elif not numeric and values.dtype.kind not in "USO":
        raise AgreementError(f"ratings have unsupported dtype {values.dtype}; use numbers or strings as labels")

    if numeric:
        fv = values.astype(np.float64, copy=False).ravel()
        missing = np.isnan(fv)
        if missing.all():
            if categories is None:
                raise AgreementError("no ratings: every cell is missing")
            return np.full(shape, -1, dtype=_CODE_DTYPE), categories
        lo, hi = float(np.fmin.reduce(fv)), float(np.fmax.reduce(fv))
        if not (np.isfinite(lo) and np.isfinite(hi)):
            bad = np.flatnonzero(np.isinf(fv))
            _raise([f"coder {c!r}, unit {u!r}: label {fv[i]!r} is not finite"
                    for (c, u), i in zip(_where(coders, units, bad[:_MAX_LISTED], n_units), bad)],
                   "invalid ratings", total=bad.size)
        if categories is None:
            span = hi - lo
            if span < 1_000_000:  # O(n) table lookup instead of a sort when labels are whole numbers
                off = fv - lo
                np.copyto(off, span + 1, where=missing)
                ioff = off.astype(np.int32)
                if np.array_equal(ioff, off):
                    cnt = np.bincount(ioff, minlength=int(span) + 2)
                    used = np.flatnonzero(cnt[: int(span) + 1])
                    lut = np.full(int(span) + 2, -1, dtype=_CODE_DTYPE)
                    lut[used] = np.arange(used.size, dtype=_CODE_DTYPE)
                    cats = tuple(_clean_number(v + lo) for v in used)
                    return lut[ioff].reshape(shape), cats
            present = fv[~missing]
            codes = np.full(fv.shape, -1, dtype=_CODE_DTYPE)
            uniq, inv = np.unique(present, return_inverse=True)
            codes[~missing] = inv
            cats = tuple(_clean_number(v) for v in uniq)
            return codes.reshape(shape), cats
        present = fv[~missing]
        codes = np.full(fv.shape, -1, dtype=_CODE_DTYPE)
        cats = categories
        num_idx = [i for i, c in enumerate(cats) if _is_number(c)]
        cat_vals = np.array([float(cats[i]) for i in num_idx], dtype=np.float64)
        order = np.argsort(cat_vals, kind="stable")
        sorted_vals = cat_vals[order]
        pos = np.searchsorted(sorted_vals, present)
        pos_c = np.minimum(pos, max(sorted_vals.size - 1, 0))
        found = (sorted_vals.size > 0) & (pos < sorted_vals.size)
        found &= sorted_vals[pos_c] == present if sorted_vals.size else False
        if not np.all(found):
            where = np.flatnonzero(~missing)[~found]
            _raise([f"coder {c!r}, unit {u!r}: label {_clean_number(fv[i])!r} is not in categories {list(cats)!r}"
                    for (c, u), i in zip(_where(coders, units, where[:_MAX_LISTED], n_units), where)],
                   "unknown labels", total=where.size)
        codes[~missing] = np.asarray(num_idx, dtype=_CODE_DTYPE)[order[pos_c]]
        return codes.reshape(shape), cats

    # labels as Python objects (strings, mixed)
    flat = values.astype(object).ravel()
    missing = pd.isna(flat)
    present = flat[~missing]
    present = np.array([x.item() if isinstance(x, np.generic) else x for x in present], dtype=object)
    if categories is None:
        if present.size == 0:
            raise AgreementError("no ratings: every cell is missing")
        uniq = pd.unique(pd.Series(present, dtype=object))
        try:
            cats = tuple(sorted(uniq))
        except TypeError:
            cats = tuple(uniq)  # unorderable mix: order of first appearance
        cats = tuple(_clean_number(c) if _is_number(c) else c for c in cats)
    else:
        cats = categories
    lookup = {c: i for i, c in enumerate(cats)}
    mapped = pd.Series(present, dtype=object).map(lambda x: lookup.get(_clean_number(x) if _is_number(x) else x, -1))
    mapped = mapped.to_numpy(dtype=np.int64)
    bad = np.flatnonzero(mapped < 0)
    if bad.size:
        where = np.flatnonzero(~missing)[bad]
        _raise([f"coder {c!r}, unit {u!r}: label {flat[i]!r} is not in categories {list(cats)!r}"
                for (c, u), i in zip(_where(coders, units, where[:_MAX_LISTED], n_units), where)],
               "unknown labels", total=where.size)
    codes = np.full(flat.shape, -1, dtype=_CODE_DTYPE)
    codes[~missing] = mapped
    return codes.reshape(shape), cats
