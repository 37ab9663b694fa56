"""A researcher's local embedding model on a project: fit, suggest, next_to_code, a model layer; never saved."""

from __future__ import annotations

import pytest

from hrp_coding.errors import ModelFileError, SuggestError
from hrp_coding.suggest import (
    EmbeddingCodeSuggester,
    NestedCodeSuggester,
    SentenceEmbedder,
    next_to_code,
    save_model,
    suggest,
)
from hrp_coding.suggest.embeddings import file_sha256
from hrp_coding.suggest.project import fit_project_model, project_estimator, write_model_layer

pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

from tests.test_suggest_embeddings import DIM, _write_model

# every test here shares one fit of the sample study with the embedding block (about 10 s)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def study(sample_study_copy):
    return sample_study_copy(replication=False)  # write_model_layer writes


@pytest.fixture(scope="module")
def embedder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("minilm")
    _write_model(folder)
    return SentenceEmbedder(folder, sha256=file_sha256(folder / "model.onnx"))


@pytest.fixture(scope="module")
def model(study, embedder):
    return fit_project_model(study, estimator=project_estimator(study, embedder=embedder))


def test_fitted_on_the_project_with_the_embedding_block(study, model, embedder):
    assert type(model) is EmbeddingCodeSuggester and model.embedder is embedder  # shared by the clone
    assert model.codebook is study.codebook
    # fused late: the sparse model keeps its own features; the ridges on the DIM-wide vectors sit beside it
    assert not any(name.startswith("e:") for name in model.featurizer_.feature_names())
    assert model.fusion_search_[0]["weight"] == 0.0 and len(model.fusion_search_) == len(model.embedding_weights)
    if model.embedding_weight_ > 0:
        assert model.embedding_coef_.shape == (len(model.classes_), DIM)
    assert set(model.classes_) <= set(study.codebook.codes) and len(model.classes_) >= 2


def test_suggest_next_to_code_and_a_model_layer(study, model):
    codes = set(study.codebook.codes)
    table = suggest(study, coder="dana", transcript="P03", model=model, top_k=2, use_thresholds=False)
    assert len(table) > 0 and set(table["code"]) <= codes
    assert table["confidence"].between(0, 1).all()
    queue = next_to_code(study, "dana", n=4, model=model)
    assert len(queue) == 4 and queue["segment"].is_unique
    assert queue["uncertainty"].between(0, 1).all()
    n = write_model_layer(study, model, "minilm", transcript=["P01", "P02"], use_thresholds=False)
    layer = study.codings(coders="model:minilm")
    assert n == len(layer) > 0 and set(layer["code"]) <= codes
    assert set(layer["source"]) == {"model:minilm"} and layer["confidence"].between(0, 1).all()


def test_a_model_with_an_embedder_is_not_saved(model, tmp_path):
    with pytest.raises(ModelFileError, match="sentence embeddings from a local model") as err:
        save_model(model, tmp_path / "m.npz")
    assert "EmbeddingCodeSuggester" in str(err.value) and "refit" in str(err.value)
    assert not (tmp_path / "m.npz").exists()


def test_the_single_code_nested_suggester_is_refused_on_a_project(study, embedder):
    with pytest.raises(SuggestError, match=r"one code per unit.*project_estimator\(project, embedder=\.\.\.\)"):
        fit_project_model(study, estimator=NestedCodeSuggester(embedder=embedder))
