"""Codings and codebook changes: what waits for recoding, what a change would move, and a codebook edited by
hand out of step with its codings (pure functions over a codings DataFrame and a codebook).

* :func:`recode_queue`: the codings of split or retired codes (``needs_recoding``), with the candidates and the
  coded text, for ``hrp-coding recode-queue STUDY`` and the widget;
* :func:`migration_preview`: what :meth:`~hrp_coding.project.Project.update_codebook` would do with a new
  codebook (``--dry-run`` of ``hrp-coding codebook rename|merge|split|move|retire|add``);
* :func:`orphaned_ids`: code ids used by codings that the codebook neither has nor says where they went (a hand
  edit of ``codebook.yaml`` that dropped or renamed a used id); :meth:`Project.open` refuses such a project
  until it is migrated.

Examples
--------
>>> import pandas as pd
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("hold", "Hold")])
>>> codings = pd.DataFrame({"coding_id": ["c1", "c2"], "coder": "ana", "transcript": "P01", "code": ["hold", "hld"],
...                         "start": 0, "end": 4, "text": "text", "needs_recoding": False, "candidates": ""})
>>> orphaned_ids(codings, cb)
{'hld': 1}
>>> migration_preview(codings, cb.rename("hold", "holding", who="ana", why="clearer"))[["from_code", "to_code",
...                   "n_codings"]].values.tolist()
[['hold', 'holding', 1]]
"""

from __future__ import annotations

import pandas as pd

__all__ = ["QUEUE_COLUMNS", "migration_preview", "orphaned_ids", "recode_queue"]

QUEUE_COLUMNS = ["coding_id", "coder", "transcript", "start", "end", "code", "candidates", "text"]


def recode_queue(codings: pd.DataFrame) -> pd.DataFrame:
    """The codings waiting for recoding, one row each (columns :data:`QUEUE_COLUMNS`), by coder, transcript and
    position; ``candidates`` are the codes they may be recoded to (';'-joined).

    Parameters
    ----------
    codings : pandas.DataFrame
        Live codings (:meth:`~hrp_coding.project.Project.codings`), with ``needs_recoding`` and ``candidates``.

    Returns
    -------
    pandas.DataFrame
        The waiting codings, columns :data:`QUEUE_COLUMNS` that the input has; empty when nothing waits or the
        input has no ``needs_recoding`` column.

    Examples
    --------
    >>> import pandas as pd
    >>> codings = pd.DataFrame({"coding_id": ["c1", "c2"], "coder": "ana", "transcript": "P01", "start": [0, 9],
    ...                         "end": 4, "code": "hold", "candidates": ["care;space", ""], "text": "text",
    ...                         "needs_recoding": [True, False]})
    >>> recode_queue(codings)[["coding_id", "candidates"]].values.tolist()
    [['c1', 'care;space']]
    """
    if "needs_recoding" not in codings.columns:
        return pd.DataFrame(columns=QUEUE_COLUMNS)
    waiting = codings[codings["needs_recoding"].fillna(False).astype(bool)]
    cols = [c for c in QUEUE_COLUMNS if c in waiting.columns]
    return waiting[cols].sort_values(["coder", "transcript", "start"], kind="stable").reset_index(drop=True)


def migration_preview(codings: pd.DataFrame, new_codebook) -> pd.DataFrame:
    """What moving to ``new_codebook`` does to the codings: one row per (from_code, to_code) with
    ``needs_recoding``, ``candidates``, ``n_codings`` and ``coders``; unchanged codes are left out.

    Parameters
    ----------
    codings : pandas.DataFrame
        Live codings (``code`` and ``coder`` columns at least).
    new_codebook : Codebook
        The codebook that would replace the current one (its changelog says where old ids go).

    Returns
    -------
    pandas.DataFrame
        Columns ``from_code, to_code, needs_recoding, candidates, n_codings, coders, reason``, by ``from_code``.

    Examples
    --------
    >>> import pandas as pd
    >>> from hrp_coding.codebook import Code, Codebook
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("hold", "Hold")])
    >>> codings = pd.DataFrame({"code": ["hold", "hold"], "coder": ["ana", "ben"]})
    >>> preview = migration_preview(codings, cb.retire("hold", who="ana", why="unused"))
    >>> preview[["needs_recoding", "n_codings", "coders"]]
       needs_recoding  n_codings    coders
    0            True          2  ana, ben
    """
    migration = new_codebook.migration()
    rows = []
    for code, group in codings.groupby("code", sort=True):
        step = migration.get(code)
        if step is None or (step.new_id == code and not step.needs_recoding):
            continue
        rows.append({"from_code": code, "to_code": step.new_id, "needs_recoding": bool(step.needs_recoding),
                     "candidates": ";".join(step.candidates), "n_codings": len(group),
                     "coders": ", ".join(sorted(set(group["coder"]))), "reason": step.reason})
    return pd.DataFrame(rows, columns=["from_code", "to_code", "needs_recoding", "candidates", "n_codings", "coders",
                                       "reason"])


def orphaned_ids(codings: pd.DataFrame, codebook) -> dict[str, int]:
    """Code ids of live codings that are not in the codebook and that no changelog entry accounts for, with how
    many codings use each (see :func:`hrp_coding.codebook.evolve.unaccounted_ids`).

    Parameters
    ----------
    codings : pandas.DataFrame
        Live codings (a ``code`` column); an empty frame has none.
    codebook : Codebook
        The project's codebook as it is now on disk.

    Returns
    -------
    dict of str to int
        Each unaccounted code id and its number of codings, sorted by id.

    Examples
    --------
    >>> import pandas as pd
    >>> from hrp_coding.codebook import Code, Codebook
    >>> cb = Codebook(name="D", version=1, codes=[Code("care", "Care")])
    >>> orphaned_ids(pd.DataFrame({"code": ["care", "cair"]}), cb)
    {'cair': 1}
    """
    from hrp_coding.codebook.evolve import unaccounted_ids

    return unaccounted_ids(codings["code"] if len(codings) else (), codebook)
