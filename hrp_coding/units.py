"""The units a study is segmented and compared in: one list for the library and the command line.

This module imports nothing from the rest of the package, so every layer may use it.

Examples
--------
>>> SEGMENT_UNITS
('turn', 'sentence', 'paragraph')
>>> AGREEMENT_UNITS[-2:]
('character', 'unitized')
"""

from __future__ import annotations

__all__ = ["AGREEMENT_UNITS", "SEGMENT_UNITS", "resolve_roles"]

#: Segments of a transcript (:func:`hrp_coding.transcripts.segment`): speaker turns, sentences, paragraphs.
SEGMENT_UNITS = ("turn", "sentence", "paragraph")
#: What agreement can be computed on: the segments, single characters, or the coders' own spans (unitized alpha).
AGREEMENT_UNITS = (*SEGMENT_UNITS, "character", "unitized")


def resolve_roles(roles, codebook):
    """The speaker roles a call means: ``"codebook"`` is the codebook's ``coded_roles``, ``"all"`` is every role.

    The one reading of ``roles=`` for agreement units and for the segments the suggester suggests for.

    Parameters
    ----------
    roles : "codebook", "all", str or sequence of str
        As a caller gives it.
    codebook : Codebook or None
        Whose ``coded_roles`` ``"codebook"`` means.

    Returns
    -------
    tuple of str, str, sequence or None
        None for every role (``"all"``, or a codebook that names none); otherwise the roles, as given when
        the caller named them.

    Examples
    --------
    >>> from hrp_coding.codebook import Code, Codebook
    >>> cb = Codebook(name="D", version=1, codes=[Code("care", "Care")])
    >>> resolve_roles("codebook", cb), resolve_roles("all", cb), resolve_roles(["interviewer"], cb)
    (('participant',), None, ['interviewer'])
    """
    if isinstance(roles, str) and roles == "codebook":
        return tuple(getattr(codebook, "coded_roles", None) or ()) or None
    if isinstance(roles, str) and roles == "all":
        return None
    return roles
