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
    """A valid, unused coder name for a REFI user name (kept as is when it already is one).

    Parameters
    ----------
    name : str
        The ``User``'s name (or id).
    taken : set of str
        Coder names already given; the result is added to it.

    Returns
    -------
    str
        A lowercase slug such as ``researcher-a``, with ``-2``, ``-3``... when taken.

    Examples
    --------
    >>> taken = set()
    >>> coder_slug("Researcher A", taken), coder_slug("Researcher A", taken), coder_slug("ana", taken)
    ('researcher-a', 'researcher-a-2', 'ana')
    """
    from hrp_coding.store.codings_import import CODER_PATTERN

    base = name if CODER_PATTERN.match(name) else None
    if base is None:
        base = slugify(name) or "user"
    return unique(base, taken, sep="-")


def transcript_slug(name: str, taken: set[str]) -> str:
    """A transcript id from a source name (``Interview 1.docx`` -> ``Interview_1``), unique case-insensitively.

    Parameters
    ----------
    name : str
        The ``TextSource``'s name; a document extension is dropped.
    taken : set of str
        Transcript ids already given; the result is added to it.

    Returns
    -------
    str
        An id of letters, digits, ``_``, ``.`` and ``-`` that starts with a letter or digit.

    Examples
    --------
    >>> taken = set()
    >>> transcript_slug("Interview 1.docx", taken), transcript_slug("interview 1", taken)
    ('Interview_1', 'interview_1_2')
    """
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
        """Record a tolerated deviation (it becomes a warning and a line of the import summary).

        Parameters
        ----------
        message : str
            What was tolerated, naming the user, note or variable.

        Examples
        --------
        >>> tables = Tables([])
        >>> tables.warn("Users: empty")
        >>> tables.notes
        ['Users: empty']
        """
        self.notes.append(message)

    # -- users ----------------------------------------------------------------------------------
    def read_users(self, root: ET.Element) -> None:
        """Read ``Users``: each user's GUID becomes a coder (:func:`coder_slug` of its name).

        A user without a valid GUID is skipped and one without a name is named after its GUID (both noted).

        Parameters
        ----------
        root : xml.etree.ElementTree.Element
            The ``Project`` element.

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> tables = Tables([])
        >>> tables.read_users(ET.fromstring('<Project><Users><User guid="{22222222-2222-2222-2222-222222222222}" '
        ...                                 'name="Lee"/></Users></Project>'))
        >>> tables.coder_of
        {'22222222-2222-2222-2222-222222222222': 'lee'}
        """
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
        """The coder of the first GUID given (a new coder for a GUID not among ``Users``; else ``unknown``).

        Parameters
        ----------
        *guids : str or None
            Candidate ``creatingUser`` GUIDs, most specific first (the coding's, its selection's, its source's...).
        what : str
            Names the coding in notes.

        Returns
        -------
        str
            The coder name.

        Examples
        --------
        >>> tables = Tables([])
        >>> tables.coder(None, "33333333-3333-3333-3333-333333333333", what="coding 1"), tables.coder(what="coding 2")
        ('user-33333333', 'unknown')
        """
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
        """The name a user GUID had in the file (for memos written back), else its coder name.

        Parameters
        ----------
        raw : str or None
            A GUID as written.

        Returns
        -------
        str
            The user's name, its coder, the raw value when unknown, or ``"nobody"``.

        Examples
        --------
        >>> Tables([]).user_name(None)
        'nobody'
        """
        guid = normalise_guid(raw)
        return next((name or coder for g, name, coder in self.coder_map if g == guid), raw or "nobody")

    # -- notes ----------------------------------------------------------------------------------
    def read_notes(self, root: ET.Element, text_of) -> None:
        """Read ``Notes``; ``text_of(element, where=)`` gives a note's text (a SourceText or None).

        Parameters
        ----------
        root : xml.etree.ElementTree.Element
            The ``Project`` element.
        text_of : callable
            Usually :meth:`ArchiveReader.text_of`; notes without text are skipped.

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> from hrp_coding.interop.refi.positions import SourceText
        >>> tables = Tables([])
        >>> root = ET.fromstring('<Project><Notes><Note guid="44444444-4444-4444-4444-444444444444" name="n"/></Notes>'
        ...                      '</Project>')
        >>> tables.read_notes(root, lambda el, where: SourceText(" a memo "))
        >>> tables.notes_by_guid["44444444-4444-4444-4444-444444444444"]["text"]
        'a memo'
        """
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
        """The note a ``NoteRef`` names (marked used), or None with a warning.

        Parameters
        ----------
        ref : xml.etree.ElementTree.Element
            The ``NoteRef`` element.
        where : str
            Names the referring element in notes.

        Returns
        -------
        dict or None
            The note (``guid``, ``name``, ``text``, ``author``, ``at``, ``selections``, ``used``), or None.

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> tables = Tables([])
        >>> tables.note(ET.fromstring('<NoteRef targetGUID="x"/>'), "coding 3"), tables.notes
        (None, ["coding 3: <NoteRef targetGUID='x'> names no note; ignored"])
        """
        note = self.notes_by_guid.get(normalise_guid(ref.get("targetGUID")) or "")
        if note is None:
            self.warn(f"{where}: <NoteRef targetGUID={ref.get('targetGUID')!r}> names no note; ignored")
            return None
        note["used"] = True
        return note

    # -- variables ------------------------------------------------------------------------------
    def read_variables(self, root: ET.Element) -> list[dict]:
        """Read ``Variables``: each variable's GUID, name and type (``Text`` when not given).

        Parameters
        ----------
        root : xml.etree.ElementTree.Element
            The ``Project`` element.

        Returns
        -------
        list of dict
            ``guid``, ``name`` and ``type`` of each readable variable (kept in ``refi-qda.yaml``).

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> root = ET.fromstring('<Project><Variables><Variable guid="55555555-5555-5555-5555-555555555555" '
        ...                      'name="age" typeOfVariable="Integer"/></Variables></Project>')
        >>> Tables([]).read_variables(root)
        [{'guid': '55555555-5555-5555-5555-555555555555', 'name': 'age', 'type': 'Integer'}]
        """
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
        """Read one ``VariableValue`` into ``into`` (name -> typed value).

        Boolean, integer and float values are typed; a malformed one is kept as text, and a second, different
        value for one variable is ignored (both noted).

        Parameters
        ----------
        vv : xml.etree.ElementTree.Element
            The ``VariableValue`` element (of a case or a source).
        into : dict
            The attributes being built; changed in place.
        where : str
            Names the case or source in notes.

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> tables = Tables([])
        >>> _ = tables.read_variables(ET.fromstring('<Project><Variables><Variable guid="55555555-5555-5555-5555-'
        ...                           '555555555555" name="age" typeOfVariable="Integer"/></Variables></Project>'))
        >>> attributes = {}
        >>> tables.variable_value(ET.fromstring('<VariableValue><VariableRef targetGUID="55555555-5555-5555-5555-'
        ...                       '555555555555"/><IntegerValue>34</IntegerValue></VariableValue>'), attributes, "P01")
        >>> attributes
        {'age': 34}
        """
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
