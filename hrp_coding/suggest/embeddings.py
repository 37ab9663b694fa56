"""Optional sentence-embedding features from a local ONNX model folder (off by default, never downloaded).

A researcher who has a sentence-embedding model on disk (for example all-MiniLM-L6-v2 exported to ONNX,
with its ``tokenizer.json``) can add its embeddings to the suggester: a scorer on the sentence vectors
fused late beside the TF-IDF model (:mod:`~hrp_coding.suggest.fusion`). The model is loaded by path
only, and only after the sha256 of its ``.onnx`` file matches the value the user gives: a file that
differs (another model, a truncated copy, a tampered one) is refused with a
:class:`~hrp_coding.errors.ModelFileError` naming the file, and nothing of it is run. Nothing is ever
fetched from the network.

It needs the ``embeddings`` extra (``pip install 'hrp-coding[embeddings]'``: onnxruntime and
tokenizers); without it, :class:`SentenceEmbedder` says so when constructed.

The folder holds ``model.onnx`` (inputs ``input_ids`` and ``attention_mask``, optionally
``token_type_ids``; first output either token vectors ``(batch, tokens, dim)``, mean-pooled over the
attention mask, or sentence vectors ``(batch, dim)``) and ``tokenizer.json`` (a Hugging Face
``tokenizers`` file). Sentence vectors are l2-normalised.

Examples
--------
>>> isinstance(embeddings_available(), bool)
True

With a model folder and the sha256 its publisher states (not run here: no model ships with the package)::

    embedder = SentenceEmbedder("models/all-MiniLM-L6-v2", sha256="<64 hex digits>")
    embedder.encode(["How often do you drink?"]).shape      # (1, 384)
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from hrp_coding.errors import ModelFileError, SuggestError

__all__ = ["MemoisedEncoder", "SentenceEmbedder", "check_sha256", "embeddings_available",
           "file_sha256", "open_embedder", "require_model_files"]

_HEX64 = re.compile(r"^[0-9a-f]{64}$")


def embeddings_available(modules: Sequence[str] = ("onnxruntime", "tokenizers")) -> bool:
    """True when the packages an embedder needs (from the ``embeddings`` extra) are installed.

    Parameters
    ----------
    modules : sequence of str
        The modules to find: by default those of :class:`SentenceEmbedder`; ``("model2vec",)`` for
        :class:`~hrp_coding.suggest.static_embeddings.StaticEmbedder`.

    Returns
    -------
    bool

    Examples
    --------
    >>> isinstance(embeddings_available(), bool), embeddings_available(["no_such_module_here"])
    (True, False)
    """
    return all(importlib.util.find_spec(m) is not None for m in modules)


def require_model_files(folder: Path, names: Sequence[str], kind: str) -> None:
    """Refuse a model folder that lacks one of ``names``: a :class:`~hrp_coding.errors.ModelFileError` naming it.

    Parameters
    ----------
    folder : Path
    names : sequence of str
        The files the folder must hold.
    kind : str
        What the model is, for the message (``"embedding model"``).

    Raises
    ------
    ModelFileError
        For the first file missing; nothing is ever downloaded in its place.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> require_model_files(pathlib.Path(tempfile.mkdtemp()), ["model.onnx"], "embedding model")
    Traceback (most recent call last):
    hrp_coding.errors.ModelFileError: .../model.onnx: embedding model file not found (the folder must hold ...
    """
    for name in names:
        if not (folder / name).is_file():
            raise ModelFileError(f"{folder / name}: {kind} file not found (the folder must hold {', '.join(names)}; "
                                 "models are never downloaded)")


def open_embedder(folder, sha256: str):
    """The local sentence-embedding model in ``folder``, of the kind its files say, its sha256 checked.

    A folder holding ``model.onnx`` is an ONNX transformer (:class:`SentenceEmbedder`); one holding
    ``model.safetensors`` is a static Model2Vec model
    (:class:`~hrp_coding.suggest.static_embeddings.StaticEmbedder`). This is what the command line's
    ``--embeddings FOLDER --embeddings-sha256 HEX`` opens.

    Parameters
    ----------
    folder : str or Path
        The model folder (nothing is ever downloaded).
    sha256 : str
        The expected sha256 of the model's weights file (``model.onnx`` or ``model.safetensors``).

    Returns
    -------
    SentenceEmbedder or StaticEmbedder

    Raises
    ------
    ModelFileError
        A folder with neither weights file, a wrong hash, or a missing companion file.

    Examples
    --------
    >>> import tempfile
    >>> open_embedder(tempfile.mkdtemp(), "0" * 64)
    Traceback (most recent call last):
    hrp_coding.errors.ModelFileError: ...: no embedding model here (expected model.onnx, an ONNX ...
    """
    folder = Path(folder)
    if (folder / "model.onnx").is_file():
        return SentenceEmbedder(folder, sha256=sha256)
    if (folder / "model.safetensors").is_file():
        from hrp_coding.suggest.static_embeddings import StaticEmbedder

        return StaticEmbedder(folder, sha256=sha256)
    raise ModelFileError(f"{folder}: no embedding model here (expected model.onnx, an ONNX transformer, or "
                         "model.safetensors, a Model2Vec static model; models are never downloaded)")


def file_sha256(path, chunk: int = 1 << 20) -> str:
    """The sha256 of a file's bytes, read in chunks (bounded memory), as 64 lower-case hex digits.

    Parameters
    ----------
    path : str or Path
    chunk : int
        Bytes read at a time.

    Returns
    -------
    str

    Examples
    --------
    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile(delete=False) as f:
    ...     _ = f.write(b"abc")
    >>> file_sha256(f.name)[:16]
    'ba7816bf8f01cfea'
    >>> os.unlink(f.name)
    """
    h = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(chunk), b""):
            h.update(block)
    return h.hexdigest()


def check_sha256(path: Path, expected, name: str = "sha256") -> None:
    """Refuse a model file whose sha256 is not ``expected``: a :class:`~hrp_coding.errors.ModelFileError` naming it.

    Parameters
    ----------
    path : Path
        The file, read in chunks.
    expected : str
        64 hex digits (either case), as the model's publisher states them.
    name : str
        The parameter that gave ``expected``, named when it is not 64 hex digits.

    Raises
    ------
    ModelFileError
        When ``expected`` is not 64 hex digits, or the file's sha256 differs (the message gives both).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "model.bin"
    >>> _ = path.write_bytes(b"abc")
    >>> check_sha256(path, "BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD")
    >>> check_sha256(path, "0" * 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hrp_coding.errors.ModelFileError: .../model.bin: sha256 mismatch, expected 000...0 but the file has ba7816...
    """
    if not isinstance(expected, str) or not _HEX64.match(expected.lower()):
        raise ModelFileError(f"{path}: {name} must be the file's sha256 as 64 hex digits, got {expected!r}")
    found = file_sha256(path)
    if found != expected.lower():
        raise ModelFileError(f"{path}: sha256 mismatch, expected {expected.lower()} but the file has {found}; "
                             "the model was not loaded (another model, or a damaged or altered copy)")


class MemoisedEncoder:
    """What every local embedder shares: ``encode(texts)`` embeds each distinct text once, then reuses it.

    A subclass implements ``_encode_new(texts) -> ndarray (n, dim)`` (l2-normalised rows) for texts
    not seen before; cross-validation folds embed the same turns again and again.

    Examples
    --------
    >>> class Length(MemoisedEncoder):
    ...     def _encode_new(self, texts):
    ...         return np.array([[1.0, 0.0] if len(t) < 5 else [0.0, 1.0] for t in texts])
    >>> Length().encode(["Yes.", "How often?", "Yes."]).tolist()
    [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
    """

    dim: int | None = None

    def _encode_new(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """One l2-normalised vector per text, shape ``(len(texts), dim)``; each distinct text is embedded once.

        Parameters
        ----------
        texts : sequence of str

        Returns
        -------
        ndarray of float64

        Raises
        ------
        SuggestError
            For a single string instead of a sequence of texts.

        Examples
        --------
        >>> class Constant(MemoisedEncoder):
        ...     def _encode_new(self, texts):
        ...         return np.ones((len(texts), 2)) / np.sqrt(2)
        >>> embedder = Constant()
        >>> embedder.encode([]).shape, embedder.dim
        ((0, 2), 2)
        >>> embedder.encode("Yes.")  # doctest: +IGNORE_EXCEPTION_DETAIL
        Traceback (most recent call last):
        hrp_coding.errors.SuggestError: Constant.encode expects a sequence of texts, got a single string
        """
        if isinstance(texts, str):
            raise SuggestError(f"{type(self).__name__}.encode expects a sequence of texts, got a single string")
        # created on first use, so that a subclass's __init__ need not call this one's
        cache = self.__dict__.setdefault("_cache", {})
        texts = [str(t) for t in texts]
        todo = [t for t in dict.fromkeys(texts) if t not in cache]
        if todo:
            for text, vector in zip(todo, np.asarray(self._encode_new(todo), dtype=np.float64)):
                cache[text] = vector
        if self.dim is None:
            sample = next(iter(cache.values()), None)
            self.dim = int(len(sample) if sample is not None else np.asarray(self._encode_new(["."])).shape[1])
        if not texts:
            return np.zeros((0, self.dim))
        return np.vstack([cache[t] for t in texts])


class SentenceEmbedder(MemoisedEncoder):
    """Sentence embeddings from a local ONNX model folder, checked by sha256 before anything is run.

    Parameters
    ----------
    folder : str or Path
        The model folder (holding ``model_file`` and ``tokenizer_file``).
    sha256 : str
        The sha256 (64 hex digits) the user expects for ``model_file``; required. A mismatch raises
        :class:`~hrp_coding.errors.ModelFileError` naming the file, the expected and the found hash.
    model_file, tokenizer_file : str
        File names inside ``folder``.
    tokenizer_sha256 : str, optional
        When given, ``tokenizer_file`` is checked the same way.
    max_length : int
        Word pieces per text, special tokens included; longer texts are truncated (256, as
        sentence-transformers does for all-MiniLM-L6-v2).
    batch_size : int
        Texts per call of the model. Texts are batched by length, so a batch is padded only to the
        longest of similar lengths.
    threads : int or None
        onnxruntime's intra-op threads; None: ``OMP_NUM_THREADS`` when it is set, else onnxruntime's
        own choice (the machine's cores).

    Attributes
    ----------
    dim : int
        Length of one sentence vector (known after the first :meth:`encode`).
    model_path : Path

    Examples
    --------
    >>> SentenceEmbedder("/nonexistent", sha256="0" * 64)  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    hrp_coding.errors.ModelFileError: ...
    """

    def __init__(self, folder, sha256: str, *, model_file: str = "model.onnx", tokenizer_file: str = "tokenizer.json",
                 tokenizer_sha256: str | None = None, max_length: int = 256, batch_size: int = 32,
                 threads: int | None = None):
        folder = Path(folder)
        for name, value in (("max_length", max_length), ("batch_size", batch_size)):
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise SuggestError(f"SentenceEmbedder: {name} must be a positive integer, got {value!r}")
        if threads is not None and (not isinstance(threads, int) or isinstance(threads, bool) or threads < 0):
            raise SuggestError(f"SentenceEmbedder: threads must be None or an integer >= 0, got {threads!r}")
        self.model_path = folder / model_file
        self.tokenizer_path = folder / tokenizer_file
        require_model_files(folder, (model_file, tokenizer_file), "embedding model")
        check_sha256(self.model_path, sha256, "sha256")
        if tokenizer_sha256 is not None:
            check_sha256(self.tokenizer_path, tokenizer_sha256, "tokenizer_sha256")
        if not embeddings_available():
            raise SuggestError("sentence embeddings need onnxruntime and tokenizers: "
                               "pip install 'hrp-coding[embeddings]'")
        import onnxruntime
        from tokenizers import Tokenizer

        self.max_length = max_length
        self.batch_size = batch_size
        self.sha256 = sha256.lower()
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = _threads(threads)
        options.inter_op_num_threads = 1
        try:
            self._session = onnxruntime.InferenceSession(str(self.model_path), sess_options=options,
                                                         providers=["CPUExecutionProvider"])
        except Exception as err:  # onnxruntime raises its own exception types
            raise ModelFileError(f"{self.model_path}: not a loadable ONNX model ({err})") from None
        # each input's integer type as the model declares it (exports use int64, a few int32)
        self._inputs = {i.name: np.int32 if i.type == "tensor(int32)" else np.int64 for i in self._session.get_inputs()}
        missing = [n for n in ("input_ids", "attention_mask") if n not in self._inputs]
        if missing:
            raise ModelFileError(f"{self.model_path}: the model has no input(s) {missing}; it has {list(self._inputs)}")
        outputs = [o.name for o in self._session.get_outputs()]
        # a pooled sentence output when the export has one, else the token vectors (never BERT's pooler_output)
        self._output = next((n for n in ("sentence_embedding", "last_hidden_state", "token_embeddings")
                             if n in outputs), outputs[0])
        try:
            self._tokenizer = Tokenizer.from_file(str(self.tokenizer_path))
        except Exception as err:  # tokenizers raises a plain Exception on a malformed file
            raise ModelFileError(f"{self.tokenizer_path}: not a readable tokenizers file ({err})") from None
        padding = self._tokenizer.padding
        if padding is not None:
            self._pad_id = int(padding["pad_id"])
        else:
            pad = next((t for t in ("[PAD]", "<pad>") if self._tokenizer.token_to_id(t) is not None), None)
            self._pad_id = self._tokenizer.token_to_id(pad) if pad else 0
        # padding is done here per batch: a file's own (all-MiniLM-L6-v2's pads every text to 128) would waste work
        self._tokenizer.no_padding()
        self._tokenizer.enable_truncation(max_length=max_length)
        self.dim: int | None = None

    def _run(self, encodings) -> np.ndarray:
        width = max(len(e.ids) for e in encodings)
        ids = np.full((len(encodings), width), self._pad_id, dtype=np.int64)
        mask = np.zeros((len(encodings), width), dtype=np.int64)
        types = np.zeros((len(encodings), width), dtype=np.int64)
        for i, e in enumerate(encodings):
            ids[i, :len(e.ids)] = e.ids
            mask[i, :len(e.ids)] = 1
            types[i, :len(e.ids)] = e.type_ids
        arrays = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
        feeds = {name: arrays[name].astype(dtype, copy=False) for name, dtype in self._inputs.items()
                 if name in arrays}
        out = np.asarray(self._session.run([self._output], feeds)[0], dtype=np.float64)
        if out.ndim == 3:  # token vectors: mean over the real (unpadded) tokens
            m = mask[:, :, None].astype(np.float64)
            out = (out * m).sum(1) / np.maximum(m.sum(1), 1.0)
        elif out.ndim != 2:
            raise ModelFileError(f"{self.model_path}: output {self._output!r} has shape {out.shape}; expected "
                                 "(batch, tokens, dim) or (batch, dim)")
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return np.divide(out, norms, out=np.zeros_like(out), where=norms > 0)

    def _encode_new(self, texts: list[str]) -> np.ndarray:
        """Vectors of texts not embedded before, batched by length (texts of similar length padded together).

        The refusal of a file whose sha256 is not the one given (no model ships with the package, so
        only that is run here):

        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "model.onnx").write_bytes(b"not the model you expect")
        >>> _ = (folder / "tokenizer.json").write_text("{}")
        >>> SentenceEmbedder(folder, sha256="0" * 64)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        hrp_coding.errors.ModelFileError: .../model.onnx: sha256 mismatch, expected 000...0 but the file has ...

        With a real model folder (see docs/suggest.md)::

            embedder = SentenceEmbedder(folder, sha256="8199be6f...")   # all-MiniLM-L6-v2, int8 ONNX
            embedder.encode(["How often do you drink?", "It sounds hard."]).shape   # (2, 384)
        """
        encodings = self._tokenizer.encode_batch(texts)
        vectors: list = [None] * len(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))  # similar lengths together
        for start in range(0, len(order), self.batch_size):
            batch = order[start:start + self.batch_size]
            for i, vector in zip(batch, self._run([encodings[i] for i in batch])):
                vectors[i] = vector
        return np.vstack(vectors)

def _threads(threads: int | None) -> int:
    """onnxruntime's intra-op thread count: ``threads``, else ``OMP_NUM_THREADS``, else 0 (onnxruntime chooses)."""
    if threads is not None:
        return threads
    env = os.environ.get("OMP_NUM_THREADS", "").strip()
    return int(env) if env.isdigit() and int(env) > 0 else 0
