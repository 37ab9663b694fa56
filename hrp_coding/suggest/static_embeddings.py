"""Optional static sentence embeddings from a local Model2Vec folder: sentence vectors at almost no cost.

A static model (Model2Vec's format: ``model.safetensors``, ``tokenizer.json``, ``config.json``; for
example potion-base-8M, distilled from bge-base-en-v1.5) stores one vector per word piece; a text's
vector is the mean of its pieces' vectors. Encoding is a table lookup: all 437 segments of the sample
study in 0.1 s CPU, where the transformer of :class:`~hrp_coding.suggest.embeddings.SentenceEmbedder`
takes 22 s. :class:`StaticEmbedder` is used wherever a ``SentenceEmbedder`` is (``embedder=`` of
:class:`~hrp_coding.suggest.NestedCodeSuggester` and of ``project_estimator``).

As for the ONNX models: loaded by path only, and only after the sha256 of ``model.safetensors``
matches the value the user gives; nothing is fetched from the network. Reading and encoding are
Model2Vec's own (``StaticModel``, with its tokenisation, unknown-piece removal, truncation and
normalisation), so vectors are exactly those its publisher measured. It needs the ``embeddings``
extra (``pip install 'hrp-coding[embeddings]'``).

Examples
--------
With a model folder and the sha256 of its ``model.safetensors`` (not run here: no model ships with
the package)::

    embedder = StaticEmbedder("models/potion-base-8M", sha256="<64 hex digits>")
    embedder.encode(["How often do you drink?"]).shape      # (1, 256)
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from hrp_coding.errors import ModelFileError, SuggestError
from hrp_coding.suggest.embeddings import MemoisedEncoder, check_sha256, embeddings_available, require_model_files

__all__ = ["StaticEmbedder"]

# what a Model2Vec folder must hold; StaticModel.from_pretrained would look for anything missing on the Hub
_FILES = ("model.safetensors", "tokenizer.json", "config.json")


class StaticEmbedder(MemoisedEncoder):
    """Static sentence embeddings from a local Model2Vec folder, checked by sha256 before it is read.

    Parameters
    ----------
    folder : str or Path
        The model folder (``model.safetensors``, ``tokenizer.json``, ``config.json``).
    sha256 : str
        The sha256 (64 hex digits) the user expects for ``model.safetensors``; required. A mismatch
        raises :class:`~hrp_coding.errors.ModelFileError` naming the file, the expected and the found
        hash, and the file is not read.
    tokenizer_sha256 : str, optional
        When given, ``tokenizer.json`` is checked the same way.

    Attributes
    ----------
    dim : int
        Length of one sentence vector.
    model_path : Path

    Examples
    --------
    >>> StaticEmbedder("/nonexistent", sha256="0" * 64)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    hrp_coding.errors.ModelFileError: /nonexistent/model.safetensors: static embedding model file not found ...
    """

    def __init__(self, folder, sha256: str, *, tokenizer_sha256: str | None = None):
        folder = Path(folder)
        self.model_path = folder / _FILES[0]
        require_model_files(folder, _FILES, "static embedding model")
        check_sha256(self.model_path, sha256, "sha256")
        if tokenizer_sha256 is not None:
            check_sha256(folder / "tokenizer.json", tokenizer_sha256, "tokenizer_sha256")
        if not embeddings_available(("model2vec",)):
            raise SuggestError("static embeddings need model2vec: pip install 'hrp-coding[embeddings]'")
        from model2vec import StaticModel

        self.sha256 = sha256.lower()
        try:
            # force_download=False: never ask the Hub, even if the library's default changes; the path is local
            self._model = StaticModel.from_pretrained(folder, force_download=False)
        except Exception as err:  # model2vec, safetensors and tokenizers raise types of their own
            raise ModelFileError(f"{folder}: not a readable Model2Vec model ({type(err).__name__}: {err})") from None
        self.dim = int(self._model.dim)

    def _encode_new(self, texts: list[str]) -> np.ndarray:
        """Model2Vec's vectors of texts not embedded before (mean of their pieces, normalised as the config says).

        Examples
        --------
        Any folder ``StaticModel.save_pretrained`` writes is a model; here a toy one of three pieces:

        >>> import tempfile
        >>> from tokenizers import Tokenizer, models, pre_tokenizers
        >>> from model2vec import StaticModel
        >>> from hrp_coding.suggest.embeddings import file_sha256
        >>> tok = Tokenizer(models.WordLevel({"[UNK]": 0, "yes": 1, "no": 2}, unk_token="[UNK]"))
        >>> tok.pre_tokenizer = pre_tokenizers.Whitespace()
        >>> folder = tempfile.mkdtemp()
        >>> StaticModel(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]), tok, normalize=True).save_pretrained(folder)
        >>> embedder = StaticEmbedder(folder, sha256=file_sha256(f"{folder}/model.safetensors"))
        >>> embedder.encode(["yes", "yes no", "maybe yes"]).round(3).tolist()
        [[1.0, 0.0], [0.707, 0.707], [1.0, 0.0]]
        """
        # one process: model2vec would fork workers above 10,000 texts
        return self._model.encode(list(texts), show_progress_bar=False, use_multiprocessing=False)
