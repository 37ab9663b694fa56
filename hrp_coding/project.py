"""The project folder: transcripts, codebook, coder journals and memos as plain files (see ``docs/project_folder.md``).

::

    my-study/
      hrp-project.yaml        format version, name, coder roster, settings (blind coding, default unit...)
      codebook.yaml           the study's codebook, with version and changelog
      transcripts/P01.txt     canonical text (UTF-8, NFC, LF, no BOM); offsets count code points
      transcripts/P01.yaml    source, sha256 of the text, turns, attributes, de-identification report
      codings/<coder>.jsonl   that coder's append-only event log (add / remove / memo / migrate / reanchor)
      memos/codes/<id>.md     memos on codes; memos/transcripts/<id>.md memos on transcripts
      private/                de-identification keys (listed in .gitignore: never commit them)

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
import dataclasses
import difflib
import os
import re
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import AnchorWarning, ProjectError
from hrp_coding.store.anchors import DEFAULT_THRESHOLD, make_anchor, reanchor
from hrp_coding.store.codings_import import CODER_PATTERN, plan_import
from hrp_coding.store.journal import Journal, new_id, now_iso
from hrp_coding.store.state import Coding, replay

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from hrp_coding.codebook import Codebook
    from hrp_coding.transcripts import Transcript

__all__ = ["Adjudication", "Coding", "ImportReport", "Memo", "MigrationReport", "Project", "ProjectSettings",
           "ReanchorReport", "ReanchoredCoding"]

FORMAT_VERSION = 1
PROJECT_FILE = "hrp-project.yaml"
CODEBOOK_FILE = "codebook.yaml"
UNITS = ("turn", "sentence", "paragraph")
MEMO_KINDS = ("code", "transcript", "coding")
CONSENSUS = "consensus"
TRANSCRIPT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_GITIGNORE = "# written by hrp-coding: de-identification keys must never be committed\nprivate/\n"


# ---------------------------------------------------------------------------------------------
# small helpers
# ---------------------------------------------------------------------------------------------
_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Sorted keys, block style, except flow style for each turn (one line per turn diffs well)."""


class _Flow(dict):
    pass


_Dumper.add_representer(_Flow, lambda dumper, data: dumper.represent_mapping(
    "tag:yaml.org,2002:map", sorted(data.items()), flow_style=True))


def _yaml(data: Any) -> str:
    return yaml.dump(data, Dumper=_Dumper, sort_keys=True, allow_unicode=True, default_flow_style=False, width=120)


def _plain(value: Any) -> Any:
    """numpy / pandas scalars -> Python scalars, so attributes serialise as plain YAML."""
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "item") and callable(value.item) and type(value).__module__.startswith("numpy"):
        return value.item()
    with contextlib.suppress(TypeError, ValueError):
        import pandas as pd

        if value is pd.NA or (not isinstance(value, str) and pd.isna(value)):
            return None
    return value


def _did_you_mean(value: str, options: Iterable[str]) -> str:
    close = difflib.get_close_matches(str(value), list(options), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _journal_name(coder: str) -> str:
    # "model:tfidf" -> "model@tfidf.jsonl": ':' is not allowed in Windows file names, '@' is never in a slug
    return coder.replace(":", "@") + ".jsonl"


def _coder_of(filename: str) -> str:
    return filename[: -len(".jsonl")].replace("@", ":")


def _check_coder(coder: Any, what: str = "coder") -> str:
    if not isinstance(coder, str) or not CODER_PATTERN.match(coder):
        raise ProjectError(f"{what} {coder!r} is not a valid coder name: use a lowercase slug such as 'ana' "
                           "(letters, digits, '-', '_'), 'model:<name>' for a model layer, or 'consensus'")
    return coder


# ---------------------------------------------------------------------------------------------
# results
# ---------------------------------------------------------------------------------------------
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
        return {"blind_coding": self.blind_coding, "default_unit": self.default_unit,
                "suggestions_hidden_from": list(self.suggestions_hidden_from)}

    @classmethod
    def from_dict(cls, data: Mapping | None, *, source: str = "settings") -> ProjectSettings:
        data = dict(data or {})
        known = {f.name for f in dataclasses.fields(cls)}
        problems = [f"unknown setting {k!r}{_did_you_mean(k, known)}" for k in data if k not in known]
        blind = data.get("blind_coding", False)
        if not isinstance(blind, bool):
            problems.append(f"blind_coding must be true or false, got {blind!r}")
        unit = data.get("default_unit", "turn")
        if unit not in UNITS:
            problems.append(f"default_unit must be one of {', '.join(UNITS)}, got {unit!r}")
        hidden = data.get("suggestions_hidden_from", ()) or ()
        if isinstance(hidden, str):
            hidden = [hidden]
        if not isinstance(hidden, (list, tuple)) or not all(isinstance(c, str) and CODER_PATTERN.match(c)
                                                           for c in hidden):
            problems.append(f"suggestions_hidden_from must be a list of coder names, got {hidden!r}")
            hidden = ()
        if problems:
            raise ProjectError(f"{source}: " + "; ".join(problems))
        return cls(blind_coding=blind, default_unit=unit, suggestions_hidden_from=tuple(sorted(set(hidden))))


@dataclass(frozen=True)
class Memo:
    """A memo on a code, a transcript or a coding."""

    target_kind: str
    target_id: str
    coder: str
    text: str
    at: str


@dataclass(frozen=True)
class ReanchoredCoding:
    """One coding whose place changed (or could not be found) after a transcript edit.

    ``outcome`` is its category (see :mod:`hrp_coding.store.anchors`); ``candidates``: (start, end)
    places in the new text worth a look, for codings that need review or were orphaned.
    """

    coding_id: str
    coder: str
    code: str
    old_start: int
    old_end: int
    start: int | None
    end: int | None
    method: str | None
    score: float
    quote: str
    outcome: str = "moved"
    candidates: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ReanchorReport:
    """What :meth:`Project.update_transcript` did to the codings of one transcript (each coding in exactly one group).

    ``unchanged``: ids of codings still on their words at the same offsets; ``moved``: on their
    words exactly, elsewhere; ``fuzzy``: on the edited version of their words (``score`` =
    similarity); ``needs_review``: more than one place fits, kept off the text with status
    ``needs_review`` and their ``candidates``; ``orphaned``: their words were deleted, kept with
    status ``orphaned`` (see ``Project.codings(include_orphaned=True)``).
    """

    transcript: str
    unchanged: tuple[str, ...]
    moved: tuple[ReanchoredCoding, ...]
    fuzzy: tuple[ReanchoredCoding, ...]
    needs_review: tuple[ReanchoredCoding, ...] = ()
    orphaned: tuple[ReanchoredCoding, ...] = ()

    @property
    def unplaced(self) -> tuple[ReanchoredCoding, ...]:
        """The codings not on the new text: needing review, then orphaned."""
        return self.needs_review + self.orphaned

    @property
    def ok(self) -> bool:
        """True when every coding was placed."""
        return not self.unplaced

    def to_frame(self) -> pd.DataFrame:
        import pandas as pd

        rows = [dataclasses.asdict(r) for group in (self.moved, self.fuzzy, self.needs_review, self.orphaned)
                for r in group]
        columns = ["outcome", *[f.name for f in dataclasses.fields(ReanchoredCoding) if f.name != "outcome"]]
        return pd.DataFrame(rows, columns=columns)

    def __str__(self) -> str:
        lines = [f"Transcript {self.transcript}: {len(self.unchanged)} codings unchanged, {len(self.moved)} moved, "
                 f"{len(self.fuzzy)} placed approximately, {len(self.needs_review)} need review, "
                 f"{len(self.orphaned)} orphaned ({len(self.unplaced)} could not be placed)"]
        for r in self.fuzzy:
            lines.append(f"  fuzzy ({r.score:.2f}): {r.coder}/{r.code} {r.coding_id} -> {r.start}-{r.end}")
        for r in self.needs_review:
            lines.append(f"  needs review ({len(r.candidates)} candidate places): {r.coder}/{r.code} {r.coding_id} "
                         f"{r.quote[:60]!r}")
        for r in self.orphaned:
            lines.append(f"  orphaned (words deleted): {r.coder}/{r.code} {r.coding_id} {r.quote[:60]!r}")
        return "\n".join(lines)


@dataclass(frozen=True)
class ImportReport:
    """What :meth:`Project.import_codings` wrote."""

    source: str
    added: int
    skipped_duplicates: int
    coders: tuple[str, ...]
    coding_ids: tuple[str, ...]

    def __str__(self) -> str:
        return (f"{self.source}: {self.added} codings imported for {', '.join(self.coders) or 'no coder'}"
                f" ({self.skipped_duplicates} duplicates skipped)")


@dataclass(frozen=True)
class MigrationReport:
    """What :meth:`Project.update_codebook` did to existing codings.

    ``moved``: (coding_id, coder, old code, new code) for renamed or merged codes; ``flagged``:
    (coding_id, coder, old code, candidates) for codes that were split (``needs_recoding``).
    """

    from_version: int
    to_version: int
    moved: tuple[tuple[str, str, str, str], ...]
    flagged: tuple[tuple[str, str, str, tuple[str, ...]], ...]

    def __str__(self) -> str:
        return (f"codebook v{self.from_version} -> v{self.to_version}: {len(self.moved)} codings moved to their "
                f"new code, {len(self.flagged)} flagged for recoding")


@dataclass(frozen=True)
class Adjudication:
    """A consensus decision: the codes agreed for a passage, who decided and why."""

    decision_id: str
    transcript: str
    start: int
    end: int
    codes: tuple[str, ...]
    who: tuple[str, ...]
    why: str
    segment: str | None
    codebook_version: int
    coding_ids: tuple[str, ...]
    superseded: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# the project
# ---------------------------------------------------------------------------------------------
class Project:
    """A study on disk: transcripts, codebook, coder journals and memos (open with :meth:`open`, create with
    :meth:`init`).

    Every rewritten file is written atomically; journals are only appended to, under a lock, so
    several coders (processes) can work on one project folder at once.
    """

    def __init__(self, path: str | os.PathLike, *, _checked: bool = False):
        if not _checked:
            raise TypeError("use Project.open(path) or Project.init(path, codebook=...)")
        self.path = Path(path)
        self._journals: dict[str, Journal] = {}
        self._transcripts: dict[str, tuple[tuple, Transcript, dict]] = {}
        self._codebook: tuple[tuple, Codebook] | None = None
        self._segments: dict[tuple[str, str, str], pd.DataFrame] = {}

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
        roster = sorted({_check_coder(c) for c in (coders or ())})  # a declared roster is closed
        cb = codebook if isinstance(codebook, Codebook) else Codebook.load(codebook)
        for sub in ("transcripts", "codings", "memos"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        cb.save(path / CODEBOOK_FILE)
        atomic_write_text(path / ".gitignore", _GITIGNORE)
        meta = {"format_version": FORMAT_VERSION, "name": name or path.name, "created": now_iso(),
                "coders": roster, "settings": ProjectSettings(default_unit=default_unit).to_dict()}
        if roster:
            meta["roster_closed"] = True
        atomic_write_text(path / PROJECT_FILE, _yaml(meta))
        return cls(path, _checked=True)

    @classmethod
    def open(cls, path: str | os.PathLike) -> Project:
        """Open an existing project folder.

        Raises
        ------
        ProjectError
            Naming the folder and what is missing (the folder, ``hrp-project.yaml``, ``codebook.yaml``)
            or unreadable.
        """
        path = Path(path)
        if not path.is_dir():
            raise ProjectError(f"cannot open project {path}: no such folder")
        missing = [f for f in (PROJECT_FILE, CODEBOOK_FILE) if not (path / f).is_file()]
        if missing:
            raise ProjectError(f"{path} is not an hrp-coding project: {' and '.join(missing)} "
                               f"{'is' if len(missing) == 1 else 'are'} missing (create a project with "
                               "Project.init(path, codebook=...) or 'hrp-coding init')")
        project = cls(path, _checked=True)
        meta = project._meta()
        version = meta.get("format_version")
        if version != FORMAT_VERSION:
            raise ProjectError(f"{path / PROJECT_FILE}: format_version {version!r} is not supported "
                               f"(this hrp-coding reads version {FORMAT_VERSION})")
        project.settings  # noqa: B018 - validates the settings now, with a clear error
        return project

    def _meta(self) -> dict:
        file = self.path / PROJECT_FILE
        try:
            meta = yaml.load(file.read_text(encoding="utf-8"), Loader=_Loader)
        except (OSError, yaml.YAMLError) as err:
            raise ProjectError(f"cannot read {file}: {err}") from err
        if not isinstance(meta, dict):
            raise ProjectError(f"{file}: expected a mapping of settings, got {type(meta).__name__}")
        return meta

    def _write_meta(self, meta: dict) -> None:
        atomic_write_text(self.path / PROJECT_FILE, _yaml(meta))

    # -- settings and roster --------------------------------------------------------------------
    @property
    def name(self) -> str:
        """The study's name."""
        return str(self._meta().get("name") or self.path.name)

    @property
    def settings(self) -> ProjectSettings:
        """The study settings (blind coding, default unit, coders suggestions are hidden from)."""
        return ProjectSettings.from_dict(self._meta().get("settings"), source=str(self.path / PROJECT_FILE))

    def update_settings(self, **changes: Any) -> ProjectSettings:
        """Change settings (``blind_coding=``, ``default_unit=``, ``suggestions_hidden_from=``); returns the new ones.

        Raises ProjectError naming any unknown setting or invalid value; nothing is written then.
        """
        meta = self._meta()
        current = self.settings.to_dict()
        new = ProjectSettings.from_dict({**current, **changes}, source="update_settings")
        meta["settings"] = new.to_dict()
        self._write_meta(meta)
        return new

    @property
    def default_unit(self) -> str:
        return self.settings.default_unit

    @property
    def coders(self) -> tuple[str, ...]:
        """Every coder of the roster or with a journal, sorted (``consensus`` and ``model:*`` layers included)."""
        roster = set(self._meta().get("coders") or ())
        folder = self.path / "codings"
        if folder.is_dir():
            roster.update(_coder_of(p.name) for p in folder.glob("*.jsonl"))
        return tuple(sorted(roster))

    def add_coders(self, coders: str | Iterable[str]) -> tuple[str, ...]:
        """Declare coders: the roster becomes closed, and a coder not in it is refused (with a did-you-mean)
        by :meth:`add_coding`, :meth:`import_codings` and the coding widget. Returns the roster."""
        names = [coders] if isinstance(coders, str) else list(coders)
        for name in names:
            _check_coder(name)
        meta = self._meta()
        meta["coders"] = sorted(set(meta.get("coders") or ()) | set(names))
        meta["roster_closed"] = True
        self._write_meta(meta)
        return tuple(meta["coders"])

    def check_coder(self, coder: str) -> None:
        """Raise ProjectError when ``coder`` may not code in this project (invalid name, or not in a closed
        roster: with a did-you-mean)."""
        _check_coder(coder)
        problem = self._roster_problem(coder, False)
        if problem:
            raise ProjectError(f"{problem} (add the coder first: new_coder=True or add_coders)")

    def _roster_problem(self, coder: str, new_coder: bool) -> str | None:
        from hrp_coding.store.transcript_import import check_coder

        if new_coder:
            return None
        meta = self._meta()
        return check_coder(coder, meta.get("coders") or (), bool(meta.get("roster_closed")))

    def _register_coders(self, coders: Iterable[str]) -> None:
        meta = self._meta()
        roster = set(meta.get("coders") or ())
        new = set(coders) - roster
        if new:
            meta["coders"] = sorted(roster | new)
            self._write_meta(meta)

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
        :meth:`codings`). The new codebook must not have a lower version than the current one.
        """
        old = self.codebook
        if new_codebook.version < old.version:
            raise ProjectError(f"update_codebook: the new codebook has version {new_codebook.version}, older than "
                               f"the project's version {old.version}")
        migration = new_codebook.migration()
        per_coder: dict[str, list[dict]] = {}
        moved, flagged = [], []
        for coding in self._state().values():
            step = migration.get(coding.code)
            if step is None or (step.new_id == coding.code and not step.needs_recoding):
                continue
            if step.needs_recoding and coding.needs_recoding and tuple(step.candidates) == coding.candidates:
                continue  # already flagged by an earlier migration
            per_coder.setdefault(coding.coder, []).append({
                "event": "migrate", "coder": coding.coder, "codebook_version": new_codebook.version,
                "coding_id": coding.id, "from_code": coding.code, "to_code": step.new_id,
                "needs_recoding": bool(step.needs_recoding), "candidates": list(step.candidates),
                "reason": step.reason})
            if step.needs_recoding or step.new_id is None:
                flagged.append((coding.id, coding.coder, coding.code, tuple(step.candidates)))
            else:
                moved.append((coding.id, coding.coder, coding.code, step.new_id))
        new_codebook.save(self.path / CODEBOOK_FILE)
        for coder, events in per_coder.items():
            self._journal(coder).append_many(events)
        return MigrationReport(from_version=old.version, to_version=new_codebook.version, moved=tuple(moved),
                               flagged=tuple(flagged))

    def _check_code(self, code: Any, problems: list[str], *, allow_retired: bool = False) -> None:
        codes = self.codebook.codes
        if not isinstance(code, str) or code not in codes:
            problems.append(f"unknown code {code!r}{_did_you_mean(str(code), codes)}")
        elif not allow_retired and codes[code].status != "active":
            step = self.codebook.migration().get(code)
            hint = f" (use {step.new_id!r})" if step is not None and step.new_id and step.new_id != code else ""
            problems.append(f"code {code!r} is retired{hint}")

    # -- transcripts ----------------------------------------------------------------------------
    @property
    def transcript_ids(self) -> tuple[str, ...]:
        """The ids of the project's transcripts, sorted."""
        folder = self.path / "transcripts"
        if not folder.is_dir():
            return ()
        return tuple(sorted(p.stem for p in folder.glob("*.yaml") if (folder / f"{p.stem}.txt").is_file()))

    def transcript(self, transcript_id: str) -> Transcript:
        """The transcript with this id (its ``text`` is what coding offsets point into)."""
        return self._load_transcript(transcript_id)[0]

    def _unknown_transcript(self, transcript_id: Any) -> str:
        ids = self.transcript_ids
        return (f"unknown transcript {transcript_id!r}{_did_you_mean(str(transcript_id), ids)}; the project has "
                f"{len(ids)} transcript(s)" + (f": {', '.join(ids[:12])}{' ...' if len(ids) > 12 else ''}"
                                               if ids else ""))

    def _load_transcript(self, transcript_id: str) -> tuple[Transcript, dict]:
        from hrp_coding.transcripts import Transcript

        text_file = self.path / "transcripts" / f"{transcript_id}.txt"
        meta_file = self.path / "transcripts" / f"{transcript_id}.yaml"
        if not isinstance(transcript_id, str) or not text_file.is_file() or not meta_file.is_file():
            raise ProjectError(self._unknown_transcript(transcript_id))
        st1, st2 = text_file.stat(), meta_file.stat()
        key = (st1.st_mtime_ns, st1.st_size, st1.st_ino, st2.st_mtime_ns, st2.st_size, st2.st_ino)
        cached = self._transcripts.get(transcript_id)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        with open(text_file, encoding="utf-8", newline="") as handle:
            text = handle.read()
        meta = yaml.load(meta_file.read_text(encoding="utf-8"), Loader=_Loader) or {}
        transcript = Transcript.from_meta(meta, text, transcript_id=transcript_id)
        self._transcripts[transcript_id] = (key, transcript, meta)
        return transcript, meta

    def _write_transcript(self, transcript: Transcript, extra: Mapping | None = None) -> None:
        meta = transcript.to_meta()
        meta["attributes"] = _plain(meta.get("attributes") or {})
        meta["turns"] = [_Flow(turn) for turn in meta.get("turns") or []]
        meta.update(extra or {})
        deid = meta.get("deidentification")
        if isinstance(deid, dict) and deid.get("replacements"):
            meta["deidentification"] = {**deid, "replacements": [_Flow(r) for r in deid["replacements"]]}
        folder = self.path / "transcripts"
        # text first: a crash before the sidecar is written leaves a hash mismatch that open() reports
        atomic_write_text(folder / f"{transcript.id}.txt", transcript.text)
        atomic_write_text(folder / f"{transcript.id}.yaml", _yaml(meta))

    def add_transcript(self, path_or_text: str | os.PathLike | Transcript, transcript_id: str | None = None,
                       attributes: Mapping | None = None, deidentify: Any = None, encoding: Any = None,
                       speaker_roles: Mapping[str, str] | None = None, speaker_pattern: Any = None,
                       layout: str | None = None, allow_empty: bool = False) -> Transcript:
        """Add a transcript from a file (.txt .md .docx .pdf .vtt .srt .csv .xlsx), a text or a Transcript.

        The file's layout is detected (see :mod:`hrp_coding.transcripts.layout`); the returned
        transcript's ``layout`` is the report (also kept in the sidecar). An empty transcript is
        refused; nothing is written then.

        Parameters
        ----------
        path_or_text : path, str or Transcript
            A file to read with :func:`hrp_coding.transcripts.read_transcript`, the transcript's
            text (a string that is not an existing file and contains a line break, or any string when
            ``transcript_id`` is given and no such file exists), or a Transcript already read.
        transcript_id : str, optional
            Default: the file name without its suffix. Letters, digits, ``.``, ``_``, ``-``.
        attributes : mapping, optional
            Participant or interview attributes (merged over any the reader found).
        deidentify : Deidentifier or path, optional
            De-identify the text before it is stored: a
            :class:`~hrp_coding.transcripts.Deidentifier` or a names-list file. The key (pseudonym ->
            original) goes to ``private/deid-key.yaml`` (git-ignored); the sidecar keeps only a
            report without the originals.
        encoding, speaker_roles, speaker_pattern, layout :
            Passed to the reader (``encoding`` may map extensions to encodings).
        allow_empty : bool
            Store a transcript without text (a REFI-QDA source may be empty); refused by default.
        """
        from hrp_coding.store.transcript_import import prepare

        transcript = prepare(path_or_text, transcript_id, existing=self.transcript_ids, encoding=encoding,
                             speaker_pattern=speaker_pattern, speaker_roles=speaker_roles, layout=layout,
                             attributes=attributes, plain=_plain, allow_empty=allow_empty)
        extra = {}
        if deidentify is not None:
            transcript, extra = self._deidentify(transcript, deidentify)
        self._write_transcript(transcript, extra)
        return self.transcript(transcript.id)

    def add_transcripts(self, files: Iterable[str | os.PathLike], *, attributes: Mapping[str, Mapping] | None = None,
                        deidentify: Any = None, **overrides: Any) -> list[Transcript]:
        """Add several transcript files, all or nothing: if one fails, the project is left as it was.

        ``attributes`` maps transcript id -> attributes; ``overrides`` are those of
        :meth:`add_transcript` (``encoding``, ``speaker_pattern``, ``speaker_roles``, ``layout``).
        The error names the failing file.
        """
        from hrp_coding.store.transcript_import import add_batch

        return add_batch(self, files, attributes=attributes, deidentify=deidentify, **overrides)

    def remove_transcript(self, transcript_id: str) -> int:
        """Remove a transcript; its live codings get ``remove`` events (the journals keep their history).

        Returns the number of codings removed.
        """
        self._load_transcript(transcript_id)
        live = [c for c in self._state().values() if c.transcript == transcript_id]
        per_coder: dict[str, list[dict]] = {}
        for c in live:
            per_coder.setdefault(c.coder, []).append({"event": "remove", "coder": c.coder, "coding_id": c.id,
                                                      "codebook_version": self.codebook.version,
                                                      "reason": f"transcript {transcript_id} removed"})
        for coder, events in per_coder.items():
            self._journal(coder).append_many(events)
        for suffix in (".yaml", ".txt"):
            (self.path / "transcripts" / f"{transcript_id}{suffix}").unlink()
        self._transcripts.pop(transcript_id, None)
        self._segments = {k: v for k, v in self._segments.items() if k[0] != transcript_id}
        return len(live)

    def _deidentify(self, transcript: Transcript, deidentify: Any) -> tuple[Transcript, dict]:
        from hrp_coding.store.deid import deidentify_transcript

        return deidentify_transcript(transcript, deidentify, key_file=self.path / "private" / "deid-key.yaml",
                                     gitignore=self.path / ".gitignore")

    def update_transcript(self, transcript_id: str, new_text: str, *,
                          threshold: float = DEFAULT_THRESHOLD) -> ReanchorReport:
        """Replace a transcript's text and re-anchor every coding on it.

        Each coding follows its words through an alignment of old and new text, or its quote with its
        context when the passage moved; it is never moved to another occurrence of its quote (see
        :func:`hrp_coding.store.anchors.reanchor`; ``threshold``: minimum similarity of an edited
        quote). Codings that cannot be placed are kept off the text with status ``needs_review`` (more
        than one place fits) or ``orphaned`` (words deleted) and listed in the report; an
        :class:`~hrp_coding.errors.AnchorWarning` says how many.
        Turns are re-read from the new text (speaker-labelled lines); attributes and source are kept.
        """
        from hrp_coding.transcripts import transcript_from_text

        old, meta = self._load_transcript(transcript_id)
        if not isinstance(new_text, str):
            raise TypeError(f"new_text must be a str, got {type(new_text).__name__}")
        fresh = transcript_from_text(new_text, transcript_id, speaker_roles=old.speaker_roles or None)
        fresh = dataclasses.replace(fresh, attributes=old.attributes, source=old.source)
        affected = [c for c in self._state().values() if c.transcript == transcript_id]
        by_id = {c.id: c for c in affected}
        groups: dict[str, list] = {"unchanged": [], "moved": [], "fuzzy": [], "needs_review": [], "orphaned": []}
        per_coder: dict[str, list[dict]] = {}
        sha, version = fresh.sha256, self.codebook.version
        for p in reanchor(old.text, fresh.text, affected, threshold=threshold).placements:
            c = by_id[p.coding_id]
            if p.category == "unchanged" and c.status == "active":
                groups["unchanged"].append(c.id)
                continue
            groups[p.category].append(ReanchoredCoding(
                coding_id=c.id, coder=c.coder, code=c.code, old_start=c.start, old_end=c.end, start=p.start,
                end=p.end, method=p.method, score=p.score, quote=p.quote, outcome=p.category,
                candidates=p.candidates))
            if p.start is None:
                if c.status == p.category:
                    continue  # already off the text for the same reason: nothing new to record
                event = {"start": c.start, "end": c.end, "status": p.category, "anchor": c.anchor.to_dict(),
                         "candidates": [list(x) for x in p.candidates]}
            else:
                anchor = make_anchor(fresh.text, p.start, p.end, sha256=sha)
                event = {"start": p.start, "end": p.end, "status": "active", "anchor": anchor.to_dict()}
            per_coder.setdefault(c.coder, []).append({
                "event": "reanchor", "coder": c.coder, "codebook_version": version, "coding_id": c.id,
                "method": p.method, "score": p.score, "transcript_sha256": sha, **event})
        history = [*(meta.get("previous_sha256") or []), old.sha256]
        extra = {k: v for k, v in meta.items() if k not in fresh.to_meta()}
        extra["previous_sha256"] = history
        self._write_transcript(fresh, extra)
        self._segments = {k: v for k, v in self._segments.items() if k[0] != transcript_id}
        for coder, events in per_coder.items():
            self._journal(coder).append_many(events)
        report = ReanchorReport(transcript=transcript_id, **{k: tuple(v) for k, v in groups.items()})
        if report.unplaced:
            warnings.warn(f"transcript {transcript_id}: {len(report.unplaced)} coding(s) could not be re-anchored "
                          f"({len(report.needs_review)} need review, {len(report.orphaned)} orphaned); they are kept "
                          "off the text (see the report, or codings(include_orphaned=True))", AnchorWarning,
                          stacklevel=2)
        return report

    # -- journals and codings -------------------------------------------------------------------
    def _journal(self, coder: str) -> Journal:
        journal = self._journals.get(coder)
        if journal is None:
            journal = self._journals[coder] = Journal(self.path / "codings" / _journal_name(coder))
        return journal

    def _state(self) -> dict[str, Coding]:
        folder = self.path / "codings"
        coders = sorted(_coder_of(p.name) for p in folder.glob("*.jsonl")) if folder.is_dir() else []
        return replay({coder: self._journal(coder).events() for coder in coders})

    def add_coding(self, coder: str, transcript: str, start: int, end: int, code: str, memo: str | None = None,
                   source: str = "manual", confidence: float | None = None, model: str | None = None,
                   new_coder: bool = False) -> Coding:
        """Record that ``coder`` applied ``code`` to ``transcript`` characters ``start`` to ``end`` (exclusive).

        Raises ProjectError listing every problem: unknown transcript or code (with a did-you-mean),
        empty or out-of-range span, invalid coder name or confidence, a coder not in a closed roster
        (with a did-you-mean; ``new_coder=True`` or :meth:`add_coders` adds them).
        """
        problems: list[str] = []
        with contextlib.suppress(ProjectError):
            _check_coder(coder)
        if not isinstance(coder, str) or not CODER_PATTERN.match(coder):
            problems.append(f"coder {coder!r} is not a lowercase slug (e.g. 'ana', 'model:tfidf')")
        elif (roster := self._roster_problem(coder, new_coder)) is not None:
            problems.append(roster + " (add the coder first: new_coder=True or add_coders)")
        text = sha = None
        try:
            t = self.transcript(transcript)
            text, sha = t.text, t.sha256
        except ProjectError as err:
            problems.append(str(err))
        self._check_code(code, problems)
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
        if not ints:
            problems.append(f"start and end must be integers, got start={start!r}, end={end!r}")
        elif start >= end:
            problems.append(f"empty span: start={start} must be less than end={end}")
        elif text is not None and not (start >= 0 and end <= len(text)):
            problems.append(f"span {start}-{end} is out of range: transcript {transcript!r} has {len(text)} "
                            "characters")
        if confidence is not None and not (isinstance(confidence, (int, float)) and 0 <= confidence <= 1):
            problems.append(f"confidence must be a number in [0, 1], got {confidence!r}")
        if memo is not None and not isinstance(memo, str):
            problems.append(f"memo must be a string, got {type(memo).__name__}")
        if problems:
            raise ProjectError(f"add_coding(coder={coder!r}, transcript={transcript!r}, code={code!r}): "
                               + "; ".join(problems))
        event = self._add_event(coder, transcript, start, end, code, text, sha, memo=memo, source=source,
                                model=model, confidence=confidence)
        self._register_coders([coder])
        written = self._journal(coder).append(event)
        return replay({coder: [written]})[event["coding_id"]]

    def _add_event(self, coder, transcript, start, end, code, text, sha, **fields) -> dict:
        event = {"event": "add", "coder": coder, "codebook_version": self.codebook.version, "coding_id": new_id(),
                 "transcript": transcript, "start": start, "end": end, "code": code,
                 "anchor": make_anchor(text, start, end, sha256=sha).to_dict()}
        for key, value in fields.items():
            if value is not None:
                event[key] = float(value) if key == "confidence" else value
        return event

    def remove_coding(self, coder: str, coding_id: str) -> None:
        """Remove one of ``coder``'s codings (a ``remove`` event; the journal keeps the history)."""
        _check_coder(coder)
        state = self._state()
        coding = state.get(coding_id)
        if coding is None:
            raise ProjectError(f"remove_coding: no live coding {coding_id!r} in project {self.path}")
        if coding.coder != coder:
            raise ProjectError(f"remove_coding: coding {coding_id!r} belongs to coder {coding.coder!r}, not {coder!r}")
        self._journal(coder).append({"event": "remove", "coder": coder, "coding_id": coding_id,
                                     "codebook_version": self.codebook.version})

    def get_coding(self, coding_id: str) -> Coding:
        """One live coding by id."""
        coding = self._state().get(coding_id)
        if coding is None:
            raise ProjectError(f"no live coding {coding_id!r} in project {self.path}")
        return coding

    def _texts(self) -> dict[str, str]:
        return {tid: self.transcript(tid).text for tid in self.transcript_ids}

    def codings(self, coders: str | Iterable[str] | None = None, include_orphaned: bool = False) -> pd.DataFrame:
        """Every live coding, one row per span.

        Columns: ``coding_id, transcript, coder, code, start, end, text, memo, source, model,
        confidence, codebook_version, at, status, needs_recoding, candidates, original_code``
        (``candidates``: ';'-joined codes a split code's codings may be recoded to). Orphaned codings
        (passage deleted by an edit) are included only with ``include_orphaned=True``.
        """
        from hrp_coding.store.views import codings_frame

        wanted = self._coder_filter(coders)
        texts = self._texts()
        state = [c for c in self._state().values()
                 if (wanted is None or c.coder in wanted) and (include_orphaned or c.status == "active")
                 and c.transcript in texts]
        return codings_frame(state, texts)

    def _coder_filter(self, coders) -> set[str] | None:
        if coders is None:
            return None
        wanted = {coders} if isinstance(coders, str) else set(coders)
        for coder in wanted:
            _check_coder(coder)
        return wanted

    def coder_transcripts(self) -> pd.DataFrame:
        """Which coder coded which transcript (at least one live coding): columns transcript, coder, n_codings."""
        frame = self.codings()
        return (frame.groupby(["transcript", "coder"]).size().rename("n_codings").reset_index()
                .sort_values(["transcript", "coder"]).reset_index(drop=True))

    # -- import -----------------------------------------------------------------------------------
    def import_codings(self, csv_path_or_df, *, coder: str | None = None, new_coders: bool = False) -> ImportReport:
        """Import codings from a CSV file or DataFrame (see :mod:`hrp_coding.store.codings_import`).

        Every row is validated first; any problem raises one
        :class:`~hrp_coding.errors.CodingsImportError` naming each bad row, and nothing is written.
        Rows identical to a live coding (same coder, transcript, span and code) are skipped, so
        importing a file twice adds nothing.
        """
        texts = self._texts()
        codes = {cid: code.status for cid, code in self.codebook.codes.items()}
        meta = self._meta()
        roster = None if new_coders else (meta.get("coders") or (), bool(meta.get("roster_closed")))
        planned = plan_import(csv_path_or_df, texts=texts, codes=codes, coder=coder, roster=roster)
        existing = {(c.coder, c.transcript, c.start, c.end, c.code) for c in self._state().values()}
        shas = {tid: self.transcript(tid).sha256 for tid in {p["transcript"] for p in planned}}
        per_coder: dict[str, list[dict]] = {}
        skipped = 0
        for p in planned:
            key = (p["coder"], p["transcript"], p["start"], p["end"], p["code"])
            if key in existing:
                skipped += 1
                continue
            existing.add(key)
            per_coder.setdefault(p["coder"], []).append(self._add_event(
                p["coder"], p["transcript"], p["start"], p["end"], p["code"], texts[p["transcript"]],
                shas[p["transcript"]], memo=p["memo"], source=p["source"], model=p["model"],
                confidence=p["confidence"]))
        self._register_coders(per_coder)
        ids = []
        for coder_name in sorted(per_coder):
            ids.extend(e["coding_id"] for e in self._journal(coder_name).append_many(per_coder[coder_name]))
        source = str(csv_path_or_df) if isinstance(csv_path_or_df, (str, os.PathLike)) else "DataFrame"
        return ImportReport(source=source, added=len(ids), skipped_duplicates=skipped, coders=tuple(sorted(per_coder)),
                            coding_ids=tuple(ids))

    # -- memos ------------------------------------------------------------------------------------
    def add_memo(self, target_kind: str, target_id: str, text: str, coder: str) -> Memo:
        """Write a memo on a code, a transcript or a coding.

        Code and transcript memos are appended to ``memos/codes/<id>.md`` and
        ``memos/transcripts/<id>.md`` (Markdown, one section per memo); memos on codings are
        ``memo`` events in the writer's journal and show in the ``memo`` column of :meth:`codings`.
        """
        if target_kind not in MEMO_KINDS:
            raise ProjectError(f"add_memo: target_kind must be one of {', '.join(MEMO_KINDS)}, got {target_kind!r}")
        _check_coder(coder)
        if not isinstance(text, str) or not text.strip():
            raise ProjectError(f"add_memo: the memo text on {target_kind} {target_id!r} is empty")
        at = now_iso()
        if target_kind == "coding":
            self.get_coding(target_id)
            self._journal(coder).append({"event": "memo", "coder": coder, "coding_id": target_id, "text": text,
                                         "codebook_version": self.codebook.version, "at": at})
            self._register_coders([coder])
            return Memo(target_kind, target_id, coder, text, at)
        if target_kind == "code":
            problems: list[str] = []
            self._check_code(target_id, problems, allow_retired=True)
            if problems:
                raise ProjectError("add_memo: " + "; ".join(problems))
        elif target_id not in self.transcript_ids:
            raise ProjectError("add_memo: " + self._unknown_transcript(target_id))
        from hrp_coding.store.memos import append_memo

        append_memo(self._memo_file(target_kind, target_id), target_kind, target_id, coder, text, at)
        return Memo(target_kind, target_id, coder, text, at)

    def _memo_file(self, kind: str, target_id: str) -> Path:
        return self.path / "memos" / ("codes" if kind == "code" else "transcripts") / f"{target_id}.md"

    def memos(self, target_kind: str | None = None, target_id: str | None = None) -> pd.DataFrame:
        """Every memo (columns target_kind, target_id, coder, at, text), sorted by target then time."""
        import pandas as pd

        from hrp_coding.store.memos import read_memos

        rows = []
        for kind, sub in (("code", "codes"), ("transcript", "transcripts")):
            folder = self.path / "memos" / sub
            for file in sorted(folder.glob("*.md")) if folder.is_dir() else []:
                rows.extend(dataclasses.astuple(Memo(kind, file.stem, *m)) for m in read_memos(file))
        for coder in self.coders:
            for e in self._journal(coder).events():
                if e.get("event") == "memo":
                    rows.append(("coding", e.get("coding_id"), e.get("coder", coder), e.get("text", ""), e.get("at")))
        frame = pd.DataFrame(rows, columns=["target_kind", "target_id", "coder", "text", "at"])
        if target_kind is not None:
            frame = frame[frame["target_kind"] == target_kind]
        if target_id is not None:
            frame = frame[frame["target_id"] == target_id]
        frame = frame[["target_kind", "target_id", "coder", "at", "text"]]
        return frame.sort_values(["target_kind", "target_id", "at"], kind="stable").reset_index(drop=True)

    # -- segments and views -----------------------------------------------------------------------
    def _unit(self, unit: str | None) -> str:
        unit = self.settings.default_unit if unit is None else unit
        if unit not in UNITS:
            raise ProjectError(f"unit must be one of {', '.join(UNITS)}, got {unit!r}")
        return unit

    def segments(self, unit: str | None = None) -> pd.DataFrame:
        """All transcripts cut into ``unit`` segments (turn, sentence or paragraph; default: the project's).

        Columns as :func:`hrp_coding.transcripts.segment`: transcript, segment, start, end, speaker, role, text.
        """
        import pandas as pd

        from hrp_coding.transcripts import segment_many

        unit = self._unit(unit)
        transcripts = [self.transcript(tid) for tid in self.transcript_ids]
        keys = {t.id: (t.id, t.sha256, unit) for t in transcripts}
        todo = [t for t in transcripts if keys[t.id] not in self._segments]
        if todo:  # one pass over every transcript not yet segmented (one spaCy pipe for sentences)
            fresh = segment_many(todo, unit)
            for tid, part in fresh.groupby("transcript", sort=False):
                self._segments[keys[tid]] = part.reset_index(drop=True)
            for t in todo:
                self._segments.setdefault(keys[t.id], fresh.iloc[0:0])
        if not transcripts:
            return pd.DataFrame(columns=["transcript", "segment", "start", "end", "speaker", "role", "text"])
        return pd.concat([self._segments[keys[t.id]] for t in transcripts], ignore_index=True)

    def coded_segments(self, unit: str | None = None, coder: str | Iterable[str] | None = None, overlap: str = "any",
                       min_chars: int = 1) -> pd.DataFrame:
        """One row per (transcript, segment, coder, code) where that coder's span covers the segment by ``overlap``.

        ``overlap``: ``"any"`` (at least ``min_chars`` shared characters), ``"majority"`` (the span
        covers more than half the segment) or ``"contain"`` (the segment lies wholly in the span).
        A coder counts as having coded a transcript when they have at least one coding in it (see
        :meth:`coder_transcripts`); absent rows mean "not coded with that code".
        """
        from hrp_coding.store.views import coded_segments_frame

        return coded_segments_frame(self.segments(unit), self.codings(coders=coder), overlap=overlap,
                                    min_chars=min_chars)

    def excerpts(self, code: str, context: int | str = 0, coders: str | Iterable[str] | None = None, *,
                 include_children: bool = False) -> pd.DataFrame:
        """Every passage coded ``code`` across transcripts, with context and transcript attributes.

        ``context``: ``0``, a number of characters, or ``"turn"`` (the rest of the speaker turn).
        ``include_children``: also passages coded with a descendant of ``code``.
        """
        from hrp_coding.store.views import excerpts_frame

        problems: list[str] = []
        self._check_code(code, problems, allow_retired=True)
        if problems:
            raise ProjectError("excerpts: " + "; ".join(problems))
        if context != "turn" and (not isinstance(context, int) or isinstance(context, bool) or context < 0):
            raise ProjectError(f"excerpts: context must be 0, a number of characters or 'turn', got {context!r}")
        wanted = {code, *(self.codebook.descendants(code) if include_children else ())}
        frame = self.codings(coders=coders)
        frame = frame[frame["code"].isin(wanted)].sort_values(["code", "transcript", "start", "coder"], kind="stable")
        tids = sorted(set(frame["transcript"]))
        transcripts = {tid: self.transcript(tid) for tid in tids}
        return excerpts_frame(frame, {t: tr.text for t, tr in transcripts.items()}, context=context,
                              turns={t: [(u.start, u.end) for u in tr.turns] for t, tr in transcripts.items()},
                              attributes={t: tr.attributes for t, tr in transcripts.items()})

    # -- consensus --------------------------------------------------------------------------------
    def adjudicate(self, transcript: str, start: int, end: int, codes: str | Iterable[str], *, who: str | Iterable[str],
                   why: str, segment: str | None = None) -> Adjudication:
        """Record a consensus decision for a passage in the ``consensus`` layer (later analyses may use it as gold).

        The decision (codes, possibly none, who decided and why, the codebook version) is a
        ``decision`` event; each agreed code becomes a ``consensus`` coding. Earlier consensus
        codings on exactly the same span are removed (superseded) in the same append.
        """
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
        if len(set(code_list)) != len(code_list):
            problems.append(f"codes repeat: {code_list}")
        if not who_list or not all(isinstance(w, str) and w.strip() for w in who_list):
            problems.append(f"who must name the person or people who decided, got {who!r}")
        if not isinstance(why, str) or not why.strip():
            problems.append("why must give the reason for the decision")
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            problems.append(f"start and end must be integers, got {start!r}, {end!r}")
        elif start >= end:
            problems.append(f"empty span: start={start} must be less than end={end}")
        elif text is not None and not (start >= 0 and end <= len(text)):
            problems.append(f"span {start}-{end} is out of range: transcript {transcript!r} has {len(text)} characters")
        elif segment is not None and text is not None:
            self._check_segment(transcript, segment, start, end, problems)
        if problems:
            raise ProjectError(f"adjudicate({transcript!r}, {start}, {end}): " + "; ".join(problems))
        version = self.codebook.version
        decision_id = new_id()
        superseded = [c.id for c in self._state().values()
                      if c.coder == CONSENSUS and c.transcript == transcript and (c.start, c.end) == (start, end)]
        events: list[dict] = [{"event": "decision", "coder": CONSENSUS, "codebook_version": version,
                               "decision_id": decision_id, "transcript": transcript, "start": start, "end": end,
                               "codes": code_list, "who": who_list, "why": why, "segment": segment,
                               "supersedes": superseded}]
        events += [{"event": "remove", "coder": CONSENSUS, "codebook_version": version, "coding_id": cid,
                    "reason": f"superseded by decision {decision_id}"} for cid in superseded]
        adds = [self._add_event(CONSENSUS, transcript, start, end, code, text, sha, source="adjudication",
                                who=who_list, why=why, segment=segment, decision_id=decision_id) for code in code_list]
        self._register_coders([CONSENSUS])
        self._journal(CONSENSUS).append_many(events + adds)
        return Adjudication(decision_id=decision_id, transcript=transcript, start=start, end=end,
                            codes=tuple(code_list), who=tuple(who_list), why=why, segment=segment,
                            codebook_version=version, coding_ids=tuple(e["coding_id"] for e in adds),
                            superseded=tuple(superseded))

    def _check_segment(self, transcript: str, segment_id: str, start: int, end: int, problems: list[str]) -> None:
        local = segment_id.split(":", 1)[1] if ":" in segment_id else ""
        if not segment_id.startswith(f"{transcript}:"):
            problems.append(f"segment {segment_id!r} is not a segment of transcript {transcript!r}")
            return
        unit = "sentence" if ".s" in local else "paragraph" if local.startswith("p") else "turn"
        segs = self.segments(unit)
        row = segs[segs["segment"] == segment_id]
        if row.empty:
            problems.append(f"unknown {unit} segment {segment_id!r}")
        elif not (int(row["start"].iloc[0]) < end and start < int(row["end"].iloc[0])):
            problems.append(f"segment {segment_id!r} ({int(row['start'].iloc[0])}-{int(row['end'].iloc[0])}) does "
                            f"not overlap the span {start}-{end}")

    def adjudications(self) -> pd.DataFrame:
        """Every consensus decision in order: decision_id, transcript, start, end, codes, who, why, segment,
        codebook_version, at (``codes`` and ``who`` ';'-joined)."""
        import pandas as pd

        rows = [(e["decision_id"], e["transcript"], e["start"], e["end"], ";".join(e.get("codes") or ()),
                 ";".join(e.get("who") or ()), e.get("why"), e.get("segment"), e.get("codebook_version"), e.get("at"))
                for e in self._journal(CONSENSUS).events() if e.get("event") == "decision"]
        return pd.DataFrame(rows, columns=["decision_id", "transcript", "start", "end", "codes", "who", "why",
                                           "segment", "codebook_version", "at"])
