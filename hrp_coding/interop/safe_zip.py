"""Opening untrusted zip archives (``.qdpx``) safely.

A ``.qdpx`` file comes from another person's computer and another program: it is untrusted input.
:class:`SafeZip` checks every member *before* anything is read, and again while each member streams:

* **zip slip**: a member path that is absolute (``/etc/x``, ``\\\\server\\x``), has a Windows drive letter
  (``C:x``), contains ``..`` or a NUL byte, or would resolve outside the target folder is refused;
* **zip bomb**: the total uncompressed size (``max_bytes``) and, for members larger than
  ``ratio_min_bytes``, the compression ratio (``max_ratio``) are limited. Both are checked from the
  headers and enforced again on the bytes actually decompressed, so lying headers do not help;
* **symlink members** and encrypted members are refused; so are archives with too many members
  (``max_members``) or two members of the same name.

Every refusal is a :class:`~hrp_coding.errors.RefiError` that names the archive and the member(s).
Nothing is ever written outside the target folder: :meth:`SafeZip.extract_all` writes only to paths it
has checked, creates no links, and on any error removes what it wrote.

Examples
--------
>>> import io, zipfile, tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> with zipfile.ZipFile(folder / "ok.zip", "w") as z:
...     z.writestr("sources/a.txt", "hello")
>>> with SafeZip(folder / "ok.zip") as archive:
...     archive.names, archive.read("sources/a.txt")
(('sources/a.txt',), b'hello')
>>> with zipfile.ZipFile(folder / "evil.zip", "w") as z:
...     z.writestr("../evil.txt", "gotcha")
>>> SafeZip(folder / "evil.zip")
Traceback (most recent call last):
...
hrp_coding.errors.RefiError: .../evil.zip: 1 problem
  ../evil.txt: unsafe member path: contains '..' (zip slip) (the archive is refused; nothing was extracted)
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from hrp_coding.errors import Problem, RefiError

__all__ = ["DEFAULT_LIMITS", "SafeZip", "ZipLimits", "check_member_name"]

_CHUNK = 64 * 1024
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True)
class ZipLimits:
    """Limits applied to an untrusted archive.

    Parameters
    ----------
    max_bytes : int
        Total uncompressed size of all members (declared in the headers, and actually decompressed).
    max_ratio : float
        Largest allowed uncompressed / compressed size of one member ...
    ratio_min_bytes : int
        ... for members larger than this (small files of repeated characters compress extremely well
        and are harmless).
    max_members : int
        Largest number of members.
    """

    max_bytes: int = 1 << 30
    max_ratio: float = 200.0
    ratio_min_bytes: int = 1 << 20
    max_members: int = 20_000

    def __post_init__(self):
        problems = []
        for name in ("max_bytes", "ratio_min_bytes", "max_members"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(Problem(name, f"must be a non-negative whole number, got {value!r}"))
        if isinstance(self.max_ratio, bool) or not isinstance(self.max_ratio, (int, float)) or self.max_ratio < 1:
            problems.append(Problem("max_ratio", f"must be a number >= 1, got {self.max_ratio!r}"))
        if problems:
            raise RefiError(problems, source="ZipLimits")


DEFAULT_LIMITS = ZipLimits()


def check_member_name(name: str, target: str | os.PathLike | None = None) -> str | None:
    """Why ``name`` is not a safe member path (a short reason), or ``None`` when it is safe.

    With ``target``, the path must also resolve inside that folder (following any links already there).

    Parameters
    ----------
    name : str
        A member path as the archive's header gives it (``\\`` is read as ``/``).
    target : str or os.PathLike, optional
        The folder the member would be extracted into.

    Returns
    -------
    str or None
        The reason (``"absolute path"``, ``"contains '..' (zip slip)"``...), or None for a safe path.

    Examples
    --------
    >>> check_member_name("sources/a.txt") is None
    True
    >>> check_member_name("/etc/passwd"), check_member_name("C:\\\\Windows\\\\x"), check_member_name("a/../../b")
    ('absolute path', "drive letter 'C:'", "contains '..' (zip slip)")
    """
    if "\x00" in name:
        return "contains a NUL byte"
    normal = name.replace("\\", "/")
    if normal.startswith("/"):
        return "absolute path"
    if _DRIVE.match(normal):
        return f"drive letter {normal[:2]!r}"
    parts = PurePosixPath(normal).parts
    if ".." in parts or ".." in normal.split("/"):
        return "contains '..' (zip slip)"
    if not normal.strip("/").strip():
        return "empty path"
    if target is not None:
        root = Path(target).resolve()
        resolved = (root / normal).resolve()
        if resolved != root and root not in resolved.parents:
            return f"resolves outside the target folder ({resolved})"
    return None


def _is_symlink(info: zipfile.ZipInfo) -> bool:
    mode = info.external_attr >> 16
    return bool(mode) and stat.S_ISLNK(mode)


class SafeZip:
    """A zip archive whose members were all checked (see the module docstring); read members or extract them.

    Parameters
    ----------
    path : path-like
        The archive.
    limits : ZipLimits, optional
        Size, ratio and member-count limits (default :data:`DEFAULT_LIMITS`).

    Raises
    ------
    RefiError
        Listing every unsafe member (path, symlink, size, ratio, encryption, duplicates), or when the file
        is not a zip archive.
    """

    def __init__(self, path: str | os.PathLike, limits: ZipLimits = DEFAULT_LIMITS):
        self.path = Path(path)
        self.limits = limits
        self._source = str(self.path)
        try:
            self._zip = zipfile.ZipFile(self.path)
        except zipfile.BadZipFile as err:
            raise RefiError([Problem("(archive)", f"not a zip archive: {err}",
                                     hint="a .qdpx file is a zip archive holding project.qde and sources/")],
                            source=self._source) from None
        except OSError as err:
            raise RefiError([Problem("(archive)", f"cannot open: {err}")], source=self._source) from None
        try:
            self._members = self._check()
        except BaseException:
            self._zip.close()
            raise
        self._read_total = 0

    # -- checks -------------------------------------------------------------------------------------
    def _check(self) -> dict[str, zipfile.ZipInfo]:
        infos = self._zip.infolist()
        limits = self.limits
        problems: list[Problem] = []
        hint = "the archive is refused; nothing was extracted"
        if len(infos) > limits.max_members:
            problems.append(Problem("(archive)", f"has {len(infos)} members, more than the limit "
                                                 f"max_members={limits.max_members}", hint=hint))
        members: dict[str, zipfile.ZipInfo] = {}
        total = 0
        for info in infos:
            name = info.filename
            reason = check_member_name(name)
            if reason:
                problems.append(Problem(name, f"unsafe member path: {reason}", hint=hint))
                continue
            if _is_symlink(info):
                problems.append(Problem(name, "symbolic link member (links could point outside the target)",
                                        hint=hint))
                continue
            if info.flag_bits & 0x1:
                problems.append(Problem(name, "encrypted member", hint="export the project again without a password"))
                continue
            if info.is_dir():
                continue
            key = name.replace("\\", "/")
            while key.startswith("./"):
                key = key[2:]
            if key in members:
                problems.append(Problem(name, "appears twice in the archive", hint=hint))
                continue
            total += info.file_size
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > limits.ratio_min_bytes and ratio > limits.max_ratio:
                problems.append(Problem(name, f"compression ratio {ratio:.0f}:1 exceeds the limit "
                                              f"max_ratio={limits.max_ratio:g} (zip bomb?)", hint=hint))
            members[key] = info
        if total > limits.max_bytes:
            problems.append(Problem("(archive)", f"expands to {total} bytes, more than the limit "
                                                 f"max_bytes={limits.max_bytes} (zip bomb?)", hint=hint))
        if problems:
            raise RefiError(problems, source=self._source)
        return members

    # -- access -------------------------------------------------------------------------------------
    @property
    def names(self) -> tuple[str, ...]:
        """The file members (folders left out), paths with ``/`` separators, in archive order."""
        return tuple(self._members)

    def info(self, name: str) -> zipfile.ZipInfo:
        """The header of one member.

        Parameters
        ----------
        name : str
            A member path, one of :attr:`names`.

        Returns
        -------
        zipfile.ZipInfo
            Its header (declared sizes, compression, dates).

        Raises
        ------
        RefiError
            When the archive has no such member.

        Examples
        --------
        >>> SafeZip(_example_archive({"project.qde": "<Project/>"})).info("project.qde").file_size
        10
        """
        try:
            return self._members[name]
        except KeyError:
            raise RefiError([Problem(name, "no such member in the archive")], source=self._source) from None

    def _stream(self, name: str):
        """Yield the decompressed chunks of a member, enforcing the limits on the actual bytes."""
        info = self.info(name)
        limits = self.limits
        produced = 0
        try:
            with self._zip.open(info) as handle:
                while True:
                    chunk = handle.read(_CHUNK)
                    if not chunk:
                        break
                    produced += len(chunk)
                    self._read_total += len(chunk)
                    if produced > info.file_size:
                        raise RefiError([Problem(name, f"decompresses to more than the {info.file_size} bytes its "
                                                       "header declares (forged header)")], source=self._source)
                    if self._read_total > limits.max_bytes:
                        raise RefiError([Problem(name, f"reading stopped: more than max_bytes={limits.max_bytes} "
                                                       "bytes decompressed (zip bomb?)")], source=self._source)
                    if produced > limits.ratio_min_bytes and produced / max(info.compress_size, 1) > limits.max_ratio:
                        raise RefiError([Problem(name, f"reading stopped: compression ratio above "
                                                       f"max_ratio={limits.max_ratio:g} (zip bomb?)")],
                                        source=self._source)
                    yield chunk
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
            raise RefiError([Problem(name, f"corrupt or unsupported member: {err}")], source=self._source) from None

    def read(self, name: str) -> bytes:
        """The bytes of one member (limits enforced while decompressing).

        Parameters
        ----------
        name : str
            The member to read (see :attr:`names`), decompressed in chunks.

        Returns
        -------
        bytes
            The member's content.

        Raises
        ------
        RefiError
            For an unknown or corrupt member, or one that decompresses beyond its header or the limits.

        Examples
        --------
        >>> with SafeZip(_example_archive({"sources/P01.txt": "Hi."})) as archive:
        ...     archive.read("sources/P01.txt")
        b'Hi.'
        """
        return b"".join(self._stream(name))

    def extract_all(self, target: str | os.PathLike) -> list[Path]:
        """Extract every file member into ``target`` (created when missing); returns the files written.

        Each destination is checked to resolve inside ``target`` before it is opened; on any error the
        files written so far are removed and the error is raised.

        Parameters
        ----------
        target : str or os.PathLike
            The folder to extract into; an existing file in it is never overwritten.

        Returns
        -------
        list of pathlib.Path
            The files written (resolved paths), in archive order.

        Raises
        ------
        RefiError
            For a member path that would resolve outside ``target``, an existing destination, or any limit
            exceeded while decompressing (what was written is removed first).

        Examples
        --------
        >>> path = _example_archive({"sources/P01.txt": "Hi."})
        >>> with SafeZip(path) as archive:
        ...     [p.relative_to(path.parent.resolve()).as_posix() for p in archive.extract_all(path.parent / "out")]
        ['out/sources/P01.txt']
        """
        root = Path(target)
        problems = [Problem(name, f"unsafe member path: {reason}")
                    for name in self._members if (reason := check_member_name(name, root))]
        if problems:
            raise RefiError(problems, source=self._source)
        created_root = not root.exists()
        root.mkdir(parents=True, exist_ok=True)
        root = root.resolve()
        written: list[Path] = []
        created_dirs: list[Path] = []
        try:
            for name in self._members:
                dest = root / name
                for parent in reversed(dest.parents):
                    if parent != root and root in parent.parents and not parent.exists():
                        parent.mkdir()
                        created_dirs.append(parent)
                if dest.exists() or dest.is_symlink():
                    raise RefiError([Problem(name, f"{dest} already exists; not overwritten")], source=self._source)
                with open(dest, "xb") as out:
                    written.append(dest)
                    for chunk in self._stream(name):
                        out.write(chunk)
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            for folder in reversed(created_dirs):
                shutil.rmtree(folder, ignore_errors=True)
            if created_root:
                shutil.rmtree(root, ignore_errors=True)
            raise
        return written

    def close(self) -> None:
        """Close the archive file (done on leaving a ``with`` block).

        Examples
        --------
        >>> archive = SafeZip(_example_archive({"a.txt": "x"}))
        >>> archive.close()
        """
        self._zip.close()

    def __enter__(self) -> SafeZip:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"SafeZip({self._source!r}, {len(self._members)} members)"


def _example_archive(members: dict[str, str]) -> Path:
    """A small zip archive in a new temporary folder, for the examples."""
    import tempfile

    path = Path(tempfile.mkdtemp()) / "example.qdpx"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return path
