"""``hrp-project.yaml``: format version, name, coder roster and study settings.

:class:`SettingsStore` reads the file (cached by its size, mtime and inode) and changes it only under
the project lock, re-reading it first, so concurrent changes never undo each other (a coder
registering while someone turns blind coding on keeps both).

Examples
--------
>>> import tempfile, pathlib
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> store = SettingsStore(root)
>>> store.create(name="demo", settings=ProjectSettings(), coders=["ana"])
>>> store.update(blind_coding=True).blind_coding
True
>>> store.register(["ben"]); store.roster()
('ana', 'ben')
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ProjectError
from hrp_coding.limits import read_yaml
from hrp_coding.store.journal import file_lock, now_iso
from hrp_coding.store.names import check_coder, did_you_mean
from hrp_coding.store.yamlio import dump_yaml
from hrp_coding.units import SEGMENT_UNITS

__all__ = ["FORMAT_VERSION", "PROJECT_FILE", "UNITS", "ProjectSettings", "SettingsStore", "project_lock"]

FORMAT_VERSION = 1
PROJECT_FILE = "hrp-project.yaml"
UNITS = SEGMENT_UNITS


def project_lock(root: str | os.PathLike):
    """The project lock (``.hrp/project.lock``): held by every change of the project's files and journals.

    Parameters
    ----------
    root : str or os.PathLike
        The project folder.

    Returns
    -------
    FileLock
        A context manager: ``with project_lock(root): ...`` holds the lock (waiting for another process).

    Examples
    --------
    >>> with project_lock(_example_settings().root):
    ...     pass
    """
    return file_lock(Path(root) / ".hrp" / "project.lock")


@dataclass(frozen=True)
class ProjectSettings:
    """Study settings kept in ``hrp-project.yaml``.

    ``blind_coding``: a coder sees only their own codings in the coding widgets; ``default_unit``:
    the segmentation unit used when none is given; ``suggestions_hidden_from``: coders who must
    not see model suggestions (for example while their codings serve as a test set).
    """

    blind_coding: bool = False
    default_unit: str = "turn"
    suggestions_hidden_from: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        """The settings as plain data (the ``settings`` entry of ``hrp-project.yaml``).

        Returns
        -------
        dict
            ``blind_coding``, ``default_unit`` and ``suggestions_hidden_from`` (a list).

        Examples
        --------
        >>> ProjectSettings(blind_coding=True).to_dict()
        {'blind_coding': True, 'default_unit': 'turn', 'suggestions_hidden_from': []}
        """
        return {"blind_coding": self.blind_coding, "default_unit": self.default_unit,
                "suggestions_hidden_from": list(self.suggestions_hidden_from)}

    @classmethod
    def from_dict(cls, data: Mapping | None, *, source: str = "settings") -> ProjectSettings:
        """Validated settings from plain data (missing keys take their defaults).

        Parameters
        ----------
        data : mapping or None
            The ``settings`` entry of ``hrp-project.yaml``.
        source : str, default "settings"
            Names the data in the error message.

        Returns
        -------
        ProjectSettings
            The settings; ``suggestions_hidden_from`` sorted, duplicates dropped.

        Raises
        ------
        ProjectError
            Listing every unknown key (with a did-you-mean) and every invalid value.

        Examples
        --------
        >>> ProjectSettings.from_dict({"default_unit": "sentence"}).default_unit
        'sentence'
        >>> ProjectSettings.from_dict({"blind_codng": True})
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: settings: unknown setting 'blind_codng' (did you mean 'blind_coding'?)
        """
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        problems = [f"unknown setting {k!r}{did_you_mean(k, known)}" for k in data if k not in known]
        blind = data.get("blind_coding", False)
        if not isinstance(blind, bool):
            problems.append(f"blind_coding must be true or false, got {blind!r}")
        unit = data.get("default_unit", "turn")
        if unit not in UNITS:
            problems.append(f"default_unit must be one of {', '.join(UNITS)}, got {unit!r}")
        hidden = data.get("suggestions_hidden_from", ()) or ()
        if isinstance(hidden, str):
            hidden = [hidden]
        try:
            if not isinstance(hidden, (list, tuple)):
                raise ProjectError("not a list")
            for c in hidden:
                check_coder(c)
        except ProjectError:
            problems.append(f"suggestions_hidden_from must be a list of coder names, got {hidden!r}")
            hidden = ()
        if problems:
            raise ProjectError(f"{source}: " + "; ".join(problems))
        return cls(blind_coding=blind, default_unit=unit, suggestions_hidden_from=tuple(sorted(set(hidden))))


class SettingsStore:
    """The project file of the project at ``root``."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.file = self.root / PROJECT_FILE
        self._cache: tuple[tuple, dict] | None = None

    def create(self, *, name: str, settings: ProjectSettings, coders: Iterable[str] = (), closed: bool = False) -> None:
        """Write a new project file (``closed``: only the roster's coders may code).

        Parameters
        ----------
        name : str
            The project's name.
        settings : ProjectSettings
            Its initial settings.
        coders : iterable of str, default ()
            The initial roster.
        closed : bool, default False
            Close the roster (``roster_closed: true``): coders not on it are refused.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> store = SettingsStore(pathlib.Path(tempfile.mkdtemp()))
        >>> store.create(name="study", settings=ProjectSettings(), coders=["ben", "ana"], closed=True)
        >>> store.roster(), store.meta()["roster_closed"]
        (('ana', 'ben'), True)
        """
        meta = {"format_version": FORMAT_VERSION, "name": name, "created": now_iso(),
                "coders": sorted(set(coders)), "settings": settings.to_dict()}
        if closed:
            meta["roster_closed"] = True
        atomic_write_text(self.file, dump_yaml(meta))

    def meta(self) -> dict:
        """The whole file as a mapping (re-read when it changed on disk).

        Returns
        -------
        dict
            A copy of the file's content (``format_version``, ``name``, ``created``, ``coders``, ``settings``...).

        Raises
        ------
        ProjectError
            When the file cannot be read or is not a mapping.

        Examples
        --------
        >>> _example_settings().meta()["name"]
        'demo'
        """
        try:
            stat = self.file.stat()
        except OSError as err:
            raise ProjectError(f"cannot read {self.file}: {err}") from err
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._cache is None or self._cache[0] != key:
            try:
                meta = read_yaml(self.file)  # size and aliases bounded
            except (OSError, yaml.YAMLError) as err:
                raise ProjectError(f"cannot read {self.file}: {err}") from err
            if not isinstance(meta, dict):
                raise ProjectError(f"{self.file}: expected a mapping of settings, got {type(meta).__name__}")
            self._cache = (key, meta)
        return dict(self._cache[1])

    def check_version(self) -> None:
        """Refuse a project file of another format version than this hrp-coding reads.

        Raises
        ------
        ProjectError
            Naming the file, the version found and the version supported.

        Examples
        --------
        >>> _example_settings().check_version()
        """
        version = self.meta().get("format_version")
        if version != FORMAT_VERSION:
            raise ProjectError(f"{self.file}: format_version {version!r} is not supported "
                               f"(this hrp-coding reads version {FORMAT_VERSION})")

    def settings(self) -> ProjectSettings:
        """The study settings, validated.

        Returns
        -------
        ProjectSettings
            From the file's ``settings`` entry.

        Examples
        --------
        >>> _example_settings().settings().default_unit
        'turn'
        """
        return ProjectSettings.from_dict(self.meta().get("settings"), source=str(self.file))

    def roster(self) -> tuple[str, ...]:
        """The coders on the roster.

        Returns
        -------
        tuple of str
            Sorted.

        Examples
        --------
        >>> _example_settings().roster()
        ('ana',)
        """
        return tuple(sorted(self.meta().get("coders") or ()))

    def _rewrite(self, change, what: str, history: Any = None) -> Any:
        from hrp_coding.store.intents import Intent

        with project_lock(self.root):
            self._cache = None
            result, meta = change(self.meta())
            with Intent(self.root, "settings", what) as intent:
                intent.write(self.file, dump_yaml(meta))
                if history is not None:
                    intent.append_history(history(result))
        return result

    def update(self, **changes: Any) -> ProjectSettings:
        """Change settings under the project lock (the file is re-read first); returns the new settings.

        The change is recorded in the project history (a ``SettingsChanged`` event).

        Parameters
        ----------
        **changes
            New values of :class:`ProjectSettings` fields.

        Returns
        -------
        ProjectSettings
            The settings after the change.

        Raises
        ------
        ProjectError
            For an unknown setting or an invalid value; the file is not changed then.

        Examples
        --------
        >>> _example_settings().update(suggestions_hidden_from=["ben"]).suggestions_hidden_from
        ('ben',)
        """
        from hrp_coding.store.events import SettingsChanged
        from hrp_coding.store.journal import new_id

        def change(meta):
            new = ProjectSettings.from_dict({**ProjectSettings.from_dict(meta.get("settings"), source=str(self.file))
                                             .to_dict(), **changes}, source="update_settings")
            return new, {**meta, "settings": new.to_dict()}

        return self._rewrite(change, f"update_settings({', '.join(sorted(changes))})",
                             history=lambda new: SettingsChanged(id=new_id(), at=now_iso(), changes={
                                 k: v for k, v in new.to_dict().items() if k in changes}))

    def register(self, coders: Iterable[str]) -> None:
        """Add coders to the roster (under the project lock; nothing written when all are known).

        Parameters
        ----------
        coders : iterable of str
            Coder names, already checked.

        Examples
        --------
        >>> store = _example_settings()
        >>> store.register(["cy"])
        >>> store.roster()
        ('ana', 'cy')
        """
        coders = set(coders)
        if self._cache is not None and coders <= set(self._cache[1].get("coders") or ()):
            return  # known already (the roster only grows): no lock, no read
        from hrp_coding.store.intents import Intent

        with project_lock(self.root), Intent(self.root, "settings", f"register {', '.join(sorted(coders))}") as intent:
            self.stage_register(intent, coders)

    def declare(self, coders: Iterable[str]) -> tuple[str, ...]:
        """Add coders to the roster and close it (the caller holds the project lock); returns the roster.

        Parameters
        ----------
        coders : iterable of str
            Coder names, already checked.

        Returns
        -------
        tuple of str
            The whole roster, sorted.

        Examples
        --------
        >>> store = _example_settings()
        >>> with project_lock(store.root):
        ...     store.declare(["dee"])
        ('ana', 'dee')
        """
        from hrp_coding.store.intents import Intent

        self._cache = None
        meta = self.meta()
        meta["coders"] = sorted(set(meta.get("coders") or ()) | set(coders))
        meta["roster_closed"] = True
        with Intent(self.root, "settings", f"add_coders({', '.join(sorted(coders))})") as intent:
            intent.write(self.file, dump_yaml(meta))
        return tuple(meta["coders"])

    def stage_register(self, intent, coders: Iterable[str]) -> None:
        """Stage the roster with ``coders`` added in ``intent`` (the caller holds the project lock).

        Nothing is staged when every coder is on the roster already.

        Parameters
        ----------
        intent : Intent
            The change the project file is rewritten with.
        coders : iterable of str
            Coder names, already checked.

        Examples
        --------
        >>> from hrp_coding.store.intents import Intent
        >>> store = _example_settings()
        >>> with project_lock(store.root), Intent(store.root, "settings", "register eve") as intent:
        ...     store.stage_register(intent, ["eve"])
        >>> store.roster()
        ('ana', 'eve')
        """
        self._cache = None
        meta = self.meta()
        roster = set(meta.get("coders") or ())
        if not set(coders) <= roster:
            intent.write(self.file, dump_yaml({**meta, "coders": sorted(roster | set(coders))}))


def _example_settings() -> SettingsStore:
    """A project file in a new temporary folder (name ``demo``, coder ``ana``, default settings), for the examples."""
    import tempfile

    store = SettingsStore(Path(tempfile.mkdtemp()))
    store.create(name="demo", settings=ProjectSettings(), coders=["ana"])
    return store
