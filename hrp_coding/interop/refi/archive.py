"""Reading an untrusted ``.qdpx`` archive: its project XML and the source texts its elements point to.

The archive is opened with :class:`~hrp_coding.interop.safe_zip.SafeZip` (zip slip, zip bombs, symlinks
refused); members are read into memory. Files outside the archive (``relative://``, ``absolute://``) are read
only when ``external_files=True``. Every tolerated deviation is appended to ``notes``.

Examples
--------
>>> notes = []
>>> decode_text("caf\\u00e9".encode("utf-8-sig"), where="P01", fallbacks=(), notes=notes)
'café'
>>> notes
['P01: starts with a UTF-8 byte order mark (BOM); removed, not counted in positions']
"""

from __future__ import annotations

import re
import urllib.parse
import xml.etree.ElementTree as ET
from pathlib import Path

from hrp_coding.codebook.qdaxml import child
from hrp_coding.errors import Problem, RefiError
from hrp_coding.interop.refi.positions import SourceText
from hrp_coding.interop.safe_zip import SafeZip, ZipLimits

__all__ = ["ArchiveReader", "decode_text", "listing", "open_archive"]

_MAX_LISTED = 12


def listing(items: list[str]) -> str:
    """At most a dozen items, then how many more.

    Parameters
    ----------
    items : list of str
        What a message lists (member names, GUIDs...).

    Returns
    -------
    str
        The first twelve, comma-separated, then ``and N more`` when there are more.

    Examples
    --------
    >>> listing([f"m{i}" for i in range(14)])
    'm0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11 and 2 more'
    """
    shown = ", ".join(items[:_MAX_LISTED])
    return shown + (f" and {len(items) - _MAX_LISTED} more" if len(items) > _MAX_LISTED else "")


def open_archive(path: Path, limits: ZipLimits) -> SafeZip:
    """Open ``path`` as a safe zip (a clear error for a folder or a missing file).

    Parameters
    ----------
    path : pathlib.Path
        The ``.qdpx`` file.
    limits : ZipLimits
        The zip-bomb limits the members are checked against.

    Returns
    -------
    SafeZip
        The open archive, every member already checked.

    Raises
    ------
    RefiError
        For a folder (a ``.qdpx`` is a zip file) or an unsafe archive.
    FileNotFoundError
        When there is no such file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.interop.safe_zip import DEFAULT_LIMITS
    >>> open_archive(pathlib.Path(tempfile.mkdtemp()), DEFAULT_LIMITS)
    Traceback (most recent call last):
    ...
    hrp_coding.errors.RefiError: ...
      (archive): ... is a folder; a .qdpx is a zip file (zip the folder's project.qde and sources/ into a .qdpx)
    """
    if path.is_dir():
        raise RefiError([Problem("(archive)", f"{path} is a folder; a .qdpx is a zip file",
                                 hint="zip the folder's project.qde and sources/ into a .qdpx")], source=str(path))
    if not path.is_file():
        raise FileNotFoundError(f"no such .qdpx file: {path}")
    return SafeZip(path, limits)


def decode_text(data: bytes, *, where: str, fallbacks: tuple[str, ...], notes: list[str]) -> str | None:
    """Decode a source file: BOMs removed (UTF-8 or UTF-16), UTF-8 else the fallbacks; None when impossible.

    Parameters
    ----------
    data : bytes
        The source file's bytes.
    where : str
        Names the source in notes.
    fallbacks : tuple of str
        Encodings tried in order when the bytes are not UTF-8 (each use is noted).
    notes : list of str
        Each BOM removed, fallback used or source skipped is appended here.

    Returns
    -------
    str or None
        The text (BOM removed, positions not yet canonicalised), or None when no encoding reads it.

    Examples
    --------
    >>> notes = []
    >>> decode_text("naïve".encode("cp1252"), where="P02", fallbacks=("cp1252",), notes=notes), notes
    ('naïve', ['P02: not valid UTF-8 (byte 2); decoded as cp1252'])
    """
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


class ArchiveReader:
    """Finds the project XML and the texts of sources and notes in an open archive."""

    def __init__(self, archive: SafeZip, source: str, *, fallbacks: tuple[str, ...], external_files: bool,
                 notes: list[str]):
        self.archive = archive
        self.source = source
        self.fallbacks = fallbacks
        self.external_files = external_files
        self.base_dir: Path | None = None
        self.notes = notes
        self.members_ci = {n.casefold(): n for n in archive.names}

    def warn(self, message: str) -> None:
        """Record a tolerated deviation (it becomes a warning and a line of the import summary).

        Parameters
        ----------
        message : str
            What was tolerated, naming the element or member.

        Examples
        --------
        >>> from hrp_coding.interop.safe_zip import SafeZip, _example_archive
        >>> reader = ArchiveReader(SafeZip(_example_archive({"project.qde": "<Project/>"})), "demo.qdpx",
        ...                        fallbacks=(), external_files=False, notes=[])
        >>> reader.warn("Sources: empty")
        >>> reader.notes
        ['Sources: empty']
        """
        self.notes.append(message)

    def project_xml(self) -> tuple[str, bytes]:
        """``(member name, bytes)`` of the project XML (``project.qde``, or the one ``.qde`` there is).

        A project XML under another name or in a folder is read with a note; several, or none, is an error.

        Returns
        -------
        tuple of (str, bytes)
            The member name and its content.

        Raises
        ------
        RefiError
            When the archive holds no ``.qde`` file, or several.

        Examples
        --------
        >>> from hrp_coding.interop.safe_zip import SafeZip, _example_archive
        >>> reader = ArchiveReader(SafeZip(_example_archive({"Study.qde": "<Project/>"})), "demo.qdpx",
        ...                        fallbacks=(), external_files=False, notes=[])
        >>> reader.project_xml(), len(reader.notes)
        (('Study.qde', b'<Project/>'), 1)
        """
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
                                 hint=f"members: {listing(list(names)) or 'none'}")], source=self.source)

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

    def text_of(self, el: ET.Element, *, where: str) -> SourceText | None:
        """The text of a ``TextSource`` or ``Note`` (``PlainTextContent`` or ``plainTextPath``); None when absent.

        ``internal://`` paths are read from ``sources/`` (case and folder mistakes tolerated with a note),
        ``relative://`` and ``absolute://`` ones only with ``external_files=True``.

        Parameters
        ----------
        el : xml.etree.ElementTree.Element
            The ``TextSource`` or ``Note`` element.
        where : str
            Names the element in notes.

        Returns
        -------
        SourceText or None
            The decoded text with its original positions, or None (noted) when it has none or cannot be read.

        Examples
        --------
        >>> import xml.etree.ElementTree as ET
        >>> from hrp_coding.interop.safe_zip import SafeZip, _example_archive
        >>> reader = ArchiveReader(SafeZip(_example_archive({"sources/a.txt": "Hi."})), "demo.qdpx",
        ...                        fallbacks=(), external_files=False, notes=[])
        >>> reader.text_of(ET.fromstring('<TextSource plainTextPath="internal://a.txt"/>'), where="P01").raw
        'Hi.'
        """
        content = child(el, "PlainTextContent")
        path = el.get("plainTextPath")
        if content is not None and path:
            self.warn(f"{where}: has both PlainTextContent and plainTextPath (the schema allows one); the file "
                      "is used")
        if not path:
            if content is not None:
                return SourceText(content.text or "")
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
                data = self._external((self.base_dir or Path(".")) / rel, where)
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
        raw = decode_text(data, where=where, fallbacks=self.fallbacks, notes=self.notes)
        return None if raw is None else SourceText(raw)
