"""Active learning: which segments to code next, by model uncertainty and diversity.

The next segments to code are those where the model is least sure (a coding there teaches it the
most), spread out over the material: a greedy selection maximises
``(1 - diversity) * uncertainty - diversity * (highest similarity to a segment already picked)``
(maximal marginal relevance), so the list is not ten near-identical turns.

Examples
--------
>>> import numpy as np, scipy.sparse as sp
>>> proba = np.array([[0.5, 0.5], [0.52, 0.48], [0.99, 0.01]])
>>> X = sp.csr_matrix(np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]]))
>>> rank_for_coding(proba, X, n=2, diversity=0.0).tolist()
[0, 1]
>>> rank_for_coding(proba, X, n=2, diversity=0.6).tolist()
[0, 2]
"""

from __future__ import annotations

import numpy as np

from hrp_coding.errors import SuggestError

__all__ = ["next_to_code", "rank_for_coding", "uncertainty"]


def uncertainty(proba: np.ndarray, multilabel: bool = False) -> np.ndarray:
    """Uncertainty in [0, 1] per row.

    Single-label: 1 minus the margin between the two most probable codes. Multi-label: the largest
    per-code closeness to 0.5 (``1 - |2p - 1|``), i.e. the code the model is least sure about.

    Examples
    --------
    >>> uncertainty(np.array([[0.5, 0.5], [1.0, 0.0]])).tolist()
    [1.0, 0.0]
    """
    proba = np.asarray(proba, dtype=float)
    if proba.ndim != 2 or proba.shape[1] == 0:
        raise SuggestError(f"proba must be a 2-D array (n_segments, n_codes), got shape {proba.shape}")
    if multilabel or proba.shape[1] == 1:
        return (1.0 - np.abs(2.0 * proba - 1.0)).max(1)
    top2 = -np.sort(-proba, axis=1)[:, :2]
    return 1.0 - (top2[:, 0] - top2[:, 1])


def rank_for_coding(proba, X, n: int = 10, diversity: float = 0.3, multilabel: bool = False) -> np.ndarray:
    """Indices of the ``n`` rows to code next (uncertainty balanced against similarity to those already picked).

    ``X`` holds one l2-normalised feature row per segment (cosine similarity = dot product).
    """
    if not 0 <= diversity <= 1:
        raise SuggestError(f"diversity must be in [0, 1], got {diversity!r}")
    u = uncertainty(proba, multilabel)
    n = min(int(n), len(u))
    if n <= 0:
        return np.array([], dtype=int)
    from sklearn.preprocessing import normalize

    Xn = normalize(X)
    chosen: list[int] = []
    max_sim = np.zeros(len(u))
    available = np.ones(len(u), dtype=bool)
    for _ in range(n):
        score = (1 - diversity) * u - diversity * max_sim
        score[~available] = -np.inf
        i = int(np.argmax(score))
        chosen.append(i)
        available[i] = False
        sims = np.asarray((Xn @ Xn[i].T).todense()).ravel() if hasattr(Xn, "todense") else Xn @ Xn[i]
        max_sim = np.maximum(max_sim, sims)
    return np.array(chosen, dtype=int)


def next_to_code(project, coder: str, n: int = 10, *, unit: str | None = None, model=None,
                 diversity: float = 0.3):
    """The ``n`` segments ``coder`` should code next: uncoded by them, uncertain for the model, diverse.

    The model is trained on the project's human codings (see :func:`~hrp_coding.suggest.suggest`);
    before anyone has coded, the codebook's cold-start scores are used. Segments of transcripts the
    coder has already coded are left out. Coders hidden from suggestions still get this list (it
    shows no codes or confidences), so blind coding is not affected.

    Returns
    -------
    DataFrame
        ``transcript, segment, start, end, text, uncertainty``, in the recommended order.
    """
    import pandas as pd

    from hrp_coding.suggest.coldstart import ColdStartSuggester
    from hrp_coding.suggest.features import add_context
    from hrp_coding.suggest.project import _check_model, fit_project_model

    if not isinstance(n, int) or n < 1:
        raise SuggestError(f"n must be a positive integer, got {n!r}")
    if model is None:
        model = fit_project_model(project, unit=unit)
    _check_model(model)
    segments = add_context(project.segments(unit), window=max(getattr(model, "context", 0) or 1, 1))
    coded = project.coded_segments(unit, coder=coder)
    done = set(coded["transcript"]) if len(coded) else set()
    todo = segments[~segments["transcript"].isin(done)].reset_index(drop=True)
    columns = ["transcript", "segment", "start", "end", "text", "uncertainty"]
    if len(todo) == 0:
        return pd.DataFrame(columns=columns)
    if isinstance(model, ColdStartSuggester):
        proba = model.predict_proba(todo["text"].tolist())
        X = model._vec(todo["text"].tolist())
        multilabel = True
    else:
        proba = model.predict_proba(todo)
        X = model._own_text_matrix(todo["text"].tolist())
        multilabel = model.multilabel_
    order = rank_for_coding(proba, X, n=n, diversity=diversity, multilabel=multilabel)
    out = todo.iloc[order][["transcript", "segment", "start", "end", "text"]].copy()
    out["uncertainty"] = uncertainty(proba, multilabel)[order]
    return out.reset_index(drop=True)
