"""Code saturation (Guest, Namey & Chen 2020) over the coded interviews of a study (see
:func:`hrp_coding.analysis.saturation`, which this module provides).
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import pandas as pd

from hrp_coding.errors import AnalysisError

__all__ = ["SaturationResult", "saturation"]


@dataclass(frozen=True)
class SaturationResult:
    """New codes per interview and the base / run / threshold assessment of Guest, Namey & Chen (2020).

    Attributes
    ----------
    new_per_interview : DataFrame
        ``order`` (1-based), ``transcript``, ``n_codes`` (distinct codes in it), ``new_codes`` (first seen
        there), ``n_new``, ``cumulative`` (distinct codes so far).
    runs : DataFrame
        One row per run assessed: ``run_start``/``run_end`` (orders), ``n_new`` (codes first seen within the
        run), ``base_codes`` (distinct codes in the base), ``ratio`` = n_new / base_codes,
        ``meets_threshold`` = ratio <= threshold.
    saturation_at : int or None
        The number of interviews after which saturation is reached: the last interview *before* the first
        run whose new information is at or under the threshold; None when no run qualifies.
    confirmed_by : tuple of str
        The transcripts of that run (the interviews that confirm saturation).
    uncoded : tuple of str
        Interviews in the order that nobody has coded yet: left out of the curve (they carry no information).
    """

    new_per_interview: pd.DataFrame
    runs: pd.DataFrame
    base_size: int
    run_length: int
    threshold: float
    saturation_at: int | None
    confirmed_by: tuple[str, ...] = field(default=())
    uncoded: tuple[str, ...] = field(default=())

    @property
    def reached(self) -> bool:
        return self.saturation_at is not None

    def to_frame(self) -> pd.DataFrame:
        """The per-interview table, a copy of :attr:`new_per_interview`.

        Returns
        -------
        pandas.DataFrame
            ``order``, ``transcript``, ``n_codes``, ``new_codes``, ``n_new`` and ``cumulative``, one row per coded
            interview.

        Examples
        --------
        >>> import pandas as pd
        >>> codings = pd.DataFrame({"transcript": ["A", "A", "B"], "code": ["a", "b", "a"], "coder": "ana"})
        >>> saturation(codings, base_size=1, run_length=1).to_frame()[["transcript", "n_new", "cumulative"]]
          transcript  n_new  cumulative
        0          A      2           2
        1          B      0           2
        """
        return self.new_per_interview.copy()

    def __str__(self) -> str:
        head = (f"Saturation (Guest, Namey & Chen 2020; base {self.base_size}, run {self.run_length}, "
                f"threshold {self.threshold:.0%})")
        tail = (f"; {len(self.uncoded)} uncoded interview(s) left out ({', '.join(self.uncoded)})"
                if self.uncoded else "")
        if not self.reached:
            total = len(self.new_per_interview)
            return f"{head}: not reached in {total} interviews{tail}"
        return (f"{head}: reached at {self.saturation_at} interviews "
                f"(confirmed by {', '.join(self.confirmed_by)}){tail}")

    def _repr_html_(self) -> str:
        return f"<p><b>{html.escape(str(self))}</b></p>" + self.runs.to_html(index=False, float_format="{:.3f}".format)


def saturation(source, *, order: Sequence[str] | None = None, base_size: int = 4, run_length: int = 2,
               threshold: float = 0.05, coders: Sequence[str] | None = None) -> SaturationResult:
    """Code saturation: new codes per successive interview, and where saturation is reached.

    Implements the method of Guest, Namey & Chen (2020), "A simple method to assess and report thematic
    saturation in qualitative research", PLOS ONE 15(5): e0232076. The *base* is the first ``base_size``
    interviews; its distinct codes are the denominator. A *run* is ``run_length`` consecutive interviews
    after the base; its new information is the number of codes first seen within the run (new relative to
    everything before it). Runs roll forward one interview at a time. Saturation is reached at the last
    interview before the first run whose ratio ``n_new / base_codes`` is at or under ``threshold``: the
    run confirms that more interviews added (almost) nothing.

    Parameters
    ----------
    source : Project or DataFrame
        Codings (transcript, code); a code counts for an interview when any selected coder applied it.
    order : list of str, optional
        Interview order (the order of data collection); default: sorted transcript ids. Only coded interviews
        count: an interview nobody (of ``coders``) has coded yet adds no information, not "0 new codes", so it
        is left out of the curve and listed in ``result.uncoded``.
    base_size, run_length : int
        Guest et al. suggest a base of 4 to 6 and runs of 2 or 3.
    threshold : float
        New-information threshold as a proportion (0.05 = their <= 5%; 0 = no new information at all).
    coders : list of str, optional
        Whose codings count (default: all, e.g. restrict to the consensus layer).

    Returns
    -------
    SaturationResult
        The per-interview table, the runs assessed, ``saturation_at`` and the interviews confirming it.

    Raises
    ------
    AnalysisError
        For a base or run that is not a positive integer, a threshold outside [0, 1), or an ``order`` that lacks
        coded transcripts or lists one twice.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = [("A", c) for c in "abcd"] + [("B", c) for c in "aef"] + [("C", "a"), ("D", "g"), ("E", "b")]
    >>> codings = pd.DataFrame(rows, columns=["transcript", "code"]).assign(coder="ana")
    >>> result = saturation(codings, base_size=2, run_length=2, threshold=0.2)
    >>> result.runs[["run_start", "run_end", "n_new", "base_codes"]].values.tolist()
    [[3, 4, 1, 6], [4, 5, 1, 6]]
    >>> result.saturation_at, result.confirmed_by
    (2, ('C', 'D'))
    """
    if not isinstance(base_size, int) or base_size < 1:
        raise AnalysisError(f"base_size must be a positive integer, got {base_size!r}")
    if not isinstance(run_length, int) or run_length < 1:
        raise AnalysisError(f"run_length must be a positive integer, got {run_length!r}")
    if not 0 <= threshold < 1:
        raise AnalysisError(f"threshold is a proportion in [0, 1), got {threshold!r}")
    from hrp_coding.analysis import _codings

    frame = _codings(source, coders)
    present = sorted(set(frame["transcript"]))
    if order is None:
        order = sorted(set(present) | set(getattr(source, "transcript_ids", [])))
    else:
        order = list(order)
        unknown = sorted(set(present) - set(order))
        if unknown:
            raise AnalysisError(f"order lacks transcripts that have codings: {unknown}")
        if len(set(order)) != len(order):
            raise AnalysisError("order lists a transcript twice")
    codes_of = frame.groupby("transcript")["code"].agg(lambda s: set(s)).to_dict()
    uncoded = tuple(t for t in order if t not in codes_of)
    order = [t for t in order if t in codes_of]
    seen: set = set()
    first_seen = {}
    rows = []
    for position, tid in enumerate(order, start=1):
        codes = codes_of.get(tid, set())
        new = sorted(codes - seen)
        for code in new:
            first_seen[code] = position
        seen |= codes
        rows.append({"order": position, "transcript": tid, "n_codes": len(codes), "new_codes": tuple(new),
                     "n_new": len(new), "cumulative": len(seen)})
    per_interview = pd.DataFrame(rows, columns=["order", "transcript", "n_codes", "new_codes", "n_new", "cumulative"])

    base_codes = int(per_interview["cumulative"].iloc[base_size - 1]) if len(order) >= base_size else 0
    runs = []
    for start in range(base_size + 1, len(order) - run_length + 2):
        end = start + run_length - 1
        n_new = int(per_interview["n_new"].iloc[start - 1:end].sum())
        ratio = n_new / base_codes if base_codes else math.inf
        runs.append({"run_start": start, "run_end": end, "n_new": n_new, "base_codes": base_codes,
                     "ratio": ratio, "meets_threshold": ratio <= threshold})
    runs_frame = pd.DataFrame(runs, columns=["run_start", "run_end", "n_new", "base_codes", "ratio",
                                             "meets_threshold"])
    hits = runs_frame[runs_frame["meets_threshold"]]
    if len(hits):
        first = hits.iloc[0]
        at = int(first["run_start"]) - 1
        confirmed = tuple(order[int(first["run_start"]) - 1:int(first["run_end"])])
    else:
        at, confirmed = None, ()
    return SaturationResult(per_interview, runs_frame, base_size, run_length, float(threshold), at, confirmed,
                            uncoded)
