"""The optional static embedding block: a Model2Vec folder written by model2vec itself, sha256-checked, offline."""

from __future__ import annotations

import socket

import numpy as np
import pytest

from hrp_coding.errors import ModelFileError
from hrp_coding.suggest import EmbeddingCodeSuggester, NestedCodeSuggester, StaticEmbedder, suggest
from hrp_coding.suggest.embeddings import file_sha256
from hrp_coding.suggest.project import fit_project_model, project_estimator

pytest.importorskip("model2vec")
pytest.importorskip("tokenizers")

# a BERT-style word-piece vocabulary (fictional table): "drinking" is "drink" + "##ing", "cannabis" is unknown
PIECES = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "how", "often", "do", "you", "drink", "##ing", "use", "?", ".",
          "it", "sounds", "hard", "i", "want", "to", "stop", "cut", "down"]
DIM = 6


def _write_model(folder, *, normalize=True):
    """A Model2Vec folder in the layout potion-base-8M ships, written by ``StaticModel.save_pretrained``."""
    from model2vec import StaticModel
    from tokenizers import Tokenizer, normalizers, pre_tokenizers
    from tokenizers.models import WordPiece

    tok = Tokenizer(WordPiece({p: i for i, p in enumerate(PIECES)}, unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    table = np.random.default_rng(7).normal(size=(len(PIECES), DIM)).astype(np.float32)
    StaticModel(table, tok, normalize=normalize).save_pretrained(folder)
    return table


@pytest.fixture
def model_dir(tmp_path):
    return tmp_path, _write_model(tmp_path)


def _unit(v):
    return v / np.linalg.norm(v)


def test_a_text_is_the_normalised_mean_of_its_known_pieces(model_dir):
    folder, table = model_dir
    embedder = StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"))
    assert embedder.dim == DIM and embedder.model_path == folder / "model.safetensors"
    got = embedder.encode(["How often?", "Drinking cannabis.", "how often ?"])
    ix = {p: i for i, p in enumerate(PIECES)}
    np.testing.assert_allclose(got[0], _unit(table[[ix["how"], ix["often"], ix["?"]]].mean(0)), atol=1e-6)
    # lower-cased, split into word pieces, the unknown word dropped (not averaged in as [UNK])
    np.testing.assert_allclose(got[1], _unit(table[[ix["drink"], ix["##ing"], ix["."]]].mean(0)), atol=1e-6)
    np.testing.assert_allclose(got[0], got[2], atol=1e-7)
    assert got.dtype == np.float64 and got.shape == (3, DIM)


def test_each_distinct_text_is_encoded_once(model_dir, monkeypatch):
    folder, _ = model_dir
    embedder = StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"))
    seen = []
    real = embedder._model.encode
    monkeypatch.setattr(embedder._model, "encode", lambda texts, **kw: (seen.append(list(texts)), real(texts, **kw))[1])
    first = embedder.encode(["It sounds hard.", "I want to stop.", "It sounds hard."])
    again = embedder.encode(["I want to stop.", "Cut down?"])
    assert seen == [["It sounds hard.", "I want to stop."], ["Cut down?"]]
    np.testing.assert_array_equal(first[1], again[0])
    assert embedder.encode([]).shape == (0, DIM)


def test_wrong_hash_is_refused_before_the_file_is_read(model_dir, monkeypatch):
    from model2vec import StaticModel

    folder, _ = model_dir
    monkeypatch.setattr(StaticModel, "from_pretrained", classmethod(lambda cls, *a, **k: pytest.fail("read")))
    with pytest.raises(ModelFileError, match=r"model\.safetensors: sha256 mismatch, expected 0{64} but the file has"):
        StaticEmbedder(folder, sha256="0" * 64)
    with pytest.raises(ModelFileError, match="tokenizer_sha256 must be the file's sha256 as 64 hex digits"):
        StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"), tokenizer_sha256="abc")


def test_a_missing_file_is_named_and_never_fetched(model_dir):
    folder, _ = model_dir
    (folder / "config.json").unlink()
    with pytest.raises(ModelFileError, match=r"config\.json: static embedding model file not found .*never downloaded"):
        StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"))


def test_a_damaged_file_whose_hash_was_given_is_a_model_file_error(tmp_path):
    _write_model(tmp_path)
    path = tmp_path / "model.safetensors"
    path.write_bytes(path.read_bytes()[:40])  # truncated: the header promises more than the file holds
    with pytest.raises(ModelFileError, match="not a readable Model2Vec model"):
        StaticEmbedder(tmp_path, sha256=file_sha256(path))


def test_loading_and_encoding_open_no_connection(model_dir, monkeypatch):
    folder, _ = model_dir

    def refuse(*args, **kwargs):
        raise AssertionError(f"network access attempted: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    embedder = StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"))
    assert embedder.encode(["you use"]).shape == (1, DIM)


def test_the_nested_suggester_fits_and_predicts_with_a_static_embedder(model_dir):
    folder, _ = model_dir
    embedder = StaticEmbedder(folder, sha256=file_sha256(folder / "model.safetensors"))
    rng = np.random.default_rng(0)
    change = ["I want to stop.", "I want to cut down.", "I want to stop drinking."]
    sustain = ["I use. It sounds hard.", "How often do you drink?", "Drinking, it sounds hard."]
    texts, codes, groups = [], [], []
    for g in range(12):
        for _ in range(4):
            k = int(rng.integers(2))
            texts.append((change if k else sustain)[int(rng.integers(3))])
            codes.append("change" if k else "sustain")
            groups.append(f"T{g:02d}")
    model = NestedCodeSuggester(embedder=embedder, inner_cv=3).fit(texts, codes, groups=groups)
    assert model.embedder is embedder and list(model.fusion_search_.columns) == ["penalty", "weight", "inner_macro_f1"]
    assert model.predict(["I want to stop.", "It sounds hard."]).tolist() == ["change", "sustain"]


@pytest.mark.slow
def test_a_project_model_with_the_static_block_suggests(sample_study_copy, tmp_path):
    study = sample_study_copy(replication=False)
    _write_model(tmp_path)
    embedder = StaticEmbedder(tmp_path, sha256=file_sha256(tmp_path / "model.safetensors"))
    model = fit_project_model(study, estimator=project_estimator(study, embedder=embedder))
    assert type(model) is EmbeddingCodeSuggester and model.embedder is embedder
    assert model.fusion_search_[0]["weight"] == 0.0 and model.embedding_weight_ in model.embedding_weights
    if model.embedding_weight_ > 0:  # the ridges read the static vectors: one row of DIM weights per code
        assert model.embedding_coef_.shape == (len(model.classes_), DIM)
    table = suggest(study, coder="dana", transcript="P03", model=model, top_k=2, use_thresholds=False)
    assert len(table) > 0 and set(table["code"]) <= set(study.codebook.codes)
    # the coding view takes that table as it takes any model's: marked on its passages, accepted as codings
    from hrp_coding.notebook import CodingWidget

    widget = CodingWidget(study, coder="dana", transcript="P03", suggestions=table)
    shown = widget.suggestions
    assert [(s["code"], s["start"], s["end"]) for s in shown] == list(zip(table["code"], table["start"], table["end"]))
    coding = widget.accept(shown[0]["key"])
    text = study.transcript("P03").text
    assert (coding.start, coding.end, coding.code) == (shown[0]["start"], shown[0]["end"], shown[0]["code"])
    assert coding.quote == text[coding.start:coding.end] and coding.model == table["model"].iloc[0]


def test_open_embedder_picks_the_kind_by_the_files_and_checks_the_hash(model_dir, tmp_path_factory):
    from hrp_coding.suggest.embeddings import open_embedder

    folder, _ = model_dir
    embedder = open_embedder(folder, file_sha256(folder / "model.safetensors"))
    assert type(embedder) is StaticEmbedder and embedder.dim == DIM
    with pytest.raises(ModelFileError, match="sha256 mismatch"):
        open_embedder(folder, "f" * 64)
    empty = tmp_path_factory.mktemp("empty")
    with pytest.raises(ModelFileError, match=r"no embedding model here \(expected model\.onnx.*model\.safetensors"):
        open_embedder(empty, "0" * 64)


def test_the_command_line_suggests_and_evaluates_with_a_local_model(sample_study_copy, tmp_path, capsys):
    from hrp_coding.cli import main

    study = sample_study_copy(replication=False)
    model = tmp_path / "model"
    _write_model(model)
    digest = file_sha256(model / "model.safetensors")
    out = tmp_path / "suggestions.csv"
    assert main(["suggest", str(study.path), "--coder", "dana", "--transcript", "P03", "--all", "--top-k", "2",
                 "--embeddings", str(model), "--embeddings-sha256", digest, "--output", str(out)]) == 0
    import pandas as pd

    table = pd.read_csv(out)
    assert len(table) > 0 and set(table["code"]) <= set(study.codebook.codes)
    assert set(table["transcript"]) == {"P03"}
    # a folder is used only with its hash, and a wrong one stops the run before any training
    capsys.readouterr()
    assert main(["suggest", str(study.path), "--coder", "dana", "--embeddings", str(model)]) == 1
    assert "give the sha256 of its weights file with --embeddings-sha256" in capsys.readouterr().err
    assert main(["evaluate", str(study.path), "--gold", "ana", "--cv", "2", "--embeddings", str(model),
                 "--embeddings-sha256", "0" * 64]) == 1
    assert "sha256 mismatch" in capsys.readouterr().err
    assert main(["suggest", str(study.path), "--coder", "dana", "--embeddings-sha256", digest]) == 1
    assert "--embeddings-sha256 given without --embeddings FOLDER" in capsys.readouterr().err
