"""Settings chosen inside the training data (nested): a CodeSuggester that tunes itself by grouped inner CV.

:class:`NestedCodeSuggester` is a :class:`~hrp_coding.suggest.estimator.CodeSuggester` whose
settings are not given but chosen in :meth:`~NestedCodeSuggester.fit`, on the training data alone:
the regularisation ``C``, the weight of each feature block (a weight of 0 leaves the block out: the
feature choice), whether per-code decision offsets are tuned for macro-F1, and, when a sentence
embedder is given, the penalty and the weight of the embeddings' ridge scores, fused late with the
linear scores (see :mod:`~hrp_coding.suggest.fusion`). Evaluated by
:func:`~hrp_coding.suggest.evaluate` (outer grouped folds), every figure is then free of tuning
optimism: nothing was chosen on the held-out transcripts.

The search is cheap by construction. The featurizer is fitted once with every block; a candidate
only rescales columns (a block weight is the same as that block's own regularisation in a linear
model), so no text is featurized twice. One grouped inner cross-validation (``inner_cv`` folds by
transcript) gives each candidate's out-of-fold decision scores; the candidate with the best inner
macro-F1 wins (with and without tuned offsets: both come from the same scores, so that choice costs
no fit). To keep the fit cheap the candidates race on the first inner fold only; the winner's
out-of-fold scores are completed on the other inner folds and then reused, as
:class:`CodeSuggester` does, for the offsets, the Platt calibration and the per-code precision
thresholds; one last fit of the winner on all the training data gives the model
(``final="average"`` keeps the mean of its inner models instead). Total:
``len(candidates) + inner_cv`` linear fits (one fewer with "average") and one featurization; with
an embedder, one weighted Gram matrix of the dense vectors per inner fold (it serves every penalty)
and one more for the final ridge, fitted on all the training rows.

Single-label codings only (one code per unit, as in AnnoMI); a multi-label fit says so.

Examples
--------
>>> texts = ["Would you like to talk about it?", "How often do you use?", "It sounds like you are tired.",
...          "You feel the clinic judged you.", "Did you sleep?", "You sound relieved."] * 4
>>> labels = ["question", "question", "reflection", "reflection", "question", "reflection"] * 4
>>> groups = [f"T{i // 6}" for i in range(24)]
>>> model = NestedCodeSuggester(Cs=(0.05, 0.5), inner_cv=2, context=0).fit(texts, labels, groups=groups)
>>> sorted(model.chosen_)
['C', 'block_weights', 'tune_bias']
>>> model.predict(["What do you use?", "You sound worried about her."]).tolist()
['question', 'reflection']
"""

from __future__ import annotations

import itertools
import re

import numpy as np

from hrp_coding.errors import SuggestError
from hrp_coding.suggest.calibration import fast_macro_f1, platt, tune_offsets
from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.features import as_turn_frame
from hrp_coding.suggest.fusion import FusedEmbeddings, balanced_ridge, choose_fusion, dense_vectors
from hrp_coding.suggest.labels import parse_labels
from hrp_coding.suggest.thresholds import precision_thresholds

__all__ = ["NestedCodeSuggester", "block_weight_grid"]

_CONTEXT = "ctx"  # a block-weight key standing for every neighbouring-turn block (p1, n1, p2, ...)


def block_weight_grid(**choices) -> list[dict[str, float]]:
    """Every combination of block weights, as a list of ``{block: weight}`` dicts.

    Keys are block prefixes (``w`` turn words, ``c`` characters, ``ctx`` all neighbouring turns,
    ``p1``/``n1``... one of them, ``r`` role, ``s`` shape); values are the weights to try.

    Parameters
    ----------
    **choices : sequence of float

    Returns
    -------
    list of dict

    Examples
    --------
    >>> block_weight_grid(w=(1.0, 1.4), s=(0.0,))
    [{'w': 1.0, 's': 0.0}, {'w': 1.4, 's': 0.0}]
    """
    keys = list(choices)
    return [dict(zip(keys, combo)) for combo in itertools.product(*(tuple(choices[k]) for k in keys))]


class NestedCodeSuggester(FusedEmbeddings, CodeSuggester):
    """A CodeSuggester whose C, block weights and offsets are chosen by grouped inner CV on its training data.

    Parameters
    ----------
    Cs : sequence of float
        Regularisation values to try.
    block_weights : list of dict or None
        Block-weight candidates (see :func:`block_weight_grid`); a missing block keeps weight 1, a
        weight of 0 drops the block. None: ``[{}]`` (every block at weight 1).
    tune_bias : "auto", True or False
        "auto" chooses, per candidate, whether per-code offsets tuned for macro-F1 help on the inner
        folds.
    inner_cv : int
        Folds of the inner cross-validation (grouped by ``groups`` when :meth:`fit` gets them).
    final : "refit" or "average"
        The model kept: "refit" (default), one more fit of the winner on all the training data;
        "average", the mean of the winner's inner models, whose out-of-fold scores set the
        calibration and the thresholds (no extra fit, scores distributed like those the thresholds
        were set on; on AnnoMI it lost about 0.005 macro-F1 and did not make the precision of
        client talk thresholds hold on new transcripts: see benchmarks/bench_suggest_annomi_nested.py).
    embedder : SentenceEmbedder or None
        A local sentence-embedding model (see :mod:`~hrp_coding.suggest.embeddings`). Off by
        default. Given one, a class-balanced ridge on the turns' sentence vectors scores the codes
        beside the linear model, fused late: ``svm + weight * ridge`` (see
        :mod:`~hrp_coding.suggest.fusion`), the penalty and weight chosen on the inner folds. A model
        with an embedder cannot be saved with :func:`~hrp_coding.suggest.save_model`.
    embedding_context : sequence of str
        Neighbouring turns whose vectors join the turn's (``"prev1"``, ``"next1"``...; the turn
        table's column names without ``_text``). Default ``("prev1",)``: on AnnoMI the previous
        turn's vector helped client talk most (0.5455 against 0.5385 with the turn's alone).
    embedding_penalties : sequence of float
        Ridge penalties to try.
    embedding_weights : sequence of float
        Weights of the ridge scores to try; 0 (the model without embeddings) is always tried first.
    word_ngrams, char_ngrams, char_min_df, context, context_weights, use_role, use_shape, lemmas, class_weight,
    target_precision, min_precision_count, store_examples
        As for :class:`CodeSuggester`; they describe the largest featurizer (every block the search may keep).

    Attributes
    ----------
    chosen_ : dict
        ``C``, ``block_weights`` and ``tune_bias`` of the winning candidate; with an embedder also
        ``embedding_penalty`` and ``embedding_weight``.
    embedding_coef_, embedding_intercept_ : ndarray (n_codes, dim * (1 + len(embedding_context))), (n_codes,)
        With an embedder and a weight above 0: the ridge on the dense vectors, the weight folded in;
        otherwise None.
    fusion_search_ : DataFrame or None
        With an embedder: one row per ``(penalty, weight)`` tried, with its inner macro-F1.
    search_ : DataFrame
        One row per candidate: ``C, block_weights, inner_macro_f1, inner_macro_f1_offsets`` (on the
        first inner fold, where the candidates race).
    And every fitted attribute of :class:`CodeSuggester` (``coef_`` has the block weights folded in,
    so ``featurizer_.transform(X) @ coef_.T`` is the chosen linear model's score). The evidence
    (:meth:`evidence`) lists the sparse features only: the embeddings' share of a score is not
    split into words.
    """

    _shared_params = ("embedder",)  # a loaded ONNX session: shared by clones, never deep-copied

    def __init__(self, *, Cs=(0.05, 0.1), block_weights=None, tune_bias="auto", inner_cv=3, final="refit",
                 embedder=None, embedding_context=("prev1",), embedding_penalties=(1.0, 10.0),
                 embedding_weights=(0.0, 0.25, 0.5, 0.75, 1.0, 1.5, 2.0, 3.0),
                 word_ngrams=(1, 2), char_ngrams=(1, 4), char_min_df=2, context=3, context_weights=(0.7, 0.5, 0.3),
                 use_role=True, use_shape=True, lemmas="auto", class_weight="balanced", target_precision=0.9,
                 min_precision_count=10, store_examples=True):
        self._store_params(locals())

    # the parent's settings that the search does not vary
    codebook = None
    classifier = "svm"
    prior_weight = 0.0
    codebook_weight = 1.0

    @property
    def cv(self):  # the parent's inner-CV helper reads ``cv``
        return self.inner_cv

    @property
    def C(self):  # the parent's linear-model helper reads ``C``; set per candidate in ``_fit_linear``
        return self._C

    def _check_search(self):
        problems = []
        Cs = tuple(self.Cs) if isinstance(self.Cs, (list, tuple)) else ()
        if not Cs or not all(isinstance(c, (int, float)) and c > 0 for c in Cs):
            problems.append(f"Cs must be a non-empty sequence of positive numbers, got {self.Cs!r}")
        grid = [{}] if self.block_weights is None else self.block_weights
        if not isinstance(grid, (list, tuple)) or not grid or not all(isinstance(g, dict) for g in grid):
            problems.append(f"block_weights must be a non-empty list of dicts, got {self.block_weights!r}")
            grid = []
        for g in grid:
            for key, w in g.items():
                if not (isinstance(w, (int, float)) and w >= 0):
                    problems.append(f"block_weights: weight of {key!r} must be a number >= 0, got {w!r}")
        if self.tune_bias not in ("auto", True, False):
            problems.append(f"tune_bias must be 'auto', True or False, got {self.tune_bias!r}")
        context = self.embedding_context
        if isinstance(context, str) or not all(isinstance(c, str) and re.fullmatch(r"(prev|next)[1-9]\d*", c)
                                               for c in context):
            problems.append(f"embedding_context must be a sequence of neighbour names such as 'prev1' or 'next1', "
                            f"got {context!r}")
        if self.final not in ("average", "refit"):
            problems.append(f"final must be 'average' or 'refit', got {self.final!r}")
        if not (isinstance(self.inner_cv, int) and self.inner_cv >= 2):
            problems.append(f"inner_cv must be an integer >= 2, got {self.inner_cv!r}")
        if problems:
            raise SuggestError("NestedCodeSuggester: " + "; ".join(problems))
        return Cs, grid

    def _column_scale(self, slices, weights, n_features):
        scale = np.ones(n_features)
        for key, w in weights.items():
            prefixes = [p for p in slices if len(p) > 1 and p[0] in "pn" and p[1:].isdigit()] if key == _CONTEXT \
                else [key]
            unknown = [p for p in prefixes if p not in slices]
            if key == "e":
                raise SuggestError("NestedCodeSuggester: block_weights names block 'e', but the embeddings are not a "
                                   "block of the linear model: they are fused late, their weight chosen from "
                                   "embedding_weights (give embedder=...)")
            if key != _CONTEXT and unknown:
                raise SuggestError(f"NestedCodeSuggester: block_weights names block {key!r}, but the featurizer "
                                   f"has blocks {sorted(slices)} (and 'ctx' for all neighbouring turns)")
            for p in prefixes:
                scale[slices[p]] = float(w)
        return scale

    def _fit_linear(self, X, Y, C):
        self._C = float(C)
        return self._linear(X, Y, False)

    def _new_linear(self):
        """The parent's linear SVM with a looser stopping tolerance (1e-3: same predictions here, fewer passes)."""
        from sklearn.svm import LinearSVC

        return LinearSVC(C=self.C, class_weight=self.class_weight, random_state=0, tol=1e-3)

    def fit(self, X, y, groups=None):
        """Choose the settings by grouped inner CV on ``(X, y)`` alone, then fit the chosen model on all of it.

        Parameters
        ----------
        X : sequence of str or DataFrame
            Texts or a turn table (see :func:`~hrp_coding.suggest.features.add_context`).
        y : sequence of str
            One code per text.
        groups : sequence, optional
            The transcript of each text: inner folds never split one.

        Returns
        -------
        NestedCodeSuggester
            This model, fitted; ``chosen_`` and ``search_`` say what was chosen.

        Examples
        --------
        >>> texts = ["How are you?", "Do you drink?", "You feel tired.", "You sound sad."] * 4
        >>> groups = [f"T{i // 4}" for i in range(16)]
        >>> model = NestedCodeSuggester(Cs=(0.1, 1.0), inner_cv=2, context=0)
        >>> model.fit(texts, ["q", "q", "r", "r"] * 4, groups=groups).chosen_["C"] in (0.1, 1.0)
        True
        """
        import pandas as pd
        import scipy.sparse as sp

        Cs, grid = self._check_search()
        frame = as_turn_frame(X)
        multilabel, classes, Y = parse_labels(y, len(frame))
        if multilabel:
            raise SuggestError("NestedCodeSuggester handles one code per unit; for code lists use CodeSuggester")
        groups = self._checked_groups(groups, len(frame))
        featurizer = self._new_featurizer()
        lemmas = featurizer.lemmas
        Xm = featurizer.fit_transform(frame)
        slices = featurizer.block_slices()
        K, yi = len(classes), Y.argmax(1)
        splits = self._inner_splits(Y, groups, False)
        if not splits:
            raise SuggestError("NestedCodeSuggester needs at least two transcripts (groups) or two examples of "
                               "every code to choose its settings; use CodeSuggester with fixed settings")
        # candidates race on the first inner fold; the winner's out-of-fold scores are completed on the others
        first_tr, first_te = splits[0]
        rows, best = [], None
        for weights in grid:
            scale = self._column_scale(slices, weights, Xm.shape[1])
            Xs = Xm @ sp.diags(scale)
            for C in Cs:
                coef, intercept = self._fit_linear(Xs[first_tr], Y[first_tr], C)
                part = np.asarray(Xs[first_te] @ coef.T + intercept)
                plain = fast_macro_f1(yi[first_te], part.argmax(1), K)
                bias = tune_offsets(part, yi[first_te]) if self.tune_bias in ("auto", True) else np.zeros(K)
                tuned = fast_macro_f1(yi[first_te], (part + bias).argmax(1), K)
                rows.append({"C": float(C), "block_weights": dict(weights), "inner_macro_f1": plain,
                             "inner_macro_f1_offsets": tuned})
                score = max(plain, tuned) if self.tune_bias == "auto" else (tuned if self.tune_bias else plain)
                if best is None or score > best[0] + 1e-9:
                    best = (score, float(C), dict(weights), scale, part, (coef, intercept))
        _, C, weights, scale, part, first_model = best
        Xs = Xm @ sp.diags(scale)
        oof = np.zeros((len(frame), K))
        oof[first_te] = part
        inner_models = [first_model]
        for tr, te in splits[1:]:
            coef, intercept = self._fit_linear(Xs[tr], Y[tr], C)
            oof[te] = Xs[te] @ coef.T + intercept
            inner_models.append((coef, intercept))
        fusion, E = None, None
        if self.embedder is not None:  # the dense scorer's penalty and weight, on the same inner folds
            E = dense_vectors(self.embedder, frame, self.embedding_context)
            fusion = choose_fusion(oof, E, yi, K, splits, tuple(self.embedding_penalties),
                                   tuple(self.embedding_weights))
            oof = fusion.scores
        # offsets (and whether to use them) from the winner's complete out-of-fold scores
        bias = tune_offsets(oof, yi) if self.tune_bias in ("auto", True) else np.zeros(K)
        use_bias = self.tune_bias is True or (self.tune_bias == "auto" and fast_macro_f1(yi, (oof + bias).argmax(1), K)
                                               > fast_macro_f1(yi, oof.argmax(1), K) + 1e-9)
        if self.final == "refit":
            coef, intercept = self._fit_linear(Xs, Y, C)
        else:  # the mean of the inner models: the very models whose scores set calibration and thresholds
            coef = np.mean([c for c, _ in inner_models], axis=0)
            intercept = np.mean([b for _, b in inner_models], axis=0)

        self.multilabel_ = False
        self.classes_ = classes
        self.lemmas_ = lemmas
        self.featurizer_ = featurizer
        self.coef_ = coef * scale  # the block weights folded in: featurizer_.transform(X) @ coef_.T
        self.intercept_ = intercept
        self.calibration_ = np.array([platt(oof[:, k], Y[:, k]) for k in range(K)])
        self.bias_ = bias if use_bias else np.zeros(K)
        self.decision_threshold_ = np.full(K, 0.5)
        self.calibrated_ = True
        self.prior_ = None
        self.prior_weight_ = 0.0
        self.sup_calibration_ = np.tile([1.0, 0.0], (K, 1))
        self.chosen_ = {"C": C, "block_weights": weights, "tune_bias": bool(use_bias)}
        self.embedding_coef_ = self.embedding_intercept_ = self.fusion_search_ = None
        if fusion is not None:
            self.chosen_.update(embedding_penalty=fusion.penalty, embedding_weight=fusion.weight)
            self.fusion_search_ = pd.DataFrame(fusion.search, columns=["penalty", "weight", "inner_macro_f1"])
            if fusion.weight > 0:
                e_coef, e_intercept = balanced_ridge(E, yi, K, fusion.penalty)
                self.embedding_coef_ = fusion.weight * e_coef.T
                self.embedding_intercept_ = fusion.weight * e_intercept
        self.search_ = pd.DataFrame(rows, columns=["C", "block_weights", "inner_macro_f1", "inner_macro_f1_offsets"])
        self.thresholds_ = precision_thresholds(Y, self._proba_from_scores(oof), list(classes),
                                                target_precision=float(self.target_precision),
                                                min_selected=int(self.min_precision_count), groups=groups)
        self.examples_text_ = frame["text"].tolist() if self.store_examples else None
        self.examples_labels_ = [(str(classes[k]),) for k in yi] if self.store_examples else None
        self._example_matrix = None
        return self
