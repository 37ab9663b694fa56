"""Offline code suggestions: spaCy tokens + scikit-learn, calibrated, thresholded, auditable.

Importing this subpackage loads scikit-learn (``import hrp_coding`` alone does not). Everything
runs locally: no text leaves the machine.

- :class:`CodeSuggester`: a scikit-learn classifier over turns (texts or turn tables).
- :class:`ColdStartSuggester`: suggestions from the codebook alone, before anyone has coded.
- :func:`suggest`: a table of suggestions (code, confidence, evidence, nearest examples) for texts
  or a project's segments; :func:`next_to_code`: what to code next (calibrated uncertainty, code
  coverage and diversity).
- :class:`NestedCodeSuggester`: a CodeSuggester that chooses its settings by grouped inner CV.
- :class:`SentenceEmbedder`: optional sentence embeddings from a local ONNX model folder (fused late by
  :class:`NestedCodeSuggester` and by :class:`EmbeddingCodeSuggester`, the one for code lists);
  :class:`StaticEmbedder`: the same from a local Model2Vec static model (a table lookup, no transformer).
- :func:`evaluate`: grouped cross-validation, pooled out-of-fold, with the human ceiling.
- :func:`save_model` / :func:`load_model`: a fitted model as JSON + npz, no pickle.

Examples
--------
>>> from hrp_coding.suggest import CodeSuggester
>>> CodeSuggester(C=0.1).get_params()["C"]
0.1
"""

from hrp_coding.suggest.active import next_to_code, rank_for_coding, uncertainty
from hrp_coding.suggest.coldstart import ColdStartSuggester
from hrp_coding.suggest.embedded import EmbeddingCodeSuggester
from hrp_coding.suggest.embeddings import SentenceEmbedder
from hrp_coding.suggest.estimator import CodeSuggester
from hrp_coding.suggest.evaluate import EvaluationResult, evaluate
from hrp_coding.suggest.features import TextFeaturizer, add_context, tokenize
from hrp_coding.suggest.nested import NestedCodeSuggester
from hrp_coding.suggest.persist import load_model, save_model
from hrp_coding.suggest.project import accept_suggestion, check_not_hidden, suggest, training_data, write_model_layer
from hrp_coding.suggest.static_embeddings import StaticEmbedder
from hrp_coding.suggest.thresholds import CodeThreshold, coverage_curve, precision_thresholds, thresholds_frame

__all__ = [
    "CodeSuggester",
    "CodeThreshold",
    "ColdStartSuggester",
    "EmbeddingCodeSuggester",
    "EvaluationResult",
    "NestedCodeSuggester",
    "SentenceEmbedder",
    "StaticEmbedder",
    "TextFeaturizer",
    "accept_suggestion",
    "add_context",
    "check_not_hidden",
    "coverage_curve",
    "evaluate",
    "load_model",
    "next_to_code",
    "precision_thresholds",
    "rank_for_coding",
    "save_model",
    "suggest",
    "thresholds_frame",
    "tokenize",
    "training_data",
    "uncertainty",
    "write_model_layer",
]
