"""A :class:`~hrp_coding.suggest.CodeSuggester` with the sentence-embedding block ``e``: what a project fits.

:class:`~hrp_coding.suggest.NestedCodeSuggester` learns one code per unit; a project's units carry
code lists (or none), so :func:`~hrp_coding.suggest.project.fit_project_model` needs this class to
use a local embedding model. Get one with the project's settings from
``project_estimator(project, embedder=...)``.

Examples
--------
>>> EmbeddingCodeSuggester().get_params()["embedder"] is None
True
"""

from __future__ import annotations

from hrp_coding.suggest.estimator import CodeSuggester


class EmbeddingCodeSuggester(CodeSuggester):
    """A CodeSuggester whose features include the turns' sentence embeddings (block ``e``) when given an embedder.

    Parameters
    ----------
    embedder : SentenceEmbedder or None
        The loaded local model (see :mod:`~hrp_coding.suggest.embeddings`); shared by clones, never
        copied. None: a plain :class:`CodeSuggester`. A model with an embedder cannot be saved with
        :func:`~hrp_coding.suggest.save_model` (it would have to hold the ONNX session); refit it.
    **params
        The parameters of :class:`CodeSuggester`, with its defaults.

    Examples
    --------
    >>> model = EmbeddingCodeSuggester(C=1.0)
    >>> model.get_params()["C"], model.get_params()["embedder"]
    (1.0, None)
    """

    _shared_params = (*CodeSuggester._shared_params, "embedder")

    def __init__(self, *, embedder=None, word_ngrams=(1, 2), char_ngrams=(1, 4), char_min_df=2, context=0,
                 context_weights=(0.7, 0.5, 0.3), use_role=True, use_shape=True, lemmas="auto", C=0.05,
                 class_weight="balanced", cv=3, tune_bias=True, target_precision=0.9, store_examples=True,
                 codebook=None, codebook_weight=1.0, prior_weight="auto", min_precision_count=10,
                 classifier="svm"):
        self._store_params(locals())

    def _new_featurizer(self):
        from hrp_coding.suggest.nested import _EmbeddingFeaturizer

        base = super()._new_featurizer()
        return base if self.embedder is None else _EmbeddingFeaturizer(base, self.embedder)
