"""De-identification at import: apply a Deidentifier, keep the key private, put the report in the sidecar.

The key (pseudonym -> original) goes to ``<project>/private/deid-key.yaml`` (mode 0600), grouped by
transcript, and ``private/`` is listed in the project's ``.gitignore``. The transcript's sidecar
gets a ``deidentification`` section: each replacement's category, pseudonym, rule and place in the
stored text, and counts; never the original text.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import yaml

from hrp_coding._atomic import atomic_write_text
from hrp_coding.errors import ProjectError

__all__ = ["deidentify_transcript"]

_KEY_HEADER = ("# hrp-coding de-identification key: transcript -> pseudonym -> original.\n"
               "# CONFIDENTIAL: never commit or share this file (private/ is in .gitignore).\n")


def _deidentifier(deidentify: Any):
    from hrp_coding.transcripts import Deidentifier

    if isinstance(deidentify, Deidentifier):
        return deidentify
    if isinstance(deidentify, (str, os.PathLike)):
        path = Path(deidentify)
        if not path.is_file():
            raise FileNotFoundError(f"names list for de-identification not found: {path}")
        return Deidentifier.from_file(path)
    raise ProjectError(f"deidentify= must be a Deidentifier or the path of a names list, got "
                       f"{type(deidentify).__name__}")


def deidentify_transcript(transcript, deidentify: Any, *, key_file: Path, gitignore: Path) -> tuple[Any, dict]:
    """De-identify ``transcript``; write its key; return the new transcript and the sidecar section."""
    deid = _deidentifier(deidentify)
    new, report = deid.apply(transcript)
    frame = report.to_frame()
    replacements = [{"category": str(r.category), "pseudonym": str(r.pseudonym), "rule": str(r.rule),
                     "start": int(r.new_start), "end": int(r.new_end)} for r in frame.itertuples(index=False)]
    used = {r["pseudonym"] for r in replacements}
    key = {p: o for p, o in deid.key.items() if p in used}
    _ensure_gitignored(gitignore)
    existing: dict = {}
    if key_file.is_file():
        existing = yaml.safe_load(key_file.read_text(encoding="utf-8")) or {}
    existing[transcript.id] = dict(sorted(key.items()))
    key_file.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(key_file, _KEY_HEADER + yaml.safe_dump(existing, allow_unicode=True, sort_keys=True))
    if os.name == "posix":
        os.chmod(key_file, 0o600)
    counts: dict[str, int] = {}
    for r in replacements:
        counts[r["category"]] = counts.get(r["category"], 0) + 1
    section = {"deidentification": {
        "key_file": "private/deid-key.yaml", "counts": dict(sorted(counts.items())),
        "text_sha256": new.sha256,  # the offsets below point into this version of the text
        "replacements": replacements,
        "note": "list- and pattern-based; names not in the list are not found: review the text before sharing"}}
    return new, section


def _ensure_gitignored(gitignore: Path) -> None:
    lines = gitignore.read_text(encoding="utf-8").splitlines() if gitignore.is_file() else []
    if not any(line.strip() in ("private/", "private", "/private/", "/private") for line in lines):
        atomic_write_text(gitignore, "\n".join([*lines, "private/"]) + "\n")
