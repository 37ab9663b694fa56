"""The project folder: transcripts, codebook, coder journals and memos as plain files (see ``docs/project_folder.md``).

::

    my-study/
      hrp-project.yaml        format version, name, coder roster, settings (blind coding, default unit...)
      codebook.yaml           the study's codebook, with version and changelog
      transcripts/P01.txt     canonical text (UTF-8, NFC, LF, no BOM); offsets count code points
      transcripts/P01.yaml    source, sha256 of the text, turns, attributes, de-identification report
      codings/<coder>.jsonl   that coder's append-only event log (typed events: see hrp_coding.store.events)
      memos/codes/<id>.md     memos on codes; memos/transcripts/<id>.md memos on transcripts
      private/                de-identification keys (listed in .gitignore: never commit them)
      history.jsonl           settings and codebook changes, transcript revisions (events)
      .hrp/                   locks, changes in flight (intents), derived caches (git-ignored)

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Codebook, Code
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "study"
>>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding"), Code("staying_with", "Staying with")])
>>> study = Project.init(folder, codebook=cb)
>>> study.add_transcript("Interviewer: How was it?\\nP01: We sat with her for an hour.\\n", transcript_id="P01")
Transcript(...)
>>> coding = study.add_coding(coder="ana", transcript="P01", start=30, end=45, code="holding")
>>> study.codings()[["coder", "code", "text"]].values.tolist()
[['ana', 'holding', 'We sat with her']]
>>> Project.open(folder).coders
('ana',)
"""

from __future__ import annotations

import contextlib
import os
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ParameterTypeError, ProjectError, RecoveryWarning
from hrp_coding.store import intents
from hrp_coding.store.coding_writes import CodingWrites
from hrp_coding.store.events import CodebookChanged
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.ledger import Ledger
from hrp_coding.store.memos import MemoWriting
from hrp_coding.store.names import check_coder, check_name, did_you_mean
from hrp_coding.store.queries import ProjectViews
from hrp_coding.store.recoding import Recoding
from hrp_coding.store.reports import Adjudication, ImportReport, Memo, MigrationReport, ReanchoredCoding, ReanchorReport
from hrp_coding.store.revisions import TranscriptChanges
from hrp_coding.store.settings import FORMAT_VERSION, PROJECT_FILE, UNITS, ProjectSettings, SettingsStore, project_lock
from hrp_coding.store.state import Coding
from hrp_coding.store.transcripts import TranscriptStore

if TYPE_CHECKING:  # pragma: no cover

    from hrp_coding.codebook import Codebook
    from hrp_coding.transcripts import Transcript

__all__ = ["Adjudication", "Coding", "ImportReport", "Memo", "MigrationReport", "Project", "ProjectSettings",
           "ReanchorReport", "ReanchoredCoding"]

CODEBOOK_FILE = "codebook.yaml"
_TRANSCRIPT_SUFFIXES = (".txt", ".md", ".docx", ".vtt", ".srt")
_GITIGNORE = ("# written by hrp-coding: de-identification keys must never be committed\nprivate/\n"
              "# locks, interrupted changes and caches (rebuilt from the journals)\n.hrp/\n")
__all__ += ["FORMAT_VERSION", "PROJECT_FILE", "UNITS"]


class Project(ProjectViews, TranscriptChanges, Recoding, MemoWriting, CodingWrites):
    """A study on disk: transcripts, codebook, coder journals and memos (open with :meth:`open`, create with
    :meth:`init`).

    A thin facade over a :class:`~hrp_coding.store.ledger.Ledger` (the coder journals, folded
    incrementally), a :class:`~hrp_coding.store.transcripts.TranscriptStore` and a
    :class:`~hrp_coding.store.settings.SettingsStore`. Every change is made under the project lock;
    every rewrite of files is one intent (:mod:`hrp_coding.store.intents`), so a crash never leaves a
    half-done change. ``recovered`` lists what :meth:`open` finished or rolled back.
    """

    def __init__(self, path: str | os.PathLike, *, _checked: bool = False):
        if not _checked:
            raise ParameterTypeError(f"Project({str(path)!r}) does not open a project: use Project.open(path) or "
                                     "Project.init(path, codebook=...)")
        self.path = Path(path)
        self._store = SettingsStore(self.path)
        self._transcripts = TranscriptStore(self.path)
        self._ledger = Ledger(self.path)
        self._codebook: tuple[tuple, Codebook] | None = None
        self.recovered: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"Project({str(self.path)!r})"

    def __str__(self) -> str:
        return (f"Project {self.name!r} at {self.path}: {len(self.transcript_ids)} transcripts, coders "
                f"{', '.join(self.coders) or 'none yet'}, codebook v{self.codebook.version}")

    # -- creating and opening -------------------------------------------------------------------
    @classmethod
    def init(cls, path: str | os.PathLike, codebook: str | os.PathLike | Codebook, name: str | None = None,
             default_unit: str = "turn", coders: Iterable[str] | None = None) -> Project:
        """Create a new project folder.

        Parameters
        ----------
        path : path-like
            The folder; it must not exist yet or be empty.
        codebook : path or Codebook
            The study's codebook; copied to ``codebook.yaml``.
        name : str, optional
            The study's name (default: the folder name).
        default_unit : {"turn", "sentence", "paragraph"}
            Segmentation unit used when none is given.
        coders : iterable of str, optional
            The coder roster (lowercase slugs). Given, the roster is closed: only these coders (and those
            added by :meth:`add_coders`) may code. Not given, coders are added when they first code.

        Returns
        -------
        Project
            The new, open project: ``hrp-project.yaml``, ``codebook.yaml``, ``.gitignore`` and the empty
            ``transcripts/``, ``codings/`` and ``memos/`` folders.

        Raises
        ------
        ProjectError
            When the folder is not empty, the unit or a coder name is invalid.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from hrp_coding.codebook import Code, Codebook
        >>> tmp = tempfile.TemporaryDirectory()
        >>> cb = Codebook(name="Demo", version=1, codes=[Code("holding", "Holding")])
        >>> study = Project.init(pathlib.Path(tmp.name) / "study", codebook=cb, coders=["ben", "ana"])
        >>> study.name, study.coders, study.default_unit, study.codebook.version
        ('study', ('ana', 'ben'), 'turn', 1)
        >>> sorted(p.name for p in study.path.iterdir())
        ['.gitignore', 'codebook.yaml', 'codings', 'hrp-project.yaml', 'memos', 'transcripts']
        >>> Project.init(study.path, codebook=cb)
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: cannot create a project in ...: it exists and is not an empty folder
        >>> tmp.cleanup()
        """
        from hrp_coding.codebook import Codebook

        path = Path(path)
        if path.exists() and (not path.is_dir() or any(path.iterdir())):
            raise ProjectError(f"cannot create a project in {path}: it exists and is not an empty folder")
        if default_unit not in UNITS:
            raise ProjectError(f"default_unit must be one of {', '.join(UNITS)}, got {default_unit!r}")
        roster = [check_coder(c) for c in (coders or ())]
        for coder in roster:
            check_name(coder, "coder", existing=roster)
        cb = codebook if isinstance(codebook, Codebook) else Codebook.load(codebook)
        for sub in ("transcripts", "codings", "memos"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        cb.save(path / CODEBOOK_FILE)
        atomic_write_text(path / ".gitignore", _GITIGNORE)
        SettingsStore(path).create(name=name or path.name, settings=ProjectSettings(default_unit=default_unit),
                                   coders=roster, closed=bool(roster))  # a declared roster is closed
        return cls(path, _checked=True)

    @classmethod
    def open(cls, path: str | os.PathLike) -> Project:
        """Open an existing project folder, finishing or rolling back any change a crash interrupted.

        What was recovered is listed in ``project.recovered`` and reported with a
        :class:`~hrp_coding.errors.RecoveryWarning`.

        Parameters
        ----------
        path : str or os.PathLike
            The project folder.

        Returns
        -------
        Project
            The open project.

        Raises
        ------
        ProjectError
            Naming the folder and what is missing (the folder, ``hrp-project.yaml``, ``codebook.yaml``)
            or unreadable.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> folder = tiny_study().path  # ana's coding of "We sat with her" as holding
        >>> study = Project.open(folder)
        >>> study.transcript_ids, study.coders, study.codings()["text"].tolist(), study.recovered
        (('P01',), ('ana',), ['We sat with her'], ())
        >>> Project.open(folder / "codings")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: ...codings is not an hrp-coding project: hrp-project.yaml and codebook.yaml...
        """
        path = Path(path)
        if not path.is_dir():
            raise ProjectError(f"cannot open project {path}: no such folder")
        project = cls(path, _checked=True)
        project._recover()
        missing = [f for f in (PROJECT_FILE, CODEBOOK_FILE) if not (path / f).is_file()]
        if missing:
            raise ProjectError(f"{path} is not an hrp-coding project: {' and '.join(missing)} "
                               f"{'is' if len(missing) == 1 else 'are'} missing (create a project with "
                               "Project.init(path, codebook=...) or 'hrp-coding init')")
        project._store.check_version()
        project.settings  # noqa: B018 - validates the settings now, with a clear error
        project._check_codebook_ids()
        return project

    def _check_codebook_ids(self) -> None:
        """Refuse a codebook.yaml edited by hand so that used code ids vanished (no changelog entry says where)."""
        from hrp_coding.codebook.evolve import unaccounted_ids

        lost = unaccounted_ids((row[5] for row in self._ledger.refresh().rows.values()), self.codebook)  # row[5]: code
        if lost:
            raise ProjectError(f"project {self.path}: codings use code ids that {CODEBOOK_FILE} no longer has and no "
                               "changelog entry accounts for: " + ", ".join(f"{c!r} ({n} codings)" for c, n in
                                                                           lost.items())
                               + f"; restore them in {CODEBOOK_FILE}, then migrate with 'hrp-coding codebook rename|"
                               "merge|retire STUDY ...' (which records the change and moves the codings)")

    def _recover(self) -> None:
        if intents.pending(self.path):
            with self._lock():
                pass  # taking the lock finishes or rolls back what a crash interrupted

    @contextlib.contextmanager
    def _lock(self):
        """The project lock, after finishing any change a crash interrupted (every write holds it)."""
        with project_lock(self.path):
            if intents.pending(self.path):
                done = intents.recover(self.path)
                if done:
                    self.recovered += tuple(done)
                    warnings.warn(f"project {self.path}: " + "; ".join(done), RecoveryWarning, stacklevel=4)
            yield

    # -- settings and roster --------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The study's name."""
        return str(self._store.meta().get("name") or self.path.name)

    @property
    def settings(self) -> ProjectSettings:
        """The study settings (blind coding, default unit, coders suggestions are hidden from)."""
        return self._store.settings()

    def update_settings(self, **changes: Any) -> ProjectSettings:
        """Change settings (``blind_coding=``, ``default_unit=``, ``suggestions_hidden_from=``); returns the new ones.

        The file is re-read and rewritten under the project lock, so concurrent changes (a coder
        registering meanwhile) are kept. Raises ProjectError naming any unknown setting or invalid
        value; nothing is written then.

        Parameters
        ----------
        **changes
            Settings to change, by name: ``blind_coding`` (bool: a coder sees only their own codings in the
            coding widgets), ``default_unit`` (``"turn"``, ``"sentence"`` or ``"paragraph"``),
            ``suggestions_hidden_from`` (coders who must not see model suggestions). Settings not given keep
            their value.

        Returns
        -------
        ProjectSettings
            Every setting after the change (also :attr:`settings` from now on).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> study.update_settings(blind_coding=True, default_unit="sentence")
        ProjectSettings(blind_coding=True, default_unit='sentence', suggestions_hidden_from=())
        >>> study.update_settings(blind=True)
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: update_settings: unknown setting 'blind'...
        >>> study.settings.blind_coding
        True
        """
        with self._lock():
            return self._store.update(**changes)

    @property
    def default_unit(self) -> str:
        """The segmentation unit used when none is given (``settings.default_unit``)."""
        return self.settings.default_unit

    @property
    def coders(self) -> tuple[str, ...]:
        """Every coder of the roster or with a journal, sorted (``consensus`` and ``model:*`` layers included)."""
        return tuple(sorted({*self._store.roster(), *self._ledger.coders()}))

    def add_coders(self, coders: str | Iterable[str]) -> tuple[str, ...]:
        """Declare coders: the roster becomes closed, and a coder not in it is refused (with a did-you-mean)
        by :meth:`add_coding`, :meth:`import_codings` and the coding widget. Returns the roster.

        Parameters
        ----------
        coders : str or iterable of str
            One coder name or several (lowercase slugs); a name already on the roster is kept once.

        Returns
        -------
        tuple of str
            The whole roster after the change, sorted.

        Raises
        ------
        ProjectError
            An invalid coder name (one that differs from another only in case included); nothing is
            written then.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana has coded, so she is on the roster
        >>> study.add_coders(["ben", "caro"])
        ('ana', 'ben', 'caro')
        >>> study.add_coding("bne", "P01", 9, 24, "holding")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: add_coding(...): coder 'bne' is not in the roster (...); did you mean 'ben'? ...
        """
        names = [coders] if isinstance(coders, str) else list(coders)
        for name in names:
            check_name(check_coder(name), "coder", existing=[*names, *self.coders])
        with self._lock():
            return self._store.declare(names)

    def check_coder(self, coder: str) -> None:
        """Raise ProjectError when ``coder`` may not code in this project (invalid name, or not in a closed
        roster: with a did-you-mean).

        Parameters
        ----------
        coder : str
            The coder name to check.

        Raises
        ------
        ProjectError
            The name is not a valid coder name, or the roster is closed and does not hold it.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> study.check_coder("ben")  # an open roster: anyone may code
        >>> _ = study.add_coders(["ben"])
        >>> study.check_coder("bne")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: coder 'bne' is not in the roster (ana, ben); did you mean 'ben'? ...
        >>> study.check_coder("Ben")
        Traceback (most recent call last):
        ...
        hrp_coding.errors.ProjectError: coder 'Ben' is not a valid coder name: ...
        """
        check_coder(coder)
        problem = self._roster_problem(coder, False)
        if problem:
            raise ProjectError(f"{problem} (add the coder first: new_coder=True or add_coders)")

    def _roster_problem(self, coder: str, new_coder: bool) -> str | None:
        from hrp_coding.store.transcript_import import check_coder as roster_check

        if new_coder:
            return None
        meta = self._store.meta()
        return roster_check(coder, meta.get("coders") or (), bool(meta.get("roster_closed")))

    # -- codebook -------------------------------------------------------------------------------
    @property
    def codebook(self) -> Codebook:
        """The study's codebook (``codebook.yaml``; reloaded when the file changes)."""
        from hrp_coding.codebook import Codebook

        file = self.path / CODEBOOK_FILE
        try:
            stat = file.stat()
        except FileNotFoundError as err:
            raise ProjectError(f"project {self.path}: {CODEBOOK_FILE} is missing") from err
        key = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        if self._codebook is None or self._codebook[0] != key:
            self._codebook = (key, Codebook.load(file))
        return self._codebook[1]

    def update_codebook(self, new_codebook: Codebook) -> MigrationReport:
        """Save an evolved codebook and migrate existing codings (renames and merges follow; splits are flagged).

        One ``migrate`` event is appended to the journal of each coding whose code changed or was
        split (``needs_recoding``; see the ``needs_recoding`` and ``candidates`` columns of
        :meth:`codings`). The codebook and the events are one intent: a crash leaves either the old
        codebook with the old codes or the new one with every coding migrated. The new codebook must
        not have a lower version than the current one.

        Parameters
        ----------
        new_codebook : Codebook
            The evolved codebook (:meth:`~hrp_coding.codebook.Codebook.rename`, ``merge``, ``split``,
            ``retire``...): its changelog says where each old code went.

        Returns
        -------
        MigrationReport
            The codings moved to a new code and those flagged for recoding, with both versions.

        Raises
        ------
        ProjectError
            The new codebook's version is lower than the project's; nothing is written then.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()  # ana's coding of "We sat with her" as holding
        >>> report = study.update_codebook(study.codebook.rename("holding", "presence", who="lead", why="clearer"))
        >>> print(report)
        codebook v1 -> v2: 1 codings moved to their new code, 0 flagged for recoding
        >>> study.codings()[["code", "original_code", "text"]].values.tolist(), study.codebook.version
        ([['presence', 'holding', 'We sat with her']], 2)
        """
        from hrp_coding.store.changes import plan_migration

        with self._lock():
            old = self.codebook
            if new_codebook.version < old.version:
                raise ProjectError(f"update_codebook: the new codebook has version {new_codebook.version}, older "
                                   f"than the project's version {old.version}")
            state = self._ledger.refresh()
            report, per_coder = plan_migration((state.coding(cid) for cid in state.rows), new_codebook.migration(),
                                               from_version=old.version, to_version=new_codebook.version)
            with intents.Intent(self.path, "codebook", f"update_codebook(v{old.version} -> "
                                f"v{new_codebook.version})") as intent:
                intent.write(self.path / CODEBOOK_FILE, new_codebook.to_yaml())
                for coder, events in per_coder.items():
                    intent.append(coder, events)
                intent.append_history(CodebookChanged(id=new_id(), at=now_iso(), from_version=old.version,
                                                      to_version=new_codebook.version, moved=len(report.moved),
                                                      flagged=len(report.flagged)))
        self._ledger.refresh()
        return report

    def _check_code(self, code: Any, problems: list[str], *, allow_retired: bool = False) -> None:
        codes = self.codebook.codes
        if not isinstance(code, str) or code not in codes:
            problems.append(f"unknown code {code!r}{did_you_mean(str(code), codes)}")
        elif not allow_retired and codes[code].status != "active":
            step = self.codebook.migration().get(code)
            hint = f" (use {step.new_id!r})" if step is not None and step.new_id and step.new_id != code else ""
            problems.append(f"code {code!r} is retired{hint}")

    # -- transcripts ----------------------------------------------------------------------------
    @property
    def transcript_ids(self) -> tuple[str, ...]:
        """The ids of the project's transcripts, sorted."""
        return self._transcripts.ids()

    def transcript(self, transcript_id: str) -> Transcript:
        """The transcript with this id (its ``text`` is what coding offsets point into).

        Parameters
        ----------
        transcript_id : str
            One of :attr:`transcript_ids`.

        Returns
        -------
        Transcript
            Text, turns, attributes and layout report (a ProjectError for an unknown id).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> t = tiny_study().transcript("P01")
        >>> t.text, [(turn.speaker, turn.start, turn.end) for turn in t.turns]
        ('I: Hi\\nP: We sat with her.\\n', [('I', 3, 5), ('P', 9, 25)])
        >>> t.text[9:25]
        'We sat with her.'
        """
        return self._transcripts.load(transcript_id)[0]

    def save_caches(self) -> None:
        """Write the cache of parsed transcript sidecars now (the next session then reads them as JSON, not YAML).

        Examples
        --------
        >>> import json
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> study.save_caches()
        >>> sorted(json.loads((study.path / ".hrp" / "cache" / "sidecars.json").read_text()))
        ['P01']
        """
        self._transcripts.flush()

    def _unknown_transcript(self, transcript_id: Any) -> str:
        return self._transcripts.unknown(transcript_id)
