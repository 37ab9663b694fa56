"""The real sentence-embedding model beside its float original: similarities, truncation, batching, speed.

The model is the one the benchmarks use (see ``_embedding_model``: ``HRP_EMBEDDING_MODEL`` /
``HRP_EMBEDDING_SHA256``, else all-MiniLM-L6-v2 int8 from the ``bench`` extra's data packages); without
it this says "not measured" and exits 0. It is a benchmark, not a test, because the model is not in the
``test`` extra (its tokenizer comes from a package whose declared requirements pull in torch).

Checked and printed:

- cosine similarities of a paraphrase pair and an unrelated pair, against the float model's values
  (the safetensors weights of all-MiniLM-L6-v2, mean-pooled as sentence-transformers does: 0.932 and 0.188);
- a 1,000-word text is cut to 256 word pieces (sentence-transformers' max_seq_length);
- batch and one-at-a-time encodings agree (padding inside a batch changes nothing);
- sentences per CPU second on AnnoMI-length turns (one thread).

Run: ``python benchmarks/bench_embeddings.py``
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "benchmarks"))

from _embedding_model import HOW, embedding_model  # noqa: E402

FLOAT_PARAPHRASE, FLOAT_UNRELATED = 0.932, 0.188  # the float model, pooled the sentence-transformers way
TEXTS = ["How often do you drink in a week?", "How many times a week do you have a drink?",
         "I really want to quit smoking.", "The weather is nice today.", " ".join(["word"] * 1000)]


def main() -> int:
    from hrp_coding.suggest.embeddings import SentenceEmbedder

    found = embedding_model()
    if found is None:
        print(f"embedding model: NOT measured (no local model: {HOW})")
        return 0
    folder, sha = found
    emb = SentenceEmbedder(folder, sha256=sha, threads=1)
    vecs = emb.encode(TEXTS)
    sims = vecs @ vecs.T
    checks = {
        "shape (5, 384)": vecs.shape == (5, 384),
        f"paraphrase {sims[0, 1]:.3f} within 0.01 of the float model's {FLOAT_PARAPHRASE}":
            abs(sims[0, 1] - FLOAT_PARAPHRASE) <= 0.01,
        f"unrelated {sims[0, 2]:.3f} within 0.01 of the float model's {FLOAT_UNRELATED}":
            abs(sims[0, 2] - FLOAT_UNRELATED) <= 0.01,
        "paraphrase > 0.9 and every unrelated pair < 0.2": sims[0, 1] > 0.9 and max(sims[0, 2], sims[0, 3],
                                                                                   sims[1, 3]) < 0.2,
        "1,000 words cut to 256 word pieces": len(emb._tokenizer.encode(TEXTS[4]).ids) == 256,
    }
    one_by_one = SentenceEmbedder(folder, sha256=sha, threads=1, batch_size=1).encode(TEXTS)
    gap = float(np.abs(one_by_one - vecs).max())
    checks[f"batch vs one at a time: max difference {gap:.1e} <= 1e-5"] = gap <= 1e-5
    turns = [f"{t} And then {i} more things happened that week." for i, t in enumerate(TEXTS[:4] * 100)]
    cpu = time.process_time()
    emb.encode(turns)
    cpu = time.process_time() - cpu
    print(f"model: {folder} (sha256 {sha[:12]}...)")
    for what, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    print(f"  {len(turns)} turns in {cpu:.2f} CPU s: {len(turns) / cpu:.0f} sentences per CPU second (1 thread)")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
