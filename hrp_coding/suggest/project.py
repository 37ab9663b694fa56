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

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from hrp_coding import coders as coder_kinds
from hrp_coding.errors import SuggestError
from hrp_coding.suggest.coldstart import ColdStartSuggester
from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.features import as_turn_frame
from hrp_coding.suggest.segments import human_coders, segments_to_suggest, training_data

__all__ = ["accept_suggestion", "check_not_hidden", "human_coders", "suggest", "training_data",
           "write_model_layer"]

COLUMNS = ["transcript", "segment", "start", "end", "text", "code", "confidence", "threshold", "reliability",
           "evidence", "evidence_terms", "highlights", "nearest_examples", "codebook_example", "turn_start",
           "turn_end", "model"]


def _is_project(obj) -> bool:
    return hasattr(obj, "coded_segments") and hasattr(obj, "segments") and hasattr(obj, "add_coding")


def check_not_hidden(project, coder: str) -> None:
    """Raise SuggestError when the project hides suggestions from ``coder`` (setting ``suggestions_hidden_from``).

    Parameters
    ----------
    project : Project
        The study (its ``settings.suggestions_hidden_from``).
    coder : str
        The coder suggestions would be shown to.

    Raises
    ------
    SuggestError
        When the coder is blind to suggestions, before anything is trained or shown.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> _ = study.update_settings(suggestions_hidden_from=["cy"])
    >>> check_not_hidden(study, "ana")
    >>> check_not_hidden(study, "cy")
    Traceback (most recent call last):
    ...
    hrp_coding.errors.SuggestError: suggestions are hidden from coder 'cy': ...
    """
    hidden = tuple(getattr(project.settings, "suggestions_hidden_from", ()) or ())
    if coder in hidden:
        raise SuggestError(
            f"suggestions are hidden from coder {coder!r}: the project setting suggestions_hidden_from lists "
            f"{list(hidden)} (blind coders must code without seeing model suggestions); no suggestion was shown"
        )


def _model_name(model) -> str:
    name = getattr(model, "name_", None) or getattr(model, "model_name", None)
    if name:
        return str(name)
    return "cold-start" if isinstance(model, ColdStartSuggester) else "suggester"


def _closest_codebook_example(codebook_or_model, texts, codes):
    """The codebook example of each code most similar to each text ('' when the code has none)."""
    from hrp_coding.suggest.coldstart import ColdStartSuggester as Cold

    prior = codebook_or_model if isinstance(codebook_or_model, Cold) else getattr(codebook_or_model, "prior_", None)
    if prior is None or not len(texts):
        return [""] * len(texts)
    examples = [e for c in prior.classes_ for e in (getattr(prior.codebook.codes[c], "examples", ()) or ())]
    owner = [c for c in prior.classes_ for _ in (getattr(prior.codebook.codes[c], "examples", ()) or ())]
    if not examples:
        return [""] * len(texts)
    sims = np.asarray((prior._vec(list(texts)) @ prior._vec(examples).T).todense())
    out = []
    for i, code in enumerate(codes):
        cols = [j for j, c in enumerate(owner) if c == code]
        out.append(examples[max(cols, key=lambda j: sims[i, j])] if cols else "")
    return out


def _block_texts(passage: str, row) -> dict[str, str]:
    """The texts behind the evidence blocks of one suggestion: ``w`` the passage, ``p1``/``n1``... its neighbours."""
    texts = {"w": passage}
    for side, key in (("prev", "p"), ("next", "n")):
        for col in row.index:
            if col.startswith(side) and col.endswith("_text") and col[len(side):-5].isdigit():
                texts[key + col[len(side):-5]] = str(row[col] or "")
    return texts


def _readable(term: str, passage: str, row, lemmas: bool) -> str:
    """One evidence term as a coder reads it, quoting the words as they stand in the passage, turn or neighbour."""
    from hrp_coding.suggest.spans import plain_label, surface_words

    block, _, word = term.partition(":")
    texts = _block_texts(passage, row)
    if block == "w" and surface_words(word, passage, lemmas=lemmas) is None:
        texts["w"] = str(row.get("text", "") or "")  # evidence comes from the whole turn
    return plain_label(term, texts, lemmas=lemmas)


def _shown_terms(terms: list[str], row, n_evidence: int, lemmas: bool) -> list[str]:
    """The evidence a coder reads: repeats folded and overlapping runs joined
    (:func:`~hrp_coding.suggest.spans.distinct_terms`, against the whole turn and its neighbours), at most
    ``n_evidence`` terms besides the sentence-embedding entry (``e:``), which is never counted."""
    from hrp_coding.suggest.spans import distinct_terms

    out, n = [], 0
    for term in distinct_terms(terms, _block_texts(str(row.get("text", "") or ""), row), lemmas=lemmas):
        dense = term.startswith("e:")
        if dense or n < n_evidence:
            out.append(term)
            n += not dense
    return out


def _rows(model, frame, top_k, use_thresholds, min_confidence, n_evidence, n_examples, sentences=None,
          span_ratio=0.5):
    import pandas as pd

    from hrp_coding.suggest.spans import highlights, sentence_passages
    from hrp_coding.suggest.thresholds import NOT_RELIABLE

    if len(frame) == 0:
        return pd.DataFrame(columns=COLUMNS)
    texts = frame["text"].tolist()
    cold = isinstance(model, ColdStartSuggester)
    proba = model.predict_proba(texts if cold else frame)
    rank = proba if cold else model.ranking_scores(frame)
    classes = [str(c) for c in model.classes_]
    if not cold:  # the model's own pick for a code that is not reliable yet (best F1 out of fold)
        chosen = (proba >= model.decision_threshold_) if model.multilabel_ else (
            np.arange(len(classes))[None, :] == rank.argmax(1)[:, None])
    picks = []
    for i, row in enumerate(proba):
        order = np.argsort(-rank[i], kind="stable")[:top_k]
        for k in order:
            p = float(row[k])
            if cold:
                thr, reliable = float(model.threshold), False
                if p < thr:
                    continue
            else:
                t = model.thresholds_.get(classes[k])
                thr = None if t is None else t.threshold
                reliable = thr is not None
                if use_thresholds and (p < thr if reliable else not chosen[i, k]):
                    continue  # below the code's threshold, or (not reliable yet) not the model's own pick
            if min_confidence is not None and p < min_confidence:
                continue
            if p <= 0:
                continue
            picks.append((i, k, p, thr, reliable))
    if not picks:
        return pd.DataFrame(columns=COLUMNS)
    idx = [pick[0] for pick in picks]
    codes = [classes[pick[1]] for pick in picks]
    sub = frame.iloc[idx].reset_index(drop=True)
    if cold:
        evidence = model.evidence([texts[i] for i in idx], codes, top=2 * n_evidence)
        nearest = [[] for _ in picks]
    else:
        evidence = model.evidence(sub, codes, top=2 * n_evidence)  # room for the repeats folded away
        nearest = (model.nearest_examples(sub, code=codes, k=n_examples) if model.examples_text_ is not None
                   else [[] for _ in picks])
    has_offsets = {"transcript", "start", "end"} <= set(frame.columns)
    if sentences is not None and has_offsets and span_ratio > 0:
        passages = sentence_passages(model, sub, sentences, codes, ratio=span_ratio)
    elif has_offsets:
        passages = list(zip(sub["start"].astype(int), sub["end"].astype(int)))
    else:
        passages = [(None, None)] * len(picks)
    passage_text = []
    for j, (a, b) in enumerate(passages):
        if a is None:
            passage_text.append(sub["text"].iloc[j])
        else:
            base = int(sub["start"].iloc[j])
            passage_text.append(sub["text"].iloc[j][a - base:b - base])
    lemmas = bool(getattr(model, "lemmas_", False))
    terms = [_shown_terms([term for term, _ in ev], sub.iloc[j], n_evidence, lemmas)
             for j, ev in enumerate(evidence)]
    marks = [highlights(passage_text[j], terms[j], lemmas=lemmas, offset=passages[j][0] or 0)
             for j in range(len(picks))]
    out = pd.DataFrame({
        "transcript": [frame["transcript"].iloc[i] if "transcript" in frame else None for i in idx],
        "segment": [frame["segment"].iloc[i] if "segment" in frame else i for i in idx],
        "start": [a for a, _ in passages],
        "end": [b for _, b in passages],
        "text": passage_text,
        "code": codes,
        "confidence": [pick[2] for pick in picks],
        "threshold": [pick[3] for pick in picks],
        "reliability": ["reliable" if pick[4] else NOT_RELIABLE for pick in picks],
        "evidence": [[_readable(term, passage_text[j], sub.iloc[j], lemmas) for term in terms[j]]
                     for j in range(len(picks))],
        "evidence_terms": terms,
        "highlights": marks,
        "nearest_examples": [[t for t, _ in ne] for ne in nearest],
        "codebook_example": _closest_codebook_example(model, passage_text, codes),
        "turn_start": [frame["start"].iloc[i] if "start" in frame else None for i in idx],
        "turn_end": [frame["end"].iloc[i] if "end" in frame else None for i in idx],
        "model": _model_name(model),
    })
    return out


def project_estimator(project, *, embedder=None) -> CodeSuggester:
    """The default suggester of a project: logistic regression with the project's codebook as prior.

    Parameters
    ----------
    project : Project or None
        The study; its codebook becomes the estimator's prior (None: no prior).
    embedder : SentenceEmbedder or StaticEmbedder, optional
        A local sentence-embedding model, fused late beside the project's model (an
        :class:`~hrp_coding.suggest.embedded.EmbeddingCodeSuggester` is returned).

    Returns
    -------
    CodeSuggester
        Unfitted: two turns of context each side, logistic regression with ``C=10``.

    Examples
    --------
    >>> project_estimator(None).get_params()["classifier"]
    'logistic'
    """
    settings = dict(context=2, context_weights=(0.7, 0.5), classifier="logistic", C=10.0,
                    codebook=getattr(project, "codebook", None))
    if embedder is not None:
        from hrp_coding.suggest.embedded import EmbeddingCodeSuggester

        return EmbeddingCodeSuggester(embedder=embedder, **settings)
    return CodeSuggester(**settings)


def fit_project_model(project, *, coders: Sequence[str] | None = None, unit: str | None = None,
                      estimator: CodeSuggester | None = None, min_coded_segments: int = 1):
    """Train a model on the project's human codings (coders hidden from suggestions excluded).

    The default estimator (:func:`project_estimator`) learns from the codebook and the coded data
    together, weighing them by the data themselves, so it is used as soon as anything is coded.
    Falls back to a :class:`ColdStartSuggester` on the project's codebook when fewer than
    ``min_coded_segments`` segments carry a code (before anyone has coded).

    Parameters
    ----------
    project : Project
        The study.
    coders, unit
        Whose codings to learn from (default: the human coders not hidden from suggestions), and the
        segmentation unit.
    estimator : CodeSuggester, optional
        The estimator to clone and fit (default: :func:`project_estimator`).
    min_coded_segments : int, default 1
        Fewer coded segments than this: the cold start is returned instead.

    Returns
    -------
    CodeSuggester or ColdStartSuggester
        The fitted model.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> model = fit_project_model(tiny_study())   # one coded turn: the codebook prior does the rest
    >>> type(model).__name__, list(model.classes_)
    ('CodeSuggester', ['holding'])
    """
    from sklearn.base import clone

    if coders is None:
        hidden = set(project.settings.suggestions_hidden_from)
        coders = [c for c in human_coders(project) if c not in hidden]
    estimator = project_estimator(project) if estimator is None else estimator
    from hrp_coding.suggest.nested import NestedCodeSuggester

    if isinstance(estimator, NestedCodeSuggester):
        raise SuggestError("fit_project_model: NestedCodeSuggester learns one code per unit, but a project's "
                           "units carry code lists (or none); for a local embedding model use "
                           "estimator=project_estimator(project, embedder=...)")
    frame, labels, groups = training_data(project, coders=coders, unit=unit, context=estimator.context or 1)
    used = {c for labs in labels for c in labs}
    enough_codes = len(used) >= 2 or estimator.codebook is not None
    if sum(bool(labs) for labs in labels) < max(1, min_coded_segments) or not enough_codes:
        return ColdStartSuggester(project.codebook).fit(project.segments(unit)["text"].tolist())
    fit_params = {}
    if getattr(estimator, "codebook", None) is not None:  # every turn of the project sharpens the prior's word weights
        fit_params["prior_texts"] = project.segments(unit)["text"].tolist()
    model = clone(estimator).fit(frame, [list(labs) for labs in labels], groups=groups, **fit_params)
    return model


def suggest(source, data=None, *, coder: str | None = None, transcript: str | Sequence[str] | None = None,
            top_k: int = 3, unit: str | None = None, model=None, use_thresholds: bool = True,
            min_confidence: float | None = None, n_evidence: int = 5, n_examples: int = 2,
            include_coded: bool = False, span_ratio: float = 0.5, roles="codebook"):
    """Suggest codes, with confidence, evidence and the nearest coded examples; abstain where the model is weak.

    Parameters
    ----------
    source : CodeSuggester, ColdStartSuggester or Project
        A fitted model (then ``data`` holds the texts or turn table), or a project (then ``coder`` is
        required and ``model``, if not given, is trained on the other human coders' codings, or
        built from the codebook when nobody has coded yet).
    data : sequence of str or DataFrame, optional
        Model only: the texts, or a turn table (``text`` plus optional ``transcript``, ``segment``...).
    coder : str
        Project only: who the suggestions are for. Refused (SuggestError) when the project setting
        ``suggestions_hidden_from`` lists this coder.
    transcript : str or list of str, optional
        Project only: restrict to these transcripts.
    top_k : int
        At most this many codes per segment.
    unit : str, optional
        Project only: the segments suggested for (default: the project's ``default_unit``).
    model : CodeSuggester or ColdStartSuggester, optional
        Project only: a fitted model to use instead of training one.
    use_thresholds : bool
        Keep only suggestions whose confidence reaches the code's threshold for the model's
        ``target_precision``; for a code that has no threshold yet, keep the model's own pick (its
        best-F1 decision out of fold), marked ``reliability="not reliable yet"``.
    span_ratio : float in [0, 1]
        Project with turn units: narrow each suggestion to a passage of adjacent sentences of the
        turn (see :mod:`~hrp_coding.suggest.spans`); 0 keeps whole turns.
    min_confidence : float, optional
        Leave out suggestions below this confidence (0-1).
    n_evidence, n_examples : int
        How many evidence terms and nearest coded examples each row carries.
    include_coded : bool
        Project only: also suggest codes the coder already applied to that segment.
    roles : "codebook", "all" or list of str, default "codebook"
        Project only: the speaker roles suggested for (see :func:`segments_to_suggest`); by default the
        codebook's ``coded_roles``, so interviewer turns get no suggestion.

    Returns
    -------
    DataFrame
        One row per suggestion: ``transcript, segment`` (the turn), ``start, end, text`` (the
        suggested passage: offsets into the transcript), ``code, confidence, threshold,
        reliability`` ("reliable" or "not reliable yet"), ``evidence`` (plain-language reasons),
        ``evidence_terms`` (the features behind them), ``highlights`` ((start, end) of the words that
        pushed the suggestion), ``nearest_examples`` (coded turns), ``codebook_example`` (the
        closest example in the codebook), ``turn_start, turn_end, model``.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()  # ana coded the participant's turn as holding; ben has coded nothing
    >>> table = suggest(study, coder="ben", use_thresholds=False)
    >>> table[["segment", "start", "end", "text", "code", "reliability"]].values.tolist()
    [['P01:t002', 9, 25, 'We sat with her.', 'holding', 'not reliable yet']]
    >>> suggest(study, coder="ana", use_thresholds=False).empty  # ana applied it already
    True
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
    segments = segments_to_suggest(project, model, unit=unit, transcript=transcript, roles=roles)
    sentences = None
    if (unit or getattr(project.settings, "default_unit", "turn")) == "turn" and span_ratio > 0:
        sentences = project.segments("sentence")
    table = _rows(model, segments, top_k, use_thresholds, min_confidence, n_evidence, n_examples,
                  sentences=sentences, span_ratio=span_ratio)
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
                      use_thresholds: bool = True, transcript: str | Sequence[str] | None = None,
                      roles="codebook") -> int:
    """Write the model's suggestions as codings of the coder ``model:<name>``; returns how many were written.

    Each coding records ``source="model:<name>"``, ``model=<name>`` and its confidence, so that
    ``agreement.report(project)`` sets model-versus-human agreement beside human-versus-human.
    Existing codings of that layer are removed first (the layer is the model's current opinion).

    Parameters
    ----------
    project : Project
        The study.
    model : CodeSuggester or ColdStartSuggester
        A fitted model.
    name : str
        The layer's name: codings go to coder ``model:<name>``.
    unit, top_k, use_thresholds, transcript, roles
        As for :func:`suggest`; by default one code per segment, only suggestions that reach their code's
        precision threshold, every transcript, the codebook's coded roles.

    Returns
    -------
    int
        The number of codings written.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> write_model_layer(study, fit_project_model(study), "lr", use_thresholds=False)
    1
    >>> study.codings(coders="model:lr")[["coder", "code", "text", "source", "model"]].values.tolist()
    [['model:lr', 'holding', 'We sat with her.', 'model:lr', 'lr']]
    """
    if not isinstance(name, str) or not name:
        raise SuggestError(f"model layer name must be a non-empty string, got {name!r}")
    layer = coder_kinds.model_layer(name)
    short = layer.split(":", 1)[1]
    _check_model(model)
    segments = segments_to_suggest(project, model, unit=unit, transcript=transcript, roles=roles)
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

    Parameters
    ----------
    project : Project
        The study.
    coder : str
        Who accepts the suggestion (not hidden from suggestions).
    suggestion : mapping, Series or namedtuple
        A row of :func:`suggest`'s table.
    memo : str, optional
        A memo on the new coding.

    Returns
    -------
    Coding
        The coding, with ``source="model:<model>"``, the model id and the confidence.

    Raises
    ------
    SuggestError
        For a coder hidden from suggestions, or a row lacking a needed field.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study(coded=False)
    >>> row = {"transcript": "P01", "start": 9, "end": 24, "code": "holding", "confidence": 0.8, "model": "lr"}
    >>> coding = accept_suggestion(study, "ben", row, memo="fits")
    >>> study.codings()[["coder", "code", "text", "source", "model", "confidence", "memo"]].values.tolist()
    [['ben', 'holding', 'We sat with her', 'model:lr', 'lr', 0.8, 'fits']]
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
    """``evaluate(project, gold=CODER)``: grouped CV on the gold coder's transcripts, plus the human ceiling.

    Parameters
    ----------
    project : Project
        The study.
    gold : str
        The coder whose codings are the truth (a coder of the project).
    cv : int or splitter, default 5
        Folds, grouped by transcript (at most the number of the gold coder's transcripts).
    estimator, target_precision
        The estimator evaluated (default: two turns of context each side), and the precision its per-code
        thresholds aim at (default 0.9).
    unit, overlap : str, optional
        The segments and how a coding must overlap one (as :func:`training_data`).
    progress, thresholds
        Show a progress bar over the folds; the confidence thresholds of the coverage curve.

    Returns
    -------
    EvaluationResult
        Per-code and macro scores out of fold, the coverage curve, and the human ceiling (the other human
        coders against ``gold``) when there is one.

    Raises
    ------
    SuggestError
        For an unknown gold coder, or fewer than two transcripts coded by them.

    Examples
    --------
    >>> from hrp_coding.datasets import TINY_TEXT, tiny_study
    >>> study = tiny_study()
    >>> _ = study.add_transcript(TINY_TEXT, transcript_id="P02")
    >>> for coder in ("ana", "ben"):
    ...     _ = study.add_coding(coder=coder, transcript="P02", start=9, end=24, code="holding")
    >>> result = evaluate_project(study, gold="ana", cv=2)  # two folds: one transcript each
    >>> result.per_code[["code", "support", "precision", "recall"]].values.tolist()
    [['holding', 2, 1.0, 1.0]]
    >>> result.human[["coder", "n_units", "kappa", "model_kappa"]].values.tolist()  # ben beside the model
    [['ben', 2, 1.0, 1.0]]
    """
    import pandas as pd

    from hrp_coding.suggest.evaluate import _evaluate_texts, label_scores

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
    return dataclasses.replace(result, oof=result.oof.assign(segment=frame["segment"].to_numpy()), human=human)
