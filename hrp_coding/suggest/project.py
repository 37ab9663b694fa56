"""Suggestions inside a project: training data, suggestion tables, the model as a coder, audit, blindness.

- :func:`suggest` returns suggestions for texts (with a fitted model) or for a project's segments
  (for one coder; trained on the other humans' codings, or from the codebook alone before anyone has
  coded).
- :func:`write_model_layer` writes suggestions as the coder layer ``model:<name>``, so that
  ``agreement.report`` compares the model with each human like any other coder.
- :func:`accept_suggestion` records an accepted suggestion in the coder's journal with its source,
  model id and confidence.
- Blindness: coders listed in the project setting ``suggestions_hidden_from`` are never shown
  suggestions (:func:`suggest` and :func:`accept_suggestion` refuse, naming the setting), and their
  codings are not used to train the model (they can serve as an untouched test set).

Examples
--------
>>> from hrp_coding.suggest import CodeSuggester
>>> model = CodeSuggester(cv=2, char_ngrams=None).fit(["why?", "how?", "you feel sad", "you are tired"] * 3,
...                                                  ["q", "q", "r", "r"] * 3)
>>> table = suggest(model, ["why?"], top_k=1, use_thresholds=False)
>>> table[["segment", "code"]].values.tolist()
[[0, 'q']]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hrp_coding import coders as coder_kinds
from hrp_coding.errors import SuggestError
from hrp_coding.suggest.coldstart import ColdStartSuggester
from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.features import add_context, as_turn_frame

__all__ = ["accept_suggestion", "check_not_hidden", "human_coders", "suggest", "training_data",
           "write_model_layer"]

COLUMNS = ["transcript", "segment", "start", "end", "text", "code", "confidence", "threshold", "evidence",
           "nearest_examples", "model"]


def _is_project(obj) -> bool:
    return hasattr(obj, "coded_segments") and hasattr(obj, "segments") and hasattr(obj, "add_coding")


def check_not_hidden(project, coder: str) -> None:
    """Raise SuggestError when the project hides suggestions from ``coder`` (setting ``suggestions_hidden_from``)."""
    hidden = tuple(getattr(project.settings, "suggestions_hidden_from", ()) or ())
    if coder in hidden:
        raise SuggestError(
            f"suggestions are hidden from coder {coder!r}: the project setting suggestions_hidden_from lists "
            f"{list(hidden)} (blind coders must code without seeing model suggestions); no suggestion was shown"
        )


def human_coders(project) -> list[str]:
    """Coders who are people: not ``model:*`` layers, not the ``consensus`` layer."""
    return coder_kinds.human_coders(project.coders)


def training_data(project, *, coders: Sequence[str] | None = None, unit: str | None = None, overlap: str = "any",
                  context: int = 2):
    """Segments of the transcripts ``coders`` coded, with the codes they applied (multi-label) and transcripts.

    Returns ``(frame, labels, groups)``: ``frame`` is the segments table with context columns
    (:func:`~hrp_coding.suggest.features.add_context`), ``labels`` one tuple of codes per row (the union
    over ``coders``; empty when none applied a code), ``groups`` the transcript of each row. Only
    transcripts that at least one of the coders coded are included.
    """
    coders = list(coders) if coders is not None else human_coders(project)
    segments = add_context(project.segments(unit), window=max(context, 1))
    if not coders:
        return segments.iloc[0:0], [], np.array([], dtype=object)
    coded = project.coded_segments(unit, coder=coders, overlap=overlap)
    done = set(coded["transcript"]) if len(coded) else set()
    frame = segments[segments["transcript"].isin(done)].reset_index(drop=True)
    by_segment: dict[str, set] = {}
    for seg, code in zip(coded["segment"], coded["code"]):
        by_segment.setdefault(seg, set()).add(code)
    labels = [tuple(sorted(by_segment.get(seg, ()))) for seg in frame["segment"]]
    return frame, labels, frame["transcript"].to_numpy()


def _model_name(model) -> str:
    name = getattr(model, "name_", None) or getattr(model, "model_name", None)
    if name:
        return str(name)
    return "cold-start" if isinstance(model, ColdStartSuggester) else "suggester"


def _rows(model, frame, top_k, use_thresholds, min_confidence, n_evidence, n_examples):
    import pandas as pd

    if len(frame) == 0:
        return pd.DataFrame(columns=COLUMNS)
    texts = frame["text"].tolist()
    cold = isinstance(model, ColdStartSuggester)
    proba = model.predict_proba(texts if cold else frame)
    classes = [str(c) for c in model.classes_]
    picks = []
    for i, row in enumerate(proba):
        order = np.argsort(-row, kind="stable")[:top_k]
        for k in order:
            p = float(row[k])
            if cold:
                thr = float(model.threshold)
            else:
                t = model.thresholds_.get(classes[k]) if use_thresholds else None
                thr = None if t is None else t.threshold
                if use_thresholds and thr is None:
                    continue  # the code abstains: it never reached the target precision out of fold
            if thr is not None and p < thr:
                continue
            if min_confidence is not None and p < min_confidence:
                continue
            if p <= 0:
                continue
            picks.append((i, k, p, thr))
    if not picks:
        return pd.DataFrame(columns=COLUMNS)
    idx = [i for i, *_ in picks]
    codes = [classes[k] for _, k, _, _ in picks]
    if cold:
        evidence = model.evidence([texts[i] for i in idx], codes, top=n_evidence)
        nearest = [[] for _ in picks]
    else:
        sub = frame.iloc[idx].reset_index(drop=True)
        evidence = model.evidence(sub, codes, top=n_evidence)
        nearest = (model.nearest_examples(sub, code=codes, k=n_examples) if model.examples_text_ is not None
                   else [[] for _ in picks])
    out = pd.DataFrame({
        "transcript": [frame["transcript"].iloc[i] if "transcript" in frame else None for i in idx],
        "segment": [frame["segment"].iloc[i] if "segment" in frame else i for i in idx],
        "start": [frame["start"].iloc[i] if "start" in frame else None for i in idx],
        "end": [frame["end"].iloc[i] if "end" in frame else None for i in idx],
        "text": [texts[i] for i in idx],
        "code": codes,
        "confidence": [p for *_, p, _ in picks],
        "threshold": [thr for *_, thr in picks],
        "evidence": [[term for term, _ in ev] for ev in evidence],
        "nearest_examples": [[t for t, _ in ne] for ne in nearest],
        "model": _model_name(model),
    })
    return out


def fit_project_model(project, *, coders: Sequence[str] | None = None, unit: str | None = None,
                      estimator: CodeSuggester | None = None, min_coded_segments: int = 20):
    """Train a model on the project's human codings (coders hidden from suggestions excluded).

    Falls back to a :class:`ColdStartSuggester` on the project's codebook when fewer than
    ``min_coded_segments`` segments carry a code or fewer than two codes were used.
    """
    from sklearn.base import clone

    if coders is None:
        hidden = set(project.settings.suggestions_hidden_from)
        coders = [c for c in human_coders(project) if c not in hidden]
    estimator = CodeSuggester(context=2, context_weights=(0.7, 0.5)) if estimator is None else estimator
    frame, labels, groups = training_data(project, coders=coders, unit=unit, context=estimator.context or 1)
    used = {c for labs in labels for c in labs}
    if sum(bool(labs) for labs in labels) < min_coded_segments or len(used) < 2:
        return ColdStartSuggester(project.codebook).fit(project.segments(unit)["text"].tolist())
    model = clone(estimator).fit(frame, [list(labs) for labs in labels], groups=groups)
    return model


def suggest(source, data=None, *, coder: str | None = None, transcript: str | Sequence[str] | None = None,
            top_k: int = 3, unit: str | None = None, model=None, use_thresholds: bool = True,
            min_confidence: float | None = None, n_evidence: int = 5, n_examples: int = 2,
            include_coded: bool = False):
    """Suggest codes, with confidence, evidence and the nearest coded examples; abstain where the model is weak.

    Parameters
    ----------
    source : CodeSuggester, ColdStartSuggester or Project
        A fitted model (then ``data`` holds the texts or turn table), or a project (then ``coder`` is
        required and ``model``, if not given, is trained on the other human coders' codings, or
        built from the codebook when nobody has coded yet).
    data : sequence of str or DataFrame, optional
    coder : str
        Project only: who the suggestions are for. Refused (SuggestError) when the project setting
        ``suggestions_hidden_from`` lists this coder.
    transcript : str or list of str, optional
        Project only: restrict to these transcripts.
    top_k : int
        At most this many codes per segment.
    use_thresholds : bool
        Keep only suggestions whose confidence reaches the code's threshold for the model's
        ``target_precision`` (codes that never reached it abstain).
    include_coded : bool
        Project only: also suggest codes the coder already applied to that segment.

    Returns
    -------
    DataFrame
        Columns ``transcript, segment, start, end, text, code, confidence, threshold, evidence,
        nearest_examples, model``, one row per suggestion.
    """
    if not isinstance(top_k, int) or top_k < 1:
        raise SuggestError(f"top_k must be a positive integer, got {top_k!r}")
    if not _is_project(source):
        if coder is not None or transcript is not None:
            raise SuggestError("coder= and transcript= apply to suggest(project, ...), not to a model")
        if data is None:
            raise SuggestError("suggest(model, texts): give the texts (or a turn table) to suggest codes for")
        _check_model(source)
        frame = as_turn_frame(data)
        return _rows(source, frame, top_k, use_thresholds, min_confidence, n_evidence, n_examples)

    project = source
    if coder is None:
        raise SuggestError("suggest(project, coder=NAME): say whom the suggestions are for")
    check_not_hidden(project, coder)
    if model is None:
        model = fit_project_model(project, unit=unit)
    _check_model(model)
    context = getattr(model, "context", 0) or 1
    segments = add_context(project.segments(unit), window=max(context, 1))
    if transcript is not None:
        wanted = [transcript] if isinstance(transcript, str) else list(transcript)
        unknown = [t for t in wanted if t not in set(project.transcript_ids)]
        if unknown:
            raise SuggestError(f"unknown transcript(s) {unknown}; the project has {list(project.transcript_ids)}")
        segments = segments[segments["transcript"].isin(wanted)].reset_index(drop=True)
    table = _rows(model, segments, top_k, use_thresholds, min_confidence, n_evidence, n_examples)
    if not include_coded and len(table):
        coded = project.coded_segments(unit, coder=coder)
        done = set(zip(coded["segment"], coded["code"]))
        table = table[[(s, c) not in done for s, c in zip(table["segment"], table["code"])]].reset_index(drop=True)
    return table


def _check_model(model) -> None:
    if isinstance(model, (ColdStartSuggester, CodeSuggester)):
        model._check_fitted()
    else:
        raise SuggestError(f"expected a CodeSuggester or ColdStartSuggester, got {type(model).__name__}")


def write_model_layer(project, model, name: str, *, unit: str | None = None, top_k: int = 1,
                      use_thresholds: bool = True, transcript: str | Sequence[str] | None = None) -> int:
    """Write the model's suggestions as codings of the coder ``model:<name>``; returns how many were written.

    Each coding records ``source="model:<name>"``, ``model=<name>`` and its confidence, so that
    ``agreement.report(project)`` sets model-versus-human agreement beside human-versus-human.
    Existing codings of that layer are removed first (the layer is the model's current opinion).
    """
    if not isinstance(name, str) or not name:
        raise SuggestError(f"model layer name must be a non-empty string, got {name!r}")
    layer = coder_kinds.model_layer(name)
    short = layer.split(":", 1)[1]
    _check_model(model)
    context = getattr(model, "context", 0) or 1
    segments = add_context(project.segments(unit), window=max(context, 1))
    if transcript is not None:
        wanted = [transcript] if isinstance(transcript, str) else list(transcript)
        segments = segments[segments["transcript"].isin(wanted)].reset_index(drop=True)
    table = _rows(model, segments, top_k, use_thresholds, None, 1, 0)
    if layer in project.coders:
        for coding_id in project.codings(coders=layer)["coding_id"]:
            project.remove_coding(layer, coding_id)
    for row in table.itertuples(index=False):
        project.add_coding(layer, row.transcript, int(row.start), int(row.end), row.code, source=layer,
                           model=short, confidence=float(row.confidence))
    return len(table)


def accept_suggestion(project, coder: str, suggestion: Mapping[str, Any] | Any, memo: str | None = None):
    """Record an accepted suggestion as ``coder``'s coding, with source, model id and confidence.

    ``suggestion`` is a row of :func:`suggest`'s table (a Series, a dict or a namedtuple) with at least
    ``transcript, start, end, code, confidence, model``. Returns the new Coding.
    """
    check_not_hidden(project, coder)
    if hasattr(suggestion, "_asdict"):
        suggestion = suggestion._asdict()
    get = suggestion.get if hasattr(suggestion, "get") else (lambda k, d=None: getattr(suggestion, k, d))
    missing = [k for k in ("transcript", "start", "end", "code", "confidence", "model") if get(k, None) is None]
    if missing:
        raise SuggestError(f"accept_suggestion: the suggestion lacks {missing}; pass a row of suggest(project, ...)")
    model = str(get("model"))
    return project.add_coding(coder, str(get("transcript")), int(get("start")), int(get("end")), str(get("code")),
                              memo=memo, source=coder_kinds.model_layer(model), model=model,
                              confidence=float(get("confidence")))


def evaluate_project(project, *, gold: str, cv=5, estimator=None, unit=None, target_precision=0.9, progress=False,
                     thresholds=(0.3, 0.5, 0.7, 0.8, 0.9, 0.95), overlap="any"):
    """``evaluate(project, gold=CODER)``: grouped CV on the gold coder's transcripts, plus the human ceiling."""
    import pandas as pd

    from hrp_coding.suggest.evaluate import EvaluationResult, _evaluate_texts, label_scores

    if gold not in project.coders:
        raise SuggestError(f"gold coder {gold!r} has no codings in this project; coders: {list(project.coders)}")
    estimator = CodeSuggester(context=2, context_weights=(0.7, 0.5)) if estimator is None else estimator
    frame, labels, groups = training_data(project, coders=[gold], unit=unit, overlap=overlap,
                                          context=getattr(estimator, "context", 0) or 1)
    n_groups = len(set(groups))
    if n_groups < 2:
        raise SuggestError(f"gold coder {gold!r} coded {n_groups} transcript(s); grouped cross-validation needs 2+")
    cv_used = min(cv, n_groups) if isinstance(cv, int) else cv
    result, Y, Yp = _evaluate_texts(frame, [list(x) for x in labels], groups, cv_used, estimator, target_precision,
                                    progress, thresholds)
    classes = list(result.classes)
    index = {c: i for i, c in enumerate(classes)}
    rows = []
    for other in human_coders(project):
        if other == gold:
            continue
        coded = project.coded_segments(unit, coder=other, overlap=overlap)
        theirs = set(coded["transcript"]) if len(coded) else set()
        mask = np.isin(groups, list(theirs))
        if not mask.any():
            continue
        Yh = np.zeros((int(mask.sum()), len(classes)), dtype=bool)
        seg_index = {s: i for i, s in enumerate(frame["segment"][mask])}
        for seg, code in zip(coded["segment"], coded["code"]):
            if seg in seg_index and code in index:
                Yh[seg_index[seg], index[code]] = True
        _, h_macro, h_kappa = label_scores(Y[mask], Yh, classes, True)
        _, m_macro, m_kappa = label_scores(Y[mask], Yp[mask], classes, True)
        rows.append({"coder": other, "n_units": int(mask.sum()), "macro_f1": h_macro, "kappa": h_kappa,
                     "model_macro_f1": m_macro, "model_kappa": m_kappa})
    human = pd.DataFrame(rows, columns=["coder", "n_units", "macro_f1", "kappa", "model_macro_f1", "model_kappa"])
    return EvaluationResult(result.classes, result.multilabel, result.per_code, result.macro_f1, result.kappa,
                            result.coverage, result.target_precision, result.oof.assign(
                                segment=frame["segment"].to_numpy()), result.n_splits, result.seconds,
                            result.cpu_seconds, human)
