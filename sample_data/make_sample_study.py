"""Build the fictional hrp-coding sample study from its authoring inputs.

This is an authoring tool, not part of the ``hrp_coding`` package. It needs only the standard library and
python-docx, and it is deterministic: running it twice gives byte-identical outputs.

Inputs (see ``sample_data/authoring/FORMAT.md``)::

    authoring/drafts/<ID>.txt        interview drafts in the interview text format (P01-P08, R01-R04)
    authoring/annotations/<ID>.csv   master annotations: code, quote, note

Outputs::

    study/interviews/P01.txt ...     copies of the drafts; P03 as .docx, P06 as .vtt
    study/codings.csv                three simulated coders (ana, ben, caro) derived from the master annotations
    replication/interviews/R01.txt   copies of the drafts
    replication/codings.csv          the master annotations of R01-R04 as coder ``dana`` (no noise)

Usage::

    python sample_data/make_sample_study.py            # validate and build what exists
    python sample_data/make_sample_study.py --check    # validate only, write nothing
    python sample_data/make_sample_study.py --strict   # also require all 12 drafts with annotations

Every problem is reported with its file, line or row, and the script exits with status 1.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import sys
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

ROOT = Path(__file__).resolve().parent

CODE_IDS = (
    "defiant_hospitality",
    "making_room",
    "inviting",
    "meeting_at",
    "staying_with",
    "holding",
    "reframing_substance_use",
    "leveraging_change_from_within",
    "supporting_agency",
    "signaling_the_limits",
    "therapeutic_environment",
    "enclosure_and_safety",
    "exploration_and_growth",
    "socio_historical_roots",
    "failed_treatment_spaces",
    "abstinence_only_requirements",
    "war_on_drugs",
    "stigma_and_shame",
    "practitioner_formation",
)
STUDY_IDS = tuple(f"P{i:02d}" for i in range(1, 9))
REPLICATION_IDS = tuple(f"R{i:02d}" for i in range(1, 5))
OUTPUT_SUFFIX = {"P03": ".docx", "P06": ".vtt"}
WORDS_MIN, WORDS_MAX = 1500, 3000
SEED = "hrp-coding sample study v1"
STUDY_CODERS = ("ana", "ben", "caro")
REPLICATION_CODER = "dana"

# The simulated coders. Probabilities apply per master annotation row (one code on one passage) unless noted.
#   miss            the coder does not apply this code to this passage at all
#   miss_by_code    code-specific miss probability (replaces `miss` for that code)
#   swap            code -> other code with this probability (ben's holding/staying_with confusion)
#   boundary        the coder's span differs by one sentence: extends to the previous/next sentence of the same
#                   turn, or drops the first/last sentence of a multi-sentence passage
#   partner         adds the typical co-occurring code (CO_OCCURRING) to the passage when the master lacks it
#   extras          (min, max) number of codes of their own per transcript, on uncoded sentences that mention the
#                   code's keywords (KEYWORDS)
#   memo            probability of keeping the master note as a memo
CODER_PROFILES = {
    "ana": {"miss": 0.05, "miss_by_code": {}, "swap": {}, "boundary": 0.06, "partner": 0.0, "extras": (1, 2),
            "memo": 0.20},
    "ben": {"miss": 0.08, "miss_by_code": {}, "swap": {"holding": ("staying_with", 0.35),
                                                       "staying_with": ("holding", 0.35)},
            "boundary": 0.30, "partner": 0.0, "extras": (2, 3), "memo": 0.05},
    "caro": {"miss": 0.08, "miss_by_code": {"signaling_the_limits": 0.60}, "swap": {}, "boundary": 0.10,
             "partner": 0.12, "extras": (2, 4), "memo": 0.10},
}
CO_OCCURRING = {
    "holding": "enclosure_and_safety",
    "enclosure_and_safety": "holding",
    "inviting": "defiant_hospitality",
    "defiant_hospitality": "inviting",
    "meeting_at": "supporting_agency",
    "supporting_agency": "meeting_at",
    "reframing_substance_use": "stigma_and_shame",
    "stigma_and_shame": "reframing_substance_use",
    "leveraging_change_from_within": "exploration_and_growth",
    "exploration_and_growth": "leveraging_change_from_within",
    "failed_treatment_spaces": "abstinence_only_requirements",
    "abstinence_only_requirements": "failed_treatment_spaces",
    "war_on_drugs": "stigma_and_shame",
    "staying_with": "holding",
}
KEYWORDS = {
    "signaling_the_limits": ("boundar", "limit", "not okay", "i won't", "i can't", "rule"),
    "stigma_and_shame": ("shame", "ashamed", "junkie", "stigma", "judged", "dirty"),
    "war_on_drugs": ("police", "cops", "arrest", "jail", "prison", "probation", "judge"),
    "failed_treatment_spaces": ("rehab", "detox", "kicked out", "discharged"),
    "abstinence_only_requirements": ("clean", "sober", "abstinen"),
    "practitioner_formation": ("training", "supervisor", "graduate", "mentor", "i learned"),
    "staying_with": ("the door", "came back", "come back", "still here"),
    "holding": ("cried", "crying", "angry", "rage", "panic", "sat with"),
    "supporting_agency": ("choice", "choose", "decide", "their goal"),
    "reframing_substance_use": ("medicat", "coping", "makes sense", "it works"),
    "meeting_at": ("where they are", "their pace"),
    "inviting": ("welcome", "walk in", "drop in", "invite"),
    "exploration_and_growth": ("curious", "explore", "try something", "experiment"),
    "enclosure_and_safety": ("safe", "confidential", "predictable"),
    "leveraging_change_from_within": ("values", "ambivalen", "what they want"),
}

_TURN_RE = re.compile(r"^(?P<speaker>[^:\s][^:]*): (?P<text>\S.*)$")
_SENTENCE_BREAK_RE = re.compile(r"[.?!][\")]? (?=[\"A-Z0-9])")
_ALLOWED_EXTRA_CHARS = {"\u2014"}


class AuthoringError(Exception):
    """One or more authoring inputs are invalid; the message lists every problem."""


@dataclass(frozen=True)
class Turn:
    index: int
    line: int  # 1-based line number in the draft
    speaker: str
    start: int  # offset of the utterance text (after "Speaker: ") in the draft
    end: int
    sentences: tuple[tuple[int, int], ...]  # absolute (start, end) offsets of the sentences


@dataclass(frozen=True)
class Annotation:
    row: int  # 1-based data row number (header is row 0)
    code: str
    start: int
    end: int
    turn: int
    first: int  # first sentence index within the turn
    last: int  # last sentence index within the turn (inclusive)
    note: str


@dataclass
class Draft:
    tid: str
    path: Path
    text: str
    turns: list[Turn] = field(default_factory=list)

    @property
    def words(self) -> int:
        return sum(len(self.text[t.start:t.end].split()) for t in self.turns)


def split_sentences(text: str, offset: int = 0) -> tuple[tuple[int, int], ...]:
    """Split one turn's text into sentence spans (absolute offsets), by the FORMAT.md rule."""
    spans = []
    begin = 0
    for match in _SENTENCE_BREAK_RE.finditer(text):
        end = match.end() - 1  # the separating space is excluded
        spans.append((offset + begin, offset + end))
        begin = match.end()
    spans.append((offset + begin, offset + len(text)))
    return tuple(spans)


def parse_draft(path: Path, tid: str) -> tuple[Draft | None, list[str]]:
    """Read and validate one draft; return the draft and a list of problems."""
    problems: list[str] = []
    raw = path.read_bytes()
    if raw.startswith(b"\xef\xbb\xbf"):
        problems.append(f"{path}: starts with a BOM")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [f"{path}: not UTF-8 ({exc})"]
    if "\r" in text:
        problems.append(f"{path}: contains CR characters (use LF line endings)")
    if unicodedata.normalize("NFC", text) != text:
        problems.append(f"{path}: text is not NFC-normalised")
    if not text.endswith("\n") or text.endswith("\n\n"):
        problems.append(f"{path}: must end with exactly one newline")
    draft = Draft(tid, path, text)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    offset = 0
    previous_speaker = None
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        bad = sorted({ch for ch in line if (ord(ch) > 126 and ch not in _ALLOWED_EXTRA_CHARS) or ch in "<>&\t"})
        if bad:
            problems.append(f"{where}: characters not allowed: {' '.join(repr(c) for c in bad)}")
        if number % 2 == 0:
            if line != "":
                problems.append(f"{where}: expected a blank line between turns, found {line[:40]!r}")
        else:
            match = _TURN_RE.match(line)
            if match is None:
                problems.append(f"{where}: expected a turn 'Speaker: text', found {line[:40]!r}")
            else:
                speaker = match["speaker"]
                body = match["text"]
                if speaker not in ("Interviewer", tid):
                    problems.append(f"{where}: speaker {speaker!r} is neither 'Interviewer' nor {tid!r}")
                if number == 1 and speaker != "Interviewer":
                    problems.append(f"{where}: the first turn must be the Interviewer's")
                if speaker == previous_speaker:
                    problems.append(f"{where}: two consecutive turns by {speaker!r}")
                previous_speaker = speaker
                if "  " in line or line != line.rstrip():
                    problems.append(f"{where}: double or trailing spaces")
                if "NEW CODE" in body or "[[" in body or "]]" in body:
                    problems.append(f"{where}: annotation markup or a NEW CODE note leaked into the interview text")
                if "..." in body:
                    problems.append(f"{where}: ellipsis '...' is not allowed (use an em dash)")
                if not re.search(r"[.?!][\")]?$", body):
                    problems.append(f"{where}: the turn does not end with sentence punctuation")
                start = offset + len(speaker) + 2
                draft.turns.append(
                    Turn(len(draft.turns), number, speaker, start, offset + len(line), split_sentences(body, start))
                )
        offset += len(line) + 1
    if not draft.turns:
        problems.append(f"{path}: no turns found")
    elif not WORDS_MIN <= draft.words <= WORDS_MAX:
        problems.append(f"{path}: {draft.words} words; must be {WORDS_MIN}-{WORDS_MAX}")
    return draft, problems


def count_occurrences(text: str, quote: str) -> int:
    """Count possibly overlapping occurrences of ``quote`` in ``text``."""
    count, position = 0, text.find(quote)
    while position != -1:
        count += 1
        position = text.find(quote, position + 1)
    return count


def parse_annotations(path: Path, draft: Draft) -> tuple[list[Annotation], list[str]]:
    """Read and validate the master annotations of one draft."""
    problems: list[str] = []
    annotations: list[Annotation] = []
    try:
        content = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return [], [f"{path}: not UTF-8 ({exc})"]
    rows = list(csv.reader(io.StringIO(content)))
    if not rows or rows[0] != ["code", "quote", "note"]:
        return [], [f"{path}: header must be exactly 'code,quote,note', found {rows[0] if rows else 'nothing'}"]
    for number, row in enumerate(rows[1:], start=1):
        where = f"{path}: row {number}"
        if not row or all(not cell.strip() for cell in row):
            problems.append(f"{where}: empty row")
            continue
        if len(row) != 3:
            problems.append(f"{where}: expected 3 fields (code, quote, note), found {len(row)}")
            continue
        code, quote, note = row
        if code not in CODE_IDS:
            problems.append(f"{where}: unknown code id {code!r}")
            continue
        found = count_occurrences(draft.text, quote)
        if found != 1:
            problems.append(f"{where} ({code}): quote found {found} times in {draft.path.name}, must be exactly once: "
                            f"{quote[:60]!r}")
            continue
        start = draft.text.index(quote)
        end = start + len(quote)
        turn = next((t for t in draft.turns if t.start <= start and end <= t.end), None)
        if turn is None:
            problems.append(f"{where} ({code}): quote spans more than one turn or includes a speaker label")
            continue
        if turn.speaker == "Interviewer":
            problems.append(f"{where} ({code}): quote lies in an Interviewer turn (line {turn.line})")
            continue
        starts = [s for s, _ in turn.sentences]
        ends = [e for _, e in turn.sentences]
        if start not in starts:
            problems.append(f"{where} ({code}): quote does not start at a sentence start: {quote[:50]!r}")
            continue
        if end not in ends:
            problems.append(f"{where} ({code}): quote does not end at a sentence end: {quote[-50:]!r}")
            continue
        first, last = starts.index(start), ends.index(end)
        if last - first + 1 > 4:
            problems.append(f"{where} ({code}): quote has {last - first + 1} sentences; at most 4 (aim for 1-3)")
            continue
        annotations.append(Annotation(number, code, start, end, turn.index, first, last, note.strip()))
    by_code: dict[str, list[Annotation]] = {}
    for ann in annotations:
        by_code.setdefault(ann.code, []).append(ann)
    for code, anns in by_code.items():
        anns = sorted(anns, key=lambda a: a.start)
        for i in range(1, len(anns)):
            a, b = anns[i - 1], anns[i]
            if b.start < a.end:
                problems.append(f"{path}: rows {a.row} and {b.row} both code {code!r} on overlapping passages")
    return annotations, problems


def target_warnings(tid: str, annotations: list[Annotation]) -> list[str]:
    """Soft targets of FORMAT.md (reported, not fatal)."""
    counts: dict[str, int] = {}
    for ann in annotations:
        counts[ann.code] = counts.get(ann.code, 0) + 1
    warnings = []
    limits = counts.get("signaling_the_limits", 0)
    if tid.startswith("P"):
        for code, minimum in (("holding", 3), ("staying_with", 3), ("signaling_the_limits", 2)):
            if counts.get(code, 0) < minimum:
                warnings.append(f"{tid}: {code} coded {counts.get(code, 0)} times (target >= {minimum})")
        if len(counts) < 12:
            warnings.append(f"{tid}: {len(counts)} distinct codes (target >= 12)")
        if not 22 <= len(annotations) <= 45:
            warnings.append(f"{tid}: {len(annotations)} annotation rows (target 22-45)")
    else:
        if limits < 6:
            warnings.append(f"{tid}: signaling_the_limits coded {limits} times (target >= 6)")
        new = sum(1 for a in annotations if a.note.startswith("NEW CODE?"))
        if not 2 <= new <= 4:
            warnings.append(f"{tid}: {new} rows with a 'NEW CODE?' note (target 2-4)")
        if not 20 <= len(annotations) <= 40:
            warnings.append(f"{tid}: {len(annotations)} annotation rows (target 20-40)")
    return warnings


# --------------------------------------------------------------------------- output formats


def _fixed_zip(data: bytes) -> bytes:
    """Rewrite a zip archive with fixed timestamps so the .docx bytes are reproducible."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=(2024, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def draft_to_docx(draft: Draft) -> bytes:
    """One paragraph per line of the draft (blank lines become empty paragraphs)."""
    import datetime

    import docx

    document = docx.Document()
    stamp = datetime.datetime(2024, 1, 1, 0, 0, 0)
    props = document.core_properties
    props.author = "hrp-coding developers"
    props.last_modified_by = "hrp-coding developers"
    props.title = f"Interview {draft.tid} (fictional)"
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    for line in draft.text[:-1].split("\n"):
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue())


def _timestamp(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, millis = divmod(millis, 3_600_000)
    minutes, millis = divmod(millis, 60_000)
    secs, millis = divmod(millis, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{millis:03d}"


def draft_to_vtt(draft: Draft) -> str:
    """One cue per sentence with a ``<v Speaker>`` voice tag and plausible increasing timestamps."""
    rng = random.Random(f"{SEED}|vtt|{draft.tid}")
    blocks = ["WEBVTT"]
    clock = 1.0
    cue = 0
    for turn in draft.turns:
        for start, end in turn.sentences:
            sentence = draft.text[start:end]
            words = len(sentence.split())
            duration = max(1.2, words / rng.uniform(2.3, 2.9))
            cue += 1
            timing = f"{_timestamp(clock)} --> {_timestamp(clock + duration)}"
            blocks.append(f"{cue}\n{timing}\n<v {turn.speaker}>{sentence}")
            clock += duration + rng.uniform(0.15, 0.5)
        clock += rng.uniform(0.6, 1.8)
    return "\n\n".join(blocks) + "\n"


def canonical_from_docx(data: bytes) -> str:
    """Independent reader: paragraphs of word/document.xml joined with newlines (contract canonical rule)."""
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        root = ElementTree.fromstring(archive.read("word/document.xml"))
    body = root.find(f"{ns}body")
    paragraphs = []
    for paragraph in body.iter(f"{ns}p"):
        paragraphs.append("".join(node.text or "" for node in paragraph.iter(f"{ns}t")))
    return "\n".join(paragraphs)


def canonical_from_vtt(content: str) -> str:
    """Independent reader: voice-tagged cues merged per speaker turn, ``Speaker: text`` joined by blank lines."""
    turns: list[list[str]] = []
    speakers: list[str] = []
    for block in content.strip("\n").split("\n\n")[1:]:
        lines = block.split("\n")
        arrow = next(i for i, line in enumerate(lines) if "-->" in line)
        payload = " ".join(lines[arrow + 1:])
        match = re.match(r"<v ([^>]+)>(.*)$", payload)
        speaker, text = match.group(1), match.group(2)
        if speakers and speakers[-1] == speaker:
            turns[-1].append(text)
        else:
            speakers.append(speaker)
            turns.append([text])
    return "\n\n".join(f"{s}: {' '.join(t)}" for s, t in zip(speakers, turns))


# --------------------------------------------------------------------------- coder simulation


@dataclass(frozen=True)
class Coding:
    transcript: str
    coder: str
    code: str
    start: int
    end: int
    memo: str


def _shift_boundary(rng: random.Random, draft: Draft, ann_turn: Turn, first: int, last: int) -> tuple[int, int]:
    options = []
    if first > 0:
        options.append((first - 1, last))
    if last < len(ann_turn.sentences) - 1:
        options.append((first, last + 1))
    if last > first:
        options.extend([(first + 1, last), (first, last - 1)])
    return rng.choice(options) if options else (first, last)


def _keyword_candidates(draft: Draft, annotations: list[Annotation]) -> list[tuple[str, int, int]]:
    """(code, start, end) single participant sentences that mention a code's keywords but lack that code."""
    candidates = []
    for turn in draft.turns:
        if turn.speaker == "Interviewer":
            continue
        for start, end in turn.sentences:
            sentence = draft.text[start:end].lower()
            for code, words in KEYWORDS.items():
                if not any(word in sentence for word in words):
                    continue
                if any(a.code == code and a.start < end and start < a.end for a in annotations):
                    continue
                candidates.append((code, start, end))
    return candidates


def simulate_coder(coder: str, draft: Draft, annotations: list[Annotation], report: list[str]) -> list[Coding]:
    """Derive one coder's codings of one transcript from the master annotations (seeded per coder and transcript)."""
    profile = CODER_PROFILES[coder]
    rng = random.Random(f"{SEED}|{coder}|{draft.tid}")
    # (priority, code, start, end, fallback span or None, memo, origin); unshifted spans are placed first so that a
    # boundary shift that would run into the coder's own span of the same code falls back to the master boundary
    proposals: list[tuple[int, str, int, int, tuple[int, int] | None, str, str]] = []
    master_codes_at: dict[tuple[int, int], set[str]] = {}
    for ann in annotations:
        master_codes_at.setdefault((ann.start, ann.end), set()).add(ann.code)
    for ann in annotations:
        turn = draft.turns[ann.turn]
        miss = profile["miss_by_code"].get(ann.code, profile["miss"])
        draws = [rng.random() for _ in range(5)]  # fixed number of draws per row keeps the stream aligned
        if draws[0] < miss:
            continue
        code = ann.code
        origin = "master"
        swap = profile["swap"].get(code)
        if swap and draws[1] < swap[1] and swap[0] not in master_codes_at[(ann.start, ann.end)]:
            code, origin = swap[0], "swap"
        first, last = ann.first, ann.last
        if draws[2] < profile["boundary"]:
            first, last = _shift_boundary(rng, draft, turn, first, last)
        start, end = turn.sentences[first][0], turn.sentences[last][1]
        shifted = (start, end) != (ann.start, ann.end)
        memo = ann.note if (ann.note and draws[3] < profile["memo"] and not ann.note.startswith("NEW CODE?")) else ""
        fallback = (ann.start, ann.end) if shifted else None
        origin += "+boundary" if shifted else ""
        proposals.append((1 if shifted else 0, code, start, end, fallback, memo, origin))
        partner = CO_OCCURRING.get(ann.code)
        if partner and draws[4] < profile["partner"] and partner not in master_codes_at[(ann.start, ann.end)]:
            memo = f"also reads as {partner.replace('_', ' ')}?"
            proposals.append((2, partner, ann.start, ann.end, None, memo, "partner"))
    low, high = profile["extras"]
    candidates = _keyword_candidates(draft, annotations)
    for code, start, end in rng.sample(candidates, min(len(candidates), rng.randint(low, high))):
        proposals.append((3, code, start, end, None, "", "extra"))
    codings: list[Coding] = []
    for _, code, start, end, fallback, memo, origin in sorted(proposals, key=lambda p: p[0]):
        spans = [(start, end)] + ([fallback] if fallback else [])
        for span_start, span_end in spans:
            quote = draft.text[span_start:span_end]
            if count_occurrences(draft.text, quote) != 1:
                report.append(f"{coder} {draft.tid} {code} ({origin}): quote not unique, skipped: {quote[:50]!r}")
                continue
            if any(c.code == code and c.start < span_end and span_start < c.end for c in codings):
                continue
            codings.append(Coding(draft.tid, coder, code, span_start, span_end, memo))
            break
        else:
            report.append(f"{coder} {draft.tid} {code} ({origin}): overlaps the coder's own {code} span, skipped")
    return codings


# --------------------------------------------------------------------------- build


def _load(root: Path, ids: tuple[str, ...], strict: bool, problems: list[str], warnings: list[str]):
    loaded = {}
    for tid in ids:
        draft_path = root / "authoring" / "drafts" / f"{tid}.txt"
        ann_path = root / "authoring" / "annotations" / f"{tid}.csv"
        if not draft_path.exists():
            (problems if strict else warnings).append(f"{draft_path}: missing")
            continue
        draft, found = parse_draft(draft_path, tid)
        problems.extend(found)
        if draft is None or found:
            continue
        if not ann_path.exists():
            (problems if strict else warnings).append(f"{ann_path}: missing")
            continue
        annotations, found = parse_annotations(ann_path, draft)
        problems.extend(found)
        if found:
            continue
        warnings.extend(target_warnings(tid, annotations))
        loaded[tid] = (draft, annotations)
    return loaded


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    if path.exists() and path.read_bytes() == data:
        return
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _codings_csv(rows: list[Coding], texts: dict[str, str]) -> str:
    rows = sorted(rows, key=lambda c: (c.transcript, c.coder, c.start, c.end, c.code))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["transcript", "coder", "code", "quote", "memo"])
    for c in rows:
        writer.writerow([c.transcript, c.coder, c.code, texts[c.transcript][c.start:c.end], c.memo])
    return out.getvalue()


def verify_outputs(root: Path, loaded: dict, codings: list[Coding]) -> list[str]:
    """Re-read the written interviews with the independent readers and check every emitted quote resolves once."""
    problems = []
    canonical = {}
    for tid, (draft, _) in loaded.items():
        folder = "study" if tid.startswith("P") else "replication"
        path = root / folder / "interviews" / f"{tid}{OUTPUT_SUFFIX.get(tid, '.txt')}"
        if path.suffix == ".docx":
            text = canonical_from_docx(path.read_bytes())
        elif path.suffix == ".vtt":
            text = canonical_from_vtt(path.read_text(encoding="utf-8"))
        else:
            text = path.read_text(encoding="utf-8")
        if text.rstrip("\n") != draft.text.rstrip("\n"):
            problems.append(f"{path}: canonical text differs from the draft {draft.path}")
        canonical[tid] = text
    for c in codings:
        quote = loaded[c.transcript][0].text[c.start:c.end]
        found = count_occurrences(canonical[c.transcript], quote)
        if found != 1:
            problems.append(f"{c.transcript} {c.coder} {c.code}: quote found {found} times in the written file")
    return problems


def build(root: Path = ROOT, *, check_only: bool = False, strict: bool = False) -> list[str]:
    """Validate the authoring inputs and (unless ``check_only``) write the outputs; return the report lines."""
    problems: list[str] = []
    warnings: list[str] = []
    study = _load(root, STUDY_IDS, strict, problems, warnings)
    replication = _load(root, REPLICATION_IDS, strict, problems, warnings)
    if problems:
        raise AuthoringError(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
    report = [f"warning: {w}" for w in warnings]
    for tid, (draft, anns) in {**study, **replication}.items():
        report.append(f"{tid}: {draft.words} words, {len(draft.turns)} turns, {len(anns)} master codings")
    if check_only:
        return report
    study_codings: list[Coding] = []
    for tid, (draft, master) in study.items():
        suffix = OUTPUT_SUFFIX.get(tid, ".txt")
        target = root / "study" / "interviews" / f"{tid}{suffix}"
        if suffix == ".docx":
            _write(target, draft_to_docx(draft))
        elif suffix == ".vtt":
            _write(target, draft_to_vtt(draft))
        else:
            _write(target, draft.text)
        for coder in STUDY_CODERS:
            study_codings.extend(simulate_coder(coder, draft, master, report))
    replication_codings: list[Coding] = []
    for tid, (draft, master) in replication.items():
        _write(root / "replication" / "interviews" / f"{tid}.txt", draft.text)
        for ann in master:
            replication_codings.append(Coding(tid, REPLICATION_CODER, ann.code, ann.start, ann.end, ann.note))
    texts = {tid: d.text for tid, (d, _) in {**study, **replication}.items()}
    if study:
        _write(root / "study" / "codings.csv", _codings_csv(study_codings, texts))
    if replication:
        _write(root / "replication" / "codings.csv", _codings_csv(replication_codings, texts))
    found = verify_outputs(root, {**study, **replication}, study_codings + replication_codings)
    if found:
        raise AuthoringError(f"{len(found)} output problem(s):\n  " + "\n  ".join(found))
    for coder in STUDY_CODERS:
        mine = [c for c in study_codings if c.coder == coder]
        limits = sum(c.code == "signaling_the_limits" for c in mine)
        report.append(f"{coder}: {len(mine)} codings, {limits} signaling_the_limits")
    report.append(f"dana: {len(replication_codings)} codings")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="validate the authoring inputs only; write nothing")
    parser.add_argument("--strict", action="store_true", help="require all 12 drafts and annotation files")
    parser.add_argument("--root", type=Path, default=ROOT, help="the sample_data folder (default: this script's)")
    args = parser.parse_args(argv)
    try:
        report = build(args.root, check_only=args.check, strict=args.strict)
    except AuthoringError as exc:
        print(f"make_sample_study: {exc}", file=sys.stderr)
        return 1
    print("\n".join(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
