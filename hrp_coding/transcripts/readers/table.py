"""Utterance tables: one row per turn (CSV/TSV file or DataFrame), such as the AnnoMI corpus.

A column mapping says which column holds the transcript id, the speaker and the utterance; rows of
one transcript become its turns (in file order, or sorted by ``order_col``), and the canonical text
of each transcript is one line ``Speaker: utterance`` per turn, turns joined with ``"\\n\\n"``
(white space inside an utterance collapses to one space). Optional code columns turn each row's
code(s) into a coding spanning that turn's utterance; empty cells and ``n/a`` mean no code.

Examples
--------
>>> import pandas as pd
>>> rows = pd.DataFrame({"session": ["s1", "s1", "s1"], "who": ["therapist", "client", "therapist"],
...                      "said": ["How are things?", "Better.", "Tell me more."],
...                      "behaviour": ["question", "n/a", "question"]})
>>> table = read_utterance_table(rows, transcript_col="session", speaker_col="who", text_col="said",
...                              code_cols=["behaviour"], role_map={"therapist": "interviewer"}, coder="ana")
>>> print(table.transcripts[0].text)
therapist: How are things?
<BLANKLINE>
client: Better.
<BLANKLINE>
therapist: Tell me more.
>>> table.codings
  transcript coder      code  start  end
0         s1   ana  question     11   26
1         s1   ana  question     56   69
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from hrp_coding.errors import Problem, TranscriptError, TranscriptWarning, UnknownIdError
from hrp_coding.slugs import slugify
from hrp_coding.transcripts.canonical import canonicalize, decode
from hrp_coding.transcripts.model import Transcript, Turn, default_role
from hrp_coding.transcripts.readers.text import parse_timestamp

__all__ = ["NO_CODE", "UtteranceTable", "annomi_columns", "read_annomi", "read_utterance_table"]

#: Cell values meaning "no code" (compared case-insensitively after stripping).
NO_CODE = frozenset({"", "n/a", "na", "nan", "none", "null"})
_SPACE = re.compile(r"\s+")
_TIME = re.compile(r"^\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?$")


@dataclass(frozen=True)
class UtteranceTable:
    """Transcripts and codings read from an utterance table.

    Attributes
    ----------
    transcripts : tuple of Transcript
        One per transcript id, in order of first appearance.
    codings : pandas.DataFrame
        Columns ``transcript, coder, code, start, end``: one row per code given to an utterance,
        spanning that turn's utterance in the transcript's canonical text.
    source : str or None
        The file read, when any.
    """

    transcripts: tuple[Transcript, ...]
    codings: object = field(repr=False)
    source: str | None = None

    def transcript(self, transcript_id: str) -> Transcript:
        """The transcript with this id (``KeyError`` naming the known ids when absent).

        The transcript with this id (``KeyError`` naming the known ids when absent).

        Parameters
        ----------
        transcript_id : str
            A transcript id of the table.

        Returns
        -------
        Transcript
            That transcript.

        Examples
        --------
        >>> import pandas as pd
        >>> df = pd.DataFrame({"id": ["A", "B"], "who": ["client", "client"], "text": ["Hi.", "Yes."]})
        >>> table = read_utterance_table(df, transcript_col="id", speaker_col="who", text_col="text")
        >>> table.transcript("B").text
        'client: Yes.'
        """
        for t in self.transcripts:
            if t.id == transcript_id:
                return t
        known = ", ".join(t.id for t in self.transcripts[:10])
        more = ", ..." if len(self.transcripts) > 10 else ""
        raise UnknownIdError(f"no transcript {transcript_id!r} in {self.source or 'the table'} (known: {known}{more})")

    def __str__(self) -> str:
        turns = sum(len(t.turns) for t in self.transcripts)
        return (f"UtteranceTable from {self.source or 'a DataFrame'}: {len(self.transcripts)} transcripts, "
                f"{turns} utterances, {len(self.codings)} codings")


def _is_missing(value) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and value != value:  # NaN
        return True
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, str) else False
    except (TypeError, ValueError):
        return False


def _as_str(value) -> str:
    if _is_missing(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _slug(value: str) -> str:
    return slugify(value, keep="a-z0-9_.-", fold=False, max_length=None)


def _load(path_or_df, encoding):
    import pandas as pd

    if isinstance(path_or_df, pd.DataFrame):
        return path_or_df, None, None
    path = Path(path_or_df)
    if not path.is_file():
        raise TranscriptError([Problem("path", "no such file")], source=str(path))
    text = decode(path.read_bytes(), encoding=encoding, source=str(path))
    sep = "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise TranscriptError([Problem("file", f"not a readable table: {exc}")], source=str(path)) from None
    return frame, str(path), _record_lines(text, sep, len(frame))


def _record_lines(text: str, sep: str, rows: int) -> list[int] | None:
    """The file line on which each data record starts (quoted newlines counted), or None if unsure."""
    import csv

    reader = csv.reader(io.StringIO(text), delimiter=sep)
    starts = []
    previous = 0
    for _ in reader:
        starts.append(previous + 1)
        previous = reader.line_num
    starts = starts[1:]  # the header
    return starts if len(starts) == rows else None


def read_utterance_table(path_or_df, *, transcript_col: str, speaker_col: str, text_col: str,
                         code_cols: Sequence[str] | None = None, coder_col: str | None = None,
                         order_col: str | None = None, role_map: Mapping[str, str] | None = None,
                         encoding: str | None = None, coder: str = "imported", time_col: str | None = None,
                         attribute_cols: Sequence[str] | None = None, coder_prefix: str = "") -> UtteranceTable:
    """Read an utterance table into transcripts and span codings.

    Parameters
    ----------
    path_or_df : str, path-like or pandas.DataFrame
        A ``.csv`` (or ``.tsv``) file, UTF-8 unless ``encoding`` says otherwise, or a DataFrame (not
        modified).
    transcript_col, speaker_col, text_col : str
        Columns holding the transcript id, the speaker and the utterance.
    code_cols : sequence of str, optional
        Columns whose non-empty values (``n/a`` and empty cells excepted) are codes of the row.
    coder_col : str, optional
        Column naming the coder of each row's codes. Rows sharing a transcript and an
        ``order_col`` value are then one utterance coded by several coders (their speaker and text
        must agree). Coder names are turned into lowercase slugs, prefixed by ``coder_prefix``.
    order_col : str, optional
        Column giving the utterance order inside a transcript (numeric values are sorted as
        numbers). Default: the row order.
    role_map : mapping, optional
        Speaker value -> role (``{"therapist": "interviewer", "client": "participant"}``); other
        speakers get the default role by name.
    encoding : str, optional
        File encoding when not UTF-8.
    coder : str
        The coder of every coding when there is no ``coder_col``.
    time_col : str, optional
        Column with the utterance's start time (``hh:mm:ss``), kept as the turn's ``time_start``; a
        malformed time is left empty with a :class:`~hrp_coding.errors.TranscriptWarning` naming the row.
    attribute_cols : sequence of str, optional
        Columns constant within a transcript, kept as its attributes.
    coder_prefix : str
        Prefix of coder names read from ``coder_col`` (``"annotator-"``).

    Returns
    -------
    UtteranceTable

    Raises
    ------
    TranscriptError
        A named column is missing (naming it, the file and the columns present); rows with an empty
        transcript id or speaker, an attribute that changes inside a transcript,
        or (with ``coder_col``) one utterance given two texts: every such row is listed with its
        row number and file line.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({"id": ["A", "A"], "who": ["therapist", "client"], "text": ["How are you?", "Fine."],
    ...                    "code": ["question", "n/a"]})
    >>> table = read_utterance_table(df, transcript_col="id", speaker_col="who", text_col="text", code_cols=["code"],
    ...                              role_map={"therapist": "interviewer", "client": "participant"})
    >>> table.codings.to_dict("records")
    [{'transcript': 'A', 'coder': 'imported', 'code': 'question', 'start': ..., 'end': ...}]
    """
    import pandas as pd

    frame, source, record_lines = _load(path_or_df, encoding)
    code_cols = list(code_cols or [])
    attribute_cols = list(attribute_cols or [])
    wanted = {"transcript_col": transcript_col, "speaker_col": speaker_col, "text_col": text_col}
    for name, col in (("coder_col", coder_col), ("order_col", order_col), ("time_col", time_col)):
        if col is not None:
            wanted[name] = col
    for i, col in enumerate(code_cols):
        wanted[f"code_cols[{i}]"] = col
    for i, col in enumerate(attribute_cols):
        wanted[f"attribute_cols[{i}]"] = col
    present = [str(c) for c in frame.columns]
    missing = [Problem(param, f"column {col!r} not found", hint=f"columns present: {', '.join(present)}",
                       file=source)
               for param, col in wanted.items() if col not in frame.columns]
    if missing:
        raise TranscriptError(missing, source=source or "DataFrame")

    def where(row_number: int) -> tuple[str, int | None]:
        line = record_lines[row_number] if record_lines else None
        return f"row {row_number}", line

    problems: list[Problem] = []
    bad_times: list[str] = []
    # utterance key -> data; transcripts in order of first appearance
    by_transcript: dict[str, dict] = {}
    columns = list(frame.columns)
    position = {col: columns.index(col) for col in wanted.values()}
    for row_number, values in enumerate(frame.itertuples(index=False, name=None)):
        tid = _as_str(values[position[transcript_col]]).strip()
        speaker = _SPACE.sub(" ", _as_str(values[position[speaker_col]])).strip()
        text = _SPACE.sub(" ", canonicalize(_as_str(values[position[text_col]]))).strip()
        path, line = where(row_number)
        if not tid:
            problems.append(Problem(path, f"empty transcript id in column {transcript_col!r}", file=source,
                                    line=line))
            continue
        if not speaker:
            problems.append(Problem(path, f"empty speaker in column {speaker_col!r} (transcript {tid})",
                                    file=source, line=line))
            continue
        entry = by_transcript.setdefault(tid, {"utterances": {}, "attributes": {}, "first_row": row_number})
        for col in attribute_cols:
            value = values[position[col]]
            value = None if _is_missing(value) else value
            if col not in entry["attributes"]:
                entry["attributes"][col] = value
            elif entry["attributes"][col] != value:
                problems.append(Problem(path, f"attribute {col!r} is {value!r} here but "
                                        f"{entry['attributes'][col]!r} earlier in transcript {tid}",
                                        file=source, line=line))
        if order_col is not None:
            key = _as_str(values[position[order_col]]).strip()
            if not key:
                problems.append(Problem(path, f"empty order value in column {order_col!r}", file=source, line=line))
                continue
        else:
            key = str(row_number)
        time_start = None
        if time_col is not None:
            raw_time = _as_str(values[position[time_col]]).strip()
            if raw_time:
                if _TIME.match(raw_time):
                    time_start = parse_timestamp(raw_time)
                else:
                    bad_times.append(f"{path}" + (f" (line {line})" if line else "") + f": {raw_time!r}")
        codes = []
        for col in code_cols:
            value = _as_str(values[position[col]]).strip()
            if value.lower() not in NO_CODE:
                codes.append(value)
        row_coder = coder
        if coder_col is not None:
            raw_coder = _as_str(values[position[coder_col]]).strip()
            if not raw_coder:
                if codes:
                    problems.append(Problem(path, f"codes {codes} but an empty coder in column {coder_col!r}",
                                            file=source, line=line))
                    continue
                row_coder = ""
            else:
                row_coder = coder_prefix + _slug(raw_coder)
        utterances = entry["utterances"]
        if key in utterances:
            known = utterances[key]
            if coder_col is None:
                problems.append(Problem(path, f"order value {key!r} repeats row {known['row']} of transcript {tid}",
                                        hint="with several coders per utterance pass coder_col=", file=source,
                                        line=line))
                continue
            if (known["speaker"], known["text"]) != (speaker, text):
                problems.append(Problem(path, f"utterance {key!r} of transcript {tid} has another speaker or text "
                                        f"than row {known['row']}", file=source, line=line))
                continue
            known["codes"].extend((row_coder, c) for c in codes)
        else:
            utterances[key] = {"row": row_number, "speaker": speaker, "text": text, "time": time_start,
                               "codes": [(row_coder, c) for c in codes]}
    if problems:
        raise TranscriptError(problems, source=source or "DataFrame")
    if bad_times:
        warnings.warn(f"{source or 'DataFrame'}: {len(bad_times)} times in column {time_col!r} are not hh:mm:ss and "
                      f"were left empty: {'; '.join(bad_times[:5])}", TranscriptWarning, stacklevel=2)

    transcripts = []
    coding_rows = []
    empty_coded = []
    roles = dict(role_map or {})
    for tid, entry in by_transcript.items():
        utterances = list(entry["utterances"].items())
        if order_col is not None:
            keys = [k for k, _ in utterances]
            try:
                numeric = [float(k) for k in keys]
                utterances = [u for _, u in sorted(zip(numeric, utterances), key=lambda pair: pair[0])]
            except ValueError:
                utterances = sorted(utterances, key=lambda pair: pair[0])
        parts, turns = [], []
        cursor = 0
        for index, (_key, u) in enumerate(utterances, start=1):
            if parts:
                cursor += 2
            label = f"{u['speaker']}: "
            start = cursor + len(label)
            end = start + len(u["text"])
            parts.append(label + u["text"])
            cursor += len(label) + len(u["text"])
            turns.append(Turn(index=index, speaker=u["speaker"], start=start, end=end,
                              role=default_role(u["speaker"], roles), time_start=u["time"]))
            for row_coder, code in u["codes"]:
                if start == end:
                    empty_coded.append(u["row"])
                    continue
                coding_rows.append((tid, row_coder, code, start, end))
        transcripts.append(Transcript(id=tid, text="\n\n".join(parts), turns=tuple(turns),
                                      attributes=entry["attributes"], source=source, speaker_roles=roles))
    if empty_coded:
        rows = ", ".join(str(r) for r in sorted(set(empty_coded))[:10])
        warnings.warn(f"{source or 'DataFrame'}: codes on empty utterances were dropped (rows {rows})",
                      TranscriptWarning, stacklevel=2)
    codings = pd.DataFrame(coding_rows, columns=["transcript", "coder", "code", "start", "end"])
    codings = codings.astype({"start": "int64", "end": "int64"})
    return UtteranceTable(transcripts=tuple(transcripts), codings=codings, source=source)


def annomi_columns(full: bool = False) -> dict:
    """The column mapping of the AnnoMI corpus (Wu et al. 2022) for :func:`read_utterance_table`.

    ``full=True`` maps AnnoMI-full (one row per utterance and annotator, coders ``annotator-0`` ...).

    Parameters
    ----------
    full : bool, default False
        Map AnnoMI-full instead of AnnoMI-simple.

    Returns
    -------
    dict
        Keyword arguments of :func:`read_utterance_table` (columns, role map, coder).

    Examples
    --------
    >>> annomi_columns()["code_cols"]
    ['main_therapist_behaviour', 'client_talk_type']
    """
    columns = {
        "transcript_col": "transcript_id",
        "speaker_col": "interlocutor",
        "text_col": "utterance_text",
        "code_cols": ["main_therapist_behaviour", "client_talk_type"],
        "order_col": "utterance_id",
        "time_col": "timestamp",
        "attribute_cols": ["mi_quality", "topic", "video_title"],
        "role_map": {"therapist": "interviewer", "client": "participant"},
        "coder": "annomi",
    }
    if full:
        columns["coder_col"] = "annotator_id"
        columns["coder_prefix"] = "annotator-"
    return columns


def read_annomi(path, **overrides) -> UtteranceTable:
    """Read ``AnnoMI-simple.csv`` (or ``AnnoMI-full.csv``, recognised by its ``annotator_id`` column).

    Transcript ids are AnnoMI's ``transcript_id`` as strings; speakers ``therapist`` (role
    interviewer) and ``client`` (participant); codes are the values of ``main_therapist_behaviour``
    and ``client_talk_type`` (``n/a`` is no code); AnnoMI-simple's coder is ``annomi``.
    ``overrides`` replace entries of :func:`annomi_columns`.

    Parameters
    ----------
    path : str or os.PathLike
        The AnnoMI CSV file (kept outside the repository, e.g. in the shared benchmark data).
    **overrides
        Keyword arguments of :func:`read_utterance_table` that replace the AnnoMI defaults.

    Returns
    -------
    UtteranceTable
        The transcripts and the span codings of the corpus.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "AnnoMI-simple.csv"
    >>> _ = path.write_text("transcript_id,utterance_id,interlocutor,utterance_text,main_therapist_behaviour,"
    ...                     "client_talk_type\\n0,0,therapist,Hi.,question,n/a\\n0,1,client,Hello.,n/a,neutral\\n")
    >>> table = read_annomi(path, time_col=None, attribute_cols=None)  # a cut-down file without those columns
    >>> [(t.speaker, t.role) for t in table.transcript("0").turns], list(table.codings["code"])
    ([('therapist', 'interviewer'), ('client', 'participant')], ['question', 'neutral'])
    """
    path = Path(path)
    full = False
    if path.is_file():
        with open(path, "rb") as handle:
            full = b"annotator_id" in handle.readline()
    return read_utterance_table(path, **{**annomi_columns(full=full), **overrides})
