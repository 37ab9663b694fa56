"""A real JupyterLab on localhost and Debian's Chromium driven by Playwright, for the widget's browser tests and
benchmark. One server per test module (tests open their own notebooks in it); every process started here is
stopped here.
"""

from __future__ import annotations

import contextlib
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

CHROMIUM = os.environ.get("HRP_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-dev-shm-usage"]
TOKEN = "hrp-test-token"


def wait_for(predicate, timeout: float, what: str):
    """Poll ``predicate`` every 0.1 s until it returns something true; AssertionError naming ``what`` on timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Lab:
    """A JupyterLab server rooted at ``root`` (notebooks are written there by :meth:`notebook`)."""

    def __init__(self, root: Path):
        self.root = Path(root)
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"

    def api(self, method: str, path: str):
        request = urllib.request.Request(f"{self.base}{path}?token={TOKEN}", method=method, data=b"" if method ==
                                         "POST" else None)
        with urllib.request.urlopen(request, timeout=30) as response:
            body = response.read()
        return json.loads(body) if body else None

    def start(self) -> Lab:
        env = {**os.environ, "JUPYTER_CONFIG_DIR": str(self.root / ".jupyter"),
               "JUPYTERLAB_WORKSPACES_DIR": str(self.root / ".workspaces"),
               "JUPYTER_RUNTIME_DIR": str(self.root / ".runtime"),
               "JUPYTERLAB_SETTINGS_DIR": str(self.root / ".settings")}
        self._log = open(self.root / "lab.log", "w")  # noqa: SIM115 (closed in stop)
        self.server = subprocess.Popen(
            [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root", f"--ServerApp.port={self.port}",
             "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={TOKEN}", f"--ServerApp.root_dir={self.root}",
             "--ServerApp.port_retries=0", "--LabApp.news_url=", "--LabApp.expose_app_in_browser=True",
             "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
            env=env, stdout=subprocess.DEVNULL, stderr=self._log)

        def ready():
            try:
                return self.api("GET", "/api/status") is not None
            except OSError:
                return False

        wait_for(ready, 120, f"JupyterLab to start (see {self.root / 'lab.log'})")
        return self

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            for session in self.api("GET", "/api/sessions") or []:
                self.api("DELETE", f"/api/sessions/{session['id']}")
        self.server.terminate()
        try:
            self.server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.server.kill()
        self._log.close()
        shutil.rmtree(self.root / ".runtime", ignore_errors=True)

    def shutdown_kernels(self) -> None:
        """Stop every kernel the tests started (keeps the 2-core machine free between tests)."""
        with contextlib.suppress(OSError):
            for session in self.api("GET", "/api/sessions") or []:
                self.api("DELETE", f"/api/sessions/{session['id']}")

    def notebook(self, name: str, cells: list[str]) -> str:
        """Write a notebook of code cells under the lab root; returns its URL."""
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
        notebook.cells = [nbformat.v4.new_code_cell(source) for source in cells]
        nbformat.write(notebook, self.root / f"{name}.ipynb")
        return f"{self.base}/lab/tree/{name}.ipynb?reset&token={TOKEN}"


def widget_cell(study: Path, coder: str, transcript: str, extra: str = "") -> str:
    """The first cell of a test notebook: open the project and show a CodingWidget."""
    return ("import hrp_coding as hc\n"
            "from hrp_coding.notebook import CodingWidget\n"
            f"widget = CodingWidget(hc.Project.open({str(study)!r}), coder={coder!r}, transcript={transcript!r}"
            f"{extra})\nwidget")


def open_notebook(page, url: str) -> None:
    """Open a notebook and wait until its kernel is idle (JupyterLab skips executions before that)."""
    page.goto(url)
    page.locator(".jp-Notebook .jp-Cell .cm-content").first.wait_for(timeout=120_000)
    for _ in range(3):  # accept any start-up dialog (kernel choice, notifications)
        dialog = page.locator(".jp-Dialog .jp-mod-accept")
        if dialog.count() == 0:
            break
        dialog.first.click()
        page.wait_for_timeout(300)
    page.get_by_text("Python 3 (ipykernel) | Idle").wait_for(timeout=120_000)


def restart_kernel(page) -> None:
    """Restart the notebook's kernel as a coder does: Kernel menu, Restart, confirm."""
    # not awaited: the command's promise waits for the dialog below
    page.evaluate("() => { window.jupyterapp.commands.execute('kernelmenu:restart'); }")
    page.locator(".jp-Dialog .jp-mod-accept").click(timeout=30_000)


def run_cell(page, index: int) -> None:
    """Click into code cell ``index`` and run it with Shift+Enter."""
    page.locator(".jp-Notebook .jp-Cell .cm-content").nth(index).click()
    page.keyboard.press("Shift+Enter")


def show_widget(page, url: str) -> None:
    """Open the notebook, run its first cell and wait for the widget to have drawn the kernel's snapshot."""
    open_notebook(page, url)
    run_cell(page, 0)
    page.locator(".hrp-widget .hrp-root[data-rev]").wait_for(timeout=120_000)


SELECT_JS = """([quote, nth]) => {
    const box = document.querySelector('.hrp-widget .hrp-text');
    const full = box.textContent;
    let at = -1;
    for (let k = 0; k <= nth; k++) { at = full.indexOf(quote, at + 1); if (at < 0) return null; }
    const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
    const point = (pos, after) => {
        let seen = 0, node;
        const w = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
        while ((node = w.nextNode())) {
            const n = node.textContent.length;
            if (after ? pos < seen + n : pos <= seen + n) return [node, pos - seen];
            seen += n;
        }
        return null;
    };
    const [n1, o1] = point(at, true);
    const [n2, o2] = point(at + quote.length, false);
    const first = document.createRange(); first.setStart(n1, o1); first.setEnd(n1, o1 + 1);
    const last = document.createRange(); last.setStart(n2, o2 - 1); last.setEnd(n2, o2);
    const a = first.getBoundingClientRect(), b = last.getBoundingClientRect();
    return {x1: a.left + 1, y1: a.top + a.height / 2, x2: b.right - 1, y2: b.top + b.height / 2};
}"""


def select_by_mouse(page, quote: str, nth: int = 0) -> None:
    """Drag the mouse over ``quote`` (its ``nth`` occurrence) in the widget's text; checks what is selected."""
    page.locator(".hrp-widget .hrp-text").scroll_into_view_if_needed()
    page.evaluate("() => window.getSelection().removeAllRanges()")  # a drag inside a selection would move it
    box = page.evaluate(SELECT_JS, [quote, nth])
    assert box is not None, f"{quote!r} not found in the rendered text"
    page.mouse.move(box["x1"], box["y1"])
    page.mouse.down()
    page.mouse.move(box["x2"], box["y2"], steps=6)
    page.mouse.up()
    selected = page.evaluate("() => window.getSelection().toString()")
    assert selected == quote, f"the drag over {quote!r} selected {selected!r}"


def journal_events(study: Path, coder: str) -> list[dict]:
    """The events of ``coder``'s journal file as they are on disk."""
    path = study / "codings" / f"{coder}.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def recorded_quotes(study: Path, coder: str) -> list[str]:
    """``text[start:end]`` of every live coding of ``coder``, read from the journal and transcripts on disk."""
    events = journal_events(study, coder)
    removed = {e["coding_id"] for e in events if e["event"] == "remove"}
    texts: dict[str, str] = {}
    out = []
    for e in events:
        if e["event"] == "add" and e["coding_id"] not in removed:
            if e["transcript"] not in texts:
                texts[e["transcript"]] = (study / "transcripts" / f"{e['transcript']}.txt").read_text(encoding="utf-8")
            out.append(texts[e["transcript"]][e["start"]:e["end"]])
    return out
