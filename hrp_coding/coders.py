"""Kinds of coder layer: people, model layers (``model:<name>``) and the team's ``consensus``.

The one rule for "is this a human coder" (suggestion training data, human ceilings, reports). This module
imports nothing from the rest of the package, so every layer may use it.

Examples
--------
>>> [is_human(c) for c in ("ana", "model:suggester", "consensus")]
[True, False, False]
>>> model_layer("suggester"), model_layer("model:suggester")
('model:suggester', 'model:suggester')
"""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["CONSENSUS", "MODEL_PREFIX", "human_coders", "is_human", "is_model", "model_layer"]

#: A model's codings are recorded as the coder ``model:<name>``.
MODEL_PREFIX = "model:"
#: The layer of adjudicated codings.
CONSENSUS = "consensus"


def is_model(coder: str) -> bool:
    """Whether ``coder`` is a model layer (``model:<name>``).

    Parameters
    ----------
    coder : str
        A coder name as the journals record it.

    Returns
    -------
    bool
        True for ``model:<name>`` only (a person called ``modeler`` is not a model).

    Examples
    --------
    >>> is_model("model:tfidf"), is_model("modeler")
    (True, False)
    """
    return str(coder).startswith(MODEL_PREFIX)


def is_human(coder: str) -> bool:
    """Whether ``coder`` is a person: neither a model layer nor ``consensus``.

    Parameters
    ----------
    coder : str
        ``ana``, ``model:tfidf``, ``consensus``...

    Returns
    -------
    bool
        False for model layers and for the adjudicated ``consensus`` layer.

    Examples
    --------
    >>> is_human("ben")
    True
    """
    return not is_model(coder) and coder != CONSENSUS


def human_coders(coders: Iterable[str]) -> list[str]:
    """The people among ``coders``, in their order.

    Parameters
    ----------
    coders : iterable of str

    Returns
    -------
    list of str

    Examples
    --------
    >>> human_coders(["ana", "model:x", "consensus", "ben"])
    ['ana', 'ben']
    """
    return [c for c in coders if is_human(c)]


def model_layer(name: str) -> str:
    """The coder name of a model's layer: ``model:<name>`` (a name already prefixed is kept).

    Parameters
    ----------
    name : str

    Returns
    -------
    str

    Examples
    --------
    >>> model_layer("tfidf")
    'model:tfidf'
    """
    return name if is_model(name) else f"{MODEL_PREFIX}{name}"
