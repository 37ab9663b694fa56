"""Saving and loading a suggester without pickle: round trip, tampering, hostile files, codebook version."""

from __future__ import annotations

import dataclasses
import io
import json
import pickle
import zipfile

import numpy as np
import pytest

from hrp_coding.errors import CodebookVersionWarning, ModelFileError
from hrp_coding.suggest import CodeSuggester, add_context, load_model, save_model
from tests._suggest_data import make_turns


@pytest.fixture(scope="module")
def model():
    texts, labels, groups = make_turns(n_transcripts=8)
    return CodeSuggester(cv=2, char_ngrams=(2, 3)).fit(texts, labels, groups=groups), texts


def test_round_trip_predicts_identically(model, tmp_path):
    m, texts = model
    path = save_model(m, tmp_path / "m.npz", codebook=("Making room", 2))
    again = load_model(path)
    np.testing.assert_allclose(again.predict_proba(texts[:50]), m.predict_proba(texts[:50]))
    assert again.predict(texts[:50]).tolist() == m.predict(texts[:50]).tolist()
    assert again.get_params() == m.get_params()
    assert {k: str(v) for k, v in again.thresholds_.items()} == {k: str(v) for k, v in m.thresholds_.items()}
    np.testing.assert_equal([dataclasses.astuple(t) for t in again.thresholds_.values()],
                            [dataclasses.astuple(t) for t in m.thresholds_.values()])  # NaN == NaN here
    assert again.evidence(texts[:2]) == m.evidence(texts[:2])
    assert again.nearest_examples(texts[:1]) == m.nearest_examples(texts[:1])
    info = again.model_info_
    assert info["codebook"] == {"name": "Making room", "version": 2}
    assert info["hrp_coding_version"] and len(info["content_sha256"]) == 64


def test_round_trip_with_context_and_roles(tmp_path):
    import pandas as pd

    texts, labels, groups = make_turns(n_transcripts=6)
    frame = add_context(pd.DataFrame({"transcript": groups, "text": texts,
                                      "role": ["interviewer", "participant"] * (len(texts) // 2)}), window=1)
    m = CodeSuggester(cv=2, context=1).fit(frame, labels)
    again = load_model(save_model(m, tmp_path / "ctx.npz"))
    np.testing.assert_allclose(again.predict_proba(frame), m.predict_proba(frame))


def _rewrite(path, out, change):
    """Copy the archive, applying change(name, bytes) -> bytes to each member."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, change(info.filename, src.read(info.filename)))
    return out


def test_tampered_weights_raise(model, tmp_path):
    m, _ = model
    path = save_model(m, tmp_path / "m.npz")

    def flip(name, data):
        if name == "coef.npy":
            arr = np.load(io.BytesIO(data))
            arr[0, 0] += 1.0
            buf = io.BytesIO()
            np.save(buf, arr)
            return buf.getvalue()
        return data

    bad = _rewrite(path, tmp_path / "bad.npz", flip)
    with pytest.raises(ModelFileError, match="content hash does not match"):
        load_model(bad)


def test_tampered_metadata_raise(model, tmp_path):
    m, _ = model
    path = save_model(m, tmp_path / "m.npz")

    def edit(name, data):
        if name == "meta.npy":
            arr = np.load(io.BytesIO(data))
            meta = json.loads(arr.tobytes().decode())
            meta["classes"][0] = "holding"
            buf = io.BytesIO()
            np.save(buf, np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8))
            return buf.getvalue()
        return data

    with pytest.raises(ModelFileError, match="content hash"):
        load_model(_rewrite(path, tmp_path / "bad.npz", edit))


class _Boom:
    """Unpickling this would create a file: the proof that code ran."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (open, (self.marker, "w"))


def test_pickle_payload_is_never_executed(model, tmp_path):
    m, _ = model
    path = save_model(m, tmp_path / "m.npz")
    marker = tmp_path / "EXECUTED"
    evil = np.empty(1, dtype=object)
    evil[0] = _Boom(str(marker))

    def swap(name, data):
        if name == "coef.npy":
            buf = io.BytesIO()
            np.save(buf, evil, allow_pickle=True)
            return buf.getvalue()
        return data

    bad = _rewrite(path, tmp_path / "evil.npz", swap)
    with pytest.raises(ModelFileError, match="nothing was executed"):
        load_model(bad)
    assert not marker.exists()
    # a plain pickle file pretending to be a model
    (tmp_path / "pickled.npz").write_bytes(pickle.dumps(_Boom(str(marker))))
    with pytest.raises(ModelFileError, match="not a zip"):
        load_model(tmp_path / "pickled.npz")
    assert not marker.exists()


def test_malformed_files(model, tmp_path):
    m, _ = model
    path = save_model(m, tmp_path / "m.npz")
    (tmp_path / "empty.npz").write_bytes(b"")
    with pytest.raises(ModelFileError):
        load_model(tmp_path / "empty.npz")
    with pytest.raises(ModelFileError, match="no such model file"):
        load_model(tmp_path / "absent.npz")
    extra = _rewrite(path, tmp_path / "extra.npz", lambda n, d: d)
    with zipfile.ZipFile(extra, "a") as z:
        z.writestr("../evil.npy", b"x")
    with pytest.raises(ModelFileError, match="unexpected entries"):
        load_model(extra)
    with pytest.raises(ModelFileError, match="not fitted"):
        save_model(CodeSuggester(), tmp_path / "x.npz")


def test_codebook_version_mismatch_warns(model, tmp_path):
    from hrp_coding.codebook import Code, Codebook

    m, _ = model
    path = save_model(m, tmp_path / "m.npz", codebook=("Demo", 1))
    with pytest.warns(CodebookVersionWarning, match=r"version 1.*version 2"):
        load_model(path, codebook=("Demo", 2))
    cb = Codebook(name="Demo", version=1, codes=[Code("question", "Q"), Code("reflection", "R")])
    with pytest.warns(CodebookVersionWarning, match="information"):
        load_model(path, codebook=cb)
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_model(path, codebook=("Demo", 1))  # same codebook: silent


def test_round_trip_with_codebook_prior(tmp_path):
    """A model that blends in the codebook stores its fingerprint; loading needs that same codebook."""
    from hrp_coding.codebook import Code, Codebook

    cb = Codebook(name="Demo", version=1, codes=[
        Code("question", "Question", definition="The speaker asks something.", examples=("How often do you use?",)),
        Code("reflection", "Reflection", definition="The speaker mirrors feelings back.",
             examples=("It sounds like you are tired.",), near_misses=("Are you tired?",)),
        Code("information", "Information", definition="Facts the clinic gives.", examples=("We can provide it.",))])
    texts, labels, groups = make_turns(n_transcripts=6)
    m = CodeSuggester(cv=2, char_ngrams=None, codebook=cb).fit(texts, labels, groups=groups)
    path = save_model(m, tmp_path / "m.npz")
    with pytest.raises(ModelFileError, match="load it with load_model"):
        load_model(path)
    again = load_model(path, codebook=cb)
    np.testing.assert_allclose(again.predict_proba(texts[:30]), m.predict_proba(texts[:30]))
    assert again.prior_weight_ == m.prior_weight_ and again.codebook is cb
    changed = cb.codes["information"]
    other = Codebook(name="Demo", version=1, codes=[cb.codes["question"], cb.codes["reflection"],
                                                    Code("information", "Information", definition=changed.definition,
                                                         examples=("Research shows it works.",))])
    with pytest.raises(ModelFileError, match="differs from the one the model was trained with"):
        load_model(path, codebook=other)
