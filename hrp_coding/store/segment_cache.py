"""A derived cache of segment boundaries, one file per transcript and unit in ``.hrp/cache/segments/``.

Cutting a thousand transcripts into turns means reading a thousand YAML sidecars (PyYAML's Python
constructor: about 10 s) when only the turns' offsets, speakers and roles are needed. Each cached
entry holds those columns (never the text: it is sliced from the current ``.txt`` file) and is keyed by
the sha256 of the transcript text, the sha256 of its sidecar's bytes, the unit and the segmenter (the
hrp-coding version, and spaCy's for sentences). An entry whose key differs from the files on disk, or
that does not parse, is ignored and rebuilt: the transcripts stay the only source of truth, and the
whole folder may be deleted at any time.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> cols = {"segment": ["P01:t001"], "start": [3], "end": [5], "speaker": ["I"], "role": ["interviewer"]}
>>> key = segment_key("a" * 64, "b" * 64, "turn")
>>> save(folder, "P01", key, cols)
>>> load(folder, "P01", key) == cols, load(folder, "P01", segment_key("c" * 64, "b" * 64, "turn"))
(True, None)
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from hrp_coding._atomic import atomic_write_bytes

__all__ = ["COLUMNS", "FORMAT", "columns_of", "load", "save", "segment_key"]

#: version of the cache files (a file of another version is rebuilt)
FORMAT = 1
#: the cached columns (``transcript`` and ``text`` are added when the frame is built)
COLUMNS = ("segment", "start", "end", "speaker", "role")


def _segmenter(unit: str) -> str:
    import hrp_coding

    if unit != "sentence":
        return f"hrp-coding {hrp_coding.__version__}"
    from importlib.metadata import PackageNotFoundError, version

    try:
        spacy = version("spacy")
    except PackageNotFoundError:  # pragma: no cover - spaCy is a core dependency
        spacy = "none"
    return f"hrp-coding {hrp_coding.__version__}, spacy {spacy}"


def segment_key(text_sha256: str, sidecar_sha256: str, unit: str) -> list:
    """What a cached entry must match: format, unit, segmenter, the text's and the sidecar's sha256.

    Parameters
    ----------
    text_sha256, sidecar_sha256 : str
        sha256 of the transcript text (UTF-8) and of the sidecar file's bytes.
    unit : str
        The segmentation unit.

    Returns
    -------
    list
        The key, as stored in the cache file.

    Examples
    --------
    >>> segment_key("a" * 64, "b" * 64, "turn")[:2]
    [1, 'turn']
    """
    return [FORMAT, unit, _segmenter(unit), text_sha256, sidecar_sha256]


def _file(folder: Path, transcript_id: str, unit: str) -> Path:
    return Path(folder) / f"{transcript_id}.{unit}.json"


def load(folder: Path, transcript_id: str, key: list) -> dict | None:
    """The cached columns of ``transcript_id`` for ``key`` (its unit), or None when absent, stale or unreadable.

    Parameters
    ----------
    folder : Path
        The cache folder (``.hrp/cache/segments``).
    transcript_id : str
        The transcript.
    key : list
        From :func:`segment_key`.

    Returns
    -------
    dict or None
        Column name -> list of values (:data:`COLUMNS`), all of one length.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name)
    >>> key = segment_key("a" * 64, "b" * 64, "turn")
    >>> load(folder, "P01", key) is None  # nothing cached yet
    True
    >>> save(folder, "P01", key, {"segment": ["P01:t001"], "start": [3], "end": [5], "speaker": ["I"], "role": [None]})
    >>> load(folder, "P01", key)["start"], load(folder, "P01", segment_key("c" * 64, "b" * 64, "turn"))
    ([3], None)
    >>> _ = (folder / "P01.turn.json").write_text("{not json", encoding="utf-8")
    >>> load(folder, "P01", key) is None  # unreadable: rebuilt by the caller
    True
    >>> tmp.cleanup()
    """
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        data = json.loads(_file(folder, transcript_id, key[1]).read_bytes())
        if data.get("key") != key:
            return None
        cols = {name: data[name] for name in COLUMNS}
        n = len(cols["segment"])
        if all(isinstance(v, list) and len(v) == n for v in cols.values()) and all(
                type(x) is int for name in ("start", "end") for x in cols[name]):
            return cols
    return None


def save(folder: Path, transcript_id: str, key: list, cols: dict) -> None:
    """Store ``cols`` for ``transcript_id`` under ``key`` (silently skipped when the folder is not writable).

    Parameters
    ----------
    folder : Path
        The cache folder.
    transcript_id : str
        The transcript.
    key : list
        From :func:`segment_key`.
    cols : dict
        Column name -> list (:data:`COLUMNS`).

    Examples
    --------
    >>> import json, tempfile, pathlib
    >>> tmp = tempfile.TemporaryDirectory()
    >>> folder = pathlib.Path(tmp.name) / "segments"
    >>> key = segment_key("a" * 64, "b" * 64, "turn")
    >>> save(folder, "P01", key, {"segment": ["P01:t001"], "start": [3], "end": [5], "speaker": ["I"], "role": [None]})
    >>> [f.name for f in folder.iterdir()]
    ['P01.turn.json']
    >>> json.loads((folder / "P01.turn.json").read_text(encoding="utf-8"))["end"]
    [5]
    >>> tmp.cleanup()
    """
    data = json.dumps({"key": key, **{name: list(cols[name]) for name in COLUMNS}}, ensure_ascii=False,
                      separators=(",", ":"))
    with contextlib.suppress(OSError):
        atomic_write_bytes(_file(folder, transcript_id, key[1]), data.encode("utf-8"), durable=False)


def columns_of(frame, transcript_ids) -> dict[str, dict]:
    """Split a segments frame (:func:`hrp_coding.transcripts.segment_many`) into cached columns per transcript.

    Parameters
    ----------
    frame : pandas.DataFrame
        Columns ``transcript, segment, start, end, speaker, role, text``.
    transcript_ids : iterable of str
        Every transcript segmented (one with no segment gets empty columns).

    Returns
    -------
    dict
        Transcript id -> column name -> list.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"transcript": ["P01"], "segment": ["P01:t001"], "start": [0], "end": [2],
    ...                   "speaker": ["I"], "role": [None], "text": ["Hi"]})
    >>> columns_of(f, ["P01", "P02"])["P02"]
    {'segment': [], 'start': [], 'end': [], 'speaker': [], 'role': []}
    """
    ids = list(transcript_ids)
    out = {tid: {name: [] for name in COLUMNS} for tid in ids}
    parts = [(ids[0], frame)] if len(ids) == 1 else frame.groupby("transcript", sort=False)
    for tid, part in parts:
        if len(part):
            out[tid] = {name: part[name].tolist() for name in COLUMNS}
    return out
