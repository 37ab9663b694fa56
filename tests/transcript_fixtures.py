"""Fixture builder: one fictional transcript per export layout, laid out as the real tools write them.

Written by us; every name is invented. Text layouts are byte strings (line endings and BOMs as the
tools write them); Word, Excel and PDF files are built with python-docx, openpyxl and a minimal PDF
writer. ``build(folder)`` writes them all; ``EXPECTED`` holds, per file, the layout, the speakers
in turn order, the turn start times and the header attributes the reader must find.
"""

from __future__ import annotations

from pathlib import Path

OTTER_TXT = (
    b"Speaker 1  0:03\n"
    b"Thanks for making the time. How did you start at the drop-in?\n"
    b"\n"
    b"Mara Quist  0:11\n"
    b"I was a volunteer first. [inaudible] Then they hired me.\n"
    b"\n"
    b"Speaker 1  0:25\n"
    b"What changed when they hired you?\n"
    b"\n"
    b"Mara Quist  0:31\n"
    b"Everything, honestly. The nights got longer.\n"
    b"\n"
    b"\n"
    b"\n"
    b"Transcribed by https://otter.ai\n"
)

REV_TXT = (
    b"Interviewer (00:00:05):\r\n"
    b"So tell me about the first night at the shelter?\r\n"
    b"\r\n"
    b"Respondent (00:00:12):\r\n"
    b"It was cold. [crosstalk 00:00:15] We had blankets, though.\r\n"
    b"\r\n"
    b"Interviewer (00:00:21):\r\n"
    b"Who brought them?\r\n"
    b"\r\n"
    b"Respondent (00:00:24):\r\n"
    b"Volunteers from the church on Elm.\r\n"
)

TEMI_TXT = (
    b"[00:00:02] Speaker 1: Okay, we're recording. How long have you worked here?\n"
    b"\n"
    b"[00:00:07] Speaker 2: About six years now.\n"
    b"\n"
    b"[00:00:10] Speaker 1: And before that?\n"
    b"\n"
    b"[00:00:12] Speaker 2: Retail. [laughs] Very different.\n"
)

TRINT_TXT = (
    "\ufeff[00:00:01] Ines Varga: What does a normal shift look like for you?\r\n"
    "[00:00:06] Tomas Bell: It starts with the van. We check the kits first.\r\n"
    "[00:00:14] Ines Varga: Every time?\r\n"
    "[00:00:16] Tomas Bell: Every single time.\r\n"
).encode()

DESCRIPT_TXT = (
    b"Interview 12 (fictional)\n"
    b"\n"
    b"[00:01:23] Ines Varga: So, the outreach van. When did that begin?\n"
    b"[00:01:29] Tomas Bell: In the winter of 2021.\n"
    b"It was just two of us.\n"
    b"[00:01:40] Ines Varga: Just two?\n"
    b"[00:01:42] Tomas Bell: Yes. [crosstalk] Later six.\n"
)

IR_TXT = (
    b"Title: Staff interview S04\n"
    b"Date: 14 March 2025\n"
    b"Duration: 00:41:17\n"
    b"Transcribed by: Jo Field\n"
    b"\n"
    b"I: Can you describe your role?\n"
    b"R: I coordinate the needle exchange.\n"
    b"I: Since when?\n"
    b"R: Since 2018. Before that I was on the phones.\n"
    b"I: What was that like?\n"
    b"R: Hard.\n"
)

INTERVIEWER_RESPONDENT_TXT = (
    b"Interviewer: Where were you staying then?\r\n"
    b"\r\n"
    b"Respondent: With my cousin, mostly.\r\n"
    b"Sometimes in the car.\r\n"
    b"\r\n"
    b"Interviewer: And now?\r\n"
    b"\r\n"
    b"Respondent: A flat. [inaudible 00:03:12] Since May.\r\n"
)

PLACEHOLDER_TXT = (
    b"Interviewer: Who got you into the program?\n"
    b"[PERSON_3]: My sister did. I told [PERSON_1]! [PERSON_1]'s friend came too.\n"
    b"Interviewer: Where was that?\n"
    b"[PERSON_3]: In [PLACE_2]. It was [PLACE_2]'s clinic. [ORG_1]. That one.\n"
)

ZOOM_VTT = (
    b"WEBVTT\n"
    b"\n"
    b"1\n"
    b"00:00:02.310 --> 00:00:05.120\n"
    b"Lena Ortiz: Thanks for joining. How did you come to the service?\n"
    b"\n"
    b"2\n"
    b"00:00:05.900 --> 00:00:09.480\n"
    b"Lena Ortiz: Take your time.\n"
    b"\n"
    b"3\n"
    b"00:00:10.020 --> 00:00:14.700\n"
    b"Sam Reyes: A friend brought me, back in 2019.\n"
    b"\n"
    b"4\n"
    b"00:00:15.000 --> 00:00:18.210\n"
    b"Sam Reyes: I didn't want to go.\n"
    b"\n"
    b"5\n"
    b"00:00:18.900 --> 00:00:21.000\n"
    b"Lena Ortiz: What made you stay?\n"
    b"\n"
    b"6\n"
    b"00:00:21.500 --> 00:00:25.000\n"
    b"Sam Reyes: The nurse. [inaudible] She remembered my name.\n"
)

TEAMS_VTT = (
    b"WEBVTT\r\n"
    b"\r\n"
    b"3f2a1c9e-1b7d-4c55-9f0e-8d2b6a7e4c10/12-0\r\n"
    b"00:00:01.200 --> 00:00:04.800\r\n"
    b"<v Lena Ortiz>Can everyone hear me? How was the week?</v>\r\n"
    b"\r\n"
    b"3f2a1c9e-1b7d-4c55-9f0e-8d2b6a7e4c10/13-0\r\n"
    b"00:00:05.100 --> 00:00:08.900\r\n"
    b"<v Sam Reyes>Busy. We ran out of kits on Tuesday.</v>\r\n"
    b"\r\n"
    b"3f2a1c9e-1b7d-4c55-9f0e-8d2b6a7e4c10/13-1\r\n"
    b"00:00:08.900 --> 00:00:11.300\r\n"
    b"<v Sam Reyes>Again.</v>\r\n"
    b"\r\n"
    b"3f2a1c9e-1b7d-4c55-9f0e-8d2b6a7e4c10/14-0\r\n"
    b"00:00:11.800 --> 00:00:13.000\r\n"
    b"<v Lena Ortiz>Why again?</v>\r\n"
)

BRACKETS_SRT = (
    b"1\r\n"
    b"00:00:01,000 --> 00:00:03,500\r\n"
    b"[Lena] How did the first visit go?\r\n"
    b"\r\n"
    b"2\r\n"
    b"00:00:04,000 --> 00:00:07,250\r\n"
    b"[Sam] [inaudible] It went fine.\r\n"
    b"\r\n"
    b"3\r\n"
    b"00:00:07,300 --> 00:00:09,000\r\n"
    b"They listened.\r\n"
    b"\r\n"
    b"4\r\n"
    b"00:00:09,500 --> 00:00:11,000\r\n"
    b"[Lena] Good?\r\n"
)

NAMES_SRT = (
    b"1\n"
    b"00:00:01,000 --> 00:00:02,000\n"
    b"LENA: Ready?\n"
    b"\n"
    b"2\n"
    b"00:00:02,500 --> 00:00:05,000\n"
    b"SAM: Ready. [crosstalk]\n"
    b"\n"
    b"3\n"
    b"00:00:05,500 --> 00:00:07,000\n"
    b"LENA: What brought you in?\n"
    b"\n"
    b"4\n"
    b"00:00:07,500 --> 00:00:10,000\n"
    b"SAM: The cold.\n"
)

_TABLE_ROWS = [("00:00:04", "Interviewer", "What does harm reduction mean to you?"),
               ("00:00:09", "Participant", "Meeting people where they are."),
               ("00:00:15", "Interviewer", "Can you give an example?"),
               ("00:00:18", "Participant", "Last week a man came in at closing.\nWe stayed open.")]

CSV_BOM = ("\ufeffspeaker,text,time\r\n" + "".join(f"{s},\"{t}\",{ts}\r\n" for ts, s, t in _TABLE_ROWS)).encode()
CSV_SEMICOLON = ("Speaker;Utterance\n" + "".join(f"{s};\"{t}\"\n" for _, s, t in _TABLE_ROWS)).encode("cp1252")

EXPECTED = {
    "otter.txt": ("otter", ["Speaker 1", "Mara Quist", "Speaker 1", "Mara Quist"], [3, 11, 25, 31],
                  {"transcribed_by": "https://otter.ai"}),
    "otter.docx": ("otter", ["Speaker 1", "Mara Quist", "Speaker 1", "Mara Quist"], [3, 11, 25, 31],
                   {"title": "Drop-in interview 7", "date": "Tue, 3/7 2:15PM", "duration": "42:10",
                    "keywords": "volunteer, nights, drop-in", "speakers_listed": "Mara Quist, Speaker 1",
                    "transcribed_by": "https://otter.ai"}),
    "rev.txt": ("rev", ["Interviewer", "Respondent", "Interviewer", "Respondent"], [5, 12, 21, 24], {}),
    "rev.docx": ("rev", ["Interviewer", "Respondent", "Interviewer", "Respondent"], [5, 12, 21, 24], {}),
    "temi.txt": ("timestamped-labels", ["Speaker 1", "Speaker 2", "Speaker 1", "Speaker 2"], [2, 7, 10, 12], {}),
    "trint.txt": ("timestamped-labels", ["Ines Varga", "Tomas Bell", "Ines Varga", "Tomas Bell"], [1, 6, 14, 16], {}),
    "descript.txt": ("timestamped-labels", ["Ines Varga", "Tomas Bell", "Ines Varga", "Tomas Bell"],
                     [83, 89, 100, 102], {"title": "Interview 12 (fictional)"}),
    "ir.txt": ("labels", ["I", "R", "I", "R", "I", "R"], [None] * 6,
               {"title": "Staff interview S04", "date": "14 March 2025", "duration": "00:41:17",
                "transcribed_by": "Jo Field"}),
    "interviewer-respondent.txt": ("labels", ["Interviewer", "Respondent", "Interviewer", "Respondent"], [None] * 4,
                                   {}),
    "placeholders.txt": ("labels", ["Interviewer", "[PERSON_3]", "Interviewer", "[PERSON_3]"], [None] * 4, {}),
    "zoom.vtt": ("vtt-names", ["Lena Ortiz", "Sam Reyes", "Lena Ortiz", "Sam Reyes"], [2.31, 10.02, 18.9, 21.5], {}),
    "teams.vtt": ("vtt-voice", ["Lena Ortiz", "Sam Reyes", "Lena Ortiz"], [1.2, 5.1, 11.8], {}),
    "brackets.srt": ("srt-brackets", ["Lena", "Sam", "Lena"], [1, 4, 9.5], {}),
    "names.srt": ("srt-names", ["LENA", "SAM", "LENA", "SAM"], [1, 2.5, 5.5, 7.5], {}),
    "bold.docx": ("bold", ["Interviewer", "Dana Lowe", "Interviewer", "Dana Lowe"], [None] * 4,
                  {"title": "Interview D2"}),
    "tab.docx": ("tab", ["Interviewer", "Dana Lowe", "Interviewer", "Dana Lowe"], [None] * 4, {}),
    "table2.docx": ("table", ["Interviewer", "Participant", "Interviewer", "Participant"], [None] * 4,
                    {"title": "Interview T2", "date": "2 May 2025"}),
    "table3.docx": ("table", ["Interviewer", "Participant", "Interviewer", "Participant"], [4, 9, 15, 18], {}),
    "table-bom.csv": ("utterance-table", ["Interviewer", "Participant", "Interviewer", "Participant"],
                      [4, 9, 15, 18], {}),
    "table-semicolon.csv": ("utterance-table", ["Interviewer", "Participant", "Interviewer", "Participant"],
                            [None] * 4, {}),
    "table.xlsx": ("utterance-table", ["Interviewer", "Participant", "Interviewer", "Participant"], [4, 9, 15, 18],
                   {}),
    "paged.pdf": ("labels", ["Interviewer", "P09", "Interviewer", "P09"], [None] * 4, {"pages": 2}),
}

#: The speaker each fixture's reader must take for the interviewer (by name, or by who asks the questions).
INTERVIEWER = {"otter.txt": "Speaker 1", "otter.docx": "Speaker 1", "zoom.vtt": "Lena Ortiz",
               "teams.vtt": "Lena Ortiz", "trint.txt": "Ines Varga", "brackets.srt": "Lena", "names.srt": "LENA"}


def _docx(path: Path, paragraphs) -> None:
    """``paragraphs``: strings, or (bold part, rest) pairs."""
    import docx

    document = docx.Document()
    for item in paragraphs:
        paragraph = document.add_paragraph()
        if isinstance(item, tuple):
            paragraph.add_run(item[0]).bold = True
            paragraph.add_run(item[1])
        else:
            paragraph.add_run(item)
    document.save(path)


def _docx_table(path: Path, before, header, rows) -> None:
    import docx

    document = docx.Document()
    for line in before:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=len(header))
    for values in [header, *rows]:
        cells = table.add_row().cells
        for cell, value in zip(cells, values):
            cell.text = value
    document.save(path)


def build(folder) -> dict[str, Path]:
    """Write every fixture into ``folder``; returns file name -> path."""
    from openpyxl import Workbook

    from hrp_coding.transcripts.readers.pdf import _tiny_pdf

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    raw = {"otter.txt": OTTER_TXT, "rev.txt": REV_TXT, "temi.txt": TEMI_TXT, "trint.txt": TRINT_TXT,
           "descript.txt": DESCRIPT_TXT, "ir.txt": IR_TXT, "interviewer-respondent.txt": INTERVIEWER_RESPONDENT_TXT,
           "placeholders.txt": PLACEHOLDER_TXT, "zoom.vtt": ZOOM_VTT, "teams.vtt": TEAMS_VTT,
           "brackets.srt": BRACKETS_SRT, "names.srt": NAMES_SRT, "table-bom.csv": CSV_BOM,
           "table-semicolon.csv": CSV_SEMICOLON}
    for name, data in raw.items():
        (folder / name).write_bytes(data)
    _docx(folder / "otter.docx", [
        "Drop-in interview 7", "Tue, 3/7 2:15PM \u2022 42:10", "SUMMARY KEYWORDS", "volunteer, nights, drop-in",
        "SPEAKERS", "Mara Quist, Speaker 1", "",
        "Speaker 1  00:03", "Thanks for making the time. How did you start at the drop-in?", "",
        "Mara Quist  00:11", "I was a volunteer first. [inaudible] Then they hired me.", "",
        "Speaker 1  00:25", "What changed when they hired you?", "",
        "Mara Quist  00:31", "Everything, honestly. The nights got longer.", "",
        "Transcribed by https://otter.ai"])
    _docx(folder / "rev.docx", [
        ("Interviewer (00:00:05):", ""), "So tell me about the first night at the shelter?", "",
        ("Respondent (00:00:12):", ""), "It was cold. [crosstalk 00:00:15] We had blankets, though.", "",
        ("Interviewer (00:00:21):", ""), "Who brought them?", "",
        ("Respondent (00:00:24):", ""), "Volunteers from the church on Elm."])
    _docx(folder / "bold.docx", [
        ("Interview D2", ""), "",
        ("Interviewer", "  How do you decide who gets a bed?"),
        ("Dana Lowe:", " Whoever is coldest. Honestly."), "We argue about it.",
        ("Interviewer", "  Is there a list?"),
        ("Dana Lowe:", " There is, but [inaudible] nobody reads it.")])
    _docx(folder / "tab.docx", [
        "Interviewer\tHow do you decide who gets a bed?",
        "Dana Lowe\tWhoever is coldest. Honestly.",
        "Interviewer\tIs there a list?",
        "Dana Lowe\tThere is, but [inaudible] nobody reads it."])
    _docx_table(folder / "table2.docx", ["Interview T2", "Date: 2 May 2025"], ("Speaker", "Text"),
                [(s, t) for _, s, t in _TABLE_ROWS])
    _docx_table(folder / "table3.docx", [], ("Timestamp", "Speaker", "Text"), _TABLE_ROWS)
    book = Workbook()
    sheet = book.active
    sheet.append(["Time", "Speaker", "Text"])
    for row in _TABLE_ROWS:
        sheet.append(list(row))
    book.save(folder / "table.xlsx")
    (folder / "paged.pdf").write_bytes(_tiny_pdf([
        ["Interviewer: What happened at the clinic?", "P09: They turned me away.", "Page 1 of 2"],
        ["Interviewer: And then?", "P09: I came back the next day.", "Page 2 of 2"]]))
    return {p.name: p for p in sorted(folder.iterdir())}
