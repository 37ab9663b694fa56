// The coding widget's browser side (anywidget ES module).
//
// The kernel sends a snapshot (text, its sha256, turns, spans, suggestions) and then deltas; offsets in them are
// UTF-16 units, JavaScript's own, converted by the kernel. Every action sent back carries the transcript id, the
// sha256 of the text shown and the quote selected, so the kernel can refuse anything that does not match.
// The text is rendered as literal characters only (white-space: pre-wrap, nothing inserted), so a selection's
// offset inside the text box is an offset into the text. Margin stripes live outside the text box.

function tint(color, alpha) {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color + alpha : color;
}

async function sha256(text) {
  if (!(window.crypto && window.crypto.subtle)) return null; // not a secure context: the kernel's hash is echoed
  const digest = await window.crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest)).map((b) => b.toString(16).padStart(2, "0")).join("");
}

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

// UTF-16 offset of (node, offset) inside the text box, or null when the point is outside it
function offsetIn(box, node, offset) {
  if (!box.contains(node)) return null;
  const before = document.createRange();
  before.selectNodeContents(box);
  before.setEnd(node, offset);
  return before.toString().length;
}

// DOM point of UTF-16 offset `pos` in the text box (binary search over the text nodes drawn last)
let nodeIndex = new WeakMap();

function indexNodes(box) {
  const nodes = [];
  const starts = [];
  const walker = document.createTreeWalker(box, NodeFilter.SHOW_TEXT);
  let seen = 0;
  let node;
  while ((node = walker.nextNode())) { nodes.push(node); starts.push(seen); seen += node.textContent.length; }
  nodeIndex.set(box, { nodes, starts });
}

function pointAt(box, pos) {
  const index = nodeIndex.get(box);
  if (!index || index.nodes.length === 0) return { node: box, offset: 0 };
  const { nodes, starts } = index;
  let lo = 0;
  let hi = nodes.length - 1;
  while (lo < hi) { // last node whose start is < pos (or the first)
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] < pos) lo = mid; else hi = mid - 1;
  }
  const node = nodes[lo];
  return { node, offset: Math.min(Math.max(pos - starts[lo], 0), node.textContent.length) };
}

function render({ model, el: host }) {
  host.classList.add("hrp-widget");
  const root = el("div", "hrp-root");
  root.setAttribute("data-lm-suppress-shortcuts", "true");
  const bar = el("div", "hrp-bar");
  const switcher = el("select", "hrp-switch");
  switcher.title = "transcript (turns you coded / turns)";
  const who = el("span", "hrp-who");
  const search = el("input", "hrp-search");
  search.placeholder = "search ( / )";
  const found = el("span", "hrp-found");
  const undoButton = el("button", "hrp-undo", "undo");
  const redoButton = el("button", "hrp-redo", "redo");
  const conn = el("span", "hrp-conn", "connecting...");
  bar.append(switcher, who, search, found, undoButton, redoButton, conn);
  const palette = el("div", "hrp-palette");
  const body = el("div", "hrp-body");
  const scroll = el("div", "hrp-scroll");
  const margin = el("div", "hrp-margin");
  const textBox = el("div", "hrp-text");
  textBox.tabIndex = 0;
  scroll.append(margin, textBox);
  const side = el("div", "hrp-side");
  const book = el("div", "hrp-book");
  const filters = el("div", "hrp-filters");
  const codeFilter = el("select", "hrp-filter-code");
  const coderFilter = el("select", "hrp-filter-coder");
  filters.append(codeFilter, coderFilter);
  const list = el("div", "hrp-list");
  const suggestBox = el("div", "hrp-suggestions");
  side.append(book, filters, list, suggestBox);
  body.append(scroll, side);
  const status = el("div", "hrp-status");
  root.append(bar, palette, body, status);
  host.appendChild(root);

  const view = { transcript: null, sha: null, text: "", rev: -1, turns: [], spans: new Map(), suggestions: [],
                 verified: true };
  let connected = true;
  let currentTurn = -1;
  let focusedCode = null;
  let matches = [];
  let matchIndex = -1;

  function say(message, kind) {
    status.textContent = message;
    status.dataset.kind = kind || "info";
  }

  function codesById() { return Object.fromEntries(model.get("codes").map((c) => [c.id, c])); }

  function checkConnection(lost) {
    const dead = lost === true || host.classList.contains("jupyter-widgets-disconnected") ||
      !!host.closest(".jupyter-widgets-disconnected");
    if (dead && connected) {
      connected = false;
      root.classList.add("hrp-disconnected");
      conn.textContent = "disconnected: the kernel restarted or stopped; nothing here is saved. Re-run the cell.";
      say("Disconnected from the kernel: this view takes no input. Re-run the cell to code again.", "error");
    }
  }

  function send(message) {
    checkConnection(false);
    if (!connected) {
      say("Disconnected from the kernel: not saved. Re-run the cell to code again.", "error");
      return false;
    }
    if (!view.verified) {
      say("The text shown does not match its sha256: not saved. Re-run the cell.", "error");
      return false;
    }
    try {
      model.send({ ...message, transcript: view.transcript, sha: view.sha });
    } catch (err) {
      connected = false;
      root.classList.add("hrp-disconnected");
      conn.textContent = "disconnected";
      say(`Not saved: the kernel cannot be reached (${err}).`, "error");
      return false;
    }
    return true;
  }

  // ---------------------------------------------------------------- selection: only what is visible now
  function visibleSelection() {
    const sel = window.getSelection();
    if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return { error: "Select a passage in the transcript first." };
    const range = sel.getRangeAt(0);
    const inStart = textBox.contains(range.startContainer);
    const inEnd = textBox.contains(range.endContainer);
    if (!inStart && !inEnd) return { error: "Select a passage in the transcript first." };
    if (!inStart || !inEnd) {
      sel.removeAllRanges(); // what is refused is no longer shown as selected
      return { error: "The selection runs outside the transcript text: select within it." };
    }
    let s = offsetIn(textBox, range.startContainer, range.startOffset);
    let e = offsetIn(textBox, range.endContainer, range.endOffset);
    const text = view.text;
    while (s < e && /\s/.test(text[s])) s += 1; // coders rarely mean to code surrounding white space
    while (e > s && /\s/.test(text[e - 1])) e -= 1;
    if (s < e && text.charCodeAt(s) >= 0xdc00 && text.charCodeAt(s) <= 0xdfff) s -= 1;
    if (e > s) return { s, e, quote: text.slice(s, e) };
    return { error: "Select a passage in the transcript first." };
  }

  function select(s, e) {
    const a = pointAt(textBox, s);
    const b = pointAt(textBox, e);
    const range = document.createRange();
    range.setStart(a.node, a.offset);
    range.setEnd(b.node, b.offset);
    const sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
    const rect = range.getBoundingClientRect();
    const box = scroll.getBoundingClientRect();
    if (rect.top < box.top || rect.bottom > box.bottom) {
      scroll.scrollTop += rect.top - box.top - box.height / 3;
    }
  }

  function apply(code) {
    const sel = visibleSelection();
    if (sel.error) { say(sel.error, "error"); return; }
    if (send({ action: "add", s: sel.s, e: sel.e, quote: sel.quote, code })) {
      say(`saving ${code}...`);
    }
  }

  function inVivo() {
    const sel = visibleSelection();
    if (sel.error) { say(sel.error, "error"); return; }
    const name = window.prompt("Name of the new in-vivo code", sel.quote.split(/\s+/).slice(0, 8).join(" "));
    if (name === null) return;
    send({ action: "in_vivo", s: sel.s, e: sel.e, quote: sel.quote, name });
  }

  // ---------------------------------------------------------------- drawing
  function drawBar() {
    const items = model.get("transcripts");
    switcher.replaceChildren();
    for (const t of items) {
      const option = el("option", "", `${t.id} · ${t.coded}/${t.total} turns`);
      option.value = t.id;
      option.selected = t.id === model.get("transcript");
      switcher.appendChild(option);
    }
    const blind = model.get("blind") ? " · blind coding: other coders and suggestions hidden" : "";
    who.textContent = `coder ${model.get("coder")}${blind}`;
    undoButton.disabled = !model.get("can_undo");
    redoButton.disabled = !model.get("can_redo");
  }

  function drawPalette() {
    palette.replaceChildren();
    for (const code of model.get("codes")) {
      const button = el("button", "hrp-code");
      button.dataset.code = code.id;
      const swatch = el("span", "hrp-swatch");
      swatch.style.background = code.color;
      button.append(swatch, document.createTextNode(code.shortcut ? `${code.shortcut} ${code.name}` : code.name));
      button.title = code.definition;
      button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the text selection
      button.addEventListener("click", () => apply(code.id));
      button.addEventListener("mouseenter", () => { focusedCode = code.id; drawBook(); });
      palette.appendChild(button);
    }
    const vivo = el("button", "hrp-invivo", "+ in-vivo code");
    vivo.title = "a new code named from the selected words (the quote is kept)";
    vivo.addEventListener("mousedown", (event) => event.preventDefault());
    vivo.addEventListener("click", inVivo);
    palette.appendChild(vivo);
  }

  function drawBook() {
    book.replaceChildren();
    const code = codesById()[focusedCode] || model.get("codes")[0];
    if (!code) return;
    const title = el("div", "hrp-book-title", code.name);
    title.style.borderLeftColor = code.color;
    book.appendChild(title);
    const add = (label, value) => {
      if (!value || (Array.isArray(value) && value.length === 0)) return;
      const row = el("div", "hrp-book-row");
      row.append(el("b", "", label + " "), document.createTextNode(Array.isArray(value) ? value.map((v) => `"${v}"`).join(" ") : value));
      book.appendChild(row);
    };
    add("Definition:", code.full || code.definition);
    add("When to use:", code.when_to_use);
    add("When not to use:", code.when_not_to_use);
    add("Examples:", code.examples);
    add("In vivo:", code.in_vivo);
  }

  function drawText() {
    const text = view.text;
    const spans = [...view.spans.values()];
    const codes = codesById();
    const cuts = new Set([0, text.length]);
    for (const s of spans) { cuts.add(s.s); cuts.add(s.e); }
    for (const g of view.suggestions) { cuts.add(g.s); cuts.add(g.e); }
    const points = [...cuts].sort((a, b) => a - b);
    const byStart = spans.slice().sort((a, b) => a.s - b.s);
    const frag = document.createDocumentFragment();
    let open = [];
    let k = 0;
    for (let i = 0; i + 1 < points.length; i++) {
      const left = points[i];
      const right = points[i + 1];
      while (k < byStart.length && byStart[k].s <= left) open.push(byStart[k++]);
      open = open.filter((s) => s.e > left);
      const piece = text.slice(left, right);
      const hint = view.suggestions.filter((g) => g.s <= left && g.e >= right);
      if (open.length === 0 && hint.length === 0) { frag.appendChild(document.createTextNode(piece)); continue; }
      const node = el("span", "hrp-span", piece);
      const mine = open.filter((s) => s.mine);
      const others = open.filter((s) => !s.mine);
      if (mine.length) {
        const first = codes[mine[0].code];
        node.style.background = tint(first ? first.color : "#999999", "59");
        node.style.boxShadow = mine.slice(1).map((s, j) => `inset 0 -${2 * (j + 1)}px 0 ${(codes[s.code] || {}).color || "#999"}`).join(", ");
        node.classList.add("hrp-mine-span");
      }
      if (others.length) {
        node.classList.add("hrp-other-span");
        node.style.textDecorationColor = (codes[others[0].code] || {}).color || "#999";
      }
      if (hint.length) node.classList.add("hrp-suggested");
      node.title = [...open.map((s) => `${(codes[s.code] || { name: s.code }).name} (${s.coder})${s.memo ? " - " + s.memo : ""}`),
                    ...hint.map((g) => `suggested: ${g.code} ${Math.round(100 * g.confidence)}%`)].join("\n");
      node.dataset.codings = open.map((s) => s.id).join(" ");
      frag.appendChild(node);
    }
    textBox.replaceChildren(frag);
    indexNodes(textBox);
    drawMargin();
  }

  function drawMargin() {
    margin.replaceChildren();
    const spans = [...view.spans.values()].sort((a, b) => (b.mine - a.mine) || (a.s - b.s) || (b.e - a.e));
    if (spans.length === 0) { margin.style.width = "0px"; return; }
    const top0 = textBox.getBoundingClientRect().top;
    const codes = codesById();
    const ys = spans.map((s) => {
      const a = pointAt(textBox, s.s);
      const b = pointAt(textBox, s.e);
      const r1 = document.createRange(); r1.setStart(a.node, a.offset); r1.setEnd(a.node, Math.min(a.offset + 1, a.node.textContent.length));
      const r2 = document.createRange(); r2.setStart(b.node, Math.max(b.offset - 1, 0)); r2.setEnd(b.node, b.offset);
      const ra = r1.getBoundingClientRect();
      const rb = r2.getBoundingClientRect();
      return [ra.top - top0, Math.max(rb.bottom - top0, ra.top - top0 + 14)];
    });
    const lanes = []; // bottom y of the last stripe in each lane
    const frag = document.createDocumentFragment();
    spans.forEach((s, i) => {
      const [y1, y2] = ys[i];
      let lane = lanes.findIndex((bottom) => bottom <= y1);
      if (lane < 0) { lane = lanes.length; lanes.push(0); }
      lanes[lane] = y2 + 2;
      const code = codes[s.code] || { name: s.code, color: "#999999", label: "#000000" };
      const stripe = el("div", s.mine ? "hrp-stripe hrp-stripe-mine" : "hrp-stripe hrp-stripe-other");
      stripe.style.top = `${y1}px`;
      stripe.style.height = `${y2 - y1}px`;
      stripe.style.right = `${lane * 16}px`;
      stripe.style.borderColor = code.color;
      if (s.mine) { stripe.style.background = code.color; stripe.style.color = code.label; }
      stripe.dataset.id = s.id;
      stripe.dataset.code = s.code;
      stripe.title = `${code.name} (${s.coder})`;
      stripe.appendChild(el("span", "hrp-stripe-label", s.mine ? code.name : `${code.name} · ${s.coder}`));
      stripe.addEventListener("click", () => { select(s.s, s.e); textBox.focus({ preventScroll: true }); });
      frag.appendChild(stripe);
    });
    margin.style.width = `${lanes.length * 16 + 2}px`;
    margin.appendChild(frag);
  }

  function drawList() {
    const codes = codesById();
    const spans = [...view.spans.values()].sort((a, b) => a.s - b.s || a.e - b.e);
    const keepCode = codeFilter.value;
    const keepCoder = coderFilter.value;
    codeFilter.replaceChildren(el("option", "", "all codes"));
    codeFilter.firstChild.value = "";
    for (const id of [...new Set(spans.map((s) => s.code))].sort()) {
      const o = el("option", "", (codes[id] || { name: id }).name); o.value = id; codeFilter.appendChild(o);
    }
    coderFilter.replaceChildren(el("option", "", "all coders"));
    coderFilter.firstChild.value = "";
    for (const c of [...new Set(spans.map((s) => s.coder))].sort()) {
      const o = el("option", "", c); o.value = c; coderFilter.appendChild(o);
    }
    codeFilter.value = [...codeFilter.options].some((o) => o.value === keepCode) ? keepCode : "";
    coderFilter.value = [...coderFilter.options].some((o) => o.value === keepCoder) ? keepCoder : "";
    list.replaceChildren();
    const shown = spans.filter((s) => (!codeFilter.value || s.code === codeFilter.value) &&
                                      (!coderFilter.value || s.coder === coderFilter.value));
    list.appendChild(el("h4", "", `Codings (${shown.length})`));
    for (const s of shown) {
      const code = codes[s.code] || { name: s.code, color: "#999999" };
      const row = el("div", s.mine ? "hrp-coding hrp-coding-mine" : "hrp-coding");
      row.dataset.id = s.id;
      const swatch = el("span", "hrp-swatch");
      swatch.style.background = code.color;
      const quote = view.text.slice(s.s, s.e);
      const label = el("span", "hrp-jump", `${code.name} · ${s.coder}: "${quote.length > 60 ? quote.slice(0, 57) + "..." : quote}"`);
      label.title = "click to show it in the text";
      label.addEventListener("click", () => { select(s.s, s.e); textBox.focus({ preventScroll: true }); });
      row.append(swatch, label);
      if (s.mine) {
        const remove = el("button", "hrp-remove", "remove");
        remove.title = "remove this coding (undo brings it back)";
        remove.addEventListener("click", () => send({ action: "remove", coding_id: s.id }));
        const memo = el("input", "hrp-memo");
        memo.placeholder = "memo (Enter saves; empty clears)";
        memo.value = s.memo || "";
        memo.addEventListener("keydown", (event) => {
          if (event.key === "Enter") { event.preventDefault(); send({ action: "memo", coding_id: s.id, text: memo.value }); }
        });
        row.append(remove, memo);
      }
      list.appendChild(row);
    }
  }

  function drawSuggestions() {
    suggestBox.replaceChildren();
    const items = view.suggestions;
    if (model.get("blind") || items.length === 0) return;
    suggestBox.appendChild(el("h4", "", "Suggestions (never applied until you accept)"));
    const codes = codesById();
    for (const g of items) {
      const row = el("div", "hrp-suggestion");
      row.dataset.key = g.key;
      const quote = view.text.slice(g.s, g.e);
      const label = el("span", "hrp-jump", `${(codes[g.code] || { name: g.code }).name} (${Math.round(100 * g.confidence)}%): "${quote.slice(0, 50)}${quote.length > 50 ? "..." : ""}"`);
      label.title = g.evidence ? `evidence: ${g.evidence}` : "";
      label.addEventListener("click", () => { select(g.s, g.e); textBox.focus({ preventScroll: true }); });
      const accept = el("button", "hrp-accept", "accept");
      accept.addEventListener("click", () => send({ action: "accept", key: g.key }));
      const reject = el("button", "hrp-reject", "reject");
      reject.addEventListener("click", () => send({ action: "reject", key: g.key }));
      row.append(label, accept, reject);
      suggestBox.appendChild(row);
    }
  }

  function drawCodings() { drawText(); drawList(); drawSuggestions(); root.dataset.rev = String(view.rev); }

  // ---------------------------------------------------------------- navigation
  function goTurn(step) {
    if (view.turns.length === 0) return;
    const sel = window.getSelection();
    if (currentTurn < 0 && sel && sel.rangeCount && textBox.contains(sel.getRangeAt(0).startContainer)) {
      const at = offsetIn(textBox, sel.getRangeAt(0).startContainer, sel.getRangeAt(0).startOffset);
      currentTurn = view.turns.findIndex((t) => t.e >= at) - (step > 0 ? 1 : 0);
    }
    currentTurn = Math.max(0, Math.min(view.turns.length - 1, currentTurn + step));
    const t = view.turns[currentTurn];
    select(t.s, t.e);
    say(`turn ${currentTurn + 1}/${view.turns.length} (${t.speaker}): press a code's key to code the whole turn`);
  }

  function find(step) {
    const q = search.value;
    matches = [];
    if (q) {
      const hay = view.text.toLowerCase();
      const needle = q.toLowerCase();
      for (let i = hay.indexOf(needle); i >= 0; i = hay.indexOf(needle, i + 1)) matches.push(i);
    }
    if (matches.length === 0) { found.textContent = q ? "no match" : ""; matchIndex = -1; return; }
    matchIndex = (matchIndex + step + matches.length) % matches.length;
    found.textContent = `${matchIndex + 1}/${matches.length}`;
    textBox.focus({ preventScroll: true });
    select(matches[matchIndex], matches[matchIndex] + q.length);
  }

  // ---------------------------------------------------------------- keyboard: the widget owns it while focused
  root.addEventListener("keydown", (event) => {
    const mod = event.ctrlKey || event.metaKey;
    const key = event.key.toLowerCase();
    if (mod && key === "z") {
      event.preventDefault(); event.stopPropagation();
      send({ action: event.shiftKey ? "redo" : "undo" });
      return;
    }
    if (mod && key === "y") { event.preventDefault(); event.stopPropagation(); send({ action: "redo" }); return; }
    if (mod || event.altKey) return; // the browser's and JupyterLab's own combinations (copy, save) keep working
    event.stopPropagation(); // no plain key reaches JupyterLab's command mode (m, j, k, a, b, d d, ...)
    if (event.target === search) {
      if (event.key === "Enter") { event.preventDefault(); find(event.shiftKey ? -1 : 1); }
      if (event.key === "Escape") { event.preventDefault(); textBox.focus({ preventScroll: true }); }
      return;
    }
    if (event.target.matches("input, textarea, select")) return;
    if (event.key === "/") { event.preventDefault(); search.focus(); return; }
    if (event.key === "j") { event.preventDefault(); goTurn(1); return; }
    if (event.key === "k") { event.preventDefault(); goTurn(-1); return; }
    if (event.key === "n") { event.preventDefault(); find(event.shiftKey ? -1 : 1); return; }
    const code = model.get("codes").find((c) => c.shortcut && c.shortcut === event.key);
    if (code) { event.preventDefault(); focusedCode = code.id; drawBook(); apply(code.id); }
  });
  search.addEventListener("input", () => { matchIndex = -1; found.textContent = ""; });
  undoButton.addEventListener("click", () => send({ action: "undo" }));
  redoButton.addEventListener("click", () => send({ action: "redo" }));
  switcher.addEventListener("change", () => send({ action: "switch", to: switcher.value }));
  codeFilter.addEventListener("change", drawList);
  coderFilter.addEventListener("change", drawList);

  // ---------------------------------------------------------------- messages from the kernel
  model.on("msg:custom", (msg) => {
    if (msg.kind === "snapshot") {
      view.transcript = msg.transcript;
      view.sha = msg.sha;
      view.text = msg.text;
      view.rev = msg.rev;
      view.turns = msg.turns;
      view.spans = new Map(msg.spans.map((s) => [s.id, s]));
      view.suggestions = msg.suggestions;
      currentTurn = -1;
      matchIndex = -1;
      root.dataset.transcript = msg.transcript;
      drawCodings();
      conn.textContent = connected ? "connected" : conn.textContent;
      view.verified = true;
      sha256(msg.text).then((digest) => {
        if (digest !== null && digest !== msg.sha && view.sha === msg.sha) {
          view.verified = false;
          say(`The text arrived altered (sha256 ${digest.slice(0, 12)}... is not ${msg.sha.slice(0, 12)}...): this view takes no input.`, "error");
        }
      });
    } else if (msg.kind === "delta") {
      if (msg.sha !== view.sha || msg.rev !== view.rev + 1) { model.send({ action: "hello" }); return; }
      view.rev = msg.rev;
      for (const id of msg.drop) view.spans.delete(id);
      for (const s of msg.put) view.spans.set(s.id, s);
      view.suggestions = msg.suggestions;
      drawCodings();
    }
  });
  // A restarted or dead kernel has lost this widget for good: the view says so and takes no more input.
  // ipywidgets sets comm_live to false on "restarting"; the kernel's own status is watched too.
  model.on("comm_live_update", () => checkConnection(true));
  const kernel = model.widget_manager && model.widget_manager.kernel;
  const onStatus = (_, state) => {
    if (state === "restarting" || state === "autorestarting" || state === "dead") checkConnection(true);
  };
  if (kernel && kernel.statusChanged && kernel.statusChanged.connect) kernel.statusChanged.connect(onStatus);
  model.on("change:status", () => say(model.get("status"), model.get("status_kind")));
  model.on("change:codes", () => { drawPalette(); drawBook(); drawCodings(); });
  model.on("change:transcripts", drawBar);
  model.on("change:transcript", drawBar);
  model.on("change:blind", drawBar);
  model.on("change:can_undo", drawBar);
  model.on("change:can_redo", drawBar);
  const observer = new MutationObserver(() => checkConnection(false));
  observer.observe(host, { attributes: true, attributeFilter: ["class"] });
  drawBar();
  drawPalette();
  drawBook();
  say(model.get("status"), model.get("status_kind"));
  model.send({ action: "hello" });
  return () => {
    observer.disconnect();
    if (kernel && kernel.statusChanged && kernel.statusChanged.disconnect) kernel.statusChanged.disconnect(onStatus);
  };
}

export default { render };
