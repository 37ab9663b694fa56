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
from hrp_coding.errors import ProjectError, RecoveryWarning
from hrp_coding.store import intents
from hrp_coding.store.anchors import make_anchor, text_sha256
from hrp_coding.store.events import (
    CodebookChanged,
    RejectSuggestion,
    RemoveCoding,
)
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.ledger import Ledger
from hrp_coding.store.memos import MemoWriting
from hrp_coding.store.names import check_coder, check_name, did_you_mean, name_problem
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


class Project(ProjectViews, TranscriptChanges, Recoding, MemoWriting):
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
            raise TypeError("use Project.open(path) or Project.init(path, codebook=...)")
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
            The coder roster (lowercase slugs); coders are also added when they first code.

        Raises
        ------
        ProjectError
            When the folder is not empty, the unit or a coder name is invalid.
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
        """
        with self._lock():
            return self._store.update(**changes)

    @property
    def default_unit(self) -> str:
        return self.settings.default_unit

    @property
    def coders(self) -> tuple[str, ...]:
        """Every coder of the roster or with a journal, sorted (``consensus`` and ``model:*`` layers included)."""
        return tuple(sorted({*self._store.roster(), *self._ledger.coders()}))

    def add_coders(self, coders: str | Iterable[str]) -> tuple[str, ...]:
        """Declare coders: the roster becomes closed, and a coder not in it is refused (with a did-you-mean)
        by :meth:`add_coding`, :meth:`import_codings` and the coding widget. Returns the roster."""
        names = [coders] if isinstance(coders, str) else list(coders)
        for name in names:
            check_name(check_coder(name), "coder", existing=[*names, *self.coders])
        with self._lock():
            return self._store.declare(names)

    def check_coder(self, coder: str) -> None:
        """Raise ProjectError when ``coder`` may not code in this project (invalid name, or not in a closed
        roster: with a did-you-mean)."""
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
        """
        return self._transcripts.load(transcript_id)[0]

    def save_caches(self) -> None:
        """Write the cache of parsed transcript sidecars now (the next session then reads them as JSON, not YAML).

        Examples
        --------
        >>> import tempfile, hrp_coding as hc
        >>> study = hc.datasets.sample_study(tempfile.mkdtemp() + "/s")
        >>> study.save_caches(); (study.path / ".hrp" / "cache" / "sidecars.json").exists()
        True
        """
        self._transcripts.flush()

    def _unknown_transcript(self, transcript_id: Any) -> str:
        return self._transcripts.unknown(transcript_id)

    # -- journals and codings -------------------------------------------------------------------
    def add_coding(self, coder: str, transcript: str, start: int, end: int, code: str, memo: str | None = None,
                   source: str = "manual", confidence: float | None = None, model: str | None = None,
                   new_coder: bool = False) -> Coding:
        """Record that ``coder`` applied ``code`` to ``transcript`` characters ``start`` to ``end`` (exclusive).

        Raises ProjectError listing every problem: unknown transcript or code (with a did-you-mean),
        empty or out-of-range span, invalid coder name or confidence, a coder not in a closed roster
        (with a did-you-mean; ``new_coder=True`` or :meth:`add_coders` adds them).

        Parameters
        ----------
        coder, transcript, code : str
            Who (a coder name), where (a transcript id) and what (an active code of the codebook).
        start, end : int
            The span, in code points of the transcript's text; ``end`` exclusive.
        memo, source, confidence, model, new_coder : optional
            A memo; ``"manual"``, or a suggester's output with its ``confidence`` (0-1) and ``model`` name;
            ``new_coder=True`` accepts a coder not on a closed roster (and adds them).

        Returns
        -------
        Coding
            The live coding, anchored on its quote.
        """
        problems: list[str] = []
        if name_problem(coder, "coder") is not None:
            problems.append(f"coder {coder!r} is not a lowercase slug (e.g. 'ana', 'model:tfidf'): "
                            f"{name_problem(coder, 'coder')}")
        elif (roster := self._roster_problem(coder, new_coder)) is not None:
            problems.append(roster + " (add the coder first: new_coder=True or add_coders)")
        with self._lock():
            text = sha = None
            if self._transcripts.exists(transcript):
                text, sha = self._transcripts.text_sha256(transcript)
            else:
                problems.append(self._unknown_transcript(transcript))
            self._check_code(code, problems)
            self._check_span(transcript, start, end, text, problems)
            if confidence is not None and not (isinstance(confidence, (int, float)) and not isinstance(confidence, bool)
                                               and 0 <= confidence <= 1):
                problems.append(f"confidence must be a number in [0, 1], got {confidence!r}")
            if memo is not None and not isinstance(memo, str):
                problems.append(f"memo must be a string, got {type(memo).__name__}")
            if problems:
                raise ProjectError(f"add_coding(coder={coder!r}, transcript={transcript!r}, code={code!r}): "
                                   + "; ".join(problems))
            event = self._add_event(coder, transcript, start, end, code, text, sha, memo=memo, source=source,
                                    model=model, confidence=confidence)
            self._store.register([coder])
            self._ledger.append(coder, [event])
        return self._ledger.state.coding(event.coding_id)

    @staticmethod
    def _check_span(transcript, start, end, text, problems: list[str]) -> None:
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end)):
            problems.append(f"start and end must be integers, got start={start!r}, end={end!r}")
        elif start >= end:
            problems.append(f"empty span: start={start} must be less than end={end}")
        elif text is not None and not (start >= 0 and end <= len(text)):
            problems.append(f"span {start}-{end} is out of range: transcript {transcript!r} has {len(text)} "
                            "characters")

    def _add_event(self, coder, transcript, start, end, code, text, sha, **fields):
        fields = {k: (float(v) if k == "confidence" else tuple(v) if k == "who" else v)
                  for k, v in fields.items() if v is not None}
        return self._ledger.add_event(coder=coder, codebook_version=self.codebook.version, transcript=transcript,
                                      start=start, end=end, code=code,
                                      anchor=make_anchor(text, start, end, sha256=sha).to_dict(), **fields)

    def remove_coding(self, coder: str, coding_id: str) -> None:
        """Remove one of ``coder``'s codings (a ``remove`` event; the journal keeps the history)."""
        check_coder(coder)
        with self._lock():
            row = self._ledger.refresh().rows.get(coding_id)
            if row is None:
                raise ProjectError(f"remove_coding: no live coding {coding_id!r} in project {self.path}")
            if row[1] != coder:
                raise ProjectError(f"remove_coding: coding {coding_id!r} belongs to coder {row[1]!r}, not {coder!r}")
            self._ledger.append(coder, [RemoveCoding(id=new_id(), at=now_iso(), coder=coder, coding_id=coding_id,
                                                     codebook_version=self.codebook.version)])

    def reject_suggestion(self, coder: str, transcript: str, start: int, end: int, code: str, *,
                          model: str | None = None, reason: str | None = None) -> None:
        """Record that ``coder`` dismissed a suggestion of ``code`` for a passage (a ``reject`` event)."""
        check_coder(coder)
        problems: list[str] = []
        text = None
        try:
            text = self._transcripts.text(transcript) if self._transcripts.exists(transcript) else None
            if text is None:
                problems.append(self._unknown_transcript(transcript))
        except ProjectError as err:
            problems.append(str(err))
        self._check_code(code, problems, allow_retired=True)
        self._check_span(transcript, start, end, text, problems)
        if problems:
            raise ProjectError(f"reject_suggestion({transcript!r}, {start}, {end}, {code!r}): " + "; ".join(problems))
        with self._lock():
            self._ledger.append(coder, [RejectSuggestion(
                id=new_id(), at=now_iso(), coder=coder, codebook_version=self.codebook.version, transcript=transcript,
                start=start, end=end, code=code, model=model, reason=reason)])

    # -- import -----------------------------------------------------------------------------------
    def import_codings(self, csv_path_or_df, *, coder: str | None = None, new_coders: bool = False) -> ImportReport:
        """Import codings from a CSV file or DataFrame (see :mod:`hrp_coding.store.codings_import`).

        Every row is validated first; any problem raises one
        :class:`~hrp_coding.errors.CodingsImportError` naming each bad row, and nothing is written.
        Rows identical to a live coding (same coder, transcript, span and code) are skipped, so
        importing a file twice adds nothing. The whole import is one intent: a crash leaves all of
        it or none of it.

        Parameters
        ----------
        csv_path_or_df : str, os.PathLike or pandas.DataFrame
            Columns ``transcript, code``, ``coder`` (or ``coder=``) and ``start, end`` or ``quote``.
        coder, new_coders : str, bool, optional
            The coder of rows without one; whether to accept coders not on a closed roster.

        Returns
        -------
        ImportReport
            How many codings were added, per coder, and how many duplicates skipped.
        """
        from hrp_coding.store.changes import plan_import_events
        from hrp_coding.store.codings_import import plan_import

        with self._lock():
            texts = self._texts()
            codes = {cid: code.status for cid, code in self.codebook.codes.items()}
            meta = self._store.meta()
            roster = None if new_coders else (meta.get("coders") or (), bool(meta.get("roster_closed")))
            planned = plan_import(csv_path_or_df, texts=texts, codes=codes, coder=coder, roster=roster)
            shas = {tid: text_sha256(texts[tid]) for tid in {p["transcript"] for p in planned}}
            per_coder, skipped = plan_import_events(planned, self._ledger.refresh().rows.values(), lambda p: (
                self._add_event(p["coder"], p["transcript"], p["start"], p["end"], p["code"], texts[p["transcript"]],
                                shas[p["transcript"]], memo=p["memo"], source=p["source"], model=p["model"],
                                confidence=p["confidence"])))
            source = str(csv_path_or_df) if isinstance(csv_path_or_df, (str, os.PathLike)) else "DataFrame"
            with intents.Intent(self.path, "import", f"import_codings({source!r})") as intent:
                self._store.stage_register(intent, per_coder)
                for coder_name in sorted(per_coder):
                    intent.append(coder_name, per_coder[coder_name])
        self._ledger.refresh()
        ids = [e.coding_id for name in sorted(per_coder) for e in per_coder[name]]
        return ImportReport(source=source, added=len(ids), skipped_duplicates=skipped, coders=tuple(sorted(per_coder)),
                            coding_ids=tuple(ids))

    # -- consensus --------------------------------------------------------------------------------
    def adjudicate(self, transcript: str, start: int, end: int, codes: str | Iterable[str], *, who: str | Iterable[str],
                   why: str, segment: str | None = None) -> Adjudication:
        """Record a consensus decision for a passage in the ``consensus`` layer (later analyses may use it as gold).

        See :mod:`hrp_coding.store.consensus`: a ``decision`` event, one ``consensus`` coding per agreed
        code, and earlier consensus codings on exactly the same span superseded, in one append.

        Parameters
        ----------
        transcript, start, end : str, int, int
            The passage decided on: a transcript id and a span (end exclusive).
        codes, who, why, segment
            The agreed codes (none: the passage carries no code), who decided (one or several people) and why,
            and optionally the segment the decision is about.

        Returns
        -------
        Adjudication
            The decision's id and the consensus codings made and superseded.
        """
        from hrp_coding.store.consensus import CONSENSUS, adjudication_problems, plan_adjudication, segment_problem

        code_list = [codes] if isinstance(codes, str) else list(codes)
        who_list = [who] if isinstance(who, str) else list(who)
        problems: list[str] = []
        text = sha = None
        try:
            t = self.transcript(transcript)
            text, sha = t.text, t.sha256
        except ProjectError as err:
            problems.append(str(err))
        for code in code_list:
            self._check_code(code, problems)
        problems += adjudication_problems(code_list, who_list, who, why)
        before = len(problems)
        self._check_span(transcript, start, end, text, problems)
        if len(problems) == before and segment is not None and text is not None:
            problems += [p for p in [segment_problem(transcript, segment, start, end, self.segments)] if p]
        if problems:
            raise ProjectError(f"adjudicate({transcript!r}, {start}, {end}): " + "; ".join(problems))
        version = self.codebook.version
        with self._lock():
            events, adds, superseded = plan_adjudication(
                transcript, start, end, code_list, who_list, why, segment, version=version,
                existing=self._ledger.refresh().rows, make_add=lambda code, did: self._add_event(
                    CONSENSUS, transcript, start, end, code, text, sha, source="adjudication", who=who_list, why=why,
                    segment=segment, decision_id=did))
            decision_id = events[0].decision_id
            self._store.register([CONSENSUS])
            self._ledger.append(CONSENSUS, events + adds)
        return Adjudication(decision_id=decision_id, transcript=transcript, start=start, end=end,
                            codes=tuple(code_list), who=tuple(who_list), why=why, segment=segment,
                            codebook_version=version, coding_ids=tuple(e.coding_id for e in adds),
                            superseded=tuple(superseded))
