"""Parse a ``.qdpx`` into the frozen :class:`~hrp_coding.interop.refi.model.ParsedProject` (nothing written).

The steps: open the archive safely, parse ``project.qde`` (defusedxml), read the codebook (via
:mod:`hrp_coding.codebook.qdc`), users, notes and variables, then the sources: first their texts and raw
selection positions, to decide how positions are counted (:func:`~hrp_coding.interop.refi.positions.decide`),
then the codings, memos and annotations as canonical offsets. Cases, links, code memos, sets of sources and
loose notes come last.

Examples
--------
>>> import tempfile, pathlib
>>> from hrp_coding.codebook import Code, Codebook
>>> from hrp_coding.project import Project
>>> from hrp_coding.interop.refi import export_qdpx
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> study = Project.init(folder / "s", codebook=Codebook(name="D", version=1, codes=[Code("holding", "Holding")]))
>>> _ = study.add_transcript("P01: We sat with her.\\n", transcript_id="P01")
>>> _ = study.add_coding(coder="ana", transcript="P01", start=5, end=20, code="holding")
>>> _ = export_qdpx(study, folder / "d.qdpx")
>>> parsed = parse_qdpx(folder / "d.qdpx")
>>> [(c.coder, c.code, parsed.sources[0].text[c.start:c.end]) for c in parsed.codings]
[('ana', 'holding', 'We sat with her')]
"""

from __future__ import annotations

import contextlib
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from hrp_coding.codebook import qdc
from hrp_coding.codebook.qdaxml import child, children, local_name, normalise_guid, split_tag, unpack
from hrp_coding.errors import Problem, RefiError
from hrp_coding.interop.refi.archive import ArchiveReader, listing, open_archive
from hrp_coding.interop.refi.model import (
    ParsedAnnotation,
    ParsedCoding,
    ParsedMemo,
    ParsedProject,
    ParsedSource,
    annotation_text,
)
from hrp_coding.interop.refi.people import Tables, transcript_slug
from hrp_coding.interop.refi.positions import Reading, SourceText, decide
from hrp_coding.interop.safe_zip import ZipLimits

__all__ = ["PROJECT_MARKER", "TRANSCRIPT_MARKER", "parse_qdpx"]

TRANSCRIPT_MARKER = "[hrp-coding transcript data v1] "
PROJECT_MARKER = "[hrp-coding project data v1] "
_KNOWN_PROJECT_NS = {"urn:QDA-XML:project:1.0"}


def _description(el: ET.Element | None) -> str | None:
    found = child(el, "Description")
    return found.text if found is not None else None


class _Source:
    """A text source while it is parsed (mutable); frozen into a ParsedSource at the end."""

    def __init__(self, el: ET.Element, guid: str, name: str, tid: str, text: SourceText, where: str, roles: dict):
        self.el, self.guid, self.name, self.tid, self.text, self.where = el, guid, name, tid, text, where
        self.attributes: dict[str, Any] = {}
        self.roles = roles


class _Parser:
    def __init__(self, reader: ArchiveReader, notes: list[str]):
        self.reader = reader
        self.notes = notes
        self.tables = Tables(notes)
        self.skipped = 0
        self.src: dict[str, _Source] = {}
        self.codings: list[dict] = []
        self.by_selection: dict[str, list[dict]] = {}
        self.by_coding: dict[str, dict] = {}
        self.bare: dict[str, dict] = {}  # selections without a Coding: annotation candidates
        self.annotations: list[ParsedAnnotation] = []
        self.memos: list[ParsedMemo] = []
        self.differing: list[str] = []
        self.splits: list[str] = []

    def warn(self, message: str) -> None:
        self.notes.append(message)

    # -- sources: texts first, to decide the reading ----------------------------------------------
    def read_texts(self, root: ET.Element) -> None:
        taken: set[str] = set()
        names_seen: dict[str, int] = {}
        sources_el = child(root, "Sources")
        other = [c for c in (sources_el if sources_el is not None else []) if local_name(c) != "TextSource"]
        if other:
            kinds: dict[str, int] = {}
            n = 0
            for el in other:
                kinds[local_name(el)] = kinds.get(local_name(el), 0) + 1
                n += sum(1 for x in el.iter() if local_name(x) == "Coding")
            self.skipped += n
            self.warn("sources that are not text are not imported: " + ", ".join(f"{v} {k}" for k, v in kinds.items())
                      + f" ({n} coding(s) on them skipped)")
        for i, el in enumerate(children(sources_el, "TextSource")):
            name = el.get("name") or ""
            where = f"TextSource {name or el.get('plainTextPath') or i + 1!r}"
            guid = normalise_guid(el.get("guid"))
            n_codings = sum(1 for x in el.iter() if local_name(x) == "Coding")
            if guid is None:
                self.warn(f"{where}: missing or malformed guid {el.get('guid')!r}; skipped with its {n_codings} "
                          "coding(s)")
                self.skipped += n_codings
                continue
            text = self.reader.text_of(el, where=where)
            if text is None:
                self.skipped += n_codings
                continue
            if text.raw.startswith("\ufeff"):
                self.warn(f"{where}: text starts with a byte order mark (BOM); removed, not counted in positions")
                text = SourceText(text.raw[1:])
            _human, packed = unpack(_description(el), TRANSCRIPT_MARKER)
            if name:
                names_seen[name] = names_seen.get(name, 0) + 1
                if names_seen[name] == 2:
                    self.warn(f"several sources are named {name!r} (MAXQDA allows it); later ones get a suffix")
            wanted = packed.get("id") if packed and isinstance(packed.get("id"), str) else None
            if wanted and wanted.casefold() not in taken:
                taken.add(wanted.casefold())
                tid = wanted
            else:
                tid = transcript_slug(name or (el.get("plainTextPath") or "").rsplit("/", 1)[-1] or guid, taken)
            roles = dict(packed.get("speaker_roles") or {}) if packed else {}
            self.src[guid] = _Source(el, guid, name, tid, text, where, roles)

    def raw_spans(self, source: _Source) -> list[tuple[int, int]]:
        spans = []
        selections = list(children(source.el, "PlainTextSelection"))
        for ref in children(source.el, "NoteRef"):  # QualCoder annotations: a Note holding a selection
            note = self.tables.notes_by_guid.get(normalise_guid(ref.get("targetGUID")) or "")
            for start, end, _g in (note or {}).get("selections", ()):
                selections.append(ET.Element("s", {"startPosition": start or "", "endPosition": end or ""}))
        for sel in selections:
            with contextlib.suppress(TypeError, ValueError):
                spans.append((int(sel.get("startPosition")), int(sel.get("endPosition"))))
        return spans

    # -- sources: selections, codings, memos -------------------------------------------------------
    def read_selections(self, root: ET.Element, code_of: Mapping[str, str | None], reading: Reading) -> None:
        project_user = root.get("creatingUserGUID")
        for i, source in enumerate(self.src.values()):
            el, text, where, tid = source.el, source.text, source.where, source.tid
            if text.crlf and not reading.crlf_as_two:
                self.warn(f"{where}: text has {text.crlf} CRLF line break(s); each counted as one character and "
                          "stored as LF")
            elif text.crlf:
                self.warn(f"{where}: text has {text.crlf} CRLF line break(s); each counted as two characters and "
                          "stored as LF")
            if text.nfc_changed:
                self.warn(f"{where}: text was not in Unicode NFC; normalised, positions mapped accordingly")
            human, packed = unpack(_description(el), TRANSCRIPT_MARKER)
            if human and packed is None:  # our own export's Description is not a memo
                self.memos.append(ParsedMemo("transcript", tid, human, self.tables.coder(
                    el.get("creatingUser"), project_user, what=f"{where} description")))
            for sref in children(el, "NoteRef"):
                note = self.tables.note(sref, where)
                if note is None:
                    continue
                author = self.tables.coder(note["author"], el.get("creatingUser"), project_user,
                                           what=f"{where} note")
                if note["selections"]:
                    for start, end, sel_guid in note["selections"]:
                        self._annotation(source, start, end, reading, note["text"], author, sel_guid or note["guid"],
                                         note["at"], f"{where} note {note['name']!r}")
                else:
                    self.memos.append(ParsedMemo("transcript", tid, note["text"], author))
            for vv in children(el, "VariableValue"):
                self.tables.variable_value(vv, source.attributes, where)
            if children(el, "Coding"):
                self.warn(f"{where}: {len(children(el, 'Coding'))} coding(s) of the whole source (not of a selection) "
                          "are not imported")
                self.skipped += len(children(el, "Coding"))
            bad: list[str] = []
            for j, sel in enumerate(children(el, "PlainTextSelection")):
                self._selection(source, sel, j, i, reading, code_of, project_user, bad)
            if bad:
                self.warn(f"{where}: {len(bad)} selection(s) with positions that do not fit its text of "
                          f"{text.length(reading)} characters were skipped: {listing(bad)}")
        if self.splits:
            self.warn(f"{len(self.splits)} selection(s) start or end inside a CRLF or a character outside the BMP "
                      f"when read as {reading} ({listing(self.splits)}); moved to the next character boundary")
        if self.differing:
            self.warn(f"{len(self.differing)} coding(s) have a creatingUser other than their selection's "
                      f"({listing(self.differing)}); each is attributed to its Coding's creatingUser, who applied "
                      "the code (the selection's user only marked the passage)")

    def _span(self, text: SourceText, start: Any, end: Any, reading: Reading) -> tuple[int, int] | str:
        try:
            start, end = int(start), int(end)
        except (TypeError, ValueError):
            return f"{start!r}-{end!r} (not whole numbers)"
        n = text.length(reading)
        if not (0 <= start < end <= n):
            return f"{start}-{end} ({'empty or reversed' if start >= end else f'outside the text (0-{n})'})"
        if text.to_collapsed(start, reading)[1] or text.to_collapsed(end, reading)[1]:
            self.splits.append(f"{start}-{end}")
        cstart, cend = text.map(start, reading), text.map(end, reading)
        if cstart >= cend:
            return f"{start}-{end} (empty after normalisation)"
        return cstart, cend

    def _annotation(self, source: _Source, start: Any, end: Any, reading: Reading, memo: str, coder: str,
                    guid: str, at: str | None, where: str) -> None:
        span = self._span(source.text, start, end, reading)
        if isinstance(span, str):
            self.warn(f"{where}: annotation at {span} does not fit the text; kept as a transcript memo")
            self.memos.append(ParsedMemo("transcript", source.tid, memo, coder))
            return
        s, e = span
        self.annotations.append(ParsedAnnotation(source.tid, s, e, annotation_text(source.text.canonical, s, e, memo),
                                                 coder, guid, at, memo=memo))

    def _selection(self, source: _Source, sel: ET.Element, j: int, i: int, reading: Reading,
                   code_of: Mapping[str, str | None], project_user: str | None, bad: list[str]) -> None:
        el, tid = source.el, source.tid
        sel_where = f"{source.where} selection {sel.get('name') or j + 1!r}"
        sel_guid = normalise_guid(sel.get("guid")) or f"selection-{i}-{j}"
        codings = children(sel, "Coding")
        span = self._span(source.text, sel.get("startPosition"), sel.get("endPosition"), reading)
        if isinstance(span, str):
            bad.append(span)
            self.skipped += len(codings)
            return
        cstart, cend = span
        sel_memos = []
        human = (_description(sel) or "").strip()
        if human:
            sel_memos.append(human)
        for ref in children(sel, "NoteRef"):
            note = self.tables.note(ref, sel_where)
            if note:
                sel_memos.append(note["text"])
        sel_user = sel.get("creatingUser") or sel.get("modifyingUser")
        if not codings:
            coder = self.tables.coder(sel_user, el.get("creatingUser"), project_user, what=sel_where)
            self.bare[sel_guid] = {"source": source, "start": cstart, "end": cend, "coder": coder,
                                   "at": sel.get("creationDateTime")}
            for memo in sel_memos:
                self.annotations.append(ParsedAnnotation(tid, cstart, cend, annotation_text(
                    source.text.canonical, cstart, cend, memo), coder, sel_guid, sel.get("creationDateTime"),
                    memo=memo))
            return
        for k, coding in enumerate(codings):
            ref = child(coding, "CodeRef")
            code_guid = normalise_guid(ref.get("targetGUID")) if ref is not None else None
            if code_guid is None or code_guid not in code_of:
                self.warn(f"{sel_where}: coding {k + 1} refers to no known code "
                          f"({ref.get('targetGUID') if ref is not None else 'no CodeRef'}); skipped")
                self.skipped += 1
                continue
            code = code_of[code_guid]
            if code is None:
                self.skipped += 1
                continue  # reported once per code by the caller
            user = coding.get("creatingUser")
            if user and sel_user and normalise_guid(user) != normalise_guid(sel_user):
                self.differing.append(f"{tid} {cstart}-{cend} {code}: coding by {self.tables.user_name(user)}, "
                                      f"selection by {self.tables.user_name(sel_user)}")
            coder = self.tables.coder(user, sel_user, el.get("creatingUser"), project_user, what=sel_where)
            row = {"tid": tid, "coder": coder, "code": code, "start": cstart, "end": cend, "selection": sel_guid,
                   "coding": normalise_guid(coding.get("guid")) or "", "memos": list(sel_memos)}
            for ref2 in children(coding, "NoteRef"):
                note = self.tables.note(ref2, sel_where)
                if note:
                    row["memos"].append(note["text"])
            self.codings.append(row)
            self.by_selection.setdefault(sel_guid, []).append(row)
            if row["coding"]:
                self.by_coding[row["coding"]] = row

    # -- cases, links, code notes --------------------------------------------------------------
    def cases(self, root: ET.Element) -> list[dict]:
        out = []
        tids = {s.tid: g for g, s in self.src.items()}
        for i, case in enumerate(children(child(root, "Cases"), "Case")):
            name = case.get("name") or ""
            where = f"case {name or i + 1!r}"
            if not name:
                self.warn(f"Cases/Case[{i + 1}] has no name (MAXQDA writes unnamed cases); read anyway")
            values: dict = {}
            for vv in children(case, "VariableValue"):
                self.tables.variable_value(vv, values, where)
            members: list[str] = []
            for ref in children(case, "SourceRef"):
                guid = normalise_guid(ref.get("targetGUID"))
                if guid in self.src:
                    members.append(guid)
                else:
                    self.warn(f"{where}: SourceRef {ref.get('targetGUID')!r} is no imported text source; ignored")
            for ref in children(case, "SelectionRef"):
                owner = {r["tid"] for r in self.by_selection.get(normalise_guid(ref.get("targetGUID")) or "", [])}
                members += [tids[t] for t in owner if tids[t] not in members]
            for guid in members:
                for key, value in values.items():
                    attrs = self.src[guid].attributes
                    if key in attrs and attrs[key] != value:
                        self.warn(f"{where}: transcript {self.src[guid].tid} already has {key}={attrs[key]!r}; "
                                  f"{value!r} ignored")
                    else:
                        attrs[key] = value
            out.append({"guid": normalise_guid(case.get("guid")) or "", "name": name,
                        "transcripts": [self.src[g].tid for g in members], "attributes": values,
                        **({"description": d} if (d := (_description(case) or "").strip()) else {})})
        return out

    def links(self, root: ET.Element, code_ids: Mapping[str, str | None], project_user: str | None) -> None:
        """Memos from Links between a note and a selection, coding, source or code."""
        for i, link in enumerate(children(child(root, "Links"), "Link")):
            a, b = normalise_guid(link.get("originGUID")), normalise_guid(link.get("targetGUID"))
            notes = self.tables.notes_by_guid
            note_guid, other = (a, b) if a in notes else (b, a) if b in notes else (None, None)
            if note_guid is None or other is None:
                continue  # a link between two non-notes: nothing to import
            note = notes[note_guid]
            author = self.tables.coder(note["author"], project_user, what=f"note {note['name']!r}")
            if other in self.by_selection:
                for row in self.by_selection[other]:
                    row["memos"].append(note["text"])
            elif other in self.by_coding:
                self.by_coding[other]["memos"].append(note["text"])
            elif other in self.bare:
                bare = self.bare[other]
                self.annotations.append(ParsedAnnotation(
                    bare["source"].tid, bare["start"], bare["end"], annotation_text(
                        bare["source"].text.canonical, bare["start"], bare["end"], note["text"]),
                    author, other, note["at"], memo=note["text"]))
            elif other in self.src:
                self.memos.append(ParsedMemo("transcript", self.src[other].tid, note["text"], author))
            elif code_ids.get(other):
                self.memos.append(ParsedMemo("code", code_ids[other], note["text"], author))
            else:
                self.warn(f"Links/Link[{i + 1}] ({link.get('name') or 'unnamed'}): ties note {note['name']!r} to "
                          f"{other}, which was not imported; the note is kept in refi-qda.yaml")
                continue
            note["used"] = True

    def code_notes(self, book_el: ET.Element | None, code_of: Mapping[str, str | None],
                   project_user: str | None) -> None:
        for el in (book_el.iter() if book_el is not None else ()):
            if local_name(el) != "Code":
                continue
            cid = code_of.get(normalise_guid(el.get("guid")) or "")
            for ref in children(el, "NoteRef"):
                note = self.tables.note(ref, f"code {el.get('name')!r}")
                if note and cid:
                    self.memos.append(ParsedMemo("code", cid, note["text"], self.tables.coder(
                        note["author"], project_user, what=f"note on code {cid}")))


def _match_codes(file_cb, code_guids: Mapping[str, str], target, warn) -> dict[str, str | None]:
    """REFI code GUID -> code id of the codebook the caller gave (None when it has no match)."""
    from hrp_coding.codebook.qdaxml import slug

    by_name = {c.name.casefold(): cid for cid, c in target.codes.items()}
    out: dict[str, str | None] = {}
    unmatched = []
    for guid, file_id in code_guids.items():
        name = file_cb.codes[file_id].name if file_cb is not None and file_id in file_cb.codes else file_id
        match = (file_id if file_id in target.codes else by_name.get(name.casefold())
                 or (slug(name) if slug(name) in target.codes else None))
        out[guid] = match
        if match is None:
            unmatched.append(name)
    if unmatched:
        warn(f"{len(unmatched)} code(s) of the file are not in the codebook given ({listing(unmatched)}); "
             "their codings are skipped")
    return out


def parse_qdpx(path: str | os.PathLike, *, codebook=None, max_bytes: int = 1 << 30, max_ratio: float = 200.0,
               encoding_fallbacks: Iterable[str] = ("cp1252",), external_files: bool = False,
               base_dir: str | os.PathLike | None = None) -> ParsedProject:
    """Read a ``.qdpx`` into a :class:`ParsedProject`; parameters as in :func:`~hrp_coding.interop.refi.import_qdpx`.

    Parameters
    ----------
    path, codebook, max_bytes, max_ratio, encoding_fallbacks, external_files, base_dir
        As for :func:`~hrp_coding.interop.refi.import_qdpx_with_summary` (the defaults are the same).

    Returns
    -------
    ParsedProject
        The project as read, with every tolerated deviation in its notes; nothing is written.

    Raises
    ------
    RefiError
        For an unsafe archive, hostile or malformed XML, or a file that is not a REFI-QDA project.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> from hrp_coding.interop.refi import export_qdpx
    >>> parsed = parse_qdpx(export_qdpx(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "tiny.qdpx").path)
    >>> [(c.coder, c.code) for c in parsed.codings]
    [('ana', 'holding')]
    """
    from hrp_coding.codebook import Codebook

    path = Path(path)
    source = str(path)
    notes: list[str] = []
    with open_archive(path, ZipLimits(max_bytes=max_bytes, max_ratio=max_ratio)) as archive:
        reader = ArchiveReader(archive, source, fallbacks=tuple(encoding_fallbacks), external_files=external_files,
                               notes=notes)
        xml_name, data = reader.project_xml()
        if data.startswith(b"\xef\xbb\xbf"):
            notes.append(f"{xml_name} starts with a UTF-8 byte order mark (BOM); ignored")
        root = qdc.parse_xml(data, source=f"{source}:{xml_name}")
        ns, local = split_tag(root.tag)
        if local != "Project":
            raise RefiError([Problem("(xml)", f"the root element is <{local}>, not <Project>: not a REFI-QDA project",
                                     file=xml_name)], source=source)
        if ns is None:
            notes.append("the <Project> element has no namespace (expected urn:QDA-XML:project:1.0); read anyway")
        elif ns not in _KNOWN_PROJECT_NS:
            kind = "a known variant" if ns.startswith("urn:QDA-XML:project:") else "unexpected"
            notes.append(f"namespace {ns!r} ({kind} of urn:QDA-XML:project:1.0); read as 1.0")
        name = (root.get("name") or "").strip() or path.stem
        base = root.get("basePath")
        reader.base_dir = (Path(base_dir) if base_dir is not None
                           else Path(base) if base and Path(base).is_dir() else path.resolve().parent)
        origin = root.get("origin")
        _desc, packed_project = unpack(_description(root), PROJECT_MARKER)
        packed_project = packed_project or {}

        # codebook (+ code sets at project level)
        code_guids: dict[str, str] = {}
        book_el = child(root, "CodeBook")
        sets = children(child(root, "Sets"), "Set")
        file_cb = None
        if book_el is not None:
            cb_notes: list[str] = []
            meta = packed_project.get("codebook") if isinstance(packed_project.get("codebook"), dict) else None
            file_cb = qdc.codebook_from_element(book_el, source=f"{source}:{xml_name}", warnings=cb_notes, sets=sets,
                                                name=name, guid_map=code_guids, meta=meta)
            notes.extend(f"codebook: {n}" for n in cb_notes)
        if codebook is not None:
            target_cb = codebook if isinstance(codebook, Codebook) else Codebook.load(codebook)
            code_of = _match_codes(file_cb, code_guids, target_cb, notes.append)
        elif file_cb is None:
            notes.append("the project has no <CodeBook> (the schema makes it optional): sources, memos and notes are "
                         "imported with an empty codebook; codings are skipped (pass codebook= to import them)")
            target_cb = Codebook(name=name, version=1, codes=[],
                                 description=f"Imported from {path.name}" + (f" ({origin})" if origin else ""))
            code_of = {}
        else:
            target_cb, code_of = file_cb, dict(code_guids)
        retired = {cid for cid, code in target_cb.codes.items() if not code.is_active}
        active: dict[str, str | None] = {g: (None if c in retired else c) for g, c in code_of.items()}

        parser = _Parser(reader, notes)
        parser.tables.read_users(root)
        parser.tables.read_notes(root, reader.text_of)
        variables = parser.tables.read_variables(root)
        parser.read_texts(root)
        decision = decide([(s.text, parser.raw_spans(s)) for s in parser.src.values()], origin)
        where = [s.where for s in parser.src.values()]
        for i, other, fit, chosen, n_ends in decision.dissent:
            notes.append(f"{where[i]}: its own selections fit {other} better ({fit} of {n_ends} points for "
                         f"selections that start and end on words, {chosen} as {decision.reading}, the reading of "
                         "the file); check its codings")
        if decision.disagrees:
            notes.append(f"the positions do not follow the {decision.convention.producer} convention "
                         f"({decision.convention.reading}): {decision.describe()}")
        parser.read_selections(root, active, decision.reading)
        referenced = {normalise_guid(ref.get("targetGUID")) for ref in root.iter() if local_name(ref) == "CodeRef"}
        retired_used = sorted({c for g, c in code_of.items() if c in retired and g in referenced})
        if retired_used:
            notes.append(f"codings of retired codes were skipped: {', '.join(retired_used)}")
        cases = parser.cases(root)
        project_user = root.get("creatingUserGUID")
        parser.code_notes(book_el, code_of, project_user)
        parser.links(root, code_of, project_user)
        source_sets = [{"guid": normalise_guid(s.get("guid")) or "", "name": s.get("name") or "",
                        **({"description": d} if (d := (_description(s) or "").strip()) else {}),
                        "transcripts": [parser.src[g].tid for g in (normalise_guid(m.get("targetGUID"))
                                                                     for m in children(s, "MemberSource"))
                                        if g in parser.src]}
                       for s in sets if children(s, "MemberSource")]
        if source_sets:
            notes.append(f"{len(source_sets)} set(s) of sources ({', '.join(s['name'] for s in source_sets)}) have "
                         "no hrp-coding equivalent; kept in refi-qda.yaml and written back on export")
        project_level = {normalise_guid(r.get("targetGUID")) for r in children(root, "NoteRef")}
        loose = [n for n in parser.tables.notes_by_guid.values() if not n["used"]]
        if loose:
            notes.append(f"{len(loose)} note(s) not tied to a coding, transcript or code "
                         f"({listing([repr(n['name'] or n['guid']) for n in loose])}) are kept in refi-qda.yaml "
                         "and written back on export")
        if children(root, "Graphs"):
            notes.append("<Graphs> (network views) have no hrp-coding equivalent; not imported")

    frozen = tuple(ParsedCoding(r["tid"], r["coder"], r["code"], r["start"], r["end"], r["selection"], r["coding"],
                                tuple(dict.fromkeys(m for m in r["memos"] if m and m.strip())))
                   for r in parser.codings)
    sources = tuple(ParsedSource(g, s.name, s.tid, s.text.canonical, tuple(s.attributes.items()),
                                 tuple(s.roles.items()), s.el.get("plainTextPath") or "(inline)")
                    for g, s in parser.src.items())
    coders = tuple(sorted({c.coder for c in frozen} | {c for _g, _n, c in parser.tables.coder_map}))
    extras = {
        "variables": variables,
        "cases": cases,
        "source_sets": source_sets,
        "notes": [{"guid": n["guid"], "name": n["name"], "text": n["text"], "author": n["author"], "at": n["at"],
                   "project_level": n["guid"] in project_level} for n in loose],
    }
    return ParsedProject(source=source, name=name, origin=origin, codebook=target_cb, coders=coders,
                         sources=sources, codings=frozen, memos=tuple(parser.memos),
                         annotations=tuple(parser.annotations),
                         settings=packed_project.get("settings") if isinstance(packed_project.get("settings"), dict)
                         else None,
                         coder_map=tuple(parser.tables.coder_map), warnings=tuple(notes), skipped=parser.skipped,
                         reading=decision.describe(), extras=extras)
