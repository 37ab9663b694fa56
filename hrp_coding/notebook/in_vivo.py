"""In-vivo codes from the coding widget: a new code named from the participant's words, keeping the quote.

The code is added through the codebook's own evolution API (:meth:`Codebook.add`, which bumps the version and
writes a changelog entry with who, when and why) and saved with :meth:`Project.update_codebook`.
"""

from __future__ import annotations

from hrp_coding.errors import ProjectError

__all__ = ["add_in_vivo_code"]


def add_in_vivo_code(project, quote: str, *, name: str | None = None, who: str, where: str = "", parent=None):
    """Add an in-vivo code for ``quote`` to the project's codebook; returns the new Code.

    Parameters
    ----------
    project : Project
    quote : str
        The participant's words (kept as ``in_vivo_quote``).
    name : str, optional
        The code's display name (default: the quote, shortened to eight words).
    who : str
        Who added it (recorded in the changelog).
    where : str
        Where the quote comes from (transcript and offsets), for the changelog's why.
    parent : str, optional
        The parent code id.

    Returns
    -------
    Code
        The new code (its id a slug of the name, never one used before); the project's codebook is saved one
        version up with an ``add`` changelog entry.

    Examples
    --------
    >>> import tempfile, hrp_coding as hc
    >>> study = hc.datasets.sample_study(tempfile.mkdtemp() + "/s")
    >>> code = add_in_vivo_code(study, "the door stays open", who="eli", where="R01 10-29")
    >>> code.id, code.in_vivo_quote, study.codebook.changelog[-1].op
    ('the_door_stays_open', 'the door stays open', 'add')
    """
    from hrp_coding.codebook import Code
    from hrp_coding.codebook.evolve import ever_ids
    from hrp_coding.codebook.qdaxml import slug, unique

    quote = (quote or "").strip()
    if not quote:
        raise ProjectError("in-vivo code: select the participant's words first (the selection is empty)")
    name = (name or "").strip() or " ".join(quote.split()[:8])
    codebook = project.codebook
    code_id = unique(slug(name), set(ever_ids(codebook)))
    code = Code(code_id, name, parent=parent, in_vivo_quote=quote, examples=(quote,))
    evolved = codebook.add(code, who=who, why=f"in-vivo code from {where or 'a transcript'}: \"{quote}\"")
    project.update_codebook(evolved)
    return evolved.codes[code_id]
