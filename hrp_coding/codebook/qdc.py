"""REFI-QDA codebook exchange (``.qdc``, QDA-XML codebook 1.0).

Export writes a file valid against the REFI-QDA ``Codebook.xsd``. REFI has elements only for a code's name,
colour, codability, hierarchy and one ``Description``; everything else of ours (short definition, criteria,
examples, near misses, keywords, memo, status, in-vivo quote, our code id) goes into the ``Description``: first
as readable text for people using other programs, then as one line ``[hrp-coding code data v1] {json}`` that
our import reads back exactly. Codebook-level data (name, version, description, citation, changelog, file order)
travels in the ``Description`` of a ``Set`` named ``hrp-coding codebook: <name>``. GUIDs are derived from code
ids (UUID version 5), so the same codebook always exports the same GUIDs.

Import is lenient: namespace variants (``urn:QDA-XML:codebook:1.0``, ``1:0``, ``0:4``), brace-wrapped GUIDs,
``isCodable="false"`` grouping codes, ATLAS.ti code groups (``Sets``/``MemberCode``) and Taguette's empty
``<Sets/>`` are all read; each tolerated deviation gives a :class:`~hrp_coding.errors.RefiWarning`. XML is parsed
with :mod:`defusedxml`: entity declarations are refused, never resolved.

The element-level functions (:func:`codes_to_element`, :func:`sets_to_elements`, :func:`codebook_from_element`)
are shared with the REFI-QDA project exchange, where the ``<CodeBook>`` sits inside ``project.qde`` and the
sets at project level.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Code, Codebook
>>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care", definition="Looking after someone."),
...                                              Code("holding", "Holding", parent="care")])
>>> path = pathlib.Path(tempfile.mkdtemp()) / "demo.qdc"
>>> cb.to_qdc(path)
>>> Codebook.from_qdc(path) == cb
True
>>> code_guid("holding") == code_guid("holding")
True
"""

from __future__ import annotations

import datetime as dt
import os
import re
import warnings as _warnings
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from hrp_coding.codebook.model import ID_PATTERN, ChangeEntry, Code, Codebook, CodeSet
from hrp_coding.codebook.qdaxml import (
    CODEBOOK_NS,
    PROJECT_NS,
    children,
    normalise_guid,
    parse_xml,
    slug,
    split_tag,
    to_xml_bytes,
    unique,
    unpack,
    xml_safe,
)
from hrp_coding.codebook.qdc_write import (  # noqa: F401 - the export half, part of this module's API
    _PACKED_FIELDS,
    _STANDARD_NS,
    CODE_MARKER,
    CODEBOOK_MARKER,
    GUID_NAMESPACE,
    SET_MARKER,
    _human_description,
    code_guid,
    codebook_metadata,
    codebook_to_element,
    codes_to_element,
    set_guid,
    sets_to_elements,
    write_qdc,
)
from hrp_coding.errors import CodebookError, Problem, RefiError, RefiWarning

__all__ = [
    "CODEBOOK_NS",
    "PROJECT_NS",
    "code_guid",
    "codebook_from_element",
    "codebook_metadata",
    "codebook_to_element",
    "codes_to_element",
    "parse_xml",
    "read_qdc",
    "set_guid",
    "sets_to_elements",
    "to_xml_bytes",
    "write_qdc",
]

def _bool(value: str | None) -> bool | None:
    if value is None:
        return None
    return {"true": True, "1": True, "false": False, "0": False}.get(value.strip().lower())


def _first_sentence(text: str) -> str:
    first = text.strip().split("\n", 1)[0]
    match = re.match(r"(.+?[.!?])(\s|$)", first)
    sentence = match.group(1) if match else first
    return sentence if len(sentence) <= 200 else sentence[:197].rstrip() + "..."


def codebook_from_element(element: ET.Element, *, source: str, warnings: list[str],
                          sets: Iterable[ET.Element] | None = None, name: str | None = None,
                          guid_map: dict[str, str] | None = None, meta: dict[str, Any] | None = None) -> Codebook:
    """Build a :class:`Codebook` from a ``<CodeBook>`` element (of a ``.qdc`` or inside ``project.qde``).

    Parameters
    ----------
    element : xml.etree.ElementTree.Element
        The ``<CodeBook>`` element (any QDA-XML namespace variant, or none).
    source : str
        Names the file in messages.
    warnings : list of str
        Tolerated deviations are appended here (the caller decides how to report them).
    sets : iterable of Element, optional
        ``<Set>`` elements to read as code groups; by default the element's own ``<Sets>`` children.
    name : str, optional
        Codebook name when the data carries none of ours (default: the file name without extension).
    guid_map : dict, optional
        When given, filled with each code's GUID (lower case, without braces) -> the code id it became
        (the project exchange uses it to resolve ``CodeRef`` targets). When two codes share a GUID, the first
        keeps it and a warning names both.
    meta : dict, optional
        Our codebook-level data when it travels elsewhere (a ``.qdpx`` carries it in the project's
        ``Description``); otherwise it is read from the member-less ``Set`` a ``.qdc`` carries it in.

    Returns
    -------
    Codebook
        The codebook the element describes (see :func:`read_qdc` for what a foreign file becomes).

    Raises
    ------
    RefiError
        When the element is not a ``<CodeBook>`` or has no ``<Codes>``.

    Examples
    --------
    >>> cb = Codebook(name="Demo", version=1, codes=[Code("care", "Care")])
    >>> found = []
    >>> codebook_from_element(codebook_to_element(cb), source="demo.qdc", warnings=found) == cb, found
    (True, [])
    """
    ns, local = split_tag(element.tag)
    if local != "CodeBook":
        raise RefiError([Problem("(xml)", f"expected a <CodeBook> element, found <{local}>", file=source)],
                        source=source)
    if ns is None:
        warnings.append("the <CodeBook> element has no namespace (expected urn:QDA-XML:codebook:1.0); read anyway")
    elif ns not in _STANDARD_NS:
        if ns.startswith("urn:QDA-XML:"):
            warnings.append(f"non-standard namespace {ns!r} (a known variant of urn:QDA-XML:codebook:1.0); read as 1.0")
        else:
            warnings.append(f"unexpected namespace {ns!r}; read as urn:QDA-XML:codebook:1.0")
    codes_els = children(element, "Codes")
    if not codes_els:
        raise RefiError([Problem("CodeBook", "no <Codes> element: this is not a REFI-QDA codebook", file=source)],
                        source=source)
    if not children(codes_els[0], "Code"):
        warnings.append("<Codes> is empty (the schema requires at least one <Code>)")

    taken: set[str] = set()
    by_guid: dict[str, str] = {}
    codes: list[Code] = []
    edited: list[str] = []

    def read(el: ET.Element, parent: str | None, path: str) -> None:
        attrs = el.attrib
        raw_guid = attrs.get("guid")
        guid = normalise_guid(raw_guid)
        if raw_guid is None:
            warnings.append(f"{path}: <Code> without a guid; one was generated")
        elif guid is None:
            warnings.append(f"{path}: malformed guid {raw_guid!r}")
        code_name = attrs.get("name")
        if code_name is None or not code_name.strip():
            warnings.append(f"{path}: <Code> without a name; named after its guid")
            code_name = f"Code {raw_guid or len(codes) + 1}"
        codable = _bool(attrs.get("isCodable"))
        if codable is None:
            warnings.append(f"{path} ({code_name}): isCodable is missing or not true/false "
                            f"({attrs.get('isCodable')!r}); taken as true")
            codable = True
        color = (attrs.get("color") or "").strip().lower()
        if color and not re.fullmatch(r"#([0-9a-f]{6}|[0-9a-f]{3})", color):
            warnings.append(f"{path} ({code_name}): colour {attrs.get('color')!r} is not #rrggbb; a default is used")
            color = ""
        descriptions = children(el, "Description")
        human, packed = unpack(descriptions[0].text if descriptions else None, CODE_MARKER)
        fields: dict[str, Any] = {}
        code_id = None
        if packed is not None:
            fields = {k: packed[k] for k in _PACKED_FIELDS if k in packed and k != "id"}
            for key in ("examples", "near_misses", "keywords"):
                if key in fields:
                    fields[key] = tuple(fields[key])
            if isinstance(packed.get("id"), str) and ID_PATTERN.match(packed["id"]) and packed["id"] not in taken:
                code_id = packed["id"]
                taken.add(code_id)
            try:
                described = {k: v for k, v in fields.items() if k != "codable"}
                probe = _human_description(Code("probe", "probe", **described))
            except (CodebookError, TypeError):
                probe = None
            if probe is not None and human != xml_safe(probe).replace("\r\n", "\n").replace("\r", "\n").strip():
                edited.append(code_name)
                memo = fields.get("memo", "")
                fields["memo"] = (memo + "\n\n" if memo else "") + "Description as edited in another program:\n" + human
        else:
            fields = {"definition": human, "short_definition": _first_sentence(human) if human else "",
                      "codable": codable}
        if code_id is None:
            code_id = unique(slug(code_name), taken)
        if guid is not None and guid in by_guid:
            first = by_guid[guid]
            first_name = next((c.name for c in codes if c.id == first), first)
            warnings.append(f"codes {first_name!r} ({first}) and {code_name!r} ({code_id}) have the same guid "
                            f"{guid}: codings that refer to it are attributed to {first_name!r}, the first in the "
                            f"file; {code_name!r} is imported without codings")
        elif guid is not None:
            by_guid[guid] = code_id
        if "codable" not in fields:
            fields["codable"] = codable
        try:
            codes.append(Code(id=code_id, name=code_name, parent=parent, color=color, **fields))
        except CodebookError as err:
            raise RefiError([Problem(f"{path} ({code_name})", str(p)) for p in err.problems], source=source) from None
        for i, child in enumerate(children(el, "Code")):
            read(child, code_id, f"{path}/Code[{i + 1}]")

    for i, code_el in enumerate(children(codes_els[0], "Code")):
        read(code_el, None, f"Codes/Code[{i + 1}]")
    if guid_map is not None:
        guid_map.update(by_guid)
    if edited:
        warnings.append(f"descriptions of {len(edited)} code(s) were edited outside hrp-coding ({', '.join(edited)}); "
                        "the edited text was kept in each code's memo")

    # sets: our codebook data, our code sets, and other programs' code groups
    if sets is None:
        sets_els = children(element, "Sets")
        if sets_els and not children(sets_els[0], "Set"):
            warnings.append("empty <Sets/> element (not allowed by Codebook.xsd; Taguette writes it); ignored")
        sets = [s for group in sets_els for s in children(group, "Set")]
    code_sets: list[CodeSet] = []
    set_ids: set[str] = set()
    for i, set_el in enumerate(sets):
        descriptions = children(set_el, "Description")
        text = descriptions[0].text if descriptions else None
        human, packed_meta = unpack(text, CODEBOOK_MARKER)
        if packed_meta is not None:
            meta = meta if meta is not None else packed_meta
            continue
        human, packed_set = unpack(text, SET_MARKER)
        set_name = set_el.get("name") or f"Set {i + 1}"
        member_els = children(set_el, "MemberCode")
        if not member_els and (children(set_el, "MemberSource") or children(set_el, "MemberNote")):
            continue  # a project set of sources or notes, not a code group
        members = []
        for member in member_els:
            ref = member.get("guid") or member.get("targetGUID")  # codebook schema / project schema
            g = normalise_guid(ref)
            if g in by_guid:
                if by_guid[g] not in members:
                    members.append(by_guid[g])
            else:
                warnings.append(f"set {set_name!r}: <MemberCode> {ref!r} names no code; skipped")
        set_id = None
        if packed_set and isinstance(packed_set.get("id"), str) and packed_set["id"] not in set_ids:
            set_id = packed_set["id"]
            set_ids.add(set_id)
        set_id = set_id or unique(slug(set_name), set_ids)
        description = packed_set.get("description", human) if packed_set else human
        code_sets.append(CodeSet(set_id, set_name, description or "", tuple(members)))

    return _assemble(codes, code_sets, meta, source=source, origin=element.get("origin"), name=name,
                     warnings=warnings)


def _assemble(codes: list[Code], code_sets: list[CodeSet], meta: dict[str, Any] | None, *, source: str,
              origin: str | None, name: str | None, warnings: list[str]) -> Codebook:
    if meta is not None:
        order = meta.get("order")
        if isinstance(order, list) and sorted(order) == sorted(c.id for c in codes):
            position = {code_id: i for i, code_id in enumerate(order)}
            codes = sorted(codes, key=lambda c: position[c.id])
        try:
            changelog = tuple(ChangeEntry(**{**e, "old_ids": tuple(e.get("old_ids") or ()),
                                             "new_ids": tuple(e.get("new_ids") or ())})
                              for e in meta.get("changelog") or [])
            return Codebook(name=meta["name"], version=meta["version"], codes=codes, changelog=changelog,
                            citation=meta.get("citation") or "", description=meta.get("description") or "",
                            sets=tuple(code_sets))
        except (TypeError, KeyError, CodebookError) as err:
            warnings.append(f"the hrp-coding codebook data in this file is unreadable ({err}); imported as a "
                            "foreign codebook")
    stem = Path(source).stem
    when = dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")
    entry = ChangeEntry(1, "create", f"imported from REFI-QDA codebook {Path(source).name}"
                        + (f" (origin: {origin})" if origin else ""), "hrp-coding import", when,
                        "exchange with another QDA program")
    try:
        return Codebook(name=name or stem or "Imported codebook", version=1, codes=codes, changelog=(entry,),
                        description=f"Imported from {Path(source).name}" + (f" ({origin})" if origin else ""),
                        sets=tuple(code_sets))
    except CodebookError as err:
        raise RefiError(err.problems, source=source) from None


def read_qdc(path: str | os.PathLike, *, name: str | None = None) -> Codebook:
    """Import a ``.qdc`` file leniently; each tolerated deviation is issued as a :class:`RefiWarning`.

    Parameters
    ----------
    path : str or os.PathLike
        The ``.qdc`` file (ours or another program's).
    name : str, optional
        The codebook name when the file carries no hrp-coding codebook data; by default the file name without
        its extension.

    Returns
    -------
    Codebook
        The codebook: exactly the exported one for a file we wrote; for a foreign file, one with a single
        ``create`` changelog entry naming the file.

    Raises
    ------
    RefiError
        For malformed or hostile XML, or a file that is not a REFI-QDA codebook (naming file, line and column).

    Examples
    --------
    >>> import tempfile, pathlib, warnings
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "other.qdc"
    >>> _ = path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid='
    ...     '"5215cc69-b628-4e02-afb9-9beeaee55808" name="Care" isCodable="true"/></Codes></CodeBook>')
    >>> with warnings.catch_warnings():
    ...     warnings.simplefilter("ignore", RefiWarning)
    ...     cb = read_qdc(path)
    >>> cb.name, list(cb.codes)
    ('other', ['care'])
    """
    path = Path(path)
    source = str(path)
    root = parse_xml(path.read_bytes(), source=source)
    found: list[str] = []
    codebook = codebook_from_element(root, source=source, warnings=found, name=name)
    for message in found:
        _warnings.warn(f"{source}: {message}", RefiWarning, stacklevel=2)
    return codebook
