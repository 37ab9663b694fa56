"""Save and load a fitted CodeSuggester without pickle: one ``.npz`` file holding JSON metadata and numeric arrays.

The file is a NumPy ``.npz`` archive (a zip): the entry ``meta`` is UTF-8 JSON (parameters,
vocabularies, code ids, thresholds, the codebook name and version the model was trained on, the
hrp-coding and scikit-learn versions, and a SHA-256 content hash); every other entry is a plain
numeric array (weights, idf). Loading reads it with ``allow_pickle=False`` and rebuilds the model from
data only: no object is unpickled, no code in the file can run. Any deviation (not a zip, unknown
entries, object arrays, wrong shapes, unknown parameters, a content hash that does not match)
raises :class:`~hrp_coding.errors.ModelFileError`. The hash detects accidental corruption and naive
edits; it is not a signature (whoever can write the file can recompute it), which is why safety
rests on the format itself.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.suggest import CodeSuggester
>>> model = CodeSuggester(cv=2, char_ngrams=None).fit(["why?", "how?", "you feel sad", "you are tired"] * 3,
...                                                  ["q", "q", "r", "r"] * 3)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "model.npz"
>>> _ = save_model(model, path, codebook=("Demo", 3))
>>> again = load_model(path)
>>> again.predict(["what?", "you seem sad"]).tolist()
['q', 'r']
>>> again.model_info_["codebook"]
{'name': 'Demo', 'version': 3}
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import hashlib
import io
import json
import os
import warnings
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from hrp_coding._atomic import atomic_write_bytes
from hrp_coding.errors import CodebookVersionWarning, ModelFileError

__all__ = ["FORMAT", "FORMAT_VERSION", "load_model", "save_model"]

FORMAT = "hrp-coding/code-suggester"
FORMAT_VERSION = 1
_MAX_UNCOMPRESSED = 2 * 1024**3  # refuse zip bombs: 2 GiB of arrays is far above any real model
_FLOAT_ARRAYS = ("coef", "intercept", "calibration", "bias", "decision_threshold")
_ALLOWED_DTYPES = {"<f8", "<f4", "<i8", "<i4", "|u1"}


def _codebook_info(codebook) -> dict | None:
    if codebook is None:
        return None
    if isinstance(codebook, tuple) and len(codebook) == 2:
        name, version = codebook
    else:
        name, version = getattr(codebook, "name", None), getattr(codebook, "version", None)
    if not isinstance(version, int) or isinstance(version, bool):
        raise ModelFileError(f"codebook version must be an integer, got {version!r}")
    return {"name": None if name is None else str(name), "version": version}


def codebook_fingerprint(codebook) -> str:
    """SHA-256 of what the codebook prior is built from (every code's rows and keywords), order-independent.

    Parameters
    ----------
    codebook : Codebook
        The codebook a model was trained with, or the study's codebook now.

    Returns
    -------
    str
        The hex digest; a saved model whose fingerprint differs was trained on another codebook.

    Examples
    --------
    >>> from hrp_coding.codebook import Codebook, Code
    >>> len(codebook_fingerprint(Codebook(name="D", version=1, codes=[Code("a", "A", definition="x")])))
    64
    """
    from hrp_coding.suggest.coldstart import codebook_rows, suggestable_codes

    keywords = {cid: sorted(getattr(c, "keywords", ()) or ()) for cid, c in suggestable_codes(codebook).items()}
    body = json.dumps({"rows": sorted(codebook_rows(codebook)), "keywords": keywords}, sort_keys=True,
                      ensure_ascii=False)
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def _jsonable(value):
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return float(value)
    return value


def _content_hash(meta: dict, arrays: dict[str, np.ndarray]) -> str:
    h = hashlib.sha256()
    body = {k: v for k, v in meta.items() if k != "content_sha256"}
    h.update(json.dumps(body, sort_keys=True, ensure_ascii=False, allow_nan=True).encode("utf-8"))
    for name in sorted(arrays):
        a = np.ascontiguousarray(arrays[name])
        h.update(f"\0{name}\0{a.dtype.str}\0{a.shape}\0".encode())
        h.update(a.tobytes())
    return h.hexdigest()


def save_model(model, path: str | os.PathLike, *, codebook=None) -> Path:
    """Write a fitted :class:`~hrp_coding.suggest.CodeSuggester` to ``path`` (an ``.npz`` file), atomically.

    Parameters
    ----------
    model : CodeSuggester
        A fitted model.
    path : path
    codebook : Codebook or (name, version), optional
        The codebook the model was trained on; recorded so that loading can warn on a mismatch.

    Returns
    -------
    Path
        The file written.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.suggest.estimator import _example_model
    >>> path = save_model(_example_model(), pathlib.Path(tempfile.mkdtemp()) / "model.npz", codebook=("D", 1))
    >>> path.suffix, path.stat().st_size > 0
    ('.npz', True)
    """
    import sklearn

    from hrp_coding import __version__
    from hrp_coding.suggest.estimator import CodeSuggester

    if not isinstance(model, CodeSuggester):
        raise ModelFileError(f"save_model saves a CodeSuggester, got {type(model).__name__}")
    if not hasattr(model, "coef_"):
        raise ModelFileError("save_model: the model is not fitted yet; call fit first")
    if getattr(model, "embedder", None) is not None:
        raise ModelFileError(f"save_model: this {type(model).__name__} uses sentence embeddings from a "
                             "local model (embedder=...), which is not saved (it would hold the loaded model); "
                             "refit it from the project instead")
    feat = model.featurizer_
    arrays: dict[str, np.ndarray] = {
        "coef": np.asarray(model.coef_, dtype=np.float64),
        "intercept": np.asarray(model.intercept_, dtype=np.float64),
        "calibration": np.asarray(model.calibration_, dtype=np.float64),
        "bias": np.asarray(model.bias_, dtype=np.float64),
        "decision_threshold": np.asarray(model.decision_threshold_, dtype=np.float64),
    }
    prior = None
    if getattr(model, "prior_", None) is not None:
        arrays["sup_calibration"] = np.asarray(model.sup_calibration_, dtype=np.float64)
        terms, prior_idf = model.prior_.idf_state()
        arrays["prior_idf"] = prior_idf
        prior = {"weight": float(model.prior_weight_), "codebook_sha256": codebook_fingerprint(model.codebook),
                 "lemmas": bool(model.prior_.lemmas_), "vocabulary": terms}
        if codebook is None:
            codebook = model.codebook
    blocks = []
    for i, (prefix, column, weight, block) in enumerate(feat.blocks):
        arrays[f"idf_{i}"] = np.asarray(block.idf, dtype=np.float64)
        blocks.append({"prefix": prefix, "column": column, "weight": float(weight), "kind": block.kind,
                       "ngram_range": list(block.ngram_range), "min_df": int(block.min_df),
                       "vocabulary": list(block.vocabulary)})
    thresholds = [dataclasses.asdict(t) for t in model.thresholds_.values()]
    meta = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "hrp_coding_version": __version__,
        "sklearn_version": sklearn.__version__,
        "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "codebook": _codebook_info(codebook),
        "params": {k: _jsonable(v) for k, v in model.get_params().items() if k != "codebook"},
        "prior": prior,
        "classes": [str(c) for c in model.classes_],
        "multilabel": bool(model.multilabel_),
        "lemmas": bool(model.lemmas_),
        "calibrated": bool(model.calibrated_),
        "featurizer": {"context": feat.context, "use_role": feat.use_role, "use_shape": feat.use_shape},
        "blocks": blocks,
        "thresholds": thresholds,
        "examples": None if model.examples_text_ is None else {
            "text": list(model.examples_text_), "labels": [list(x) for x in model.examples_labels_]},
    }
    meta["content_sha256"] = _content_hash(meta, arrays)
    payload = json.dumps(meta, ensure_ascii=False, allow_nan=True).encode("utf-8")
    buffer = io.BytesIO()
    np.savez_compressed(buffer, meta=np.frombuffer(payload, dtype=np.uint8), **arrays)
    path = Path(path)
    atomic_write_bytes(path, buffer.getvalue())
    return path


def _fail(path, message) -> ModelFileError:
    return ModelFileError(f"{path}: {message}; nothing was executed")


def _read(path: Path) -> tuple[dict, dict[str, np.ndarray]]:
    from hrp_coding.limits import MAX_MODEL_BYTES, check_file_size

    check_file_size(path, MAX_MODEL_BYTES, what="model file", error=ModelFileError, setting="MAX_MODEL_BYTES")
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError) as err:
        raise _fail(path, f"not a saved hrp-coding model (not a zip/npz archive: {err})") from None
    names = [i.filename for i in infos]
    if sum(i.file_size for i in infos) > _MAX_UNCOMPRESSED:
        raise _fail(path, "archive expands to more than 2 GiB; refusing to read it")
    bad = [n for n in names if not n.endswith(".npy") or "/" in n or "\\" in n or n.startswith(".")]
    if bad:
        raise _fail(path, f"unexpected entries {bad[:5]}")
    if "meta.npy" not in names:
        raise _fail(path, "no 'meta' entry: not a saved hrp-coding model")
    try:  # what each .npy header declares, before numpy allocates it
        with zipfile.ZipFile(path) as archive:
            declared = {i.filename: _declared_nbytes(archive, i) for i in infos}
    except (zipfile.BadZipFile, OSError, ValueError) as err:
        raise _fail(path, f"unreadable array header ({err})") from None
    oversized = [n for n, (nbytes, size) in declared.items() if nbytes > size]
    if oversized:
        raise _fail(path, f"array {oversized[0]!r} declares more data than its entry holds; refusing to allocate it")
    arrays: dict[str, np.ndarray] = {}
    try:
        with np.load(path, allow_pickle=False) as npz:
            for name in npz.files:
                arrays[name] = npz[name]
    except ValueError as err:  # object arrays need pickle: refused
        raise _fail(path, f"contains data that would need unpickling ({err})") from None
    except Exception as err:
        raise _fail(path, f"unreadable array data ({type(err).__name__}: {err})") from None
    for name, a in arrays.items():
        if a.dtype.str not in _ALLOWED_DTYPES:
            raise _fail(path, f"array {name!r} has dtype {a.dtype.str}, not a plain number type")
    raw = arrays.pop("meta")
    if raw.ndim != 1 or raw.dtype != np.uint8:
        raise _fail(path, "the 'meta' entry is not JSON bytes")
    try:
        meta = json.loads(raw.tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise _fail(path, f"metadata is not valid JSON ({err})") from None
    if not isinstance(meta, dict):
        raise _fail(path, "metadata is not a JSON object")
    return meta, arrays


def _declared_nbytes(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> tuple[int, int]:
    """(bytes the .npy header declares, bytes the entry holds), read from the header only: nothing allocated."""
    from numpy.lib import format as npy

    with archive.open(info) as handle:
        version = npy.read_magic(handle)
        if version not in ((1, 0), (2, 0)):
            raise ValueError(f"unsupported .npy format version {version}")
        read_header = npy.read_array_header_1_0 if version == (1, 0) else npy.read_array_header_2_0
        shape, _fortran, dtype = read_header(handle, max_header_size=10_000)
    return int(np.prod(shape, dtype=np.int64)) * dtype.itemsize, info.file_size


def _require(path, cond: bool, message: str) -> None:
    if not cond:
        raise _fail(path, message)


def load_model(path: str | os.PathLike, *, codebook=None):
    """Load a model written by :func:`save_model`; never executes anything from the file.

    Parameters
    ----------
    path : path
    codebook : Codebook or (name, version), optional
        The codebook in use: a :class:`~hrp_coding.errors.CodebookVersionWarning` is issued when it
        differs (name or version) from the one the model was trained on, or lacks codes the model knows.

    Returns
    -------
    CodeSuggester
        Fitted, with ``model_info_`` (codebook, versions, save time, content hash).

    Raises
    ------
    ModelFileError
        The file is not a model saved by hrp-coding, is of an unknown format version, or was modified.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.suggest.estimator import _example_model
    >>> model = _example_model()
    >>> saved = save_model(model, pathlib.Path(tempfile.mkdtemp()) / "model.npz")
    >>> again = load_model(saved)
    >>> again.predict(["the rent is due"]).tolist() == model.predict(["the rent is due"]).tolist()
    True
    >>> _ = saved.write_bytes(saved.read_bytes()[:-10])   # a damaged file is refused, never half read
    >>> load_model(saved)
    Traceback (most recent call last):
    ...
    hrp_coding.errors.ModelFileError: ...
    """
    from hrp_coding.suggest.estimator import CodeSuggester
    from hrp_coding.suggest.features import TextFeaturizer, TfidfBlock
    from hrp_coding.suggest.thresholds import CodeThreshold

    path = Path(path)
    if not path.is_file():
        raise ModelFileError(f"{path}: no such model file")
    meta, arrays = _read(path)
    _require(path, meta.get("format") == FORMAT, f"format is {meta.get('format')!r}, expected {FORMAT!r}")
    _require(path, meta.get("format_version") == FORMAT_VERSION,
             f"format version {meta.get('format_version')!r} is not supported (this hrp-coding reads "
             f"{FORMAT_VERSION})")
    expected = meta.get("content_sha256")
    actual = _content_hash(meta, arrays)
    _require(path, isinstance(expected, str) and expected == actual,
             "content hash does not match (the file was modified or corrupted)")

    # parameters: only known names, rebuilt through the constructor (it only stores them)
    params = meta.get("params")
    known = set(CodeSuggester().get_params())
    _require(path, isinstance(params, dict) and set(params) <= known,
             f"unknown parameters {sorted(set(params or {}) - known)}")
    for key in ("word_ngrams", "char_ngrams", "context_weights"):
        if isinstance(params.get(key), list):
            params[key] = tuple(params[key])
    model = CodeSuggester(**params)
    try:
        model._validate_params()
    except Exception as err:
        raise _fail(path, f"invalid parameters ({err})") from None

    classes = meta.get("classes")
    _require(path, isinstance(classes, list) and classes and all(isinstance(c, str) for c in classes),
             "classes must be a non-empty list of code ids")
    K = len(classes)
    blocks_meta = meta.get("blocks")
    _require(path, isinstance(blocks_meta, list) and blocks_meta, "no feature blocks")
    blocks = []
    for i, b in enumerate(blocks_meta):
        _require(path, isinstance(b, dict) and b.get("kind") in ("word", "char_wb"), f"block {i}: bad kind")
        _require(path, isinstance(b.get("prefix"), str) and isinstance(b.get("column"), str),
                 f"block {i}: bad prefix/column")
        vocab = b.get("vocabulary")
        _require(path, isinstance(vocab, list) and all(isinstance(t, str) for t in vocab),
                 f"block {i}: vocabulary must be a list of strings")
        ngram = b.get("ngram_range")
        _require(path, isinstance(ngram, list) and len(ngram) == 2 and all(isinstance(n, int) for n in ngram),
                 f"block {i}: bad ngram_range")
        idf = arrays.pop(f"idf_{i}", None)
        _require(path, idf is not None and idf.shape == (len(vocab),), f"block {i}: idf missing or wrong length")
        weight = b.get("weight")
        _require(path, isinstance(weight, (int, float)), f"block {i}: bad weight")
        blocks.append((b["prefix"], b["column"], float(weight),
                       TfidfBlock.from_state(b["kind"], ngram, int(b.get("min_df", 1)), vocab, idf)))
    n_features = sum(len(b[3].vocabulary) for b in blocks)
    shapes = {"coef": (K, n_features), "intercept": (K,), "calibration": (K, 2), "bias": (K,),
              "decision_threshold": (K,)}
    prior = meta.get("prior")
    model.prior_, model.prior_weight_, model.sup_calibration_ = None, 0.0, np.tile([1.0, 0.0], (K, 1))
    if prior is not None:
        from hrp_coding.codebook import Codebook
        from hrp_coding.suggest.coldstart import ColdStartSuggester

        _require(path, isinstance(prior, dict) and isinstance(prior.get("weight"), (int, float))
                 and 0 <= prior["weight"] <= 1 and isinstance(prior.get("codebook_sha256"), str), "bad prior entry")
        if not isinstance(codebook, Codebook):
            raise ModelFileError(f"{path}: the model blends in the codebook it was trained with; load it with "
                                 "load_model(path, codebook=<that Codebook>)")
        if codebook_fingerprint(codebook) != prior["codebook_sha256"]:
            raise ModelFileError(f"{path}: the codebook given differs from the one the model was trained with "
                                 "(definitions, examples, near misses or keywords changed); retrain the model")
        model.codebook = codebook
        terms, prior_idf = prior.get("vocabulary"), arrays.pop("prior_idf", None)
        _require(path, isinstance(terms, list) and all(isinstance(t, str) for t in terms) and prior_idf is not None
                 and prior_idf.shape == (len(terms),) and prior_idf.dtype.kind == "f", "prior: bad vocabulary or idf")
        model.prior_ = ColdStartSuggester(codebook, lemmas=bool(prior.get("lemmas"))).fit(vocabulary=terms,
                                                                                          idf=prior_idf)
        model.prior_weight_ = float(prior["weight"])
        shapes["sup_calibration"] = (K, 2)
    for name, shape in shapes.items():
        a = arrays.pop(name, None)
        _require(path, a is not None and a.shape == shape and a.dtype.kind == "f",
                 f"array {name!r} missing or not of shape {shape}")
        setattr(model, f"{name}_", a.astype(np.float64))  # sup_calibration -> sup_calibration_
    _require(path, not arrays, f"unexpected arrays {sorted(arrays)[:5]}")

    fmeta = meta.get("featurizer") or {}
    lemmas = bool(meta.get("lemmas"))
    featurizer = TextFeaturizer(word_ngrams=model.word_ngrams, char_ngrams=model.char_ngrams,
                                char_min_df=model.char_min_df, context=int(fmeta.get("context", model.context)),
                                context_weights=model.context_weights, use_role=bool(fmeta.get("use_role", True)),
                                use_shape=bool(fmeta.get("use_shape", True)), lemmas=lemmas)
    featurizer.blocks = blocks
    model.featurizer_ = featurizer
    model.classes_ = np.array(classes, dtype=object)
    model.multilabel_ = bool(meta.get("multilabel"))
    model.lemmas_ = lemmas
    model.calibrated_ = bool(meta.get("calibrated"))
    thresholds = {}
    for t in meta.get("thresholds") or []:
        _require(path, isinstance(t, dict) and t.get("code") in classes, "bad threshold entry")
        thr = t.get("threshold")
        _require(path, thr is None or isinstance(thr, (int, float)), f"bad threshold for {t.get('code')!r}")
        nan = float("nan")
        thresholds[t["code"]] = CodeThreshold(
            t["code"], thr, float(t.get("precision", nan)), float(t.get("coverage", 0.0)), int(t.get("n_selected", 0)),
            int(t.get("support", 0)), float(t.get("target_precision", 0.9)),
            *(float(t.get(k, nan)) for k in ("precision_low", "precision_high", "coverage_low", "coverage_high")),
            float(t.get("confidence", 0.95)))
    _require(path, set(thresholds) == set(classes), "thresholds do not cover every code")
    model.thresholds_ = thresholds
    examples = meta.get("examples")
    if examples is None:
        model.examples_text_ = model.examples_labels_ = None
    else:
        _require(path, isinstance(examples, dict) and isinstance(examples.get("text"), list)
                 and isinstance(examples.get("labels"), list) and len(examples["text"]) == len(examples["labels"]),
                 "bad examples")
        model.examples_text_ = [str(t) for t in examples["text"]]
        model.examples_labels_ = [tuple(str(c) for c in labels) for labels in examples["labels"]]
    model._example_matrix = None
    model.model_info_ = {k: meta.get(k) for k in ("codebook", "hrp_coding_version", "sklearn_version", "saved_at",
                                                  "content_sha256")}
    if codebook is not None:
        _check_codebook(path, meta.get("codebook"), codebook, classes)
    return model


def _check_codebook(path, saved: dict | None, codebook: Any, classes: list[str]) -> None:
    current = _codebook_info(codebook)
    if saved is None:
        warnings.warn(f"{path}: the model does not record which codebook it was trained on; cannot check it "
                      f"against codebook {current['name']!r} version {current['version']}",
                      CodebookVersionWarning, stacklevel=3)
        return
    if (saved.get("name"), saved.get("version")) != (current["name"], current["version"]):
        warnings.warn(f"{path}: the model was trained on codebook {saved.get('name')!r} version "
                      f"{saved.get('version')}, but codebook {current['name']!r} version {current['version']} is in "
                      "use; retrain it, or check the changelog for codes that changed meaning",
                      CodebookVersionWarning, stacklevel=3)
    codes = getattr(codebook, "codes", None)
    if codes is not None:
        missing = [c for c in classes if c not in codes]
        if missing:
            warnings.warn(f"{path}: the model suggests codes the codebook does not have: {missing}",
                          CodebookVersionWarning, stacklevel=3)
