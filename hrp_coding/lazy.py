"""Lazy attributes for package ``__init__`` modules (PEP 562): names load their module on first use.

One helper for every package that keeps its import cheap (``hrp_coding``, ``transcripts``, ``notebook``,
``interop``): ``import hrp_coding`` must not load spaCy, scikit-learn or matplotlib.

Examples
--------
>>> getattr_, dir_ = lazy_attributes("demo", {"sqrt": "math"}, submodules=(), namespace={})
>>> getattr_("sqrt")(9.0)
3.0
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["lazy_attributes"]


def lazy_attributes(package: str, names: Mapping[str, str], *, submodules: Iterable[str] = (),
                    namespace: dict[str, Any], extra: Iterable[str] = ()) -> tuple[Callable, Callable]:
    """The ``__getattr__`` and ``__dir__`` of a package whose public names load on first use.

    Parameters
    ----------
    package : str
        The package's name (``__name__``), used for submodules and in the error message.
    names : mapping
        Public name -> module that defines it.
    submodules : iterable of str
        Submodules reachable as attributes (``hrp_coding.agreement``).
    namespace : dict
        The package's ``globals()``: a loaded value is cached there, so the next access is a plain lookup.
    extra : iterable of str
        Further names to list in ``dir()`` (already defined ones, such as ``__version__``).

    Returns
    -------
    tuple of callable
        ``(__getattr__, __dir__)``; an unknown name raises ``AttributeError`` naming the package.

    Examples
    --------
    >>> getattr_, _ = lazy_attributes("demo", {}, submodules=(), namespace={})
    >>> try:
    ...     getattr_("nothing")
    ... except AttributeError as err:
    ...     print(err)
    module 'demo' has no attribute 'nothing'
    """
    names = dict(names)
    subs = set(submodules)
    listing = sorted({*names, *subs, *extra})

    def __getattr__(name: str):
        if name in names:
            value = getattr(importlib.import_module(names[name]), name)
            # importing ``pkg.segment`` binds the submodule as ``pkg.segment``, hiding a lazy name ``segment``
            # defined in it: forget the module so the name loads its value
            for other, module in names.items():
                if other not in subs and getattr(namespace.get(other), "__name__", None) == module:
                    del namespace[other]
        elif name in subs:
            value = importlib.import_module(f"{package}.{name}")
        else:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        namespace[name] = value
        return value

    def __dir__():
        return listing

    return __getattr__, __dir__
