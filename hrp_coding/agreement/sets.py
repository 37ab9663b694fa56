"""Agreement on the *set* of codes each coder gave each unit: Jaccard and MASI distances, and Krippendorff's
alpha over code sets computed without an S x S matrix in Python.

Each unit's code set is a bit mask (one bit per code, packed in 64-bit words). Krippendorff's alpha with a
set distance ``delta`` (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"; for sets:
Passonneau 2006) is

    alpha = 1 - (n.. - 1) * sum_u sum_{i != j} delta(s_ui, s_uj) / (m_u - 1)  /  sum_{c, k} n_c n_k delta(c, k)

over the units with ``m_u >= 2`` values, ``n_c`` the number of pairable values equal to the set ``c`` and
``n..`` their total. The observed part is a sum over coder pairs of element-wise distances (popcounts of the
masks); the expected part is ``n..^2`` minus the similarity ``1 - delta`` summed over the pairs of distinct sets
that share a code (a sparse product of the sets x codes incidence), because disjoint sets have similarity 0:
its cost grows with the sharing pairs, not with ``S^2``, and no Python loop runs over sets. The value equals
:func:`~hrp_coding.agreement.krippendorff_alpha` with the S x S distance matrix (tested); no standard error
is computed (the report shows none for set alphas).

Examples
--------
>>> import numpy as np
>>> present = np.array([[[1, 0], [1, 1], [0, 0]], [[1, 0], [1, 0], [0, 0]]], bool)  # 2 coders, 3 units, 2 codes
>>> rated = np.ones((2, 3), bool)
>>> sa = SetAgreement(present, rated)
>>> round(sa.alpha("jaccard").value, 4)
0.7368
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

__all__ = ["DISTANCES", "SetAgreement", "SetAlpha", "jaccard_distance", "masi_distance"]

DISTANCES = ("masi", "jaccard")
_DIRECT_SETS = 2000  # up to this many distinct sets, sharing pairs are enumerated; beyond, binomial moments
_MAX_SIZE = 12  # largest code set for the moments (2^12 subsets)
_MAX_ENTRIES = 1 << 23  # most subsets enumerated for the moments
_BLOCK_PAIRS = 1 << 22  # sharing set pairs per block of the sparse product (expected disagreement)


def jaccard_distance(a: frozenset, b: frozenset) -> float:
    """``1 - |a & b| / |a | b|``; two empty sets are identical (distance 0).

    Parameters
    ----------
    a, b : frozenset
        Two code sets (what two coders applied to one unit).

    Returns
    -------
    float
        The share of the union that is not in both, from 0 (equal) to 1 (disjoint).

    Examples
    --------
    >>> jaccard_distance(frozenset("ab"), frozenset("bc"))
    0.6666666666666667
    """
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


def masi_distance(a: frozenset, b: frozenset) -> float:
    """MASI distance (Passonneau 2006): ``1 - J * M`` with monotonicity ``M`` 1, 2/3, 1/3 or 0.

    ``M`` is 1 for equal sets, 2/3 when one is a subset of the other, 1/3 when they overlap otherwise and 0
    when they are disjoint; ``J`` is the Jaccard similarity.

    Parameters
    ----------
    a, b : frozenset
        The codes two coders gave one unit.

    Returns
    -------
    float
        In [0, 1]: 0 for equal sets, 1 for disjoint ones.

    Examples
    --------
    >>> masi_distance(frozenset("ab"), frozenset("a"))  # J = 1/2, subset: M = 2/3
    0.6666666666666667
    """
    if a == b:
        return 0.0
    if a <= b or b <= a:
        m = 2 / 3
    elif a & b:
        m = 1 / 3
    else:
        return 1.0
    return 1.0 - (len(a & b) / len(a | b)) * m


def _popcount(x: np.ndarray) -> np.ndarray:
    """Bits set per uint64 element (SWAR), as int64."""
    x = x - ((x >> np.uint64(1)) & np.uint64(0x5555555555555555))
    x = (x & np.uint64(0x3333333333333333)) + ((x >> np.uint64(2)) & np.uint64(0x3333333333333333))
    x = (x + (x >> np.uint64(4))) & np.uint64(0x0F0F0F0F0F0F0F0F)
    return ((x * np.uint64(0x0101010101010101)) >> np.uint64(56)).astype(np.int64)


def _delta(a: np.ndarray, b: np.ndarray, sa: np.ndarray, sb: np.ndarray, kind: str) -> np.ndarray:
    """Element-wise set distance of bit masks ``a``, ``b`` (``... x words``) with sizes ``sa``, ``sb``."""
    inter = _popcount(a & b).sum(axis=-1)
    union = sa + sb - inter
    with np.errstate(invalid="ignore", divide="ignore"):
        j = np.where(union > 0, inter / np.where(union > 0, union, 1), 1.0)
    if kind == "jaccard":
        return 1.0 - j
    equal = (inter == sa) & (inter == sb)
    subset = (inter == sa) | (inter == sb)
    m = np.where(equal, 1.0, np.where(subset, 2 / 3, np.where(inter > 0, 1 / 3, 0.0)))
    return np.where(equal, 0.0, 1.0 - j * m)


@dataclass(frozen=True)
class SetAlpha:
    """Krippendorff's alpha over code sets: ``value`` (NaN only with a ``note`` saying why), pairable units."""

    value: float
    n_pairable: int
    notes: tuple = field(default_factory=tuple)


class SetAgreement:
    """Code sets of raters x units, encoded once; alphas for any scope (rater subset, unit mask, groups).

    Parameters
    ----------
    present : ndarray of bool, raters x units x codes
    rated : ndarray of bool, raters x units
        Whether the rater coded the unit's transcript (an unrated cell is missing, not the empty set).
    """

    def __init__(self, present: np.ndarray, rated: np.ndarray):
        n_r, n_u, n_k = present.shape
        n_words = max(1, -(-n_k // 64))
        weights = np.zeros((n_k, n_words), np.uint64)
        bits = np.arange(n_k)
        weights[bits, bits // 64] = np.left_shift(np.uint64(1), (bits % 64).astype(np.uint64))
        words = np.zeros((n_r, n_u, n_words), np.uint64)
        for w in range(n_words):  # OR of the code bits of each cell (one pass per word of 64 codes)
            cols = bits[bits // 64 == w]
            words[:, :, w] = np.bitwise_or.reduce(np.where(present[:, :, cols], weights[cols, w], np.uint64(0)),
                                                  axis=2) if cols.size else 0
        flat = words.reshape(-1, n_words)
        if n_words == 1:
            keys, inv = np.unique(flat[:, 0], return_inverse=True)
            keys = keys[:, None]
        else:
            keys, inv = np.unique(flat, axis=0, return_inverse=True)
        self.keys = keys
        self.n_codes = n_k
        self.sizes = _popcount(keys).sum(axis=1)
        inv = inv.reshape(n_r, n_u).astype(np.int64)
        inv[~rated] = -1
        self.inv = inv

    def alpha(self, distance: str = "masi", raters=None, units: np.ndarray | None = None) -> SetAlpha:
        """Alpha over ``raters`` (indices, default all) and the units in the boolean mask ``units``.

        Parameters
        ----------
        distance : {"masi", "jaccard"}, default "masi"
            The distance between two code sets.
        raters : sequence of int, optional
            Rows of ``present`` to include (default: every rater).
        units : ndarray of bool, optional
            Which units to include (default: all).

        Returns
        -------
        SetAlpha
            The alpha, the number of pairable units, and a note when it is undefined.

        Examples
        --------
        >>> import numpy as np
        >>> present = np.array([[[1, 0], [1, 1], [0, 1]], [[1, 0], [1, 0], [0, 1]]], bool)  # raters x units x codes
        >>> agreement = SetAgreement(present, np.ones((2, 3), bool))   # unit 2: {0, 1} vs {0}, MASI 2/3
        >>> round(agreement.alpha("masi").value, 4), agreement.alpha(units=np.array([True, False, True])).value
        (0.6429, 1.0)
        """
        inv = self.inv if raters is None else self.inv[list(raters)]
        if units is not None:
            inv = inv[:, units]
        return self._alpha(inv, distance)

    def by_group(self, groups: np.ndarray, distance: str = "masi", raters=None) -> list[SetAlpha]:
        """One alpha per group id ``0..G-1`` (``groups`` gives each unit's group).

        Parameters
        ----------
        groups : ndarray of int
            Each unit's group (a transcript's index, say).
        distance : {"masi", "jaccard"}, default "masi"
            The distance between two code sets.
        raters : sequence of int, optional
            Rows of ``present`` to include (default: every rater).

        Returns
        -------
        list of SetAlpha
            One per group, in group order.

        Examples
        --------
        >>> import numpy as np
        >>> present = np.array([[[1, 0], [1, 1], [0, 1]], [[1, 0], [1, 0], [0, 1]]], bool)
        >>> [a.n_pairable for a in SetAgreement(present, np.ones((2, 3), bool)).by_group(np.array([0, 0, 1]))]
        [2, 1]
        """
        inv = self.inv if raters is None else self.inv[list(raters)]
        order = np.argsort(groups, kind="stable")
        bounds = np.searchsorted(groups[order], np.arange(int(groups.max()) + 2 if groups.size else 1))
        return [self._alpha(inv[:, order[bounds[g]:bounds[g + 1]]], distance) for g in range(len(bounds) - 1)]

    def _incidence(self):
        """Sets x codes incidence (CSR, int32), built once."""
        if getattr(self, "_csr", None) is None:
            from scipy import sparse

            n_k = self.n_codes
            bits = np.arange(n_k)
            dense = ((self.keys[:, bits // 64] >> (bits % 64).astype(np.uint64)) & np.uint64(1)).astype(np.int32)
            self._csr = sparse.csr_matrix(dense)
        return self._csr

    def _subsets(self):
        """Every non-empty subset ``T`` of every distinct set (sizes up to ``_MAX_SIZE``), once: per subset size
        ``j`` the arrays (set index, subset id). ``None`` when a set is too large for this (then the sparse
        product serves)."""
        if getattr(self, "_subset_entries", False) is not False:
            return self._subset_entries
        sizes = self.sizes
        if sizes.max(initial=0) > _MAX_SIZE or float(np.sum(2.0 ** sizes - 1)) > _MAX_ENTRIES:
            self._subset_entries = None
            return None
        n_k = self.n_codes
        bits = np.arange(n_k)
        dense = ((self.keys[:, bits // 64] >> (bits % 64).astype(np.uint64)) & np.uint64(1)).astype(bool)
        per_j: dict[int, list] = {}
        for size in range(1, int(sizes.max(initial=0)) + 1):
            rows = np.flatnonzero(sizes == size)
            if not rows.size:
                continue
            codes = np.nonzero(dense[rows])[1].reshape(rows.size, size)  # sorted code indices of each set
            for mask in range(1, 1 << size):
                sel = [b for b in range(size) if mask >> b & 1]
                per_j.setdefault(len(sel), []).append((rows, codes[:, sel]))
        out = {}
        for j, parts in per_j.items():
            sets = np.concatenate([r for r, _ in parts])
            subs = np.concatenate([c for _, c in parts])
            _, tid = np.unique(subs, axis=0, return_inverse=True)
            out[j] = (sets, tid.ravel(), int(tid.max()) + 1)
        self._subset_entries = out
        return out

    def _expected_moments(self, used: np.ndarray, n_c: np.ndarray, distance: str, entries) -> float:
        """The expected-disagreement sum from binomial moments of the intersection sizes.

        The similarity of sets ``c``, ``k`` depends only on ``a = |c|``, ``b = |k|`` and ``t = |c & k|``
        (subset iff ``t = min(a, b)``, equal iff ``t = a = b``). ``M_j[a, b] = sum_{|T| = j} N_a(T) N_b(T)``,
        ``N_a(T)`` the pairable values whose set has size ``a`` and contains ``T``, equals
        ``sum_t C(t, j) P_t[a, b]`` with ``P_t`` the weighted number of set pairs meeting in ``t`` codes;
        inverting the binomial transform gives ``P_t`` exactly, so the cost is the number of subsets, never
        the number of set pairs.
        """
        from math import comb

        w = np.zeros(len(self.keys))
        w[used] = n_c
        n_dot = float(n_c.sum())
        n_a = int(self.sizes[used].max(initial=0)) + 1
        size_w = np.bincount(self.sizes[used], weights=n_c, minlength=n_a)
        moments = {0: np.outer(size_w, size_w)}
        for j, (sets, tid, n_t) in entries.items():
            if j >= n_a:
                continue
            wt = w[sets]
            keep = wt > 0
            flat = self.sizes[sets[keep]] * n_t + tid[keep]
            big = np.bincount(flat, weights=wt[keep], minlength=n_a * n_t).reshape(n_a, n_t)
            moments[j] = big @ big.T
        similar = size_w[0] ** 2  # two empty sets are equal
        a = np.arange(n_a)
        for t in range(1, n_a):
            p_t = sum((-1) ** (j - t) * comb(j, t) * moments[j] for j in range(t, n_a) if j in moments)
            if np.isscalar(p_t):
                continue
            aa, bb = np.meshgrid(a, a, indexing="ij")
            ok = (aa >= t) & (bb >= t)
            jac = np.where(ok, t / np.maximum(aa + bb - t, 1), 0.0)
            if distance == "masi":
                equal = (aa == t) & (bb == t)
                subset = (aa == t) | (bb == t)
                jac = np.where(equal, 1.0, jac * np.where(subset, 2 / 3, 1 / 3))
            similar += float(np.sum(np.where(ok, p_t, 0.0) * jac))
        return n_dot * n_dot - similar

    def _expected(self, used: np.ndarray, n_c: np.ndarray, distance: str) -> float:
        """``sum_{c,k} n_c n_k delta(c, k)`` over the distinct sets ``used`` with pairable counts ``n_c``.

        ``delta = 1 - similarity`` and the similarity of two sets is 0 unless they share a code (or are both
        empty), so the sum is ``n..^2`` minus the similarity over the pairs of sets that share a code, found by a
        sparse product of the sets x codes incidence (row blocks, bounded memory): ``O(sharing pairs)``, not
        ``O(S^2)``.
        """
        if len(used) > _DIRECT_SETS:
            entries = self._subsets()
            if entries is not None:
                return self._expected_moments(used, n_c, distance, entries)
        n_dot = float(n_c.sum())
        sizes = self.sizes[used]
        empty = sizes == 0
        similar = float(n_c[empty].sum()) ** 2  # two empty sets are equal
        inc = self._incidence()[used[~empty]]
        w = n_c[~empty]
        sz = sizes[~empty]
        per_code = np.asarray(inc.sum(axis=0)).ravel()
        partners = float(per_code @ per_code) / max(inc.shape[0], 1)  # mean sharing sets per set
        step = max(1, int(_BLOCK_PAIRS / max(partners, 1.0)))
        inc_t = inc.T.tocsr()
        for s in range(0, inc.shape[0], step):
            block = (inc[s:s + step] @ inc_t).tocoo()
            i, j, inter = block.row + s, block.col, block.data.astype(np.int64)
            si, sj = sz[i], sz[j]
            sim = inter / (si + sj - inter)
            if distance == "masi":
                equal = (inter == si) & (inter == sj)
                subset = (inter == si) | (inter == sj)
                sim = np.where(equal, 1.0, sim * np.where(subset, 2 / 3, 1 / 3))
            similar += float(np.sum(w[i] * w[j] * sim))
        return n_dot * n_dot - similar

    def _alpha(self, inv: np.ndarray, distance: str) -> SetAlpha:
        if distance not in DISTANCES:
            from hrp_coding.errors import AgreementError

            raise AgreementError(f"distance={distance!r} is not allowed; use one of {list(DISTANCES)}")
        ok = inv >= 0
        m_u = ok.sum(axis=0)
        pairable = m_u >= 2
        n2 = int(pairable.sum())
        if n2 == 0:
            return SetAlpha(float("nan"), 0, ("no pairable unit (no unit coded by two coders)",))
        inv, ok, m_u = inv[:, pairable], ok[:, pairable], m_u[pairable]
        keys, sizes = self.keys, self.sizes
        n_dot = float(ok.sum())
        observed = 0.0
        scale = 2.0 / (m_u - 1)
        for g in range(inv.shape[0]):
            for h in range(g + 1, inv.shape[0]):
                both = ok[g] & ok[h]
                if not both.any():
                    continue
                a, b = inv[g, both], inv[h, both]
                observed += float((_delta(keys[a], keys[b], sizes[a], sizes[b], distance) * scale[both]).sum())
        counts = np.bincount(inv[ok], minlength=len(keys)).astype(np.float64)
        used = np.flatnonzero(counts)
        expected = self._expected(used, counts[used], distance)
        if expected <= 0:
            if observed <= 0:
                return SetAlpha(1.0, n2, ("every coder gave every unit the same code set (no variation): alpha "
                                          "is 1.0 by the degenerate-case policy",))
            return SetAlpha(float("nan"), n2, ("expected disagreement is 0 but observed is not: undefined",))
        return SetAlpha(1.0 - (n_dot - 1) * observed / expected, n2)
