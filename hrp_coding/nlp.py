"""The shared spaCy pipelines: one blank English pipeline per configuration, built on first use.

Segmentation (sentences), the suggesters' tokenizer and the cold start's keyword matcher all use a
blank English pipeline (rule-based tokenizer, no trained model). Building one costs about a second
(the tokenizer's special cases, the lemma table), so each configuration is built once per process
and shared. A shared pipeline is never modified after it is built; what uses it only reads it (its
vocabulary's string store grows as texts pass through, which changes no result). spaCy is imported
only when a pipeline or the lemma table is first asked for: ``import hrp_coding`` stays cheap.

Examples
--------
>>> nlp = blank_english(sentencizer=True)
>>> [s.text for s in nlp("It rained. We stayed in.").sents]
['It rained.', 'We stayed in.']
>>> blank_english(sentencizer=True) is nlp
True
"""

from __future__ import annotations

import functools
from typing import Any

__all__ = ["blank_english", "lemma_table"]


def blank_english(*, sentencizer: bool = False, lemmas: bool = False) -> Any:
    """The process's shared blank English spaCy pipeline for this configuration (built on first call).

    Treat the pipeline as read-only: add no component and change no setting on it (build your own
    with ``spacy.blank("en")`` for that).

    Parameters
    ----------
    sentencizer : bool, default False
        Add spaCy's rule-based ``sentencizer`` (``doc.sents``).
    lemmas : bool, default False
        Add a lookup ``lemmatizer`` (``token.lemma_``) over :func:`lemma_table`; needs the
        ``spacy-lookups-data`` package (the ``lemmas`` extra).

    Returns
    -------
    spacy.Language
        The same object on every call with the same configuration.

    Examples
    --------
    >>> [t.text for t in blank_english().tokenizer("I don't know.")]
    ['I', 'do', "n't", 'know', '.']
    >>> blank_english() is blank_english(sentencizer=False, lemmas=False)
    True
    >>> blank_english() is blank_english(sentencizer=True)
    False
    """
    return _build(bool(sentencizer), bool(lemmas))


@functools.cache
def _build(sentencizer: bool, lemmas: bool):
    import spacy

    nlp = spacy.blank("en")
    if sentencizer:
        nlp.add_pipe("sentencizer")
    if lemmas:
        from spacy.lookups import Lookups

        lookups = Lookups()
        lookups.set_table("lemma_lookup", lemma_table())
        # initialised with the table already loaded instead of nlp.initialize(), which would load it again
        nlp.add_pipe("lemmatizer", config={"mode": "lookup"}).initialize(lookups=lookups)
    return nlp


@functools.cache
def lemma_table() -> Any:
    """The English lookup lemma table of ``spacy-lookups-data`` (loaded once, shared).

    Returns
    -------
    spacy.lookups.Table
        Word -> lemma (a dict-like table); words not in it are their own lemma.

    Raises
    ------
    ValueError
        From spaCy when ``spacy-lookups-data`` is not installed.

    Examples
    --------
    >>> table = lemma_table()
    >>> table.get("drinking"), table.get("was"), table.get("naloxone", "naloxone")
    ('drink', 'be', 'naloxone')
    """
    from spacy.lookups import load_lookups

    return load_lookups("en", ["lemma_lookup"]).get_table("lemma_lookup")
