// The coding widget's browser side (anywidget ES module).
// The text is rendered as literal characters (white-space: pre-wrap, no inserted text), so the
// selection's offset inside the text container is an offset into the canonical text. JavaScript
// counts UTF-16 code units; the project counts code points, so offsets are converted both ways.

function codePointOffset(text, utf16Index) {
  return Array.from(text.slice(0, utf16Index)).length;
}

function utf16Offset(text, codePoints) {
  let units = 0;
  let seen = 0;
  for (const ch of text) {
    if (seen === codePoints) break;
    units += ch.length;
    seen += 1;
  }
  return units;
}

function tint(color) {
  return /^#[0-9a-fA-F]{6}$/.test(color) ? color + "55" : color;
}

function selectionOffsets(container, text) {
  const sel = window.getSelection();
  if (!sel || sel.rangeCount === 0 || sel.isCollapsed) return null;
  const range = sel.getRangeAt(0);
  if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return null;
  const before = document.createRange();
  before.selectNodeContents(container);
  before.setEnd(range.startContainer, range.startOffset);
  const startUnits = before.toString().length;
  const endUnits = startUnits + range.toString().length;
  let start = codePointOffset(text, startUnits);
  let end = codePointOffset(text, endUnits);
  // trim surrounding white space, as coders rarely mean to code it
  const chars = Array.from(text);
  while (start < end && /\s/.test(chars[start])) start += 1;
  while (end > start && /\s/.test(chars[end - 1])) end -= 1;
  return end > start ? { start, end } : null;
}

function renderText(container, model) {
  const text = model.get("text");
  const spans = model.get("spans");
  const codes = Object.fromEntries(model.get("codes").map((c) => [c.id, c]));
  const chars = Array.from(text);
  const cuts = new Set([0, chars.length]);
  for (const s of spans) { cuts.add(s.start); cuts.add(s.end); }
  const points = [...cuts].sort((a, b) => a - b);
  container.replaceChildren();
  for (let i = 0; i + 1 < points.length; i++) {
    const left = points[i];
    const right = points[i + 1];
    const piece = chars.slice(left, right).join("");
    const covering = spans.filter((s) => s.start <= left && s.end >= right);
    if (covering.length === 0) {
      container.appendChild(document.createTextNode(piece));
      continue;
    }
    const el = document.createElement("span");
    el.textContent = piece;
    el.className = "hrp-span";
    const first = codes[covering[0].code];
    el.style.background = tint(first ? first.color : "#999999");
    el.style.boxShadow = covering.slice(1).map((s, k) => {
      const c = codes[s.code];
      return `inset 0 -${2 * (k + 1)}px 0 ${c ? c.color : "#999999"}`;
    }).join(", ");
    el.title = covering.map((s) => `${s.code} (${s.coder})${s.memo ? " - " + s.memo : ""}`).join("\n");
    el.dataset.codings = covering.filter((s) => s.mine).map((s) => s.id).join(" ");
    container.appendChild(el);
  }
}

function render({ model, el }) {
  el.classList.add("hrp-widget");
  const root = document.createElement("div");
  root.className = "hrp-root";
  const header = document.createElement("div");
  header.className = "hrp-header";
  const palette = document.createElement("div");
  palette.className = "hrp-palette";
  const body = document.createElement("div");
  body.className = "hrp-body";
  const textBox = document.createElement("div");
  textBox.className = "hrp-text";
  textBox.tabIndex = 0;
  const side = document.createElement("div");
  side.className = "hrp-side";
  const mine = document.createElement("div");
  mine.className = "hrp-mine";
  const suggestions = document.createElement("div");
  suggestions.className = "hrp-suggestions";
  const status = document.createElement("div");
  status.className = "hrp-status";
  side.append(mine, suggestions);
  body.append(textBox, side);
  root.append(header, palette, body, status);
  el.appendChild(root);

  let lastSelection = null;

  function apply(code) {
    const offsets = selectionOffsets(textBox, model.get("text")) || lastSelection;
    if (!offsets) {
      status.textContent = "Select a passage first, then choose a code.";
      return;
    }
    model.send({ action: "add", start: offsets.start, end: offsets.end, code });
    lastSelection = null;
    window.getSelection().removeAllRanges();
  }

  function drawHeader() {
    const blind = model.get("blind") ? " · blind coding: other coders and suggestions hidden" : "";
    header.textContent = `${model.get("transcript")} · coder ${model.get("coder")}${blind}`;
  }

  function drawPalette() {
    palette.replaceChildren();
    for (const code of model.get("codes")) {
      const button = document.createElement("button");
      button.className = "hrp-code";
      button.dataset.code = code.id;
      button.style.borderLeft = `6px solid ${code.color}`;
      button.textContent = code.shortcut ? `${code.shortcut} ${code.name}` : code.name;
      button.title = code.definition;
      // keep the text selection alive when the button takes the mouse
      button.addEventListener("mousedown", (event) => event.preventDefault());
      button.addEventListener("click", () => apply(code.id));
      palette.appendChild(button);
    }
  }

  function drawMine() {
    mine.replaceChildren();
    const title = document.createElement("h4");
    title.textContent = "My codings";
    mine.appendChild(title);
    const text = model.get("text");
    const chars = Array.from(text);
    for (const s of model.get("spans").filter((x) => x.mine)) {
      const row = document.createElement("div");
      row.className = "hrp-coding";
      row.dataset.id = s.id;
      const quote = chars.slice(s.start, s.end).join("");
      const label = document.createElement("span");
      label.textContent = `${s.code}: "${quote.length > 60 ? quote.slice(0, 57) + "..." : quote}"`;
      const remove = document.createElement("button");
      remove.textContent = "remove";
      remove.className = "hrp-remove";
      remove.addEventListener("click", () => model.send({ action: "remove", coding_id: s.id }));
      const memo = document.createElement("input");
      memo.placeholder = "memo";
      memo.value = s.memo || "";
      memo.className = "hrp-memo";
      memo.addEventListener("change", () => model.send({ action: "memo", coding_id: s.id, text: memo.value }));
      row.append(label, remove, memo);
      mine.appendChild(row);
    }
  }

  function drawSuggestions() {
    suggestions.replaceChildren();
    const items = model.get("suggestions");
    if (model.get("blind") || items.length === 0) return;
    const title = document.createElement("h4");
    title.textContent = "Suggestions (never applied until you accept)";
    suggestions.appendChild(title);
    const text = Array.from(model.get("text"));
    for (const s of items) {
      const row = document.createElement("div");
      row.className = "hrp-suggestion";
      row.dataset.key = s.key;
      const label = document.createElement("span");
      const quote = text.slice(s.start, s.end).join("");
      label.textContent = `${s.code} (${Math.round(100 * s.confidence)}%): "${quote.slice(0, 50)}${quote.length > 50 ? "..." : ""}"`;
      label.title = s.evidence ? `evidence: ${s.evidence}` : "";
      const accept = document.createElement("button");
      accept.textContent = "accept";
      accept.className = "hrp-accept";
      accept.addEventListener("click", () => model.send({ action: "accept", key: s.key }));
      const reject = document.createElement("button");
      reject.textContent = "reject";
      reject.className = "hrp-reject";
      reject.addEventListener("click", () => model.send({ action: "reject", key: s.key }));
      row.append(label, accept, reject);
      suggestions.appendChild(row);
    }
  }

  function drawAll() {
    drawHeader();
    drawPalette();
    renderText(textBox, model);
    drawMine();
    drawSuggestions();
  }

  textBox.addEventListener("mouseup", () => {
    lastSelection = selectionOffsets(textBox, model.get("text"));
  });
  textBox.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const code = model.get("codes").find((c) => c.shortcut && c.shortcut === event.key);
    if (code) {
      event.preventDefault();
      apply(code.id);
    }
  });

  model.on("change:spans", () => { renderText(textBox, model); drawMine(); });
  model.on("change:suggestions", drawSuggestions);
  model.on("change:codes", drawPalette);
  model.on("change:blind", drawAll);
  model.on("change:status", () => { status.textContent = model.get("status"); });
  drawAll();
  status.textContent = model.get("status");
}

export default { render };
