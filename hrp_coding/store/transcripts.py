"""The transcripts of a project folder: ``transcripts/<id>.txt`` (canonical text) and ``<id>.yaml`` (sidecar).

:class:`TranscriptStore` caches what it read by each file's size, mtime and inode, so a file changed
by another process is read again and nothing else is. The list of ids is cached by the folder's
mtime, so adding a transcript costs the same with 10 or 10,000 in the folder. :meth:`text` reads only
the text (what codings need), never the sidecar.

New files are staged in an :class:`~hrp_coding.store.intents.Intent`: the text and its sidecar are
renamed into place together with the journal events of the same change.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.store.intents import Intent
>>> from hrp_coding.transcripts import transcript_from_text
>>> root = pathlib.Path(tempfile.mkdtemp())
>>> store = TranscriptStore(root)
>>> with Intent(root, "transcript", "add P01") as intent:
...     store.stage(intent, transcript_from_text("I: Hi\\nP: Hello\\n", "P01"))
>>> store.ids(), store.text("P01")
(('P01',), 'I: Hi\\nP: Hello\\n')
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from hrp_coding._atomic import atomic_write_bytes
from hrp_coding.errors import ProjectError
from hrp_coding.limits import read_yaml
from hrp_coding.store.anchors import text_sha256
from hrp_coding.store.names import did_you_mean
from hrp_coding.store.yamlio import Flow, dump_yaml, plain

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.store.intents import Intent
    from hrp_coding.transcripts import Transcript

__all__ = ["TranscriptStore"]


def _key(stat: os.stat_result) -> tuple:
    return stat.st_mtime_ns, stat.st_size, stat.st_ino


class TranscriptStore:
    """The ``transcripts/`` folder of the project at ``root``."""

    def __init__(self, root: Path):
        self.folder = Path(root) / "transcripts"
        self.cache_file = Path(root) / ".hrp" / "cache" / "sidecars.json"
        self._metas: dict[str, tuple[list, dict]] | None = None  # tid -> (sidecar stat key, parsed sidecar)
        self._dirty = 0
        self._ids: tuple[tuple, tuple[str, ...], dict[str, str]] | None = None
        self._texts: dict[str, tuple[tuple, str, list]] = {}
        self._full: dict[str, tuple[tuple, Transcript, dict]] = {}
        self._segments: dict[tuple[str, str], tuple[list, dict]] = {}  # (tid, unit) -> (cache key, columns)
        self._sidecar_sha: dict[str, tuple[tuple, str]] = {}
        self._staged: dict[str, tuple[Transcript, str]] = {}  # tid -> (transcript, sidecar sha256) being written
        self.segment_folder = Path(root) / ".hrp" / "cache" / "segments"

    # -- ids --------------------------------------------------------------------------------------------
    def ids(self) -> tuple[str, ...]:
        """The ids of the transcripts (text and sidecar both present), sorted.

        Returns
        -------
        tuple of str
            The ids, sorted; cached until the folder's mtime changes.

        Examples
        --------
        >>> _example_store().ids()
        ('P01',)
        """
        return self._index()[1]

    def _index(self) -> tuple[tuple, tuple[str, ...], dict[str, str]]:
        try:
            key = _key(self.folder.stat())
        except FileNotFoundError:
            return ((), (), {})
        if self._ids is None or self._ids[0] != key:
            names = {e.name for e in os.scandir(self.folder)}
            ids = tuple(sorted(n[:-5] for n in names if n.endswith(".yaml") and f"{n[:-5]}.txt" in names))
            self._ids = (key, ids, {i.casefold(): i for i in ids})
        return self._ids

    def case_twin(self, transcript_id: str) -> str | None:
        """The existing id equal to ``transcript_id`` but for case (or the id itself), or None.

        Parameters
        ----------
        transcript_id : str
            A wanted id.

        Returns
        -------
        str or None
            The id already in the folder that differs from it at most by case (file systems that ignore case would
            mix the two), or None.

        Examples
        --------
        >>> store = _example_store()
        >>> store.case_twin("p01"), store.case_twin("P02")
        ('P01', None)
        """
        return self._index()[2].get(transcript_id.casefold())

    def exists(self, transcript_id: str) -> bool:
        """Whether transcript ``transcript_id`` has both its text and its sidecar.

        Parameters
        ----------
        transcript_id : str
            The id (anything else is not a transcript).

        Returns
        -------
        bool
            True when ``<id>.txt`` and ``<id>.yaml`` are both files.

        Examples
        --------
        >>> store = _example_store()
        >>> store.exists("P01"), store.exists("P02"), store.exists(None)
        (True, False, False)
        """
        return (isinstance(transcript_id, str) and (self.folder / f"{transcript_id}.txt").is_file()
                and (self.folder / f"{transcript_id}.yaml").is_file())

    def unknown(self, transcript_id) -> str:
        """The error message for an unknown id (with a did-you-mean and the first ids).

        Parameters
        ----------
        transcript_id : object
            The id that was not found.

        Returns
        -------
        str
            The message for a :class:`~hrp_coding.errors.ProjectError`.

        Examples
        --------
        >>> _example_store().unknown("P1")
        "unknown transcript 'P1' (did you mean 'P01'?); the project has 1 transcript(s): P01"
        """
        ids = self.ids()
        return (f"unknown transcript {transcript_id!r}{did_you_mean(transcript_id, ids)}; the project has "
                f"{len(ids)} transcript(s)" + (f": {', '.join(ids[:12])}{' ...' if len(ids) > 12 else ''}"
                                               if ids else ""))

    # -- reading ------------------------------------------------------------------------------------------
    def text(self, transcript_id: str) -> str:
        """The canonical text (offsets count code points into it); reads only the ``.txt`` file.

        Parameters
        ----------
        transcript_id : str
            One of :meth:`ids` (another id is an error).

        Returns
        -------
        str
            The text, read as UTF-8 without newline translation (cached until the file changes).

        Raises
        ------
        ProjectError
            For an unknown id (with a did-you-mean).

        Examples
        --------
        >>> _example_store().text("P01")
        'I: Hi\\nP: Hello\\n'
        """
        file = self.folder / f"{transcript_id}.txt"
        try:
            key = _key(file.stat())
        except (FileNotFoundError, TypeError, ValueError) as err:
            raise ProjectError(self.unknown(transcript_id)) from err
        cached = self._texts.get(transcript_id)
        if cached is None or cached[0] != key:
            with open(file, encoding="utf-8", newline="") as handle:
                cached = self._texts[transcript_id] = (key, handle.read(), [None])
        return cached[1]

    def text_sha256(self, transcript_id: str) -> tuple[str, str]:
        """The text and its sha256 (computed once per version of the file).

        Parameters
        ----------
        transcript_id : str
            The transcript whose text is hashed.

        Returns
        -------
        tuple of (str, str)
            The text and the hex sha256 of its UTF-8 bytes (the hash codings' anchors record).

        Examples
        --------
        >>> text, sha = _example_store().text_sha256("P01")
        >>> len(sha), text.startswith("I: Hi")
        (64, True)
        """
        text = self.text(transcript_id)
        cached = self._texts[transcript_id]
        if cached[2][0] is None:
            cached[2][0] = text_sha256(text)
        return text, cached[2][0]

    def _sidecar(self, transcript_id: str, file: Path, key: list) -> dict:
        # Parsed sidecars are cached as JSON in .hrp/cache (PyYAML's Python constructor is slow; JSON's is C).
        if self._metas is None:
            self._metas = {}
            with contextlib.suppress(OSError, ValueError, TypeError):
                data = json.loads(self.cache_file.read_bytes())
                if isinstance(data, dict):
                    self._metas = {k: (v[0], v[1]) for k, v in data.items()}
        cached = self._metas.get(transcript_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        meta = read_yaml(file) or {}  # size and aliases bounded
        self._metas[transcript_id] = (key, meta)
        self._dirty += 1
        return meta

    def flush(self) -> None:
        """Write the sidecar cache when sidecars were parsed since (skipped silently on a read-only folder).

        Examples
        --------
        >>> store = _example_store()
        >>> _ = store.load("P01")
        >>> store.flush()
        >>> store.cache_file.is_file()
        True
        """
        if not self._dirty or self._metas is None:
            return
        live = set(self.ids())
        parts = []
        for tid, (key, meta) in self._metas.items():
            try:  # only sidecars that JSON gives back unchanged (no YAML dates, no non-string keys)
                text = json.dumps([key, meta], ensure_ascii=False, separators=(",", ":"))
            except (TypeError, ValueError):
                continue
            if tid in live and json.loads(text) == [key, meta]:
                parts.append(f"{json.dumps(tid)}:{text}")
        with contextlib.suppress(OSError):
            atomic_write_bytes(self.cache_file, ("{" + ",".join(parts) + "}").encode("utf-8"))
            self._dirty = 0

    def load(self, transcript_id: str) -> tuple[Transcript, dict]:
        """The transcript and its sidecar mapping.

        Parameters
        ----------
        transcript_id : str
            The transcript read with its sidecar.

        Returns
        -------
        tuple of (Transcript, dict)
            The transcript (turns, attributes, layout) and its parsed sidecar, cached until either file changes.

        Raises
        ------
        ProjectError
            For an unknown id, or a text whose sha256 does not match its sidecar (edited outside hrp-coding).

        Examples
        --------
        >>> transcript, meta = _example_store().load("P01")
        >>> [turn.speaker for turn in transcript.turns], meta["id"]
        (['I', 'P'], 'P01')
        """
        from hrp_coding.transcripts import Transcript

        if not self.exists(transcript_id):
            raise ProjectError(self.unknown(transcript_id))
        text_file = self.folder / f"{transcript_id}.txt"
        meta_file = self.folder / f"{transcript_id}.yaml"
        key = (*_key(text_file.stat()), *_key(meta_file.stat()))
        cached = self._full.get(transcript_id)
        if cached is not None and cached[0] == key:
            return cached[1], cached[2]
        text = self.text(transcript_id)
        meta = self._sidecar(transcript_id, meta_file, list(key[3:]))
        transcript = Transcript.from_meta(meta, text, transcript_id=transcript_id)
        self._full[transcript_id] = (key, transcript, meta)
        return transcript, meta

    def sidecar_sha256(self, transcript_id: str) -> str:
        """The sha256 of the sidecar file's bytes (read again only when the file changed).

        Parameters
        ----------
        transcript_id : str
            One of :meth:`ids`.

        Returns
        -------
        str
            The hex digest (part of the segment cache's key).

        Examples
        --------
        >>> len(_example_store().sidecar_sha256("P01"))
        64
        """
        file = self.folder / f"{transcript_id}.yaml"
        try:
            key = _key(file.stat())
        except (FileNotFoundError, TypeError, ValueError) as err:
            raise ProjectError(self.unknown(transcript_id)) from err
        cached = self._sidecar_sha.get(transcript_id)
        if cached is None or cached[0] != key:
            cached = self._sidecar_sha[transcript_id] = (key, hashlib.sha256(file.read_bytes()).hexdigest())
        return cached[1]

    def segments(self, unit: str):
        """Every transcript cut into ``unit`` segments (a DataFrame).

        Segment boundaries come from the derived cache (:mod:`hrp_coding.store.segment_cache`) when its
        entry matches the text's and the sidecar's sha256; the others are segmented (one pass, one spaCy
        pipe for sentences) and cached. ``text`` is always sliced from the current text.

        Parameters
        ----------
        unit : {"turn", "sentence", "paragraph"}
            The segmentation unit.

        Returns
        -------
        pandas.DataFrame
            Columns ``transcript, segment, start, end, speaker, role, text``, transcripts in id order.

        Examples
        --------
        >>> _example_store().segments("turn")[["segment", "text"]].values.tolist()
        [['P01:t001', 'Hi'], ['P01:t002', 'Hello']]
        """
        import pandas as pd

        from hrp_coding.store import segment_cache
        from hrp_coding.transcripts import segment_many

        ids = self.ids()
        keys, texts, todo = {}, {}, []
        for tid in ids:
            texts[tid], sha = self.text_sha256(tid)
            keys[tid] = segment_cache.segment_key(sha, self.sidecar_sha256(tid), unit)
            cached = self._segments.get((tid, unit))
            if cached is None or cached[0] != keys[tid]:
                cols = segment_cache.load(self.segment_folder, tid, keys[tid])
                if cols is None:
                    todo.append(tid)
                    continue
                self._segments[(tid, unit)] = (keys[tid], cols)
        if todo:
            transcripts = [self.load(tid)[0] for tid in todo]
            self.flush()
            fresh = segment_cache.columns_of(segment_many(transcripts, unit), todo)
            for t in transcripts:
                key = segment_cache.segment_key(t.sha256, self.sidecar_sha256(t.id), unit)
                if key == keys[t.id]:  # the files did not change while they were read
                    segment_cache.save(self.segment_folder, t.id, key, fresh[t.id])
                self._segments[(t.id, unit)] = (keys[t.id], fresh[t.id])
        return self._frame(ids, unit, texts, pd)

    def _frame(self, ids, unit, texts, pd):
        out = {name: [] for name in ("transcript", "segment", "start", "end", "speaker", "role", "text")}
        for tid in ids:
            cols = self._segments[(tid, unit)][1]
            text = texts[tid]
            out["transcript"].extend([tid] * len(cols["segment"]))
            for name in ("segment", "start", "end", "speaker", "role"):
                out[name].extend(cols[name])
            out["text"].extend([text[a:b] for a, b in zip(cols["start"], cols["end"])])
        frame = pd.DataFrame(out)
        return frame.astype({"start": "int64", "end": "int64"})

    def cache_segments(self, transcript: Transcript, sidecar_sha256: str, units=("turn",)) -> None:
        """Cache the segments of a transcript just written (default: turns, the project's usual unit).

        Parameters
        ----------
        transcript : Transcript
            As written.
        sidecar_sha256 : str
            The sha256 of the sidecar bytes written with it.
        units : tuple of str
            The units to cache.

        Examples
        --------
        >>> store = _example_store()
        >>> t, _ = store.load("P01")
        >>> store.cache_segments(t, store.sidecar_sha256("P01"))
        >>> sorted(p.name for p in store.segment_folder.iterdir())
        ['P01.turn.json']
        """
        from hrp_coding.store import segment_cache
        from hrp_coding.transcripts import segment_many

        for unit in units:
            key = segment_cache.segment_key(transcript.sha256, sidecar_sha256, unit)
            cols = segment_cache.columns_of(segment_many([transcript], unit), [transcript.id])[transcript.id]
            segment_cache.save(self.segment_folder, transcript.id, key, cols)
            self._segments[(transcript.id, unit)] = (key, cols)

    # -- writing ------------------------------------------------------------------------------------------
    def stage(self, intent: Intent, transcript: Transcript, extra: Mapping | None = None) -> None:
        """Stage the text and sidecar of ``transcript`` (``extra``: more sidecar keys) in ``intent``.

        Parameters
        ----------
        intent : Intent
            The change the two files are renamed into place with.
        transcript : Transcript
            The transcript to write (its id names the files).
        extra : mapping, optional
            More sidecar keys (the source file's hash, a de-identification record...).

        Examples
        --------
        >>> from hrp_coding.store.intents import Intent
        >>> from hrp_coding.transcripts import transcript_from_text
        >>> store = _example_store()
        >>> with Intent(store.folder.parent, "transcript", "add P02") as intent:
        ...     store.stage(intent, transcript_from_text("P: Bye\\n", "P02"), extra={"imported_from": "P02.txt"})
        >>> store.clear(); store.ids()
        ('P01', 'P02')
        """
        meta = transcript.to_meta()
        meta["attributes"] = plain(meta.get("attributes") or {})
        meta["turns"] = [Flow(turn) for turn in meta.get("turns") or []]
        meta.update(extra or {})
        deid = meta.get("deidentification")
        if isinstance(deid, dict) and deid.get("replacements"):
            meta["deidentification"] = {**deid, "replacements": [Flow(r) for r in deid["replacements"]]}
        sidecar = dump_yaml(meta)
        intent.write(self.folder / f"{transcript.id}.txt", transcript.text)
        intent.write(self.folder / f"{transcript.id}.yaml", sidecar)
        self._staged[transcript.id] = (transcript, hashlib.sha256(sidecar.encode("utf-8")).hexdigest())

    def clear(self) -> None:
        """Forget everything cached (after files changed behind the store's back).

        Examples
        --------
        >>> store = _example_store()
        >>> store.clear()
        >>> store.ids()
        ('P01',)
        """
        self._ids, self._texts, self._full, self._segments, self._staged = None, {}, {}, {}, {}

    def written(self, transcript_id: str) -> None:
        """Note that ``transcript_id`` was just written under the project lock (keeps the id list current).

        Parameters
        ----------
        transcript_id : str
            The id just written.

        Examples
        --------
        >>> store = _example_store()
        >>> store.ids(); store.written("P01"); store.ids()
        ('P01',)
        ('P01',)
        """
        self._texts.pop(transcript_id, None)
        self._full.pop(transcript_id, None)
        staged = self._staged.pop(transcript_id, None)
        if staged is not None:
            self.cache_segments(*staged)
        if self._ids is not None and transcript_id not in self._ids[2].values():
            key = _key(self.folder.stat())
            ids = tuple(sorted((*self._ids[1], transcript_id)))
            self._ids = (key, ids, {**self._ids[2], transcript_id.casefold(): transcript_id})


def _example_store() -> TranscriptStore:
    """A store in a new temporary folder holding transcript ``P01`` (``"I: Hi\\nP: Hello\\n"``), for the examples."""
    import tempfile

    from hrp_coding.store.intents import Intent
    from hrp_coding.transcripts import transcript_from_text

    root = Path(tempfile.mkdtemp())
    store = TranscriptStore(root)
    with Intent(root, "transcript", "add P01") as intent:
        store.stage(intent, transcript_from_text("I: Hi\nP: Hello\n", "P01"))
    return store
