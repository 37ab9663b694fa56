"""De-identification: replace names, places and identifying patterns with consistent pseudonyms.

**No pretrained named-entity recogniser is available offline** in hrp-coding (spaCy runs only as a
blank pipeline here), so names are *not* found automatically. What runs is:

1. a user-supplied list of people, places and organisations, with aliases (``Maria Lopez | Maria |
   Ms. Lopez``) mapped to one pseudonym, matched as whole words, case-insensitively, longest first,
   possessives kept (``Maria's`` becomes ``[PERSON_1]'s``);
2. patterns for e-mail addresses, phone numbers (US and international ``+``), URLs, street
   addresses and P.O. boxes, dates (ISO, numeric, written-out months) and ages (``34-year-old``,
   ``age 34``, ``I was 34``: only the number is replaced).

Pseudonyms (``[PERSON_1]``, ``[PLACE_2]``, ``[EMAIL_1]``) are consistent across every transcript
processed by one :class:`Deidentifier`. List entries are numbered in list order (so the same list
gives the same pseudonyms in every session); pattern matches are numbered as first met.

The :class:`DeidReport` says where each replacement was made (offsets in the original and the new
text, category, pseudonym, rule) but never the original text; the *key* (pseudonym -> original) is
kept apart and written with :meth:`Deidentifier.write_key` to a file readable only by its owner.
Anything the list and patterns miss (a nickname, a rare place, an age in words) stays in the text:
**a human must review the report and the de-identified text before the transcripts are shared.**

Examples
--------
>>> from hrp_coding.transcripts import transcript_from_text
>>> deid = Deidentifier(names=["Maria Lopez | Maria | Ms. Lopez"], places=["Fairview"])
>>> t = transcript_from_text("Interviewer: Who helped?\\nP01: Maria's team in Fairview, call 503-555-0134.\\n", "P01")
>>> new, report = deid.apply(t)
>>> new.turn_text(new.turns[1])
"[PERSON_1]'s team in [PLACE_1], call [PHONE_1]."
>>> report.replacements[["category", "pseudonym", "original_start", "new_start"]]
  category   pseudonym  original_start  new_start
0   PERSON  [PERSON_1]              30         30
1    PLACE   [PLACE_1]              46         51
2    PHONE   [PHONE_1]              61         67
>>> deid.key["[PERSON_1]"]
'Maria Lopez'
"""

from __future__ import annotations

import bisect
import os
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import Problem, TranscriptError
from hrp_coding.transcripts.canonical import read_text_file
from hrp_coding.transcripts.deid_patterns import DEFAULT, DEFAULT_PATTERNS
from hrp_coding.transcripts.deid_report import DeidReport
from hrp_coding.transcripts.model import Transcript, Turn

__all__ = ["DEFAULT", "DEFAULT_PATTERNS", "DeidReport", "Deidentifier"]

_CATEGORY_ALIASES = {"PERSON": "PERSON", "NAME": "PERSON", "PEOPLE": "PERSON", "PLACE": "PLACE", "LOCATION": "PLACE",
                     "ORG": "ORG", "ORGANIZATION": "ORG", "ORGANISATION": "ORG", "KEEP": "KEEP"}
_LINE = re.compile(r"^(?P<category>[A-Za-z][A-Za-z_]*)\s*:\s*(?P<entry>.*)$")
_CATEGORY_RE = re.compile(r"^[A-Z][A-Z0-9_]*$")


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    category: str
    entity: str  # key of the entity for pseudonym consistency
    original: str  # what the key records for it
    rule: str
    order: int  # tie-break: list entries before patterns


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value).strip()


def _alias_group(entry) -> tuple[str, ...]:
    if isinstance(entry, str):
        aliases = entry.split("|")
    else:
        aliases = list(entry)
    return tuple(a for a in (_nfc(str(x)) for x in aliases) if a)


def _alias_regex(alias: str) -> str:
    return r"\s+".join(re.escape(word) for word in alias.split())


class Deidentifier:
    """Replace listed names, places and organisations and identifying patterns with pseudonyms.

    Parameters
    ----------
    names, places, organizations : iterable
        Entries of category PERSON, PLACE and ORG. Each entry is a string, where ``|`` separates
        aliases of one entity (``"Maria Lopez | Maria | Ms. Lopez"``), or a sequence of aliases. The
        first alias is the one recorded in the key.
    patterns : mapping, optional
        Pattern name -> (category, regular expression); default :data:`DEFAULT_PATTERNS`. Pass
        ``{}`` to use the list only, or extend: ``{**DEFAULT_PATTERNS, "mrn": ("ID", r"MRN\\d{6}")}``.
    keep : iterable of str
        Words or phrases never replaced, whatever matches them (case-insensitive, whole match).
    case_sensitive : bool
        Match list entries case-sensitively (default: no, ``maria`` and ``MARIA`` are replaced too).

    Notes
    -----
    A Deidentifier remembers the pseudonyms it gave, so every transcript it processes uses the same
    ``[PERSON_1]`` for the same person; :attr:`key` maps pseudonyms to originals.
    """

    def __init__(self, names: Iterable = (), places: Iterable = (), organizations: Iterable = (),
                 patterns: Mapping[str, tuple[str, str | re.Pattern]] | None = DEFAULT, keep: Iterable[str] = (),
                 case_sensitive: bool = False, *, _extra: Iterable[tuple[str, Sequence[str], int | None]] = ()):
        self.case_sensitive = case_sensitive
        self.keep = frozenset(_nfc(k).casefold() for k in keep if _nfc(k))
        self._counters: dict[str, int] = {}
        self._pseudonyms: dict[tuple[str, str], str] = {}
        self._key: dict[str, str] = {}
        self._used: set[str] = set()
        groups: list[tuple[str, tuple[str, ...], int | None]] = []
        for category, entries in (("PERSON", names), ("PLACE", places), ("ORG", organizations)):
            if isinstance(entries, str):
                entries = [entries]
            groups.extend((category, _alias_group(entry), None) for entry in entries)
        groups.extend((c, tuple(a), line) for c, a, line in _extra)
        self._alias_to_entity: dict[str, tuple[str, str]] = {}
        problems = []
        for category, aliases, line in groups:
            if not aliases:
                continue
            entity = aliases[0]
            self._pseudonym(category, entity.casefold(), entity, mark_used=False)  # numbered in list order
            for alias in aliases:
                folded = alias if case_sensitive else alias.casefold()
                folded = " ".join(folded.split())
                known = self._alias_to_entity.get(folded)
                if known and known != (category, entity):
                    where = f"line {line}" if line else f"{category.lower()} {entity!r}"
                    problems.append(Problem(where, f"alias {alias!r} is listed for both {known[1]!r} ({known[0]}) and "
                                            f"{entity!r} ({category})", hint="give each alias to one entry", line=line))
                self._alias_to_entity[folded] = (category, entity)
        if problems:
            raise TranscriptError(problems, source=getattr(self, "_source", None))
        aliases_sorted = sorted(self._alias_to_entity, key=lambda a: (-len(a), a))
        flags = 0 if case_sensitive else re.IGNORECASE
        self._list_regex = (re.compile(r"(?<!\w)(?:" + "|".join(_alias_regex(a) for a in aliases_sorted) + r")(?!\w)",
                                       flags) if aliases_sorted else None)
        self.patterns: dict[str, tuple[str, re.Pattern]] = {}
        problems = []
        for name, spec in dict(patterns or {}).items():
            try:
                category, regex = spec
                compiled = re.compile(regex) if isinstance(regex, str) else regex
            except (TypeError, ValueError, re.error) as exc:
                problems.append(Problem(f"patterns[{name!r}]", f"expected (CATEGORY, regex), got {spec!r}: {exc}"))
                continue
            if not isinstance(category, str) or not _CATEGORY_RE.match(category):
                problems.append(Problem(f"patterns[{name!r}]", f"category must be UPPER_CASE, got {category!r}"))
                continue
            self.patterns[name] = (category, compiled)
        if problems:
            raise TranscriptError(problems)

    # --- construction from a list file ------------------------------------------------------------
    @classmethod
    def from_file(cls, path, *, patterns: Mapping | None = DEFAULT, keep: Iterable[str] = (),
                  case_sensitive: bool = False, encoding: str | None = None) -> Deidentifier:
        """A Deidentifier from a list file.

        One entry a line: ``CATEGORY: entry`` or a bare entry (= PERSON); categories PERSON (or
        NAME), PLACE (or LOCATION), ORG (or ORGANIZATION) and KEEP (never replaced); aliases of one
        entity separated by ``|``; ``#`` starts a comment; blank lines are ignored.

        Parameters
        ----------
        path : str or os.PathLike
            The list file.
        patterns, keep, case_sensitive, encoding
            As for :class:`Deidentifier` (the file's KEEP entries join ``keep``); the file's encoding (detected).

        Returns
        -------
        Deidentifier

        Raises
        ------
        TranscriptError
            Unknown categories, empty entries and aliases listed twice, each naming the file and line.

        Examples
        --------
        >>> import pathlib, tempfile
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "names.txt"
        >>> _ = path.write_text("# study P01-P08\\nMaria Lopez | Maria\\nPLACE: Fairview  # a town\\nKEEP: Hope\\n")
        >>> deid = Deidentifier.from_file(path)
        >>> deid.deidentify_text("Maria moved to Fairview, full of hope.")
        '[PERSON_1] moved to [PLACE_1], full of hope.'
        """
        path = Path(path)
        if not path.is_file():
            raise TranscriptError([Problem("path", "no such file")], source=str(path))
        text = read_text_file(path, encoding=encoding)
        problems: list[Problem] = []
        extra: list[tuple[str, tuple[str, ...], int]] = []
        keep_words = list(keep)
        for number, raw in enumerate(text.split("\n"), start=1):
            line = raw.split("#", 1)[0].strip()
            if not line:
                continue
            category = "PERSON"
            entry = line
            m = _LINE.match(line)
            if m:
                label = m.group("category").upper()
                if label not in _CATEGORY_ALIASES:
                    problems.append(Problem(f"line {number}", f"unknown category {m.group('category')!r}",
                                            hint="use PERSON, PLACE, ORG or KEEP, or write the entry without "
                                            "a 'CATEGORY:' prefix for a person", file=str(path), line=number))
                    continue
                category = _CATEGORY_ALIASES[label]
                entry = m.group("entry")
            aliases = _alias_group(entry)
            if not aliases:
                problems.append(Problem(f"line {number}", f"empty {category} entry", file=str(path), line=number))
                continue
            if category == "KEEP":
                keep_words.extend(aliases)
            else:
                extra.append((category, aliases, number))
        if problems:
            raise TranscriptError(problems, source=str(path))
        try:
            return cls(patterns=patterns, keep=keep_words, case_sensitive=case_sensitive, _extra=extra)
        except TranscriptError as exc:
            raise TranscriptError([Problem(p.path, p.message, p.hint, file=str(path), line=p.line)
                                   for p in exc.problems], source=str(path)) from None

    # --- the lists, kept apart to re-apply them later ---------------------------------------------------
    def to_lists(self) -> dict:
        """The lists and patterns as plain data, for :meth:`from_lists` (confidential: they hold the names).

        Returns
        -------
        dict
            ``case_sensitive``, ``keep``, ``entities`` (in pseudonym order), ``patterns``; YAML-ready.

        Examples
        --------
        >>> deid = Deidentifier(names=["Maria Lopez | Maria"], places=["Fairview"], patterns={})
        >>> again = Deidentifier.from_lists(deid.to_lists())
        >>> again.deidentify_text("Maria from Fairview")
        '[PERSON_1] from [PLACE_1]'
        """
        groups: dict[tuple[str, str], list[str]] = {}
        for alias, (category, entity) in self._alias_to_entity.items():
            groups.setdefault((category, entity), []).append(alias)
        order = {key: i for i, key in enumerate(self._pseudonyms)}
        entities = sorted(groups, key=lambda ce: order.get((ce[0], ce[1].casefold()), len(order)))
        return {"case_sensitive": self.case_sensitive, "keep": sorted(self.keep),
                "entities": [{"category": c, "aliases": [e, *groups[(c, e)]]} for c, e in entities],
                "patterns": {name: [category, regex.pattern, int(regex.flags)]
                             for name, (category, regex) in self.patterns.items()}}

    @classmethod
    def from_lists(cls, data: Mapping, key: Mapping[str, str] | None = None) -> Deidentifier:
        """A Deidentifier from :meth:`to_lists` data; ``key`` (pseudonym -> original) keeps earlier pseudonyms.

        Pattern matches already in ``key`` (a phone number, an e-mail address) get the pseudonym they
        had; new ones are numbered after the highest pseudonym of their category.

        Parameters
        ----------
        data : mapping
            :meth:`to_lists` output.
        key : mapping of str to str, optional
            An earlier :attr:`key` (e.g. read back from :meth:`write_key`'s file).

        Returns
        -------
        Deidentifier
            The same lists and patterns; pseudonyms in ``key`` are reused, new ones numbered after them.

        Examples
        --------
        >>> first = Deidentifier(names=["Maria"])
        >>> first.deidentify_text("Maria, call 503-555-0134")
        '[PERSON_1], call [PHONE_1]'
        >>> later = Deidentifier.from_lists(first.to_lists(), key=first.key)
        >>> later.deidentify_text("503.555.0134 or 971-555-0100")  # the known number keeps its pseudonym
        '[PHONE_1] or [PHONE_2]'
        """
        patterns = {name: (spec[0], re.compile(spec[1], spec[2] if len(spec) > 2 else 0))
                    for name, spec in dict(data.get("patterns") or {}).items()}
        extra = [(e["category"], tuple(e["aliases"]), None) for e in data.get("entities") or ()]
        deid = cls(patterns=patterns, keep=data.get("keep") or (), case_sensitive=bool(data.get("case_sensitive")),
                   _extra=extra)
        listed = set(deid._pseudonyms.values())
        for pseudonym, original in dict(key or {}).items():
            m = re.fullmatch(r"\[([A-Z][A-Z0-9_]*)_(\d+)\]", str(pseudonym))
            if m is None or pseudonym in listed:
                continue
            category = m.group(1)
            deid._pseudonyms.setdefault((category, _normalise(category, str(original))), pseudonym)
            deid._key[pseudonym] = str(original)
            deid._counters[category] = max(deid._counters.get(category, 0), int(m.group(2)))
        return deid

    def clean_name(self, name: str) -> str:
        """A file name or transcript id with every listed name (and pattern match) replaced by its pseudonym.

        ``_``, ``-`` and ``.`` count as spaces when matching, and the pseudonym is written without
        brackets, so the result stays usable as a file name.

        Parameters
        ----------
        name : str
            A file name, path or id.

        Returns
        -------
        str
            The name with pseudonyms such as ``PERSON_1`` in place of listed names.

        Examples
        --------
        >>> Deidentifier(names=["Maria Lopez"]).clean_name("interviews/P01_Maria_Lopez.docx")
        'interviews/P01_PERSON_1.docx'
        """
        spaced = re.sub(r"[_.\-]", " ", name)
        pieces, cursor = [], 0
        for hit in self._hits(spaced):
            pieces.append(name[cursor:hit.start])
            pieces.append(self._pseudonym(hit.category, hit.entity, hit.original).strip("[]"))
            cursor = hit.end
        pieces.append(name[cursor:])
        return "".join(pieces)

    # --- pseudonyms ---------------------------------------------------------------------------------
    def _pseudonym(self, category: str, entity: str, original: str, mark_used: bool = True) -> str:
        key = (category, entity)
        pseudonym = self._pseudonyms.get(key)
        if pseudonym is None:
            self._counters[category] = self._counters.get(category, 0) + 1
            pseudonym = f"[{category}_{self._counters[category]}]"
            self._pseudonyms[key] = pseudonym
            self._key[pseudonym] = original
        if mark_used:
            self._used.add(pseudonym)
        return pseudonym

    @property
    def key(self) -> dict[str, str]:
        """Pseudonym -> original, for every pseudonym used so far (a copy). Keep it apart from the data."""
        return {p: o for p, o in self._key.items() if p in self._used}

    def write_key(self, path) -> Path:
        """Write :attr:`key` as YAML, atomically, readable and writable by its owner only (mode 0600).

        Parameters
        ----------
        path : str or os.PathLike
            Where to write it: keep it apart from the transcripts, never in a shared repository.

        Returns
        -------
        pathlib.Path
            The file written.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> from hrp_coding.limits import read_yaml
        >>> deid = Deidentifier(names=["Maria Lopez | Maria"])
        >>> deid.deidentify_text("Maria said so")
        '[PERSON_1] said so'
        >>> path = deid.write_key(pathlib.Path(tempfile.mkdtemp()) / "deid-key.yaml")
        >>> read_yaml(path), oct(path.stat().st_mode & 0o777)
        ({'[PERSON_1]': 'Maria Lopez'}, '0o600')
        """
        import yaml

        path = Path(path)
        header = ("# hrp-coding de-identification key: pseudonym -> original.\n"
                  "# CONFIDENTIAL: store it apart from the transcripts and the report; never commit or share it.\n")
        body = yaml.safe_dump(self.key, allow_unicode=True, sort_keys=False, default_flow_style=False)
        atomic_write_text(path, header + (body if self.key else "{}\n"))
        os.chmod(path, 0o600)
        return path

    # --- matching -----------------------------------------------------------------------------------
    def _hits(self, text: str) -> list[_Hit]:
        candidates: list[_Hit] = []
        if self._list_regex is not None:
            for m in self._list_regex.finditer(text):
                found = " ".join(m.group(0).split())
                category, entity = self._alias_to_entity[found if self.case_sensitive else found.casefold()]
                candidates.append(_Hit(m.start(), m.end(), category, entity.casefold(), entity, "list", 0))
        for order, (name, (category, regex)) in enumerate(self.patterns.items(), start=1):
            for m in regex.finditer(text):
                if "value" in regex.groupindex and m.group("value") is not None:
                    start, end = m.span("value")
                else:
                    start, end = m.span()
                if end <= start:
                    continue
                value = text[start:end]
                candidates.append(_Hit(start, end, category, _normalise(category, value), value, name, order))
        candidates = [c for c in candidates if " ".join(text[c.start:c.end].split()).casefold() not in self.keep]
        # leftmost, then longest, then list before patterns; no overlaps
        candidates.sort(key=lambda h: (h.start, -(h.end - h.start), h.order))
        chosen: list[_Hit] = []
        last_end = -1
        for hit in candidates:
            if hit.start >= last_end:
                chosen.append(hit)
                last_end = hit.end
        return chosen

    def deidentify_text(self, text: str) -> str:
        """``text`` with every replacement made (pseudonyms registered as by :meth:`apply`).

        Parameters
        ----------
        text : str
            Any text (a memo, a quote, a file's content).

        Returns
        -------
        str
            The text with pseudonyms in place of listed names and pattern matches.

        Examples
        --------
        >>> deid = Deidentifier(names=["Maria Lopez | Maria | Ms. Lopez"], places=["Fairview"])
        >>> deid.deidentify_text("Ms. Lopez met Maria's sister in Fairview on May 3, 2021 (she was 34).")
        "[PERSON_1] met [PERSON_1]'s sister in [PLACE_1] on [DATE_1] (she was [AGE_1])."
        """
        return self._replace(text)[0]

    def _replace(self, text: str):
        hits = self._hits(text)
        pieces = []
        records = []
        cursor = 0
        new_length = 0
        for hit in hits:
            pseudonym = self._pseudonym(hit.category, hit.entity, hit.original)
            pieces.append(text[cursor : hit.start])
            new_length += hit.start - cursor
            new_start = new_length
            pieces.append(pseudonym)
            new_length += len(pseudonym)
            records.append((hit, pseudonym, new_start, new_length))
            cursor = hit.end
        pieces.append(text[cursor:])
        return "".join(pieces), records

    # --- transcripts --------------------------------------------------------------------------------
    def apply(self, transcript: Transcript) -> tuple[Transcript, DeidReport]:
        """De-identify one transcript.

        Parameters
        ----------
        transcript : Transcript
            The transcript (not modified).

        Returns
        -------
        (Transcript, DeidReport)
            A new transcript (same id, attributes and source) whose text has the replacements and
            whose turns are remapped onto the new text exactly (a turn boundary inside a replaced
            span moves to the pseudonym's edge, so the pseudonym stays in the turn), with listed names
            replaced in the speaker labels too; and the report of this transcript's replacements.

        Examples
        --------
        >>> from hrp_coding.transcripts import transcript_from_text
        >>> t = transcript_from_text("Maria: I was there.\\nI: Thanks, Maria.\\n", "P01")
        >>> new, report = Deidentifier(names=["Maria"]).apply(t)
        >>> [(turn.speaker, new.turn_text(turn)) for turn in new.turns]
        [('[PERSON_1]', 'I was there.'), ('I', 'Thanks, [PERSON_1].')]
        >>> report.replacements["original_start"].tolist()  # the speaker label is text too
        [0, 31]
        >>> t.turns[0].speaker  # the input is not modified
        'Maria'
        """
        results, report = self.apply_many([transcript])
        return results[0], report

    def apply_many(self, transcripts: Iterable[Transcript]) -> tuple[list[Transcript], DeidReport]:
        """De-identify several transcripts with one set of pseudonyms; one report for all.

        Parameters
        ----------
        transcripts : iterable of Transcript
            The transcripts (not modified).

        Returns
        -------
        (list of Transcript, DeidReport)
            The new transcripts in input order (as :meth:`apply`) and the report of all their replacements.

        Examples
        --------
        >>> from hrp_coding.transcripts import transcript_from_text
        >>> texts = {"P01": "I: Who?\\nP: Maria from Fairview.\\n", "P02": "I: Then?\\nP: Fairview again.\\n"}
        >>> new, report = Deidentifier(names=["Maria"], places=["Fairview"]).apply_many(
        ...     transcript_from_text(text, tid) for tid, text in texts.items())
        >>> [t.text.splitlines()[1] for t in new]
        ['P: [PERSON_1] from [PLACE_1].', 'P: [PLACE_1] again.']
        >>> report.replacements[["transcript", "pseudonym"]].values.tolist()
        [['P01', '[PERSON_1]'], ['P01', '[PLACE_1]'], ['P02', '[PLACE_1]']]
        """
        import pandas as pd

        results = []
        rows = []
        for transcript in transcripts:
            new, records = self._apply_one(transcript)
            results.append(new)
            rows.extend(records)
        frame = pd.DataFrame(rows, columns=["transcript", "category", "pseudonym", "rule", "original_start",
                                            "original_end", "new_start", "new_end"])
        frame = frame.astype({c: "int64" for c in ("original_start", "original_end", "new_start", "new_end")})
        return results, DeidReport(replacements=frame)

    def _apply_one(self, transcript: Transcript):
        text, records = self._replace(transcript.text)
        old_starts = [hit.start for hit, _, _, _ in records]

        def remap(position: int, is_end: bool) -> int:
            i = bisect.bisect_right(old_starts, position) - 1
            if i < 0:
                return position
            hit, _, new_start, new_end = records[i]
            if position >= hit.end:
                return position + (new_end - hit.end)
            if position == hit.start:
                return new_start
            return new_end if is_end else new_start  # inside a replaced span: widen to the pseudonym

        def replace_name(name: str) -> str:
            return self._replace(name)[0] if name else name

        turns = tuple(Turn(index=turn.index, speaker=replace_name(turn.speaker), start=remap(turn.start, False),
                           end=remap(turn.end, True) if turn.end > turn.start else remap(turn.start, False),
                           role=turn.role, time_start=turn.time_start, time_end=turn.time_end)
                      for turn in transcript.turns)
        roles = {replace_name(k): v for k, v in transcript.speaker_roles.items()}
        attributes = {k: replace_name(v) if isinstance(v, str) else v for k, v in transcript.attributes.items()}
        layout = transcript.layout.map_names(replace_name) if transcript.layout is not None else None
        new = Transcript(id=transcript.id, text=text, turns=turns, attributes=attributes,
                         source=transcript.source, speaker_roles=roles, layout=layout)
        rows = [(transcript.id, hit.category, pseudonym, hit.rule, hit.start, hit.end, new_start, new_end)
                for hit, pseudonym, new_start, new_end in records]
        return new, rows

    def __repr__(self) -> str:
        entities = len(set(self._alias_to_entity.values()))
        return (f"Deidentifier({entities} listed entities, {len(self._alias_to_entity)} aliases, "
                f"patterns: {', '.join(self.patterns) or 'none'})")


def _normalise(category: str, value: str) -> str:
    """The identity of a pattern match, so that variants of one value share a pseudonym."""
    if category == "PHONE":
        digits = re.sub(r"\D", "", value)
        return digits[-10:] if len(digits) >= 10 else digits
    if category in ("EMAIL", "URL"):
        return value.casefold().rstrip("/")
    return " ".join(value.split()).casefold()
