"""The coding widget in a real browser: JupyterLab on localhost, driven by headless Chromium via Playwright.

The test opens a notebook that shows a CodingWidget, selects a passage with the mouse, clicks a code in
the palette, and then reads the coder's journal file on disk: the click must have reached it. A second
passage is coded with the keyboard shortcut, and one coding is removed with its button.

Needs Debian's Chromium at /usr/bin/chromium (`.ci/run` installs it); no browser is downloaded.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

import hrp_coding as hc
from hrp_coding import datasets

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("HRP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
TEXT = ("Interviewer: How do you respond when a client comes in high?\n\n"
        "P01: I don't send them away. I just stayed with her, and we talked about what the morning had been like. "
        "Later I told her plainly what I can and cannot do if she is unsafe to drive.\n")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _journal_events(study: Path, coder: str) -> list[dict]:
    path = study / "codings" / f"{coder}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture
def lab(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium (see .ci/run)")
    study = tmp_path / "study"
    project = hc.Project.init(study, codebook=datasets.codebook_path("making_room"))
    project.add_transcript(TEXT, transcript_id="P01")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    notebook.cells = [nbformat.v4.new_code_cell(
        "import hrp_coding as hc\n"
        "from hrp_coding.notebook import CodingWidget\n"
        f"widget = CodingWidget(hc.Project.open({str(study)!r}), coder='ana', transcript='P01')\n"
        "widget")]
    nbformat.write(notebook, tmp_path / "coding.ipynb")
    port, token = _free_port(), "hrp-test-token"
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"), "JUPYTERLAB_WORKSPACES_DIR":
           str(tmp_path / ".workspaces"), "JUPYTER_RUNTIME_DIR": str(tmp_path / ".runtime")}
    log = open(tmp_path / "lab.log", "w")  # noqa: SIM115 (closed in the finally below)
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--ServerApp.port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={tmp_path}",
         "--ServerApp.port_retries=0", "--LabApp.news_url=",
         "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=log)

    def ready():
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token={token}", timeout=2) as r:
                return r.status == 200
        except OSError:
            return False

    try:
        _wait_for(ready, 90, "JupyterLab to start (see lab.log)")
        yield {"url": f"http://127.0.0.1:{port}/lab/tree/coding.ipynb?token={token}", "study": study}
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(tmp_path / ".runtime", ignore_errors=True)


def _select_by_mouse(page, quote: str):
    """Drag the mouse from the first to the last character of ``quote`` inside the widget's text."""
    rects = page.evaluate(
        """(quote) => {
            const box = document.querySelector('.hrp-widget .hrp-text');
            const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const i = node.textContent.indexOf(quote);
                if (i < 0) continue;
                const first = document.createRange(); first.setStart(node, i); first.setEnd(node, i + 1);
                const last = document.createRange();
                last.setStart(node, i + quote.length - 1); last.setEnd(node, i + quote.length);
                const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
                return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
            }
            return null;
        }""", quote)
    assert rects is not None, f"{quote!r} not found in the rendered text"
    page.mouse.move(rects["x1"], rects["y1"])
    page.mouse.down()
    page.mouse.move(rects["x2"], rects["y2"], steps=8)
    page.mouse.up()
    assert page.evaluate("() => window.getSelection().toString()") == quote


def _dismiss_dialogs(page):
    """Accept any start-up dialog JupyterLab shows (kernel choice, notifications) so clicks reach the notebook."""
    for _ in range(3):
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count() == 0:
            return
        dialog.first.click()
        page.wait_for_timeout(300)


def test_click_in_browser_reaches_the_journal(lab):
    from playwright.sync_api import sync_playwright

    study = lab["study"]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(lab["url"])
            editor = page.locator(".jp-Notebook .jp-Cell .cm-content").first
            editor.wait_for(timeout=90_000)
            _dismiss_dialogs(page)
            # run the cell only once the kernel is connected, or JupyterLab skips the execution
            page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)
            editor.click()
            page.keyboard.press("Shift+Enter")
            page.locator(".hrp-widget .hrp-text").wait_for(timeout=120_000)

            # 1. mouse selection + palette click
            _select_by_mouse(page, "stayed with her")
            page.locator('.hrp-widget .hrp-code[data-code="staying_with"]').click()
            page.locator(".hrp-widget .hrp-coding").first.wait_for(timeout=30_000)
            events = _wait_for(lambda: _journal_events(study, "ana"), 30, "the journal to hold the coding")
            added = [e for e in events if e.get("code") == "staying_with"]
            assert len(added) == 1
            coding = hc.Project.open(study).codings().set_index("code").loc["staying_with"]
            assert coding["text"] == "stayed with her"

            # 2. keyboard shortcut for signaling_the_limits
            quote = "what I can and cannot do"
            _select_by_mouse(page, quote)
            key = page.locator('.hrp-widget .hrp-code[data-code="signaling_the_limits"]').inner_text().split()[0]
            page.locator(".hrp-widget .hrp-text").press(key)
            _wait_for(lambda: len(hc.Project.open(study).codings()) == 2, 30, "the shortcut's coding")
            texts = set(hc.Project.open(study).codings()["text"])
            assert texts == {"stayed with her", quote}

            # 3. remove the first coding with its button
            page.locator(".hrp-widget .hrp-coding").first.locator(".hrp-remove").click()
            _wait_for(lambda: len(hc.Project.open(study).codings()) == 1, 30, "the removal")
            assert set(hc.Project.open(study).codings()["code"]) == {"signaling_the_limits"}
            assert len(_journal_events(study, "ana")) >= 3  # add, add, remove: nothing is erased
        finally:
            browser.close()
