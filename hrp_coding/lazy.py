"""Lazy imports: package attributes that load their module on first use (PEP 562), and deferred modules.

:func:`lazy_attributes` is the one helper for every package that keeps its import cheap (``hrp_coding``,
``transcripts``, ``notebook``, ``interop``): ``import hrp_coding`` must not load spaCy, scikit-learn or
matplotlib. :func:`import_jsonschema` imports jsonschema without the cost of one of its optional format
checkers (see there); :func:`defer_module` is the general piece behind it.

Examples
--------
>>> getattr_, dir_ = lazy_attributes("demo", {"sqrt": "math"}, submodules=(), namespace={})
>>> getattr_("sqrt")(9.0)
3.0
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types
from collections.abc import Callable, Iterable, Mapping
from typing import Any

__all__ = ["defer_module", "import_jsonschema", "lazy_attributes"]

_LOADING = threading.Lock()


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


class _DeferredModule(types.ModuleType):
    """Stands in ``sys.modules`` for a module not imported yet; the first use of any attribute imports it."""

    def __getattr__(self, attribute: str):
        if attribute.startswith("__") and attribute.endswith("__"):
            raise AttributeError(attribute)  # import machinery probing (__path__, __spec__...): not a use
        return getattr(self._load(), attribute)

    def _load(self):
        with _LOADING:
            if sys.modules.get(self.__name__) is self:
                del sys.modules[self.__name__]  # so that the import below runs the real module
            return importlib.import_module(self.__name__)


def defer_module(name: str, functions: Iterable[str] = ()) -> bool:
    """Put a stand-in for module ``name`` in ``sys.modules``: the real module is imported at its first use.

    ``from name import f`` runs at once and gets, for each name in ``functions``, a function that imports
    the real module when it is first *called* and then calls the real ``f``; any other attribute imports
    the real module when it is read. Nothing happens when the module is already imported or not installed.

    Parameters
    ----------
    name : str
        A top-level module name.
    functions : iterable of str
        The module's functions that importers take by name (``from name import f``) without calling them yet.

    Returns
    -------
    bool
        True when a stand-in was installed.

    Examples
    --------
    >>> import sys
    >>> _ = sys.modules.pop("colorsys", None)  # not imported yet, for the example
    >>> defer_module("colorsys", ["rgb_to_hsv"])
    True
    >>> from colorsys import rgb_to_hsv
    >>> type(sys.modules["colorsys"]).__name__
    '_DeferredModule'
    >>> rgb_to_hsv(1.0, 0.0, 0.0), type(sys.modules["colorsys"]).__name__
    ((0.0, 1.0, 1.0), 'module')
    """
    if name in sys.modules or importlib.util.find_spec(name) is None:
        return False
    stand_in = _DeferredModule(name)

    def deferred(function: str):
        def call(*args, **kwargs):
            return getattr(stand_in._load(), function)(*args, **kwargs)

        call.__name__ = call.__qualname__ = function
        return call

    for function in functions:
        setattr(stand_in, function, deferred(function))
    sys.modules[name] = stand_in
    return True


def import_jsonschema() -> types.ModuleType:
    """``import jsonschema``, with its IRI format checker's grammar built only when an IRI is first checked.

    jsonschema imports ``rfc3987-syntax`` (pulled in by Jupyter's ``jsonschema[format-nongpl]``) for its
    "iri" format; that package builds an Earley parser at import, 1.5 s on a quiet machine and up to 6 s on
    a busy one, paid by every process that validates a codebook (python-jsonschema/jsonschema#1428). The
    module is deferred (:func:`defer_module`): "iri" checks still work, and build the parser when first
    made. Codebook validation checks no format, so it never does.

    Returns
    -------
    module
        The ``jsonschema`` module.

    Examples
    --------
    >>> jsonschema = import_jsonschema()
    >>> jsonschema.Draft202012Validator({"type": "string"}).is_valid("holding")
    True
    """
    if "jsonschema" not in sys.modules:
        defer_module("rfc3987_syntax", ["is_valid_syntax"])
    import jsonschema

    return jsonschema
