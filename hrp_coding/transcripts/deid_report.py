"""The report of a de-identification: where each replacement was made, never the original text (see
:mod:`hrp_coding.transcripts.deid`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["DeidReport"]


@dataclass(frozen=True)
class DeidReport:
    """Where a :class:`Deidentifier` replaced what, without the original text.

    Attributes
    ----------
    replacements : pandas.DataFrame
        Columns ``transcript, category, pseudonym, rule, original_start, original_end, new_start,
        new_end``; ``rule`` is ``"list"`` or the pattern's name. The original text is not in it:
        it is only in the key.
    """

    replacements: object = field(repr=False)

    def to_frame(self):
        """The replacements DataFrame (a copy).

        Returns
        -------
        pandas.DataFrame
            One row per replacement, the columns of :attr:`replacements`; offsets are character positions.

        Examples
        --------
        >>> from hrp_coding.transcripts import Deidentifier, transcript_from_text
        >>> t = transcript_from_text("I: Who helped?\\nP01: Maria from Fairview.\\n", "P01")
        >>> _, report = Deidentifier(names=["Maria"], places=["Fairview"]).apply(t)
        >>> report.to_frame()[["category", "pseudonym", "rule", "original_start", "original_end", "new_start"]]
          category   pseudonym  rule  original_start  original_end  new_start
        0   PERSON  [PERSON_1]  list              20            25         20
        1    PLACE   [PLACE_1]  list              31            39         36
        """
        return self.replacements.copy()

    def counts(self) -> dict[str, int]:
        """Replacements per category.

        Returns
        -------
        dict of str to int
            Category (``PERSON``, ``PLACE``, ``PHONE``...) -> number of replacements, sorted by category.

        Examples
        --------
        >>> from hrp_coding.transcripts import Deidentifier, transcript_from_text
        >>> texts = ["I: Who?\\nP01: Maria, maria@example.org.\\n", "I: And?\\nP02: Maria again.\\n"]
        >>> _, report = Deidentifier(names=["Maria"]).apply_many(
        ...     [transcript_from_text(text, f"P0{i}") for i, text in enumerate(texts, start=1)])
        >>> report.counts()
        {'EMAIL': 1, 'PERSON': 2}
        """
        return {str(k): int(v) for k, v in self.replacements["category"].value_counts().sort_index().items()}

    def __str__(self) -> str:
        n = len(self.replacements)
        transcripts = self.replacements["transcript"].nunique()
        parts = ", ".join(f"{k} {v}" for k, v in self.counts().items()) or "nothing found"
        return (f"De-identification: {n} replacements in {transcripts} transcripts ({parts}). "
                "Names not in the list are not found: review the text before sharing it.")

    def _repr_html_(self) -> str:
        import html

        return f"<p>{html.escape(str(self))}</p>" + self.replacements.to_html(index=False, max_rows=50)
