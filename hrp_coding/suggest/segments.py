"""Which segments of a project the suggester learns from and suggests for.

Training rows are the segments of transcripts the human coders coded, labelled with their codes; candidates
are every segment of the codebook's coded roles (``coded_roles``), each with its neighbouring turns as context.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from hrp_coding import coders as coder_kinds
from hrp_coding.errors import SuggestError
from hrp_coding.suggest.features import add_context
from hrp_coding.units import resolve_roles

__all__ = ["human_coders", "segments_to_suggest", "training_data"]


def human_coders(project) -> list[str]:
    """Coders who are people: not ``model:*`` layers, not the ``consensus`` layer.

    Parameters
    ----------
    project : Project
        The study.

    Returns
    -------
    list of str
        The human coders of the project, sorted.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> study = tiny_study()
    >>> _ = study.add_coding(coder="model:demo", transcript="P01", start=9, end=24, code="holding")
    >>> study.coders, human_coders(study)
    (('ana', 'model:demo'), ['ana'])
    """
    return coder_kinds.human_coders(project.coders)


def training_data(project, *, coders: Sequence[str] | None = None, unit: str | None = None, overlap: str = "any",
                  context: int = 2):
    """Segments of the transcripts ``coders`` coded, with the codes they applied (multi-label) and transcripts.

    Returns ``(frame, labels, groups)``: ``frame`` is the segments table with context columns
    (:func:`~hrp_coding.suggest.features.add_context`), ``labels`` one tuple of codes per row (the union
    over ``coders``; empty when none applied a code), ``groups`` the transcript of each row. Only
    transcripts that at least one of the coders coded are included.

    Parameters
    ----------
    project : Project
        The study.
    coders : sequence of str, optional
        Whose codings are the labels (default: every human coder).
    unit : str, optional
        The segmentation unit (default: the project's).
    overlap : str, default "any"
        How a coding must overlap a segment to label it (as :meth:`Project.coded_segments`).
    context : int, default 2
        How many neighbouring turns each row carries as context columns.

    Returns
    -------
    tuple of (pandas.DataFrame, list of tuple, ndarray)
        ``(frame, labels, groups)`` as described above.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> frame, labels, groups = training_data(tiny_study())
    >>> frame["segment"].tolist(), labels, groups.tolist()
    (['P01:t001', 'P01:t002'], [(), ('holding',)], ['P01', 'P01'])
    """
    coders = list(coders) if coders is not None else human_coders(project)
    segments = add_context(project.segments(unit), window=max(context, 1))
    if not coders:
        return segments.iloc[0:0], [], np.array([], dtype=object)
    coded = project.coded_segments(unit, coder=coders, overlap=overlap)
    done = set(coded["transcript"]) if len(coded) else set()
    frame = segments[segments["transcript"].isin(done)].reset_index(drop=True)
    by_segment: dict[str, set] = {}
    for seg, code in zip(coded["segment"], coded["code"]):
        by_segment.setdefault(seg, set()).add(code)
    labels = [tuple(sorted(by_segment.get(seg, ()))) for seg in frame["segment"]]
    return frame, labels, frame["transcript"].to_numpy()


def segments_to_suggest(project, model, *, unit: str | None = None, transcript=None, roles="codebook"):
    """The segments a model suggests codes for: with their context, of the wanted transcripts and coded roles.

    Context columns are built from every turn (a participant turn keeps the interviewer's question before
    it); then only segments of the codebook's ``coded_roles`` are kept, so nobody is offered a code for a turn
    the codebook says not to code.

    Parameters
    ----------
    project : Project
        The study.
    model : CodeSuggester or ColdStartSuggester
        A fitted model; its ``context`` sets how many neighbouring turns are joined.
    unit : str, optional
        Segment unit (the project's default when omitted).
    transcript : str or list of str, optional
        Only these transcripts (an unknown id raises :class:`~hrp_coding.errors.SuggestError`).
    roles : "codebook", "all" or list of str, default "codebook"
        Speaker roles kept: the codebook's ``coded_roles``, every role, or the roles named.

    Returns
    -------
    DataFrame
        The project's segments with context columns, renumbered from 0.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.suggest import ColdStartSuggester
    >>> study = tiny_study()
    >>> model = ColdStartSuggester(study.codebook).fit(study.segments("turn")["text"].tolist())
    >>> segments_to_suggest(study, model)["role"].unique().tolist()
    ['participant']
    """
    segments = add_context(project.segments(unit), window=max(getattr(model, "context", 0) or 1, 1))
    if transcript is not None:
        wanted = [transcript] if isinstance(transcript, str) else list(transcript)
        unknown = [t for t in wanted if t not in set(project.transcript_ids)]
        if unknown:
            raise SuggestError(f"unknown transcript(s) {unknown}; the project has {list(project.transcript_ids)}")
        segments = segments[segments["transcript"].isin(wanted)]
    roles = resolve_roles(roles, project.codebook)
    if roles is not None and "role" in segments.columns:
        segments = segments[segments["role"].isin([roles] if isinstance(roles, str) else list(roles))]
    return segments.reset_index(drop=True)
