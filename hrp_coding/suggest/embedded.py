"""A :class:`~hrp_coding.suggest.CodeSuggester` with sentence embeddings fused late: what a project fits.

:class:`~hrp_coding.suggest.NestedCodeSuggester` learns one code per unit; a project's units carry
code lists (or none), so :func:`~hrp_coding.suggest.project.fit_project_model` needs this class to
use a local embedding model. Get one with the project's settings from
``project_estimator(project, embedder=...)``.

The model keeps everything a :class:`CodeSuggester` does (sparse blocks, the codebook prior and its
blend) and adds beside it one ridge per code on the turns' sentence vectors
(:func:`~hrp_coding.suggest.fusion.code_ridge`), trained on the coded turns and on the codebook's
definitions, examples and near misses (weighted as the codebook rows of the linear model). Its
scores are added to the blended scores with a weight chosen on the model's own inner folds (the
ranking of the out-of-fold codes: :func:`~hrp_coding.suggest.fusion.choose_weight`, weight 0 first);
calibration, offsets and thresholds are then fitted on the fused scores. The codebook rows are what
make the vectors useful from the first coded interviews: a passage close in meaning to a code's
definition or examples is pushed towards it, whatever its words.

Examples
--------
>>> EmbeddingCodeSuggester().get_params()["embedder"] is None
True
"""

from __future__ import annotations

import numpy as np

from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.fusion import FusedEmbeddings, choose_weight, code_ridge, dense_vectors


class EmbeddingCodeSuggester(FusedEmbeddings, CodeSuggester):
    """A CodeSuggester with the turns' sentence embeddings fused late when given an embedder.

    Parameters
    ----------
    embedder : SentenceEmbedder, StaticEmbedder or None
        The loaded local model (see :mod:`~hrp_coding.suggest.embeddings`); shared by clones, never
        copied. None: a plain :class:`CodeSuggester`. A model with an embedder cannot be saved with
        :func:`~hrp_coding.suggest.save_model` (it would have to hold the loaded model); refit it.
    embedding_weights : sequence of float
        The weights of the embeddings' scores to choose from on the inner folds (0 always tried first).
    embedding_penalty : float
        The ridge penalty of the per-code ridges (> 0).
    **params
        The parameters of :class:`CodeSuggester`, with its defaults.

    Attributes
    ----------
    embedding_weight_ : float
        The weight chosen (0: the embeddings left out, or no inner folds to choose on).
    embedding_coef_, embedding_intercept_ : ndarray or None
        The ridges, times that weight: ``E @ embedding_coef_.T + embedding_intercept_``.
    fusion_search_ : list of dict or None
        Every weight tried with its inner figures.

    Examples
    --------
    >>> model = EmbeddingCodeSuggester(C=1.0)
    >>> model.get_params()["C"], model.get_params()["embedder"], model.get_params()["embedding_penalty"]
    (1.0, None, 10.0)
    """

    _shared_params = (*CodeSuggester._shared_params, "embedder")

    def __init__(self, *, embedder=None, embedding_weights=(0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.0),
                 embedding_penalty=10.0, word_ngrams=(1, 2), char_ngrams=(1, 4), char_min_df=2, context=0,
                 context_weights=(0.7, 0.5, 0.3), use_role=True, use_shape=True, lemmas="auto", C=0.05,
                 class_weight="balanced", cv=3, tune_bias=True, target_precision=0.9, store_examples=True,
                 codebook=None, codebook_weight=1.0, prior_weight="auto", min_precision_count=10,
                 classifier="svm"):
        self._store_params(locals())

    def _fuse_dense(self, frame, Y, oof, splits, multilabel, codebook_rows):
        self.embedding_weight_, self.fusion_search_ = 0.0, None
        self.embedding_coef_ = self.embedding_intercept_ = None
        if self.embedder is None or not splits:
            return oof
        E = dense_vectors(self.embedder, frame)
        n, K = Y.shape
        if codebook_rows is None:
            Ec, Yc, Mc, wc = np.zeros((0, E.shape[1])), np.zeros((0, K), bool), np.zeros((0, K), bool), 1.0
        else:
            cb_frame, Yc, Mc, wc = codebook_rows
            Ec = dense_vectors(self.embedder, cb_frame)

        def ridge(rows):
            m = len(rows)
            return code_ridge(np.vstack([E[rows], Ec]), np.vstack([Y[rows], Yc]),
                              np.vstack([np.ones((m, K), bool), Mc]), float(self.embedding_penalty),
                              np.r_[np.ones(m), np.full(len(Yc), wc)])

        dense = np.zeros_like(oof)
        for tr, te in splits:
            coef, intercept = ridge(tr)
            dense[te] = E[te] @ coef + intercept
        weight, self.fusion_search_ = choose_weight(oof, dense, Y, multilabel, tuple(self.embedding_weights))
        self.embedding_weight_ = weight
        if weight > 0:
            coef, intercept = ridge(np.arange(n))
            self.embedding_coef_, self.embedding_intercept_ = weight * coef.T, weight * intercept
        return oof + weight * dense
