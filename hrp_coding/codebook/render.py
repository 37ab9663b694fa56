"""Rendering a codebook for people: Markdown, a self-contained printable HTML document for coder training, and
the compact ``_repr_html_`` shown in Jupyter.

Every text taken from the codebook is escaped; the HTML needs no network (no fonts, scripts or images).

Examples
--------
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=2, codes=[Code("care", "Care", short_definition="Looking after <someone>")])
>>> print(to_markdown(cb).splitlines()[0])
# Demo (version 2)
>>> "Looking after &lt;someone&gt;" in to_html(cb)
True
"""

from __future__ import annotations

import html

from hrp_coding.codebook.model import Code, Codebook

__all__ = ["code_to_html", "repr_html", "text_color", "to_html", "to_markdown"]


def text_color(background: str) -> str:
    """Black or white, whichever reads better on ``background`` (WCAG relative luminance).

    The one rule for label text on a code's colour: the codebook's HTML, the coding widget and the
    adjudication view all use it.

    Parameters
    ----------
    background : str
        ``#rrggbb`` (anything else reads as black text).

    Returns
    -------
    str
        ``"#000000"`` or ``"#ffffff"``.

    Examples
    --------
    >>> text_color("#f3c300"), text_color("#1a3d6d"), text_color("not a colour")
    ('#000000', '#ffffff', '#000000')
    """
    try:
        rgb = [int(background[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    except (ValueError, TypeError):
        return "#000000"
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]  # sRGB's linearisation
    luminance = 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    # contrast with white: 1.05 / (L + 0.05); with black: (L + 0.05) / 0.05
    return "#000000" if (luminance + 0.05) / 0.05 >= 1.05 / (luminance + 0.05) else "#ffffff"


def _numbers(cb: Codebook) -> dict[str, str]:
    numbers: dict[str, str] = {}

    def visit(parent: str | None, prefix: str) -> None:
        for i, child in enumerate(cb.children(parent), start=1):
            numbers[child] = f"{prefix}{i}"
            visit(child, f"{prefix}{i}.")

    visit(None, "")
    return numbers


_LABELS = (
    ("short_definition", "Short definition"),
    ("definition", "Definition"),
    ("when_to_use", "When to use"),
    ("when_not_to_use", "When not to use"),
)


def _md_quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines())


def to_markdown(cb: Codebook) -> str:
    """The codebook as Markdown: header, contents (the hierarchy), one section per code, changelog.

    Parameters
    ----------
    cb : Codebook
        Retired codes are listed and marked, not left out.

    Returns
    -------
    str
        Codes numbered by their place in the hierarchy (``1``, ``1.1``...), each with its id.

    Examples
    --------
    >>> text = to_markdown(Codebook(name="Demo", version=1, codes=[Code("care", "Care"),
    ...                                                            Code("holding", "Holding", parent="care")]))
    >>> [line for line in text.splitlines() if line.lstrip().startswith("- ")]
    ['- 1 Care (`care`)', '  - 1.1 Holding (`holding`)']
    """
    numbers = _numbers(cb)
    out = [f"# {cb.name} (version {cb.version})", ""]
    if cb.description:
        out += [cb.description, ""]
    if cb.citation:
        out += [f"*Source:* {cb.citation}", ""]
    out += ["## Contents", ""]
    for code_id in cb.walk():
        code = cb.codes[code_id]
        retired = " *(retired)*" if code.status == "retired" else ""
        out.append(f"{'  ' * cb.depth(code_id)}- {numbers[code_id]} {code.name} (`{code_id}`){retired}")
    out += ["", "## Codes", ""]
    for code_id in cb.walk():
        code = cb.codes[code_id]
        level = "#" * min(3 + cb.depth(code_id), 6)
        title = f"{level} {numbers[code_id]} {code.name} (`{code_id}`)"
        if code.status == "retired":
            title += " (retired)"
        out += [title, ""]
        meta = [f"colour `{code.color}`"]
        if code.parent:
            meta.insert(0, f"under `{code.parent}`")
        if not code.codable:
            meta.append("grouping code (not applied directly)")
        out += ["*" + "; ".join(meta) + "*", ""]
        if code.in_vivo_quote:
            out += [f"**In vivo:** \u201c{code.in_vivo_quote}\u201d", ""]
        for name, label in _LABELS:
            value = getattr(code, name)
            if value:
                out += [f"**{label}.** {value}", ""]
        if code.examples:
            out += ["**Typical examples**", ""]
            for example in code.examples:
                out += [_md_quote(example), ""]
        if code.near_misses:
            out += ["**Close, but not this code**", ""]
            for example in code.near_misses:
                out += [_md_quote(example), ""]
        if code.keywords:
            out += ["**Keywords:** " + ", ".join(code.keywords), ""]
        if code.memo:
            out += [f"**Memo.** {code.memo}", ""]
    if cb.sets:
        out += ["## Code sets", ""]
        for s in cb.sets:
            out.append(f"- **{s.name}** (`{s.id}`): " + ", ".join(f"`{m}`" for m in s.members)
                       + (f". {s.description}" if s.description else ""))
        out.append("")
    if cb.changelog:
        out += ["## Changelog", "", "| version | change | who | when | why |", "|---|---|---|---|---|"]
        for e in cb.changelog:
            cells = [str(e.version), f"{e.op}: {e.what}", e.who, e.when, e.why]
            out.append("| " + " | ".join(c.replace("|", "\\|").replace("\n", " ") for c in cells) + " |")
        out.append("")
    return "\n".join(out)


_CSS = """
body { font-family: Georgia, 'Times New Roman', serif; max-width: 52em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #111; }
h1 { font-size: 1.7em; margin-bottom: .2em; } h2 { border-bottom: 1px solid #999; margin-top: 2em; }
.meta { color: #444; font-size: .92em; }
.toc ul { list-style: none; padding-left: 1.2em; } .toc > ul { padding-left: 0; }
.code { border: 1px solid #bbb; border-left: 10px solid var(--c); border-radius: 4px; padding: .6em 1em;
        margin: 1.2em 0; page-break-inside: avoid; break-inside: avoid; }
.code h3 { margin: .1em 0 .4em 0; } .code .id { font-family: monospace; font-size: .85em; color: #333; }
.swatch { display: inline-block; min-width: 1.1em; padding: 0 .35em; border-radius: 3px; font-size: .8em;
          font-family: monospace; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
dl { margin: .3em 0; } dt { font-weight: bold; margin-top: .5em; } dd { margin: .1em 0 .2em 1.2em; }
blockquote { margin: .3em 0 .3em 1em; padding-left: .8em; border-left: 3px solid #8a8; font-style: italic; }
blockquote.miss { border-left-color: #c66; }
.retired { opacity: .6; } .badge { font-size: .75em; border: 1px solid #777; border-radius: 3px; padding: 0 .3em; }
table.log { border-collapse: collapse; font-size: .9em; } table.log td, table.log th { border: 1px solid #bbb;
  padding: .2em .5em; vertical-align: top; text-align: left; }
@media print { body { margin: 0; max-width: none; font-size: 10.5pt; } a { color: inherit; text-decoration: none; }
  h2 { page-break-after: avoid; } .toc { page-break-after: always; } }
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _swatch(code: Code) -> str:
    return (f'<span class="swatch" style="background:{code.color};color:{text_color(code.color)}" '
            f'title="{code.color}">{_e(code.color)}</span>')


def code_to_html(code: Code, *, number: str = "", heading: str = "h3") -> str:
    """One code as an HTML card (used by the document and by ``Code._repr_html_``).

    Parameters
    ----------
    code : Code
    number : str, default ""
        The code's number in the document (``"2.1"``), shown before its name.
    heading : str, default "h3"
        The HTML heading element of the card.

    Returns
    -------
    str

    Examples
    --------
    >>> print(code_to_html(Code("care", "Care", color="#1f77b4")).splitlines()[0])
    <section class="code" id="code-care" style="--c:#1f77b4">
    """
    badges = ""
    if code.status == "retired":
        badges += ' <span class="badge">retired</span>'
    if not code.codable:
        badges += ' <span class="badge">grouping code</span>'
    cls = "code retired" if code.status == "retired" else "code"
    parts = [f'<section class="{cls}" id="code-{_e(code.id)}" style="--c:{code.color}">',
             f"<{heading}>{_e(number + ' ' if number else '')}{_e(code.name)} "
             f'<span class="id">{_e(code.id)}</span> {_swatch(code)}{badges}</{heading}>']
    if code.parent:
        parts.append(f'<div class="meta">under <a href="#code-{_e(code.parent)}">{_e(code.parent)}</a></div>')
    parts.append("<dl>")
    if code.in_vivo_quote:
        parts.append(f"<dt>In vivo</dt><dd>\u201c{_e(code.in_vivo_quote)}\u201d</dd>")
    for name, label in _LABELS:
        value = getattr(code, name)
        if value:
            parts.append(f"<dt>{label}</dt><dd>{_e(value)}</dd>")
    if code.examples:
        parts.append("<dt>Typical examples</dt><dd>" + "".join(f"<blockquote>{_e(x)}</blockquote>"
                                                               for x in code.examples) + "</dd>")
    if code.near_misses:
        parts.append("<dt>Close, but not this code</dt><dd>" + "".join(
            f'<blockquote class="miss">{_e(x)}</blockquote>' for x in code.near_misses) + "</dd>")
    if code.keywords:
        parts.append(f"<dt>Keywords</dt><dd>{_e(', '.join(code.keywords))}</dd>")
    if code.memo:
        parts.append(f"<dt>Memo</dt><dd>{_e(code.memo)}</dd>")
    parts += ["</dl>", "</section>"]
    return "\n".join(parts)


def to_html(cb: Codebook) -> str:
    """A complete, self-contained HTML document (inline CSS, print styles) for coder training.

    Parameters
    ----------
    cb : Codebook
        Every text taken from it is HTML-escaped.

    Returns
    -------
    str
        The whole document, from ``<!DOCTYPE html>``; it loads nothing from the network.

    Examples
    --------
    >>> page = to_html(Codebook(name="Demo", version=1, codes=[Code("care", "Care")]))
    >>> page.startswith("<!DOCTYPE html>"), "http" in page
    (True, False)
    """
    numbers = _numbers(cb)
    body = [f"<h1>{_e(cb.name)}</h1>", f'<p class="meta">Version {cb.version} \u00b7 {len(cb.active_codes)} '
            f"codes to apply \u00b7 {len(cb.codes)} in total</p>"]
    if cb.description:
        body.append(f"<p>{_e(cb.description)}</p>")
    if cb.citation:
        body.append(f'<p class="meta"><b>Source:</b> {_e(cb.citation)}</p>')
    body.append('<nav class="toc"><h2>Contents</h2>')

    def toc(parent: str | None) -> str:
        items = []
        for child in cb.children(parent):
            code = cb.codes[child]
            sub = toc(child)
            items.append(f'<li>{_swatch(code)} <a href="#code-{_e(child)}">{numbers[child]} {_e(code.name)}</a>'
                         + (" (retired)" if code.status == "retired" else "") + sub + "</li>")
        return "<ul>" + "".join(items) + "</ul>" if items else ""

    body += [toc(None), "</nav>", "<h2>Codes</h2>"]
    for code_id in cb.walk():
        body.append(code_to_html(cb.codes[code_id], number=numbers[code_id]))
    if cb.sets:
        body.append("<h2>Code sets</h2><ul>")
        for s in cb.sets:
            body.append(f"<li><b>{_e(s.name)}</b>: {_e(', '.join(s.members))}"
                        + (f" \u2014 {_e(s.description)}" if s.description else "") + "</li>")
        body.append("</ul>")
    if cb.changelog:
        body.append('<h2>Changelog</h2><table class="log"><tr><th>version</th><th>change</th><th>who</th>'
                    "<th>when</th><th>why</th></tr>")
        for e in cb.changelog:
            body.append(f"<tr><td>{e.version}</td><td>{_e(e.op)}: {_e(e.what)}</td><td>{_e(e.who)}</td>"
                        f"<td>{_e(e.when)}</td><td>{_e(e.why)}</td></tr>")
        body.append("</table>")
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            f"<title>{_e(cb.name)} \u2014 codebook v{cb.version}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def repr_html(cb: Codebook) -> str:
    """A compact hierarchy table for Jupyter: colour, name, id and short definition of every code.

    Parameters
    ----------
    cb : Codebook
        Shown indented by depth; retired codes greyed.

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> "<code>care</code>" in repr_html(Codebook(name="Demo", version=1, codes=[Code("care", "Care")]))
    True
    """
    rows = []
    for code_id in cb.walk():
        code = cb.codes[code_id]
        indent = "&nbsp;" * 4 * cb.depth(code_id)
        style = ' style="opacity:.55"' if code.status == "retired" else ""
        rows.append(f"<tr{style}><td>{_swatch(code)}</td><td style=\"text-align:left\">{indent}{_e(code.name)}"
                    f"</td><td style=\"text-align:left\"><code>{_e(code_id)}</code></td>"
                    f"<td style=\"text-align:left\">{_e(code.short_definition)}"
                    + (" <i>(retired)</i>" if code.status == "retired" else "") + "</td></tr>")
    return (f"<div><b>{_e(cb.name)}</b> \u00b7 version {cb.version} \u00b7 {len(cb.codes)} codes"
            "<table><tr><th></th><th style=\"text-align:left\">code</th><th style=\"text-align:left\">id</th>"
            "<th style=\"text-align:left\">short definition</th></tr>" + "".join(rows) + "</table></div>")
