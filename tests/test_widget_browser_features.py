"""The coding screen's features in a real browser (JupyterLab + Debian Chromium via Playwright): undo/redo, the
transcript switcher, search, jump-to from the codings list, the adjudication view, legibility in the light
and dark themes (a screenshot, measured by the contrast of palette text against its background), a memo typed
on through its coding's redraw, and a long transcript whose list rows, stripes and highlights are built only
near view.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd
import pytest
from _lab import (
    CHROMIUM,
    CHROMIUM_ARGS,
    Lab,
    journal_events,
    recorded_quotes,
    run_cell,
    select_by_mouse,
    show_widget,
    wait_for,
    widget_cell,
)

import hrp_coding as hc
from hrp_coding import datasets

pytestmark = pytest.mark.browser

TEXT = ("Interviewer: How do you respond when a client comes in high? \U0001F642\n\n"
        "P01: I don't send them away. I just stayed with her, and we talked about what the morning had been like.\n\n"
        "Interviewer: And the next week?\n\n"
        "P01: She came back. The door stays open, that is the whole point. The door stays open for her.\n")
TEXT2 = "Interviewer: Tell me about the court.\n\nR02: The judge wants numbers.\n"


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


def _study(lab: Lab, name: str) -> Path:
    study = lab.root / name
    project = hc.Project.init(study, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(TEXT, transcript_id="P01")
    project.add_transcript(TEXT2, transcript_id="P02")
    return study


def _key(page, code: str) -> str:
    return page.locator(f'.hrp-widget .hrp-code[data-code="{code}"]').inner_text().split()[0]


def _selected(page) -> str:
    return page.evaluate("() => window.getSelection().toString()")


def test_undo_and_redo_from_keyboard_and_buttons(lab, page):
    study = _study(lab, "undo")
    show_widget(page, lab.notebook("undo", [widget_cell(study, "ana", "P01")]))
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "holding"))
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    page.locator(".hrp-widget .hrp-text").press("Control+z")
    wait_for(lambda: recorded_quotes(study, "ana") == [], 30, "the undo")
    page.locator(".hrp-widget .hrp-redo").click()
    wait_for(lambda: recorded_quotes(study, "ana") == ["stayed with her"], 30, "the redo")
    page.locator(".hrp-widget .hrp-coding-mine .hrp-remove").first.click()  # no confirmation: undo is there
    wait_for(lambda: recorded_quotes(study, "ana") == [], 30, "the removal")
    page.locator(".hrp-widget .hrp-undo").click()
    wait_for(lambda: recorded_quotes(study, "ana") == ["stayed with her"], 30, "the undone removal")
    assert [e["event"] for e in journal_events(study, "ana")] == ["add", "remove", "add", "remove", "add"]


def test_switcher_shows_progress_and_switches(lab, page):
    study = _study(lab, "switcher")
    show_widget(page, lab.notebook("switcher", [widget_cell(study, "ana", "P01")]))
    switcher = page.locator(".hrp-widget .hrp-switch")
    assert switcher.locator("option").all_inner_texts() == ["P01 · 0/4 turns", "P02 · 0/2 turns"]
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "holding"))
    wait_for(lambda: "P01 · 1/4 turns" in switcher.inner_text(), 30, "the progress")
    switcher.select_option("P02")
    page.locator('.hrp-widget .hrp-root[data-transcript="P02"]').wait_for(timeout=30_000)
    select_by_mouse(page, "The judge wants numbers")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "signaling_the_limits"))
    wait_for(lambda: len(recorded_quotes(study, "ana")) == 2, 30, "the coding on P02")
    assert recorded_quotes(study, "ana") == ["stayed with her", "The judge wants numbers"]


def test_search_selects_matches_and_a_key_codes_the_match(lab, page):
    study = _study(lab, "search")
    show_widget(page, lab.notebook("search", [widget_cell(study, "ana", "P01")]))
    search = page.locator(".hrp-widget .hrp-search")
    search.fill("the door stays open")
    search.press("Enter")
    assert page.locator(".hrp-widget .hrp-found").inner_text() == "1/2"
    assert _selected(page) == "The door stays open"
    page.keyboard.press("n")
    assert page.locator(".hrp-widget .hrp-found").inner_text() == "2/2"
    page.keyboard.press(_key(page, "making_room"))
    wait_for(lambda: recorded_quotes(study, "ana"), 30, "the coding")
    second = TEXT.index("The door stays open", TEXT.index("The door stays open") + 1)
    event = journal_events(study, "ana")[0]
    assert (event["start"], event["end"]) == (second, second + len("The door stays open"))


def test_codings_list_filters_and_jumps(lab, page):
    study = _study(lab, "jump")
    project = hc.Project.open(study)
    start = TEXT.index("The door stays open")
    project.add_coding("ben", "P01", start, start + 19, "making_room")
    start = TEXT.index("stayed with her")
    project.add_coding("ana", "P01", start, start + 15, "holding")
    show_widget(page, lab.notebook("jump", [widget_cell(study, "ana", "P01")]))
    rows = page.locator(".hrp-widget .hrp-coding:visible")
    assert rows.count() == 2
    page.locator(".hrp-widget .hrp-filter-coder").select_option("ben")
    assert rows.count() == 1 and "ben" in rows.first.inner_text()
    rows.first.locator(".hrp-jump").click()
    assert _selected(page) == "The door stays open"
    page.locator(".hrp-widget .hrp-filter-coder").select_option("")
    page.locator(".hrp-widget .hrp-filter-code").select_option("holding")
    assert rows.count() == 1
    page.locator('.hrp-widget .hrp-stripe[data-code="making_room"]').click()  # a margin stripe jumps too
    assert _selected(page) == "The door stays open"


def test_adjudication_view_records_consensus_with_who_and_why(lab, page):
    study = _study(lab, "adjudicate")
    project = hc.Project.open(study)
    start = TEXT.index("stayed with her")
    project.add_coding("ana", "P01", start, start + 15, "holding")
    project.add_coding("ben", "P01", start, start + 15, "staying_with")
    cell = ("import hrp_coding as hc\nfrom hrp_coding.notebook import AdjudicationWidget\n"
            f"AdjudicationWidget(hc.Project.open({str(study)!r}), 'P01', coders=('ana', 'ben'), who='lead')")
    from _lab import open_notebook

    open_notebook(page, lab.notebook("adjudicate", [cell]))
    run_cell(page, 0)
    row = page.locator(".hrp-widget .hrp-adj-row.hrp-disagree")
    row.first.wait_for(timeout=120_000)
    assert row.count() == 1 and "Holding" in row.first.inner_text() and "Staying with" in row.first.inner_text()
    row.first.locator('input[value="staying_with"]').check()
    row.first.locator(".hrp-adj-why-input").fill("continuity over the morning, not containment")
    row.first.locator(".hrp-adj-record").click()
    wait_for(lambda: len(hc.Project.open(study).adjudications()) == 1, 30, "the decision")
    decision = hc.Project.open(study).adjudications().iloc[0]
    assert (decision["codes"], decision["who"], decision["why"]) == (
        "staying_with", "lead", "continuity over the morning, not containment")
    consensus = hc.Project.open(study).codings(coders="consensus")
    turn = hc.Project.open(study).transcript("P01").turns[1]
    assert consensus[["code", "start", "end"]].values.tolist() == [["staying_with", turn.start, turn.end]]


def _contrast(png: bytes) -> float:
    """WCAG contrast between an element's most common colour (its background) and its most distant pixel."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3)
    colors, counts = np.unique(pixels, axis=0, return_counts=True)
    c = colors / 255.0
    lin = np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    lum = lin @ np.array([0.2126, 0.7152, 0.0722])
    bg = lum[np.argmax(counts)]
    ratios = (np.maximum(lum, bg) + 0.05) / (np.minimum(lum, bg) + 0.05)
    return float(ratios[counts >= 3].max())  # ignore single anti-aliasing pixels


@pytest.mark.parametrize("theme", ["JupyterLab Light", "JupyterLab Dark"])
def test_palette_list_and_stripes_are_legible_in_light_and_dark_theme(lab, page, theme):
    study = _study(lab, f"theme{theme.split()[-1]}")
    start = TEXT.index("I don't send them away")
    hc.Project.open(study).add_coding("ana", "P01", start, TEXT.index("\n\nInterviewer: And"), "holding")
    hc.Project.open(study).add_coding("ben", "P01", start, TEXT.index("\n\nInterviewer: And"), "making_room")
    show_widget(page, lab.notebook(f"theme{theme.split()[-1]}", [widget_cell(study, "ana", "P01")]))
    page.evaluate("(theme) => window.jupyterapp.commands.execute('apputils:change-theme', {theme})", theme)
    try:
        wait_for(lambda: page.evaluate("() => document.body.dataset.jpThemeName") == theme, 30, "the theme")
        page.wait_for_timeout(1000)
        measured = {
            "palette button": _contrast(page.locator('.hrp-widget .hrp-code[data-code="holding"]').screenshot()),
            "codings list": _contrast(page.locator(".hrp-widget .hrp-coding .hrp-jump").first.screenshot()),
            "transcript text": _contrast(page.locator(".hrp-widget .hrp-text").screenshot()),
            "my stripe label": _contrast(page.locator(".hrp-widget .hrp-stripe-mine").first.screenshot()),
            "other stripe label": _contrast(page.locator(".hrp-widget .hrp-stripe-other").first.screenshot()),
        }
        assert all(ratio >= 4.5 for ratio in measured.values()), measured
    finally:
        page.evaluate("() => window.jupyterapp.commands.execute('apputils:change-theme', {theme: 'JupyterLab Light'})")


def test_long_transcript_builds_rows_and_stripes_near_view_and_still_filters_jumps_and_codes(lab, page):
    turns = [f"{('Interviewer', 'P01')[i % 2]}: turn {i:03d} is about the room and the door." for i in range(400)]
    text = "\n\n".join(turns) + "\n"
    study = lab.root / "long"
    project = hc.Project.init(study, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(text, transcript_id="P01")
    spans = [(text.index(f"turn {i:03d}"), text.index(f"turn {i:03d}") + 8) for i in range(400)]
    project.import_codings(pd.DataFrame([{"transcript": "P01", "coder": "ben", "code": "holding", "start": s,
                                          "end": e} for s, e in spans[:398]]
                                        + [{"transcript": "P01", "coder": "ana", "code": "making_room",
                                            "start": spans[398][0], "end": spans[398][1]}]))
    show_widget(page, lab.notebook("long", [widget_cell(study, "ana", "P01")]))
    rows = page.locator(".hrp-widget .hrp-coding")
    assert page.locator(".hrp-widget .hrp-list h4").inner_text() == "Codings (399)"
    assert 0 < rows.count() < 399  # only the rows near view are built
    assert 0 < page.locator(".hrp-widget .hrp-stripe").count() < 399
    assert page.locator(".hrp-widget .hrp-stripe-mine").count() == 0  # ana's coding is at the end, out of view

    page.locator(".hrp-widget .hrp-filter-coder").select_option("ana")  # a filter reaches rows never built
    assert rows.count() == 1 and "turn 398" in rows.first.inner_text()
    rows.first.locator(".hrp-jump").click()
    assert _selected(page) == "turn 398"
    wait_for(lambda: page.locator(".hrp-widget .hrp-stripe-mine").count() == 1, 30, "the stripe once in view")

    page.locator(".hrp-widget .hrp-filter-coder").select_option("")
    for _ in range(40):  # scrolling the list down builds the rest
        if rows.count() == 399:
            break
        page.evaluate("() => { const side = document.querySelector('.hrp-widget .hrp-side'); "
                      "side.scrollTop = side.scrollHeight; }")
        page.wait_for_timeout(200)
    assert rows.count() == 399
    shown = [re.search(r"turn \d{3}", row).group() for row in rows.locator(".hrp-jump").all_inner_texts()]
    assert shown == [f"turn {i:03d}" for i in range(399)]  # in text order

    select_by_mouse(page, "turn 399")  # a new coding lands in its place in the list, its stripe in the margin
    page.locator(".hrp-widget .hrp-text").press(_key(page, "holding"))
    wait_for(lambda: rows.count() == 400, 30, "the new row")
    assert recorded_quotes(study, "ana") == ["turn 398", "turn 399"]
    assert "turn 399" in rows.last.inner_text()
    assert page.locator(".hrp-widget .hrp-stripe-mine").count() == 2


def test_typing_in_a_memo_survives_the_redraw_of_its_coding(lab, page):
    study = _study(lab, "typing")
    show_widget(page, lab.notebook("typing", [widget_cell(study, "ana", "P01")]))
    select_by_mouse(page, "stayed with her")
    page.locator(".hrp-widget .hrp-text").press(_key(page, "staying_with"))
    memo = page.locator(".hrp-widget .hrp-coding-mine .hrp-memo").first
    memo.wait_for(timeout=30_000)
    memo.click()
    page.keyboard.type("abc")
    rev = lambda: page.evaluate("() => document.querySelector('.hrp-widget .hrp-root').dataset.rev")  # noqa: E731
    before = rev()
    page.keyboard.press("Enter")  # saves "abc"; the coder types on while the kernel's redraw is under way
    page.keyboard.type("def")
    wait_for(lambda: rev() != before, 30, "the redraw of the coding")
    page.keyboard.type("g")  # the focus stayed in the memo
    assert [e["text"] for e in journal_events(study, "ana") if e["event"] == "memo"] == ["abc"]
    assert page.locator(".hrp-widget .hrp-coding-mine .hrp-memo").first.input_value() == "abcdefg"


PHRASE = "the door stays open and we talk about what the morning was like when she came in"
STRIPE_Y_JS = """(quote) => {  // [top of the stripe of my coding, top of its first character] in the text box's frame
    const box = document.querySelector('.hrp-widget .hrp-text');
    const at = box.textContent.indexOf(quote);
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    let seen = 0, node;
    while ((node = walker.nextNode()) && at >= seen + node.length) seen += node.length;
    const range = document.createRange();
    range.setStart(node, at - seen); range.setEnd(node, at - seen + 1);
    const top0 = box.getBoundingClientRect().top;
    const stripe = document.querySelector('.hrp-widget .hrp-stripe-mine');
    return [stripe.getBoundingClientRect().top - top0, range.getBoundingClientRect().top - top0];
}"""


def test_stripes_stay_beside_their_passage_when_many_layers_widen_the_margin(lab, page):
    # 12 overlapping codings open 12 lanes: the margin widens, the text re-wraps narrower; a stripe measured
    # before that would sit lines above its passage at the end of a long transcript
    words = PHRASE.split(" ")
    turns = [f"{('Interviewer', 'P01')[i % 2]}: " + " ".join(words[(i + k) % len(words)] for k in range(70))
             for i in range(60)]
    text = "\n\n".join(turns) + "\n\nP01: the last words here.\n"
    study = lab.root / "lanes"
    project = hc.Project.init(study, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(text, transcript_id="P01")
    codes = list(project.codebook.codes)[:3]
    rows = [{"transcript": "P01", "coder": coder, "code": code, "start": 13, "end": 200}
            for coder in ("ben", "caro", "dana", "eve") for code in codes]
    start = text.index("the last words")
    rows.append({"transcript": "P01", "coder": "ana", "code": codes[0], "start": start, "end": start + 14})
    project.import_codings(pd.DataFrame(rows))
    show_widget(page, lab.notebook("lanes", [widget_cell(study, "ana", "P01")]))
    assert page.evaluate("() => parseFloat(document.querySelector('.hrp-widget .hrp-margin').style.width)") > 150
    page.locator(".hrp-widget .hrp-coding-mine .hrp-jump").wait_for(state="attached", timeout=30_000)
    page.evaluate("() => { const s = document.querySelector('.hrp-widget .hrp-scroll'); "
                  "s.scrollTop = s.scrollHeight; }")
    wait_for(lambda: page.locator(".hrp-widget .hrp-stripe-mine").count() == 1, 30, "my stripe in view")
    stripe_top, text_top = page.evaluate(STRIPE_Y_JS, "the last words")
    assert abs(stripe_top - text_top) < 3, (stripe_top, text_top)


def test_recode_queue_in_the_widget_recodes_a_split_coding_and_undo_puts_it_back(lab, page):
    from hrp_coding.codebook import Code

    study = _study(lab, "recode")
    project = hc.Project.open(study)
    start = TEXT.index("stayed with her")
    flagged = project.add_coding("ana", "P01", start, start + 15, "holding").id
    project.update_codebook(project.codebook.split("holding", [Code("holding_close", "Holding close"),
                                                               Code("holding_open", "Holding open")],
                                                   who="lead", why="two kinds"))
    show_widget(page, lab.notebook("recode", [widget_cell(study, "ana", "P01")]))
    row = page.locator(f'.hrp-widget .hrp-recode[data-id="{flagged}"]')
    assert "holding" in row.inner_text() and "stayed with her" in row.inner_text()
    row.locator(".hrp-jump").click()  # jump to the passage
    assert _selected(page) == "stayed with her"
    row.locator('.hrp-recode-to[data-code="holding_open"]').click()
    wait_for(lambda: page.locator(".hrp-widget .hrp-recode").count() == 0, 30, "the recoded passage leaving the queue")

    def on_disk():
        return [(e["event"], e.get("to_code"), e.get("needs_recoding")) for e in journal_events(study, "ana")
                if e["event"] == "migrate"]

    assert on_disk()[-1] == ("migrate", "holding_open", False)
    assert recorded_quotes(study, "ana") == ["stayed with her"]
    assert hc.Project.open(study).codings(coders="ana")["code"].tolist() == ["holding_open"]
    page.locator(".hrp-widget .hrp-text").press("Control+z")  # undo: back in the queue, old code and candidates
    wait_for(lambda: page.locator(".hrp-widget .hrp-recode").count() == 1, 30, "the undone recoding")
    assert on_disk()[-1] == ("migrate", "holding", True)
    assert hc.Project.open(study).codings(coders="ana")["needs_recoding"].tolist() == [True]


MARKED_JS = """(suffix) => {  // the text under each range of the view's CSS highlight named ...<suffix>
    for (const [name, h] of CSS.highlights) {
        if (!name.endsWith(suffix)) continue;
        return [...h].map((r) => { const x = document.createRange(); x.setStart(r.startContainer, r.startOffset);
                                   x.setEnd(r.endContainer, r.endOffset); return x.toString(); });
    }
    return null;
}"""


def test_a_suggested_passage_is_marked_not_its_turn_and_its_rejection_is_remembered(lab, page):
    study = _study(lab, "spans")
    turn = TEXT.index("I don't send"), TEXT.index("been like.") + 10
    passage = TEXT.index("I just stayed"), TEXT.index("with her,") + 8
    row = {"transcript": "P01", "code": "staying_with", "start": passage[0], "end": passage[1], "confidence": 0.8,
           "turn_start": turn[0], "turn_end": turn[1], "model": "m1", "reliability": "not reliable yet",
           "highlights": [(TEXT.index("stayed"), TEXT.index("stayed") + 6)]}
    pd.to_pickle(pd.DataFrame([row, {**row, "start": passage[0], "end": turn[1]}]), study / "suggestions.pkl")
    extra = f", suggestions=__import__('pandas').read_pickle({str(study / 'suggestions.pkl')!r}).iloc[:1]"
    show_widget(page, lab.notebook("spans", [widget_cell(study, "ana", "P01", extra)]))
    assert page.evaluate(MARKED_JS, "-suggested") == ["I just stayed with her"]  # the passage, not the turn
    assert page.evaluate(MARKED_JS, "-evidence") == ["stayed"]
    suggestion = page.locator(".hrp-widget .hrp-suggestion")
    # its confidence is read with its reliability: no code has a 90%-precision threshold yet
    label = suggestion.locator(".hrp-jump").inner_text()
    assert label == 'Staying with (80%, not reliable yet): "I just stayed with her"'
    suggestion.locator(".hrp-jump").click()
    assert _selected(page) == "I just stayed with her"
    suggestion.locator(".hrp-reject").click()
    wait_for(lambda: journal_events(study, "ana"), 30, "the reject event")
    assert [(e["event"], e["start"], e["end"], e["code"]) for e in journal_events(study, "ana")] == [
        ("reject", passage[0], passage[1], "staying_with")]
    wait_for(lambda: suggestion.count() == 0, 30, "the rejected suggestion gone")
    # a new run cuts the turn into another passage: the same code in that turn is not offered again
    extra = f", suggestions=__import__('pandas').read_pickle({str(study / 'suggestions.pkl')!r}).iloc[1:]"
    show_widget(page, lab.notebook("spans2", [widget_cell(study, "ana", "P01", extra)]))
    assert suggestion.count() == 0 and page.evaluate(MARKED_JS, "-suggested") in (None, [])
