"""The optional sentence-embedding block: a tiny ONNX model built here, loaded for real, sha256-checked."""

from __future__ import annotations

import numpy as np
import pytest

from hrp_coding.errors import ModelFileError
from hrp_coding.suggest.embeddings import SentenceEmbedder, file_sha256

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")
pytest.importorskip("tokenizers")

VOCAB = ["[PAD]", "[UNK]", "how", "often", "do", "you", "drink", "?", "it", "sounds", "hard"]
DIM = 4


def _write_model(folder, *, pooled=False):
    """An embedding-table model: input_ids -> Gather -> (batch, tokens, DIM) [or ReduceMean -> (batch, DIM)]."""
    from onnx import TensorProto, helper, numpy_helper

    table = np.arange(len(VOCAB) * DIM, dtype=np.float32).reshape(len(VOCAB), DIM) % 7 - 3
    table[0] = 0.0
    nodes = [helper.make_node("Gather", ["table", "input_ids"], ["tokens" if pooled else "last_hidden_state"])]
    outputs = [helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, ["b", "t", DIM])]
    if pooled:
        nodes.append(helper.make_node("ReduceMean", ["tokens"], ["sentence"], axes=[1], keepdims=0))
        outputs = [helper.make_tensor_value_info("sentence", TensorProto.FLOAT, ["b", DIM])]
    nodes.append(helper.make_node("Identity", ["attention_mask"], ["mask_out"]))
    graph = helper.make_graph(
        nodes, "tiny",
        [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["b", "t"]),
         helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["b", "t"])],
        [*outputs, helper.make_tensor_value_info("mask_out", TensorProto.INT64, ["b", "t"])],
        initializer=[numpy_helper.from_array(table, "table")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, str(folder / "model.onnx"))
    from tokenizers import Tokenizer
    from tokenizers.models import WordLevel
    from tokenizers.pre_tokenizers import Whitespace

    tok = Tokenizer(WordLevel({w: i for i, w in enumerate(VOCAB)}, unk_token="[UNK]"))
    tok.pre_tokenizer = Whitespace()
    tok.save(str(folder / "tokenizer.json"))
    return table


@pytest.fixture
def model_dir(tmp_path):
    table = _write_model(tmp_path)
    return tmp_path, table


def test_loads_with_the_right_hash_and_mean_pools_real_tokens(model_dir):
    folder, table = model_dir
    emb = SentenceEmbedder(folder, sha256=file_sha256(folder / "model.onnx"))
    vecs = emb.encode(["how often do you drink ?", "it sounds hard", "how often do you drink ?"])
    assert vecs.shape == (3, DIM)
    ids = [VOCAB.index(w) for w in ["it", "sounds", "hard"]]
    expected = table[ids].mean(0)  # padding of the shorter text is left out of the mean
    np.testing.assert_allclose(vecs[1], expected / np.linalg.norm(expected), rtol=1e-6)
    np.testing.assert_allclose(np.linalg.norm(vecs, axis=1), 1.0)
    np.testing.assert_array_equal(vecs[0], vecs[2])


def test_sentence_vector_output_is_used_as_is(tmp_path):
    _write_model(tmp_path, pooled=True)
    emb = SentenceEmbedder(tmp_path, sha256=file_sha256(tmp_path / "model.onnx"))
    assert emb.encode(["you drink"]).shape == (1, DIM)
    assert emb.encode([]).shape == (0, DIM)


def test_wrong_hash_is_refused_naming_the_file(model_dir):
    folder, _ = model_dir
    with pytest.raises(ModelFileError, match=r"model\.onnx: sha256 mismatch") as err:
        SentenceEmbedder(folder, sha256="0" * 64)
    assert file_sha256(folder / "model.onnx") in str(err.value)


def test_altered_model_file_is_refused(model_dir):
    folder, _ = model_dir
    good = file_sha256(folder / "model.onnx")
    with open(folder / "model.onnx", "ab") as f:
        f.write(b"\0")
    with pytest.raises(ModelFileError, match="sha256 mismatch"):
        SentenceEmbedder(folder, sha256=good)


def test_malformed_hash_and_missing_files_are_clear_errors(model_dir, tmp_path_factory):
    folder, _ = model_dir
    with pytest.raises(ModelFileError, match="64 hex digits"):
        SentenceEmbedder(folder, sha256="abc")
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(ModelFileError, match=r"model\.onnx: embedding model file not found"):
        SentenceEmbedder(empty, sha256="0" * 64)
    with pytest.raises(ModelFileError, match=r"tokenizer\.json: sha256 mismatch"):
        SentenceEmbedder(folder, sha256=file_sha256(folder / "model.onnx"), tokenizer_sha256="1" * 64)


def test_not_an_onnx_file_with_matching_hash_is_a_model_file_error(tmp_path):
    _write_model(tmp_path)
    (tmp_path / "model.onnx").write_bytes(b"not a model")
    with pytest.raises(ModelFileError, match="not a loadable ONNX model"):
        SentenceEmbedder(tmp_path, sha256=file_sha256(tmp_path / "model.onnx"))
