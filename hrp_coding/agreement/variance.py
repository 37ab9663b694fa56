"""Standard errors (being filled in: signatures are final)."""

from __future__ import annotations

__all__ = ["bootstrap_se"]


def bootstrap_se(func, ratings, *, n_boot=1000, seed=None, confidence=0.95, **kwargs):
    raise NotImplementedError("bootstrap_se lands in the next commit")
