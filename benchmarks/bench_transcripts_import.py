"""Transcript import: time per layout fixture, time + peak memory to refuse hostile Word files, and the time to
segment a 25,000-word transcript into turns, sentences and paragraphs.

Run: ``PYTHONPATH=. python benchmarks/bench_transcripts_import.py``. Prints measured figures only;
each hostile read runs in a fresh child process whose peak RSS is reported (ru_maxrss).
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

_CHILD = """
import json, resource, sys, time
t0 = time.process_time()
from hrp_coding.errors import HrpCodingError
from hrp_coding.transcripts import read_transcript
t1 = time.process_time()
try:
    read_transcript(sys.argv[1]); outcome = "read"
except HrpCodingError as err:
    outcome = str(err).splitlines()[-1].strip()[:90]
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"cpu_s": time.process_time() - t1, "peak_mb": peak, "outcome": outcome}))
"""

_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxml'
         b'formats.org/wordprocessingml/2006/main"><w:body>')


def _docx(path: Path, parts) -> Path:
    """A Word file (python-docx's template) whose word/document.xml body is ``parts``."""
    import io

    import docx

    template = io.BytesIO()
    docx.Document().save(template)
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info in source.infolist():
            if info.filename != "word/document.xml":
                z.writestr(info, source.read(info))
        with z.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(_HEAD)
            for part in parts:
                stream.write(part)
            stream.write(b"</w:body></w:document>")
    return path


def main() -> None:
    from hrp_coding.transcripts import read_transcript
    from tests.transcript_fixtures import build

    folder = Path(tempfile.mkdtemp())
    files = build(folder / "fixtures")
    print("layout fixtures (read_transcript, CPU ms, 20 reads each after a warm-up):")
    for name, path in files.items():
        read_transcript(path)
        t0 = time.process_time()
        for _ in range(20):
            t = read_transcript(path)
        ms = (time.process_time() - t0) / 20 * 1000
        print(f"  {name:28s} {t.layout.layout:20s} {len(t.turns):3d} turns  {ms:7.2f} ms")
    rng = random.Random(0)
    words = [f"w{i}".encode() for i in range(5000)]
    many = _docx(folder / "many.docx", [b"".join(b"<w:p><w:r><w:t>P01: " + rng.choice(words) + b"</w:t></w:r></w:p>"
                                                 for _ in range(10_000)) for _ in range(30)])
    bomb = _docx(folder / "bomb.docx", [b"<w:p><w:r><w:t>"] + [b" " * (1 << 20)] * 200 + [b"</w:t></w:r></w:p>"])
    ratio = _docx(folder / "ratio.docx", [b"<w:p><w:r><w:t>I: hi</w:t></w:r></w:p>" * 1_000_000])
    speakers = [b"Interviewer: ", b"P01: "]
    largest = _docx(folder / "largest-accepted.docx", [b"".join(
        b"<w:p><w:r><w:t>" + speakers[i % 2] + b" ".join(rng.choice(words) for _ in range(12)) + b"</w:t></w:r></w:p>"
        for i in range(9_000)) for _ in range(10)])
    print("hostile .docx, and the largest accepted (90,000 paragraphs), a child process each:")
    for path in (many, bomb, ratio, largest):
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True,
                              cwd=ROOT, timeout=600)
        if done.returncode != 0:
            print(f"  {path.name:11s} child failed: {done.stderr.strip().splitlines()[-1]}")
            continue
        result = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  {path.name:11s} {path.stat().st_size / 1024:8.0f} KB  {result['cpu_s']:6.2f} CPU s  "
              f"peak {result['peak_mb']:6.0f} MB  {result['outcome']}")
    _segmentation()


def _segmentation() -> None:
    from hrp_coding.nlp import blank_english
    from hrp_coding.transcripts import segment, transcript_from_text
    from tests.test_transcripts_segment import _turns_of_words

    turns = _turns_of_words(25_000)
    t = transcript_from_text("\n\n".join(turns), "P01")
    blank_english(sentencizer=True)  # spaCy loaded once, outside the timing
    print(f"segment() of a 25,000-word transcript ({len(turns)} turns), CPU s, best of 3:")
    for unit in ("turn", "sentence", "paragraph"):
        best = float("inf")
        for _ in range(3):
            t0 = time.process_time()
            frame = segment(t, unit)
            best = min(best, time.process_time() - t0)
        print(f"  {unit:9s} {len(frame):6d} segments  {best:6.3f} CPU s")


if __name__ == "__main__":
    main()
