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
from hrp_coding.suggest.features import TextFeaturizer, as_turn_frame


class _EmbeddingFeaturizer:
    """A TextFeaturizer with one more block: the turns' sentence embeddings (``e:0``, ``e:1``...)."""

    def __init__(self, base: TextFeaturizer, embedder):
        self.base = base
        self.embedder = embedder
        self.dim = 0

    @property
    def lemmas(self) -> bool:
        """Whether the base featurizer's tokens are lemmas (what the model records, as for a TextFeaturizer)."""
        return self.base.lemmas

    def _block(self, X):
        from hrp_coding.suggest.embeddings import embedding_block

        block = embedding_block(self.embedder, as_turn_frame(X)["text"].tolist())
        self.dim = block.shape[1]
        return block

    def fit_transform(self, X):
        import scipy.sparse as sp

        return sp.hstack([self.base.fit_transform(X), self._block(X)], format="csr")

    def transform(self, X):
        import scipy.sparse as sp

        return sp.hstack([self.base.transform(X), self._block(X)], format="csr")

    def feature_names(self):
        return [*self.base.feature_names(), *(f"e:{i}" for i in range(self.dim))]

    def block_slices(self):
        out = self.base.block_slices()
        end = max((s.stop for s in out.values()), default=0)
        out["e"] = slice(end, end + self.dim)
        return out


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
        base = super()._new_featurizer()
        return base if self.embedder is None else _EmbeddingFeaturizer(base, self.embedder)
