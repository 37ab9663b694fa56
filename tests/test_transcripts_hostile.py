"""Hostile transcript files are refused within bounded time and memory (issue 15, point 6).

Each read runs in a child process under ``RLIMIT_AS`` (1 GiB) and ``RLIMIT_CPU`` (60 s): before
the bounds, an 852 KB .docx took 1.6 GB and one of 494 KB ran for over 300 s.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import zipfile

import pytest

resource = pytest.importorskip("resource")

_CHILD = textwrap.dedent("""
    import json, resource, sys
    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
    resource.setrlimit(resource.RLIMIT_CPU, (60, 60))
    from hrp_coding.errors import HrpCodingError
    from hrp_coding.transcripts import read_transcript
    try:
        t = read_transcript(sys.argv[1])
        print(json.dumps({"ok": len(t.turns)}))
    except HrpCodingError as err:
        print(json.dumps({"error": str(err)}))
""")

_HEAD = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>')
_TAIL = b"</w:body></w:document>"


def _run(path, tmp_path) -> dict:
    import os

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", _CHILD, str(path)], capture_output=True, text=True, timeout=120,
                          cwd=tmp_path, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def _docx(path, body_parts) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
                   'package/2006/content-types"/>')
        with z.open("word/document.xml", "w", force_zip64=True) as stream:
            stream.write(_HEAD)
            for part in body_parts:
                stream.write(part)
            stream.write(_TAIL)


def test_docx_with_too_many_paragraphs_is_refused(tmp_path):
    path = tmp_path / "many.docx"
    import random

    rng = random.Random(0)
    words = [f"w{i}".encode() for i in range(5000)]
    parts = [b"".join(b"<w:p><w:r><w:t>P01: " + rng.choice(words) + b" " + rng.choice(words) + b"</w:t></w:r></w:p>"
                      for _ in range(10_000)) for _ in range(30)]
    _docx(path, parts)  # 300,000 paragraphs (~15 MB of XML that compresses like real text)
    result = _run(path, tmp_path)
    assert "more than 100,000 paragraphs" in result["error"] and "many.docx" in result["error"]


def test_docx_zip_bomb_is_refused_from_its_size(tmp_path):
    path = tmp_path / "bomb.docx"
    _docx(path, [b"<w:p><w:r><w:t>" + b" " * (1 << 20) + b"</w:t></w:r></w:p>"] + [b" " * (1 << 20)] * 80)
    assert path.stat().st_size < 1 << 20  # under 1 MB on disk, 81 MiB decompressed
    result = _run(path, tmp_path)
    assert "decompresses to" in result["error"] and "bomb.docx" in result["error"]


def test_limits_are_checked_from_headers_and_while_streaming(tmp_path):
    from hrp_coding.errors import TranscriptError
    from hrp_coding.transcripts.readers.bounds import DOCX, ArchiveLimits, check_archive

    path = tmp_path / "small.docx"
    _docx(path, [b"<w:p><w:r><w:t>I: hi</w:t></w:r></w:p>" * 50])
    with pytest.raises(TranscriptError, match=r"decompresses to 2,0\d\d bytes \(limit 1,000\)"):
        check_archive(path, DOCX, ArchiveLimits(max_member_bytes=1_000, max_total_bytes=10**9))
    with pytest.raises(TranscriptError, match="more than 10 paragraphs"):
        check_archive(path, DOCX, ArchiveLimits(max_elements=10))


def test_a_normal_docx_reads_under_the_same_limits(tmp_path):
    from tests.transcript_fixtures import build

    files = build(tmp_path / "ok")
    assert _run(files["bold.docx"], tmp_path) == {"ok": 4}


def test_xlsx_bomb_is_refused(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z, \
            z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
        stream.write(b"<worksheet><sheetData>")
        for _ in range(300):
            stream.write(b"<row r='1'><c><v>1</v></c></row>" * 1_000)
        stream.write(b"</sheetData></worksheet>")
    result = _run(path, tmp_path)
    assert "bomb.xlsx" in result["error"] and ("zip bomb" in result["error"] or "more than 200,000 rows"
                                                 in result["error"])
