"""REFI-QDA project exchange (``.qdpx``): import a project from NVivo, ATLAS.ti, MAXQDA, QualCoder, qc...
and export one that they accept.

A ``.qdpx`` file is a zip archive holding ``project.qde`` (QDA-XML, namespace ``urn:QDA-XML:project:1.0``)
and a ``sources/`` folder with the source texts. What maps to what:

=====================================================  =============================================================
REFI-QDA                                               hrp-coding
=====================================================  =============================================================
``User``                                               a coder (name as a lowercase slug: ``Researcher A`` ->
                                                       ``researcher-a``; the GUID/name/slug table is kept in the
                                                       project's ``refi-qda.yaml``)
``TextSource`` (``internal://``, bare file name,       a transcript (canonical text: UTF-8, NFC, LF, no BOM);
``relative://``, ``absolute://``, ``PlainTextContent``)  its id from the source name
``PlainTextSelection`` + ``Coding``                    one coding per ``Coding``, by its ``creatingUser``
``CodeBook`` (hierarchy) + project ``Sets`` of codes   the codebook, with its code sets (via
                                                       :mod:`hrp_coding.codebook.qdc`)
``Cases``/``Variables`` (and ``VariableValue`` on a    transcript attributes
source)
``Notes`` tied by ``NoteRef`` or ``Links``             memos: on a coding (a selection's or coding's note), a
                                                       transcript or a code; other notes stay in ``refi-qda.yaml``
=====================================================  =============================================================

Positions count Unicode code points from 0, ``endPosition`` exclusive. Offsets are mapped onto the canonical
text: a BOM is not counted; CRLF counts as one character, as ATLAS.ti counts it (when the offsets only fit
with CRLF counted as two, that reading is used, with a warning); offsets into a text that was not in NFC are
mapped through the normalisation.

Import is lenient: every tolerated deviation (project XML not named ``project.qde``, ``Sources/`` instead of
``sources/``, namespace variants ``urn:QDA-XML:project:1:0``/``0:4``, CRLF, BOM, bare ``plainTextPath``, an
offset out of range, a coding without a user, sources that are not text...) is issued as a
:class:`~hrp_coding.errors.RefiWarning` **and** recorded as one line of the :class:`ImportSummary`. The
summary is returned by :func:`import_qdpx_with_summary`, stored in the project's ``refi-qda.yaml`` and read
back by :func:`last_import_summary`; :func:`import_qdpx` returns just the :class:`~hrp_coding.project.Project`.

The archive is untrusted: it is opened with :class:`~hrp_coding.interop.safe_zip.SafeZip` (zip slip, zip
bombs, symlinks refused), the XML is parsed with :mod:`defusedxml` (entity expansion and external entities
refused), members are read into memory and nothing is written anywhere but the new project folder (removed
again if the import fails). Files outside the archive (``relative://``, ``absolute://``) are read only with
``external_files=True``.

Export writes ``project.qde`` plus lowercase ``sources/<guid>.txt`` (the canonical texts) and validates
against the REFI-QDA ``Project.xsd`` (checked in the tests). GUIDs are UUID version 5 of the project name
and our ids, so the same project always exports the same GUIDs (code GUIDs are those of the ``.qdc``
export). Fields REFI lacks travel in ``Description`` elements as one ``[hrp-coding ... data v1] {json}``
line after readable text: code fields (via :mod:`hrp_coding.codebook.qdc`), transcript id and speaker roles,
project settings.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Code, Codebook
>>> from hrp_coding.project import Project
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding")])
>>> study = Project.init(folder / "study", codebook=cb)
>>> _ = study.add_transcript("Interviewer: How was it?\\nP01: We sat with her.\\n", transcript_id="P01")
>>> _ = study.add_coding(coder="ana", transcript="P01", start=30, end=45, code="holding")
>>> export_qdpx(study, folder / "demo.qdpx").codings
1
>>> again, summary = import_qdpx_with_summary(folder / "demo.qdpx", folder / "again")
>>> again.codings()[["coder", "code", "text"]].values.tolist()
[['ana', 'holding', 'We sat with her']]
>>> summary.transcripts, summary.coders, summary.codings, summary.warnings
(1, 1, 1, ())
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import io
import json
import os
import re
import shutil
import unicodedata
import urllib.parse
import uuid
import warnings as _warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrp_coding._atomic import atomic_write_bytes, atomic_write_text
from hrp_coding.codebook import qdc
from hrp_coding.errors import Problem, ProjectError, RefiError, RefiWarning
from hrp_coding.interop.safe_zip import SafeZip, ZipLimits

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.codebook import Codebook
    from hrp_coding.project import Project

__all__ = [
    "DEFAULT_ENCODING_FALLBACKS",
    "DEFAULT_MAX_BYTES",
    "SIDECAR",
    "ExportSummary",
    "ImportSummary",
    "export_qdpx",
    "import_qdpx",
    "import_qdpx_with_summary",
    "last_import_summary",
    "project_guids",
]

PROJECT_NS = qdc.PROJECT_NS
DEFAULT_MAX_BYTES = 1 << 30
DEFAULT_ENCODING_FALLBACKS = ("cp1252",)
SIDECAR = "refi-qda.yaml"
TRANSCRIPT_MARKER = "[hrp-coding transcript data v1] "
PROJECT_MARKER = "[hrp-coding project data v1] "
_KNOWN_PROJECT_NS = {"urn:QDA-XML:project:1.0"}
_GUID_RE = re.compile(r"^\{?([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}?$")
_DOC_SUFFIXES = (".txt", ".text", ".docx", ".doc", ".rtf", ".odt", ".pdf", ".md", ".html", ".htm")
_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_MAX_LISTED = 12


# ==================================================================================================
# results
# ==================================================================================================
@dataclass(frozen=True)
class ImportSummary:
    """What :func:`import_qdpx` read and wrote.

    Attributes
    ----------
    source : str
        The ``.qdpx`` file.
    project : str
        The new project folder.
    origin : str or None
        The program that wrote the file (``Project@origin``).
    transcripts, coders, codings, codes, memos : int
        How many were imported.
    skipped_codings : int
        Codings not imported (out of range, unknown code or source, not text...; each listed in ``warnings``).
    warnings : tuple of str
        One line per tolerated deviation or skipped item (also issued as :class:`RefiWarning`).
    coder_map : tuple of (str, str, str)
        ``(REFI user GUID, REFI user name, coder)`` for each user.
    """

    source: str
    project: str
    origin: str | None
    transcripts: int
    coders: int
    codings: int
    codes: int
    memos: int
    skipped_codings: int
    warnings: tuple[str, ...] = ()
    coder_map: tuple[tuple[str, str, str], ...] = ()

    @property
    def n_warnings(self) -> int:
        """How many warnings the import gave."""
        return len(self.warnings)

    def to_dict(self) -> dict[str, Any]:
        """Plain data (as stored in ``refi-qda.yaml``)."""
        return {"source": self.source, "project": self.project, "origin": self.origin,
                "transcripts": self.transcripts, "coders": self.coders, "codings": self.codings,
                "codes": self.codes, "memos": self.memos, "skipped_codings": self.skipped_codings,
                "warnings": list(self.warnings), "coder_map": [list(row) for row in self.coder_map]}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ImportSummary:
        """Rebuild from :meth:`to_dict` output."""
        return cls(source=str(data["source"]), project=str(data["project"]), origin=data.get("origin"),
                   transcripts=int(data["transcripts"]), coders=int(data["coders"]), codings=int(data["codings"]),
                   codes=int(data["codes"]), memos=int(data.get("memos", 0)),
                   skipped_codings=int(data.get("skipped_codings", 0)),
                   warnings=tuple(data.get("warnings") or ()),
                   coder_map=tuple(tuple(row) for row in data.get("coder_map") or ()))

    def __str__(self) -> str:
        lines = [f"Imported {self.source}" + (f" (written by {self.origin})" if self.origin else "")
                 + f" into {self.project}:",
                 f"  {self.transcripts} transcripts, {self.coders} coders, {self.codings} codings, "
                 f"{self.codes} codes, {self.memos} memos; {self.skipped_codings} codings skipped; "
                 f"{len(self.warnings)} warnings"]
        if self.coder_map:
            lines.append("  coders: " + ", ".join(f"{name or guid} -> {coder}" for guid, name, coder in self.coder_map))
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


@dataclass(frozen=True)
class ExportSummary:
    """What :func:`export_qdpx` wrote."""

    path: str
    transcripts: int
    coders: int
    codings: int
    selections: int
    codes: int
    notes: int
    variables: int
    size_bytes: int

    def __str__(self) -> str:
        return (f"Exported {self.path} ({self.size_bytes} bytes): {self.transcripts} transcripts, {self.coders} "
                f"coders, {self.codings} codings in {self.selections} selections, {self.codes} codes, "
                f"{self.notes} notes, {self.variables} variables")


# ==================================================================================================
# small helpers
# ==================================================================================================
def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _local(el: ET.Element) -> str:
    return qdc._split(el.tag)[1] if isinstance(el.tag, str) else ""


def _kids(el: ET.Element | None, local: str) -> list[ET.Element]:
    return [] if el is None else qdc._children(el, local)


def _kid(el: ET.Element | None, local: str) -> ET.Element | None:
    found = _kids(el, local)
    return found[0] if found else None


def _guid(value: str | None) -> str | None:
    """A GUID normalised for lookups (lower case, no braces), or None when malformed."""
    match = _GUID_RE.match(value.strip()) if value else None
    return match.group(1).lower() if match else None


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def _listing(items: list[str]) -> str:
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def _coder_slug(name: str, taken: set[str]) -> str:
    from hrp_coding.store.codings_import import CODER_PATTERN

    base = name if CODER_PATTERN.match(name) else None
    if base is None:
        text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
        base = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:56] or "user"
    return qdc._unique(base, taken, sep="-")


def _transcript_slug(name: str, taken: set[str]) -> str:
    stem = name.strip()
    if stem.lower().endswith(_DOC_SUFFIXES):
        stem = stem[: stem.rfind(".")]
    stem = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode("ascii")
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("._-")[:60] or "source"
    if not stem[0].isalnum():
        stem = "S" + stem
    candidate, n = stem, 2
    while candidate.casefold() in taken:
        candidate = f"{stem}_{n}"
        n += 1
    taken.add(candidate.casefold())
    return candidate


def _packed(text: str | None, marker: str) -> tuple[str, dict | None]:
    return qdc._unpack(text, marker)


def _pack(human: str, marker: str, data: Mapping[str, Any]) -> str:
    line = marker + json.dumps(dict(data), ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return f"{human}\n\n{line}" if human else line


# ==================================================================================================
# text and offsets
# ==================================================================================================
class _Text:
    """A source text as the other program stored it, its canonical form, and the offset mapping between them."""

    def __init__(self, raw: str):
        self.raw = raw
        self.collapsed = raw.replace("\r\n", "\n").replace("\r", "\n") if "\r" in raw else raw
        self.crlf = raw.count("\r\n")
        self._pairs = [m.start() for m in re.finditer("\r\n", raw)] if self.crlf else []
        self.canonical = unicodedata.normalize("NFC", self.collapsed)
        self.nfc_changed = self.canonical != self.collapsed
        self.crlf_as_two = False
        self._nfc_cache: dict[int, int] = {}

    def decide_crlf(self, positions: Iterable[int]) -> bool:
        """Count CRLF as two characters only when the offsets fit that reading and not the usual one."""
        positions = list(positions)
        if self.crlf and positions and max(positions) > len(self.collapsed) and max(positions) <= len(self.raw):
            self.crlf_as_two = True
        return self.crlf_as_two

    def map(self, pos: int) -> int:
        if self.crlf_as_two:
            pos -= bisect.bisect_left(self._pairs, pos - 1)  # pairs whose "\n" lies before pos
        if self.nfc_changed:
            if pos not in self._nfc_cache:
                self._nfc_cache[pos] = len(unicodedata.normalize("NFC", self.collapsed[:pos]))
            pos = self._nfc_cache[pos]
        return pos

    @property
    def source_length(self) -> int:
        return len(self.raw) if self.crlf_as_two else len(self.collapsed)


def _decode(data: bytes, *, where: str, fallbacks: tuple[str, ...], notes: list[str]) -> str | None:
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append(f"{where}: starts with a UTF-8 byte order mark (BOM); removed, not counted in positions")
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        notes.append(f"{where}: UTF-16 text (byte order mark); decoded, the BOM not counted in positions")
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as err:
            notes.append(f"{where}: not valid UTF-16 ({err}); source skipped")
            return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        for encoding in fallbacks:
            try:
                text = data.decode(encoding)
            except (UnicodeDecodeError, LookupError):
                continue
            notes.append(f"{where}: not valid UTF-8 (byte {err.start}); decoded as {encoding}")
            return text
        notes.append(f"{where}: not valid UTF-8 (byte {err.start}) nor {', '.join(fallbacks) or 'any fallback'}; "
                     "source skipped (pass encoding_fallbacks=)")
        return None


# ==================================================================================================
# import: reading the archive into an intermediate model (nothing written yet)
# ==================================================================================================
@dataclass
class _Source:
    guid: str
    name: str
    tid: str
    text: str
    attributes: dict = field(default_factory=dict)
    speaker_roles: dict = field(default_factory=dict)
    location: str = ""


@dataclass
class _Span:
    tid: str
    coder: str
    code: str
    start: int
    end: int
    selection: str
    coding: str
    memo: list = field(default_factory=list)


class _Reader:
    """Reads a project.qde (and its archive) into plain Python data; collects warnings; writes nothing."""

    def __init__(self, archive: SafeZip | None, source: str, *, fallbacks: tuple[str, ...], external_files: bool,
                 base_dir: Path | None):
        self.archive = archive
        self.source = source
        self.fallbacks = fallbacks
        self.external_files = external_files
        self.base_dir = base_dir
        self.notes: list[str] = []
        self.skipped = 0
        self.members_ci = {n.casefold(): n for n in (archive.names if archive else ())}

    def warn(self, message: str) -> None:
        self.notes.append(message)

    # -- the XML --------------------------------------------------------------------------------
    def project_xml(self) -> tuple[str, bytes]:
        names = self.archive.names
        if "project.qde" in names:
            return "project.qde", self.archive.read("project.qde")
        top = [n for n in names if "/" not in n and n.lower().endswith(".qde")]
        if len(top) == 1:
            self.warn(f"the project XML is named {top[0]!r}, not 'project.qde' (ATLAS.ti names it after the "
                      "project); read anyway")
            return top[0], self.archive.read(top[0])
        anywhere = [n for n in names if n.lower().endswith(".qde")]
        if len(top) > 1 or (not top and len(anywhere) > 1):
            raise RefiError([Problem("(archive)", f"several project XML files: {', '.join(top or anywhere)}",
                                     hint="a .qdpx holds one project.qde")], source=self.source)
        if len(anywhere) == 1:
            self.warn(f"the project XML is at {anywhere[0]!r}, not at the top of the archive; read anyway")
            return anywhere[0], self.archive.read(anywhere[0])
        raise RefiError([Problem("(archive)", "no project.qde (nor any .qde file) in the archive",
                                 hint=f"members: {_listing(list(names)) or 'none'}")], source=self.source)

    # -- users ----------------------------------------------------------------------------------
    def users(self, root: ET.Element) -> None:
        self.coder_of: dict[str, str] = {}
        self.coder_map: list[tuple[str, str, str]] = []
        self._taken_coders: set[str] = set()
        for i, user in enumerate(_kids(_kid(root, "Users"), "User")):
            guid = _guid(user.get("guid"))
            name = (user.get("name") or "").strip() or (user.get("id") or "").strip()
            if guid is None:
                self.warn(f"Users/User[{i + 1}] ({name or 'unnamed'}): missing or malformed guid "
                          f"{user.get('guid')!r}; its codings cannot be attributed to it")
                continue
            if not name:
                name = f"user-{guid[:8]}"
                self.warn(f"user {guid} has no name; coder {name!r}")
            coder = _coder_slug(name, self._taken_coders)
            self.coder_of[guid] = coder
            self.coder_map.append((guid, user.get("name") or user.get("id") or "", coder))

    def coder(self, *guids: str | None, what: str) -> str:
        for raw in guids:
            if raw is None:
                continue
            guid = _guid(raw)
            if guid is None:
                continue
            if guid not in self.coder_of:
                coder = _coder_slug(f"user-{guid[:8]}", self._taken_coders)
                self.coder_of[guid] = coder
                self.coder_map.append((guid, "", coder))
                self.warn(f"{what}: creatingUser {raw} is not among <Users>; coder {coder!r}")
            return self.coder_of[guid]
        if "unknown" not in self.coder_of:
            self.coder_of["unknown"] = _coder_slug("unknown", self._taken_coders)
            self.warn(f"{what}: no creatingUser on the coding, its selection, its source or the project; such "
                      f"codings are attributed to coder {self.coder_of['unknown']!r}")
        return self.coder_of["unknown"]

    # -- notes ----------------------------------------------------------------------------------
    def read_notes(self, root: ET.Element) -> None:
        self.notes_by_guid: dict[str, dict] = {}
        for i, note in enumerate(_kids(_kid(root, "Notes"), "Note")):
            guid = _guid(note.get("guid"))
            where = f"note {note.get('name') or i + 1!r}"
            text = self._text_of(note, where=where)
            if guid is None or text is None:
                if guid is None:
                    self.warn(f"{where}: missing or malformed guid; skipped")
                continue
            self.notes_by_guid[guid] = {"guid": guid, "name": note.get("name") or "", "text": text.raw.strip(),
                                        "author": note.get("creatingUser"), "at": note.get("creationDateTime"),
                                        "used": False}

    def note_text(self, ref: ET.Element, where: str) -> tuple[str, str | None] | None:
        guid = _guid(ref.get("targetGUID"))
        note = self.notes_by_guid.get(guid or "")
        if note is None:
            self.warn(f"{where}: <NoteRef targetGUID={ref.get('targetGUID')!r}> names no note; ignored")
            return None
        note["used"] = True
        return note["text"], note["author"]

    # -- source texts ---------------------------------------------------------------------------
    def _member(self, path: str, where: str, *, bare: bool) -> str | None:
        candidates = [f"sources/{path}", path] if bare else [f"sources/{path}"]
        for name in candidates:
            if name in self.archive.names:
                return name
        for name in candidates:
            actual = self.members_ci.get(name.casefold())
            if actual is not None:
                if actual.split("/", 1)[0] != "sources" and "/" in actual:
                    self.warn(f"{where}: text found at {actual!r} (folder {actual.split('/', 1)[0]!r} instead of "
                              "'sources'); read anyway")
                return actual
        basename = path.rsplit("/", 1)[-1].casefold()
        matches = [n for n in self.archive.names if n.rsplit("/", 1)[-1].casefold() == basename]
        if len(matches) == 1:
            self.warn(f"{where}: text {path!r} found at {matches[0]!r} instead of under sources/; read anyway")
            return matches[0]
        return None

    def _external(self, path: Path, where: str) -> bytes | None:
        if not self.external_files:
            self.warn(f"{where}: its text is outside the archive ({path}); not read (pass external_files=True, "
                      "CLI --external-files, to read files outside the archive); source skipped")
            return None
        if not path.is_file():
            self.warn(f"{where}: external text file {path} not found; source skipped")
            return None
        if path.stat().st_size > self.archive.limits.max_bytes:
            self.warn(f"{where}: external text file {path} is larger than max_bytes; source skipped")
            return None
        self.warn(f"{where}: text read from the external file {path}")
        return path.read_bytes()

    def _text_of(self, el: ET.Element, *, where: str) -> _Text | None:
        content = _kid(el, "PlainTextContent")
        path = el.get("plainTextPath")
        if content is not None and path:
            self.warn(f"{where}: has both PlainTextContent and plainTextPath (the schema allows one); the file "
                      "is used")
        if not path:
            if content is not None:
                return _Text(content.text or "")
            if el.get("richTextPath"):
                self.warn(f"{where}: only a rich-text file ({el.get('richTextPath')}), no plain text; skipped")
            else:
                self.warn(f"{where}: neither PlainTextContent nor plainTextPath; skipped")
            return None
        data = None
        scheme, sep, rest = path.partition("://")
        if not sep:
            self.warn(f"{where}: plainTextPath {path!r} is a bare file name, not internal://...; looked up in "
                      "sources/")
            member = self._member(path.replace("\\", "/"), where, bare=True)
            data = self.archive.read(member) if member else None
        elif scheme.lower() == "internal":
            member = self._member(rest.replace("\\", "/"), where, bare=False)
            data = self.archive.read(member) if member else None
        elif scheme.lower() == "relative":
            rel = urllib.parse.unquote(rest).replace("\\", "/").lstrip("/")
            member = self._member(rel, where, bare=True)
            if member:
                data = self.archive.read(member)
            else:
                base = self.base_dir or Path(".")
                data = self._external(base / rel, where)
                if data is None:
                    return None
        elif scheme.lower() in ("absolute", "file"):
            absolute = urllib.parse.unquote(rest)
            if scheme.lower() == "file" and absolute.startswith("localhost/"):
                absolute = absolute[len("localhost"):]
            data = self._external(Path(absolute if absolute.startswith("/") or re.match(r"^[A-Za-z]:", absolute)
                                       else "/" + absolute), where)
            if data is None:
                return None
        else:
            self.warn(f"{where}: plainTextPath {path!r} has an unknown scheme {scheme!r}; skipped")
            return None
        if data is None:
            self.warn(f"{where}: text file {path!r} is not in the archive; skipped")
            return None
        raw = _decode(data, where=where, fallbacks=self.fallbacks, notes=self.notes)
        return None if raw is None else _Text(raw)

    # -- sources and codings ----------------------------------------------------------------------
    def sources(self, root: ET.Element, code_of: Mapping[str, str | None]) -> None:
        self.src: dict[str, _Source] = {}
        self.spans: list[_Span] = []
        self.selection_spans: dict[str, list[_Span]] = {}
        self.coding_span: dict[str, _Span] = {}
        self.transcript_memos: list[tuple[str, str, str | None]] = []
        taken: set[str] = set()
        names_seen: dict[str, int] = {}
        project_user = root.get("creatingUserGUID")
        sources_el = _kid(root, "Sources")
        other = [c for c in (sources_el if sources_el is not None else []) if _local(c) != "TextSource"]
        if other:
            kinds: dict[str, int] = {}
            codings = 0
            for el in other:
                kinds[_local(el)] = kinds.get(_local(el), 0) + 1
                codings += sum(1 for x in el.iter() if _local(x) == "Coding")
            self.skipped += codings
            self.warn("sources that are not text are not imported: " + ", ".join(f"{n} {k}" for k, n in kinds.items())
                      + f" ({codings} coding(s) on them skipped)")
        for i, el in enumerate(_kids(sources_el, "TextSource")):
            name = el.get("name") or ""
            where = f"TextSource {name or el.get('plainTextPath') or i + 1!r}"
            guid = _guid(el.get("guid"))
            selections = _kids(el, "PlainTextSelection")
            n_codings = sum(len(_kids(s, "Coding")) for s in selections) + len(_kids(el, "Coding"))
            if guid is None:
                self.warn(f"{where}: missing or malformed guid {el.get('guid')!r}; skipped with its {n_codings} "
                          "coding(s)")
                self.skipped += n_codings
                continue
            text = self._text_of(el, where=where)
            if text is None:
                self.skipped += n_codings
                continue
            _human, packed = _packed(_kid(el, "Description").text if _kid(el, "Description") is not None else None,
                                    TRANSCRIPT_MARKER)
            if name:
                names_seen[name] = names_seen.get(name, 0) + 1
                if names_seen[name] == 2:
                    self.warn(f"several sources are named {name!r} (MAXQDA allows it); later ones get a suffix")
            wanted = packed.get("id") if packed and isinstance(packed.get("id"), str) else None
            if wanted and wanted.casefold() not in taken:
                taken.add(wanted.casefold())
                tid = wanted
            else:
                tid = _transcript_slug(name or (el.get("plainTextPath") or "").rsplit("/", 1)[-1] or guid, taken)
            if text.raw.startswith("\ufeff"):
                self.warn(f"{where}: text starts with a byte order mark (BOM); removed, not counted in positions")
                text = _Text(text.raw[1:])
            source = _Source(guid=guid, name=name, tid=tid, text="", location=el.get("plainTextPath") or "(inline)",
                             speaker_roles=dict(packed.get("speaker_roles") or {}) if packed else {})
            self.src[guid] = source
            # selections: collect positions first (to decide how CRLF was counted)
            raw_positions = []
            for sel in selections:
                for attr in ("startPosition", "endPosition"):
                    with contextlib.suppress(TypeError, ValueError):
                        raw_positions.append(int(sel.get(attr)))
            if text.crlf:
                if text.decide_crlf(raw_positions):
                    self.warn(f"{where}: text has CRLF line breaks and its positions count each as two characters "
                              "(they only fit that way); mapped onto the canonical text with LF")
                else:
                    self.warn(f"{where}: text has {text.crlf} CRLF line break(s); each counted as one character "
                              "(as ATLAS.ti counts them) and stored as LF")
            if text.nfc_changed:
                self.warn(f"{where}: text was not in Unicode NFC; normalised, positions mapped accordingly")
            source.text = text.canonical
            for sref in _kids(el, "NoteRef"):
                found = self.note_text(sref, where)
                if found:
                    self.transcript_memos.append((tid, found[0], found[1]))
            for vv in _kids(el, "VariableValue"):
                self._variable_value(vv, source.attributes, where)
            if _kids(el, "Coding"):
                self.warn(f"{where}: {len(_kids(el, 'Coding'))} coding(s) of the whole source (not of a selection) "
                          "are not imported")
                self.skipped += len(_kids(el, "Coding"))
            bad: list[str] = []
            for j, sel in enumerate(selections):
                sel_where = f"{where} selection {sel.get('name') or j + 1!r}"
                sel_guid = _guid(sel.get("guid")) or f"selection-{i}-{j}"
                codings = _kids(sel, "Coding")
                try:
                    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError):
                    bad.append(f"{sel.get('startPosition')!r}-{sel.get('endPosition')!r} (not whole numbers)")
                    self.skipped += len(codings)
                    continue
                if not (0 <= start < end <= text.source_length):
                    why = "empty or reversed" if start >= end else f"outside the text (0-{text.source_length})"
                    bad.append(f"{start}-{end} ({why})")
                    self.skipped += len(codings)
                    continue
                cstart, cend = text.map(start), text.map(end)
                if cstart >= cend:
                    bad.append(f"{start}-{end} (empty after normalisation)")
                    self.skipped += len(codings)
                    continue
                sel_memos = []
                for ref in _kids(sel, "NoteRef"):
                    found = self.note_text(ref, sel_where)
                    if found:
                        sel_memos.append(found[0])
                spans = self.selection_spans.setdefault(sel_guid, [])
                for k, coding in enumerate(codings):
                    ref = _kid(coding, "CodeRef")
                    code_guid = _guid(ref.get("targetGUID")) if ref is not None else None
                    if code_guid is None or code_guid not in code_of:
                        self.warn(f"{sel_where}: coding {k + 1} refers to no known code "
                                  f"({ref.get('targetGUID') if ref is not None else 'no CodeRef'}); skipped")
                        self.skipped += 1
                        continue
                    code = code_of[code_guid]
                    if code is None:
                        self.skipped += 1
                        continue  # reported once per code by the caller
                    coder = self.coder(coding.get("creatingUser"), sel.get("creatingUser"), el.get("creatingUser"),
                                       project_user, what=sel_where)
                    span = _Span(tid, coder, code, cstart, cend, sel_guid, _guid(coding.get("guid")) or "",
                                 list(sel_memos))
                    for ref2 in _kids(coding, "NoteRef"):
                        found = self.note_text(ref2, sel_where)
                        if found:
                            span.memo.append(found[0])
                    spans.append(span)
                    if span.coding:
                        self.coding_span[span.coding] = span
                    self.spans.append(span)
            if bad:
                self.warn(f"{where}: {len(bad)} selection(s) with positions that do not fit its text of "
                          f"{text.source_length} characters were skipped: {_listing(bad)}")

    # -- attributes -----------------------------------------------------------------------------
    def variables(self, root: ET.Element) -> None:
        self.var: dict[str, tuple[str, str]] = {}
        for i, v in enumerate(_kids(_kid(root, "Variables"), "Variable")):
            guid = _guid(v.get("guid"))
            if guid is None or not v.get("name"):
                self.warn(f"Variables/Variable[{i + 1}]: missing guid or name; ignored")
                continue
            self.var[guid] = (v.get("name"), v.get("typeOfVariable") or "Text")

    def _variable_value(self, vv: ET.Element, into: dict, where: str) -> None:
        ref = _kid(vv, "VariableRef")
        guid = _guid(ref.get("targetGUID")) if ref is not None else None
        if guid not in self.var:
            self.warn(f"{where}: a VariableValue refers to no known variable; ignored")
            return
        name, _kind = self.var[guid]
        value_el = next((c for c in vv if _local(c).endswith("Value") and _local(c) != "VariableValue"), None)
        if value_el is None or value_el.text is None:
            return
        raw = value_el.text.strip()
        tag = _local(value_el)
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

    def cases(self, root: ET.Element) -> list[dict]:
        out = []
        for i, case in enumerate(_kids(_kid(root, "Cases"), "Case")):
            name = case.get("name") or ""
            where = f"case {name or i + 1!r}"
            if not name:
                self.warn(f"Cases/Case[{i + 1}] has no name (MAXQDA writes unnamed cases); read anyway")
            values: dict = {}
            for vv in _kids(case, "VariableValue"):
                self._variable_value(vv, values, where)
            members = []
            for ref in _kids(case, "SourceRef"):
                guid = _guid(ref.get("targetGUID"))
                if guid in self.src:
                    members.append(guid)
                else:
                    self.warn(f"{where}: SourceRef {ref.get('targetGUID')!r} is no imported text source; ignored")
            for ref in _kids(case, "SelectionRef"):
                guid = _guid(ref.get("targetGUID"))
                owner = {s.tid for s in self.selection_spans.get(guid or "", [])}
                tids = {v.tid: k for k, v in self.src.items()}
                members += [tids[t] for t in owner if tids[t] not in members]
            for guid in members:
                for key, value in values.items():
                    self._set_attr(self.src[guid], key, value, where)
            out.append({"guid": _guid(case.get("guid")) or "", "name": name,
                        "transcripts": [self.src[g].tid for g in members], "attributes": values})
        return out

    def _set_attr(self, source: _Source, key: str, value: Any, where: str) -> None:
        if key in source.attributes and source.attributes[key] != value:
            self.warn(f"{where}: transcript {source.tid} already has {key}={source.attributes[key]!r}; "
                      f"{value!r} ignored")
            return
        source.attributes[key] = value

    # -- links ----------------------------------------------------------------------------------
    def links(self, root: ET.Element, code_ids: Mapping[str, str | None]) -> list[tuple[str, str, str, str | None]]:
        """Memos from Links between a note and a selection, coding, source or code: (kind, target, text, author)."""
        code_memos = []
        for i, link in enumerate(_kids(_kid(root, "Links"), "Link")):
            a, b = _guid(link.get("originGUID")), _guid(link.get("targetGUID"))
            note_guid, other = ((a, b) if a in self.notes_by_guid else (b, a) if b in self.notes_by_guid
                                else (None, None))
            if note_guid is None or other is None:
                continue  # a link between two non-notes: nothing to import
            note = self.notes_by_guid[note_guid]
            if other in self.selection_spans:
                for span in self.selection_spans[other]:
                    span.memo.append(note["text"])
            elif other in self.coding_span:
                self.coding_span[other].memo.append(note["text"])
            elif other in self.src:
                self.transcript_memos.append((self.src[other].tid, note["text"], note["author"]))
            elif code_ids.get(other):
                code_memos.append(("code", code_ids[other], note["text"], note["author"]))
            else:
                self.warn(f"Links/Link[{i + 1}] ({link.get('name') or 'unnamed'}): ties note {note['name']!r} to "
                          f"{other}, which was not imported; the note is kept in {SIDECAR}")
                continue
            note["used"] = True
        return code_memos


# ==================================================================================================
# import: the public functions
# ==================================================================================================
def _open_archive(path: Path, limits: ZipLimits) -> SafeZip:
    if path.is_dir():
        raise RefiError([Problem("(archive)", f"{path} is a folder; a .qdpx is a zip file",
                                 hint="zip the folder's project.qde and sources/ into a .qdpx")], source=str(path))
    if not path.is_file():
        raise FileNotFoundError(f"no such .qdpx file: {path}")
    return SafeZip(path, limits)


def import_qdpx(path: str | os.PathLike, study_dir: str | os.PathLike, *, codebook: str | os.PathLike | Codebook
                | None = None, max_bytes: int = DEFAULT_MAX_BYTES, max_ratio: float = 200.0,
                encoding_fallbacks: Iterable[str] = DEFAULT_ENCODING_FALLBACKS, external_files: bool = False,
                base_dir: str | os.PathLike | None = None) -> Project:
    """Import a REFI-QDA project (``.qdpx``) into a new project folder; returns the :class:`Project`.

    Parameters are those of :func:`import_qdpx_with_summary`; the :class:`ImportSummary` is stored in the
    project's ``refi-qda.yaml`` (read it with :func:`last_import_summary`) and each warning in it is issued
    as a :class:`~hrp_coding.errors.RefiWarning`.
    """
    project, _summary = import_qdpx_with_summary(path, study_dir, codebook=codebook, max_bytes=max_bytes,
                                                 max_ratio=max_ratio, encoding_fallbacks=encoding_fallbacks,
                                                 external_files=external_files, base_dir=base_dir)
    return project


def import_qdpx_with_summary(path: str | os.PathLike, study_dir: str | os.PathLike, *,
                             codebook: str | os.PathLike | Codebook | None = None, max_bytes: int = DEFAULT_MAX_BYTES,
                             max_ratio: float = 200.0,
                             encoding_fallbacks: Iterable[str] = DEFAULT_ENCODING_FALLBACKS,
                             external_files: bool = False,
                             base_dir: str | os.PathLike | None = None) -> tuple[Project, ImportSummary]:
    """Import a ``.qdpx`` file into a new project folder; returns ``(project, summary)``.

    Parameters
    ----------
    path : path-like
        The ``.qdpx`` archive (untrusted: see the module docstring).
    study_dir : path-like
        The project folder to create (must not exist, or be empty).
    codebook : path or Codebook, optional
        Use this codebook instead of the file's: each REFI code is matched to it by our code id (in files
        hrp-coding wrote), then by name (case-insensitive), then by id slug; codings of unmatched codes
        are skipped and listed.
    max_bytes, max_ratio : int, float
        Zip-bomb limits: total uncompressed bytes, and compression ratio per member (above 1 MiB).
    encoding_fallbacks : iterable of str
        Encodings tried, in order, for a source text that is not UTF-8 (each use is a warning).
    external_files : bool
        Read source texts outside the archive (``relative://``, ``absolute://`` paths). Off by default: a
        file from someone else should not make hrp-coding read arbitrary files of this computer.
    base_dir : path-like, optional
        Folder that ``relative://`` paths start from (default: the project's ``basePath``, else the folder
        of the ``.qdpx``).

    Raises
    ------
    RefiError
        For an unsafe archive (zip slip, zip bomb, symlink), hostile XML (entities), malformed XML (naming
        line and column), or a file that is not a REFI-QDA project. Nothing is written then.
    ProjectError
        When ``study_dir`` exists and is not empty.
    """
    from hrp_coding.codebook import Codebook
    from hrp_coding.project import Project

    path = Path(path)
    study_dir = Path(study_dir)
    source = str(path)
    if study_dir.exists() and (not study_dir.is_dir() or any(study_dir.iterdir())):
        raise ProjectError(f"cannot import into {study_dir}: it exists and is not an empty folder")
    limits = ZipLimits(max_bytes=max_bytes, max_ratio=max_ratio)
    fallbacks = tuple(encoding_fallbacks)
    with _open_archive(path, limits) as archive:
        reader = _Reader(archive, source, fallbacks=fallbacks, external_files=external_files, base_dir=None)
        xml_name, data = reader.project_xml()
        if data.startswith(b"\xef\xbb\xbf"):
            reader.warn(f"{xml_name} starts with a UTF-8 byte order mark (BOM); ignored")
        root = qdc.parse_xml(data, source=f"{source}:{xml_name}")
        ns, local = qdc._split(root.tag)
        if local != "Project":
            raise RefiError([Problem("(xml)", f"the root element is <{local}>, not <Project>: not a REFI-QDA project",
                                     file=xml_name)], source=source)
        if ns is None:
            reader.warn("the <Project> element has no namespace (expected urn:QDA-XML:project:1.0); read anyway")
        elif ns not in _KNOWN_PROJECT_NS:
            kind = "a known variant" if ns.startswith("urn:QDA-XML:project:") else "unexpected"
            reader.warn(f"namespace {ns!r} ({kind} of urn:QDA-XML:project:1.0); read as 1.0")
        project_name = (root.get("name") or "").strip() or path.stem
        if base_dir is not None:
            reader.base_dir = Path(base_dir)
        else:
            base = root.get("basePath")
            reader.base_dir = Path(base) if base and Path(base).is_dir() else path.resolve().parent

        # codebook (+ code sets at project level)
        code_guids: dict[str, str] = {}
        book_el = _kid(root, "CodeBook")
        file_cb = None
        sets = _kids(_kid(root, "Sets"), "Set")
        if book_el is not None:
            cb_notes: list[str] = []
            file_cb = qdc.codebook_from_element(book_el, source=f"{source}:{xml_name}", warnings=cb_notes,
                                                sets=sets, name=project_name, guid_map=code_guids)
            reader.notes += [f"codebook: {n}" for n in cb_notes]
        if codebook is not None:
            target_cb = codebook if isinstance(codebook, Codebook) else Codebook.load(codebook)
            code_of = _match_codes(file_cb, code_guids, target_cb, reader)
        elif file_cb is None:
            raise RefiError([Problem("CodeBook", "the project has no <CodeBook>", hint="pass codebook= to import "
                                     "its sources and codings against a codebook of yours")], source=source)
        else:
            target_cb = file_cb
            code_of = dict(code_guids)
        retired = {cid for cid, code in target_cb.codes.items() if not code.is_active}
        code_of_active: dict[str, str | None] = {g: (None if c in retired else c) for g, c in code_of.items()}

        reader.users(root)
        reader.read_notes(root)
        reader.variables(root)
        reader.sources(root, code_of_active)
        referenced = {_guid(ref.get("targetGUID")) for ref in root.iter() if _local(ref) == "CodeRef"}
        retired_used = sorted({c for g, c in code_of.items() if c in retired and g in referenced})
        if retired_used:
            reader.warn(f"codings of retired codes were skipped: {', '.join(retired_used)}")
        cases = reader.cases(root)
        code_memos = [("code", cid, text, author) for cid, text, author in _code_notes(book_el, code_of, reader)]
        code_memos += reader.links(root, code_of)
        source_sets = [{"guid": _guid(s.get("guid")) or "", "name": s.get("name") or "",
                        "transcripts": [reader.src[g].tid for g in (_guid(m.get("targetGUID"))
                                                                     for m in _kids(s, "MemberSource"))
                                        if g in reader.src]}
                       for s in sets if _kids(s, "MemberSource")]
        if source_sets:
            reader.warn(f"{len(source_sets)} set(s) of sources ({', '.join(s['name'] for s in source_sets)}) have "
                        f"no hrp-coding equivalent; kept in {SIDECAR}")
        project_level = [_guid(r.get("targetGUID")) for r in _kids(root, "NoteRef")]
        loose = [n for n in reader.notes_by_guid.values() if not n["used"]]
        if loose:
            reader.warn(f"{len(loose)} note(s) not tied to a coding, transcript or code "
                        f"({_listing([repr(n['name'] or n['guid']) for n in loose])}) are kept in {SIDECAR}")
        _desc, packed_project = _packed(_kid(root, "Description").text if _kid(root, "Description") is not None
                                        else None, PROJECT_MARKER)
        if _kids(root, "Graphs"):
            reader.warn("<Graphs> (network views) have no hrp-coding equivalent; not imported")

    # everything is read: now write the project (removed again if anything fails)
    created = not study_dir.exists()
    try:
        summary = _write_project(study_dir, reader, target_cb, project_name, root, source, cases, code_memos,
                                 source_sets, loose, project_level, packed_project)
    except BaseException:
        if created:
            shutil.rmtree(study_dir, ignore_errors=True)
        else:
            for child in study_dir.iterdir():
                shutil.rmtree(child, ignore_errors=True) if child.is_dir() else child.unlink(missing_ok=True)
        raise
    for message in summary.warnings:
        _warnings.warn(f"{path.name}: {message}", RefiWarning, stacklevel=2)
    return Project.open(study_dir), summary


def _code_notes(book_el: ET.Element | None, code_of: Mapping[str, str], reader: _Reader):
    """Memos from ``NoteRef`` children of ``Code`` elements."""
    out = []
    for el in (book_el.iter() if book_el is not None else ()):
        if _local(el) != "Code":
            continue
        cid = code_of.get(_guid(el.get("guid")) or "")
        for ref in _kids(el, "NoteRef"):
            found = reader.note_text(ref, f"code {el.get('name')!r}")
            if found and cid:
                out.append((cid, found[0], found[1]))
    return out


def _match_codes(file_cb: Codebook | None, code_guids: Mapping[str, str], target: Codebook,
                 reader: _Reader) -> dict[str, str | None]:
    """REFI code GUID -> code id of the codebook the caller gave (None when it has no match)."""
    from hrp_coding.codebook.qdc import _slug

    by_name = {c.name.casefold(): cid for cid, c in target.codes.items()}
    out: dict[str, str | None] = {}
    unmatched = []
    for guid, file_id in code_guids.items():
        name = file_cb.codes[file_id].name if file_cb is not None and file_id in file_cb.codes else file_id
        match = (file_id if file_id in target.codes else by_name.get(name.casefold())
                 or (_slug(name) if _slug(name) in target.codes else None))
        out[guid] = match
        if match is None:
            unmatched.append(name)
    if unmatched:
        reader.warn(f"{len(unmatched)} code(s) of the file are not in the codebook given ({_listing(unmatched)}); "
                    "their codings are skipped")
    return out


def _write_project(study_dir: Path, reader: _Reader, codebook: Codebook, project_name: str, root: ET.Element,
                   source: str, cases: list[dict], code_memos: list, source_sets: list, loose: list,
                   project_level: list, packed_project: dict | None) -> ImportSummary:
    import warnings

    import pandas as pd

    from hrp_coding.errors import TranscriptWarning
    from hrp_coding.project import Project

    spans = reader.spans
    coders = sorted({s.coder for s in spans} | {c for _g, _n, c in reader.coder_map})
    project = Project.init(study_dir, codebook=codebook, name=project_name, coders=coders)
    if packed_project and isinstance(packed_project.get("settings"), dict):
        try:
            project.update_settings(**packed_project["settings"])
        except ProjectError as err:
            reader.warn(f"the project settings written by hrp-coding could not be restored: {err}")
    imported_sources = []
    for guid, src in reader.src.items():
        if "\n" not in src.text and len(src.text) < 4096 and Path(src.text).exists():
            # Project.add_transcript would take such a string for a file path: refuse rather than read that file
            reader.warn(f"source {src.name!r}: its whole text {src.text[:60]!r} names an existing path; skipped")
            reader.skipped += sum(1 for s in spans if s.tid == src.tid)
            continue
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", TranscriptWarning)
            project.add_transcript(src.text, transcript_id=src.tid, attributes=src.attributes or None,
                                   speaker_roles=src.speaker_roles or None)
        for w in caught:
            if issubclass(w.category, TranscriptWarning):
                reader.warn(f"transcript {src.tid}: {w.message}")
            else:  # pragma: no cover - other warnings pass through unchanged
                warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
        imported_sources.append(guid)
    imported_tids = {reader.src[g].tid for g in imported_sources}
    rows, seen, dupes = [], set(), 0
    for s in spans:
        if s.tid not in imported_tids:
            continue
        key = (s.coder, s.tid, s.start, s.end, s.code)
        if key in seen:
            dupes += 1
            continue
        seen.add(key)
        memo = "\n\n".join(dict.fromkeys(m for m in s.memo if m)) or None
        rows.append({"transcript": s.tid, "coder": s.coder, "code": s.code, "start": s.start, "end": s.end,
                     "memo": memo})
    if dupes:
        reader.warn(f"{dupes} coding(s) repeat another of the same user, code and span; imported once")
        reader.skipped += dupes
    added = 0
    if rows:
        report = project.import_codings(pd.DataFrame(rows, columns=["transcript", "coder", "code", "start", "end",
                                                                     "memo"]))
        added = report.added
    n_memos = 0
    for tid, text, author in reader.transcript_memos:
        if tid in imported_tids and text.strip():
            project.add_memo("transcript", tid, text, coder=reader.coder(author, what=f"memo on {tid}")
                             if author else _memo_author(reader))
            n_memos += 1
    for _kind, cid, text, author in code_memos:
        if text.strip():
            project.add_memo("code", cid, text, coder=reader.coder(author, what=f"memo on code {cid}")
                             if author else _memo_author(reader))
            n_memos += 1
    n_memos += sum(1 for r in rows if r["memo"])
    summary = ImportSummary(source=source, project=str(study_dir), origin=root.get("origin"),
                            transcripts=len(imported_sources), coders=len({r["coder"] for r in rows}),
                            codings=added, codes=len(codebook.codes), memos=n_memos, skipped_codings=reader.skipped,
                            warnings=tuple(reader.notes), coder_map=tuple(reader.coder_map))
    sidecar = {
        "format": "hrp-coding refi-qda sidecar v1",
        "imported_from": source,
        "imported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "origin": root.get("origin"),
        "project_name": project_name,
        "users": [{"guid": g, "name": n, "coder": c} for g, n, c in reader.coder_map],
        "sources": [{"guid": g, "name": reader.src[g].name, "transcript": reader.src[g].tid,
                     "text": reader.src[g].location} for g in imported_sources],
        "cases": cases,
        "source_sets": source_sets,
        "notes": [{"guid": n["guid"], "name": n["name"], "text": n["text"], "author": n["author"],
                   "at": n["at"], "project_level": n["guid"] in project_level} for n in loose],
        "summary": summary.to_dict(),
    }
    import yaml

    atomic_write_text(study_dir / SIDECAR, yaml.safe_dump(sidecar, sort_keys=False, allow_unicode=True, width=120))
    return summary


def _memo_author(reader: _Reader) -> str:
    return reader.coder(None, what="a note without creatingUser")


def last_import_summary(project: Project | str | os.PathLike) -> ImportSummary:
    """The :class:`ImportSummary` of the import that created ``project`` (from its ``refi-qda.yaml``).

    Raises
    ------
    ProjectError
        When the project was not imported from a ``.qdpx`` (no ``refi-qda.yaml``) or the file is unreadable.
    """
    import yaml

    folder = Path(getattr(project, "path", project))
    file = folder / SIDECAR
    if not file.is_file():
        raise ProjectError(f"{folder} was not imported from a REFI-QDA file: no {SIDECAR}")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
        return ImportSummary.from_dict(data["summary"])
    except (yaml.YAMLError, KeyError, TypeError, ValueError) as err:
        raise ProjectError(f"{file}: unreadable import summary ({err})") from err


# ==================================================================================================
# export
# ==================================================================================================
def _namespace(project_name: str) -> uuid.UUID:
    return uuid.uuid5(qdc.GUID_NAMESPACE, f"project:{project_name}")


def project_guids(project_name: str):
    """The GUID function of a project: ``guid(kind, *ids)`` -> upper-case UUID version 5 (stable across exports).

    Examples
    --------
    >>> g = project_guids("Making Room")
    >>> g("user", "ana") == project_guids("Making Room")("user", "ana") != project_guids("Other")("user", "ana")
    True
    """
    namespace = _namespace(project_name)

    def guid(kind: str, *ids: Any) -> str:
        return str(uuid.uuid5(namespace, ":".join([kind, *map(str, ids)]))).upper()

    return guid


def _variable_type(values: list) -> str:
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "Boolean"
    if kinds == {int}:
        return "Integer"
    if kinds <= {int, float} and all(v == v and v not in (float("inf"), float("-inf")) for v in values):
        return "Float"
    return "Text"


def _value_element(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean":
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer":
        return "IntegerValue", str(int(value))
    if kind == "Float":
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    return "TextValue", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def export_qdpx(project: Project, path: str | os.PathLike, *, origin: str | None = None) -> ExportSummary:
    """Write ``project`` as a REFI-QDA project exchange file (``.qdpx``), atomically.

    The archive holds ``project.qde`` (valid against the REFI-QDA ``Project.xsd``) and ``sources/<guid>.txt``,
    the canonical texts (UTF-8, LF). Coders become ``Users``; each coder's codings of one span become one
    ``PlainTextSelection`` with a ``Coding`` per code (``creatingUser``, ``creationDateTime``); coding memos,
    transcript memos and code memos become ``Notes`` referenced by ``NoteRef``; attributes become
    ``Variables`` and one ``Case`` per transcript; code sets become project ``Sets``. The same project
    always gives the same GUIDs, and the same bytes when nothing changed.

    Returns
    -------
    ExportSummary
    """
    from hrp_coding import __version__

    guid = project_guids(project.name)
    cb = project.codebook
    codings = project.codings()
    transcripts = {tid: project.transcript(tid) for tid in project.transcript_ids}
    memos = project.memos()
    memos = memos[memos["target_kind"].isin(["code", "transcript"])]
    people = sorted(set(codings["coder"]) | set(project.coders) | set(memos["coder"]))

    root = ET.Element(_q("Project"), {"name": project.name, "origin": origin or f"hrp-coding {__version__}"})
    if people:
        users = ET.SubElement(root, _q("Users"))
        for person in people:
            ET.SubElement(users, _q("User"), {"guid": guid("user", person), "name": person, "id": person})
    user_guid = {p: guid("user", p) for p in people}

    # codebook, with NoteRefs to code memos
    book = qdc.codes_to_element(cb, namespace=PROJECT_NS)
    root.append(book)
    notes: list[ET.Element] = []

    def note(kind: str, key: tuple, title: str, author: str | None, at: str | None, text: str) -> str:
        note_guid = guid("note", kind, *key)
        attrs = {"guid": note_guid, "name": title}
        if author in user_guid:
            attrs["creatingUser"] = user_guid[author]
        if at:
            attrs["creationDateTime"] = str(at)
        el = ET.Element(_q("Note"), attrs)
        ET.SubElement(el, _q("PlainTextContent")).text = text
        notes.append(el)
        return note_guid

    code_els = {el.get("guid"): el for el in book.iter(_q("Code"))}
    for n, row in enumerate(memos[memos["target_kind"] == "code"].itertuples(index=False)):
        el = code_els.get(qdc.code_guid(row.target_id))
        if el is None:
            continue
        ref = ET.Element(_q("NoteRef"), {"targetGUID": note("code", (row.target_id, n), f"Memo on code "
                                                            f"{cb.codes[row.target_id].name}", row.coder, row.at,
                                                            row.text)})
        el.insert(len(_kids(el, "Description")) + len(_kids(el, "NoteRef")), ref)

    # attributes -> Variables + Cases
    names = sorted({k for t in transcripts.values() for k, v in t.attributes.items() if v is not None})
    kinds = {k: _variable_type([t.attributes[k] for t in transcripts.values() if t.attributes.get(k) is not None])
             for k in names}
    if names:
        variables = ET.SubElement(root, _q("Variables"))
        for k in names:
            ET.SubElement(variables, _q("Variable"), {"guid": guid("variable", k), "name": k,
                                                      "typeOfVariable": kinds[k]})
        cases = ET.SubElement(root, _q("Cases"))
        for tid, t in transcripts.items():
            values = {k: v for k, v in t.attributes.items() if v is not None}
            if not values:
                continue
            case = ET.SubElement(cases, _q("Case"), {"guid": guid("case", tid), "name": tid})
            for k in sorted(values):
                vv = ET.SubElement(case, _q("VariableValue"))
                ET.SubElement(vv, _q("VariableRef"), {"targetGUID": guid("variable", k)})
                tag, text = _value_element(kinds[k], values[k])
                ET.SubElement(vv, _q(tag)).text = text
            ET.SubElement(case, _q("SourceRef"), {"targetGUID": guid("source", tid)})

    # sources, selections, codings
    files: list[tuple[str, bytes]] = []
    n_selections = n_codings = 0
    by_tid: dict[str, dict[tuple, list[dict]]] = {}
    for r in sorted(codings.to_dict("records"), key=lambda r: (r["transcript"], int(r["start"]), int(r["end"]),
                                                                r["coder"], r["code"])):
        by_tid.setdefault(r["transcript"], {}).setdefault((r["coder"], int(r["start"]), int(r["end"])), []).append(r)
    memo_rows = memos.to_dict("records")
    if transcripts:
        sources = ET.SubElement(root, _q("Sources"))
        for tid, t in transcripts.items():
            source_guid = guid("source", tid)
            el = ET.SubElement(sources, _q("TextSource"), {"guid": source_guid, "name": tid,
                                                           "plainTextPath": f"internal://{source_guid}.txt"})
            data = {"id": tid}
            if t.speaker_roles:
                data["speaker_roles"] = dict(t.speaker_roles)
            ET.SubElement(el, _q("Description")).text = _pack(f"Transcript {tid} (hrp-coding)", TRANSCRIPT_MARKER,
                                                              data)
            files.append((f"sources/{source_guid}.txt", t.text.encode("utf-8")))
            seen_keys: dict[tuple, int] = {}
            for (coder, start, end), group in by_tid.get(tid, {}).items():
                stamps = [r["at"] for r in group if isinstance(r["at"], str) and r["at"]]
                first_at = min(stamps) if stamps else None
                attrs = {"guid": guid("selection", tid, coder, start, end), "name": _short(t.text[start:end]),
                         "startPosition": str(start), "endPosition": str(end), "creatingUser": user_guid[coder]}
                if first_at:
                    attrs["creationDateTime"] = first_at
                sel = ET.SubElement(el, _q("PlainTextSelection"), attrs)
                n_selections += 1
                for row in group:
                    key = (tid, coder, start, end, row["code"])
                    seen_keys[key] = seen_keys.get(key, 0) + 1
                    ident = key if seen_keys[key] == 1 else (*key, seen_keys[key])
                    cattrs = {"guid": guid("coding", *ident), "creatingUser": user_guid[coder]}
                    if isinstance(row["at"], str) and row["at"]:
                        cattrs["creationDateTime"] = row["at"]
                    coding = ET.SubElement(sel, _q("Coding"), cattrs)
                    ET.SubElement(coding, _q("CodeRef"), {"targetGUID": qdc.code_guid(row["code"])})
                    memo = row.get("memo")
                    if isinstance(memo, str) and memo.strip():
                        ET.SubElement(coding, _q("NoteRef"), {"targetGUID": note(
                            "coding", ident, f"Memo on {row['code']} in {tid} {start}-{end}", coder, row["at"], memo)})
                    n_codings += 1
            mine = [m for m in memo_rows if m["target_kind"] == "transcript" and m["target_id"] == tid]
            for n, m in enumerate(mine):
                ET.SubElement(el, _q("NoteRef"), {"targetGUID": note("transcript", (tid, n), f"Memo on {tid}",
                                                                     m["coder"], m["at"], m["text"])})
    if notes:
        ET.SubElement(root, _q("Notes")).extend(notes)
    sets = ET.SubElement(root, _q("Sets"))
    sets.extend(qdc.sets_to_elements(cb, namespace=PROJECT_NS))
    settings = project.settings.to_dict()
    ET.SubElement(root, _q("Description")).text = _pack(
        f"Project {project.name} exported by hrp-coding {__version__}.", PROJECT_MARKER, {"settings": settings})

    xml = qdc.to_xml_bytes(root)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in [("project.qde", xml), *files]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    out = Path(path)
    atomic_write_bytes(out, buffer.getvalue())
    return ExportSummary(path=str(out), transcripts=len(transcripts), coders=len(set(codings["coder"])),
                         codings=n_codings, selections=n_selections, codes=len(cb.codes), notes=len(notes),
                         variables=len(names), size_bytes=len(buffer.getvalue()))
