"""HTML rendering of a transcript with each coder's spans highlighted in the codes' colours.

Overlapping spans are handled by cutting the text at every span boundary: each piece lists every
(coder, code) covering it, shows the first code's colour as its background and the others as
underlines, and carries a tooltip naming all of them. Offsets are character offsets into the
canonical text (end exclusive).

Examples
--------
>>> html_text = render_coded_text("I just stayed with her.", [("ana", 7, 22, "staying_with")],
...                               colors={"staying_with": "#1f77b4"})
>>> "stayed with her" in html_text and "#1f77b4" in html_text
True
"""

from __future__ import annotations

import html
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["CodedTranscript", "render_coded_text"]

_FALLBACK_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1", "#ff9da7",
                    "#9c755f", "#bab0ac"]


def _tint(color: str, alpha: str = "55") -> str:
    """A translucent version of ``#rrggbb`` so the text stays readable on top of it."""
    return color + alpha if len(color) == 7 and color.startswith("#") else color


def render_coded_text(text: str, spans: Iterable[tuple[str, int, int, str]], *,
                      colors: Mapping[str, str] | None = None, start: int = 0, end: int | None = None,
                      speaker_turns: Sequence[tuple[int, int, str]] = ()) -> str:
    """HTML for ``text[start:end]`` with ``spans`` = (coder, start, end, code) highlighted.

    Parameters
    ----------
    text : str
        The canonical transcript text.
    spans : iterable of (coder, start, end, code)
        Offsets into ``text``; spans outside ``[start, end)`` are clipped.
    colors : mapping code -> "#rrggbb", optional
        The codebook colours; codes without one get a stable fallback colour.
    speaker_turns : sequence of (start, end, speaker), optional
        Turns, used only to put a line break before each speaker label.

    Returns
    -------
    str
        A ``<div>``: a legend of the codes, then the text with one ``<span>`` per stretch of equal coverage
        (first code as background, others as underlines, a title naming code and coder).

    Examples
    --------
    >>> page = render_coded_text("We sat with her.", [("ana", 3, 6, "holding")], colors={"holding": "#1f77b4"})
    >>> '<span class="hrp-coded" style="background:#1f77b455;" title="holding (ana)"' in page
    True
    """
    end = len(text) if end is None else end
    colors = dict(colors or {})
    spans = [(c, max(s, start), min(e, end), k) for c, s, e, k in spans if min(e, end) > max(s, start)]
    fallback = iter(_FALLBACK_COLORS * 10)
    for _, _, _, code in sorted(spans, key=lambda s: s[3]):
        if code not in colors:
            colors[code] = next(fallback)
    cuts = sorted({start, end, *(s for _, s, _, _ in spans), *(e for _, _, e, _ in spans)})
    pieces = []
    for left, right in itertools.pairwise(cuts):
        covering = sorted({(coder, code) for coder, s, e, code in spans if s <= left and e >= right},
                          key=lambda cc: (cc[1], cc[0]))
        piece = html.escape(text[left:right]).replace("\n", "<br>\n")
        if not covering:
            pieces.append(piece)
            continue
        first = colors[covering[0][1]]
        underlines = ", ".join(f"inset 0 -{2 * (i + 1)}px 0 {colors[code]}"
                               for i, (_, code) in enumerate(covering[1:]))
        style = f"background:{_tint(first)};" + (f"box-shadow:{underlines};" if underlines else "")
        title = html.escape("; ".join(f"{code} ({coder})" for coder, code in covering), quote=True)
        pieces.append(f'<span class="hrp-coded" style="{style}" title="{title}" data-start="{left}" '
                      f'data-end="{right}">{piece}</span>')
    legend = "".join(f'<span style="background:{_tint(colors[c])};padding:0 4px;margin-right:6px">'
                     f"{html.escape(c)}</span>" for c in sorted({k for *_, k in spans}))
    body = "".join(pieces)
    return (f'<div class="hrp-transcript" style="font-family:Georgia,serif;line-height:1.7;max-width:60em">'
            f'<div style="font-size:85%;margin-bottom:6px">{legend}</div>{body}</div>')


@dataclass(frozen=True)
class CodedTranscript:
    """A transcript with codings, displayed as highlighted text in Jupyter.

    Made by :func:`coded_transcript`; ``spans`` are (coder, start, end, code) tuples.
    """

    transcript_id: str
    text: str
    spans: tuple[tuple[str, int, int, str], ...]
    colors: Mapping[str, str]

    def _repr_html_(self) -> str:
        coders = sorted({s[0] for s in self.spans})
        head = (f"<p><b>{html.escape(self.transcript_id)}</b>: {len(self.spans)} codings by "
                f"{html.escape(', '.join(coders)) or 'nobody yet'}</p>")
        return head + render_coded_text(self.text, self.spans, colors=self.colors)

    def __str__(self) -> str:
        return f"CodedTranscript({self.transcript_id!r}, {len(self.spans)} codings)"


def coded_transcript(project, transcript_id: str, *, coders: Sequence[str] | None = None) -> CodedTranscript:
    """The transcript of a project with the chosen coders' spans, ready to display in a notebook.

    Parameters
    ----------
    project : Project
        The study.
    transcript_id : str
        The transcript shown.
    coders : sequence of str, optional
        Only these coders' codings (default: everyone's).

    Returns
    -------
    CodedTranscript
        Displayed as highlighted text by Jupyter; ``str()`` gives a one-line summary.

    Examples
    --------
    >>> from hrp_coding.datasets import tiny_study
    >>> print(coded_transcript(tiny_study(), "P01"))
    CodedTranscript('P01', 1 codings)
    """
    codings = project.codings()
    codings = codings[codings["transcript"] == transcript_id]
    if coders is not None:
        codings = codings[codings["coder"].isin(list(coders))]
    spans = tuple(zip(codings["coder"], codings["start"].astype(int), codings["end"].astype(int), codings["code"]))
    colors = {cid: code.color for cid, code in project.codebook.codes.items() if getattr(code, "color", None)}
    return CodedTranscript(transcript_id, project.transcript(transcript_id).text, spans, colors)
