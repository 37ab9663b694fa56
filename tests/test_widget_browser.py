"""The coding widget in a real browser: JupyterLab on localhost, driven by headless Chromium via Playwright.

Each test opens its own notebook that shows a CodingWidget, acts as a coder would (mouse drags, palette clicks,
keys), and then reads the coder's journal on disk: every recorded span's ``text[start:end]`` must be exactly what
the coder saw selected. One test per defect of issue 10 (each failed before its fix), plus the first click test.

Needs Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it); no browser is downloaded.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from _lab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Lab,
    journal_events,
    recorded_quotes,
    restart_kernel,
    run_cell,
    select_by_mouse,
    show_widget,
    wait_for,
    widget_cell,
)

import hrp_coding as hc
from hrp_coding import datasets

pytestmark = pytest.mark.browser

# an emoji (two UTF-16 units, one code point) before every passage we code: the border conversion is tested
TEXT = ("Interviewer: How do you respond when a client comes in high? \U0001F642\n\n"
        "P01: I don't send them away. I just stayed with her, and we talked about what the morning had been like. "
        "Later I told her plainly what I can and cannot do if she is unsafe to drive.\n\n"
        "Interviewer: And the next week?\n\n"
        "P01: She came back. The door stays open, that is the whole point.\n")
TEXT2 = ("Interviewer: Tell me about the court.\n\n"
         "R02: The judge wants numbers. I keep the room about her, not about the report.\n")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    lab = Lab(tmp_path_factory.mktemp("lab")).start()
    try:
        yield lab
    finally:
        lab.stop()


@pytest.fixture(scope="module")
def browser(lab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser, lab):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        yield page
    finally:
        context.close()
        lab.shutdown_kernels()


def _study(lab: Lab, name: str, *, others: bool = False) -> Path:
    study = lab.root / name
    project = hc.Project.init(study, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(TEXT, transcript_id="P01")
    project.add_transcript(TEXT2, transcript_id="P02")
    if others:
        start = TEXT.index("stayed with her")
        project.add_coding("ben", "P01", start, start + len("stayed with her"), "holding")
    return study


OTHER_HIGHLIGHTS = """() => [...CSS.highlights.keys()].filter((name) => name.includes('-other-'))
                                 .reduce((n, name) => n + CSS.highlights.get(name).size, 0)"""


def _key(page, code: str) -> str:
    return page.locator(f'.hrp-widget .hrp-code[data-code="{code}"]').inner_text().split()[0]


def _status(page) -> str:
    return page.locator(".hrp-widget .hrp-status").inner_text()


def _wait_status(page, needle: str, timeout: float = 30) -> str:
    return wait_for(lambda: needle in _status(page) and _status(page), timeout, f"status to say {needle!r}")


def test_click_in_browser_reaches_the_journal(lab, page):
    study = _study(lab, "click")
    show_widget(page, lab.notebook("click", [widget_cell(study, "ana", "P01")]))
    select_by_mouse(page, "stayed with her")
    page.locator('.hrp-widget .hrp-code[data-code="staying_with"]').click()
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the journal to hold the coding")
    assert recorded_quotes(study, "ana") == ["stayed with her"]

    quote = "what I can and cannot do"
    select_by_mouse(page, quote)
    page.locator(".hrp-widget .hrp-text").press(_key(page, "signaling_the_limits"))
    wait_for(lambda: len(recorded_quotes(study, "ana")) == 2, 30, "the shortcut's coding")
    assert sorted(recorded_quotes(study, "ana")) == sorted(["stayed with her", quote])

    page.locator(".hrp-widget .hrp-coding").first.locator(".hrp-remove").click()
    wait_for(lambda: len(recorded_quotes(study, "ana")) == 1, 30, "the removal")
    assert recorded_quotes(study, "ana") == [quote]
    assert [e["event"] for e in journal_events(study, "ana")] == ["add", "add", "remove"]  # nothing is erased


def test_defect1_switching_transcript_redraws(lab, page):
    study = _study(lab, "switch")
    show_widget(page, lab.notebook("switch", [widget_cell(study, "ana", "P01"), "widget.transcript = 'P02'"]))
    run_cell(page, 1)
    page.locator('.hrp-widget .hrp-root[data-transcript="P02"]').wait_for(timeout=30_000)
    quote = "I keep the room about her"
    select_by_mouse(page, quote)
    page.locator(".hrp-widget .hrp-text").press(_key(page, "holding"))
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    assert recorded_quotes(study, "ana") == [quote]
    assert journal_events(study, "ana")[0]["transcript"] == "P02"
    # the journal is written before the view's progress is redrawn: wait for the redraw, do not race it
    wait_for(lambda: "P02 · 1/2 turns" in page.locator(".hrp-widget .hrp-switch").inner_text(), 30,
             "the switcher's progress")


def test_defect2_text_changed_on_disk_is_refused_and_resynced(lab, page):
    study = _study(lab, "stale")
    show_widget(page, lab.notebook("stale", [widget_cell(study, "ana", "P01")]))
    hc.Project.open(study).update_transcript("P01", "Interviewer: Note added later by another process.\n\n" + TEXT)
    quote = "The door stays open"
    select_by_mouse(page, quote)
    page.locator(".hrp-widget .hrp-text").press(_key(page, "staying_with"))
    _wait_status(page, "changed on disk")
    assert recorded_quotes(study, "ana") == []  # refused, nothing written
    wait_for(lambda: "Note added later" in page.locator(".hrp-widget .hrp-text").inner_text(), 30, "the re-sync")
    select_by_mouse(page, quote)  # after an emoji: UTF-16 units in the browser, code points on disk
    page.locator(".hrp-widget .hrp-text").press(_key(page, "staying_with"))
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    assert recorded_quotes(study, "ana") == [quote]


def test_defect3_only_the_visible_selection_is_coded(lab, page):
    study = _study(lab, "visible")
    show_widget(page, lab.notebook("visible", [widget_cell(study, "ana", "P01"), "1 + 1"]))
    button = page.locator('.hrp-widget .hrp-code[data-code="holding"]')
    # a selection made, then the coder clicks into another cell: it is gone, nothing may be coded
    select_by_mouse(page, "stayed with her")
    page.locator(".jp-Notebook .jp-Cell .cm-content").nth(1).click()
    button.click()
    _wait_status(page, "Select a passage")
    # a drag that ends outside the text box codes neither it nor the previous selection
    select_by_mouse(page, "what the morning had been like")
    box = page.evaluate("""() => { const r = document.querySelector('.hrp-widget .hrp-text').getBoundingClientRect();
                                   const t = document.querySelector('.hrp-widget .hrp-side').getBoundingClientRect();
                                   return [r.left + 60, r.top + 60, t.left + 30, t.top + 30]; }""")
    page.mouse.move(box[0], box[1])
    page.mouse.down()
    page.mouse.move(box[2], box[3], steps=6)
    page.mouse.up()
    button.click()
    _wait_status(page, "outside the transcript")
    page.wait_for_timeout(500)
    assert recorded_quotes(study, "ana") == []
    select_by_mouse(page, "The door stays open")
    button.click()
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    assert recorded_quotes(study, "ana") == ["The door stays open"]


def test_defect4_kernel_restart_shows_disconnected_and_refuses_input(lab, page):
    study = _study(lab, "restart")
    show_widget(page, lab.notebook("restart", [widget_cell(study, "ana", "P01")]))
    restart_kernel(page)
    page.locator(".hrp-widget .hrp-root.hrp-disconnected").wait_for(timeout=60_000)
    assert "disconnected" in page.locator(".hrp-widget .hrp-conn").inner_text()
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "holding"))
    _wait_status(page, "Disconnected")
    page.wait_for_timeout(1000)
    assert journal_events(study, "ana") == []


def test_defect5_enter_saves_memo_and_empty_clears_it(lab, page):
    study = _study(lab, "memo")
    show_widget(page, lab.notebook("memo", [widget_cell(study, "ana", "P01")]))
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "staying_with"))
    memo = page.locator(".hrp-widget .hrp-coding-mine .hrp-memo").first
    memo.wait_for(timeout=30_000)
    memo.click()
    memo.fill("stays through the morning")
    memo.press("Enter")
    wait_for(lambda: any(e["event"] == "memo" for e in journal_events(study, "ana")), 30, "the memo event")
    assert hc.Project.open(study).codings()["memo"].tolist() == ["stays through the morning"]
    memo = page.locator(".hrp-widget .hrp-coding-mine .hrp-memo").first
    wait_for(lambda: memo.input_value() == "stays through the morning", 30, "the memo shown")
    memo.fill("")
    memo.press("Enter")
    wait_for(lambda: sum(e["event"] == "memo" for e in journal_events(study, "ana")) == 2, 30, "the clearing")
    assert hc.Project.open(study).codings()["memo"].isna().all()
    assert recorded_quotes(study, "ana") == ["stayed with her"]


def test_defect6_the_widget_owns_the_keyboard(lab, page):
    study = _study(lab, "keys")
    show_widget(page, lab.notebook("keys", [widget_cell(study, "ana", "P01"), "1 + 1"]))
    page.locator(".hrp-widget .hrp-text").click()
    for key in ("m", "x", "j", "k", "j"):
        page.keyboard.press(key)
    page.wait_for_timeout(500)
    cells = page.locator(".jp-Notebook .jp-Cell")
    assert cells.count() == 2  # 'x' would have cut the cell
    assert "jp-CodeCell" in cells.first.get_attribute("class")  # 'm' would have made it Markdown
    assert "jp-mod-active" in cells.first.get_attribute("class")  # 'j' / 'k' would have moved away
    # j selected the second turn: a code key codes exactly it
    turn = TEXT.split("\n\n")[1].split(": ", 1)[1].strip()
    assert page.evaluate("() => window.getSelection().toString()") == turn
    page.keyboard.press(_key(page, "holding"))
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding of the current turn")
    assert recorded_quotes(study, "ana") == [turn]


def test_defect7_blind_hides_other_coders(lab, page):
    study = _study(lab, "blind", others=True)
    show_widget(page, lab.notebook("blind", [widget_cell(study, "ana", "P01"), "widget.blind = True"]))
    assert page.locator(".hrp-widget .hrp-stripe-other").count() == 1
    assert page.evaluate(OTHER_HIGHLIGHTS) == 1  # ben's dashed underline in the text
    run_cell(page, 1)
    wait_for(lambda: "blind coding" in page.locator(".hrp-widget .hrp-who").inner_text(), 30, "the blind banner")
    wait_for(lambda: page.locator(".hrp-widget .hrp-stripe-other").count() == 0, 30, "other coders hidden")
    assert page.evaluate(OTHER_HIGHLIGHTS) == 0
    assert "ben" not in page.locator(".hrp-widget .hrp-side").inner_text()


def test_defect8_duplicate_coding_is_refused(lab, page):
    study = _study(lab, "dup")
    show_widget(page, lab.notebook("dup", [widget_cell(study, "ana", "P01")]))
    select_by_mouse(page, "stayed with her")
    key = _key(page, "holding")
    page.locator(".hrp-widget .hrp-text").press(key)
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(key)
    _wait_status(page, "duplicate")
    assert recorded_quotes(study, "ana") == ["stayed with her"]
    assert [e["event"] for e in journal_events(study, "ana")] == ["add"]
