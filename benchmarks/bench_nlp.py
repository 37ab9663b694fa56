"""Benchmark of the shared spaCy pipelines: how long a ColdStartSuggester fit takes, first and later.

Fits ``ColdStartSuggester(making_room codebook)`` three times in one process (no texts, then the
sample study's turns) and prints each fit's wall time. Before the pipelines were shared (issue 14)
every fit built and initialised its own lemmatizer pipeline; now only the first fit in a process
pays for loading spaCy and the lemma table.

Run: ``python benchmarks/bench_nlp.py``
"""

from __future__ import annotations

import tempfile
import time
import warnings
from pathlib import Path


def main() -> None:
    t0 = time.perf_counter()
    from hrp_coding.codebook import Codebook
    from hrp_coding.datasets import sample_study
    from hrp_coding.suggest import ColdStartSuggester

    root = Path(__file__).resolve().parents[1]
    codebook = Codebook.load(root / "codebook" / "making_room.yaml")
    with warnings.catch_warnings(), tempfile.TemporaryDirectory() as tmp:
        warnings.simplefilter("ignore")
        texts = sample_study(Path(tmp) / "study").segments("turn")["text"].tolist()
    print(f"imports + sample study: {time.perf_counter() - t0:.2f} s ({len(texts)} turns)")
    for label, fit_texts in [("fit 1 (no texts)", None), ("fit 2 (no texts)", None),
                             ("fit 3 (sample turns)", texts)]:
        t = time.perf_counter()
        ColdStartSuggester(codebook).fit(fit_texts)
        print(f"{label}: {time.perf_counter() - t:.3f} s")


if __name__ == "__main__":
    main()
