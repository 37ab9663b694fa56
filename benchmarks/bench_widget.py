"""Coding widget latencies in a real JupyterLab and headless Chromium, at 10 and at 1,500 codings.

A 20,000-word transcript; 4 coders (ana, ben, caro, dana) share the codings; ana codes in the widget. For each
project size the benchmark prints, over 20 key presses that each code a new passage (scrolled into view first,
as a coder codes what is on screen):

* key press to journal: from the key event in the browser to the new line in ``codings/ana.jsonl`` on disk
  (polled from this process), and the kernel's own share (message in, fsynced event out);
* key press to redrawn view: from the key event to the end of the redraw after the kernel's delta (measured in
  the browser with ``performance.now()``, after the next animation frame);
* widget visible: from the Shift+Enter that runs ``CodingWidget(...)`` (its key event in the browser) to the
  first frame painted after the snapshot was drawn (text, stripes, list), median over ``OPENS`` fresh kernels;
  the first open of a project (its transcript sidecar parsed from YAML, no cache yet) is printed apart;
* where a warm open's time goes: kernel building the widget, front end rendering the view, the snapshot's trip
  (the view's hello to the snapshot received), the first draw (``performance.mark`` in widget.js).

Budgets (issue 10): journal <= 50 ms, redrawn view <= 100 ms, visible <= 1 s, and the 1,500 / 10 ratio <= 2.
Python's bytecode is cached under a temporary ``PYTHONPYCACHEPREFIX`` even when ``PYTHONDONTWRITEBYTECODE`` is
set (as an installed package has its ``.pyc`` files): the kernels then do not compile every module they import.
Run: ``python benchmarks/bench_widget.py`` (needs Debian's Chromium at /usr/bin/chromium; starts and stops its
own JupyterLab).
"""

from __future__ import annotations

import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from _lab import CHROMIUM, CHROMIUM_ARGS, Lab, open_notebook, recorded_quotes, run_cell

import hrp_coding as hc
from hrp_coding import datasets

PHRASE = ("the door stays open and we talk about what the morning was like when she came in I told her plainly "
          "what I can and cannot do if she is unsafe to drive we sat with it for a while")
WORDS = PHRASE.split(" ")
PRESSES = 20
OPENS = 5

PRESS_JS = """([s, e, key]) => {
    const box = document.querySelector('.hrp-widget .hrp-text');
    const root = document.querySelector('.hrp-widget .hrp-root');
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    let seen = 0, node, a = null, b = null;
    while ((node = walker.nextNode())) {
        const n = node.textContent.length;
        if (!a && s < seen + n) a = [node, s - seen];
        if (!b && e <= seen + n) { b = [node, e - seen]; break; }
        seen += n;
    }
    const range = document.createRange(); range.setStart(...a); range.setEnd(...b);
    const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
    box.focus({preventScroll: true});
    const rev = root.dataset.rev;
    const t0 = performance.now();
    const drawn = new Promise((resolve) => {
        const watch = new MutationObserver(() => {
            if (root.dataset.rev === rev) return;
            watch.disconnect();
            requestAnimationFrame(() => resolve(performance.now()));
        });
        watch.observe(root, {attributes: true, attributeFilter: ['data-rev']});
    });
    box.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true, cancelable: true}));
    window.__hrpDrawn = drawn.then((t1) => t1 - t0);  // returned at once; awaited after the journal is seen
    return true;
}"""


SCROLL_JS = """async (s) => {  // a coder codes what is in view: scroll it there first (outside the timings)
    const box = document.querySelector('.hrp-widget .hrp-text');
    const scroll = document.querySelector('.hrp-widget .hrp-scroll');
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    let seen = 0, node;
    while ((node = walker.nextNode()) && s >= seen + node.textContent.length) seen += node.textContent.length;
    const range = document.createRange(); range.setStart(node, s - seen); range.setEnd(node, s - seen + 1);
    scroll.scrollTop += range.getBoundingClientRect().top - scroll.getBoundingClientRect().top - 100;
    for (let i = 0; i < 3; i++) await new Promise((resolve) => requestAnimationFrame(resolve));
}"""


def make_study(folder: Path, n_codings: int) -> tuple[Path, str]:
    rng = random.Random(0)
    turns, n_words, i = [], 0, 0
    while n_words < 20_000:
        k = rng.randint(20, 80)
        n_words += k
        turns.append(f"{'Interviewer' if i % 2 == 0 else 'P01'}: " + " ".join(rng.choice(WORDS) for _ in range(k)))
        i += 1
    text = "\n\n".join(turns) + "\n"
    project = hc.Project.init(folder, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(text, transcript_id="P01")
    codes = list(project.codebook.codes)
    rows = []
    for j in range(n_codings):
        s = rng.randrange(0, len(text) - 200)
        rows.append({"transcript": "P01", "coder": ("ana", "ben", "caro", "dana")[j % 4], "code": rng.choice(codes),
                     "start": s, "end": s + rng.randint(10, 150)})
    project.import_codings(pd.DataFrame(rows))
    return folder, text


def kernel_share(study: Path, text: str) -> list[float]:
    """Milliseconds from the browser's add message arriving in the kernel to the event fsynced (in process)."""
    from hrp_coding.notebook.coding_view import Utf16Offsets
    from hrp_coding.notebook.widget import CodingWidget

    widget = CodingWidget(hc.Project.open(study), coder="ana", transcript="P01")
    widget.send = lambda *a, **k: None
    units, out = Utf16Offsets(text), []
    for k in range(PRESSES):
        s = 100 + 997 * k
        e = s + 30
        message = {"action": "add", "transcript": "P01", "sha": widget.text_sha, "s": units.to_utf16(s),
                   "e": units.to_utf16(e), "quote": text[s:e], "code": "holding"}
        t0 = time.perf_counter()
        widget._on_message(widget, message, [])
        out.append(1000 * (time.perf_counter() - t0))
        assert widget.status.startswith("coded"), widget.status
    return out


WATCH_JS = """() => {  // the Shift+Enter's time, then the first frame after the widget drew its snapshot
    window.__hrpOpen = new Promise((resolve) => {
        let t0 = null;
        const seen = (event) => { if (event.key === 'Enter' && t0 === null) t0 = event.timeStamp; };
        document.addEventListener('keydown', seen, {capture: true});
        const watch = new MutationObserver(() => {
            if (!document.querySelector('.hrp-widget .hrp-root[data-rev]')) return;
            watch.disconnect();
            requestAnimationFrame(() => setTimeout(() => resolve({t0, painted: performance.now()})));
        });
        watch.observe(document.body, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-rev']});
    });
}"""

PARTS_JS = """(t0) => {
    const at = (name) => {
        const e = performance.getEntriesByName(name);
        return e.length ? e[e.length - 1].startTime : NaN;
    };
    return {render: at('hrp-render') - t0, snapshot: at('hrp-snapshot') - t0, drawn: at('hrp-drawn') - t0};
}"""


def imported_notebook(lab: Lab, page, study: Path, name: str) -> None:
    """A notebook whose first cell opened the study (run, in a fresh kernel) and whose second makes the widget."""
    url = lab.notebook(name, ["import hrp_coding as hc\nfrom hrp_coding.notebook import CodingWidget\n"
                              f"study = hc.Project.open({str(study)!r})",
                              "CodingWidget(study, coder='ana', transcript='P01')"])
    open_notebook(page, url)
    run_cell(page, 0)
    page.locator(".jp-Cell .jp-InputPrompt").first.filter(has_text="[1]").wait_for(timeout=120_000)


def open_widget(lab: Lab, page, study: Path, name: str) -> dict:
    """Open a notebook in a fresh kernel, run the import cell, then time the widget's cell."""
    imported_notebook(lab, page, study, name)
    page.wait_for_timeout(500)
    page.locator(".jp-Notebook .jp-Cell .cm-content").nth(1).click()
    page.evaluate(WATCH_JS)
    page.keyboard.press("Shift+Enter")
    opened = page.evaluate("() => window.__hrpOpen")
    parts = page.evaluate(PARTS_JS, opened["t0"])
    return {"visible": opened["painted"] - opened["t0"], **parts,
            "draw": float(page.evaluate("() => document.querySelector('.hrp-widget .hrp-root').dataset.drawMs"))}


def browser_run(lab: Lab, browser, study: Path, text: str, name: str) -> dict:
    opens = []
    for k in range(OPENS):
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        opens.append(open_widget(lab, page, study, f"{name}open{k}"))
        context.close()
        lab.shutdown_kernels()
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    imported_notebook(lab, page, study, name)
    run_cell(page, 1)
    page.locator(".hrp-widget .hrp-root[data-rev]").wait_for(timeout=60_000)
    key = page.locator('.hrp-widget .hrp-code[data-code="holding"]').inner_text().split()[0]
    journal = study / "codings" / "ana.jsonl"
    to_journal, to_view, script = [], [], []
    for k in range(PRESSES):
        s = 50 + 991 * k
        page.evaluate(SCROLL_JS, s)
        size = journal.stat().st_size if journal.exists() else 0
        t1 = time.perf_counter()
        page.evaluate(PRESS_JS, [s, s + 25, key])  # returns once the key event was dispatched
        while not journal.exists() or journal.stat().st_size == size:
            time.sleep(0.001)
        to_journal.append(1000 * (time.perf_counter() - t1))
        to_view.append(page.evaluate("() => window.__hrpDrawn"))
        script.append(float(page.evaluate("() => document.querySelector('.hrp-widget .hrp-root').dataset.drawMs")))
    quotes = recorded_quotes(study, "ana")[-PRESSES:]
    assert quotes == [text[50 + 991 * k:75 + 991 * k].strip() for k in range(PRESSES)], quotes[:3]
    context.close()
    lab.shutdown_kernels()
    return {"opens": opens, "journal": to_journal, "view": to_view, "script": script}


def _fmt(values: list[float]) -> str:
    q = statistics.quantiles(values, n=20)
    return f"median {statistics.median(values):6.1f} ms, p95 {q[18]:6.1f} ms"


def main() -> None:
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="hrp-bench-widget-"))
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)  # for the kernels JupyterLab starts (see the docstring)
    os.environ["PYTHONPYCACHEPREFIX"] = str(root / "pycache")
    results = {}
    studies = {n: make_study(root / f"study{n}", n) for n in (10, 1500)}
    for n, (study, text) in studies.items():  # on a copy: the browser run starts from n codings
        results[n] = {"kernel": kernel_share(Path(shutil.copytree(study, root / f"copy{n}")), text)}
    lab = Lab(root).start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for n, (study, text) in studies.items():
                    results[n].update(browser_run(lab, browser, study, text, f"bench{n}"))
            finally:
                browser.close()
    finally:
        lab.stop()
    words = len(studies[10][1].split())
    print(f"transcript: {words} words, {len(studies[10][1])} characters; {PRESSES} key presses per size")
    for n, r in results.items():
        print(f"{n:5d} codings  key press -> journal: {_fmt(r['journal'])}  (kernel share {_fmt(r['kernel'])})")
        print(f"{'':5s}          key press -> redrawn view: {_fmt(r['view'])}  (redraw script {_fmt(r['script'])})")
        first, warm = r["opens"][0], r["opens"][1:]
        med = {k: statistics.median(o[k] for o in warm) for k in ("visible", "render", "snapshot", "drawn", "draw")}
        worst = max(o["visible"] for o in warm)
        print(f"{'':5s}          widget visible: median {med['visible']:.0f} ms, worst {worst:.0f} ms "
              f"over {len(warm)} opens in fresh kernels (first open of the project, no cache: "
              f"{first['visible']:.0f} ms)")
        print(f"{'':5s}            of which: cell run to view rendered {med['render']:.0f} ms (kernel builds the "
              f"widget), to snapshot received {med['snapshot']:.0f} ms, to drawn {med['drawn']:.0f} ms (draw "
              f"script {med['draw']:.0f} ms), painted {med['visible']:.0f} ms")
    for what in ("journal", "view"):
        ratio = statistics.median(results[1500][what]) / statistics.median(results[10][what])
        print(f"ratio 1500/10 codings, {what}: {ratio:.2f} (medians)")
    ratio = statistics.median(o["visible"] for o in results[1500]["opens"][1:]) / statistics.median(
        o["visible"] for o in results[10]["opens"][1:])
    print(f"ratio 1500/10 codings, visible: {ratio:.2f} (medians)")


if __name__ == "__main__":
    main()
