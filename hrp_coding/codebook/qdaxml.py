"""QDA-XML helpers shared by the codebook exchange (``.qdc``) and the project exchange (``.qdpx``).

One place for the rules both formats follow: namespaces, tag and child lookup that ignores namespace
variants, GUID normalisation, our ``[hrp-coding ... data v1] {json}`` lines packed into ``Description``
elements, safe parsing (defusedxml) and serialisation with a default namespace.

Examples
--------
>>> normalise_guid("{5215CC69-B628-4E02-AFB9-9BEEAEE55808}")
'5215cc69-b628-4e02-afb9-9beeaee55808'
>>> text = pack("Readable text.", "[demo data v1] ", {"id": "holding"})
>>> unpack(text, "[demo data v1] ")
('Readable text.', {'id': 'holding'})
>>> root = parse_xml(b'<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>', source="demo.qde")
>>> local_name(root), [local_name(c) for c in children(root, "Users")]
('Project', ['Users'])
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

from hrp_coding.errors import Problem, RefiError
from hrp_coding.slugs import slugify, unique

__all__ = [
    "CODEBOOK_NS",
    "GUID_RE",
    "PROJECT_NS",
    "child",
    "children",
    "local_name",
    "normalise_guid",
    "pack",
    "parse_xml",
    "slug",
    "split_tag",
    "to_xml_bytes",
    "unique",
    "unpack",
    "xml_safe",
]

CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
# Characters XML 1.0 cannot carry; they are dropped from readable text (packed JSON escapes them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def split_tag(tag: str) -> tuple[str | None, str]:
    """``(namespace, local name)`` of an ElementTree tag.

    Parameters
    ----------
    tag : str
        An ElementTree tag, ``"{namespace}local"`` or a bare ``"local"``.

    Returns
    -------
    tuple of (str or None, str)
        The namespace (None for a bare tag) and the local name.

    Examples
    --------
    >>> split_tag("{urn:QDA-XML:project:1.0}Code")
    ('urn:QDA-XML:project:1.0', 'Code')
    >>> split_tag("Code")
    (None, 'Code')
    """
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return None, tag


def local_name(el: ET.Element) -> str:
    """The element's tag without its namespace ('' for comments and processing instructions).

    Parameters
    ----------
    el : xml.etree.ElementTree.Element
        Any element, comment or processing instruction of a parsed tree.

    Returns
    -------
    str
        The local name, or ``""`` when the node has no string tag.

    Examples
    --------
    >>> local_name(ET.fromstring('<Code xmlns="urn:QDA-XML:codebook:1.0"/>'))
    'Code'
    """
    return split_tag(el.tag)[1] if isinstance(el.tag, str) else ""


def children(el: ET.Element | None, local: str) -> list[ET.Element]:
    """Direct children named ``local`` in any namespace (none for ``el=None``).

    Parameters
    ----------
    el : xml.etree.ElementTree.Element or None
        The parent; None (a missing optional element) has no children.
    local : str
        The local name to match, whatever namespace the child is in.

    Returns
    -------
    list of xml.etree.ElementTree.Element
        The matching children in document order.

    Examples
    --------
    >>> root = ET.fromstring('<Codes xmlns="urn:x"><Code/><Set/><Code/></Codes>')
    >>> len(children(root, "Code")), children(None, "Code")
    (2, [])
    """
    if el is None:
        return []
    return [c for c in el if isinstance(c.tag, str) and split_tag(c.tag)[1] == local]


def child(el: ET.Element | None, local: str) -> ET.Element | None:
    """The first direct child named ``local``, or None.

    Parameters
    ----------
    el : xml.etree.ElementTree.Element or None
        The parent (None has no children).
    local : str
        The local name to match, in any namespace.

    Returns
    -------
    xml.etree.ElementTree.Element or None
        The first matching child, or None when there is none.

    Examples
    --------
    >>> root = ET.fromstring('<Code xmlns="urn:x"><Description>text</Description></Code>')
    >>> child(root, "Description").text, child(root, "MemberCode")
    ('text', None)
    """
    found = children(el, local)
    return found[0] if found else None


def normalise_guid(value: str | None) -> str | None:
    """A GUID for lookups: lower case, without braces; None when missing or malformed.

    Parameters
    ----------
    value : str or None
        A GUID as written in a file, with or without braces and surrounding spaces.

    Returns
    -------
    str or None
        The 36-character lower-case GUID, or None when ``value`` is empty or not a GUID.

    Examples
    --------
    >>> normalise_guid("{5215CC69-B628-4E02-AFB9-9BEEAEE55808}")
    '5215cc69-b628-4e02-afb9-9beeaee55808'
    >>> normalise_guid("not-a-guid") is None
    True
    """
    match = GUID_RE.match(value.strip()) if value else None
    return match.group(1).lower() if match else None


def slug(name: str) -> str:
    """A code or set id from a display name (ASCII, lower case, underscores, starting with a letter).

    Parameters
    ----------
    name : str
        The display name of a code or set; accents are stripped, other characters become underscores.

    Returns
    -------
    str
        An id of at most 56 characters (plus ``code_`` when the name does not start with a letter).

    Examples
    --------
    >>> slug("Coping – Strategies"), slug("2nd wave")
    ('coping_strategies', 'code_2nd_wave')
    """
    text = slugify(name, sep="_")
    if not text or not text[0].isalpha():
        text = f"code_{text}".rstrip("_")
    return text


def xml_safe(text: str) -> str:
    r"""``text`` without the characters XML 1.0 cannot carry.

    Parameters
    ----------
    text : str
        Any text (control characters, lone surrogates and U+FFFE/U+FFFF are dropped; tab, LF and CR stay).

    Returns
    -------
    str
        The text an XML 1.0 document can hold.

    Examples
    --------
    >>> xml_safe("bell\x07 and tab\t")
    'bell and tab\t'
    """
    return _XML_INVALID.sub("", text)


def pack(human: str, marker: str, data: Mapping[str, Any]) -> str:
    r"""Readable text, then one line ``<marker>{json}`` that :func:`unpack` reads back exactly.

    Parameters
    ----------
    human : str
        The text another QDA tool shows its user (made :func:`xml_safe`).
    marker : str
        The line prefix that identifies our data, e.g. ``"[hrp-coding code data v1] "``.
    data : mapping
        JSON-serialisable fields; written compact, keys sorted, non-ASCII kept.

    Returns
    -------
    str
        ``human``, a blank line and the marker line (only the marker line when ``human`` is empty).

    Examples
    --------
    >>> pack("Readable text.", "[demo data v1] ", {"id": "holding"})
    'Readable text.\n\n[demo data v1] {"id":"holding"}'
    """
    line = marker + json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    human = xml_safe(human)
    return f"{human}\n\n{line}" if human else line


def unpack(text: str | None, marker: str) -> tuple[str, dict[str, Any] | None]:
    """Split a Description into its human text and our packed data (None when absent or unreadable).

    Parameters
    ----------
    text : str or None
        A Description element's text, perhaps written by :func:`pack`, perhaps edited by another tool.
    marker : str
        The line prefix :func:`pack` used; only its last occurrence at the start of a line counts.

    Returns
    -------
    tuple of (str, dict or None)
        The human text, stripped, and the packed data; None when there is no marker line or its JSON is not
        an object.

    Examples
    --------
    >>> unpack(pack("Readable text.", "[demo data v1] ", {"id": "holding"}), "[demo data v1] ")
    ('Readable text.', {'id': 'holding'})
    >>> unpack("Written elsewhere.", "[demo data v1] ")
    ('Written elsewhere.', None)
    """
    text = text or ""
    index = text.rfind(marker)
    if index < 0 or (index > 0 and text[index - 1] != "\n"):
        return text.strip(), None
    line = text[index + len(marker):].split("\n", 1)[0]
    try:
        data = json.loads(line)
    except json.JSONDecodeError:
        return text.strip(), None
    return text[:index].strip(), data if isinstance(data, dict) else None


def parse_xml(data: bytes, *, source: str) -> ET.Element:
    """Parse XML bytes safely (defusedxml: no entity expansion, no external resources).

    A UTF-8 byte order mark is skipped.

    Parameters
    ----------
    data : bytes
        The XML document.
    source : str
        The file (or archive member) it came from, named in errors.

    Returns
    -------
    xml.etree.ElementTree.Element
        The root element.

    Raises
    ------
    RefiError
        For hostile XML (entity declarations) or malformed XML, naming the file, line and column.

    Examples
    --------
    >>> root = parse_xml(b'<Project xmlns="urn:QDA-XML:project:1.0"><Users/></Project>', source="demo.qde")
    >>> local_name(root)
    'Project'
    >>> parse_xml(b"<Project>", source="demo.qde")
    Traceback (most recent call last):
    ...
    hrp_coding.errors.RefiError: ...
    """
    import defusedxml
    import defusedxml.ElementTree as DET

    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return DET.fromstring(data)
    except defusedxml.DefusedXmlException as err:
        raise RefiError([Problem("(xml)", f"refused potentially hostile XML ({type(err).__name__}: {err})",
                                 hint="entity declarations and external references are never resolved",
                                 file=source)], source=source) from None
    except ET.ParseError as err:
        line, column = getattr(err, "position", (None, None))
        raise RefiError([Problem("(xml)", f"malformed XML: {err.msg if hasattr(err, 'msg') else err}", file=source,
                                 line=line, column=(column + 1) if column is not None else None)],
                        source=source) from None


def to_xml_bytes(root: ET.Element) -> bytes:
    """Serialise a QDA-XML tree with its namespace as the default namespace (no prefixes), indented, UTF-8.

    (``ElementTree``'s own ``default_namespace`` option refuses unqualified attributes, which QDA-XML uses.)

    Parameters
    ----------
    root : xml.etree.ElementTree.Element
        The root element; its namespace becomes the document's default namespace. The tree is not changed.

    Returns
    -------
    bytes
        The document with an XML declaration and a final newline.

    Examples
    --------
    >>> root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", {"origin": "demo"})
    >>> print(to_xml_bytes(root).decode())
    <?xml version="1.0" encoding="utf-8"?>
    <CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="demo" />
    """
    namespace, _ = split_tag(root.tag)

    def plain(el: ET.Element) -> ET.Element:
        copy = ET.Element(split_tag(el.tag)[1], dict(el.attrib))
        copy.text, copy.tail = el.text, el.tail
        copy.extend(plain(c) for c in el)
        return copy

    out = plain(root)
    if namespace:
        out.attrib = {"xmlns": namespace, **out.attrib}
    ET.indent(out, space="  ")
    text = ET.tostring(out, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + text + "\n").encode("utf-8")
