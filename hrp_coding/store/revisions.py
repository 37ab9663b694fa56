"""Changing a project's transcripts (a mixin of :class:`~hrp_coding.project.Project`): add, revise, remove.

Each change holds the project lock and is one intent (:mod:`hrp_coding.store.intents`): the text,
its sidecar and the journal events of the change (re-anchoring, removals) appear together or not at
all. Ids are checked by :mod:`hrp_coding.store.names` (no path separators, no ``..``, no case-only
twins), so nothing is ever written outside the project folder.

Examples
--------
>>> from hrp_coding.datasets import tiny_study
>>> study = tiny_study()  # "I: Hi\\nP: We sat with her.\\n", ana's coding on "We sat with her" (9-24)
>>> report = study.update_transcript("P01", "I: Hello there\\nP: We sat with her.\\n")
>>> [(r.outcome, r.start) for r in report.moved]
[('moved', 18)]
"""

from __future__ import annotations

import dataclasses
import os
import warnings
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrp_coding import limits
from hrp_coding.errors import AnchorWarning, ParameterTypeError, ProjectError
from hrp_coding.limits import check_file_size, check_transcript_size
from hrp_coding.store import intents
from hrp_coding.store.anchors import DEFAULT_THRESHOLD
from hrp_coding.store.events import RemoveCoding, TranscriptRevised
from hrp_coding.store.journal import new_id, now_iso
from hrp_coding.store.names import check_name
from hrp_coding.store.reports import ReanchorReport
from hrp_coding.store.yamlio import plain

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.transcripts import Transcript

__all__ = ["TranscriptChanges"]


class TranscriptChanges:
    """Adding, revising and removing transcripts (mixed into ``Project``)."""

    def add_transcript(self, path_or_text: str | os.PathLike | Transcript, transcript_id: str | None = None,
                       attributes: Mapping | None = None, deidentify: Any = None, encoding: Any = None,
                       speaker_roles: Mapping[str, str] | None = None, speaker_pattern: Any = None,
                       layout: str | None = None, allow_empty: bool = False) -> Transcript:
        """Add a transcript from a file (.txt .md .docx .pdf .vtt .srt .csv .xlsx), a text or a Transcript.

        The file's layout is detected (see :mod:`hrp_coding.transcripts.layout`); the returned
        transcript's ``layout`` is the report (also kept in the sidecar). An empty transcript is
        refused; nothing is written then. The text and its sidecar are one intent (see
        :mod:`hrp_coding.store.intents`); the de-identification key is updated under the project lock.

        Parameters
        ----------
        path_or_text : path, str or Transcript
            A file to read with :func:`hrp_coding.transcripts.read_transcript`, the transcript's
            text (a string that is not an existing file and contains a line break, or any string when
            ``transcript_id`` is given and no such file exists), or a Transcript already read.
        transcript_id : str, optional
            Default: the file name without its suffix. Letters, digits, ``.``, ``_``, ``-`` (see
            :mod:`hrp_coding.store.names`); no two ids may differ only in case.
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

        Returns
        -------
        Transcript
            The transcript as stored (de-identified when asked), with its layout report.

        Raises
        ------
        ProjectError
            For an id that is invalid, taken (or a case twin of one taken), an empty text, or a file too large.
        TranscriptError
            For a file the reader cannot read (naming file, line or byte).

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> t = study.add_transcript("Interviewer: And then?\\nP02: We waited.\\n", transcript_id="P02",
        ...                          attributes={"site": "B"})
        >>> study.transcript_ids, t.attributes, t.layout.layout
        (('P01', 'P02'), {'site': 'B'}, 'labels')
        """
        from hrp_coding.store.transcript_import import prepare

        if transcript_id is not None:
            check_name(transcript_id, "transcript")
        short = not isinstance(path_or_text, str) or ("\n" not in path_or_text and len(path_or_text) < 4096)
        if isinstance(path_or_text, (str, os.PathLike)) and short and Path(path_or_text).is_file():
            check_file_size(path_or_text, 4 * limits.MAX_TRANSCRIPT_CHARS, what="transcript file",
                            setting="MAX_TRANSCRIPT_CHARS")
        elif isinstance(path_or_text, str):
            check_transcript_size(path_or_text, source=str(transcript_id or "add_transcript"))
        transcript = prepare(path_or_text, transcript_id, existing=self.transcript_ids, encoding=encoding,
                             speaker_pattern=speaker_pattern, speaker_roles=speaker_roles, layout=layout,
                             attributes=attributes, plain=plain, allow_empty=allow_empty)
        tid = check_name(transcript.id, "transcript")
        with self._lock():
            twin = self._transcripts.case_twin(tid)
            if twin == tid or self._transcripts.exists(tid):
                raise ProjectError(f"transcript {tid!r} is already in project {self.path}; use update_transcript("
                                   f"{tid!r}, new_text) to change its text")
            if twin is not None:
                check_name(tid, "transcript", existing=[twin])
            extra = {}
            if deidentify is not None:
                from hrp_coding.store.deid import deidentify_transcript

                transcript, extra = deidentify_transcript(transcript, deidentify,
                                                          key_file=self.path / "private" / "deid-key.yaml",
                                                          gitignore=self.path / ".gitignore",
                                                          existing=self.transcript_ids)
                tid = check_name(transcript.id, "transcript")  # a listed name in the id is replaced
            self._write_transcript(transcript, extra)
        return self.transcript(tid)

    def _write_transcript(self, transcript: Transcript, extra: Mapping | None = None) -> None:
        # one intent: the text and its sidecar appear together (the caller holds the project lock)
        with intents.Intent(self.path, "transcript", f"add_transcript({transcript.id!r})") as intent:
            self._transcripts.stage(intent, transcript, extra)
        self._transcripts.written(transcript.id)

    def add_transcripts(self, files: Iterable[str | os.PathLike], *, attributes: Mapping[str, Mapping] | None = None,
                        deidentify: Any = None, **overrides: Any) -> list[Transcript]:
        """Add several transcript files, all or nothing: if one fails, the project is left as it was.

        ``attributes`` maps transcript id -> attributes; ``overrides`` are those of
        :meth:`add_transcript` (``encoding``, ``speaker_pattern``, ``speaker_roles``, ``layout``).
        The error names the failing file.

        Parameters
        ----------
        files : iterable of str or os.PathLike
            The transcript files; each id is its file name without the suffix.
        attributes : mapping of str to mapping, optional
            Transcript id -> its attributes.
        deidentify : Deidentifier or path, optional
            As for :meth:`add_transcript`, with one set of pseudonyms for all the files.
        **overrides
            ``encoding``, ``speaker_pattern``, ``speaker_roles``, ``layout``: as for :meth:`add_transcript`.

        Returns
        -------
        list of Transcript
            The transcripts added, in the order of ``files``.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> from hrp_coding.datasets import tiny_study
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> for tid in ("P02", "P03"):
        ...     _ = (folder / f"{tid}.txt").write_text(f"I: Hello\\n{tid}: Hi\\n", encoding="utf-8")
        >>> study = tiny_study()
        >>> [t.id for t in study.add_transcripts(sorted(folder.glob("*.txt")), attributes={"P03": {"site": "C"}})]
        ['P02', 'P03']
        """
        from hrp_coding.store.transcript_import import add_batch

        return add_batch(self, files, attributes=attributes, deidentify=deidentify, **overrides)

    def remove_transcript(self, transcript_id: str) -> int:
        """Remove a transcript; its live codings get ``remove`` events (the journals keep their history).

        The removal events and the deletion of the files are one intent. Returns the number of codings removed.

        Parameters
        ----------
        transcript_id : str
            The transcript to remove.

        Returns
        -------
        int
            How many live codings were removed with it.

        Raises
        ------
        ProjectError
            For an unknown transcript.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()
        >>> study.remove_transcript("P01"), study.transcript_ids, len(study.codings())
        (1, (), 0)
        """
        check_name(transcript_id, "transcript")
        with self._lock():
            self._transcripts.load(transcript_id)
            version = self.codebook.version
            per_coder: dict[str, list] = {}
            for cid, row in self._ledger.refresh().rows.items():
                if row[2] == transcript_id:
                    per_coder.setdefault(row[1], []).append(RemoveCoding(
                        id=new_id(), at=now_iso(), coder=row[1], coding_id=cid, codebook_version=version,
                        reason=f"transcript {transcript_id} removed"))
            with intents.Intent(self.path, "transcript", f"remove_transcript({transcript_id!r})") as intent:
                for coder, events in per_coder.items():
                    intent.append(coder, events)
                for suffix in (".yaml", ".txt"):
                    intent.delete(self._transcripts.folder / f"{transcript_id}{suffix}")
            self._transcripts.clear()
        self._ledger.refresh()
        return sum(len(v) for v in per_coder.values())

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
        The new text, its sidecar and the re-anchoring events are one intent (see
        :mod:`hrp_coding.store.intents`): a crash leaves the old text with the old places, or the new
        text with every coding re-anchored.

        Parameters
        ----------
        transcript_id : str
            The transcript to revise.
        new_text : str
            Its whole new text (canonicalised as any import; speaker labels at line start).
        threshold : float, default DEFAULT_THRESHOLD
            Minimum similarity for an edited quote to be placed by fuzzy matching.

        Returns
        -------
        ReanchorReport
            Each coding's outcome: ``moved`` (the same words elsewhere), ``fuzzy``, ``needs_review`` or
            ``orphaned``; ``report.ok`` when all were placed.

        Raises
        ------
        ProjectError
            For an unknown transcript or a text too long.

        Examples
        --------
        >>> from hrp_coding.datasets import tiny_study
        >>> study = tiny_study()   # ana coded "We sat with her" at 9-24
        >>> report = study.update_transcript("P01", "I: Hi there\\nP: We sat with her.\\n")
        >>> report.ok, study.codings()[["start", "end", "text"]].values.tolist()
        (True, [[15, 30, 'We sat with her']])
        """
        from hrp_coding.store.changes import plan_reanchor
        from hrp_coding.transcripts import transcript_from_text

        check_name(transcript_id, "transcript")
        if not isinstance(new_text, str):
            raise ParameterTypeError(f"update_transcript({transcript_id!r}): new_text must be a str (the whole "
                                     f"revised text), got {type(new_text).__name__}")
        check_transcript_size(new_text, source=f"update_transcript({transcript_id!r})")
        with self._lock():
            old, meta = self._transcripts.load(transcript_id)
            fresh = transcript_from_text(new_text, transcript_id, speaker_roles=old.speaker_roles or None)
            fresh = dataclasses.replace(fresh, attributes=old.attributes, source=old.source)
            deid_section = {}
            if meta.get("deidentification"):  # de-identified at import: so is every revision
                from hrp_coding.store.deid import reapply

                fresh, deid_section = reapply(fresh, root=self.path, gitignore=self.path / ".gitignore")
            state = self._ledger.refresh()
            affected = [state.coding(cid) for cid, row in state.rows.items() if row[2] == transcript_id]
            report, per_coder = plan_reanchor(transcript_id, affected, old.text, fresh.text, new_sha256=fresh.sha256,
                                              codebook_version=self.codebook.version, threshold=threshold)
            extra = {k: v for k, v in meta.items() if k not in fresh.to_meta()}
            extra["previous_sha256"] = [*(meta.get("previous_sha256") or []), old.sha256]
            extra.update(deid_section)
            with intents.Intent(self.path, "revision", f"update_transcript({transcript_id!r})") as intent:
                self._transcripts.stage(intent, fresh, extra)
                for coder, events in per_coder.items():
                    intent.append(coder, events)
                intent.append_history(TranscriptRevised(id=new_id(), at=now_iso(), transcript=transcript_id,
                                                        old_sha256=old.sha256, new_sha256=fresh.sha256))
            self._transcripts.written(transcript_id)
        self._ledger.refresh()
        if report.unplaced:
            warnings.warn(f"transcript {transcript_id}: {len(report.unplaced)} coding(s) could not be re-anchored "
                          f"({len(report.needs_review)} need review, {len(report.orphaned)} orphaned); they are kept "
                          "off the text (see the report, or codings(include_orphaned=True))", AnchorWarning,
                          stacklevel=2)
        return report

