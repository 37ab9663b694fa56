"""Typed journal events: one frozen dataclass per kind, validated JSON in and out, and ``apply(state)``.

Every line of a coder journal (``codings/<coder>.jsonl``) and of the project history
(``history.jsonl``) is one event. :func:`decode` turns a JSON object into its event class, checking
every field (an :class:`~hrp_coding.errors.EventError` names the field, the value and what is
allowed); :meth:`Event.to_json` gives the object written. Lines written before events carried a
``version`` field are read as version 0 (the same fields); a version newer than
:data:`EVENT_VERSION` is refused rather than half understood.

======================  ==================================================================================
kind                    fields (besides ``id, at, coder, codebook_version, version``)
======================  ==================================================================================
``add``                 coding_id, transcript, start, end, code, anchor, memo, source, model, confidence
                        (consensus codings also who, why, segment, decision_id)
``remove``              coding_id, reason
``memo``                coding_id, text (a memo on a coding, in the journal of whoever wrote it)
``migrate``             coding_id, from_code, to_code (None for a split), needs_recoding, candidates, reason
``reanchor``            coding_id, start, end, status (active / needs_review / orphaned), method, score,
                        anchor, transcript_sha256, candidates
``decision``            decision_id, transcript, start, end, codes, who, why, segment, supersedes
``reject``              transcript, start, end, code, model, reason (a dismissed suggestion)
``settings``            changes (history: a settings change)
``codebook``            from_version, to_version, moved, flagged (history: a codebook change)
``revision``            transcript, old_sha256, new_sha256 (history: a transcript's text changed)
======================  ==================================================================================

Examples
--------
>>> event = decode({"event": "remove", "id": "e1", "at": "2026-01-01T00:00:00+00:00", "coder": "ana",
...                 "coding_id": "c1"})
>>> type(event).__name__, event.version
('RemoveCoding', 0)
>>> sorted(event.to_json())
['at', 'coder', 'coding_id', 'event', 'id', 'version']
>>> decode({"event": "add", "id": "e2", "at": "t", "coder": "ana", "coding_id": "c2", "transcript": "P01",
...         "start": "0", "end": 4, "code": "holding"})
Traceback (most recent call last):
...
hrp_coding.errors.EventError: add event 'e2': start must be an integer, got '0'
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from hrp_coding.errors import EventError

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.store.state import LedgerState

__all__ = ["EVENT_KINDS", "EVENT_VERSION", "STATUSES", "AddCoding", "CodebookChanged", "CodingMemo", "Decision",
           "Event", "MigrateCoding", "Reanchor", "RejectSuggestion", "RemoveCoding", "SettingsChanged",
           "TranscriptRevised", "decode"]

#: the statuses of a coding: on its text, or off it after an edit (more than one place fits / words deleted)
STATUSES = ("active", "needs_review", "orphaned")
#: the format version written by this hrp-coding (lines without a version are version 0, the same fields)
EVENT_VERSION = 1


# -- field converters: each checks one value and returns it in its canonical Python type --------------------
def _str(v: Any) -> str:
    if not isinstance(v, str):
        raise TypeError("must be a string")
    return v


def _int(v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError("must be an integer")
    return v


def _float(v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError("must be a number")
    return float(v)


def _bool(v: Any) -> bool:
    if not isinstance(v, bool):
        raise TypeError("must be true or false")
    return v


def _strs(v: Any) -> tuple[str, ...]:
    if isinstance(v, str) or not isinstance(v, (list, tuple)) or not all(isinstance(x, str) for x in v):
        raise TypeError("must be a list of strings")
    return tuple(v)


def _spans(v: Any) -> tuple[tuple[int, int], ...]:
    if isinstance(v, str) or not isinstance(v, (list, tuple)) or not all(
            isinstance(x, (list, tuple)) and len(x) == 2 and all(type(i) is int for i in x) for x in v):
        raise TypeError("must be a list of [start, end] pairs")
    return tuple((int(a), int(b)) for a, b in v)


def _mapping(v: Any) -> dict:
    if not isinstance(v, Mapping):
        raise TypeError("must be a mapping")
    return dict(v)


def _anchor(v: Any) -> dict:
    v = _mapping(v)
    for key in ("quote", "prefix", "suffix", "text_sha256"):
        if not isinstance(v.get(key, ""), str):
            raise TypeError(f"must be a mapping of strings (its {key!r} is {v[key]!r})")
    return v


def _m(convert, optional: bool = False) -> dict:
    """Field metadata: the converter that checks the JSON value, and whether None is left out of the JSON."""
    return {"convert": convert, "optional": optional}


_REGISTRY: dict[str, type[Event]] = {}


@dataclass(frozen=True, kw_only=True)
class Event:
    """Fields every event has: ``id`` (unique), ``at`` (UTC ISO time), ``coder`` (whose journal), the codebook
    version in use and the event format ``version``."""

    kind: ClassVar[str] = ""
    id: str = field(metadata=_m(_str))
    at: str = field(default="", metadata=_m(_str))
    coder: str = field(default="", metadata=_m(_str))
    codebook_version: int | None = field(default=None, metadata=_m(_int, True))
    version: int = field(default=EVENT_VERSION, metadata=_m(_int))

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.kind:
            _REGISTRY[cls.kind] = cls

    def to_json(self) -> dict:
        """The JSON object written to the journal (``None`` optional fields left out).

        Returns
        -------
        dict
            ``event`` (the kind) and every field by name, tuples as lists; ready for :func:`json.dumps`, and
            :func:`decode` gives the event back.

        Examples
        --------
        >>> event = RemoveCoding(id="e1", at="2026-01-01T00:00:00+00:00", coder="ana", coding_id="c1")
        >>> event.to_json()["event"], decode(event.to_json()) == event
        ('remove', True)
        """
        out: dict[str, Any] = {"event": self.kind}
        for f in _fields(type(self)):
            value = getattr(self, f.name)
            if value is None and f.metadata["optional"]:
                continue
            out[f.name] = [list(v) if isinstance(v, tuple) else v for v in value] if isinstance(value, tuple) else value
        return out

    def apply(self, state: LedgerState) -> None:
        """Change ``state`` as this event says (history events change nothing in the codings).

        Each kind says what it changes: ``add`` makes a live coding, ``remove`` ends one, ``memo``, ``migrate`` and
        ``reanchor`` change one, ``decision`` and ``reject`` are recorded beside the codings.

        Parameters
        ----------
        state : LedgerState
            The state the journals are being replayed into; changed in place. An event about an unknown coding
            is skipped with a :class:`~hrp_coding.errors.JournalWarning` naming ``state.where``.

        Examples
        --------
        >>> from hrp_coding.store.state import LedgerState
        >>> state = LedgerState()
        >>> decode({"event": "add", "id": "e1", "at": "t", "coder": "ana", "coding_id": "c1", "transcript": "P01",
        ...         "start": 0, "end": 4, "code": "holding"}).apply(state)
        >>> RemoveCoding(id="e2", at="t", coder="ana", coding_id="c1").apply(state)
        >>> list(state.rows), state.removed
        ([], {'c1'})
        """
        state.history.append(self)


_FIELDS: dict[type, tuple[dataclasses.Field, ...]] = {}


def _fields(cls: type) -> tuple[dataclasses.Field, ...]:
    cached = _FIELDS.get(cls)
    if cached is None:
        cached = _FIELDS[cls] = dataclasses.fields(cls)
    return cached


def decode(data: Mapping, coder: str | None = None) -> Event:
    """Validate a journal line's JSON object and return its event.

    ``coder``: the journal's coder, used when the object has no ``coder`` field.

    Parameters
    ----------
    data : mapping
        The JSON object of one journal line.
    coder : str, optional
        The journal's coder, used when the object has no ``coder`` field.

    Returns
    -------
    Event
        An instance of the class registered for ``data["event"]`` (e.g. :class:`AddCoding`), fields converted.

    Raises
    ------
    EventError
        Naming the event, the field, the value received and what is allowed; also for an unknown
        kind and a ``version`` newer than :data:`EVENT_VERSION`.

    Examples
    --------
    >>> decode({"event": "memo", "id": "e3", "coding_id": "c1", "text": "check P02"}, coder="ben").coder
    'ben'
    """
    if not isinstance(data, Mapping):
        raise EventError(f"an event must be a JSON object, got {type(data).__name__}")
    kind = data.get("event")
    cls = _REGISTRY.get(kind) if isinstance(kind, str) else None
    if cls is None:
        raise EventError(f"event {data.get('id')!r}: unknown kind {kind!r} (known: {', '.join(sorted(_REGISTRY))})")
    version = data.get("version", 0)
    if type(version) is not int or not 0 <= version <= EVENT_VERSION:
        raise EventError(f"{kind} event {data.get('id')!r}: format version {version!r} is newer than this "
                         f"hrp-coding reads ({EVENT_VERSION}); upgrade hrp-coding")
    kwargs: dict[str, Any] = {"version": version}
    if coder is not None and "coder" not in data:
        kwargs["coder"] = coder
    get = data.get
    for name, convert, required in _specs(cls):
        value = get(name)
        if value is None:
            if required:
                raise EventError(f"{kind} event {data.get('id')!r}: {name} is missing")
            continue
        try:
            kwargs[name] = convert(value)
        except TypeError as err:
            raise EventError(f"{kind} event {data.get('id')!r}: {name} {err}, got {value!r}") from None
    return cls(**kwargs)


_SPECS: dict[type, list[tuple[str, Any, bool]]] = {}


def _specs(cls: type) -> list[tuple[str, Any, bool]]:
    # (field, converter, required) per field but ``version``, computed once per class
    specs = _SPECS.get(cls)
    if specs is None:
        missing = dataclasses.MISSING
        specs = _SPECS[cls] = [(f.name, f.metadata["convert"], f.default is missing and f.default_factory is missing)
                               for f in _fields(cls) if f.name != "version"]
    return specs


# -- coding events --------------------------------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class AddCoding(Event):
    """A new coding: ``coder`` applied ``code`` to ``transcript[start:end]``; ``anchor`` holds its quote."""

    kind: ClassVar[str] = "add"
    coding_id: str = field(metadata=_m(_str))
    transcript: str = field(metadata=_m(_str))
    start: int = field(metadata=_m(_int))
    end: int = field(metadata=_m(_int))
    code: str = field(metadata=_m(_str))
    anchor: dict = field(default_factory=dict, metadata=_m(_anchor))
    memo: str | None = field(default=None, metadata=_m(_str, True))
    source: str | None = field(default=None, metadata=_m(_str, True))
    model: str | None = field(default=None, metadata=_m(_str, True))
    confidence: float | None = field(default=None, metadata=_m(_float, True))
    who: tuple[str, ...] | None = field(default=None, metadata=_m(_strs, True))
    why: str | None = field(default=None, metadata=_m(_str, True))
    segment: str | None = field(default=None, metadata=_m(_str, True))
    decision_id: str | None = field(default=None, metadata=_m(_str, True))

    def apply(self, state: LedgerState) -> None:
        state.add(self)


@dataclass(frozen=True, kw_only=True)
class RemoveCoding(Event):
    """A coding removed by its coder (or superseded by a newer consensus decision)."""

    kind: ClassVar[str] = "remove"
    coding_id: str = field(metadata=_m(_str))
    reason: str | None = field(default=None, metadata=_m(_str, True))

    def apply(self, state: LedgerState) -> None:
        state.remove(self)


@dataclass(frozen=True, kw_only=True)
class CodingMemo(Event):
    """A memo on a coding (possibly another coder's), shown in the ``memo`` column of ``codings()``."""

    kind: ClassVar[str] = "memo"
    coding_id: str = field(metadata=_m(_str))
    text: str = field(default="", metadata=_m(_str))
    replace: bool | None = field(default=None, metadata=_m(_bool, True))  # this coder's memo now (empty: cleared)

    def apply(self, state: LedgerState) -> None:
        state.memo(self)


@dataclass(frozen=True, kw_only=True)
class MigrateCoding(Event):
    """A coding's code renamed or merged (``to_code``), or split (``to_code`` None, ``needs_recoding``)."""

    kind: ClassVar[str] = "migrate"
    coding_id: str = field(metadata=_m(_str))
    from_code: str | None = field(default=None, metadata=_m(_str, True))
    to_code: str | None = field(default=None, metadata=_m(_str, True))
    needs_recoding: bool = field(default=False, metadata=_m(_bool))
    candidates: tuple[str, ...] = field(default=(), metadata=_m(_strs))
    reason: str | None = field(default=None, metadata=_m(_str, True))

    def apply(self, state: LedgerState) -> None:
        state.migrate(self)


@dataclass(frozen=True, kw_only=True)
class Reanchor(Event):
    """A coding placed anew after its transcript changed (``status`` ``orphaned`` when it could not be)."""

    kind: ClassVar[str] = "reanchor"
    coding_id: str = field(metadata=_m(_str))
    start: int | None = field(default=None, metadata=_m(_int, True))
    end: int | None = field(default=None, metadata=_m(_int, True))
    status: str = field(default="active", metadata=_m(_str))
    method: str | None = field(default=None, metadata=_m(_str, True))
    score: float | None = field(default=None, metadata=_m(_float, True))
    anchor: dict | None = field(default=None, metadata=_m(_anchor, True))
    transcript_sha256: str | None = field(default=None, metadata=_m(_str, True))
    candidates: tuple[tuple[int, int], ...] | None = field(default=None, metadata=_m(_spans, True))

    def __post_init__(self):
        if self.status not in STATUSES:
            raise EventError(f"reanchor event {self.id!r}: status must be one of {', '.join(STATUSES)}, got "
                             f"{self.status!r}")

    def apply(self, state: LedgerState) -> None:
        state.reanchor(self)


@dataclass(frozen=True, kw_only=True)
class Decision(Event):
    """A consensus decision on a passage (the ``consensus`` journal; its codes are ``add`` events)."""

    kind: ClassVar[str] = "decision"
    decision_id: str = field(metadata=_m(_str))
    transcript: str = field(metadata=_m(_str))
    start: int = field(metadata=_m(_int))
    end: int = field(metadata=_m(_int))
    codes: tuple[str, ...] = field(default=(), metadata=_m(_strs))
    who: tuple[str, ...] = field(default=(), metadata=_m(_strs))
    why: str | None = field(default=None, metadata=_m(_str, True))
    segment: str | None = field(default=None, metadata=_m(_str, True))
    supersedes: tuple[str, ...] = field(default=(), metadata=_m(_strs))

    def apply(self, state: LedgerState) -> None:
        state.decisions.append(self)


@dataclass(frozen=True, kw_only=True)
class RejectSuggestion(Event):
    """A coder dismissed a model's suggestion of ``code`` for ``transcript[start:end]``."""

    kind: ClassVar[str] = "reject"
    transcript: str = field(metadata=_m(_str))
    start: int = field(metadata=_m(_int))
    end: int = field(metadata=_m(_int))
    code: str = field(metadata=_m(_str))
    model: str | None = field(default=None, metadata=_m(_str, True))
    reason: str | None = field(default=None, metadata=_m(_str, True))

    def apply(self, state: LedgerState) -> None:
        state.rejections.append(self)


# -- project history events (history.jsonl) --------------------------------------------------------------------
@dataclass(frozen=True, kw_only=True)
class SettingsChanged(Event):
    """Study settings changed (``changes``: the settings given, with their new values)."""

    kind: ClassVar[str] = "settings"
    changes: dict = field(metadata=_m(_mapping))


@dataclass(frozen=True, kw_only=True)
class CodebookChanged(Event):
    """The codebook was replaced by a newer version; ``moved`` and ``flagged`` count the migrated codings."""

    kind: ClassVar[str] = "codebook"
    from_version: int = field(metadata=_m(_int))
    to_version: int = field(metadata=_m(_int))
    moved: int = field(default=0, metadata=_m(_int))
    flagged: int = field(default=0, metadata=_m(_int))


@dataclass(frozen=True, kw_only=True)
class TranscriptRevised(Event):
    """A transcript's text changed from ``old_sha256`` to ``new_sha256`` (its codings were re-anchored)."""

    kind: ClassVar[str] = "revision"
    transcript: str = field(metadata=_m(_str))
    old_sha256: str = field(metadata=_m(_str))
    new_sha256: str = field(metadata=_m(_str))


#: every event kind a journal may hold
EVENT_KINDS = tuple(_REGISTRY)
