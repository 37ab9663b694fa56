"""A .qdpx is untrusted: zip slip, zip bombs, symlinks and XML entities are refused with a clear error, and
nothing is ever written outside the target folder."""

from __future__ import annotations

import stat
import struct
import zipfile
from pathlib import Path

import pytest

from hrp_coding.errors import RefiError
from hrp_coding.interop import refi
from hrp_coding.interop.safe_zip import SafeZip, ZipLimits, check_member_name

MINIMAL_QDE = """<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Tiny">
  <Users><User guid="10000000-0000-0000-0000-000000000001" name="ana"/></Users>
  <CodeBook><Codes>
    <Code guid="20000000-0000-0000-0000-000000000001" name="Holding" isCodable="true"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="40000000-0000-0000-0000-000000000001" name="P01"
                plainTextPath="internal://40000000-0000-0000-0000-000000000001.txt"/>
  </Sources>
</Project>
"""


def _zip(path: Path, members: list[tuple[zipfile.ZipInfo | str, bytes | str]]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members:
            archive.writestr(name, data)
    return path


def _valid_members():
    return [("project.qde", MINIMAL_QDE), ("sources/40000000-0000-0000-0000-000000000001.txt", "P01: We sat.\n")]


def _listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def sandbox(tmp_path):
    """tmp_path/outside is the folder around the target; the archive lives elsewhere."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("untouched")
    archives = tmp_path / "archives"
    archives.mkdir()
    return outside, archives


def _assert_refused(archive: Path, outside: Path, *, match: str) -> RefiError:
    before = _listing(outside)
    study = outside / "study"
    with pytest.raises(RefiError, match=match) as info:
        refi.import_qdpx(archive, study)
    assert _listing(outside) == before, "the import wrote something"
    assert not study.exists()
    target = outside / "target"
    with pytest.raises(RefiError, match=match):
        SafeZip(archive).extract_all(target)
    assert _listing(outside) == before, "extraction wrote something"
    return info.value


def test_valid_archive_extracts_inside_target_only(sandbox):
    outside, archives = sandbox
    archive = _zip(archives / "ok.qdpx", _valid_members())
    written = SafeZip(archive).extract_all(outside / "target")
    assert sorted(p.relative_to(outside / "target").as_posix() for p in written) == [
        "project.qde", "sources/40000000-0000-0000-0000-000000000001.txt"]
    assert _listing(outside) == sorted(["keep.txt", "target", "target/project.qde", "target/sources",
                                        "target/sources/40000000-0000-0000-0000-000000000001.txt"])
    project = refi.import_qdpx(archive, outside / "study")
    assert project.transcript("P01").text == "P01: We sat.\n"


@pytest.mark.parametrize("name, reason", [
    ("../evil.txt", "contains '..'"),
    ("sources/../../evil.txt", "contains '..'"),
    ("..\\evil.txt", "contains '..'"),
    ("/tmp/hrp_coding_evil.txt", "absolute path"),
    ("C:/evil.txt", "drive letter 'C:'"),
])
def test_zip_slip_is_refused_naming_the_member(sandbox, name, reason):
    outside, archives = sandbox
    archive = _zip(archives / "slip.qdpx", [*_valid_members(), (name, "gotcha")])
    err = _assert_refused(archive, outside, match="zip slip|absolute path|drive letter")
    assert [p.path for p in err.problems] == [name]
    assert reason in err.problems[0].message
    assert str(archive) in str(err)
    assert not Path("/tmp/hrp_coding_evil.txt").exists()
    assert not (outside.parent / "evil.txt").exists()


def test_symlink_member_is_refused(sandbox):
    outside, archives = sandbox
    link = zipfile.ZipInfo("sources/link.txt")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip(archives / "link.qdpx", [*_valid_members(), (link, "/etc/passwd")])
    err = _assert_refused(archive, outside, match="symbolic link")
    assert err.problems[0].path == "sources/link.txt"


def test_zip_bomb_by_ratio_is_refused_from_the_headers(sandbox):
    outside, archives = sandbox
    archive = _zip(archives / "bomb.qdpx", [*_valid_members(), ("sources/zeros.txt", b"\0" * (8 << 20))])
    assert zipfile.ZipFile(archive).getinfo("sources/zeros.txt").compress_size < (8 << 20) / 200
    err = _assert_refused(archive, outside, match="compression ratio")
    assert err.problems[0].path == "sources/zeros.txt"
    assert "max_ratio=200" in err.problems[0].message


def test_zip_bomb_by_total_size_is_refused(sandbox):
    outside, archives = sandbox
    archive = _zip(archives / "big.qdpx", [*_valid_members(), ("sources/a.txt", "a" * 6000),
                                            ("sources/b.txt", "b" * 6000)])
    before = _listing(outside)
    with pytest.raises(RefiError, match=r"expands to \d+ bytes, more than the limit max_bytes=10000"):
        refi.import_qdpx(archive, outside / "study", max_bytes=10_000)
    with pytest.raises(RefiError, match="max_bytes=10000"):
        SafeZip(archive, ZipLimits(max_bytes=10_000)).extract_all(outside / "target")
    assert _listing(outside) == before
    # the same archive is fine under the default limits
    assert refi.import_qdpx(archive, outside / "study").transcript_ids == ("P01",)


def _forge_sizes(path: Path, member: str, declared: int) -> None:
    """Rewrite the uncompressed size of ``member`` in its local and central headers (a lying archive)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    pos = data.find(b"PK\x03\x04")
    while pos != -1:
        n = struct.unpack_from("<H", data, pos + 26)[0]
        if bytes(data[pos + 30:pos + 30 + n]) == name:
            struct.pack_into("<I", data, pos + 22, declared)
        pos = data.find(b"PK\x03\x04", pos + 4)
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        n = struct.unpack_from("<H", data, pos + 28)[0]
        if bytes(data[pos + 46:pos + 46 + n]) == name:
            struct.pack_into("<I", data, pos + 24, declared)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def test_lying_headers_are_caught_while_streaming(sandbox):
    outside, archives = sandbox
    archive = _zip(archives / "liar.qdpx", [*_valid_members(), ("sources/zeros.txt", b"\0" * (4 << 20))])
    _forge_sizes(archive, "sources/zeros.txt", 1000)  # the headers now claim a harmless 1000-byte file
    assert zipfile.ZipFile(archive).getinfo("sources/zeros.txt").file_size == 1000
    before = _listing(outside)
    # the header check passes, the bytes themselves do not
    with SafeZip(archive) as opened, pytest.raises(RefiError, match=r"sources/zeros\.txt") as info:
        opened.read("sources/zeros.txt")
    assert "corrupt" in str(info.value) or "forged" in str(info.value)
    with pytest.raises(RefiError, match=r"sources/zeros\.txt"):
        SafeZip(archive).extract_all(outside / "target")
    assert _listing(outside) == before


def test_streaming_total_limit(sandbox):
    _outside, archives = sandbox
    archive = _zip(archives / "two.qdpx", [("a.txt", "a" * 3000), ("b.txt", "b" * 3000)])
    with SafeZip(archive, ZipLimits(max_bytes=6000)) as opened:
        assert opened.read("a.txt") == b"a" * 3000
        opened._read_total = 4000  # as if earlier reads had already used most of the budget
        with pytest.raises(RefiError, match=r"b\.txt: reading stopped: more than max_bytes=6000"):
            opened.read("b.txt")


BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE Project [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<Project xmlns="urn:QDA-XML:project:1.0" name="&lol4;"/>
"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Project xmlns="urn:QDA-XML:project:1.0" name="x"><Description>&secret;</Description></Project>
"""


@pytest.mark.parametrize("xml, kind", [(BILLION_LAUGHS, "EntitiesForbidden"), (EXTERNAL_ENTITY, "EntitiesForbidden")])
def test_xml_entities_are_refused(sandbox, xml, kind):
    outside, archives = sandbox
    archive = _zip(archives / "entities.qdpx", [("project.qde", xml)])
    before = _listing(outside)
    with pytest.raises(RefiError, match="refused potentially hostile XML") as info:
        refi.import_qdpx(archive, outside / "study")
    assert kind in str(info.value)
    assert "project.qde" in str(info.value)
    assert _listing(outside) == before


def test_external_dtd_is_not_fetched(sandbox):
    outside, archives = sandbox
    xml = MINIMAL_QDE.replace('<Project ', '<!DOCTYPE Project SYSTEM "http://198.51.100.1/evil.dtd">\n<Project ', 1)
    archive = _zip(archives / "dtd.qdpx", [("project.qde", xml), *_valid_members()[1:]])
    project = refi.import_qdpx(archive, outside / "study")  # offline: the DTD is never loaded
    assert project.transcript_ids == ("P01",)


def test_not_a_zip_and_encrypted_member(sandbox):
    outside, archives = sandbox
    plain = archives / "plain.qdpx"
    plain.write_text("<Project/>")
    with pytest.raises(RefiError, match="not a zip archive"):
        refi.import_qdpx(plain, outside / "study")
    archive = _zip(archives / "enc.qdpx", _valid_members())
    data = bytearray(archive.read_bytes())
    pos = data.find(b"PK\x01\x02")
    struct.pack_into("<H", data, pos + 8, struct.unpack_from("<H", data, pos + 8)[0] | 1)
    archive.write_bytes(bytes(data))
    with pytest.raises(RefiError, match="encrypted member"):
        SafeZip(archive)


def test_member_name_rules():
    assert check_member_name("sources/a.txt") is None
    assert check_member_name("a\x00b") == "contains a NUL byte"
    assert check_member_name("\\\\server\\share\\x") == "absolute path"
    assert check_member_name("d:evil") == "drive letter 'd:'"
    assert check_member_name("./sources/a.txt") is None


def test_resolving_outside_through_an_existing_link(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (target / "sources").symlink_to(tmp_path / "elsewhere")
    assert "resolves outside the target folder" in check_member_name("sources/a.txt", target)
    archive = _zip(tmp_path / "a.zip", [("sources/a.txt", "x")])
    with pytest.raises(RefiError, match="resolves outside"):
        SafeZip(archive).extract_all(target)
    assert list((tmp_path / "elsewhere").iterdir()) == []


def test_limits_are_validated():
    with pytest.raises(RefiError, match="max_ratio: must be a number >= 1"):
        ZipLimits(max_ratio=0.5)
    with pytest.raises(RefiError, match="max_bytes"):
        ZipLimits(max_bytes=-1)
