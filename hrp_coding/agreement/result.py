"""The result object every reliability coefficient returns.

Examples
--------
>>> r = AgreementResult(coefficient="cohen_kappa", value=0.123456789, observed=0.7, expected=0.657,
...                     se=0.05, ci=(0.025, 0.22), n_units=10, n_coders=2, n_pairable=10,
...                     categories=("a", "b"), weights="identity", se_method="fleiss-cohen-everitt")
>>> float(r)
0.123456789
>>> print(r)
cohen_kappa = 0.1235 (SE 0.0500, 95% CI 0.0250 to 0.2200); observed 0.7000, expected 0.6570; 10 units, 2 coders
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field, replace

__all__ = ["AgreementResult"]


def _fmt(x: float | None, digits: int = 4) -> str:
    if x is None:
        return "n/a"
    if isinstance(x, float) and math.isnan(x):
        return "nan"
    return f"{x:.{digits}f}"


@dataclass(frozen=True)
class AgreementResult:
    """One reliability coefficient, at full precision.

    Attributes
    ----------
    coefficient : str
        Name of the coefficient (``"krippendorff_alpha"``, ``"cohen_kappa"``, ...).
    value : float
        The coefficient. Never rounded; rounding happens only in ``__str__`` and ``_repr_html_``.
    observed, expected : float
        Observed and chance-expected agreement ``p_a`` and ``p_e`` (Gwet 2014; for Krippendorff's alpha
        with weights ``1 - delta / max(delta)``), so that ``value == (observed - expected) / (1 - expected)``
        holds for every coefficient outside the degenerate cases.
    se : float or None
        Standard error (``None`` when not computed or not defined). A coefficient may defer it: then it
        is computed on first access of ``se`` or ``ci`` (or of anything that shows them: ``str``,
        ``to_frame``, equality), once, to the same value as an eager computation.
    ci : tuple of float or None
        Confidence interval at level ``confidence``.
    n_units : int
        Units with at least one rating.
    n_coders : int
        Coders with at least one rating (for a count table, which has no coder identities: the largest
        number of ratings of a unit).
    n_pairable : int
        Units with at least two ratings (the units that carry agreement information).
    categories : tuple
        The categories, in order, including unused ones passed in ``categories=``.
    weights : str
        The weighting scheme (``"identity"``, ``"linear"``, ``"quadratic"``, ``"ordinal"``, ``"ratio"``,
        ``"custom"``) or, for Krippendorff's alpha, the level of measurement.
    se_method : str or None
        How ``se`` was obtained (``"gwet-linearisation"``, ``"fleiss-cohen-everitt"``, ``"bootstrap"``,
        ``"krippendorff-bootstrap"``) or ``None``.
    notes : tuple of str
        Anything the reader must know (degenerate cases, dropped units...).
    confidence : float
        The level of ``ci`` (0.95 unless asked otherwise); printed as it is (``80% CI``).
    """

    coefficient: str
    value: float
    observed: float
    expected: float
    se: float | None = None
    ci: tuple[float, float] | None = None
    n_units: int = 0
    n_coders: int = 0
    n_pairable: int = 0
    categories: tuple = ()
    weights: str = "identity"
    se_method: str | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)
    confidence: float = 0.95

    @property
    def ci_label(self) -> str:
        """``"95% CI"``, ``"80% CI"``: the interval's real level."""
        return f"{100 * self.confidence:g}% CI"

    @property
    def level(self) -> str:
        """Alias of ``weights`` (the level of measurement, for Krippendorff's alpha)."""
        return self.weights

    @classmethod
    def deferred(cls, thunk, **fields) -> AgreementResult:
        """A result whose ``se`` and ``ci`` come from ``thunk() -> (se, ci)`` on first access.

        Parameters
        ----------
        thunk : callable
            ``() -> (se, ci)``, run at most once, when ``se`` or ``ci`` is first read.
        **fields
            The other fields of :class:`AgreementResult` (``coefficient``, ``value``, ``observed``...).

        Returns
        -------
        AgreementResult
            The result, its point estimate available at once.

        Examples
        --------
        >>> r = AgreementResult.deferred(lambda: (0.1, (0.3, 0.7)), coefficient="krippendorff_alpha",
        ...                              value=0.5, observed=0.75, expected=0.5, se_method="gwet-linearisation")
        >>> r.value, r.ci, r.se
        (0.5, (0.3, 0.7), 0.1)
        """
        res = cls(**fields, se=None, ci=None)
        for name in _DEFERRED:
            del res.__dict__[name]
        object.__setattr__(res, "_thunk", thunk)
        return res

    def __getattr__(self, name):  # only reached for a deferred se/ci not computed yet
        thunk = self.__dict__.get("_thunk") if name in _DEFERRED else None
        if thunk is None:
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        se, ci = thunk()
        object.__setattr__(self, "se", se)
        object.__setattr__(self, "ci", ci)
        del self.__dict__["_thunk"]
        return self.__dict__[name]

    def __getstate__(self) -> dict:  # pickling/copying computes a deferred SE (a thunk does not pickle)
        return {f: getattr(self, f) for f in self.__dataclass_fields__}

    def __float__(self) -> float:
        return float(self.value)

    def replace(self, **changes) -> AgreementResult:
        """Return a copy with some fields changed (the result itself is frozen).

        Parameters
        ----------
        **changes
            New values of fields (``value``, ``notes``...).

        Returns
        -------
        AgreementResult
            The copy; this result is unchanged.

        Examples
        --------
        >>> r = AgreementResult("scott_pi", 0.5, 0.75, 0.5, n_units=4, n_coders=2, n_pairable=4)
        >>> r.replace(notes=("checked by hand",)).notes, r.notes
        (('checked by hand',), ())
        """
        return replace(self, **changes)

    def as_dict(self) -> dict:
        """The fields as a plain dict (``ci`` split into ``ci_low`` and ``ci_high``).

        Returns
        -------
        dict
            Every field by name in a stable order, ``ci`` as ``ci_low`` and ``ci_high`` (None without an interval).

        Examples
        --------
        >>> d = AgreementResult("scott_pi", 0.5, 0.75, 0.5, n_units=4, n_coders=2, n_pairable=4).as_dict()
        >>> d["coefficient"], d["value"], d["ci_low"]
        ('scott_pi', 0.5, None)
        """
        lo, hi = self.ci if self.ci is not None else (None, None)
        return {
            "coefficient": self.coefficient,
            "value": self.value,
            "observed": self.observed,
            "expected": self.expected,
            "se": self.se,
            "ci_low": lo,
            "ci_high": hi,
            "ci_level": self.confidence,
            "n_units": self.n_units,
            "n_coders": self.n_coders,
            "n_pairable": self.n_pairable,
            "n_categories": len(self.categories),
            "weights": self.weights,
            "se_method": self.se_method,
            "notes": "; ".join(self.notes),
        }

    def to_frame(self):
        """One-row DataFrame (index = coefficient name), full precision.

        Returns
        -------
        pandas.DataFrame
            The columns of :meth:`as_dict` but ``coefficient``, which is the index.

        Examples
        --------
        >>> r = AgreementResult("scott_pi", 0.5, 0.75, 0.5, n_units=4, n_coders=2, n_pairable=4)
        >>> float(r.to_frame().loc["scott_pi", "value"])
        0.5
        """
        import pandas as pd

        d = self.as_dict()
        name = d.pop("coefficient")
        return pd.DataFrame([d], index=pd.Index([name], name="coefficient"))

    def __str__(self) -> str:
        text = f"{self.coefficient} = {_fmt(self.value)}"
        if self.se is not None:
            text += f" (SE {_fmt(self.se)}"
            if self.ci is not None:
                text += f", {self.ci_label} {_fmt(self.ci[0])} to {_fmt(self.ci[1])}"
            text += ")"
        text += f"; observed {_fmt(self.observed)}, expected {_fmt(self.expected)}"
        text += f"; {self.n_units} units, {self.n_coders} coders"
        if self.n_pairable != self.n_units:
            text += f", {self.n_pairable} pairable"
        for note in self.notes:
            text += f"\nnote: {note}"
        return text

    def _repr_html_(self) -> str:
        rows = [
            ("value", _fmt(self.value)),
            ("observed agreement", _fmt(self.observed)),
            ("expected agreement", _fmt(self.expected)),
            ("standard error", _fmt(self.se) + (f" ({self.se_method})" if self.se_method else "")),
            (self.ci_label, "n/a" if self.ci is None else f"{_fmt(self.ci[0])} to {_fmt(self.ci[1])}"),
            ("units / pairable / coders", f"{self.n_units} / {self.n_pairable} / {self.n_coders}"),
            ("categories", str(len(self.categories))),
            ("weights / level", self.weights),
        ]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
                       for k, v in rows)
        notes = "".join(f"<p><em>note:</em> {html.escape(n)}</p>" for n in self.notes)
        return (f"<div class='hrp-agreement'><strong>{html.escape(self.coefficient)}</strong>"
                f"<table>{body}</table>{notes}</div>")


_DEFERRED = ("se", "ci")
# The class-level defaults of the deferred fields would shadow ``__getattr__``; ``__init__`` keeps its own.
for _name in _DEFERRED:
    delattr(AgreementResult, _name)
del _name
