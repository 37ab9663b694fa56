"""Honest evaluation of a code suggester: grouped cross-validation by transcript, pooled out-of-fold.

``evaluate(texts, labels, groups, cv=5)`` fits a fresh copy of the suggester on the training
transcripts of each fold (vectorisers, calibration, offsets and thresholds all learnt inside the
training fold) and predicts the held-out transcripts; every figure is computed once on the pooled
out-of-fold predictions. ``evaluate(project, gold="ana")`` does the same with one coder's codings
of a project as the gold standard and, where other humans coded the same transcripts, reports
each human against the gold on the same units beside the model on those units (the human ceiling).

Examples
--------
>>> texts = ["How often do you use?", "It sounds like you are tired.", "Did you sleep?", "You feel judged."] * 6
>>> labels = ["question", "reflection"] * 12
>>> groups = [f"T{i // 4}" for i in range(24)]
>>> result = evaluate(texts, labels, groups, cv=3, estimator=CodeSuggester(cv=2, char_ngrams=None))
>>> round(result.macro_f1, 3)
1.0
>>> result.per_code["code"].tolist()
['question', 'reflection']
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.features import as_turn_frame
from hrp_coding.suggest.labels import parse_labels
from hrp_coding.suggest.thresholds import coverage_curve, reliability_table

__all__ = ["EvaluationResult", "evaluate", "label_scores", "most_errors_group", "worse_than_the_rest"]

_CURVE = (0.3, 0.5, 0.7, 0.8, 0.9, 0.95)


def _three_places(v: float) -> str:
    return f"{v:.3f}"


_P_VALUES = {"most_errors_p": lambda v: f"{v:.2g}"}  # a p-value of 3e-06 is not 0.000


@dataclass(frozen=True)
class EvaluationResult:
    """Pooled out-of-fold evaluation of a code suggester.

    Attributes
    ----------
    classes : tuple of str
    multilabel : bool
    per_code : DataFrame
        ``code, support, precision, recall, f1`` (of the model's predictions), plus ``kappa`` (per-code,
        present vs absent), and at the thresholds chosen inside each training fold for
        ``target_precision``: ``precision_at_target``, ``coverage_at_target``, ``n_selected``, the
        Wilson interval of that measured precision (``precision_low``, ``precision_high``) and of that
        coverage (``coverage_low``, ``coverage_high``), with transcripts as the draws when groups are
        given (as in the stated intervals: :func:`~hrp_coding.suggest.thresholds.share_interval`); the
        transcript with the most wrong suggestions (``most_errors_group``, ``most_errors_shown``,
        ``most_errors_correct``), the precision without it (``precision_without_most_errors``) and
        whether that transcript is worse than chance would make the worst of them (``most_errors_p``:
        :func:`worse_than_the_rest`); the
        interval each training fold stated for it (mean over folds: ``stated_low``, ``stated_high``),
        ``folds_reliable`` (folds where the code had a threshold), ``status`` ("reliable" or "not
        reliable yet") and ``within_stated`` (measured precision inside the stated interval).
    macro_f1 : float
    kappa : float
        Cohen's kappa of predictions versus gold (single-label); multi-label: mean per-code kappa.
    coverage : DataFrame
        Precision and coverage of each code's suggestions at fixed confidence thresholds.
    target_precision : float
    oof : DataFrame
        One row per unit: ``row, group, fold, gold, predicted, confidence`` (and ``proba_<code>``).
    n_splits : int
    seconds, cpu_seconds : float
        Wall and CPU time of all folds' fit and predict.
    human : DataFrame or None
        Human ceiling: one row per other coder, ``coder, n_units, macro_f1, kappa, model_macro_f1,
        model_kappa`` (the model scored on the same units against the same gold).
    reliability : DataFrame
        Whether the out-of-fold confidences mean what they say: every (unit, code) pair by confidence band,
        the share that carry the code, with its interval
        (:func:`~hrp_coding.suggest.thresholds.reliability_table`). ``per_code`` also holds each code's
        Brier score (``brier``, scikit-learn's ``brier_score_loss``).
    """

    classes: tuple[str, ...]
    multilabel: bool
    per_code: Any = field(repr=False)
    macro_f1: float
    kappa: float
    coverage: Any = field(repr=False)
    target_precision: float
    oof: Any = field(repr=False)
    n_splits: int
    seconds: float
    cpu_seconds: float
    human: Any = field(default=None, repr=False)
    reliability: Any = field(default=None, repr=False)

    def to_frame(self):
        """The per-code table.

        Returns
        -------
        pandas.DataFrame
            A copy of ``per_code``: one row per code (support, precision, recall, F1, kappa).

        Examples
        --------
        >>> _example_evaluation().to_frame()[["code", "support"]].values.tolist()
        [['holding', 2]]
        """
        return self.per_code.copy()

    def __str__(self) -> str:
        lines = [f"Code suggester, {self.n_splits}-fold grouped cross-validation, pooled out-of-fold "
                 f"({len(self.oof)} units, {self.seconds:.1f} s)",
                 f"macro-F1 {self.macro_f1:.3f}, kappa vs gold {self.kappa:.3f}",
                 self.per_code.to_string(index=False, float_format=_three_places, formatters=_P_VALUES)]
        if self.human is not None and len(self.human):
            lines += ["Human ceiling (each coder vs gold, and the model on the same units):",
                      self.human.to_string(index=False, float_format=lambda v: f"{v:.3f}")]
        if self.reliability is not None:
            lines += ["Confidence against gold (unit-code pairs out of fold; observed: the share carrying the code):",
                      self.reliability.to_string(index=False, float_format=_three_places)]
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        html = (f"<p><b>Code suggester</b>: {self.n_splits}-fold grouped CV, macro-F1 {self.macro_f1:.3f}, "
                f"kappa {self.kappa:.3f}</p>" + self.per_code.to_html(index=False, float_format=_three_places,
                                                        formatters=_P_VALUES))
        if self.human is not None and len(self.human):
            html += "<p>Human ceiling</p>" + self.human.to_html(index=False, float_format=lambda v: f"{v:.3f}")
        if self.reliability is not None:
            html += ("<p>Confidence against gold (unit-code pairs out of fold; observed: the share carrying the "
                     "code)</p>" + self.reliability.to_html(index=False, float_format=_three_places))
        return html


def _kappa(a: np.ndarray, b: np.ndarray) -> float:
    """Cohen's kappa of two label arrays: :func:`hrp_coding.agreement.cohen_kappa` on their contingency table.

    The agreement package's degenerate-case policy holds (one category only: 1.0 with a
    :class:`~hrp_coding.errors.DegenerateAgreementWarning`); NaN when there is no unit.
    """
    from hrp_coding.agreement import cohen_kappa, from_contingency

    if len(a) == 0:
        return float("nan")
    cats = np.unique(np.concatenate([a, b]))
    table = np.zeros((len(cats), len(cats)))
    np.add.at(table, (np.searchsorted(cats, a), np.searchsorted(cats, b)), 1)
    return float(cohen_kappa(from_contingency(table), se=None).value)


def label_scores(Y_true: np.ndarray, Y_pred: np.ndarray, classes: Sequence[str], multilabel: bool):
    """Per-code precision/recall/F1/kappa, macro-F1 and overall kappa of indicator matrices.

    Parameters
    ----------
    Y_true, Y_pred : array-like of bool
        Units x codes: gold and predicted codes.
    classes : sequence of str
        The codes, in column order.
    multilabel : bool
        Multi-label: the overall kappa is the mean of the per-code kappas; single-label: Cohen's kappa of
        each unit's one code.

    Returns
    -------
    tuple of (pandas.DataFrame, float, float)
        The per-code table (``code, support, precision, recall, f1, kappa``), the macro-F1 (an undefined F1
        counts as 0) and the overall kappa; a code in no unit has a NaN kappa, left out of the mean.

    Examples
    --------
    >>> import numpy as np
    >>> per, macro, kappa = label_scores(np.array([[1, 0], [0, 1]]), np.array([[1, 0], [1, 0]]), ["a", "b"], False)
    >>> round(macro, 3), per["f1"].round(3).tolist()
    (0.333, [0.667, 0.0])
    """
    import pandas as pd

    Yt, Yp = np.asarray(Y_true, bool), np.asarray(Y_pred, bool)
    rows = []
    for k, code in enumerate(classes):
        t, p = Yt[:, k], Yp[:, k]
        tp, fp, fn = int((t & p).sum()), int((~t & p).sum()), int((t & ~p).sum())
        precision = tp / (tp + fp) if tp + fp else float("nan")
        recall = tp / (tp + fn) if tp + fn else float("nan")
        f1 = 2 * tp / (2 * tp + fp + fn) if (2 * tp + fp + fn) else float("nan")
        kappa = _kappa(t, p) if (t | p).any() else float("nan")  # in no unit: nothing to agree on, not in the mean
        rows.append({"code": str(code), "support": int(t.sum()), "precision": precision, "recall": recall, "f1": f1,
                     "kappa": kappa})
    per = pd.DataFrame(rows, columns=["code", "support", "precision", "recall", "f1", "kappa"])
    macro = float(np.nan_to_num(per["f1"].to_numpy(float), nan=0.0).mean()) if len(per) else float("nan")
    if multilabel:
        kappa = float(np.nanmean(per["kappa"])) if per["kappa"].notna().any() else float("nan")
    else:
        kappa = _kappa(Yt.argmax(1), Yp.argmax(1))
    return per, macro, kappa


def _splitter(cv, groups, y_index, n):
    from sklearn.model_selection import GroupKFold, StratifiedKFold

    if hasattr(cv, "split"):
        return list(cv.split(np.zeros(n), y_index, groups))
    if not (isinstance(cv, int) and cv >= 2):
        raise SuggestError(f"cv must be an integer >= 2 or a scikit-learn splitter, got {cv!r}")
    if groups is not None:
        n_groups = len(np.unique(groups))
        if n_groups < cv:
            raise SuggestError(f"cv={cv} needs at least {cv} distinct groups (transcripts); got {n_groups}")
        return list(GroupKFold(n_splits=cv).split(np.zeros(n), None, groups))
    return list(StratifiedKFold(n_splits=cv, shuffle=True, random_state=0).split(np.zeros(n), y_index))


def _fit_fold(estimator, frame, labels, groups, tr, te):
    """Fit a fresh clone on the training rows, predict the held-out rows (runs in a worker with n_jobs)."""
    from sklearn.base import clone

    model = clone(estimator)
    model.fit(frame.iloc[tr], [labels[i] for i in tr], groups=None if groups is None else groups[tr])
    return model.classes_, model.thresholds_, model.predict_proba(frame.iloc[te]), model.predict(frame.iloc[te])


def _evaluate_texts(X, labels, groups, cv, estimator, target_precision, progress, thresholds, n_jobs=None):
    import pandas as pd
    from sklearn.base import clone

    frame = as_turn_frame(X)
    multilabel, classes, Y = parse_labels(labels, len(frame))
    labels = list(labels.tolist() if hasattr(labels, "tolist") else labels)
    if groups is not None:
        groups = np.asarray(groups)
        if len(groups) != len(frame):
            raise SuggestError(f"got {len(frame)} texts but {len(groups)} groups")
    estimator = CodeSuggester() if estimator is None else estimator
    estimator = clone(estimator).set_params(target_precision=target_precision) if isinstance(
        estimator, CodeSuggester) else clone(estimator)
    splits = _splitter(cv, groups, Y.argmax(1) if not multilabel else None, len(frame))
    K = len(classes)
    proba = np.zeros((len(frame), K))
    Yp = np.zeros((len(frame), K), dtype=bool)
    selected = np.zeros((len(frame), K), dtype=bool)
    fold_of = np.full(len(frame), -1)
    stated = np.full((len(splits), K, 2), np.nan)  # each fold's inner Wilson interval of its threshold
    wall, cpu = time.perf_counter(), time.process_time()
    if n_jobs is not None and n_jobs != 1:
        from joblib import Parallel, delayed

        fitted = Parallel(n_jobs=n_jobs)(delayed(_fit_fold)(estimator, frame, labels, groups, tr, te)
                                         for tr, te in splits)
    else:
        iterator = splits
        if progress:
            from tqdm.auto import tqdm

            iterator = tqdm(splits, desc="cross-validation", unit="fold")
        fitted = [_fit_fold(estimator, frame, labels, groups, tr, te) for tr, te in iterator]
    index = {c: i for i, c in enumerate(classes)}
    for f, ((_, te), (model_classes, thresholds_, p_model, pred)) in enumerate(zip(splits, fitted)):
        col = [int(np.flatnonzero(model_classes == c)[0]) if c in set(model_classes.tolist()) else -1
               for c in classes]
        for k, j in enumerate(col):
            if j < 0:  # the code never occurred in this training fold: never predicted
                continue
            proba[te, k] = p_model[:, j]
            t = thresholds_[classes[k]]
            if t.threshold is not None:
                selected[te, k] = p_model[:, j] >= t.threshold
                stated[f, k] = (t.precision_low, t.precision_high)
        if multilabel:
            for r, codes in zip(te, pred):
                for c in codes:
                    Yp[r, index[c]] = True
        else:
            Yp[te, [index[c] for c in pred]] = True
        fold_of[te] = f
    seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu

    per, macro, kappa = label_scores(Y, Yp, classes, multilabel)
    n_sel = selected.sum(0)
    tp_sel = (selected & Y).sum(0)
    support = Y.sum(0)
    per["precision_at_target"] = np.where(n_sel > 0, tp_sel / np.maximum(n_sel, 1), np.nan)
    per["coverage_at_target"] = np.where(support > 0, tp_sel / np.maximum(support, 1), np.nan)
    per["n_selected"] = n_sel
    from hrp_coding.suggest.thresholds import NOT_RELIABLE, share_interval

    # measured like the thresholds' stated intervals: with groups, transcripts are the draws
    measured = []
    for k in range(K):
        sel, gold = selected[:, k], Y[:, k]
        p_low, p_high = share_interval(gold[sel], None if groups is None else groups[sel])[1:]
        c_low, c_high = share_interval(sel[gold], None if groups is None else groups[gold])[1:]
        worst, shown, right = (None, 0, 0) if groups is None else most_errors_group(gold[sel], groups[sel])
        rest = sel & (groups != worst) if shown else np.zeros_like(sel)
        p_worst = worse_than_the_rest(gold[sel], groups[sel], worst) if shown else np.nan
        measured.append((p_low, p_high, c_low, c_high, worst, shown, right,
                         gold[rest].mean() if rest.any() else np.nan, p_worst))
    columns = ("precision_low", "precision_high", "coverage_low", "coverage_high", "most_errors_group",
               "most_errors_shown", "most_errors_correct", "precision_without_most_errors", "most_errors_p")
    for i, name in enumerate(columns):
        per[name] = [row[i] for row in measured]
    folds_reliable = np.isfinite(stated[:, :, 0]).sum(0)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a code reliable in no fold: NaN, said by status
        per["stated_low"] = np.nanmean(stated[:, :, 0], axis=0)
        per["stated_high"] = np.nanmean(stated[:, :, 1], axis=0)
    per["folds_reliable"] = folds_reliable
    per["status"] = np.where(folds_reliable > 0, "reliable", NOT_RELIABLE)
    per["within_stated"] = np.where(n_sel > 0, (per["precision_at_target"] >= per["stated_low"])
                                    & (per["precision_at_target"] <= per["stated_high"]), np.nan)
    curve = coverage_curve(Y, proba, list(classes), thresholds)
    from sklearn.metrics import brier_score_loss

    per["brier"] = [float(brier_score_loss(Y[:, k], proba[:, k])) for k in range(K)]
    reliability = reliability_table(Y, proba, list(classes), groups)
    if multilabel:
        gold_col = [tuple(classes[Y[i]].tolist()) for i in range(len(frame))]
        pred_col = [tuple(classes[Yp[i]].tolist()) for i in range(len(frame))]
        conf = [float(proba[i, Yp[i]].max()) if Yp[i].any() else float(proba[i].max()) for i in range(len(frame))]
    else:
        gold_col = classes[Y.argmax(1)].tolist()
        pred_col = classes[Yp.argmax(1)].tolist()
        conf = proba[np.arange(len(frame)), Yp.argmax(1)].tolist()
    oof = pd.DataFrame({"row": np.arange(len(frame)), "group": groups if groups is not None else None,
                        "fold": fold_of, "gold": gold_col, "predicted": pred_col, "confidence": conf})
    for k, c in enumerate(classes):
        oof[f"proba_{c}"] = proba[:, k]
    return EvaluationResult(tuple(str(c) for c in classes), multilabel, per, macro, kappa, curve,
                            float(target_precision), oof, len(splits), seconds, cpu_seconds,
                            reliability=reliability), Y, Yp


def most_errors_group(correct, groups) -> tuple[Any, int, int]:
    """The transcript holding the most wrong suggestions: ``(group, shown, correct)``.

    A pooled precision below its stated interval is often one interview unlike the others (on AnnoMI,
    one session where 41% of the client's turns are neutral against 65% in the others); this names
    it. Ties go to the transcript with the lower precision, then to the first in sorted order.

    Parameters
    ----------
    correct : array-like of bool
        One entry per suggestion shown: whether the gold coder applied that code there.
    groups : array-like
        The transcript of each suggestion.

    Returns
    -------
    tuple
        ``(group, shown, correct)``; ``(None, 0, 0)`` when nothing was shown.

    Examples
    --------
    >>> most_errors_group([True, False, False, True, True, False], ["A", "A", "A", "B", "B", "B"])
    ('A', 3, 1)
    """
    correct = np.asarray(correct, dtype=bool)
    if correct.size == 0:
        return (None, 0, 0)
    names, g = np.unique(np.asarray(groups), return_inverse=True)
    shown = np.bincount(g, minlength=len(names))
    right = np.bincount(g, weights=correct.astype(float), minlength=len(names)).astype(int)
    best = min(range(len(names)), key=lambda i: (-(shown[i] - right[i]), right[i] / shown[i], i))
    return (names[best].item() if hasattr(names[best], "item") else names[best], int(shown[best]), int(right[best]))


def worse_than_the_rest(correct, groups, group) -> float:
    """Whether one transcript's suggestions are right less often than the others': a p-value over all transcripts.

    The one-sided Fisher exact test of ``group``'s correct/wrong counts against those of the other
    transcripts pooled, multiplied by the number of transcripts shown any suggestion (Bonferroni):
    :func:`most_errors_group` picks the worst of them, and one of many interviews is always the worst.
    A small value (say below 0.05) says that interview is unlike the others for this code, so a
    pooled precision below its stated interval comes from it rather than from the threshold; a large
    one says its errors are what chance spreads over that many interviews.

    Parameters
    ----------
    correct : array-like of bool
        One entry per suggestion shown: whether the gold coder applied that code there.
    groups : array-like
        The transcript of each suggestion.
    group
        The transcript to test (usually :func:`most_errors_group`'s).

    Returns
    -------
    float
        The adjusted p-value in [0, 1]; NaN when ``group`` shows nothing or no other transcript does.

    Examples
    --------
    >>> correct = [True] * 40 + [False] * 2 + [True] * 3 + [False] * 7
    >>> groups = ["A"] * 20 + ["B"] * 22 + ["C"] * 10
    >>> f"{worse_than_the_rest(correct, groups, 'C'):.1e}"   # 3 of 10 right against 40 of 42, 3 transcripts
    '8.6e-05'
    >>> worse_than_the_rest([True, False, True, False], ["A", "A", "B", "B"], "A")
    1.0
    """
    from scipy.stats import fisher_exact

    correct, groups = np.asarray(correct, dtype=bool), np.asarray(groups)
    mine = groups == group
    if not mine.any() or mine.all():
        return float("nan")
    table = [[int(correct[mine].sum()), int((~correct[mine]).sum())],
             [int(correct[~mine].sum()), int((~correct[~mine]).sum())]]
    p = fisher_exact(table, alternative="less").pvalue  # the odds of a right suggestion lower in ``group``
    return float(min(1.0, p * len(np.unique(groups))))


def evaluate(data, labels=None, groups=None, cv=5, *, estimator=None, gold: str | None = None,
             unit: str | None = None, target_precision: float = 0.9, progress: bool = False,
             thresholds: Sequence[float] = _CURVE, overlap: str = "any", n_jobs: int | None = None) -> EvaluationResult:
    """Grouped cross-validation of a code suggester, pooled out-of-fold.

    Parameters
    ----------
    data : sequence of str, DataFrame (turn table) or Project
        Texts, or a :class:`hrp_coding.project.Project` (then ``gold`` names the coder whose codings
        are the truth, ``labels``/``groups`` are not given, and the units are ``unit`` segments of the
        transcripts the gold coder coded).
    labels : sequence
        One code (single-label) or one list of codes (multi-label) per text.
    groups : sequence, optional
        The transcript of each text: folds never split a transcript. Without groups the folds are
        stratified by code only (turns of one interview then appear on both sides: optimistic).
    cv : int or splitter
    estimator : CodeSuggester, optional
        The (unfitted) model to evaluate; cloned for each fold. Default ``CodeSuggester()``.
    target_precision : float
        Target of the per-code thresholds chosen inside each training fold; their measured
        precision and coverage on the held-out folds are in ``per_code``.
    progress : bool
        Show a tqdm progress bar over folds (sequential runs only).
    n_jobs : int, optional
        Fit the folds in parallel worker processes (joblib); ``cpu_seconds`` then counts this process only.

    Returns
    -------
    EvaluationResult

    Examples
    --------
    >>> result = _example_evaluation()   # evaluate(study, gold="ana", cv=2) on two coded transcripts
    >>> type(result).__name__, list(result.to_frame()["code"])
    ('EvaluationResult', ['holding'])
    """
    if hasattr(data, "coded_segments") and hasattr(data, "segments"):
        if gold is None:
            raise SuggestError("evaluate(project, gold=CODER): name the coder whose codings are the gold standard")
        if labels is not None or groups is not None:
            raise SuggestError("evaluate(project, ...) takes no labels or groups: they come from the project")
        from hrp_coding.suggest.project import evaluate_project

        return evaluate_project(data, gold=gold, cv=cv, estimator=estimator, unit=unit,
                                target_precision=target_precision, progress=progress, thresholds=thresholds,
                                overlap=overlap)
    if labels is None:
        raise SuggestError("evaluate(texts, labels, groups): labels are required")
    result, _, _ = _evaluate_texts(data, labels, groups, cv, estimator, target_precision, progress, thresholds,
                                   n_jobs)
    return result


def _example_evaluation() -> EvaluationResult:
    """The evaluation of a tiny study (ana coded "holding" in two transcripts), two folds, for the examples."""
    from hrp_coding.datasets import tiny_study

    study = tiny_study()
    study.add_transcript("I: And?\nP: We sat with him.\n", transcript_id="P02")
    study.add_coding(coder="ana", transcript="P02", start=11, end=26, code="holding")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return evaluate(study, gold="ana", cv=2)
