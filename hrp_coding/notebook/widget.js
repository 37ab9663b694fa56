// The coding widget's browser side (anywidget ES module).
//
// The kernel sends a snapshot (text, its sha256, turns, spans, suggestions) and then deltas; offsets in them are
// UTF-16 units, JavaScript's own, converted by the kernel. Every action sent back carries the transcript id, the
// sha256 of the text shown and the quote selected, so the kernel can refuse anything that does not match.
// The text is rendered as literal characters only (white-space: pre-wrap, nothing inserted), so a selection's
// offset inside the text box is an offset into the text. Margin stripes live outside the text box.

// The helpers (tint, sha256, el, offsetIn, cutText, pointIn) are in widget_dom.js, prepended by widget.py.

function render({ model, el: host }) {
  performance.mark("hrp-render"); // the benchmark reads these marks (render, snapshot in, drawn)
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
  const recodeBox = el("div", "hrp-recodes");
  side.append(book, recodeBox, filters, list, suggestBox);
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

  let codeMap = null; // id -> code, rebuilt when the palette changes
  function codesById() { return codeMap || (codeMap = Object.fromEntries(model.get("codes").map((c) => [c.id, c]))); }

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
    const range = rangeOf(s, e);
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
      const option = el("option", "", t.total == null ? t.id : `${t.id} · ${t.coded}/${t.total} turns`);
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

  // In-text highlights use the CSS Custom Highlight API: the text box holds one text node that never changes
  // while the transcript stays, so a delta adds or removes one Range (and the coder's selection survives it).
  const HIGHLIGHTS = typeof CSS !== "undefined" && CSS.highlights && typeof Highlight !== "undefined";
  const viewId = `hrp${Math.random().toString(36).slice(2, 9)}`;
  const sheet = document.createElement("style");
  root.appendChild(sheet);
  const highlights = new Map(); // name -> Highlight
  const drawn = new Map(); // coding id -> {range, name, stripe, row, lane, y1, y2}
  // The text is cut into text nodes at line ends about every 800 units: measuring a stripe's position then
  // lays out one short node, not the whole transcript. Nothing but the text itself is in the text box.
  let chunks = []; // [start, node]

  function drawTextNodes(text) { chunks = cutText(textBox, text); }

  function pointAt(pos) { return pointIn(chunks, textBox, pos); }

  function highlightFor(name, rule) {
    let h = highlights.get(name);
    if (!h) {
      h = new Highlight();
      h.priority = name.includes("-mine-") ? 2 : name.includes("-other-") ? 1 : 0;
      highlights.set(name, h);
      CSS.highlights.set(name, h);
      sheet.textContent += `::highlight(${name}) { ${rule} }\n`;
    }
    return h;
  }

  function clearHighlights() {
    for (const name of highlights.keys()) CSS.highlights.delete(name);
    highlights.clear();
    sheet.textContent = "";
  }

  function staticRange(s, e) { // a highlight's range: the text nodes never change while the transcript stays
    const [startContainer, startOffset] = pointAt(s);
    const [endContainer, endOffset] = pointAt(e);
    return new StaticRange({ startContainer, startOffset, endContainer, endOffset });
  }

  function rangeOf(s, e) {
    const range = document.createRange();
    range.setStart(...pointAt(s));
    range.setEnd(...pointAt(e));
    return range;
  }

  function spanName(span) {
    return `${viewId}-${span.mine ? "mine" : "other"}-${span.code}`;
  }

  function spanRule(span) {
    const code = codesById()[span.code] || { color: "#999999" };
    return span.mine ? `background-color: ${tint(code.color, "59")};`
      : `text-decoration: underline dashed ${code.color} 2px;`;
  }

  const probe = document.createRange(); // one range re-pointed for every measure (no garbage per coding)
  function yRange(s, e) {
    const top0 = textBox.getBoundingClientRect().top;
    const rect = (a, b) => { probe.setStart(...pointAt(a)); probe.setEnd(...pointAt(b)); return probe.getBoundingClientRect(); };
    const first = rect(s, Math.min(s + 1, e));
    const last = rect(Math.max(e - 1, s), e);
    return [first.top - top0, Math.max(last.bottom - top0, first.top - top0 + 14)];
  }

  const stripes = marginLanes(margin, (item) => yRange(item.span.s, item.span.e));

  function makeStripe(item) {
    const { span } = item;
    const code = codesById()[span.code] || { name: span.code, color: "#999999", label: "#000000" };
    const stripe = el("div", span.mine ? "hrp-stripe hrp-stripe-mine" : "hrp-stripe hrp-stripe-other");
    item.stripe = stripe;
    stripes.position(item);
    stripe.style.borderColor = code.color;
    if (span.mine) { stripe.style.background = code.color; stripe.style.color = code.label; }
    stripe.dataset.id = span.id;
    stripe.dataset.code = span.code;
    stripe.title = `${code.name} (${span.coder})${span.memo ? " - " + span.memo : ""}`;
    stripe.appendChild(el("span", "hrp-stripe-label", span.mine ? code.name : `${code.name} · ${span.coder}`));
    stripe.addEventListener("click", () => jump(span.s, span.e));
    item.stripe = stripe;
    return stripe;
  }

  // Stripes and in-text highlights are drawn only for codings within a screen of the part of the text in view
  // (1,500 of each cost most of a redraw's paint); scrolling the text brings the others in.
  let near = [-Infinity, Infinity];
  function nearView() {
    const h = scroll.clientHeight;
    near = h ? [scroll.scrollTop - h, scroll.scrollTop + 2 * h] : [-Infinity, Infinity];
  }

  function show(item) {
    const on = item.y1 < near[1] && item.y2 > near[0];
    if (on === item.on) return;
    item.on = on;
    if (on) {
      margin.appendChild(item.stripe || makeStripe(item));
      if (HIGHLIGHTS) {
        if (!item.range) Object.assign(item, { range: staticRange(item.span.s, item.span.e), name: spanName(item.span), rule: spanRule(item.span) });
        highlightFor(item.name, item.rule).add(item.range);
      }
    } else {
      item.stripe.remove();
      if (item.range && highlights.get(item.name)) highlights.get(item.name).delete(item.range);
    }
  }

  function showNear() { nearView(); for (const item of drawn.values()) show(item); }
  let showing = 0;
  scroll.addEventListener("scroll", () => { showing = showing || requestAnimationFrame(() => { showing = 0; showNear(); }); },
    { passive: true });

  function listRow(span) {
    const codes = codesById();
    const code = codes[span.code] || { name: span.code, color: "#999999" };
    const row = el("div", span.mine ? "hrp-coding hrp-coding-mine" : "hrp-coding");
    row.dataset.id = span.id;
    row.dataset.code = span.code;
    row.dataset.coder = span.coder;
    const swatch = el("span", "hrp-swatch");
    swatch.style.background = code.color;
    const quote = view.text.slice(span.s, span.e);
    const label = el("span", "hrp-jump", `${code.name} · ${span.coder}: "${quote.length > 60 ? quote.slice(0, 57) + "..." : quote}"`);
    label.title = "click to show it in the text";
    label.addEventListener("click", () => jump(span.s, span.e));
    row.append(swatch, label);
    if (span.mine) {
      const remove = el("button", "hrp-remove", "remove");
      remove.title = "remove this coding (undo brings it back)";
      remove.addEventListener("click", () => send({ action: "remove", coding_id: span.id }));
      const memo = el("input", "hrp-memo");
      memo.placeholder = "memo (Enter saves; empty clears)";
      memo.value = span.memo || "";
      memo.addEventListener("keydown", (event) => {
        if (event.key === "Enter") { event.preventDefault(); send({ action: "memo", coding_id: span.id, text: memo.value }); }
      });
      row.append(remove, memo);
    }
    return row;
  }

  function passesFilter(span) {
    return (!codeFilter.value || span.code === codeFilter.value) && (!coderFilter.value || span.coder === coderFilter.value);
  }

  const listTitle = el("h4", "", "Codings");
  const rows = el("div", "hrp-rows");
  list.append(listTitle, rows);
  // in text order; rows are built as they scroll near view (1,500 rows laid out at once cost most of a first draw)
  const inTextOrder = (a, b) => a.s < b.s || (a.s === b.s && (a.e < b.e || (a.e === b.e && a.id < b.id)));
  const codingRows = lazyRows(rows, side, { before: inTextOrder, keep: passesFilter, make: listRow });

  function countRows() {
    let shown = 0;
    for (const span of view.spans.values()) if (passesFilter(span)) shown += 1;
    listTitle.textContent = `Codings (${shown})`;
  }

  function drawFilters() {
    const codes = codesById();
    const fill = (select, label, values, name) => {
      const keep = select.value;
      const have = [...select.options].map((o) => o.value).join("|");
      const want = ["", ...values].join("|");
      if (have === want) return;
      select.replaceChildren();
      const all = el("option", "", label); all.value = ""; select.appendChild(all);
      for (const v of values) { const o = el("option", "", name(v)); o.value = v; select.appendChild(o); }
      select.value = values.includes(keep) ? keep : "";
    };
    const spans = [...view.spans.values()];
    fill(codeFilter, "all codes", [...new Set(spans.map((s) => s.code))].sort(), (v) => (codes[v] || { name: v }).name);
    fill(coderFilter, "all coders", [...new Set(spans.map((s) => s.coder))].sort(), (v) => v);
  }

  function addSpan(span, ys) { // ys: measured for a delta; a snapshot's stripes are laid out all together
    const item = { span, on: false };
    drawn.set(span.id, item);
    if (ys) { stripes.place(item, ys); codingRows.put(span); }
  }

  function dropSpan(id) {
    const item = drawn.get(id);
    if (!item) return;
    if (item.on && item.range && highlights.get(item.name)) highlights.get(item.name).delete(item.range);
    if (item.stripe) item.stripe.remove();
    stripes.free(item);
    codingRows.drop(item.span);
    drawn.delete(id);
  }

  function drawSuggestionMarks() {
    if (!HIGHLIGHTS) return;
    const h = highlightFor(`${viewId}-suggested`, "text-decoration: underline dotted 2px; text-decoration-color: var(--jp-warn-color0, #e65100);");
    const words = highlightFor(`${viewId}-evidence`, "background-color: rgba(230, 81, 0, 0.18);"); // what pushed it
    h.clear();
    words.clear();
    for (const g of view.suggestions) {
      h.add(staticRange(g.s, g.e)); // the passage the suggester narrowed the turn to, not the whole turn
      for (const [a, b] of g.words || []) words.add(staticRange(a, b));
    }
  }

  function drawAllCodings() { // after a snapshot: everything from scratch
    drawn.clear(); // its stripes, highlights and rows all go below
    if (HIGHLIGHTS) clearHighlights();
    drawTextNodes(view.text);
    stripes.reset(overlapDepth(view.spans.values())); // at least that many lanes
    for (const span of view.spans.values()) addSpan(span, null);
    stripes.layout(drawn.values());
    nearView();
    for (const item of drawn.values()) show(item);
    codingRows.reset([...view.spans.values()].sort((a, b) => (inTextOrder(a, b) ? -1 : inTextOrder(b, a) ? 1 : 0)));
    drawSuggestionMarks();
    drawFilters();
    countRows();
  }

  function jump(s, e) { select(s, e); textBox.focus({ preventScroll: true }); }
  const recodes = recodePanel(recodeBox, { codes: codesById, text: () => view.text, jump,
    recode: (id, code) => send({ action: "recode", coding_id: id, code }) });

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
      const said = `${Math.round(100 * g.confidence)}%${g.reliability && g.reliability !== "reliable" ? `, ${g.reliability}` : ""}`;
      const label = el("span", "hrp-jump", `${(codes[g.code] || { name: g.code }).name} (${said}): "${quote.slice(0, 50)}${quote.length > 50 ? "..." : ""}"`);
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

  function drawCodings(delta) {
    const t0 = performance.now();
    if (delta) {
      const ys = delta.put.map((span) => yRange(span.s, span.e)); // measured before any change: no forced layout
      nearView();
      for (const id of delta.drop) dropSpan(id);
      delta.put.forEach((span, i) => { dropSpan(span.id); addSpan(span, ys[i]); });
      if (stripes.tooNarrow()) { stripes.layout(drawn.values()); showNear(); } // a new lane: the text re-wraps
      else for (const span of delta.put) show(drawn.get(span.id));
      drawSuggestionMarks();
      drawFilters();
      countRows();
    } else {
      drawAllCodings();
    }
    drawSuggestions();
    recodes.draw(view.queue);
    root.dataset.drawMs = (performance.now() - t0).toFixed(1); // the script's share of a redraw (benchmark)
    root.dataset.rev = String(view.rev);
    if (!delta) performance.mark("hrp-drawn");
  }

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
  const refilter = () => { codingRows.refilter(); countRows(); };
  codeFilter.addEventListener("change", refilter);
  coderFilter.addEventListener("change", refilter);

  // ---------------------------------------------------------------- messages from the kernel
  model.on("msg:custom", (msg) => {
    if (msg.kind === "snapshot") {
      performance.mark("hrp-snapshot");
      view.transcript = msg.transcript;
      view.sha = msg.sha;
      view.text = msg.text;
      view.rev = msg.rev;
      view.turns = msg.turns;
      view.spans = new Map(fromColumns(msg.spans).map((s) => [s.id, s]));
      view.suggestions = msg.suggestions;
      view.queue = msg.queue || [];
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
      view.queue = msg.queue || [];
      drawCodings(msg);
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
  model.on("change:codes", () => { codeMap = null; drawPalette(); drawBook(); drawCodings(); });
  for (const name of ["transcripts", "transcript", "blind", "can_undo", "can_redo"]) model.on(`change:${name}`, drawBar);
  const observer = new MutationObserver(() => checkConnection(false));
  observer.observe(host, { attributes: true, attributeFilter: ["class"] });
  drawBar();
  drawPalette();
  drawBook();
  say(model.get("status"), model.get("status_kind"));
  model.send({ action: "hello" });
  return () => {
    if (HIGHLIGHTS) clearHighlights();
    observer.disconnect();
    if (kernel && kernel.statusChanged && kernel.statusChanged.disconnect) kernel.statusChanged.disconnect(onStatus);
  };
}

export default { render };
