"""Users, notes and variables of a project XML: the lookup tables the parser resolves references with.

Examples
--------
>>> import xml.etree.ElementTree as ET
>>> root = ET.fromstring('<Project><Users><User guid="11111111-1111-1111-1111-111111111111" name="Researcher A"/>'
...                      '</Users></Project>')
>>> tables = Tables([])
>>> tables.read_users(root)
>>> tables.coder("11111111-1111-1111-1111-111111111111", what="demo")
'researcher-a'
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

from hrp_coding.codebook.qdaxml import child, children, local_name, normalise_guid
from hrp_coding.slugs import slugify, unique

__all__ = ["Tables", "coder_slug", "transcript_slug"]

_DOC_SUFFIXES = (".txt", ".text", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".html", ".htm")


def coder_slug(name: str, taken: set[str]) -> str:
    """A valid, unused coder name for a REFI user name (kept as is when it already is one)."""
    from hrp_coding.store.codings_import import CODER_PATTERN

    base = name if CODER_PATTERN.match(name) else None
    if base is None:
        base = slugify(name) or "user"
    return unique(base, taken, sep="-")


def transcript_slug(name: str, taken: set[str]) -> str:
    """A transcript id from a source name (``Interview 1.docx`` -> ``Interview_1``), unique case-insensitively."""
    stem = name.strip()
    if stem.lower().endswith(_DOC_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    stem = slugify(stem, sep="_", keep="A-Za-z0-9_.-", lower=False, max_length=60) or "source"
    if not stem[0].isalnum():
        stem = "S" + stem
    return unique(stem, taken, key=str.casefold)


class Tables:
    """Users (GUID -> coder), notes (GUID -> text and author) and variables (GUID -> name, type)."""

    def __init__(self, notes: list[str]):
        self.notes = notes
        self.coder_of: dict[str, str] = {}
        self.coder_map: list[tuple[str, str, str]] = []
        self._taken: set[str] = set()
        self.notes_by_guid: dict[str, dict] = {}
        self.var: dict[str, tuple[str, str]] = {}

    def warn(self, message: str) -> None:
        self.notes.append(message)

    # -- users ----------------------------------------------------------------------------------
    def read_users(self, root: ET.Element) -> None:
        for i, user in enumerate(children(child(root, "Users"), "User")):
            guid = normalise_guid(user.get("guid"))
            name = (user.get("name") or "").strip() or (user.get("id") or "").strip()
            if guid is None:
                self.warn(f"Users/User[{i + 1}] ({name or 'unnamed'}): missing or malformed guid "
                          f"{user.get('guid')!r}; its codings cannot be attributed to it")
                continue
            if not name:
                name = f"user-{guid[:8]}"
                self.warn(f"user {guid} has no name; coder {name!r}")
            coder = coder_slug(name, self._taken)
            self.coder_of[guid] = coder
            self.coder_map.append((guid, user.get("name") or user.get("id") or "", coder))

    def coder(self, *guids: str | None, what: str) -> str:
        """The coder of the first GUID given (a new coder for a GUID not among ``Users``; else ``unknown``)."""
        for raw in guids:
            guid = normalise_guid(raw)
            if guid is None:
                continue
            if guid not in self.coder_of:
                coder = coder_slug(f"user-{guid[:8]}", self._taken)
                self.coder_of[guid] = coder
                self.coder_map.append((guid, "", coder))
                self.warn(f"{what}: creatingUser {raw} is not among <Users>; coder {coder!r}")
            return self.coder_of[guid]
        if "unknown" not in self.coder_of:
            self.coder_of["unknown"] = coder_slug("unknown", self._taken)
            self.warn(f"{what}: no creatingUser on the coding, its selection, its source or the project; such "
                      f"codings are attributed to coder {self.coder_of['unknown']!r}")
        return self.coder_of["unknown"]

    def user_name(self, raw: str | None) -> str:
        guid = normalise_guid(raw)
        return next((name or coder for g, name, coder in self.coder_map if g == guid), raw or "nobody")

    # -- notes ----------------------------------------------------------------------------------
    def read_notes(self, root: ET.Element, text_of) -> None:
        """Read ``Notes``; ``text_of(element, where=)`` gives a note's text (a SourceText or None)."""
        for i, note in enumerate(children(child(root, "Notes"), "Note")):
            guid = normalise_guid(note.get("guid"))
            where = f"note {note.get('name') or i + 1!r}"
            if guid is None:
                self.warn(f"{where}: missing or malformed guid; skipped")
                continue
            text = text_of(note, where=where)
            if text is None:
                continue
            self.notes_by_guid[guid] = {
                "guid": guid, "name": note.get("name") or "", "text": text.raw.strip(),
                "author": note.get("creatingUser") or note.get("modifyingUser"), "at": note.get("creationDateTime"),
                "selections": [(s.get("startPosition"), s.get("endPosition"), normalise_guid(s.get("guid")))
                               for s in children(note, "PlainTextSelection")],
                "used": False}

    def note(self, ref: ET.Element, where: str) -> dict | None:
        """The note a ``NoteRef`` names (marked used), or None with a warning."""
        note = self.notes_by_guid.get(normalise_guid(ref.get("targetGUID")) or "")
        if note is None:
            self.warn(f"{where}: <NoteRef targetGUID={ref.get('targetGUID')!r}> names no note; ignored")
            return None
        note["used"] = True
        return note

    # -- variables ------------------------------------------------------------------------------
    def read_variables(self, root: ET.Element) -> list[dict]:
        out = []
        for i, v in enumerate(children(child(root, "Variables"), "Variable")):
            guid = normalise_guid(v.get("guid"))
            if guid is None or not v.get("name"):
                self.warn(f"Variables/Variable[{i + 1}]: missing guid or name; ignored")
                continue
            self.var[guid] = (v.get("name"), v.get("typeOfVariable") or "Text")
            out.append({"guid": guid, "name": v.get("name"), "type": v.get("typeOfVariable") or "Text"})
        return out

    def variable_value(self, vv: ET.Element, into: dict, where: str) -> None:
        """Read one ``VariableValue`` into ``into`` (name -> typed value)."""
        ref = child(vv, "VariableRef")
        guid = normalise_guid(ref.get("targetGUID")) if ref is not None else None
        if guid not in self.var:
            self.warn(f"{where}: a VariableValue refers to no known variable; ignored")
            return
        name, _kind = self.var[guid]
        value_el = next((c for c in vv if local_name(c).endswith("Value") and local_name(c) != "VariableValue"),
                        None)
        if value_el is None or value_el.text is None:
            return
        raw = value_el.text.strip()
        tag = local_name(value_el)
        try:
            if tag == "BooleanValue":
                value: Any = {"true": True, "1": True, "false": False, "0": False}[raw.lower()]
            elif tag == "IntegerValue":
                value = int(raw)
            elif tag == "FloatValue":
                value = float(Decimal(raw))
            else:
                value = value_el.text
        except (KeyError, ValueError, ArithmeticError):
            self.warn(f"{where}: variable {name!r} has the malformed {tag} {raw!r}; kept as text")
            value = value_el.text
        if name in into and into[name] != value:
            self.warn(f"{where}: variable {name!r} has two values ({into[name]!r}, {value!r}); the first is kept")
            return
        into[name] = value
